"""Data types: Flink's defaults, canonical roots and printing."""

from __future__ import annotations

import pytest

from flinkdoctor.sql.errors import SqlError
from flinkdoctor.sql.model import MAX_LENGTH, DataType, PhysicalColumn
from flinkdoctor.sql.script import parse_script


def column_type(type_sql: str) -> DataType:
    script = parse_script(f"CREATE TABLE t (c {type_sql}) WITH ('connector' = 'x')")
    [col] = script.table("t").columns  # type: ignore[union-attr]
    assert isinstance(col, PhysicalColumn)
    return col.type


@pytest.mark.parametrize(
    ("written", "root", "precision", "scale", "printed"),
    [
        ("TIMESTAMP", "TIMESTAMP", 6, None, "TIMESTAMP(6)"),
        ("TIMESTAMP(3)", "TIMESTAMP", 3, None, "TIMESTAMP(3)"),
        ("TIMESTAMP(3) WITHOUT TIME ZONE", "TIMESTAMP", 3, None, "TIMESTAMP(3)"),
        ("TIMESTAMP(3) WITH LOCAL TIME ZONE", "TIMESTAMP_LTZ", 3, None, "TIMESTAMP_LTZ(3)"),
        ("TIMESTAMP WITH LOCAL TIME ZONE", "TIMESTAMP_LTZ", 6, None, "TIMESTAMP_LTZ(6)"),
        ("TIMESTAMP_LTZ", "TIMESTAMP_LTZ", 6, None, "TIMESTAMP_LTZ(6)"),
        ("timestamp_ltz(0)", "TIMESTAMP_LTZ", 0, None, "TIMESTAMP_LTZ(0)"),
        ("STRING", "VARCHAR", MAX_LENGTH, None, "STRING"),
        ("VARCHAR", "VARCHAR", MAX_LENGTH, None, "STRING"),  # real Flink: test_types_flink.py
        ("VARBINARY", "VARBINARY", MAX_LENGTH, None, "BYTES"),
        ("VARCHAR(20)", "VARCHAR", 20, None, "VARCHAR(20)"),
        ("CHAR", "CHAR", 1, None, "CHAR(1)"),
        ("BYTES", "VARBINARY", MAX_LENGTH, None, "BYTES"),
        ("DECIMAL", "DECIMAL", 10, 0, "DECIMAL(10, 0)"),
        ("DECIMAL(5)", "DECIMAL", 5, 0, "DECIMAL(5, 0)"),
        ("NUMERIC(12, 2)", "DECIMAL", 12, 2, "DECIMAL(12, 2)"),
        ("INTEGER", "INT", None, None, "INT"),
        ("DOUBLE PRECISION", "DOUBLE", None, None, "DOUBLE"),
        ("TIME", "TIME", 0, None, "TIME(0)"),
        ("BIGINT NOT NULL", "BIGINT", None, None, "BIGINT NOT NULL"),
        ("DATE NULL", "DATE", None, None, "DATE"),
        ("TIMESTAMP(10)", "TIMESTAMP", 10, None, "TIMESTAMP(10)"),  # Flink's parser takes it
    ],
)
def test_scalar_types(
    written: str, root: str, precision: int | None, scale: int | None, printed: str
) -> None:
    t = column_type(written)
    assert (t.root, t.precision, t.scale, str(t)) == (root, precision, scale, printed)


def test_nested_types() -> None:
    t = column_type("ROW<a INT NOT NULL, `b c` ARRAY<STRING>, m MAP<STRING, BIGINT> 'desc'>")
    assert t.root == "ROW"
    assert [name for name, _ in t.fields] == ["a", "b c", "m"]
    assert str(t) == "ROW<`a` INT NOT NULL, `b c` ARRAY<STRING>, `m` MAP<STRING, BIGINT>>"
    assert str(column_type("ROW(x DOUBLE, y DOUBLE)")) == "ROW<`x` DOUBLE, `y` DOUBLE>"
    assert str(column_type("INT ARRAY")) == "ARRAY<INT>"
    assert str(column_type("MULTISET<STRING> NOT NULL")) == "MULTISET<STRING> NOT NULL"


def test_timestamp_predicates() -> None:
    assert column_type("TIMESTAMP_LTZ(3)").is_timestamp
    assert not column_type("DATE").is_timestamp


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("TIMESTAMP WITH TIME ZONE", "TIMESTAMP WITH TIME ZONE is not supported by Flink"),
        ("MAP<STRING>", "expected ',' between MAP key and value types, found '>'"),
    ],
)
def test_type_errors(written: str, message: str) -> None:
    with pytest.raises(SqlError) as e:
        column_type(written)
    assert e.value.message.startswith(message)
