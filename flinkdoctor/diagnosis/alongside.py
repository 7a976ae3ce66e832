"""Two replays on one read of the events: ``explain`` replays the job and, when the data checks
already know the rowtime fix, the fixed job too (the fix's verification). Reading and decoding a
file is the biggest part of a replay, so the second one runs alongside the first (a greenlet in
the same thread), each decoded batch handed to both (``events.shared``). Only the reading is
shared: each replay computes exactly what it computes alone, and the second one's outcome (its
value, or what it raised) is given to whoever asks for it later, as if it had run then.

``Alongside`` is the shape of that strategy, so an edge that may use another core (a forked
process reading the file itself, ``cli.forked``) can be given to ``explain`` instead: whatever
runs ``side``, its outcome must be the one ``side`` has when it runs alone.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

import greenlet

from flinkdoctor.events.record import Record
from flinkdoctor.events.shared import SharedReads, shareable

T = TypeVar("T")
U = TypeVar("U")
Factory = Callable[[], Iterable[Record]]


@dataclass(frozen=True, slots=True)
class Outcome(Generic[U]):
    """What a computation returned, or raised."""

    value: U | None
    error: BaseException | None

    def get(self) -> U:
        """The value, or the exception raised again."""
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]


class Alongside(Protocol):
    """Runs ``main(factory)`` and returns its value with ``side``'s outcome (None: ``side`` did
    not run, and is to run later when asked for); what ``main`` raises goes on."""

    def __call__(
        self, factory: Factory, main: Callable[[Factory], T], side: Callable[[Factory], U]
    ) -> tuple[T, Outcome[U] | None]: ...


def alongside(
    factory: Factory, main: Callable[[Factory], T], side: Callable[[Factory], U]
) -> tuple[T, Outcome[U] | None]:
    """``main(events)`` and ``side(events)``, the events read once for both; ``side``'s outcome
    is None when the events cannot be shared (a list in memory, a stream counted for a progress
    bar): then only ``main`` runs, as it would alone. The two are greenlets (coroutines in this
    thread, switched without the operating system) taking turns batch by batch
    (``events.shared``); ``side`` runs to its end after ``main``. If ``main`` raises, ``side``
    is given up and the exception goes on. The garbage collector is paused meanwhile
    (``simulate`` pauses it too, and the two replays would re-enable it for each other)."""
    if not shareable(factory):
        return main(factory), None
    box: list[Outcome[U]] = []

    def run_side() -> None:
        try:
            box.append(Outcome(side(shared.factory(1)), None))
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as error:  # raised where the outcome is used
            box.append(Outcome(None, error))
        finally:
            shared.finish(1)

    here = greenlet.getcurrent()
    there = greenlet.greenlet(run_side)
    players = (here, there)
    shared = SharedReads(factory, 2, lambda consumer: players[consumer].switch())
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        try:
            value = main(shared.factory(0))
        except BaseException:
            shared.abort()
            if there:  # started and suspended at a read: its next batch raises Abandoned
                there.switch()
            raise
        finally:
            shared.finish(0)
        if not there.dead:
            there.switch()  # the rest of it: it no longer takes turns with ``main``
    finally:
        if paused:
            gc.enable()
    if not box:  # pragma: no cover - run_side always leaves an outcome
        raise RuntimeError("the side replay left no outcome")
    return value, box[0]
