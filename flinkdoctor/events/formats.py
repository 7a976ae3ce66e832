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
from collections.abc import Callable
from typing import Any

from flinkdoctor.errors import InputError, Location
from flinkdoctor.events.record import Record

SAMPLE_KEYS = frozenset(
    {"partition", "offset", "timestamp", "timestamp_type", "key", "value", "headers"}
)
_SAMPLE_OPTIONAL = frozenset({"value_base64", "decode_error"})
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


def shorten(text: str, limit: int = _SHOWN) -> str:
    """``text`` cut to ``limit`` characters, for quoting bad input in a one-line message."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def decode_line(line: str, location: Location) -> Any:
    """The JSON value of one line, or an ``InputError`` at ``location`` quoting the line."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as error:
        raise InputError(
            f"not valid JSON ({error.msg} at column {error.colno}): {shorten(line.strip())!r}",
            location,
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
        reason = f"not JSON ({error.msg} at char {error.pos})"
    except _NotJson as error:
        reason = f"not JSON ({error})"
    except RecursionError:
        reason = "JSON nested too deeply"
    return None, None, base64.b64encode(payload).decode("ascii"), reason


class _NotJson(ValueError):
    """A token Python's json module accepts but JSON (and Flink) do not."""


def _reject_constant(name: str) -> Any:
    raise _NotJson(f"{name} is not a JSON value")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)
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
    return Record(
        value=obj["value"],
        partition=_int_or_none(obj, "partition", location),
        offset=_int_or_none(obj, "offset", location),
        timestamp=_int_or_none(obj, "timestamp", location),
        timestamp_type=timestamp_type,
        key=_str_or_none(obj.get("key"), "key", location),
        headers=_sample_headers(obj.get("headers"), location),
        raw_base64=raw,
        decode_error=_str_or_none(decode_error, "decode_error", location),
        source=str(location),
    )


def _from_kcat(obj: dict[str, Any], location: Location) -> Record:
    payload = obj.get("payload")
    raw: str | None = None
    error: str | None = obj.get("payload_error")
    if isinstance(payload, str):
        try:
            value = json.loads(payload)
        except (json.JSONDecodeError, RecursionError) as decode_failure:
            value = None
            raw = base64.b64encode(payload.encode("utf-8", "surrogatepass")).decode("ascii")
            error = error or f"payload is not JSON ({_reason(decode_failure)})"
    else:
        value = payload  # null (tombstone) or already decoded by kcat's deserialiser
    tstype = obj.get("tstype")
    timestamp = _int_or_none(obj, "ts", location)
    key = obj.get("key")
    return Record(
        value=value,
        partition=_int_or_none(obj, "partition", location),
        offset=_int_or_none(obj, "offset", location),
        timestamp=timestamp if timestamp is not None and timestamp >= 0 else None,
        timestamp_type=_KCAT_TSTYPES.get(tstype) if isinstance(tstype, str) else None,
        key=key if key is None or isinstance(key, str) else json.dumps(key, ensure_ascii=False),
        headers=_kcat_headers(obj.get("headers"), location),
        raw_base64=raw,
        decode_error=error if isinstance(error, str) or error is None else str(error),
        source=str(location),
    )


def _reason(error: Exception) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"{error.msg} at char {error.pos}"
    return "nested too deeply"


def _int_or_none(obj: dict[str, Any], name: str, location: Location) -> int | None:
    value = obj.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{name} must be an integer, got {_quote(value)}", location)
    return value


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
    if isinstance(value, dict):
        return tuple((str(name), None if v is None else str(v)) for name, v in value.items())
    if isinstance(value, list) and len(value) % 2 == 0:  # older kcat: flat [name, value, ...]
        return tuple(
            (str(value[i]), None if value[i + 1] is None else str(value[i + 1]))
            for i in range(0, len(value), 2)
        )
    raise InputError(f"kcat headers must be an object, got {_quote(value)}", location)


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
