"""Lines written straight to a file descriptor, so that Ctrl-C (even while a slow reader blocks
the pipe) and a reader going away leave an exact account: a line is either all out and counted,
or not out at all.

A buffered text stream cannot promise that: on Ctrl-C it may hold lines the summary already
counted, or have written half of one. Here Ctrl-C is noted (``DeferredInterrupt``) and acted on
at a line boundary; a second Ctrl-C stops at once.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType, TracebackType

from flinkdoctor.files import open_text_for_writing, write_failure

_CHUNK = 4096  # PIPE_BUF: a write this small never blocks once the pipe is writable


class DeferredInterrupt:
    """While active, the first Ctrl-C only sets ``requested``; the second raises at once."""

    def __init__(self) -> None:
        self.requested = False
        self._previous: object = None
        self._installed = False

    def __call__(self) -> bool:
        return self.requested

    def _handle(self, _signum: int, _frame: FrameType | None) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    def __enter__(self) -> DeferredInterrupt:
        with contextlib.suppress(ValueError):  # not the main thread: Ctrl-C acts as usual
            self._previous = signal.signal(signal.SIGINT, self._handle)
            self._installed = True
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._installed:
            signal.signal(signal.SIGINT, self._previous)  # type: ignore[arg-type]
            self._installed = False


class LineOutput:
    """stdout (``path`` None) or a file, written line by line without buffering."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._file = None if path is None else open_text_for_writing(path)
        if self._file is None:
            sys.stdout.flush()
            self.fd = sys.stdout.fileno()
        else:
            self.fd = self._file.fileno()
        self._poll: select.poll | None = None
        if not stat.S_ISREG(os.fstat(self.fd).st_mode):  # pipes, terminals: writes may block
            self._poll = select.poll()
            self._poll.register(self.fd, select.POLLOUT)

    def write(self, line: str, stop: Callable[[], bool]) -> bool:
        """Write ``line`` completely and return True; or, when ``stop()`` turns true before any
        of it went out, write nothing and return False. A line once begun is finished."""
        data = memoryview(line.encode("utf-8", "surrogatepass"))
        fd, begun, poll = self.fd, False, self._poll
        try:
            while data:
                if poll is not None:
                    while not poll.poll(200):
                        if not begun and stop():
                            return False
                    if not begun and stop():
                        return False
                    written = os.write(fd, data[:_CHUNK])
                else:
                    written = os.write(fd, data)
                begun = True
                data = data[written:]
        except BrokenPipeError:
            raise
        except OSError as error:  # a full disk, a file system gone read-only
            raise write_failure(self.path or Path("<stdout>"), error) from None
        return True

    def close(self) -> None:
        """Close the file (stdout stays open)."""
        if self._file is not None:
            self._file.close()
