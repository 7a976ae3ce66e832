"""The Record: one Kafka message (or one line of an events file) as every command sees it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Record:
    """One event. ``value`` is the decoded JSON payload (usually a dict), or None when the payload
    was not JSON; then ``raw_base64`` keeps the bytes and ``decode_error`` says why.

    ``partition`` / ``offset`` / ``timestamp`` are Kafka's (timestamp in epoch milliseconds) and are
    None for plain JSONL lines; ``source`` says where the record came from (``file:line`` or
    ``topic/partition@offset``) for messages that point at bad data.
    """

    value: Any
    partition: int | None = None
    offset: int | None = None
    timestamp: int | None = None
    timestamp_type: str | None = None
    key: str | None = None
    headers: tuple[tuple[str, str | None], ...] = field(default=())
    raw_base64: str | None = None
    decode_error: str | None = None
    source: str = ""


class _Layout:
    """A plain twin of ``Record``: the same slots in the same order, no frozen ``__setattr__``.
    ``new_record`` fills one and turns it into a ``Record`` (``__class__`` assignment is allowed
    between classes of identical layout), several times cheaper than the dataclass ``__init__``
    (which goes through ``object.__setattr__`` once per field) on the readers' hot path."""

    __slots__ = (  # noqa: RUF023 - Record's field order, which the layout must match
        "value",
        "partition",
        "offset",
        "timestamp",
        "timestamp_type",
        "key",
        "headers",
        "raw_base64",
        "decode_error",
        "source",
    )
    value: Any
    partition: int | None
    offset: int | None
    timestamp: int | None
    timestamp_type: str | None
    key: str | None
    headers: tuple[tuple[str, str | None], ...]
    raw_base64: str | None
    decode_error: str | None
    source: str


if _Layout.__slots__ != Record.__slots__:  # pragma: no cover - guards a change to Record's fields
    raise AssertionError("record._Layout must list Record's fields, in order")


def new_record(
    value: Any,
    partition: int | None,
    offset: int | None,
    timestamp: int | None,
    timestamp_type: str | None,
    key: str | None,
    headers: tuple[tuple[str, str | None], ...],
    raw_base64: str | None,
    decode_error: str | None,
    source: str,
    _layout: type[_Layout] = _Layout,
    _record: type[Record] = Record,
) -> Record:
    """``Record(value, partition, ...)``, every field given positionally, built the fast way: the
    result is an ordinary ``Record`` (same type, equality, hash, immutability)."""
    rec = _layout()
    rec.value = value
    rec.partition = partition
    rec.offset = offset
    rec.timestamp = timestamp
    rec.timestamp_type = timestamp_type
    rec.key = key
    rec.headers = headers
    rec.raw_base64 = raw_base64
    rec.decode_error = decode_error
    rec.source = source
    rec.__class__ = _record  # type: ignore[assignment]
    return rec  # type: ignore[return-value]
