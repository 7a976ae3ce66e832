"""Shared reads (events.shared, diagnosis.alongside): two replays taking turns on one read of the
events file get exactly what fresh reads of it give (the records, the decoded batches, the
error of a bad line at the same place), memory stays bounded, and the outcome of the side one
is what it returned or raised."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from flinkdoctor.diagnosis.alongside import alongside
from flinkdoctor.errors import InputError
from flinkdoctor.events import read_events
from flinkdoctor.events import reader as reader_module
from flinkdoctor.events import shared as shared_module
from flinkdoctor.events.reader import value_batches


def _envelopes(path: Path, n: int, bad_at: int | None = None, blank_every: int = 0) -> None:
    lines = []
    for i in range(n):
        if bad_at is not None and i == bad_at:
            lines.append('{"partition": 0, "offset": ')
            continue
        if blank_every and i % blank_every == 0:
            lines.append("   ")
        value = {"k": "abc"[i % 3], "v": i}
        env = {"partition": i % 2, "offset": i // 2, "timestamp": 1000 + i, "value": value}
        lines.append(json.dumps(env))
    path.write_text("\n".join(lines) + "\n")


def _consume(stream: Any, limit: int | None = None) -> tuple[list[Any], str | None]:
    """The records (their source and value) of ``stream`` and the error that ended it."""
    out: list[Any] = []
    try:
        for record in itertools.islice(stream, limit):
            out.append((record.source, record.partition, record.offset, record.value))
    except InputError as error:
        return out, str(error)
    return out, None


def _both(path: Path, plan: list[int | None]) -> tuple[list[Any], list[Any], list[Any]]:
    """Each consumer reads the file len(plan) times (a None limit: to the end), as alongside
    runs them; also what fresh reads give."""
    factory = lambda: read_events(path)  # noqa: E731

    def reads(events: Any) -> list[Any]:
        return [_consume(events(), limit) for limit in plan]

    main, side = alongside(factory, reads, reads)
    assert side is not None
    fresh = [_consume(read_events(path), limit) for limit in plan]
    return main, side.get(), fresh


@pytest.mark.parametrize("chunk", [64, 700, 1 << 15])
@pytest.mark.parametrize("window", [1, 3])
def test_both_consumers_get_what_a_fresh_read_gives(
    tmp_path: Path, chunk: int, window: int
) -> None:
    path = tmp_path / "ev.jsonl"
    _envelopes(path, 500, blank_every=97)  # blank lines: some batches go the careful way
    with (
        mock.patch.object(reader_module, "_CHUNK", chunk),
        mock.patch.object(shared_module, "WINDOW", window),
        mock.patch.object(shared_module.SharedReads.__init__, "__defaults__", (window,)),
    ):
        main, side, fresh = _both(path, [100, None, 3, None])
    assert main == fresh
    assert side == fresh
    assert len(fresh[1][0]) == 500  # the whole file, read twice by each


def test_a_bad_line_stops_both_at_the_same_place(tmp_path: Path) -> None:
    path = tmp_path / "ev.jsonl"
    _envelopes(path, 400, bad_at=250)
    with mock.patch.object(reader_module, "_CHUNK", 300):
        main, side, fresh = _both(path, [None, None])
    assert fresh[0][1] is not None and ":251:" in fresh[0][1]
    assert len(fresh[0][0]) == 250
    assert main == fresh
    assert side == fresh


def test_memory_holds_a_window_of_batches(tmp_path: Path) -> None:
    """However long the file, the shared read keeps a few batches: the leader hands over to the
    other consumer once it is a window ahead."""
    path = tmp_path / "ev.jsonl"
    _envelopes(path, 3000)
    held: list[int] = []
    real = shared_module.SharedReads._decode

    def decode(self: Any, read: Any) -> Any:
        held.append(len(read.buffer))
        return real(self, read)

    def reads(events: Any) -> int:
        return len(_consume(events())[0])

    with (
        mock.patch.object(reader_module, "_CHUNK", 256),
        mock.patch.object(shared_module.SharedReads, "_decode", decode),
    ):
        main, side = alongside(lambda: read_events(path), reads, reads)
    assert side is not None
    assert (main, side.get()) == (3000, 3000)
    assert len(held) > 100  # many batches, each decoded once
    assert max(held) <= shared_module.WINDOW + 1


def test_each_batch_is_decoded_once(tmp_path: Path) -> None:
    path = tmp_path / "ev.jsonl"
    _envelopes(path, 2000)
    decoded = 0
    real = reader_module._fast_values

    def counting(lines: Any, joined: Any = None) -> Any:
        nonlocal decoded
        decoded += len(lines)
        return real(lines, joined)

    def reads(events: Any) -> int:
        return len(_consume(events())[0])

    with (
        mock.patch.object(reader_module, "_CHUNK", 512),
        mock.patch.object(reader_module, "_fast_values", counting),
    ):
        main, side = alongside(lambda: read_events(path), reads, reads)
    assert side is not None
    assert (main, side.get()) == (2000, 2000)
    assert decoded == 2000


def test_the_side_outcome_is_what_it_raised(tmp_path: Path) -> None:
    path = tmp_path / "ev.jsonl"
    _envelopes(path, 300)

    def main(events: Any) -> int:
        return len(_consume(events())[0])

    def side(events: Any) -> int:
        _consume(events(), 10)
        raise ValueError("side failed")

    value, outcome = alongside(lambda: read_events(path), main, side)
    assert value == 300
    assert outcome is not None
    with pytest.raises(ValueError, match="side failed"):
        outcome.get()


def test_a_failing_main_gives_the_side_up(tmp_path: Path) -> None:
    path = tmp_path / "ev.jsonl"
    _envelopes(path, 3000)
    side_read: list[int] = []

    def main(events: Any) -> int:
        _consume(events(), 1000)
        raise KeyError("main failed")

    def side(events: Any) -> int:
        stream = events()
        for record in stream:
            side_read.append(record.offset)
        return len(side_read)

    with mock.patch.object(reader_module, "_CHUNK", 256), pytest.raises(KeyError):
        alongside(lambda: read_events(path), main, side)
    assert 0 < len(side_read) < 3000  # stopped (Abandoned) at its next batch


def test_events_in_memory_are_not_shared() -> None:
    records = list(read_events(['{"a": 1}', '{"a": 2}']))
    value, outcome = alongside(lambda: records, lambda events: len(list(events())), len)
    assert value == 2
    assert outcome is None  # the side did not run: nothing to share
    assert value_batches(records) is None
