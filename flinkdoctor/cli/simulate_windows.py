"""``flinkdoctor simulate-windows``: replay events through the script's own DDL and windowed query
the way Flink 1.20 would, and say what the sink receives, what stays open and why, what is dropped.

Thin edge: reads the script and events (streamed), calls ``flinkdoctor.engine``, renders, sets the
exit code (0 clean, 1 a diagnosis, 2 usage or input error).
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from flinkdoctor.cli.inputs import load_script_file
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
from flinkdoctor.diagnosis.simulation import simulation_findings
from flinkdoctor.engine import Overrides, build_plan, simulate
from flinkdoctor.engine.arrival import ARRIVAL_MODES
from flinkdoctor.errors import InputError
from flinkdoctor.events import Record, read_events
from flinkdoctor.render.simulation_json import simulation_json
from flinkdoctor.render.simulation_text import render_simulation

HELP = """Replay events through a Flink SQL script (or PyFlink job) and its windowed query exactly
as Flink 1.20 would: the rows the sink receives, each window still open with the watermark it
needs and the partition or subtask holding it back, each dropped record with the rule that
dropped it, and a watermark timeline per input.

SCRIPT holds SETs, CREATE TABLEs and one windowed SELECT / INSERT ... SELECT. --events is JSONL:
plain event values, or envelopes with partition / offset / timestamp (flinkdoctor sample, kcat -J).
Without --events, the script's Kafka table (or --bootstrap-server/--topic) is sampled live,
read-only, and the topic's partition count (empty partitions included) is used.
Exit code: 0 clean, 1 a diagnosis (open windows, dropped records, job failure), 2 bad input."""

_PARTITION = re.compile(rb'"partition"\s*:\s*(-?\d+)')


def simulate_windows(
    script: Annotated[Path, typer.Argument(help="Flink SQL script or PyFlink .py job.")],
    events: Annotated[
        Path | None,
        typer.Option(
            "--events",
            help="JSONL events ('-' = stdin). Without it, the script's Kafka table (or "
            "--bootstrap-server/--topic) is sampled live.",
        ),
    ] = None,
    table: Annotated[
        str | None,
        typer.Option(
            "--table", help="Source table the events feed (default: the one the query reads)."
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
        str,
        typer.Option(
            "--arrival",
            help="file (in order, instantly), live (at each Kafka timestamp) or backlog "
            "(--rate records/s).",
        ),
    ] = "file",
    rate: Annotated[
        float, typer.Option("--rate", help="Records per second for --arrival backlog.")
    ] = 10_000.0,
    bounded: Annotated[
        bool | None,
        typer.Option(
            "--bounded/--unbounded",
            help="Override whether the source ends (filesystem: bounded; Kafka: unbounded "
            "unless scan.bounded.mode).",
        ),
    ] = None,
    flink_version: Annotated[
        str,
        typer.Option(
            "--flink-version",
            help="1.16-1.20 (the newest patch release unless given, e.g. 1.20.0) or 2.x; rules "
            "that differ by version follow it.",
        ),
    ] = "1.20",
    query: Annotated[
        int | None,
        typer.Option(
            "--query", min=0, help="Which windowed query (0-based) when the script has several."
        ),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", help="text (default) or json.")
    ] = "text",
    svg: Annotated[
        Path | None, typer.Option("--svg", help="Also save the text report as SVG.")
    ] = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Also save the text report as HTML.")
    ] = None,
    max_dropped: Annotated[
        int,
        typer.Option(
            "--max-dropped", min=0, help="Dropped records listed in full (all are counted)."
        ),
    ] = 1000,
    bootstrap_server: BootstrapOpt = None,
    topic: TopicOpt = None,
    kafka_config: KafkaConfigOpt = None,
    kafka_option: KafkaOptionOpt = None,
    start: LiveFromOpt = "-1000",
    max_per_partition: LiveMaxOpt = 1000,
    timeout: LiveTimeoutOpt = 30.0,
) -> None:
    """Run the simulation and exit with 0 / 1 / 2."""
    if arrival not in ARRIVAL_MODES:
        raise InputError(f"--arrival must be one of {', '.join(ARRIVAL_MODES)}, got {arrival!r}")
    if output_format not in ("text", "json"):
        raise InputError(f"--format must be text or json, got {output_format!r}")
    overrides_map = _settings(settings or [])
    parsed = load_script_file(script)
    records: Iterable[Record]
    if events is None:
        live = sample_live(
            bootstrap_server=bootstrap_server,
            topic=topic,
            kafka_config=kafka_config,
            kafka_option=kafka_option,
            ddl=script,
            table=table,
            script=parsed,
            start=start,
            max_per_partition=max_per_partition,
            timeout=timeout,
        )
        records = live.records
        if partitions is None:
            partitions = live.partitions  # empty partitions hold the watermark back too (R2.1)
    else:
        if bootstrap_server or topic or kafka_config or kafka_option:
            raise InputError(
                "give --events or Kafka options (--bootstrap-server/--topic), not both"
            )
        if partitions is None and str(events) != "-":
            partitions = _scan_partitions(events)
        records = read_events(str(events))
    overrides = Overrides(
        settings=overrides_map,
        partitions=partitions,
        parallelism=parallelism,
        arrival=arrival,
        backlog_rate=rate,
        bounded=bounded,
        table=table,
        flink_version=flink_version,
        query_index=query,
    )
    plan = build_plan(parsed, overrides)
    result = simulate(plan, records, max_dropped=max_dropped)
    code = 0 if result.clean else 1
    if output_format == "json":
        sys.stdout.write(
            json.dumps(
                simulation_json(result, code, simulation_findings(parsed, result, query)),
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        )
    if output_format == "text" or svg is not None or html is not None:
        record = svg is not None or html is not None
        console = Console(
            highlight=False,
            record=record,
            file=None if output_format == "text" else io.StringIO(),
            width=None if output_format == "text" else 160,
        )
        render_simulation(result, console)
        if svg is not None:
            console.save_svg(str(svg), title="flinkdoctor simulate-windows")
        if html is not None:
            console.save_html(str(html))
    raise typer.Exit(code)


def _settings(pairs: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--set expects KEY=VALUE, got {pair!r}")
        out[key.strip()] = value.strip()
    return out


def _scan_partitions(path: Path) -> int | None:
    """Partitions implied by the envelopes (max partition + 1), from a quick byte scan."""
    try:
        handle = open(path, "rb")  # noqa: SIM115
    except OSError:
        return None  # read_events reports the problem with its own message
    highest = -1
    with handle:
        for line in handle:
            match = _PARTITION.search(line)
            if match is not None:
                highest = max(highest, int(match.group(1)))
    return highest + 1 if highest >= 0 else None


def register(app: typer.Typer) -> None:
    """Add the command to the application."""
    app.command(
        "simulate-windows",
        help=HELP,
        short_help="Which windows fire, which wait and on what, which records are dropped.",
    )(simulate_windows)
