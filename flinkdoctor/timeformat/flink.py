"""Flink 1.20's string/number → timestamp functions, each value getting a verdict.

- TO_TIMESTAMP(s, fmt) (R4.2): the pattern, else the java.sql fallback, else NULL; never fails.
- TO_TIMESTAMP(s) (R4.1): the default formatter only; NULL on any error.
- CAST(s AS TIMESTAMP(p)) (R4.3): the default formatter; an error fails the job.
- TO_TIMESTAMP_LTZ(n, p) (R4.4): epoch seconds (p=0) or millis (p=3) within years 0000-9999.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from functools import partial

from flinkdoctor.timeformat import fields as F
from flinkdoctor.timeformat.calendar import MILLIS_PER_DAY, days_from_civil, month_length
from flinkdoctor.timeformat.errors import JavaParseError, PatternError
from flinkdoctor.timeformat.fastpath import (
    compile_fast,
    compile_fast_nanos,
    convert_many,
    parse_default,
)
from flinkdoctor.timeformat.formatters import (
    DEFAULT,
    DEFAULT_COMMON,
    Formatter,
    cached_fast,
    cached_pattern,
    stream_fast,
)
from flinkdoctor.timeformat.javasql import (
    IllegalArgument,
    InvalidLocalDate,
    date_value_of,
    java_trim,
    timestamp_value_of,
)
from flinkdoctor.timeformat.model import Conversion, Status
from flinkdoctor.timeformat.parser import parse_resolved
from flinkdoctor.timeformat.resolver import Resolved

MIN_EPOCH_MILLIS = -62_167_219_200_000  # 0000-01-01 00:00:00
MAX_EPOCH_MILLIS = 253_402_300_799_999  # 9999-12-31 23:59:59.999
MIN_EPOCH_SECONDS = MIN_EPOCH_MILLIS // 1000
MAX_EPOCH_SECONDS = MAX_EPOCH_MILLIS // 1000
_LONG_MIN = -(2**63)
_LONG_MAX = 2**63 - 1

NULL_INPUT = Conversion(Status.NULL, None, "the input is NULL")


def local_date_time(resolved: Resolved, precision: int) -> tuple[int, int]:
    """``fromTemporalAccessor`` + ``TimestampData.fromLocalDateTime``: (millis, nano-of-milli).

    Missing fields default to 1970-01-01 00:00:00; a value out of range raises a non-parse
    ``JavaParseError`` (Java's DateTimeException, which Flink does not catch: NULL, no fallback).
    """
    g = resolved.get
    year = g(F.YEAR)
    month = g(F.MONTH_OF_YEAR)
    day = g(F.DAY_OF_MONTH)
    hour = g(F.HOUR_OF_DAY)
    minute = g(F.MINUTE_OF_HOUR)
    second = g(F.SECOND_OF_MINUTE)
    nano = g(F.NANO_OF_SECOND)
    y = 1970 if year is None else year
    m = 1 if month is None else month
    d = 1 if day is None else day
    if d > month_length(y, m):
        raise JavaParseError(f"Invalid date {y}-{m:02d}-{d:02d}", 0, parse_exception=False)
    nanos = 0 if nano is None else nano
    if precision < 9:
        unit = 10 ** (9 - precision)
        nanos = nanos // unit * unit
    secs = ((hour or 0) * 60 + (minute or 0)) * 60 + (second or 0)
    millis = days_from_civil(y, m, d) * MILLIS_PER_DAY + secs * 1000 + nanos // 1_000_000
    return millis, nanos % 1_000_000


def parse_with(formatter: Formatter, text: str, precision: int = 3) -> tuple[int, int]:
    """Parse and convert; raises ``JavaParseError`` (``parse_exception`` tells which kind)."""
    resolved = parse_resolved(formatter.root, text, formatter.style, formatter.case_sensitive)
    return local_date_time(resolved, precision)


def _fallback(value: str, exc: JavaParseError) -> Conversion:
    """The ``catch (DateTimeParseException)`` branch of ``parseTimestampData(String, String)``."""
    trimmed = java_trim(value)
    try:
        nano_of_milli = 0
        if " " in trimmed:
            millis, nano_of_milli = timestamp_value_of(trimmed)
            via = "Timestamp.valueOf"
        else:
            millis = date_value_of(trimmed)
            via = "Date.valueOf"
    except (IllegalArgument, InvalidLocalDate):
        return Conversion(Status.NULL, None, describe(exc, value), exc.index)
    reason = f"{describe(exc, value)}; parsed by the {via} fallback"
    return Conversion(Status.FALLBACK, millis, reason, exc.index, nano_of_milli)


def describe(exc: JavaParseError, value: str) -> str:
    """A human sentence for a parse failure."""
    i = exc.index
    if "could not be parsed at index" in exc.message:
        found = repr(value[i]) if i < len(value) else "the end of the text"
        if exc.expected:
            return f"pattern expects {exc.expected} at index {i} but found {found}"
        return f"the pattern does not match at index {i} (found {found})"
    if "unparsed text found" in exc.message:
        return f"the pattern ends at index {i} but the text continues with {value[i:]!r}"
    return exc.message.split(": ", 1)[-1] if "could not be parsed:" in exc.message else exc.message


def to_timestamp(value: str | None, pattern: str | None = None) -> Conversion:
    """TO_TIMESTAMP(value[, pattern]) as TIMESTAMP(3) (R4.1, R4.2)."""
    if value is None:
        return NULL_INPUT
    if pattern is None:
        return _default_parse(value, 3, Status.NULL)
    try:
        compiled = cached_pattern(pattern)
    except PatternError as exc:
        return Conversion(Status.NULL, None, f"Flink yields NULL for every value: {exc.message}")
    try:
        millis, _ = parse_with(Formatter(compiled.root), value)
    except JavaParseError as exc:
        if exc.parse_exception:
            return _fallback(value, exc)
        return Conversion(Status.NULL, None, exc.message, None)
    return Conversion(Status.OK, millis)


_DEFAULT_FAST = compile_fast_nanos(DEFAULT_COMMON)


def _default_parse(value: str, precision: int, failure: Status) -> Conversion:
    compiled = _DEFAULT_FAST(value) if _DEFAULT_FAST is not None and precision >= 3 else None
    if compiled is not None:
        unit = 10 ** (9 - precision)
        return Conversion(Status.OK, compiled[0], None, None, compiled[1] // unit * unit)
    fast = parse_default(value, precision)
    if fast is not None:
        return Conversion(Status.OK, fast[0], None, None, fast[1])
    try:
        millis, nano_of_milli = parse_with(DEFAULT, value, precision)
        return Conversion(Status.OK, millis, None, None, nano_of_milli)
    except JavaParseError as exc:
        reason = describe(exc, value)
        if failure is Status.FAIL:
            reason = f"the job fails (Error when casting): {reason}"
        return Conversion(failure, None, reason, exc.index if exc.parse_exception else None)


def cast_to_timestamp(value: str | None, precision: int = 3) -> Conversion:
    """CAST(value AS TIMESTAMP(precision)) (R4.3): FAIL (the job fails) on bad input."""
    if value is None:
        return NULL_INPUT
    return _default_parse(value, precision, Status.FAIL)


def try_cast_to_timestamp(value: str | None, precision: int = 3) -> Conversion:
    """TRY_CAST(value AS TIMESTAMP(precision)): NULL instead of failing."""
    if value is None:
        return NULL_INPUT
    return _default_parse(value, precision, Status.NULL)


def _in_range(millis: int) -> Conversion:
    if MIN_EPOCH_MILLIS <= millis <= MAX_EPOCH_MILLIS:
        return Conversion(Status.OK, millis)
    return Conversion(Status.NULL, None, "outside years 0000-9999: Flink yields NULL")


def _java_long_of_double(x: float) -> int:
    """``(long) x``: NaN → 0, saturating, truncating toward zero."""
    if x != x:
        return 0
    if x >= 9.223372036854776e18:
        return _LONG_MAX
    if x <= -9.223372036854776e18:
        return _LONG_MIN
    return int(x)


def to_timestamp_ltz(number: int | float | str | None, precision: int) -> Conversion:
    """TO_TIMESTAMP_LTZ(number, precision) (R4.4); ``str`` is read as a DECIMAL literal."""
    if number is None:
        return NULL_INPUT
    if precision not in (0, 3):
        return Conversion(
            Status.FAIL, None,
            f"the job fails: precision {precision} is unsupported (only 0 = seconds, 3 = millis)",
        )  # fmt: skip
    if isinstance(number, bool):
        number = int(number)
    if isinstance(number, int) and _LONG_MIN <= number <= _LONG_MAX:
        if precision == 0:
            if not MIN_EPOCH_SECONDS <= number <= MAX_EPOCH_SECONDS:
                return Conversion(Status.NULL, None, _ltz_range_reason(number))
            return _in_range(number * 1000)
        return _ltz_ms(number)
    if isinstance(number, float):
        if precision == 0:
            if not MIN_EPOCH_SECONDS <= number <= MAX_EPOCH_SECONDS:
                return Conversion(Status.NULL, None, _ltz_range_reason(number))
            return _in_range(_java_long_of_double(number * 1000))
        return _ltz_ms(_java_long_of_double(number))
    try:
        dec = Decimal(str(number))
    except InvalidOperation:
        return Conversion(Status.FAIL, None, f"{number!r} is not a number")
    whole = int(dec.quantize(Decimal(1), rounding=ROUND_DOWN))
    millis = whole * 1000 if precision == 0 else whole
    millis = (millis - _LONG_MIN) % 2**64 + _LONG_MIN  # BigDecimal.longValue() wraps
    return _in_range(millis)


def _ltz_ms(millis: int) -> Conversion:
    result = _in_range(millis)
    if result.millis is None:
        return Conversion(Status.NULL, None, _ltz_range_reason(millis, "milliseconds"))
    return result


def _ltz_range_reason(number: float, unit: str = "seconds") -> str:
    return f"{number} is outside the supported range of epoch {unit} (years 0000-9999): NULL"


def to_timestamp_many(values: Iterable[str | None], pattern: str | None = None) -> list[Conversion]:
    """TO_TIMESTAMP over many values: the compiled fast path where certain, else the full parser."""
    if pattern is None:
        return [to_timestamp(v) for v in values]
    try:
        fast = cached_fast(pattern)
    except PatternError:
        fast = None
    if fast is None:
        return [to_timestamp(v, pattern) for v in values]
    return convert_many(fast, values, partial(to_timestamp, pattern=pattern))


def to_timestamp_millis(pattern: str | None = None) -> Callable[[str], int | None]:
    """TO_TIMESTAMP(text[, pattern]) as ``text -> millis | None`` (None = NULL) for bulk use (the
    engine): the same compiled fast path as ``to_timestamp_many``, the full parser elsewhere."""
    if pattern is None:

        def default(text: str) -> int | None:
            fast = parse_default(text, 3)
            return fast[0] if fast is not None else to_timestamp(text).millis

        return compile_fast(DEFAULT_COMMON, stream=True, fallback=default) or default

    def slow(text: str) -> int | None:
        return to_timestamp(text, pattern).millis

    try:
        fast = stream_fast(pattern, slow)
    except PatternError:
        return lambda text: None
    return fast if fast is not None else slow


def cast_millis(precision: int) -> Callable[[str], int | None]:
    """CAST(text AS TIMESTAMP(precision)) as ``text -> millis | None`` (None = the cast fails):
    the compiled fast path for two-digit fields, the default formatter's own path elsewhere."""

    def cast(text: str) -> int | None:
        fast = parse_default(text, precision)
        return fast[0] if fast is not None else cast_to_timestamp(text, precision).millis

    compiled = compile_fast(DEFAULT_COMMON, stream=True, fallback=cast) if precision >= 3 else None
    return compiled if compiled is not None else cast
