"""A set of Kafka partition ids kept as arithmetic ranges, never as one entry per id.

A subtask owns every n-th partition of the topic (R2.2), and the ones that never received a
record are that progression minus the few that did: a handful of ``range`` objects describe
them whatever the topic's size (ids up to 2^31 - 1), and the reports name them as ranges.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain

LISTED_ONE_BY_ONE = 10_000
"""Partition ids a report lists one by one at most (JSON ``partitions``, ``partition_owners``);
a larger set is given as ranges."""

_SHOWN_SEGMENTS = 4
"""Ranges a text names at most (the first ones and the last one; the rest are counted)."""


class PartitionSet:
    """Non-empty ranges of partition ids, each one's ids all below the next one's (immutable)."""

    __slots__ = ("_size", "segments")

    def __init__(self, segments: tuple[range, ...] = ()) -> None:
        self.segments = segments
        self._size = sum(len(r) for r in segments)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PartitionSet) and self.segments == other.segments

    def __hash__(self) -> int:
        return hash(tuple((r[0], r[-1], r.step if len(r) > 1 else 1) for r in self.segments))

    def __repr__(self) -> str:
        return f"PartitionSet({self.text()})"

    @staticmethod
    def minus(owned: range, taken: Iterable[int]) -> PartitionSet:
        """``owned`` without the ids of ``taken`` (those outside ``owned`` are ignored): one range
        per gap, so the cost follows ``taken``, not ``owned``."""
        cuts = sorted({owned.index(p) for p in taken if p in owned})
        if not cuts:
            return PartitionSet.of_range(owned)
        segments: list[range] = []
        at = 0
        for cut in [*cuts, len(owned)]:
            if cut > at:
                part = owned[at:cut]
                segments.append(part if len(part) > 1 else range(part[0], part[0] + 1))
            at = cut + 1
        return PartitionSet(tuple(segments))

    def __len__(self) -> int:
        return self._size

    def __bool__(self) -> bool:
        return bool(self.segments)

    def __iter__(self) -> Iterator[int]:
        """Every id in ascending order."""
        return chain.from_iterable(self.segments)

    def __contains__(self, partition: object) -> bool:
        return any(partition in r for r in self.segments)

    @property
    def first(self) -> int | None:
        """The lowest id (None when empty)."""
        return self.segments[0][0] if self.segments else None

    @staticmethod
    def of_range(ids: range) -> PartitionSet:
        """The ids of ``ids``."""
        if len(ids) > 1:
            return PartitionSet((ids,))
        return PartitionSet((range(ids[0], ids[0] + 1),)) if ids else PartitionSet()

    @staticmethod
    def single(partition: int) -> PartitionSet:
        """One partition."""
        return PartitionSet((range(partition, partition + 1),))

    def ids(self, limit: int) -> tuple[int, ...] | None:
        """Every id, ascending, when there are at most ``limit``; None when there are more."""
        return tuple(self) if self._size <= limit else None

    def ranges(self) -> list[dict[str, int]]:
        """The ranges as ``{"first", "last", "step"}`` (inclusive ends), for JSON."""
        return [{"first": r[0], "last": r[-1], "step": r.step} for r in self.segments]

    def text(self) -> str:
        """``0-39999, 40001-2147483646`` or ``3-2147483643 step 4``: at most a few ranges named,
        the first ones and the last one."""
        parts = [_segment_text(r) for r in self.segments]
        if len(parts) > _SHOWN_SEGMENTS:
            hidden = len(parts) - _SHOWN_SEGMENTS + 1
            parts = [*parts[: _SHOWN_SEGMENTS - 1], f"... ({hidden} more ranges)", parts[-1]]
        return ", ".join(parts)


def _segment_text(r: range) -> str:
    if len(r) == 1:
        return str(r[0])
    if len(r) == 2:
        return f"{r[0]}, {r[1]}"
    return f"{r[0]}-{r[-1]}" + (f" step {r.step}" if r.step != 1 else "")
