"""The top-level callback of the typer application (``--version``, project defaults).

Its own module so that ``cli/app.py`` can answer ``--help`` and ``--version`` without importing
typer: this module is imported only when the application is built.
"""

from __future__ import annotations

import typer

from flinkdoctor import __version__

VERSION = f"flinkdoctor {__version__} (simulates Apache Flink 1.20.3 by default)"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(VERSION)
        raise typer.Exit(0)


def root(
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
