"""One read of an events file for two replays (``explain`` replays the job and, alongside, the job
with the data checks' fix): reading and decoding the lines is the biggest part of a replay, so
each batch is decoded once and handed to both.

``SharedReads(factory, consumers, switch)`` gives each consumer its own factory. The consumers
are coroutines (greenlets, see ``diagnosis.alongside``): one runs at a time, and ``switch(c)``
passes control to consumer ``c`` (it returns when control comes back). The n-th stream a
consumer asks for and the n-th stream every other consumer asks for are one read of
``factory()``: its decoded batches (``reader.value_batches``) are kept until every consumer that
may still read them has. A consumer that is ``window`` batches ahead of one that will read them
too passes control to that one, so the consumers take turns batch by batch: memory stays
bounded, and a batch is read by the second consumer while it is still in the processor's
caches. A consumer reads its streams one after the other (asking for the next one leaves the
previous one, as does ``finish``) and only ever passes control to one behind it, so two
consumers never wait for each other. What a read raises (a bad line) is raised to each consumer
at the same place. Each stream is one ``reader.stream_of_items``: the records a fresh
``factory()`` would give, and ``value_batches`` works on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from flinkdoctor.events.reader import BatchItem, stream_of_items, value_batches
from flinkdoctor.events.record import Record

Factory = Callable[[], Iterable[Record]]
WINDOW = 1
"""Batches (~32 KiB of lines each) a consumer reads ahead of one that will read them too."""


class Abandoned(Exception):
    """Raised to a consumer whose reads were given up (``abort``): the other consumer failed."""


def shareable(factory: Factory) -> bool:
    """Whether ``factory`` gives streams whose decoded batches can be shared (a file read by
    ``read_events``; not a list of records, nor a stream wrapped by a progress counter)."""
    return value_batches(factory()) is not None


@dataclass
class _Read:
    """One read of the file: the decoded batches from ``base`` on, and how it ended."""

    source: Iterator[BatchItem] | None
    file_name: str
    buffer: list[tuple[BatchItem, Exception | None]] = field(default_factory=list)
    base: int = 0
    ended: bool = False
    error: Exception | None = None


class SharedReads:
    """See the module docstring."""

    def __init__(
        self,
        factory: Factory,
        consumers: int,
        switch: Callable[[int], None],
        window: int = WINDOW,
    ) -> None:
        self._factory = factory
        self._switch = switch
        self._window = window
        self._reads: dict[int, _Read] = {}
        self._current = [-1] * consumers  # the read each consumer is on
        self._position = [0] * consumers  # the next batch it takes there
        self._done = [False] * consumers
        self._aborted = False

    def factory(self, consumer: int) -> Factory:
        """The factory of ``consumer``'s streams."""

        def make() -> Iterable[Record]:
            index = self._current[consumer] + 1
            self._current[consumer] = index
            self._position[consumer] = 0
            read = self._read(index)
            self._trim()
            return stream_of_items(self._items(consumer, index), read.file_name)

        return make

    def finish(self, consumer: int) -> None:
        """``consumer`` reads nothing more."""
        self._done[consumer] = True
        self._trim()

    def abort(self) -> None:
        """Every consumer's next batch raises ``Abandoned``."""
        self._aborted = True

    def _read(self, index: int) -> _Read:
        read = self._reads.get(index)
        if read is None:
            batches = value_batches(self._factory())
            if batches is None:  # pragma: no cover - ``shareable`` is checked first
                raise RuntimeError("events factory gives streams that cannot be shared")
            read = self._reads[index] = _Read(batches[0], batches[1])
        return read

    def _needs(self, consumer: int, index: int) -> bool:
        """Whether ``consumer`` may still read batches of read ``index``."""
        return not self._done[consumer] and self._current[consumer] <= index

    def _lowest(self, index: int, besides: int) -> tuple[int, int] | None:
        """The lowest position in read ``index`` of a consumer other than ``besides`` that may
        still read it (0 for one that has not reached it yet), and that consumer."""
        low: tuple[int, int] | None = None
        for other in range(len(self._done)):
            if other == besides or not self._needs(other, index):
                continue
            pos = self._position[other] if self._current[other] == index else 0
            if low is None or pos < low[0]:
                low = (pos, other)
        return low

    def _trim(self) -> None:
        """Drop the batches no consumer will read, and the reads no consumer needs."""
        for index in list(self._reads):
            read = self._reads[index]
            users = [c for c in range(len(self._done)) if self._needs(c, index)]
            if not users:
                del self._reads[index]
                continue
            low = min(self._position[c] if self._current[c] == index else 0 for c in users)
            if low > read.base:
                del read.buffer[: low - read.base]
                read.base = low

    def _next(self, consumer: int, index: int) -> tuple[BatchItem, Exception | None] | None:
        """The batch at ``consumer``'s position in read ``index`` (None: the read ended)."""
        while True:
            if self._aborted:
                raise Abandoned
            if self._current[consumer] != index:  # pragma: no cover - a stream read late
                raise RuntimeError("a shared events stream was read after the next one began")
            read = self._reads[index]
            pos = self._position[consumer]
            at = pos - read.base
            if at < len(read.buffer):
                taken = read.buffer[at]
                self._position[consumer] = pos + 1
                if at == 0:
                    self._trim()
                return taken
            if read.ended:
                if read.error is not None:
                    raise read.error
                return None
            low = self._lowest(index, consumer)
            if low is not None and pos - low[0] >= self._window:
                self._switch(low[1])  # its turn: it reads what this one has read
                continue
            got = self._decode(read)
            if got is not None:
                read.buffer.append(got)

    def _decode(self, read: _Read) -> tuple[BatchItem, Exception | None] | None:
        """The next batch of ``read`` (None: it ended); the records of one that went the
        careful way are read to the end now (the format they reveal is needed by the next
        batch), and what stopped them comes with them."""
        assert read.source is not None
        try:
            item = next(read.source, None)
        except Exception as error:  # raised to each consumer in its turn
            read.ended, read.error, read.source = True, error, None
            return None
        if item is None:
            read.ended, read.source = True, None
            return None
        values, careful, first, fmt = item
        if values is not None:
            return item, None
        assert careful is not None
        records: list[Record] = []
        stop: Exception | None = None
        try:
            records.extend(careful)
        except Exception as failure:  # raised after the records, as read
            stop = failure
            read.ended, read.source = True, None
        return (None, records, first, fmt), stop

    def _items(self, consumer: int, index: int) -> Iterator[BatchItem]:
        while True:
            got = self._next(consumer, index)
            if got is None:
                return
            (values, careful, first, fmt), error = got
            if values is None:
                assert careful is not None
                careful = _then(careful, error)
            yield values, careful, first, fmt


def _then(records: Iterable[Record], error: Exception | None) -> Iterator[Record]:
    yield from records
    if error is not None:
        raise error
