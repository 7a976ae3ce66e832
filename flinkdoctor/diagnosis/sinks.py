"""The two ends the engine does not model: what a sink makes visible (R5.1-R5.5) and where a Kafka
source starts reading (R5.7). The static findings of both come from lint rules; here they get the
replay's numbers (rows that reach the sink but stay invisible; what ``latest-offset`` means for
the first window in wall-clock time), or are made when lint has no rule for them yet."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from flinkdoctor.engine.settings import parse_duration
from flinkdoctor.errors import FlinkDoctorError, Location
from flinkdoctor.findings import Finding, kind
from flinkdoctor.lint.rules.jdbc_flush_disabled import count_trigger_off
from flinkdoctor.sql import model as m

COMMIT_ON_CHECKPOINT = frozenset({"filesystem", "hive", "iceberg", "paimon"})


def _checkpointing(settings: Mapping[str, str]) -> bool:
    text = settings.get("execution.checkpointing.interval")
    if text is None:
        return False
    try:
        return parse_duration("execution.checkpointing.interval", text) > 0
    except FlinkDoctorError:
        return False


def sink_blocker(table: m.CreateTable | None, settings: Mapping[str, str]) -> str | None:
    """The finding name when ``table`` as a sink never makes a row visible, else None."""
    if table is None or _checkpointing(settings):
        return None
    options = {k.lower(): v for k, v in table.options.items()}
    connector = options.get("connector", "").lower()
    if connector in COMMIT_ON_CHECKPOINT:
        return "sink-needs-checkpoint"
    if connector == "kafka" and options.get("sink.delivery-guarantee", "").lower() == (
        "exactly-once"
    ):
        return "sink-needs-checkpoint"
    if connector == "jdbc":
        rows = options.get("sink.buffer-flush.max-rows", "100").strip()
        interval = options.get("sink.buffer-flush.interval", "1s").strip()
        try:
            off = parse_duration("sink.buffer-flush.interval", interval) == 0
        except FlinkDoctorError:
            off = False
        if count_trigger_off(rows) and off:
            return "jdbc-flush-disabled"
    return None


def sink_visibility(
    script: m.Script, sink: str | None, settings: Mapping[str, str], rows: int
) -> tuple[int, str | None]:
    """Rows the sink makes visible out of ``rows`` received, and why fewer when so."""
    if sink is None:
        return rows, None
    table = script.table(sink)
    blocker = sink_blocker(table, settings)
    if blocker is None:
        return rows, None
    if blocker == "jdbc-flush-disabled":
        return 0, (
            f"{sink}: JDBC sink with both buffer-flush triggers off (sink.buffer-flush.max-rows "
            "<= 0, .interval 0) and no checkpoints writes no row while the job runs"
        )
    return 0, f"{sink}: commits on checkpoints, and checkpointing is off"


class _Report(Protocol):
    index: int
    sink: str | None
    rows: int
    location: Location | None


def source_findings(
    script: m.Script,
    queries: Sequence[tuple[m.Select, str | None, m.Insert | m.QueryStatement]],
    reports: Sequence[Any],
    lint: Sequence[Finding],
) -> list[Finding]:
    """Sink and source findings with the replay's numbers: lint's own, enriched, or ours."""
    out: list[Finding] = []
    by_name = {(f.name, f.location.line if f.location else 0): f for f in lint}
    for report in reports:
        if report.sink is None:
            continue
        table = script.table(report.sink)
        blocker = sink_blocker(table, script.settings)
        if blocker is None or table is None:
            continue
        entry = kind(blocker)
        existing = next((f for (n, _), f in by_name.items() if n == blocker), None)
        evidence = {
            "query": report.index,
            "sink": report.sink,
            "rows_received": report.rows,
            "rows_visible": 0,
            "connector": table.options.get("connector"),
        }
        if existing is not None:
            out.append(
                Finding(
                    existing.code,
                    existing.name,
                    existing.severity,
                    existing.message
                    + f" (the replay sends it {report.rows} row(s); none become visible)",
                    existing.location,
                    {**existing.evidence, **evidence},
                    existing.fix,
                    existing.rule,
                )
            )
            continue
        if blocker == "jdbc-flush-disabled":
            message = (
                f"the JDBC sink {report.sink} has both buffer-flush triggers off "
                "(sink.buffer-flush.max-rows <= 0, sink.buffer-flush.interval 0) and "
                "checkpointing is off: it buffers every row and writes none while the job runs "
                f"({report.rows} row(s) received, none visible)"
            )
            rule = "R5.5"
        else:
            message = (
                f"the sink {report.sink} makes rows visible only when a checkpoint completes, "
                f"and checkpointing is off ({report.rows} row(s) received, none visible): set "
                "execution.checkpointing.interval"
            )
            rule = "R5.2"
        out.append(
            Finding(
                entry.code,
                entry.name,
                entry.severity,
                message,
                table.location,
                evidence,
                None,
                rule,
            )
        )
    out += _startup(script, queries, reports, lint)
    return out


def _startup(
    script: m.Script,
    queries: Sequence[tuple[m.Select, str | None, m.Insert | m.QueryStatement]],
    reports: Sequence[Any],
    lint: Sequence[Finding],
) -> list[Finding]:
    out: list[Finding] = []
    done: set[str] = set()
    for report in reports:
        name = report.table
        table = script.table(name) if name else None
        if table is None or str(table.name).lower() in done:
            continue
        done.add(str(table.name).lower())
        options = {k.lower(): v for k, v in table.options.items()}
        if options.get("connector", "").lower() != "kafka":
            continue
        mode = options.get("scan.startup.mode", "group-offsets").lower()
        result = report.result
        if mode == "latest-offset":
            entry = kind("startup-latest-offset")
            size = _window_size(result)
            delay = result.watermark_delay if result is not None else None
            wall = ""
            if size is not None:
                wait = size + (delay or 0)
                lag = f" plus the {_duration(delay)} watermark delay" if delay else ""
                wall = (
                    "; the first window to fire is the one the start falls in, and it holds "
                    "only the events since the start; it closes once event time passes its end"
                    f"{lag}: up to {_duration(wait)} of wall-clock time after the start, and "
                    "only once every partition has delivered a later event"
                )
            existing = [f for f in lint if f.name == entry.name]
            message = (
                f"{table.name} starts at 'latest-offset': only events produced after the job "
                f"starts count{wall}; the replay assumes the events arrive live, at their Kafka "
                "timestamps"
            )
            evidence: dict[str, Any] = {
                "table": str(table.name),
                "scan.startup.mode": mode,
                "arrival": report.arrival,
                "window_ms": size,
                "watermark_delay_ms": delay,
            }
            if existing:
                first = existing[0]
                out.append(
                    Finding(
                        first.code,
                        first.name,
                        first.severity,
                        message,
                        first.location,
                        {**first.evidence, **evidence},
                        first.fix,
                        first.rule,
                    )
                )
            else:
                out.append(
                    Finding(
                        entry.code,
                        entry.name,
                        entry.severity,
                        message,
                        table.location,
                        evidence,
                        None,
                        "R5.7",
                    )
                )
        elif mode == "group-offsets" and options.get("properties.auto.offset.reset") is None:
            out.append(_group_offsets(table, options, report, lint))
    return out


def _group_offsets(
    table: m.CreateTable, options: Mapping[str, str], report: Any, lint: Sequence[Finding]
) -> Finding:
    """The start from committed offsets, said as explain can: whether the group has committed
    offsets is in the broker, not in the script or the events, so the replay had to assume it."""
    group = options.get("properties.group.id")
    said = (
        "'scan.startup.mode' = 'group-offsets'"
        if "scan.startup.mode" in options
        else "no 'scan.startup.mode' (the default is 'group-offsets')"
    )
    if group is None:
        message = (
            f"{table.name} has {said} and no 'properties.group.id': Flink rejects the table at "
            "planning (group.id is required when using committed offsets)"
        )
    else:
        message = (
            f"{table.name} has {said} and no 'properties.auto.offset.reset': the job fails at "
            "start (NoOffsetForPartitionException: no reset policy) unless consumer group "
            f"'{group}' already has committed offsets for every partition of the topic, which an "
            "offline tool cannot see (check with kafka-consumer-groups.sh --describe --group "
            f"{group}); a new or expired group has none"
        )
    message += (
        f"; the replay assumed the group's offsets exist and point at the first given event of "
        f"each partition, read as a backlog (arrival '{report.arrival}')"
    )
    evidence: dict[str, Any] = {
        "table": str(table.name),
        "scan.startup.mode": "group-offsets",
        "group_id": group,
        "committed_offsets": "unknown offline",
        "assumed": "committed offsets at the first given event of each partition",
        "arrival": report.arrival,
    }
    existing = [f for f in lint if f.name == "startup-group-offsets"]
    entry = existing[0] if existing else None
    default = kind("startup-group-offsets")
    return Finding(
        default.code,
        default.name,
        entry.severity if entry is not None else default.severity,
        message,
        entry.location if entry is not None else table.location,
        {**(entry.evidence if entry is not None else {}), **evidence},
        entry.fix if entry is not None else None,
        "R5.7",
    )


def _window_size(result: Any) -> int | None:
    if result is None:
        return None
    text = str(result.config.get("window", ""))
    for part in text.replace("(", ",").replace(")", ",").split(","):
        part = part.strip()
        if part.startswith("size ") and part.endswith(" ms"):
            return int(part[5:-3])
    return None


def _duration(ms: int | None) -> str:
    if ms is None:
        return "0 s"
    seconds = ms / 1000
    if seconds >= 60 and seconds % 60 == 0:
        return f"{int(seconds // 60)} min"
    if seconds >= 60:
        return f"{int(seconds // 60)} min {seconds % 60:g} s"
    return f"{seconds:g} s"
