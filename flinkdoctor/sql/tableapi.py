"""Table API chains (``t_env.from_path(src).window(Tumble.over(lit(5).minutes).on(col("ts"))
.alias("w")).group_by(col("w"), col("host")).select(...).execute_insert("sink")``) turned into
the same ``Insert`` / ``Select`` model as the equivalent SQL.

A group window becomes the legacy SQL form Flink plans identically (seed-case §2.3):
``GROUP BY TUMBLE(ts, INTERVAL ...), host`` and ``col("w").start`` → ``TUMBLE_START(ts, ...)``;
``Slide`` → HOP(ts, slide, size), ``Session`` → SESSION(ts, gap). Chains using methods we do not
model become a ``RawStatement`` with keyword ``TABLE API`` so they are not silently lost.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from flinkdoctor.errors import Location
from flinkdoctor.sql.model import (
    BinaryOp,
    Call,
    CreateView,
    Expr,
    FromItem,
    Identifier,
    Insert,
    IntervalLiteral,
    IntervalUnit,
    Literal,
    ObjectName,
    Query,
    RawStatement,
    Select,
    SelectItem,
    Star,
    SubqueryRef,
    TableRef,
    UnaryOp,
)
from flinkdoctor.sql.pystrings import Evaluator, PySource, Scope, Text, Value

_AGGREGATES = {
    "count": "COUNT",
    "sum": "SUM",
    "sum0": "SUM0",
    "max": "MAX",
    "min": "MIN",
    "avg": "AVG",
    "stddev_pop": "STDDEV_POP",
    "stddev_samp": "STDDEV_SAMP",
    "var_pop": "VAR_POP",
    "var_samp": "VAR_SAMP",
    "collect": "COLLECT",
}
_WINDOW_PROPERTIES = {"start": "START", "end": "END", "rowtime": "ROWTIME", "proctime": "PROCTIME"}
_TIME_UNITS: dict[str, tuple[IntervalUnit, int]] = {
    "milli": ("SECOND", 1),
    "millis": ("SECOND", 1),
    "second": ("SECOND", 1000),
    "seconds": ("SECOND", 1000),
    "minute": ("MINUTE", 60_000),
    "minutes": ("MINUTE", 60_000),
    "hour": ("HOUR", 3_600_000),
    "hours": ("HOUR", 3_600_000),
    "day": ("DAY", 86_400_000),
    "days": ("DAY", 86_400_000),
}
_COMPARE = {
    ast.Eq: "=",
    ast.NotEq: "<>",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}
_ARITHMETIC = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Mod: "%"}
_LEGACY = {"Tumble": "TUMBLE", "Slide": "HOP", "Session": "SESSION"}
_STRING_ITEM = re.compile(r"^\s*([\w$]+(?:\.[\w$]+)*)\s*(?:\s[aA][sS]\s+([\w$]+))?\s*$")
_STRING_DURATION = re.compile(r"^\s*(\d+)\s*\.\s*(\w+)\s*$")


class _Unsupported(Exception):
    """Raised inside translation when a chain uses something we do not model."""


class HoleSink(Protocol):
    """Where unresolved text goes (``pyflink._Holes``)."""

    def assemble(self, value: Value, *, sql: bool = True) -> tuple[str, list[int]]:
        """Text with markers for holes."""
        ...

    def location(self, offset: int) -> Location:
        """Location of a .py offset."""
        ...


@dataclass
class _Window:
    kind: str  # TUMBLE / HOP / SESSION
    args: dict[str, ast.AST] = field(default_factory=dict)
    alias: str | None = None


@dataclass
class _State:
    source: FromItem
    window: _Window | None = None
    window_call: Call | None = None
    where: list[Expr] = field(default_factory=list)
    group_by: list[Expr] | None = None
    items: list[SelectItem] | None = None


class TableApiTranslator:
    """Translates terminal Table API calls of one module."""

    TERMINALS = frozenset(["execute_insert", "insert_into", "add_insert", "create_temporary_view"])

    def __init__(
        self,
        ev: Evaluator,
        holes: HoleSink,
        parse_query: Callable[[Value], Query | None],
    ) -> None:
        self.ev = ev
        self.src: PySource = ev.src
        self.holes = holes
        self.parse_query = parse_query

    def translate(
        self, call: ast.Call, scope: Scope, consumed: set[int]
    ) -> Insert | CreateView | RawStatement | None:
        """The insert (or, for ``create_temporary_view(name, table)``, the view) a terminal
        call makes, or None if ``call`` is not one."""
        func = call.func
        if not isinstance(func, ast.Attribute):
            return None
        if func.attr in ("add_insert", "create_temporary_view"):
            if len(call.args) != 2:
                return None
            target_node, table_node = call.args[0], call.args[1]
        else:
            if not call.args:
                return None
            target_node, table_node = call.args[0], func.value
        loc = self._loc(call)
        overwrite = any(
            k.arg == "overwrite" and isinstance(k.value, ast.Constant) and k.value.value is True
            for k in call.keywords
        )
        try:
            target = self._name(target_node, scope)
            query = self._query(table_node, scope, consumed)
        except _Unsupported:
            return RawStatement("TABLE API", self.src.segment(call), location=loc)
        if func.attr == "create_temporary_view":
            return CreateView(target, query, temporary=True, location=loc)
        return Insert(target, query, overwrite, location=loc)

    # -- chains --------------------------------------------------------------------------

    def _query(self, node: ast.AST, scope: Scope, consumed: set[int]) -> Query:
        ops: list[tuple[str, ast.Call]] = []
        while True:
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                consumed.add(id(node))
                ops.append((node.func.attr, node))
                if node.func.attr in ("from_path", "sql_query", "from_table"):
                    break
                node = node.func.value
            elif isinstance(node, ast.Name):
                found = self.ev.lookup(node, scope)
                if found is None:
                    raise _Unsupported
                node, scope, _ = found
            else:
                raise _Unsupported
        ops.reverse()
        root, root_call = ops[0]
        if not root_call.args:
            raise _Unsupported
        state = _State(self._source(root, root_call, scope))
        for method, op in ops[1:]:
            state = self._apply(state, method, op, scope)
        return self._select(state)

    def _source(self, method: str, call: ast.Call, scope: Scope) -> FromItem:
        loc = self._loc(call)
        if method == "sql_query":
            q = self.parse_query(self.ev.value(call.args[0], scope))
            if q is None:
                raise _Unsupported
            return SubqueryRef(q, location=loc)
        return TableRef(self._name(call.args[0], scope), location=loc)

    def _apply(self, state: _State, method: str, op: ast.Call, scope: Scope) -> _State:
        if state.items is not None and method in (
            "window",
            "group_by",
            "where",
            "filter",
            "select",
        ):
            state = _State(SubqueryRef(self._select(state), location=self._loc(op)))
        args = op.args
        if method == "window" and len(args) == 1:
            state.window = self._window(args[0], scope)
        elif method == "group_by":
            state.group_by = [g for a in args for g in self._group_key(a, state, scope)]
        elif method in ("where", "filter") and len(args) == 1:
            state.where.append(self._expr(args[0], state, scope))
        elif method == "select":
            state.items = [i for a in args for i in self._items(a, state, scope)]
        else:
            raise _Unsupported
        return state

    def _select(self, state: _State) -> Select:
        items = state.items or [SelectItem(Star())]
        where: Expr | None = None
        for cond in state.where:
            where = cond if where is None else BinaryOp("AND", where, cond, location=cond.location)
        return Select(
            tuple(items),
            state.source,
            where,
            tuple(state.group_by or ()),
            location=state.source.location,
        )

    # -- windows -------------------------------------------------------------------------

    def _window(self, node: ast.AST, scope: Scope) -> _Window:
        calls: list[tuple[str, ast.Call]] = []
        while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            calls.append((node.func.attr, node))
            node = node.func.value
        root = node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")
        if root not in _LEGACY:
            raise _Unsupported
        w = _Window(_LEGACY[root])
        for method, call in reversed(calls):
            if method == "alias" and call.args:
                w.alias = self._text(call.args[0], scope)
            elif method in ("over", "every", "on", "with_gap") and call.args:
                w.args[method] = call.args[0]
            else:
                raise _Unsupported
        if "on" not in w.args or ("over" not in w.args and "with_gap" not in w.args):
            raise _Unsupported
        return w

    def _window_call(self, state: _State, scope: Scope, loc: Location) -> Call:
        w = state.window
        if w is None:
            raise _Unsupported
        if state.window_call is None:
            time_col = self._expr(w.args["on"], state, scope)
            if w.kind == "TUMBLE":
                rest = [self._duration(w.args["over"], scope)]
            elif w.kind == "HOP":
                if "every" not in w.args:
                    raise _Unsupported
                rest = [
                    self._duration(w.args["every"], scope),
                    self._duration(w.args["over"], scope),
                ]
            else:
                rest = [self._duration(w.args["with_gap"], scope)]
            state.window_call = Call(w.kind, (time_col, *rest), location=loc)
        return state.window_call

    def _is_window_ref(self, node: ast.AST, state: _State, scope: Scope) -> bool:
        if state.window is None or state.window.alias is None:
            return False
        return self._column_name(node, scope) == state.window.alias

    def _group_key(self, node: ast.AST, state: _State, scope: Scope) -> list[Expr]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [self._string_expr(p, state, scope, self._loc(node)) for p in _split(node.value)]
        if self._is_window_ref(node, state, scope):
            return [self._window_call(state, scope, self._loc(node))]
        return [self._expr(node, state, scope)]

    def _duration(self, node: ast.AST, scope: Scope) -> IntervalLiteral:
        loc = self._loc(node)
        if isinstance(node, ast.Attribute) and node.attr in _TIME_UNITS:
            amount = self._number(node.value, scope)
            return _interval(amount, node.attr, loc)
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            m = _STRING_DURATION.match(node.value)
            if m and m.group(2) in _TIME_UNITS:
                return _interval(int(m.group(1)), m.group(2), loc)
        raise _Unsupported

    def _number(self, node: ast.AST, scope: Scope) -> int:
        if isinstance(node, ast.Call) and _func_name(node) == "lit" and len(node.args) == 1:
            node = node.args[0]
        text = self._text(node, scope)
        if not text.isdigit():
            raise _Unsupported
        return int(text)

    # -- expressions ---------------------------------------------------------------------

    def _items(self, node: ast.AST, state: _State, scope: Scope) -> list[SelectItem]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            out = []
            for part in _split(node.value):
                m = _STRING_ITEM.match(part)
                if m is None:
                    raise _Unsupported
                e = self._string_expr(m.group(1), state, scope, self._loc(node))
                out.append(SelectItem(e, m.group(2), location=e.location))
            return out
        alias = None
        if _is_method(node, "alias"):
            assert isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            if len(node.args) != 1:
                raise _Unsupported
            alias = self._text(node.args[0], scope)
            node = node.func.value
        e = self._expr(node, state, scope)
        return [SelectItem(e, alias, location=e.location)]

    def _expr(self, node: ast.AST, state: _State, scope: Scope) -> Expr:
        loc = self._loc(node)
        if isinstance(node, ast.Call):
            name = _func_name(node)
            if name == "col" and len(node.args) == 1:
                return Identifier(tuple(self._text(node.args[0], scope).split(".")), location=loc)
            if name == "lit" and len(node.args) == 1:
                return self._literal(node.args[0], scope, loc)
            if _is_method(node, "alias"):
                raise _Unsupported  # an alias inside an expression: not a select item
            raise _Unsupported
        if isinstance(node, ast.Attribute):
            return self._attribute(node, state, scope, loc)
        if isinstance(node, ast.BinOp):
            if type(node.op) in _ARITHMETIC:
                op = _ARITHMETIC[type(node.op)]
            elif isinstance(node.op, ast.BitAnd | ast.BitOr):
                op = "AND" if isinstance(node.op, ast.BitAnd) else "OR"
            else:
                raise _Unsupported
            left, right = self._expr(node.left, state, scope), self._expr(node.right, state, scope)
            return BinaryOp(op, left, right, location=loc)
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARE:
            left = self._expr(node.left, state, scope)
            right = self._expr(node.comparators[0], state, scope)
            return BinaryOp(_COMPARE[type(node.ops[0])], left, right, location=loc)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert | ast.USub):
            op = "NOT" if isinstance(node.op, ast.Invert) else "-"
            return UnaryOp(op, self._expr(node.operand, state, scope), location=loc)
        if isinstance(node, ast.Constant) and not isinstance(node.value, str):
            return self._literal(node, scope, loc)
        if isinstance(node, ast.Constant | ast.Name):
            return self._string_expr(self._text(node, scope), state, scope, loc)
        raise _Unsupported

    def _attribute(self, node: ast.Attribute, state: _State, scope: Scope, loc: Location) -> Expr:
        attr = node.attr
        if attr in _WINDOW_PROPERTIES and self._is_window_ref(node.value, state, scope):
            window = self._window_call(state, scope, loc)
            return Call(f"{window.name}_{_WINDOW_PROPERTIES[attr]}", window.args, location=loc)
        if attr in _AGGREGATES:
            return Call(_AGGREGATES[attr], (self._expr(node.value, state, scope),), location=loc)
        if attr == "distinct":
            inner = self._expr(node.value, state, scope)
            if isinstance(inner, Call):
                return Call(inner.name, inner.args, True, location=inner.location)
        if attr in _TIME_UNITS:
            return self._duration(node, scope)
        raise _Unsupported

    def _string_expr(self, text: str, state: _State, scope: Scope, loc: Location) -> Expr:
        """Old string expressions: ``name``, ``w.start``, ``host.count``."""
        parts = text.strip().split(".")
        if not all(re.fullmatch(r"[\w$]+", p) for p in parts):
            raise _Unsupported
        w = state.window
        if len(parts) == 2 and w is not None and parts[0] == w.alias:
            if parts[1] not in _WINDOW_PROPERTIES:
                raise _Unsupported
            window = self._window_call(state, scope, loc)
            return Call(f"{window.name}_{_WINDOW_PROPERTIES[parts[1]]}", window.args, location=loc)
        if len(parts) == 1 and w is not None and parts[0] == w.alias:
            return self._window_call(state, scope, loc)
        if len(parts) >= 2 and parts[-1] in _AGGREGATES:
            inner = Identifier(tuple(parts[:-1]), location=loc)
            return Call(_AGGREGATES[parts[-1]], (inner,), location=loc)
        return Identifier(tuple(parts), location=loc)

    def _literal(self, node: ast.AST, scope: Scope, loc: Location) -> Literal:
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool):
                return Literal("boolean", v, "TRUE" if v else "FALSE", location=loc)
            if isinstance(v, int | float):
                return Literal("number", Decimal(str(v)), str(v), location=loc)
            if v is None:
                return Literal("null", None, "NULL", location=loc)
        text = self._text(node, scope)
        return Literal("string", text, "'" + text.replace("'", "''") + "'", location=loc)

    # -- values --------------------------------------------------------------------------

    def _text(self, node: ast.AST, scope: Scope) -> str:
        value = self.ev.value(node, scope)
        if len(value) == 1 and isinstance(value[0], Text):
            return value[0].text
        text, _ = self.holes.assemble(value)
        return text

    def _column_name(self, node: ast.AST, scope: Scope) -> str | None:
        if isinstance(node, ast.Call) and _func_name(node) == "col" and len(node.args) == 1:
            return self._text(node.args[0], scope)
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value.strip()
        return None

    def _name(self, node: ast.AST, scope: Scope) -> ObjectName:
        text = self._text(node, scope)
        return ObjectName(tuple(p.strip("`") for p in text.split(".")), location=self._loc(node))

    def _loc(self, node: ast.AST) -> Location:
        return self.holes.location(self.src.start(node))


def _interval(amount: int, unit_word: str, loc: Location) -> IntervalLiteral:
    unit, ms = _TIME_UNITS[unit_word]
    if ms == 1:  # milliseconds are written as fractional seconds
        text = str(Decimal(amount) / 1000)
        lead = text.split(".")[0]
        return IntervalLiteral(
            text, "SECOND", None, 1, max(2, len(lead)), 3, amount, None, location=loc
        )
    text = str(amount)
    fraction = 6 if unit == "SECOND" else None
    return IntervalLiteral(
        text, unit, None, 1, max(2, len(text)), fraction, amount * ms, None, location=loc
    )


def _split(text: str) -> list[str]:
    return [p for p in (s.strip() for s in text.split(",")) if p]


def _func_name(call: ast.Call) -> str | None:
    f = call.func
    if isinstance(f, ast.Name):
        return f.id
    if isinstance(f, ast.Attribute):
        return f.attr
    return None


def _is_method(node: ast.AST, name: str) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == name
    )
