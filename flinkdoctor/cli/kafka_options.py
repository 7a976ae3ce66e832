"""The Kafka options every command that reads Kafka shares (``sample``, and the live input of
``check-pattern``, ``simulate-windows`` and ``explain``), and turning them into settings.

Settings come from, lowest priority first: the DDL's Kafka table (its WITH options), ``KAFKA_*``
environment variables, ``--kafka-config``, ``-X``, and the flags. Every secret given is remembered
by ``cli.guard`` so that no message can print it. Usage::

    from flinkdoctor.cli.kafka_options import BootstrapOpt, KafkaOptions, TopicOpt, kafka_settings
    def command(..., bootstrap_server: BootstrapOpt = None, topic: TopicOpt = None, ...):
        settings = kafka_settings(KafkaOptions(bootstrap_server, topic, ...))
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flinkdoctor.diagnosis.rowtime import RowtimeConversion
    from flinkdoctor.events.sampling import EventTime
    from flinkdoctor.events.settings import (
        KafkaSettings,
    )
    from flinkdoctor.sql.model import CreateTable, Script

import datetime as dt
import json
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from flinkdoctor.cli import guard
from flinkdoctor.cli.inputs import load_script_file, read_text
from flinkdoctor.errors import InputError

KAFKA_PANEL = "Kafka connection"


SAMPLING_PANEL = "Sampling"


BootstrapOpt = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option(
        "--bootstrap-server",
        "-b",
        metavar="HOST:PORT",
        help="Broker address (repeat or comma-separate). Env: KAFKA_BOOTSTRAP_SERVERS.",
        rich_help_panel=KAFKA_PANEL,
    ),
]


TopicOpt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--topic",
        "-t",
        metavar="TOPIC",
        help="Topic to read. Env: KAFKA_TOPIC.",
        rich_help_panel=KAFKA_PANEL,
    ),
]


KafkaConfigOpt = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option(
        "--kafka-config",
        metavar="FILE",
        help="Java client .properties file (bootstrap.servers, security.protocol, sasl.*, ssl.*).",
        rich_help_panel=KAFKA_PANEL,
    ),
]


KafkaOptionOpt = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option(
        "--kafka-option",
        "-X",
        metavar="KEY=VALUE",
        help="One client property, as in --kafka-config (e.g. -X security.protocol=SASL_SSL).",
        rich_help_panel=KAFKA_PANEL,
    ),
]


SecurityProtocolOpt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--security-protocol",
        metavar="PROTOCOL",
        help="PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL.",
        rich_help_panel=KAFKA_PANEL,
    ),
]


SaslMechanismOpt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--sasl-mechanism",
        metavar="MECHANISM",
        help="PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512.",
        rich_help_panel=KAFKA_PANEL,
    ),
]


SaslUsernameOpt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--sasl-username",
        metavar="USER",
        help="SASL user (the password: KAFKA_SASL_PASSWORD, --kafka-config or the DDL's JAAS).",
        rich_help_panel=KAFKA_PANEL,
    ),
]


DdlOpt = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option(
        "--ddl",
        metavar="SCRIPT",
        help="SQL script or PyFlink .py: connect as its Kafka table's WITH options say.",
        rich_help_panel=KAFKA_PANEL,
    ),
]


TableOpt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--table",
        metavar="NAME",
        help="The Kafka table in --ddl (default: the only one).",
        rich_help_panel=KAFKA_PANEL,
    ),
]


FromOpt = Annotated[
    str,
    typer.Option(
        "--from",
        metavar="POSITION",
        help="earliest, latest, -N (last N per partition), epoch ms, or a date/time (UTC unless "
        "it has a zone).",
        rich_help_panel=SAMPLING_PANEL,
    ),
]


MaxPerPartitionOpt = Annotated[
    int,
    typer.Option(
        "--max-per-partition",
        min=1,
        metavar="N",
        help="Records per partition at most.",
        rich_help_panel=SAMPLING_PANEL,
    ),
]


MaxTotalOpt = Annotated[
    int,
    typer.Option(
        "--max-total",
        min=1,
        metavar="N",
        help="Records in all at most.",
        rich_help_panel=SAMPLING_PANEL,
    ),
]


def finite_seconds(value: float) -> float:
    """``--timeout``: a finite number of seconds (inf and nan are not a time limit)."""
    if not math.isfinite(value) or value > MAX_TIMEOUT:
        raise typer.BadParameter(f"{value} is not a number of seconds from 0.1 to {MAX_TIMEOUT:g}")
    return value


MAX_TIMEOUT = 86_400.0


TimeoutOpt = Annotated[
    float,
    typer.Option(
        "--timeout",
        callback=finite_seconds,
        min=0.1,
        metavar="SECONDS",
        help="The whole read ends by then, with what it has.",
        rich_help_panel=SAMPLING_PANEL,
    ),
]


PartitionOpt = Annotated[
    Optional[list[int]],  # noqa: UP045
    typer.Option(
        "--partition",
        "-p",
        min=0,
        metavar="N",
        help="Only this partition (repeatable).",
        rich_help_panel=SAMPLING_PANEL,
    ),
]


@dataclass(frozen=True)
class KafkaOptions:
    """The Kafka connection options of a command, as given."""

    bootstrap_servers: list[str] | None = None
    topic: str | None = None
    kafka_config: Path | None = None
    kafka_options: list[str] | None = None
    security_protocol: str | None = None
    sasl_mechanism: str | None = None
    sasl_username: str | None = None
    ddl: Path | None = None
    table: str | None = None

    @property
    def given(self) -> bool:
        """Whether the user asked for Kafka (flags or a DDL) rather than an events file."""
        return bool(self.bootstrap_servers or self.topic or self.kafka_config or self.kafka_options)


def kafka_settings(
    options: KafkaOptions, environ: Mapping[str, str] | None = None, script: Script | None = None
) -> KafkaSettings:
    """Settings from, lowest priority first: the DDL's Kafka table, ``KAFKA_*`` environment,
    ``--kafka-config``, ``-X`` and the dedicated flags. ``script`` saves re-reading ``--ddl``.
    """
    from flinkdoctor.events.redact import is_secret_name, secret_literals
    from flinkdoctor.events.settings import (
        parse_properties,
        placeholders_in_ddl,
        properties_from_ddl,
        properties_from_env,
        resolve_settings,
    )

    env = os.environ if environ is None else environ
    layers: list[tuple[str, Mapping[str, str]]] = []
    placeholders: list[str] = []
    if options.ddl is not None:
        script = script or load_script_file(options.ddl)
        table = kafka_table(script, options.table)
        table_options = expand_env_holes(table.options, script, env)
        layers.append(
            (f"{options.ddl} table {table.name.name}", properties_from_ddl(table_options))
        )
        placeholders = placeholders_in_ddl(table_options)
    layers.append(("environment", properties_from_env(env)))
    if options.kafka_config is not None:
        text = read_text(options.kafka_config)
        layers.append(
            (str(options.kafka_config), parse_properties(text, str(options.kafka_config)))
        )
    layers.append(("-X", _key_values(options.kafka_options or [])))
    flags = {
        "bootstrap.servers": ",".join(options.bootstrap_servers or []),
        "topic": options.topic or "",
        "security.protocol": options.security_protocol or "",
        "sasl.mechanism": options.sasl_mechanism or "",
        "sasl.username": options.sasl_username or "",
    }
    layers.append(("flags", {k: v for k, v in flags.items() if v}))
    for _, props in layers:  # every secret given, used or not, is masked in any message
        guard.remember_secrets(v for k, v in props.items() if is_secret_name(k))
        if props.get("sasl.jaas.config"):
            guard.remember_secrets(
                secret_literals(f"'sasl.jaas.config' = '{props['sasl.jaas.config']}'")
            )
    try:
        settings = resolve_settings(layers)
    except InputError as error:
        if placeholders:
            raise InputError(
                f"{error.message} (in {options.ddl}, {', '.join(placeholders)} are placeholders "
                "filled at deploy time)"
            ) from None
        raise
    _check_ssl_files(settings)
    return settings


def _check_ssl_files(settings: KafkaSettings) -> None:
    """A TLS file that is not there is bad input, said at once (not a silent broker later)."""
    if settings.security_protocol not in ("SSL", "SASL_SSL"):
        return
    for prop, path in (
        ("ssl.ca.location", settings.ssl_cafile),
        ("ssl.certificate.location", settings.ssl_certfile),
        ("ssl.key.location", settings.ssl_keyfile),
    ):
        if path is None:
            continue
        origin = settings.origin(prop)
        where = f" (from {origin})" if origin else ""
        if not os.path.exists(path):
            raise InputError(f"{prop} {path}{where}: no such file")
        if not os.access(path, os.R_OK) or os.path.isdir(path):
            raise InputError(f"{prop} {path}{where}: cannot read it")


def kafka_table(script: Script, name: str | None) -> CreateTable:
    """The Kafka table to read: ``name``, else the only Kafka table (preferring one with a
    WATERMARK when there are several)."""
    if name is not None:
        table = script.table(name)
        if table is None:
            raise InputError(f"{script.source}: no table {name!r}")
        if not _is_kafka(table):
            raise InputError(f"{script.source}: table {name} is not a Kafka table")
        return table
    kafka = [t for t in script.tables.values() if _is_kafka(t)]
    if not kafka:
        raise InputError(f"{script.source}: no table with 'connector' = 'kafka'")
    if len(kafka) > 1:
        with_watermark = [t for t in kafka if t.watermark is not None]
        if len(with_watermark) == 1:
            return with_watermark[0]
        names = ", ".join(t.name.name for t in kafka)
        raise InputError(f"{script.source}: several Kafka tables ({names}); pick one with --table")
    return kafka[0]


_ENV_CALL = re.compile(
    r"""os\.(?:environ\.get|getenv)\(\s*['"](?P<name>\w+)['"]\s*(?:,\s*['"](?P<default>[^'"]*)['"]\s*)?\)"""
    r"""|os\.environ\[\s*['"](?P<item>\w+)['"]\s*\]"""
)


def expand_env_holes(
    options: Mapping[str, str], script: Script, environ: Mapping[str, str]
) -> dict[str, str]:
    """WITH options with PyFlink placeholders such as ``os.environ.get('KAFKA_URL')`` filled from
    this machine's environment (or the call's default), as the job would see them when deployed.
    """
    filled = dict(options)
    for hole in script.holes:
        match = _ENV_CALL.fullmatch(hole.python.strip())
        if hole.context != "string" or match is None:
            continue
        name = match["name"] or match["item"]
        value = environ.get(name, match["default"])
        if value is None:
            continue
        filled = {k: v.replace(hole.marker, value) for k, v in filled.items()}
    return filled


def sample_request_args(
    start: str,
    max_per_partition: int,
    max_total: int,
    timeout: float,
    partitions: list[int] | None = None,
) -> dict[str, Any]:
    """Keyword arguments for ``SampleRequest`` from the sampling options."""
    from flinkdoctor.events.sampling import parse_start

    return {
        "start": parse_start(start),
        "max_per_partition": max_per_partition,
        "max_total": max_total,
        "timeout": timeout,
        "partitions": tuple(partitions) if partitions else None,
    }


def display_event_time(path: str) -> EventTime:
    """Event time of a value for the summary only: the field at ``path`` as epoch ms (numbers)
    or a date/time text (UTC unless it says otherwise). Flink-exact conversions are
    ``check-pattern``'s and ``simulate-windows``' job; this orients.
    """
    from dateutil import parser as date_parser

    from flinkdoctor.events import MISSING, field_path

    def event_time(value: Any) -> int | None:
        found = field_path(value, path)
        if found is MISSING or found is None or isinstance(found, bool):
            return None
        if isinstance(found, (int, float)):
            return int(found)
        if not isinstance(found, str):
            return None
        try:
            moment = date_parser.isoparse(found)
        except ValueError:
            try:
                moment = date_parser.parse(found)
            except (ValueError, OverflowError):
                return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.timezone.utc)
        return int(moment.timestamp() * 1000)

    return event_time


def ddl_rowtime(script: Script, table: CreateTable) -> RowtimeConversion | None:
    """The rowtime conversion of ``table`` when it reads a payload field, else None (no
    WATERMARK, or the rowtime is Kafka's own timestamp)."""
    from flinkdoctor.diagnosis.rowtime import find_rowtime_conversion

    try:
        conversion = find_rowtime_conversion(script, table.name.name)
    except InputError:
        return None
    return conversion if conversion.field is not None else None


def flink_event_time(conversion: RowtimeConversion) -> EventTime:
    """Event time of a value exactly as the DDL's rowtime computes it: NULL (a failed or
    mismatched conversion) counts as missing, which is what the summary should show.
    """
    from flinkdoctor.events import MISSING, field_path
    from flinkdoctor.timeformat import Status

    path = conversion.field or ""

    def event_time(value: Any) -> int | None:
        found = field_path(value, path)
        if found is MISSING or found is None:
            text = None
        elif isinstance(found, str):
            text = found
        else:  # flink-json hands a non-string JSON value to a STRING column as its JSON text
            text = json.dumps(found, separators=(",", ":"), ensure_ascii=False)
        result = conversion.convert(text)
        return result.millis if result.status in (Status.OK, Status.FALLBACK) else None

    return event_time


def _key_values(pairs: list[str]) -> dict[str, str]:
    result: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InputError("-X takes KEY=VALUE (e.g. -X security.protocol=SASL_SSL)")
        result[key.strip()] = value.strip()
    return result


def _is_kafka(table: CreateTable) -> bool:
    return (table.connector or "").lower() in ("kafka", "upsert-kafka")
