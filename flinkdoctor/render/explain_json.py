"""``explain --format json``: the stable, documented schema (docs/schemas/explain.schema.json,
docs/explain.md): ``{"verdict", "sink_rows", "findings", "queries", ...}``."""

from __future__ import annotations

import json
from typing import Any

from flinkdoctor.diagnosis.edits import unified_diff
from flinkdoctor.diagnosis.explain import ExplainResult, QueryReport
from flinkdoctor.diagnosis.replay_findings import ts
from flinkdoctor.render.findings_json import finding_json, fix_json, location_json

SCHEMA_VERSION = 1


def explain_dict(result: ExplainResult) -> dict[str, Any]:
    """The result as JSON-ready data; key order is part of the contract."""
    text = result.script_text
    path = result.source

    def diff(edits: Any) -> str | None:
        return unified_diff(text, edits, path) if edits else None

    return {
        "verdict": result.verdict,
        "sink_rows": result.sink_rows,
        "findings": [
            finding_json(f, diff(f.fix.edits) if f.fix is not None else None)
            for f in result.findings
        ],
        "queries": [_query(q) for q in result.queries],
        "schema_version": SCHEMA_VERSION,
        "verdict_text": result.verdict_text,
        "exit_code": result.exit_code,
        "script": path,
        "records": result.records,
        "fix": fix_json(result.fix, diff(result.fix.edits) if result.fix else None),
        "assumptions": list(result.assumptions),
        "placeholders": list(result.placeholders),
    }


def _query(q: QueryReport) -> dict[str, Any]:
    return {
        "index": q.index,
        "sink": q.sink,
        "location": location_json(q.location),
        "table": q.table,
        "window": q.window,
        "arrival": q.arrival,
        "arrival_reason": q.arrival_reason,
        "rows": q.rows,
        "visible_rows": q.visible_rows,
        "windows_fired": q.windows_fired,
        "pending_windows": q.pending_windows,
        "final_watermark": ts(q.final_watermark) if q.final_watermark is not None else None,
        "failure": q.failure,
        "error": q.error,
        "sink_note": q.sink_note,
    }


def explain_json(result: ExplainResult) -> str:
    """Serialised with non-ASCII kept readable (values are user data)."""
    return json.dumps(explain_dict(result), ensure_ascii=False, indent=2)
