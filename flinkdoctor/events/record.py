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
