"""The console entry point: a table of commands, each loaded only when it runs.

Start-up is part of the product (``flinkdoctor --help`` should feel instant), so this module
imports nothing heavy at module level:

- ``COMMANDS`` maps each command name to the module under ``flinkdoctor.cli`` that registers it
  (``register(app)``) and the one-line summary the top-level help shows. **To add a command**,
  add one entry here and a module with ``register(app: typer.Typer)``; nothing else.
- ``flinkdoctor``, ``--help`` / ``-h`` and ``--version`` are answered from the table without
  importing typer or any command module (``bench/bench_startup.py`` times them).
- Anything else builds the typer application with the named command's module alone, so a command
  pays only for its own imports; command modules keep their heavy imports (engine, Kafka,
  renderers) inside the command function, so an input error (a missing file) stays cheap.
  An unknown command loads every module so that typer's usage error lists them all.
- ``app`` (a lazy module attribute), ``_register_commands()`` and ``all_commands(ctx)`` give the
  application with every command, for tests and for checks that must see every command.

``main`` turns every ``FlinkDoctorError`` into one line on stderr and that error's exit code, so
bad input never ends in a traceback; any other exception is a bug: one line and exit 4 (see
``cli/guard.py``).
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from flinkdoctor import __version__

if TYPE_CHECKING:
    import typer

HELP = "Why is my Flink SQL sink empty? Offline answers with Flink 1.20's exact semantics."
VERSION = f"flinkdoctor {__version__} (simulates Apache Flink 1.20.3 by default)"  # as cli/root.py


class Command(NamedTuple):
    """A command's module (under ``flinkdoctor.cli``) and its one-line summary."""

    module: str
    summary: str


COMMANDS: dict[str, Command] = {
    "explain": Command(
        "explain", "Why is my sink empty? Every cause, ranked, with a verified fix."
    ),
    "check-pattern": Command(
        "check_pattern", "Do these timestamps parse the way the DDL says (Flink's exact rules)?"
    ),
    "lint": Command("lint", "Check Flink SQL files and PyFlink jobs for CI and pre-commit."),
    "rules": Command("rules", "List the lint rules (code, name, severity)."),
    "rule": Command("rule", "Show one lint rule's documentation."),
    "sample": Command(
        "sample", "Read a bounded, read-only sample of a Kafka topic (per partition)."
    ),
    "simulate-windows": Command(
        "simulate_windows",
        "Which windows fire, which wait and on what, which records are dropped.",
    ),
}
"""Every command: name -> (module under ``flinkdoctor.cli``, summary for ``--help``)."""
COMMAND_NAMES = frozenset(COMMANDS)


def top_level_help(columns: int | None = None) -> str:
    """The ``flinkdoctor --help`` text, from the table alone (no command module imported),
    wrapped to the terminal (80 columns when piped)."""
    import shutil
    import textwrap

    width = columns or shutil.get_terminal_size((80, 24)).columns

    def rows(pairs: list[tuple[str, str]]) -> list[str]:
        left = max(len(name) for name, _ in pairs) + 4
        out: list[str] = []
        for name, words in pairs:
            wrapped = textwrap.wrap(words, max(20, width - left), break_on_hyphens=False) or [""]
            out.append(f"  {name:<{left - 2}}{wrapped[0]}")
            out.extend(" " * left + more for more in wrapped[1:])
        return out

    options = [
        ("--version", "Print the version and exit."),
        ("--help", "Show this message and exit."),
        ("--install-completion", "Install completion for the current shell."),
        ("--show-completion", "Show completion for the current shell, to copy or customise it."),
    ]
    lines = [
        "Usage: flinkdoctor [OPTIONS] COMMAND [ARGS]...",
        "",
        *textwrap.wrap(HELP, width - 2, initial_indent="  ", subsequent_indent="  "),
        "",
        "Options:",
        *rows(options),
        "",
        "Commands:",
        *rows([(name, command.summary) for name, command in COMMANDS.items()]),
        "",
        "Run 'flinkdoctor COMMAND --help' for a command's options.",
    ]
    return "\n".join(lines)


def build_app(argv: Sequence[str] = ()) -> typer.Typer:
    """The typer application with the command ``argv`` names registered (every command when it
    names none or an unknown one, so the usage error lists them all)."""
    import typer

    from flinkdoctor.cli import guard
    from flinkdoctor.cli.help import Group
    from flinkdoctor.cli.root import root

    app = typer.Typer(
        name="flinkdoctor",
        help=HELP,
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
    )

    app.callback(cls=Group)(root)

    wanted = next((arg for arg in argv if not arg.startswith("-")), None)
    names = [wanted] if wanted in COMMANDS else list(COMMANDS)
    for module in dict.fromkeys(COMMANDS[name].module for name in names):  # aliases: once
        importlib.import_module(f"flinkdoctor.cli.{module}").register(app)
    for command in app.registered_commands:  # Ctrl-C and `| head` past typer's own handlers
        if command.callback is not None:
            command.callback = guard.guarded(command.callback)
    return app


_full: list[typer.Typer] = []


def _register_commands() -> None:
    """Build ``app``, the application with every command (once per process)."""
    if not _full:
        _full.append(build_app())


def all_commands(ctx: Any) -> list[Any]:
    """Every command as click sees it (for checks that must know every command's options)."""
    import typer.main

    _register_commands()
    group = typer.main.get_command(_full[0])
    return [group.get_command(ctx, name) for name in group.list_commands(ctx)]  # type: ignore[attr-defined]


def __getattr__(name: str) -> Any:
    """``app``: the application with every command, built on first use (keeps ``--help`` free
    of typer)."""
    if name == "app":
        _register_commands()
        return _full[0]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Console entry point (``flinkdoctor``): one clear line and an exit code for every failure."""
    argv = sys.argv[1:]
    if "_FLINKDOCTOR_COMPLETE" in os.environ:  # shell completion asks with no arguments
        argv = []
    elif not argv or argv in (["--help"], ["-h"]):
        print(top_level_help())
        sys.exit(0)
    if argv == ["--version"]:
        print(VERSION)
        sys.exit(0)
    import typer

    from flinkdoctor.cli import guard
    from flinkdoctor.errors import FlinkDoctorError

    app = build_app(argv)
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
