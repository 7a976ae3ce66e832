"""Events-file readers: format detection, the three line formats, and one-line errors."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flinkdoctor.errors import InputError
from flinkdoctor.events import (
    EventFormat,
    Record,
    decode_payload,
    parse_lines,
    read_events,
    record_to_envelope,
)
from flinkdoctor.events.formats import (
    decode_payload_text,
    detect_format,
    envelope_line,
    envelope_line_from_text,
)


def test_plain_jsonl_lines_become_values_with_file_line_sources() -> None:
    lines = ['{"a": 1}\n', "\n", "   \n", '{"a": 2}\n']
    records = list(parse_lines(lines, "ev.jsonl"))
    assert records == [
        Record(value={"a": 1}, source="ev.jsonl:1"),
        Record(value={"a": 2}, source="ev.jsonl:4"),
    ]


def test_sample_envelope_round_trips() -> None:
    record = Record(
        value={"event_time": "2024-12-14T03:00:05.123Z"},
        partition=2,
        offset=17,
        timestamp=1734145205123,
        timestamp_type="CreateTime",
        key="k1",
        headers=(("trace", "abc"), ("empty", None)),
        source="f:1",
    )
    line = json.dumps(record_to_envelope(record))
    assert list(parse_lines([line], "f")) == [record]


def test_sample_envelope_keeps_undecodable_payloads() -> None:
    value, raw, error = decode_payload(b"\xff\x00not json")
    assert value is None and error is not None and error.startswith("not UTF-8")
    record = Record(
        value=value,
        partition=0,
        offset=3,
        timestamp=5,
        timestamp_type="CreateTime",
        raw_base64=raw,
        decode_error=error,
        source="s:1",
    )
    (back,) = parse_lines([json.dumps(record_to_envelope(record))], "s")
    assert back == record
    assert base64.b64decode(back.raw_base64 or "") == b"\xff\x00not json"


def test_decode_payload() -> None:
    assert decode_payload(None) == (None, None, None)
    assert decode_payload(b'{"x": [1, 2]}') == ({"x": [1, 2]}, None, None)
    value, raw, error = decode_payload(b"hello")
    assert value is None and raw == "aGVsbG8=" and error == "not JSON (Expecting value at char 0)"


def test_kcat_json_envelopes() -> None:
    lines = [
        json.dumps(
            {
                "topic": "t",
                "partition": 1,
                "offset": 5,
                "tstype": "create",
                "ts": 1000,
                "broker": 1,
                "key": "k",
                "payload": '{"id": 7}',
            }
        ),
        json.dumps(
            {
                "topic": "t",
                "partition": 0,
                "offset": 9,
                "tstype": "logappend",
                "ts": 2000,
                "broker": 1,
                "headers": {"h": "v"},
                "key": None,
                "payload": "plain text",
            }
        ),
        json.dumps(
            {
                "topic": "t",
                "partition": 0,
                "offset": 10,
                "tstype": "unknown",
                "ts": -1,
                "broker": 1,
                "key": None,
                "payload": None,
            }
        ),
    ]
    first, second, third = parse_lines(lines, "k.json")
    assert first == Record(
        value={"id": 7},
        partition=1,
        offset=5,
        timestamp=1000,
        timestamp_type="CreateTime",
        key="k",
        source="k.json:1",
    )
    assert second.value is None and second.timestamp_type == "LogAppendTime"
    assert second.headers == (("h", "v"),)
    assert base64.b64decode(second.raw_base64 or "") == b"plain text"
    assert second.decode_error is not None and "not JSON" in second.decode_error
    assert third == Record(
        value=None, partition=0, offset=10, timestamp=None, timestamp_type=None, source="k.json:3"
    )


@pytest.mark.parametrize(
    ("first", "expected"),
    [
        ({"a": 1}, EventFormat.PLAIN),
        ([1, 2], EventFormat.PLAIN),
        ({"partition": 0, "offset": 1, "timestamp": 2, "value": {}}, EventFormat.SAMPLE),
        ({"partition": 0, "offset": 1, "timestamp": 2, "value": {}, "extra": 1}, EventFormat.PLAIN),
        ({"partition": 0, "offset": 1, "value": {}}, EventFormat.PLAIN),
        ({"topic": "t", "partition": 0, "offset": 1, "payload": "{}"}, EventFormat.KCAT),
        ({"tstype": "create", "partition": 0, "offset": 1, "payload": "{}"}, EventFormat.KCAT),
    ],
)
def test_detect_format(first: object, expected: EventFormat) -> None:
    assert detect_format(first) is expected


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            ['{"a": 1}', '{"a": 2'],
            "ev.jsonl:2: not valid JSON (Expecting ',' delimiter at the end of the line): "
            "'{\"a\": 2'",
        ),
        (
            ['{"a": 1}', "[1, 2]"],
            "ev.jsonl:2: expected a JSON object per line, got an array: [1, 2]",
        ),
        (["", "42"], "ev.jsonl:2: expected a JSON object per line, got a number: 42"),
        (
            ['{"partition": 0, "offset": 1, "timestamp": 2, "value": 1}', '{"a": 1}'],
            "ev.jsonl:2: not a sample envelope (missing offset, partition, timestamp, value): ",
        ),
        (
            ['{"partition": 0, "offset": "x", "timestamp": 2, "value": 1}'],
            'ev.jsonl:1: offset must be an integer, got "x"',
        ),
        (
            ['{"partition": 0, "offset": 1, "timestamp": 2, "value": 1, "timestamp_type": "Now"}'],
            "ev.jsonl:1: timestamp_type must be CreateTime, LogAppendTime or null, got 'Now'",
        ),
    ],
)
def test_bad_lines_raise_one_line_input_errors(lines: list[str], message: str) -> None:
    with pytest.raises(InputError) as caught:
        list(parse_lines(lines, "ev.jsonl"))
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_long_bad_values_are_truncated() -> None:
    line = '{"a": "' + "x" * 5000
    with pytest.raises(InputError) as caught:
        list(parse_lines([line], "big.jsonl"))
    assert len(str(caught.value)) < 200
    assert str(caught.value).endswith("...'")


def test_read_events_streams_a_file_lazily(tmp_path: Path) -> None:
    path = tmp_path / "ev.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"a": 1}\n{"a": 2}\nnot json\n')
    records = read_events(path)
    assert next(records) == Record(value={"a": 1}, source=f"{path}:1")
    assert next(records).value == {"a": 2}
    with pytest.raises(InputError, match=r":3: not valid JSON"):
        next(records)


def test_read_events_reports_non_utf8_and_missing_files(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"a": "\xff"}\n')
    with pytest.raises(InputError, match=r"bad.jsonl:1: not UTF-8 \(byte 0xff at column 8\)"):
        list(read_events(path, "bad.jsonl"))
    with pytest.raises(InputError, match=r"nope.jsonl: no such file"):
        list(read_events(tmp_path / "nope.jsonl"))


def test_read_events_accepts_lines_and_names_them() -> None:
    (record,) = read_events(['{"a": 1}'], "pasted")
    assert record.source == "pasted:1"


_json_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=10)
_json_values = st.recursive(
    _json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=10,
)


@given(
    value=_json_values,
    partition=st.integers(0, 1000),
    offset=st.integers(0, 2**62),
    timestamp=st.none() | st.integers(0, 2**45),
    timestamp_type=st.sampled_from([None, "CreateTime", "LogAppendTime"]),
    key=st.none() | st.text(max_size=8),
    headers=st.lists(st.tuples(st.text(max_size=5), st.none() | st.text(max_size=5)), max_size=3),
)
def test_any_record_round_trips_through_a_sample_line(
    value: object,
    partition: int,
    offset: int,
    timestamp: int | None,
    timestamp_type: str | None,
    key: str | None,
    headers: list[tuple[str, str | None]],
) -> None:
    record = Record(
        value=value,
        partition=partition,
        offset=offset,
        timestamp=timestamp,
        timestamp_type=timestamp_type,
        key=key,
        headers=tuple(headers),
        source="x:1",
    )
    assert list(parse_lines([json.dumps(record_to_envelope(record))], "x")) == [record]


@pytest.mark.parametrize(
    "payload",
    [
        b'{"a": 1, "b": [true, null], "c": "\\u00e9\\ud83d\\ude00"}',
        b'  {"spaced": 1}  ',
        b"[1, 2]",
        b'"just a string"',
        b'{"pretty":\n  1}',
        '{"caf\u00e9": "\u2028"}'.encode(),
    ],
)
def test_fast_envelope_lines_mean_the_same_as_encoded_ones(payload: bytes) -> None:
    value, text, raw, error = decode_payload_text(payload)
    assert text is not None and raw is None and error is None
    record = Record(
        value=value,
        partition=1,
        offset=2,
        timestamp=3,
        timestamp_type="CreateTime",
        key="k\n",
        headers=(("h", None),),
        source="x:1",
    )
    fast = envelope_line_from_text(record, text)
    assert fast.endswith("\n") and fast.count("\n") == 1
    assert json.loads(fast) == json.loads(envelope_line(record))


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b'{"a": NaN}', "not JSON (NaN is not a JSON value)"),
        (b"-Infinity", "not JSON (-Infinity is not a JSON value)"),
        (b'{"a": 1} x', "not JSON (Extra data at char 9)"),
        (b"", "not JSON (Expecting value at char 0)"),
    ],
)
def test_payloads_flink_json_would_reject(payload: bytes, reason: str) -> None:
    assert decode_payload(payload) == (None, base64.b64encode(payload).decode(), reason)


def test_kcat_lines_with_raw_bytes_and_flat_headers() -> None:
    """What kcat 1.7.1 -J really writes: headers as a flat list, non-UTF-8 bytes as they are."""
    lines = [
        b'{"topic":"t","partition":0,"offset":0,"tstype":"create","ts":5,"broker":1,'
        b'"headers":["h1","v1","h1","v2","bin","\xff"],"key":"\xfe","payload":"{\\"a\\":1}"}\n',
        b'{"topic":"t","partition":0,"offset":1,"tstype":"create","ts":6,"broker":1,'
        b'"key":null,"payload":"x\xc3("}\n',
    ]
    first, second = parse_lines(lines, "kcat.json")
    assert first.headers == (("h1", "v1"), ("h1", "v2"), ("bin", "base64:/w=="))
    assert first.key == "base64:/g==" and first.value == {"a": 1}
    assert second.value is None and second.decode_error == "not UTF-8 (byte 0xc3 at 1)"
    assert base64.b64decode(second.raw_base64 or "") == b"x\xc3("


def test_raw_bytes_are_still_an_error_outside_kcat_files() -> None:
    with pytest.raises(InputError, match=r"f:2: not UTF-8 \(byte 0xff at column 8\)"):
        list(parse_lines([b'{"a": 1}\n', b'{"a": "\xff"}\n'], "f"))
