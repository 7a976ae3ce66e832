"""The filesystem path with split fetchers (``events.fetcher``: forked processes that decode
the file and read its rows into columns, ``row_reader.compile_file_columns``) is an
optimisation only: the same result, or the same error, as the records of the same file going
through the general loop; a fetcher that dies changes nothing either, and none outlives the
simulation."""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flinkdoctor.engine import Overrides, build_plan, simulate
from flinkdoctor.engine.row_reader import FileColumns
from flinkdoctor.events import fetcher, read_events
from flinkdoctor.sql import parse_script
from tests.engine.helpers import BASE, SEC
from tests.engine.test_file_path import QUERIES, ROWTIMES, SCRIPT, _line, _lines, _outcome, _text


@pytest.fixture
def fetchers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fetchers for every file, however small (what the tests below compare); none is left
    after the test, not even as a zombie."""
    monkeypatch.setenv("FLINKDOCTOR_WORKERS", "2")
    before = _children()
    yield
    assert _children() <= before


def _children() -> set[int]:
    """This process's child processes (running or zombies), as Linux lists them."""
    found: set[int] = set()
    for task in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{task}/children") as handle:
            found.update(int(pid) for pid in handle.read().split())
    return found


def _plan(style: str, query: str, **overrides: Any) -> Any:
    text = SCRIPT.format(
        interval=overrides.pop("interval", "200 ms"),
        idle=overrides.pop("idle", "0"),
        parallelism=overrides.pop("parallelism", 1),
        rowtime=ROWTIMES[style],
        query=QUERIES[query],
    )
    plan = build_plan(parse_script(text, "t.sql"), Overrides(**overrides))
    assert plan.file_columns is not None
    return plan


def _file(body: str) -> str:
    fd, path = tempfile.mkstemp(suffix=".jsonl")
    with os.fdopen(fd, "w") as handle:
        handle.write(body)
    return path


def _fetched(path: str, plan: Any) -> bool:
    """Whether the simulator's stream of ``path`` is read by fetchers."""
    columns = plan.file_columns
    fetched = fetcher.column_batches(read_events(path), columns.project, columns.encoded)
    if fetched is None:
        return False
    fetched[0].close()  # type: ignore[attr-defined]
    return True


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=_lines,
    style=st.sampled_from(sorted(ROWTIMES)),
    query=st.sampled_from(sorted(QUERIES)),
    arrival=st.sampled_from(["file", "backlog"]),
    interval=st.sampled_from(["200 ms", "0"]),
    idle=st.sampled_from(["0", "500 ms"]),
    parallelism=st.integers(1, 3),
    workers=st.integers(1, 3),
    chunk=st.sampled_from([64, 300, 1 << 17]),
)
def test_fetched_file_path_equals_general_path(
    lines: list[tuple[str, int, int, str, int, int]],
    style: str,
    query: str,
    arrival: str,
    interval: str,
    idle: str,
    parallelism: int,
    workers: int,
    chunk: int,
) -> None:
    before = _children()
    plan = _plan(
        style,
        query,
        interval=interval,
        idle=idle,
        parallelism=parallelism,
        arrival=arrival,
        backlog_rate=50.0,
    )
    path = _file("".join(_line(*line, style) + "\n" for line in lines))
    env = {"FLINKDOCTOR_WORKERS": str(workers)}
    try:
        with mock.patch.dict(os.environ, env), mock.patch.object(fetcher, "_CHUNK", chunk):
            assert _fetched(path, plan)
            fetched = _outcome(plan, read_events(path, "ev.jsonl"))
        general = _outcome(plan, (r for r in read_events(path, "ev.jsonl")))
    finally:
        os.unlink(path)
    assert fetched == general
    assert _children() <= before


def test_the_fetched_seed_shape_by_hand(fetchers: None) -> None:
    """The seed's shape read by fetchers, checked by hand: 3 rows of key a in [0 s, 10 s), one
    row of b in [30 s, 40 s), the late row (4 s) dropped and named by its line."""
    plan = _plan("pattern", "legacy")
    times = [(1, "a"), (2, "a"), (3, "a"), (30, "b"), (4, "a")]
    body = "".join(
        json.dumps({"s": _text(BASE + s * SEC, "pattern"), "k": k, "v": i}) + "\n"
        for i, (s, k) in enumerate(times)
    )
    path = _file(body)
    try:
        assert _fetched(path, plan)
        result = simulate(plan, read_events(path, "ev.jsonl"))
    finally:
        os.unlink(path)
    assert [(r["ws"], r["k"], r["c"], r["s"]) for r in result.rows] == [
        (BASE, "a", 3, 3),
        (BASE + 30 * SEC, "b", 1, 3),
    ]
    assert result.dropped_total == 1
    assert result.dropped[0].source == "ev.jsonl:5"


def test_a_bad_line_is_the_same_error(fetchers: None) -> None:
    """A line that is not JSON, deep in the file: the same one-line error, at its line."""
    plan = _plan("pattern", "tvf")
    good = json.dumps({"s": _text(BASE, "pattern"), "k": "a", "v": 1})
    path = _file((good + "\n") * 5000 + '{"k": \n' + (good + "\n") * 10)
    try:
        assert _fetched(path, plan)
        fetched = _outcome(plan, read_events(path, "ev.jsonl"))
    finally:
        os.unlink(path)
    assert isinstance(fetched, str)
    assert fetched.startswith("InputError: ev.jsonl:5001: ")


def test_a_fetcher_that_dies_changes_nothing(fetchers: None) -> None:
    """A fetcher killed mid-file (here: when it reads the line with "die") leaves the rest of
    the file to the task process: the result is the one of the general loop."""
    plan = _plan("pattern", "tvf")
    columns = plan.file_columns
    real = columns.project

    def dying(values: list[Any], codes: dict[Any, int], new_keys: list[Any]) -> Any:
        if any(type(v) is dict and "die" in v for v in values):
            os._exit(9)
        return real(values, codes, new_keys)

    plan = dataclasses.replace(plan, file_columns=FileColumns(dying, columns.loop, columns.encoded))
    lines = [
        json.dumps({"s": _text(BASE + i * 7 * SEC // 10, "pattern"), "k": "abc"[i % 3], "v": i})
        for i in range(6000)
    ]
    lines[3000] = json.dumps({"s": _text(BASE + 2100 * SEC, "pattern"), "k": "a", "die": 1})
    path = _file("".join(line + "\n" for line in lines))
    try:
        with mock.patch.object(fetcher, "_CHUNK", 4096):
            assert _fetched(path, plan)
            fetched = simulate(plan, read_events(path, "ev.jsonl"))
        general = simulate(plan, (r for r in read_events(path, "ev.jsonl")))
    finally:
        os.unlink(path)
    assert fetched == general
    assert sum(r["c"] for r in general.rows) > 5000


def test_a_job_failure_stops_the_fetchers(fetchers: None) -> None:
    """The window TVF fails the job on a NULL rowtime (R1.5): the simulation stops reading
    there, and its fetchers are stopped and reaped (the fixture checks none is left)."""
    plan = _plan("pattern", "tvf")
    good = json.dumps({"s": _text(BASE, "pattern"), "k": "a", "v": 1})
    path = _file((good + "\n") * 3000 + '{"s": null, "k": "a", "v": 1}\n' + (good + "\n") * 50000)
    try:
        assert _fetched(path, plan)
        result = simulate(plan, read_events(path, "ev.jsonl"))
    finally:
        os.unlink(path)
    assert result.failure is not None
    assert result.failure.source == "ev.jsonl:3001"


def test_envelopes_and_blank_lines_go_the_serial_way(fetchers: None) -> None:
    """A file of ``sample`` envelopes (its format is learnt from its first line, here after
    blank lines that go the careful way) is not read as columns: its batches come back as the
    serial reader's, with the same result."""
    plan = _plan("pattern", "tvf")
    lines = ["", "   "] + [
        json.dumps(
            {
                "partition": 0,
                "offset": i,
                "timestamp": BASE + i,
                "value": {"s": _text(BASE + i * 900, "pattern"), "k": "ab"[i % 2], "v": i},
            }
        )
        for i in range(4000)
    ]
    path = _file("".join(line + "\n" for line in lines))
    try:
        with mock.patch.object(fetcher, "_CHUNK", 2048):
            assert _fetched(path, plan)
            items = list(fetcher.fetch_columns(path, "ev.jsonl", plan.file_columns.project, True))
            fetched = simulate(plan, read_events(path, "ev.jsonl"))
        general = simulate(plan, (r for r in read_events(path, "ev.jsonl")))
    finally:
        os.unlink(path)
    assert all(columns is None for columns, _, _, _ in items)
    assert fetched == general
    assert sum(r["c"] for r in general.rows) > 3000
