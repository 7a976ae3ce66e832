"""The real-Flink harness itself: if these fail, every differential test is meaningless."""

from __future__ import annotations

import time
from typing import Any

import pytest

import tests.support.flink as flink_support
from tests.support.flink import Case, FlinkRuntime, FlinkUnavailable, jsonl

EVENTS: list[dict[str, Any]] = [
    {"ts": "2024-12-14 03:00:01", "v": 1},
    {"ts": "2024-12-14 03:00:30.5", "v": 2},
    {"ts": "2024-12-14 03:01:10", "v": 4},
    {"ts": "2024-12-14 03:02:59.999", "v": 8},
]

SOURCE = """
SET 'pipeline.auto-watermark-interval' = '0';
SET 'parallelism.default' = '1';
CREATE TABLE ev (
  ts TIMESTAMP(3),
  v INT,
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'filesystem', 'path' = '${DATA_DIR}/events.jsonl', 'format' = 'json');
"""

TUMBLE_COUNT = """
SELECT window_start, window_end, COUNT(*) AS c
FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY window_start, window_end;
"""


@pytest.mark.flink
def test_to_timestamp_cast_to_string_pads_millis(flink: FlinkRuntime) -> None:
    res = flink.run_script(
        "SELECT CAST(TO_TIMESTAMP('2024-12-14 03:12:45', 'yyyy-MM-dd HH:mm:ss') AS STRING) AS s,"
        " TO_TIMESTAMP('2024-12-14 03:12:45', 'yyyy-MM-dd HH:mm:ss') AS t"
    )
    assert res.error is None
    [q] = res.queries
    assert q.columns == ["s", "t"]
    assert q.types == ["STRING", "TIMESTAMP(3)"]
    # A TIMESTAMP(3) column prints exactly like its CAST to STRING: millis always padded.
    assert q.changelog == [("+I", ["2024-12-14 03:12:45.000", "2024-12-14 03:12:45.000"])]


@pytest.mark.flink
def test_to_timestamp_iso_text_with_space_pattern_is_null(flink: FlinkRuntime) -> None:
    res = flink.run_script(
        "SELECT TO_TIMESTAMP('2024-12-14T03:12:45.123Z', 'yyyy-MM-dd HH:mm:ss') AS t"
    )
    assert res.error is None
    assert res.rows == [[None]]


@pytest.mark.flink
def test_tumble_window_count_on_filesystem_json(flink: FlinkRuntime) -> None:
    res = flink.run_script(SOURCE + TUMBLE_COUNT, files={"events.jsonl": jsonl(EVENTS)})
    assert res.error is None, res.error
    [q] = res.queries
    assert q.columns == ["window_start", "window_end", "c"]
    # Window TVF aggregation is insert-only: every row is +I, never retracted.
    assert q.changelog == [
        ("+I", ["2024-12-14 03:00:00.000", "2024-12-14 03:01:00.000", "2"]),
        ("+I", ["2024-12-14 03:01:00.000", "2024-12-14 03:02:00.000", "1"]),
        ("+I", ["2024-12-14 03:02:00.000", "2024-12-14 03:03:00.000", "1"]),
    ]


@pytest.mark.flink
def test_null_rowtime_is_a_structured_runtime_error(flink: FlinkRuntime) -> None:
    events: list[dict[str, Any]] = [*EVENTS[:2], {"ts": None, "v": 3}, EVENTS[2]]
    res = flink.run_script(SOURCE + TUMBLE_COUNT, files={"events.jsonl": jsonl(events)})
    assert res.error is not None
    assert res.error_phase == "runtime"
    assert res.error_statement == 3  # 2 SETs, the CREATE, then the SELECT
    assert res.root_cause is not None
    assert res.root_cause.startswith("RowTime field should not be null")
    assert "RowTime field should not be null" in res.error
    assert len(res.error_chain) > 1  # job failure -> ... -> root cause


@pytest.mark.flink
def test_planning_error_is_structured_and_keeps_earlier_results(flink: FlinkRuntime) -> None:
    res = flink.run_script("SELECT 1 AS a; SELECT * FROM missing_table; SELECT 2")
    assert [q.rows for q in res.queries] == [[["1"]]]
    assert res.error_phase == "plan"
    assert res.error_statement == 1
    assert res.root_cause == "Object 'missing_table' not found"


@pytest.mark.flink
def test_statement_splitting_respects_literals_and_comments(flink: FlinkRuntime) -> None:
    script = """
    -- a comment; with a semicolon
    SELECT 'a;b' AS x, 'it''s; fine' AS y; /* block; comment */
    SELECT `we;ird` FROM (VALUES (1)) AS t(`we;ird`);  -- trailing; comment
    -- only a comment;
    """
    res = flink.run_script(script)
    assert res.error is None, res.error
    assert [q.rows for q in res.queries] == [[["a;b", "it's; fine"]], [["1"]]]


@pytest.mark.flink
def test_many_cases_in_one_jvm(flink: FlinkRuntime) -> None:
    files = {"events.jsonl": jsonl(EVENTS)}
    cases: list[str | Case] = [
        f"SELECT CAST(TO_TIMESTAMP('2024-12-14 03:12:{i:02d}') AS STRING)" for i in range(6)
    ]
    cases.append(Case(SOURCE + TUMBLE_COUNT, files=files))
    cases.append(Case(SOURCE + TUMBLE_COUNT, files=files, mode="batch"))
    cases.append("SELECT v, COUNT(*) FROM (VALUES (1), (1)) AS t(v) GROUP BY v")
    # Flink's own per-job MiniCluster (what a plain TableEnvironment does) must agree with ours.
    cases.append(Case(SOURCE + TUMBLE_COUNT, files=files, target="local"))
    starts = flink.jvm_starts
    t0 = time.monotonic()
    results = flink.run_scripts(cases, use_cache=False)
    elapsed = time.monotonic() - t0
    assert [r.rows for r in results[:6]] == [[[f"2024-12-14 03:12:{i:02d}.000"]] for i in range(6)]
    assert results[6].rows == results[7].rows  # streaming and batch agree on a bounded input
    assert results[8].queries[0].changelog == [
        ("+I", ["1", "1"]),
        ("-U", ["1", "1"]),
        ("+U", ["1", "2"]),
    ]
    assert results[9].queries[0].changelog == results[6].queries[0].changelog
    assert flink.jvm_starts - starts <= 1  # at most the first start, never one per case
    assert elapsed < 60


@pytest.mark.flink
def test_result_cache_skips_flink(flink: FlinkRuntime) -> None:
    nonce = time.time_ns()  # a script no earlier run has cached
    script = f"SELECT {nonce} AS n, CAST(TIMESTAMP '2024-12-14 03:12:45' AS STRING) AS t"
    [first] = flink.run_scripts([script], use_cache=True)
    [second] = flink.run_scripts([script], use_cache=True)
    assert not first.cached
    assert second.cached
    assert second.elapsed_ms == first.elapsed_ms  # the stored document, not a new run
    assert second.rows == first.rows == [[str(nonce), "2024-12-14 03:12:45"]]
    assert second.queries[0].columns == ["n", "t"]
    # Changing a data file changes the key.
    other = flink.run_scripts([Case(script, files={"x.txt": str(nonce)})], use_cache=True)[0]
    assert not other.cached


@pytest.mark.flink
def test_timeout_on_unbounded_source_is_reported(flink: FlinkRuntime) -> None:
    script = """
    CREATE TABLE gen (v INT) WITH ('connector' = 'datagen', 'rows-per-second' = '5');
    SELECT v FROM gen;
    """
    res = flink.run_script(script, timeout=3, use_cache=False)
    assert res.timed_out
    assert res.error is not None and "timeout" in res.error
    # The JVM survives a timed-out case.
    assert flink.run_script("SELECT 1", use_cache=False).rows == [["1"]]


@pytest.mark.flink
def test_bench_to_timestamp_direct(flink: FlinkRuntime) -> None:
    values = ["2024-12-14 03:12:45", "2024-12-14T03:12:45.123Z", "garbage"]
    out = flink.bench_to_timestamp(values, "yyyy-MM-dd HH:mm:ss", warmup_s=0.3, measure_s=0.5)
    assert out["values_per_s"] > 0
    assert out["non_null"] == out["calls"] // 3  # only the first value parses


def _unavailable() -> FlinkRuntime:
    raise FlinkUnavailable("javac not on PATH")


def test_fixture_fails_loudly_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(flink_support, "flink_runtime", _unavailable)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="javac not on PATH"):
        flink_support.flink_fixture_value()


def test_fixture_skips_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(flink_support, "flink_runtime", _unavailable)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="javac not on PATH"):
        flink_support.flink_fixture_value()


def test_missing_tool_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(FlinkUnavailable, match="java"):
        flink_support._require_tools("java", "javac")


@pytest.mark.flink
@pytest.mark.parametrize("form", ["begin-end", "execute"])
def test_statement_set_and_print_sink_row_kinds(flink: FlinkRuntime, form: str) -> None:
    sinks = """
    CREATE TABLE w (ws TIMESTAMP(3), c BIGINT)
      WITH ('connector' = 'print', 'print-identifier' = 'w');
    CREATE TABLE g (v INT, c BIGINT) WITH ('connector' = 'print', 'print-identifier' = 'g');
    """
    inserts = """
    INSERT INTO w SELECT window_start, COUNT(*)
      FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
      GROUP BY window_start, window_end;
    INSERT INTO g SELECT 1, COUNT(*) FROM ev;
    """
    if form == "begin-end":
        body = f"BEGIN STATEMENT SET;\n{inserts}\nEND;"
    else:
        body = f"EXECUTE STATEMENT SET BEGIN\n{inserts}\nEND;"
    res = flink.run_script(SOURCE + sinks + body, files={"events.jsonl": jsonl(EVENTS)})
    assert res.error is None, res.error
    assert [q.kind for q in res.queries] == ["insert"]  # one job for both INSERTs
    printed = res.printed.splitlines()
    # The print sink shows the changelog a real sink receives (LocalDateTime.toString() format).
    assert [line for line in printed if line.startswith("w>")] == [
        "w> +I[2024-12-14T03:00, 2]",
        "w> +I[2024-12-14T03:01, 1]",
        "w> +I[2024-12-14T03:02, 1]",
    ]
    assert [line for line in printed if line.startswith("g>")] == [
        "g> +I[1, 1]",
        "g> -U[1, 1]",
        "g> +U[1, 2]",
        "g> -U[1, 2]",
        "g> +U[1, 3]",
        "g> -U[1, 3]",
        "g> +U[1, 4]",
    ]
