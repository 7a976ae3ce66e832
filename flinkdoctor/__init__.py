"""flinkdoctor: why is my Flink SQL sink empty? Offline answers, with Flink 1.20's semantics."""

__version__ = "0.1.0"
