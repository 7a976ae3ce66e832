"""Run the real console entry point in-process and capture what a user would see."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from flinkdoctor.cli.app import main


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """``cli("check-pattern", "...", stdin="...")`` -> exit code, stdout, stderr."""

    def run(*args: str, stdin: str | None = None) -> Run:
        monkeypatch.setattr(sys, "argv", ["flinkdoctor", *args])
        monkeypatch.setenv("COLUMNS", "160")
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
