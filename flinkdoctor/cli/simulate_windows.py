"""``flinkdoctor simulate-windows``: replay events through the script's own DDL and windowed query
the way Flink 1.20 would, and say what the sink receives, what stays open and why, what is dropped.

Thin edge: reads the script and events (streamed), calls ``flinkdoctor.engine``, renders, sets the
exit code (0 clean, 1 a diagnosis, 2 usage or input error).
"""

from __future__ import annotations

import atexit
import contextlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from flinkdoctor.engine.result import SimulationResult
    from flinkdoctor.events import Record
    from flinkdoctor.sql.model import Script

import io
import json
import os
import shlex
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from flinkdoctor.cli.help import EXIT_CODES, OutputFormat, choices, command_help
from flinkdoctor.cli.help import register as register_command
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
from flinkdoctor.cli.partition_scan import scan_partitions
from flinkdoctor.cli.progress import QuietOpt, Work, wanted
from flinkdoctor.cli.replay_options import (
    Arrival,
    FlinkVersionOpt,
    ParallelismOpt,
    PartitionsOpt,
    SetOpt,
    key_values,
)
from flinkdoctor.errors import InputError
from flinkdoctor.files import check_writable, read_chunks, read_text, write_text

HELP = command_help(
    """Replay events through a Flink SQL script (or PyFlink job) and its windowed query exactly
    as Flink 1.20 would: the rows the sink receives, each window still open with the watermark it
    needs and the partition or subtask holding it back, each dropped record with the rule that
    dropped it, and a watermark timeline per input.""",
    """SCRIPT holds SETs, CREATE TABLEs and a windowed SELECT / INSERT ... SELECT (with several,
    --query N picks one). --events is JSONL: plain event values, or envelopes with partition /
    offset / timestamp (flinkdoctor sample, kcat -J). Without --events, the script's Kafka table
    (or --bootstrap-server/--topic) is sampled live, read-only, and the topic's partition count
    (empty partitions included) is used. Rule ids (R3.3, ...) are explained in
    docs/semantics.md.""",
    examples=[
        (
            "the seed job's fixed DDL: why its newest window has not closed",
            (
                "flinkdoctor simulate-windows examples/seed/case6_window_not_closed.sql",
                "--events examples/seed/case6_events.jsonl",
            ),
        ),
        (
            "the same events with an idle timeout, as JSON",
            (
                "flinkdoctor simulate-windows examples/seed/case6_window_not_closed.sql",
                "--events examples/seed/case6_events.jsonl",
                "--set table.exec.source.idle-timeout=1s --format json",
            ),
        ),
        (
            "no --events: sample the DDL's Kafka topic live (read-only)",
            "flinkdoctor simulate-windows examples/kafka/pageviews.sql",
        ),
    ],
    exit_codes={
        0: "clean: every window fired, nothing dropped",
        1: "a diagnosis (open windows, dropped records, job failure)",
        2: EXIT_CODES[2],
        3: EXIT_CODES[3],
    },
)


def simulate_windows(
    script: Annotated[
        Path, typer.Argument(metavar="SCRIPT", help="Flink SQL script or PyFlink .py job.")
    ],
    events: Annotated[
        Path | None,
        typer.Option(
            "--events",
            metavar="FILE.jsonl",
            help="JSONL events ('-' = stdin). Without it, the script's Kafka table (or "
            "--bootstrap-server/--topic) is sampled live.",
        ),
    ] = None,
    table: Annotated[
        str | None,
        typer.Option(
            "--table",
            metavar="NAME",
            help="Source table the events feed (default: the one the query reads).",
        ),
    ] = None,
    settings: SetOpt = None,
    partitions: PartitionsOpt = None,
    parallelism: ParallelismOpt = None,
    arrival: Annotated[
        Arrival,
        typer.Option(
            "--arrival",
            metavar=choices(Arrival),
            help="file (in order, instantly), live (at each Kafka timestamp) or backlog "
            "(--rate records/s).",
        ),
    ] = Arrival.file,
    rate: Annotated[
        float,
        typer.Option(
            "--rate", metavar="PER_SECOND", help="Records per second for --arrival backlog."
        ),
    ] = 10_000.0,
    bounded: Annotated[
        bool | None,
        typer.Option(
            "--bounded/--unbounded",
            help="Override whether the source ends (filesystem: bounded; Kafka: unbounded "
            "unless scan.bounded.mode).",
        ),
    ] = None,
    flink_version: FlinkVersionOpt = "1.20",
    query: Annotated[
        int | None,
        typer.Option(
            "--query",
            min=0,
            metavar="N",
            help="Which windowed query (0-based) when the script has several.",
        ),
    ] = None,
    output_format: Annotated[
        OutputFormat,
        typer.Option(
            "--format", metavar=choices(OutputFormat), help="Report for people or programs."
        ),
    ] = OutputFormat.text,
    svg: Annotated[
        Path | None,
        typer.Option("--svg", metavar="FILE.svg", help="Also save the text report as SVG."),
    ] = None,
    html: Annotated[
        Path | None,
        typer.Option("--html", metavar="FILE.html", help="Also save the text report as HTML."),
    ] = None,
    max_dropped: Annotated[
        int,
        typer.Option(
            "--max-dropped",
            min=0,
            metavar="N",
            help="Dropped records listed in full (all are counted).",
        ),
    ] = 1000,
    bootstrap_server: BootstrapOpt = None,
    topic: TopicOpt = None,
    kafka_config: KafkaConfigOpt = None,
    kafka_option: KafkaOptionOpt = None,
    start: LiveFromOpt = "-1000",
    max_per_partition: LiveMaxOpt = 1000,
    timeout: LiveTimeoutOpt = 30.0,
    quiet: QuietOpt = False,
) -> None:
    """Run the simulation and exit with 0 / 1 / 2."""
    for option, path in (("--svg", svg), ("--html", html)):
        if path is not None:
            check_writable(path, option)
    parsed = load_script_file(script)  # input errors first, before the engine is imported

    from flinkdoctor.diagnosis.simulation import simulation_findings
    from flinkdoctor.engine import Overrides, build_plan, simulate
    from flinkdoctor.events import read_events
    from flinkdoctor.render.console import make_console
    from flinkdoctor.render.simulation_json import simulation_json

    overrides_map = key_values("--set", settings or [])
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
            quiet=quiet,
            progress=wanted(quiet, output_format is OutputFormat.json),
        )
        records = live.records
        if partitions is None:
            partitions = live.partitions  # empty partitions hold the watermark back too (R2.1)
    else:
        if bootstrap_server or topic or kafka_config or kafka_option:
            raise InputError(
                "give --events or Kafka options (--bootstrap-server/--topic), not both"
            )
        name = "<stdin>" if str(events) == "-" else str(events)
        if partitions is None and not _may_read_kafka(script):
            partitions = 1  # no Kafka source: partitions change nothing, skip the scan
        if partitions is None and str(events) == "-":
            events = _spool_stdin()
        if partitions is None:
            partitions = scan_partitions(events, name)
        records = read_events(str(events), name)
    overrides = Overrides(
        settings=overrides_map,
        partitions=partitions,
        parallelism=parallelism,
        arrival=arrival.value,
        backlog_rate=rate,
        bounded=bounded,
        table=table,
        flink_version=flink_version,
        query_index=query,
    )
    plan = build_plan(parsed, overrides)
    with Work("replaying", wanted(quiet, output_format is OutputFormat.json)) as work:
        result = simulate(plan, work.track(records), max_dropped=max_dropped)
    result = _with_query_note(result, parsed, query)
    code = 0 if result.clean else 1
    if output_format is OutputFormat.json:
        sys.stdout.write(
            json.dumps(
                simulation_json(result, code, simulation_findings(parsed, result, query)),
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        )
    if output_format is OutputFormat.text or svg is not None or html is not None:
        from flinkdoctor.render.simulation_text import render_simulation

        record = svg is not None or html is not None
        console = make_console(
            record=record,
            file=None if output_format is OutputFormat.text else io.StringIO(),
            width=None if output_format is OutputFormat.text else 160,
        )
        check = "flinkdoctor check-pattern --ddl " + shlex.quote(str(script))
        if events is not None and str(events) != "-":
            check += " --events " + shlex.quote(str(events))
        render_simulation(result, console, check=check)
        _save_reports(console, svg, html)
    raise typer.Exit(code)


def _with_query_note(
    result: SimulationResult, script: Script, query: int | None
) -> SimulationResult:
    """Say so when the script has more windowed queries than the one replayed, and how to pick."""
    from flinkdoctor.engine import windowed_queries

    found = windowed_queries(script)
    if len(found) < 2 or query is not None:
        return result
    labels = [
        f"{index}: "
        + (f"INSERT INTO {sink}" if sink else "SELECT")
        + (f" (line {statement.location.line})" if statement.location.line else "")
        for index, (_select, sink, statement) in enumerate(found)
    ]
    note = (
        f"the script has {len(found)} windowed queries ({'; '.join(labels)}); this replays "
        f"query 0. Replay another with --query N (e.g. --query 1)"
    )
    return replace(result, notes=(*result.notes, note))


def _may_read_kafka(script: Path) -> bool:
    """Whether the script could read a Kafka table (it names the connector anywhere, a query
    hint included): only then do the envelopes' partitions matter."""
    return "kafka" in read_text(script).lower()


def _spool_stdin() -> Path:
    """stdin copied to a temporary file (removed at exit), so envelopes read from a pipe give
    their partition count the way a file does."""
    spool = tempfile.NamedTemporaryFile(prefix="flinkdoctor-stdin-", suffix=".jsonl", delete=False)  # noqa: SIM115
    atexit.register(_remove, spool.name)
    with spool:
        for chunk in read_chunks(sys.stdin.buffer, "<stdin>", 1 << 16, "events"):
            spool.write(chunk)
    return Path(spool.name)


def _remove(name: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(name)


def _save_reports(console: Console, svg: Path | None, html: Path | None) -> None:
    """The recorded text report as SVG and/or HTML (both from the same recording)."""
    if svg is not None:
        write_text(svg, console.export_svg(title="flinkdoctor simulate-windows", clear=False))
    if html is not None:
        write_text(html, console.export_html(clear=False))


def register(app: typer.Typer) -> None:
    """Add the command to the application."""
    register_command(
        app,
        "simulate-windows",
        simulate_windows,
        help=HELP,
        short_help="Which windows fire, which wait and on what, which records are dropped.",
    )
