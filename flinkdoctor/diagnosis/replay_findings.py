"""Turn one replay (``SimulationResult``) into findings: the job failure, an empty input, NULL
rowtimes read as 1970, late drops, a WHERE clause that keeps nothing, updating aggregates, and
every window still open with the input holding it back. Sentences are made here, from the
engine's structured facts (``Holder.kind``, ``PendingWindow.release_event_time``,
``DroppedRecord.cause``), never taken from the engine's own explanation strings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flinkdoctor.engine import Holder, PendingWindow, SimulationResult
from flinkdoctor.engine.timeutil import format_millis
from flinkdoctor.errors import Location
from flinkdoctor.findings import Finding, Severity, kind


def ts(millis: int | None) -> str:
    """Epoch ms as ``YYYY-MM-DD HH:MM:SS.fff``; ``none`` for no watermark yet."""
    if millis is None:
        return "none (Long.MIN_VALUE)"
    return str(format_millis(millis))


@dataclass(frozen=True, slots=True)
class ReplayContext:
    """What the findings of one query need besides the result."""

    query_index: int
    query_location: Location | None
    table_location: Location | None
    where_location: Location | None
    sink: str | None
    rowtime_cause_known: bool
    """A data cause already explains NULL rowtimes (field missing, pattern, JSON format)."""
    json_cause_known: bool
    visible_rows: int
    """Rows the sink makes visible (0 for a sink that commits on checkpoints without any)."""
    topic_unknown: bool = False
    """The topic name is an unresolved placeholder: partition owners (a hash of it) are a guess."""


def _finding(
    name: str,
    message: str,
    location: Location | None,
    evidence: dict[str, Any],
    rule: str | None,
    severity: Severity | None = None,
) -> Finding:
    entry = kind(name)
    return Finding(
        entry.code,
        entry.name,
        severity or entry.severity,
        message,
        location,
        evidence,
        None,
        rule,
    )


def replay_findings(result: SimulationResult, ctx: ReplayContext) -> list[Finding]:
    """Every finding of one replayed query."""
    out: list[Finding] = []
    base = {"query": ctx.query_index}
    if result.failure is not None:
        failure = result.failure
        restart = (
            "Flink restarts it forever (checkpointing implies a fixed-delay restart strategy)"
            if failure.restarts
            else "the job fails"
        )
        evidence = {
            **base,
            "error": failure.message,
            "record": failure.source or None,
            "restarts": failure.restarts,
        }
        if failure.rule in ("R1.7", "R1.5"):
            out.append(
                _finding(
                    "null-rowtime-job-failure",
                    f"a record with a NULL rowtime reaches the window ({failure.source}): Flink "
                    f"throws '{failure.message}' and {restart}",
                    ctx.query_location,
                    evidence,
                    failure.rule,
                )
            )
        elif not (failure.rule == "R4.5" and ctx.json_cause_known) and not (
            failure.rule in ("R4.3", "R4.4") and ctx.rowtime_cause_known
        ):
            out.append(
                _finding(
                    "job-failure",
                    f"the job fails: {failure.message}"
                    + ("; Flink restarts it forever" if failure.restarts else ""),
                    ctx.query_location,
                    evidence,
                    failure.rule,
                )
            )
        return out
    if result.records_in == 0:
        out.append(
            _finding(
                "no-input-records",
                "there are no input records, so the sink stays empty whatever the windows do "
                "(an empty topic or sample, 'latest-offset' started after the data, or the "
                "wrong topic)",
                ctx.table_location,
                {**base, "records": 0},
                "R5.7",
            )
        )
        return out
    if result.null_rowtime_records and not ctx.rowtime_cause_known:
        phantom = sum(1 for r in result.rows if _is_1970(r, result))
        out.append(
            _finding(
                "legacy-null-rowtime",
                f"{result.null_rowtime_records} record(s) have a NULL rowtime; the legacy group "
                "window reads NULL as epoch 0, so they are counted in 1970-01-01 windows "
                "or dropped as late, without an error",
                ctx.query_location,
                {**base, "records": result.null_rowtime_records, "rows_in_1970": phantom},
                "R6.8",
            )
        )
    if result.records_filtered and result.records_filtered == result.records_in:
        out.append(
            _finding(
                "filter-matches-nothing",
                f"the WHERE clause keeps none of the {result.records_in} sampled records, so no "
                "window ever gets a row",
                ctx.where_location or ctx.query_location,
                {**base, "records": result.records_in, "filtered": result.records_filtered},
                "R6.5",
            )
        )
    if result.regular_aggregate:
        out.append(
            _finding(
                "updating-aggregate",
                "the GROUP BY lacks window_start and window_end, so Flink plans a regular "
                "aggregate over the window TVF: it emits at once, as updates (-U/+U), and never "
                "waits for the watermark; group by window_start, window_end",
                ctx.query_location,
                dict(base),
                "R3.8",
            )
        )
    out += _drops(result, ctx, base)
    out += _pending(result, ctx, base)
    return out


def _is_1970(row: dict[str, Any], result: SimulationResult) -> bool:
    for column in result.timestamp_columns:
        value = row.get(column)
        if isinstance(value, int) and 0 <= value < 86_400_000:
            return True
    return False


def _drops(result: SimulationResult, ctx: ReplayContext, base: dict[str, Any]) -> list[Finding]:
    causes = Counter(d.cause or "late" for d in result.dropped)
    late = {c: n for c, n in causes.items() if c != "null-rowtime"}
    total_late = sum(n for rule, n in result.dropped_by_rule.items() if rule != "R3.10")
    if not total_late:
        return []
    examples = [
        {
            "at": d.source or None,
            "partition": d.partition,
            "event_time": ts(d.event_time) if d.event_time is not None else None,
            "watermark": ts(d.watermark),
            "cause": d.cause or "late",
            "rule": d.rule,
        }
        for d in result.dropped
        if d.cause != "null-rowtime"
    ][:5]
    buffered = late.get("local-buffer", 0) + late.get("lost-in-buffer", 0)
    message = (
        f"{total_late} record(s) were dropped as late: the window they belong to had already "
        "fired, so their rows are missing from the sink"
    )
    nulls = late.get("late-null-rowtime", 0)
    if nulls:
        message += (
            f"; {nulls} of the listed ones have a NULL rowtime, read as epoch 0 (the 1970 "
            "window had fired)"
        )
    if buffered:
        message += (
            f" ({buffered} of the listed ones waited in an aggregation buffer until after their "
            "window fired)"
        )
    return [
        _finding(
            "late-records-dropped",
            message,
            ctx.query_location,
            {**base, "dropped": total_late, "by_cause": dict(late), "examples": examples},
            "R3.4",
        )
    ]


def _pending(result: SimulationResult, ctx: ReplayContext, base: dict[str, Any]) -> list[Finding]:
    """Open windows by what holds them: a subtask without partitions, a partition without (fresh)
    data, or only the newest data (normal, unless nothing has reached the sink)."""
    if not result.pending:
        return []
    out: list[Finding] = []
    by_holder: dict[str, list[tuple[PendingWindow, Holder]]] = {}
    newest: list[PendingWindow] = []
    all_idle: list[PendingWindow] = []
    for window in result.pending:
        if window.buffered:
            newest.append(window)
            continue
        if window.all_idle:
            # idle inputs never advance event time past the data (R2.6, R2.7): fine for the
            # newest window of a job whose others fired, the cause when none ever fired
            if result.rows:
                newest.append(window)
            else:
                all_idle.append(window)
            continue
        real = [h for h in window.held_back_by if h.kind != "null-rowtime"]
        if not real:
            if not window.held_back_by:
                newest.append(window)
            continue  # NULL rowtimes: the rowtime causes explain it
        classes = [(_holder_class(h, window, result), h) for h in real]
        idle_classes = [(c, h) for c, h in classes if c in ("idle-subtask", "idle-partition")]
        for key, holder in idle_classes or classes:
            by_holder.setdefault(key, []).append((window, holder))
    newest += [w for w, _ in by_holder.get("newest", [])]
    if "idle-subtask" in by_holder or "idle-partition" in by_holder:
        # what the idle inputs hold back is the cause; the newest data only ends the sample
        newest += [w for w, _ in by_holder.pop("window-not-closed", [])]
    guess = (
        " (the topic name is unknown, and which subtask owns which partition is a hash of it: "
        "the owners shown are a guess; pass the topic's variable with --env)"
        if ctx.topic_unknown
        else ""
    )
    subtasks = by_holder.get("idle-subtask", [])
    if subtasks:
        names = sorted({h.input for _, h in subtasks})
        cfg = result.config
        out.append(
            _finding(
                "idle-subtask",
                f"{len(names)} source subtask(s) own no partition ({cfg.get('partitions')} "
                f"partition(s), parallelism {cfg.get('parallelism')}): the Kafka source never "
                "marks them idle without an idle timeout, so they pin the watermark at "
                f"Long.MIN_VALUE and {_windows(subtasks)} never fire(s){guess}",
                ctx.table_location,
                {
                    **base,
                    "subtasks": names,
                    "partitions": cfg.get("partitions"),
                    "parallelism": cfg.get("parallelism"),
                    "partition_owners": cfg.get("partition_owners"),
                    "windows": _window_list(subtasks),
                },
                "R2.3",
            )
        )
    idle = by_holder.get("idle-partition", [])
    if idle:
        idle_holders = {h.input: h for _, h in idle}
        described = "; ".join(_holder_text(h) for h in idle_holders.values())
        out.append(
            _finding(
                "idle-partition",
                f"{sum(max(h.partition_count, 1) for h in idle_holders.values())} partition(s) "
                "without fresh data hold the watermark back "
                f"while the others are ahead: {described}{guess}",
                ctx.table_location,
                {
                    **base,
                    "inputs": [_holder_json(h) for h in idle_holders.values()],
                    "windows": _window_list(idle),
                },
                "R2.1",
            )
        )
    behind = by_holder.get("window-not-closed", [])
    if behind:
        windows = sorted({(w.window_start, w.window_end) for w, _ in behind})
        first = min((w for w, _ in behind), key=lambda w: w.window_end)
        release = first.release_event_time
        holders = {h.input: h for w, h in behind if w is first}
        when = (
            f"it fires once every holding input has seen an event at or after {ts(release)}"
            if release is not None
            else f"it needs the watermark to reach {ts(first.needed_watermark)}"
        )
        severity = Severity.ERROR if ctx.visible_rows == 0 else Severity.WARNING
        out.append(
            _finding(
                "window-not-closed",
                f"{len(windows)} window(s) have not closed: the watermark "
                f"{ts(result.final_watermark)} is below "
                f"{ts(first.needed_watermark)} (window end - 1 ms) of "
                f"[{ts(first.window_start)}, {ts(first.window_end)}), held back by "
                f"{', '.join(holders)}; {when}",
                ctx.query_location,
                {
                    **base,
                    "windows": _window_list(behind),
                    "watermark": ts(result.final_watermark),
                    "needed_watermark": ts(first.needed_watermark),
                    "release_event_time": ts(release) if release is not None else None,
                    "inputs": [_holder_json(h) for h in holders.values()],
                },
                "R3.3",
                severity,
            )
        )
    if all_idle and not behind:
        first = min(all_idle, key=lambda w: w.window_end)
        release = first.release_event_time
        when = (
            f"it fires once the inputs see an event at or after {ts(release)}"
            if release is not None
            else f"it needs the watermark to reach {ts(first.needed_watermark)}"
        )
        out.append(
            _finding(
                "window-not-closed",
                f"no window has closed: every input went idle with the watermark at "
                f"{ts(result.final_watermark)}, below {ts(first.needed_watermark)} (window end "
                f"- 1 ms) of [{ts(first.window_start)}, {ts(first.window_end)}); idleness never "
                f"advances event time past the data; {when}",
                ctx.query_location,
                {
                    **base,
                    "windows": sorted({ts(w.window_start) for w in all_idle}),
                    "watermark": ts(result.final_watermark),
                    "needed_watermark": ts(first.needed_watermark),
                    "release_event_time": ts(release) if release is not None else None,
                    "inputs": [],
                    "all_idle": True,
                },
                "R2.7",
            )
        )
    if newest and not out:
        first = min(newest, key=lambda w: w.window_end)
        release = first.release_event_time
        when = (
            f"it closes when every input has seen an event at or after {ts(release)}"
            if release is not None
            else f"it closes when the watermark reaches {ts(first.needed_watermark)}"
        )
        count = len({(w.window_start, w.window_end) for w in newest})
        which = (
            f"the newest window [{ts(first.window_start)}, {ts(first.window_end)}) is still "
            "open, as it should be at the end of a sample"
            if count == 1
            else f"the {count} newest windows are still open, as they should be at the end of a "
            f"sample; the first, [{ts(first.window_start)}, {ts(first.window_end)}),"
        )
        out.append(
            _finding(
                "window-pending",
                f"{which}: {when}" if count == 1 else f"{which} {when.removeprefix('it ')}",
                ctx.query_location,
                {
                    **base,
                    "windows": sorted({ts(w.window_start) for w in newest}),
                    "watermark": ts(result.final_watermark),
                    "needed_watermark": ts(first.needed_watermark),
                    "release_event_time": ts(release) if release is not None else None,
                },
                "R3.3",
            )
        )
    return out


def _holder_class(holder: Holder, window: PendingWindow, result: SimulationResult) -> str:
    if holder.kind == "no-partition":
        return "idle-subtask"
    if holder.kind == "no-data":
        return "idle-partition"
    if holder.kind == "behind" and result.max_event_time is not None:
        delay = result.watermark_delay
        ahead = delay is not None and result.max_event_time - delay >= window.needed_watermark
        if ahead:
            return "idle-partition"  # only stale data: the others are past this window
    if holder.kind == "behind" and result.rows and window.release_event_time is not None:
        return "newest"
    return "window-not-closed"


def _holder_text(holder: Holder) -> str:
    if holder.kind == "no-data":
        return f"{holder.input} {'have' if holder.partition_count > 1 else 'has'} no data"
    return (
        f"{holder.input} has only stale data (newest event time {ts(holder.last_event_time)}, "
        f"watermark {ts(holder.watermark)})"
    )


def _holder_json(holder: Holder) -> dict[str, Any]:
    return {
        "input": holder.input,
        "kind": holder.kind,
        "partition": holder.partition,
        "partition_count": holder.partition_count,
        "subtask": holder.subtask,
        "records": holder.records,
        "watermark": ts(holder.watermark) if holder.watermark is not None else None,
        "last_event_time": ts(holder.last_event_time)
        if holder.last_event_time is not None
        else None,
        "rule": holder.rule,
    }


def _window_list(pairs: Sequence[tuple[PendingWindow, Holder]]) -> list[dict[str, Any]]:
    seen: dict[tuple[int, int], dict[str, Any]] = {}
    for window, _ in pairs:
        entry = seen.setdefault(
            (window.window_start, window.window_end),
            {
                "window_start": ts(window.window_start),
                "window_end": ts(window.window_end),
                "records": 0,
            },
        )
        entry["records"] += window.records
    return [seen[k] for k in sorted(seen)][:20]


def _windows(pairs: Sequence[tuple[PendingWindow, Holder]]) -> str:
    n = len({(w.window_start, w.window_end) for w, _ in pairs})
    return f"{n} window(s)"
