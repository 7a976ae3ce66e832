"""`flinkdoctor lint` loads only what it needs (no Kafka client, no replay engine, no other
command), and configuration checks load the other commands only when a top-level key needs them.
Fresh processes: what one process has imported must not hide what another would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

GOOD_SQL = "CREATE TABLE t (a INT) WITH ('connector' = 'datagen');\n"
PROBE = """
import sys
from flinkdoctor.cli.app import main
sys.argv = ["flinkdoctor", *sys.argv[1:]]
try:
    main()
except SystemExit as done:
    code = done.code
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("kafka", "flinkdoctor"))
print("LOADED", " ".join(loaded), file=sys.stderr)
sys.exit(code)
"""


def probe(cwd: Path, *args: str) -> tuple[int, str, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=cwd, capture_output=True, text=True, check=False
    )
    lines = done.stderr.splitlines()
    loaded = set(lines[-1].removeprefix("LOADED ").split())
    return done.returncode, "\n".join(lines[:-1]), loaded


@pytest.fixture
def job(tmp_path: Path) -> Path:
    (tmp_path / "job.sql").write_text(GOOD_SQL)
    return tmp_path


def test_lint_loads_no_kafka_engine_or_other_command(job: Path) -> None:
    code, err, loaded = probe(job, "lint", "job.sql")
    assert code == 0, err
    assert "flinkdoctor.cli.lint" in loaded
    assert "flinkdoctor.lint.registry" in loaded
    for heavy in (
        "kafka",
        "flinkdoctor.events.kafka",
        "flinkdoctor.engine",
        "flinkdoctor.cli.check_pattern",
        "flinkdoctor.cli.sample",
        "flinkdoctor.cli.simulate_windows",
        "flinkdoctor.render.sarif",
        "flinkdoctor.render.lint_json",
    ):
        assert heavy not in loaded, heavy


def test_a_top_level_key_of_another_command_is_accepted_and_a_typo_is_not(job: Path) -> None:
    (job / "pyproject.toml").write_text('[tool.flinkdoctor]\nflink-version = "1.19"\n')
    code, err, loaded = probe(job, "lint", "job.sql")
    assert code == 0, err
    assert "flinkdoctor.cli.simulate_windows" in loaded  # loaded to know its options
    (job / "pyproject.toml").write_text('[tool.flinkdoctor]\nflink-verison = "1.19"\n')
    code, err, _ = probe(job, "lint", "job.sql")
    assert code == 2
    assert err == (
        f"flinkdoctor: error: {job / 'pyproject.toml'}: [tool.flinkdoctor] unknown key "
        "'flink-verison' (did you mean flink-version?)"
    )


def test_a_table_for_another_command_does_not_load_it(job: Path) -> None:
    (job / "pyproject.toml").write_text('[tool.flinkdoctor.check-pattern]\nformat = "json"\n')
    code, err, loaded = probe(job, "lint", "job.sql")
    assert code == 0, err
    assert "flinkdoctor.cli.check_pattern" not in loaded


def test_help_lists_every_command(job: Path) -> None:
    code, err, _ = probe(job, "--help")
    assert code == 0, err
    done = subprocess.run(
        [sys.executable, "-m", "flinkdoctor", "--help"],
        cwd=job,
        capture_output=True,
        text=True,
        check=False,
        env={"COLUMNS": "120", "PATH": "/usr/bin:/bin"},
    )
    for name in ("check-pattern", "sample", "simulate-windows", "lint", "rules", "rule"):
        assert f" {name} " in done.stdout, name
