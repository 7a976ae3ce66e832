"""[tool.flinkdoctor] in pyproject.toml: found from the linted files upward (lint) or the working
directory upward (other commands); command line over file; a bad file is exit 2 naming the file
and the key at fault."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.lint.conftest import Run

BROKEN_SQL = "CREATE TABLE t (\n  a INT\n WITH ('connector' = 'datagen');\n"
GOOD_SQL = "CREATE TABLE t (a INT) WITH ('connector' = 'datagen');\n"


def project(root: Path, config: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(f"[project]\nname = 'jobs'\n\n{config}\n")
    (root / "jobs").mkdir(exist_ok=True)
    (root / "jobs" / "a.sql").write_text(GOOD_SQL)
    return root


def test_lint_reads_the_config_above_its_files_not_the_working_directory(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    repo = project(tmp_path / "repo", '[tool.flinkdoctor.lint]\nformat = "json"')
    elsewhere = tmp_path / "elsewhere"
    project(elsewhere, '[tool.flinkdoctor.lint]\nformat = "github"')
    run = cli("lint", str(repo / "jobs" / "a.sql"), cwd=elsewhere)
    assert run.code == 0, run.err
    assert json.loads(run.out)["summary"]["files_checked"] == 1
    # the command line wins over the file
    run = cli("lint", "--format", "text", str(repo / "jobs"), cwd=elsewhere)
    assert run.out == "All checks passed (1 file checked).\n"


def test_top_level_keys_are_defaults_for_every_command_and_tables_win(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    repo = project(tmp_path, '[tool.flinkdoctor]\nformat = "github"\n\n[tool.flinkdoctor.lint]\n')
    run = cli("lint", "jobs", cwd=repo)
    assert run.out == ""  # github format: commands only, none for a clean file
    assert run.err.startswith("All checks passed")
    repo = project(
        tmp_path,
        '[tool.flinkdoctor]\nformat = "github"\n\n[tool.flinkdoctor.lint]\nformat = "json"',
    )
    assert json.loads(cli("lint", "jobs", cwd=repo).out)["findings"] == []


def test_the_nearest_pyproject_with_a_flinkdoctor_table_is_used(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    project(tmp_path, '[tool.flinkdoctor.lint]\nformat = "json"')
    inner = tmp_path / "service"
    inner.mkdir()
    (inner / "pyproject.toml").write_text("[project]\nname = 'service'\n[tool.ruff]\n")
    (inner / "job.sql").write_text(GOOD_SQL)
    run = cli("lint", "service/job.sql", cwd=tmp_path)
    assert json.loads(run.out)["summary"]["files_checked"] == 1


def test_fail_on_exit_zero_and_disable_noqa_from_the_file(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    repo = project(tmp_path, "[tool.flinkdoctor.lint]\nexit-zero = true\n")
    (repo / "jobs" / "broken.sql").write_text(BROKEN_SQL)
    assert cli("lint", "jobs", cwd=repo).code == 0
    repo = project(tmp_path, "[tool.flinkdoctor.lint]\ndisable-noqa = true\n")
    (repo / "jobs" / "broken.sql").write_text("-- flinkdoctor: noqa\n" + BROKEN_SQL)
    assert cli("lint", "jobs", cwd=repo).code == 1
    assert cli("lint", "--isolated", "jobs", cwd=repo).code == 0


def test_exclude_from_the_file(cli: Callable[..., Run], tmp_path: Path) -> None:
    repo = project(tmp_path, '[tool.flinkdoctor.lint]\nexclude = ["broken.sql"]\n')
    (repo / "jobs" / "broken.sql").write_text(BROKEN_SQL)
    run = cli("lint", "jobs", cwd=repo)
    assert run.code == 0
    assert run.out == "All checks passed (1 file checked).\n"


def test_explicit_config_file(cli: Callable[..., Run], tmp_path: Path) -> None:
    repo = project(tmp_path, "")
    (tmp_path / "ci.toml").write_text('[tool.flinkdoctor.lint]\nformat = "json"\n')
    assert json.loads(cli("lint", "--config", "ci.toml", "jobs", cwd=repo).out)["findings"] == []
    run = cli("lint", "--config", "pyproject.toml", "jobs", cwd=repo)
    assert run.code == 2
    assert run.err == "flinkdoctor: error: pyproject.toml: has no [tool.flinkdoctor] table\n"


@pytest.mark.parametrize(
    ("config", "error"),
    [
        (
            "[tool.flinkdoctor.lint]\nfail-on = 'fatal'",
            "[tool.flinkdoctor.lint] fail-on: 'fatal' is not one of 'error', 'warning', 'info'.",
        ),
        (
            "[tool.flinkdoctor]\ncolour = 'always'",
            "[tool.flinkdoctor] unknown key 'colour'",
        ),
        (
            "[tool.flinkdoctor.lint]\nflink-version = '1.20'",
            "[tool.flinkdoctor.lint] unknown key 'flink-version': `flinkdoctor lint` has no "
            "--flink-version option",
        ),
        (
            "[tool.flinkdoctor.lnt]\nformat = 'json'",
            "[tool.flinkdoctor] unknown key 'lnt' (did you mean lint",
        ),
        (
            "[tool.flinkdoctor.lint]\nexit-zero = 'yes'",
            "[tool.flinkdoctor.lint] exit-zero: expected true or false, not a string",
        ),
        (
            "[tool.flinkdoctor.lint]\nformat = ['json']",
            "[tool.flinkdoctor.lint] format: expected a single value, not an array",
        ),
        (
            "[tool.flinkdoctor.lint]\nselect = ['FD101', 'no-idle-timout']",
            "[tool.flinkdoctor.lint] select: unknown rule 'no-idle-timout' (did you mean "
            "no-idle-timeout?)",
        ),
        (
            "[tool.flinkdoctor.lint]\nignore = 'FD9'",
            "[tool.flinkdoctor.lint] ignore: unknown rule 'FD9'",
        ),
        (
            "[tool.flinkdoctor.lint.severity]\nno-idle-timeout = 'fatal'",
            "[tool.flinkdoctor.lint] severity: unknown severity 'fatal'",
        ),
        (
            "[tool.flinkdoctor]\nlint = 'json'",
            "[tool.flinkdoctor] lint: must be a table of options for `flinkdoctor lint`",
        ),
        ("[tool.flinkdoctor\nformat = 1", "invalid TOML: "),
        ("[tool]\nflinkdoctor = 3", "[tool.flinkdoctor] must be a table, not an integer"),
    ],
)
def test_bad_configuration_names_the_file_and_key(
    cli: Callable[..., Run], tmp_path: Path, config: str, error: str
) -> None:
    repo = project(tmp_path, config)
    run = cli("lint", "jobs", cwd=repo)
    assert run.code == 2, run.out
    assert run.out == ""
    assert run.err.startswith(f"flinkdoctor: error: {repo / 'pyproject.toml'}: ")
    assert error in run.err
    assert len(run.err.splitlines()) == 1


def test_other_commands_read_the_working_directory_config(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    project(tmp_path, '[tool.flinkdoctor.check-pattern]\nformat = "json"\nlimit = 5\n')
    sub = tmp_path / "deep" / "er"
    sub.mkdir(parents=True)
    run = cli("check-pattern", "yyyy-MM-dd HH:mm:ss", "2024-12-14 03:12:45", cwd=sub)
    assert run.code == 0, run.err
    assert json.loads(run.out)["summary"]["total"] == 1
    run = cli("check-pattern", "--format", "text", "yyyy-MM-dd", "2024-12-14", cwd=sub)
    assert not run.out.lstrip().startswith("{")


def test_other_commands_validate_their_keys(cli: Callable[..., Run], tmp_path: Path) -> None:
    project(tmp_path, "[tool.flinkdoctor.check-pattern]\nlimit = -1\n")
    run = cli("check-pattern", "yyyy", "2024", cwd=tmp_path)
    assert run.code == 2
    assert run.err.startswith(
        f"flinkdoctor: error: {tmp_path / 'pyproject.toml'}: [tool.flinkdoctor.check-pattern] "
        "limit: "
    )
    project(tmp_path, "[tool.flinkdoctor.check-pattern]\nselect = ['FD1']\n")
    run = cli("check-pattern", "yyyy", "2024", cwd=tmp_path)
    assert run.code == 2
    assert "`flinkdoctor check-pattern` has no --select option" in run.err


def test_relative_paths_in_the_file_are_relative_to_it(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    project(
        tmp_path,
        '[tool.flinkdoctor.check-pattern]\nevents = "data/events.jsonl"\n'
        'field = "ts"\nformat = "json"\n',
    )
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "events.jsonl").write_text('{"ts": "2024-01-01 00:00:00"}\n')
    sub = tmp_path / "sub"
    sub.mkdir()
    run = cli("check-pattern", "yyyy-MM-dd HH:mm:ss", cwd=sub)
    assert run.code == 0, run.err
    assert json.loads(run.out)["summary"]["total"] == 1


SEED = Path(__file__).parents[2] / "examples" / "seed"


def test_flink_version_and_format_reach_simulate_windows(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    project(
        tmp_path,
        '[tool.flinkdoctor]\nflink-version = "1.19"\nformat = "json"\n'
        "[tool.flinkdoctor.lint]\nformat = 'text'\n",
    )
    args = ("simulate-windows", str(SEED / "case2_seed_fixed.sql"), "--events")
    run = cli(*args, str(SEED / "case2_events.jsonl"), cwd=tmp_path)
    assert json.loads(run.out)["config"]["flink_version"] == "1.19.3", run.err
    run = cli(*args, str(SEED / "case2_events.jsonl"), "--flink-version", "1.18", cwd=tmp_path)
    assert json.loads(run.out)["config"]["flink_version"].startswith("1.18.")
    # the lint table's own format wins for lint, the top-level one does not reach it
    assert cli("lint", "jobs", cwd=tmp_path).out == "All checks passed (1 file checked).\n"
