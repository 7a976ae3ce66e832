"""The fixed formatters Flink builds in code rather than from a user pattern.

``DEFAULT`` is ``DateTimeUtils.DEFAULT_TIMESTAMP_FORMATTER`` (TO_TIMESTAMP(s), CAST): a date with
1- or 2-digit month/day, then optionally a space, H:m:s and a 0-9 digit fraction after a dot. The
JSON ones are flink-json's ``TimeFormats`` (SQL and ISO-8601 standards).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from flinkdoctor.timeformat import fields as F
from flinkdoctor.timeformat import nodes as N
from flinkdoctor.timeformat.compiler import CompiledPattern, _Builder, build, compile_pattern
from flinkdoctor.timeformat.fastpath import Fast, compile_fast
from flinkdoctor.timeformat.resolver import SMART, STRICT


@dataclass(frozen=True, slots=True)
class Formatter:
    """A root parser with its resolver style and case sensitivity."""

    root: N.Composite
    style: str = SMART
    case_sensitive: bool = True


def _default() -> Formatter:
    b = build("yyyy-[MM][M]-[dd][d]")
    b.optional_start()
    build(" [HH][H]:[mm][m]:[ss][s]", b)
    b.fraction(0, 9, True)
    b.optional_end()
    return Formatter(b.finish())


def _iso_local_date() -> N.Composite:
    b = _Builder("ISO_LOCAL_DATE")
    b.value(F.YEAR, 4, 10, N.EXCEEDS_PAD)
    b.literal("-")
    b.fixed(F.MONTH_OF_YEAR, 2)
    b.literal("-")
    b.fixed(F.DAY_OF_MONTH, 2)
    return b.finish()


def _iso_local_time() -> N.Composite:
    b = _Builder("ISO_LOCAL_TIME")
    b.fixed(F.HOUR_OF_DAY, 2)
    b.literal(":")
    b.fixed(F.MINUTE_OF_HOUR, 2)
    b.optional_start()
    b.literal(":")
    b.fixed(F.SECOND_OF_MINUTE, 2)
    b.optional_start()
    b.fraction(0, 9, True)
    return b.finish()


def _sql_time() -> N.Composite:
    b = build("HH:mm:ss")
    b.fraction(0, 9, True)
    return b.finish()


DEFAULT = _default()
_DATE = _iso_local_date()
_TIME = _iso_local_time()
_SQL_TS = N.Composite([_DATE, N.CharLiteral(" "), _sql_time()], False)
JSON_SQL = Formatter(_SQL_TS)
JSON_SQL_LTZ = Formatter(N.Composite([_SQL_TS, N.CharLiteral("Z")], False))
# ISO_LOCAL_DATE_TIME itself: case-insensitive ('t' works) and STRICT (no Feb 30, no 24:00).
JSON_ISO = Formatter(N.Composite([_DATE, N.CharLiteral("T"), _TIME], False), STRICT, False)
JSON_ISO_LTZ = Formatter(N.Composite([_DATE, N.CharLiteral("T"), _TIME, N.CharLiteral("Z")], False))


@lru_cache(maxsize=512)
def cached_pattern(pattern: str) -> CompiledPattern:
    """``DATETIME_FORMATTER_CACHE``: compile once per pattern (errors are re-raised each time)."""
    return compile_pattern(pattern)


@lru_cache(maxsize=512)
def cached_fast(pattern: str) -> Fast | None:
    """The compiled fast path for a valid pattern, if its shape allows one."""
    return compile_fast(cached_pattern(pattern).root)


def stream_fast(pattern: str, fallback: Fast) -> Fast | None:
    """``cached_fast`` for values in event-time order (a fresh prefix memo per call), calling
    ``fallback`` where it is not certain."""
    return compile_fast(cached_pattern(pattern).root, stream=True, fallback=fallback)


def _default_common() -> N.Composite:
    """``DEFAULT`` restricted to two-digit month/day/hour/minute/second: the same parse on the
    values it accepts, and a shape the compiled fast path takes (``DEFAULT``'s ``[MM][M]``
    alternatives are a field parsed twice, which it leaves to the interpreter)."""
    b = build("yyyy-MM-dd[ HH:mm:ss")
    b.fraction(0, 9, True)
    b.optional_end()
    return b.finish()


DEFAULT_COMMON = _default_common()
