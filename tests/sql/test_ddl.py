"""CREATE TABLE / CREATE VIEW, and LIKE resolution."""

# ruff: noqa: E501  (tables of exact messages and job sources read better unwrapped)

from __future__ import annotations

import pytest

from flinkdoctor.sql import resolve_like
from flinkdoctor.sql.errors import SqlError
from flinkdoctor.sql.model import (
    BinaryOp,
    ComputedColumn,
    CreateTable,
    Identifier,
    IntervalLiteral,
    MetadataColumn,
    PhysicalColumn,
    Select,
)
from flinkdoctor.sql.script import parse_script

from .helpers import at

FULL = """
CREATE TEMPORARY TABLE IF NOT EXISTS cat.db.`Orders` (
  id BIGINT NOT NULL COMMENT 'the id',
  payload STRING,
  ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,
  part INT METADATA VIRTUAL,
  headers MAP<STRING, BYTES> METADATA,
  rt AS TO_TIMESTAMP_LTZ(CAST(JSON_VALUE(payload, '$.ts') AS BIGINT), 3) COMMENT 'rowtime',
  WATERMARK FOR rt AS rt - INTERVAL '0.001' SECOND,
  CONSTRAINT pk PRIMARY KEY (id) NOT ENFORCED
) COMMENT 'orders'
PARTITIONED BY (part)
WITH (
  'connector' = 'kafka',
  'scan.watermark.idle-timeout' = '1 min',
  'json.ignore-parse-errors' = 'true'
)
"""


def table(text: str, name: str) -> CreateTable:
    t = parse_script(text, "ddl.sql").table(name)
    assert t is not None
    return t


def test_full_create_table() -> None:
    t = table(FULL, "orders")
    assert t.name.parts == ("cat", "db", "Orders")
    assert (t.temporary, t.if_not_exists, t.comment) == (True, True, "orders")
    id_, payload, ts, part, headers, rt = t.columns
    assert id_ == PhysicalColumn("id", id_.type, "the id") and str(id_.type) == "BIGINT NOT NULL"
    assert isinstance(payload, PhysicalColumn) and str(payload.type) == "STRING"
    assert ts == MetadataColumn("ts", ts.type, "timestamp", True)
    assert str(ts.type) == "TIMESTAMP_LTZ(3)"
    assert isinstance(part, MetadataColumn) and part.key is None and part.metadata_key == "part"
    assert isinstance(headers, MetadataColumn) and not headers.virtual
    assert isinstance(rt, ComputedColumn) and rt.comment == "rowtime"
    assert rt.expr.to_sql() == ("TO_TIMESTAMP_LTZ(CAST(JSON_VALUE(payload, '$.ts') AS BIGINT), 3)")
    assert t.watermark is not None and t.watermark.column == "rt"
    wm = t.watermark.expr
    assert isinstance(wm, BinaryOp) and isinstance(wm.right, IntervalLiteral)
    assert wm.right.millis == 1
    assert t.primary_key is not None
    assert (t.primary_key.columns, t.primary_key.enforced) == (("id",), False)
    assert t.primary_key.constraint_name == "pk"
    assert t.partitioned_by == ("part",)
    assert t.connector == "kafka"
    assert t.options["scan.watermark.idle-timeout"] == "1 min"
    assert t.location == at(2, 1, "ddl.sql")
    assert rt.location == at(8, 3, "ddl.sql")
    assert t.watermark.location == at(9, 3, "ddl.sql")


def test_lookup_is_case_insensitive_and_qualification_tolerant() -> None:
    script = parse_script(FULL)
    assert script.table("ORDERS") is script.table("cat.db.orders") is script.table("db.Orders")
    assert script.table("`cat`.`db`.`Orders`") is not None
    assert script.table("other") is None


def test_column_level_primary_key_and_columns_named_like_keywords() -> None:
    t = table(
        "CREATE TABLE t (id INT PRIMARY KEY NOT ENFORCED, `value` STRING, key STRING, "
        "data STRING, session STRING, `timestamp` TIMESTAMP(3)) WITH ('connector' = 'datagen')",
        "t",
    )
    assert t.primary_key is not None and t.primary_key.columns == ("id",)
    assert [c.name for c in t.columns] == ["id", "value", "key", "data", "session", "timestamp"]
    assert t.column("TIMESTAMP") is t.columns[5]


@pytest.mark.parametrize("word", ["timestamp", "value", "comment", "count", "window", "user"])
def test_reserved_words_need_backquotes_like_in_flink(word: str) -> None:
    with pytest.raises(SqlError) as e:
        parse_script(f"CREATE TABLE t (id INT, {word} STRING)")
    assert e.value.message == (
        f"expected a column name, found reserved word '{word}' (write it as `{word}`)"
    )
    assert e.value.location == at(1, 25)


def test_create_table_as_select_and_distribution() -> None:
    t = table(
        "CREATE TABLE s DISTRIBUTED BY HASH(a) INTO 4 BUCKETS WITH ('connector' = 'print') "
        "AS SELECT a FROM t",
        "s",
    )
    assert isinstance(t.as_query, Select) and t.columns == ()


def test_create_view() -> None:
    script = parse_script(
        "CREATE TEMPORARY VIEW v (a, b) AS SELECT x, y FROM t WHERE x > 1;\n"
        "CREATE VIEW IF NOT EXISTS w AS SELECT * FROM v"
    )
    v = script.view("V")
    assert v is not None and v.columns == ("a", "b") and v.temporary
    w = script.view("w")
    assert w is not None and w.if_not_exists


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("CREATE TABLE t (a INT WITH ('x' = 'y')", "expected ')' after column list, found 'WITH'", 23),
        ("CREATE TABLE t (a INT) WITH ('connector' 'kafka')", "expected '=' after option key 'connector'", 42),
        ("CREATE TABLE t (a INT) WITH ('connector' = kafka)", "expected a string literal in single quotes (the value of option 'connector'), found a word", 44),
        ("CREATE TABLE t (ts TIMESTAMP(3), WATERMARK FOR ts AS ts, WATERMARK FOR ts AS ts)", "Multiple WATERMARK statements is not supported yet.", 58),
        ("CREATE TABLE t (a INT) WITH ('a' = 'b') LIKE s (OVERWRITING PARTITIONS)", "Illegal merging strategy 'OVERWRITING' for 'PARTITIONS' option", 61),
        ("CREATE TABLE t (a INT, PRIMARY KEY (a) NOT ENFORCED, PRIMARY KEY (a))", "Duplicate primary key definition", 54),
    ],
)  # fmt: skip
def test_ddl_errors(text: str, message: str, column: int) -> None:
    with pytest.raises(SqlError) as e:
        parse_script(text)
    assert e.value.message == message
    assert e.value.location == at(1, column)


BASE = """
CREATE TABLE base (
  id BIGINT,
  body STRING,
  rt AS TO_TIMESTAMP(body),
  off BIGINT METADATA FROM 'offset' VIRTUAL,
  WATERMARK FOR rt AS rt - INTERVAL '5' SECOND,
  PRIMARY KEY (id) NOT ENFORCED
) WITH ('connector' = 'kafka', 'topic' = 'a', 'format' = 'json');
"""


def resolved(derived: str) -> CreateTable:
    script = parse_script(BASE + derived)
    [*_, last] = script.statements
    assert isinstance(last, CreateTable)
    return resolve_like(last, script.table)


def test_like_defaults_include_everything_and_overwrite_options() -> None:
    t = resolved("CREATE TABLE d (extra INT) WITH ('topic' = 'b') LIKE base")
    assert [c.name for c in t.columns] == ["id", "body", "rt", "off", "extra"]
    assert t.watermark is not None and t.watermark.column == "rt"
    assert t.primary_key is not None
    assert t.options == {"connector": "kafka", "topic": "b", "format": "json"}
    assert t.like is None


def test_like_excluding_and_overwriting() -> None:
    t = resolved(
        "CREATE TABLE d (WATERMARK FOR rt AS rt) WITH ('connector' = 'filesystem') "
        "LIKE base (EXCLUDING ALL INCLUDING GENERATED OVERWRITING WATERMARKS)"
    )
    assert [c.name for c in t.columns] == ["id", "body", "rt"]
    assert t.watermark is not None and t.watermark.expr == Identifier(("rt",))
    assert t.primary_key is None
    assert t.options == {"connector": "filesystem"}


@pytest.mark.parametrize(
    ("derived", "message"),
    [
        ("CREATE TABLE d (id INT) LIKE base", "A column named 'id' already exists in the base table."),
        ("CREATE TABLE d (WATERMARK FOR rt AS rt) LIKE base", "There already exists a watermark spec for column 'rt' in the base table. You might want to specify EXCLUDING WATERMARKS or OVERWRITING WATERMARKS."),
        ("CREATE TABLE d (x INT) WITH ('topic' = 'b') LIKE base (INCLUDING ALL)", "There already exists an option ['topic' -> 'a']  in the base table. You might want to specify EXCLUDING OPTIONS or OVERWRITING OPTIONS."),
        ("CREATE TABLE d (x INT, PRIMARY KEY (x) NOT ENFORCED) LIKE base", "The base table already has a primary key. You might want to specify EXCLUDING CONSTRAINTS."),
        ("CREATE TABLE d (rt AS body) LIKE base", "A generated column named 'rt' already exists in the base table. You might want to specify EXCLUDING GENERATED or OVERWRITING GENERATED."),
        ("CREATE TABLE d (x INT) LIKE missing", "Source table 'missing' of the LIKE clause not found"),
    ],
)  # fmt: skip
def test_like_conflicts(derived: str, message: str) -> None:
    with pytest.raises(SqlError) as e:
        resolved(derived)
    assert e.value.message == message


def test_like_overwriting_generated_replaces_in_place() -> None:
    t = resolved(
        "CREATE TABLE d (rt AS CAST(body AS TIMESTAMP(3))) LIKE base (OVERWRITING GENERATED)"
    )
    assert [c.name for c in t.columns] == ["id", "body", "rt", "off"]
    assert isinstance(t.columns[2], ComputedColumn)
    assert t.columns[2].expr.to_sql() == "CAST(body AS TIMESTAMP(3))"
