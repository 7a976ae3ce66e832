"""``flinkdoctor simulate-windows``: the CLI contract (exit codes, JSON schema, exports, errors)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from flinkdoctor.cli import simulate_windows

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "seed"
SCHEMA = ROOT / "docs" / "schemas" / "simulate-windows.schema.json"


def _app() -> typer.Typer:
    app = typer.Typer()
    simulate_windows.register(app)

    @app.callback()
    def _root() -> None:
        """test root"""

    return app


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(_app(), ["simulate-windows", *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        from flinkdoctor.errors import FlinkDoctorError

        if isinstance(result.exception, FlinkDoctorError):
            return result.exception.exit_code, str(result.exception)
        raise result.exception
    return result.exit_code, result.stdout


CASES = [
    ("case1_seed_original.sql", "case1_events.jsonl", []),
    ("case2_seed_fixed.py", "case2_events.jsonl", []),
    (
        "case3_parallelism_gt_partitions.sql",
        "case3_events.jsonl",
        ["--set", "table.exec.source.idle-timeout=5 s"],
    ),
    ("case4_mixed_shapes.sql", "case4_events.jsonl", ["--arrival", "live"]),
    ("case4_mixed_shapes_tvf.sql", "case4_events.jsonl", []),
    ("case5_json_timestamp.sql", "case5_events.jsonl", []),
    ("case6_window_not_closed.sql", "case6_events.jsonl", ["--arrival", "backlog", "--rate", "2"]),
    ("case2_seed_fixed.sql", "case2_events.jsonl", ["--bounded"]),
]


@pytest.mark.parametrize(("script", "events", "extra"), CASES)
def test_json_output_matches_schema(script: str, events: str, extra: list[str]) -> None:
    """Every JSON document validates against docs/schemas/simulate-windows.schema.json."""
    jsonschema = pytest.importorskip("jsonschema")
    code, out = invoke(
        str(SEED / script), "--events", str(SEED / events), "--format", "json", *extra
    )
    doc = json.loads(out)
    jsonschema.validate(doc, json.loads(SCHEMA.read_text()))
    assert code == doc["summary"]["exit_code"]
    assert set(doc) >= {"rows", "pending", "dropped", "watermarks", "config"}


def test_json_rows_use_output_names_and_types() -> None:
    """Row keys are the sink's column names; timestamps strings, numbers numbers."""
    code, out = invoke(
        str(SEED / "case2_seed_fixed.sql"),
        "--events",
        str(SEED / "case2_events.jsonl"),
        "--format",
        "json",
        "--bounded",
    )
    doc = json.loads(out)
    assert code == 0
    assert doc["rows"][0] == {
        "event_hour": "2024-12-14 03:00:00.000",
        "host": "www.dataexpert.io",
        "num_hits": 2,
    }
    assert len(doc["rows"]) == 5 and doc["pending"] == []


def test_exit_2_on_bad_input(tmp_path: Path) -> None:
    """Usage / input errors: exit 2 with one line naming the value or file:line at fault."""
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"partition": 0, "offset": 0, "timestamp": 1, "value": {}}\nnot json\n')
    code, message = invoke(str(SEED / "case2_seed_fixed.sql"), "--events", str(bad))
    assert code == 2 and "bad.jsonl:2" in message
    code, message = invoke(
        str(SEED / "case2_seed_fixed.sql"), "--events", str(bad), "--set", "nokey"
    )
    assert code == 2 and "KEY=VALUE" in message
    code, message = invoke(
        str(SEED / "case2_seed_fixed.sql"),
        "--events",
        str(SEED / "case2_events.jsonl"),
        "--flink-version",
        "3.7",
    )
    assert code == 2 and "3.7" in message
    code, message = invoke(
        str(SEED / "case2_seed_fixed.sql"),
        "--events",
        str(SEED / "case2_events.jsonl"),
        "--partitions",
        "2",
    )
    assert code == 2 and "partition 2" in message


def test_text_report_and_exports(tmp_path: Path) -> None:
    """The human report names the holding partition; --svg / --html save the same picture."""
    svg, html = tmp_path / "r.svg", tmp_path / "r.html"
    code, out = invoke(
        str(SEED / "case6_window_not_closed.sql"),
        "--events",
        str(SEED / "case6_events.jsonl"),
        "--svg",
        str(svg),
        "--html",
        str(html),
    )
    assert code == 1
    assert "partition 1" in out and "Windows still open" in out and "Watermark vs event time" in out
    assert svg.read_text().startswith("<svg") and "<html" in html.read_text().lower()
