"""``flinkdoctor rule NAME``: one lint rule's documentation, the same page as
docs/rules/<name>.md (generated from the rule's code), rendered for the terminal with rich. An
unknown name is exit 2 with the close matches."""

from __future__ import annotations

import difflib
from typing import Annotated

import typer

from flinkdoctor.cli.help import command_help
from flinkdoctor.cli.help import register as register_command
from flinkdoctor.errors import InputError

RULE_HELP = command_help(
    """Show one lint rule's documentation: what it does, why it is bad, an example and the
    fix (the same page as docs/rules/NAME.md).""",
    """NAME is the rule's name or its code; flinkdoctor rules lists them. A finding that only
    explain and the replay commands report (from the events) is named with a line on where it
    comes from.""",
    examples=[
        ("a rule by its name", "flinkdoctor rule pattern-invalid"),
        ("a rule by its code", "flinkdoctor rule FD202"),
    ],
    exit_codes={0: "shown", 2: "no rule by that name (one line with the close matches)"},
)


def rule(
    name: Annotated[str, typer.Argument(metavar="NAME", help="Rule name or code.")],
) -> None:
    """Show one rule's documentation."""
    from flinkdoctor.findings.catalog import CATALOG, lookup
    from flinkdoctor.lint.docgen import GENERATED, rule_info, rule_page
    from flinkdoctor.lint.registry import rule_named

    found = rule_named(name.strip())
    if found is None:
        entry = lookup(name.strip())
        if entry is not None and entry.static:
            typer.echo(f"{entry.name} ({entry.code}, {entry.severity.value}): {entry.title}.")
            return
        if entry is not None:  # a finding of explain / the replay commands, not a lint rule
            typer.echo(
                f"{entry.name} ({entry.code}, {entry.severity.value}): {entry.title}.\n"
                "Not a lint rule: flinkdoctor finds it from the events and a replay of the job "
                "(explain, check-pattern, simulate-windows), never from the script alone."
            )
            return
        names = [e.name for e in CATALOG if e.static] + [e.code for e in CATALOG if e.static]
        close = difflib.get_close_matches(name.strip().lower(), names, n=3, cutoff=0.5)
        close += difflib.get_close_matches(name.strip().upper(), names, n=1, cutoff=0.8)
        hint = f"; did you mean {', '.join(dict.fromkeys(close))}?" if close else ""
        raise InputError(f"no rule named {name!r}{hint} (flinkdoctor rules lists them)")
    from rich.markdown import Markdown

    from flinkdoctor.render.console import make_console

    page = rule_page(rule_info(found)).replace(GENERATED, "").strip()
    make_console().print(Markdown(_repository_links(page), hyperlinks=False))


def _repository_links(page: str) -> str:
    """The page's relative links (written for docs/rules/) as paths from the repository root,
    shown after their text: ``semantics (docs/semantics.md#r42)``, never ``../semantics.md``."""
    import posixpath
    import re

    def rebase(match: re.Match[str]) -> str:
        target = match.group(1)
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            return match.group(0)
        path, sep, anchor = target.partition("#")
        return f"]({posixpath.normpath(posixpath.join('docs/rules', path))}{sep}{anchor})"

    return re.sub(r"\]\(([^)\s]+)\)", rebase, page)


def register(app: typer.Typer) -> None:
    """Add the command to the application."""
    register_command(
        app, "rule", rule, help=RULE_HELP, short_help="Show one lint rule's documentation."
    )
