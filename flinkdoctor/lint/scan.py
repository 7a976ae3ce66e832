"""Walk a whole script: every expression and every SELECT, wherever it was written (computed
columns, WATERMARK clauses, views, CTAS, INSERT and bare queries, subqueries, CTEs, window TVF
arguments), so a rule looks at each TO_TIMESTAMP or window once, in source order."""

from __future__ import annotations

from collections.abc import Iterator

from flinkdoctor.sql.model import (
    ComputedColumn,
    CreateTable,
    CreateView,
    Expr,
    FromItem,
    Insert,
    Join,
    Query,
    QueryStatement,
    ScalarSubquery,
    Script,
    Select,
    SetOperation,
    StatementSet,
    SubqueryRef,
    TableFunctionRef,
    Values,
    WindowTVF,
    With,
)


def script_queries(script: Script) -> Iterator[Query]:
    """Every top-level query: views, CTAS, INSERTs (also inside statement sets), bare queries."""
    for st in script.statements:
        if isinstance(st, CreateView):
            yield st.query
        elif isinstance(st, CreateTable) and st.as_query is not None:
            yield st.as_query
        elif isinstance(st, Insert | QueryStatement):
            yield st.query
        elif isinstance(st, StatementSet):
            for ins in st.inserts:
                yield ins.query


def selects(query: Query) -> Iterator[Select]:
    """``query`` and every SELECT nested in it (FROM subqueries, CTEs, set operations, scalar
    subqueries), outermost first."""
    if isinstance(query, Select):
        yield query
        yield from _from_selects(query.from_)
        for root in _select_roots(query):
            for node in root.walk():
                if isinstance(node, ScalarSubquery):
                    yield from selects(node.query)
    elif isinstance(query, SetOperation):
        yield from selects(query.left)
        yield from selects(query.right)
    elif isinstance(query, With):
        for cte in query.ctes:
            yield from selects(cte.query)
        yield from selects(query.query)


def _from_selects(item: FromItem | None) -> Iterator[Select]:
    if isinstance(item, SubqueryRef):
        yield from selects(item.query)
    elif isinstance(item, Join):
        yield from _from_selects(item.left)
        yield from _from_selects(item.right)
    elif isinstance(item, WindowTVF):
        yield from _from_selects(item.table)


def all_selects(script: Script) -> Iterator[Select]:
    """Every SELECT of the script."""
    for query in script_queries(script):
        yield from selects(query)


def _select_roots(sel: Select) -> Iterator[Expr]:
    for item in sel.items:
        yield item.expr
    for e in (sel.where, sel.having, sel.limit):
        if e is not None:
            yield e
    yield from sel.group_by
    for o in sel.order_by:
        yield o.expr
    yield from _from_roots(sel.from_)


def _from_roots(item: FromItem | None) -> Iterator[Expr]:
    if isinstance(item, WindowTVF):
        for e in (item.size, item.slide, item.step, item.offset, item.gap):
            if e is not None:
                yield e
        yield from item.partition_by
    elif isinstance(item, Join):
        yield from _from_roots(item.left)
        yield from _from_roots(item.right)
        for e in (item.condition, item.system_time):
            if e is not None:
                yield e
    elif isinstance(item, TableFunctionRef):
        yield item.call


def _query_roots(query: Query) -> Iterator[Expr]:
    for sel in selects(query):
        yield from _select_roots(sel)
    if isinstance(query, Values):
        for row in query.rows:
            yield from row


def all_exprs(script: Script) -> Iterator[Expr]:
    """Every expression node of the script (each root walked depth first), DDL first."""
    roots: list[Expr] = []
    for st in script.statements:
        if isinstance(st, CreateTable):
            roots += [c.expr for c in st.columns if isinstance(c, ComputedColumn)]
            if st.watermark is not None:
                roots.append(st.watermark.expr)
    for query in script_queries(script):
        roots += _query_roots(query)
    for root in roots:
        yield from root.walk()
