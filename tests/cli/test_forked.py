"""The forked child of ``explain`` (cli.forked): it hands back what its work returned or raised,
never writes to the terminal, ignores Ctrl-C, and is killed and reaped whatever the parent does;
a child that dies leaves no outcome (the parent then runs the work itself)."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from flinkdoctor.cli import forked as forked_module
from flinkdoctor.cli.forked import (
    MIN_BYTES,
    Child,
    Later,
    ended,
    forked_alongside,
    second_core_pays,
)
from flinkdoctor.diagnosis.alongside import alongside
from flinkdoctor.errors import InputError, Location
from flinkdoctor.events import Record, read_events
from flinkdoctor.processes import WORKERS_VARIABLE, workers

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX only: os.fork")


def _gone(pid: int) -> bool:
    """Whether ``pid`` was reaped (no such child any more)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The pids of the children the test forked (a spy: the real ``Child`` runs); each must
    be reaped by the end of the test."""
    pids: list[int] = []
    real = Child.__init__

    def spy(self: Child[Any], work: Callable[[], Any]) -> None:
        real(self, work)
        pids.append(self.pid)

    monkeypatch.setattr(Child, "__init__", spy)
    yield pids
    assert [pid for pid in pids if not _gone(pid)] == []


def test_a_child_hands_back_its_value() -> None:
    child = Child(lambda: {"rows": [1, 2, 3], "pid": os.getpid()})
    with ended(child):
        outcome = child.outcome()
    assert outcome is not None and outcome.error is None
    value = outcome.get()
    assert value["rows"] == [1, 2, 3]
    assert value["pid"] not in (os.getpid(), None)  # it ran in another process
    assert _gone(child.pid)


def test_a_child_hands_back_what_it_raised() -> None:
    def fails() -> int:
        raise InputError("bad line", Location("ev.jsonl", 7))

    child = Child(fails)
    with ended(child):
        outcome = child.outcome()
    assert outcome is not None and outcome.value is None
    assert isinstance(outcome.error, InputError)
    assert str(outcome.error) == "ev.jsonl:7: bad line"
    with pytest.raises(InputError, match=r"ev\.jsonl:7: bad line"):
        outcome.get()


def test_a_big_value_comes_back_whole() -> None:
    """Bigger than a pipe's buffer: the child blocks on the pipe until the parent reads."""
    child = Child(lambda: "x" * (5 << 20))
    with ended(child):
        time.sleep(0.05)
        outcome = child.outcome()
    assert outcome is not None and outcome.get() == "x" * (5 << 20)


class _NoPickle(Exception):
    def __init__(self, message: str, extra: int) -> None:
        super().__init__(message)
        self.extra = extra


@pytest.mark.parametrize(
    "how",
    ["exit", "kill", "segfault", "unpicklable-value", "unpicklable-error", "system-exit"],
)
def test_a_child_that_dies_leaves_no_outcome(how: str) -> None:
    def dies() -> object:
        if how == "exit":
            os._exit(70)
        if how == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        if how == "segfault":
            os.kill(os.getpid(), signal.SIGSEGV)
        if how == "unpicklable-value":
            return lambda: None  # a lambda cannot be pickled
        if how == "unpicklable-error":
            raise _NoPickle("does not come back", 3)  # pickles, but cannot be rebuilt
        raise SystemExit(5)

    child = Child(dies)
    with ended(child):
        assert child.outcome() is None
    assert _gone(child.pid)


def test_the_child_never_writes_to_the_terminal(capfd: pytest.CaptureFixture[str]) -> None:
    def noisy() -> int:
        print("to stdout", flush=True)
        print("to stderr", file=sys.stderr, flush=True)
        os.write(1, b"fd 1\n")
        os.write(2, b"fd 2\n")
        return 5

    child = Child(noisy)
    with ended(child):
        outcome = child.outcome()
    assert outcome is not None and outcome.get() == 5
    assert capfd.readouterr() == ("", "")


def test_the_child_ignores_ctrl_c() -> None:
    def slow() -> int:
        time.sleep(0.6)
        return 7

    child = Child(slow)
    with ended(child):
        time.sleep(0.2)
        os.kill(child.pid, signal.SIGINT)  # as the terminal sends it to the process group
        outcome = child.outcome()
    assert outcome is not None and outcome.get() == 7


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_the_parent_kills_and_reaps_a_running_child(error: type[BaseException]) -> None:
    child = Child(lambda: time.sleep(60))
    started = time.monotonic()
    with pytest.raises(error), ended(child):
        raise error()
    assert time.monotonic() - started < 10
    assert _gone(child.pid)


def _events(path: Path, n: int, bad_line: int | None = None) -> None:
    lines = [
        f'{{"partition":{i % 2},"offset":{i // 2},"timestamp":{1_734_145_200_000 + i},'
        f'"value":{{"n":{i}}}}}'
        for i in range(n)
    ]
    if bad_line is not None:
        lines[bad_line - 1] = "{not json"
    path.write_text("\n".join(lines) + "\n")


def _count(factory: Callable[[], Iterable[Record]]) -> tuple[int, int]:
    seen = list(factory())
    return len(seen), sum(r.value["n"] for r in seen)


def test_forked_alongside_gives_what_alongside_gives(tmp_path: Path) -> None:
    path = tmp_path / "ev.jsonl"
    _events(path, 5000)

    def factory() -> Iterable[Record]:
        return read_events(path)

    main_pid: list[int] = []

    def main(f: Callable[[], Iterable[Record]]) -> tuple[int, int]:
        main_pid.append(os.getpid())
        return _count(f)

    def side(f: Callable[[], Iterable[Record]]) -> tuple[int, int, bool]:
        return (*_count(f), os.getpid() == main_pid[0])

    here = alongside(factory, main, side)
    there = forked_alongside(factory)(factory, main, side)
    assert here[0] == there[0] == (5000, sum(range(5000)))
    assert here[1] is not None and there[1] is not None
    assert here[1].get() == (5000, sum(range(5000)), True)
    assert there[1].get() == (5000, sum(range(5000)), False)  # the side ran in the child


def test_forked_alongside_raises_mains_error_and_reaps(tmp_path: Path, forks: list[int]) -> None:
    path = tmp_path / "ev.jsonl"
    _events(path, 3000, bad_line=2500)

    def factory() -> Iterable[Record]:
        return read_events(path)

    with pytest.raises(InputError) as here:
        alongside(factory, _count, _count)
    with pytest.raises(InputError) as there:
        forked_alongside(factory)(factory, _count, _count)
    assert str(there.value) == str(here.value)
    assert ":2500" in str(there.value)
    assert len(forks) == 1  # reaped: checked by the fixture


def test_workers_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    small = tmp_path / "small.jsonl"
    _events(small, 10)
    big = tmp_path / "big.jsonl"
    with big.open("wb") as out:
        out.truncate(MIN_BYTES)
    monkeypatch.delenv(WORKERS_VARIABLE, raising=False)
    monkeypatch.delenv("FLINKDOCTOR_DEBUG", raising=False)
    assert workers() is None
    assert not second_core_pays(small)  # too small to pay
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 0
    monkeypatch.setattr(forked_module, "others_running", lambda: 0)  # an idle machine
    assert second_core_pays(big) is (cpus >= 2)
    monkeypatch.setattr(forked_module, "others_running", lambda: cpus - 1)  # one CPU free
    assert not second_core_pays(big)  # the one this process runs on: no second core
    for value, forked in (("0", False), ("00", False), ("1", True), ("2", True), (" 4 ", True)):
        monkeypatch.setenv(WORKERS_VARIABLE, value)
        assert second_core_pays(small) is forked
        assert second_core_pays(big) is forked
    monkeypatch.setenv(WORKERS_VARIABLE, "1")
    monkeypatch.setenv("FLINKDOCTOR_DEBUG", "1")  # a traceback shows where it happened
    assert not second_core_pays(small)
    monkeypatch.setenv("FLINKDOCTOR_DEBUG", "0")
    assert second_core_pays(small)
    assert not second_core_pays(tmp_path)  # a directory: not a regular file
    assert not second_core_pays(tmp_path / "missing.jsonl")
    for bad in ("two", "-1", "1.5"):
        monkeypatch.setenv(WORKERS_VARIABLE, bad)
        with pytest.raises(InputError, match=f"{WORKERS_VARIABLE}="):
            second_core_pays(small)


@pytest.mark.parametrize("fork", [True, False])
def test_later_gives_the_value_or_the_error(fork: bool, forks: list[int]) -> None:
    value = Later(lambda: os.getpid(), fork)
    try:
        pid = value.get()
        assert value.get() == pid  # asked again: the same
        assert (pid != os.getpid()) is fork
    finally:
        value.end()

    def fails() -> int:
        raise InputError("bad id", Location("ev.jsonl", 3))

    error = Later(fails, fork)
    try:
        for _ in range(2):
            with pytest.raises(InputError, match=r"^ev\.jsonl:3: bad id$"):
                error.get()
    finally:
        error.end()


def test_later_runs_the_work_here_when_the_child_dies(forks: list[int]) -> None:
    parent = os.getpid()

    def dies_in_a_child() -> int:
        if os.getpid() != parent:
            os._exit(9)
        return 42

    value = Later(dies_in_a_child, True)
    try:
        assert value.get() == 42
    finally:
        value.end()
    assert len(forks) == 1  # reaped: checked by the fixture


def test_later_ended_before_asked_reaps_its_child(forks: list[int]) -> None:
    value = Later(lambda: time.sleep(60), True)
    started = time.monotonic()
    value.end()
    assert time.monotonic() - started < 10
    assert len(forks) == 1  # reaped: checked by the fixture
