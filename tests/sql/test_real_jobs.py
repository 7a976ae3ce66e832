"""A script with the statement shapes real jobs use: everything parses into the model."""

from __future__ import annotations

from flinkdoctor.sql import load_script, resolve_like
from flinkdoctor.sql.model import (
    Call,
    CreateView,
    Join,
    MetadataColumn,
    OverCall,
    QueryStatement,
    RawStatement,
    Select,
    StatementSet,
    SubqueryRef,
    TableFunctionRef,
    TableRef,
    WindowTVF,
)

from .helpers import fixture

SCRIPT = load_script(fixture("real_jobs.sql"), "real_jobs.sql")


def test_statement_kinds_in_order() -> None:
    assert [type(s).__name__ for s in SCRIPT.statements] == [
        "SetStatement", "SetStatement", "SetStatement", "RawStatement", "RawStatement",
        "CreateTable", "CreateTable", "CreateTable", "CreateView", "CreateTable", "CreateTable",
        "StatementSet", "QueryStatement", "QueryStatement",
    ]  # fmt: skip
    raw = [s.keyword for s in SCRIPT.statements if isinstance(s, RawStatement)]
    assert raw == ["CREATE FUNCTION", "USE"]
    assert SCRIPT.sets["table.exec.source.idle-timeout"] == "30 s"


def test_source_table() -> None:
    orders = SCRIPT.table("orders")
    assert orders is not None and orders.temporary
    ts = orders.column("ts")
    assert isinstance(ts, MetadataColumn) and ts.metadata_key == "timestamp" and ts.virtual
    assert orders.watermark is not None and orders.watermark.column == "order_time"
    assert orders.options["value.fields-include"] == "EXCEPT_KEY"


def test_like_with_generated_columns_only() -> None:
    archive = SCRIPT.table("orders_archive")
    assert archive is not None
    t = resolve_like(archive, SCRIPT.table)
    assert SCRIPT.effective_table("orders_archive") == t
    assert [c.name for c in t.columns] == [
        "order_id", "customer_id", "price", "currency", "payload", "order_time", "proc",
    ]  # fmt: skip
    assert t.watermark is None and t.options["connector"] == "filesystem"
    assert "topic" not in t.options


def test_view_with_temporal_join() -> None:
    v = SCRIPT.view("enriched")
    assert isinstance(v, CreateView) and isinstance(v.query, Select)
    j = v.query.from_
    assert isinstance(j, Join) and j.kind == "LEFT" and j.system_time is not None
    assert j.system_time.to_sql() == "o.order_time"


def test_statement_set_window_top_n_and_legacy_hop() -> None:
    [ss] = [s for s in SCRIPT.statements if isinstance(s, StatementSet)]
    top, per_customer = ss.inserts
    outer = top.query
    assert isinstance(outer, Select) and isinstance(outer.from_, SubqueryRef)
    inner = outer.from_.query
    assert isinstance(inner, Select) and isinstance(inner.from_, WindowTVF)
    assert inner.from_.kind == "CUMULATE"
    assert any(isinstance(i.expr, OverCall) for i in inner.items)
    assert inner.windows()[0].step_ms == 600_000 and inner.windows()[0].size_ms == 3_600_000
    sel = per_customer.query
    assert isinstance(sel, Select) and isinstance(sel.from_, TableRef)
    assert sel.from_.hints == {"scan.startup.mode": "latest-offset"}
    w = sel.group_window()
    assert w is not None and (w.kind, w.slide_ms, w.size_ms) == ("HOP", 60_000, 300_000)
    assert [a.name for a in sel.aggregates()] == ["COUNT", "SUM", "COUNT"]


def test_plain_aggregate_and_match_recognize() -> None:
    agg, mr = [s for s in SCRIPT.statements if isinstance(s, QueryStatement)]
    assert isinstance(agg.query, Select) and agg.query.group_window() is None
    assert agg.query.items[1].alias == "FILTER_COUNT"
    assert isinstance(mr.query, Select)
    f = mr.query.from_
    assert isinstance(f, TableFunctionRef) and f.alias == "mr"
    assert isinstance(f.call, Call) and f.call.name == "MATCH_RECOGNIZE"
    assert f.to_sql().startswith("orders MATCH_RECOGNIZE (\n    PARTITION BY customer_id")
