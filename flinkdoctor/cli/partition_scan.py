"""The partition count an events file implies (highest partition in its envelopes + 1: Kafka's
ids are contiguous, so the ids below without a record are empty partitions, R2.1), from a quick
byte scan; shared by the commands that replay a file."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from flinkdoctor.errors import InputError, Location
from flinkdoctor.events.formats import MAX_PARTITION_ID, partition_id_problem
from flinkdoctor.files import open_binary, read_chunks

_PARTITION = re.compile(rb'"partition"\s*:\s*(-?\d+)')
_OFFSET = re.compile(rb'"offset"\s*:')
_COMPACT_HEAD = b'{"partition":'
_COMPACT = re.compile(rb'\n\{"partition":(-?[0-9]+),"offset":')


def scan_partitions(path: Path, name: str) -> int | None:
    """Partitions implied by the envelopes (highest partition + 1), from a quick byte scan of
    the lines that carry Kafka coordinates; a partition id Kafka cannot have is an input error
    naming its line (before anything is allocated for it)."""
    highest = -1
    known: set[int] = set()  # the ids of the compact lines seen so far
    with open_binary(str(path), "events file") as handle:
        start = 0  # where ``block`` starts in the file
        tail: list[bytes] = []  # an unfinished line (it may span chunks)
        for chunk in read_chunks(handle, name, 1 << 16, "events file"):
            end = chunk.rfind(b"\n")
            if end < 0:
                tail.append(chunk)
                continue
            tail.append(chunk[:end])
            block = b"".join(tail)
            tail = [chunk[end + 1 :]]
            highest = max(highest, _block_highest(block, known, path, name, start))
            start += len(block) + 1
        if any(tail):
            highest = max(highest, _block_highest(b"".join(tail), known, path, name, start))
    return highest + 1 if highest >= 0 else None


def _block_highest(block: bytes, known: set[int], path: Path, name: str, start: int) -> int:
    """The highest partition of the lines of ``block`` (-1: none); lines are counted only to
    name a bad one (``_lines_before``: a block read at C speed does not count its lines)."""
    if b'"partition"' not in block:  # no line of it can match
        return -1
    if block.startswith(_COMPACT_HEAD):
        if known and _other_than(frozenset(known)).search(b"\n" + block) is None:
            return max(known)  # every line compact, with an id seen before
        ids = _compact_ids(block)
        if ids is not None:
            known.update(ids)
            return max(ids)
    highest = -1
    for index, line in enumerate(block.split(b"\n")):
        partition = _line_partition(line)
        if partition is None:
            continue
        if not 0 <= partition <= MAX_PARTITION_ID:
            number = _lines_before(path, name, start) + index + 1
            raise InputError(partition_id_problem(partition), Location(name, number))
        highest = max(highest, partition)
    return highest


@functools.lru_cache(maxsize=8)
def _other_than(ids: frozenset[int]) -> re.Pattern[bytes]:
    """A line start that is not ``{"partition":N,"offset":`` with N in ``ids`` (the block is
    searched with a newline before it, so its first line is one)."""
    alternatives = b"|".join(str(i).encode() for i in sorted(ids))
    return re.compile(rb'\n(?!\{"partition":(?:' + alternatives + rb'),"offset":)')


def _compact_ids(block: bytes) -> set[int] | None:
    """The partitions of a block whose every line starts ``{"partition":N,"offset":`` (what
    ``flinkdoctor sample`` writes), read at C speed: the first partition of each line is that
    one, and the line has an offset. None for any other block, or an id Kafka cannot have (the
    line-by-line scan then names its line)."""
    found = _COMPACT.findall(b"\n" + block)
    if len(found) != block.count(b"\n") + 1:
        return None
    ids = {int(text) for text in set(found)}
    return ids if min(ids) >= 0 and max(ids) <= MAX_PARTITION_ID else None


def _line_partition(line: bytes) -> int | None:
    """The partition of an envelope line (None: the line carries no Kafka coordinates); any
    integer, checked by the caller."""
    match = _PARTITION.search(line)
    if match is None or _OFFSET.search(line) is None:
        return None
    return int(match.group(1))


def _lines_before(path: Path, name: str, offset: int) -> int:
    """Lines in the first ``offset`` bytes of the file (only to name a bad line)."""
    count = 0
    with open_binary(str(path), "events file") as handle:
        for chunk in read_chunks(handle, name, 1 << 20, "events file"):
            count += chunk.count(b"\n", 0, offset)
            offset -= len(chunk)
            if offset <= 0:
                break
    return count
