"""Types and time attributes of columns, as far as the script shows them (R1.3, R3.12).

``column_type`` infers the type of a table column (declared, or computed by the few expressions a
rowtime is made of). ``resolve`` follows a column through views, subqueries and window TVFs to
say whether it is still a time attribute where a window reads it: ``Attr.time`` is True (a rowtime
or proctime), False (surely a plain value: no WATERMARK, or an expression / GROUP BY materialised
it) or the whole answer is None (we cannot tell: a catalog table, a join, a CTE), and then rules
stay silent.
"""

from __future__ import annotations

from dataclasses import dataclass

from flinkdoctor.sql.errors import SqlError
from flinkdoctor.sql.model import (
    BinaryOp,
    Call,
    Cast,
    ComputedColumn,
    CreateTable,
    DataType,
    Expr,
    FromItem,
    Identifier,
    IntervalLiteral,
    MetadataColumn,
    ObjectName,
    PhysicalColumn,
    Script,
    Select,
    Star,
    SubqueryRef,
    TableRef,
    WindowTVF,
)

TIMESTAMP3 = DataType("TIMESTAMP", 3)
TIMESTAMP_LTZ3 = DataType("TIMESTAMP_LTZ", 3)

_CALL_TYPES = {
    "TO_TIMESTAMP": TIMESTAMP3,
    "TO_TIMESTAMP_LTZ": TIMESTAMP_LTZ3,
    "PROCTIME": TIMESTAMP_LTZ3,
    "NOW": TIMESTAMP_LTZ3,
    "CURRENT_TIMESTAMP": TIMESTAMP_LTZ3,
    "CURRENT_ROW_TIMESTAMP": TIMESTAMP_LTZ3,
    "LOCALTIMESTAMP": TIMESTAMP3,
}
_LEGACY_ROWTIME = {"TUMBLE_ROWTIME", "HOP_ROWTIME", "SESSION_ROWTIME"}
_LEGACY_PROCTIME = {"TUMBLE_PROCTIME", "HOP_PROCTIME", "SESSION_PROCTIME"}


def exact_column(table: CreateTable, name: str) -> PhysicalColumn | ComputedColumn | MetadataColumn:
    """The column spelled exactly ``name`` (Flink identifiers are case-sensitive); KeyError."""
    for c in table.columns:
        if c.name == name:
            return c
    raise KeyError(name)


def column_type(table: CreateTable, name: str, depth: int = 0) -> DataType | None:
    """The type of column ``name`` of ``table``, None when unknown."""
    try:
        col = exact_column(table, name)
    except KeyError:
        return None
    if isinstance(col, PhysicalColumn | MetadataColumn):
        return col.type
    return expr_type(col.expr, table, depth + 1)


def expr_type(expr: Expr, table: CreateTable | None, depth: int = 0) -> DataType | None:
    """The type of a computed column's expression, for the shapes a rowtime is made of."""
    if depth > 20:
        return None
    if isinstance(expr, Cast):
        return expr.type
    if isinstance(expr, Call):
        return _CALL_TYPES.get(expr.name)
    if isinstance(expr, Identifier) and len(expr.parts) == 1 and table is not None:
        return column_type(table, expr.name, depth)
    if (
        isinstance(expr, BinaryOp)
        and expr.op in ("+", "-")
        and isinstance(expr.right, IntervalLiteral)
    ):
        return expr_type(expr.left, table, depth + 1)
    return None


def is_proctime(expr: Expr) -> bool:
    """``PROCTIME()``: a processing-time attribute."""
    return isinstance(expr, Call) and expr.name == "PROCTIME" and not expr.args


@dataclass(frozen=True, slots=True)
class Attr:
    """What a window sees in a column: ``time`` True for a time attribute, False for a plain
    value; ``type`` when known; ``why`` a phrase saying where the attribute was lost."""

    time: bool
    type: DataType | None = None
    why: str = ""


def resolve(script: Script, item: FromItem | None, column: str, depth: int = 0) -> Attr | None:
    """Column ``column`` as read from ``item``; None when the script does not tell."""
    if depth > 20 or item is None:
        return None
    if isinstance(item, TableRef):
        return _resolve_name(script, item.name, column, depth)
    if isinstance(item, SubqueryRef):
        query = item.query
        return _resolve_select(script, query, column, depth) if isinstance(query, Select) else None
    if isinstance(item, WindowTVF):
        if column in ("window_start", "window_end"):
            return Attr(False, TIMESTAMP3, f"{column} of a window TVF is a plain TIMESTAMP(3)")
        if column == "window_time":
            inner = resolve(script, item.table, item.time_col, depth + 1)
            return None if inner is None or not inner.time else Attr(True, inner.type)
        return resolve(script, item.table, column, depth + 1)
    return None


def _resolve_name(script: Script, name: ObjectName, column: str, depth: int) -> Attr | None:
    try:
        table = script.effective_table(name)
    except SqlError:
        return None
    if table is not None:
        return _resolve_table(table, column)
    view = script.view(name)
    if view is not None and isinstance(view.query, Select) and not view.columns:
        inner = _resolve_select(script, view.query, column, depth + 1)
        if inner is not None and not inner.time and not inner.why:
            return Attr(False, inner.type, f"view {view.name} does not keep it")
        return inner
    return None


def _resolve_table(table: CreateTable, column: str) -> Attr | None:
    try:
        col = exact_column(table, column)
    except KeyError:
        return None
    dtype = column_type(table, column)
    if isinstance(col, ComputedColumn) and is_proctime(col.expr):
        return Attr(True, dtype)
    wm = table.watermark
    if wm is not None and wm.column == column:
        return Attr(True, dtype)
    if wm is None:
        why = f"table {table.name} declares no WATERMARK"
    else:
        why = f"table {table.name} declares its WATERMARK for {wm.column}, not {column}"
    return Attr(False, dtype, why)


def _resolve_select(script: Script, sel: Select, column: str, depth: int) -> Attr | None:
    items = [i for i in sel.items if i.output_name == column]
    if len(items) > 1:
        return None
    if not items:
        if any(isinstance(i.expr, Star) for i in sel.items) and not sel.group_by:
            return resolve(script, sel.from_, column, depth + 1)
        return None
    expr = items[0].expr
    if isinstance(expr, Call) and expr.name in _LEGACY_ROWTIME | _LEGACY_PROCTIME:
        return Attr(True, TIMESTAMP3)
    if sel.group_by or sel.distinct:
        if isinstance(expr, Identifier) and expr.name == "window_time":
            inner = resolve(script, sel.from_, "window_time", depth + 1)
            if inner is not None and inner.time and sel.group_window() is not None:
                return inner
        if sel.group_window() is None:
            what = "a regular GROUP BY" if sel.group_by else "SELECT DISTINCT"
            return Attr(False, None, f"{what} turns it into a plain value")
        return None
    if isinstance(expr, Identifier):
        return resolve(script, sel.from_, expr.name, depth + 1)
    if is_proctime(expr):
        return Attr(True, TIMESTAMP_LTZ3)
    if isinstance(expr, Cast | Call | BinaryOp):
        dtype = expr_type(expr, None)
        return Attr(False, dtype, f"{expr.to_sql()} computes a plain value from it")
    return None
