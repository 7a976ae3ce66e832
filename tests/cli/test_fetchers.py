"""``simulate-windows`` prints the same report, byte for byte, whether split fetchers read the
events file (forked processes: by default for a file of 4 MiB or more when a CPU is idle,
``FLINKDOCTOR_WORKERS=2`` here) or the task process reads it alone
(``FLINKDOCTOR_WORKERS=0``): on the benchmark's seed-shaped jobs, the other rowtime forms, and
a file with lines the fast loop hands back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.bench_rowtime import FORMS, START_MS, script, write_events

EXE = str(Path(sys.executable).with_name("flinkdoctor"))


def _run(job: Path, events: Path, workers: str, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FLINKDOCTOR_WORKERS": workers}
    return subprocess.run(
        [EXE, "simulate-windows", str(job), "--events", str(events), *extra],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("form", "parallelism"),
    [("seed_legacy", 1), ("seed_tvf", 3), ("pattern_optional_millis", 1), ("json_timestamp3", 1)],
)
def test_fetchers_print_the_same_report(form: str, parallelism: int, tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    write_events(form, 20_000, events)
    field = "rt" if form.startswith("json") else "event_time"
    with events.open("a") as out:  # lines the fast loop hands back: a late one, and for the
        # legacy window (where a NULL rowtime does not fail the job) bad ones
        out.write(json.dumps({field: FORMS[form][3](START_MS), "host": "late"}) + "\n")
        if form == "seed_legacy":
            out.write(json.dumps({"host": "no time"}) + "\n")
            out.write(json.dumps({field: "2024-12-01 00:00:01", "host": "bad"}) + "\n")
    job = tmp_path / "job.sql"
    job.write_text(script(form, parallelism).replace("${DATA_DIR}", str(tmp_path)))
    for extra in (("--format", "json"), ()):
        alone = _run(job, events, "0", *extra)
        fetched = _run(job, events, "2", *extra)
        assert alone.returncode == fetched.returncode, alone.stderr + fetched.stderr
        assert alone.returncode in (0, 1), alone.stderr  # a report (1: it names a cause)
        assert fetched.stdout == alone.stdout and fetched.stderr == alone.stderr
    assert len(json.loads(_run(job, events, "2", "--format", "json").stdout)["rows"]) > 100


def test_a_bad_workers_value_is_one_line_and_exit_2(tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    write_events("seed_tvf", 100, events)
    job = tmp_path / "job.sql"
    job.write_text(script("seed_tvf", 1).replace("${DATA_DIR}", str(tmp_path)))
    run = _run(job, events, "two")
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        "flinkdoctor: error: FLINKDOCTOR_WORKERS='two': expected a number of processes "
        "(0: one process; 1 or more: a second process wherever it can)"
    ]
