"""Kafka partition -> source subtask, with the enumerator's own formula (R2.2).

``KafkaSourceEnumerator#getSplitOwner`` (flink-connector-kafka v3.3.0):
``((hash(topic) * 31 & 0x7FFFFFFF) % numReaders + partition) % numReaders``, Java String.hashCode.

The partitions a subtask owns are every ``numReaders``-th id from its first one: a ``range``,
so a topic of any size (ids up to 2^31 - 1) costs nothing per partition.
"""

from __future__ import annotations

from flinkdoctor.engine.timeutil import java_string_hash, to_int32


def owner_start(topic: str, num_readers: int) -> int:
    """The subtask that owns partition 0 (the enumerator's ``startIndex``)."""
    return (to_int32(java_string_hash(topic) * 31) & 0x7FFFFFFF) % num_readers


def split_owner(topic: str, partition: int, num_readers: int) -> int:
    """The subtask index that reads ``topic``/``partition`` when ``num_readers`` subtasks run."""
    return (owner_start(topic, num_readers) + partition) % num_readers


def owned_partitions(start: int, partitions: int, num_readers: int, subtask: int) -> range:
    """The partitions of ``0 .. partitions - 1`` that ``subtask`` owns when partition 0 goes to
    subtask ``start`` (possibly none: R2.3), in ascending order."""
    return range((subtask - start) % num_readers, partitions, num_readers)


def assign_partitions(topic: str, partitions: int, num_readers: int) -> dict[int, range]:
    """Subtask -> the partitions it owns (every subtask present, possibly with none: R2.3)."""
    start = owner_start(topic, num_readers)
    return {s: owned_partitions(start, partitions, num_readers, s) for s in range(num_readers)}
