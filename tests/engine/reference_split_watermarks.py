"""The reference for tests/engine/test_never_fed_splits.py: the Kafka source reader as it was
before the never-fed splits shared one state (flinkdoctor/engine/split_watermarks.py at commit
962a45a), one ``SplitState`` per partition from the start. Only the class names, ``owned``,
``never_fed`` and ``split`` (the engine's interface since) are new here; the logic is the old
code, unchanged.

Path B (R1.6-R1.10, R2.1-R2.4): watermarks generated inside a Kafka source, per split.

Mirrors, per source subtask: ``GeneratedWatermarkGeneratorSupplier.DefaultWatermarkGenerator``
per split (1.20: the latest row's value; 2.x: the max), wrapped in ``WatermarksWithIdleness`` when
an idle timeout is set; ``WatermarkOutputMultiplexer`` + ``CombinedWatermarkStatus`` (min over
non-idle splits, only rising, nothing while the split list is empty); the ``IdlenessManager`` main
output of a subtask without splits; and ``WatermarkToDataOutput`` (drops non-rising watermarks,
re-announces ACTIVE only when the watermark rises).
"""

from __future__ import annotations

from flinkdoctor.engine.idleness import IdlenessTimer
from flinkdoctor.engine.timeline import TimelineRecorder
from flinkdoctor.engine.timeutil import LONG_MAX, LONG_MIN
from flinkdoctor.engine.valve import WatermarkOutput


class ReferenceSplitState:
    """One Kafka partition inside its reader: generator value, partial watermark, idleness."""

    __slots__ = (
        "generated",
        "idle",
        "idleness",
        "last_event_time",
        "name",
        "partition",
        "records",
        "watermark",
    )

    def __init__(self, partition: int, name: str, idle_timeout: int) -> None:
        self.partition = partition
        self.name = name
        self.generated = LONG_MIN  # DefaultWatermarkGenerator.currentWatermark
        self.watermark = LONG_MIN  # PartialWatermark: what the multiplexer has seen
        self.idle = False
        self.idleness = IdlenessTimer(idle_timeout) if idle_timeout > 0 else None
        self.last_event_time: int | None = None
        self.records = 0


class ReferenceReaderWatermarks:
    """One Kafka source subtask's watermark machinery; feeds channel ``index`` of ``valve``."""

    __slots__ = (
        "combined",
        "combined_idle",
        "idle_timeout",
        "index",
        "main_idle",
        "main_idleness",
        "max_semantics",
        "max_so_far",
        "name",
        "never_fed",
        "on_event",
        "out_idle",
        "owned",
        "periodic_enabled",
        "split_local_idle",
        "splits",
        "timeline",
        "valve",
    )

    def __init__(
        self,
        index: int,
        partitions: range,
        valve: WatermarkOutput,
        timeline: TimelineRecorder,
        *,
        idle_timeout: int,
        interval: int,
        on_event: bool,
        max_semantics: bool,
        topic: str,
    ) -> None:
        self.index = index
        self.name = f"subtask {index}"
        self.valve = valve
        self.timeline = timeline
        self.idle_timeout = idle_timeout
        self.on_event = on_event
        self.max_semantics = max_semantics
        # R1.8: interval 0 means periodic emission (and with it idleness detection) never runs.
        self.periodic_enabled = interval > 0
        self.owned = partitions
        self.never_fed = 0
        self.splits = {p: ReferenceSplitState(p, f"{topic}-{p}", idle_timeout) for p in partitions}
        self.combined = LONG_MIN
        self.combined_idle = False
        self.max_so_far = LONG_MIN  # WatermarkToDataOutput.maxWatermarkSoFar
        self.out_idle = False  # WatermarkToDataOutput.isIdle
        self.main_idleness = IdlenessTimer(idle_timeout) if idle_timeout > 0 else None
        self.main_idle = True  # IdlenessManager outputs start idle (FLINK-28975)
        self.split_local_idle = True
        for split in self.splits.values():
            timeline.declare(split.name, LONG_MIN)
        timeline.declare(self.name, LONG_MIN)

    # -- records -------------------------------------------------------------------------------

    def split(self, partition: int) -> ReferenceSplitState | None:
        """Every split exists from the start."""
        return self.splits.get(partition)

    def on_record(
        self, partition: int, watermark: int | None, event_time: int | None, now: int, count: int
    ) -> None:
        """After the record went downstream (R1.10): let its split's generator see it."""
        split = self.splits[partition]
        split.records += 1
        if event_time is not None:
            split.last_event_time = event_time
        if split.idleness is not None:
            split.idleness.activity()
        if watermark is None:
            return  # R1.6/R1.7: a NULL watermark leaves the generator unchanged
        if self.max_semantics:
            if watermark > split.generated:
                split.generated = watermark
                if self.on_event:
                    self._split_emit(split, now, count, immediate=True)
            return
        split.generated = watermark
        if self.on_event:
            self._split_emit(split, now, count, immediate=True)

    # -- periodic emission -----------------------------------------------------------------------

    def periodic(self, now: int, count: int) -> None:
        """``triggerPeriodicEmit``: every split's generator, then the multiplexer, then main."""
        if not self.periodic_enabled:
            return
        # Only what changes is emitted: a split whose watermark neither rises nor leaves idleness
        # would re-emit what the multiplexer and the timeline already hold, and the combined
        # watermark only moves when a split's watermark or idleness does (or, all idle, when the
        # main output's idleness does): the outputs are those of emitting every time.
        changed = False
        on_event = self.on_event
        for split in self.splits.values():
            if split.idleness is not None and split.idleness.check_if_idle(now):
                if not split.idle:
                    split.idle = True
                    changed = True
                    self.timeline.record(split.name, now, split.watermark, True, count)
            elif not on_event and (split.idle or split.generated > split.watermark):
                changed = True
                self._split_emit(split, now, count, immediate=False)
        if changed or self.combined_idle:
            self._update_combined(now, count)
        if self.main_idleness is not None:
            if self.main_idleness.check_if_idle(now):
                if not self.main_idle:
                    self.main_idle = True
                self._maybe_mark_idle(now, count)
            else:
                # The main generator emits MIN: swallowed downstream, but it marks main active.
                self.main_idle = False

    def _split_emit(
        self, split: ReferenceSplitState, now: int, count: int, immediate: bool
    ) -> None:
        split.idle = False  # "Setting a watermark will clear the idleness flag"
        if split.generated > split.watermark:
            split.watermark = split.generated
        self.timeline.record(split.name, now, split.watermark, False, count)
        if immediate:
            self._update_combined(now, count)

    def _update_combined(self, now: int, count: int) -> None:
        if not self.splits:
            return  # an empty split list emits nothing (R2.1, R2.3)
        active = [s.watermark for s in self.splits.values() if not s.idle]
        self.combined_idle = not active
        if active and (low := min(active)) > self.combined:
            self.combined = low
            self._emit(low, now, count)
        elif self.combined_idle:
            self.split_local_idle = True
            self._maybe_mark_idle(now, count)

    def _emit(self, watermark: int, now: int, count: int) -> None:
        self.split_local_idle = False
        if watermark <= self.max_so_far:
            return
        self.max_so_far = watermark
        if self.out_idle:
            self.out_idle = False
            self.valve.input_status(self.index, False)
        self.timeline.record(self.name, now, watermark, False, count)
        self.valve.input_watermark(self.index, watermark)

    def _maybe_mark_idle(self, now: int, count: int) -> None:
        if self.main_idleness is None:
            return
        if self.split_local_idle and self.main_idle and not self.out_idle:
            self.out_idle = True
            self.timeline.record(self.name, now, self.max_so_far, True, count)
            self.valve.input_status(self.index, True)

    # -- end of input ---------------------------------------------------------------------------

    def end_of_input(self, now: int, count: int) -> None:
        """Bounded mode: the reader finishes and emits MAX_WATERMARK (R2.3, R3.11)."""
        if self.out_idle:
            self.out_idle = False
            self.valve.input_status(self.index, False)
        self.max_so_far = LONG_MAX
        self.timeline.record(self.name, now, LONG_MAX, False, count)
        self.valve.input_watermark(self.index, LONG_MAX)

    def next_deadline(self) -> int | None:
        """The earliest processing time at which a periodic call could change state without new
        records (None: only new records can)."""
        if not self.periodic_enabled:
            return None
        deadlines: list[int] = []
        for split in self.splits.values():
            if split.idleness is not None and not split.idle:
                d = split.idleness.idle_deadline()
                deadlines.append(-1 if d is None else d)
            if not self.on_event and split.generated > split.watermark:
                deadlines.append(-1)
        if self.main_idleness is not None and not self.out_idle:
            d = self.main_idleness.idle_deadline()
            deadlines.append(-1 if d is None else d)
        return min(deadlines) if deadlines else None
