"""Live input for the commands that replay events: sample the Kafka topic on the fly instead of
reading ``--events``, with the same read-only sampler as ``flinkdoctor sample``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flinkdoctor.events.record import Record
    from flinkdoctor.sql.model import Script

import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from flinkdoctor.cli.kafka_options import (
    KAFKA_PANEL,
    SAMPLING_PANEL,
    BootstrapOpt,
    KafkaConfigOpt,
    KafkaOptionOpt,
    KafkaOptions,
    TopicOpt,
    finite_seconds,
    kafka_settings,
    sample_request_args,
)
from flinkdoctor.cli.progress import Work, stderr_console
from flinkdoctor.errors import KafkaUnavailableError

LiveFromOpt = Annotated[
    str,
    typer.Option(
        "--from",
        metavar="POSITION",
        help="With Kafka input: earliest, latest, -N (last N per partition), epoch ms or a date.",
        rich_help_panel=SAMPLING_PANEL,
    ),
]
LiveMaxOpt = Annotated[
    int,
    typer.Option(
        "--max-per-partition",
        min=1,
        metavar="N",
        help="With Kafka input: records per partition at most.",
        rich_help_panel=SAMPLING_PANEL,
    ),
]
LiveTimeoutOpt = Annotated[
    float,
    typer.Option(
        "--timeout",
        callback=finite_seconds,
        min=0.1,
        metavar="SECONDS",
        help="With Kafka input: the read ends by then.",
        rich_help_panel=SAMPLING_PANEL,
    ),
]
__all__ = [
    "KAFKA_PANEL",
    "BootstrapOpt",
    "KafkaConfigOpt",
    "KafkaOptionOpt",
    "LiveFromOpt",
    "LiveMaxOpt",
    "LiveSample",
    "LiveTimeoutOpt",
    "TopicOpt",
    "sample_live",
]


@dataclass(frozen=True, slots=True)
class LiveSample:
    """The sampled records, interleaved across partitions by Kafka timestamp (each partition
    keeps its offset order), and the topic's partition count (empty partitions included)."""

    records: list[Record]
    partitions: int | None
    topic: str | None


def sample_live(
    *,
    bootstrap_server: list[str] | None,
    topic: str | None,
    kafka_config: Path | None,
    kafka_option: list[str] | None,
    ddl: Path | None,
    table: str | None,
    script: Script | None,
    start: str,
    max_per_partition: int,
    timeout: float,
    max_total: int = 1_000_000,
    quiet: bool = False,
    progress: bool = False,
) -> LiveSample:
    """Read a bounded sample of the topic the options (or the DDL's Kafka table) point at;
    ``progress`` shows a bar on stderr when the read takes long, ``quiet`` drops the note."""
    from rich.text import Text

    from flinkdoctor.events.kafka import SampleRequest, open_sample  # the only kafka import

    options = KafkaOptions(
        bootstrap_server, topic, kafka_config, kafka_option, ddl=ddl, table=table
    )
    settings = kafka_settings(options, script=script)
    request = SampleRequest(
        topic=settings.topic,
        boundaries=False,
        **sample_request_args(start, max_per_partition, max_total, timeout),
    )
    with (
        open_sample(settings, request) as opened,
        Work("sampling", progress, opened.planned) as work,
    ):
        records = _interleave(work.track(opened, every=200))
        metadata = opened.metadata
    if opened.summary.stop_reason == "connection-lost":
        raise KafkaUnavailableError(
            f"the connection to {','.join(settings.bootstrap_servers)} was lost while sampling "
            f"{settings.topic} ({len(records)} records read)"
        )
    partitions = len(metadata.partitions) if metadata is not None else None
    note = f"sampled {len(records)} records ({partitions} partitions) via {settings.describe()}"
    stderr_console(quiet).print(Text(note, style="dim"))
    return LiveSample(records, partitions, settings.topic)


def _interleave(records: Iterable[Record]) -> list[Record]:
    by_partition: dict[int, list[Record]] = {}
    for record in records:
        by_partition.setdefault(record.partition or 0, []).append(record)
    return list(
        heapq.merge(*by_partition.values(), key=lambda r: (r.timestamp or 0, r.partition or 0))
    )
