"""The typer application: one module per command registers itself here.

``main`` is the console entry point. It turns every ``FlinkDoctorError`` into one line on stderr and
that error's exit code, so bad input never ends in a traceback.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import Any

import typer

from flinkdoctor import __version__
from flinkdoctor.cli.help import Group
from flinkdoctor.errors import FlinkDoctorError

app = typer.Typer(
    name="flinkdoctor",
    help="Why is my Flink SQL sink empty? Offline answers with Flink 1.20's exact semantics.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"flinkdoctor {__version__} (simulates Apache Flink 1.20.3 by default)")
        raise typer.Exit(0)


@app.callback(cls=Group)
def _root(
    ctx: typer.Context,
    version: bool = typer.Option(
        False,
        "--version",
        help="Print the version and exit.",
        is_eager=True,
        callback=_print_version,
    ),
) -> None:
    """Why is my Flink SQL sink empty? Offline answers with Flink 1.20's exact semantics."""
    from flinkdoctor.cli.config import apply_project_defaults

    apply_project_defaults(ctx)  # [tool.flinkdoctor] in pyproject.toml (docs/configuration.md)


COMMANDS: dict[str, str] = {
    "check-pattern": "check_pattern",
    "explain": "explain",
    "sample": "sample",
    "simulate-windows": "simulate_windows",
    "lint": "lint",
    "rules": "rules",
    "rule": "rule",
}
"""Every command and the module under ``flinkdoctor.cli`` that registers it."""
COMMAND_NAMES = frozenset(COMMANDS)
_registered: set[str] = set()


def _register_commands(argv: Sequence[str] = ()) -> None:
    """Import and register the command ``argv`` names, and only it, so a command pays for its
    own imports alone (``lint`` starts without the Kafka and replay machinery); every command
    when none is named (``--help``, a typo: the usage lists them all). Idempotent: tests call
    ``main()`` many times in one process."""
    wanted = next((arg for arg in argv if not arg.startswith("-")), None)
    modules = [COMMANDS[wanted]] if wanted in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    for module in modules:
        if module not in _registered:
            importlib.import_module(f"flinkdoctor.cli.{module}").register(app)
            _registered.add(module)


def all_commands(ctx: typer.Context) -> list[Any]:
    """Every command as click sees it (loads the ones not loaded yet); for configuration checks
    that must know every command's options."""
    _register_commands()
    group = typer.main.get_command(app)
    return [group.get_command(ctx, name) for name in group.list_commands(ctx)]  # type: ignore[attr-defined]


def main() -> None:
    """Console entry point (``flinkdoctor``): one clear line and an exit code for every failure."""
    _register_commands(sys.argv[1:])
    try:
        code = app(standalone_mode=False)
    except FlinkDoctorError as error:
        typer.echo(f"flinkdoctor: error: {error}", err=True)
        sys.exit(error.exit_code)
    except typer.TyperException as usage:  # bad option, missing argument, unknown command
        show = getattr(usage, "show", None)  # click's formatting: "Usage: ... Error: ..."
        if callable(show):
            show()
        else:
            typer.echo(f"flinkdoctor: error: {usage}", err=True)
        sys.exit(2)
    except (KeyboardInterrupt, typer.Abort):
        typer.echo("flinkdoctor: interrupted", err=True)
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)
