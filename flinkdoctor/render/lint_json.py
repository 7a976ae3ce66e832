"""``lint --format json``: the stable, documented schema (docs/schemas/lint.schema.json).

``{"findings": [...], "unparsed": [...], "summary": {...}}``; each finding carries ``code``,
``name``, ``severity``, ``path``, ``line``, ``column`` (null when unknown), ``message``, ``fix``
(null, or its text and the exact line edits), ``rule`` (the Flink semantics rule id it rests on,
docs/semantics.md) and ``evidence`` (JSON values as the rule gave them).
"""

from __future__ import annotations

from typing import Any

import orjson

from flinkdoctor.findings import Finding, Fix
from flinkdoctor.lint.report import LintReport


def _fix(fix: Fix | None) -> dict[str, Any] | None:
    if fix is None:
        return None
    return {
        "text": fix.text,
        "edits": [
            {
                "path": edit.file,
                "start_line": edit.start_line,
                "end_line": edit.end_line,
                "replacement": list(edit.replacement),
            }
            for edit in fix.edits
        ],
    }


def finding_dict(finding: Finding) -> dict[str, Any]:
    """One finding as JSON-ready data; field order is part of the contract."""
    loc = finding.location
    return {
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity.value,
        "path": loc.file if loc else None,
        "line": loc.line if loc and loc.line > 0 else None,
        "column": loc.column if loc and loc.line > 0 and loc.column > 0 else None,
        "message": finding.message,
        "fix": _fix(finding.fix),
        "rule": finding.rule,
        "evidence": dict(finding.evidence),
    }


def lint_report_dict(report: LintReport) -> dict[str, Any]:
    """The report as plain JSON-ready data."""
    return {
        "findings": [finding_dict(f) for f in report.findings],
        "unparsed": [
            {
                "path": e.path,
                "line": e.line if e.line > 0 else None,
                "column": e.column if e.line > 0 and e.column > 0 else None,
                "message": e.message,
            }
            for e in report.unparsed
        ],
        "summary": report.summary(),
    }


def lint_report_json(report: LintReport) -> str:
    """The report as indented JSON text (UTF-8, no trailing newline)."""
    data = lint_report_dict(report)
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode()
