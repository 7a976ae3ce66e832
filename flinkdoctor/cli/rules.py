"""``flinkdoctor rules``: every lint rule in a table (code, name, default severity, what it flags),
or as JSON. ``flinkdoctor rule NAME`` (cli/rule.py) shows one."""

from __future__ import annotations

from typing import Annotated

import typer

from flinkdoctor.cli.help import EXIT_CODES, OutputFormat, choices, command_help
from flinkdoctor.cli.help import register as register_command

RULES_HELP = command_help(
    "List every lint rule: code, name, default severity and what it flags.",
    """flinkdoctor rule NAME shows one rule's documentation (the same page as
    docs/rules/NAME.md); flinkdoctor lint --select and --ignore take these codes and names.""",
    examples=[
        ("every rule, as a table", "flinkdoctor rules"),
        ("the same as JSON, for scripts", "flinkdoctor rules --format json"),
    ],
    exit_codes={0: "listed", 2: EXIT_CODES[2]},
)


def rules(
    output_format: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            metavar=choices(OutputFormat),
            help="text (a table) or json.",
            case_sensitive=False,
        ),
    ] = OutputFormat.text,
) -> None:
    """List every lint rule."""
    from flinkdoctor.lint.docgen import rule_info
    from flinkdoctor.lint.registry import RULES

    infos = sorted((rule_info(rule) for rule in RULES), key=lambda i: i.code)
    if output_format is OutputFormat.json:
        import orjson

        data = [
            {"code": i.code, "name": i.name, "severity": i.severity.value, "title": i.title}
            for i in infos
        ]
        typer.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
        return
    from rich.table import Table
    from rich.text import Text

    from flinkdoctor.render.console import make_console

    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    table.add_column("code", no_wrap=True)
    table.add_column("name", no_wrap=True)
    table.add_column("severity", no_wrap=True)
    table.add_column("what it flags")
    style = {"error": "red", "warning": "yellow", "info": "cyan"}
    for info in infos:
        level = info.severity.value
        table.add_row(Text(info.code), Text(info.name), Text(level, style[level]), Text(info.title))
    console = make_console()
    console.print(table)
    console.print(
        Text("flinkdoctor rule NAME shows one rule's documentation.", style="dim"),
    )


def register(app: typer.Typer) -> None:
    """Add the command to the application."""
    register_command(app, "rules", rules, help=RULES_HELP, short_help="List every lint rule.")
