"""window-over-changelog: a window Top-N, deduplication or join over a changelog source."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from flinkdoctor.findings import Finding, Fix
from flinkdoctor.lint.job import connector
from flinkdoctor.lint.rule import LintContext, Rule
from flinkdoctor.lint.scan import all_selects
from flinkdoctor.sql.errors import SqlError
from flinkdoctor.sql.model import (
    BinaryOp,
    Call,
    CreateTable,
    Expr,
    FromItem,
    Identifier,
    Join,
    OverCall,
    Script,
    Select,
    SubqueryRef,
    TableRef,
    WindowTVF,
)

CHANGELOG_FORMATS = frozenset(
    ["debezium-json", "canal-json", "maxwell-json", "ogg-json", "debezium-avro-confluent"]
)

_U = (
    "CREATE TABLE u (id INT, ts TIMESTAMP(3), v INT, PRIMARY KEY (id) NOT ENFORCED,"
    " WATERMARK FOR ts AS ts) WITH ('connector' = 'upsert-kafka', 'topic' = 'x',"
    " 'properties.bootstrap.servers' = 'localhost:9092', 'key.format' = 'json',"
    " 'value.format' = 'json');\n"
)
_D = (
    "CREATE TABLE d (id INT, ts TIMESTAMP(3), v INT, WATERMARK FOR ts AS ts) WITH ("
    "'connector' = 'kafka', 'topic' = 'x', 'properties.bootstrap.servers' = 'localhost:9092',"
    " 'properties.group.id' = 'g', 'scan.startup.mode' = 'earliest-offset',"
    " 'format' = 'debezium-json');\n"
)
_K = _D.replace("CREATE TABLE d", "CREATE TABLE k").replace("debezium-json", "json")
_TOPN = (
    "SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end"
    " ORDER BY v DESC) AS rn FROM TABLE(TUMBLE(TABLE {src}, DESCRIPTOR(ts), INTERVAL '1' MINUTE)))"
    " WHERE rn <= 3;"
)
_JOIN = (
    "SELECT a.id, a.window_start FROM (SELECT * FROM TABLE(TUMBLE(TABLE {l}, DESCRIPTOR(ts),"
    " INTERVAL '1' MINUTE))) a JOIN (SELECT * FROM TABLE(TUMBLE(TABLE {r}, DESCRIPTOR(ts),"
    " INTERVAL '1' MINUTE))) b ON a.id = b.id AND a.window_start = b.window_start"
    " AND a.window_end = b.window_end;"
)


def changelog_source(script: Script, item: FromItem | None, depth: int = 0) -> CreateTable | None:
    """The table behind ``item`` when it produces updates and deletes: upsert-kafka, a CDC
    connector, or a CDC format (debezium-json, ...); followed through plain views/subqueries."""
    if depth > 20:
        return None
    if isinstance(item, TableRef):
        try:
            table = script.effective_table(item.name)
        except SqlError:
            return None
        if table is not None:
            return table if is_changelog(table) else None
        view = script.view(item.name)
        if view is not None and isinstance(view.query, Select) and not view.query.group_by:
            return changelog_source(script, view.query.from_, depth + 1)
        return None
    if isinstance(item, SubqueryRef) and isinstance(item.query, Select) and not item.query.group_by:
        return changelog_source(script, item.query.from_, depth + 1)
    return None


def is_changelog(table: CreateTable) -> bool:
    """A source table whose rows are a changelog (updates and deletes), not appends."""
    name = connector(table)
    if name == "upsert-kafka" or name.endswith("-cdc"):
        return True
    fmt = table.options.get("format") or table.options.get("value.format") or ""
    return fmt.strip().lower() in CHANGELOG_FORMATS


def _tvf_of(item: FromItem | None) -> WindowTVF | None:
    if isinstance(item, WindowTVF):
        return item
    if isinstance(item, SubqueryRef) and isinstance(item.query, Select):
        inner = item.query.from_
        return inner if isinstance(inner, WindowTVF) else None
    return None


def _names(exprs: tuple[Expr, ...]) -> set[str]:
    return {e.name for e in exprs if isinstance(e, Identifier)}


def _rank_alias(inner: Select) -> tuple[str, OverCall] | None:
    """The alias and call of a ROW_NUMBER() OVER (PARTITION BY window_start, window_end ...)."""
    for item in inner.items:
        e = item.expr
        if (
            isinstance(e, OverCall)
            and isinstance(e.call, Call)
            and e.call.name == "ROW_NUMBER"
            and {"window_start", "window_end"} <= _names(e.partition_by)
            and item.alias
        ):
            return item.alias, e
    return None


def _first_row_only(where: Expr | None, alias: str) -> bool:
    """``rn = 1`` / ``rn <= 1`` / ``rn < 2``: keep one row per window and key."""
    if where is None:
        return False
    for n in where.walk():
        if isinstance(n, BinaryOp) and isinstance(n.left, Identifier) and n.left.name == alias:
            bound = n.right.to_sql()
            if (n.op, bound) in (("=", "1"), ("<=", "1"), ("<", "2")):
                return True
    return False


def _filters(where: Expr | None, alias: str) -> bool:
    if where is None:
        return False
    return any(
        isinstance(n, BinaryOp)
        and n.op in ("<", "<=", "=")
        and isinstance(n.left, Identifier)
        and n.left.name == alias
        for n in where.walk()
    )


def _joins_windows(cond: Expr | None) -> bool:
    if cond is None:
        return False
    pairs = {
        (n.left.name, n.right.name)
        for n in cond.walk()
        if isinstance(n, BinaryOp) and n.op == "="
        and isinstance(n.left, Identifier) and isinstance(n.right, Identifier)
    }  # fmt: skip
    return ("window_start", "window_start") in pairs and ("window_end", "window_end") in pairs


class WindowOverChangelog(Rule):
    """## What it does
    Flags a window Top-N, a window deduplication (`ROW_NUMBER() OVER (PARTITION BY window_start,
    window_end ...)` filtered on the row number) or a window join whose window table function
    reads a changelog source: an `upsert-kafka` table, a CDC connector (`mysql-cdc`, ...), or a
    table in a CDC format (`debezium-json`, `canal-json`, `maxwell-json`, `ogg-json`).

    Window aggregations (`GROUP BY window_start, window_end`) are not flagged: Flink 1.20 plans
    them over updates and deletes (it retracts).

    ## Why is this bad?
    Flink rejects the query at planning: "StreamPhysicalWindowRank doesn't support consuming update
    and delete changes which is produced by node ChangelogNormalize(key=[id])" (also
    `StreamPhysicalWindowDeduplicate`, `StreamPhysicalWindowJoin`).

    ## Example
    ```sql
    CREATE TABLE prices (id INT, ts TIMESTAMP(3), v INT, PRIMARY KEY (id) NOT ENFORCED,
      WATERMARK FOR ts AS ts) WITH ('connector' = 'upsert-kafka', ...);
    SELECT * FROM (
      SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY v DESC) AS rn
      FROM TABLE(TUMBLE(TABLE prices, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
    ) WHERE rn <= 3;
    ```

    ## Use instead
    Read the topic as an append-only stream (`'connector' = 'kafka'` with a plain format such as
    `json`), or aggregate per window first (window aggregations accept a changelog).
    """

    name: ClassVar[str] = "window-over-changelog"
    fires = (
        _U + _TOPN.format(src="u"),
        _U
        + _TOPN.format(src="u")
        .replace(
            "PARTITION BY window_start, window_end", "PARTITION BY window_start, window_end, id"
        )
        .replace("ORDER BY v DESC", "ORDER BY ts ASC")
        .replace("rn <= 3", "rn <= 1"),
        _D + _TOPN.format(src="d"),
        _U + _K + _JOIN.format(l="u", r="k"),
    )
    passes = (
        _K + _TOPN.format(src="k"),
        _K + _JOIN.format(l="k", r="k"),
        # window aggregations over a changelog are planned by Flink 1.20
        _U + "SELECT window_start, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE u, DESCRIPTOR(ts),"
        " INTERVAL '1' MINUTE)) GROUP BY window_start, window_end;",
        _D + "SELECT window_start, COUNT(*) AS n FROM TABLE(HOP(TABLE d, DESCRIPTOR(ts),"
        " INTERVAL '1' MINUTE, INTERVAL '2' MINUTE)) GROUP BY window_start, window_end;",
    )

    def check(self, context: LintContext) -> Iterator[Finding]:
        script = context.script
        for sel in all_selects(script):
            yield from self._rank(script, sel)
            yield from self._join(script, sel)

    def _rank(self, script: Script, sel: Select) -> Iterator[Finding]:
        sub = sel.from_
        if not (isinstance(sub, SubqueryRef) and isinstance(sub.query, Select)):
            return
        inner = sub.query
        tvf = _tvf_of(SubqueryRef(inner))
        found = _rank_alias(inner)
        if tvf is None or found is None or not _filters(sel.where, found[0]):
            return
        source = changelog_source(script, tvf.table)
        if source is None:
            return
        alias, over = found
        order = [o.expr.name for o in over.order_by if isinstance(o.expr, Identifier)]
        on_time = len(over.order_by) == 1 and order == [tvf.time_col]
        dedup = on_time and _first_row_only(sel.where, alias)
        operator = "StreamPhysicalWindowDeduplicate" if dedup else "StreamPhysicalWindowRank"
        what = "window deduplication" if dedup else "window Top-N"
        yield self._finding(what, operator, source, tvf)

    def _join(self, script: Script, sel: Select) -> Iterator[Finding]:
        join = sel.from_
        if not isinstance(join, Join) or not _joins_windows(join.condition):
            return
        for side in (join.left, join.right):
            tvf = _tvf_of(side)
            if tvf is None:
                continue
            source = changelog_source(script, tvf.table)
            if source is not None:
                yield self._finding("window join", "StreamPhysicalWindowJoin", source, tvf)
                return

    def _finding(self, what: str, operator: str, source: CreateTable, tvf: WindowTVF) -> Finding:
        kind = connector(source)
        fmt = source.options.get("format") or source.options.get("value.format")
        origin = kind if kind != "kafka" else f"kafka with format {fmt}"
        message = (
            f"{what} over {source.name}, a changelog source ({origin}: updates and deletes): "
            f"Flink rejects it ({operator} doesn't support consuming update and delete changes)"
        )
        evidence = {
            "table": str(source.name),
            "connector": kind,
            "format": fmt,
            "operator": operator,
        }
        fix = Fix(
            "read the topic as an append-only table ('connector' = 'kafka' with a plain format), "
            "or aggregate per window first: window aggregations accept a changelog"
        )
        return self.finding(message, tvf.location, evidence=evidence, fix=fix)
