"""``check-pattern --format json``: the stable, documented schema (docs/check-pattern.md)."""

from __future__ import annotations

import json
from typing import Any

from flinkdoctor.diagnosis.pattern_check import PatternReport


def pattern_report_dict(report: PatternReport) -> dict[str, Any]:
    """The report as plain JSON-ready data; field order is part of the contract."""
    problem = report.first_problem
    suggestion = report.suggestion
    return {
        "pattern": report.conversion.pattern,
        "conversion": report.conversion.describe(),
        "results": [
            {
                "value": result.value,
                "status": result.conversion.status.value,
                "timestamp": result.timestamp,
                "reason": result.conversion.reason,
            }
            for result in report.results
        ],
        "summary": {
            "total": len(report.results),
            **report.counts,
            "first_problem": None
            if problem is None
            else {
                "index": problem[0],
                "value": problem[1].value,
                "status": problem[1].conversion.status.value,
                "reason": problem[1].conversion.reason,
                "error_index": problem[1].conversion.error_index,
            },
        },
        "notes": list(report.notes),
        "suggestion": None
        if suggestion is None
        else {
            "pattern": suggestion.pattern,
            "sql_literal": suggestion.sql_literal,
            "ddl": suggestion.ddl,
            "parsed": suggestion.parsed,
            "total": suggestion.total,
            "note": suggestion.note,
        },
    }


def pattern_report_json(report: PatternReport) -> str:
    """Serialise with non-ASCII kept readable (values are user data)."""
    return json.dumps(pattern_report_dict(report), ensure_ascii=False, indent=2)
