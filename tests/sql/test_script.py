"""Whole scripts: the seed job's SQL, SET/RESET, statement sets, statements kept raw."""

from __future__ import annotations

import pytest

from flinkdoctor.sql import load_script
from flinkdoctor.sql.errors import SqlError
from flinkdoctor.sql.model import (
    Call,
    ComputedColumn,
    CreateTable,
    GroupWindow,
    Identifier,
    Insert,
    Literal,
    QueryStatement,
    RawStatement,
    Select,
    SetStatement,
    StatementSet,
)
from flinkdoctor.sql.script import parse_script

from .helpers import at, fixture


@pytest.mark.parametrize(
    ("name", "column", "pattern"),
    [
        ("seed_82e0459.sql", "event_timestamp", "yyyy-MM-dd HH:mm:ss"),
        ("seed_2da3d0f.sql", "event_time", "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"),
    ],
)
def test_seed_script(name: str, column: str, pattern: str) -> None:
    script = load_script(fixture(name), name)
    src = script.table("process_events_kafka")
    assert src is not None and src.connector == "kafka"
    assert src.options["scan.startup.mode"] == "latest-offset"
    assert src.options["properties.sasl.jaas.config"].endswith('password="s";')
    rt = src.column("window_timestamp")
    assert isinstance(rt, ComputedColumn)
    assert rt.expr == Call("TO_TIMESTAMP", (Identifier((column,)), rt.expr.args[1]))  # type: ignore[attr-defined]
    lit = rt.expr.args[1]  # type: ignore[attr-defined]
    assert isinstance(lit, Literal) and lit.value == pattern
    assert lit.location == at(10, 50 if column == "event_time" else 55, name)
    assert src.watermark is not None and src.watermark.column == "window_timestamp"
    assert src.watermark.expr.to_sql() == "window_timestamp - INTERVAL '15' SECOND"
    sink = script.table("processed_events_aggregated")
    assert sink is not None and str(sink.columns[0].type) == "TIMESTAMP(3)"  # type: ignore[union-attr]
    [insert] = script.queries
    assert isinstance(insert, Insert) and insert.target.name == "processed_events_aggregated"
    sel = insert.query
    assert isinstance(sel, Select)
    w = sel.group_window()
    assert w is not None
    assert (w.kind, w.style, w.time_col, w.size_ms) == (
        "TUMBLE",
        "legacy",
        "window_timestamp",
        300_000,
    )
    assert [i.output_name for i in sel.items] == ["event_hour", "host", "num_hits"]
    assert [k.to_sql() for k in sel.group_keys()] == ["host"]
    assert [a.to_sql() for a in sel.aggregates()] == ["COUNT(host)"]


def test_set_and_reset_last_wins() -> None:
    script = parse_script(
        "SET 'a' = '1';\nSET 'b' = '2';\nSET 'a' = '3';\nRESET 'b';\nSET 'c' = 'x''y';\n"
        "SET table.exec.source.idle-timeout = 5 s;\nSET;"
    )
    assert script.sets == {"a": "3", "c": "x'y", "table.exec.source.idle-timeout": "5 s"}
    assert script.statements[0] == SetStatement("a", "1")
    assert script.statements[-1] == SetStatement(None, None)
    assert parse_script("SET 'a' = '1'; RESET;").sets == {}


def test_env_settings_are_overlaid_by_sets() -> None:
    script = load_script(
        "import x\nenv.set_parallelism(3)\nt_env.execute_sql(\"SET 'parallelism.default' = '1'\")\n"
        "env.enable_checkpointing(10)\n",
        "job.py",
    )
    assert script.env == {"parallelism.default": "3", "execution.checkpointing.interval": "10 ms"}
    assert script.settings["parallelism.default"] == "1"
    assert script.env_locations["parallelism.default"] == at(2, 1, "job.py")


def test_statement_sets() -> None:
    script = parse_script(
        "EXECUTE STATEMENT SET BEGIN\n"
        "  INSERT INTO a SELECT * FROM s;\n"
        "  INSERT OVERWRITE b /*+ OPTIONS('sink.parallelism'='2') */ (x, y) SELECT 1, 2;\n"
        "END;\n"
        "BEGIN STATEMENT SET;\nINSERT INTO c SELECT 3;\nEND;\n"
        "EXECUTE INSERT INTO d SELECT 4;\n"
        "SELECT 5"
    )
    s1, s2, ins, sel = script.statements
    assert isinstance(s1, StatementSet) and len(s1.inserts) == 2
    b = s1.inserts[1]
    assert b.overwrite and b.columns == ("x", "y") and b.hints == {"sink.parallelism": "2"}
    assert b.location == at(3, 3)
    assert isinstance(s2, StatementSet) and len(s2.inserts) == 1
    assert isinstance(ins, Insert) and isinstance(sel, QueryStatement)
    assert [q.target.name for q in script.queries if isinstance(q, Insert)] == ["a", "b", "c", "d"]
    assert len(script.queries) == 5


def test_unknown_statements_are_kept_raw() -> None:
    script = parse_script(
        "CREATE TEMPORARY SYSTEM FUNCTION f AS 'com.x.F' LANGUAGE JAVA;\n"
        "USE CATALOG c;\nLOAD MODULE hive WITH ('hive-version' = '3.1.2');\n"
        "EXPLAIN PLAN FOR SELECT 1;\nSHOW TABLES;\nDROP TABLE IF EXISTS t;\n"
        "ADD JAR '/x.jar';\nCREATE CATALOG c WITH ('type' = 'generic_in_memory')"
    )
    kinds = [s.keyword for s in script.statements if isinstance(s, RawStatement)]
    assert kinds == [
        "CREATE FUNCTION", "USE", "LOAD MODULE", "EXPLAIN", "SHOW TABLES", "DROP TABLE", "ADD",
        "CREATE CATALOG",
    ]  # fmt: skip
    raw = script.statements[1]
    assert isinstance(raw, RawStatement) and raw.text == "USE CATALOG c"
    assert raw.location == at(2, 1)


def test_explain_is_raw_but_its_statement_is_checked() -> None:
    script = parse_script(
        "EXPLAIN STATEMENT SET BEGIN INSERT INTO a SELECT 1; INSERT INTO b SELECT 2; END;\n"
        "EXPLAIN ESTIMATED_COST, CHANGELOG_MODE SELECT 1;\nSELECT 2"
    )
    assert [type(s).__name__ for s in script.statements] == [
        "RawStatement",
        "RawStatement",
        "QueryStatement",
    ]
    assert len(script.queries) == 1
    with pytest.raises(SqlError) as e:
        parse_script("EXPLAIN PLAN FOR SELECT INTERVAL '300' SECOND")
    assert e.value.location == at(1, 25)


def test_error_locations_span_lines() -> None:
    text = "SET 'a' = 'b';\n\nCREATE TABLE t (\n  a INT,\n  b VARCHAR(\n) WITH ('x' = 'y')"
    with pytest.raises(SqlError) as e:
        parse_script(text, "job.sql")
    assert str(e.value) == "job.sql:6:1: expected VARCHAR precision (an integer), found ')'"


def test_missing_semicolon_is_reported_at_the_next_statement() -> None:
    with pytest.raises(SqlError) as e:
        parse_script("SELECT 1\nSELECT 2")
    assert e.value.message == "expected end of query (a missing ';'?), found 'SELECT'"
    assert e.value.location == at(2, 1)


def test_tables_index_and_insert_target_resolution() -> None:
    script = parse_script(
        "CREATE TABLE cat.db.src (a INT) WITH ('connector'='datagen');"
        "INSERT INTO `cat`.`db`.`src` SELECT 1"
    )
    [ins] = script.queries
    assert isinstance(ins, Insert)
    assert isinstance(script.table(ins.target), CreateTable)
    assert list(script.tables) == ["cat.db.src"]


def test_500_line_script_parses() -> None:
    """Speed is measured in bench/, not here: timed tests flake on a loaded machine."""
    unit = fixture("seed_2da3d0f.sql")
    text = "\n".join([unit] * 11)  # ~500 lines
    assert text.count("\n") >= 480
    assert len(parse_script(text).queries) == 11 * len(parse_script(unit).queries)


def test_group_window_of_seed_equivalent_tvf() -> None:
    text = fixture("seed_2da3d0f.sql").replace(
        "FROM process_events_kafka\nGROUP BY TUMBLE(window_timestamp, INTERVAL '5' MINUTE), host",
        "FROM TABLE(TUMBLE(TABLE process_events_kafka, DESCRIPTOR(window_timestamp), "
        "INTERVAL '5' MINUTE))\nGROUP BY window_start, window_end, host",
    )
    [ins] = parse_script(text).queries
    w = ins.query.group_window()  # type: ignore[union-attr]
    assert w is not None
    assert (w.kind, w.style, w.size_ms) == ("TUMBLE", "tvf", 300_000)
    assert isinstance(w, GroupWindow)
