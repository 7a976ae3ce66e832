"""A split fetcher in another process: what Flink's ``SplitFetcher`` thread is to a source
reader (it reads and decodes, the task thread consumes through a queue), for the filesystem
path's loop. Python runs one thread at a time, so the fetcher is a forked process: it reads the
file, decodes each batch of lines and reads the rows out of it (the plan's ``project``), and
sends the columns through a pipe; the task process runs the window and watermark loop over them.
Each side then does about half the work, on a machine's second core.

What the task receives is what the serial reader gives (``reader.decoded_pieces``,
``reader.piece_item``): the same lines, decoded the same way, the careful records of the same
lines and the same errors, raised in the task process. The file is opened in the task process
(its errors are raised there as before) and the fetcher reads the inherited handle. If the
fetcher dies, the task reads the rest of the file itself from the first line it did not get.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import stat
import struct
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO, Protocol

from flinkdoctor.errors import InputError, Location
from flinkdoctor.events.formats import EventFormat, detect_format
from flinkdoctor.events.reader import (
    BatchItem,
    chunk_batches,
    chunk_blocks,
    decoded_pieces,
    file_source,
    parse_lines_careful,
    piece_item,
)
from flinkdoctor.events.record import Record
from flinkdoctor.files import open_binary
from flinkdoctor.processes import fork_quiet, others_running, stop, workers

# (rowtimes, keys or key codes, value columns, the keys by code), or None and the BatchItem of
# lines the loop does not read as columns; the number of the first line; the lines
Columns = tuple[list[Any], list[Any], tuple[list[Any], ...], list[Any]]
ColumnItem = tuple[Columns | None, BatchItem | None, int, "LineSource"]
Project = Callable[..., tuple[list[Any], list[Any], tuple[list[Any], ...]]]

_CHUNK = 1 << 17  # bytes per batch: fewer, larger messages than the serial reader's batches
_MIN_BYTES = 4 << 20  # smaller files are read in-process (a fork costs a few milliseconds)
_PIPE_BYTES = 1 << 20
_MAX_FETCHERS = 2
_HEADER = struct.Struct("<Q")


def column_batches(
    records: Iterable[Record], project: Project, encoded: bool
) -> tuple[Iterator[ColumnItem], str] | None:
    """The batches of ``records`` (a stream of ``read_events`` not read from yet) as columns
    read by fetcher processes, and the file name; None when fetchers do not pay (a file under
    4 MiB, no idle CPU) or are not wanted (``FLINKDOCTOR_WORKERS=0``; a positive number asks
    for that many, whatever the file's size), or cannot read the input (stdin, a pipe, lines
    in memory). The caller takes the stream over and must close the
    iterator when it stops early (the fetchers are then stopped)."""
    source = file_source(records)
    wanted = workers()
    if source is None or wanted == 0 or not sys.platform.startswith("linux"):
        return None  # (fork is only safe to use this way on Linux)
    path, name, counter = source
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return None
        if wanted is None:
            cpus = len(os.sched_getaffinity(0))
            if info.st_size < _MIN_BYTES or cpus - others_running() < 2:
                return None
            wanted = min(cpus, _MAX_FETCHERS)
    except OSError:  # missing or unreadable: the serial reader says so
        return None
    return fetch_columns(path, name, project, encoded, counter, wanted), name


def fetch_columns(
    path: str,
    name: str,
    project: Project,
    encoded: bool,
    counter: Callable[[int], None] | None = None,
    fetchers: int = 2,
) -> Iterator[ColumnItem]:
    """The file's batches, each as columns (a piece of well-formed plain JSON lines) or as the
    ``BatchItem`` the serial reader makes of it, from ``fetchers`` forked fetchers that take
    the file's blocks in turn. ``counter`` is told the number of lines of each batch."""
    state: list[EventFormat | None] = [None]  # the file's format, once known
    with open_binary(path, "events file") as handle:  # its errors, raised here as before
        yield from _fetched(handle, path, name, project, encoded, counter, fetchers, state)


def _fetched(
    handle: BinaryIO,
    path: str,
    name: str,
    project: Project,
    encoded: bool,
    counter: Callable[[int], None] | None,
    fetchers: int,
    state: list[EventFormat | None],
) -> Iterator[ColumnItem]:
    names: list[list[Any]] = [[] for _ in range(fetchers)]  # each fetcher's keys by code
    pids: list[int] = []
    pipes: list[BinaryIO] = []
    fd = handle.fileno()
    try:
        for turn in range(fetchers):
            read, write = os.pipe()
            try:
                pid = fork_quiet()
            except OSError:
                os.close(read)
                os.close(write)
                break
            if pid == 0:  # a fetcher: never returns
                os.close(read)
                for other in pipes:
                    other.close()
                _fetcher(path, name, project, write, turn, fetchers)
            os.close(write)
            pids.append(pid)
            pipes.append(os.fdopen(read, "rb", buffering=_PIPE_BYTES))
        following = 1  # the number of the next line expected
        block = 0
        while len(pipes) == fetchers:
            turn = block % fetchers
            message = _receive(pipes[turn])
            if message is None:  # a fetcher died: read on here from where it stopped
                break
            kind = message[0]
            if kind == "e":
                return
            if kind == "x":
                raise message[1]
            block += 1
            for piece in message[1]:
                if piece[0] == "c":
                    _, first, offset, size, rts, ks, cols, new_keys = piece
                    codes = names[turn]
                    codes += new_keys
                    if state[0] is None:
                        state[0] = EventFormat.PLAIN
                    following = first + len(rts)
                    if counter is not None:
                        counter(len(rts))
                    lines = _Lines(fd, offset, size, name)
                    yield (rts, ks, cols, codes if encoded else []), None, first, lines
                else:
                    _, first, lines, end, values = piece
                    following = first + len(lines)
                    if counter is not None:
                        counter(len(lines))
                    item = piece_item(lines, values, first, end, name, state)
                    yield None, item, first, lines
    finally:
        for incoming in pipes:
            incoming.close()
        for pid in pids:
            stop(pid)
    with open_binary(path, "events file") as again:
        yield from _serial(again, name, following, state, counter)


class LineSource(Protocol):
    """Lines by index (from 0): a list, or ``_Lines``."""

    def __getitem__(self, index: int, /) -> bytes: ...


class _Lines:
    """The lines of a piece of the file, read and split when first needed (a window sample,
    a line the loop hands back): most pieces are never read in the task process."""

    __slots__ = ("fd", "lines", "name", "offset", "size")

    def __init__(self, fd: int, offset: int, size: int, name: str) -> None:
        self.fd, self.offset, self.size, self.name = fd, offset, size, name
        self.lines: list[bytes] | None = None

    def __getitem__(self, index: int) -> bytes:
        lines = self.lines
        if lines is None:
            block = os.pread(self.fd, self.size, self.offset)
            if len(block) != self.size:
                raise InputError("the events file changed while it was read", Location(self.name))
            lines = self.lines = block.split(b"\n")
        return lines[index]


def _receive(incoming: BinaryIO) -> tuple[Any, ...] | None:
    """The next message, or None when the pipe ends before an end message."""
    header = incoming.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    payload = incoming.read(size)
    if len(payload) < size:
        return None
    message: tuple[Any, ...] = pickle.loads(payload)
    return message


def _fetcher(path: str, name: str, project: Project, write: int, turn: int, every: int) -> None:
    """A fetcher process: reads the file, decodes and projects its turn's blocks, sends them,
    and exits (never returns, never writes to the terminal, leaves Ctrl-C to the task
    process)."""
    code = 0
    try:
        with contextlib.suppress(OSError):  # a larger pipe: fewer switches between processes
            import fcntl  # (POSIX only, as fetchers are)

            fcntl.fcntl(write, getattr(fcntl, "F_SETPIPE_SZ", 1031), _PIPE_BYTES)
        out = os.fdopen(write, "wb", buffering=0)

        def send(message: tuple[Any, ...]) -> None:
            payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
            out.write(_HEADER.pack(len(payload)))
            out.write(payload)

        try:
            with open_binary(path, "events file") as handle:
                _fetch(handle, name, project, send, turn, every)
        except InputError as error:  # raised in the task process, as the serial reader would
            send(("x", error))
        # anything else: no end message, so the task reads on in-process (and meets it there)
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _fetch(
    handle: BinaryIO,
    name: str,
    project: Project,
    send: Callable[[tuple[Any, ...]], None],
    turn: int,
    every: int,
) -> None:
    """Send block ``turn``, ``turn + every``, ... of the file (one message each, its pieces),
    then an end message; the format is learnt from the first blocks, whoever's they are."""
    state: list[EventFormat | None] = [None]
    codes: dict[Any, int] = {}
    first = 1
    offset = 0  # of the block in the file
    for index, (head, end) in enumerate(chunk_blocks(handle, name, _CHUNK)):
        mine = index % every == turn
        at = offset  # of the next piece
        offset += len(head) + len(end)
        if not mine and state[0] is not None:
            first += head.count(b"\n") + 1
            continue
        lines = head.split(b"\n")
        batch = (first, lines, head, end)
        first += len(lines)
        pieces: list[tuple[Any, ...]] = []
        stop = False
        for piece_lines, values, start, piece_end, joined in decoded_pieces((batch,)):
            size = (
                len(joined)
                if joined is not None
                else sum(map(len, piece_lines)) + len(piece_lines) - 1
            )
            here, at = at, at + size + 1
            if values is not None:
                fmt = state[0]
                if fmt is None:
                    fmt = state[0] = detect_format(values[0])
                if fmt is EventFormat.PLAIN:
                    new_keys: list[Any] = []
                    rts, ks, cols = project(values, codes, new_keys) if mine else ((), (), ())
                    pieces.append(("c", start, here, size, rts, ks, cols, new_keys))
                    continue
            elif state[0] is None:  # the careful read of these lines may reveal the format
                careful = [line + piece_end for line in piece_lines] if piece_end else piece_lines
                try:
                    for _ in parse_lines_careful(careful, name, start, state):
                        break
                except InputError:  # the task raises it when it reads these lines: stop
                    stop = True
            pieces.append(("r", start, piece_lines, piece_end, values))
            if stop:
                break
        if mine:
            send(("b", pieces))
        if stop:
            break
    send(("e",))


def _serial(
    handle: BinaryIO,
    name: str,
    following: int,
    state: list[EventFormat | None],
    counter: Callable[[int], None] | None,
) -> Iterator[ColumnItem]:
    """The rest of the file from line ``following``, read and decoded here."""
    for lines, values, first, end, _ in decoded_pieces(chunk_batches(handle, name)):
        stop = first + len(lines)
        if stop <= following:
            continue
        if first < following:
            cut = following - first
            lines, first = lines[cut:], following
            values = None if values is None else values[cut:]
        if counter is not None:
            counter(len(lines))
        yield None, piece_item(lines, values, first, end, name, state), first, lines
