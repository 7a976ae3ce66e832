"""The window aggregate operators: fire at ``wm >= end - 1`` (R3.3), drop late rows (R3.4, R3.6,
R3.7), and keep what is still open so it can be explained.

- ``AlignedWindowOperator``: TUMBLE / HOP / CUMULATE, both the TVF (``WindowAggOperator`` with a
  slicing processor: a row is dropped only when the *last* window containing it has fired, else
  it joins the windows still open) and the legacy group window (``WindowOperator``: windows that
  are late are skipped, the row is dropped when all are; allowed lateness is 0 in both cases).
- ``SessionWindowOperator``: SESSION TVF (1.19+) and legacy SESSION; sessions merge when they
  touch (``TimeWindow.intersects`` is inclusive), a new session that is already late is dropped.

Timestamps given to ``process`` are already shifted to local wall-clock for TIMESTAMP_LTZ
rowtimes; triggers convert window ends back with ``toEpochMillsForTimer`` (R3.2).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from flinkdoctor.engine.aggregates import AggSpec, compile_updater, merge_into, results
from flinkdoctor.engine.slice_assigner import TumblingAssigner, WindowAssigner
from flinkdoctor.engine.timeutil import LONG_MIN, ZoneShift


@dataclass(frozen=True, slots=True)
class WindowRow:
    """One fired (window, key): local window bounds, the group key and aggregate results."""

    start: int
    end: int
    key: tuple[Any, ...]
    values: tuple[Any, ...]
    fired_at: int
    """The operator watermark that fired it (epoch ms; LONG_MAX at end of input)."""
    records: int


@dataclass(frozen=True, slots=True)
class OpenWindow:
    """A (window, key) that has data and has not fired."""

    start: int
    end: int
    key: tuple[Any, ...]
    records: int
    trigger: int
    """The operator watermark needed to fire it: epoch ms of ``end - 1`` (R3.3)."""


Emit = Callable[[WindowRow], None]


class AlignedWindowOperator:
    """TUMBLE / HOP / CUMULATE (TVF or legacy), keyed, one accumulator per (window end, key)."""

    def __init__(
        self,
        assigner: WindowAssigner,
        specs: Sequence[AggSpec],
        emit: Emit,
        shift: ZoneShift | None = None,
    ) -> None:
        self.assigner = assigner
        self.specs = tuple(specs)
        self.emit = emit
        self.shift = shift
        self.progress = LONG_MIN
        self.new_acc, self.update = compile_updater(self.specs)
        self.state: dict[int, dict[Hashable, list[Any]]] = {}
        self.starts: dict[int, int] = {}
        self.timers: list[tuple[int, int]] = []
        self._triggers: dict[int, int] = {}
        self.fast_tumble = isinstance(assigner, TumblingAssigner) and shift is None

    def trigger(self, end: int) -> int:
        """``toEpochMillsForTimer(end - 1)``: the watermark that fires a window ending at end."""
        if self.shift is None:
            return end - 1
        t = self._triggers.get(end)
        if t is None:
            t = self.shift.timer(end - 1)
            self._triggers[end] = t
        return t

    def process(self, key: Hashable, ts: int, vals: tuple[Any, ...]) -> bool:
        """Add a row; False when it was dropped as late (all its windows fired)."""
        if self.fast_tumble:
            a = self.assigner
            assert isinstance(a, TumblingAssigner)
            end = ts - (ts - a.offset) % a.size + a.size
            if end - 1 <= self.progress:
                return False
            d = self.state.get(end)
            if d is None:
                d = self.state[end] = {}
                self.starts[end] = end - a.size
                heapq.heappush(self.timers, (end - 1, end))
            acc = d.get(key)
            if acc is None:
                acc = d[key] = self.new_acc()
            self.update(acc, vals)
            return True
        accepted = False
        for start, end in self.assigner.windows(ts):
            trig = self.trigger(end)
            if trig <= self.progress:
                continue
            d = self.state.get(end)
            if d is None:
                d = self.state[end] = {}
                self.starts[end] = start
                heapq.heappush(self.timers, (trig, end))
            acc = d.get(key)
            if acc is None:
                acc = d[key] = self.new_acc()
            self.update(acc, vals)
            accepted = True
        return accepted

    def advance(self, watermark: int) -> None:
        """A new input watermark: fire every window whose trigger it reaches (R3.3, R3.9)."""
        if watermark <= self.progress:
            return
        self.progress = watermark
        timers = self.timers
        while timers and timers[0][0] <= watermark:
            _, end = heapq.heappop(timers)
            keyed = self.state.pop(end, None)
            start = self.starts.pop(end)
            self._triggers.pop(end, None)
            if not keyed:
                continue
            for key, acc in keyed.items():
                k = key if isinstance(key, tuple) else (key,)
                self.emit(WindowRow(start, end, k, results(self.specs, acc), watermark, acc[0]))

    def open_windows(self) -> Iterator[OpenWindow]:
        """Every (window, key) with data that has not fired, earliest first."""
        for end in sorted(self.state):
            for key, acc in self.state[end].items():
                k = key if isinstance(key, tuple) else (key,)
                yield OpenWindow(self.starts[end], end, k, acc[0], self.trigger(end))


class _Session:
    __slots__ = ("acc", "alive", "end", "start")

    def __init__(self, start: int, end: int, acc: list[Any]) -> None:
        self.start = start
        self.end = end
        self.acc = acc
        self.alive = True


class SessionWindowOperator:
    """SESSION windows per key (TVF: per PARTITION BY key; legacy: per GROUP BY key)."""

    def __init__(
        self,
        gap: int,
        specs: Sequence[AggSpec],
        emit: Emit,
        shift: ZoneShift | None = None,
    ) -> None:
        self.gap = gap
        self.specs = tuple(specs)
        self.emit = emit
        self.shift = shift
        self.progress = LONG_MIN
        self.new_acc, self.update = compile_updater(self.specs)
        self.sessions: dict[Hashable, list[_Session]] = {}
        self.timers: list[tuple[int, int, Hashable, _Session]] = []
        self._seq = 0

    def trigger(self, end: int) -> int:
        """The watermark that fires a session ending at ``end``."""
        return end - 1 if self.shift is None else self.shift.timer(end - 1)

    def process(self, key: Hashable, ts: int, vals: tuple[Any, ...]) -> bool:
        """Add a row; False when its (merged) session is already late (R3.6)."""
        start, end = ts, ts + self.gap
        existing = self.sessions.get(key)
        touching = [s for s in existing if s.start <= end and s.end >= start] if existing else []
        if not touching:
            if self.trigger(end) <= self.progress:
                return False
            session = _Session(start, end, self.new_acc())
            self.sessions.setdefault(key, []).append(session)
            self._schedule(key, session)
        else:
            session = touching[0]
            new_start = min([start] + [s.start for s in touching])
            new_end = max([end] + [s.end for s in touching])
            for other in touching[1:]:
                merge_into(self.specs, session.acc, other.acc)
                other.alive = False
                assert existing is not None
                existing.remove(other)
            changed = new_end != session.end
            session.start, session.end = new_start, new_end
            if changed or len(touching) > 1:
                self._schedule(key, session)
        self.update(session.acc, vals)
        return True

    def _schedule(self, key: Hashable, session: _Session) -> None:
        self._seq += 1
        heapq.heappush(self.timers, (self.trigger(session.end), self._seq, key, session))

    def advance(self, watermark: int) -> None:
        """Fire sessions whose end - 1 the watermark reached."""
        if watermark <= self.progress:
            return
        self.progress = watermark
        timers = self.timers
        while timers and timers[0][0] <= watermark:
            trig, _, key, session = heapq.heappop(timers)
            if not session.alive or self.trigger(session.end) != trig:
                continue  # superseded by a merge
            session.alive = False
            live = self.sessions.get(key)
            if live is not None:
                live.remove(session)
                if not live:
                    del self.sessions[key]
            k = key if isinstance(key, tuple) else (key,)
            self.emit(
                WindowRow(
                    session.start,
                    session.end,
                    k,
                    results(self.specs, session.acc),
                    watermark,
                    session.acc[0],
                )
            )

    def open_windows(self) -> Iterator[OpenWindow]:
        """Every session not fired yet, earliest end first."""
        rows = [
            OpenWindow(
                s.start,
                s.end,
                key if isinstance(key, tuple) else (key,),
                s.acc[0],
                self.trigger(s.end),
            )
            for key, lst in self.sessions.items()
            for s in lst
        ]
        rows.sort(key=lambda w: (w.end, w.start))
        yield from rows


ChangeEmit = Callable[[str, WindowRow], None]


class GroupAggregateOperator:
    """R3.8: a window TVF under a GROUP BY without window_start and window_end is a regular
    ``GroupAggregate``: the TVF appends window columns to each row at once (no lateness check,
    NULL rowtimes dropped silently: R3.10) and every row updates its group immediately, emitting
    ``+I`` then ``-U``/``+U`` (nothing when the result did not change)."""

    def __init__(
        self,
        assigner: WindowAssigner,
        specs: Sequence[AggSpec],
        parts: Sequence[str],
        emit: ChangeEmit,
    ) -> None:
        self.assigner = assigner
        self.specs = tuple(specs)
        self.parts = tuple(parts)
        self.emit = emit
        self.new_acc, self.update = compile_updater(self.specs)
        self.state: dict[tuple[Any, ...], list[Any]] = {}
        self.progress = LONG_MIN

    def process(self, key: Hashable, ts: int, vals: tuple[Any, ...]) -> bool:
        """Update every group the row's windows belong to."""
        k = key if isinstance(key, tuple) else (key,)
        for start, end in self.assigner.windows(ts):
            full = tuple(
                start
                if p == "window_start"
                else end
                if p == "window_end"
                else end - 1
                if p == "window_time"
                else k[int(p[5:])]
                for p in self.parts
            )
            acc = self.state.get(full)
            if acc is None:
                acc = self.state[full] = self.new_acc()
                self.update(acc, vals)
                row = WindowRow(start, end, full, results(self.specs, acc), self.progress, acc[0])
                self.emit("+I", row)
                continue
            before = results(self.specs, acc)
            self.update(acc, vals)
            after = results(self.specs, acc)
            if after != before:
                self.emit("-U", WindowRow(start, end, full, before, self.progress, acc[0] - 1))
                self.emit("+U", WindowRow(start, end, full, after, self.progress, acc[0]))
        return True

    def advance(self, watermark: int) -> None:
        """Watermarks fire nothing here."""
        self.progress = max(self.progress, watermark)

    def open_windows(self) -> Iterator[OpenWindow]:
        """Nothing waits: every row was emitted when it arrived."""
        return iter(())
