"""Run the real console entry point in-process, in a directory of the test's choosing."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from flinkdoctor.cli.app import main


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """``cli("lint", "x.sql", cwd=tmp_path)`` -> exit code, stdout, stderr."""

    def run(*args: str, cwd: Path | None = None, stdin: str | None = None) -> Run:
        monkeypatch.setattr(sys, "argv", ["flinkdoctor", *args])
        monkeypatch.setenv("COLUMNS", "160")
        monkeypatch.delenv("FORCE_COLOR", raising=False)
        if cwd is not None:
            monkeypatch.chdir(cwd)
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        try:
            main()
            code = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else 1
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run
