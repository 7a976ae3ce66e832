"""simulate-windows on odd inputs: empty, malformed, missing; one line and the right exit code."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.cli.conftest import Run

SEED = Path(__file__).parents[2] / "examples" / "seed"


def test_r5_7_no_input_records_is_a_diagnosis(cli: Callable[..., Run], tmp_path: Path) -> None:
    """An empty events file (or an empty topic) is the answer itself: exit 1, said in words."""
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    run = cli(
        "simulate-windows",
        str(SEED / "case2_seed_fixed.sql"),
        "--events",
        str(empty),
        "--format",
        "json",
    )
    assert run.code == 1
    data = json.loads(run.out)
    assert data["rows"] == []
    assert any(f.startswith("R5.7: no input records") for f in data["diagnoses"])


def test_malformed_events_line_is_one_line_exit_2(cli: Callable[..., Run], tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"event_time": "2024-12-14T03:00:05.123Z"}\n{"a":\n')
    run = cli("simulate-windows", str(SEED / "case2_seed_fixed.sql"), "--events", str(bad))
    assert run.code == 2
    assert run.err.strip() == (
        f"flinkdoctor: error: {bad}:2: not valid JSON (Expecting value at the end of the line): "
        "'{\"a\":'"
    )


def test_missing_script_and_bad_option_values(cli: Callable[..., Run], tmp_path: Path) -> None:
    events = SEED / "case2_events.jsonl"
    for args in (
        ["simulate-windows", str(tmp_path / "none.sql"), "--events", str(events)],
        [
            "simulate-windows",
            str(SEED / "case2_seed_fixed.sql"),
            "--events",
            str(events),
            "--arrival",
            "sometimes",
        ],
        [
            "simulate-windows",
            str(SEED / "case2_seed_fixed.sql"),
            "--events",
            str(events),
            "--flink-version",
            "1.20.9",
        ],
        [
            "simulate-windows",
            str(SEED / "case2_seed_fixed.sql"),
            "--events",
            str(events),
            "--set",
            "novalue",
        ],
    ):
        run = cli(*args)
        assert run.code == 2, args
        assert len(run.err.strip().splitlines()) == 1 and "Traceback" not in run.err, run.err


def test_r6_8_seed_case4_phantom_1970_rows_are_explained(cli: Callable[..., Run]) -> None:
    """Seed case 4 (§3.5, R6.8): two rowtimes are NULL; the legacy window counts them in 1970
    windows, which fire as phantom rows. The finding names the count and the fix."""
    run = cli(
        "simulate-windows",
        str(SEED / "case4_mixed_shapes.sql"),
        "--events",
        str(SEED / "case4_events.jsonl"),
        "--format",
        "json",
    )
    assert run.code == 1
    data = json.loads(run.out)
    assert sum(1 for row in data["rows"] if row["event_hour"].startswith("1970-01-01")) == 2
    [finding] = [f for f in data["diagnoses"] if f.startswith("R6.8")]
    assert finding.startswith("R6.8: 2 record(s) have a NULL rowtime")
