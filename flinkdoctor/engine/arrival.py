"""Processing time comes from an arrival model, never from the clock (DESIGN.md "Engine shape").

- ``file``: records in file order, all at once (processing time 0).
- ``live``: each record arrives at its Kafka timestamp (relative to the first one; processing time
  never goes back, so a record stamped earlier than one already read arrives "now").
- ``backlog``: a consumer catching up, reading ``rate`` records per second from the start.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Literal

from flinkdoctor.errors import InputError, Location
from flinkdoctor.events.record import Record

ArrivalMode = Literal["file", "live", "backlog"]
ARRIVAL_MODES: tuple[ArrivalMode, ...] = ("file", "live", "backlog")


def arrivals(
    records: Iterable[Record], mode: ArrivalMode, rate: float = 10_000.0
) -> Iterator[tuple[int, Record]]:
    """``(processing time in ms since the job started, record)`` pairs, lazily."""
    if mode == "file":
        return zip(itertools.repeat(0), records)
    if mode == "backlog":
        if rate <= 0:
            raise InputError(f"backlog rate must be positive, got {rate}")
        per_record = 1000.0 / rate
        times = map(int, map(per_record.__mul__, itertools.count()))
        return zip(times, records)  # noqa: B905 - count() is endless
    if mode == "live":
        return _live(records)
    raise InputError(f"unknown arrival mode {mode!r}")  # pragma: no cover - typer restricts it


def _live(records: Iterable[Record]) -> Iterator[tuple[int, Record]]:
    first: int | None = None
    now = 0
    for record in records:
        ts = record.timestamp
        if ts is None:
            raise _no_timestamp(record)
        if first is None:
            first = ts
        ahead = ts - first
        if ahead > now:  # never back in time
            now = ahead
        yield now, record


class LiveClock:
    """``live`` arrival times one record at a time, for a reader that does not go through
    ``arrivals`` (the simulator's fused loops keep ``first`` and ``now`` in locals and write them
    back here). Calling it again with the same record gives the same time and changes nothing."""

    __slots__ = ("first", "now")

    def __init__(self) -> None:
        self.first: int | None = None
        self.now = 0

    def __call__(self, record: Record) -> int:
        ts = record.timestamp
        if ts is None:
            raise _no_timestamp(record)
        if self.first is None:
            self.first = ts
        ahead = ts - self.first
        if ahead > self.now:
            self.now = ahead
        return self.now


def _no_timestamp(record: Record) -> InputError:
    where = record.source or "<input>"
    return InputError(
        "--arrival live needs each record's Kafka timestamp (an envelope with "
        "'timestamp', or kcat -J 'ts')",
        Location(where) if ":" not in where else _loc(where),
    )


def _loc(source: str) -> Location:
    name, _, line = source.rpartition(":")
    return Location(name, int(line)) if line.isdigit() else Location(source)
