"""``.ci/run`` checks every tool before anything else and names what is missing in one line."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

CI_RUN = Path(__file__).parents[1] / ".ci" / "run"


def test_missing_tools_are_named_in_one_line(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"  # a PATH with the shell's basics and python3, nothing else
    bin_dir.mkdir()
    for tool in ("bash", "env", "dirname", "cut", "sort", "paste", "sed", "id", "printf", "tr"):
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    (bin_dir / "python3").symlink_to(shutil.which("python3") or "/usr/bin/python3")
    repo = tmp_path / "repo"
    (repo / ".ci").mkdir(parents=True)
    shutil.copy(CI_RUN, repo / ".ci" / "run")
    done = subprocess.run(
        [str(bin_dir / "bash"), str(repo / ".ci" / "run")],
        capture_output=True,
        text=True,
        env={"PATH": str(bin_dir), "HOME": str(tmp_path), "FLINKDOCTOR_CI_NO_INSTALL": "1"},
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "ci: missing tools: java (Debian package openjdk-17-jdk-headless), javac (Debian package "
        "openjdk-17-jdk-headless), mvn (Debian package maven), openssl (Debian package openssl), "
        "kcat (Debian package kcat), git (Debian package git), chromium (Debian package "
        "chromium); install them, or run .ci/run as root to install them with apt-get"
    ]
    assert not (repo / ".venv-ci").exists()  # nothing installed before the check


def test_it_runs_the_readme_test_command_in_its_own_environment() -> None:
    text = CI_RUN.read_text()
    assert "python3 -m venv" in text and 'PY="$VENV/bin/python"' in text
    assert '"$PY" -m pytest' in text and "python3 -m pip install" not in text
    assert '"$status" == "5"' in text  # no tests collected is a failure
    assert os.access(CI_RUN, os.X_OK)
