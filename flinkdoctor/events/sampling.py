"""What to sample and what was seen, as pure values: the start position (``--from``), the per-
partition offset ranges it resolves to, topic metadata, and a running per-partition summary.

``events.kafka`` does the broker I/O and feeds these; ``render.sample_text`` prints them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dateutil import parser as date_parser

from flinkdoctor.errors import InputError
from flinkdoctor.events.record import Record


@dataclass(frozen=True)
class Earliest:
    """Each partition from its first retained offset."""


@dataclass(frozen=True)
class Latest:
    """Only messages produced after sampling starts (until the limits or the timeout)."""


@dataclass(frozen=True)
class Tail:
    """The last ``count`` messages of each partition."""

    count: int


@dataclass(frozen=True)
class AtTime:
    """Each partition from its first message with Kafka timestamp >= ``millis`` (epoch ms)."""

    millis: int


StartFrom = Earliest | Latest | Tail | AtTime

_NUMBER = re.compile(r"[+-]?\d+")


def parse_start(text: str) -> StartFrom:
    """``--from``: ``earliest``, ``latest``, ``-N`` (last N per partition), epoch milliseconds,
    or a date/time that python-dateutil reads (``2024-12-14T03:00:00Z``, ``2024-12-14 03:00``).
    A date/time without a zone is taken as UTC, like Kafka's timestamps.
    """
    word = text.strip()
    if word.lower() == "earliest":
        return Earliest()
    if word.lower() == "latest":
        return Latest()
    if _NUMBER.fullmatch(word):
        number = int(word)
        if word.startswith("-"):
            if number == 0:
                raise InputError("--from -0 selects nothing; use -N with N >= 1")
            return Tail(-number)
        return AtTime(number)
    try:
        moment = date_parser.parse(word)
    except (ValueError, OverflowError):
        raise InputError(
            f"--from {text!r} is not earliest, latest, -N, epoch milliseconds or a date/time"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return AtTime(int(moment.timestamp() * 1000))


def describe_start(start: StartFrom) -> str:
    """``start`` as the user would write it."""
    if isinstance(start, Earliest):
        return "earliest"
    if isinstance(start, Latest):
        return "latest"
    if isinstance(start, Tail):
        return f"-{start.count}"
    return format_millis(start.millis)


@dataclass(frozen=True)
class OffsetRange:
    """Offsets ``[start, stop)`` of one partition to read; ``stop`` None = follow (``latest``)."""

    start: int
    stop: int | None

    @property
    def empty(self) -> bool:
        return self.stop is not None and self.start >= self.stop


def offset_range(
    start: StartFrom,
    begin: int,
    end: int,
    max_per_partition: int,
    offset_for_time: int | None = None,
) -> OffsetRange:
    """Offsets to read from a partition whose retained offsets are ``[begin, end)``.
    ``offset_for_time`` is the broker's answer for an ``AtTime`` start (None: no message that late).
    """
    if isinstance(start, Latest):
        return OffsetRange(end, None)
    if isinstance(start, Earliest):
        first = begin
    elif isinstance(start, Tail):
        first = max(begin, end - start.count)
    else:
        first = end if offset_for_time is None else max(begin, offset_for_time)
    return OffsetRange(first, min(end, first + max_per_partition))


@dataclass(frozen=True)
class Boundary:
    """A partition's first or last retained message: Kafka timestamp and payload event time."""

    offset: int
    timestamp: int | None
    timestamp_type: str | None
    event_time: int | None


@dataclass(frozen=True)
class PartitionMetadata:
    """One partition as the broker describes it; ``first``/``last`` are None when empty or when
    they could not be read within the time limit.
    """

    partition: int
    begin: int
    end: int
    first: Boundary | None = None
    last: Boundary | None = None

    @property
    def retained(self) -> int:
        """Messages retained (an upper bound: compaction and transactions leave gaps)."""
        return self.end - self.begin


@dataclass(frozen=True)
class TopicMetadata:
    """A topic's partitions, sorted by partition number."""

    topic: str
    partitions: tuple[PartitionMetadata, ...]


@dataclass
class PartitionStats:
    """What the sample holds for one partition, updated record by record."""

    partition: int
    count: int = 0
    first_offset: int | None = None
    last_offset: int | None = None
    min_timestamp: int | None = None
    max_timestamp: int | None = None
    timestamp_types: set[str] = field(default_factory=set)
    undecodable: int = 0
    first_event_time: int | None = None
    last_event_time: int | None = None
    min_event_time: int | None = None
    max_event_time: int | None = None
    missing_event_time: int = 0
    out_of_order_event_time: int = 0
    """Records whose event time is below an earlier one in the same partition."""

    def add(self, record: Record) -> None:
        """Count one record (the sampler's hot path: plain comparisons, no calls)."""
        self.count += 1
        if self.first_offset is None:
            self.first_offset = record.offset
        self.last_offset = record.offset
        ts = record.timestamp
        if ts is not None:
            if self.min_timestamp is None or ts < self.min_timestamp:
                self.min_timestamp = ts
            if self.max_timestamp is None or ts > self.max_timestamp:
                self.max_timestamp = ts
        kind = record.timestamp_type
        if kind is not None and kind not in self.timestamp_types:
            self.timestamp_types.add(kind)
        if record.decode_error is not None:
            self.undecodable += 1

    def add_event_time(self, event_time: int | None) -> None:
        """Count the payload event time of the record just added (None: missing/unparseable)."""
        if event_time is None:
            self.missing_event_time += 1
            return
        if self.first_event_time is None:
            self.first_event_time = event_time
        self.last_event_time = event_time
        if self.max_event_time is not None and event_time < self.max_event_time:
            self.out_of_order_event_time += 1
        if self.min_event_time is None or event_time < self.min_event_time:
            self.min_event_time = event_time
        if self.max_event_time is None or event_time > self.max_event_time:
            self.max_event_time = event_time


EventTime = Callable[[Any], "int | None"]
"""Payload event time of a decoded value in epoch ms, or None (missing or unparseable)."""


@dataclass
class SampleSummary:
    """A sample's per-partition statistics plus how it ended; ``stop_reason`` is one of
    ``complete`` (every partition read to its range end), ``max-total``, ``timeout``,
    ``interrupted`` (Ctrl-C), ``output-closed`` (set by a caller whose reader went away) and
    ``connection-lost`` (the broker went away mid-sample).
    """

    topic: str
    start: StartFrom
    partitions: dict[int, PartitionStats]
    metadata: TopicMetadata | None = None
    ranges: Mapping[int, OffsetRange] = field(default_factory=dict)
    stop_reason: str = "complete"
    event_time: EventTime | None = None

    @classmethod
    def for_partitions(
        cls, topic: str, start: StartFrom, partitions: list[int], event_time: EventTime | None
    ) -> SampleSummary:
        return cls(topic, start, {p: PartitionStats(p) for p in partitions}, event_time=event_time)

    def add(self, record: Record) -> None:
        """Count one sampled record (its partition must be one of ``partitions``)."""
        assert record.partition is not None
        stats = self.partitions[record.partition]
        stats.add(record)
        if self.event_time is not None:
            stats.add_event_time(self.event_time(record.value))

    @property
    def total(self) -> int:
        return sum(stats.count for stats in self.partitions.values())

    @property
    def undecodable(self) -> int:
        return sum(stats.undecodable for stats in self.partitions.values())

    def empty_partitions(self) -> list[int]:
        """Partitions with no retained message at all (per the metadata)."""
        if self.metadata is None:
            return []
        return [p.partition for p in self.metadata.partitions if p.retained == 0]


def format_millis(millis: int | None) -> str:
    """Epoch ms as ``YYYY-MM-DD HH:MM:SS.fff`` UTC (the project's timestamp text), "" for None."""
    if millis is None:
        return ""
    try:
        m = dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=millis)
    except OverflowError:  # beyond years 1..9999: show the number rather than fail the summary
        return f"{millis} ms since 1970 (out of range)"
    return (
        f"{m.year:04d}-{m.month:02d}-{m.day:02d} {m.hour:02d}:{m.minute:02d}:{m.second:02d}."
        f"{m.microsecond // 1000:03d}"
    )
