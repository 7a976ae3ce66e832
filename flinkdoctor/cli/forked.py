"""A second core for ``explain``: the fix's verification replay runs in a forked child process
while this process replays the job, each reading and decoding the events file itself
(``forked_alongside``); before that, the partition scan of the file runs in a child while this
process loads the script and runs the data checks (``Later``).

Reading and decoding the file and the replay loops are nearly all of ``explain``'s time on a
big file, and one process uses one core; the child makes the two replays concurrent. It pays
only for a regular file (read twice) that is big enough, on a POSIX system with a CPU this
process may run on that nobody else uses right now (on busy CPUs one process does the work with
less CPU time). ``FLINKDOCTOR_WORKERS`` overrides the choice, as for the split
fetchers of ``simulate-windows``: ``0`` keeps everything in this process, a positive number
forks for any regular file (the tests force the forked path on small inputs that way).
``FLINKDOCTOR_DEBUG`` keeps everything here too, so a bug's traceback shows where it happened.

Hygiene: the child ignores Ctrl-C (the terminal sends it to the whole process group; the parent
handles it), its stdin, stdout and stderr are /dev/null, it sends back one pickled outcome (the
value or the exception ``side`` raised, as ``diagnosis.alongside.Outcome``) through a pipe and
always ends with ``os._exit``. The parent kills and reaps it in a ``finally`` whatever happens
(an exception in its own replay, Ctrl-C). A child that could not start, died, or sent back
nothing readable leaves no outcome: ``explain`` then runs the verification in this process
when it needs it, so the report is the same either way.
"""

from __future__ import annotations

import os
import pickle
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Generic, NoReturn, TypeVar

from flinkdoctor.cli.guard import DEBUG_VARIABLE
from flinkdoctor.diagnosis.alongside import Alongside, Factory, Outcome, alongside
from flinkdoctor.processes import fork_quiet, others_running, stop, workers

T = TypeVar("T")
U = TypeVar("U")

MIN_BYTES = 4 << 20
"""Smallest events file worth a child (~20,000 seed-shaped events: a replay of ~0.1 s; a fork
costs a few milliseconds)."""


def second_core_pays(path: Path) -> bool:
    """Whether replaying ``path`` in a second process pays (see the module docstring). Not
    under ``FLINKDOCTOR_DEBUG``: a bug's traceback must show where it happened."""
    wanted = workers()
    if wanted == 0:
        return False
    if os.environ.get(DEBUG_VARIABLE, "") not in ("", "0"):
        return False
    if not hasattr(os, "fork"):
        return False
    try:
        info = path.stat()
    except OSError:
        return False
    if not stat.S_ISREG(info.st_mode):  # a pipe or a device cannot be read twice
        return False
    if wanted is not None:
        return True
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on this system: do not guess
        return False
    return cpus - others_running() >= 2 and info.st_size >= MIN_BYTES


def forked_alongside(child_factory: Factory) -> Alongside:
    """An ``Alongside`` that runs ``side`` in a forked child on ``child_factory`` (a fresh read
    of the same file: the child must not touch what this process counts or shows), and ``main``
    here meanwhile. If the child cannot start, the two run as ``diagnosis.alongside`` runs
    them; if it leaves no outcome, ``side``'s outcome is None (run later, here, when needed)."""

    def run(
        factory: Factory, main: Callable[[Factory], T], side: Callable[[Factory], U]
    ) -> tuple[T, Outcome[U] | None]:
        try:
            child = Child(lambda: side(child_factory))
        except OSError:  # no fork now (process or memory limits): one process, as before
            return alongside(factory, main, side)
        with ended(child):
            value = main(factory)
            return value, child.outcome()

    return run


class Later(Generic[U]):
    """``work()``, computed meanwhile in a forked child (``fork``), else here and now; ``get``
    gives its value or raises what it raised (the child's outcome, or ``work()`` run here when
    the child could not start or left none). ``end`` kills and reaps the child."""

    def __init__(self, work: Callable[[], U], fork: bool) -> None:
        self._work = work
        self._child: Child[U] | None = None
        self._outcome: Outcome[U] | None = None
        if fork:
            with suppress(OSError):  # no fork now: here, at once, as without a child
                self._child = Child(work)
        if self._child is None:
            self._outcome = _outcome_of(work)

    def get(self) -> U:
        if self._outcome is None:
            got = None
            if self._child is not None:
                with ended(self._child):
                    got = self._child.outcome()
            self._outcome = got if got is not None else _outcome_of(self._work)
        return self._outcome.get()

    def end(self) -> None:
        if self._child is not None:
            self._child.end()


def _outcome_of(work: Callable[[], U]) -> Outcome[U]:
    try:
        return Outcome(work(), None)
    except Exception as error:  # raised by ``get``, where the value is needed
        return Outcome(None, error)


class Child(Generic[U]):
    """A forked process computing ``work()``; ``outcome()`` waits for it."""

    def __init__(self, work: Callable[[], U]) -> None:
        read, write = os.pipe()
        try:
            pid = fork_quiet()
        except OSError:
            os.close(read)
            os.close(write)
            raise
        if pid == 0:  # pragma: no cover - the child's side (its coverage is not collected)
            os.close(read)
            _child(work, write)
        os.close(write)
        self.pid = pid
        self._read = read
        self._reaped = False

    def outcome(self) -> Outcome[U] | None:
        """What ``work()`` returned or raised; None when the child died or sent nothing
        readable (it is reaped either way)."""
        chunks: list[bytes] = []
        while chunk := os.read(self._read, 1 << 20):
            chunks.append(chunk)
        _, status = os.waitpid(self.pid, 0)
        self._reaped = True
        if os.waitstatus_to_exitcode(status) != 0 or not chunks:
            return None
        try:
            got = pickle.loads(b"".join(chunks))
        except Exception:  # a value or exception that does not come back from a pickle
            return None
        return got if isinstance(got, Outcome) else None

    def end(self) -> None:
        """Kill the child if it still runs, reap it, close the pipe."""
        if not self._reaped:
            stop(self.pid)
            self._reaped = True
        if self._read >= 0:
            os.close(self._read)
            self._read = -1


@contextmanager
def ended(child: Child[U]) -> Iterator[Child[U]]:
    """``child``, killed and reaped on the way out, whatever happened meanwhile."""
    try:
        yield child
    finally:
        child.end()


def _child(work: Callable[[], U], write: int) -> NoReturn:  # pragma: no cover - in the child
    """Run ``work`` and send its pickled outcome; never return, never print."""
    code = 1
    try:
        outcome: Outcome[U]
        try:
            outcome = Outcome(work(), None)
        except Exception as error:  # raised where the outcome is used, as in-process
            outcome = Outcome(None, error)
        data = memoryview(pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL))
        while data:
            data = data[os.write(write, data) :]
        code = 0
    except BaseException:  # nothing to say it with: the parent runs it itself
        code = 1
    finally:
        os._exit(code)
