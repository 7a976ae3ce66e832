"""The partition count an events file implies (highest partition in its envelopes + 1: Kafka's
ids are contiguous, so the ids below without a record are empty partitions, R2.1), from a quick
byte scan; shared by the commands that replay a file."""

from __future__ import annotations

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
    with open_binary(str(path), "events file") as handle:
        number = 0
        tail: list[bytes] = []  # an unfinished line (it may span chunks)
        for chunk in read_chunks(handle, name, 1 << 16, "events file"):
            end = chunk.rfind(b"\n")
            if end < 0:
                tail.append(chunk)
                continue
            tail.append(chunk[:end])
            block = b"".join(tail)
            tail = [chunk[end + 1 :]]
            if b'"partition"' not in block:  # no line of it can match: count them only
                number += block.count(b"\n") + 1
                continue
            compact = _compact_highest(block)
            if compact is not None:
                number += block.count(b"\n") + 1
                highest = max(highest, compact)
                continue
            for line in block.split(b"\n"):
                number += 1
                highest = max(highest, _line_partition(line, name, number))
        if any(tail):
            highest = max(highest, _line_partition(b"".join(tail), name, number + 1))
    return highest + 1 if highest >= 0 else None


def _compact_highest(block: bytes) -> int | None:
    """The highest partition of a block whose every line starts ``{"partition":N,"offset":``
    (what ``flinkdoctor sample`` writes), read at C speed: the first partition of each line is
    that one, and the line has an offset. None for any other block, or an id Kafka cannot have
    (the line-by-line scan then names its line)."""
    if not block.startswith(_COMPACT_HEAD):
        return None
    found = _COMPACT.findall(b"\n" + block)
    if len(found) != block.count(b"\n") + 1:
        return None
    ids = [int(text) for text in set(found)]
    highest = max(ids)
    return highest if min(ids) >= 0 and highest <= MAX_PARTITION_ID else None


def _line_partition(line: bytes, name: str, number: int) -> int:
    match = _PARTITION.search(line)
    if match is None or _OFFSET.search(line) is None:
        return -1
    partition = int(match.group(1))
    if not 0 <= partition <= MAX_PARTITION_ID:
        raise InputError(partition_id_problem(partition), Location(name, number))
    return partition
