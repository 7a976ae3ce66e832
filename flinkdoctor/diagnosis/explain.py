"""``explain``: every cause of an empty (or wrong) sink, ranked, each with its evidence and, where
it is an edit of the user's file, a fix verified by replaying the fixed job on the same events.

Pure: ``explain(script_text, source_name, events_factory, options) -> ExplainResult``. The events
come from a factory so they can be read again for every replay (a file is re-read, never held
in memory; a live Kafka sample is a small list).

The result model (a contract for the renderers: text, JSON, HTML):

- ``ExplainResult``: ``verdict`` (``rows`` / ``empty`` / ``fails``), ``sink_rows`` (rows the
  sinks receive AND make visible, over every windowed query), ``findings`` (ranked, most likely
  cause first), ``queries`` (``QueryReport`` per windowed query, with its ``SimulationResult``),
  ``fix`` (the combined fix of every error-level cause with an edit, verified), ``fixed_text``
  (the user's file with that fix applied), ``assumptions`` (arrival model, partitions, unknown
  placeholders), ``exit_code`` (0 the sink gets its rows, 1 an error-level cause).
- Each fix's ``verified`` is a ``Verification`` (sink rows, windows fired, a sentence).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from flinkdoctor.diagnosis.alongside import Alongside, Outcome, alongside
from flinkdoctor.diagnosis.edits import LineOp, apply_edits, build_edits
from flinkdoctor.diagnosis.replay_findings import ReplayContext, replay_findings, ts
from flinkdoctor.diagnosis.rowtime_data import DataCause, check_rowtime_data, option_ops
from flinkdoctor.diagnosis.sinks import sink_visibility, source_findings
from flinkdoctor.engine import Overrides, SimulationResult, build_plan, simulate, windowed_queries
from flinkdoctor.engine.arrival import ArrivalMode
from flinkdoctor.errors import FlinkDoctorError, Location
from flinkdoctor.events import Record
from flinkdoctor.findings import Finding, Fix, Severity, Verification
from flinkdoctor.lint import check_script
from flinkdoctor.lint.sources import source_reads
from flinkdoctor.sql import load_script
from flinkdoctor.sql import model as m

EventsFactory = Callable[[], Iterable[Record]]

VERDICTS = ("rows", "empty", "fails", "unknown")
"""``unknown``: the script has no windowed query, so nothing was replayed (static and data checks
only)."""

NO_WINDOWED_QUERY = (
    "the script has no windowed query (a SELECT with a window TVF or GROUP BY "
    "TUMBLE/HOP/SESSION): nothing was replayed, so the rows the sink gets are not known; "
    "the static checks and the data checks against each source's rowtime ran"
)

# Most likely cause of an empty or wrong sink first (within one severity).
_PRIORITY = (
    "no-input-records",
    "rowtime-field-missing",
    "pattern-invalid",
    "pattern-mismatch",
    "json-timestamp-format",
    "epoch-unit-mismatch",
    "null-rowtime-job-failure",
    "job-failure",
    "startup-group-offsets",
    "filter-matches-nothing",
    "idle-subtask",
    "idle-partition",
    "sink-needs-checkpoint",
    "jdbc-flush-disabled",
    "legacy-null-rowtime",
    "window-not-closed",
    "late-records-dropped",
    "updating-aggregate",
)


@dataclass(frozen=True, slots=True)
class ExplainOptions:
    """What the command line adds to the script."""

    env: Mapping[str, str] = field(default_factory=dict)
    """The environment a PyFlink job would see (``--env`` over the process environment)."""
    settings: Mapping[str, str] = field(default_factory=dict)
    partitions: int | None = None
    parallelism: int | None = None
    flink_version: str = "1.20"
    arrival: ArrivalMode | None = None
    """None: follow the job (latest-offset: live by Kafka timestamps; else a backlog)."""
    backlog_rate: float = 10_000.0
    live_sample: bool = False
    """The events were sampled live from the topic (said in the report)."""
    data_sample: int = 10_000
    """Records the data checks (field, pattern) look at; every replay reads all of them."""
    max_dropped: int = 1000


@dataclass(frozen=True, slots=True)
class QueryReport:
    """One windowed query's replay."""

    index: int
    sink: str | None
    location: Location | None
    table: str | None
    window: str | None
    arrival: str | None
    arrival_reason: str | None
    rows: int
    """Rows the window operator emitted to the sink."""
    visible_rows: int
    """Rows the sink makes visible (0 for a checkpoint-committed sink without checkpoints)."""
    windows_fired: int
    pending_windows: int
    final_watermark: int | None
    failure: str | None
    result: SimulationResult | None = None
    error: str | None = None
    """Why this query was not replayed (unsupported SQL, unresolved placeholder), if so."""
    sink_note: str | None = None


@dataclass(frozen=True, slots=True)
class ExplainResult:
    """Everything ``explain`` found (see the module docstring)."""

    source: str
    script_text: str
    verdict: str
    sink_rows: int
    findings: tuple[Finding, ...]
    queries: tuple[QueryReport, ...]
    fix: Fix | None
    fixed_text: str | None
    records: int
    assumptions: tuple[str, ...] = ()
    placeholders: tuple[str, ...] = ()

    @property
    def exit_code(self) -> int:
        """0 when the sink gets its rows (nothing error-level), 1 for an error-level cause."""
        return 1 if any(f.severity is Severity.ERROR for f in self.findings) else 0

    @property
    def top(self) -> Finding | None:
        return self.findings[0] if self.findings else None

    @property
    def verdict_text(self) -> str:
        """The verdict as one sentence."""
        return verdict_sentence(self.verdict, self.sink_rows)


def verdict_sentence(verdict: str, sink_rows: int) -> str:
    if verdict == "unknown":
        return "not known: the script has no windowed query to replay"
    if verdict == "fails":
        if sink_rows:
            return f"the job fails and restarts, after the sink received {sink_rows} row(s)"
        return "the job fails and restarts: the sink gets nothing"
    if verdict == "rows":
        return f"the sink receives {sink_rows} row(s)"
    return "the sink receives nothing"


@dataclass(slots=True)
class _Run:
    """Replays of every windowed query of one script text."""

    reports: list[QueryReport]
    findings: list[Finding]
    contexts: list[ReplayContext]


def explain(
    script_text: str,
    source_name: str,
    events_factory: EventsFactory,
    options: ExplainOptions | None = None,
    *,
    two_replays: Alongside = alongside,
    partitions_later: Callable[[], int | None] | None = None,
) -> ExplainResult:
    """Run every check on ``script_text`` and the events, rank the causes, verify the fixes.
    ``two_replays`` runs the job's replay and the early fix's verification (by default on one
    read of the events, ``diagnosis.alongside``; an edge may give one that uses another core).
    ``partitions_later`` gives ``options.partitions`` when an edge is still computing it (a
    scan of the file in another process): asked for once, before the first replay."""
    opts = options or ExplainOptions()
    script = load_script(script_text, source_name, opts.env)
    placeholders = tuple(dict.fromkeys(h.python for h in script.holes))
    queries = windowed_queries(script)
    if not queries:
        return _without_replay(script, script_text, source_name, events_factory, opts)
    sample = list(itertools.islice(events_factory(), opts.data_sample))
    assumptions: list[str] = []
    if opts.live_sample:
        assumptions.append(f"events: a live sample of the topic ({len(sample)} read)")
    # -- the data against each source table's rowtime -----------------------------------------
    causes: list[DataCause] = []
    tables: dict[str, m.CreateTable] = {}
    for select, _, _ in queries:
        table = _source_table(script, select)
        if table is not None:
            tables.setdefault(str(table.name).lower(), table)
    for table in tables.values():
        data = check_rowtime_data(script, script_text, table, sample)
        causes += data.causes
        assumptions += [f"{table.name}: {note}" for note in data.notes]
    rowtime_known = any(
        c.finding.name in ("rowtime-field-missing", "pattern-mismatch", "json-timestamp-format")
        for c in causes
    )
    json_known = any(c.finding.name == "json-timestamp-format" for c in causes)
    # -- replay every windowed query ----------------------------------------------------------
    if partitions_later is not None:
        opts = replace(opts, partitions=partitions_later())
    # and, when the data checks already have the rowtime fix that will be verified, the fixed
    # job alongside, on the same read of the events (its outcome is used when it is asked for)
    early_ops = tuple(op for c in causes for op in c.ops)
    early_edits = (
        build_edits(script_text, source_name, early_ops)
        if any(c.ops and c.finding.severity is Severity.ERROR for c in causes)
        else ()
    )

    def replay(factory: EventsFactory) -> _Run:
        return _replay_all(script, factory, opts, rowtime_known, json_known, assumptions)

    early: Outcome[tuple[Verification | None, _Run | None]] | None = None
    if early_edits:
        run, early = two_replays(
            events_factory,
            replay,
            lambda factory: _verify(script_text, source_name, early_edits, factory, opts),
        )
    else:
        run = replay(events_factory)
    # -- static rules, source and sink sides --------------------------------------------------
    lint = _lint(script, script_text)
    causes, lint = _fold_invalid_pattern(causes, lint)
    extra = source_findings(script, queries, run.reports, lint)
    data_findings = [c.finding for c in causes]
    ours = _dedupe([*data_findings, *run.findings, *extra])
    taken = {(f.name, f.location.line if f.location else 0) for f in ours}
    data_names = {f.name for f in data_findings}
    findings = ours + [
        f
        for f in lint
        if (f.name, f.location.line if f.location else 0) not in taken and f.name not in data_names
    ]
    # -- fixes: one per error-level cause with an edit, and one combined; each verified ---------
    rowtime_ops = tuple(op for c in causes for op in c.ops)
    rowtime_text = "; ".join(dict.fromkeys(c.fix_text for c in causes if c.fix_text))
    fix_ops: dict[int, tuple[tuple[LineOp, ...], str]] = {}
    for index, finding in enumerate(findings):
        if finding in data_findings:
            cause = causes[data_findings.index(finding)]
            ops = rowtime_ops if cause.ops else ()
            text = rowtime_text if cause.ops else cause.fix_text
            fix_ops[index] = (ops, text)
        elif finding.name in ("idle-subtask", "idle-partition"):
            fix_ops[index] = _idle_fix(script, script_text, finding, opts)
        elif finding.fix is not None and finding.fix.edits:  # a static rule's edit (lint's)
            lint_ops = _edit_ops(script_text, finding.fix.edits)
            if lint_ops:
                fix_ops[index] = (lint_ops, finding.fix.text)
    verified: dict[tuple[LineOp, ...], tuple[Verification | None, _Run | None]] = {}

    def verify(ops: tuple[LineOp, ...]) -> tuple[Verification | None, _Run | None]:
        if ops not in verified:
            if early is not None and ops == early_ops:
                verified[ops] = early.get()
            else:
                edits = build_edits(script_text, source_name, ops)
                verified[ops] = _verify(script_text, source_name, edits, events_factory, opts)
        return verified[ops]

    # -- evaluate past the fixes: what would the fixed job still hit? --------------------------
    findings = list(findings)
    for _ in range(_ROUNDS):
        ops_now = _combined_ops(findings, fix_ops)
        if not ops_now or not build_edits(script_text, source_name, ops_now):
            break
        _, after = verify(ops_now)
        present = {f.name for f in findings}
        new = [
            f
            for f in (after.findings if after is not None else [])
            if f.severity is Severity.ERROR and f.name not in present
        ]
        if not new:
            break
        for hidden in new:
            findings.append(
                replace(
                    hidden,
                    message=f"once the fixes above are applied: {hidden.message}",
                    evidence={**hidden.evidence, "revealed_by_fix": True},
                )
            )
            if hidden.name in ("idle-subtask", "idle-partition"):
                fix_ops[len(findings) - 1] = _idle_fix(script, script_text, hidden, opts)
        if _combined_ops(findings, fix_ops) == ops_now:
            break
    out: list[Finding] = []
    for index, finding in enumerate(findings):
        if index not in fix_ops:
            out.append(finding)
            continue
        ops, text = fix_ops[index]
        edits = build_edits(script_text, source_name, ops) if ops else ()
        verification: Verification | None = None
        if edits and finding.severity is Severity.ERROR:
            verification = verify(ops)[0]
        if finding.fix is not None and not edits:
            out.append(finding)
            continue
        out.append(finding.with_fix(Fix(text or "", edits, verification)))
    ranked = tuple(sorted(out, key=_rank))
    combined_ops = _combined_ops(findings, fix_ops)
    fix: Fix | None = None
    fixed_text: str | None = None
    if combined_ops:
        edits = build_edits(script_text, source_name, combined_ops)
        if edits:
            texts = [
                f.fix.text
                for f in ranked
                if f.fix is not None and f.fix.edits and f.severity is Severity.ERROR
            ]
            fix = Fix("; ".join(dict.fromkeys(texts)), edits, verify(combined_ops)[0])
            fixed_text = apply_edits(script_text, edits)
    sink_rows = sum(q.visible_rows for q in run.reports)
    failed = any(q.failure is not None for q in run.reports)
    verdict = "fails" if failed else "rows" if sink_rows else "empty"
    replays = [run] + [r for _, r in verified.values() if r is not None]
    records = max(
        [len(sample)] + [q.result.records_in for r in replays for q in r.reports if q.result]
    )
    if placeholders:
        assumptions.append(
            "unresolved in the job (pass --env NAME=VALUE): " + ", ".join(placeholders)
        )
    return ExplainResult(
        source=source_name,
        script_text=script_text,
        verdict=verdict,
        sink_rows=sink_rows,
        findings=ranked,
        queries=tuple(run.reports),
        fix=fix,
        fixed_text=fixed_text,
        records=records,
        assumptions=tuple(dict.fromkeys(assumptions)),
        placeholders=placeholders,
    )


def _without_replay(
    script: m.Script,
    script_text: str,
    source_name: str,
    events_factory: EventsFactory,
    opts: ExplainOptions,
) -> ExplainResult:
    """No windowed query: what can be known without a replay. The static rules, and the data
    against every source table with a rowtime; fixes are shown but not verified (there is no
    replay to verify them with)."""
    sample = list(itertools.islice(events_factory(), opts.data_sample))
    assumptions = [NO_WINDOWED_QUERY]
    if opts.live_sample:
        assumptions.append(f"events: a live sample of the topic ({len(sample)} read)")
    causes: list[DataCause] = []
    for read in source_reads(script):
        if read.table.watermark is None:
            continue
        data = check_rowtime_data(script, script_text, read.table, sample)
        causes += data.causes
        assumptions += [f"{read.table.name}: {note}" for note in data.notes]
    lint = _lint(script, script_text)
    causes, lint = _fold_invalid_pattern(causes, lint)
    data_findings = _dedupe([c.finding for c in causes])
    taken = {(f.name, f.location.line if f.location else 0) for f in data_findings}
    data_names = {f.name for f in data_findings}
    findings = data_findings + [
        f
        for f in lint
        if (f.name, f.location.line if f.location else 0) not in taken and f.name not in data_names
    ]
    rowtime_ops = tuple(dict.fromkeys(op for c in causes for op in c.ops))
    rowtime_text = "; ".join(dict.fromkeys(c.fix_text for c in causes if c.fix_text))
    edits = build_edits(script_text, source_name, rowtime_ops) if rowtime_ops else ()
    out = [
        f.with_fix(Fix(rowtime_text, edits, None))
        if edits and f in data_findings and causes[data_findings.index(f)].ops
        else f
        for f in findings
    ]
    placeholders = tuple(dict.fromkeys(h.python for h in script.holes))
    if placeholders:
        assumptions.append(
            "unresolved in the job (pass --env NAME=VALUE): " + ", ".join(placeholders)
        )
    return ExplainResult(
        source=source_name,
        script_text=script_text,
        verdict="unknown",
        sink_rows=0,
        findings=tuple(sorted(out, key=_rank)),
        queries=(),
        fix=Fix(rowtime_text, edits, None) if edits else None,
        fixed_text=apply_edits(script_text, edits) if edits else None,
        records=len(sample),
        assumptions=tuple(dict.fromkeys(assumptions)),
        placeholders=placeholders,
    )


_ROUNDS = 3
"""How many times the fixed job is replayed to find what the fixes uncover."""


def _lint(script: m.Script, text: str) -> list[Finding]:
    """The static rules' findings; an error-level one keeps its edit of the user's file (it is
    verified like the other fixes), the others say their fix in words, as before: ``explain``
    shows diffs only for what empties the sink."""
    out: list[Finding] = []
    for finding in check_script(script, text=text):
        fix = finding.fix
        if fix is not None and fix.edits and finding.severity is not Severity.ERROR:
            finding = finding.with_fix(replace(fix, edits=()))
        out.append(finding)
    return out


def _edit_ops(text: str, edits: Sequence[Any]) -> tuple[LineOp, ...]:
    """A static rule's edits as line operations that compose with the other fixes': a one-line
    replacement applies only while the line is as written (a fix of the same line made before
    wins), an insertion goes before its line. Empty when an edit is neither."""
    lines = text.splitlines()
    ops: list[LineOp] = []
    for edit in edits:
        if edit.end_line == edit.start_line - 1:
            ops += [LineOp(edit.start_line, insert=line) for line in edit.replacement]
        elif (
            edit.end_line == edit.start_line
            and 1 <= edit.start_line <= len(lines)
            and len(edit.replacement) == 1
        ):
            written = lines[edit.start_line - 1]
            literal = edit.replacement[0].replace("\\", "\\\\")
            ops.append(LineOp(edit.start_line, "^" + re.escape(written) + "$", literal))
        else:
            return ()
    return tuple(ops)


def _combined_ops(
    findings: Sequence[Finding], fix_ops: Mapping[int, tuple[tuple[LineOp, ...], str]]
) -> tuple[LineOp, ...]:
    """The ops of every error-level finding's fix, in order, once each."""
    ops = (
        op
        for i, (own, _) in sorted(fix_ops.items())
        if findings[i].severity is Severity.ERROR
        for op in own
    )
    return tuple(dict.fromkeys(ops))


def _fold_invalid_pattern(
    causes: list[DataCause], lint: list[Finding]
) -> tuple[list[DataCause], list[Finding]]:
    """A pattern Java rejects (lint's pattern-invalid) explains the values that do not parse:
    one finding, lint's, with the data's evidence and the pattern fix."""
    invalid = [f for f in lint if f.name == "pattern-invalid"]
    if not invalid:
        return causes, lint
    out: list[DataCause] = []
    used: list[Finding] = []
    for cause in causes:
        if cause.finding.name == "pattern-mismatch" and invalid:
            static = invalid.pop(0)
            merged = Finding(
                static.code,
                static.name,
                static.severity,
                static.message,
                static.location,
                {**cause.finding.evidence, **static.evidence},
                static.fix,
                static.rule,
            )
            used.append(static)
            out.append(DataCause(merged, cause.ops, cause.fix_text))
        else:
            out.append(cause)
    return out, [f for f in lint if f not in used]


def _rank(finding: Finding) -> tuple[int, int, str, int, int]:
    order = _PRIORITY.index(finding.name) if finding.name in _PRIORITY else len(_PRIORITY)
    loc = finding.location
    return (
        finding.severity.rank,
        order,
        loc.file if loc else "",
        loc.line if loc else 0,
        loc.column if loc else 0,
    )


def _dedupe(findings: Sequence[Finding]) -> list[Finding]:
    """One finding per name and line: the first (data and replay findings come before lint's,
    and carry the evidence)."""
    seen: set[tuple[str, int, str]] = set()
    out: list[Finding] = []
    for finding in findings:
        loc = finding.location
        key = (finding.name, loc.line if loc else 0, str(finding.evidence.get("query", "")))
        if key in seen:
            continue
        seen.add(key)
        out.append(finding)
    return out


def _source_table(script: m.Script, select: m.Select) -> m.CreateTable | None:
    window = select.group_window()
    tvfs = [w for w in select.windows() if w.style == "tvf"]
    if window is None and tvfs:
        window = tvfs[0]
    item: Any = window.source if window is not None and window.style == "tvf" else select.from_
    if isinstance(item, m.WindowTVF):
        item = item.table
    if isinstance(item, m.TableRef):
        return script.table(item.name)
    return None


def _arrival(
    table: m.CreateTable | None, records: Sequence[Record], opts: ExplainOptions
) -> tuple[ArrivalMode, str]:
    """The arrival model that follows the job, and why."""
    if opts.arrival is not None:
        return opts.arrival, "as given (--arrival)"
    options = table.options if table is not None else {}
    connector = options.get("connector", "").lower()
    if connector not in ("kafka", "upsert-kafka"):
        return "file", f"a {connector or 'bounded'} source reads its input in order"
    mode = options.get("scan.startup.mode", "group-offsets").lower()
    stamped = bool(records) and all(r.timestamp is not None for r in records[:100])
    if connector == "kafka" and mode == "latest-offset":
        if stamped:
            return (
                "live",
                "scan.startup.mode 'latest-offset': the job sees each event as it is produced, "
                "at its Kafka timestamp",
            )
        return (
            "file",
            "scan.startup.mode 'latest-offset', but the events carry no Kafka timestamps: "
            "read in order",
        )
    return (
        "backlog",
        f"scan.startup.mode '{mode}': a job started on a backlog reads it fast "
        f"({int(opts.backlog_rate)} records/s)",
    )


def _partitions(opts: ExplainOptions, records: Sequence[Record]) -> int | None:
    if opts.partitions is not None:
        return opts.partitions
    seen = [r.partition for r in records if r.partition is not None]
    return max(seen) + 1 if seen else None


def _replay_all(
    script: m.Script,
    events_factory: EventsFactory,
    opts: ExplainOptions,
    rowtime_known: bool,
    json_known: bool,
    assumptions: list[str] | None,
) -> _Run:
    queries = windowed_queries(script)
    head = list(itertools.islice(events_factory(), 100))
    partitions = _partitions(opts, head)
    run = _Run([], [], [])
    for index, (select, sink, statement) in enumerate(queries):
        table = _source_table(script, select)
        arrival, why = _arrival(table, head, opts)
        location = statement.location
        unresolved = _rowtime_placeholder(table)
        if unresolved is not None:
            run.reports.append(
                QueryReport(
                    index,
                    sink,
                    location,
                    str(table.name) if table else None,
                    None,
                    arrival,
                    why,
                    0,
                    0,
                    0,
                    0,
                    None,
                    None,
                    error=f"the rowtime of {table.name if table else '?'} depends on "
                    f"{unresolved}, unknown without the job's environment: pass --env",
                )
            )
            continue
        overrides = Overrides(
            settings=dict(opts.settings),
            partitions=partitions,
            parallelism=opts.parallelism,
            arrival=arrival,
            backlog_rate=opts.backlog_rate,
            flink_version=opts.flink_version,
            query_index=index,
        )
        try:
            plan = build_plan(script, overrides)
        except FlinkDoctorError as error:
            run.reports.append(
                QueryReport(
                    index,
                    sink,
                    location,
                    str(table.name) if table else None,
                    None,
                    arrival,
                    why,
                    0,
                    0,
                    0,
                    0,
                    None,
                    None,
                    error=str(error),
                )
            )
            continue
        if assumptions is not None:
            assumptions.append(f"query {index}: arrival '{arrival}': {why}")
            if "${" in plan.topic or "__hole_" in plan.topic:
                assumptions.append(
                    f"query {index}: the topic name is unknown ({plan.topic}); the partition-to-"
                    "subtask assignment hashes it, so which subtask owns which partition is a "
                    "guess: pass --env with the topic's variable"
                )
            if partitions is None:
                assumptions.append(
                    "partitions: 1 (the events carry no partition; give --partitions)"
                )
        result = simulate(plan, events_factory(), max_dropped=opts.max_dropped)
        visible, note = sink_visibility(script, sink, plan.settings, len(result.rows))
        fired = _windows_fired(result)
        report = QueryReport(
            index=index,
            sink=sink,
            location=location,
            table=plan.table,
            window=str(result.config.get("window")),
            arrival=arrival,
            arrival_reason=why,
            rows=len(result.rows),
            visible_rows=visible,
            windows_fired=fired,
            pending_windows=len({(p.window_start, p.window_end) for p in result.pending}),
            final_watermark=result.final_watermark,
            failure=result.failure.message if result.failure else None,
            result=result,
            sink_note=note,
        )
        ctx = ReplayContext(
            query_index=index,
            query_location=location,
            table_location=table.location if table else None,
            where_location=select.where.location if select.where is not None else None,
            sink=sink,
            rowtime_cause_known=rowtime_known,
            json_cause_known=json_known,
            visible_rows=visible,
            topic_unknown="${" in plan.topic or "__hole_" in plan.topic,
        )
        run.reports.append(report)
        run.contexts.append(ctx)
        run.findings += replay_findings(result, ctx)
    return run


def _rowtime_placeholder(table: m.CreateTable | None) -> str | None:
    """The placeholder text the table's rowtime or watermark depends on, if any."""
    if table is None or table.watermark is None:
        return None
    texts = [table.watermark.expr.to_sql()]
    for column in table.columns:
        if isinstance(column, m.ComputedColumn):
            texts.append(column.expr.to_sql())
    for text in texts:
        for marker in ("${", "__hole_"):
            at = text.find(marker)
            if at >= 0:
                return text[at : text.find("}", at) + 1 if marker == "${" else at + 12]
    return None


def _windows_fired(result: SimulationResult) -> int:
    columns = sorted(result.timestamp_columns)
    if not columns:
        return len(result.rows)
    return len({tuple(row.get(c) for c in columns) for row in result.rows})


def _idle_fix(
    script: m.Script, text: str, finding: Finding, opts: ExplainOptions
) -> tuple[tuple[LineOp, ...], str]:
    """An idle timeout on the Kafka table: idle inputs stop holding the watermark back."""
    query = finding.evidence.get("query")
    queries = windowed_queries(script)
    if not isinstance(query, int) or not 0 <= query < len(queries):
        return (), ""
    table = _source_table(script, queries[query][0])
    if table is None:
        return (), ""
    words = (
        "set an idle timeout ('scan.watermark.idle-timeout' = '5 s') so inputs without data "
        "are marked idle and stop holding the watermark back"
    )
    if finding.name == "idle-subtask":
        words += ", or a parallelism no higher than the partition count"
    version = opts.flink_version.split(".")
    if tuple(int(p) for p in version[:2] if p.isdigit()) < (1, 18):
        return (), "set 'table.exec.source.idle-timeout' = '5 s'" + words[words.find(" so") :]
    return tuple(option_ops(text, table, "scan.watermark.idle-timeout", "5 s")), words


def _verify(
    text: str,
    source: str,
    edits: Sequence[Any],
    events_factory: EventsFactory,
    opts: ExplainOptions,
) -> tuple[Verification | None, _Run | None]:
    """Apply ``edits`` to a copy, re-parse, replay every windowed query on the same events."""
    fixed = apply_edits(text, edits)
    try:
        script = load_script(fixed, source, opts.env)
        run = _replay_all(script, events_factory, opts, False, False, None)
    except FlinkDoctorError as error:
        summary = f"the fixed script does not load: {error}"
        return Verification(0, 0, summary, failed=True), None
    rows = sum(q.visible_rows for q in run.reports)
    fired = sum(q.windows_fired for q in run.reports)
    failures = [q.failure for q in run.reports if q.failure]
    errors = [q.error for q in run.reports if q.error]
    if failures:
        summary = f"with this change the job still fails: {failures[0]}"
        return Verification(rows, fired, summary, True), run
    if errors:
        return Verification(rows, fired, f"with this change: {errors[0]}", True), run
    summary = f"with this change: {rows} row(s) in {fired} window(s)"
    newest = _newest_pending(run)
    if newest:
        summary += f"; {newest}"
    return Verification(rows, fired, summary, failed=rows == 0), run


def _newest_pending(run: _Run) -> str:
    pending = [p for q in run.reports if q.result is not None for p in q.result.pending]
    if not pending:
        return ""
    newest = max(pending, key=lambda p: p.window_end)
    if newest.release_event_time is not None:
        return (
            f"the newest window [{ts(newest.window_start)}, {ts(newest.window_end)}) closes at "
            f"an event >= {ts(newest.release_event_time)} on every input"
        )
    return (
        f"the newest window [{ts(newest.window_start)}, {ts(newest.window_end)}) closes when "
        f"the watermark reaches {ts(newest.needed_watermark)}"
    )


__all__ = [
    "VERDICTS",
    "EventsFactory",
    "ExplainOptions",
    "ExplainResult",
    "QueryReport",
    "explain",
    "verdict_sentence",
]
