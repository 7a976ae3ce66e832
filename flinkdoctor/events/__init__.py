"""Events: the Record model, readers for JSONL / kcat -J / sample files, and the Kafka sampler."""

from flinkdoctor.events.record import Record

__all__ = ["Record"]
