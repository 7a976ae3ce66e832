"""Progress for long work (a replay, a Kafka read), shared by every command.

A bar on stderr appears only when the work has taken more than a second, stderr is a terminal, the
output is not JSON and ``--quiet`` is off; it is transient, so what stays on the screen is the
result alone. Fast runs, pipes, logs and programs never see it.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from flinkdoctor.render.console import make_console

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

    from flinkdoctor.events.reader import BatchItem

T = TypeVar("T")

DELAY = 1.0
"""Seconds of work before a bar appears (``FLINKDOCTOR_PROGRESS_DELAY`` overrides it: 0 shows
the bar at once, which is how the terminal tests see it without a slow input)."""

QuietOpt = Annotated[
    bool,
    typer.Option(
        "--quiet",
        "-q",
        help="Print the result only: no progress, notes or summary on stderr.",
    ),
]


def stderr_console(quiet: bool = False) -> Console:
    """The console for notes on stderr: silent with ``--quiet``; user text is never markup."""
    return make_console(stderr=True, quiet=quiet)


def wanted(quiet: bool = False, machine_output: bool = False) -> bool:
    """Whether a bar may be shown at all: a person at a terminal who asked for text."""
    return not quiet and not machine_output and sys.stderr.isatty()


class Work:
    """A deferred, transient progress bar: ``with Work("replaying", enabled) as work:`` then
    ``work.track(items)`` or ``work.advance(n)``. Counts are cheap (no drawing until shown)."""

    def __init__(self, description: str, enabled: bool, total: int | None = None) -> None:
        self.enabled = enabled
        self.completed = 0
        self._lock = threading.Lock()
        self._shown = False
        self._done = False
        self._timer: threading.Timer | None = None
        self._progress: Progress | None = None
        if enabled:  # rich's progress is imported only where a bar can show
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            columns = [
                SpinnerColumn(),
                TextColumn(description),
                BarColumn(),
                MofNCompleteColumn() if total else TextColumn("{task.completed:,} records"),
                TimeElapsedColumn(),
            ]
            self._progress = Progress(
                *columns, console=make_console(stderr=True), transient=True, refresh_per_second=8
            )
            self._task = self._progress.add_task(description, total=total)

    def __enter__(self) -> Work:
        if not self.enabled:
            return self
        delay = _delay()
        if delay <= 0:
            self._show()
        else:
            self._timer = threading.Timer(delay, self._show)
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        with self._lock:
            self._done = True
            if self._timer is not None:
                self._timer.cancel()
            if self._shown and self._progress is not None:
                self._progress.stop()

    def _show(self) -> None:
        with self._lock:
            if self._done or self._progress is None:
                return
            self._shown = True
            self._progress.update(self._task, completed=self.completed)
            self._progress.start()

    @property
    def shown(self) -> bool:
        """Whether the bar was drawn (the work took longer than ``DELAY``)."""
        return self._shown

    def advance(self, count: int = 1) -> None:
        """``count`` more items done."""
        self.completed += count
        if self._shown and self._progress is not None:
            self._progress.update(self._task, completed=self.completed)

    def track(self, items: Iterable[T], every: int = 1000) -> Iterable[T]:
        """``items``, counted as they pass (the bar is updated every ``every`` items); ``items``
        itself when no bar can show, so the hot loop pays nothing. A stream of ``read_events``
        stays one (counted a decoded batch at a time, or by the split fetchers that read its
        file), so the engine's loops over decoded batches and ``explain``'s shared reads still
        work under a bar."""
        if not self.enabled:
            return items
        from flinkdoctor.events.reader import file_source, stream_of_items, value_batches

        source = file_source(items)  # type: ignore[arg-type]
        batches = value_batches(items)  # type: ignore[arg-type]
        if batches is not None:
            path = None if source is None else source[0]
            counted = stream_of_items(
                self._counted_batches(batches[0], every), batches[1], path, self.advance
            )
            return counted  # type: ignore[return-value]
        return self._counted(items, every)

    def _counted_batches(self, items: Iterator[BatchItem], every: int) -> Iterator[BatchItem]:
        for values, careful, first, fmt in items:
            if values is not None:
                self.advance(len(values))
            elif careful is not None:
                careful = self._counted(careful, every)
            yield values, careful, first, fmt

    def _counted(self, items: Iterable[T], every: int) -> Iterator[T]:
        pending = 0
        for item in items:
            yield item
            pending += 1
            if pending == every:
                self.advance(pending)
                pending = 0
        self.advance(pending)


def _delay() -> float:
    try:
        return float(os.environ.get("FLINKDOCTOR_PROGRESS_DELAY", DELAY))
    except ValueError:
        return DELAY
