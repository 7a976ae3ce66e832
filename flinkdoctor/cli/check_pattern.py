"""``flinkdoctor check-pattern``: do these timestamps parse the way the DDL says, by Flink's rules?

Thin edge: gathers the conversion (a pattern, a SQL literal, or the rowtime column of a script) and
the values (arguments, stdin, or an events file), calls the pure core, renders, sets the exit code
(0 every value parses through the pattern, 1 otherwise, 2 usage or input error).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from flinkdoctor.cli.inputs import FieldValues, field_values, load_script_file, read_event_values
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
from flinkdoctor.diagnosis.fields import missing_field_note
from flinkdoctor.diagnosis.pattern_check import check_values
from flinkdoctor.diagnosis.pattern_findings import pattern_findings
from flinkdoctor.diagnosis.rowtime import RowtimeConversion, find_rowtime_conversion
from flinkdoctor.errors import InputError
from flinkdoctor.render.pattern_json import pattern_report_json
from flinkdoctor.render.pattern_text import render_pattern_report
from flinkdoctor.sql.model import Script
from flinkdoctor.sql.string_literal import unescape_sql_literal

HELP = """Check timestamp values against a TO_TIMESTAMP pattern (or a DDL's rowtime conversion)
with Flink 1.20's exact semantics: which parse, which silently become NULL, which only pass through
Flink's lenient fallback, and which pattern would be right.

PATTERN is the format text exactly as TO_TIMESTAMP receives it (after SQL unescaping), e.g.
"yyyy-MM-dd'T'HH:mm:ss.SSS'Z'". With --sql-literal or --ddl there is no PATTERN: every argument is a
value. A value of "-" reads values from stdin, one per line. With no values and no --events, the
values are sampled from Kafka: the topic of --bootstrap-server/--topic, or the DDL's Kafka table."""


def check_pattern(
    arguments: Annotated[
        Optional[list[str]],  # noqa: UP045 - typer needs Optional on Python 3.10
        typer.Argument(metavar="[PATTERN] [VALUE]...", help="Pattern, then values ('-' = stdin)."),
    ] = None,
    sql_literal: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--sql-literal", help="The pattern as written between quotes in SQL ('' escapes)."
        ),
    ] = None,
    ddl: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--ddl", help="Take the rowtime conversion from this SQL script or PyFlink .py."
        ),
    ] = None,
    table: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--table", help="Table in --ddl (default: the one with a WATERMARK)."),
    ] = None,
    events: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--events", help="JSONL events (plain values, sample envelopes or kcat -J)."),
    ] = None,
    field: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--field", help="Dotted path of the timestamp in each event (default: from --ddl)."
        ),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", help="text (default) or json.")
    ] = "text",
    limit: Annotated[
        int, typer.Option("--limit", min=0, help="Rows shown in the text table (0 = all).")
    ] = 20,
    bootstrap_server: BootstrapOpt = None,
    topic: TopicOpt = None,
    kafka_config: KafkaConfigOpt = None,
    kafka_option: KafkaOptionOpt = None,
    start: LiveFromOpt = "-1000",
    max_per_partition: LiveMaxOpt = 1000,
    timeout: LiveTimeoutOpt = 30.0,
) -> None:
    """Check event timestamps against a TO_TIMESTAMP pattern with Flink's exact semantics."""
    if output_format not in ("text", "json"):
        raise InputError(f"--format must be 'text' or 'json', not {output_format!r}")
    args = list(arguments or [])
    script = load_script_file(ddl) if ddl is not None else None
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
        )
        scanned = field_values(live.records, path)
        if not scanned.values:
            raise InputError(f"topic {live.topic} has no records in the sampled range")
    else:
        scanned = _values(args, conversion, events, field)
    note = missing_field_note(
        field or conversion.field or "", scanned.missing, len(scanned.values), scanned.seen
    )
    report = check_values(conversion, scanned.values, notes=(note,) if note else ())
    if output_format == "json":
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
    args: list[str], conversion: RowtimeConversion, events: Path | None, field: str | None
) -> FieldValues:
    if events is not None:
        if args:
            raise InputError("give values as arguments or with --events, not both")
        path = field or conversion.field
        if path is None:
            raise InputError("--events needs --field PATH (the timestamp's place in each event)")
        return read_event_values(events, path)
    if field is not None:
        raise InputError("--field goes with --events")
    values: list[str | None] = []
    for arg in args:
        if arg == "-":
            values.extend(line.rstrip("\r\n") for line in sys.stdin)
        else:
            values.append(arg)
    if not values:
        raise InputError("no values to check: give them as arguments, '-' for stdin, or --events")
    return FieldValues(values, missing=0, seen=frozenset())


def register(app: typer.Typer) -> None:
    """Add the command to the application."""
    app.command(
        "check-pattern",
        help=HELP,
        short_help="Do these timestamps parse the way the DDL says (Flink's exact rules)?",
    )(check_pattern)
