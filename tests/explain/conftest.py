"""Shared helpers: run ``flinkdoctor explain`` through its typer command, in process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner

from flinkdoctor.cli import explain as explain_cli
from flinkdoctor.errors import FlinkDoctorError

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "seed"
SCHEMA = ROOT / "docs" / "schemas" / "explain.schema.json"


def _app() -> typer.Typer:
    app = typer.Typer()
    explain_cli.register(app)

    @app.callback()
    def _root() -> None:
        """test root"""

    return app


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """(exit code, stdout) of ``flinkdoctor explain ARGS``; a FlinkDoctorError gives its exit
    code and its one-line message, as ``main`` prints it."""
    result = CliRunner().invoke(_app(), ["explain", *args], env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        if isinstance(result.exception, FlinkDoctorError):
            return result.exception.exit_code, str(result.exception)
        raise result.exception
    return result.exit_code, result.stdout


def run_json(*args: str, env: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    code, out = run(*args, "--format", "json", env=env)
    return code, json.loads(out)
