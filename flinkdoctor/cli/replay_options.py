"""The options of the commands that replay a job (``simulate-windows``, ``explain``): one
definition each, so both commands spell, check and document them alike."""

from __future__ import annotations

import enum
from typing import Annotated

import typer

from flinkdoctor.errors import InputError


class Arrival(str, enum.Enum):
    """``--arrival``: how records reach the source in processing time."""

    file = "file"
    live = "live"
    backlog = "backlog"


SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", metavar="KEY=VALUE", help="Overrides a SET of the script (repeatable)."),
]
PartitionsOpt = Annotated[
    int | None,
    typer.Option(
        "--partitions",
        min=1,
        metavar="N",
        help="Kafka partitions (default: from the events' envelopes, else 1).",
    ),
]
ParallelismOpt = Annotated[
    int | None,
    typer.Option(
        "--parallelism",
        min=1,
        max=32768,
        metavar="N",
        help="Overrides parallelism.default (Flink's maximum: 32768).",
    ),
]
FlinkVersionOpt = Annotated[
    str,
    typer.Option(
        "--flink-version",
        metavar="VERSION",
        help="1.16-1.20 (the newest patch release unless given, e.g. 1.20.0) or 2.x; rules "
        "that differ by version follow it.",
    ),
]


def key_values(
    option: str, pairs: list[str], *, strip_values: bool = True, shape: str = "KEY=VALUE"
) -> dict[str, str]:
    """``KEY=VALUE`` arguments of ``option`` as a dict (the last one wins), or one InputError
    naming the argument that has no ``=`` or no key."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InputError(f"{option} expects {shape}, got {pair!r}")
        out[key.strip()] = value.strip() if strip_values else value
    return out
