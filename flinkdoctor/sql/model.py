"""The typed model of a Flink SQL script: what the parser produces and every other package reads.

Everything is a frozen, slotted dataclass so models can be shared freely. Every node carries a
``location`` (``flinkdoctor.errors.Location``, 1-based line:column of its first token, or of the
Python expression it came from for PyFlink jobs); locations are excluded from ``==`` so two
nodes compare equal when they mean the same SQL, wherever they were written.

Layers, from small to large:

- ``DataType``: a Flink logical type with Flink's defaults applied (``TIMESTAMP`` is
  ``TIMESTAMP(6)``, ``STRING`` is ``VARCHAR(2147483647)``, ``TIMESTAMP(3) WITH LOCAL TIME ZONE`` is
  ``TIMESTAMP_LTZ(3)``); ``str()`` prints it the way Flink does.
- Expressions (``Expr`` subclasses): literals, identifiers, calls, casts, intervals (with their
  value in milliseconds or months already computed), operators and predicates, CASE,
  ``DESCRIPTOR``, ``TABLE t`` arguments, subqueries, OVER. Parentheses leave no node: the tree
  is the grouping. ``Expr.to_sql()`` prints SQL back; ``Expr.walk()`` visits a tree.
- Queries (``Query``): ``Select``, ``SetOperation`` (UNION ...), ``Values``, ``With``. FROM items
  (``FromItem``): ``TableRef`` (with OPTIONS hints), ``WindowTVF``, ``SubqueryRef``, ``Join``,
  ``TableFunctionRef``. ``Select.windows()`` / ``group_window()`` normalise both window styles
  (TVF in FROM, legacy ``GROUP BY TUMBLE(...)``) into ``GroupWindow`` values; ``group_keys()``
  and ``aggregates()`` give the rest of a window aggregation.
- Statements: ``CreateTable``, ``CreateView``, ``Insert``, ``StatementSet``, ``QueryStatement``,
  ``SetStatement``, ``ResetStatement`` and ``RawStatement`` for anything we only need to skip.
- ``Script``: statements in order plus indexes (tables, views, SETs, queries), placeholders left
  unresolved by PyFlink extraction (``holes``) and settings made through the PyFlink API (``env``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal as TypingLiteral
from typing import TypeVar

from flinkdoctor.errors import Location
from flinkdoctor.sql.reserved import RESERVED

_T = TypeVar("_T")

UNKNOWN = Location()
"""Placeholder location for nodes synthesised by code rather than read from a file."""

# ---------------------------------------------------------------------------------------------
# Names


@dataclass(frozen=True, slots=True)
class ObjectName:
    """A possibly qualified object name, ``[catalog.][database.]name``, parts unquoted."""

    parts: tuple[str, ...]
    location: Location = field(default=UNKNOWN, compare=False)

    @property
    def name(self) -> str:
        """The last part: the object's own name."""
        return self.parts[-1]

    @property
    def key(self) -> str:
        """Case-insensitive lookup key of the full path (``a.b.c`` lower-cased)."""
        return ".".join(self.parts).lower()

    def __str__(self) -> str:
        return ".".join(_quote_ident(p) for p in self.parts)


def _quote_ident(name: str) -> str:
    plain = name.replace("_", "a").isalnum() and not name[:1].isdigit()
    if plain and name.upper() not in RESERVED:
        return name
    return "`" + name.replace("`", "``") + "`"


# ---------------------------------------------------------------------------------------------
# Data types

MAX_LENGTH = 2147483647
"""Flink's maximum VARCHAR / VARBINARY length: ``STRING`` is ``VARCHAR(MAX_LENGTH)``."""


@dataclass(frozen=True, slots=True)
class DataType:
    """A Flink logical type. ``root`` is canonical (``INT`` for INTEGER, ``VARCHAR`` for STRING,
    ``TIMESTAMP_LTZ`` for ``TIMESTAMP WITH LOCAL TIME ZONE``, ``DOUBLE`` for DOUBLE PRECISION).

    ``precision`` is the length for CHAR/VARCHAR/BINARY/VARBINARY, the precision for DECIMAL and
    the fractional-second precision for TIME/TIMESTAMP/TIMESTAMP_LTZ (Flink's defaults applied);
    ``None`` for types without one. ``children`` are the ROW field types (named by
    ``field_names``), the ARRAY / MULTISET element, or the MAP key and value.
    ``name`` keeps the type name as written when the root is not one Flink defines (RAW, user
    types) so it can still be printed.
    """

    root: str
    precision: int | None = None
    scale: int | None = None
    nullable: bool = True
    children: tuple[DataType, ...] = ()
    field_names: tuple[str, ...] = ()
    location: Location = field(default=UNKNOWN, compare=False)

    @property
    def fields(self) -> tuple[tuple[str, DataType], ...]:
        """ROW fields as (name, type) pairs; empty for other types."""
        return tuple(zip(self.field_names, self.children, strict=True))

    @property
    def is_timestamp(self) -> bool:
        """True for TIMESTAMP and TIMESTAMP_LTZ: the types a rowtime column may have."""
        return self.root in ("TIMESTAMP", "TIMESTAMP_LTZ")

    def __str__(self) -> str:
        suffix = "" if self.nullable else " NOT NULL"
        return self._body() + suffix

    def _body(self) -> str:
        r, p = self.root, self.precision
        if r == "VARCHAR" and p == MAX_LENGTH:
            return "STRING"
        if r == "VARBINARY" and p == MAX_LENGTH:
            return "BYTES"
        if r == "DECIMAL":
            return f"DECIMAL({p}, {self.scale})"
        if r == "ROW":
            inner = ", ".join(f"{_quote_field(n)} {t}" for n, t in self.fields)
            return f"ROW<{inner}>"
        if r in ("ARRAY", "MULTISET"):
            return f"{r}<{self.children[0]}>" if self.children else r
        if r == "MAP":
            return f"MAP<{self.children[0]}, {self.children[1]}>" if self.children else r
        if p is not None:
            return f"{r}({p})"
        return r


def _quote_field(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


# ---------------------------------------------------------------------------------------------
# Expressions

# Binding strength of the binary operators, loosest first; mirrors Calcite's operator precedence.
# The parser climbs by it and the printer parenthesises by it, so both agree.
BINARY_PRECEDENCE = {
    "OR": 1,
    "AND": 2,
    "=": 4,
    "<>": 4,
    "!=": 4,
    "<": 4,
    ">": 4,
    "<=": 4,
    ">=": 4,
    "+": 7,
    "-": 7,
    "||": 8,
    "*": 8,
    "/": 8,
    "%": 8,
}
_PRECEDENCE = {**BINARY_PRECEDENCE, "NOT": 3}
_PREDICATE = 4  # IS NULL, IN, BETWEEN, LIKE bind like comparisons
_ATOM = 10


class Expr:
    """Base of every expression node: ``to_sql()`` prints it, ``walk()`` visits it and below."""

    __slots__ = ()

    location: Location

    def to_sql(self) -> str:
        """The expression as Flink SQL text (normalised spacing and keyword case)."""
        raise NotImplementedError

    def children(self) -> tuple[Expr, ...]:
        """Direct sub-expressions, in source order."""
        return ()

    def walk(self) -> Iterator[Expr]:
        """This node and every sub-expression, depth first, in source order. Does not enter
        subqueries (``ScalarSubquery.query``): they are a separate scope."""
        stack: list[Expr] = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children()))

    def _prec(self) -> int:
        return _ATOM

    def __str__(self) -> str:
        return self.to_sql()


def _wrap(e: Expr, min_prec: int) -> str:
    text = e.to_sql()
    return f"({text})" if e._prec() < min_prec else text


LiteralKind = TypingLiteral[
    "string", "number", "boolean", "null", "date", "time", "timestamp", "timestamp_ltz", "binary"
]


@dataclass(frozen=True, slots=True)
class Literal(Expr):
    """A literal. ``value``: the string after ``''`` unescaping (also for typed literals such as
    ``TIMESTAMP '2024-01-01 00:00:00'``, whose ``kind`` says which type), a ``Decimal`` for
    numbers, a bool, or None for NULL. ``raw`` is the text exactly as written."""

    kind: LiteralKind
    value: str | Decimal | bool | None
    raw: str
    location: Location = field(default=UNKNOWN, compare=False)

    def to_sql(self) -> str:
        return self.raw


@dataclass(frozen=True, slots=True)
class Identifier(Expr):
    """A column or field reference: ``parts`` of a dotted path, unquoted (``t.`my col``` is
    ``("t", "my col")``)."""

    parts: tuple[str, ...]
    location: Location = field(default=UNKNOWN, compare=False)

    @property
    def name(self) -> str:
        """The last part: the column or field name."""
        return self.parts[-1]

    def to_sql(self) -> str:
        return ".".join(_quote_ident(p) for p in self.parts)


@dataclass(frozen=True, slots=True)
class Star(Expr):
    """``*`` or ``t.*`` (``qualifier`` holds ``t``)."""

    qualifier: tuple[str, ...] = ()
    location: Location = field(default=UNKNOWN, compare=False)

    def to_sql(self) -> str:
        return ".".join([*(_quote_ident(p) for p in self.qualifier), "*"])


@dataclass(frozen=True, slots=True)
class NamedArg(Expr):
    """A named function argument, ``name => value`` (window TVFs accept these)."""

    name: str
    value: Expr
    location: Location = field(default=UNKNOWN, compare=False)

    def to_sql(self) -> str:
        return f"{self.name} => {self.value.to_sql()}"

    def children(self) -> tuple[Expr, ...]:
        return (self.value,)


@dataclass(frozen=True, slots=True)
class Call(Expr):
    """A function call. ``name`` is upper-cased (Flink resolves built-ins case-insensitively);
    qualified UDF names keep their dots. ``distinct`` is ``COUNT(DISTINCT x)``."""

    name: str
    args: tuple[Expr, ...] = ()
    distinct: bool = False
    location: Location = field(default=UNKNOWN, compare=False)

    def to_sql(self) -> str:
        inner = ""
        for i, a in enumerate(self.args):
            if i:
                prev = self.args[i - 1]
                if isinstance(prev, Keyword):
                    inner += prev.separator
                else:
                    inner += " " if isinstance(a, Keyword) else ", "
            inner += a.to_sql()
        return f"{self.name}({'DISTINCT ' if self.distinct else ''}{inner})"

    def children(self) -> tuple[Expr, ...]:
        return self.args


@dataclass(frozen=True, slots=True)
class Keyword(Expr):
    """Words inside a call's parentheses that are syntax, not values: the unit of
    ``EXTRACT(DAY FROM ts)`` (args ``Keyword("DAY FROM"), ts``), ``FLOOR(ts TO HOUR)``,
    ``SUBSTRING(s FROM 1 FOR 2)``, ``JSON_VALUE(j, '$.a' RETURNING INT NULL ON EMPTY)``.
    Printing joins a keyword to its neighbours with spaces instead of commas; ``separator``
    is what follows it (", " for a unit argument such as ``TIMESTAMPADD(DAY, 1, ts)``)."""

    text: str
    separator: str = " "
    location: Location = field(default=UNKNOWN, compare=False)

    def to_sql(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Cast(Expr):
    """``CAST(expr AS type)``, or ``TRY_CAST`` when ``try_`` is set."""

    expr: Expr
    type: DataType
    try_: bool = False
    location: Location = field(default=UNKNOWN, compare=False)

    def to_sql(self) -> str:
        return f"{'TRY_CAST' if self.try_ else 'CAST'}({self.expr.to_sql()} AS {self.type})"

    def children(self) -> tuple[Expr, ...]:
        return (self.expr,)


IntervalUnit = TypingLiteral["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"]


@dataclass(frozen=True, slots=True)
class IntervalLiteral(Expr):
    """``INTERVAL [-]'text' unit [(p)] [TO end_unit [(fp)]]``, validated like Calcite does.

    ``millis`` is the day-time value in milliseconds (sign applied; sub-millisecond digits are
    truncated as Flink does), ``months`` the year-month value; the other one is None.
    ``precision`` is the leading field precision (default 2), ``fraction_precision`` the
    fractional-second precision (default 6) when SECOND is the last field.
    """

    text: str
    unit: IntervalUnit
    end_unit: IntervalUnit | None = None
    sign: int = 1
    precision: int = 2
    fraction_precision: int | None = None
    millis: int | None = None
    months: int | None = None
    overflow: str | None = field(default=None, compare=False)
    """Calcite's message when the leading field exceeds its precision; only ever set when the
    script was parsed under ``intervals.tolerate_overflow()`` (lint), else the parser raises."""
    location: Location = field(default=UNKNOWN, compare=False)

    def to_sql(self) -> str:
        sign = "-" if self.sign < 0 else ""
        text = "'" + self.text.replace("'", "''") + "'"
        qualifier = self.unit + self._lead_suffix()
        if self.end_unit is not None:
            qualifier += f" TO {self.end_unit}"
            if self.end_unit == "SECOND" and self.fraction_precision not in (None, 6):
                qualifier += f"({self.fraction_precision})"
        return f"INTERVAL {sign}{text} {qualifier}"

    def _lead_suffix(self) -> str:
        single_second = self.unit == "SECOND" and self.end_unit is None
        frac = self.fraction_precision if single_second else None
        if frac not in (None, 6):
            return f"({self.precision}, {frac})"
        return f"({self.precision})" if self.precision != 2 else ""


@dataclass(frozen=True, slots=True)
class UnaryOp(Expr):
    """Prefix ``-``, ``+`` or ``NOT``."""

    op: str
    operand: Expr
    location: Location = field(default=UNKNOWN, compare=False)

    def to_sql(self) -> str:
        if self.op == "NOT":
            return f"NOT {_wrap(self.operand, _PRECEDENCE['NOT'])}"
        inner = _wrap(self.operand, _ATOM)
        if inner[:1] in ("-", "+"):  # "--a" would start a comment
            inner = f"({inner})"
        return f"{self.op}{inner}"

    def children(self) -> tuple[Expr, ...]:
        return (self.operand,)

    def _prec(self) -> int:
        return _PRECEDENCE["NOT"] if self.op == "NOT" else 9


@dataclass(frozen=True, slots=True)
class BinaryOp(Expr):
    """Infix operator: arithmetic (``+ - * / %``), ``||``, comparisons (``= <> != < > <= >=``),
    ``AND``, ``OR``. ``op`` is upper-cased."""

    op: str
    left: Expr
    right: Expr
    location: Location = field(default=UNKNOWN, compare=False)

    def to_sql(self) -> str:
        p = self._prec()
        # Left-associative: the right operand needs parentheses at equal precedence.
        return f"{_wrap(self.left, p)} {self.op} {_wrap(self.right, p + 1)}"

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)

    def _prec(self) -> int:
        return _PRECEDENCE.get(self.op, _PREDICATE)


@dataclass(frozen=True, slots=True)
class IsNull(Expr):
    """``expr IS [NOT] NULL``."""

    expr: Expr
    negated: bool = False
    location: Location = field(default=UNKNOWN, compare=False)

    def to_sql(self) -> str:
        return f"{_wrap(self.expr, _PREDICATE + 1)} IS {'NOT ' if self.negated else ''}NULL"

    def children(self) -> tuple[Expr, ...]:
        return (self.expr,)

    def _prec(self) -> int:
        return _PREDICATE


@dataclass(frozen=True, slots=True)
class InList(Expr):
    """``expr [NOT] IN (a, b, ...)``; an ``IN (SELECT ...)`` has one ``ScalarSubquery`` item."""

    expr: Expr
    items: tuple[Expr, ...]
    negated: bool = False
    location: Location = field(default=UNKNOWN, compare=False)

    def to_sql(self) -> str:
        inner = ", ".join(i.to_sql() for i in self.items)
        if len(self.items) == 1 and isinstance(self.items[0], ScalarSubquery):
            inner = self.items[0].query.to_sql()
        neg = "NOT " if self.negated else ""
        return f"{_wrap(self.expr, _PREDICATE + 1)} {neg}IN ({inner})"

    def children(self) -> tuple[Expr, ...]:
        return (self.expr, *self.items)

    def _prec(self) -> int:
        return _PREDICATE


@dataclass(frozen=True, slots=True)
class Between(Expr):
    """``expr [NOT] BETWEEN low AND high``."""

    expr: Expr
    low: Expr
    high: Expr
    negated: bool = False
    location: Location = field(default=UNKNOWN, compare=False)

    def to_sql(self) -> str:
        neg = "NOT " if self.negated else ""
        lo, hi = _wrap(self.low, _PREDICATE + 1), _wrap(self.high, _PREDICATE + 1)
        return f"{_wrap(self.expr, _PREDICATE + 1)} {neg}BETWEEN {lo} AND {hi}"

    def children(self) -> tuple[Expr, ...]:
        return (self.expr, self.low, self.high)

    def _prec(self) -> int:
        return _PREDICATE


@dataclass(frozen=True, slots=True)
class Like(Expr):
    """``expr [NOT] LIKE pattern [ESCAPE e]`` (``op`` is ``LIKE`` or ``SIMILAR TO``)."""

    expr: Expr
    pattern: Expr
    negated: bool = False
    escape: Expr | None = None
    op: str = "LIKE"
    location: Location = field(default=UNKNOWN, compare=False)

    def to_sql(self) -> str:
        neg = "NOT " if self.negated else ""
        text = f"{_wrap(self.expr, _PREDICATE + 1)} {neg}{self.op} {_wrap(self.pattern, 5)}"
        return text + (f" ESCAPE {self.escape.to_sql()}" if self.escape else "")

    def children(self) -> tuple[Expr, ...]:
        return (self.expr, self.pattern, *((self.escape,) if self.escape else ()))

    def _prec(self) -> int:
        return _PREDICATE


@dataclass(frozen=True, slots=True)
class Case(Expr):
    """``CASE [operand] WHEN w THEN t ... [ELSE e] END``."""

    operand: Expr | None
    whens: tuple[tuple[Expr, Expr], ...]
    else_: Expr | None = None
    location: Location = field(default=UNKNOWN, compare=False)

    def to_sql(self) -> str:
        parts = ["CASE"]
        if self.operand is not None:
            parts.append(self.operand.to_sql())
        for w, t in self.whens:
            parts += ["WHEN", w.to_sql(), "THEN", t.to_sql()]
        if self.else_ is not None:
            parts += ["ELSE", self.else_.to_sql()]
        parts.append("END")
        return " ".join(parts)

    def children(self) -> tuple[Expr, ...]:
        out: list[Expr] = [] if self.operand is None else [self.operand]
        for w, t in self.whens:
            out += [w, t]
        return (*out, *((self.else_,) if self.else_ else ()))


@dataclass(frozen=True, slots=True)
class Descriptor(Expr):
    """``DESCRIPTOR(col, ...)``: the time column argument of a window TVF."""

    columns: tuple[str, ...]
    location: Location = field(default=UNKNOWN, compare=False)

    def to_sql(self) -> str:
        return f"DESCRIPTOR({', '.join(_quote_ident(c) for c in self.columns)})"


@dataclass(frozen=True, slots=True)
class TableArg(Expr):
    """``TABLE name [PARTITION BY keys]``: a table passed to a table function."""

    name: ObjectName
    partition_by: tuple[Expr, ...] = ()
    location: Location = field(default=UNKNOWN, compare=False)

    def to_sql(self) -> str:
        text = f"TABLE {self.name}"
        if self.partition_by:
            text += " PARTITION BY " + ", ".join(k.to_sql() for k in self.partition_by)
        return text

    def children(self) -> tuple[Expr, ...]:
        return self.partition_by


@dataclass(frozen=True, slots=True)
class Subscript(Expr):
    """``base[index]`` on an ARRAY or MAP."""

    base: Expr
    index: Expr
    location: Location = field(default=UNKNOWN, compare=False)

    def to_sql(self) -> str:
        return f"{_wrap(self.base, _ATOM)}[{self.index.to_sql()}]"

    def children(self) -> tuple[Expr, ...]:
        return (self.base, self.index)


@dataclass(frozen=True, slots=True)
class ScalarSubquery(Expr):
    """A query used as a value: ``(SELECT ...)``, ``EXISTS (SELECT ...)`` or an IN list."""

    query: Query
    exists: bool = False
    location: Location = field(default=UNKNOWN, compare=False)

    def to_sql(self) -> str:
        return f"{'EXISTS ' if self.exists else ''}({self.query.to_sql()})"


@dataclass(frozen=True, slots=True)
class OverCall(Expr):
    """``agg(...) OVER (PARTITION BY ... ORDER BY ... [frame])``; the frame is kept as text."""

    call: Expr
    partition_by: tuple[Expr, ...] = ()
    order_by: tuple[OrderItem, ...] = ()
    frame: str = ""
    location: Location = field(default=UNKNOWN, compare=False)

    def to_sql(self) -> str:
        spec: list[str] = []
        if self.partition_by:
            spec.append("PARTITION BY " + ", ".join(p.to_sql() for p in self.partition_by))
        if self.order_by:
            spec.append("ORDER BY " + ", ".join(o.to_sql() for o in self.order_by))
        if self.frame:
            spec.append(self.frame)
        return f"{self.call.to_sql()} OVER ({' '.join(spec)})"

    def children(self) -> tuple[Expr, ...]:
        return (self.call, *self.partition_by, *(o.expr for o in self.order_by))


# ---------------------------------------------------------------------------------------------
# Queries

WindowKind = TypingLiteral["TUMBLE", "HOP", "CUMULATE", "SESSION"]

AGGREGATE_FUNCTIONS = frozenset(
    [
         "COUNT", "SUM", "MIN", "MAX", "AVG", "FIRST_VALUE", "LAST_VALUE", "LISTAGG", "COLLECT",
         "STDDEV_POP", "STDDEV_SAMP", "VAR_POP", "VAR_SAMP", "ARRAY_AGG", "JSON_OBJECTAGG",
         "JSON_ARRAYAGG",
    ]
)  # fmt: skip
"""Built-in aggregate function names (upper case)."""

LEGACY_WINDOW_FUNCTIONS: dict[str, WindowKind] = {
    "TUMBLE": "TUMBLE",
    "HOP": "HOP",
    "SESSION": "SESSION",
}
LEGACY_WINDOW_AUXILIARY = frozenset(
    f"{k}_{p}"
    for k in ("TUMBLE", "HOP", "SESSION")
    for p in ("START", "END", "ROWTIME", "PROCTIME")
)
"""``TUMBLE_START`` and friends: select-list functions of a legacy group window."""


@dataclass(frozen=True, slots=True)
class OrderItem:
    """One ORDER BY item."""

    expr: Expr
    descending: bool = False
    location: Location = field(default=UNKNOWN, compare=False)

    def to_sql(self) -> str:
        return self.expr.to_sql() + (" DESC" if self.descending else "")


@dataclass(frozen=True, slots=True)
class SelectItem:
    """One select-list item and its alias (``AS`` optional in the source)."""

    expr: Expr
    alias: str | None = None
    location: Location = field(default=UNKNOWN, compare=False)

    @property
    def output_name(self) -> str | None:
        """The column name this item produces: the alias, else a plain column's name."""
        if self.alias is not None:
            return self.alias
        return self.expr.name if isinstance(self.expr, Identifier) else None

    def to_sql(self) -> str:
        text = self.expr.to_sql()
        return f"{text} AS {_quote_ident(self.alias)}" if self.alias else text


@dataclass(frozen=True, slots=True)
class TableRef:
    """A table in FROM: name, alias, and the ``/*+ OPTIONS('k'='v') */`` hint options (R1.9:
    they override the table's WITH options for this query)."""

    name: ObjectName
    alias: str | None = None
    hints: dict[str, str] = field(default_factory=dict)
    location: Location = field(default=UNKNOWN, compare=False)

    def to_sql(self) -> str:
        text = str(self.name)
        if self.hints:
            opts = ", ".join(f"{_str_lit(k)}={_str_lit(v)}" for k, v in self.hints.items())
            text += f" /*+ OPTIONS({opts}) */"
        return text + (f" AS {_quote_ident(self.alias)}" if self.alias else "")


def _str_lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


@dataclass(frozen=True, slots=True)
class SubqueryRef:
    """A parenthesised query in FROM, with its alias."""

    query: Query
    alias: str | None = None
    location: Location = field(default=UNKNOWN, compare=False)

    def to_sql(self) -> str:
        return f"({self.query.to_sql()})" + (
            f" AS {_quote_ident(self.alias)}" if self.alias else ""
        )


@dataclass(frozen=True, slots=True)
class WindowTVF:
    """``TABLE(TUMBLE|HOP|CUMULATE|SESSION(...))`` in FROM, arguments mapped to their roles
    whether they were passed by position or by name. ``table`` is what the window reads
    (``TABLE t`` or a subquery); ``partition_by`` is SESSION's ``TABLE t PARTITION BY k``.
    Unused roles are None. Durations are expressions (normally ``IntervalLiteral``)."""

    kind: WindowKind
    table: FromItem
    time_col: str
    size: Expr | None = None
    slide: Expr | None = None
    step: Expr | None = None
    offset: Expr | None = None
    gap: Expr | None = None
    partition_by: tuple[Expr, ...] = ()
    alias: str | None = None
    location: Location = field(default=UNKNOWN, compare=False)

    def to_sql(self) -> str:
        table = self.table
        src = f"TABLE {table.to_sql()}" if isinstance(table, TableRef) else f"({table.to_sql()})"
        if self.partition_by:
            src += " PARTITION BY " + ", ".join(p.to_sql() for p in self.partition_by)
        args = [src, f"DESCRIPTOR({_quote_ident(self.time_col)})"]
        order = {
            "TUMBLE": (self.size, self.offset),
            "HOP": (self.slide, self.size, self.offset),
            "CUMULATE": (self.step, self.size, self.offset),
            "SESSION": (self.gap,),
        }[self.kind]
        args += [a.to_sql() for a in order if a is not None]
        text = f"TABLE({self.kind}({', '.join(args)}))"
        return text + (f" AS {_quote_ident(self.alias)}" if self.alias else "")


@dataclass(frozen=True, slots=True)
class Join:
    """``left [kind] JOIN right ON cond | USING (cols)``. ``kind``: INNER, LEFT, RIGHT, FULL,
    CROSS (also for comma joins), or with a LATERAL right side. Temporal joins keep
    ``FOR SYSTEM_TIME AS OF`` in ``system_time``."""

    left: FromItem
    right: FromItem
    kind: str = "INNER"
    condition: Expr | None = None
    using: tuple[str, ...] = ()
    system_time: Expr | None = None
    location: Location = field(default=UNKNOWN, compare=False)

    def to_sql(self) -> str:
        right = self.right.to_sql()
        if self.system_time is not None:
            right += f" FOR SYSTEM_TIME AS OF {self.system_time.to_sql()}"
        text = f"{self.left.to_sql()} {self.kind} JOIN {right}"
        if self.condition is not None:
            text += f" ON {self.condition.to_sql()}"
        if self.using:
            text += " USING (" + ", ".join(_quote_ident(u) for u in self.using) + ")"
        return text


@dataclass(frozen=True, slots=True)
class GroupWindow:
    """A window aggregation normalised from either style, durations in milliseconds.

    ``style`` is ``"tvf"`` (``TABLE(TUMBLE(...))`` in FROM) or ``"legacy"`` (``GROUP BY
    TUMBLE(ts, ...)``; also produced from Table API ``.window(Tumble...)`` chains). A duration
    that is not an interval literal is None. ``offset_ms`` is 0 unless given (TVF only).
    ``source`` is what the window reads (for legacy windows: the Select's FROM).
    """

    kind: WindowKind
    style: TypingLiteral["tvf", "legacy"]
    time_col: str
    size_ms: int | None = None
    slide_ms: int | None = None
    step_ms: int | None = None
    gap_ms: int | None = None
    offset_ms: int | None = 0
    partition_by: tuple[Expr, ...] = ()
    source: FromItem | None = None
    location: Location = field(default=UNKNOWN, compare=False)


def _interval_ms(e: Expr | None) -> int | None:
    if isinstance(e, IntervalLiteral):
        return e.millis
    return None


@dataclass(frozen=True, slots=True)
class Select:
    """``SELECT [DISTINCT] items [FROM from_] [WHERE] [GROUP BY] [HAVING] [ORDER BY] [LIMIT]``."""

    items: tuple[SelectItem, ...]
    from_: FromItem | None = None
    where: Expr | None = None
    group_by: tuple[Expr, ...] = ()
    having: Expr | None = None
    distinct: bool = False
    order_by: tuple[OrderItem, ...] = ()
    limit: Expr | None = None
    location: Location = field(default=UNKNOWN, compare=False)

    def windows(self) -> tuple[GroupWindow, ...]:
        """Every window this SELECT applies directly: TVFs in its FROM (through joins, not into
        subqueries) then legacy windows in its GROUP BY."""
        out = [_tvf_window(t) for t in _tvfs_in(self.from_)]
        for g in self.group_by:
            legacy = _legacy_window(g, self.from_)
            if legacy is not None:
                out.append(legacy)
        return tuple(out)

    def group_window(self) -> GroupWindow | None:
        """The window of a window aggregation: the legacy GROUP BY window if any, else the TVF
        in FROM when the query has a GROUP BY (whether Flink plans it as a window aggregate
        depends on window_start / window_end being grouped, R3.8: see ``group_keys``)."""
        legacy = [w for w in self.windows() if w.style == "legacy"]
        if legacy:
            return legacy[0]
        tvfs = [w for w in self.windows() if w.style == "tvf"]
        return tvfs[0] if tvfs and self.group_by else None

    def group_keys(self) -> tuple[Expr, ...]:
        """GROUP BY items other than the legacy window call. TVF ``window_start`` /
        ``window_end`` stay (R3.8: their presence is what makes a TVF a window aggregate)."""
        return tuple(g for g in self.group_by if _legacy_window(g, None) is None)

    def aggregates(self) -> tuple[Call, ...]:
        """Aggregate calls (COUNT, SUM, MIN, MAX, AVG, ...) in the select list and HAVING,
        excluding those inside an OVER window."""
        roots: list[Expr] = [i.expr for i in self.items]
        if self.having is not None:
            roots.append(self.having)
        out: list[Call] = []
        for root in roots:
            stack = [root]
            while stack:
                node = stack.pop()
                if isinstance(node, OverCall):
                    continue
                if isinstance(node, Call) and node.name in AGGREGATE_FUNCTIONS:
                    out.append(node)
                stack.extend(reversed(node.children()))
        return tuple(out)

    def to_sql(self) -> str:
        parts = ["SELECT"]
        if self.distinct:
            parts.append("DISTINCT")
        parts.append(", ".join(i.to_sql() for i in self.items))
        if self.from_ is not None:
            parts += ["FROM", self.from_.to_sql()]
        if self.where is not None:
            parts += ["WHERE", self.where.to_sql()]
        if self.group_by:
            parts += ["GROUP BY", ", ".join(g.to_sql() for g in self.group_by)]
        if self.having is not None:
            parts += ["HAVING", self.having.to_sql()]
        if self.order_by:
            parts += ["ORDER BY", ", ".join(o.to_sql() for o in self.order_by)]
        if self.limit is not None:
            parts += ["LIMIT", self.limit.to_sql()]
        return " ".join(parts)


def _tvfs_in(item: FromItem | None) -> list[WindowTVF]:
    if isinstance(item, WindowTVF):
        return [item]
    if isinstance(item, Join):
        return _tvfs_in(item.left) + _tvfs_in(item.right)
    return []


def _tvf_window(t: WindowTVF) -> GroupWindow:
    return GroupWindow(
        kind=t.kind,
        style="tvf",
        time_col=t.time_col,
        size_ms=_interval_ms(t.size),
        slide_ms=_interval_ms(t.slide),
        step_ms=_interval_ms(t.step),
        gap_ms=_interval_ms(t.gap),
        offset_ms=0 if t.offset is None else _interval_ms(t.offset),
        partition_by=t.partition_by,
        source=t.table,
        location=t.location,
    )


def _legacy_window(e: Expr, source: FromItem | None) -> GroupWindow | None:
    if not (isinstance(e, Call) and e.name in LEGACY_WINDOW_FUNCTIONS and e.args):
        return None
    ts = e.args[0]
    time_col = ts.name if isinstance(ts, Identifier) else ts.to_sql()
    rest = e.args[1:]
    kind = LEGACY_WINDOW_FUNCTIONS[e.name]
    size = slide = gap = None
    if kind == "TUMBLE" and rest:
        size = _interval_ms(rest[0])
    elif kind == "HOP" and len(rest) >= 2:
        slide, size = _interval_ms(rest[0]), _interval_ms(rest[1])
    elif kind == "SESSION" and rest:
        gap = _interval_ms(rest[0])
    return GroupWindow(
        kind=kind,
        style="legacy",
        time_col=time_col,
        size_ms=size,
        slide_ms=slide,
        gap_ms=gap,
        source=source,
        location=e.location,
    )


@dataclass(frozen=True, slots=True)
class SetOperation:
    """``left UNION [ALL] right`` (also INTERSECT / EXCEPT). ``op`` includes ALL if given."""

    op: str
    left: Query
    right: Query
    location: Location = field(default=UNKNOWN, compare=False)

    def selects(self) -> tuple[Select, ...]:
        """The SELECT branches, left to right."""
        out: list[Select] = []
        for side in (self.left, self.right):
            out += side.selects() if isinstance(side, SetOperation) else _branch(side)
        return tuple(out)

    def to_sql(self) -> str:
        return f"{self.left.to_sql()} {self.op} {self.right.to_sql()}"


def _branch(q: Query) -> list[Select]:
    return [q] if isinstance(q, Select) else []


@dataclass(frozen=True, slots=True)
class Values:
    """``VALUES (..), (..)``."""

    rows: tuple[tuple[Expr, ...], ...]
    location: Location = field(default=UNKNOWN, compare=False)

    def to_sql(self) -> str:
        rows = ", ".join("(" + ", ".join(e.to_sql() for e in r) + ")" for r in self.rows)
        return f"VALUES {rows}"


@dataclass(frozen=True, slots=True)
class Cte:
    """One ``name [(cols)] AS (query)`` of a WITH clause."""

    name: str
    query: Query
    columns: tuple[str, ...] = ()
    location: Location = field(default=UNKNOWN, compare=False)


@dataclass(frozen=True, slots=True)
class With:
    """``WITH cte, ... query``: named subqueries visible in ``query``."""

    ctes: tuple[Cte, ...]
    query: Query
    location: Location = field(default=UNKNOWN, compare=False)

    def to_sql(self) -> str:
        ctes = ", ".join(
            _quote_ident(c.name)
            + (" (" + ", ".join(_quote_ident(x) for x in c.columns) + ")" if c.columns else "")
            + f" AS ({c.query.to_sql()})"
            for c in self.ctes
        )
        return f"WITH {ctes} {self.query.to_sql()}"


@dataclass(frozen=True, slots=True)
class TableFunctionRef:
    """A table function in FROM other than a window TVF: ``LATERAL TABLE(f(x)) AS t(a, b)``,
    ``UNNEST(arr)``, ``TABLE(f(...))``, and ``t MATCH_RECOGNIZE (...)`` (as
    ``Call("MATCH_RECOGNIZE", (TableArg(t), Keyword(<the parenthesised text>)))``). The engine
    reports these as unsupported."""

    call: Expr
    alias: str | None = None
    columns: tuple[str, ...] = ()
    lateral: bool = False
    location: Location = field(default=UNKNOWN, compare=False)

    def to_sql(self) -> str:
        call = self.call
        if isinstance(call, Call) and call.name == "MATCH_RECOGNIZE" and len(call.args) == 2:
            text = f"{call.args[0].to_sql()[6:]} MATCH_RECOGNIZE {call.args[1].to_sql()}"
            return text + (f" AS {_quote_ident(self.alias)}" if self.alias else "")
        inner = call.to_sql()
        text = inner if inner.startswith("UNNEST(") else f"TABLE({inner})"
        text = ("LATERAL " if self.lateral else "") + text
        if self.alias:
            text += f" AS {_quote_ident(self.alias)}"
            if self.columns:
                text += "(" + ", ".join(_quote_ident(c) for c in self.columns) + ")"
        return text


Query = Select | SetOperation | Values | With
FromItem = TableRef | WindowTVF | SubqueryRef | Join | TableFunctionRef

# ---------------------------------------------------------------------------------------------
# DDL


@dataclass(frozen=True, slots=True)
class PhysicalColumn:
    """``name type [NOT NULL] [COMMENT '...']``."""

    name: str
    type: DataType
    comment: str | None = None
    location: Location = field(default=UNKNOWN, compare=False)


@dataclass(frozen=True, slots=True)
class ComputedColumn:
    """``name AS expr``: evaluated on read, never stored."""

    name: str
    expr: Expr
    comment: str | None = None
    location: Location = field(default=UNKNOWN, compare=False)


@dataclass(frozen=True, slots=True)
class MetadataColumn:
    """``name type METADATA [FROM 'key'] [VIRTUAL]``; ``key`` is None when it equals name."""

    name: str
    type: DataType
    key: str | None = None
    virtual: bool = False
    comment: str | None = None
    location: Location = field(default=UNKNOWN, compare=False)

    @property
    def metadata_key(self) -> str:
        """The connector metadata key read (``FROM 'key'``, else the column name)."""
        return self.key if self.key is not None else self.name


Column = PhysicalColumn | ComputedColumn | MetadataColumn


@dataclass(frozen=True, slots=True)
class WatermarkSpec:
    """``WATERMARK FOR column AS expr``."""

    column: str
    expr: Expr
    location: Location = field(default=UNKNOWN, compare=False)


@dataclass(frozen=True, slots=True)
class PrimaryKey:
    """``[CONSTRAINT name] PRIMARY KEY (cols) [NOT ENFORCED]`` (Flink requires NOT ENFORCED)."""

    columns: tuple[str, ...]
    enforced: bool = True
    constraint_name: str | None = None
    location: Location = field(default=UNKNOWN, compare=False)


LikeFeature = TypingLiteral[
    "ALL", "CONSTRAINTS", "PARTITIONS", "GENERATED", "OPTIONS", "WATERMARKS", "METADATA"
]
LikeStrategy = TypingLiteral["INCLUDING", "EXCLUDING", "OVERWRITING"]


@dataclass(frozen=True, slots=True)
class LikeClause:
    """``LIKE source [(INCLUDING ALL EXCLUDING OPTIONS ...)]`` options in written order."""

    source: ObjectName
    options: tuple[tuple[LikeStrategy, LikeFeature], ...] = ()
    location: Location = field(default=UNKNOWN, compare=False)


@dataclass(frozen=True, slots=True)
class CreateTable:
    """``CREATE [TEMPORARY] TABLE [IF NOT EXISTS] name (...) [COMMENT] [PARTITIONED BY]
    WITH (...) [LIKE ...]`` (or ``AS query`` for CTAS). ``options`` keep WITH order; use
    ``flinkdoctor.sql.resolve_like`` to get the effective table of a LIKE."""

    name: ObjectName
    columns: tuple[Column, ...] = ()
    watermark: WatermarkSpec | None = None
    primary_key: PrimaryKey | None = None
    partitioned_by: tuple[str, ...] = ()
    options: dict[str, str] = field(default_factory=dict)
    like: LikeClause | None = None
    temporary: bool = False
    if_not_exists: bool = False
    comment: str | None = None
    as_query: Query | None = None
    location: Location = field(default=UNKNOWN, compare=False)
    option_locations: dict[str, Location] = field(default_factory=dict, compare=False)
    """Where each WITH option's key was written (empty for tables built by code)."""

    def column(self, name: str) -> Column | None:
        """The column called ``name`` (exact match first, then case-insensitive)."""
        for c in self.columns:
            if c.name == name:
                return c
        folded = name.lower()
        return next((c for c in self.columns if c.name.lower() == folded), None)

    @property
    def connector(self) -> str | None:
        """The ``'connector'`` option, if any."""
        return self.options.get("connector")


@dataclass(frozen=True, slots=True)
class CreateView:
    """``CREATE [TEMPORARY] VIEW [IF NOT EXISTS] name [(cols)] AS query``."""

    name: ObjectName
    query: Query
    columns: tuple[str, ...] = ()
    temporary: bool = False
    if_not_exists: bool = False
    location: Location = field(default=UNKNOWN, compare=False)


# ---------------------------------------------------------------------------------------------
# Statements


@dataclass(frozen=True, slots=True)
class Insert:
    """``INSERT INTO|OVERWRITE target [hints] [(cols)] query``, or a Table API
    ``execute_insert`` turned into the same shape."""

    target: ObjectName
    query: Query
    overwrite: bool = False
    columns: tuple[str, ...] = ()
    hints: dict[str, str] = field(default_factory=dict)
    location: Location = field(default=UNKNOWN, compare=False)


@dataclass(frozen=True, slots=True)
class QueryStatement:
    """A bare query (``SELECT ...``) run as its own job."""

    query: Query
    location: Location = field(default=UNKNOWN, compare=False)


@dataclass(frozen=True, slots=True)
class StatementSet:
    """``EXECUTE STATEMENT SET BEGIN ... END;`` or ``BEGIN STATEMENT SET; ... END;``: the
    inserts run as one job."""

    inserts: tuple[Insert, ...]
    location: Location = field(default=UNKNOWN, compare=False)


@dataclass(frozen=True, slots=True)
class SetStatement:
    """``SET 'key' = 'value'``; ``SET;`` (listing) has key and value None."""

    key: str | None
    value: str | None
    location: Location = field(default=UNKNOWN, compare=False)


@dataclass(frozen=True, slots=True)
class ResetStatement:
    """``RESET 'key'``; ``RESET;`` (everything) has key None."""

    key: str | None
    location: Location = field(default=UNKNOWN, compare=False)


@dataclass(frozen=True, slots=True)
class RawStatement:
    """A statement kept as text because nothing downstream needs its structure (CREATE
    FUNCTION, USE, LOAD MODULE, EXPLAIN, SHOW, DROP, ALTER, ...). ``keyword`` is its first
    word(s) upper-cased, e.g. ``"CREATE FUNCTION"``."""

    keyword: str
    text: str
    location: Location = field(default=UNKNOWN, compare=False)


Statement = (
    CreateTable
    | CreateView
    | Insert
    | QueryStatement
    | StatementSet
    | SetStatement
    | ResetStatement
    | RawStatement
)

# ---------------------------------------------------------------------------------------------
# Script


@dataclass(frozen=True, slots=True)
class Hole:
    """A placeholder PyFlink extraction could not resolve (``os.environ.get('X')``, a function
    parameter, a call). ``marker`` is the text substituted into the SQL (``${...}`` inside
    string literals, a synthetic ``__hole_N__`` identifier elsewhere); ``python`` is the Python
    source of the placeholder."""

    marker: str
    python: str
    context: TypingLiteral["string", "identifier"]
    location: Location = field(default=UNKNOWN, compare=False)


ENV_PARALLELISM = "parallelism.default"
ENV_CHECKPOINT_INTERVAL = "execution.checkpointing.interval"
ENV_WATERMARK_INTERVAL = "pipeline.auto-watermark-interval"
ENV_RUNTIME_MODE = "execution.runtime-mode"


@dataclass(frozen=True, slots=True)
class Script:
    """A parsed script or PyFlink job.

    - ``statements``: in source order (for PyFlink: in order of the SQL-bearing calls).
    - ``sets``: the final SQL SET values (last SET wins, RESET removes).
    - ``env``: settings made through the PyFlink API, as Flink configuration keys:
      ``env.set_parallelism(3)`` → ``parallelism.default = "3"``,
      ``env.enable_checkpointing(10)`` → ``execution.checkpointing.interval = "10 ms"``,
      ``set_auto_watermark_interval(ms)`` → ``pipeline.auto-watermark-interval = "ms ms"``,
      ``in_streaming_mode()`` / ``in_batch_mode()`` → ``execution.runtime-mode``,
      ``get_config().set(k, v)`` / ``set_string(k, v)`` → ``k = v``. Last call wins.
    - ``settings``: the effective configuration, ``env`` overlaid by ``sets`` (an explicit SQL
      SET is what the user last said about a key; both feed the same table config).
    - ``tables`` / ``views``: by ``ObjectName.key`` (lower-cased full path); use
      ``table(name)`` to look up by any spelling or qualification.
    - ``queries``: the jobs' queries: every ``Insert`` (including those inside statement
      sets) and ``QueryStatement``, in order.
    """

    source: str
    statements: tuple[Statement, ...] = ()
    sets: dict[str, str] = field(default_factory=dict)
    tables: dict[str, CreateTable] = field(default_factory=dict)
    views: dict[str, CreateView] = field(default_factory=dict)
    queries: tuple[Insert | QueryStatement, ...] = ()
    holes: tuple[Hole, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    env_locations: dict[str, Location] = field(default_factory=dict)

    @property
    def settings(self) -> dict[str, str]:
        """Effective configuration: PyFlink ``env`` settings overlaid by SQL ``sets``."""
        return {**self.env, **self.sets}

    def table(self, name: str | ObjectName) -> CreateTable | None:
        """Look a table up case-insensitively; a shorter or longer qualification of the same
        name matches when it is unambiguous (``t`` finds ``cat.db.t`` and vice versa)."""
        return _lookup(self.tables, name)

    def view(self, name: str | ObjectName) -> CreateView | None:
        """Like ``table`` for views."""
        return _lookup(self.views, name)

    def effective_table(self, name: str | ObjectName) -> CreateTable | None:
        """``table(name)`` with its ``LIKE`` clause applied (see ``flinkdoctor.sql.like``);
        raises ``SqlError`` where Flink would reject the merge."""
        from flinkdoctor.sql.like import resolve_like  # like.py builds on this module

        table = self.table(name)
        return None if table is None else resolve_like(table, self.table)


def _lookup(index: dict[str, _T], name: str | ObjectName) -> _T | None:
    key = name.key if isinstance(name, ObjectName) else name.lower().replace("`", "")
    if key in index:
        return index[key]
    parts = key.split(".")
    hits = [v for k, v in index.items() if _suffix_match(k.split("."), parts)]
    return hits[0] if len(hits) == 1 else None


def _suffix_match(a: list[str], b: list[str]) -> bool:
    n = min(len(a), len(b))
    return a[-n:] == b[-n:]
