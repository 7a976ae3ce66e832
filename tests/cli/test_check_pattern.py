"""``flinkdoctor check-pattern`` end to end: verdicts, suggestion, JSON contract, exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema

from tests.cli.conftest import Run

SCHEMA = json.loads(
    (Path(__file__).parents[2] / "docs" / "schemas" / "check-pattern.schema.json").read_text()
)
ISO_MILLIS_Z = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"


def _json(run: Run) -> dict:  # type: ignore[type-arg]
    data = json.loads(run.out)
    jsonschema.validate(data, SCHEMA)
    return data  # type: ignore[no-any-return]


def test_r4_2_iso_value_against_space_pattern_is_null_with_suggestion(
    cli: Callable[..., Run],
) -> None:
    """The issue's acceptance case: the seed's pattern on the seed's data (R4.2, seed §3.2)."""
    run = cli("check-pattern", "yyyy-MM-dd HH:mm:ss", "2024-12-14T03:12:45.123Z")
    assert run.code == 1
    assert "NULL" in run.out
    assert "^" in run.out  # caret under the failing character
    assert "TO_TIMESTAMP" in run.out
    assert "yyyy-MM-dd''T''HH:mm:ss.SSS''Z''" in run.out  # SQL-escaped DDL line to paste


def test_r4_2_json_contract(cli: Callable[..., Run]) -> None:
    run = cli(
        "check-pattern",
        "--format",
        "json",
        "yyyy-MM-dd HH:mm:ss",
        "2024-12-14T03:12:45.123Z",
        "2024-12-14 03:12:45",
        "2024-12-14 03:12:45.123",
    )
    assert run.code == 1
    data = _json(run)
    assert data["pattern"] == "yyyy-MM-dd HH:mm:ss"
    statuses = [(r["status"], r["timestamp"]) for r in data["results"]]
    assert statuses == [
        ("null", None),
        ("ok", "2024-12-14 03:12:45.000"),
        ("fallback", "2024-12-14 03:12:45.123"),  # Timestamp.valueOf fallback (R4.2)
    ]
    assert data["summary"]["total"] == 3
    assert data["summary"]["null"] == 1 and data["summary"]["fallback"] == 1
    assert data["summary"]["first_problem"]["index"] == 0
    assert data["summary"]["first_problem"]["error_index"] == 10
    assert data["suggestion"]["pattern"] is not None


def test_all_ok_exits_zero_and_has_no_suggestion(cli: Callable[..., Run]) -> None:
    run = cli("check-pattern", "--format", "json", ISO_MILLIS_Z, "2024-12-14T03:12:45.123Z")
    assert run.code == 0
    data = _json(run)
    assert data["results"][0]["timestamp"] == "2024-12-14 03:12:45.123"
    assert data["suggestion"] is None


def test_sql_literal_is_unescaped(cli: Callable[..., Run]) -> None:
    run = cli(
        "check-pattern",
        "--format",
        "json",
        "--sql-literal",
        "yyyy-MM-dd''T''HH:mm:ss.SSS''Z''",
        "2024-12-14T03:12:45.123Z",
    )
    assert run.code == 0
    assert _json(run)["pattern"] == ISO_MILLIS_Z


def test_sql_literal_with_lone_quote_is_a_usage_error(cli: Callable[..., Run]) -> None:
    run = cli("check-pattern", "--sql-literal", "yyyy-MM-dd'T'HH", "x")
    assert run.code == 2
    assert "unescaped quote" in run.err
    assert "Traceback" not in run.err


def test_values_from_stdin(cli: Callable[..., Run]) -> None:
    run = cli(
        "check-pattern",
        "--format",
        "json",
        ISO_MILLIS_Z,
        "-",
        stdin="2024-12-14T03:12:45.123Z\n2024-12-14T03:12:45Z\n",
    )
    assert run.code == 1
    assert [r["status"] for r in _json(run)["results"]] == ["ok", "null"]


def test_events_file_with_field(cli: Callable[..., Run], tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    events.write_text(
        '{"event_time": "2024-12-14T03:12:45.123Z"}\n{"other": 1}\n'
        '{"event_time": "2024-12-14T03:12:46.000Z"}\n'
    )
    run = cli(
        "check-pattern",
        "--format",
        "json",
        ISO_MILLIS_Z,
        "--events",
        str(events),
        "--field",
        "event_time",
    )
    assert run.code == 1
    results = _json(run)["results"]
    assert [r["value"] for r in results] == [
        "2024-12-14T03:12:45.123Z",
        None,
        "2024-12-14T03:12:46.000Z",
    ]
    assert [r["status"] for r in results] == ["ok", "null", "ok"]


def test_ddl_takes_the_rowtime_conversion(cli: Callable[..., Run], tmp_path: Path) -> None:
    script = tmp_path / "job.sql"
    script.write_text(
        "CREATE TABLE events (\n"
        "  host STRING,\n"
        "  event_time STRING,\n"
        "  rt AS TO_TIMESTAMP(event_time, 'yyyy-MM-dd HH:mm:ss'),\n"
        "  WATERMARK FOR rt AS rt - INTERVAL '15' SECOND\n"
        ") WITH ('connector' = 'kafka', 'format' = 'json');\n"
    )
    events = tmp_path / "events.jsonl"
    events.write_text('{"host": "a", "event_time": "2024-12-14T03:12:45.123Z"}\n')
    run = cli("check-pattern", "--ddl", str(script), "--events", str(events))
    assert run.code == 1
    assert "TO_TIMESTAMP(event_time, 'yyyy-MM-dd HH:mm:ss')" in run.out
    assert "rt AS TO_TIMESTAMP(event_time, 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''')" in run.out


def test_ddl_json_timestamp_column_r4_5(cli: Callable[..., Run], tmp_path: Path) -> None:
    """Seed case 5: TIMESTAMP(3) straight from JSON under the default SQL standard fails the job."""
    script = tmp_path / "job.sql"
    script.write_text(
        "CREATE TABLE events (host STRING, event_time TIMESTAMP(3),\n"
        "  WATERMARK FOR event_time AS event_time - INTERVAL '15' SECOND\n"
        ") WITH ('connector' = 'kafka', 'format' = 'json');\n"
    )
    run = cli("check-pattern", "--format", "json", "--ddl", str(script), "2024-12-14T03:00:05.123Z")
    assert run.code == 1
    data = _json(run)
    assert data["pattern"] is None
    assert data["results"][0]["status"] == "fail"


def test_usage_errors_are_one_line_exit_2(cli: Callable[..., Run], tmp_path: Path) -> None:
    for args in (
        ["check-pattern"],
        ["check-pattern", "yyyy"],
        ["check-pattern", "--format", "xml", "yyyy", "2024"],
        ["check-pattern", "--ddl", str(tmp_path / "missing.sql"), "x"],
        ["check-pattern", "yyyy", "--events", str(tmp_path / "missing.jsonl"), "--field", "x"],
        ["check-pattern", "--no-such-option"],
    ):
        run = cli(*args)
        assert run.code == 2, (args, run)
        assert "Traceback" not in run.err
        assert run.err.strip(), args


def test_malformed_events_line_names_file_and_line(cli: Callable[..., Run], tmp_path: Path) -> None:
    events = tmp_path / "bad.jsonl"
    events.write_text('{"t": "2024-12-14T03:12:45.123Z"}\n{not json\n')
    run = cli("check-pattern", ISO_MILLIS_Z, "--events", str(events), "--field", "t")
    assert run.code == 2
    assert f"{events}:2" in run.err


def test_r4_2_fallback_keeps_micros_as_flink_prints_them(cli: Callable[..., Run]) -> None:
    """Flink's Timestamp.valueOf fallback keeps 9 fraction digits in the TIMESTAMP(3) value and
    CAST(... AS STRING) prints them (checked against Flink 1.20.3 in tests/timeformat)."""
    run = cli("check-pattern", "--format", "json", "yyyy-MM-dd", "2024-12-14 03:12:45.123456")
    assert run.code == 1
    result = _json(run)["results"][0]
    assert (result["status"], result["timestamp"]) == ("fallback", "2024-12-14 03:12:45.123456")


def test_r6_3_epoch_values_get_advice_not_a_pattern(cli: Callable[..., Run]) -> None:
    run = cli("check-pattern", "--format", "json", "yyyy-MM-dd HH:mm:ss", "1734145965123")
    assert run.code == 1
    suggestion = _json(run)["suggestion"]
    assert suggestion["pattern"] is None
    assert "TO_TIMESTAMP_LTZ(x, 3)" in suggestion["note"]


def test_r4_5_seed_case1_missing_field_is_named_with_the_likely_one(
    cli: Callable[..., Run],
) -> None:
    """Seed case 1's first bug: the DDL reads event_timestamp, the events carry event_time;
    flink-json reads the missing field as NULL, so every rowtime is NULL (R4.5, R1.7)."""
    seed = Path(__file__).parents[2] / "examples" / "seed"
    run = cli(
        "check-pattern",
        "--format",
        "json",
        "--ddl",
        str(seed / "case1_seed_original.py"),
        "--events",
        str(seed / "case1_events.jsonl"),
    )
    assert run.code == 1
    data = _json(run)
    assert data["summary"]["null"] == data["summary"]["total"] == 6
    assert len(data["notes"]) == 1
    assert "'event_timestamp' is missing in 6 of 6 events" in data["notes"][0]
    assert data["notes"][0].endswith("did you mean 'event_time'?")


def test_version_and_help(cli: Callable[..., Run]) -> None:
    run = cli("--version")
    assert run.code == 0 and run.out.startswith("flinkdoctor ")
    run = cli("--help")
    assert run.code == 0
    for command in ("check-pattern", "simulate-windows", "sample"):
        assert command in run.out
