"""The compiled fast path (``timeformat.fastpath``) against the general interpreter: every value
the fast path answers, it answers exactly as ``to_timestamp`` / ``cast_to_timestamp`` /
``json_timestamp`` do, for single values (check-pattern), batches, and event-time-ordered streams
with the prefix memo (the engine). Real Flink is the other oracle (test_differential_flink.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flinkdoctor.timeformat import (
    cast_to_timestamp,
    json_timestamp,
    to_timestamp,
    to_timestamp_many,
)
from flinkdoctor.timeformat.errors import JavaParseError
from flinkdoctor.timeformat.flink import cast_millis, parse_with, to_timestamp_millis
from flinkdoctor.timeformat.formatters import DEFAULT, Formatter, cached_fast
from flinkdoctor.timeformat.jsonformat import _FORMATTERS, json_timestamp_millis
from tests.timeformat.cases import FAST_PATTERNS, REALISTIC_PATTERNS, _mutate, render

datetimes = st.datetimes(min_value=datetime(1700, 1, 1), max_value=datetime(2300, 12, 31))
offsets = st.sampled_from([0, 3600, -28800, 19800])


def _value(draw: st.DrawFn, pattern: str) -> str:
    value = render(pattern, draw(datetimes), draw(offsets))
    for _ in range(draw(st.integers(0, 2))):
        value = _mutate(draw(st.randoms(use_true_random=False)), value)
    return value


@st.composite
def pattern_and_values(draw: st.DrawFn) -> tuple[str, list[str]]:
    pattern = draw(st.sampled_from(FAST_PATTERNS + REALISTIC_PATTERNS))
    return pattern, [_value(draw, pattern) for _ in range(draw(st.integers(1, 12)))]


def test_the_new_shapes_are_on_the_fast_path() -> None:
    for pattern in FAST_PATTERNS:
        assert cached_fast(pattern) is not None, pattern


@given(pattern_and_values())
def test_batch_fast_path_equals_interpreter(case: tuple[str, list[str]]) -> None:
    pattern, values = case
    assert to_timestamp_many(values, pattern) == [to_timestamp(v, pattern) for v in values]


@given(pattern_and_values())
def test_single_value_fast_function_is_certain_or_silent(case: tuple[str, list[str]]) -> None:
    pattern, values = case
    fast = cached_fast(pattern)
    for value in values:
        millis = fast(value) if fast is not None else None
        if millis is not None:
            assert millis == to_timestamp(value, pattern).millis, value


@st.composite
def streams(draw: st.DrawFn) -> tuple[str, list[str]]:
    """Values in event-time order, many sharing a minute (the memo's hits), with offsets that
    change and optional sections cut short (the tail memo's texts), some mutated."""
    pattern = draw(st.sampled_from(FAST_PATTERNS))
    t = draw(datetimes)
    out = []
    for _ in range(draw(st.integers(1, 40))):
        t += timedelta(milliseconds=draw(st.integers(0, 30_000)))
        value = render(pattern, t, draw(offsets))
        if draw(st.integers(0, 4)) == 0:
            value = value[: len(value) - draw(st.integers(1, 6))]
        if draw(st.integers(0, 9)) == 0:
            value = _mutate(draw(st.randoms(use_true_random=False)), value)
        out.append(value)
    return pattern, out


@given(streams())
def test_engine_stream_conversion_equals_interpreter(case: tuple[str, list[str]]) -> None:
    pattern, values = case
    parse = to_timestamp_millis(pattern)  # a fresh prefix memo
    assert [parse(v) for v in values] == [to_timestamp(v, pattern).millis for v in values]


default_values = st.one_of(
    datetimes.map(lambda d: d.strftime("%Y-%m-%d %H:%M:%S.%f")),
    datetimes.map(lambda d: d.strftime("%Y-%m-%d")),
    datetimes.map(lambda d: f"{d.year}-{d.month}-{d.day} {d.hour}:{d.minute}:{d.second}"),
    st.text(st.sampled_from(list("0123456789-:. TZ")), max_size=30),
)


def _interpreted(formatter: Formatter, value: str, precision: int) -> tuple[int, int] | None:
    """The general interpreter alone (no fast path): (millis, nano-of-milli) or None."""
    try:
        return parse_with(formatter, value, precision)
    except JavaParseError:
        return None


@given(st.lists(default_values, max_size=20), st.sampled_from([0, 3, 6, 9]))
def test_cast_and_default_to_timestamp_equal_interpreter(values: list[str], p: int) -> None:
    cast = cast_millis(p)
    default = to_timestamp_millis(None)
    for value in values:
        expected = _interpreted(DEFAULT, value, p)
        assert cast(value) == (expected[0] if expected else None), value
        conv = cast_to_timestamp(value, p)
        assert (conv.millis, conv.nano_of_milli if conv.millis is not None else 0) == (
            expected if expected else (None, 0)
        ), value
        expected3 = _interpreted(DEFAULT, value, 3)
        assert default(value) == (expected3[0] if expected3 else None), value


json_values = st.one_of(
    datetimes.map(lambda d: d.strftime("%Y-%m-%d %H:%M:%S.%f")),
    datetimes.map(lambda d: d.strftime("%Y-%m-%d %H:%M:%S") + "Z"),
    datetimes.map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
    datetimes.map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"),
    st.text(st.sampled_from(list("0123456789-:. TtZ")), max_size=30),
)


@pytest.mark.parametrize("standard", ["SQL", "ISO-8601"])
@pytest.mark.parametrize("ltz", [False, True])
@given(values=st.lists(json_values, max_size=20))
def test_json_timestamp_stream_equals_interpreter(
    standard: str, ltz: bool, values: list[str]
) -> None:
    parse = json_timestamp_millis(ltz=ltz, standard=standard)
    formatter = _FORMATTERS[(standard, ltz)]
    for value in values:
        expected = _interpreted(formatter, value, 9)
        assert parse(value) == (expected[0] if expected else None), value
        conv = json_timestamp(value, ltz=ltz, standard=standard)
        got = (conv.millis, conv.nano_of_milli) if conv.millis is not None else None
        assert got == expected, value
