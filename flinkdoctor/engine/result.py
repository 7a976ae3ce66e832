"""Typed simulation results: what the sink received, what is still open and why, what was dropped
and by which rule, how each input's watermark moved, and whether the job failed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Column:
    """An output column of the query: name and Flink type (as Flink prints it)."""

    name: str
    type: str


@dataclass(frozen=True, slots=True)
class Holder:
    """An input whose watermark is below what a window needs."""

    input: str
    """``topic-partition`` (a Kafka split) or ``subtask N`` (a source subtask)."""
    watermark: int | None
    """Its watermark in epoch ms; None when it has none yet (Long.MIN_VALUE)."""
    last_event_time: int | None
    reason: str
    rule: str


@dataclass(frozen=True, slots=True)
class PendingWindow:
    """A window (per key) with data that has not fired."""

    window_start: int
    window_end: int
    key: dict[str, Any]
    records: int
    needed_watermark: int
    """The operator watermark that fires it (epoch ms of window_end - 1, R3.3)."""
    current_watermark: int | None
    held_back_by: tuple[Holder, ...]
    explanation: str


@dataclass(frozen=True, slots=True)
class DroppedRecord:
    """An input record that reached no result, and the rule that dropped it."""

    source: str
    partition: int | None
    offset: int | None
    event_time: int | None
    rule: str
    reason: str
    watermark: int | None


@dataclass(frozen=True, slots=True)
class JobFailure:
    """The job failed (it would restart-loop under a restart strategy and write nothing more)."""

    rule: str
    message: str
    source: str
    restarts: bool
    """True when checkpointing is on, so Flink restarts it forever instead of failing (R1.5)."""
    at_planning: bool = False
    """True when Flink rejects the job while planning it: it never starts (no restarts, no
    records read)."""


@dataclass(frozen=True, slots=True)
class TimelinePoint:
    """From processing time ``at`` (ms since the job started) on, ``watermark`` (epoch ms,
    None = none yet, the MAX end-of-input watermark is LONG_MAX)."""

    at: int
    watermark: int | None
    idle: bool
    records: int


@dataclass(frozen=True, slots=True)
class InputTimeline:
    """One input's watermark over the run; the last point is its final state."""

    input: str
    kind: str
    """``split`` (a Kafka partition), ``subtask`` (a source subtask) or ``operator`` (the window
    operator's input, the min that decides firing)."""
    subtask: int | None
    partitions: tuple[int, ...]
    last_event_time: int | None
    records: int
    points: tuple[TimelinePoint, ...]


@dataclass(frozen=True, slots=True)
class SimulationResult:
    """Everything ``simulate`` found. ``rows`` are dicts keyed by the query's output columns, in
    the order the sink received them; values are Python values of the column types (timestamps
    as epoch-like millis of the printed wall-clock value: see ``timestamp_columns``)."""

    columns: tuple[Column, ...]
    rows: tuple[dict[str, Any], ...]
    row_kinds: tuple[str, ...]
    pending: tuple[PendingWindow, ...]
    dropped: tuple[DroppedRecord, ...]
    dropped_total: int
    dropped_by_rule: dict[str, int]
    watermarks: tuple[InputTimeline, ...]
    config: dict[str, Any]
    failure: JobFailure | None
    records_in: int
    records_accepted: int
    final_watermark: int | None
    notes: tuple[str, ...] = ()
    timestamp_columns: frozenset[str] = field(default_factory=frozenset)
    display_zone: str = "UTC"
    records_filtered: int = 0
    """Records the WHERE clause removed (after they moved the watermark)."""
    findings: tuple[str, ...] = ()
    """Diagnoses that are neither a failure, a drop nor an open window (e.g. R3.8: the query is
    a regular aggregate emitting updates), each starting with its rule id."""

    @property
    def clean(self) -> bool:
        """No diagnosis: no failure, nothing dropped, nothing left waiting, no finding."""
        return (
            self.failure is None
            and not self.pending
            and self.dropped_total == 0
            and not self.findings
        )
