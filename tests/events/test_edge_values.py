"""Payloads and times at the edges: kept and shown, never fatal, never invalid JSON out."""

from __future__ import annotations

from flinkdoctor.events.formats import decode_payload
from flinkdoctor.events.sampling import format_millis


def test_out_of_range_number_is_kept_as_bytes_not_written_as_infinity() -> None:
    value, raw, error = decode_payload(b"1e400\n")
    assert value is None and raw == "MWU0MDAK"
    assert error == "not JSON (number 1e400 is out of range for a double)"


def test_ordinary_floats_still_decode() -> None:
    assert decode_payload(b'{"a": 1.5e3, "b": -0.25}')[0] == {"a": 1500.0, "b": -0.25}


def test_format_millis_pads_years_and_survives_out_of_range() -> None:
    assert format_millis(1734145205123) == "2024-12-14 03:00:05.123"
    assert format_millis(-62135596800000) == "0001-01-01 00:00:00.000"
    assert format_millis(10**15) == "1000000000000000 ms since 1970 (out of range)"
    assert format_millis(None) == ""
