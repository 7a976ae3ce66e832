"""``lint --format sarif``: SARIF 2.1.0, for GitHub code scanning and every other SARIF viewer.

One run; ``tool.driver.rules`` lists the rules that ran with their help (the rule docs, the same
text as docs/rules/<name>.md); one result per finding, with its level (error / warning / note),
location and ``partialFingerprints``. A fingerprint hashes the code, the file, the text of the
finding's line (whitespace-normalised) and how many identical ones came before it in the file, so
an alert keeps its identity when lines above it move. Files that could not be linted are tool
execution notifications. Validated against the official OASIS schema in the test suite.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any
from urllib.parse import quote

import orjson

from flinkdoctor import __version__
from flinkdoctor.findings import Finding, Fix, Severity
from flinkdoctor.lint.report import LintReport, RuleInfo

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "flinkdoctor/v1"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _what_it_does(docs: str) -> str:
    """The first paragraph of the rule's "What it does" section (SARIF fullDescription)."""
    lines = docs.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip().lower() == "## what it does")
    except StopIteration:
        start = -1
    paragraph: list[str] = []
    for line in lines[start + 1 :]:
        if line.startswith("#") or (not line.strip() and paragraph):
            break
        if line.strip():
            paragraph.append(line.strip())
    return " ".join(paragraph)


def rule_descriptor(info: RuleInfo) -> dict[str, Any]:
    """``reportingDescriptor`` of one rule."""
    full = _what_it_does(info.docs) or info.title
    return {
        "id": info.code,
        "name": info.name,
        "shortDescription": {"text": info.title},
        "fullDescription": {"text": full},
        "help": {"text": info.docs or info.title, "markdown": info.docs or info.title},
        "defaultConfiguration": {"level": _LEVEL[info.severity]},
        "properties": {"tags": ["flink", "flink-sql"]},
    }


def fingerprint(finding: Finding, line_text: str, occurrence: int) -> str:
    """Stable id of a finding: code, file, normalised line text, occurrence on equal lines."""
    loc = finding.location
    key = "\0".join(
        [finding.code, loc.file if loc else "", " ".join(line_text.split()), str(occurrence)]
    )
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _location(path: str, line: int, column: int) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(path)}}
    if line > 0:
        region: dict[str, int] = {"startLine": line}
        if column > 0:
            region["startColumn"] = column
        physical["region"] = region
    return {"physicalLocation": physical}


def _uri(path: str) -> str:
    """A relative URI reference for a path (``/`` separators, spaces and ``%`` escaped)."""
    return quote(path.replace("\\", "/"), safe="/:@-._~!$&'()*+,;=")


def result(finding: Finding, rule_index: int | None, fingerprint_value: str) -> dict[str, Any]:
    """``result`` of one finding."""
    out: dict[str, Any] = {"ruleId": finding.code}
    if rule_index is not None:
        out["ruleIndex"] = rule_index
    out["level"] = _LEVEL[finding.severity]
    text = finding.message
    if finding.fix is not None:
        text = f"{text}\nFix: {finding.fix.text}"
    out["message"] = {"text": text}
    loc = finding.location
    if loc is not None:
        out["locations"] = [_location(loc.file, loc.line, loc.column)]
    if finding.fix is not None and finding.fix.edits:
        out["fixes"] = [_fix(finding.fix)]
    out["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint_value}
    properties: dict[str, Any] = {"name": finding.name}
    if finding.rule:
        properties["flinkRule"] = finding.rule
    out["properties"] = properties
    return out


def _fix(fix: Fix) -> dict[str, Any]:
    """A SARIF ``fix`` (§3.55): the finding's edits as replacements of whole lines, grouped by
    file. A replaced range is the lines' text with their newlines (from column 1 of its first
    line to column 1 of the line after it); an insertion is an empty region before its line."""
    changes: dict[str, list[dict[str, Any]]] = {}
    for edit in fix.edits:
        region: dict[str, int] = {
            "startLine": edit.start_line,
            "startColumn": 1,
            "endLine": max(edit.end_line + 1, edit.start_line),
            "endColumn": 1,
        }
        replacement: dict[str, Any] = {"deletedRegion": region}
        if edit.replacement:
            text = "".join(line + "\n" for line in edit.replacement)
            replacement["insertedContent"] = {"text": text}
        changes.setdefault(edit.file, []).append(replacement)
    return {
        "description": {"text": fix.text},
        "artifactChanges": [
            {"artifactLocation": {"uri": _uri(path)}, "replacements": replacements}
            for path, replacements in changes.items()
        ],
    }


def sarif_dict(report: LintReport) -> dict[str, Any]:
    """The SARIF log as JSON-ready data."""
    infos = list(report.rules)
    known = {info.code for info in infos}
    infos += [  # a finding of a rule not listed (defensive): still describe it
        RuleInfo(f.code, f.name, f.severity, f.name, "")
        for f in {f.code: f for f in report.findings if f.code not in known}.values()
    ]
    index = {info.code: i for i, info in enumerate(infos)}
    seen: Counter[tuple[str, str, str]] = Counter()
    results = []
    for finding in report.findings:
        loc = finding.location
        line_text = report.line_text.get((loc.file, loc.line), "") if loc else ""
        key = (finding.code, loc.file if loc else "", " ".join(line_text.split()))
        stable = fingerprint(finding, line_text, seen[key])
        results.append(result(finding, index.get(finding.code), stable))
        seen[key] += 1
    notifications = [
        {
            "level": "error",
            "message": {"text": f"cannot lint: {error.message}"},
            "locations": [_location(error.path, error.line, error.column)],
        }
        for error in report.unparsed
    ]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "flinkdoctor",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [rule_descriptor(info) for info in infos],
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def render_sarif(report: LintReport) -> str:
    """The SARIF log as indented JSON text."""
    return orjson.dumps(sarif_dict(report), option=orjson.OPT_INDENT_2).decode()
