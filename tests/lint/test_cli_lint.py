"""flinkdoctor lint end to end with the real rules: places in the user's own file (.sql and
.py), noqa, select / ignore / severity / fail-on / exit-zero from the command line and from
pyproject.toml, and every output format checked against its schema."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.lint.conftest import Run

ROOT = Path(__file__).parents[2]
SEED = ROOT / "examples" / "seed"
LINT_SCHEMA = json.loads((ROOT / "docs/schemas/lint.schema.json").read_text(encoding="utf-8"))
SARIF_SCHEMA = json.loads(
    (Path(__file__).parent / "data/sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)

# A Kafka event-time source with a pattern Java rejects (unquoted T, line 3 col 34 is where
# the literal starts), no idle timeout (the WATERMARK on line 4) and a latest-offset start
# (line 9): one error, one warning, one info.
JOB = """CREATE TABLE events (
  event_time STRING,
  ts AS TO_TIMESTAMP(event_time, 'yyyy-MM-ddTHH:mm:ss'),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = 'events',
  'properties.bootstrap.servers' = 'localhost:9092',
  'scan.startup.mode' = 'latest-offset',
  'format' = 'json'
);
"""


def codes_at(run: Run) -> list[tuple[str, str]]:
    """(place, code) of each finding line of a text report."""
    out = []
    for line in run.out.splitlines():
        if ": FD" in line:
            place, rest = line.split(": FD", 1)
            out.append((place, "FD" + rest.split()[0]))
    return out


@pytest.fixture
def job(tmp_path: Path) -> Path:
    (tmp_path / "job.sql").write_text(JOB)
    return tmp_path


def test_text_report_places_findings_in_the_file(cli: Callable[..., Run], job: Path) -> None:
    run = cli("lint", "job.sql", cwd=job)
    assert run.code == 1
    assert codes_at(run) == [
        ("job.sql:3:34", "FD101"),
        ("job.sql:4:3", "FD202"),
        ("job.sql:9:3", "FD206"),
    ]
    lines = run.out.splitlines()
    assert lines[0].startswith("job.sql:3:34: FD101 pattern-invalid ")
    assert lines[1].startswith("job.sql:4:3: FD202 no-idle-timeout ")
    assert lines[2].startswith("job.sql:9:3: FD206 startup-latest-offset ")
    assert lines[-1] == (
        "Found 3 findings (1 error, 1 warning, 1 info) in 1 file. "
        "Exit 1: findings at warning or worse."
    )


def test_pyflink_findings_are_at_the_py_line(cli: Callable[..., Run], tmp_path: Path) -> None:
    shutil.copy(SEED / "case2_seed_fixed.py", tmp_path / "job.py")
    run = cli("lint", "job.py", cwd=tmp_path)
    # the fixed seed job: only what is true of it (no idle timeout; latest-offset as info)
    assert codes_at(run) == [("job.py:50:13", "FD202"), ("job.py:59:13", "FD206")]
    source = (tmp_path / "job.py").read_text().splitlines()
    assert source[49].strip().startswith("WATERMARK FOR window_timestamp")
    assert source[58].strip().startswith("'scan.startup.mode' = 'latest-offset'")


@pytest.mark.parametrize(
    ("options", "expected", "code"),
    [
        ((), ["FD101", "FD202", "FD206"], 1),
        (("--fail-on", "error"), ["FD101", "FD202", "FD206"], 1),
        (("--select", "FD2"), ["FD202", "FD206"], 1),
        (("--select", "FD2", "--fail-on", "error"), ["FD202", "FD206"], 0),
        (("--select", "startup-latest-offset"), ["FD206"], 0),
        (("--select", "startup-latest-offset", "--fail-on", "INFO"), ["FD206"], 1),
        (("--ignore", "pattern-invalid,FD202"), ["FD206"], 0),
        (("--select", "FD1", "--select", "FD206", "--ignore", "FD101"), ["FD206"], 0),
        (("--exit-zero",), ["FD101", "FD202", "FD206"], 0),
        (
            ("--severity", "pattern-invalid=info", "--fail-on", "error", "--ignore", "FD2"),
            ["FD101"],
            0,
        ),
        (
            ("--severity", "FD206=error", "--fail-on", "error", "--ignore", "FD1"),
            [
                "FD202",
                "FD206",
            ],
            1,
        ),
    ],
)
def test_selection_and_thresholds(
    cli: Callable[..., Run], job: Path, options: tuple[str, ...], expected: list[str], code: int
) -> None:
    run = cli("lint", "--format", "json", *options, "job.sql", cwd=job)
    assert run.code == code, run.err
    assert [f["code"] for f in json.loads(run.out)["findings"]] == expected


def test_severity_override_shows_in_every_format(cli: Callable[..., Run], job: Path) -> None:
    run = cli("lint", "--format", "json", "--severity", "FD206=error", "job.sql", cwd=job)
    latest = json.loads(run.out)["findings"][2]
    assert (latest["code"], latest["severity"]) == ("FD206", "error")
    run = cli("lint", "--format", "github", "--severity", "FD206=error", "job.sql", cwd=job)
    assert run.out.splitlines()[2].startswith("::error file=job.sql,line=9,col=3,title=FD206")


def test_bad_options_are_usage_errors(cli: Callable[..., Run], job: Path) -> None:
    run = cli("lint", "--severity", "FD206", "job.sql", cwd=job)
    assert (run.code, run.err) == (
        2,
        "flinkdoctor: error: --severity: expected RULE=LEVEL, not 'FD206'\n",
    )
    run = cli("lint", "--ignore", "FD20", "--select", "nope", "job.sql", cwd=job)
    assert run.code == 2
    assert run.err.startswith("flinkdoctor: error: --select: unknown rule 'nope'")
    run = cli("lint", "--fail-on", "fatal", "job.sql", cwd=job)
    assert run.code == 2
    assert "fatal" in run.err


def test_noqa_on_the_line_by_code_or_name(cli: Callable[..., Run], tmp_path: Path) -> None:
    lines = JOB.splitlines()
    lines[2] += "  -- noqa: pattern-invalid"
    lines[3] += "  -- noqa: FD206"  # another code: FD202 stays
    lines[8] += "  -- noqa"
    (tmp_path / "job.sql").write_text("\n".join(lines) + "\n")
    run = cli("lint", "job.sql", cwd=tmp_path)
    assert codes_at(run) == [("job.sql:4:3", "FD202")]
    assert run.out.splitlines()[-1] == (
        "Found 1 finding (1 warning) in 1 file; 2 silenced by noqa. "
        "Exit 1: findings at warning or worse."
    )
    assert (
        json.loads(cli("lint", "--format", "json", "job.sql", cwd=tmp_path).out)["summary"][
            "suppressed"
        ]
        == 2
    )
    run = cli("lint", "--disable-noqa", "job.sql", cwd=tmp_path)
    assert [code for _, code in codes_at(run)] == ["FD101", "FD202", "FD206"]


def test_noqa_for_a_whole_file_with_codes(cli: Callable[..., Run], tmp_path: Path) -> None:
    (tmp_path / "job.sql").write_text("-- flinkdoctor: noqa: FD202, FD206\n" + JOB)
    run = cli("lint", "job.sql", cwd=tmp_path)
    assert codes_at(run) == [("job.sql:4:34", "FD101")]


def test_noqa_in_a_pyflink_job(cli: Callable[..., Run], tmp_path: Path) -> None:
    source = (SEED / "case2_seed_fixed.py").read_text().splitlines()
    source[49] += "  -- noqa: no-idle-timeout"  # a SQL comment inside the SQL string
    (tmp_path / "job.py").write_text("\n".join(source) + "\n")
    run = cli("lint", "job.py", cwd=tmp_path)
    assert codes_at(run) == [("job.py:59:13", "FD206")]
    assert run.code == 0  # info only


def test_config_file_selects_and_sets_severity(cli: Callable[..., Run], job: Path) -> None:
    (job / "pyproject.toml").write_text(
        "[tool.flinkdoctor.lint]\n"
        'ignore = ["pattern-invalid"]\n'
        'fail-on = "error"\n'
        "\n"
        "[tool.flinkdoctor.lint.severity]\n"
        '"no-idle-timeout" = "error"\n'
    )
    run = cli("lint", "--format", "json", "job.sql", cwd=job)
    found = [(f["code"], f["severity"]) for f in json.loads(run.out)["findings"]]
    assert found == [("FD202", "error"), ("FD206", "info")]
    assert run.code == 1
    # the command line wins: its --severity replaces the file's table, --ignore its ignore
    run = cli(
        "lint",
        "--format",
        "json",
        "--severity",
        "FD206=info",
        "--ignore",
        "FD2",
        "job.sql",
        cwd=job,
    )
    assert [f["code"] for f in json.loads(run.out)["findings"]] == ["FD101"]
    assert run.code == 1


def validate_json(document: Any) -> None:
    jsonschema.Draft202012Validator(LINT_SCHEMA).validate(document)


def test_json_and_sarif_of_a_real_run_validate(cli: Callable[..., Run], tmp_path: Path) -> None:
    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs" / "a.sql").write_text(JOB)
    shutil.copy(SEED / "case2_seed_fixed.py", tmp_path / "jobs" / "b.py")
    (tmp_path / "jobs" / "c.sql").write_text("CREATE TABLE (\n")
    document = json.loads(cli("lint", "--format", "json", "jobs", cwd=tmp_path).out)
    validate_json(document)
    assert document["summary"]["findings"] == 5
    assert document["summary"]["files_unparsed"] == 1
    run = cli("lint", "--format", "sarif", "jobs", cwd=tmp_path)
    assert run.code == 1
    sarif = json.loads(run.out)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif)
    results = sarif["runs"][0]["results"]
    assert len(results) == 5
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert len(rules) == 16  # every rule that ran, with its help
    assert all(r["help"]["markdown"].startswith("## What it does") for r in rules)
    # fingerprints are stable across runs
    again = json.loads(cli("lint", "--format", "sarif", "jobs", cwd=tmp_path).out)
    assert [r["partialFingerprints"] for r in again["runs"][0]["results"]] == [
        r["partialFingerprints"] for r in results
    ]


def test_github_format_of_a_real_run(cli: Callable[..., Run], job: Path) -> None:
    run = cli("lint", "--format", "github", "job.sql", cwd=job)
    lines = run.out.splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == ["::error", "::warning", "::notice"]
    assert lines[0].startswith("::error file=job.sql,line=3,col=34,title=FD101 pattern-invalid::")
    assert run.err.startswith("Found 3 findings")
