"""Hypothesis properties (R4.1-R4.5): no stray exceptions, round trips, fast path == full parser."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from flinkdoctor.timeformat import (
    PatternError,
    Status,
    cast_to_timestamp,
    compile_pattern,
    format_timestamp,
    json_timestamp,
    suggest,
    to_timestamp,
    to_timestamp_ltz,
    to_timestamp_many,
)
from flinkdoctor.timeformat.calendar import MILLIS_PER_DAY, days_from_civil
from tests.timeformat.cases import REALISTIC_PATTERNS, render

PATTERN_ALPHABET = st.sampled_from(list("yMdHhmsSaEXxZOQqLuYwWecGkKnNADFgVzvBp'[]{}#-:. T"))
patterns = st.one_of(
    st.text(PATTERN_ALPHABET, max_size=24),
    st.sampled_from(REALISTIC_PATTERNS),
)
values = st.one_of(
    st.text(max_size=40),
    st.text(st.sampled_from(list("0123456789-:. TZ+/")), max_size=32),
)
ROUND_TRIP_PATTERNS = [
    "yyyy-MM-dd HH:mm:ss.SSS",
    "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'",
    "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
    "yyyyMMddHHmmssSSS",
    "dd/MM/yyyy HH:mm:ss.SSS",
    "MMM d, yyyy h:mm:ss.SSS a",
    "EEEE, MMMM dd, yyyy HH:mm:ss.SSS",
    "uuuu-MM-dd'T'HH:mm:ss.SSSSSS",
    "yyyy-DDD HH:mm:ss.SSS",
    "yyyy-MM-dd kk:mm:ss.SSS",
]
date_times = st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31))


def _millis(dt: datetime) -> int:
    secs = (dt.hour * 60 + dt.minute) * 60 + dt.second
    return (
        days_from_civil(dt.year, dt.month, dt.day) * MILLIS_PER_DAY
        + secs * 1000
        + (dt.microsecond // 1000)
    )


@given(patterns)
def test_compile_raises_only_pattern_error(pattern: str) -> None:
    """R4.2: any text either compiles or raises PatternError (never another exception)."""
    try:
        compile_pattern(pattern)
    except PatternError as exc:
        assert 0 <= exc.index <= len(pattern)


@given(values, patterns)
@settings(max_examples=300)
def test_conversions_never_raise(value: str, pattern: str) -> None:
    """R4.1-R4.5: every conversion returns a verdict for any text and pattern."""
    conv = to_timestamp(value, pattern)
    assert conv.status in (Status.OK, Status.FALLBACK, Status.NULL)
    assert (conv.millis is None) == (conv.status is Status.NULL)
    assert to_timestamp_many([value], pattern) == [conv]
    assert to_timestamp(value).status in (Status.OK, Status.NULL)
    assert cast_to_timestamp(value).status in (Status.OK, Status.FAIL)
    for ltz in (False, True):
        for standard in ("SQL", "ISO-8601"):
            strict = json_timestamp(value, ltz=ltz, standard=standard)
            lenient = json_timestamp(value, ltz=ltz, standard=standard, ignore_parse_errors=True)
            # flink-json: a field parses (OK) or fails the job; ignore-parse-errors turns every
            # failure into a NULL field and changes nothing else
            assert strict.status in (Status.OK, Status.FAIL)
            assert (strict.millis is None) == (strict.status is Status.FAIL)
            if strict.status is Status.OK:
                assert lenient == strict
            else:
                assert lenient.status is Status.NULL and lenient.millis is None


@given(date_times, st.sampled_from(ROUND_TRIP_PATTERNS))
def test_round_trip_format_then_parse(dt: datetime, pattern: str) -> None:
    """R4.2: a date-time printed with a full pattern parses back to itself (status OK)."""
    text = render(pattern, dt, 3600)
    conv = to_timestamp(text, pattern)
    assert conv.status is Status.OK, (text, conv)
    assert conv.millis == _millis(dt)


@given(st.integers(min_value=-30_610_224_000_000, max_value=253_402_300_799_999))
def test_printed_timestamps_parse_back_with_the_default_formatter(millis: int) -> None:
    """R4.1: Flink's own printed form is what TO_TIMESTAMP(s) reads (years 1000-9999)."""
    conv = to_timestamp(format_timestamp(millis))
    assert conv.millis == millis


@given(st.lists(date_times, min_size=1, max_size=8), st.sampled_from(ROUND_TRIP_PATTERNS[:5]))
def test_suggested_pattern_parses_every_value(dts: list[datetime], pattern: str) -> None:
    """A suggestion is verified: it parses what it claims to, through the pattern path."""
    texts = [render(pattern, dt, 0) for dt in dts]
    s = suggest(texts)
    assert s.pattern is not None and s.covered == len(texts)
    assert all(to_timestamp(t, s.pattern).status is Status.OK for t in texts)


@given(st.integers(min_value=-(2**63), max_value=2**63 - 1), st.sampled_from([0, 3]))
def test_ltz_in_range_or_null(number: int, precision: int) -> None:
    """R4.4: a value exactly when within years 0000-9999."""
    conv = to_timestamp_ltz(number, precision)
    millis = number * (1000 if precision == 0 else 1)
    inside = -62_167_219_200_000 <= millis <= 253_402_300_799_999
    assert (conv.millis is not None) == inside


@given(date_times, st.integers(min_value=0, max_value=999))
def test_fast_path_equals_full_parser(dt: datetime, extra: int) -> None:
    """The regex fast path gives exactly what the full parser gives (incl. Feb 30 clamping)."""
    pattern = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"
    text = render(pattern, dt + timedelta(milliseconds=extra), 0)
    feb30 = text[:5] + "02-30" + text[10:]
    for value in (text, feb30):
        assert to_timestamp_many([value], pattern) == [to_timestamp(value, pattern)]
