"""WHERE clauses: compile a predicate into ``Record -> True | False | None`` with SQL's
three-valued logic (a row passes only when the predicate is TRUE). In Flink's plan the filter
runs after the watermark is generated (push-down source or ``WatermarkAssignerOperator``), so a
filtered row still moves its input's watermark; it just never reaches the window."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flinkdoctor.engine.expressions import Scope, compile_expr
from flinkdoctor.errors import InputError
from flinkdoctor.events.record import Record
from flinkdoctor.sql import model as m

Predicate = Callable[[Record], Any]
_CMP: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b,
    "<>": lambda a, b: a != b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def compile_predicate(expr: m.Expr, scope: Scope) -> Predicate:
    """The predicate of ``expr``; InputError for what is not modelled."""
    if isinstance(expr, m.BinaryOp) and expr.op.upper() in ("AND", "OR"):
        left, right = compile_predicate(expr.left, scope), compile_predicate(expr.right, scope)
        if expr.op.upper() == "AND":

            def both(rec: Record) -> Any:
                a = left(rec)
                if a is False:
                    return False
                b = right(rec)
                if b is False:
                    return False
                return None if a is None or b is None else True

            return both

        def either(rec: Record) -> Any:
            a = left(rec)
            if a is True:
                return True
            b = right(rec)
            if b is True:
                return True
            return None if a is None or b is None else False

        return either
    if isinstance(expr, m.UnaryOp) and expr.op.upper() == "NOT":
        inner = compile_predicate(expr.operand, scope)
        return lambda rec: None if (v := inner(rec)) is None else not v
    if isinstance(expr, m.BinaryOp) and expr.op in _CMP:
        cmp = _CMP[expr.op]
        lf = compile_expr(expr.left, scope).fn
        rf = compile_expr(expr.right, scope).fn

        def compare(rec: Record) -> Any:
            a = lf(rec)
            if a is None:
                return None
            b = rf(rec)
            if b is None:
                return None
            try:
                return cmp(a, b)
            except TypeError:
                raise InputError(
                    f"cannot compare {type(a).__name__} with {type(b).__name__} in {expr.to_sql()}",
                    expr.location,
                ) from None

        return compare
    if isinstance(expr, m.IsNull):
        f = compile_expr(expr.expr, scope).fn
        if expr.negated:
            return lambda rec: f(rec) is not None
        return lambda rec: f(rec) is None
    if isinstance(expr, m.InList):
        f = compile_expr(expr.expr, scope).fn
        items = [compile_expr(i, scope).fn for i in expr.items]
        negated = expr.negated

        def in_list(rec: Record) -> Any:
            v = f(rec)
            if v is None:
                return None
            values = [g(rec) for g in items]
            if v in values:
                return not negated
            if None in values:
                return None
            return negated

        return in_list
    if isinstance(expr, m.Between):
        low = m.BinaryOp(">=", expr.expr, expr.low, location=expr.location)
        high = m.BinaryOp("<=", expr.expr, expr.high, location=expr.location)
        both_ends = compile_predicate(m.BinaryOp("AND", low, high, location=expr.location), scope)
        if expr.negated:
            return lambda rec: None if (v := both_ends(rec)) is None else not v
        return both_ends
    if isinstance(expr, m.Like) and expr.op.upper() == "LIKE" and expr.escape is None:
        f = compile_expr(expr.expr, scope).fn
        if not (isinstance(expr.pattern, m.Literal) and isinstance(expr.pattern.value, str)):
            raise InputError("LIKE patterns must be string literals here", expr.location)
        regex = re.compile(
            "".join(
                ".*" if c == "%" else "." if c == "_" else re.escape(c) for c in expr.pattern.value
            ),
            re.DOTALL,
        )
        negated = expr.negated

        def like(rec: Record) -> Any:
            v = f(rec)
            if v is None:
                return None
            return (regex.fullmatch(str(v)) is not None) != negated

        return like
    if isinstance(expr, m.Literal) and expr.kind == "boolean":
        value = bool(expr.value)
        return lambda rec: value
    raise InputError(f"WHERE {expr.to_sql()} is not simulated yet", expr.location)
