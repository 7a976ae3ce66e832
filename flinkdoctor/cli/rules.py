"""``flinkdoctor rules``: every lint rule in a table (code, name, default severity, what it flags),
or as JSON. ``flinkdoctor rule NAME`` (cli/rule.py) shows one."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

RULES_HELP = (
    "List every lint rule: code, name, default severity and what it flags.\n\n"
    "Examples:\n  flinkdoctor rules\n  flinkdoctor rules --format json\n\n"
    "Exit codes: 0."
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


def register(app: typer.Typer) -> None:
    """Add the command to the application."""
    app.command("rules", help=RULES_HELP, short_help="List every lint rule.")(rules)
