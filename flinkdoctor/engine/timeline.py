"""A bounded per-input watermark timeline: memory stays flat however many watermarks are emitted."""

from __future__ import annotations

from typing import NamedTuple


class WatermarkPoint(NamedTuple):
    """The watermark of one input from processing time ``at`` (ms since the job started) on.
    (A named tuple: one is made per emitted watermark, ~4x cheaper than a frozen dataclass.)"""

    at: int
    watermark: int
    idle: bool
    records: int
    """How many input records had been read when this point was recorded."""


_point = tuple.__new__
"""``WatermarkPoint(...)`` without the named tuple's Python-level ``__new__`` (one per point)."""


class TimelineRecorder:
    """Keeps every change of each input until ``cap`` points, then thins to every other point
    (keeping the first and the latest) so a picture of the whole run survives."""

    __slots__ = ("cap", "last", "order", "points")

    def __init__(self, cap: int = 400) -> None:
        self.cap = cap
        self.points: dict[str, list[WatermarkPoint]] = {}
        self.order: list[str] = []
        self.last: dict[str, tuple[int, bool]] = {}

    def declare(self, name: str, watermark: int, idle: bool = False) -> None:
        """Register an input (in display order) with its initial state."""
        if name not in self.points:
            self.order.append(name)
            self.points[name] = [WatermarkPoint(0, watermark, idle, 0)]
            self.last[name] = (watermark, idle)

    def fork(self, source: str, name: str) -> None:
        """Register ``name`` with the history of ``source`` so far (a split made from the state
        the never-fed splits share has had their timeline until now)."""
        if name not in self.points:
            self.order.append(name)
        self.points[name] = list(self.points[source])
        self.last[name] = self.last[source]

    def record(self, name: str, at: int, watermark: int, idle: bool, records: int) -> None:
        """Note the input's state if it changed."""
        state = (watermark, idle)
        if self.last.get(name) == state:
            return
        self.last[name] = state
        series = self.points.get(name)
        if series is None:  # ``points`` and ``order`` hold the same names (see ``declare``)
            series = self.series(name)
        series.append(_point(WatermarkPoint, (at, watermark, idle, records)))
        if len(series) > self.cap:
            thin(series)

    def series(self, name: str) -> list[WatermarkPoint]:
        """The points of ``name`` (declared if new), for a loop that inlines ``record``: it
        must update ``last`` and call ``thin`` past ``cap`` exactly as ``record`` does."""
        found = self.points.get(name)
        if found is None:
            found = self.points[name] = []
            self.order.append(name)
        return found


def thin(series: list[WatermarkPoint]) -> None:
    """Every other point, keeping the first and the latest."""
    latest = series[-1]
    del series[1:-1:2]
    if series[-1] is not latest:
        series.append(latest)
