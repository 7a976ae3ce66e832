"""Reading events files: ``parse_lines`` is pure (lines in, Records out); ``read_events`` is the
edge that opens a path (or ``-`` for stdin) and streams it through ``parse_lines``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from flinkdoctor.errors import InputError, Location
from flinkdoctor.events.formats import (
    EventFormat,
    decode_line,
    detect_format,
    record_from_json,
    shorten,
)
from flinkdoctor.events.record import Record


def parse_lines(lines: Iterable[str | bytes], file_name: str = "<input>") -> Iterator[Record]:
    """Records of a JSONL stream, lazily; the format is fixed by the first non-blank line (see
    ``flinkdoctor.events.formats``). Blank lines are skipped; any other bad line raises
    ``InputError`` located at ``file_name:line``.
    """
    fmt: EventFormat | None = None
    for number, raw in enumerate(lines, start=1):
        location = Location(file_name, number)
        line = _text(raw, location)
        if not line.strip():
            continue
        obj = decode_line(line, location)
        if fmt is None:
            fmt = detect_format(obj)
        yield record_from_json(obj, fmt, location)


def read_events(
    path_or_lines: str | os.PathLike[str] | Iterable[str | bytes], file_name: str | None = None
) -> Iterator[Record]:
    """Records of an events file (a path, ``-`` for stdin) or of lines already at hand, streamed:
    the file is never loaded whole. ``file_name`` names the input in messages (default: the path).
    """
    if isinstance(path_or_lines, (str, os.PathLike)):
        path = os.fspath(path_or_lines)
        name = file_name or ("<stdin>" if path == "-" else path)
        if path == "-":
            yield from parse_lines(sys.stdin.buffer, name)
            return
        with _open(path, name) as handle:
            yield from parse_lines(handle, name)
        return
    yield from parse_lines(path_or_lines, file_name or "<input>")


def _open(path: str, name: str) -> BinaryIO:
    try:
        return open(path, "rb")  # closed by the caller's with-block
    except OSError as error:
        raise InputError(f"cannot read events file: {error.strerror}", Location(name)) from None


def _text(raw: str | bytes, location: Location) -> str:
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            shown = shorten(raw.decode("utf-8", "replace").strip())
            raise InputError(
                f"not UTF-8 (byte 0x{raw[error.start]:02x} at column {error.start + 1}): {shown!r}",
                location,
            ) from None
    else:
        text = raw
    return text.removeprefix("\ufeff") if location.line == 1 else text  # a BOM some editors add
