"""Help conventions every command shares: one layout (what it does, details, examples, exit codes),
a usage line that reads like the command (``SCRIPT``, ``[PATTERN] [VALUE]...``), meaningful
placeholders instead of typer's type labels (``<str>``, ``<bool>``, ``<list[str]>``), and the
choices of an enumerated option listed where the option is.

A command registers with ``register(app, name, function, help=command_help(...), ...)`` and gives
each option a ``metavar`` (``choices(...)`` for an enum); ``tests/cli/test_terminal.py`` checks.
"""

from __future__ import annotations

import copy
import enum
from collections.abc import Iterable, Sequence
from typing import Any

import typer
from rich.markup import escape
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from flinkdoctor.errors import InputError

EXIT_CODES = {
    0: "clean",
    1: "findings",
    2: "usage or input error (one line naming the file:line or value at fault)",
    3: "Kafka unreachable or not authorised",
    4: "internal error (a bug: set FLINKDOCTOR_DEBUG=1 for the traceback)",
}
"""The exit codes every command shares; a command's help lists the ones it uses, in its words."""


class OutputFormat(str, enum.Enum):
    """``--format`` of a report: rich text for people, JSON for programs."""

    text = "text"
    json = "json"


def choices(kind: type[enum.Enum]) -> str:
    """The metavar of an enum option: its values, e.g. ``[text|json]``."""
    return "[" + "|".join(str(member.value) for member in kind) + "]"


def command_help(
    summary: str,
    *details: str,
    examples: Sequence[tuple[str, str | Sequence[str]]],
    exit_codes: dict[int, str],
) -> str:
    """A command's help text in typer's rich markup mode: the summary and the detail paragraphs
    (each written with hard wraps in the source, reflowed to the terminal here), the examples
    (a comment line, then the command: given as parts, it is continued with a backslash so that
    each part stays on its own line of an 80-column terminal) and the exit codes."""
    paragraphs = [_reflow(summary), *(_reflow(text) for text in details)]
    lines = ["[bold]Examples[/bold]"]
    for comment, command in examples:
        parts = [command] if isinstance(command, str) else list(command)
        lines.append(f"  [dim]# {escape(comment)}[/dim]")
        lines.append("  $ " + " \\\n      ".join(escape(part) for part in parts))
    paragraphs.append("\n".join(lines))
    codes = ["[bold]Exit codes[/bold]"]
    width = max(len(str(code)) for code in exit_codes)
    codes += [f"  {code:>{width}}  {escape(words)}" for code, words in sorted(exit_codes.items())]
    paragraphs.append("\n".join(codes))
    return "\n\n".join(paragraphs)


def _reflow(text: str) -> str:
    """One paragraph, one line: rich markup mode keeps single newlines, which would leave the
    source's hard wraps as ragged lines in the terminal."""
    return escape(" ".join(line.strip() for line in text.strip().splitlines()))


class _Argument(TyperArgument):
    """An argument whose metavar is all the help shows (no ``<list[str]>`` type label)."""

    def get_usage_pieces(self, ctx: Any) -> list[str]:
        return [self.metavar] if self.metavar is not None else super().get_usage_pieces(ctx)


class Command(TyperCommand):
    """A typer command with the house help conventions: arguments shown by their metavar alone,
    flags (``--help``, ``--quiet``, ``--bounded/--unbounded``) without a ``<bool>`` label."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _conventional(super().get_params(ctx))

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        # A bad option value is bad input like any other: one line naming the option and the
        # value, exit 2 (click's own report is four lines, with the usage).
        try:
            return super().parse_args(ctx, args)
        except typer.BadParameter as error:
            if type(error).__name__ == "MissingParameter":  # a usage error: show the usage
                raise
            raise InputError(error.format_message().replace("Value error, ", "")) from None


class Group(TyperGroup):
    """The root command: its flags (``--version``, ``--install-completion``) without ``<bool>``."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _conventional(super().get_params(ctx))


def _unlabelled(param_type: Any) -> Any:
    """A copy of an argument's type that prints no label in the help (typer 0.28 shows ``<str>``
    after a metavar otherwise); it converts exactly as the original."""
    quiet = copy.copy(param_type)
    quiet.get_metavar = lambda *args, **kwargs: ""
    quiet.unlabelled = True
    return quiet


def _conventional(params: list[Any]) -> list[Any]:
    for param in params:
        if isinstance(param, TyperArgument) and not isinstance(param, _Argument):
            param.__class__ = _Argument  # same fields; only the two displays differ
            if param.metavar is not None and not getattr(param.type, "unlabelled", False):
                param.type = _unlabelled(param.type)
        elif isinstance(param, TyperOption):
            _quiet_flag(param)
    return params


def _quiet_flag(option: TyperOption) -> None:
    if option.is_flag and option.metavar is None:
        option.metavar = ""


def register(app: typer.Typer, name: str, function: Any, *, help: str, short_help: str) -> None:
    """Add ``function`` as command ``name`` with the house conventions."""
    app.command(name, cls=Command, help=help, short_help=short_help)(function)


def placeholders(text: str) -> Iterable[str]:
    """Typer's type labels left in a help text (``<str>``, ``<bool>``, ``{script}``): what a
    test of the help must find none of."""
    import re

    return re.findall(r"<[a-z][a-z_\[\]| ]*>|\{[a-z_]+\}", text)
