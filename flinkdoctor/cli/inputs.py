"""Reading the user's artefacts for the commands: scripts and events files (the I/O edge)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flinkdoctor.events import Record
    from flinkdoctor.sql.model import Script

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from flinkdoctor.cli import guard
from flinkdoctor.events.redact import secret_literals
from flinkdoctor.files import read_text

__all__ = ["FieldValues", "field_values", "load_script_file", "read_event_values", "read_text"]


def load_script_file(path: Path) -> Script:
    """A Flink SQL script, or the SQL inside a PyFlink ``.py`` job."""
    text = read_text(path)  # a missing file fails before the SQL parser is imported
    guard.remember_secrets(secret_literals(text))  # masked in any message, parse errors too
    from flinkdoctor.sql import load_script

    return load_script(text, str(path))


@dataclass(frozen=True, slots=True)
class FieldValues:
    """One field of every event, and what is known about the events that lack it."""

    values: list[str | None]
    missing: int
    seen: frozenset[str]
    """Names present where the field was looked for (to suggest the right one)."""


def read_event_values(path: Path, field: str) -> FieldValues:
    """The ``field`` of every event in ``path`` (see ``field_values``)."""
    from flinkdoctor.events import read_events

    return field_values(read_events(str(path)), field)


def field_values(records: Iterable[Record], field: str) -> FieldValues:
    """The ``field`` of every record as flink-json would hand it to a STRING column: text as is,
    other JSON values as their compact JSON text, missing or null as None."""
    from flinkdoctor.events import MISSING, field_path

    parent = field.rsplit(".", 1)[0] if "." in field else None
    values: list[str | None] = []
    missing = 0
    seen: set[str] = set()
    for record in records:
        value = MISSING if record.value is None else field_path(record.value, field)
        if value is MISSING:
            missing += 1
            holder = record.value if parent is None else field_path(record.value, parent)
            if isinstance(holder, dict):
                seen.update(str(key) for key in holder)
        values.append(_as_text(value))
    return FieldValues(values, missing, frozenset(seen))


def _as_text(value: object) -> str | None:
    from flinkdoctor.events import MISSING

    if value is MISSING or value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
