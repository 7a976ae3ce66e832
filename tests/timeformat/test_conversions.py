"""R4.1-R4.5 conversions beyond the observed facts: found with JDK 17 and Flink 1.20.3."""

from __future__ import annotations

import pytest

from flinkdoctor.errors import FlinkDoctorError
from flinkdoctor.timeformat import (
    Status,
    cast_to_timestamp,
    check_epoch_unit,
    describe_epoch_unit,
    format_timestamp,
    json_timestamp,
    to_timestamp,
    to_timestamp_ltz,
    to_timestamp_many,
    try_cast_to_timestamp,
)


def shown(conv_millis: int | None, nano: int = 0, precision: int = 3) -> str | None:
    return None if conv_millis is None else format_timestamp(conv_millis, precision, nano)


@pytest.mark.parametrize(
    ("value", "pattern", "expected"),
    [
        ("2024-12-14 24:00:00", "yyyy-MM-dd HH:mm:ss", "2024-12-15 00:00:00.000"),  # SMART 24:00
        ("2024-01-01 PM", "yyyy-MM-dd a", "2024-01-01 18:00:00.000"),  # AM/PM midpoint
        ("2024-04-31", "yyyy-MM-dd", "2024-04-30 00:00:00.000"),  # SMART clamps to 30
        ("20241214031245", "yyyyMMddHHmmss", "2024-12-14 03:12:45.000"),  # adjacent values
        ("241214", "yyMMdd", "2024-12-14 00:00:00.000"),  # yy is 2000-2099
        ("99-01-01", "yy-MM-dd", "2099-01-01 00:00:00.000"),
        ("Dec 14, 2024", "MMM dd, yyyy", "2024-12-14 00:00:00.000"),
        ("14 September 2024", "dd MMMM yyyy", "2024-09-14 00:00:00.000"),
        ("2024-12-14 03:12", "yyyy-MM-dd HH:mm[:ss]", "2024-12-14 03:12:00.000"),
        ("12/14/2024 03:12:45 PM", "MM/dd/yyyy hh:mm:ss a", "2024-12-14 15:12:45.000"),
    ],
)
def test_r4_2_pattern_path(value: str, pattern: str, expected: str) -> None:
    """R4.2: Java SMART-resolver behaviour reproduced (each case checked on JDK 17)."""
    conv = to_timestamp(value, pattern)
    assert conv.status is Status.OK
    assert shown(conv.millis) == expected


@pytest.mark.parametrize(
    ("value", "pattern", "index"),
    [
        ("dec 14, 2024", "MMM dd, yyyy", 0),  # text is case-sensitive
        ("2024-12-14 03:12:45 Sun", "yyyy-MM-dd HH:mm:ss EEE", 0),  # 2024-12-14 is a Saturday
        ("2024-12-14 13:12:45 AM", "yyyy-MM-dd HH:mm:ss a", 0),  # AM conflicts with 13h
        ("2024-12-14T03:12:45.1234Z", "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", 23),
    ],
)
def test_r4_2_failures_and_error_index(value: str, pattern: str, index: int) -> None:
    """R4.2: where Java stops (resolver conflicts are reported at index 0)."""
    conv = to_timestamp(value, pattern)
    assert conv.millis is None
    assert conv.error_index == index


def test_r4_2_resolver_error_tries_fallback() -> None:
    """R4.2: a resolver conflict is a DateTimeParseException, so the fallback still runs."""
    conv = to_timestamp("2024-12-14 03:12:45 Sun", "yyyy-MM-dd HH:mm:ss EEE")
    assert conv.status is Status.NULL  # the fallback rejects the trailing "Sun"
    conv = to_timestamp("2024-13-14 03:12:45", "YYYY-MM-dd HH:mm:ss")
    assert conv.status is Status.NULL and conv.reason is not None  # month 13: no fallback


def test_r4_2_fallback_keeps_nanoseconds_in_the_printed_value() -> None:
    """R4.2 (found on Flink): the fallback keeps 9 digits; CAST(... AS STRING) prints them."""
    conv = to_timestamp("2024-12-14 03:12:45.123456", "yyyy-MM-dd")
    assert conv.status is Status.FALLBACK
    assert shown(conv.millis, conv.nano_of_milli) == "2024-12-14 03:12:45.123456"


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("2024-12-14T03:12:45.123+01:00[Europe/Paris]", True),
        ("2024-12-14T03:12:45.123Z[UTC]", True),
        ("2024-12-14T03:12:45.123+05:30[UTC+05:30]", True),
        ("2024-12-14T03:12:45.123+01:00[Europe/Pariss]", False),
        ("2024-12-14T03:12:45.123+01:00[europe/paris]", False),
    ],
)
def test_r4_2_zone_ids_are_parsed_and_ignored(value: str, ok: bool) -> None:
    """R4.2: VV (ZonedDateTime.toString shape) parses against JDK 17's zone IDs; zone ignored."""
    conv = to_timestamp(value, "yyyy-MM-dd'T'HH:mm:ss.SSSXXX'['VV']'")
    assert (conv.status is Status.OK) == ok
    if ok:
        assert shown(conv.millis) == "2024-12-14 03:12:45.123"


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("Sat Dec 14 03:12:45 UTC 2024", True),
        ("Sat Dec 14 03:12:45 PST 2024", True),
        ("Sat Dec 14 03:12:45 CEST 2024", True),
        ("Sat Dec 14 03:12:45 GMT+01:00 2024", True),
        ("Sat Dec 14 03:12:45 pst 2024", False),
        ("Sat Dec 14 03:12:45 XYZ 2024", False),
    ],
)
def test_r4_2_zone_names_java_date_to_string(value: str, ok: bool) -> None:
    """R4.2: z parses English zone names (java.util.Date.toString shape); the zone is ignored."""
    conv = to_timestamp(value, "EEE MMM dd HH:mm:ss z yyyy")
    assert (conv.status is Status.OK) == ok
    if ok:
        assert shown(conv.millis) == "2024-12-14 03:12:45.000"


@pytest.mark.parametrize(
    ("value", "pattern", "expected"),
    [
        ("2024-12-14 3:30 in the afternoon", "yyyy-MM-dd h:mm B", "2024-12-14 15:30:00.000"),
        ("2024-12-14 in the evening", "yyyy-MM-dd B", "2024-12-14 19:30:00.000"),  # midpoint
        ("2024-12-14 at night", "yyyy-MM-dd B", "2024-12-14 01:30:00.000"),
        ("2024-12-14 15:00 in the morning", "yyyy-MM-dd HH:mm B", None),  # conflict
    ],
)
def test_r4_2_day_periods(value: str, pattern: str, expected: str | None) -> None:
    """R4.2: day periods (B, CLDR "en") resolve like JDK 17 (checked on JDK 17 and Flink)."""
    assert shown(to_timestamp(value, pattern).millis) == expected


def test_to_timestamp_many_matches_single() -> None:
    """The fast path agrees with the full parser, including fallback and NULL values."""
    pattern = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"
    values = ["2024-12-14T03:12:45.123Z", "2024-02-30T00:00:00.000Z", "2024-12-14 03:12:45", None]
    assert to_timestamp_many(values, pattern) == [to_timestamp(v, pattern) for v in values]
    assert to_timestamp_many(values, "yyyy-MM-ddT") == [
        to_timestamp(v, "yyyy-MM-ddT") for v in values
    ]


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("2024-12-14 03:12:45", Status.OK),
        ("2024-12-14", Status.OK),
        ("2024-1-5 3:4:5.6", Status.OK),
        ("2024-12-14 03:12:45.", Status.OK),
        ("2024-12-14T03:12:45", Status.FAIL),
        (" 2024-12-14 03:12:45", Status.FAIL),
        ("", Status.FAIL),
    ],
)
def test_r4_3_cast_fails_the_job(value: str, status: Status) -> None:
    """R4.3: CAST fails the job (verified on Flink); TRY_CAST yields NULL instead."""
    assert cast_to_timestamp(value).status is status
    expected_try = Status.NULL if status is Status.FAIL else Status.OK
    assert try_cast_to_timestamp(value).status is expected_try


def test_r4_3_cast_precision() -> None:
    """R4.3: the fraction is floored to the target precision."""
    conv = cast_to_timestamp("2024-12-14 03:12:45.1234567", 9)
    assert shown(conv.millis, conv.nano_of_milli, 9) == "2024-12-14 03:12:45.123456700"
    assert shown(cast_to_timestamp("2024-12-14 03:12:45.9", 0).millis, 0, 0) == (
        "2024-12-14 03:12:45"
    )


@pytest.mark.parametrize(
    ("number", "precision", "expected"),
    [
        (253402300799, 0, "9999-12-31 23:59:59.000"),
        (253402300800, 0, None),
        (-62167219200, 0, "0000-01-01 00:00:00.000"),
        (-62167219201, 0, None),
        (253402300799999, 3, "9999-12-31 23:59:59.999"),
        (253402300800000, 3, None),
        (1734145965.9, 0, "2024-12-14 03:12:45.900"),
        (-1.5, 3, "1969-12-31 23:59:59.999"),
        (float("nan"), 3, "1970-01-01 00:00:00.000"),
        ("1734145965.999", 0, "2024-12-14 03:12:45.000"),
    ],
)
def test_r4_4_ltz_ranges_and_truncation(
    number: float | str, precision: int, expected: str | None
) -> None:
    """R4.4: range limits (NULL outside), doubles truncated, decimals rounded down."""
    conv = to_timestamp_ltz(number, precision)
    assert shown(conv.millis) == expected


def test_r4_4_other_precision_fails() -> None:
    """R4.4: any precision but 0 and 3 fails at runtime."""
    assert to_timestamp_ltz(1, 6).status is Status.FAIL


@pytest.mark.parametrize("value", [1734145965123, 17.5, True, {"a": 1}])
def test_r4_5_json_numbers_fail(value: object) -> None:
    """R4.5: numeric (and other non-string) JSON values never parse."""
    assert json_timestamp(value, ltz=True).status is Status.FAIL
    assert json_timestamp(value, ltz=True, ignore_parse_errors=True).status is Status.NULL


def test_r4_5_json_standards() -> None:
    """R4.5: SQL needs a space and (LTZ) a Z; ISO-8601 is STRICT and case-insensitive."""
    assert json_timestamp("2024-12-14 03:12:45.123456789", ltz=False).nano_of_milli == 456789
    assert json_timestamp("2024-12-14 03:12:45Z", ltz=True).status is Status.OK
    assert json_timestamp("2024-12-14 03:12:45", ltz=True).status is Status.FAIL
    assert json_timestamp("2024-12-14t03:12", ltz=False, standard="ISO-8601").ok
    assert json_timestamp("2024-02-30T03:12", ltz=False, standard="ISO-8601").status is (
        Status.FAIL
    )
    assert json_timestamp("2024-02-30 03:12:00", ltz=False).status is Status.OK  # SMART
    assert json_timestamp(None, ltz=False).status is Status.NULL
    with pytest.raises(FlinkDoctorError):
        json_timestamp("x", ltz=False, standard="RFC")


@pytest.mark.parametrize(
    ("millis", "precision", "nano", "expected"),
    [
        (1734145965123, 3, 0, "2024-12-14 03:12:45.123"),
        (1734145965000, 3, 0, "2024-12-14 03:12:45.000"),
        (1734145965000, 0, 0, "2024-12-14 03:12:45"),
        (1734145965123, 0, 0, "2024-12-14 03:12:45.123"),
        (1734145965120, 3, 456000, "2024-12-14 03:12:45.120456"),
        (-1, 3, 0, "1969-12-31 23:59:59.999"),
        (-62167219200000, 3, 0, "0000-01-01 00:00:00.000"),
        (253402300800000, 3, 0, "0000-01-01 00:00:00.000"),  # year 10000 prints as 0000
        (-62198755200000, 3, 0, "000/-01-01 00:00:00.000"),  # year -1
    ],
)
def test_format_timestamp_like_flink(millis: int, precision: int, nano: int, expected: str) -> None:
    """Flink's CAST(ts AS STRING), including its digit arithmetic outside years 0-9999."""
    assert format_timestamp(millis, precision, nano) == expected


@pytest.mark.parametrize(
    ("number", "unit"),
    [(1734145965, "seconds"), (1734145965123, "milliseconds"), (1734145965123456, "microseconds"),
     (1734145965123456789, "nanoseconds")],
)  # fmt: skip
def test_r6_3_epoch_unit_guess(number: int, unit: str) -> None:
    """R6.3: the unit guess behind TO_TIMESTAMP_LTZ unit warnings."""
    assert check_epoch_unit(number) == unit
    assert unit in describe_epoch_unit(number)
