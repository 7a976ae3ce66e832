"""``flinkdoctor check-pattern``: do these timestamps parse the way the DDL says, by Flink's rules?

Thin edge: gathers the conversion (a pattern, a SQL literal, or the rowtime column of a script) and
the values (arguments, stdin, or an events file), calls the pure core, renders, sets the exit code
(0 every value parses through the pattern, 1 otherwise, 2 usage or input error).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flinkdoctor.diagnosis.rowtime import RowtimeConversion
    from flinkdoctor.sql.model import Script

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from flinkdoctor.cli.help import EXIT_CODES, OutputFormat, choices, command_help
from flinkdoctor.cli.help import register as register_command
from flinkdoctor.cli.inputs import FieldValues, field_values, load_script_file
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
from flinkdoctor.cli.progress import QuietOpt, Work, wanted
from flinkdoctor.errors import InputError, Location

HELP = command_help(
    """Check timestamp values against a TO_TIMESTAMP pattern (or a DDL's rowtime conversion)
    with Flink 1.20's exact semantics: which parse, which silently become NULL, which only pass
    through Flink's lenient fallback, and which pattern would be right.""",
    """PATTERN is the format text exactly as TO_TIMESTAMP receives it (after SQL unescaping),
    e.g. "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'". With --sql-literal or --ddl there is no PATTERN: every
    argument is a value. A value of "-" reads values from stdin, one per line. With no values and
    no --events, the values are sampled from Kafka: the topic of --bootstrap-server/--topic, or
    the DDL's Kafka table.""",
    examples=[
        (
            "one value against a pattern",
            'flinkdoctor check-pattern "yyyy-MM-dd HH:mm:ss" 2024-12-14T03:12:45.123Z',
        ),
        (
            "the DDL's own rowtime conversion, over the events' event_time field",
            (
                "flinkdoctor check-pattern --ddl examples/seed/case1_seed_original.py",
                "--events examples/seed/case1_events.jsonl --field event_time",
            ),
        ),
        (
            "values from stdin, machine-readable",
            (
                "printf '2024-12-14 03:12:45\\n' |",
                'flinkdoctor check-pattern --format json "yyyy-MM-dd HH:mm:ss" -',
            ),
        ),
    ],
    exit_codes={
        0: "every value parses through the pattern",
        1: "some value does not (NULL, fallback only, or a job failure)",
        2: EXIT_CODES[2],
        3: EXIT_CODES[3],
    },
)


def check_pattern(
    arguments: Annotated[
        Optional[list[str]],  # noqa: UP045 - typer needs Optional on Python 3.10
        typer.Argument(
            metavar="[PATTERN] [VALUE]...",
            help="The pattern, then the values ('-' = read values from stdin).",
            show_default=False,
        ),
    ] = None,
    sql_literal: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--sql-literal",
            metavar="'SQL TEXT'",
            help="The pattern as written between quotes in SQL ('' escapes).",
        ),
    ] = None,
    ddl: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--ddl",
            metavar="SCRIPT",
            help="Take the rowtime conversion from this SQL script or PyFlink .py.",
        ),
    ] = None,
    table: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--table", metavar="NAME", help="Table in --ddl (default: the one with a WATERMARK)."
        ),
    ] = None,
    events: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--events",
            metavar="FILE.jsonl",
            help="JSONL events (plain values, sample envelopes or kcat -J).",
        ),
    ] = None,
    field: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--field",
            metavar="PATH",
            help="Dotted path of the timestamp in each event (default: the field --ddl reads).",
        ),
    ] = None,
    output_format: Annotated[
        OutputFormat,
        typer.Option(
            "--format", metavar=choices(OutputFormat), help="Report for people or programs."
        ),
    ] = OutputFormat.text,
    limit: Annotated[
        int,
        typer.Option("--limit", min=0, metavar="N", help="Rows shown in the text table (0 = all)."),
    ] = 20,
    bootstrap_server: BootstrapOpt = None,
    topic: TopicOpt = None,
    kafka_config: KafkaConfigOpt = None,
    kafka_option: KafkaOptionOpt = None,
    start: LiveFromOpt = "-1000",
    max_per_partition: LiveMaxOpt = 1000,
    timeout: LiveTimeoutOpt = 30.0,
    quiet: QuietOpt = False,
) -> None:
    """Check event timestamps against a TO_TIMESTAMP pattern with Flink's exact semantics."""
    script = load_script_file(ddl) if ddl is not None else None  # input errors before imports
    from flinkdoctor.diagnosis.fields import missing_field_note
    from flinkdoctor.diagnosis.pattern_check import check_values
    from flinkdoctor.diagnosis.pattern_findings import pattern_findings
    from flinkdoctor.render.pattern_json import pattern_report_json
    from flinkdoctor.render.pattern_text import render_pattern_report

    args = list(arguments or [])
    conversion = _conversion(args, sql_literal, script, table)
    kafka_flags = bool(bootstrap_server or topic or kafka_config or kafka_option)
    if events is None and not args and (kafka_flags or script is not None):
        # No values given: read them from the topic (the flags', or the DDL's Kafka table).
        path = field or conversion.field
        if path is None:
            raise InputError("reading from Kafka needs --field PATH (the timestamp in each event)")
        live = sample_live(
            bootstrap_server=bootstrap_server,
            topic=topic,
            kafka_config=kafka_config,
            kafka_option=kafka_option,
            ddl=ddl,
            table=table,
            script=script,
            start=start,
            max_per_partition=max_per_partition,
            timeout=timeout,
            quiet=quiet,
            progress=wanted(quiet, output_format is OutputFormat.json),
        )
        scanned = field_values(live.records, path)
        if not scanned.values:
            raise InputError(f"topic {live.topic} has no records in the sampled range")
    else:
        with Work("reading", wanted(quiet, output_format is OutputFormat.json)) as work:
            scanned = _values(args, conversion, events, field, work)
    note = missing_field_note(
        field or conversion.field or "", scanned.missing, len(scanned.values), scanned.seen
    )
    notes: tuple[str, ...] = (note,) if note else ()
    if field is not None and conversion.field is not None and field != conversion.field:
        # The values come from another field than the DDL reads: the fix must read that one.
        notes += (
            f"the DDL reads {conversion.field!r}, these values come from {field!r}: the "
            f"suggested line reads {field!r} (rename the column in the DDL too)",
        )
    report = check_values(conversion, scanned.values, notes=notes, field=field)
    if output_format is OutputFormat.json:
        findings = pattern_findings(
            report, field or conversion.field, scanned.missing if note else 0
        )
        typer.echo(pattern_report_json(report, findings))
    else:
        render_pattern_report(report, limit=limit)
    raise typer.Exit(0 if report.all_ok else 1)


def _conversion(
    args: list[str], sql_literal: str | None, script: Script | None, table: str | None
) -> RowtimeConversion:
    from flinkdoctor.diagnosis.rowtime import RowtimeConversion, find_rowtime_conversion
    from flinkdoctor.sql.string_literal import unescape_sql_literal

    given = [name for name, value in (("--sql-literal", sql_literal), ("--ddl", script)) if value]
    if len(given) > 1:
        raise InputError("give the pattern one way: --sql-literal or --ddl, not both")
    if table is not None and script is None:
        raise InputError("--table goes with --ddl")
    if sql_literal is not None:
        return RowtimeConversion.for_pattern(unescape_sql_literal(sql_literal))
    if script is not None:
        return find_rowtime_conversion(script, table)
    if not args:
        raise InputError("give a PATTERN (or --sql-literal / --ddl) and some values")
    return RowtimeConversion.for_pattern(args.pop(0))


def _values(
    args: list[str],
    conversion: RowtimeConversion,
    events: Path | None,
    field: str | None,
    work: Work,
) -> FieldValues:
    if events is not None:
        if args:
            raise InputError("give values as arguments or with --events, not both")
        path = field or conversion.field
        if path is None:
            raise InputError("--events needs --field PATH (the timestamp's place in each event)")
        from flinkdoctor.events import read_events

        return field_values(work.track(read_events(str(events))), path)
    if field is not None:
        raise InputError("--field goes with --events")
    values: list[str | None] = []
    for arg in args:
        if arg == "-":
            values.extend(_stdin_lines())
        else:
            values.append(arg)
    if not values:
        raise InputError("no values to check: give them as arguments, '-' for stdin, or --events")
    return FieldValues(values, missing=0, seen=frozenset())


def _stdin_lines() -> list[str]:
    """The lines of stdin as text; a line that is not UTF-8 is an input error naming it."""
    lines: list[str] = []
    raw = getattr(sys.stdin, "buffer", None)
    if raw is None:  # a text stream handed in (tests, embedding)
        return [line.rstrip("\r\n") for line in sys.stdin]
    for number, line in enumerate(raw, start=1):
        try:
            lines.append(line.decode("utf-8").rstrip("\r\n"))
        except UnicodeDecodeError as error:
            raise InputError(
                f"not UTF-8 (byte 0x{line[error.start]:02x} at column {error.start + 1})",
                Location("<stdin>", number),
            ) from None
    return lines


def register(app: typer.Typer) -> None:
    """Add the command to the application."""
    register_command(
        app,
        "check-pattern",
        check_pattern,
        help=HELP,
        short_help="Do these timestamps parse the way the DDL says (Flink's exact rules)?",
    )
