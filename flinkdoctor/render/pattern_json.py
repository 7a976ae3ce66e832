"""``check-pattern --format json``: the stable, documented schema (docs/check-pattern.md)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from flinkdoctor.diagnosis.pattern_check import PatternReport
from flinkdoctor.diagnosis.pattern_findings import pattern_findings
from flinkdoctor.findings import Finding
from flinkdoctor.render.findings_json import findings_json


def pattern_report_dict(
    report: PatternReport, findings: Sequence[Finding] | None = None
) -> dict[str, Any]:
    """The report as plain JSON-ready data; field order is part of the contract. ``findings``
    (default: from the report alone) is the same Finding JSON as every command's."""
    if findings is None:
        findings = pattern_findings(report)
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
        "findings": findings_json(findings),
    }


def pattern_report_json(report: PatternReport, findings: Sequence[Finding] | None = None) -> str:
    """Serialise with non-ASCII kept readable (values are user data)."""
    return json.dumps(pattern_report_dict(report, findings), ensure_ascii=False, indent=2)
