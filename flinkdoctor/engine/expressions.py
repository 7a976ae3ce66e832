"""Compile the expression subset of computed columns, watermarks, keys and aggregate arguments
into closures over a ``Record``, evaluated with Flink's semantics.

Physical columns are read from the JSON value as flink-json does (missing field -> NULL; type
mismatch -> the job fails, or the field is NULL with ``json.ignore-parse-errors``, R4.5). Values:
timestamps are millis (TIMESTAMP: wall clock read as UTC; TIMESTAMP_LTZ: epoch), numbers are
int / float / Decimal, strings str. A failure that fails the Flink job raises ``RowFailure``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from flinkdoctor.engine.expressions_failure import RowFailure
from flinkdoctor.engine.timeutil import ZoneShift
from flinkdoctor.errors import InputError
from flinkdoctor.events.record import Record
from flinkdoctor.sql import model as m

Fn = Callable[[Record], Any]
_INTS = {"TINYINT": 8, "SMALLINT": 16, "INT": 32, "BIGINT": 64}
_NUMERIC = {*_INTS, "FLOAT", "DOUBLE", "DECIMAL"}


@dataclass(frozen=True, slots=True)
class Typed:
    """A compiled expression: its closure and Flink type (root, precision, scale)."""

    fn: Fn
    root: str
    precision: int | None = None
    scale: int | None = None
    nullable: bool = True

    @property
    def type_text(self) -> str:
        """The type as Flink prints it."""
        if self.root == "DECIMAL":
            return f"DECIMAL({self.precision}, {self.scale or 0})"
        if self.root == "VARCHAR" and self.precision in (None, 2147483647):
            return "STRING"
        if self.precision is not None and self.root in (
            "TIMESTAMP",
            "TIMESTAMP_LTZ",
            "VARCHAR",
            "CHAR",
        ):
            return f"{self.root}({self.precision})"
        return self.root


@dataclass(frozen=True, slots=True)
class JsonOptions:
    """flink-json options of the source table (R4.5)."""

    ignore_parse_errors: bool = False
    fail_on_missing_field: bool = False
    timestamp_standard: str = "SQL"


class Scope:
    """The columns of one source table, compiled lazily (computed columns may refer to each
    other) and memoised."""

    def __init__(
        self,
        table: m.CreateTable,
        json_options: JsonOptions,
        zone: ZoneShift | None,
        zone_name: str,
    ) -> None:
        self.table = table
        self.json = json_options
        self.zone = zone
        self.zone_name = zone_name
        self._cache: dict[str, Typed] = {}
        self._busy: set[str] = set()

    def column(self, name: str, where: m.Expr | None = None) -> Typed:
        """The compiled column ``name`` (case-insensitive fallback, like the catalog)."""
        col = self.table.column(name)
        if col is None:
            loc = where.location if where is not None else None
            raise InputError(f"column {name!r} is not in table {self.table.name}", loc)
        key = col.name
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        if key in self._busy:
            raise InputError(f"computed column {key!r} refers to itself", col.location)
        self._busy.add(key)
        try:
            if isinstance(col, m.PhysicalColumn):
                typed = _physical(col.name, col.type, self.json)
            elif isinstance(col, m.ComputedColumn):
                typed = compile_expr(col.expr, self)
            else:
                typed = _metadata(col)
        finally:
            self._busy.discard(key)
        self._cache[key] = typed
        return typed


# ---------------------------------------------------------------------------------------------
# flink-json field conversion


def _json_fail(field: str, value: Any, why: str) -> RowFailure:
    shown = json.dumps(value, ensure_ascii=False)[:80]
    return RowFailure(
        "R4.5",
        f"Failed to deserialize JSON: Fail to deserialize at field: {field} ({why}: {shown})",
        field,
        value if isinstance(value, str) else shown,
    )


def _physical(name: str, dtype: m.DataType, options: JsonOptions) -> Typed:
    convert = _json_converter(name, dtype, options)
    ignore = options.ignore_parse_errors
    fail_missing = options.fail_on_missing_field

    def read(rec: Record) -> Any:
        value = rec.value
        if type(value) is not dict:
            return None
        raw = value.get(name, _MISSING)
        if raw is _MISSING:
            if fail_missing:
                if ignore:
                    return None
                raise RowFailure(
                    "R4.5", f"Failed to deserialize JSON: Could not find field with name '{name}'."
                )
            return None
        if raw is None:
            return None
        try:
            return convert(raw)
        except RowFailure:
            if ignore:
                return None
            raise

    return Typed(read, dtype.root, dtype.precision, dtype.scale)


_MISSING = object()


def _json_converter(name: str, dtype: m.DataType, options: JsonOptions) -> Callable[[Any], Any]:
    root = dtype.root
    if root in ("VARCHAR", "CHAR"):

        def to_str(raw: Any) -> Any:
            if isinstance(raw, str):
                return raw
            if isinstance(raw, bool):
                return "true" if raw else "false"
            if isinstance(raw, (dict, list)):
                return json.dumps(raw, separators=(",", ":"), ensure_ascii=False)
            return json.dumps(raw)

        return to_str
    if root in _INTS:
        bits = _INTS[root]
        low, high = -(1 << (bits - 1)), (1 << (bits - 1)) - 1

        def to_int(raw: Any) -> Any:
            if isinstance(raw, bool):
                raise _json_fail(name, raw, f"not a {root}")
            if isinstance(raw, int):
                value = raw
            elif isinstance(raw, float) and math.isfinite(raw):
                value = int(raw)
            elif isinstance(raw, str):
                try:
                    value = int(raw.strip())
                except ValueError:
                    raise _json_fail(name, raw, f"not a {root}") from None
            else:
                raise _json_fail(name, raw, f"not a {root}")
            if not low <= value <= high:
                raise _json_fail(name, raw, f"out of range for {root}")
            return value

        return to_int
    if root in ("DOUBLE", "FLOAT"):

        def to_float(raw: Any) -> Any:
            if isinstance(raw, bool):
                raise _json_fail(name, raw, f"not a {root}")
            if isinstance(raw, (int, float)):
                return float(raw)
            if isinstance(raw, str):
                try:
                    return float(raw.strip())
                except ValueError:
                    raise _json_fail(name, raw, f"not a {root}") from None
            raise _json_fail(name, raw, f"not a {root}")

        return to_float
    if root == "DECIMAL":

        def to_dec(raw: Any) -> Any:
            try:
                return Decimal(str(raw).strip())
            except InvalidOperation:
                raise _json_fail(name, raw, "not a DECIMAL") from None

        return to_dec
    if root == "BOOLEAN":

        def to_bool(raw: Any) -> Any:
            if isinstance(raw, bool):
                return raw
            return str(raw).strip().lower() == "true"

        return to_bool
    if root in ("TIMESTAMP", "TIMESTAMP_LTZ"):
        from flinkdoctor.engine import conversions

        parse = conversions.json_timestamp_parser(
            root == "TIMESTAMP_LTZ", options.timestamp_standard
        )

        def to_ts(raw: Any) -> Any:
            if not isinstance(raw, str):
                raise _json_fail(name, raw, f"not a {root} string")
            millis = parse(raw)
            if millis is None:
                raise _json_fail(
                    name, raw, f"DateTimeParseException: Text '{raw}' could not be parsed"
                )
            return millis

        return to_ts
    if root == "ROW":
        converters = {
            fname: _json_converter(f"{name}.{fname}", ftype, options)
            for fname, ftype in dtype.fields
        }

        def to_row(raw: Any) -> Any:
            if not isinstance(raw, dict):
                raise _json_fail(name, raw, "not a ROW object")
            out: dict[str, Any] = {}
            for fname, conv in converters.items():
                v = raw.get(fname)
                out[fname] = None if v is None else conv(v)
            return out

        return to_row
    return lambda raw: raw


def _metadata(col: m.MetadataColumn) -> Typed:
    key = col.metadata_key
    if key == "timestamp":

        def kafka_ts(rec: Record) -> Any:
            return rec.timestamp

        return Typed(kafka_ts, col.type.root, col.type.precision)
    if key == "partition":
        return Typed(lambda rec: rec.partition, "INT")
    if key == "offset":
        return Typed(lambda rec: rec.offset, "BIGINT")
    return Typed(lambda rec: None, col.type.root, col.type.precision, col.type.scale)


# ---------------------------------------------------------------------------------------------
# Expressions


def compile_expr(expr: m.Expr, scope: Scope) -> Typed:
    """Compile ``expr`` over the rows of ``scope``'s table; InputError for what we cannot model."""
    if isinstance(expr, m.Identifier):
        base = (
            scope.column(expr.parts[0], expr)
            if len(expr.parts) == 1 or scope.table.column(expr.parts[0])
            else None
        )
        if base is None:
            # qualified ``t.col``: drop the qualifier
            return scope.column(expr.parts[-1], expr)
        if len(expr.parts) == 1:
            return base
        return _field_access(base, expr.parts[1:], scope, expr)
    if isinstance(expr, m.Literal):
        return _literal(expr)
    if isinstance(expr, m.IntervalLiteral):
        if expr.millis is None:
            raise InputError("year-month intervals are not supported here", expr.location)
        ms = expr.millis
        return Typed(lambda rec: ms, "INTERVAL")
    if isinstance(expr, m.Cast):
        return _cast(compile_expr(expr.expr, scope), expr.type, expr.try_, scope, expr)
    if isinstance(expr, m.BinaryOp):
        return _binary(expr, scope)
    if isinstance(expr, m.UnaryOp) and expr.op == "-":
        inner = compile_expr(expr.operand, scope)
        f = inner.fn
        return Typed(
            lambda rec: None if (v := f(rec)) is None else -v,
            inner.root,
            inner.precision,
            inner.scale,
        )
    if isinstance(expr, m.Call):
        return _call(expr, scope)
    raise InputError(f"unsupported expression for simulation: {expr.to_sql()}", expr.location)


def _field_access(base: Typed, path: tuple[str, ...], scope: Scope, where: m.Expr) -> Typed:
    col = scope.table.column(where.parts[0]) if isinstance(where, m.Identifier) else None
    dtype = col.type if isinstance(col, (m.PhysicalColumn, m.MetadataColumn)) else None
    for part in path:
        if dtype is None or dtype.root != "ROW":
            raise InputError(f"cannot read field {part!r} of a non-ROW value", where.location)
        match = dict(dtype.fields)
        if part not in match:
            raise InputError(f"ROW has no field {part!r}", where.location)
        dtype = match[part]
    assert dtype is not None
    f = base.fn

    def get(rec: Record) -> Any:
        v = f(rec)
        for part in path:
            if v is None:
                return None
            v = v.get(part)
        return v

    return Typed(get, dtype.root, dtype.precision, dtype.scale)


def _literal(lit: m.Literal) -> Typed:
    v = lit.value
    if lit.kind == "null":
        return Typed(lambda rec: None, "NULL")
    if lit.kind == "string":
        s = str(v)
        return Typed(lambda rec: s, "CHAR", len(s), nullable=False)
    if lit.kind == "number":
        d = v if isinstance(v, Decimal) else Decimal(str(v))
        if d == d.to_integral_value() and "." not in lit.raw and "e" not in lit.raw.lower():
            n = int(d)
            root = "INT" if -(2**31) <= n < 2**31 else "BIGINT"
            return Typed(lambda rec: n, root, nullable=False)
        if "e" in lit.raw.lower():
            fl = float(d)
            return Typed(lambda rec: fl, "DOUBLE", nullable=False)
        return Typed(
            lambda rec: d,
            "DECIMAL",
            len(d.as_tuple().digits),
            -int(d.as_tuple().exponent),
            nullable=False,
        )
    if lit.kind == "boolean":
        return Typed(lambda rec: v, "BOOLEAN", nullable=False)
    if lit.kind in ("timestamp", "timestamp_ltz"):
        from flinkdoctor.engine import conversions

        millis = conversions.cast_string_to_timestamp(3)(str(v))
        return Typed(lambda rec: millis, "TIMESTAMP", 3, nullable=False)
    raise InputError(f"unsupported literal {lit.raw}", lit.location)


def _binary(expr: m.BinaryOp, scope: Scope) -> Typed:
    left = compile_expr(expr.left, scope)
    right = compile_expr(expr.right, scope)
    op = expr.op
    lf, rf = left.fn, right.fn
    if (
        op in ("+", "-")
        and left.root in ("TIMESTAMP", "TIMESTAMP_LTZ")
        and right.root == "INTERVAL"
    ):
        sign = 1 if op == "+" else -1

        def ts_shift(rec: Record) -> Any:
            a = lf(rec)
            if a is None:
                return None
            b = rf(rec)
            return None if b is None else a + sign * b

        return Typed(ts_shift, left.root, left.precision)
    if op == "+" and right.root in ("TIMESTAMP", "TIMESTAMP_LTZ") and left.root == "INTERVAL":
        return Typed(
            lambda rec: None if (a := rf(rec)) is None or (b := lf(rec)) is None else a + b,
            right.root,
            right.precision,
        )
    if (
        op in ("+", "-", "*", "/", "%")
        and left.root in _NUMERIC | {"INTERVAL"}
        and right.root in _NUMERIC
    ):
        root = _numeric_result(left.root, right.root)
        integral = root in _INTS

        def arith(rec: Record) -> Any:
            a = lf(rec)
            if a is None:
                return None
            b = rf(rec)
            if b is None:
                return None
            if op == "+":
                return a + b
            if op == "-":
                return a - b
            if op == "*":
                return a * b
            if op == "/":
                if integral:
                    if b == 0:
                        raise RowFailure("R4", "java.lang.ArithmeticException: / by zero")
                    q = abs(a) // abs(b)
                    return q if (a >= 0) == (b >= 0) else -q
                if isinstance(a, Decimal) or isinstance(b, Decimal):
                    return Decimal(a) / Decimal(b)
                return (
                    a / b if b != 0 else (math.inf if a > 0 else -math.inf if a < 0 else math.nan)
                )
            return math.fmod(a, b) if not integral else (a - b * int(a / b))

        return Typed(arith, root)
    raise InputError(f"unsupported expression for simulation: {expr.to_sql()}", expr.location)


def _numeric_result(a: str, b: str) -> str:
    if "DOUBLE" in (a, b) or "FLOAT" in (a, b):
        return "DOUBLE"
    if "DECIMAL" in (a, b):
        return "DECIMAL"
    if "BIGINT" in (a, b) or "INTERVAL" in (a, b):
        return "BIGINT"
    return "INT"


def _call(call: m.Call, scope: Scope) -> Typed:
    from flinkdoctor.engine import conversions

    name = call.name.upper()
    args = [compile_expr(a, scope) for a in call.args]
    if name == "TO_TIMESTAMP" and len(args) in (1, 2):
        s = args[0].fn
        if len(args) == 1:
            parse1 = conversions.to_timestamp_default()

            def tt1(rec: Record) -> Any:
                v = s(rec)
                return None if v is None else parse1(str(v))

            return Typed(tt1, "TIMESTAMP", 3)
        pattern_expr = call.args[1]
        if isinstance(pattern_expr, m.Literal) and isinstance(pattern_expr.value, str):
            parse = conversions.to_timestamp_with_pattern(pattern_expr.value)

            def tt2(rec: Record) -> Any:
                v = s(rec)
                return None if v is None else parse(str(v))

            return Typed(tt2, "TIMESTAMP", 3)
        raise InputError("TO_TIMESTAMP's format must be a string literal", pattern_expr.location)
    if name == "TO_TIMESTAMP_LTZ" and len(args) == 2:
        n = args[0].fn
        p_expr = call.args[1]
        if not (isinstance(p_expr, m.Literal) and p_expr.kind == "number"):
            raise InputError("TO_TIMESTAMP_LTZ precision must be a number literal", p_expr.location)
        precision = int(str(p_expr.value))
        conv = conversions.to_timestamp_ltz_fn(precision)

        def ltz(rec: Record) -> Any:
            v = n(rec)
            return None if v is None else conv(v)

        return Typed(ltz, "TIMESTAMP_LTZ", 3)
    if name == "COALESCE" and args:
        fns = [a.fn for a in args]

        def coalesce(rec: Record) -> Any:
            for f in fns:
                v = f(rec)
                if v is not None:
                    return v
            return None

        return Typed(coalesce, args[0].root, args[0].precision, args[0].scale)
    if name in ("UPPER", "LOWER", "TRIM") and len(args) == 1:
        f = args[0].fn
        ops: dict[str, Callable[[str], str]] = {
            "UPPER": str.upper,
            "LOWER": str.lower,
            "TRIM": lambda x: x.strip(" "),
        }
        op = ops[name]
        return Typed(lambda rec: None if (v := f(rec)) is None else op(v), "VARCHAR")
    raise InputError(f"unsupported function for simulation: {call.to_sql()}", call.location)


def _cast(inner: Typed, target: m.DataType, try_: bool, scope: Scope, where: m.Expr) -> Typed:
    from flinkdoctor.engine import conversions

    f = inner.fn
    root = target.root
    src = inner.root
    if root in ("TIMESTAMP", "TIMESTAMP_LTZ"):
        p = target.precision if target.precision is not None else 6
        if src in ("VARCHAR", "CHAR"):
            parse = conversions.cast_string_to_timestamp(p)
            zone = scope.zone

            def cast_ts(rec: Record) -> Any:
                v = f(rec)
                if v is None:
                    return None
                millis = parse(v)
                if millis is None:
                    if try_:
                        return None
                    raise RowFailure(
                        "R4.3", f"TableRuntimeException: Error when casting '{v}' to TIMESTAMP({p})"
                    )
                if root == "TIMESTAMP_LTZ" and zone is not None:
                    return zone.to_epoch(millis)
                return millis

            return Typed(cast_ts, root, min(p, 9))
        if src in ("TIMESTAMP", "TIMESTAMP_LTZ"):
            zone = scope.zone
            if src == root or zone is None:
                return Typed(_truncate(f, p), root, p)
            conv = zone.to_local if root == "TIMESTAMP" else zone.to_epoch
            g = _truncate(f, p)
            return Typed(lambda rec: None if (v := g(rec)) is None else conv(v), root, p)
        raise InputError(f"unsupported CAST from {src} to {root}", where.location)
    if root in _INTS:
        bits = _INTS[root]

        def cast_int(rec: Record) -> Any:
            v = f(rec)
            if v is None:
                return None
            try:
                n = int(v.strip()) if isinstance(v, str) else int(v)
            except ValueError:
                if try_:
                    return None
                raise RowFailure(
                    "R4.3", f"TableRuntimeException: Error when casting '{v}' to {root}"
                ) from None
            n &= (1 << bits) - 1
            return n - (1 << bits) if n >= 1 << (bits - 1) else n

        return Typed(cast_int, root)
    if root in ("DOUBLE", "FLOAT"):

        def cast_float(rec: Record) -> Any:
            v = f(rec)
            if v is None:
                return None
            try:
                return float(v)
            except ValueError:
                if try_:
                    return None
                raise RowFailure(
                    "R4.3", f"TableRuntimeException: Error when casting '{v}' to {root}"
                ) from None

        return Typed(cast_float, root)
    if root in ("VARCHAR", "CHAR"):
        return Typed(
            lambda rec: None if (v := f(rec)) is None else str(v), "VARCHAR", target.precision
        )
    if root == "DECIMAL":

        def cast_dec(rec: Record) -> Any:
            v = f(rec)
            if v is None:
                return None
            return Decimal(str(v)).quantize(Decimal(1).scaleb(-(target.scale or 0)))

        return Typed(cast_dec, root, target.precision, target.scale)
    raise InputError(f"unsupported CAST to {target}", where.location)


def _truncate(f: Fn, precision: int) -> Fn:
    if precision >= 3:
        return f
    unit = 10 ** (3 - precision)
    return lambda rec: None if (v := f(rec)) is None else v - v % unit


def lookup(mapping: Mapping[str, Typed], name: str) -> Typed | None:
    """Case-insensitive lookup helper for output scopes."""
    if name in mapping:
        return mapping[name]
    low = name.lower()
    return next((v for k, v in mapping.items() if k.lower() == low), None)
