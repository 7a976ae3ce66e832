"""The event loop: (processing time, record) pairs from the arrival model drive the sources, the
valve and the window operator, with periodic emission every ``pipeline.auto-watermark-interval``
of that processing time. Pure: no I/O, no clock; memory is bounded by open windows (records are
streamed, timelines and the dropped-record list are capped).
"""

from __future__ import annotations

import gc
import heapq
import itertools
from collections import Counter
from collections.abc import Generator, Iterable, Iterator
from typing import Any

from orjson import loads

from flinkdoctor.engine.arrival import LiveClock, arrivals
from flinkdoctor.engine.expressions_failure import RowFailure
from flinkdoctor.engine.kafka_assignment import owned_partitions, owner_start
from flinkdoctor.engine.partition_set import LISTED_ONE_BY_ONE, PartitionSet
from flinkdoctor.engine.plan import EnginePlan
from flinkdoctor.engine.result import (
    Column,
    DroppedRecord,
    Holder,
    InputTimeline,
    JobFailure,
    PendingWindow,
    SimulationResult,
    TimelinePoint,
)
from flinkdoctor.engine.slice_assigner import CumulativeAssigner, HoppingAssigner, TumblingAssigner
from flinkdoctor.engine.slicing_window import LocalSlicingWindowAgg, SlicingWindowOperator
from flinkdoctor.engine.split_watermarks import (
    NEVER_FED,
    KafkaSourceReaderWatermarks,
    SplitState,
    never_fed_name,
)
from flinkdoctor.engine.timeline import TimelineRecorder, WatermarkPoint, _point, thin
from flinkdoctor.engine.timeutil import LONG_MIN
from flinkdoctor.engine.valve import StatusWatermarkValve, WatermarkOutput
from flinkdoctor.engine.watermark_assigner import WatermarkAssigner, timer_interval
from flinkdoctor.engine.window_operator import (
    AlignedWindowOperator,
    GroupAggregateOperator,
    OpenWindow,
    SessionWindowOperator,
    WindowRow,
)
from flinkdoctor.errors import InputError
from flinkdoctor.events.formats import EventFormat, records_from_values
from flinkdoctor.events.reader import BatchItem, value_batches
from flinkdoctor.events.record import Record

OPERATOR = "window operator"
NULL_ROWTIME = "RowTime field should not be null, please convert it to a non-null long value."
_TAIL_CAP_MS = 7 * 24 * 3_600_000
NEVER_FED_LISTED = 8
"""A subtask's never-fed partitions are listed one by one (holders, timelines) up to this many;
more are one entry naming their ranges."""


class _LocalChain:
    """A source subtask's output through its chained local window aggregate: the local buffer
    sees (and maybe flushes on) each watermark before it is forwarded (R3.9)."""

    __slots__ = ("local", "valve")

    def __init__(self, local: LocalSlicingWindowAgg, valve: StatusWatermarkValve) -> None:
        self.local = local
        self.valve = valve

    def input_watermark(self, index: int, watermark: int) -> None:
        self.local.on_watermark(watermark)
        self.valve.input_watermark(index, watermark)

    def input_status(self, index: int, idle: bool) -> None:
        self.valve.input_status(index, idle)


class _Sink:
    """Collects what the sink receives: rows and their row kinds."""

    __slots__ = ("kinds", "rows")

    def __init__(self) -> None:
        self.rows: list[WindowRow] = []
        self.kinds: list[str] = []

    def __call__(self, row: WindowRow) -> None:
        self.rows.append(row)
        self.kinds.append("+I")

    def change(self, kind: str, row: WindowRow) -> None:
        """A changelog row (regular aggregates, R3.8)."""
        self.rows.append(row)
        self.kinds.append(kind)


class _FusedFeed:
    """The hot loop fed from a file's decoded batches (``reader.value_batches``): ``run`` has the
    hot loop's signature and contract (``(count, last_t, pending)``, ``pending`` the first
    ``(t, record)`` it does not handle, None at the end) but reads ``sample`` envelopes with the
    plan's fused loop, making a ``Record`` only for a line it hands back (or keeps as a window
    sample); other batches go through the hot loop as records. Arrival times (``file`` /
    ``backlog``) are those of ``arrivals``: the n-th record (from 0) arrives at ``int(n * 1000.0
    / rate)``, computed only for the records that need one."""

    def __init__(
        self,
        items: Iterator[BatchItem],
        file_name: str,
        hot: Any,
        fused: Any,
        arrival: str,
        rate: float,
        route: dict[int, tuple[Any, Any, Any, Any]],
    ) -> None:
        self.items = items
        # the fused loop's route (see ``row_reader._tumble_lines``)
        self.route = {
            p: (split, buf.entries, buf.samples, buf, local.new_acc, local.downstream)
            for p, (_, split, local, buf) in route.items()
        }
        self.file_name = file_name
        self.hot = hot
        self.fused = fused
        self.per = None if arrival == "file" else 1000.0 / rate
        self.values: list[Any] | None = None
        self.at = 0  # the next value of ``values`` to read
        self.first = 0  # the line number of values[0]
        self.it: Iterator[tuple[int, Record]] | None = None  # records of a non-fused batch
        self.error: Exception | None = None  # raised once ``it`` is exhausted

    def time(self, n: int) -> int:
        per = self.per
        return 0 if per is None else int(per * n)

    def times(self, n: int) -> Iterator[int]:
        per = self.per
        if per is None:
            return itertools.repeat(0)
        return map(int, map(per.__mul__, itertools.count(n)))

    def due_index(self, next_due: int) -> int:
        """The number of the first record whose arrival time is ``>= next_due``."""
        per = self.per
        if next_due <= 0:
            return 0
        if per is None or next_due >= 1 << 60:
            return 1 << 62
        n = max(0, int(next_due / per) - 2)
        while n > 0 and per * (n - 1) >= next_due:
            n -= 1
        while per * n < next_due:
            n += 1
        return n

    def run(
        self, _it: Any, route: Any, next_due: int, count: int, partitions: int
    ) -> tuple[int, int | None, tuple[int, Record] | None]:
        start = count
        due = self.due_index(next_due)
        fused = self.fused
        while True:
            if self.it is not None:
                count, _, pending = self.hot(self.it, route, next_due, count, partitions)
                if pending is not None:
                    return count, self.time(count - 1) if count > start else None, pending
                self.it = None
                if self.error is not None:
                    raise self.error
                continue
            values = self.values
            if values is not None:
                at, n = self.at, len(values)
                stop = min(n, at + due - count)
                if stop > at:
                    before = count
                    base = self.first + at - count
                    count = fused(values, at, stop, self.route, count, partitions, base)
                    at += count - before
                if at < n:  # this one goes the general way (a timer is due, or a rare shape)
                    self.at = at + 1
                    records, error = records_from_values(
                        [values[at]], (self.first + at,), EventFormat.SAMPLE, self.file_name
                    )
                    if error is not None:
                        raise error
                    last = self.time(count - 1) if count > start else None
                    return count, last, (self.time(count), records[0])
                self.values = None
            item = next(self.items, None)
            if item is None:
                return count, self.time(count - 1) if count > start else None, None
            values, careful, first, fmt = item
            if values is not None and fmt is EventFormat.SAMPLE:
                self.values, self.at, self.first = values, 0, first
                continue
            if values is not None:
                numbers = range(first, first + len(values))
                careful, self.error = records_from_values(values, numbers, fmt, self.file_name)
            assert careful is not None
            self.it = zip(self.times(count), careful, strict=False)  # times are endless


class _LiveFeed:
    """The general loop's records under ``live`` arrival for the legacy group window TUMBLE,
    read from a file's decoded batches (``reader.value_batches``) with the plan's ``live_loop``
    (``row_reader.compile_live_path``): ``run`` has the hot loop's signature and contract
    (``(count, last_t, pending)``, ``pending`` the first ``(t, record)`` it does not handle,
    None at the end), making a ``Record`` only for a line it hands back; other batches (other
    formats, lines that went the careful way) come back one record at a time. Unlike the hot
    loop it fires the periodic timers itself (``fire``), so it does not stop every 200 ms of
    Kafka time; the general loop's own ``next_timer`` may then be behind, which only makes it
    call ``_fire_timers`` for nothing. Arrival times are ``arrival.LiveClock``'s, one clock for
    the lines the loop reads and the records it hands back."""

    def __init__(
        self,
        sim: _Simulation,
        items: Iterator[BatchItem],
        file_name: str,
        loop: Any,
        route: dict[int, tuple[Any, Any, Any, Any]],
        op: AlignedWindowOperator,
    ) -> None:
        self.sim = sim
        self.items = items
        self.file_name = file_name
        self.loop = loop
        self.route = route
        self.clock = LiveClock()
        self.win = (op.state, op.starts, op.timers, op.new_acc, heapq.heappush, op)
        self.values: list[Any] | None = None
        self.at = 0  # the next value of ``values`` to read
        self.first = 0  # the line number of values[0]
        self.careful: Iterator[Record] | None = None  # records of a batch the loop cannot read
        self.error: Exception | None = None  # raised once ``careful`` is exhausted
        plan = sim.plan
        # ``_fire_timers`` and the readers' ``periodic`` in their common case, when only the
        # splits' generators can make a periodic emission matter: no idle timeout (no split,
        # reader output or valve channel is ever idle), on-periodic emission, no checkpoint
        # flushes, no watermark assigners. Then ``_deadline()`` is "now" while a split's
        # generator is ahead of its watermark and None otherwise (see ``fire``).
        self.simple = (
            plan.idle_timeout <= 0
            and not plan.emit_on_event
            and plan.interval > 0
            and sim.period == plan.interval
            and sim.ckpt_period is None
            and not sim.assigners
            and not sim.valve.idle
            and not any(c.idle or not c.aligned for c in sim.valve.channels)
            and not any(r.out_idle or r.combined_idle for r in sim.readers)
            and not any(s.idle for r in sim.readers for s in r.splits.values())
        )

    def fire(self, t: int, count: int, moved: bool = True) -> int:
        """The general loop's timer step for a record arriving at ``t`` after ``count``
        (``_fire_timers(t)``, then the next due time). ``moved`` False: no split's generator
        moved since the last call, so none is ahead of its watermark (a periodic emission
        leaves none ahead), and no emission can change anything."""
        sim = self.sim
        sim.count = count
        if not self.simple:
            sim._fire_timers(t)
            return sim._next_due()
        period = sim.period
        due = sim.next_timer
        assert period is not None and due is not None
        if due > t:
            return due
        if moved and self._periodic(due, count):  # one was ahead: ``_deadline()`` was "now"
            due += period  # every split's watermark has caught up: nothing is due after
        if due <= t:  # ``_deadline()`` is None: jump past ``t`` on the grid
            due += ((t - due) // period + 1) * period
        sim.next_timer = due
        return due

    def _periodic(self, now: int, count: int) -> bool:
        """Every reader's ``periodic(now, count)`` in the simple case (no split idle, no idle
        output): each split whose generator is ahead emits (``_split_emit``), then the combined
        watermark, the min over the splits, goes out when it rises (``_update_combined``,
        ``_emit``). The timeline points are appended here while the series is below its cap
        (``TimelineRecorder.record`` otherwise). False when no split was ahead (then nothing
        changed, not even ``now``)."""
        sim = self.sim
        timeline = sim.timeline
        record = timeline.record
        last, points, cap = timeline.last, timeline.points, timeline.cap
        emitted = False
        for reader in sim.readers:
            splits = reader.splits
            if not splits:
                continue
            changed = False
            low: int | None = None
            for split in splits.values():
                watermark = split.watermark
                generated = split.generated
                if generated > watermark:
                    if not emitted:
                        sim.now = now
                        emitted = True
                    split.watermark = watermark = generated
                    changed = True
                    name = split.name
                    state = (generated, False)
                    series = points.get(name)
                    if series is not None and len(series) < cap and last.get(name) != state:
                        last[name] = state
                        series.append(_point(WatermarkPoint, (now, generated, False, count)))
                    else:
                        record(name, now, generated, False, count)
                if low is None or watermark < low:
                    low = watermark
            if not changed or low is None or low <= reader.combined:
                continue
            reader.combined = low
            reader.split_local_idle = False
            if low <= reader.max_so_far:
                continue
            reader.max_so_far = low
            name = reader.name
            state = (low, False)
            series = points.get(name)
            if series is not None and len(series) < cap and last.get(name) != state:
                last[name] = state
                series.append(_point(WatermarkPoint, (now, low, False, count)))
            else:
                record(name, now, low, False, count)
            reader.valve.input_watermark(reader.index, low)
        return emitted

    def run(
        self, _it: Any, route: Any, next_due: int, count: int, partitions: int
    ) -> tuple[int, int | None, tuple[int, Record] | None]:
        last: int | None = None
        while True:
            careful = self.careful
            if careful is not None:
                rec = next(careful, None)
                if rec is not None:
                    return count, last, (self.clock(rec), rec)
                self.careful = None
                if self.error is not None:
                    raise self.error
                continue
            values = self.values
            if values is not None:
                at, n = self.at, len(values)
                before = count
                count, next_due, t, nulls = self.loop(
                    values, at, n, self.route, count, partitions, self.clock, self.fire,
                    next_due, self.win,
                )  # fmt: skip
                if nulls:
                    self.sim.null_rowtimes += nulls
                if t is not None:
                    last = t
                at += count - before
                if at < n:  # this one goes the general way (a rare shape, a late row, ...)
                    self.at = at + 1
                    records, error = records_from_values(
                        [values[at]], (self.first + at,), EventFormat.SAMPLE, self.file_name
                    )
                    if error is not None:
                        raise error
                    return count, last, (self.clock(records[0]), records[0])
                self.values = None
            item = next(self.items, None)
            if item is None:
                return count, last, None
            values, batch, first, fmt = item
            if values is not None and fmt is EventFormat.SAMPLE:
                self.values, self.at, self.first = values, 0, first
                continue
            if values is not None:
                numbers = range(first, first + len(values))
                batch, self.error = records_from_values(values, numbers, fmt, self.file_name)
            assert batch is not None
            self.careful = iter(batch)


def simulate(
    plan: EnginePlan, records: Iterable[Record], *, max_dropped: int = 1000
) -> SimulationResult:
    """Replay ``records`` through ``plan`` the way Flink would; see ``SimulationResult``.

    The cyclic garbage collector is paused while it runs: the per-record path allocates many
    short-lived acyclic objects, and collections would otherwise scan every open window's state
    again and again (reference counting still frees everything at once)."""
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        return _Simulation(plan, max_dropped).run(records)
    finally:
        if paused:
            gc.enable()


class _Simulation:
    def __init__(self, plan: EnginePlan, max_dropped: int) -> None:
        self.plan = plan
        self.max_dropped = max_dropped
        self.sink = _Sink()
        self.timeline = TimelineRecorder()
        self.count = 0
        self.accepted = 0
        self.now = 0
        self.dropped: list[DroppedRecord] = []
        self.dropped_by_rule: Counter[str] = Counter()
        self.filtered = 0
        self.null_rowtimes = 0
        """Records whose rowtime was NULL and that a legacy group window read as epoch 0."""
        self.failure: JobFailure | None = None
        self.locals: list[LocalSlicingWindowAgg] = []
        self.valve = StatusWatermarkValve(
            plan.parallelism, self._on_operator_watermark, self._on_operator_idle
        )
        outputs: list[WatermarkOutput] = [self.valve] * plan.parallelism
        self.op: (
            AlignedWindowOperator
            | SessionWindowOperator
            | SlicingWindowOperator
            | GroupAggregateOperator
        )
        if plan.regular_parts is not None:
            self.op = GroupAggregateOperator(
                _assigner(plan), plan.specs, plan.regular_parts, self.sink.change
            )
        elif plan.window_kind == "SESSION":
            self.op = SessionWindowOperator(plan.gap, plan.specs, self.sink, plan.shift)
        else:
            if plan.window_kind == "TUMBLE":
                assigner: Any = TumblingAssigner(plan.size, plan.offset)
            elif plan.window_kind == "HOP":
                assigner = HoppingAssigner(plan.size, plan.slide, plan.offset)
            else:
                assigner = CumulativeAssigner(plan.size, plan.step, plan.offset)
            if plan.window_style == "legacy":
                self.op = AlignedWindowOperator(assigner, plan.specs, self.sink, plan.shift)
            else:
                slicing = SlicingWindowOperator(assigner, plan.specs, self.sink, plan.shift)
                slicing.on_drop = self._dropped_partial
                slicing.on_lost = self._lost_in_buffer
                self.op = slicing
                if plan.two_phase:
                    self.locals = [
                        LocalSlicingWindowAgg(assigner, plan.specs, slicing, plan.shift)
                        for _ in range(plan.parallelism)
                    ]
                    outputs = [_LocalChain(local, self.valve) for local in self.locals]
        self.timeline.declare(OPERATOR, LONG_MIN)
        self.readers: list[KafkaSourceReaderWatermarks] = []
        self.assigners: list[WatermarkAssigner] = []
        self.owner_start = 0  # the subtask of partition 0 (R2.2)
        if plan.push_down:
            self.owner_start = owner_start(plan.topic, plan.parallelism)
            for subtask in range(plan.parallelism):
                self.readers.append(
                    KafkaSourceReaderWatermarks(
                        subtask,
                        owned_partitions(
                            self.owner_start, plan.partitions, plan.parallelism, subtask
                        ),
                        outputs[subtask],
                        self.timeline,
                        idle_timeout=plan.idle_timeout,
                        interval=plan.interval,
                        on_event=plan.emit_on_event,
                        max_semantics=plan.version.kafka_max_semantics,
                        topic=plan.topic,
                    )
                )
            self.period = plan.interval if plan.interval > 0 else None
        else:
            for subtask in range(plan.parallelism):
                self.assigners.append(
                    WatermarkAssigner(
                        subtask,
                        outputs[subtask],
                        self.timeline,
                        interval=plan.interval,
                        idle_timeout=plan.idle_timeout,
                        start=0,
                    )
                )
            every = (
                timer_interval(plan.interval, plan.idle_timeout)
                if plan.interval > 0 or plan.idle_timeout > 0
                else None
            )
            self.period = every
        self.next_timer = self.period if self.period is not None else None
        # Checkpoints flush the window TVF aggregation buffers (prepareSnapshotPreBarrier).
        self.ckpt_period: int | None = (
            plan.checkpoint_interval
            if plan.checkpoint_interval > 0 and isinstance(self.op, SlicingWindowOperator)
            else None
        )
        self.next_ckpt: int | None = self.ckpt_period
        self.legacy = plan.window_style == "legacy"
        self.last_record_time = 0
        self.received_by_subtask: Counter[int] = Counter()
        self.fused_file = ""  # the file the fused path reads (its window samples are lines)
        self.fused_format = EventFormat.SAMPLE  # and that file's format

    # -- watermark plumbing -----------------------------------------------------------------

    def _on_operator_watermark(self, watermark: int) -> None:
        self.timeline.record(OPERATOR, self.now, watermark, False, self.count)
        self.op.advance(watermark)

    def _on_operator_idle(self, idle: bool) -> None:
        self.timeline.record(OPERATOR, self.now, self.valve.last_output, idle, self.count)

    def _deadline(self) -> int | None:
        """Earliest processing time at which a timer could matter without new records."""
        low: int | None = None
        for parts in (self.readers, self.assigners):
            for part in parts:
                d = part.next_deadline()
                if d is not None and (low is None or d < low):
                    low = d
        return low

    def _fire_timers(self, until: int) -> None:
        """Fire every periodic timer and checkpoint due at or before ``until``, in time order,
        skipping the ones that cannot change anything (hours of quiet processing time are free)."""
        period = self.period
        ckpt = self.ckpt_period
        while True:
            due: int | None = None
            if period is not None and self.next_timer is not None and self.next_timer <= until:
                deadline = self._deadline()
                if deadline is None:
                    # nothing can change until the next record: jump past ``until`` on the grid
                    self.next_timer += ((until - self.next_timer) // period + 1) * period
                else:
                    if deadline > self.next_timer:
                        self.next_timer += -(-(deadline - self.next_timer) // period) * period
                    if self.next_timer <= until:
                        due = self.next_timer
            checkpoint: int | None = None
            if ckpt is not None and self.next_ckpt is not None and self.next_ckpt <= until:
                if self._buffered() == 0:
                    self.next_ckpt += ((until - self.next_ckpt) // ckpt + 1) * ckpt
                else:
                    checkpoint = self.next_ckpt
            if due is None and checkpoint is None:
                return
            if checkpoint is not None and (due is None or checkpoint < due):
                assert ckpt is not None
                self.now = checkpoint
                self._checkpoint()
                self.next_ckpt = checkpoint + ckpt
                continue
            assert due is not None and period is not None
            self.now = due
            for reader in self.readers:
                reader.periodic(due, self.count)
            for assigner in self.assigners:
                assigner.on_timer(due, self.count)
            self.next_timer = due + period

    def _next_due(self) -> int:
        """The processing time of the next timer or checkpoint (a huge number when none)."""
        never = 1 << 62
        t = self.next_timer if self.period is not None and self.next_timer is not None else never
        if self.ckpt_period is not None and self.next_ckpt is not None:
            t = min(t, self.next_ckpt)
        return t

    def _buffered(self) -> int:
        """(slice, key) entries waiting in window aggregation buffers."""
        n = sum(local.buffered for local in self.locals)
        if isinstance(self.op, SlicingWindowOperator):
            n += sum(len(d) for d in self.op.buffer.entries.values())
        return n

    def _checkpoint(self) -> None:
        """``prepareSnapshotPreBarrier``: local pre-aggregations flush downstream, then the window
        operator flushes its buffer into state (timers only for windows not fired yet)."""
        for local in self.locals:
            local.flush()
        if isinstance(self.op, SlicingWindowOperator):
            self.op.flush()

    # -- the loop ----------------------------------------------------------------------------

    def run(self, records: Iterable[Record]) -> SimulationResult:
        plan = self.plan
        if plan.planning_error is not None:
            self.failure = JobFailure(
                plan.planning_error.rule,
                plan.planning_error.message,
                plan.planning_error.location,
                False,
                at_planning=True,
            )
            return self._result(LONG_MIN)
        try:
            if plan.push_down:
                self._run_push_down(records)
            else:
                self._run_assigner(records)
        except RowFailure as failure:
            return self._result_after_failure(failure)
        if self.failure is None:
            self._finish()
        return self._result(self.valve.last_output)

    def _fail(self, rule: str, message: str, rec: Record, cause: RowFailure | None = None) -> None:
        field, value = (cause.field, cause.value) if cause is not None else (None, None)
        raise RowFailure(rule, message + f"\x00{rec.source}", field, value)

    def _result_after_failure(self, failure: RowFailure) -> SimulationResult:
        message, _, source = failure.message.partition("\x00")
        restarts = self.plan.checkpointing
        self.failure = JobFailure(
            failure.rule, message, source, restarts, failure.field, failure.value
        )
        return self._result(self.valve.last_output)

    def _run_push_down(self, records: Iterable[Record]) -> None:
        """The Kafka path's per-record loop: the hot path, so the common case is inlined (the
        record goes downstream before its split's generator sees it: R1.10)."""
        plan = self.plan
        op = self.op
        locals_ = self.locals
        slicing = op if isinstance(op, SlicingWindowOperator) else None
        extract = plan.extract
        assert extract is not None
        wm_fn = plan.watermark
        delay = plan.watermark_delay
        shift = plan.shift
        to_local = shift.to_local if shift is not None else None
        legacy = self.legacy
        regular = plan.regular_parts is not None
        where = plan.where
        partitions = plan.partitions
        next_timer = self._next_due()
        fast_split = not plan.emit_on_event
        keep_max = plan.version.kafka_max_semantics
        route: dict[int, tuple[KafkaSourceReaderWatermarks, Any, Any, Any]] = {}
        for reader in self.readers:
            local_of = locals_[reader.index] if locals_ else None
            buffer = local_of.buffer if local_of is not None else None
            for p, split in reader.splits.items():
                if p != NEVER_FED:
                    route[p] = (reader, split, local_of, buffer)
        tumble = isinstance(op, SlicingWindowOperator) and isinstance(op.assigner, TumblingAssigner)
        size = plan.size
        off = plan.offset
        # the legacy group window's TUMBLE (``AlignedWindowOperator.process``'s fast case), inlined
        aligned = op if isinstance(op, AlignedWindowOperator) and op.fast_tumble else None
        if aligned is not None:
            a_assigner = aligned.assigner
            assert isinstance(a_assigner, TumblingAssigner)
            a_size, a_off = a_assigner.size, a_assigner.offset
            a_state, a_starts, a_timers = aligned.state, aligned.starts, aligned.timers
            a_new, a_update = aligned.new_acc, aligned.update
        count = self.count
        hot = plan.hot if fast_split and locals_ and tumble else None
        last_t = self.last_record_time
        it = iter(arrivals(records, plan.arrival, plan.backlog_rate))
        fused_route: dict[int, Any] | None = None  # the fused loop's own route, when it runs
        if hot is not None and plan.fused is not None and plan.arrival != "live":
            batches = value_batches(records)
            if batches is not None:  # a file read by read_events: no Record per line
                self.fused_file = batches[1]
                feed = _FusedFeed(*batches, hot, plan.fused, plan.arrival, plan.backlog_rate, route)
                hot = feed.run
                fused_route = feed.route
        if (
            hot is None
            and aligned is not None
            and fast_split
            and plan.live_loop is not None
            and plan.arrival == "live"
            and (a_size, a_off) == (size, off)
        ):
            batches = value_batches(records)
            if batches is not None:  # a file read by read_events: no Record per line
                self.fused_file = batches[1]
                hot = _LiveFeed(self, *batches, plan.live_loop, route, aligned).run
        pending: Any = None
        while True:
            if hot is not None:
                count, hot_t, pending = hot(it, route, next_timer, count, partitions)
                if hot_t is not None:
                    last_t = hot_t
                if pending is None:
                    break
                t, rec = pending
            else:
                item = next(it, None)
                if item is None:
                    break
                t, rec = item
            if t >= next_timer:
                self.count = count
                self.last_record_time = last_t
                self._fire_timers(t)
                next_timer = self._next_due()
            count += 1
            p_raw = rec.partition
            p = (count - 1) % partitions if p_raw is None else p_raw
            hop = route.get(p)
            if hop is None:
                hop = self._first_record_of(p, route, fused_route)
                if hop is None:
                    self._unknown_partition(rec, p)
                    continue
            reader, split, local, _ = hop
            try:
                rt, key, vals = extract(rec)
            except RowFailure as failure:
                self.count = count
                self._fail(failure.rule, failure.message, rec, failure)
            skip = False
            if where is not None and not self._passes(where, rec, count):
                skip = True  # filtered after the watermark was generated: it still moves it
                wm = (
                    None
                    if rt is None
                    else rt - delay
                    if delay is not None
                    else (wm_fn(rec) if wm_fn is not None else None)
                )
                ts = 0
            elif rt is None:
                wm = None
                if legacy:
                    self.null_rowtimes += 1
                if regular:
                    skip = True  # R3.10: the window TVF drops it silently
                    self._dropped_null_tvf(rec)
                elif not legacy:
                    self.count = count
                    # R1.7: the source lets it pass; the window aggregate throws
                    self._fail("R1.7", NULL_ROWTIME, rec)
                ts = 0 if to_local is None else to_local(0)  # seed-case §3.5: read as 0
            else:
                wm = (
                    rt - delay if delay is not None else (wm_fn(rec) if wm_fn is not None else None)
                )
                ts = rt if to_local is None else to_local(rt)
            if skip:
                pass
            elif local is not None:
                if tumble:
                    se = ts - (ts - off) % size + size
                    buf = local.buffer
                    keyed = buf.entries.get(se)
                    if keyed is None:
                        keyed = buf.entries[se] = {}
                    acc = keyed.get(key)
                    if acc is None:
                        acc = keyed[key] = local.new_acc()
                        buf.samples[(se, key)] = (rec, rt, local.downstream.progress)
                        if se < buf.min_slice_end:
                            buf.min_slice_end = se
                    local.update(acc, vals)
                else:
                    local.add(key, ts, vals, (rec, rt, local.downstream.progress))
            elif slicing is not None:
                if not slicing.process_record(key, ts, vals, (rec, rt)):
                    self._dropped(rec, rt, 1)
            elif aligned is not None:
                end = ts - (ts - a_off) % a_size + a_size
                if end - 1 <= aligned.progress:
                    self._dropped(rec, rt, 1)
                else:
                    d = a_state.get(end)
                    if d is None:
                        d = a_state[end] = {}
                        a_starts[end] = end - a_size
                        heapq.heappush(a_timers, (end - 1, end))
                    acc = d.get(key)
                    if acc is None:
                        acc = d[key] = a_new()
                    a_update(acc, vals)
            elif not op.process(key, ts, vals):  # type: ignore[union-attr]
                self._dropped(rec, rt, 1)
            if fast_split:
                split.records += 1
                if rt is not None:
                    split.last_event_time = rt
                if split.idleness is not None:
                    split.idleness.counter += 1
                if wm is not None and (not keep_max or wm > split.generated):
                    split.generated = wm  # R1.6: the latest row's, or the highest by version
            else:
                self.now = t
                self.count = count
                reader.on_record(p, wm, rt, t, count)
            last_t = t
        self.count = count
        self.last_record_time = last_t

    def _run_assigner(self, records: Iterable[Record]) -> None:
        plan = self.plan
        op = self.op
        locals_ = self.locals
        slicing = op if isinstance(op, SlicingWindowOperator) else None
        where = plan.where
        assigners = self.assigners
        extract = plan.extract
        assert extract is not None
        wm_fn = plan.watermark
        delay = plan.watermark_delay
        shift = plan.shift
        to_local = shift.to_local if shift is not None else None
        next_due = self._next_due()
        parallelism = plan.parallelism
        partitions = plan.partitions
        filesystem = plan.connector == "filesystem"
        received = self.received_by_subtask
        # the local aggregates' TUMBLE slices, inlined below as in ``_run_push_down``
        tumbles = [
            (a.size, a.offset) if isinstance(a, TumblingAssigner) else None
            for a in (local.assigner for local in locals_ or ())
        ]
        # per-record counters kept in locals, written back however the loop ends (only the
        # result reads them)
        got = [0] * parallelism
        last_t = self.last_record_time
        feed: Generator[tuple[int, Record]] | None = None
        if plan.file_loop is not None and plan.arrival != "live":
            from flinkdoctor.events.fetcher import column_batches  # (forks: only when read)

            columns = plan.file_columns
            fetched = (
                None
                if columns is None
                else column_batches(records, columns.project, columns.encoded)
            )
            if fetched is not None:  # a fetcher process reads the file into columns
                feed = self._file_feed(*fetched, columnar=True)
            else:
                batches = value_batches(records)
                if batches is not None:  # a file read by read_events: no Record per line
                    feed = self._file_feed(*batches)
        try:
            for t, rec in (
                arrivals(records, plan.arrival, plan.backlog_rate) if feed is None else feed
            ):
                if t >= next_due:
                    self._fire_timers(t)
                    next_due = self._next_due()
                self.now = t
                self.count += 1
                if filesystem:
                    subtask = 0  # one file, one split: the other subtasks finish at once (bounded)
                else:
                    p = (
                        rec.partition
                        if rec.partition is not None
                        else (self.count - 1) % partitions
                    )
                    subtask = p % parallelism
                got[subtask] += 1
                assigner = assigners[subtask]
                if assigner.idle:
                    assigner.before_record(t, self.count)
                else:  # before_record's common case
                    assigner.processed += 1
                try:
                    rt, key, vals = extract(rec)
                    if rt is None:
                        raise RowFailure("R1.5", NULL_ROWTIME)  # WatermarkAssignerOperator throws
                    wm = (
                        rt - delay
                        if delay is not None
                        else (wm_fn(rec) if wm_fn is not None else None)
                    )
                    ts = rt if to_local is None else to_local(rt)
                except RowFailure as failure:
                    self._fail(failure.rule, failure.message, rec, failure)
                if where is not None and not self._passes(where, rec, self.count):
                    pass  # filtered after the assigner (which already saw its rowtime)
                elif locals_:
                    local = locals_[subtask]
                    tumble = tumbles[subtask]
                    if tumble is not None:  # local.add, inlined
                        size, off = tumble
                        se = ts - (ts - off) % size + size
                        buf = local.buffer
                        keyed = buf.entries.get(se)
                        if keyed is None:
                            keyed = buf.entries[se] = {}
                        acc = keyed.get(key)
                        if acc is None:
                            acc = keyed[key] = local.new_acc()
                            buf.samples[(se, key)] = (rec, rt, local.downstream.progress)
                            if se < buf.min_slice_end:
                                buf.min_slice_end = se
                        local.update(acc, vals)
                    else:
                        local.add(key, ts, vals, (rec, rt, local.downstream.progress))
                elif slicing is not None:
                    if not slicing.process_record(key, ts, vals, (rec, rt)):
                        self._dropped(rec, rt, 1)
                elif not op.process(key, ts, vals):  # type: ignore[union-attr]
                    self._dropped(rec, rt, 1)
                # assigner.after_record(wm, rt, t, self.count), its common case inlined
                seen = assigner.last_event_time
                if seen is None or rt > seen:
                    assigner.last_event_time = rt
                if wm is not None and wm > assigner.current:
                    assigner.current = wm
                if assigner.current - assigner.last > assigner.interval:
                    assigner._advance(t, self.count)
                last_t = t
            if feed is not None and self.count:  # the fused loop may have read the last ones
                last_t = self._arrival_time(self.count - 1)
        finally:
            if feed is not None:
                feed.close()  # stops a fetcher when the loop ended early (a job failure)
            for subtask, n in enumerate(got):
                if n:
                    received[subtask] += n
            self.last_record_time = last_t

    def _arrival_time(self, n: int) -> int:
        """The processing time the n-th record (from 0) arrives at (``file`` / ``backlog``)."""
        if self.plan.arrival == "file":
            return 0
        return int(1000.0 / self.plan.backlog_rate * n)

    def _file_feed(
        self, items: Iterator[Any], file_name: str, columnar: bool = False
    ) -> Generator[tuple[int, Record]]:
        """The filesystem path's records for the general loop, ``arrivals``' way (the same
        ``(processing time, record)`` pairs), minus the lines the plan's ``file_loop`` reads
        straight from the decoded batches: it runs the loop up to the first line it does not
        handle, or up to the first record whose arrival time is due for a timer, and yields
        that one as a record. Everything the loop reads goes to subtask 0 (one file, one
        split), as in the general loop. ``columnar``: ``items`` are a fetcher's
        (``events.fetcher.ColumnItem``), read by the plan's ``file_columns`` loop."""
        plan = self.plan
        loop = plan.file_loop
        assert loop is not None
        if plan.arrival == "backlog" and plan.backlog_rate <= 0:
            raise InputError(f"backlog rate must be positive, got {plan.backlog_rate}")
        per = None if plan.arrival == "file" else 1000.0 / plan.backlog_rate
        asg = self.assigners[0]
        self.fused_file, self.fused_format = file_name, EventFormat.PLAIN
        target: Any
        if self.locals:
            local = self.locals[0]
            target = (local.buffer, local.new_acc, local.downstream)
        else:
            assert isinstance(self.op, AlignedWindowOperator)  # legacy TUMBLE / HOP
            target = self.op
        received = self.received_by_subtask
        time = self._arrival_time

        name, out = asg.name, asg.valve
        valve = self.valve
        channel = valve.channels[0]
        heap = valve._heap  # kept exact where the valve's input_watermark is inlined below
        chain = out if isinstance(out, _LocalChain) else None
        op = self.op
        op_advance = op.advance
        slicing = op if type(op) is SlicingWindowOperator else None
        aligned_op = op if type(op) is AlignedWindowOperator else None
        single = len(valve.channels) == 1
        timeline = self.timeline
        lasts, cap = timeline.last, timeline.cap
        input_points, operator_points = timeline.series(name), timeline.series(OPERATOR)
        new_point = tuple.__new__  # WatermarkPoint(...) without its Python-level __new__

        def advance(count: int) -> None:  # asg._advance(now, count), inlined
            self.count = count
            self.now = now = 0 if per is None else int(per * (count - 1))
            watermark = asg.current
            if watermark > asg.last:
                asg.last = watermark
                state = (watermark, asg.idle)  # timeline.record(name, ...), inlined
                if lasts.get(name) != state:
                    lasts[name] = state
                    input_points.append(new_point(WatermarkPoint, (now, *state, count)))
                    if len(input_points) > cap:
                        thin(input_points)
                if not single or valve.idle or channel.idle or not channel.aligned:
                    out.input_watermark(0, watermark)
                    return
                # one active channel: the valve's input_watermark and _output_min, inlined
                if chain is not None:  # the local aggregate's on_watermark, its common case
                    local = chain.local
                    if watermark >= local.next_trigger:
                        local.on_watermark(watermark)
                    elif watermark > local.watermark:
                        local.watermark = watermark
                if watermark > channel.watermark:
                    channel.watermark = watermark
                    heap[:] = [(watermark, 0)]  # the one active channel's entry (valve's heap)
                    if watermark > valve.last_output:
                        valve.last_output = watermark
                        state = (watermark, False)  # _on_operator_watermark's record
                        if lasts.get(OPERATOR) != state:
                            lasts[OPERATOR] = state
                            operator_points.append(
                                new_point(WatermarkPoint, (now, watermark, False, count))
                            )
                            if len(operator_points) > cap:
                                thin(operator_points)
                        # the operator's advance when it only moves progress (no flush, no
                        # due timer), else the whole of it
                        if slicing is not None:
                            timers = slicing.timers
                            if slicing.progress < watermark < slicing.next_trigger and not (
                                timers and timers[0][0] <= watermark
                            ):
                                slicing.progress = slicing.fired_upto = watermark
                                return
                        elif aligned_op is not None:
                            due = aligned_op.timers
                            if aligned_op.progress < watermark and not (
                                due and due[0][0] <= watermark
                            ):
                                aligned_op.progress = watermark
                                return
                        op_advance(watermark)

        def decoded(item: BatchItem) -> Iterator[tuple[int, Record]]:
            values, careful, first, fmt = item
            if values is None or fmt is not EventFormat.PLAIN:
                error = None
                if values is not None:
                    numbers = range(first, first + len(values))
                    careful, error = records_from_values(values, numbers, fmt, file_name)
                assert careful is not None
                for rec in careful:
                    yield time(self.count), rec
                if error is not None:
                    raise error
                return
            at, n = 0, len(values)
            while at < n:
                if not asg.idle:
                    stop = min(n, at + _due_index(self._next_due(), per) - self.count)
                    if stop > at:
                        before = self.count
                        count = loop(
                            values, at, stop, before, first + at - before, asg, advance, target
                        )
                        self.count = count
                        received[0] += count - before
                        at += count - before
                        if at >= n:
                            break
                records, error = records_from_values([values[at]], (first + at,), fmt, file_name)
                if error is not None:
                    raise error
                at += 1
                yield time(self.count), records[0]

        try:
            if not columnar:
                for item in items:
                    yield from decoded(item)
                return
            assert plan.file_columns is not None
            column_loop = plan.file_columns.loop
            plain = EventFormat.PLAIN
            for columns, item, first, lines in items:
                if columns is None:
                    yield from decoded(item)
                    continue
                rts, ks, cols, names = columns
                at, n = 0, len(rts)
                while at < n:
                    if not asg.idle:
                        stop = min(n, at + _due_index(self._next_due(), per) - self.count)
                        if stop > at:
                            before = self.count
                            base = first + at - before
                            count = column_loop(
                                rts, ks, cols, names, lines, first, at, stop, before, base,
                                asg, advance, target, loads,
                            )  # fmt: skip
                            self.count = count
                            received[0] += count - before
                            at += count - before
                            if at >= n:
                                break
                    records, error = records_from_values(
                        [loads(lines[at])], (first + at,), plain, file_name
                    )
                    if error is not None:
                        raise error
                    at += 1
                    yield time(self.count), records[0]
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    def _passes(self, where: Any, rec: Record, count: int) -> bool:
        """The WHERE clause: only TRUE passes (NULL and FALSE are filtered)."""
        try:
            passed = where(rec) is True
        except RowFailure as failure:
            self.count = count
            self._fail(failure.rule, failure.message, rec, failure)
        if not passed:
            self.filtered += 1
        return passed

    def _first_record_of(
        self, p: int, route: dict[int, Any], fused_route: dict[int, Any] | None
    ) -> tuple[KafkaSourceReaderWatermarks, SplitState, Any, Any] | None:
        """Partition ``p`` receives its first record: its split gets a state of its own (a copy
        of the one its never-fed siblings share) and a route; None when the topic has no such
        partition."""
        plan = self.plan
        if type(p) is not int or not 0 <= p < plan.partitions:
            return None
        reader = self.readers[(self.owner_start + p) % plan.parallelism]
        split = reader.split(p)
        assert split is not None, p
        local = self.locals[reader.index] if self.locals else None
        buffer = local.buffer if local is not None else None
        hop = route[p] = (reader, split, local, buffer)
        if fused_route is not None and local is not None and buffer is not None:
            fused_route[p] = (
                split,
                buffer.entries,
                buffer.samples,
                buffer,
                local.new_acc,
                local.downstream,
            )
        return hop

    def _unknown_partition(self, rec: Record, p: int) -> None:
        from flinkdoctor.errors import InputError, Location

        name, _, line = (rec.source or "<input>").rpartition(":")
        loc = Location(name, int(line)) if line.isdigit() else None
        if not 0 <= p <= 2**31 - 1:
            raise InputError(f"partition {p} is not a Kafka partition id (0 to 2147483647)", loc)
        raise InputError(
            f"record is in partition {p} but the topic has {self.plan.partitions} partitions "
            f"(use --partitions {p + 1} or more)",
            loc,
        )

    def _dropped_null_tvf(self, rec: Record) -> None:
        self.dropped_by_rule["R3.10"] += 1
        if len(self.dropped) < self.max_dropped:
            self.dropped.append(
                DroppedRecord(
                    rec.source,
                    rec.partition,
                    rec.offset,
                    None,
                    "R3.10",
                    _opt(self.op.progress),
                    "null-rowtime",
                )
            )

    def _sample_record(self, sample: Any) -> Record:
        """The record of a window sample: ``(record, rowtime, ...)``, or from the fused path
        ``(envelope, rowtime, progress, line number)`` (see ``row_reader.compile_fused_path``)."""
        if len(sample) < 4:
            return sample[0]  # type: ignore[no-any-return]
        records, _ = records_from_values(
            [sample[0]], (sample[3],), self.fused_format, self.fused_file
        )
        return records[0]

    def _lost_in_buffer(self, count: int, sample: Any, slice_end: int) -> None:
        """Rows the window operator accepted into its buffer but moved into state only after
        their window fired: no timer, never emitted (Flink 1.20's GlobalAggCombiner)."""
        rec, rt = self._sample_record(sample), sample[1]
        self.dropped_by_rule["R3.4"] += count
        if len(self.dropped) < self.max_dropped:
            self.dropped.append(
                DroppedRecord(
                    rec.source,
                    rec.partition,
                    rec.offset,
                    rt,
                    "R3.4",
                    _opt(self.op.progress),
                    "lost-in-buffer",
                    count,
                )
            )

    def _dropped_partial(self, count: int, sample: Any, slice_end: int) -> None:
        """A pre-aggregated slice dropped by the window operator. ``sample`` is its first record,
        its rowtime and the window operator's watermark when that record was read: if the slice
        was not late then, the local buffer's delayed flush is what lost it."""
        rec, rt = self._sample_record(sample), sample[1]
        op = self.op
        late_on_arrival = True
        if len(sample) > 2 and isinstance(op, SlicingWindowOperator):
            late_on_arrival = sample[2] >= op.trigger(op._last_window_end(slice_end))
        self._dropped(rec, rt, count, local=not late_on_arrival, grouped=count)

    def _dropped(
        self, rec: Record, rt: int | None, count: int, local: bool = False, grouped: int = 1
    ) -> None:
        plan = self.plan
        if plan.window_kind == "SESSION":
            rule = "R3.6"
        elif plan.window_style == "legacy":
            rule = "R3.7"
        else:
            rule = "R3.4"
        cause = "late"
        if rt is None:
            cause = "late-null-rowtime"
        if local:
            cause = "local-buffer"
        self.dropped_by_rule[rule] += count
        if len(self.dropped) < self.max_dropped:
            self.dropped.append(
                DroppedRecord(
                    rec.source,
                    rec.partition,
                    rec.offset,
                    rt,
                    rule,
                    _opt(self.op.progress),
                    cause,
                    grouped,
                )
            )

    def _finish(self) -> None:
        plan = self.plan
        if plan.bounded:
            self.now = self.last_record_time
            for reader in self.readers:
                reader.end_of_input(self.now, self.count)
            for assigner in self.assigners:
                assigner.end_of_input(self.now, self.count)
            return
        # Unbounded: the job keeps running with no more data; let processing time pass until
        # nothing can change any more (periodic emission, idleness).
        horizon = self.last_record_time
        for _ in range(10_000):
            deadline = self._deadline() if self.period is not None else None
            checkpoint = (
                self.next_ckpt if self.ckpt_period is not None and self._buffered() else None
            )
            if deadline is None and checkpoint is None:
                break
            wanted = [x for x in (deadline, checkpoint) if x is not None]
            if deadline is not None and self.next_timer is not None:
                wanted = [max(wanted[0], self.next_timer), *wanted[1:]]
            horizon = max(horizon, min(wanted))
            if horizon - self.last_record_time > _TAIL_CAP_MS:
                break
            self._fire_timers(horizon)

    # -- results -----------------------------------------------------------------------------

    def _result(self, final_wm: int) -> SimulationResult:
        plan = self.plan
        rows = tuple(self._row(r) for r in self.sink.rows)
        pending = (
            tuple(self._pending(w, final_wm) for w in self._open_windows())
            if self.failure is None
            else ()
        )
        ts_cols = frozenset(c.name for c in plan.columns if c.kind.startswith("window_"))
        config: dict[str, Any] = {
            "flink_version": plan.version.text,
            "table": plan.table,
            "connector": plan.connector,
            "topic": plan.topic,
            "watermark_path": "source (per partition)"
            if plan.push_down
            else "WatermarkAssignerOperator",
            "bounded": plan.bounded,
            "partitions": plan.partitions if plan.push_down else None,
            "parallelism": plan.parallelism,
            "partition_owners": self._partition_owners(),
            "partition_owner_start": self.owner_start if plan.push_down else None,
            "arrival": plan.arrival,
            "pipeline.auto-watermark-interval": plan.interval,
            "idle_timeout": plan.idle_timeout,
            "emit_strategy": ("on-event" if plan.emit_on_event else "on-periodic")
            if plan.push_down
            else None,
            "table.local-time-zone": plan.zone_name,
            "rowtime": plan.rowtime_column,
            "rowtime_type": plan.rowtime_type,
            "watermark_delay_ms": plan.watermark_delay,
            "window": self._window_text(),
            "checkpointing": plan.checkpointing,
            "sink": plan.sink,
        }
        return SimulationResult(
            columns=tuple(Column(c.name, c.type) for c in plan.columns),
            rows=rows,
            row_kinds=tuple(self.sink.kinds),
            pending=pending,
            dropped=tuple(self.dropped),
            dropped_total=sum(self.dropped_by_rule.values()),
            dropped_by_rule=dict(self.dropped_by_rule),
            watermarks=self._timelines(),
            config=config,
            failure=self.failure,
            records_in=self.count,
            records_accepted=self.count - sum(self.dropped_by_rule.values()) - self.filtered,
            records_filtered=self.filtered,
            final_watermark=_opt(final_wm),
            notes=plan.notes,
            timestamp_columns=ts_cols,
            display_zone=plan.zone_name if plan.rowtime_type == "TIMESTAMP_LTZ" else "UTC",
            findings=tuple(n for n in plan.notes if n.startswith("R3.8"))
            + (_no_input(self.count) if plan.planning_error is None else ())
            + _null_rowtimes(self.null_rowtimes),
            null_rowtime_records=self.null_rowtimes,
            regular_aggregate=plan.regular_parts is not None,
            max_event_time=self._max_event_time(),
            watermark_delay=plan.watermark_delay,
        )

    def _partition_owners(self) -> dict[str, int] | None:
        """Partition -> subtask, listed for a topic of at most ``LISTED_ONE_BY_ONE``
        partitions (beyond, ``partition_owner_start`` says it: R2.2)."""
        plan = self.plan
        if not plan.push_down or plan.partitions > LISTED_ONE_BY_ONE:
            return None
        n = plan.parallelism
        return {str(p): (self.owner_start + p) % n for p in range(plan.partitions)}

    def _max_event_time(self) -> int | None:
        times = [
            s.last_event_time
            for r in self.readers
            for s in r.splits.values()
            if s.last_event_time is not None
        ]
        times += [a.last_event_time for a in self.assigners if a.last_event_time is not None]
        return max(times) if times else None

    def _window_text(self) -> str:
        p = self.plan
        style = "" if p.window_style == "tvf" else "legacy GROUP BY "
        if p.window_kind == "TUMBLE":
            body = f"size {p.size} ms" + (f", offset {p.offset} ms" if p.offset else "")
        elif p.window_kind == "HOP":
            body = f"slide {p.slide} ms, size {p.size} ms" + (
                f", offset {p.offset} ms" if p.offset else ""
            )
        elif p.window_kind == "CUMULATE":
            body = f"step {p.step} ms, size {p.size} ms" + (
                f", offset {p.offset} ms" if p.offset else ""
            )
        else:
            body = f"gap {p.gap} ms"
        return f"{style}{p.window_kind}({body})"

    def _row(self, r: WindowRow) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for c in self.plan.columns:
            if c.kind == "window_start":
                out[c.name] = r.start
            elif c.kind == "window_end":
                out[c.name] = r.end
            elif c.kind == "window_time":
                out[c.name] = r.end - 1
            elif c.kind == "key":
                out[c.name] = r.key[c.index]
            else:
                out[c.name] = r.values[c.index]
        return out

    def _open_windows(self) -> list[OpenWindow]:
        """Open windows of the window operator plus rows still in local pre-aggregation buffers."""
        windows = list(self.op.open_windows())
        if not self.locals or not isinstance(self.op, SlicingWindowOperator):
            return windows
        op = self.op
        merged: dict[tuple[int, Any], list[int]] = {
            (w.end, w.key): [w.records, w.start] for w in windows
        }
        for local in self.locals:
            for slice_end, keyed in local.buffer.entries.items():
                for key, acc in keyed.items():
                    k = key if isinstance(key, tuple) else (key,)
                    for start, end in op.assigner.windows_of_slice(slice_end):
                        if op.trigger(end) <= op.fired_upto and end != slice_end:
                            continue
                        slot = merged.setdefault((end, k), [0, start])
                        slot[0] += acc[0]
        out = [
            OpenWindow(start, end, key, count, op.trigger(end))
            for (end, key), (count, start) in merged.items()
        ]
        out.sort(key=lambda w: (w.end, repr(w.key)))
        return out

    def _pending(self, w: OpenWindow, final_wm: int) -> PendingWindow:
        """Open window ``w`` and what holds it, as facts (render/replay_wording.py words them)."""
        plan = self.plan
        key = dict(zip(plan.key_names, w.key, strict=False))
        current = _opt(final_wm)
        if w.trigger <= final_wm:
            return PendingWindow(
                w.start,
                w.end,
                key,
                w.records,
                w.trigger,
                current,
                (),
                buffered=True,
                window_offset=bool(plan.offset),
                watermark_delay=plan.watermark_delay,
            )
        holders = self._holders(w.trigger)
        release_at = (
            w.trigger + plan.watermark_delay
            if plan.watermark_delay is not None
            and not any(h.kind in ("no-partition", "null-rowtime", "no-emission") for h in holders)
            else None
        )
        return PendingWindow(
            w.start,
            w.end,
            key,
            w.records,
            w.trigger,
            current,
            tuple(holders),
            release_event_time=release_at,
            all_idle=not holders and self.valve.idle,
            window_offset=bool(plan.offset),
            watermark_delay=plan.watermark_delay,
        )

    def _holders(self, trigger: int) -> list[Holder]:
        plan = self.plan
        out: list[Holder] = []
        if plan.push_down:
            for reader in self.readers:
                ch = self.valve.channels[reader.index]
                if ch.idle or ch.watermark >= trigger:
                    continue
                if not reader.splits:
                    out.append(
                        Holder(
                            reader.name,
                            None,
                            None,
                            "R2.3",
                            kind="no-partition",
                            subtask=reader.index,
                            topic=plan.topic,
                            topic_partitions=plan.partitions,
                            parallelism=plan.parallelism,
                        )
                    )
                    continue
                found = False
                mine: list[tuple[int, Holder]] = []
                for p, split in reader.splits.items():
                    if split.idle or split.watermark >= trigger:
                        continue
                    found = True
                    if p != NEVER_FED:
                        mine.append((p, self._split_holder(split, reader, trigger)))
                        continue
                    for ids in _never_fed_entries(reader):
                        holder = self._split_holder(split, reader, trigger, ids)
                        mine.append((ids.first or 0, holder))
                mine.sort(key=lambda entry: entry[0])  # in partition order
                out += [holder for _, holder in mine]
                if not found:
                    out.append(
                        Holder(
                            reader.name,
                            _opt(ch.watermark),
                            None,
                            "R2.1",
                            kind="not-emitted",
                            subtask=reader.index,
                            records=sum(sp.records for sp in reader.splits.values()),
                        )
                    )
        else:
            for assigner in self.assigners:
                ch = self.valve.channels[assigner.index]
                if ch.idle or ch.watermark >= trigger:
                    continue
                got = self.received_by_subtask[assigner.index]
                if got == 0:
                    out.append(
                        Holder(
                            assigner.name,
                            None,
                            None,
                            "R2.6",
                            kind="no-data",
                            subtask=assigner.index,
                            idle_timeout=plan.idle_timeout > 0,
                        )
                    )
                else:
                    # a watermark <= 0 is never emitted (R1.4): None
                    out.append(
                        Holder(
                            assigner.name,
                            _opt(assigner.last) if assigner.last > 0 else None,
                            assigner.last_event_time,
                            "R1.4",
                            kind="behind",
                            subtask=assigner.index,
                            records=got,
                        )
                    )
        out.sort(key=lambda h: -1 << 64 if h.watermark is None else h.watermark)
        return out

    def _split_holder(
        self,
        split: Any,
        reader: KafkaSourceReaderWatermarks,
        trigger: int,
        ids: PartitionSet | None = None,
    ) -> Holder:
        """``split``'s holder; ``ids`` names the never-fed partitions ``split`` stands for."""
        plan = self.plan
        ids = PartitionSet.single(split.partition) if ids is None else ids
        if split.records == 0:
            rule, kind = "R2.1", "no-data"
        elif split.last_event_time is None and split.generated == LONG_MIN:
            rule, kind = "R1.7", "null-rowtime"
        elif plan.interval == 0 and not plan.emit_on_event:
            rule, kind = "R1.8", "no-emission"
        else:
            rule, kind = "R1.6", "behind"
        many = len(ids) > 1
        return Holder(
            f"{_partitions_text(ids)} ({reader.name})",
            _opt(split.watermark),
            split.last_event_time,
            rule,
            kind=kind,
            partition=None if many else ids.first,
            subtask=reader.index,
            records=split.records,
            partition_count=len(ids),
            idle_timeout=plan.idle_timeout > 0,
            next_watermark=split.generated
            if kind == "behind" and split.generated > split.watermark
            else None,
        )

    def _timelines(self) -> tuple[InputTimeline, ...]:
        out: list[tuple[tuple[int, int], InputTimeline]] = []
        split_index: dict[str, tuple[int, Any]] = {}
        never_fed: dict[str, KafkaSourceReaderWatermarks] = {}
        gone: set[str] = set()  # never-fed states whose partitions all received records since
        for reader in self.readers:
            for p, split in reader.splits.items():
                if p == NEVER_FED:
                    never_fed[split.name] = reader
                else:
                    split_index[split.name] = (reader.index, split)
            if NEVER_FED not in reader.splits:
                gone.add(never_fed_name(reader.index))
        reader_index = {r.name: r for r in self.readers}
        assigner_index = {a.name: a for a in self.assigners}

        for name in self.timeline.order:
            if name in gone:
                continue
            raw = self.timeline.points[name]
            points = tuple(
                TimelinePoint(
                    p.at,
                    _opt(p.watermark)
                    if not (p.watermark == 0 and name in assigner_index)
                    else None,
                    p.idle,
                    p.records,
                )
                for p in raw
            )
            if name in split_index:
                sub, split = split_index[name]
                out.append(
                    (
                        (2, split.partition),
                        InputTimeline(
                            f"partition {split.partition}",
                            "split",
                            sub,
                            PartitionSet.single(split.partition),
                            split.last_event_time,
                            split.records,
                            points,
                        ),
                    )
                )
            elif name in never_fed:
                r = never_fed[name]
                for ids in _never_fed_entries(r):
                    timeline = InputTimeline(
                        _partitions_text(ids), "split", r.index, ids, None, 0, points
                    )
                    out.append(((2, ids.first or 0), timeline))
            elif name in reader_index:
                r = reader_index[name]
                recs = sum(s.records for s in r.splits.values())
                last = max(
                    (s.last_event_time for s in r.splits.values() if s.last_event_time is not None),
                    default=None,
                )
                owned = PartitionSet.of_range(r.owned)
                timeline = InputTimeline(name, "subtask", r.index, owned, last, recs, points)
                out.append(((1, r.index), timeline))
            elif name in assigner_index:
                a = assigner_index[name]
                timeline = InputTimeline(
                    name,
                    "subtask",
                    a.index,
                    PartitionSet(),
                    a.last_event_time,
                    self.received_by_subtask[a.index],
                    points,
                )
                out.append(((1, a.index), timeline))
            else:
                timeline = InputTimeline(
                    name, "operator", None, PartitionSet(), None, self.count, points
                )
                out.append(((0, 0), timeline))
        out.sort(key=lambda entry: entry[0])
        return tuple(timeline for _, timeline in out)


def _never_fed_entries(reader: KafkaSourceReaderWatermarks) -> list[PartitionSet]:
    """The entries (holders, timelines) that name ``reader``'s never-fed partitions: one per
    partition when there are at most ``NEVER_FED_LISTED`` of them, else one naming them all."""
    if reader.never_fed == 1 and len(reader.splits) == 1:  # the common case: one, never fed
        return [PartitionSet.single(reader.owned[0])]
    ids = PartitionSet.minus(reader.owned, (p for p in reader.splits if p != NEVER_FED))
    if len(ids) <= NEVER_FED_LISTED:
        return [PartitionSet.single(p) for p in ids]
    return [ids]


def _partitions_text(ids: PartitionSet) -> str:
    """``partition 3``, or ``partitions 0-39999, 40001-2147483646`` for several."""
    return f"partition {ids.first}" if len(ids) == 1 else f"partitions {ids.text()}"


def _due_index(next_due: int, per: float | None) -> int:
    """The number of the first record whose arrival time (``int(n * per)``, 0 for all when
    ``per`` is None) is ``>= next_due``."""
    if next_due <= 0:
        return 0
    if per is None or next_due >= 1 << 60:
        return 1 << 62
    n = max(0, int(next_due / per) - 2)
    while n > 0 and int(per * (n - 1)) >= next_due:
        n -= 1
    while int(per * n) < next_due:
        n += 1
    return n


def _assigner(plan: EnginePlan) -> TumblingAssigner | HoppingAssigner | CumulativeAssigner:
    if plan.window_kind == "HOP":
        return HoppingAssigner(plan.size, plan.slide, plan.offset)
    if plan.window_kind == "CUMULATE":
        return CumulativeAssigner(plan.size, plan.step, plan.offset)
    return TumblingAssigner(plan.size, plan.offset)


def _opt(wm: int | None) -> int | None:
    if wm is None or wm == LONG_MIN:
        return None
    return wm


def _no_input(records: int) -> tuple[str, ...]:
    """An empty input is itself the answer to "why is my sink empty" (R5.7, R6.4)."""
    if records:
        return ()
    return (
        "R5.7: no input records, so the sink stays empty whatever the windows do (an empty "
        "topic or sample, 'latest-offset' started after the data, or the wrong topic)",
    )


def _null_rowtimes(records: int) -> tuple[str, ...]:
    """NULL rowtimes in a legacy group window are silent in Flink: say so (seed §3.5, R6.8)."""
    if not records:
        return ()
    return (
        f"R6.8: {records} record(s) have a NULL rowtime (the rowtime conversion returned NULL); "
        "the legacy group window reads NULL as epoch 0, so they are counted in 1970-01-01 windows "
        "(phantom 1970 rows) or dropped as late, without an error: fix the conversion "
        "(flinkdoctor check-pattern --ddl SCRIPT --events FILE)",
    )
