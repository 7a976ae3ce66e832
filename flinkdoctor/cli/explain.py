"""``flinkdoctor explain``: one command that answers "why is my sink empty", with the fix,
verified by replaying the fixed job.

Thin edge: reads the script, the events (a file, re-read for every replay, or a live Kafka
sample) and the environment a PyFlink job would see, calls ``flinkdoctor.diagnosis.explain``,
renders, writes the fixed script when asked, sets the exit code (0 the sink gets its rows, 1 an
error-level cause, 2 bad input, 3 Kafka unreachable).
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from flinkdoctor.cli.inputs import read_text
from flinkdoctor.cli.live import (
    BootstrapOpt,
    KafkaConfigOpt,
    KafkaOptionOpt,
    LiveFromOpt,
    LiveMaxOpt,
    LiveTimeoutOpt,
    TopicOpt,
    sample_live,
)
from flinkdoctor.diagnosis.explain import ExplainOptions, ExplainResult, explain
from flinkdoctor.engine.arrival import ARRIVAL_MODES, ArrivalMode
from flinkdoctor.errors import InputError
from flinkdoctor.events import Record, read_events
from flinkdoctor.render.explain_json import explain_json
from flinkdoctor.render.explain_text import render_explain
from flinkdoctor.sql import load_script

HELP = """Why is the sink empty (or wrong)? Runs every check flinkdoctor has in one pass: the
script's static rules, the events against the DDL's rowtime (field names, the conversion of
every value, epoch units), a replay of every windowed query, the source's start position and
what the sink makes visible. Prints the verdict, the causes ranked with their evidence, and a
fix as a diff of your own file, verified by replaying the fixed job on the same events.

SCRIPT is a Flink SQL script or a PyFlink .py job (os.environ lookups resolve from --env and the
process environment). Events: --events FILE (JSONL values, sample envelopes, kcat -J), or
sampled live and read-only from the script's Kafka table (or --bootstrap-server/--topic).
Exit code: 0 the sink gets its rows, 1 an error-level cause, 2 bad input, 3 Kafka unreachable."""


def explain_command(
    script: Annotated[Path, typer.Argument(help="Flink SQL script or PyFlink .py job.")],
    events: Annotated[
        Path | None,
        typer.Option(
            "--events",
            help="JSONL events ('-' = stdin). Without it, the script's Kafka table (or "
            "--bootstrap-server/--topic) is sampled live.",
        ),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", help="text (default) or json.")
    ] = "text",
    write_fixed: Annotated[
        Path | None,
        typer.Option(
            "--write-fixed",
            metavar="FILE",
            help="Write the script with every verified fix applied to FILE (never the input).",
        ),
    ] = None,
    env: Annotated[
        list[str] | None,
        typer.Option(
            "--env",
            metavar="NAME=VALUE",
            help="Environment variable the PyFlink job reads (repeatable; over the process "
            "environment).",
        ),
    ] = None,
    settings: Annotated[
        list[str] | None,
        typer.Option("--set", help="KEY=VALUE, overrides the script's SETs (repeatable)."),
    ] = None,
    partitions: Annotated[
        int | None,
        typer.Option(
            "--partitions",
            min=1,
            help="Kafka partitions (default: from the events' envelopes, else 1).",
        ),
    ] = None,
    parallelism: Annotated[
        int | None, typer.Option("--parallelism", min=1, help="Overrides parallelism.default.")
    ] = None,
    arrival: Annotated[
        str | None,
        typer.Option(
            "--arrival",
            help="file, live or backlog (default: follow the job: latest-offset is live, "
            "other Kafka start positions a backlog, files in order).",
        ),
    ] = None,
    flink_version: Annotated[
        str,
        typer.Option(
            "--flink-version",
            help="1.16-1.20 (the newest patch release unless given) or 2.x.",
        ),
    ] = "1.20",
    html: Annotated[
        Path | None,
        typer.Option("--html", metavar="FILE", help="Also write a self-contained HTML report."),
    ] = None,
    bootstrap_server: BootstrapOpt = None,
    topic: TopicOpt = None,
    kafka_config: KafkaConfigOpt = None,
    kafka_option: KafkaOptionOpt = None,
    start: LiveFromOpt = "-1000",
    max_per_partition: LiveMaxOpt = 1000,
    timeout: LiveTimeoutOpt = 30.0,
) -> None:
    """Explain the job and exit with 0 / 1 / 2 / 3."""
    if output_format not in ("text", "json"):
        raise InputError(f"--format must be text or json, got {output_format!r}")
    if arrival is not None and arrival not in ARRIVAL_MODES:
        raise InputError(f"--arrival must be one of {', '.join(ARRIVAL_MODES)}, got {arrival!r}")
    text = read_text(script)
    environ = {**os.environ, **_pairs("--env", env or [])}
    live = False
    if events is None:
        parsed = load_script(text, str(script), environ)
        sample = sample_live(
            bootstrap_server=bootstrap_server,
            topic=topic,
            kafka_config=kafka_config,
            kafka_option=kafka_option,
            ddl=script,
            table=None,
            script=parsed,
            start=start,
            max_per_partition=max_per_partition,
            timeout=timeout,
        )
        kept: list[Record] = sample.records  # a bounded sample: kept for every replay
        if partitions is None:
            partitions = sample.partitions
        live = True

        def factory() -> Iterable[Record]:
            return kept
    else:
        if bootstrap_server or topic or kafka_config or kafka_option:
            raise InputError(
                "give --events or Kafka options (--bootstrap-server/--topic), not both"
            )
        if str(events) == "-":
            lines = list(read_events("-"))

            def factory() -> Iterable[Record]:
                return lines
        else:
            if not events.is_file():
                raise InputError(f"{events}: no such file")
            path = str(events)

            def factory() -> Iterable[Record]:
                return read_events(path)  # re-read for every replay, never held whole

    mode: ArrivalMode | None = arrival
    options = ExplainOptions(
        env=environ,
        settings=_pairs("--set", settings or []),
        partitions=partitions,
        parallelism=parallelism,
        flink_version=flink_version,
        arrival=mode,
        live_sample=live,
    )
    result = explain(text, str(script), factory, options)
    if write_fixed is not None:
        _write_fixed(result, script, write_fixed)
    if html is not None:
        _write_html(result, html)
    if output_format == "json":
        sys.stdout.write(explain_json(result) + "\n")
    else:
        render_explain(result, Console(highlight=False))
    raise typer.Exit(result.exit_code)


def _pairs(option: str, pairs: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InputError(f"{option} expects NAME=VALUE, got {pair!r}")
        out[key.strip()] = value
    return out


def _write_fixed(result: ExplainResult, script: Path, target: Path) -> None:
    if target.resolve() == script.resolve():
        raise InputError(
            f"--write-fixed {target}: that is the input script; write the fix to another file"
        )
    err = Console(stderr=True, highlight=False)
    if result.fixed_text is None:
        err.print("no edit to apply: nothing written to " + str(target), markup=False)
        return
    try:
        target.write_text(result.fixed_text, encoding="utf-8")
    except OSError as error:
        raise InputError(f"{target}: cannot write: {error.strerror}") from None
    err.print(f"wrote the fixed script to {target}", markup=False)


def _write_html(result: ExplainResult, target: Path) -> None:
    try:
        module = importlib.import_module("flinkdoctor.render.explain_html")
    except ImportError:
        raise InputError("--html: the HTML report is not available in this build") from None
    page = module.render_explain_html(result)
    try:
        target.write_text(page, encoding="utf-8")
    except OSError as error:
        raise InputError(f"{target}: cannot write: {error.strerror}") from None


def register(app: typer.Typer) -> None:
    """Add the command to the application."""
    app.command(
        "explain",
        help=HELP,
        short_help="Why is the sink empty? Every cause ranked, with a verified fix.",
    )(explain_command)
