"""The fix for a flink-json timestamp field that fails the job (R4.5): the column type and
``json.timestamp-format.standard`` under which Flink decodes the failing value.

Seed case 5: ``event_time TIMESTAMP(3)`` over ``2024-12-14T03:00:05.123Z`` fails under every
standard (a plain TIMESTAMP never takes the trailing ``Z``); ``TIMESTAMP_LTZ(3)`` with
``'json.timestamp-format.standard' = 'ISO-8601'`` decodes it. Found by trying each combination
with the same conversion the engine uses, never by matching the text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flinkdoctor.timeformat import Status
from flinkdoctor.timeformat.jsonformat import json_timestamp

_CANDIDATES = (
    (False, "SQL"),
    (False, "ISO-8601"),
    (True, "SQL"),
    (True, "ISO-8601"),
)


@dataclass(frozen=True, slots=True)
class JsonTimestampFix:
    """Declare the field ``type_name`` and set ``json.timestamp-format.standard`` to
    ``standard``: then ``value`` decodes to ``timestamp`` (epoch ms)."""

    type_name: str
    standard: str
    timestamp: int


def json_timestamp_fix(value: str) -> JsonTimestampFix | None:
    """The first type / standard pair (plain TIMESTAMP first, the default SQL standard first)
    under which flink-json decodes ``value``; None when no pair does (then the field must be
    read as STRING and converted with TO_TIMESTAMP and a pattern)."""
    for ltz, standard in _CANDIDATES:
        result = json_timestamp(value, ltz=ltz, standard=standard)
        if result.status is Status.OK and result.millis is not None:
            name = "TIMESTAMP_LTZ(3)" if ltz else "TIMESTAMP(3)"
            return JsonTimestampFix(name, standard, result.millis)
    return None


def json_timestamp_fix_all(values: Sequence[str]) -> tuple[JsonTimestampFix, int] | None:
    """The type / standard pair under which flink-json decodes the most of ``values`` (ties:
    the order of ``json_timestamp_fix``), with how many; None when it decodes none."""
    best: tuple[JsonTimestampFix, int] | None = None
    for ltz, standard in _CANDIDATES:
        parsed = 0
        first: int | None = None
        for value in values:
            result = json_timestamp(value, ltz=ltz, standard=standard)
            if result.status is Status.OK and result.millis is not None:
                parsed += 1
                first = result.millis if first is None else first
        if parsed and first is not None and (best is None or parsed > best[1]):
            name = "TIMESTAMP_LTZ(3)" if ltz else "TIMESTAMP(3)"
            best = (JsonTimestampFix(name, standard, first), parsed)
    return best
