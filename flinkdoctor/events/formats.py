"""Line formats of events files, as pure functions: text in, ``Record`` out (and back).

Three formats, one per file, detected from the first non-blank line (``detect_format``):

- ``sample``: the envelope ``flinkdoctor sample`` writes, one object per line with exactly the keys
  ``partition, offset, timestamp, timestamp_type, key, value, headers`` (plus ``value_base64`` and
  ``decode_error`` when the payload was not JSON). Recognised when the first line is an object that
  has ``partition``, ``offset``, ``timestamp`` and ``value`` and no key outside that set.
- ``kcat``: ``kcat -C -J`` output. Recognised when the first line is an object with ``partition``,
  ``offset`` and ``payload`` plus ``topic`` or ``tstype``. ``payload`` is the message as a JSON
  *string* (decoded here) or, with kcat's Avro deserialiser, already a JSON value.
- ``plain``: anything else; every line is the event value itself and must be a JSON object.

Detection looks at the first line only, so a plain event that happens to carry exactly the envelope
keys would be read as an envelope; every later line must then be in the same format, or the file is
rejected at that line rather than silently mixing meanings.
"""

from __future__ import annotations

import base64
import binascii
import enum
import json
from collections.abc import Callable, Iterable
from typing import Any

from flinkdoctor.errors import InputError, Location
from flinkdoctor.events.record import Record, _Layout, new_record

SAMPLE_KEYS = frozenset(
    {"partition", "offset", "timestamp", "timestamp_type", "key", "value", "headers"}
)
_SAMPLE_OPTIONAL = frozenset({"value_base64", "decode_error"})
MAX_PARTITION_ID = 2**31 - 1
"""Kafka partition ids are a Java int, from 0."""
_SAMPLE_REQUIRED = frozenset({"partition", "offset", "timestamp", "value"})
_KCAT_TSTYPES = {"create": "CreateTime", "logappend": "LogAppendTime"}
TIMESTAMP_TYPES = ("CreateTime", "LogAppendTime")
_SHOWN = 80  # characters of an offending value quoted in an error message


class EventFormat(enum.Enum):
    """Which of the three line formats a file uses."""

    PLAIN = "plain"
    SAMPLE = "sample"
    KCAT = "kcat"


def detect_format(first: Any) -> EventFormat:
    """The format of a file whose first non-blank line decodes to ``first``."""
    if not isinstance(first, dict):
        return EventFormat.PLAIN
    keys = first.keys()
    if {"partition", "offset", "payload"} <= keys and ("topic" in keys or "tstype" in keys):
        return EventFormat.KCAT
    if keys >= _SAMPLE_REQUIRED and keys <= SAMPLE_KEYS | _SAMPLE_OPTIONAL:
        return EventFormat.SAMPLE
    return EventFormat.PLAIN


def _json_reason(error: json.JSONDecodeError) -> str:
    """json's message without its own trailing "at" ("Invalid control character at"): we say
    where ourselves."""
    return error.msg.removesuffix(" at")


def shorten(text: str, limit: int = _SHOWN) -> str:
    """``text`` cut to ``limit`` characters, for quoting bad input in a one-line message."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def decode_line(line: str, location: Location) -> Any:
    """The JSON value of one line, or an ``InputError`` at ``location`` quoting the line."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as error:
        # error.pos counts in this line; past its content means the object was cut short
        where = (
            "at the end of the line"
            if error.pos >= len(line.rstrip("\r\n"))
            else (f"at column {error.pos + 1}")
        )
        raise InputError(
            f"not valid JSON ({_json_reason(error)} {where}): {shorten(line.strip())!r}", location
        ) from None
    except RecursionError:
        raise InputError(f"JSON nested too deeply: {shorten(line.strip())!r}", location) from None


def record_from_json(obj: Any, fmt: EventFormat, location: Location) -> Record:
    """The Record for one decoded line of a file in format ``fmt``."""
    source = str(location)
    if fmt is EventFormat.PLAIN:
        if not isinstance(obj, dict):
            raise InputError(
                f"expected a JSON object per line, got {_json_kind(obj)}: {_quote(obj)}", location
            )
        return Record(value=obj, source=source)
    if not isinstance(obj, dict):
        raise InputError(
            f"expected a {fmt.value} envelope object, got {_json_kind(obj)}: {_quote(obj)}",
            location,
        )
    if fmt is EventFormat.SAMPLE:
        return _from_sample(obj, location)
    return _from_kcat(obj, location)


def records_from_values(
    values: list[Any], numbers: Iterable[int], fmt: EventFormat, file_name: str
) -> tuple[list[Record], InputError | None]:
    """``[record_from_json(v, fmt, Location(file_name, n)) for n, v in zip(numbers, values)]``,
    the readers' batch fast path: the common shapes (a plain object; a sample envelope with
    integer/null coordinates, no headers and a JSON payload) are built inline, anything else goes
    through ``record_from_json``. A bad value stops the batch: the records before it come back
    with the error, for the caller to yield and then raise (the same stream as line by line).
    """
    out: list[Any] = []
    append = out.append
    prefix = f"{file_name}:"
    layout, record = _Layout, Record  # new_record, inlined: this loop is the readers' hot path
    try:
        if fmt is EventFormat.PLAIN:
            for n, obj in zip(numbers, values, strict=True):
                if type(obj) is dict:
                    r = layout()
                    r.value = obj
                    r.partition = r.offset = r.timestamp = None
                    r.timestamp_type = r.key = r.raw_base64 = r.decode_error = None
                    r.headers = ()
                    r.source = f"{prefix}{n}"
                    r.__class__ = record  # type: ignore[assignment]
                    append(r)
                else:
                    append(record_from_json(obj, fmt, Location(file_name, n)))
        elif fmt is EventFormat.SAMPLE:
            for n, obj in zip(numbers, values, strict=True):
                if type(obj) is dict:
                    try:  # exactly the 4 required keys, or the 7 that sample writes
                        size = len(obj)
                        if size == 4:
                            kind = key = headers = None
                        elif size == 7:
                            kind, key = obj["timestamp_type"], obj["key"]
                            headers = obj["headers"]
                        else:
                            raise KeyError
                        p, o, ts = obj["partition"], obj["offset"], obj["timestamp"]
                        value = obj["value"]
                    except KeyError:
                        pass
                    else:
                        if (
                            (p is None or (type(p) is int and 0 <= p <= MAX_PARTITION_ID))
                            and (o is None or type(o) is int)
                            and (ts is None or type(ts) is int)
                            and (kind is None or kind == "CreateTime" or kind == "LogAppendTime")
                            and (key is None or type(key) is str)
                            and (headers is None or headers == [])
                        ):
                            r = layout()
                            r.value = value
                            r.partition = p
                            r.offset = o
                            r.timestamp = ts
                            r.timestamp_type = kind
                            r.key = key
                            r.headers = ()
                            r.raw_base64 = r.decode_error = None
                            r.source = f"{prefix}{n}"
                            r.__class__ = record  # type: ignore[assignment]
                            append(r)
                            continue
                append(record_from_json(obj, fmt, Location(file_name, n)))
        else:
            for n, obj in zip(numbers, values, strict=True):
                append(record_from_json(obj, fmt, Location(file_name, n)))
    except InputError as error:
        return out, error
    return out, None


def record_to_envelope(record: Record) -> dict[str, Any]:
    """The ``sample`` envelope of a record; ``record_from_json`` reads it back unchanged."""
    envelope: dict[str, Any] = {
        "partition": record.partition,
        "offset": record.offset,
        "timestamp": record.timestamp,
        "timestamp_type": record.timestamp_type,
        "key": record.key,
        "value": record.value,
        "headers": [[name, value] for name, value in record.headers],
    }
    if record.raw_base64 is not None:
        envelope["value_base64"] = record.raw_base64
    if record.decode_error is not None:
        envelope["decode_error"] = record.decode_error
    return envelope


_encode = json.JSONEncoder(separators=(",", ":")).encode  # ASCII-safe even for lone surrogates


def envelope_line(record: Record) -> str:
    """One line of a ``sample`` file (compact JSON and a newline)."""
    return _encode(record_to_envelope(record)) + "\n"


def decode_payload(payload: bytes | None) -> tuple[Any, str | None, str | None]:
    """``(value, raw_base64, decode_error)`` of a Kafka payload: JSON when it is UTF-8 JSON, else
    the bytes kept as base64 with the reason, so a bad message is counted and shown, never fatal.
    """
    value, _, raw, error = decode_payload_text(payload)
    return value, raw, error


def decode_payload_text(payload: bytes | None) -> tuple[Any, str | None, str | None, str | None]:
    """``decode_payload`` plus the payload's JSON text (None unless it decoded), which
    ``envelope_line_from_text`` can write as received instead of encoding the value again.

    NaN and Infinity are not JSON: Python's parser takes them, flink-json (Jackson) rejects them.
    """
    if payload is None:
        return None, None, None, None
    try:
        text = payload.decode("utf-8")
        try:  # fast path: the C scanner alone, when the text is one value and nothing else
            value, end = _scan(text, 0)
            if end == len(text):
                return value, text, None, None
        except StopIteration:
            pass
        return _decode(text), text, None, None  # the full parser: whitespace, or the error
    except UnicodeDecodeError as error:
        reason = f"not UTF-8 (byte 0x{payload[error.start]:02x} at {error.start})"
    except json.JSONDecodeError as error:
        reason = f"not JSON ({_json_reason(error)} at char {error.pos})"
    except _NotJson as error:
        reason = f"not JSON ({error})"
    except RecursionError:
        reason = "JSON nested too deeply"
    return None, None, base64.b64encode(payload).decode("ascii"), reason


class _NotJson(ValueError):
    """A token Python's json module accepts but JSON (and Flink) do not."""


def _reject_constant(name: str) -> Any:
    raise _NotJson(f"{name} is not a JSON value")


def _finite_float(text: str) -> float:
    number = float(text)
    if number in (_INF, -_INF):  # 1e400: valid JSON text, but we could not write it back as JSON
        raise _NotJson(f"number {text} is out of range for a double")
    return number


_INF = float("inf")
_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_float)
_decode = _DECODER.decode
_scan: Callable[[str, int], tuple[Any, int]] = _DECODER.scan_once  # type: ignore[attr-defined]


def envelope_line_from_text(record: Record, value_text: str) -> str:
    """``envelope_line(record)`` with the value written as ``value_text``, its JSON text as
    received (falls back to encoding when that text spans lines). Same meaning, less work: the
    sampler's hot path.
    """
    if "\n" in value_text or "\r" in value_text:
        return envelope_line(record)
    partition, offset, ts = record.partition, record.offset, record.timestamp
    kind, key, headers = record.timestamp_type, record.key, record.headers
    return (
        f'{{"partition":{"null" if partition is None else partition},'
        f'"offset":{"null" if offset is None else offset},'
        f'"timestamp":{"null" if ts is None else ts},'
        f'"timestamp_type":{"null" if kind is None else _encode(kind)},'
        f'"key":{"null" if key is None else _encode(key)},"value":{value_text},'
        f'"headers":{_encode([list(h) for h in headers]) if headers else "[]"}}}\n'
    )


def decode_text(data: bytes | None) -> str | None:
    """A key or header value as text: UTF-8 when it is, else ``base64:`` + the bytes in base64."""
    if data is None:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return "base64:" + base64.b64encode(data).decode("ascii")


def _from_sample(obj: dict[str, Any], location: Location) -> Record:
    missing = _SAMPLE_REQUIRED - obj.keys()
    extra = obj.keys() - SAMPLE_KEYS - _SAMPLE_OPTIONAL
    if missing or extra:
        problem = (
            f"missing {', '.join(sorted(missing))}"
            if missing
            else f"unexpected {', '.join(sorted(extra))}"
        )
        raise InputError(f"not a sample envelope ({problem}): {_quote(obj)}", location)
    timestamp_type = obj.get("timestamp_type")
    if timestamp_type is not None and timestamp_type not in TIMESTAMP_TYPES:
        raise InputError(
            f"timestamp_type must be CreateTime, LogAppendTime or null, got {timestamp_type!r}",
            location,
        )
    raw = obj.get("value_base64")
    if raw is not None:
        _check_base64(raw, location)
    decode_error = obj.get("decode_error")
    return new_record(
        obj["value"],
        _partition_or_none(obj, location),
        _int_or_none(obj, "offset", location),
        _int_or_none(obj, "timestamp", location),
        timestamp_type,
        _str_or_none(obj.get("key"), "key", location),
        _sample_headers(obj.get("headers"), location),
        raw,
        _str_or_none(decode_error, "decode_error", location),
        str(location),
    )


def _from_kcat(obj: dict[str, Any], location: Location) -> Record:
    payload = obj.get("payload")
    raw: str | None = None
    error = obj.get("payload_error")
    if isinstance(payload, str):  # the message bytes as text: decode them as the sampler does
        value, raw, decode_error = decode_payload(_kcat_bytes(payload))
        error = error or decode_error
    else:
        value = payload  # null (tombstone) or already decoded by kcat's deserialiser
    tstype = obj.get("tstype")
    timestamp = _int_or_none(obj, "ts", location)
    key = obj.get("key")
    return Record(
        value=value,
        partition=_partition_or_none(obj, location),
        offset=_int_or_none(obj, "offset", location),
        timestamp=timestamp if timestamp is not None and timestamp >= 0 else None,
        timestamp_type=_KCAT_TSTYPES.get(tstype) if isinstance(tstype, str) else None,
        key=_kcat_text(key) if isinstance(key, str) or key is None else _encode(key),
        headers=_kcat_headers(obj.get("headers"), location),
        raw_base64=raw,
        decode_error=error if isinstance(error, str) or error is None else str(error),
        source=str(location),
    )


def _kcat_bytes(text: str) -> bytes:
    """The message bytes behind a kcat JSON string (raw non-UTF-8 bytes arrive as surrogate
    escapes, see ``reader._text``)."""
    return text.encode("utf-8", "surrogateescape")


def _kcat_text(text: str | None) -> str | None:
    """A kcat key or header value as ``decode_text`` shows Kafka bytes."""
    return None if text is None else decode_text(_kcat_bytes(text))


def _int_or_none(obj: dict[str, Any], name: str, location: Location) -> int | None:
    value = obj.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{name} must be an integer, got {_quote(value)}", location)
    return value


def _partition_or_none(obj: dict[str, Any], location: Location) -> int | None:
    partition = _int_or_none(obj, "partition", location)
    if partition is not None and not 0 <= partition <= MAX_PARTITION_ID:
        raise InputError(partition_id_problem(partition), location)
    return partition


def partition_id_problem(partition: int) -> str:
    """Why ``partition`` cannot be a Kafka partition id (Kafka's ids are a Java int >= 0)."""
    return f"partition {partition} is not a Kafka partition id (0 to {MAX_PARTITION_ID})"


def _str_or_none(value: Any, name: str, location: Location) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise InputError(f"{name} must be a string or null, got {_quote(value)}", location)


def _sample_headers(value: Any, location: Location) -> tuple[tuple[str, str | None], ...]:
    if value is None:
        return ()
    pairs: list[tuple[str, str | None]] = []
    if isinstance(value, list):
        for pair in value:
            if (
                not isinstance(pair, list)
                or len(pair) != 2
                or not isinstance(pair[0], str)
                or not (pair[1] is None or isinstance(pair[1], str))
            ):
                raise InputError(
                    f"headers must be [name, value] string pairs, got {_quote(pair)}", location
                )
            pairs.append((pair[0], pair[1]))
        return tuple(pairs)
    raise InputError(
        f"headers must be a list of [name, value] pairs, got {_quote(value)}", location
    )


def _kcat_headers(value: Any, location: Location) -> tuple[tuple[str, str | None], ...]:
    if value is None:
        return ()
    if isinstance(value, dict):  # as kcat's usage text documents it
        pairs = list(value.items())
    elif isinstance(value, list) and len(value) % 2 == 0:  # what kcat 1.7 writes: [n, v, n, v]
        pairs = list(zip(value[::2], value[1::2], strict=True))
    else:
        pairs = None
    if pairs is not None and all(
        isinstance(n, str) and (v is None or isinstance(v, str)) for n, v in pairs
    ):
        return tuple((name, _kcat_text(v)) for name, v in pairs)
    raise InputError(f"kcat headers must be name/value strings, got {_quote(value)}", location)


def _check_base64(raw: Any, location: Location) -> None:
    if not isinstance(raw, str):
        raise InputError(f"value_base64 must be a string, got {_quote(raw)}", location)
    try:
        base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise InputError(f"value_base64 is not base64: {shorten(raw)!r}", location) from None


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _quote(value: Any) -> str:
    return shorten(json.dumps(value, ensure_ascii=False))
