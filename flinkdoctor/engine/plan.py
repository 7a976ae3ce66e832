"""Turn a parsed script (``flinkdoctor.sql.model.Script``) plus settings into an ``EnginePlan``:
which source path (R1.1), the rowtime and watermark closures, the window, group keys, aggregates,
projection and the runtime configuration. Unsupported queries raise ``InputError`` naming the
place in the script; queries Flink itself rejects at planning become a ``planning_error``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from flinkdoctor.engine.aggregates import AggSpec
from flinkdoctor.engine.arrival import ArrivalMode
from flinkdoctor.engine.expressions import JsonOptions, Scope, Typed, compile_expr
from flinkdoctor.engine.predicates import Predicate, compile_predicate
from flinkdoctor.engine.row_reader import (
    Extract,
    FileColumns,
    FileLoop,
    FusedLoop,
    HotLoop,
    LiveLoop,
    compile_file_columns,
    compile_file_path,
    compile_fused_path,
    compile_hot_path,
    compile_live_path,
    compile_row_reader,
)
from flinkdoctor.engine.settings import (
    DEFAULT_VERSION,
    FlinkVersion,
    parse_bool,
    parse_duration,
    parse_int,
)
from flinkdoctor.engine.timeutil import ZoneShift, resolve_zone
from flinkdoctor.errors import InputError, Location
from flinkdoctor.events.record import Record
from flinkdoctor.sql import model as m

ColumnKind = Literal["window_start", "window_end", "window_time", "key", "agg"]
PUSH_DOWN_CONNECTORS = frozenset({"kafka", "upsert-kafka"})

MAX_PARALLELISM = 1 << 15
"""KeyGroupRangeAssignment.UPPER_BOUND_MAX_PARALLELISM: Flink rejects a larger parallelism."""
MAX_PARTITIONS = 1 << 31
"""Kafka's partition ids are a Java int >= 0: a topic has at most 2^31 partitions. Any count up
to that replays at the cost of the partitions that receive records (the never-fed ones of a
subtask share one state: ``split_watermarks``)."""


@dataclass(frozen=True, slots=True)
class OutputColumn:
    """One column of the rows the sink receives."""

    name: str
    type: str
    kind: ColumnKind
    index: int = 0


@dataclass(frozen=True, slots=True)
class Overrides:
    """What the command line says on top of the script (None = keep the script's / default)."""

    settings: Mapping[str, str] = field(default_factory=dict)
    partitions: int | None = None
    parallelism: int | None = None
    arrival: ArrivalMode | None = None
    backlog_rate: float = 10_000.0
    bounded: bool | None = None
    table: str | None = None
    flink_version: str = DEFAULT_VERSION
    query_index: int | None = None


@dataclass(frozen=True, slots=True)
class PlanningError:
    """Flink rejects the query before running it (shown as a job failure)."""

    rule: str
    message: str
    location: str


@dataclass(frozen=True, slots=True)
class EnginePlan:
    """Everything the simulator needs, already compiled."""

    table: str
    connector: str
    topic: str
    push_down: bool
    bounded: bool
    partitions: int
    parallelism: int
    interval: int
    idle_timeout: int
    emit_on_event: bool
    version: FlinkVersion
    arrival: ArrivalMode
    backlog_rate: float
    checkpointing: bool
    checkpoint_interval: int
    window_kind: str
    window_style: str
    size: int
    slide: int
    step: int
    gap: int
    offset: int
    rowtime_column: str
    rowtime_type: str
    zone_name: str
    shift: ZoneShift | None
    rowtime: Callable[[Record], int | None]
    watermark: Callable[[Record], int | None] | None
    watermark_delay: int | None
    key: Callable[[Record], Any]
    key_names: tuple[str, ...]
    values: Callable[[Record], tuple[Any, ...]]
    specs: tuple[AggSpec, ...]
    columns: tuple[OutputColumn, ...]
    sink: str | None = None
    planning_error: PlanningError | None = None
    notes: tuple[str, ...] = ()
    settings: Mapping[str, str] = field(default_factory=dict)
    raw_rowtime: Typed | None = None
    extract: Extract | None = None
    hot: HotLoop | None = None
    fused: FusedLoop | None = None
    file_loop: FileLoop | None = None
    """The filesystem path's loop over decoded lines (``row_reader.compile_file_path``)."""
    file_columns: FileColumns | None = None
    """The same loop over columns a split fetcher reads in another process
    (``row_reader.compile_file_columns``)."""
    live_loop: LiveLoop | None = None
    """The Kafka path's legacy TUMBLE loop over decoded lines under ``live`` arrival
    (``row_reader.compile_live_path``)."""
    where: Predicate | None = None
    """The WHERE clause (applied after watermark generation, before the window)."""
    regular_parts: tuple[str, ...] | None = None
    """Set when the query is a regular GroupAggregate over a window TVF (R3.8): the GROUP BY in
    order, ``expr:i`` for the i-th key expression or a window column name."""
    two_phase: bool = True


def _loc(node: Any) -> Location | None:
    loc = getattr(node, "location", None)
    return loc if isinstance(loc, Location) else None


def windowed_queries(
    script: m.Script,
) -> list[tuple[m.Select, str | None, m.Insert | m.QueryStatement]]:
    """Every windowed SELECT of the script in order (what ``Overrides.query_index`` counts):
    the SELECT, the sink it inserts into (None for a plain query) and its statement."""
    candidates: list[tuple[m.Select, str | None, m.Insert | m.QueryStatement]] = []
    for q in script.queries:
        query = q.query
        selects = (
            query.selects()
            if isinstance(query, m.SetOperation)
            else [query]
            if isinstance(query, m.Select)
            else []
        )
        for sel in selects:
            if sel.windows() or sel.group_by:
                sink = str(q.target) if isinstance(q, m.Insert) else None
                candidates.append((sel, sink, q))
    return candidates


def _find_query(
    script: m.Script, index: int | None
) -> tuple[m.Select, str | None, m.Insert | m.QueryStatement]:
    candidates = windowed_queries(script)
    if not candidates:
        raise InputError(
            "the script has no windowed query (a SELECT with a window TVF or GROUP BY "
            "TUMBLE/HOP/SESSION)",
            Location(script.source),
        )
    if index is not None:
        if not 0 <= index < len(candidates):
            raise InputError(f"--query {index}: the script has {len(candidates)} windowed queries")
        return candidates[index]
    return candidates[0]


def _source_table(
    script: m.Script, item: m.FromItem | None, where: m.Select
) -> tuple[m.CreateTable, dict[str, str]]:
    if isinstance(item, m.WindowTVF):
        item = item.table
    if isinstance(item, m.TableRef):
        table = script.table(item.name)
        if table is None:
            view = script.view(item.name)
            if view is not None:
                raise InputError(
                    f"{item.name} is a view; simulate-windows reads a table directly "
                    "(inline the view)",
                    _loc(item),
                )
            raise InputError(f"table {item.name} is not created in the script", _loc(item))
        return table, dict(item.hints)
    raise InputError(
        "simulate-windows supports a window over one table (no joins or subqueries in FROM)",
        _loc(where),
    )


def _setting(settings: Mapping[str, str], key: str, default: str) -> str:
    return settings.get(key, default)


def build_plan(script: m.Script, overrides: Overrides | None = None) -> EnginePlan:
    """Compile ``script``'s windowed query for simulation."""
    ov = overrides or Overrides()
    version = FlinkVersion.parse(ov.flink_version)
    settings: dict[str, str] = {**script.settings, **ov.settings}
    select, sink, statement = _find_query(script, ov.query_index)
    window = select.group_window()
    tvfs = [w for w in select.windows() if w.style == "tvf"]
    if window is None and tvfs:
        window = tvfs[0]
    if window is None:
        raise InputError(
            "the query has no window (TUMBLE / HOP / CUMULATE / SESSION)", _loc(select)
        )
    table, hints = _source_table(
        script, window.source if window.style == "tvf" else select.from_, select
    )
    if ov.table is not None and script.table(ov.table) is not table:
        raise InputError(
            f"--table {ov.table}: the windowed query reads {table.name}, not {ov.table}"
        )
    options = {**table.options, **hints}
    connector = options.get("connector", "?")
    notes: list[str] = []
    planning_error: PlanningError | None = None

    # -- runtime configuration ------------------------------------------------------------------
    zone_name = _setting(settings, "table.local-time-zone", "UTC")
    if zone_name == "default":
        zone_name = "UTC"
        notes.append("table.local-time-zone is 'default' (the JVM zone); simulated as UTC")
    try:
        zone = resolve_zone(zone_name)
    except ValueError as error:
        raise InputError(f"table.local-time-zone: {error}") from None
    shift_all = ZoneShift(zone) if zone is not None else None
    interval = parse_duration(
        "pipeline.auto-watermark-interval",
        _setting(settings, "pipeline.auto-watermark-interval", "200 ms"),
    )
    parallelism = ov.parallelism or parse_int(
        "parallelism.default", _setting(settings, "parallelism.default", "1")
    )
    if parallelism > MAX_PARALLELISM:
        raise InputError(
            f"parallelism {parallelism} is above Flink's maximum parallelism {MAX_PARALLELISM}: "
            f"Flink rejects the job (Operator parallelism not within bounds: {parallelism})"
        )
    checkpoint_interval = (
        parse_duration(
            "execution.checkpointing.interval", settings["execution.checkpointing.interval"]
        )
        if "execution.checkpointing.interval" in settings
        else 0
    )
    checkpointing = checkpoint_interval > 0
    push_down = connector in PUSH_DOWN_CONNECTORS
    global_idle = parse_duration(
        "table.exec.source.idle-timeout", _setting(settings, "table.exec.source.idle-timeout", "0")
    )
    idle_timeout = global_idle
    emit_on_event = False
    flip296 = {k: v for k, v in options.items() if k.startswith("scan.watermark.")}
    if flip296 and not version.flip296_options:
        planning_error = PlanningError(
            "R1.9",
            f"Unsupported options found for '{connector}': {', '.join(sorted(flip296))} "
            f"(scan.watermark.* options exist from Flink 1.18)",
            str(_loc(table) or script.source),
        )
    if push_down:
        if "scan.watermark.idle-timeout" in options and version.flip296_options:
            idle_timeout = parse_duration(
                "scan.watermark.idle-timeout", options["scan.watermark.idle-timeout"]
            )
        strategy = options.get("scan.watermark.emit.strategy", "on-periodic").lower()
        if strategy not in ("on-periodic", "on-event"):
            raise InputError(
                f"scan.watermark.emit.strategy: expected on-periodic or on-event, got {strategy!r}"
            )
        emit_on_event = strategy == "on-event"
        if "scan.watermark.alignment.group" in options:
            notes.append(
                "watermark alignment (R2.8) pauses fast splits; it is not simulated "
                "(it drops nothing)"
            )
    elif flip296:
        notes.append(
            f"scan.watermark.* options are ignored by the '{connector}' connector: only the Kafka "
            "push-down path reads them (R1.9)"
        )
    if connector in ("kafka", "upsert-kafka"):
        bounded = (
            connector == "kafka"
            and options.get("scan.bounded.mode", "unbounded").lower() != "unbounded"
        )
    elif connector == "filesystem":
        bounded = "source.monitor-interval" not in options
    elif connector == "datagen":
        bounded = "number-of-rows" in options
    else:
        bounded = True
    if ov.bounded is not None:
        bounded = ov.bounded
    topic = options.get("topic", options.get("topic-pattern", str(table.name)))
    partitions = ov.partitions or 1
    if partitions > MAX_PARTITIONS:
        raise InputError(
            f"{partitions} Kafka partitions: a Kafka topic has at most {MAX_PARTITIONS} "
            f"(partition ids 0 to {MAX_PARTITIONS - 1})"
        )
    arrival: ArrivalMode = ov.arrival or "file"

    # -- rowtime and watermark ------------------------------------------------------------------
    if table.watermark is None:
        raise InputError(
            f"table {table.name} has no WATERMARK: event-time windows over it fail at "
            "planning (R3.12)",
            _loc(table),
        )
    json_opts = JsonOptions(
        ignore_parse_errors=parse_bool(
            "json.ignore-parse-errors", options.get("json.ignore-parse-errors", "false")
        ),
        fail_on_missing_field=parse_bool(
            "json.fail-on-missing-field", options.get("json.fail-on-missing-field", "false")
        ),
        timestamp_standard=options.get("json.timestamp-format.standard", "SQL"),
    )
    rt_name = table.watermark.column
    rt_col = table.column(rt_name)
    if rt_col is None:
        raise InputError(f"WATERMARK FOR {rt_name}: no such column", _loc(table.watermark))
    scope = Scope(table, json_opts, shift_all, zone_name)
    rt = scope.column(rt_col.name)
    if rt.root not in ("TIMESTAMP", "TIMESTAMP_LTZ"):
        raise InputError(
            f"rowtime {rt_name} must be TIMESTAMP(3) or TIMESTAMP_LTZ(3), not "
            f"{rt.type_text} (R1.3)",
            _loc(rt_col),
        )
    shift = shift_all if rt.root == "TIMESTAMP_LTZ" else None
    wm_expr = table.watermark.expr
    delay: int | None = None
    wm_fn: Callable[[Record], int | None] | None = None
    if isinstance(wm_expr, m.Identifier) and wm_expr.name.lower() == rt_col.name.lower():
        delay = 0
    elif (
        isinstance(wm_expr, m.BinaryOp)
        and wm_expr.op in ("-", "+")
        and isinstance(wm_expr.left, m.Identifier)
        and wm_expr.left.name.lower() == rt_col.name.lower()
        and isinstance(wm_expr.right, m.IntervalLiteral)
        and wm_expr.right.millis is not None
    ):
        delay = wm_expr.right.millis if wm_expr.op == "-" else -wm_expr.right.millis
    else:
        wm_typed = compile_expr(wm_expr, scope)
        if wm_typed.root != rt.root:
            raise InputError(
                f"The watermark declaration's output data type {wm_typed.type_text} is different "
                f"from the rowtime {rt.type_text} (R1.3)",
                _loc(wm_expr),
            )
        wm_fn = wm_typed.fn

    # -- window -----------------------------------------------------------------------------
    if window.time_col.lower() != rt_col.name.lower():
        time_col = table.column(window.time_col)
        planning_error = planning_error or PlanningError(
            "R3.12",
            f"The window function requires the timecol is a time attribute type, but "
            f"{window.time_col} is {'not a column' if time_col is None else 'not the rowtime'}",
            str(window.location),
        )
    kind = window.kind
    size = window.size_ms or 0
    slide = window.slide_ms or 0
    step = window.step_ms or 0
    gap = window.gap_ms or 0
    offset = window.offset_ms or 0
    if window.offset_ms is None:
        raise InputError("window offset must be an INTERVAL literal", window.location)
    if kind in ("TUMBLE", "HOP", "CUMULATE") and size <= 0:
        raise InputError("window size must be a positive INTERVAL literal", window.location)
    if (
        (kind == "HOP" and slide <= 0)
        or (kind == "CUMULATE" and step <= 0)
        or (kind == "SESSION" and gap <= 0)
    ):
        raise InputError(
            "window slide / step / gap must be a positive INTERVAL literal", window.location
        )
    if window.style == "tvf":
        if kind == "TUMBLE" and abs(offset) >= size:
            planning_error = planning_error or PlanningError(
                "R3.1", "TUMBLE offset must be smaller than the size", str(window.location)
            )
        if kind == "HOP" and size % slide != 0:
            planning_error = planning_error or PlanningError(
                "R3.1",
                "HOP table function based aggregate requires size must be an integral "
                "multiple of slide",
                str(window.location),
            )
        if kind == "CUMULATE" and size % step != 0:
            planning_error = planning_error or PlanningError(
                "R3.1",
                "CUMULATE table function based aggregate requires maxSize must be an "
                "integral multiple of step",
                str(window.location),
            )
        if kind == "SESSION" and not version.session_tvf:
            planning_error = planning_error or PlanningError(
                "R3.6",
                "SESSION window TVF aggregation is not supported in streaming before "
                f"Flink 1.19 (simulating {version.text})",
                str(window.location),
            )
    # -- group keys, aggregates and projection ------------------------------------------------
    keys: list[tuple[str, Typed]] = []
    key_exprs: list[tuple[m.Expr, Typed]] = []
    group_parts: list[str] = []
    has_start = has_end = False
    for g in select.group_keys():
        if (
            isinstance(g, m.Identifier)
            and g.name.lower() in ("window_start", "window_end", "window_time")
            and window.style == "tvf"
        ):
            has_start |= g.name.lower() == "window_start"
            has_end |= g.name.lower() == "window_end"
            group_parts.append(g.name.lower())
            continue
        if not isinstance(g, m.Identifier):
            raise InputError(
                f"GROUP BY {g.to_sql()}: only plain columns are supported as keys", _loc(g)
            )
        group_parts.append(f"expr:{len(keys)}")
        keys.append((g.name, compile_expr(g, scope)))
        key_exprs.append((g, keys[-1][1]))
    regular = window.style == "tvf" and not (has_start and has_end)
    if regular:
        if kind == "SESSION":
            raise InputError(
                "R3.8: a SESSION window TVF whose GROUP BY lacks window_start and window_end is "
                "not a window aggregate; simulating it is not supported",
                _loc(select),
            )
        notes.append(
            "R3.8: the GROUP BY lacks window_start and window_end, so Flink plans a regular "
            "GroupAggregate over the window TVF: it emits at once, as updates (-U/+U), and never "
            "waits for the watermark. Group by window_start, window_end for a window aggregate."
        )
    if kind == "SESSION" and window.style == "tvf":
        parts = [p.name.lower() for p in window.partition_by if isinstance(p, m.Identifier)]
        if sorted(parts) != sorted(k.lower() for k, _ in keys):
            raise InputError(
                "R3.8: the SESSION window's PARTITION BY columns differ from the GROUP BY keys, so "
                "Flink does not plan a session window aggregate",
                _loc(select),
            )
    key_names = tuple(k for k, _ in keys)
    value_fns: list[Callable[[Record], Any]] = []
    value_exprs: list[tuple[m.Expr, Typed]] = []
    value_index: dict[str, int] = {}
    specs: list[AggSpec] = []
    columns: list[OutputColumn] = []
    agg_of: dict[int, int] = {}

    def agg_spec(call: m.Call) -> int:
        name = call.name.upper()
        if name not in ("COUNT", "SUM", "MIN", "MAX", "AVG"):
            raise InputError(
                f"aggregate {call.to_sql()} is not simulated (COUNT, SUM, MIN, MAX, AVG are)",
                _loc(call),
            )
        if name == "COUNT" and (not call.args or isinstance(call.args[0], m.Star)):
            spec = AggSpec("COUNT_STAR", None, distinct=False, text=call.to_sql())
        else:
            if len(call.args) != 1:
                raise InputError(f"{call.to_sql()}: expected one argument", _loc(call))
            arg = call.args[0]
            typed = compile_expr(arg, scope)
            text = arg.to_sql()
            if text not in value_index:
                value_index[text] = len(value_fns)
                value_fns.append(typed.fn)
                value_exprs.append((arg, typed))
            func = "COUNT" if name == "COUNT" else name
            if func in ("SUM", "AVG") and typed.root not in (
                "TINYINT",
                "SMALLINT",
                "INT",
                "BIGINT",
                "FLOAT",
                "DOUBLE",
                "DECIMAL",
            ):
                raise InputError(
                    f"{call.to_sql()}: {name} of {typed.type_text} is not valid", _loc(call)
                )
            spec = AggSpec(
                func,
                value_index[text],
                typed.root,
                typed.precision,
                typed.scale,
                distinct=call.distinct,
                text=call.to_sql(),
            )
        specs.append(spec)
        return len(specs) - 1

    legacy_aux = {
        f"{k}_{p}": p for k in ("TUMBLE", "HOP", "SESSION") for p in ("START", "END", "ROWTIME")
    }
    for i, item in enumerate(select.items):
        e = item.expr
        name = item.output_name or f"EXPR${i}"
        if isinstance(e, m.Star):
            raise InputError("SELECT * is not a window aggregate projection", _loc(item))
        if (
            isinstance(e, m.Identifier)
            and window.style == "tvf"
            and e.name.lower() in ("window_start", "window_end", "window_time")
        ):
            col_kind: ColumnKind = e.name.lower()  # type: ignore[assignment]
            type_text = (
                "TIMESTAMP(3) NOT NULL"
                if col_kind != "window_time"
                else f"{rt.root}(3) NOT NULL *ROWTIME*"
            )
            if regular:
                if e.name.lower() not in group_parts:
                    raise InputError(
                        f"{e.name} is not in GROUP BY: Flink rejects it ('Expression ... is not "
                        "being grouped')",
                        _loc(e),
                    )
                plain = "TIMESTAMP(3) NOT NULL" if col_kind != "window_time" else f"{rt.root}(3)"
                columns.append(OutputColumn(name, plain, "key", group_parts.index(e.name.lower())))
                continue
            columns.append(OutputColumn(name, type_text, col_kind))
            continue
        if isinstance(e, m.Call) and e.name.upper() in legacy_aux and window.style == "legacy":
            part = legacy_aux[e.name.upper()]
            col_kind = {"START": "window_start", "END": "window_end", "ROWTIME": "window_time"}[
                part
            ]  # type: ignore[assignment]
            type_text = (
                "TIMESTAMP(3) NOT NULL"
                if col_kind != "window_time"
                else f"{rt.root}(3) NOT NULL *ROWTIME*"
            )
            columns.append(OutputColumn(name, type_text, col_kind))
            continue
        if isinstance(e, m.Identifier):
            idx = next((j for j, (k, _) in enumerate(keys) if k.lower() == e.name.lower()), None)
            if idx is None:
                raise InputError(
                    f"{e.name} is neither a GROUP BY key nor a window column: Flink rejects it "
                    "('Expression ... is not being grouped')",
                    _loc(e),
                )
            position = group_parts.index(f"expr:{idx}") if regular else idx
            columns.append(OutputColumn(name, keys[idx][1].type_text, "key", position))
            continue
        if isinstance(e, m.Call) and e.name.upper() in m.AGGREGATE_FUNCTIONS:
            idx = agg_spec(e)
            agg_of[i] = idx
            columns.append(OutputColumn(name, specs[idx].result_type, "agg", idx))
            continue
        raise InputError(
            f"select item {e.to_sql()} is not simulated (window columns, keys and "
            "COUNT/SUM/MIN/MAX/AVG are)",
            _loc(item),
        )
    where = compile_predicate(select.where, scope) if select.where is not None else None
    if select.having is not None:
        raise InputError("HAVING is not simulated yet", _loc(select.having))
    if sink is not None:
        sink_table = script.table(sink) if isinstance(statement, m.Insert) else None
        if sink_table is not None:
            phys = [c for c in sink_table.columns if isinstance(c, m.PhysicalColumn)]
            target = (
                list(statement.columns)
                if isinstance(statement, m.Insert) and statement.columns
                else [c.name for c in phys]
            )
            if len(target) == len(columns):
                columns = [
                    OutputColumn(t, c.type, c.kind, c.index)
                    for t, c in zip(target, columns, strict=True)
                ]
    if regular and isinstance(statement, m.Insert):
        sink_table = script.table(statement.target)
        sink_connector = (sink_table.options.get("connector", "") if sink_table else "").lower()
        has_pk = sink_table is not None and sink_table.primary_key is not None
        if sink_connector in ("kafka", "filesystem") or (sink_connector == "jdbc" and not has_pk):
            planning_error = planning_error or PlanningError(
                "R3.8",
                f"Table sink '{statement.target}' doesn't support consuming update changes which "
                "is produced by node GroupAggregate (the query is a regular aggregate, not a "
                "window aggregate: GROUP BY needs window_start and window_end)",
                str(_loc(select) or script.source),
            )
    if (
        window.style == "legacy"
        and settings.get("table.exec.emit.late-fire.enabled", "false").lower() == "true"
    ):
        raise InputError(
            "table.exec.emit.late-fire.enabled (allowed lateness, R3.7) is not simulated"
        )

    # -- compiled record closures -------------------------------------------------------------
    key_fns = [t.fn for _, t in keys]
    if not key_fns:

        def key_fn(rec: Record) -> Any:
            return ()
    elif len(key_fns) == 1:
        only = key_fns[0]

        def key_fn(rec: Record) -> Any:
            return only(rec)
    else:

        def key_fn(rec: Record) -> Any:
            return tuple(f(rec) for f in key_fns)

    def values_fn(rec: Record) -> tuple[Any, ...]:
        return tuple(f(rec) for f in value_fns)

    if push_down:
        # R1.1: the watermark is generated per split inside the source; processing time drives it.
        path_note = (
            f"{connector} source: watermark pushed into the source, per partition (R1.1, R1.6)"
        )
    else:
        path_note = f"{connector} source: WatermarkAssignerOperator after the source (R1.1, R1.4)"
    notes.insert(0, path_note)
    if version.tuple != (1, 20):
        notes.append(
            f"simulating Flink {version.text}: version-dependent rules applied where known "
            "(R1.6 max semantics from 1.19.2 / 1.20.1, R1.9 options from 1.18, R3.6 SESSION TVF "
            "from 1.19); "
            "other differences from 1.20 are not known and 1.20 behaviour is used"
            + (
                " (not applied, release unknown: FLINK-38454 all-idle max flush in the source, "
                "R2.1; FLINK-40504 re-activation of resumed splits, R2.4)"
                if version.at_least(2, 0)
                else ""
            )
        )
    extract = compile_row_reader(scope, (rt_col.name, rt), key_exprs, value_exprs)
    two_phase = settings.get("table.optimizer.agg-phase-strategy", "AUTO").upper() != "ONE_PHASE"
    hot: HotLoop | None = None
    fused: FusedLoop | None = None
    if (
        push_down
        and two_phase
        and window.style == "tvf"
        and kind == "TUMBLE"
        and delay is not None
        and shift is None
        and planning_error is None
    ):
        # the same loop body, fed with records (hot) or with decoded envelope lines (fused)
        loop = (scope, (rt_col.name, rt), key_exprs, value_exprs, specs, size, offset, delay)
        hot = compile_hot_path(*loop, max_semantics=version.kafka_max_semantics)
        fused = compile_fused_path(*loop, max_semantics=version.kafka_max_semantics)
    file_loop: FileLoop | None = None
    file_columns: FileColumns | None = None
    if (
        connector == "filesystem"
        and not push_down
        and not regular
        and where is None
        and delay is not None
        and shift is None
        and planning_error is None
        and (
            (window.style == "tvf" and two_phase and kind == "TUMBLE")
            or (window.style == "legacy" and kind in ("TUMBLE", "HOP"))
        )
    ):
        loop_args = (
            scope,
            (rt_col.name, rt),
            key_exprs,
            value_exprs,
            specs,
            delay,
            (size, offset) if window.style == "tvf" else None,
            (size, offset) if window.style == "legacy" and kind == "TUMBLE" else None,
        )
        file_loop = compile_file_path(*loop_args)
        file_columns = compile_file_columns(*loop_args)
    live_loop: LiveLoop | None = None
    if (
        push_down
        and window.style == "legacy"
        and kind == "TUMBLE"
        and not regular
        and where is None
        and delay is not None
        and shift is None
        and planning_error is None
    ):
        live_loop = compile_live_path(
            scope,
            (rt_col.name, rt),
            key_exprs,
            value_exprs,
            specs,
            size,
            offset,
            delay,
            max_semantics=version.kafka_max_semantics,
            idleness=idle_timeout > 0,
        )
    return EnginePlan(
        table=str(table.name),
        connector=connector,
        topic=topic,
        push_down=push_down,
        bounded=bounded,
        partitions=partitions,
        parallelism=parallelism,
        interval=interval,
        idle_timeout=idle_timeout,
        emit_on_event=emit_on_event,
        version=version,
        arrival=arrival,
        backlog_rate=ov.backlog_rate,
        checkpointing=checkpointing,
        checkpoint_interval=checkpoint_interval,
        window_kind=kind,
        window_style=window.style,
        size=size,
        slide=slide,
        step=step,
        gap=gap,
        offset=offset,
        rowtime_column=rt_col.name,
        rowtime_type=rt.root,
        zone_name=zone_name,
        shift=shift,
        rowtime=rt.fn,
        watermark=wm_fn,
        watermark_delay=delay,
        key=key_fn,
        key_names=key_names,
        values=values_fn,
        specs=tuple(specs),
        columns=tuple(columns),
        sink=sink,
        planning_error=planning_error,
        notes=tuple(notes),
        settings=settings,
        raw_rowtime=rt,
        extract=extract,
        two_phase=two_phase,
        hot=hot if not regular and where is None else None,
        fused=fused if not regular and where is None else None,
        file_loop=file_loop,
        file_columns=file_columns,
        live_loop=live_loop,
        where=where,
        regular_parts=tuple(group_parts) if regular else None,
    )
