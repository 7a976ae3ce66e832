"""Find how a table turns event data into its rowtime, as one conversion we can replay per value.

A rowtime column is either computed (``TO_TIMESTAMP(field[, 'pattern'])``,
``TO_TIMESTAMP_LTZ(field, 0|3)``, ``[TRY_]CAST(field AS TIMESTAMP(p))``) or physical and decoded by
flink-json (``TIMESTAMP(p)`` / ``TIMESTAMP_LTZ(p)`` under ``json.timestamp-format.standard``). Each
has its own Flink semantics (spec R4.1-R4.5); ``RowtimeConversion`` names which one applies and
replays it on raw values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Literal as TypingLiteral

from flinkdoctor.errors import InputError
from flinkdoctor.sql.model import (
    Call,
    Cast,
    ComputedColumn,
    CreateTable,
    Expr,
    Identifier,
    Literal,
    MetadataColumn,
    PhysicalColumn,
    Script,
)
from flinkdoctor.sql.string_literal import escape_sql_literal
from flinkdoctor.timeformat import (
    Conversion,
    Status,
    cast_to_timestamp,
    json_timestamp,
    to_timestamp,
    to_timestamp_ltz,
    to_timestamp_many,
)

ConversionKind = TypingLiteral["to_timestamp", "to_timestamp_ltz", "cast", "try_cast", "json"]


@dataclass(frozen=True, slots=True)
class RowtimeConversion:
    """One Flink conversion from an event field to a timestamp.

    ``field`` is the dotted path of the event field the conversion reads (None when only a
    pattern was given); ``column`` the rowtime column it defines; ``origin`` where it was declared.
    """

    kind: ConversionKind
    field: str | None = None
    pattern: str | None = None
    precision: int = 3
    json_standard: str = "SQL"
    ignore_parse_errors: bool = False
    ltz: bool = False
    column: str | None = None
    origin: str | None = None

    @classmethod
    def for_pattern(cls, pattern: str, field: str | None = None) -> RowtimeConversion:
        """``TO_TIMESTAMP(field, pattern)`` given on the command line."""
        return cls(kind="to_timestamp", pattern=pattern, field=field)

    def with_pattern(self, pattern: str) -> RowtimeConversion:
        """The same column computed by ``TO_TIMESTAMP(field, pattern)`` instead."""
        return replace(self, kind="to_timestamp", pattern=pattern, ltz=False)

    def convert(self, value: str | None) -> Conversion:
        """Flink's result for one raw value (None = missing field / SQL NULL)."""
        if self.kind == "to_timestamp":
            return to_timestamp(value, self.pattern)
        if value is None:
            return Conversion(Status.NULL, None, "the field is NULL or missing", None)
        if self.kind == "to_timestamp_ltz":
            return _ltz_from_text(value, self.precision)
        if self.kind in ("cast", "try_cast"):
            result = cast_to_timestamp(value, self.precision)
            if self.kind == "try_cast" and result.status is Status.FAIL:
                return Conversion(Status.NULL, None, result.reason, result.error_index)
            return result
        return json_timestamp(
            value,
            ltz=self.ltz,
            standard=self.json_standard,
            ignore_parse_errors=self.ignore_parse_errors,
        )

    def convert_many(self, values: Sequence[str | None]) -> list[Conversion]:
        """``convert`` over a batch, through the fast path where there is one."""
        if self.kind == "to_timestamp":
            return to_timestamp_many(values, self.pattern)
        return [self.convert(value) for value in values]

    def describe(self) -> str:
        """The conversion as SQL, e.g. ``TO_TIMESTAMP(event_time, 'yyyy-MM-dd HH:mm:ss')``."""
        source = self.field or "value"
        if self.kind == "to_timestamp":
            if self.pattern is None:
                return f"TO_TIMESTAMP({source})"
            return f"TO_TIMESTAMP({source}, '{escape_sql_literal(self.pattern)}')"
        if self.kind == "to_timestamp_ltz":
            return f"TO_TIMESTAMP_LTZ({source}, {self.precision})"
        if self.kind in ("cast", "try_cast"):
            return f"{self.kind.upper()}({source} AS TIMESTAMP({self.precision}))"
        type_name = "TIMESTAMP_LTZ" if self.ltz else "TIMESTAMP"
        errors = ", ignore-parse-errors" if self.ignore_parse_errors else ""
        return (
            f"flink-json {type_name}({self.precision}) field {source} "
            f"(json.timestamp-format.standard {self.json_standard}{errors})"
        )

    def ddl_line(self) -> str:
        """The computed-column line to paste into the DDL for this conversion."""
        return f"{self.column or 'rowtime'} AS {self.describe()}"


def _ltz_from_text(value: str, precision: int) -> Conversion:
    """flink-json reads the numeric column (BIGINT, or DECIMAL text), then TO_TIMESTAMP_LTZ."""
    text = value.strip()
    try:
        Decimal(text)
    except InvalidOperation:
        return Conversion(
            Status.FAIL, None, f"flink-json cannot read {value!r} as a number: the job fails", 0
        )
    try:
        return to_timestamp_ltz(int(text), precision)
    except ValueError:
        return to_timestamp_ltz(text, precision)


def find_rowtime_conversion(script: Script, table_name: str | None = None) -> RowtimeConversion:
    """The rowtime conversion of ``table_name`` (default: the only table with a WATERMARK)."""
    table = _pick_table(script, table_name)
    if table.watermark is None:
        raise InputError(f"table {table.name} has no WATERMARK: which column is its rowtime?")
    origin = (
        f"{table.watermark.location} (table {table.name}, WATERMARK FOR {table.watermark.column})"
    )
    return _conversion_of(table, table.watermark.column, origin, depth=0)


def _pick_table(script: Script, table_name: str | None) -> CreateTable:
    if table_name is not None:
        table = script.table(table_name)
        if table is None:
            known = ", ".join(t.name.name for t in script.tables.values()) or "none"
            raise InputError(f"{script.source}: no table {table_name!r} (tables: {known})")
        return table
    with_watermark = [t for t in script.tables.values() if t.watermark is not None]
    if len(with_watermark) == 1:
        return with_watermark[0]
    if not with_watermark:
        raise InputError(f"{script.source}: no table declares a WATERMARK; name one with --table")
    names = ", ".join(t.name.name for t in with_watermark)
    raise InputError(
        f"{script.source}: several tables have a WATERMARK ({names}); pick one with --table"
    )


def _conversion_of(
    table: CreateTable, column_name: str, origin: str, depth: int
) -> RowtimeConversion:
    column = table.column(column_name)
    if column is None:
        raise InputError(f"{origin}: table {table.name} has no column {column_name!r}")
    if isinstance(column, MetadataColumn):
        raise InputError(
            f"{column.location}: rowtime {column.name} comes from Kafka metadata "
            f"({column.metadata_key}), not from the event: nothing to parse"
        )
    if isinstance(column, PhysicalColumn):
        if not column.type.is_timestamp:
            raise InputError(f"{column.location}: rowtime column {column.name} is {column.type}")
        return _json_conversion(table, column, origin)
    return _computed_conversion(table, column, origin, depth)


def _json_conversion(table: CreateTable, column: PhysicalColumn, origin: str) -> RowtimeConversion:
    options = table.options
    prefix = "value." if "value.format" in options else ""
    fmt = options.get(f"{prefix}format", options.get("format"))
    if fmt != "json":
        raise InputError(
            f"{column.location}: rowtime {column.name} is decoded by format {fmt!r}; "
            "check-pattern knows flink-json's rules only"
        )
    return RowtimeConversion(
        kind="json",
        field=column.name,
        precision=column.type.precision if column.type.precision is not None else 6,
        json_standard=options.get(f"{prefix}json.timestamp-format.standard", "SQL").upper(),
        ignore_parse_errors=options.get(f"{prefix}json.ignore-parse-errors", "false").lower()
        == "true",
        ltz=column.type.root == "TIMESTAMP_LTZ",
        column=column.name,
        origin=origin,
    )


def _computed_conversion(
    table: CreateTable, column: ComputedColumn, origin: str, depth: int
) -> RowtimeConversion:
    expr = column.expr
    where = f"{column.location}"
    found: RowtimeConversion | None = None
    if isinstance(expr, Call) and expr.name.upper() == "TO_TIMESTAMP" and 1 <= len(expr.args) <= 2:
        pattern = None
        if len(expr.args) == 2:
            pattern = _string_literal(expr.args[1], where)
        found = RowtimeConversion(
            kind="to_timestamp", field=_field(expr.args[0], where), pattern=pattern
        )
    elif isinstance(expr, Call) and expr.name.upper() == "TO_TIMESTAMP_LTZ" and len(expr.args) == 2:
        precision = expr.args[1]
        if not (isinstance(precision, Literal) and precision.kind == "number"):
            raise InputError(f"{where}: TO_TIMESTAMP_LTZ precision must be a number literal")
        found = RowtimeConversion(
            kind="to_timestamp_ltz",
            field=_field(expr.args[0], where),
            precision=int(str(precision.value)),
        )
    elif isinstance(expr, Cast) and expr.type.is_timestamp:
        found = RowtimeConversion(
            kind="try_cast" if expr.try_ else "cast",
            field=_field(expr.expr, where),
            precision=expr.type.precision if expr.type.precision is not None else 6,
        )
    elif isinstance(expr, Identifier) and depth < 8:
        return _conversion_of(table, expr.name, origin, depth + 1)
    if found is None:
        raise InputError(
            f"{where}: rowtime {column.name} AS {expr.to_sql()} is not a conversion check-pattern "
            "can replay (TO_TIMESTAMP, TO_TIMESTAMP_LTZ, CAST)"
        )
    return replace(found, column=column.name, origin=origin)


def _field(expr: Expr, where: str) -> str:
    if isinstance(expr, Identifier):
        return ".".join(expr.parts)
    raise InputError(f"{where}: the conversion reads {expr.to_sql()}, not a plain event field")


def _string_literal(expr: Expr, where: str) -> str:
    if isinstance(expr, Literal) and expr.kind == "string" and isinstance(expr.value, str):
        if "${" in expr.value:
            raise InputError(f"{where}: the pattern {expr.raw} holds an unresolved placeholder")
        return expr.value
    raise InputError(f"{where}: the pattern {expr.to_sql()} is not a string literal")
