"""The verdict for one value: what Flink does with it, and why."""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple


class Status(str, Enum):
    """How Flink treats a value."""

    OK = "ok"  # parsed by the pattern (or by the default formatter)
    FALLBACK = "fallback"  # pattern failed, java.sql Timestamp.valueOf/Date.valueOf parsed it
    NULL = "null"  # Flink silently yields NULL
    FAIL = "fail"  # Flink fails the job (CAST, JSON decoding, bad precision)


class Conversion(NamedTuple):
    """One value's verdict (immutable; a NamedTuple because building one per value at 500k/s
    with a frozen dataclass costs three times as much).

    ``millis``: for TIMESTAMP the wall-clock value as epoch milliseconds as if UTC (floored); for
    TIMESTAMP_LTZ the real epoch milliseconds. ``error_index``: where matching stopped (a caret).
    ``nano_of_milli``: the sub-millisecond nanoseconds Flink keeps in the value (the java.sql
    fallback and JSON decoding keep all 9 digits even in a TIMESTAMP(3), and CAST(... AS STRING)
    prints them); 0 elsewhere.
    """

    status: Status
    millis: int | None = None
    reason: str | None = None
    error_index: int | None = None
    nano_of_milli: int = 0

    @property
    def ok(self) -> bool:
        """True when Flink produces a value (pattern or fallback)."""
        return self.millis is not None
