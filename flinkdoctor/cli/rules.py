"""``flinkdoctor rules`` (every lint rule in a table) and ``flinkdoctor rule NAME`` (one rule's
documentation, the same page as docs/rules/<name>.md, rendered for the terminal)."""

from __future__ import annotations

import difflib
from enum import Enum
from typing import Annotated

import typer

from flinkdoctor.errors import InputError

RULES_HELP = (
    "List every lint rule: code, name, default severity and what it flags.\n\n"
    "Examples:\n  flinkdoctor rules\n  flinkdoctor rules --format json\n\n"
    "Exit codes: 0."
)

RULE_HELP = (
    "Show one rule's documentation: what it does, why it is bad, an example and the fix. "
    "NAME is the rule's name or code, e.g. no-idle-timeout or FD202.\n\n"
    "Examples:\n  flinkdoctor rule no-idle-timeout\n  flinkdoctor rule FD101\n\n"
    "Exit codes: 0 shown; 2 no rule by that name (close matches are suggested)."
)


class ListFormat(str, Enum):
    text = "text"
    json = "json"


def rules(
    output_format: Annotated[
        ListFormat,
        typer.Option("--format", help="text (a table) or json.", case_sensitive=False),
    ] = ListFormat.text,
) -> None:
    """List every lint rule."""
    from flinkdoctor.lint.docgen import rule_info
    from flinkdoctor.lint.registry import RULES

    infos = sorted((rule_info(rule) for rule in RULES), key=lambda i: i.code)
    if output_format is ListFormat.json:
        import orjson

        data = [
            {"code": i.code, "name": i.name, "severity": i.severity.value, "title": i.title}
            for i in infos
        ]
        typer.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    table.add_column("code", no_wrap=True)
    table.add_column("name", no_wrap=True)
    table.add_column("severity", no_wrap=True)
    table.add_column("what it flags")
    style = {"error": "red", "warning": "yellow", "info": "cyan"}
    for info in infos:
        level = info.severity.value
        table.add_row(Text(info.code), Text(info.name), Text(level, style[level]), Text(info.title))
    console = Console()
    console.print(table)
    console.print(
        Text("flinkdoctor rule NAME shows one rule's documentation.", style="dim"),
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
    from rich.console import Console
    from rich.markdown import Markdown

    page = rule_page(rule_info(found)).replace(GENERATED, "").strip()
    Console().print(Markdown(page))


def register(app: typer.Typer) -> None:
    """Add both commands to the application."""
    app.command("rules", help=RULES_HELP, short_help="List every lint rule.")(rules)
    app.command("rule", help=RULE_HELP, short_help="Show one lint rule's documentation.")(rule)
