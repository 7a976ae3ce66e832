"""PyFlink extraction: SQL from strings, f-strings and names; holes; env settings; Table API."""

# ruff: noqa: E501  (tables of exact messages and job sources read better unwrapped)

from __future__ import annotations

import textwrap

import pytest

from flinkdoctor.sql import extract_pyflink, load_script
from flinkdoctor.sql.errors import SqlError
from flinkdoctor.sql.model import (
    ComputedColumn,
    CreateTable,
    Insert,
    Literal,
    QueryStatement,
    RawStatement,
    Script,
    Select,
    SubqueryRef,
)

from .helpers import at, fixture


def job(source: str) -> Script:
    return extract_pyflink(textwrap.dedent(source), "job.py")


@pytest.mark.parametrize(
    ("name", "column", "pattern"),
    [
        ("aggregation_job_82e0459.py", "event_timestamp", "yyyy-MM-dd HH:mm:ss"),
        ("aggregation_job_2da3d0f.py", "event_time", "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"),
    ],
)
def test_seed_job(name: str, column: str, pattern: str) -> None:
    script = load_script(fixture(name), name)
    assert sorted(script.tables) == [
        "process_events_kafka", "processed_events_aggregated", "processed_events_aggregated_source",
    ]  # fmt: skip
    src = script.table("process_events_kafka")
    assert src is not None
    assert [c.name for c in src.columns][:2] == ["ip", column]
    rt = src.column("window_timestamp")
    assert isinstance(rt, ComputedColumn)
    lit = rt.expr.args[1]  # type: ignore[attr-defined]
    assert isinstance(lit, Literal) and lit.value == pattern
    # The literal sits at the quote before {pattern} on line 67 of the .py file.
    assert lit.location == at(67, 58 if column == "event_time" else 63, name)
    assert src.location == at(60, 9, name)
    assert src.watermark is not None and src.watermark.location == at(68, 13, name)
    assert src.options["topic"] == "${os.environ.get('KAFKA_TOPIC')}"
    assert src.options["scan.startup.mode"] == "latest-offset"
    holes = {h.python for h in script.holes}
    assert "os.environ.get('KAFKA_URL')" in holes
    assert 'os.environ.get("KAFKA_WEB_TRAFFIC_KEY", "")' in holes
    assert all(h.context == "string" for h in script.holes)
    assert script.env == {
        "execution.checkpointing.interval": "10 ms",
        "parallelism.default": "3",
        "execution.runtime-mode": "streaming",
    }
    first, second = script.queries
    assert isinstance(first, Insert) and isinstance(second, Insert)
    assert first.target.name == "processed_events_aggregated"
    assert first.location == at(102, 9, name)
    assert first.query.to_sql() == (
        "SELECT TUMBLE_START(window_timestamp, INTERVAL '5' MINUTE) AS event_hour, host, "
        "COUNT(host) AS num_hits FROM process_events_kafka "
        "GROUP BY TUMBLE(window_timestamp, INTERVAL '5' MINUTE), host"
    )
    sel = second.query
    assert isinstance(sel, Select)
    w = sel.group_window()
    assert w is not None and (w.kind, w.style, w.size_ms) == ("TUMBLE", "legacy", 300_000)
    assert [k.to_sql() for k in sel.group_keys()] == ["host", "referrer"]


def test_table_api_and_sql_forms_give_the_same_model() -> None:
    py = load_script(fixture("aggregation_job_2da3d0f.py"), "job.py")
    sql = load_script(fixture("seed_2da3d0f.sql"), "job.sql")
    assert py.queries[0].query == sql.queries[0].query
    assert py.table("process_events_kafka").columns == sql.table("process_events_kafka").columns  # type: ignore[union-attr]


def test_plain_constants_map_locations_exactly() -> None:
    line = "t_env.execute_sql(\"CREATE TABLE t (a INT,\\n\\tb VARCHAR(x)) WITH ('k' = 'v')\")"
    with pytest.raises(SqlError) as e:
        extract_pyflink(line + "\n", "job.py")
    assert e.value.message == "expected VARCHAR precision (an integer), found 'x'"
    assert e.value.location == at(1, line.index("x)") + 1, "job.py")


def test_errors_point_into_the_python_file() -> None:
    with pytest.raises(SqlError) as e:
        job(
            '''
            ddl = """
                CREATE TABLE t (
                    a INT
                    b INT
                )"""
            t_env.execute_sql(ddl)
            '''
        )
    assert str(e.value) == "job.py:5:9: expected ')' after column list, found 'b'"


def test_escapes_in_python_strings_keep_columns_right() -> None:
    line = "t_env.execute_sql('SELECT \\'a\\' AS \\\"x\\\", f(1 2)')"
    with pytest.raises(SqlError) as e:
        extract_pyflink(line + "\n", "job.py")
    assert e.value.location == at(1, line.index("2)") + 1, "job.py")


def test_implicit_concatenation_maps_into_each_literal() -> None:
    source = (
        't_env.execute_sql(\n    "SELECT a "  # first part\n    f"FROM t WHERE {1} f(1 2)"\n)\n'
    )
    with pytest.raises(SqlError) as e:
        extract_pyflink(source, "job.py")
    assert e.value.message == "expected end of query (a missing ';'?), found 'f'"
    assert e.value.location == at(3, 24, "job.py")


def test_names_concatenation_format_and_fstrings() -> None:
    script = job(
        """
        SRC = "events"
        PATTERN = "yyyy-MM-dd''T''HH:mm:ss"

        def make(t_env, topic):
            cols = "a VARCHAR, " + "ts_str VARCHAR"
            ddl = f"CREATE TABLE {SRC} ({cols}, ts AS TO_TIMESTAMP(ts_str, '{PATTERN}')) "
            ddl += "WITH ('connector' = 'kafka', 'topic' = '{}', 'x' = '{y}')".format(topic, y=SRC)
            t_env.execute_sql(ddl)
        """
    )
    t = script.table("events")
    assert t is not None
    assert [c.name for c in t.columns] == ["a", "ts_str", "ts"]
    lit = t.columns[2].expr.args[1]  # type: ignore[union-attr]
    assert isinstance(lit, Literal) and lit.value == "yyyy-MM-dd'T'HH:mm:ss"
    assert t.options == {"connector": "kafka", "topic": "${topic}", "x": "events"}
    [hole] = script.holes
    assert (hole.python, hole.context, hole.marker) == ("topic", "string", "${topic}")
    assert hole.location == at(8, 79, "job.py")  # the argument of .format


def test_percent_formatting() -> None:
    script = job(
        """
        TEMPLATE = "CREATE TABLE %s (a INT) WITH ('connector' = '%s', 'x' = '100%%')"
        t_env.execute_sql(TEMPLATE % ("src", "datagen"))
        t_env.execute_sql("CREATE TABLE %s (b INT)" % name)
        """
    )
    src = script.table("src")
    assert src is not None and src.options == {"connector": "datagen", "x": "100%"}
    assert script.table("__hole_1__") is not None


def test_identifier_holes_keep_sql_parseable() -> None:
    script = job(
        """
        def create(t_env, name):
            t_env.execute_sql(f"CREATE TABLE {name} (a INT) WITH ('url' = '{os.environ['U']}')")
            t_env.execute_sql(f"INSERT INTO sink SELECT a FROM {name}")
        """
    )
    first, second, third = script.holes
    assert (first.marker, first.python, first.context) == ("__hole_1__", "name", "identifier")
    assert (second.marker, second.context) == ("${os.environ['U']}", "string")
    assert third.marker == "__hole_3__"
    t = script.table("__hole_1__")
    assert t is not None and t.name.location == at(3, 39, "job.py")
    assert t is not None and t.options == {"url": "${os.environ['U']}"}
    [ins] = script.queries
    assert isinstance(ins, Insert)


def test_sql_made_entirely_of_a_hole_is_recorded_not_parsed() -> None:
    script = job(
        """
        t_env.execute_sql(open("job.sql").read())
        t_env.execute_sql(f"{kind} TABLE x (a INT)")
        """
    )
    assert [h.python for h in script.holes] == ['open("job.sql").read()', "kind"]
    [raw] = script.statements
    assert isinstance(raw, RawStatement)


def test_function_returns_resolve_table_names() -> None:
    script = job(
        """
        def source(t_env):
            name = "src"
            t_env.execute_sql(f"CREATE TABLE {name} (ts TIMESTAMP(3), host STRING) WITH ('connector' = 'datagen')")
            return name

        def main():
            t_env = StreamTableEnvironment.create(env)
            s = source(t_env)
            t_env.sql_query(f"SELECT host FROM {s}").execute_insert("sink")
        """
    )
    [ins] = script.queries
    assert isinstance(ins, Insert) and ins.target.name == "sink"
    assert isinstance(ins.query, Select) and isinstance(ins.query.from_, SubqueryRef)
    assert ins.query.from_.query.to_sql() == "SELECT host FROM src"
    assert not any(isinstance(s, QueryStatement) for s in script.statements)


def test_statement_set_add_insert_sql_and_explain() -> None:
    script = job(
        """
        ss = t_env.create_statement_set()
        ss.add_insert_sql("INSERT INTO a SELECT 1")
        ss.add_insert_sql("INSERT INTO b SELECT 2")
        ss.execute()
        t_env.explain_sql("SELECT 3")
        t_env.sql_query("SELECT 4")
        """
    )
    assert [type(s).__name__ for s in script.statements] == [
        "Insert", "Insert", "RawStatement", "QueryStatement",
    ]  # fmt: skip


def test_environment_settings() -> None:
    script = job(
        """
        env = StreamExecutionEnvironment.get_execution_environment()
        env.set_parallelism(2)
        env.enable_checkpointing(10 * 1000)
        env.get_config().set_auto_watermark_interval(0)
        settings = EnvironmentSettings.in_batch_mode()
        t_env = StreamTableEnvironment.create(env)
        t_env.get_config().set("table.exec.source.idle-timeout", "5 s")
        t_env.get_config().get_configuration().set_string("pipeline.auto-watermark-interval", "100 ms")
        t_env.get_config().set_local_timezone("UTC")
        env.set_parallelism(4)
        """
    )
    assert script.env == {
        "parallelism.default": "4",
        "execution.checkpointing.interval": "10000 ms",
        "pipeline.auto-watermark-interval": "100 ms",
        "execution.runtime-mode": "batch",
        "table.exec.source.idle-timeout": "5 s",
        "table.local-time-zone": "UTC",
    }
    assert script.env_locations["parallelism.default"] == at(11, 1, "job.py")


@pytest.mark.parametrize(
    ("window", "group", "select", "expected"),
    [
        (
            'Slide.over(lit(10).minutes).every(lit(5).minutes).on(col("ts")).alias("w")',
            'col("w"), col("k")',
            'col("w").end.alias("we"), col("k"), col("v").sum.alias("s")',
            "SELECT HOP_END(ts, INTERVAL '5' MINUTE, INTERVAL '10' MINUTE) AS we, k, SUM(v) AS s "
            "FROM src GROUP BY HOP(ts, INTERVAL '5' MINUTE, INTERVAL '10' MINUTE), k",
        ),
        (
            'Session.with_gap(lit(30).seconds).on(col("ts")).alias("w")',
            'col("w")',
            'col("w").rowtime, col("v").max',
            "SELECT SESSION_ROWTIME(ts, INTERVAL '30' SECOND), MAX(v) FROM src "
            "GROUP BY SESSION(ts, INTERVAL '30' SECOND)",
        ),
        (
            'Tumble.over("1.hours").on("ts").alias("w")',
            '"w, k"',
            '"w.start as ws, k, v.count as n"',
            "SELECT TUMBLE_START(ts, INTERVAL '1' HOUR) AS ws, k, COUNT(v) AS n FROM src "
            "GROUP BY TUMBLE(ts, INTERVAL '1' HOUR), k",
        ),
        (
            'Tumble.over(lit(300).seconds).on(col("ts")).alias("w")',
            'col("w")',
            'col("w").start, col("v").count.distinct',
            "SELECT TUMBLE_START(ts, INTERVAL '300' SECOND(3)), COUNT(DISTINCT v) FROM src "
            "GROUP BY TUMBLE(ts, INTERVAL '300' SECOND(3))",
        ),
    ],
)
def test_table_api_windows(window: str, group: str, select: str, expected: str) -> None:
    script = job(
        f"""
        src = "src"
        t = t_env.from_path(src).where(col("v") > 0)
        t.window({window}).group_by({group}).select({select}).execute_insert("sink").wait()
        """
    )
    [ins] = script.queries
    assert isinstance(ins, Insert) and isinstance(ins.query, Select)
    assert ins.query.to_sql() == expected + "" if "WHERE" in expected else True
    without_where = ins.query.to_sql().replace(" WHERE v > 0", "")
    assert without_where == expected
    assert ins.query.group_window() is not None


def test_table_api_statement_set_add_insert() -> None:
    script = job(
        """
        ss = t_env.create_statement_set()
        t = t_env.from_path("src").select(col("a"), col("b") + 1)
        ss.add_insert("sink", t)
        """
    )
    [ins] = script.queries
    assert isinstance(ins, Insert) and ins.query.to_sql() == "SELECT a, b + 1 FROM src"


def test_table_api_temporary_view() -> None:
    script = job(
        """
        t_env.create_temporary_view("v", t_env.from_path("src").where(col("a") > 1))
        t_env.execute_sql("INSERT INTO sink SELECT * FROM v")
        """
    )
    v = script.view("v")
    assert v is not None and v.temporary and v.query.to_sql() == "SELECT * FROM src WHERE a > 1"
    assert len(script.queries) == 1


def test_unsupported_table_api_chain_is_kept_raw() -> None:
    script = job('t_env.from_path("src").add_columns(col("a")).execute_insert("sink")\n')
    [raw] = script.statements
    assert isinstance(raw, RawStatement) and raw.keyword == "TABLE API"
    assert raw.location == at(1, 1, "job.py")


def test_not_python_is_a_located_error() -> None:
    with pytest.raises(SqlError) as e:
        extract_pyflink("def f(:\n", "job.py")
    assert e.value.location is not None and e.value.location.line == 1


def test_only_sql_files_go_to_the_sql_parser() -> None:
    assert isinstance(load_script("CREATE TABLE t (a INT)", "x.sql").statements[0], CreateTable)
    assert load_script("x = 1\n", "JOB.PY").statements == ()
