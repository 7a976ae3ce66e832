"""Small builders for engine tests: a Kafka or filesystem table, a window query, records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flinkdoctor.engine import Overrides, SimulationResult, build_plan, simulate
from flinkdoctor.events.record import Record
from flinkdoctor.sql import parse_script

BASE = int((dt.datetime(2024, 12, 14, 3, 0) - dt.datetime(1970, 1, 1)).total_seconds() * 1000)
"""2024-12-14 03:00:00.000 as epoch millis."""


def script(
    connector: str = "kafka",
    delay: str = "'15' SECOND",
    window: str = "INTERVAL '5' MINUTE",
    sets: str = "",
    extra_options: str = "",
    tvf: bool = False,
    rowtime: str = "ts_ms BIGINT, ts AS TO_TIMESTAMP_LTZ(ts_ms, 3)",
) -> str:
    """A one-table script with a window aggregate by ``k``."""
    opts = {
        "kafka": "'connector' = 'kafka', 'topic' = 'events', 'format' = 'json'",
        "filesystem": "'connector' = 'filesystem', 'path' = '/x', 'format' = 'json'",
    }[connector]
    if tvf:
        query = (
            f"SELECT window_start, window_end, k, COUNT(*) AS c FROM TABLE(TUMBLE(TABLE ev, "
            f"DESCRIPTOR(ts), {window})) GROUP BY window_start, window_end, k;"
        )
    else:
        query = (
            f"SELECT TUMBLE_START(ts, {window}) AS ws, k, COUNT(*) AS c FROM ev "
            f"GROUP BY TUMBLE(ts, {window}), k;"
        )
    return (
        f"{sets}\nCREATE TABLE ev ({rowtime}, k STRING, WATERMARK FOR ts AS ts - INTERVAL {delay}) "
        f"WITH ({opts}{extra_options});\n{query}\n"
    )


def rec(
    ts_ms: int | None,
    partition: int | None = None,
    k: str = "a",
    kafka_ts: int | None = None,
    **extra: Any,
) -> Record:
    """A record with ``ts_ms`` (None = NULL rowtime) on ``partition``."""
    value: dict[str, Any] = {"ts_ms": ts_ms, "k": k, **extra}
    return Record(
        value=value,
        partition=partition,
        offset=0,
        timestamp=kafka_ts if kafka_ts is not None else ts_ms,
        source=f"t:{ts_ms}",
    )


def run(text: str, records: list[Record], **overrides: Any) -> SimulationResult:
    """Parse, plan, simulate."""
    plan = build_plan(parse_script(text, "t.sql"), Overrides(**overrides))
    return simulate(plan, records)


MIN = 60_000
SEC = 1000
