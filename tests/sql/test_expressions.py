"""Expressions: literals, operators and precedence, calls, printing back to SQL."""

# ruff: noqa: E501  (tables of exact messages and job sources read better unwrapped)

from __future__ import annotations

from decimal import Decimal

import pytest

from flinkdoctor.sql.errors import SqlError
from flinkdoctor.sql.model import (
    Between,
    BinaryOp,
    Call,
    Case,
    Cast,
    Identifier,
    InList,
    IsNull,
    Keyword,
    Like,
    Literal,
    NamedArg,
    OverCall,
    ScalarSubquery,
    Star,
    Subscript,
    UnaryOp,
)

from .helpers import at, expr


def test_string_literal_value_and_raw() -> None:
    e = expr("'yyyy-MM-dd''T''HH:mm:ss.SSS''Z'''")
    assert isinstance(e, Literal)
    assert e.kind == "string"
    assert e.value == "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"
    assert e.raw == "'yyyy-MM-dd''T''HH:mm:ss.SSS''Z'''"
    assert e.to_sql() == e.raw


def test_adjacent_string_literals_join() -> None:
    e = expr("'abc'\n'def'")
    assert isinstance(e, Literal) and e.value == "abcdef"


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("42", "number", Decimal(42)),
        ("1.5e3", "number", Decimal("1.5e3")),
        ("TRUE", "boolean", True),
        ("false", "boolean", False),
        ("NULL", "null", None),
        ("DATE '2024-12-14'", "date", "2024-12-14"),
        ("TIMESTAMP '2024-12-14 03:00:00'", "timestamp", "2024-12-14 03:00:00"),
        ("TIMESTAMP WITH LOCAL TIME ZONE '2024-12-14 03:00:00'", "timestamp_ltz", "2024-12-14 03:00:00"),
        ("TIME '03:00:00'", "time", "03:00:00"),
    ],
)  # fmt: skip
def test_literals(text: str, kind: str, value: object) -> None:
    e = expr(text)
    assert isinstance(e, Literal)
    assert (e.kind, e.value) == (kind, value)


def test_identifiers_are_dotted_and_unquoted() -> None:
    assert expr("t.`my col`.f") == Identifier(("t", "my col", "f"))
    assert expr("`select`") == Identifier(("select",))
    assert expr("`select`").to_sql() == "`select`"


def test_arithmetic_precedence_and_associativity() -> None:
    e = expr("a - b - c * d")
    assert e == BinaryOp("-", BinaryOp("-", Identifier(("a",)), Identifier(("b",))),
                         BinaryOp("*", Identifier(("c",)), Identifier(("d",))))  # fmt: skip
    assert expr("a - (b - c)").to_sql() == "a - (b - c)"
    assert expr("(a - b) - c").to_sql() == "a - b - c"
    assert expr("-a * b").to_sql() == "-a * b"


def test_boolean_precedence() -> None:
    e = expr("NOT a = 1 OR b > 2 AND c IS NOT NULL")
    assert isinstance(e, BinaryOp) and e.op == "OR"
    assert e.left == UnaryOp("NOT", BinaryOp("=", Identifier(("a",)), expr("1")))
    assert isinstance(e.right, BinaryOp) and e.right.op == "AND"
    assert e.right.right == IsNull(Identifier(("c",)), negated=True)
    assert e.to_sql() == "NOT a = 1 OR b > 2 AND c IS NOT NULL"


def test_predicates() -> None:
    assert expr("x IN (1, 2)") == InList(Identifier(("x",)), (expr("1"), expr("2")))
    assert expr("x NOT IN ('a')").to_sql() == "x NOT IN ('a')"
    e = expr("x BETWEEN 1 AND 2 AND y")
    assert isinstance(e, BinaryOp) and isinstance(e.left, Between)
    assert expr("s NOT LIKE 'a%' ESCAPE '!'") == Like(
        Identifier(("s",)), expr("'a%'"), True, expr("'!'")
    )
    assert expr("x IS DISTINCT FROM y").to_sql() == "x IS DISTINCT FROM y"
    assert expr("b IS NOT TRUE").to_sql() == "b IS NOT TRUE"
    e = expr("x IN (SELECT y FROM t)")
    assert isinstance(e, InList) and isinstance(e.items[0], ScalarSubquery)
    assert e.to_sql() == "x IN (SELECT y FROM t)"


def test_calls_and_casts() -> None:
    e = expr("TO_TIMESTAMP(event_time, 'yyyy-MM-dd HH:mm:ss')")
    assert isinstance(e, Call) and e.name == "TO_TIMESTAMP" and len(e.args) == 2
    assert expr("to_timestamp_ltz(ts, 3)").name == "TO_TIMESTAMP_LTZ"  # type: ignore[attr-defined]
    c = expr("CAST(x AS TIMESTAMP(3))")
    assert isinstance(c, Cast) and str(c.type) == "TIMESTAMP(3)" and not c.try_
    assert expr("TRY_CAST(x AS INT)") == Cast(Identifier(("x",)), c.type.__class__("INT"), True)
    assert expr("COUNT(*)") == Call("COUNT", (Star(),))
    assert expr("COUNT(DISTINCT host)").to_sql() == "COUNT(DISTINCT host)"
    assert expr("COALESCE(a, b, 'x')").to_sql() == "COALESCE(a, b, 'x')"
    assert expr("CURRENT_WATERMARK(ts)").name == "CURRENT_WATERMARK"  # type: ignore[attr-defined]
    assert expr("CURRENT_TIMESTAMP") == Call("CURRENT_TIMESTAMP")
    assert expr("mycat.mydb.f(1)").name == "mycat.mydb.f"  # type: ignore[attr-defined]


def test_keyword_clauses_inside_calls() -> None:
    assert expr("EXTRACT(DAY FROM ts)") == Call(
        "EXTRACT", (Keyword("DAY FROM"), Identifier(("ts",)))
    )
    assert expr("EXTRACT(DAY FROM ts)").to_sql() == "EXTRACT(DAY FROM ts)"
    assert expr("FLOOR(ts TO HOUR)").to_sql() == "FLOOR(ts TO HOUR)"
    assert expr("SUBSTRING(s FROM 1 FOR 2)").to_sql() == "SUBSTRING(s FROM 1 FOR 2)"
    assert expr("TRIM(BOTH ' ' FROM s)").to_sql() == "TRIM(BOTH ' ' FROM s)"
    assert expr("POSITION('a' IN s)").to_sql() == "POSITION('a' IN s)"
    j = expr("JSON_VALUE(payload, '$.ts' RETURNING TIMESTAMP(3) NULL ON EMPTY)")
    assert j.to_sql() == "JSON_VALUE(payload, '$.ts' RETURNING TIMESTAMP(3) NULL ON EMPTY)"
    assert expr("JSON_VALUE(payload, '$.a')").to_sql() == "JSON_VALUE(payload, '$.a')"
    assert expr("DATE_FORMAT(ts, 'yyyy-MM-dd')").to_sql() == "DATE_FORMAT(ts, 'yyyy-MM-dd')"


def test_named_arguments() -> None:
    e = expr("f(a => 1, b => x)")
    assert isinstance(e, Call)
    assert e.args == (NamedArg("a", expr("1")), NamedArg("b", Identifier(("x",))))


def test_case_subscript_row_and_over() -> None:
    e = expr("CASE WHEN a > 1 THEN 'x' ELSE 'y' END")
    assert isinstance(e, Case) and e.operand is None and len(e.whens) == 1
    assert expr("CASE k WHEN 1 THEN 2 END").to_sql() == "CASE k WHEN 1 THEN 2 END"
    assert expr("arr[1]") == Subscript(Identifier(("arr",)), expr("1"))
    assert expr("(1, 2)") == Call("ROW", (expr("1"), expr("2")))
    assert expr("ARRAY[1, 2]").to_sql() == "ARRAY(1, 2)"
    o = expr("SUM(x) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)")
    assert isinstance(o, OverCall) and o.frame == "ROWS BETWEEN 2 PRECEDING AND CURRENT ROW"


def test_walk_visits_every_node() -> None:
    e = expr("TO_TIMESTAMP(a, 'p') - INTERVAL '15' SECOND")
    assert [type(n).__name__ for n in e.walk()] == [
        "BinaryOp", "Call", "Identifier", "Literal", "IntervalLiteral",
    ]  # fmt: skip


def test_expression_locations() -> None:
    e = expr("a +\n  f(b)")
    assert isinstance(e, BinaryOp)
    assert e.location == at(1, 8)
    assert e.right.location == at(2, 3)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT f(a b)", "expected ',' or ')' in the arguments of F, found 'b'"),
        ("SELECT (a", "expected ')' to close the parenthesis, found end of input"),
        ("SELECT CASE END", "expected an expression, found 'END'"),
        ("SELECT CAST(x INT)", "expected 'AS' in CAST(expr AS type), found 'INT'"),
        ("SELECT a IS 5", "expected NULL, TRUE, FALSE, UNKNOWN or DISTINCT FROM after IS, found '5'"),
        ("SELECT x BETWEEN 1", "expected 'AND' in BETWEEN ... AND ..., found end of input"),
    ],
)  # fmt: skip
def test_expression_errors(text: str, message: str) -> None:
    from flinkdoctor.sql.script import parse_script

    with pytest.raises(SqlError) as e:
        parse_script(text)
    assert e.value.message == message
