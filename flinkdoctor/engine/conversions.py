"""Rowtime conversions bound once per query into fast ``text -> millis | None`` closures.

The Flink-exact semantics live in ``flinkdoctor.timeformat`` (TO_TIMESTAMP R4.1/R4.2, CAST R4.3,
TO_TIMESTAMP_LTZ R4.4, flink-json R4.5); this module only adapts its verdicts to the engine's
closures and memoises per distinct text, because event streams repeat few distinct timestamps.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from flinkdoctor.engine.expressions_failure import RowFailure
from flinkdoctor.timeformat import (
    Status,
    cast_to_timestamp,
    json_timestamp,
    to_timestamp,
    to_timestamp_ltz,
)

Parser = Callable[[str], "int | None"]
_MEMO_SIZE = 1 << 16


@lru_cache(maxsize=_MEMO_SIZE)
def to_timestamp_default(text: str) -> int | None:
    """``TO_TIMESTAMP(str)`` (R4.1): NULL on any failure."""
    return to_timestamp(text).millis


def to_timestamp_with_pattern(pattern: str) -> Parser:
    """``TO_TIMESTAMP(str, fmt)`` (R4.2) bound to ``fmt``: NULL on any failure."""

    @lru_cache(maxsize=_MEMO_SIZE)
    def parse(text: str) -> int | None:
        return to_timestamp(text, pattern).millis

    return parse


def to_timestamp_ltz_fn(precision: int) -> Callable[[Any], int | None]:
    """``TO_TIMESTAMP_LTZ(n, precision)`` (R4.4): NULL out of range; other precisions fail the
    job."""

    def convert(number: Any) -> int | None:
        result = to_timestamp_ltz(number, precision)
        if result.status is Status.FAIL:
            raise RowFailure("R4.4", f"TableException: {result.reason}")
        return result.millis

    return convert


def cast_string_to_timestamp(text: str, precision: int) -> int | None:
    """``CAST(str AS TIMESTAMP(p))`` parse (R4.3); None = cast failure (the caller decides)."""
    return cast_to_timestamp(text, precision).millis


def json_timestamp_parser(ltz: bool, standard: str) -> Parser:
    """flink-json TIMESTAMP / TIMESTAMP_LTZ text parser (R4.5); None = parse error."""

    @lru_cache(maxsize=_MEMO_SIZE)
    def parse(text: str) -> int | None:
        result = json_timestamp(text, ltz=ltz, standard=standard, ignore_parse_errors=False)
        return None if result.status is not Status.OK else result.millis

    return parse
