"""A progress bar counts an events file a decoded batch at a time and leaves the stream's
batches to the engine's loops and to explain's shared reads: the same records, the same count,
and ``value_batches`` still works on the tracked stream."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from flinkdoctor.cli.progress import Work
from flinkdoctor.events import read_events
from flinkdoctor.events.fetcher import column_batches
from flinkdoctor.events.reader import file_source, value_batches


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "ev.jsonl"
    lines = [
        json.dumps({"partition": i % 2, "offset": i, "timestamp": 1000 + i, "value": {"v": i}})
        for i in range(5000)
    ]
    lines[2500] = "   "  # a blank line: its batch goes the careful way
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_tracked_events_stream_gives_the_same_records_and_counts_them(tmp_path: Path) -> None:
    path = _file(tmp_path)
    with Work("replaying", enabled=True) as work:
        tracked = list(work.track(read_events(path)))
    plain = list(read_events(path))
    assert [(r.source, r.value) for r in tracked] == [(r.source, r.value) for r in plain]
    assert len(plain) == 4999
    assert work.completed == 4999


def test_a_tracked_events_stream_keeps_its_decoded_batches(tmp_path: Path) -> None:
    path = _file(tmp_path)
    with Work("replaying", enabled=True) as work:
        batches = value_batches(work.track(read_events(path)))
        assert batches is not None
        items, name = batches
        assert name == str(path)
        decoded = sum(len(values) for values, _, _, _ in items if values is not None)
    assert 0 < decoded < 4999  # most lines decoded at once, the blank one's neighbours not
    assert work.completed >= decoded
    with Work("replaying", enabled=False) as idle:
        stream = read_events(path)
        assert idle.track(stream) is stream  # no bar: the stream itself, nothing counted


def test_a_tracked_events_stream_counts_what_fetchers_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under a bar, the file is still read by split fetchers (``file_source`` survives the
    tracking), and the bar counts the lines they read."""
    monkeypatch.setenv("FLINKDOCTOR_WORKERS", "2")
    path = tmp_path / "ev.jsonl"
    path.write_text("".join(json.dumps({"s": f"x{i}", "k": "a"}) + "\n" for i in range(3000)))

    def project(values: list[Any], codes: dict[Any, int], new: list[Any]) -> Any:
        return [len(v["s"]) for v in values], [0] * len(values), ()

    with Work("replaying", enabled=True) as work:
        tracked = work.track(read_events(path))
        assert file_source(tracked) is not None  # type: ignore[arg-type]
        fetched = column_batches(tracked, project, False)  # type: ignore[arg-type]
        assert fetched is not None
        lengths = [n for columns, _, _, _ in fetched[0] if columns for n in columns[0]]
    assert len(lengths) == 3000 and lengths[0] == 2 and lengths[-1] == 5  # "x0" ... "x2999"
    assert work.completed == 3000
