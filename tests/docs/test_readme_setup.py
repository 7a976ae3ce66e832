"""README.md's two set-up commands: the main job runs as written (after its install step) and
says what README promises; the test command is the one .ci/run runs."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SETUP = re.findall(
    r"<!-- not-run: set-up from a fresh clone[^>]*-->\n```bash\n(.*?)\n```", README, re.S
)


def test_readme_has_the_two_setup_commands_in_a_virtual_environment() -> None:
    assert len(SETUP) == 2
    main_job, test_suite = SETUP
    assert main_job.startswith("python3 -m venv .venv && .venv/bin/pip install -q -e . && ")
    assert test_suite == (
        "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && "
        ".venv/bin/python -m pytest"
    )


def test_readme_main_job_explains_the_seed_case_1() -> None:
    command = SETUP[0].split(" && ")[-1]
    program, *args = shlex.split(command)
    assert program == ".venv/bin/flinkdoctor"
    assert args[:2] == ["explain", "examples/seed/case1_seed_original.py"]
    run = subprocess.run(
        [sys.executable, "-m", "flinkdoctor", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "100"},
    )
    assert run.returncode == 1, run.stderr
    out = " ".join(run.stdout.split())
    assert out.startswith("Verdict: the sink receives nothing")
    assert "FD104 rowtime-field-missing" in out and "FD103 pattern-mismatch" in out
    assert "+ event_time VARCHAR," in out
    assert "+ pattern = \"yyyy-MM-dd''T''HH:mm:ss.SSS''Z''\"" in out
    assert "✓ verified: with this change: 2 row(s) in 1 window(s)" in out
    assert "Traceback" not in run.stderr


def test_ci_runs_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r'"\$PY" -m pytest\b', ci)
    assert "-e '.[test]'" in ci
