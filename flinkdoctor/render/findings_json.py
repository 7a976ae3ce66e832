"""One JSON shape for a ``Finding``, whatever the command (check-pattern, simulate-windows,
explain, lint): code, name, severity, message, location, evidence, fix, rule."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flinkdoctor.errors import Location
from flinkdoctor.findings import Edit, Finding, Fix, Verification


def location_json(location: Location | None) -> dict[str, Any] | None:
    """``{path, line, column}`` (line/column null when unknown)."""
    if location is None:
        return None
    return {
        "path": location.file,
        "line": location.line if location.line > 0 else None,
        "column": location.column if location.column > 0 else None,
    }


def edit_json(edit: Edit) -> dict[str, Any]:
    return {
        "path": edit.file,
        "start_line": edit.start_line,
        "end_line": edit.end_line,
        "replacement": list(edit.replacement),
    }


def verification_json(verified: Verification | None) -> dict[str, Any] | None:
    if verified is None:
        return None
    return {
        "sink_rows": verified.sink_rows,
        "windows_fired": verified.windows_fired,
        "summary": verified.summary,
        "failed": verified.failed,
    }


def fix_json(fix: Fix | None, diff: str | None = None) -> dict[str, Any] | None:
    """``{text, edits, diff, verified}``; ``diff`` is the unified diff of the edits (null when
    there are none or the caller has no file text to diff)."""
    if fix is None:
        return None
    return {
        "text": fix.text,
        "edits": [edit_json(e) for e in fix.edits],
        "diff": diff or None,
        "verified": verification_json(fix.verified),
    }


def finding_json(finding: Finding, diff: str | None = None) -> dict[str, Any]:
    """The finding as JSON-ready data; key order is part of the contract."""
    return {
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity.value,
        "message": finding.message,
        "location": location_json(finding.location),
        "evidence": dict(finding.evidence),
        "fix": fix_json(finding.fix, diff),
        "rule": finding.rule,
    }


def findings_json(findings: Iterable[Finding]) -> list[dict[str, Any]]:
    return [finding_json(f) for f in findings]
