"""``--flink-version``: rules that differ by release follow it; unknown releases are refused."""

from __future__ import annotations

import pytest

from flinkdoctor.engine.settings import FlinkVersion
from flinkdoctor.errors import InputError
from tests.engine.helpers import BASE, MIN, rec, run

SESSION = (
    "CREATE TABLE ev (ts_ms BIGINT, ts AS TO_TIMESTAMP_LTZ(ts_ms, 3), k STRING, "
    "WATERMARK FOR ts AS ts - INTERVAL '0' SECOND) WITH ('connector' = 'filesystem', "
    "'path' = '/x', 'format' = 'json');\n"
    "SELECT window_start, window_end, k, COUNT(*) AS c FROM TABLE(SESSION(TABLE ev PARTITION BY k, "
    "DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end, k;"
)


def test_r3_6_session_tvf_from_1_19() -> None:
    """R3.6: the SESSION window TVF aggregate exists in streaming from 1.19."""
    rows = [rec(BASE), rec(BASE + 30_000), rec(BASE + 10 * MIN)]
    assert [r["c"] for r in run(SESSION, rows).rows] == [2, 1]
    old = run(SESSION, rows, flink_version="1.18")
    assert old.failure is not None and old.failure.rule == "R3.6"


def test_version_parse_refuses_unknown_releases() -> None:
    """Unknown releases are rejected instead of guessed."""
    assert FlinkVersion.parse("1.20.3").text == "1.20.3"
    assert FlinkVersion.parse("1.20").text == "1.20.3"  # a line means its newest release
    assert FlinkVersion.parse("2.0").kafka_max_semantics
    for unknown in ("1.12", "1.20.9", "1.20.x", "3.0"):
        with pytest.raises(InputError):
            FlinkVersion.parse(unknown)


def test_2x_notes_say_what_is_unknown() -> None:
    """2.x: known differences applied, unknown ones named in the notes."""
    result = run(SESSION, [rec(BASE)], flink_version="2.0")
    text = " ".join(result.notes)
    assert "FLINK-38454" in text and "not known" in text
