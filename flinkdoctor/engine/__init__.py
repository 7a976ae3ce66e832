"""The event-time engine: a deterministic replay of Flink's runtime (1.20 by default).

Usage::

    from flinkdoctor.engine import Overrides, build_plan, simulate
    plan = build_plan(script, Overrides(partitions=3, arrival="file"))   # sql.model.Script
    result = simulate(plan, records)        # Iterable[events.Record], streamed
    result.rows, result.pending, result.dropped, result.watermarks, result.failure

Parts are named after Flink's: ``split_watermarks`` (per-split generators, multiplexer,
``WatermarkToDataOutput``), ``watermark_assigner`` (``WatermarkAssignerOperator``), ``idleness``,
``valve`` (``StatusWatermarkValve``), ``kafka_assignment``
(``KafkaSourceEnumerator#getSplitOwner``),
``slice_assigner``, ``slicing_window`` (local/global window TVF aggregation), ``window_operator``
(legacy group windows, sessions), ``aggregates``, ``arrival``, ``simulator``.

Results are facts (epoch millis, counts, ``kind`` / ``cause``), never sentences:
``flinkdoctor.render.replay_wording`` puts them in words.
"""

from flinkdoctor.engine.plan import EnginePlan, Overrides, build_plan, windowed_queries
from flinkdoctor.engine.result import (
    Column,
    DroppedRecord,
    Holder,
    InputTimeline,
    JobFailure,
    PendingWindow,
    SimulationResult,
    TimelinePoint,
)
from flinkdoctor.engine.simulator import simulate

__all__ = [
    "Column",
    "DroppedRecord",
    "EnginePlan",
    "Holder",
    "InputTimeline",
    "JobFailure",
    "Overrides",
    "PendingWindow",
    "SimulationResult",
    "TimelinePoint",
    "build_plan",
    "simulate",
    "windowed_queries",
]
