"""``simulate-windows --format json``: the stable, documented machine schema
(docs/simulate-windows.md, docs/schemas/simulate-windows.schema.json)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flinkdoctor.engine.partition_set import LISTED_ONE_BY_ONE
from flinkdoctor.engine.result import SimulationResult
from flinkdoctor.engine.timeutil import LONG_MAX, ZoneShift, format_millis, resolve_zone
from flinkdoctor.engine.values import json_value
from flinkdoctor.findings import Finding
from flinkdoctor.render.findings_json import findings_json
from flinkdoctor.render.replay_wording import dropped_reason, holder_reason, pending_explanation

SCHEMA_VERSION = 1


class _Clock:
    """Formats epoch-ms watermarks and event times in the rowtime's display zone."""

    def __init__(self, result: SimulationResult) -> None:
        zone = resolve_zone(result.display_zone) if result.display_zone != "UTC" else None
        self.shift = ZoneShift(zone) if zone is not None else None

    def ts(self, millis: int | None) -> str | None:
        if millis is None:
            return None
        if millis == LONG_MAX:
            return "MAX_WATERMARK"
        return format_millis(self.shift.to_local(millis) if self.shift is not None else millis)


def simulation_json(
    result: SimulationResult, exit_code: int, findings: Sequence[Finding] = ()
) -> dict[str, Any]:
    """The JSON document for ``result``. ``findings`` are the replay's findings in the Finding
    JSON every command shares; ``diagnoses`` keeps the engine's rule-first sentences."""
    clock = _Clock(result)
    zone = result.display_zone
    types = {c.name: c.type for c in result.columns}
    seen: dict[tuple[Any, str], Any] = {}  # window bounds repeat over the keys' rows

    def cell(value: Any, type_text: str) -> Any:
        if type(value) is not int:
            return json_value(value, type_text)
        got = seen.get((value, type_text))
        if got is None:
            got = seen[(value, type_text)] = json_value(value, type_text)
        return got

    rows = [{name: cell(row[name], types[name]) for name in types} for row in result.rows]
    return {
        "schema_version": SCHEMA_VERSION,
        "columns": [{"name": c.name, "type": c.type} for c in result.columns],
        "rows": rows,
        "row_kinds": list(result.row_kinds),
        "pending": [
            {
                "window_start": format_millis(p.window_start),
                "window_end": format_millis(p.window_end),
                "key": {k: json_value(v, "") for k, v in p.key.items()},
                "records": p.records,
                "needed_watermark": clock.ts(p.needed_watermark),
                "current_watermark": clock.ts(p.current_watermark),
                "held_back_by": [
                    {
                        "input": h.input,
                        "watermark": clock.ts(h.watermark),
                        "last_event_time": clock.ts(h.last_event_time),
                        "reason": holder_reason(h, zone),
                        "rule": h.rule,
                    }
                    for h in p.held_back_by
                ],
                "explanation": pending_explanation(p, zone),
                "rule": "R3.3",
            }
            for p in result.pending
        ],
        "dropped": [
            {
                "source": d.source,
                "partition": d.partition,
                "offset": d.offset,
                "event_time": clock.ts(d.event_time),
                "rule": d.rule,
                "reason": dropped_reason(d),
                "watermark": clock.ts(d.watermark),
            }
            for d in result.dropped
        ],
        "watermarks": [
            {
                "input": t.input,
                "kind": t.kind,
                "subtask": t.subtask,
                "partitions": _listed(t.partitions.ids(LISTED_ONE_BY_ONE)),
                "partition_count": len(t.partitions),
                "partition_ranges": t.partitions.ranges(),
                "records": t.records,
                "last_event_time": clock.ts(t.last_event_time),
                "final_watermark": clock.ts(t.points[-1].watermark) if t.points else None,
                "idle": t.points[-1].idle if t.points else False,
                "points": [
                    {
                        "at_ms": p.at,
                        "watermark": clock.ts(p.watermark),
                        "idle": p.idle,
                        "records": p.records,
                    }
                    for p in t.points
                ],
            }
            for t in result.watermarks
        ],
        "failure": None
        if result.failure is None
        else {
            "rule": result.failure.rule,
            "message": result.failure.message,
            "source": result.failure.source,
            "restarts": result.failure.restarts,
        },
        "summary": {
            "records_in": result.records_in,
            "records_accepted": result.records_accepted,
            "records_filtered": result.records_filtered,
            "rows": len(result.rows),
            "pending_windows": len(result.pending),
            "dropped": result.dropped_total,
            "dropped_by_rule": dict(sorted(result.dropped_by_rule.items())),
            "dropped_listed": len(result.dropped),
            "final_watermark": clock.ts(result.final_watermark),
            "exit_code": exit_code,
        },
        "findings": findings_json(findings),
        "diagnoses": list(result.findings),
        "notes": list(result.notes),
        "config": result.config,
    }


def _listed(ids: tuple[int, ...] | None) -> list[int] | None:
    return None if ids is None else list(ids)
