"""The parser against real Flink 1.20: the same scripts are accepted or rejected, rejections
with Flink's own message where we promise it, and the reserved-word list still holds."""

# ruff: noqa: E501  (a table of scripts reads better unwrapped)

from __future__ import annotations

import re

import pytest

from flinkdoctor.errors import Location
from flinkdoctor.sql.errors import SqlError
from flinkdoctor.sql.reserved import RESERVED
from flinkdoctor.sql.script import parse_script
from tests.support.flink import FlinkRuntime

T = "CREATE TABLE t (a INT, b STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'datagen');\n"

# (script, None if both accept, else a message both Flink's error and ours contain)
CASES: list[tuple[str, str | None]] = [
    (
        "CREATE TABLE x (ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '300' SECOND) WITH ('connector'='datagen')",
        "Interval field value 300 exceeds precision of SECOND(2) field",
    ),
    (
        "CREATE TABLE x (ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '300' SECOND(3)) WITH ('connector'='datagen')",
        None,
    ),
    (
        T + "EXPLAIN SELECT ts - INTERVAL '-300' SECOND FROM t",
        "Interval field value -300 exceeds precision of SECOND(2) field",
    ),
    (
        T + "EXPLAIN SELECT ts - INTERVAL '100' DAY FROM t",
        "Interval field value 100 exceeds precision of DAY(2) field",
    ),
    (
        T + "EXPLAIN SELECT ts - INTERVAL '1.1234567' SECOND FROM t",
        "Illegal interval literal format '1.1234567' for INTERVAL SECOND",
    ),
    (
        T + "EXPLAIN SELECT ts - INTERVAL '1:60' HOUR TO MINUTE FROM t",
        "Illegal interval literal format '1:60' for INTERVAL HOUR TO MINUTE",
    ),
    (
        T + "EXPLAIN SELECT ts - INTERVAL '5' SECOND(11) FROM t",
        "Interval leading field precision '11' out of range for INTERVAL SECOND(11)",
    ),
    (T + "EXPLAIN SELECT ts - INTERVAL 300 SECOND, ts - INTERVAL -'5' SECOND FROM t", None),
    (
        T
        + "EXPLAIN SELECT ts - INTERVAL '1:30' HOUR TO MINUTE, ts - INTERVAL '0.001' SECOND FROM t",
        None,
    ),
    (
        T
        + "EXPLAIN SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' MINUTES)) GROUP BY window_start, window_end",
        None,
    ),
    (
        T
        + "EXPLAIN SELECT window_start, COUNT(*) FROM TABLE(HOP(DATA => TABLE t, TIMECOL => DESCRIPTOR(ts), SLIDE => INTERVAL '1' MINUTE, SIZE => INTERVAL '5' MINUTE)) GROUP BY window_start, window_end",
        None,
    ),
    (
        T
        + "EXPLAIN SELECT window_start, COUNT(*) FROM TABLE(CUMULATE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '5' MINUTE)) GROUP BY window_start, window_end",
        None,
    ),
    (
        T
        + "EXPLAIN SELECT window_start, a, COUNT(*) FROM TABLE(SESSION(TABLE t PARTITION BY a, DESCRIPTOR(ts), INTERVAL '5' MINUTE)) GROUP BY window_start, window_end, a",
        None,
    ),
    (
        T
        + "EXPLAIN SELECT TUMBLE_START(ts, INTERVAL '5' MINUTES), b, COUNT(b) FROM t GROUP BY TUMBLE(ts, INTERVAL '5' MINUTES), b",
        None,
    ),
    (T + "EXPLAIN SELECT * FROM t /*+ OPTIONS('rows-per-second'='5') */ AS tt", None),
    (
        T
        + "EXPLAIN SELECT window_start FROM TABLE(TUMBLE(TABLE t /*+ OPTIONS('rows-per-second'='5') */, DESCRIPTOR(ts), INTERVAL '1' MINUTE))",
        "Encountered",
    ),
    (T + "EXPLAIN SELECT a AS 'x' FROM t", "Expecting alias, found character literal"),
    (
        T
        + "EXPLAIN SELECT EXTRACT(DAY FROM ts), FLOOR(ts TO HOUR), TIMESTAMPADD(DAY, 1, ts), POSITION('a' IN b), TRIM(BOTH ' ' FROM b) FROM t",
        None,
    ),
    (
        T
        + "EXPLAIN SELECT JSON_VALUE(b, '$.a' RETURNING INT NULL ON EMPTY), CAST(a AS STRING), TRY_CAST(b AS INT), COALESCE(b, 'x') FROM t",
        None,
    ),
    (
        T
        + "EXPLAIN SELECT CASE WHEN a IS NULL THEN 0 WHEN a BETWEEN 1 AND 2 THEN 1 ELSE 2 END, b LIKE 'x%', a IN (1, 2) FROM t",
        None,
    ),
    ("CREATE TABLE x (a INT) WITH ('connector' = datagen)", "Encountered"),
    ("CREATE TABLE x (a INT) WITH (connector = 'datagen')", "Encountered"),
    (
        "CREATE TABLE x (ts TIMESTAMP(3), WATERMARK FOR ts AS ts, WATERMARK FOR ts AS ts) WITH ('connector'='datagen')",
        "Multiple WATERMARK statements is not supported yet.",
    ),
    ("CREATE TABLE x (timestamp TIMESTAMP(3)) WITH ('connector'='datagen')", "Encountered"),
    (
        "CREATE TABLE x (`timestamp` TIMESTAMP(3), `value` INT, key STRING, data STRING) WITH ('connector'='datagen')",
        None,
    ),
    (
        "CREATE TABLE x (a INT, m MAP<STRING, ARRAY<ROW<x INT, y STRING>>>, t TIMESTAMP(3) WITH LOCAL TIME ZONE, d DECIMAL(10, 2) NOT NULL) WITH ('connector'='datagen')",
        None,
    ),
    (
        "CREATE TABLE x (a INT, PRIMARY KEY (a) NOT ENFORCED) WITH ('connector'='datagen');\nCREATE TABLE y (b INT) WITH ('number-of-rows' = '1') LIKE x (EXCLUDING CONSTRAINTS)",
        None,
    ),
    (
        "SET 'table.exec.source.idle-timeout' = '5 s';\nRESET 'table.exec.source.idle-timeout';\nSET table.exec.source.idle-timeout = 5s",
        None,
    ),
    ("CREATE TABLE x (a INT) WITH ('connector' = 'data'\n'gen');\nEXPLAIN SELECT * FROM x", None),
    (
        T
        + "EXPLAIN SELECT * FROM t MATCH_RECOGNIZE (PARTITION BY a ORDER BY ts MEASURES A.b AS x PATTERN (A B+ C) DEFINE B AS B.a > A.a, C AS C.a < B.a) AS mr",
        None,
    ),
    (T + "EXPLAIN WITH x AS (SELECT a FROM t) SELECT a FROM x UNION ALL SELECT a FROM t", None),
    (
        T
        + "EXPLAIN SELECT X'0A', TIMESTAMPDIFF(SECOND, ts, ts), DATE '2024-01-01', TIMESTAMP '2024-01-01 00:00:00' FROM t",
        None,
    ),
    (T + "EXPLAIN SELECT a FROM t ORDER BY ts LIMIT 3", None),
    (T + "EXPLAIN SELECT value FROM t", "Encountered"),
]


def _encountered(flink_error: str) -> str:
    """The token Calcite's parser stopped at: ``Encountered "x" at line 1, column 44``."""
    match = re.search(r'Encountered "(.*?)" at line \d+, column \d+', flink_error)
    assert match is not None, flink_error
    return match.group(1)


def _text_at(script: str, where: Location) -> str:
    """The script from ``where`` (1-based line and column) on."""
    line = script.splitlines()[where.line - 1]
    return line[where.column - 1 :]


def _flink_accepts(flink: FlinkRuntime, scripts: list[str]) -> list[str | None]:
    return [r.root_cause or r.error for r in flink.run_scripts(scripts, timeout=60)]


@pytest.mark.flink
def test_parser_agrees_with_flink(flink: FlinkRuntime) -> None:
    flink_errors = _flink_accepts(flink, [script for script, _ in CASES])
    for (script, message), flink_error in zip(CASES, flink_errors, strict=True):
        ours: str | None = None
        ours_at: Location | None = None
        try:
            parse_script(script)
        except SqlError as e:
            ours, ours_at = e.message, e.location
        if message is None:
            assert flink_error is None, (script, flink_error)
            assert ours is None, (script, ours)
        else:
            assert flink_error is not None and message in flink_error, (script, flink_error)
            assert ours is not None, script
            if message != "Encountered":
                assert message in ours, (script, ours)
            else:  # the same cause: both stop at the token Flink's parser names
                assert ours_at is not None
                token = _encountered(flink_error)
                assert _text_at(script, ours_at).lower().startswith(token.lower()), (
                    script,
                    flink_error,
                    ours,
                )


NOT_RESERVED = [
    "key",
    "data",
    "name",
    "type",
    "status",
    "session",
    "first",
    "last",
    "desc",
    "zone",
    "state",
    "source",
    "event",
    "host",
    "url",
    "ip",
    "id",
    "ts",
    "size",
    "step",
    "slide",
    "gap",
    "nulls",
    "map",
    "json",
    "format",
    "metadata",
    "virtual",
    "enforced",
    "partitioned",
    "options",
    "level",
]


@pytest.mark.flink
def test_reserved_words_match_flink(flink: FlinkRuntime) -> None:
    words = sorted(RESERVED) + NOT_RESERVED
    errors = _flink_accepts(
        flink, [f"CREATE TABLE x ({w.lower()} INT) WITH ('connector'='datagen')" for w in words]
    )
    wrong = [
        w for w, err in zip(words, errors, strict=True) if (err is not None) != (w in RESERVED)
    ]
    assert wrong == []
    for word, error in zip(words, errors, strict=True):  # a parse error at the word itself
        if word in RESERVED:  # (or at the type after it, which Calcite reads as its operand)
            assert error is not None
            match = re.search(
                r"""(?:Encountered "|Incorrect syntax near the keyword ')(.*?)["'] at line 1, """
                r"column (\d+)\.",
                error,
            )
            assert match is not None, error
            assert int(match.group(2)) in (17, 18 + len(word)), (word, error)
    for w in NOT_RESERVED:
        parse_script(f"CREATE TABLE x ({w} INT) WITH ('connector'='datagen')")
