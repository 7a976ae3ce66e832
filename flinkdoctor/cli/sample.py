"""``flinkdoctor sample``: save a bounded, read-only sample of a Kafka topic as JSONL envelopes.

The edge around ``flinkdoctor.events.kafka``: gathers connection settings (flags, ``-X``,
``--kafka-config``, ``KAFKA_*`` environment, the DDL's WITH options), writes one envelope per line
to ``--out`` or stdout, shows progress and a per-partition summary on stderr. Exit 0 with whatever
was read (also when the timeout cut it short), 2 for bad input or an unknown topic, 3 when Kafka
cannot be reached or refuses the credentials, 130 on Ctrl-C (the lines written are complete).
The options it shares with the commands that read Kafka live are in ``cli/kafka_options.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


import enum
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from flinkdoctor.cli.help import EXIT_CODES, choices, command_help
from flinkdoctor.cli.help import register as register_command
from flinkdoctor.cli.inputs import load_script_file
from flinkdoctor.cli.kafka_options import (
    SAMPLING_PANEL,
    BootstrapOpt,
    DdlOpt,
    FromOpt,
    KafkaConfigOpt,
    KafkaOptionOpt,
    KafkaOptions,
    MaxPerPartitionOpt,
    MaxTotalOpt,
    PartitionOpt,
    SaslMechanismOpt,
    SaslUsernameOpt,
    SecurityProtocolOpt,
    TableOpt,
    TimeoutOpt,
    TopicOpt,
    ddl_rowtime,
    display_event_time,
    flink_event_time,
    kafka_settings,
    kafka_table,
    sample_request_args,
)
from flinkdoctor.cli.line_output import DeferredInterrupt, LineOutput
from flinkdoctor.cli.progress import QuietOpt, stderr_console, wanted
from flinkdoctor.errors import KafkaUnavailableError
from flinkdoctor.files import check_writable

HELP = command_help(
    """Save a bounded sample of a Kafka topic as JSONL envelopes, read-only: no consumer group,
    no committed offsets. Records go to --out (or stdout); progress and a per-partition summary
    (offsets, Kafka and event times, empty and stale partitions, payloads that are not JSON) go
    to stderr.""",
    """Connection settings come from, lowest priority first: --ddl (its Kafka table's WITH
    options), KAFKA_* environment variables, --kafka-config, -X, and the flags below.
    `flinkdoctor sample --ddl job.sql` alone is enough when the DDL holds real addresses and
    credentials. Replay the file with any command's --events.""",
    examples=[
        (
            "the DDL's own Kafka table, last 1000 records per partition",
            "flinkdoctor sample --ddl examples/kafka/pageviews.sql --out sample.jsonl",
        ),
        (
            "a topic from the start, at most 500 records per partition",
            (
                "flinkdoctor sample -b localhost:9092 -t pageviews --from earliest",
                "--max-per-partition 500 -o sample.jsonl",
            ),
        ),
        (
            "replay the sample (empty partitions count too)",
            (
                "flinkdoctor simulate-windows examples/kafka/pageviews.sql",
                "--events sample.jsonl --partitions 3",
            ),
        ),
    ],
    exit_codes={
        0: "the sample was read (also when --timeout cut it short)",
        2: "usage or input error, or an unknown topic",
        3: EXIT_CODES[3],
        130: "interrupted (Ctrl-C): every line written is complete",
    },
)


class SummaryFormat(str, enum.Enum):
    """``--summary``: the per-partition summary for people, for programs, or none."""

    text = "text"
    json = "json"
    none = "none"


def sample(
    out: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--out",
            "-o",
            metavar="FILE.jsonl",
            help="Write the JSONL sample here (default: stdout).",
        ),
    ] = None,
    bootstrap_server: BootstrapOpt = None,
    topic: TopicOpt = None,
    kafka_config: KafkaConfigOpt = None,
    kafka_option: KafkaOptionOpt = None,
    security_protocol: SecurityProtocolOpt = None,
    sasl_mechanism: SaslMechanismOpt = None,
    sasl_username: SaslUsernameOpt = None,
    ddl: DdlOpt = None,
    table: TableOpt = None,
    start: FromOpt = "-1000",
    max_per_partition: MaxPerPartitionOpt = 1000,
    max_total: MaxTotalOpt = 100_000,
    timeout: TimeoutOpt = 30.0,
    partition: PartitionOpt = None,
    time_field: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--time-field",
            metavar="PATH",
            help="Dotted path of the event time, for the summary's event-time column.",
            rich_help_panel=SAMPLING_PANEL,
        ),
    ] = None,
    summary_format: Annotated[
        SummaryFormat,
        typer.Option(
            "--summary",
            metavar=choices(SummaryFormat),
            help="The per-partition summary on stderr, for people or programs, or none.",
        ),
    ] = SummaryFormat.text,
    progress: Annotated[
        bool,
        typer.Option(
            "--progress/--no-progress",
            help="Progress bar on stderr when the read takes over a second (terminals only).",
        ),
    ] = True,
    quiet: QuietOpt = False,
) -> None:
    """Sample a Kafka topic into JSONL envelopes, read-only (no consumer group, no commits)."""
    from rich.text import Text

    from flinkdoctor.render.sample_json import summary_json
    from flinkdoctor.render.sample_text import render_sample_summary

    if quiet:
        summary_format, progress = SummaryFormat.none, False
    from flinkdoctor.events.kafka import SampleRequest, open_sample

    options = KafkaOptions(
        bootstrap_server,
        topic,
        kafka_config,
        kafka_option,
        security_protocol,
        sasl_mechanism,
        sasl_username,
        ddl,
        table,
    )
    if out is not None:
        check_writable(out, "--out")  # before connecting: say it at once
    script = load_script_file(ddl) if ddl is not None else None
    settings = kafka_settings(options, script=script)
    event_time, label = None, None
    if time_field:
        event_time, label = display_event_time(time_field), f"{time_field} (as a date/time)"
    elif script is not None:
        rowtime = ddl_rowtime(script, kafka_table(script, table))
        if rowtime is not None:
            event_time, label = flink_event_time(rowtime), f"{rowtime.describe()} (Flink's rules)"
    request = SampleRequest(
        topic=settings.topic,
        event_time=event_time,
        **sample_request_args(start, max_per_partition, max_total, timeout, partition),
    )
    began = time.monotonic()
    err = stderr_console(quiet)
    interrupted = False
    with open_sample(settings, request) as opened:
        output = LineOutput(out)  # only now: a failed connection leaves an existing file alone
        try:
            show = progress and wanted(quiet, summary_format is SummaryFormat.json)
            with DeferredInterrupt() as ctrl_c:  # acted on between lines: the account stays exact
                opened.stop_requested = ctrl_c
                _write(opened.lines(), output, ctrl_c, err, show, opened)
            interrupted = ctrl_c.requested
        except KeyboardInterrupt:  # a second Ctrl-C: stop at once
            interrupted = True
        except BrokenPipeError:  # `sample | head`: the reader has what it wanted
            opened.summary.stop_reason = "output-closed"
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no error at exit
        finally:
            output.close()
        if interrupted:
            opened.summary.stop_reason = "interrupted"
        elapsed = time.monotonic() - began
        if summary_format is SummaryFormat.json:
            sys.stderr.write(summary_json(opened.summary, elapsed) + "\n")
        elif summary_format is SummaryFormat.text:
            err.print(Text(f"Kafka: {settings.describe()}", style="dim"))
            render_sample_summary(opened.summary, elapsed, err, label)
    if interrupted:
        raise typer.Exit(130)
    if opened.summary.stop_reason == "connection-lost":
        raise KafkaUnavailableError(
            f"the connection to {','.join(settings.bootstrap_servers)} was lost while sampling "
            f"({opened.summary.total} records read; every written line is complete)"
        )


def _write(
    lines: Iterator[str],
    output: LineOutput,
    stop: Callable[[], bool],
    err: Console,
    show_progress: bool,
    opened: Any,
) -> None:
    """Each line out before the next is asked for (the sampler counts a record then)."""
    if not show_progress:
        for line in lines:
            if not output.write(line, stop):
                return
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("sampling"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("sample", total=opened.planned)
        for count, line in enumerate(lines, start=1):
            if not output.write(line, stop):
                return
            if count % 2000 == 0:
                bar.update(task, completed=count)


def register(app: typer.Typer) -> None:
    """Add the command to the application."""
    register_command(
        app,
        "sample",
        sample,
        help=HELP,
        short_help="Read a bounded, read-only sample of a Kafka topic (per partition).",
    )
