"""The typer application: one module per command registers itself here.

``main`` is the console entry point. It turns every ``FlinkDoctorError`` into one line on stderr and
that error's exit code, so bad input never ends in a traceback; any other exception is a bug: one
line and exit 4 (see ``cli/guard.py``).
"""

from __future__ import annotations

import sys

import typer

from flinkdoctor import __version__
from flinkdoctor.cli import guard
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
    from flinkdoctor.cli import check_pattern, sample, simulate_windows

    check_pattern.register(app)
    sample.register(app)
    simulate_windows.register(app)
    for command in app.registered_commands:  # Ctrl-C and `| head` past typer's own handlers
        if command.callback is not None:
            command.callback = guard.guarded(command.callback)


def main() -> None:
    """Console entry point (``flinkdoctor``): one clear line and an exit code for every failure."""
    _register_commands()
    try:
        code = app(standalone_mode=False)
    except FlinkDoctorError as error:
        guard.say(f"flinkdoctor: error: {error}")
        sys.exit(error.exit_code)
    except typer.TyperException as usage:  # bad option, missing argument, unknown command
        guard.usage_error(usage)
    except (KeyboardInterrupt, typer.Abort, guard.Interrupted):
        guard.interrupted()
    except (BrokenPipeError, guard.OutputClosed):
        guard.output_closed()
    except Exception as error:  # a bug: one line and exit 4, never "1 = findings"
        guard.internal_error(error)
    sys.exit(code if isinstance(code, int) else 0)
