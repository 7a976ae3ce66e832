"""The readers' batched fast path (orjson, chunked file reading, inline Record building) against the
careful line-by-line reference: same records, same error, same place, on valid and invalid input.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flinkdoctor.engine import Overrides, build_plan, simulate
from flinkdoctor.errors import InputError
from flinkdoctor.events import Record, parse_lines, read_events
from flinkdoctor.events import reader as reader_module
from flinkdoctor.events.record import new_record
from flinkdoctor.sql import parse_script


def outcome(records: Iterable[Record]) -> tuple[list[str], str | None]:
    """Every record (as its repr: exact types, key order, NaN and -0.0 included) up to the error,
    and the error's one-line text."""
    seen: list[str] = []
    try:
        for record in records:
            seen.append(repr(record))
    except InputError as error:
        return seen, str(error)
    return seen, None


def careful(lines: Iterable[str | bytes], name: str = "f") -> tuple[list[str], str | None]:
    return outcome(reader_module.parse_lines_careful(lines, name))


def file_lines(data: bytes) -> list[bytes]:
    """The lines binary file iteration gives (what the careful path used to read)."""
    return data.splitlines(keepends=True) if b"\r" not in data else _split_on_lf(data)


def _split_on_lf(data: bytes) -> list[bytes]:
    parts = data.split(b"\n")
    lines = [part + b"\n" for part in parts[:-1]]
    return [*lines, parts[-1]] if parts[-1] else lines


def via_file(tmp_path: Path, data: bytes, chunk: int) -> tuple[list[str], str | None]:
    path = tmp_path / "ev.jsonl"
    path.write_bytes(data)
    old = reader_module._CHUNK
    reader_module._CHUNK = chunk
    try:
        return outcome(read_events(path, "f"))
    finally:
        reader_module._CHUNK = old


# -- Record's fast constructor ------------------------------------------------------------------


def test_new_record_is_an_ordinary_record() -> None:
    fields = ("text", 1, 2, 3, "CreateTime", "k", (("h", None),), None, None, "f:1")
    made = new_record(*fields)
    assert type(made) is Record
    assert made == Record(*fields) and hash(made) == hash(Record(*fields))
    assert repr(made) == repr(Record(*fields))
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.value = None  # type: ignore[misc]
    assert dataclasses.replace(made, key="x").key == "x"


# -- examples -----------------------------------------------------------------------------------

PLAIN = [b'{"ts": 1, "k": "a"}\n', b'{"ts": 2, "k": "b", "x": [1.5, null, true]}\n']
ENVELOPES = [
    b'{"partition":0,"offset":1,"timestamp":5,"value":{"a":1}}\n',
    b'{"partition":1,"offset":2,"timestamp":null,"timestamp_type":null,"key":null,'
    b'"value":[1],"headers":[]}\n',
    b'{"partition":1,"offset":3,"timestamp":7,"timestamp_type":"LogAppendTime","key":"k",'
    b'"value":null,"headers":[["h","v"]]}\n',
    b'{"partition":2,"offset":4,"timestamp":8,"value":null,"value_base64":"AAE=",'
    b'"decode_error":"not JSON"}\n',
]
KCAT = [
    b'{"topic":"t","partition":0,"offset":0,"tstype":"create","ts":5,"key":"k",'
    b'"payload":"{\\"a\\":1}"}\n',
    b'{"topic":"t","partition":0,"offset":1,"tstype":"create","ts":6,"key":null,'
    b'"payload":"x\xc3("}\n',
]

BAD_LINES = [
    b"not json\n",
    b'{"a": 1} {"b": 2}\n',
    b'{"a": "\xff"}\n',
    b"[1, 2]\n",
    b'{"a": NaN}\n',
    b'{"a": 123456789012345678901234567890}\n',
    b'{"a": "\\ud800"}\n',
    b'{"a": 1e999}\n',
    b"\xef\xbb\xbf{}\n",
    b'"\x01"\n',
    b"[" * 980 + b"]" * 980 + b"\n",
    b"\x0c\n",
    b"{\n",  # json's error column counts the line end: the file path must keep it
    b'{"a": \r\n',
    b"\n",
    b"  \r\n",
    b'{"partition":"x","offset":1,"timestamp":5,"value":1}\n',
    b'{"partition":0,"offset":1,"timestamp":5,"value":1,"extra":2}\n',
    b'{"partition":0,"offset":1,"timestamp":true,"value":1}\n',
    b'{"partition":0,"offset":1,"timestamp":5,"timestamp_type":"Nope","key":null,"value":1,'
    b'"headers":[]}\n',
    b'{"partition":0,"offset":1,"timestamp":5,"timestamp_type":null,"key":3,"value":1,'
    b'"headers":[]}\n',
]


@pytest.mark.parametrize("lines", [PLAIN, ENVELOPES, KCAT], ids=["plain", "sample", "kcat"])
def test_valid_files_read_the_same(lines: list[bytes], tmp_path: Path) -> None:
    expected = careful(lines)
    assert expected[1] is None and len(expected[0]) == len(lines)
    assert outcome(parse_lines(lines, "f")) == expected
    text = [line.decode("utf-8", "surrogateescape") for line in lines]
    assert outcome(parse_lines(text, "f")) == careful(text)
    for chunk in (1, 7, 64, 1 << 18):
        assert via_file(tmp_path, b"".join(lines), chunk) == expected


@pytest.mark.parametrize("base", [PLAIN, ENVELOPES, KCAT], ids=["plain", "sample", "kcat"])
@pytest.mark.parametrize("bad", BAD_LINES)
@pytest.mark.parametrize("at", [0, 1, 2])
def test_bad_lines_fail_the_same_way_at_the_same_place(
    base: list[bytes], bad: bytes, at: int, tmp_path: Path
) -> None:
    lines = [*base[:at], bad, *base, *base]
    expected = careful(lines)
    assert outcome(parse_lines(lines, "f")) == expected
    for chunk in (5, 1 << 18):
        assert via_file(tmp_path, b"".join(lines), chunk) == expected


# What each bad line is reported as, written out (an independent reference for the careful path,
# which the fast path is compared with above): the bad line is line 2 of a sample file.
SAMPLE_LINE_2_ERRORS = {
    0: "not valid JSON (Expecting value at column 1): 'not json'",
    1: 'not valid JSON (Extra data at column 10): \'{"a": 1} {"b": 2}\'',
    2: 'not UTF-8 (byte 0xff at column 8): \'{"a": "\ufffd"}\'',
    3: "expected a sample envelope object, got an array: [1, 2]",
    4: 'not a sample envelope (missing offset, partition, timestamp, value): {"a": NaN}',
    7: 'not a sample envelope (missing offset, partition, timestamp, value): {"a": Infinity}',
    8: "not valid JSON (Unexpected UTF-8 BOM (decode using utf-8-sig) at column 1): '\\ufeff{}'",
    9: "not valid JSON (Invalid control character at column 2): '\"\\x01\"'",
    12: "not valid JSON (Expecting property name enclosed in double quotes at the end of the "
    "line): '{'",
    13: "not valid JSON (Expecting value at the end of the line): '{\"a\":'",
    16: 'partition must be an integer, got "x"',
    18: "timestamp must be an integer, got true",
    19: "timestamp_type must be CreateTime, LogAppendTime or null, got 'Nope'",
    20: "key must be a string or null, got 3",
}


@pytest.mark.parametrize(("index", "message"), sorted(SAMPLE_LINE_2_ERRORS.items()))
def test_the_bad_line_is_named_with_its_reason(index: int, message: str, tmp_path: Path) -> None:
    lines = [ENVELOPES[0], BAD_LINES[index], *ENVELOPES]
    first = outcome(parse_lines(ENVELOPES[:1], "f"))[0]
    assert careful(lines) == (first, f"f:2: {message}")
    assert outcome(parse_lines(lines, "f")) == (first, f"f:2: {message}")
    assert via_file(tmp_path, b"".join(lines), 1 << 18) == (first, f"f:2: {message}")


def test_a_bad_line_far_into_a_big_file(tmp_path: Path) -> None:
    lines = [b'{"ts": %d, "k": "a"}\n' % i for i in range(5000)]
    lines[4321] = b'{"ts": 1,, "k": "a"}\n'
    expected = careful(lines)
    assert expected[1] is not None and expected[1].startswith("f:4322: not valid JSON")
    assert len(expected[0]) == 4321
    assert outcome(parse_lines(lines, "f")) == expected
    assert via_file(tmp_path, b"".join(lines), 4096) == expected


def test_last_line_without_newline_blank_tail_and_bom(tmp_path: Path) -> None:
    data = b'\xef\xbb\xbf{"a": 1}\r\n\n{"a": 2}\n   \n{"a": 3}'
    expected = careful(file_lines(data))
    assert [r.split("source=")[1] for r in expected[0]] == ["'f:1')", "'f:3')", "'f:5')"]
    for chunk in (1, 3, 1 << 18):
        assert via_file(tmp_path, data, chunk) == expected


def test_read_events_stays_lazy_and_streams(tmp_path: Path) -> None:
    path = tmp_path / "ev.jsonl"
    path.write_bytes(b'{"a": 1}\n' * 10 + b"oops\n")
    records = read_events(path, "ev")
    assert next(records).source == "ev:1"
    assert sum(1 for _ in zip(range(9), records, strict=False)) == 9
    with pytest.raises(InputError, match=r"^ev:11: not valid JSON"):
        next(records)
    with pytest.raises(InputError, match=r"missing.jsonl: no such file"):
        next(read_events(tmp_path / "missing.jsonl"))


# -- property: any mix of lines reads the same both ways --------------------------------------

_json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=6),
)
_json = st.recursive(
    _json_leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)
_plain = st.dictionaries(st.sampled_from(["ts", "k", "v", "a"]), _json, max_size=4)


def _envelope(value: Any, draw_extra: dict[str, Any]) -> dict[str, Any]:
    return {"partition": 0, "offset": 1, "timestamp": 5, "value": value, **draw_extra}


_envelopes = st.builds(
    _envelope,
    _json,
    st.dictionaries(
        st.sampled_from(["timestamp_type", "key", "headers", "partition", "extra"]),
        st.one_of(st.none(), st.just("CreateTime"), st.just([]), st.integers(0, 3)),
        max_size=3,
    ),
)


def _encode(value: Any, compact: bool) -> bytes:
    sep = (",", ":") if compact else (", ", ": ")
    return json.dumps(value, separators=sep, ensure_ascii=False).encode("utf-8", "surrogatepass")


_odd = st.sampled_from(BAD_LINES) | st.binary(max_size=12).map(
    lambda b: b.replace(b"\n", b"") + b"\n"
)


@st.composite
def _files(draw: st.DrawFn) -> list[bytes]:
    kind = draw(st.sampled_from(["plain", "sample", "kcat"]))
    good = {"plain": _plain, "sample": _envelopes, "kcat": st.sampled_from(KCAT)}[kind]
    lines: list[bytes] = []
    for _ in range(draw(st.integers(0, 12))):
        if draw(st.integers(0, 5)) == 0:
            lines.append(draw(_odd))
        else:
            item = draw(good)
            line = item if isinstance(item, bytes) else _encode(item, draw(st.booleans()))
            lines.append(line.rstrip(b"\n") + draw(st.sampled_from([b"\n", b"\r\n", b" \n"])))
    return lines


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(lines=_files(), chunk=st.sampled_from([1, 9, 40, 1 << 18]))
def test_fast_path_equals_careful_path(lines: list[bytes], chunk: int, tmp_path: Path) -> None:
    expected = careful(lines)
    assert outcome(parse_lines(lines, "f")) == expected
    assert via_file(tmp_path, b"".join(lines), chunk) == expected


@settings(max_examples=100, deadline=None)
@given(lines=_files())
def test_fast_path_equals_careful_path_on_text_lines(lines: list[bytes]) -> None:
    text = [line.decode("utf-8", "surrogateescape") for line in lines]
    assert outcome(parse_lines(text, "f")) == careful(text)


def test_batches_of_many_lines_retry_in_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader_module, "_BATCH_LINES", 300)
    lines = [b'{"a": %d}\n' % i for i in range(1000)]
    lines[10] = b"\n"
    lines[700] = b'{"a": NaN}\n'
    assert outcome(parse_lines(lines, "f")) == careful(lines)


# -- the engine's hot loop: a missing field leaves it for the careful loop -------------------

_SCRIPT = """
CREATE TABLE events (
  ts_ms BIGINT, k STRING, v INT,
  ts AS TO_TIMESTAMP_LTZ(ts_ms, 3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'kafka', 'topic' = 't', 'format' = 'json');
SELECT window_start, window_end, k, COUNT(*) AS c, SUM(v) AS s
FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY window_start, window_end, k;
"""


def _events(missing: bool) -> Iterator[Record]:
    for i in range(3000):
        value: dict[str, Any] = {"ts_ms": 1_733_011_200_000 + i * 997, "k": f"k{i % 7}"}
        if i % 3:
            value["v"] = i
        elif not missing:
            value["v"] = None
        if i % 11 == 0 and missing:
            del value["k"]
        elif i % 11 == 0:
            value["k"] = None
        yield Record(value=value, partition=i % 4, offset=i, source=f"e:{i + 1}")


@pytest.mark.parametrize("connector", ["kafka", "filesystem"])
def test_row_readers_read_missing_fields_as_null(connector: str) -> None:
    script = _SCRIPT
    if connector == "filesystem":
        script = script.replace(
            "'connector' = 'kafka', 'topic' = 't'", "'connector' = 'filesystem'"
        )
        script = script.replace("'format' = 'json'", "'path' = '/e.jsonl', 'format' = 'json'")

    def run(missing: bool) -> list[Any]:
        overrides = {"partitions": 4, "arrival": "backlog", "backlog_rate": 1000}
        if connector == "filesystem":
            overrides = {}
        plan = build_plan(parse_script(script, "t.sql"), Overrides(**overrides))  # type: ignore[arg-type]
        result = simulate(plan, _events(missing))
        assert result.failure is None
        return [repr(row) for row in result.rows]

    assert run(True) == run(False) and run(True)
