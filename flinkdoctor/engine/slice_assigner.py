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

    def slice_end(self, ts: int) -> int:
        """``assignSliceEnd``: the end of the slice holding ``ts``."""
        return ts - (ts - self.offset) % self.size + self.size

    def slice_interval(self) -> int:
        """``getSliceEndInterval``."""
        return self.size

    def windows_of_slice(self, slice_end: int) -> list[tuple[int, int]]:
        """Every window that contains the slice ending at ``slice_end``."""
        return [(slice_end - self.size, slice_end)]


@dataclass(frozen=True, slots=True)
class HoppingAssigner:
    """``HOP(slide, size [, offset])`` / legacy ``HOP``: every ``slide``, ``size`` long."""

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

    def slice_end(self, ts: int) -> int:
        return window_start(ts, self.offset, self.slide) + self.slide

    def slice_interval(self) -> int:
        return self.slide

    def windows_of_slice(self, slice_end: int) -> list[tuple[int, int]]:
        return [
            (e - self.size, e)
            for e in range(slice_end, slice_end - self.slide + self.size + 1, self.slide)
        ]


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

    def slice_end(self, ts: int) -> int:
        return window_start(ts, self.offset, self.step) + self.step

    def slice_interval(self) -> int:
        return self.step

    def windows_of_slice(self, slice_end: int) -> list[tuple[int, int]]:
        start = window_start(slice_end - 1, self.offset, self.size)
        return [(start, e) for e in range(slice_end, start + self.size + 1, self.step)]


WindowAssigner = TumblingAssigner | HoppingAssigner | CumulativeAssigner
