"""Queries: window TVFs (positional and named), legacy group windows, joins, set operations,
subqueries, and the GroupWindow normalisation an engine asks for."""

# ruff: noqa: E501  (tables of exact messages and job sources read better unwrapped)

from __future__ import annotations

from dataclasses import replace

import pytest

from flinkdoctor.sql.errors import SqlError
from flinkdoctor.sql.model import (
    Call,
    GroupWindow,
    Identifier,
    IntervalLiteral,
    Join,
    SetOperation,
    SubqueryRef,
    TableFunctionRef,
    TableRef,
    Values,
    WindowTVF,
    With,
)
from flinkdoctor.sql.script import parse_script

from .helpers import query, select

M = 60_000


def shape(w: GroupWindow | None) -> GroupWindow | None:
    """The window without its source, for comparisons."""
    return None if w is None else replace(w, source=None)


def tvf(text: str) -> WindowTVF:
    sel = select(f"SELECT * FROM TABLE({text})")
    assert isinstance(sel.from_, WindowTVF)
    return sel.from_


def ms(e: object) -> int | None:
    assert isinstance(e, IntervalLiteral)
    return e.millis


def test_tumble_positional_and_named() -> None:
    a = tvf("TUMBLE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES)")
    b = tvf(
        "TUMBLE(DATA => TABLE Bid, TIMECOL => DESCRIPTOR(bidtime), SIZE => INTERVAL '10' MINUTES)"
    )
    c = tvf(
        "TUMBLE(SIZE => INTERVAL '10' MINUTES, DATA => TABLE Bid, TIMECOL => DESCRIPTOR(bidtime))"
    )
    assert a == b == c
    assert (a.kind, a.time_col, ms(a.size), a.offset) == ("TUMBLE", "bidtime", 10 * M, None)
    assert a.table == TableRef(a.table.name) and a.table.name.parts == ("Bid",)  # type: ignore[union-attr]
    assert a.to_sql() == "TABLE(TUMBLE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '10' MINUTE))"


def test_tumble_with_offset() -> None:
    t = tvf("TUMBLE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES, INTERVAL '1' MINUTES)")
    assert (ms(t.size), ms(t.offset)) == (10 * M, M)


def test_hop_argument_order_is_slide_then_size() -> None:
    t = tvf("HOP(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '5' MINUTES, INTERVAL '10' MINUTES)")
    assert (ms(t.slide), ms(t.size)) == (5 * M, 10 * M)
    n = tvf(
        "HOP(DATA => TABLE Bid, TIMECOL => DESCRIPTOR(bidtime), SLIDE => INTERVAL '5' MINUTES, SIZE => INTERVAL '10' MINUTES)"
    )
    assert n == t


def test_cumulate_argument_order_is_step_then_size() -> None:
    t = tvf("CUMULATE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '2' MINUTES, INTERVAL '10' MINUTES)")
    assert (ms(t.step), ms(t.size)) == (2 * M, 10 * M)
    w = select(
        f"SELECT window_start, COUNT(*) FROM TABLE({t.to_sql()[6:-1]}) GROUP BY window_start, window_end"
    ).group_window()
    assert shape(w) == GroupWindow("CUMULATE", "tvf", "bidtime", size_ms=10 * M, step_ms=2 * M)


def test_session_with_partition() -> None:
    t = tvf("SESSION(TABLE Bid PARTITION BY item, DESCRIPTOR(bidtime), INTERVAL '5' MINUTES)")
    assert (t.kind, ms(t.gap), t.partition_by) == ("SESSION", 5 * M, (Identifier(("item",)),))
    t2 = tvf("SESSION(TABLE Bid PARTITION BY (item, b), DESCRIPTOR(bidtime), INTERVAL '5' MINUTES)")
    assert len(t2.partition_by) == 2
    assert t.to_sql() == (
        "TABLE(SESSION(TABLE Bid PARTITION BY item, DESCRIPTOR(bidtime), INTERVAL '5' MINUTE))"
    )


def test_tvf_over_subquery_with_alias() -> None:
    t = tvf("TUMBLE(TABLE (SELECT * FROM src), DESCRIPTOR(ts), INTERVAL '1' HOUR)")
    assert isinstance(t.table, SubqueryRef)
    sel = select("SELECT * FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(ts), INTERVAL '1' HOUR)) AS w")
    assert isinstance(sel.from_, WindowTVF) and sel.from_.alias == "w"


def test_hints_inside_a_tvf_are_rejected_like_in_flink() -> None:
    with pytest.raises(SqlError) as e:
        parse_script(
            "SELECT * FROM TABLE(TUMBLE(TABLE src /*+ OPTIONS('k'='v') */, DESCRIPTOR(ts), "
            "INTERVAL '1' HOUR))"
        )
    assert e.value.message.startswith("expected ',' or ')' in the arguments of TUMBLE, found")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("TUMBLE(TABLE t, DESCRIPTOR(ts))", "TUMBLE needs DATA, TIMECOL, SIZE; missing SIZE"),
        ("HOP(TABLE t, DESCRIPTOR(ts), INTERVAL '1' MINUTE)", "HOP needs DATA, TIMECOL, SLIDE, SIZE; missing SIZE"),
        ("TUMBLE(TABLE t, ts, INTERVAL '1' MINUTE)", "the time column of TUMBLE must be DESCRIPTOR(column)"),
        ("TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '1' MINUTE, INTERVAL '1' MINUTE)", "too many arguments for TUMBLE (it takes DATA, TIMECOL, SIZE, OFFSET)"),
        ("TUMBLE(DATA => TABLE t, TIMECOL => DESCRIPTOR(ts), WIDTH => INTERVAL '1' MINUTE)", "unknown argument WIDTH for TUMBLE (it takes DATA, TIMECOL, SIZE, OFFSET)"),
        ("SESSION(t, DESCRIPTOR(ts), INTERVAL '1' MINUTE)", "the first argument of SESSION must be TABLE name or a subquery"),
    ],
)  # fmt: skip
def test_tvf_errors(text: str, message: str) -> None:
    with pytest.raises(SqlError) as e:
        parse_script(f"SELECT * FROM TABLE({text})")
    assert e.value.message == message


def test_tvf_aggregate_window_keys_and_aggregates() -> None:
    sel = select(
        "SELECT window_start, window_end, item, SUM(price) AS total, COUNT(DISTINCT bidder) "
        "FROM TABLE(TUMBLE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES)) "
        "GROUP BY window_start, window_end, item HAVING SUM(price) > 10"
    )
    assert shape(sel.group_window()) == GroupWindow("TUMBLE", "tvf", "bidtime", size_ms=10 * M)
    assert [k.to_sql() for k in sel.group_keys()] == ["window_start", "window_end", "item"]
    assert [a.to_sql() for a in sel.aggregates()] == [
        "SUM(price)", "COUNT(DISTINCT bidder)", "SUM(price)",
    ]  # fmt: skip


def test_tvf_without_grouping_is_not_a_window_aggregate() -> None:
    sel = select("SELECT * FROM TABLE(TUMBLE(TABLE Bid, DESCRIPTOR(ts), INTERVAL '1' MINUTE))")
    assert len(sel.windows()) == 1 and sel.group_window() is None


@pytest.mark.parametrize(
    ("group", "aux", "window"),
    [
        ("TUMBLE(rt, INTERVAL '5' MINUTE)", "TUMBLE_START(rt, INTERVAL '5' MINUTE)", GroupWindow("TUMBLE", "legacy", "rt", size_ms=5 * M)),
        ("HOP(rt, INTERVAL '1' MINUTE, INTERVAL '5' MINUTE)", "HOP_END(rt, INTERVAL '1' MINUTE, INTERVAL '5' MINUTE)", GroupWindow("HOP", "legacy", "rt", size_ms=5 * M, slide_ms=M)),
        ("SESSION(rt, INTERVAL '30' SECOND)", "SESSION_ROWTIME(rt, INTERVAL '30' SECOND)", GroupWindow("SESSION", "legacy", "rt", gap_ms=30_000)),
    ],
)  # fmt: skip
def test_legacy_group_windows(group: str, aux: str, window: GroupWindow) -> None:
    sel = select(f"SELECT {aux} AS ws, host, COUNT(*) FROM src GROUP BY {group}, host")
    w = sel.group_window()
    assert shape(w) == window
    assert w is not None and isinstance(w.source, TableRef) and w.source.name.parts == ("src",)
    assert sel.group_keys() == (Identifier(("host",)),)
    assert sel.aggregates() == (Call("COUNT", (sel.aggregates()[0].args[0],)),)
    assert isinstance(sel.items[0].expr, Call) and sel.items[0].alias == "ws"


def test_joins_are_modelled() -> None:
    sel = select(
        "SELECT * FROM a LEFT OUTER JOIN b ON a.id = b.id "
        "JOIN c FOR SYSTEM_TIME AS OF a.rt AS cc ON a.k = cc.k, d CROSS JOIN e"
    )
    j = sel.from_
    assert isinstance(j, Join) and j.kind == "CROSS"
    assert isinstance(j.left, Join) and j.left.kind == "CROSS"
    inner = j.left.left
    assert isinstance(inner, Join) and inner.kind == "INNER" and inner.system_time is not None
    assert isinstance(inner.right, TableRef) and inner.right.alias == "cc"
    assert isinstance(inner.left, Join) and inner.left.kind == "LEFT"
    using = select("SELECT * FROM a JOIN b USING (id, k)").from_
    assert isinstance(using, Join) and using.using == ("id", "k")


def test_lateral_table_functions_and_unnest() -> None:
    sel = select("SELECT * FROM t, LATERAL TABLE(split(s)) AS x(word)")
    assert isinstance(sel.from_, Join)
    f = sel.from_.right
    assert (
        isinstance(f, TableFunctionRef) and f.lateral and f.alias == "x" and f.columns == ("word",)
    )
    u = select("SELECT * FROM t CROSS JOIN UNNEST(arr) AS v(e)").from_
    assert isinstance(u, Join) and isinstance(u.right, TableFunctionRef)


def test_union_all_with_cte_values_and_subqueries() -> None:
    q = query("SELECT a FROM t UNION ALL SELECT b FROM u UNION SELECT c FROM v")
    assert isinstance(q, SetOperation) and q.op == "UNION"
    assert isinstance(q.left, SetOperation) and q.left.op == "UNION ALL"
    assert len(q.selects()) == 3
    w = query("WITH x AS (SELECT 1 AS a), y (b) AS (SELECT a FROM x) SELECT b FROM y")
    assert isinstance(w, With) and [c.name for c in w.ctes] == ["x", "y"]
    v = query("VALUES (1, 'a'), (2, 'b')")
    assert isinstance(v, Values) and len(v.rows) == 2
    s = select("SELECT * FROM (SELECT a FROM t) AS sub WHERE a > 1 ORDER BY a DESC LIMIT 10")
    assert isinstance(s.from_, SubqueryRef) and s.from_.alias == "sub"
    assert s.order_by[0].descending and s.limit is not None


def test_select_items_aliases_and_printing() -> None:
    sel = select("SELECT DISTINCT a AS x, b y, t.*, `from` FROM t /*+ OPTIONS('k'='v') */ AS tt")
    assert [i.output_name for i in sel.items] == ["x", "y", None, "from"]
    assert isinstance(sel.from_, TableRef) and sel.from_.hints == {"k": "v"}
    assert sel.to_sql() == (
        "SELECT DISTINCT a AS x, b AS y, t.*, `from` FROM t /*+ OPTIONS('k'='v') */ AS tt"
    )


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("SELECT a FROM", "expected a table name, found end of input", 14),
        ("SELECT a FROM t WHERE", "expected an expression, found end of input", 22),
        ("SELECT a AS 'x' FROM t", "Expecting alias, found character literal", 13),
        ("SELECT value FROM t", "expected an expression, found reserved word 'value' (write it as `value`)", 8),
        ("SELECT a AS count FROM t", "expected an alias after AS, found reserved word 'count' (write it as `count`)", 13),
        ("SELECT a FROM t GROUP host", "expected end of query (a missing ';'?), found 'GROUP'", 17),
        ("SELECT a FROM t LEFT t2", "expected 'JOIN' after LEFT, found 't2'", 22),
    ],
)  # fmt: skip
def test_query_errors(text: str, message: str, column: int) -> None:
    with pytest.raises(SqlError) as e:
        parse_script(text)
    assert e.value.message == message
    assert e.value.location is not None and e.value.location.column == column
