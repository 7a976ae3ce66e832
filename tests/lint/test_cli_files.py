"""flinkdoctor lint PATH...: which files it reads (files, directories, globs), and what a file
it cannot read or parse does to the run (one clear line, exit 1, the others still linted)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.lint.conftest import Run

SEED = Path(__file__).parents[2] / "examples" / "seed"
GOOD_SQL = "CREATE TABLE t (a INT) WITH ('connector' = 'datagen');\n"
BROKEN_SQL = "CREATE TABLE t (\n  a INT,\n  b STRING\n WITH ('connector' = 'datagen');\n"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A project: SQL scripts, a PyFlink job, plain Python, hidden and venv folders."""
    (tmp_path / "jobs" / "sub").mkdir(parents=True)
    (tmp_path / "jobs" / "a.sql").write_text(GOOD_SQL)
    (tmp_path / "jobs" / "sub" / "b.sql").write_text(GOOD_SQL)
    shutil.copy(SEED / "case2_seed_fixed.py", tmp_path / "jobs" / "job.py")
    (tmp_path / "jobs" / "util.py").write_text("def add(a, b):\n    return a + b\n")
    (tmp_path / "jobs" / "notes.txt").write_text(BROKEN_SQL)
    for skipped in (".git", ".venv", "node_modules", "__pycache__"):
        (tmp_path / "jobs" / skipped).mkdir()
        (tmp_path / "jobs" / skipped / "x.sql").write_text(BROKEN_SQL)
    return tmp_path


def checked(run: Run) -> int:
    summary = json.loads(run.out)["summary"]
    return int(summary["files_checked"])


def test_a_directory_is_walked_for_sql_and_flink_python(
    cli: Callable[..., Run], tree: Path
) -> None:
    run = cli("lint", "--format", "json", "--exit-zero", "jobs", cwd=tree)
    assert run.code == 0, run.err
    # a.sql, sub/b.sql, job.py; not util.py (no Flink), notes.txt, nor hidden / venv folders
    assert checked(run) == 3
    assert json.loads(run.out)["unparsed"] == []


def test_default_path_is_the_working_directory(cli: Callable[..., Run], tree: Path) -> None:
    run = cli("lint", "--format", "json", "--exit-zero", cwd=tree / "jobs")
    assert checked(run) == 3


def test_explicit_files_and_quoted_globs(cli: Callable[..., Run], tree: Path) -> None:
    assert checked(cli("lint", "--format", "json", "--exit-zero", "jobs/a.sql", cwd=tree)) == 1
    run = cli("lint", "--format", "json", "--exit-zero", "jobs/**/*.sql", cwd=tree)
    assert checked(run) == 2
    # a file named explicitly is read whatever its suffix; plain Python is still skipped
    run = cli("lint", "--format", "json", "jobs/notes.txt", "jobs/util.py", cwd=tree)
    assert run.code == 1
    assert checked(run) == 1
    assert json.loads(run.out)["unparsed"][0]["path"] == "jobs/notes.txt"


def test_exclude(cli: Callable[..., Run], tree: Path) -> None:
    run = cli("lint", "--format", "json", "--exclude", "sub", "--exclude", "*.py", "jobs", cwd=tree)
    assert checked(run) == 1


def test_an_unparsable_file_is_one_line_and_the_others_are_still_linted(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    (tmp_path / "a.sql").write_text(GOOD_SQL)
    (tmp_path / "broken.sql").write_text(BROKEN_SQL)
    (tmp_path / "c.sql").write_text(GOOD_SQL)
    run = cli("lint", ".", cwd=tmp_path)
    assert run.code == 1
    assert run.out.splitlines() == [
        "broken.sql:4:2: cannot lint: expected ')' after column list, found 'WITH'",
        "",
        "No findings in 3 files; 1 could not be linted. Exit 1: files that could not be linted.",
    ]
    assert run.err == ""
    document = json.loads(cli("lint", "--format", "json", ".", cwd=tmp_path).out)
    assert document["summary"]["files_checked"] == 3
    assert document["unparsed"] == [
        {
            "path": "broken.sql",
            "line": 4,
            "column": 2,
            "message": "expected ')' after column list, found 'WITH'",
        }
    ]


def test_a_python_syntax_error_and_binary_file(cli: Callable[..., Run], tmp_path: Path) -> None:
    (tmp_path / "job.py").write_text("from pyflink.table import TableEnvironment\ndef f(:\n")
    (tmp_path / "bin.sql").write_bytes(b"\xff\xfeCREATE")
    run = cli("lint", ".", cwd=tmp_path)
    assert run.code == 1
    out = run.out.splitlines()
    assert out[0] == "bin.sql: cannot lint: not UTF-8 text (byte 0)"
    assert out[1].startswith("job.py:2:7: cannot lint: not valid Python: ")


def test_exit_zero_ignores_unparsed_files(cli: Callable[..., Run], tmp_path: Path) -> None:
    (tmp_path / "broken.sql").write_text(BROKEN_SQL)
    assert cli("lint", "--exit-zero", "broken.sql", cwd=tmp_path).code == 0


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("missing.sql", "flinkdoctor: error: missing.sql: no such file or directory"),
        ("jobs/*.sqll", "flinkdoctor: error: jobs/*.sqll: no file matches this pattern"),
    ],
)
def test_a_path_that_does_not_exist_is_a_usage_error(
    cli: Callable[..., Run], tree: Path, argument: str, message: str
) -> None:
    run = cli("lint", argument, cwd=tree)
    assert run.code == 2
    assert run.err.strip() == message
    assert run.out == ""


def test_rich_markup_in_file_names_is_printed_as_is(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    name = "[red]job[b].sql"
    (tmp_path / name).write_text(BROKEN_SQL)
    run = cli("lint", name, cwd=tmp_path)
    assert run.out.startswith("[red]job[b].sql:4:2: cannot lint:")


def test_a_file_silenced_as_a_whole_is_not_parsed(cli: Callable[..., Run], tmp_path: Path) -> None:
    (tmp_path / "legacy.sql").write_text("-- flinkdoctor: noqa\n" + BROKEN_SQL)
    run = cli("lint", "legacy.sql", cwd=tmp_path)
    assert run.code == 0
    assert run.out == "All checks passed (0 files checked).\n"
    run = cli("lint", "--disable-noqa", "legacy.sql", cwd=tmp_path)
    assert run.code == 1


def test_nothing_to_lint_says_so(cli: Callable[..., Run], tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    run = cli("lint", "empty", cwd=tmp_path)
    assert run.code == 0
    assert run.out == "All checks passed (0 files checked).\n"
    assert run.err == "flinkdoctor: warning: no *.sql or *.py files in empty\n"
