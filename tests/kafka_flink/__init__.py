"""Real Flink 1.20 reading a real Kafka broker, compared with the engine's Kafka path."""
