"""Reading the user's artefacts for the commands: scripts and events files (the I/O edge)."""

from __future__ import annotations

import json
from pathlib import Path

from flinkdoctor.errors import InputError
from flinkdoctor.events import MISSING, Record, field_path, read_events
from flinkdoctor.sql import load_script
from flinkdoctor.sql.model import Script


def read_text(path: Path) -> str:
    """A UTF-8 text file, or one clear InputError naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a file") from None
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror}") from None


def load_script_file(path: Path) -> Script:
    """A Flink SQL script, or the SQL inside a PyFlink ``.py`` job."""
    return load_script(read_text(path), str(path))


def read_event_values(path: Path, field: str) -> list[str | None]:
    """The ``field`` of every event in ``path`` as flink-json would hand it to a STRING column:
    text as is, other JSON values as their compact JSON text, missing or null as None."""
    return [event_field_text(record, field) for record in read_events(str(path))]


def event_field_text(record: Record, field: str) -> str | None:
    """One event's ``field`` as flink-json hands it to a STRING column (see read_event_values)."""
    value = MISSING if record.value is None else field_path(record.value, field)
    if value is MISSING or value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
