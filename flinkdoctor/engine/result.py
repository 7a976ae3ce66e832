"""Typed simulation results: what the sink received, what is still open and why, what was dropped
and by which rule, how each input's watermark moved, and whether the job failed. Facts only (the
"why" as ``kind`` / ``cause`` plus the values a sentence needs); render/replay_wording.py words
them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flinkdoctor.engine.partition_set import PartitionSet


@dataclass(frozen=True, slots=True)
class Column:
    """An output column of the query: name and Flink type (as Flink prints it)."""

    name: str
    type: str


@dataclass(frozen=True, slots=True)
class Holder:
    """An input whose watermark is below what a window needs, and why, as facts
    (render/replay_wording.py words them)."""

    input: str
    """``partition P (subtask N)`` (a Kafka split), ``partitions 0-9, 11-39 (subtask N)`` (the
    never-fed splits of a subtask, when more than a few) or ``subtask N`` (a source subtask)."""
    watermark: int | None
    """Its watermark in epoch ms; None when it has none yet (Long.MIN_VALUE)."""
    last_event_time: int | None
    """Its newest event time in epoch ms; None when it has none."""
    rule: str
    kind: str = ""
    """Why, as a fact: ``no-partition`` (a subtask owning no split, R2.3), ``no-data`` (no
    record yet), ``null-rowtime`` (only NULL rowtimes, R1.7), ``no-emission`` (periodic
    emission off, R1.8), ``behind`` (its newest event time is too old), ``not-emitted`` (ahead,
    but its watermark has not been emitted yet)."""
    partition: int | None = None
    """The Kafka partition, for a split."""
    subtask: int | None = None
    """The source subtask that reads it (or is it)."""
    records: int = 0
    """Records it has read."""
    partition_count: int = 0
    """The partitions it stands for: 1 for a split, more for never-fed splits named together
    (``partition`` is then None), 0 for a subtask."""
    idle_timeout: bool = False
    """An idle timeout is set (``no-data``: it would be marked idle)."""
    next_watermark: int | None = None
    """``behind`` split: the watermark its next periodic emission would raise it to, None when
    that is not higher than its watermark."""
    topic: str = ""
    """``no-partition``: the Kafka topic the source reads."""
    topic_partitions: int = 0
    """``no-partition``: that topic's partition count."""
    parallelism: int = 0
    """``no-partition``: the source parallelism (above that partition count)."""


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
    """The operator watermark at the end of the run (epoch ms, LONG_MAX = end of input); None
    when there is none yet."""
    held_back_by: tuple[Holder, ...]
    """The inputs below ``needed_watermark``, lowest first; the first one is the cause named."""
    buffered: bool = False
    """The watermark has passed it but its rows wait in an aggregation buffer."""
    release_event_time: int | None = None
    """The event time every holding input must reach for it to fire (needed watermark plus the
    WATERMARK delay); None when the delay is not a constant or nothing can release it."""
    all_idle: bool = False
    """Every input is idle: idleness never advances event time past the data (R2.6, R2.7)."""
    window_offset: bool = False
    """The window has an offset: buffered rows are dropped as late when flushed."""
    watermark_delay: int | None = None
    """The WATERMARK's constant delay in ms, None when it is not a constant."""


@dataclass(frozen=True, slots=True)
class DroppedRecord:
    """An input record that reached no result, the rule that dropped it and why, as facts
    (render/replay_wording.py words them)."""

    source: str
    partition: int | None
    offset: int | None
    event_time: int | None
    rule: str
    watermark: int | None
    """The window operator's watermark when it was dropped (epoch ms), None when none yet."""
    cause: str = ""
    """Why, as a fact: ``late``, ``late-null-rowtime`` (NULL read as epoch 0 by a legacy
    window), ``null-rowtime`` (a window TVF drops it), ``local-buffer`` (late after waiting in a
    local pre-aggregation buffer), ``lost-in-buffer`` (kept without a timer)."""
    records: int = 1
    """The input records this entry stands for: more than 1 for a pre-aggregated slice (same key
    and slice) dropped or lost together."""


@dataclass(frozen=True, slots=True)
class JobFailure:
    """The job failed (it would restart-loop under a restart strategy and write nothing more)."""

    rule: str
    message: str
    source: str
    restarts: bool
    """True when checkpointing is on, so Flink restarts it forever instead of failing (R1.5)."""
    field: str | None = None
    """The event field flink-json could not decode (R4.5), when that is the failure."""
    value: str | None = None
    """That field's raw text in the failing record."""
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
    partitions: PartitionSet
    """The partitions it reads (a split: its own; a subtask: every one it owns)."""
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
    null_rowtime_records: int = 0
    """Records whose rowtime was NULL and that a legacy group window read as epoch 0 (R6.8)."""
    regular_aggregate: bool = False
    """The query is a regular GroupAggregate over a window TVF, emitting updates (R3.8)."""
    max_event_time: int | None = None
    """The newest rowtime any input saw (epoch ms), None when none."""
    watermark_delay: int | None = None
    """The WATERMARK's constant delay in ms (``rowtime - INTERVAL ...``), None otherwise."""

    @property
    def clean(self) -> bool:
        """No diagnosis: no failure, nothing dropped, nothing left waiting, no finding."""
        return (
            self.failure is None
            and not self.pending
            and self.dropped_total == 0
            and not self.findings
        )
