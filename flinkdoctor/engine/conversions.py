"""Rowtime conversions bound once per query into ``text -> millis | None`` closures.

The Flink-exact semantics live in ``flinkdoctor.timeformat`` (TO_TIMESTAMP R4.1/R4.2, CAST R4.3,
TO_TIMESTAMP_LTZ R4.4, flink-json R4.5). The engine uses the same compiled fast path as
check-pattern and explain (``to_timestamp_millis`` and friends): one conversion per semantics.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flinkdoctor.engine.expressions_failure import RowFailure
from flinkdoctor.timeformat import Status, to_timestamp_ltz
from flinkdoctor.timeformat.flink import cast_millis, to_timestamp_millis
from flinkdoctor.timeformat.jsonformat import json_timestamp_millis

Parser = Callable[[str], "int | None"]


def to_timestamp_default() -> Parser:
    """``TO_TIMESTAMP(str)`` (R4.1): NULL on any failure."""
    return to_timestamp_millis(None)


def to_timestamp_with_pattern(pattern: str) -> Parser:
    """``TO_TIMESTAMP(str, fmt)`` (R4.2) bound to ``fmt``: NULL on any failure."""
    return to_timestamp_millis(pattern)


def to_timestamp_ltz_fn(precision: int) -> Callable[[Any], int | None]:
    """``TO_TIMESTAMP_LTZ(n, precision)`` (R4.4): NULL out of range; other precisions fail the
    job."""

    def convert(number: Any) -> int | None:
        result = to_timestamp_ltz(number, precision)
        if result.status is Status.FAIL:
            raise RowFailure("R4.4", f"TableException: {result.reason}")
        return result.millis

    return convert


def cast_string_to_timestamp(precision: int) -> Parser:
    """``CAST(str AS TIMESTAMP(p))`` parse (R4.3); None = cast failure (the caller decides)."""
    return cast_millis(precision)


def json_timestamp_parser(ltz: bool, standard: str) -> Parser:
    """flink-json TIMESTAMP / TIMESTAMP_LTZ text parser (R4.5); None = parse error."""
    return json_timestamp_millis(ltz=ltz, standard=standard)


_SEC = {f":{i:02d}": i * 1000 for i in range(60)}
_MILLIS = {f".{i:03d}": i for i in range(1000)}


def second_memo(parse: Parser) -> Parser:
    """``parse`` (a SQL-shaped timestamp: CAST R4.3, flink-json R4.5) memoised on everything but
    the seconds and the milliseconds: a value ``<16 chars>:SS.fff<rest>`` (``rest`` not
    starting with a digit) whose minute prefix and rest were accepted before with other seconds
    is that value's millis plus ``SS * 1000 + fff`` (the ``:`` right before ``SS.`` separates the
    minutes from the seconds in these grammars, and seconds 00-59 with a 3-digit fraction are
    accepted alike). Anything else, and the first value of each minute, goes through ``parse``.
    Not for TO_TIMESTAMP patterns: a pattern may put other fields at those places."""
    memo: dict[str, int] = {}
    sec_of, millis_of = _SEC.get, _MILLIS.get

    def memoised(value: str) -> int | None:
        sec = sec_of(value[16:19])  # ":SS": a hit means the ':' is at 16, the value long enough
        if sec is not None:
            ms = millis_of(value[19:23])  # ".fff": the '.' at 19, 3 digits, 23 chars or more
            if ms is not None:
                key = value[:16] + value[23:]
                base = memo.get(key)
                if base is not None:  # its rest was checked when it was stored
                    return base + sec + ms
                if value[23:24].isdigit():
                    return parse(value)
                millis = parse(value)
                if millis is None:
                    return None
                if len(memo) >= 1 << 16:
                    memo.clear()  # bounded: event time moves on, old minutes do not return
                memo[key] = millis - sec - ms
                return millis
        return parse(value)

    return memoised
