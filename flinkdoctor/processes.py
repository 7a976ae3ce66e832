"""Helper processes, forked where a second CPU pays (``simulate-windows``' split fetchers,
``explain``'s second process): whether one is wanted, how to start one that never speaks to the
terminal, and how to stop it. The work each does is its caller's."""

from __future__ import annotations

import faulthandler
import os
import signal
import sys
import warnings
from contextlib import suppress

from flinkdoctor.errors import InputError

WORKERS_VARIABLE = "FLINKDOCTOR_WORKERS"


def workers() -> int | None:
    """The process count ``FLINKDOCTOR_WORKERS`` asks for (None: unset, choose); every command
    that may fork reads it."""
    text = os.environ.get(WORKERS_VARIABLE, "").strip()
    if not text:
        return None
    if not text.isdecimal():
        raise InputError(
            f"{WORKERS_VARIABLE}={text!r}: expected a number of processes "
            "(0: one process; 1 or more: a second process wherever it can)"
        )
    return int(text)


def others_running() -> int:
    """How many other tasks run on the machine right now (``/proc/loadavg``'s runnable count
    less this one): a helper process only pays on a CPU nobody else uses (on busy CPUs the
    processes would share them, and one process does the same work with less CPU time)."""
    try:
        with open("/proc/loadavg") as handle:
            return max(0, int(handle.read().split()[3].split("/")[0]) - 1)
    except (OSError, ValueError, IndexError):
        return 0


def fork_quiet() -> int:
    """``os.fork()``. In the child (0): Ctrl-C is ignored (the terminal sends it to the whole
    process group; the parent handles it), stdin, stdout and stderr and Python's streams are
    /dev/null and faulthandler is off (nothing reaches the user's terminal); the child must end
    with ``os._exit``. Raises OSError when no process can be made."""
    with warnings.catch_warnings():  # 3.12+: a progress bar's thread is no concern of a child
        warnings.simplefilter("ignore", DeprecationWarning)  # that prints nothing
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's side (its coverage is not collected)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        faulthandler.disable()  # its crash report would go to the parent's stderr
        quiet = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(quiet, fd)
        os.close(quiet)
        # and the Python-level streams, which may not be fds 1 and 2 (a test's capture)
        sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - until os._exit
    return pid


def stop(pid: int) -> None:
    """Kill a child if it still runs (it may be blocked writing to a pipe nobody reads) and
    reap it."""
    with suppress(ProcessLookupError):  # a zombie can still be killed; it is not reaped yet
        os.kill(pid, signal.SIGKILL)
    with suppress(ChildProcessError):
        os.waitpid(pid, 0)
