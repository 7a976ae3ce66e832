"""The sentences of a replay: why an input holds a window back, why a window has not fired, why a
record was dropped. The engine returns only facts (epoch millis, counts, flags, ``kind`` /
``cause``); this pure module words them, with timestamps shown in the rowtime's display zone, so
every report (simulate-windows JSON and text, explain) says the same thing."""

from __future__ import annotations

from functools import lru_cache

from flinkdoctor.engine.result import DroppedRecord, Holder, PendingWindow
from flinkdoctor.engine.timeutil import LONG_MAX, LONG_MIN, ZoneShift, format_millis, resolve_zone


@lru_cache(maxsize=64)
def _shift(zone: str) -> ZoneShift | None:
    """The display zone's shift (None for UTC); memoised since a ZoneShift caches offsets."""
    resolved = resolve_zone(zone) if zone != "UTC" else None
    return ZoneShift(resolved) if resolved is not None else None


def wm_text(wm: int | None, zone: str) -> str:
    """A watermark as a sentence shows it: Long.MIN_VALUE and MAX spelled out."""
    if wm is None or wm == LONG_MIN:
        return "Long.MIN_VALUE (no watermark yet)"
    if wm == LONG_MAX:
        return "MAX (end of input)"
    shift = _shift(zone)
    return str(format_millis(shift.to_local(wm) if shift is not None else wm))


def ts_text(ts: int | None, zone: str) -> str:
    """An event time as a sentence shows it (``none`` when there is none)."""
    if ts is None:
        return "none"
    shift = _shift(zone)
    return str(format_millis(shift.to_local(ts) if shift is not None else ts))


def holder_reason(h: Holder, zone: str) -> str:
    """Why input ``h`` holds the watermark below what the window needs."""
    subtask = h.partition_count == 0
    if h.kind == "no-partition":
        return (
            f"owns no partition of {h.topic} ({h.topic_partitions} partition(s), "
            f"parallelism {h.parallelism}); the Kafka source never marks it "
            "idle without an idle timeout, so it pins the watermark at "
            "Long.MIN_VALUE (no watermark yet)"
        )
    if h.kind == "not-emitted":
        return "its partitions are ahead, but it has not emitted a watermark that high yet"
    if h.kind == "no-data":
        if subtask:
            return "never received data" + (
                ""
                if h.idle_timeout
                else " and has no idle timeout (table.exec.source.idle-timeout)"
            )
        many = h.partition_count > 1
        reason = "never received data"
        if many:
            reason = f"none of these {h.partition_count} partitions received data"
        if not h.idle_timeout:
            reason += (
                f" and no idle timeout is set, so {'they hold' if many else 'it holds'} the "
                "watermark at Long.MIN_VALUE (no watermark yet)"
            )
        return reason
    if h.kind == "null-rowtime":
        return (
            f"all {h.records} of its record(s) have a NULL rowtime, so its watermark "
            f"never advanced (R1.7)"
        )
    if h.kind == "no-emission":
        return (
            "pipeline.auto-watermark-interval is 0 with the default on-periodic emit "
            "strategy: the Kafka source never emits a watermark (R1.8)"
        )
    # behind
    if subtask:
        reason = (
            f"its newest event time is {ts_text(h.last_event_time, zone)}, so "
            f"its watermark {wm_text(h.watermark, zone)} is below the window end - 1 ms"
        )
        if h.watermark is None:
            reason += "; watermarks <= 0 are never emitted (R1.4)"
        return reason
    reason = (
        f"its newest event time is {ts_text(h.last_event_time, zone)}, so its "
        f"watermark is {wm_text(h.watermark, zone)}"
    )
    if h.next_watermark is not None:
        reason += (
            f" (the next periodic emission would raise it to {wm_text(h.next_watermark, zone)})"
        )
    return reason


def pending_explanation(p: PendingWindow, zone: str) -> str:
    """Why window ``p`` has not fired: its buffer, its first holder, or every input idle."""
    needed_text = wm_text(p.needed_watermark, zone)
    if p.buffered:
        explanation = (
            f"the watermark {wm_text(p.current_watermark, zone)} has passed {needed_text}, but "
            "its rows still wait in a window aggregation buffer (the local "
            "pre-aggregation of a source subtask, or the window operator's own), "
            "which Flink flushes only when a watermark reaches the next trigger "
            "watermark (aligned to the window size with offset 0), at a checkpoint, "
            "or at end of input"
        )
        if p.window_offset:
            explanation += "; with a window offset these rows are dropped as late when flushed"
        return explanation
    if p.held_back_by:
        h = p.held_back_by[0]
        release = ""
        if h.rule == "R1.7":
            release = (
                "; no event releases it while the rowtime is NULL: fix the rowtime "
                "conversion (column name / pattern)"
            )
        elif h.rule == "R2.3":
            release = (
                "; fix: parallelism <= partitions, or an idle timeout "
                "(table.exec.source.idle-timeout / scan.watermark.idle-timeout)"
            )
        elif h.rule == "R1.8":
            release = (
                "; fix: a positive pipeline.auto-watermark-interval or "
                "scan.watermark.emit.strategy on-event"
            )
        elif p.watermark_delay is not None:
            release = (
                f"; it fires once every holding input has seen an event at or after "
                f"{wm_text(p.needed_watermark + p.watermark_delay, zone)}"
            )
        return (
            f"needs watermark >= {needed_text} (window end - 1 ms); the watermark is "
            f"{wm_text(p.current_watermark, zone)}, held back by {h.input}: "
            f"{holder_reason(h, zone)}{release}"
        )
    if p.all_idle:
        return (
            f"needs watermark >= {needed_text}; every input is idle, and idleness "
            f"never advances event time past the data (R2.6, R2.7)"
        )
    current = wm_text(p.current_watermark, zone)
    return f"needs watermark >= {needed_text}; the watermark is {current}"


_LATE = {
    "R3.6": "its session window had already fired (end - 1 <= watermark)",
    "R3.7": (
        "every window containing it had already fired (legacy group window, allowed lateness 0)"
    ),
}
_LATE_OTHER = "the last window containing it had already fired (wm >= last window end - 1)"


def dropped_reason(d: DroppedRecord) -> str:
    """Why record ``d`` reached no result (its rule and cause, in words)."""
    if d.cause == "null-rowtime":
        return (
            "NULL rowtime: the window table function drops it silently "
            "(numNullRowTimeRecordsDropped)"
        )
    if d.cause == "lost-in-buffer":
        why = (
            "lost: accepted by the window operator, but it waited in the operator's buffer "
            "until after its window fired (the buffer flushes only at the next trigger "
            "watermark, aligned to offset 0); Flink 1.20 then keeps it in state without a "
            "timer, so it is never emitted and no metric counts it"
        )
        if d.records > 1:
            why += f" ({d.records} record(s) of the same key and slice)"
        return why
    if d.cause == "late-null-rowtime":
        why = (
            "its rowtime is NULL, read as epoch 0 by the legacy group window: the 1970 "
            "window had already fired (seed-case §3.5)"
        )
    elif d.cause == "local-buffer":
        why = (
            "not late when it was read, but it waited in the local pre-aggregation buffer "
            "of its source subtask (two-phase window aggregation), which flushes only when a "
            "watermark reaches the next trigger watermark (aligned to offset 0) or at a "
            "checkpoint; it reached the window operator after its window had fired, and "
            "Flink 1.20 dropped it as late"
        )
    else:
        why = _LATE.get(d.rule, _LATE_OTHER)
    if d.records > 1:
        why += f" ({d.records} record(s) of the same key and slice dropped together)"
    return f"late: {why}"
