"""Window assignment (R3.1): which windows ``[start, end)`` a (time-zone shifted) timestamp is in.

Named after Flink's ``SliceAssigners`` / legacy ``WindowAssigner``s. Flink computes TVF windows
from slices (``gcd`` sized pieces); the windows a row ends up in, and which of them are already
fired, are the same as enumerating the windows directly, which is what these do.
"""

from __future__ import annotations

from dataclasses import dataclass

from flinkdoctor.engine.timeutil import window_start


@dataclass(frozen=True, slots=True)
class TumblingAssigner:
    """``TUMBLE(size [, offset])``: exactly one window."""

    size: int
    offset: int = 0

    def windows(self, ts: int) -> list[tuple[int, int]]:
        start = ts - (ts - self.offset) % self.size
        return [(start, start + self.size)]

    def last_window_end(self, ts: int) -> int:
        """R3.4: the end of the last window that contains ``ts``."""
        return ts - (ts - self.offset) % self.size + self.size


@dataclass(frozen=True, slots=True)
class HoppingAssigner:
    """``HOP(slide, size [, offset])`` / legacy ``HOP``: windows every ``slide`` of length ``size``."""

    size: int
    slide: int
    offset: int = 0

    def windows(self, ts: int) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        start = window_start(ts, self.offset, self.slide)
        limit = ts - self.size
        while start > limit:
            out.append((start, start + self.size))
            start -= self.slide
        out.reverse()
        return out

    def last_window_end(self, ts: int) -> int:
        return window_start(ts, self.offset, self.slide) + self.size


@dataclass(frozen=True, slots=True)
class CumulativeAssigner:
    """``CUMULATE(step, size [, offset])``: ``[start, start + k*step)``, start aligned to size."""

    size: int
    step: int
    offset: int = 0

    def windows(self, ts: int) -> list[tuple[int, int]]:
        start = window_start(ts, self.offset, self.size)
        first_end = window_start(ts, self.offset, self.step) + self.step
        return [(start, end) for end in range(first_end, start + self.size + 1, self.step)]

    def last_window_end(self, ts: int) -> int:
        return window_start(ts, self.offset, self.size) + self.size


WindowAssigner = TumblingAssigner | HoppingAssigner | CumulativeAssigner
