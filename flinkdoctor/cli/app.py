"""The typer application: one module per command registers itself here.

``main`` is the console entry point. It turns every ``FlinkDoctorError`` into one line on stderr and
that error's exit code, so bad input never ends in a traceback.
"""

from __future__ import annotations

import sys

import typer

from flinkdoctor import __version__
from flinkdoctor.errors import FlinkDoctorError

app = typer.Typer(
    name="flinkdoctor",
    help="Why is my Flink SQL sink empty? Offline answers with Flink 1.20's exact semantics.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"flinkdoctor {__version__} (simulates Apache Flink 1.20.3 by default)")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        help="Print the version and exit.",
        is_eager=True,
        callback=_print_version,
    ),
) -> None:
    """Why is my Flink SQL sink empty? Offline answers with Flink 1.20's exact semantics."""


def _register_commands() -> None:
    # Imported here so that each command module stays independent and `--help` lists them all;
    # once per process, however often main() runs (tests call it many times).
    if app.registered_commands:
        return
    from flinkdoctor.cli import check_pattern, explain, sample, simulate_windows

    check_pattern.register(app)
    explain.register(app)
    sample.register(app)
    simulate_windows.register(app)


def main() -> None:
    """Console entry point (``flinkdoctor``): one clear line and an exit code for every failure."""
    _register_commands()
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
