"""INTERVAL literals: values in ms / months and Calcite's precision rules."""

# ruff: noqa: E501  (tables of exact messages and job sources read better unwrapped)

from __future__ import annotations

from decimal import Decimal

import pytest

from flinkdoctor.sql.errors import SqlError
from flinkdoctor.sql.model import BinaryOp, IntervalLiteral, Literal
from flinkdoctor.sql.script import parse_script

from .helpers import at, expr


def interval(text: str) -> IntervalLiteral:
    e = expr(text)
    assert isinstance(e, IntervalLiteral)
    return e


@pytest.mark.parametrize(
    ("text", "millis"),
    [
        ("INTERVAL '15' SECOND", 15_000),
        ("INTERVAL '15' SECONDS", 15_000),
        ("INTERVAL '0.001' SECOND", 1),
        ("INTERVAL '1.5' SECOND", 1_500),
        ("INTERVAL '0.0009' SECOND", 0),
        ("INTERVAL '300' SECOND(3)", 300_000),
        ("INTERVAL '5' MINUTE", 300_000),
        ("INTERVAL '10' MINUTES", 600_000),
        ("INTERVAL '1' HOUR", 3_600_000),
        ("INTERVAL '1' DAY", 86_400_000),
        ("INTERVAL '1:30' HOUR TO MINUTE", 5_400_000),
        ("INTERVAL '1 02:03:04.5' DAY TO SECOND", 93_784_500),
        ("INTERVAL '2:03.25' MINUTE TO SECOND(3)", 123_250),
        ("INTERVAL '-5' SECOND", -5_000),
        ("INTERVAL -'5' SECOND", -5_000),
        ("INTERVAL ' 7 ' SECOND", 7_000),
        ("INTERVAL '100' DAY(3)", 8_640_000_000),
    ],
)
def test_day_time_values(text: str, millis: int) -> None:
    i = interval(text)
    assert (i.millis, i.months) == (millis, None)


def test_year_month_values() -> None:
    assert interval("INTERVAL '1-6' YEAR TO MONTH").months == 18
    assert interval("INTERVAL '3' MONTH").months == 3
    assert interval("INTERVAL '2' YEAR").millis is None


def test_interval_keeps_text_units_and_precisions() -> None:
    i = interval("INTERVAL '300' SECOND(3)")
    assert (i.text, i.unit, i.end_unit, i.precision, i.fraction_precision) == (
        "300",
        "SECOND",
        None,
        3,
        6,
    )
    assert i.to_sql() == "INTERVAL '300' SECOND(3)"
    assert interval("INTERVAL '1:30' HOUR TO MINUTE").to_sql() == "INTERVAL '1:30' HOUR TO MINUTE"
    assert interval("INTERVAL '5' MINUTES").to_sql() == "INTERVAL '5' MINUTE"


def test_numeric_and_expression_intervals_multiply_a_unit_interval_like_calcite() -> None:
    e = expr("INTERVAL 300 SECOND")
    assert isinstance(e, BinaryOp) and e.op == "*"
    assert e.left == Literal("number", Decimal(300), "300")
    assert isinstance(e.right, IntervalLiteral) and e.right.millis == 1000
    assert e.to_sql() == "300 * INTERVAL '1' SECOND"
    assert expr("INTERVAL -5 MINUTE").to_sql() == "-5 * INTERVAL '1' MINUTE"
    assert expr("INTERVAL (a + 1) HOUR").to_sql() == "(a + 1) * INTERVAL '1' HOUR"
    assert expr("INTERVAL a DAY").to_sql() == "a * INTERVAL '1' DAY"


def test_leading_precision_defaults_to_two_digits_like_flink() -> None:
    text = (
        "CREATE TABLE t (\n  ts TIMESTAMP(3),\n  WATERMARK FOR ts AS ts - INTERVAL '300' SECOND\n)"
    )
    with pytest.raises(SqlError) as e:
        parse_script(text, "job.sql")
    assert e.value.message == "Interval field value 300 exceeds precision of SECOND(2) field"
    assert e.value.location == at(3, 28, "job.sql")
    assert str(e.value) == (
        "job.sql:3:28: Interval field value 300 exceeds precision of SECOND(2) field"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("INTERVAL '100' DAY", "Interval field value 100 exceeds precision of DAY(2) field"),
        ("INTERVAL '-100' MINUTE", "Interval field value -100 exceeds precision of MINUTE(2) field"),
        ("INTERVAL '1:60' HOUR TO MINUTE", "Illegal interval literal format '1:60' for INTERVAL HOUR TO MINUTE"),
        ("INTERVAL '1.1234567' SECOND", "Illegal interval literal format '1.1234567' for INTERVAL SECOND"),
        ("INTERVAL 'abc' SECOND", "Illegal interval literal format 'abc' for INTERVAL SECOND"),
        ("INTERVAL '' SECOND", "Illegal interval literal format '' for INTERVAL SECOND"),
        ("INTERVAL '1' MINUTE TO HOUR", "invalid interval qualifier INTERVAL MINUTE TO HOUR"),
        ("INTERVAL '5' WEEKS", "expected an interval unit (SECOND, MINUTE, HOUR, DAY, MONTH, YEAR), found 'WEEKS'"),
        ("INTERVAL '5' SECOND(11)", "Interval leading field precision '11' out of range for INTERVAL SECOND(11)"),
    ],
)  # fmt: skip
def test_invalid_intervals(text: str, message: str) -> None:
    with pytest.raises(SqlError) as e:
        expr(text)
    assert e.value.message == message
