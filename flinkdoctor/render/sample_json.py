"""``sample``'s summary for programs: a stable JSON document (schema in docs/sample.md).

Timestamps are strings ``YYYY-MM-DD HH:MM:SS.fff`` (UTC) or null, like every flinkdoctor JSON.
"""

from __future__ import annotations

import json
from typing import Any

from flinkdoctor.events.sampling import (
    Boundary,
    PartitionStats,
    SampleSummary,
    describe_start,
    format_millis,
)

STALE_AFTER_MS = 5 * 60 * 1000
"""A partition whose newest message is this much older than the topic's newest is called stale."""


def summary_document(summary: SampleSummary, elapsed: float) -> dict[str, Any]:
    """The summary as plain JSON-ready data."""
    newest = newest_timestamp(summary)
    partitions = []
    for number, stats in sorted(summary.partitions.items()):
        meta = _meta(summary, number)
        rng = summary.ranges.get(number)
        last_ts = meta.last.timestamp if meta is not None and meta.last is not None else None
        partitions.append(
            {
                "partition": number,
                "sampled": stats.count,
                "first_offset": stats.first_offset,
                "last_offset": stats.last_offset,
                "range": None if rng is None else {"start": rng.start, "stop": rng.stop},
                "begin_offset": None if meta is None else meta.begin,
                "end_offset": None if meta is None else meta.end,
                "empty": meta is not None and meta.retained == 0,
                "stale": is_stale(last_ts, newest),
                "first_message": _boundary(None if meta is None else meta.first),
                "last_message": _boundary(None if meta is None else meta.last),
                "sample": _stats(stats),
            }
        )
    return {
        "topic": summary.topic,
        "from": describe_start(summary.start),
        "stop_reason": summary.stop_reason,
        "elapsed_seconds": round(elapsed, 3),
        "sampled": summary.total,
        "undecodable": summary.undecodable,
        "partition_count": len(summary.partitions),
        "empty_partitions": summary.empty_partitions(),
        "partitions": partitions,
    }


def summary_json(summary: SampleSummary, elapsed: float) -> str:
    """``summary_document`` as indented JSON text."""
    return json.dumps(summary_document(summary, elapsed), indent=2, ensure_ascii=False)


def newest_timestamp(summary: SampleSummary) -> int | None:
    """The newest Kafka timestamp over all partitions' last messages (or the sample)."""
    stamps = [
        p.last.timestamp
        for p in (summary.metadata.partitions if summary.metadata else ())
        if p.last is not None and p.last.timestamp is not None
    ]
    stamps += [s.max_timestamp for s in summary.partitions.values() if s.max_timestamp is not None]
    return max(stamps) if stamps else None


def is_stale(last_timestamp: int | None, newest: int | None) -> bool:
    """Whether a partition's newest message lags the topic's newest by ``STALE_AFTER_MS``."""
    return (
        last_timestamp is not None
        and newest is not None
        and (newest - last_timestamp >= STALE_AFTER_MS)
    )


def _meta(summary: SampleSummary, number: int) -> Any:
    if summary.metadata is None:
        return None
    return next((p for p in summary.metadata.partitions if p.partition == number), None)


def _boundary(boundary: Boundary | None) -> dict[str, Any] | None:
    if boundary is None:
        return None
    return {
        "offset": boundary.offset,
        "timestamp": _ts(boundary.timestamp),
        "timestamp_type": boundary.timestamp_type,
        "event_time": _ts(boundary.event_time),
    }


def _stats(stats: PartitionStats) -> dict[str, Any]:
    return {
        "min_timestamp": _ts(stats.min_timestamp),
        "max_timestamp": _ts(stats.max_timestamp),
        "timestamp_types": sorted(stats.timestamp_types),
        "undecodable": stats.undecodable,
        "first_event_time": _ts(stats.first_event_time),
        "last_event_time": _ts(stats.last_event_time),
        "min_event_time": _ts(stats.min_event_time),
        "max_event_time": _ts(stats.max_event_time),
        "missing_event_time": stats.missing_event_time,
        "out_of_order_event_time": stats.out_of_order_event_time,
    }


def _ts(millis: int | None) -> str | None:
    return None if millis is None else format_millis(millis)
