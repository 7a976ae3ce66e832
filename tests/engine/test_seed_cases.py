"""The six seed cases (seed-case.md §6) through ``simulate-windows``: each outcome as described."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flinkdoctor.engine import Overrides, build_plan, simulate
from flinkdoctor.events import read_events
from flinkdoctor.sql import load_script

SEED = Path(__file__).resolve().parents[2] / "examples" / "seed"


def run(script: str, events: str, **overrides: object):  # type: ignore[no-untyped-def]
    """Simulate like the CLI does (partitions inferred from the envelopes)."""
    path = SEED / script
    parsed = load_script(path.read_text(), str(path))
    records = list(read_events(str(SEED / events)))
    parts = max(r.partition or 0 for r in records) + 1
    options = {"partitions": parts, **overrides}
    plan = build_plan(parsed, Overrides(**options))  # type: ignore[arg-type]
    return simulate(plan, records)


def rows(result) -> list[tuple[str, str, int]]:  # type: ignore[no-untyped-def]
    from flinkdoctor.engine.timeutil import format_millis

    return sorted(
        (str(format_millis(r["event_hour"])), r["host"], r["num_hits"]) for r in result.rows
    )


@pytest.mark.parametrize("suffix", ["sql", "py"])
def test_case1_seed_original_nothing_fires(suffix: str) -> None:
    """Case 1 (R1.6, R1.7, seed §3.5): NULL rowtimes, every partition at Long.MIN_VALUE, rows in the
    1970 window that never fires; zero rows, no failure."""
    r = run(f"case1_seed_original.{suffix}", "case1_events.jsonl")
    assert r.failure is None and r.rows == ()
    assert {(p.window_start, p.window_end) for p in r.pending} == {(0, 300_000)}
    assert r.final_watermark is None
    assert all(h.rule == "R1.7" for p in r.pending for h in p.held_back_by)
    assert sum(p.records for p in r.pending) == 6


@pytest.mark.parametrize("suffix", ["sql", "py"])
def test_case2_seed_fixed_first_window_fires(suffix: str) -> None:
    """Case 2 (R1.6, R2.1, R3.3): min over partitions of latest rt - 15 s = 03:05:01.578 fires
    [03:00, 03:05); [03:05, 03:10) stays open."""
    r = run(f"case2_seed_fixed.{suffix}", "case2_events.jsonl")
    assert rows(r) == [
        ("2024-12-14 03:00:00.000", "bootcamp.techcreator.io", 1),
        ("2024-12-14 03:00:00.000", "www.dataexpert.io", 2),
    ]
    assert {p.window_start for p in r.pending} == {1734145500000}
    first = r.pending[0]
    assert first.held_back_by[0].input.startswith("partition 0")  # 03:05:01.578 is partition 0's


@pytest.mark.parametrize("suffix", ["sql", "py"])
def test_case3_parallelism_3_one_partition_stalls(suffix: str) -> None:
    """Case 3 (R2.2, R2.3): two subtasks own no partition and hold the watermark at MIN."""
    r = run(f"case3_parallelism_gt_partitions.{suffix}", "case3_events.jsonl")
    assert r.rows == () and r.failure is None
    first = r.pending[0]
    assert first.window_start == 1734145200000
    assert {h.input for h in first.held_back_by} == {"subtask 0", "subtask 1"}
    assert all(h.rule == "R2.3" for h in first.held_back_by)


def test_case3_fires_with_idle_timeout_or_parallelism_1() -> None:
    """Case 3 fixes (R2.3, R2.4): an idle timeout of 5 s, or parallelism 1, fires [03:00, 03:05)."""
    for overrides in ({"settings": {"table.exec.source.idle-timeout": "5 s"}}, {"parallelism": 1}):
        r = run("case3_parallelism_gt_partitions.sql", "case3_events.jsonl", **overrides)
        assert rows(r) == [
            ("2024-12-14 03:00:00.000", "bootcamp.techcreator.io", 1),
            ("2024-12-14 03:00:00.000", "www.dataexpert.io", 2),
        ]


def test_case4_legacy_window_phantom_1970_rows_when_read_first() -> None:
    """Case 4, file arrival (seed §3.5, R6.2): the NULL rows reach the legacy window before any
    watermark, land in the 1970 window and are emitted; [03:00, 03:05) undercounts."""
    r = run("case4_mixed_shapes.sql", "case4_events.jsonl")
    assert rows(r) == [
        ("1970-01-01 00:00:00.000", "www.dataexpert.io", 1),
        ("1970-01-01 00:00:00.000", "www.techcreator.io", 1),
        ("2024-12-14 03:00:00.000", "bootcamp.techcreator.io", 1),
        ("2024-12-14 03:00:00.000", "www.dataexpert.io", 2),
    ]


def test_case4_legacy_window_silent_drop_when_read_late() -> None:
    """Case 4, live arrival (R3.7): the NULL rows arrive after the watermark passed 1970 and are
    dropped as late, silently; [03:00, 03:05) undercounts."""
    r = run("case4_mixed_shapes.sql", "case4_events.jsonl", arrival="live")
    assert rows(r) == [
        ("2024-12-14 03:00:00.000", "bootcamp.techcreator.io", 1),
        ("2024-12-14 03:00:00.000", "www.dataexpert.io", 2),
    ]
    assert r.dropped_by_rule == {"R3.7": 2}
    assert all(d.event_time is None for d in r.dropped)


def test_case4_tvf_query_fails_the_job() -> None:
    """Case 4 with a window TVF (R1.7, seed §3.5): the aggregate throws on the NULL rowtime."""
    r = run("case4_mixed_shapes_tvf.sql", "case4_events.jsonl")
    assert r.failure is not None and r.failure.rule == "R1.7"
    assert "RowTime field should not be null" in r.failure.message
    assert r.failure.restarts  # checkpointing on: restart loop


@pytest.mark.parametrize("suffix", ["sql", "py"])
def test_case5_json_timestamp_restart_loop(suffix: str) -> None:
    """Case 5 (R4.5, R1.5): flink-json cannot read '...Z' as TIMESTAMP(3): the job fails and, with
    checkpointing on, restarts forever."""
    r = run(f"case5_json_timestamp.{suffix}", "case5_events.jsonl")
    assert r.failure is not None and r.failure.rule == "R4.5" and r.failure.restarts
    assert r.rows == ()


def test_case5_ignore_parse_errors_is_silent_like_case1() -> None:
    """Case 5 with json.ignore-parse-errors (R4.5): the field is NULL, behaves like Case 1."""
    path = SEED / "case5_json_timestamp.sql"
    text = path.read_text().replace(
        "'format' = 'json'", "'format' = 'json',\n  'json.ignore-parse-errors' = 'true'"
    )
    plan = build_plan(load_script(text, str(path)), Overrides(partitions=3))
    r = simulate(plan, read_events(str(SEED / "case5_events.jsonl")))
    assert r.failure is None and r.rows == ()
    assert {(p.window_start, p.window_end) for p in r.pending} == {(0, 300_000)}


def test_case5_fix_ltz_iso_fires() -> None:
    """Case 5 fix (R4.5): TIMESTAMP_LTZ(3) + ISO-8601 parses and [03:00, 03:05) fires."""
    path = SEED / "case5_json_timestamp.sql"
    text = (
        path.read_text()
        .replace("event_time TIMESTAMP(3)", "event_time TIMESTAMP_LTZ(3)")
        .replace(
            "'format' = 'json'",
            "'format' = 'json',\n  'json.timestamp-format.standard' = 'ISO-8601'",
        )
    )
    plan = build_plan(load_script(text, str(path)), Overrides(partitions=3))
    r = simulate(plan, read_events(str(SEED / "case5_events.jsonl")))
    assert rows(r) == [
        ("2024-12-14 03:00:00.000", "bootcamp.techcreator.io", 1),
        ("2024-12-14 03:00:00.000", "www.dataexpert.io", 2),
    ]


@pytest.mark.parametrize("suffix", ["sql", "py"])
def test_case6_window_not_closed_yet(suffix: str) -> None:
    """Case 6 (R2.7, R6.5): partitions at 03:04:50, 03:02:10.454, 03:04:31.424; the min
    03:02:10.454 < 03:04:59.999, nothing fired; partition 1 holds it back."""
    r = run(f"case6_window_not_closed.{suffix}", "case6_events.jsonl")
    assert r.rows == () and r.failure is None
    assert r.final_watermark == 1734145330454
    first = r.pending[0]
    assert first.needed_watermark == 1734145499999
    assert first.held_back_by[0].input.startswith("partition 1")
    assert first.release_event_time == 1734145514999  # 2024-12-14 03:05:14.999


def test_cli_exit_codes_and_json() -> None:
    """The command: exit 1 with a diagnosis, 0 when clean, 2 on bad input; JSON parses."""
    import typer

    from flinkdoctor.cli import simulate_windows

    app = typer.Typer()
    simulate_windows.register(app)

    @app.callback()
    def _root() -> None:
        """test root"""

    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "simulate-windows",
            str(SEED / "case6_window_not_closed.sql"),
            "--events",
            str(SEED / "case6_events.jsonl"),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    assert doc["rows"] == [] and doc["pending"][0]["needed_watermark"] == "2024-12-14 03:04:59.999"
    clean = runner.invoke(
        app,
        [
            "simulate-windows",
            str(SEED / "case2_seed_fixed.sql"),
            "--events",
            str(SEED / "case2_events.jsonl"),
            "--bounded",
        ],
    )
    assert clean.exit_code == 0, clean.output
