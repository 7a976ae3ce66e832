"""Path A (R1.4, R1.5, R2.5): ``WatermarkAssignerOperator`` chained after a source that cannot take
the watermark itself (filesystem, datagen, JDBC, ...).

Starts at 0 (so no watermark <= 0 is ever emitted), keeps the running max, emits eagerly when the
max rose by more than ``pipeline.auto-watermark-interval`` (every rise when it is 0), otherwise on
its processing-time timer; idleness by ``table.exec.source.idle-timeout`` only.
"""

from __future__ import annotations

from flinkdoctor.engine.timeline import TimelineRecorder
from flinkdoctor.engine.timeutil import LONG_MAX
from flinkdoctor.engine.valve import WatermarkOutput


def timer_interval(watermark_interval: int, idle_timeout: int) -> int:
    """``calculateProcessingTimeTimerInterval``."""
    if watermark_interval <= 0:
        return idle_timeout
    if idle_timeout <= 0:
        return watermark_interval
    small, large = min(watermark_interval, idle_timeout), max(watermark_interval, idle_timeout)
    chosen = small if small * 5 < large else small // 5
    return max(chosen, 1)


class WatermarkAssigner:
    """One subtask's assigner, feeding channel ``index`` of ``valve``."""

    __slots__ = (
        "current",
        "idle",
        "idle_timeout",
        "index",
        "interval",
        "last",
        "last_check_processed",
        "last_event_time",
        "last_periodic",
        "name",
        "next_timer",
        "processed",
        "since_last_idle_check",
        "timeline",
        "timer_every",
        "valve",
    )

    def __init__(
        self,
        index: int,
        valve: WatermarkOutput,
        timeline: TimelineRecorder,
        *,
        interval: int,
        idle_timeout: int,
        start: int,
    ) -> None:
        self.index = index
        self.name = f"subtask {index}"
        self.valve = valve
        self.timeline = timeline
        self.interval = interval
        self.idle_timeout = idle_timeout
        self.current = 0  # "watermark and timestamp should start from 0"
        self.last = 0
        self.idle = False
        self.processed = 0
        self.last_check_processed = -1
        self.last_periodic = start
        self.since_last_idle_check = start
        self.last_event_time: int | None = None
        if interval > 0 or idle_timeout > 0:
            self.timer_every: int | None = timer_interval(interval, idle_timeout)
            self.next_timer: int | None = start + self.timer_every
        else:
            self.timer_every = None
            self.next_timer = None
        timeline.declare(self.name, 0)

    def before_record(self, now: int, count: int) -> None:
        """``processElement`` prologue: an idle channel announces ACTIVE before the row."""
        self.processed += 1
        if self.idle_timeout > 0 and self.idle:
            self.idle = False
            self.timeline.record(self.name, now, self.last, False, count)
            self.valve.input_status(self.index, False)

    def after_record(self, watermark: int | None, event_time: int, now: int, count: int) -> None:
        """``processElement`` epilogue (the row was already forwarded: R1.10). Inlined in
        ``simulator._run_assigner``: keep both in step."""
        if self.last_event_time is None or event_time > self.last_event_time:
            self.last_event_time = event_time  # the newest event time seen
        if watermark is not None and watermark > self.current:
            self.current = watermark
        if self.current - self.last > self.interval:
            self._advance(now, count)

    def _advance(self, now: int, count: int) -> None:
        if self.current > self.last:
            self.last = self.current
            self.timeline.record(self.name, now, self.current, self.idle, count)
            self.valve.input_watermark(self.index, self.current)

    def on_timer(self, now: int, count: int) -> None:
        """``onProcessingTime``."""
        if self.interval > 0 and self.last_periodic + self.interval <= now:
            self.last_periodic = now
            self._advance(now, count)
        if self.processed != self.last_check_processed:
            self.since_last_idle_check = now
            self.last_check_processed = self.processed
        if (
            self.idle_timeout > 0
            and not self.idle
            and self.since_last_idle_check + self.idle_timeout <= now
        ):
            self.idle = True
            self.timeline.record(self.name, now, self.last, True, count)
            self.valve.input_status(self.index, True)
        if self.timer_every is not None:
            self.next_timer = now + self.timer_every

    def next_deadline(self) -> int | None:
        """Earliest time a timer could change state with no new rows (None: never)."""
        if self.timer_every is None:
            return None
        deadlines: list[int] = []
        if self.interval > 0 and self.current > self.last:
            deadlines.append(-1)
        if self.idle_timeout > 0 and not self.idle:
            if self.processed != self.last_check_processed:
                deadlines.append(-1)
            else:
                deadlines.append(self.since_last_idle_check + self.idle_timeout)
        return min(deadlines) if deadlines else None

    def end_of_input(self, now: int, count: int) -> None:
        """``finish()``: MAX_WATERMARK (R3.11)."""
        if self.idle_timeout > 0 and self.idle:
            self.idle = False
            self.valve.input_status(self.index, False)
        self.current = LONG_MAX
        self.last = LONG_MAX
        self.timeline.record(self.name, now, LONG_MAX, False, count)
        self.valve.input_watermark(self.index, LONG_MAX)
