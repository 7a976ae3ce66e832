"""The findings of one ``check-pattern`` report, in the one ``Finding`` model every command
speaks: the field the events lack, and the values the conversion cannot read."""

from __future__ import annotations

from typing import Any

from flinkdoctor.diagnosis.pattern_check import PatternReport
from flinkdoctor.findings import Finding, kind
from flinkdoctor.sql.string_literal import escape_sql_literal
from flinkdoctor.timeformat import Status


def pattern_findings(
    report: PatternReport, missing_field: str | None = None, missing: int = 0
) -> list[Finding]:
    """``rowtime-field-missing`` (when ``missing`` events lack ``missing_field``), then
    ``pattern-mismatch`` / ``json-timestamp-format`` for the values that do not convert."""
    out: list[Finding] = []
    conversion = report.conversion
    total = len(report.results)
    if missing and missing_field:
        entry = kind("rowtime-field-missing")
        out.append(
            Finding(
                entry.code,
                entry.name,
                entry.severity,
                f"field '{missing_field}' is missing in {missing} of {total} events: flink-json "
                "reads a missing field as NULL, so the rowtime is NULL",
                None,
                {"field": missing_field, "missing": missing, "sampled": total},
                None,
                "R4.5",
            )
        )
    bad = [
        (i, r)
        for i, r in enumerate(report.results)
        if r.value is not None and r.conversion.status in (Status.NULL, Status.FAIL)
    ]
    if not bad:
        return out
    name = "json-timestamp-format" if conversion.kind == "json" else "pattern-mismatch"
    entry = kind(name)
    checked = sum(1 for r in report.results if r.value is not None)
    suggestion = report.suggestion
    evidence: dict[str, Any] = {
        "conversion": conversion.describe(),
        "pattern": conversion.pattern,
        "failing": len(bad),
        "checked": checked,
        "examples": [
            {
                "index": i,
                "value": r.value,
                "status": r.conversion.status.value,
                "reason": r.conversion.reason,
                "error_index": r.conversion.error_index,
            }
            for i, r in bad[:3]
        ],
        "suggested_pattern": suggestion.pattern if suggestion is not None else None,
    }
    what = (
        f"pattern '{escape_sql_literal(conversion.pattern)}'"
        if conversion.pattern
        else conversion.describe()
    )
    fails = any(r.conversion.status is Status.FAIL for _, r in bad)
    message = f"{len(bad)} of {checked} values do not convert with {what}: " + (
        "the job fails on the first one" if fails else "Flink returns NULL, without an error"
    )
    out.append(
        Finding(entry.code, entry.name, entry.severity, message, None, evidence, None, "R4.1")
    )
    return out
