"""Window TVF aggregation over TUMBLE / HOP / CUMULATE, as Flink 1.20 runs it.

- ``LocalSlicingWindowAgg`` (``LocalSlicingWindowAggOperator``, chained after each source subtask
  when the two-phase optimisation applies, i.e. by default): pre-aggregates rows per (slice, key)
  in a buffer that is flushed downstream only when the subtask's watermark reaches the *next
  trigger watermark* and the smallest buffered slice has fired (``getNextTriggerWatermark``, which
  aligns to offset 0), at checkpoints, and at end of input. Its watermark starts at 0.
- ``SlicingWindowOperator`` (``WindowAggOperator`` + ``AbstractSliceWindowAggProcessor``): checks
  lateness per slice on arrival (R3.4: dropped only when the last window containing the slice has
  fired), buffers accepted slices and moves them into window state with the same next-trigger
  rule, then fires windows whose timers the watermark reached (R3.3, R3.9).

Both buffers are why offsets (and zones with half-hour offsets) can lose rows in real Flink: a
slice can sit in the local buffer until after its window fired downstream, and is then dropped
as late. The engine reproduces that instead of an idealised model.
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable, Iterator, Sequence
from typing import Any

from flinkdoctor.engine.aggregates import AggSpec, compile_updater, merge_into, results
from flinkdoctor.engine.slice_assigner import CumulativeAssigner, HoppingAssigner, TumblingAssigner
from flinkdoctor.engine.timeutil import (
    LONG_MAX,
    LONG_MIN,
    ZoneShift,
    is_window_fired,
    next_trigger_watermark,
    window_start,
)
from flinkdoctor.engine.window_operator import Emit, OpenWindow, WindowRow

SliceAssigner = TumblingAssigner | HoppingAssigner | CumulativeAssigner


class _SliceBuffer:
    """``RecordsWindowBuffer``: (slice end -> key -> partial accumulator), min slice end, and the
    first record of each entry (to name dropped records)."""

    __slots__ = ("entries", "min_slice_end", "samples")

    def __init__(self) -> None:
        self.entries: dict[int, dict[Hashable, list[Any]]] = {}
        self.samples: dict[tuple[int, Hashable], Any] = {}
        self.min_slice_end = LONG_MAX

    def take(self) -> list[tuple[int, Hashable, list[Any], Any]]:
        """Everything buffered, emptying the buffer in place (the hot loop holds its dicts)."""
        out = [
            (end, key, acc, self.samples.get((end, key)))
            for end, keyed in self.entries.items()
            for key, acc in keyed.items()
        ]
        self.entries.clear()
        self.samples.clear()
        self.min_slice_end = LONG_MAX
        return out


class SlicingWindowOperator:
    """The (global) window aggregate of a TUMBLE / HOP / CUMULATE TVF: slice state per key,
    per-key window timers, and the slice-sharing rules of ``SliceSharedWindowAggProcessor``
    (HOP: a window merges its slices, empty windows are not emitted and stop the timer chain;
    CUMULATE: slices accumulate into the first slice of the window)."""

    def __init__(
        self,
        assigner: SliceAssigner,
        specs: Sequence[AggSpec],
        emit: Emit,
        shift: ZoneShift | None = None,
    ) -> None:
        self.assigner = assigner
        self.specs = tuple(specs)
        self.emit = emit
        self.shift = shift
        self.interval = assigner.slice_interval()
        self.kind = (
            "TUMBLE"
            if isinstance(assigner, TumblingAssigner)
            else "HOP"
            if isinstance(assigner, HoppingAssigner)
            else "CUMULATE"
        )
        self.new_acc, self.update = compile_updater(self.specs)
        self.progress = LONG_MIN  # currentProgress: the late check
        self.fired_upto = LONG_MIN  # the timer service's watermark
        self.next_trigger = LONG_MIN
        self.buffer = _SliceBuffer()
        self.state: dict[Hashable, dict[int, list[Any]]] = {}
        self.timers: list[tuple[int, int, int, Hashable]] = []
        self.registered: set[tuple[Hashable, int]] = set()
        self._seq = 0
        self._triggers: dict[int, int] = {}
        self.on_drop: Any = None  # callable(count, sample, slice_end) set by the simulator
        self.on_lost: Any = None  # same, for rows flushed into state after their window fired

    def trigger(self, end: int) -> int:
        """The watermark that fires a window ending at ``end`` (R3.2, R3.3)."""
        if self.shift is None:
            return end - 1
        t = self._triggers.get(end)
        if t is None:
            t = self._triggers[end] = self.shift.timer(end - 1)
        return t

    def _last_window_end(self, slice_end: int) -> int:
        if self.kind == "TUMBLE":
            return slice_end
        if self.kind == "HOP":
            assert isinstance(self.assigner, HoppingAssigner)
            return slice_end - self.interval + self.assigner.size
        assert isinstance(self.assigner, CumulativeAssigner)
        return (
            window_start(slice_end - 1, self.assigner.offset, self.assigner.size)
            + self.assigner.size
        )

    # -- input -----------------------------------------------------------------------------

    def process_record(self, key: Hashable, ts: int, vals: tuple[Any, ...], sample: Any) -> bool:
        """One-phase input: one row; False when it was dropped as late (R3.4)."""
        target = self._accept(key, self.assigner.slice_end(ts))
        if target is None:
            return False
        self.update(self._buffered(target, key, sample), vals)
        return True

    def process_partial(
        self, key: Hashable, slice_end: int, partial: list[Any], sample: Any
    ) -> bool:
        """Two-phase input: a pre-aggregated slice from a local aggregate."""
        target = self._accept(key, slice_end)
        if target is None:
            return False
        merge_into(self.specs, self._buffered(target, key, sample), partial)
        return True

    def _accept(self, key: Hashable, slice_end: int) -> int | None:
        """``AbstractSliceWindowAggProcessor.processElement``: the slice to buffer into, or None
        when the element is dropped."""
        progress = self.progress
        if progress < self.trigger(slice_end):
            return slice_end
        if progress >= self.trigger(self._last_window_end(slice_end)):
            return None
        target = slice_end
        if self.kind == "CUMULATE":
            assert isinstance(self.assigner, CumulativeAssigner)
            target = (
                window_start(slice_end - 1, self.assigner.offset, self.assigner.size)
                + self.interval
            )
        unfired = slice_end
        while progress >= self.trigger(unfired):
            unfired += self.interval
        self._register(key, unfired)
        return target

    def _buffered(self, slice_end: int, key: Hashable, sample: Any) -> list[Any]:
        buf = self.buffer
        keyed = buf.entries.get(slice_end)
        if keyed is None:
            keyed = buf.entries[slice_end] = {}
        acc = keyed.get(key)
        if acc is None:
            acc = keyed[key] = self.new_acc()
            buf.samples[(slice_end, key)] = sample
            if slice_end < buf.min_slice_end:
                buf.min_slice_end = slice_end
        return acc

    def _register(self, key: Hashable, window_end: int) -> None:
        if (key, window_end) in self.registered:
            return
        self.registered.add((key, window_end))
        self._seq += 1
        heapq.heappush(self.timers, (self.trigger(window_end), window_end, self._seq, key))

    # -- progress --------------------------------------------------------------------------

    def advance(self, watermark: int) -> None:
        """``processWatermark``: advance progress, maybe flush the buffer into slice state, then
        fire due timers (window results go out before the watermark: R3.9)."""
        if watermark <= self.progress:
            return
        self.progress = watermark
        if watermark >= self.next_trigger:
            if is_window_fired(self.buffer.min_slice_end, watermark, self.shift):
                self.flush()
            self.next_trigger = next_trigger_watermark(watermark, self.interval, self.shift)
        self.fired_upto = watermark
        timers = self.timers
        while timers and timers[0][0] <= watermark:
            _, end, _, key = heapq.heappop(timers)
            self.registered.discard((key, end))
            self._fire(key, end, watermark)

    def flush(self) -> None:
        """``GlobalAggCombiner``: merge buffered slices into state; a timer for the slice's own
        window only if that window has not fired yet."""
        fired_upto = self.fired_upto
        for slice_end, key, acc, sample in self.buffer.take():
            if self.kind == "TUMBLE" and fired_upto >= self.trigger(slice_end):
                # Its window fired while it sat in the buffer: Flink keeps it in state without a
                # timer, so it is never emitted. Report it instead of keeping it "open".
                if self.on_lost is not None:
                    self.on_lost(acc[0], sample, slice_end)
                continue
            slices = self.state.get(key)
            if slices is None:
                slices = self.state[key] = {}
            target = slices.get(slice_end)
            if target is None:
                slices[slice_end] = acc
            else:
                merge_into(self.specs, target, acc)
            if fired_upto < self.trigger(slice_end):
                self._register(key, slice_end)

    def _fire(self, key: Hashable, end: int, watermark: int) -> None:
        slices = self.state.get(key)
        if slices is None:
            slices = {}
        if self.kind == "TUMBLE":
            acc = slices.pop(end, None)
            if acc is not None:
                self._emit(end - self.interval, end, key, acc, watermark)
        elif self.kind == "HOP":
            assert isinstance(self.assigner, HoppingAssigner)
            size = self.assigner.size
            merged = self.new_acc()
            for s in range(end - size + self.interval, end + 1, self.interval):
                part = slices.get(s)
                if part is not None:
                    merge_into(self.specs, merged, part)
            if merged[0] > 0:
                self._emit(end - size, end, key, merged, watermark)
            slices.pop(end - size + self.interval, None)
            if merged[0] > 0:
                self._register(key, end + self.interval)
        else:
            assert isinstance(self.assigner, CumulativeAssigner)
            ws = window_start(end - 1, self.assigner.offset, self.assigner.size)
            first = ws + self.interval
            last = ws + self.assigner.size
            if end == first:
                acc = slices.get(first)
            else:
                part = slices.pop(end, None)
                acc = slices.get(first)
                if acc is None:
                    acc = slices[first] = self.new_acc()
                if part is not None:
                    merge_into(self.specs, acc, part)
            if acc is not None and acc[0] > 0:
                self._emit(ws, end, key, acc, watermark)
            if end == last:
                slices.pop(first, None)
            if end + self.interval <= last:
                self._register(key, end + self.interval)
        if not slices:
            self.state.pop(key, None)

    def _emit(self, start: int, end: int, key: Hashable, acc: list[Any], watermark: int) -> None:
        k = key if isinstance(key, tuple) else (key,)
        self.emit(WindowRow(start, end, k, results(self.specs, acc), watermark, acc[0]))

    # -- explanation -----------------------------------------------------------------------

    def open_windows(self) -> Iterator[OpenWindow]:
        """Windows holding data that have not been emitted (state and buffer)."""
        merged: dict[tuple[int, Hashable], list[Any]] = {}
        starts: dict[int, int] = {}
        for key, slices in self.state.items():
            for slice_end, acc in slices.items():
                _add_slice(
                    merged,
                    starts,
                    self.assigner,
                    slice_end,
                    key,
                    acc[0],
                    self.fired_upto,
                    self.trigger,
                )
        for slice_end, keyed in self.buffer.entries.items():
            for key, acc in keyed.items():
                _add_slice(
                    merged,
                    starts,
                    self.assigner,
                    slice_end,
                    key,
                    acc[0],
                    self.fired_upto,
                    self.trigger,
                )
        for (end, key), (count,) in sorted(
            merged.items(), key=lambda kv: (kv[0][0], repr(kv[0][1]))
        ):
            k = key if isinstance(key, tuple) else (key,)
            yield OpenWindow(starts.get(end, end), end, k, count, self.trigger(end))


def _add_slice(
    merged: dict[tuple[int, Hashable], list[Any]],
    starts: dict[int, int],
    assigner: SliceAssigner,
    slice_end: int,
    key: Hashable,
    count: int,
    progress: int,
    trigger: Any,
) -> None:
    for start, end in assigner.windows_of_slice(slice_end):
        if trigger(end) <= progress:
            continue
        starts.setdefault(end, start)
        slot = merged.setdefault((end, key), [0])
        slot[0] += count


class LocalSlicingWindowAgg:
    """One source subtask's local pre-aggregation (two-phase window aggregation)."""

    def __init__(
        self,
        assigner: SliceAssigner,
        specs: Sequence[AggSpec],
        downstream: SlicingWindowOperator,
        shift: ZoneShift | None,
    ) -> None:
        self.assigner = assigner
        self.specs = tuple(specs)
        self.downstream = downstream
        self.shift = shift
        self.interval = assigner.slice_interval()
        self.new_acc, self.update = compile_updater(self.specs)
        self.buffer = _SliceBuffer()
        self.watermark = 0  # Java field default: watermarks <= 0 are ignored
        self.next_trigger = 0

    def add(self, key: Hashable, ts: int, vals: tuple[Any, ...], sample: Any) -> None:
        """``processElement``: buffer the row in its slice."""
        slice_end = self.assigner.slice_end(ts)
        buf = self.buffer
        keyed = buf.entries.get(slice_end)
        if keyed is None:
            keyed = buf.entries[slice_end] = {}
        acc = keyed.get(key)
        if acc is None:
            acc = keyed[key] = self.new_acc()
            buf.samples[(slice_end, key)] = sample
            if slice_end < buf.min_slice_end:
                buf.min_slice_end = slice_end
        self.update(acc, vals)

    def on_watermark(self, watermark: int) -> None:
        """``processWatermark`` (before the watermark is forwarded downstream)."""
        if watermark > self.watermark:
            self.watermark = watermark
            if watermark >= self.next_trigger:
                if is_window_fired(self.buffer.min_slice_end, watermark, self.shift):
                    self.flush()
                self.next_trigger = next_trigger_watermark(watermark, self.interval, self.shift)

    def flush(self) -> None:
        """Send every buffered partial aggregate downstream (dropped ones are reported)."""
        if not self.buffer.entries:
            return
        for slice_end, key, acc, sample in self.buffer.take():
            if not self.downstream.process_partial(key, slice_end, acc, sample):
                on_drop = self.downstream.on_drop
                if on_drop is not None:
                    on_drop(acc[0], sample, slice_end)

    def open_windows(self, progress: int, trigger: Any) -> Iterator[tuple[int, int, Hashable, int]]:
        """(start, end, key, records) of windows whose rows still sit in this buffer."""
        for slice_end, keyed in self.buffer.entries.items():
            for key, acc in keyed.items():
                for start, end in self.assigner.windows_of_slice(slice_end):
                    yield start, end, key, acc[0]

    @property
    def buffered(self) -> int:
        return sum(len(d) for d in self.buffer.entries.values())
