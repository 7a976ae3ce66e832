"""``flinkdoctor explain``: one command that answers "why is my sink empty", with the fix,
verified by replaying the fixed job.

Thin edge: reads the script, the events (a file, re-read for every replay, or a live Kafka
sample) and the environment a PyFlink job would see, calls ``flinkdoctor.diagnosis.explain``,
renders, writes the fixed script when asked, sets the exit code (0 the sink gets its rows, 1 an
error-level cause, 2 bad input, 3 Kafka unreachable, 4 internal error). Only typer and the shared
CLI modules are imported at module level: the parser, the engine and the renderers load when the
command runs, after the input has been checked, so an input error stays cheap.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from flinkdoctor.cli import guard
from flinkdoctor.cli.help import EXIT_CODES, OutputFormat, choices, command_help
from flinkdoctor.cli.help import register as register_command
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
from flinkdoctor.cli.partition_scan import scan_partitions
from flinkdoctor.cli.progress import QuietOpt, Work, stderr_console, wanted
from flinkdoctor.cli.replay_options import (
    Arrival,
    FlinkVersionOpt,
    ParallelismOpt,
    PartitionsOpt,
    SetOpt,
    key_values,
)
from flinkdoctor.errors import InputError
from flinkdoctor.files import check_writable, write_text

if TYPE_CHECKING:
    from rich.console import Console

    from flinkdoctor.cli.forked import Later
    from flinkdoctor.diagnosis.explain import ExplainResult
    from flinkdoctor.events import Record

HELP = command_help(
    """Why is the sink empty (or wrong)? Runs every check flinkdoctor has in one pass: the
    script's static rules, the events against the DDL's rowtime (field names, the conversion of
    every value, epoch units), a replay of every windowed query, the source's start position and
    what the sink makes visible. Prints the verdict, the causes ranked with their evidence, and a
    fix as a diff of your own file, verified by replaying the fixed job on the same events.""",
    """SCRIPT is a Flink SQL script or a PyFlink .py job (os.environ lookups resolve from --env
    and the process environment). --events is JSONL: plain event values, sample envelopes or
    kcat -J output. Without --events, the script's Kafka table (or --bootstrap-server/--topic) is
    sampled live, read-only. Rule ids (R3.3, ...) are explained in docs/semantics.md.""",
    examples=[
        (
            "the seed job: a wrong field name and a pattern that cannot parse",
            (
                "flinkdoctor explain examples/seed/case1_seed_original.py",
                "--events examples/seed/case1_events.jsonl",
            ),
        ),
        (
            "write the verified fix to a new file (never over the input)",
            (
                "flinkdoctor explain examples/seed/case1_seed_original.py",
                "--events examples/seed/case1_events.jsonl",
                "--write-fixed case1_fixed.py",
            ),
        ),
        (
            "a window that never closes, as JSON",
            (
                "flinkdoctor explain examples/seed/case6_window_not_closed.sql",
                "--events examples/seed/case6_events.jsonl --format json",
            ),
        ),
    ],
    exit_codes={
        0: "the sink gets its rows (warnings and notes may remain)",
        1: "an error-level cause: the sink stays empty, loses rows or the job fails",
        2: EXIT_CODES[2],
        3: EXIT_CODES[3],
        4: EXIT_CODES[4],
    },
)


def explain_command(
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
    output_format: Annotated[
        OutputFormat,
        typer.Option(
            "--format", metavar=choices(OutputFormat), help="Report for people or programs."
        ),
    ] = OutputFormat.text,
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
    settings: SetOpt = None,
    partitions: PartitionsOpt = None,
    parallelism: ParallelismOpt = None,
    arrival: Annotated[
        Arrival | None,
        typer.Option(
            "--arrival",
            metavar=choices(Arrival),
            help="file (in order, instantly), live (at each Kafka timestamp) or backlog; "
            "default: follow the job (latest-offset is live, other Kafka start positions a "
            "backlog, files in order).",
        ),
    ] = None,
    flink_version: FlinkVersionOpt = "1.20",
    html: Annotated[
        Path | None,
        typer.Option(
            "--html", metavar="FILE.html", help="Also write a self-contained HTML report."
        ),
    ] = None,
    bootstrap_server: BootstrapOpt = None,
    topic: TopicOpt = None,
    kafka_config: KafkaConfigOpt = None,
    kafka_option: KafkaOptionOpt = None,
    start: LiveFromOpt = "-1000",
    max_per_partition: LiveMaxOpt = 1000,
    timeout: LiveTimeoutOpt = 30.0,
    quiet: QuietOpt = False,
) -> None:
    """Explain the job and exit with 0 / 1 / 2 / 3."""
    machine = output_format is OutputFormat.json
    for option, output in (("--write-fixed", write_fixed), ("--html", html)):
        if output is not None:
            check_writable(output, option)
    if write_fixed is not None and _same_file(write_fixed, script):
        raise InputError(
            f"--write-fixed {write_fixed}: that is the input script; write the fix to another file"
        )
    text = read_text(script)  # a missing file fails before the parser and engine are imported
    from flinkdoctor.events.redact import secret_literals

    guard.remember_secrets(secret_literals(text))  # masked in any message, parse errors too
    environ = {
        **os.environ,
        **key_values("--env", env or [], strip_values=False, shape="NAME=VALUE"),
    }
    overrides = key_values("--set", settings or [], strip_values=False, shape="NAME=VALUE")
    if events is not None and (bootstrap_server or topic or kafka_config or kafka_option):
        raise InputError("give --events or Kafka options (--bootstrap-server/--topic), not both")
    if events is not None and str(events) != "-" and not _is_file(events):
        raise InputError(f"{events}: no such file")

    from flinkdoctor.diagnosis.alongside import Alongside, alongside
    from flinkdoctor.diagnosis.explain import ExplainOptions, explain
    from flinkdoctor.events import read_events

    live = False
    two_replays: Alongside = alongside  # the job's replay and the fix's, on one read
    scan: Later[int | None] | None = None  # the partition count of a file
    factory: Callable[[], Iterable[Record]]
    if events is None:
        from flinkdoctor.sql import load_script

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
            quiet=quiet,
            progress=wanted(quiet, machine),
        )
        kept: list[Record] = sample.records  # a bounded sample: kept for every replay
        if partitions is None:
            partitions = sample.partitions
        live = True

        def factory() -> Iterable[Record]:
            return kept
    elif str(events) == "-":
        lines = list(read_events("-"))
        if partitions is None:  # the highest partition + 1, as for a file
            seen = [r.partition for r in lines if r.partition is not None]
            partitions = max(seen) + 1 if seen else None

        def factory() -> Iterable[Record]:
            return lines
    else:
        path = str(events)
        from flinkdoctor.cli.forked import Later, forked_alongside, second_core_pays

        forking = second_core_pays(events)
        if partitions is None:  # every envelope's, not only the first events' (R2.1)
            file = events  # in a child meanwhile, when it pays (the data checks run here)
            scan = Later(lambda: scan_partitions(file, path), forking)
            if not forking:
                scan.get()  # its error now, before anything else

        def factory() -> Iterable[Record]:
            return read_events(path)  # re-read for every replay, never held whole

        if forking:  # the fix's replay in a child, on the other core
            two_replays = forked_alongside(factory)

    try:  # the scan's child, if any, is reaped on every way out
        options = ExplainOptions(
            env=environ,
            settings=overrides,
            partitions=partitions,
            parallelism=parallelism,
            flink_version=flink_version,
            arrival=None if arrival is None else arrival.value,
            live_sample=live,
        )
        with Work("replaying", wanted(quiet, machine)) as work:

            def counted() -> Iterable[Record]:
                return work.track(factory())  # every read: the checks and each replay

            result = explain(
                text,
                str(script),
                counted,
                options,
                two_replays=two_replays,
                partitions_later=None if scan is None else scan.get,
            )
        if scan is not None:
            scan.get()  # its error, even when nothing was replayed
    except Exception:
        if scan is not None:
            scan.get()  # its error first, as when the scan ran before everything else
        raise
    finally:
        if scan is not None:
            scan.end()
    notes = stderr_console(quiet)
    if write_fixed is not None:
        _write_fixed(result, write_fixed, notes)
    if html is not None:
        _write_html(result, html)
    if machine:
        from flinkdoctor.render.explain_json import explain_json

        sys.stdout.write(explain_json(result) + "\n")
    else:
        from flinkdoctor.render.console import make_console
        from flinkdoctor.render.explain_text import render_explain

        render_explain(result, make_console())
    raise typer.Exit(result.exit_code)


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError as error:  # a name too long for the system
        raise InputError(f"{path}: cannot read: {error.strerror or error}") from None


def _same_file(target: Path, script: Path) -> bool:
    try:
        return target.resolve() == script.resolve()
    except (OSError, RuntimeError):  # a symlink loop: not the script we can read
        return False


def _write_fixed(result: ExplainResult, target: Path, notes: Console) -> None:
    if result.fixed_text is None:
        notes.print(f"no edit to apply: nothing written to {target}")
        return
    write_text(target, result.fixed_text)
    notes.print(f"wrote the fixed script to {target}")


def _write_html(result: ExplainResult, target: Path) -> None:
    import importlib

    try:
        module = importlib.import_module("flinkdoctor.render.explain_html")
    except ImportError:
        raise InputError("--html: the HTML report is not available in this build") from None
    write_text(target, module.render_explain_html(result))


def register(app: typer.Typer) -> None:
    """Add the command to the application."""
    register_command(
        app,
        "explain",
        explain_command,
        help=HELP,
        short_help="Why is the sink empty? Every cause ranked, with a verified fix.",
    )
