"""Reading events files: ``parse_lines`` is pure (lines in, Records out); ``read_events`` is the
edge that opens a path (or ``-`` for stdin) and streams it through ``parse_lines``.
"""

from __future__ import annotations

import inspect
import itertools
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO

from orjson import loads as _loads

from flinkdoctor.errors import InputError, Location
from flinkdoctor.events.formats import (
    EventFormat,
    decode_line,
    detect_format,
    record_from_json,
    records_from_values,
    shorten,
)
from flinkdoctor.events.record import Record
from flinkdoctor.files import open_binary, read_chunks


def parse_lines(lines: Iterable[str | bytes], file_name: str = "<input>") -> Iterator[Record]:
    """Records of a JSONL stream, lazily; the format is fixed by the first non-blank line (see
    ``flinkdoctor.events.formats``). Blank lines are skipped; any other bad line raises
    ``InputError`` located at ``file_name:line``.

    Lines are read in batches (``_BATCH_LINES``); each batch of well-formed lines is decoded at
    once (``_fast_values``) and any other batch goes through ``parse_lines_careful``, the
    reference: the records and the error are the same either way.
    """
    return _stream(_line_batches(lines), file_name)


def parse_lines_careful(
    lines: Iterable[str | bytes],
    file_name: str = "<input>",
    first: int = 1,
    state: list[EventFormat | None] | None = None,
) -> Iterator[Record]:
    """``parse_lines`` one line at a time: the reference the batched path falls back on (for
    blank, non-UTF-8 or invalid lines and their neighbours), and what the tests compare it with.
    ``first`` is the number of the first line; ``state`` holds the file's format across batches
    (read at the start, set here when these lines are the ones that reveal it)."""
    fmt: EventFormat | None = None if state is None else state[0]
    for number, raw in enumerate(lines, start=first):
        location = Location(file_name, number)
        line, bad_byte = _text(raw, location)
        if not line.strip():
            continue
        if bad_byte is not None and fmt not in (None, EventFormat.KCAT):
            raise _not_utf8(raw, bad_byte, location)
        try:
            obj = decode_line(line, location)
        except InputError:
            if bad_byte is not None:
                raise _not_utf8(raw, bad_byte, location) from None
            raise
        if fmt is None:
            fmt = detect_format(obj)
            if bad_byte is not None and fmt is not EventFormat.KCAT:
                raise _not_utf8(raw, bad_byte, location)
            if state is not None:
                state[0] = fmt
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
        return _stream(_file_batches(path, name), name, None if path == "-" else path)
    return parse_lines(path_or_lines, file_name or "<input>")


# -- the batched fast path -------------------------------------------------------------------

_CHUNK = 1 << 15  # bytes read at a time: a batch of lines (small batches stay in the CPU caches)
_BATCH_LINES = 1024  # lines per batch when the lines come from an iterable
_RETRY_LINES = 64  # a batch that is not all well-formed is retried in pieces this long
# orjson turns integers beyond 64 bits into floats: lines with a run of 19 digits go the careful
# way. The run is found by mapping every digit to "0" and anything else to "." (``translate``
# and ``in`` are C loops, several times faster than a regular expression here).
_DIGITS = bytes(0x30 if 0x30 <= b <= 0x39 else 0x2E for b in range(256))
_RUN = b"0" * 19
_BIG_INT_TEXT = re.compile(r"[0-9]{19}")
# json.loads nests as deep as the recursion limit left by the caller's stack allows (orjson: 1024):
# a line with this many brackets may be too deep for one and not the other, so it goes the careful
# way (a line shorter than twice that cannot hold them).
_BRACKETS = 400
# (number of the first line, the lines (str or bytes), the lines joined with "\n" if at hand,
# the line end taken off each line: b"\n" for a file's lines, b"" when they are as given)
Batch = tuple[int, list[Any], bytes | None, bytes]


class _EventStream(itertools.chain):  # type: ignore[type-arg]
    """The records of a file, as ``itertools.chain`` yields them (C-level ``__next__``), plus
    ``items``: the decoded batches behind them, which ``value_batches`` hands to a consumer that
    can use the decoded values without a ``Record`` per line (the simulator's fused path)."""

    items: Iterator[BatchItem]
    file_name: str
    path: str | None  # the file read (a path that can be opened), None for other inputs
    counter: Callable[[int], None] | None  # told the number of lines of each batch read


def _stream(batches: Iterable[Batch], file_name: str, path: str | None = None) -> Iterator[Record]:
    """The records of numbered batches of lines, as one lazy stream: C-level chaining of
    per-batch lists, so the common case costs no Python frame per record."""
    return stream_of_items(_batch_items(batches, file_name), file_name, path)


def value_batches(records: Iterable[Record]) -> tuple[Iterator[BatchItem], str] | None:
    """The decoded batches behind ``records`` and the file name, when ``records`` is a stream
    of ``read_events`` / ``parse_lines`` not read from yet (else None). Each item is ``(values,
    records, first, fmt)``: ``values`` the decoded lines ``first, first + 1, ...`` of format
    ``fmt`` (their records are ``records_from_values(values, range(first, ...), fmt, name)``,
    which raises on the first bad one), or None and ``records`` those of lines that went the
    careful way (to be read to the end before the next item is taken). The caller takes the
    stream over: ``records`` itself then yields only what the caller leaves of it."""
    if type(records) is not _EventStream:
        return None
    items = records.items
    if inspect.getgeneratorstate(items) != inspect.GEN_CREATED:  # type: ignore[arg-type]
        return None
    return items, records.file_name


# (the decoded values of lines first.., or None; else the careful records; first; the format,
# meaningful only with values)
BatchItem = tuple[list[Any] | None, Iterable[Record] | None, int, EventFormat]


def stream_of_items(
    items: Iterator[BatchItem],
    file_name: str,
    path: str | None = None,
    counter: Callable[[int], None] | None = None,
) -> Iterator[Record]:
    """The records of decoded batches obtained elsewhere (``value_batches`` of another stream,
    e.g. shared by two readers of one file: ``events.shared``), as a stream that
    ``value_batches`` hands over again; ``items`` must be a generator not started yet. ``path``:
    the file ``items`` come from, which a consumer may read itself instead (``file_source``),
    telling ``counter`` the lines it read."""
    stream: _EventStream = _EventStream.from_iterable(  # type: ignore[assignment]
        _batch_records(items, file_name)
    )
    stream.items = items
    stream.file_name = file_name
    stream.path = path
    stream.counter = counter
    return stream


def file_source(
    records: Iterable[Record],
) -> tuple[str, str, Callable[[int], None] | None] | None:
    """``(path, file name, counter)`` of a stream of ``read_events`` that read a file not read
    from yet, for a consumer that reads the file its own way (``events.fetcher``) and then
    never reads ``records``; else None."""
    if type(records) is not _EventStream or records.path is None:
        return None
    if inspect.getgeneratorstate(records.items) != inspect.GEN_CREATED:  # type: ignore[arg-type]
        return None
    return records.path, records.file_name, records.counter


def _batch_records(items: Iterable[BatchItem], file_name: str) -> Iterator[Iterable[Record]]:
    for values, careful, first, fmt in items:
        if values is None:
            assert careful is not None
            yield careful
            continue
        records, error = records_from_values(
            values, range(first, first + len(values)), fmt, file_name
        )
        yield records
        if error is not None:
            raise error


def _batch_items(batches: Iterable[Batch], file_name: str) -> Iterator[BatchItem]:
    state: list[EventFormat | None] = [None]  # the file's format, once known
    for lines, values, first, end, _ in decoded_pieces(batches):
        yield piece_item(lines, values, first, end, file_name, state)


# (the lines, their JSON values or None, the number of the first, the line end taken off each
# line, the lines joined with "\n" if at hand)
Piece = tuple[list[Any], list[Any] | None, int, bytes, bytes | None]


def decoded_pieces(batches: Iterable[Batch]) -> Iterator[Piece]:
    """The batches with their JSON values decoded at once (``_fast_values``), or None for a
    piece that is not all well-formed: a batch that is not is retried in pieces, so few lines
    go the careful way."""
    for first, lines, joined, end in batches:
        values = _fast_values(lines, joined)
        if values is None and len(lines) > _RETRY_LINES:
            for at in range(0, len(lines), _RETRY_LINES):
                piece = lines[at : at + _RETRY_LINES]
                yield piece, _fast_values(piece), first + at, end, None
        else:
            yield lines, values, first, end, joined


def piece_item(
    lines: list[Any],
    values: list[Any] | None,
    first: int,
    end: bytes,
    file_name: str,
    state: list[EventFormat | None],
) -> BatchItem:
    """The ``BatchItem`` of a decoded piece: its values and the file's format (detected on the
    first values if ``state`` does not hold it yet), or the careful records of its lines."""
    if values is None:  # not all well-formed (or empty): line by line, the reference way, with
        # the line ends back (json's error column counts them: '{\n' fails at column 1, not 2)
        careful = [line + end for line in lines] if end else lines
        return None, parse_lines_careful(careful, file_name, first, state), first, EventFormat.PLAIN
    fmt = state[0]
    if fmt is None:
        fmt = state[0] = detect_format(values[0])
    return values, None, first, fmt


def _fast_values(lines: list[Any], joined: bytes | None = None) -> list[Any] | None:
    """The JSON values of ``lines`` when every one is a well-formed JSON text on which orjson and
    the stdlib agree, else None (then the lines go through ``parse_lines_careful``). orjson
    rejects what it cannot decode exactly as ``json.loads`` does (NaN, lone surrogates, invalid
    UTF-8, a BOM, blank lines); the two cases where it would decode differently, integers beyond
    64 bits and nesting near the stdlib's recursion limit, are screened out here."""
    if not lines:
        return None
    try:
        if type(lines[0]) is bytes:
            if _RUN in (b"\n".join(lines) if joined is None else joined).translate(_DIGITS):
                return None
        else:
            joined_s = "\n".join(lines)
            if _BIG_INT_TEXT.search(joined_s) is not None:
                return None
        if max(map(len, lines)) >= 2 * _BRACKETS and any(
            line.count("[" if type(line) is str else b"[")
            + line.count("{" if type(line) is str else b"{")
            >= _BRACKETS
            for line in lines
        ):
            return None
        return list(map(_loads, lines))
    except (ValueError, TypeError):  # orjson.JSONDecodeError is a ValueError; mixed str/bytes
        return None


def _line_batches(lines: Iterable[Any]) -> Iterator[Batch]:
    it = iter(lines)
    first = 1
    while batch := list(itertools.islice(it, _BATCH_LINES)):
        yield first, batch, None, b""
        first += len(batch)


def _file_batches(path: str, name: str) -> Iterator[Batch]:
    """Numbered batches of the lines of a file (``-``: stdin), read a chunk at a time; opened
    lazily, closed when exhausted (or when the stream is dropped). Lines are split on ``\\n``
    only, as binary line iteration does; the newline itself is not kept (it changes nothing)."""
    if path == "-":
        yield from chunk_batches(sys.stdin.buffer, name)
        return
    with open_binary(path, "events file") as handle:
        yield from chunk_batches(handle, name)


def chunk_batches(handle: BinaryIO, name: str, size: int | None = None) -> Iterator[Batch]:
    """Numbered batches of the lines of an open file, read ``size`` bytes at a time (by
    default ``_CHUNK``)."""
    first = 1
    for head, end in chunk_blocks(handle, name, size or _CHUNK):
        lines = head.split(b"\n")
        yield first, lines, head, end
        first += len(lines)


def chunk_blocks(handle: BinaryIO, name: str, size: int) -> Iterator[tuple[bytes, bytes]]:
    """The bytes of an open file as blocks of whole lines, about ``size`` bytes each: a block
    (its lines joined by ``\n``) and the line end taken off its last line (``\n``, or
    nothing for a last line without one)."""
    tail: list[bytes] = []  # an unfinished line (it may span chunks)
    for chunk in read_chunks(handle, name, size, "events file"):
        end = chunk.rfind(b"\n")
        if end < 0:
            tail.append(chunk)
            continue
        head = chunk[:end]
        if tail:
            tail.append(head)
            head = b"".join(tail)
            tail = []
        if end + 1 < len(chunk):
            tail.append(chunk[end + 1 :])
        yield head, b"\n"
    if tail:
        yield b"".join(tail), b""


def _text(raw: str | bytes, location: Location) -> tuple[str, int | None]:
    """The line as text, and the index of its first byte that is not UTF-8 (None: all are).
    Such bytes survive as surrogate escapes: kcat -J writes a message's raw bytes into its JSON
    strings, and those files must still be readable; other formats reject them.
    """
    bad_byte = None
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            text, bad_byte = raw.decode("utf-8", "surrogateescape"), error.start
    else:
        text = raw
    if location.line == 1:
        text = text.removeprefix("\ufeff")  # a BOM some editors add
    return text, bad_byte


def _not_utf8(raw: str | bytes, index: int, location: Location) -> InputError:
    assert isinstance(raw, bytes)
    shown = shorten(raw.decode("utf-8", "replace").strip())
    return InputError(
        f"not UTF-8 (byte 0x{raw[index]:02x} at column {index + 1}): {shown!r}", location
    )
