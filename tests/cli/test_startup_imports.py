"""What start-up imports (the lazy-loading scheme of ``flinkdoctor/cli/app.py``): ``--help`` and
``--version`` import neither typer nor any command; an input error stops before the engine, the
SQL model or the Kafka client is imported. Timing lives in bench/bench_startup.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from flinkdoctor.cli.app import COMMANDS

EVENTS = Path(__file__).resolve().parents[2] / "examples" / "seed" / "case1_events.jsonl"

PROBE = """
import json, sys
sys.argv = ["flinkdoctor", *json.loads(sys.argv[1])]
from flinkdoctor.cli.app import main
try:
    main()
except SystemExit as done:
    code = done.code
sys.stdout.flush()
print("\\n" + json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def probe(*args: str) -> tuple[int, str, set[str]]:
    run = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(args))],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    out, _, last = run.stdout.rstrip("\n").rpartition("\n")
    doc = json.loads(last)
    return doc["code"], out + run.stderr, set(doc["modules"])


@pytest.mark.parametrize("args", [(), ("--help",), ("-h",), ("--version",)])
def test_help_and_version_import_no_typer_and_no_command(args: tuple[str, ...]) -> None:
    code, out, modules = probe(*args)
    assert code == 0
    assert "typer" not in modules
    assert not any(m.startswith("flinkdoctor.cli.") and m != "flinkdoctor.cli.app" for m in modules)
    if args != ("--version",):
        for name in COMMANDS:  # --help lists every command of the table
            assert name in out


@pytest.mark.parametrize(
    "args",
    [
        ("simulate-windows", "/nonexistent/job.sql"),
        ("check-pattern", "--ddl", "/nonexistent/job.sql"),
        ("explain", "/nonexistent/job.sql", "--events", str(EVENTS)),
        ("explain", "/nonexistent/job.sql"),
        ("lint", "/nonexistent/job.sql"),
    ],
)
def test_a_missing_file_fails_before_the_heavy_imports(args: tuple[str, ...]) -> None:
    code, out, modules = probe(*args)
    assert code == 2
    assert "/nonexistent/job.sql" in out
    heavy = {
        "flinkdoctor.engine",
        "flinkdoctor.sql.model",
        "flinkdoctor.events.kafka",
        "flinkdoctor.diagnosis",
        "pydantic",
    }
    assert not heavy & modules


@pytest.mark.parametrize("command", ["simulate-windows", "explain", "lint"])
def test_a_command_loads_only_its_own_module(command: str) -> None:
    _, _, modules = probe(command, "/nonexistent/job.sql")
    own = f"flinkdoctor.cli.{command.replace('-', '_')}"
    assert own in modules
    others = {f"flinkdoctor.cli.{c.module}" for c in COMMANDS.values()} - {own}
    assert not others & modules
