"""Every observed Flink 1.20.3 fact (spec/flink-observed.md, seed-case.md §3.2) as a unit test."""

from __future__ import annotations

import pytest

from flinkdoctor.timeformat import (
    Status,
    format_timestamp,
    json_timestamp,
    to_timestamp,
    to_timestamp_ltz,
)

ORIGINAL = "yyyy-MM-dd HH:mm:ss"
FIX = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"


def shown(value: str | None, pattern: str | None = None) -> str | None:
    conv = to_timestamp(value, pattern)
    return None if conv.millis is None else format_timestamp(conv.millis, 3, conv.nano_of_milli)


@pytest.mark.parametrize(
    ("value", "original", "fix"),
    [
        ("2024-12-14T03:12:45.123Z", None, "2024-12-14 03:12:45.123"),
        ("2024-12-14T03:12:45Z", None, None),
        ("2024-12-14T03:12:45.123456Z", None, None),
        ("2024-12-14T03:12:45.123+00:00", None, None),
        ("2024-12-14 03:12:45", "2024-12-14 03:12:45.000", "2024-12-14 03:12:45.000"),
        ("2024-12-14 03:12:45.123", "2024-12-14 03:12:45.123", "2024-12-14 03:12:45.123"),
        ("2024-12-14", "2024-12-14 00:00:00.000", "2024-12-14 00:00:00.000"),
        ("  2024-12-14T03:12:45.123Z", None, None),
    ],
)
def test_r4_2_seed_case_table(value: str, original: str | None, fix: str | None) -> None:
    """R4.2, seed-case §3.2: the original and the fixed pattern on each event shape."""
    assert shown(value, ORIGINAL) == original
    assert shown(value, FIX) == fix


def test_r4_2_fallback_status_and_reason() -> None:
    """R4.2: a non-matching value with a space is rescued by Timestamp.valueOf (FALLBACK)."""
    conv = to_timestamp("2024-12-14 03:12:45", FIX)
    assert conv.status is Status.FALLBACK
    assert conv.error_index == 10
    assert conv.reason is not None and "Timestamp.valueOf" in conv.reason
    assert to_timestamp("2024-12-14", FIX).status is Status.FALLBACK


@pytest.mark.parametrize(
    "value", ["2024-12-14 03:12:45", "2024-12-14 3:12:45", " 2024-12-14 03:12:45 ", "2024-12-14"]
)
@pytest.mark.parametrize("pattern", [FIX, "dd/MM/yyyy", "HH:mm", "yyyyMMdd"])
def test_r4_2_any_pattern_accepts_the_fallback_shapes(value: str, pattern: str) -> None:
    """R4.2 observed: ANY pattern accepts these through the fallback."""
    assert to_timestamp(value, pattern).millis is not None


def test_r4_2_fallback_is_lenient_but_pattern_clamps_feb_30() -> None:
    """R4.2 observed: the fallback rolls Feb 30 over to Mar 1, the SMART resolver clamps it."""
    assert shown("2024-02-30 03:12:45", FIX) == "2024-03-01 03:12:45.000"
    assert shown("2024-02-30 03:12:45", ORIGINAL) == "2024-02-29 03:12:45.000"
    assert to_timestamp("2024-02-30 03:12:45", ORIGINAL).status is Status.OK


def test_r4_2_offsets_are_parsed_and_ignored() -> None:
    """R4.2 observed: XXX offsets are not applied (no UTC conversion)."""
    pattern = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"
    assert shown("2024-12-14T03:12:45.123+01:00", pattern) == "2024-12-14 03:12:45.123"
    assert shown("2024-12-14T03:12:45.123+05:30", pattern) == "2024-12-14 03:12:45.123"


def test_r4_2_week_based_year_is_not_the_year() -> None:
    """R4.2 observed: YYYY is the week-based year: the year defaults to 1970."""
    assert shown("2024-12-14 03:12:45", "YYYY-MM-dd HH:mm:ss") == "1970-12-14 03:12:45.000"


def test_r4_2_hh_without_a_is_not_the_hour_of_day() -> None:
    """R4.2 observed: hh without a leaves no hour-of-day (00); hour 15 fails hh → fallback."""
    assert shown("2024-12-14 03:12:45", "yyyy-MM-dd hh:mm:ss") == "2024-12-14 00:12:45.000"
    conv = to_timestamp("2024-12-14 15:12:45", "yyyy-MM-dd hh:mm:ss")
    assert conv.status is Status.FALLBACK
    assert format_timestamp(conv.millis or 0) == "2024-12-14 15:12:45.000"


def test_r4_2_minute_month_swap() -> None:
    """R4.2 observed: yyyy-mm-dd HH:MM:ss reads the month as minutes and vice versa."""
    assert shown("2024-02-30 03:12:45", "yyyy-mm-dd HH:MM:ss") == "2024-12-30 03:02:45.000"


def test_r4_2_fraction_beyond_millis_is_truncated() -> None:
    """R4.2 observed: SSSSSS on .123456 → .123 (precision 3, floored)."""
    assert shown("2024-12-14 03:12:45.123456", "yyyy-MM-dd HH:mm:ss.SSSSSS") == (
        "2024-12-14 03:12:45.123"
    )


def test_r4_2_sss_needs_exactly_three_digits() -> None:
    """seed-case §3.2: SSS needs exactly 3 digits; .12Z gives NULL."""
    assert to_timestamp("2024-12-14T03:12:45.12Z", FIX).status is Status.NULL


@pytest.mark.parametrize("pattern", ["yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss'Z"])
def test_r4_2_invalid_pattern_gives_null_silently(pattern: str) -> None:
    """R4.2 observed: an unquoted letter or an unterminated quote → NULL for every value."""
    for value in ["2024-12-14T03:12:45Z", "2024-12-14 03:12:45", "2024-12-14"]:
        conv = to_timestamp(value, pattern)
        assert conv.status is Status.NULL
        assert conv.reason is not None and "invalid pattern" in conv.reason


def test_r4_2_null_input_is_null() -> None:
    """seed-case §3.2: a NULL input yields NULL."""
    assert to_timestamp(None, FIX).status is Status.NULL


def test_r4_1_default_form() -> None:
    """R4.1 observed: TO_TIMESTAMP(s): T/Z → NULL, micros truncated, date-only → midnight."""
    assert shown("2024-12-14T03:12:45.123Z") is None
    assert shown("2024-12-14 03:12:45.123456") == "2024-12-14 03:12:45.123"
    assert shown("2024-12-14") == "2024-12-14 00:00:00.000"
    assert shown(" 2024-12-14 03:12:45 ") is None  # no trim (checked on Flink)


def test_r4_4_to_timestamp_ltz_units() -> None:
    """R4.4 observed: ms with 3 correct; seconds with 3 → January 1970; ms with 0 → NULL."""
    ok = to_timestamp_ltz(1734145965123, 3)
    assert ok.status is Status.OK and format_timestamp(ok.millis or 0) == "2024-12-14 03:12:45.123"
    secs = to_timestamp_ltz(1734145965, 3)
    assert format_timestamp(secs.millis or 0) == "1970-01-21 01:42:25.965"
    assert to_timestamp_ltz(1734145965123, 0).status is Status.NULL


def test_r4_5_json_sql_standard_trailing_z_fails() -> None:
    """R4.5 observed: TIMESTAMP(3) with a Z fails under both standards; LTZ ISO parses it."""
    value = "2024-12-14T03:00:01.123Z"
    assert json_timestamp(value, ltz=False).status is Status.FAIL
    assert json_timestamp(value, ltz=False, ignore_parse_errors=True).status is Status.NULL
    assert json_timestamp(value, ltz=False, standard="ISO-8601").status is Status.FAIL
    conv = json_timestamp(value, ltz=True, standard="ISO-8601")
    assert conv.status is Status.OK
    assert format_timestamp(conv.millis or 0) == "2024-12-14 03:00:01.123"


def test_r4_5_json_error_index_matches_java() -> None:
    """seed-case §3.3: SQL standard stops at index 10; ISO-8601 at 23 (unparsed 'Z')."""
    assert json_timestamp("2024-12-14T03:00:05.123Z", ltz=False).error_index == 10
    iso = json_timestamp("2024-12-14T03:00:05.123Z", ltz=False, standard="ISO-8601")
    assert iso.error_index == 23
