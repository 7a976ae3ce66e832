"""Kafka partition -> source subtask, with the enumerator's own formula (R2.2).

``KafkaSourceEnumerator#getSplitOwner`` (flink-connector-kafka v3.3.0):
``((hash(topic) * 31 & 0x7FFFFFFF) % numReaders + partition) % numReaders``, Java String.hashCode.
"""

from __future__ import annotations

from flinkdoctor.engine.timeutil import java_string_hash, to_int32


def split_owner(topic: str, partition: int, num_readers: int) -> int:
    """The subtask index that reads ``topic``/``partition`` when ``num_readers`` subtasks run."""
    start = (to_int32(java_string_hash(topic) * 31) & 0x7FFFFFFF) % num_readers
    return (start + partition) % num_readers


def assign_partitions(topic: str, partitions: int, num_readers: int) -> dict[int, list[int]]:
    """Subtask -> the partitions it owns (every subtask present, possibly with none: R2.3)."""
    owners: dict[int, list[int]] = {s: [] for s in range(num_readers)}
    for p in range(partitions):
        owners[split_owner(topic, p, num_readers)].append(p)
    return owners
