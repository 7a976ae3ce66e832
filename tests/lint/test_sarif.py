"""--format sarif: valid against the official OASIS SARIF 2.1.0 schema (vendored as test data:
tests/lint/data/sarif-schema-2.1.0.json, from oasis-tcs/sarif-spec, errata01), one result per
finding, rules with help, fingerprints that survive lines moving."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from flinkdoctor.errors import Location
from flinkdoctor.findings import Edit, Fix
from flinkdoctor.lint.report import LintReport
from flinkdoctor.render.sarif import FINGERPRINT_KEY, render_sarif
from tests.lint.reports import BROKEN, IDLE, IDLE_DOCS, INVALID, LATEST, RULES, report

SCHEMA = json.loads(
    (Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)


def sarif(lint_report: LintReport) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(render_sarif(lint_report))
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(document)
    return document


def test_the_schema_is_the_official_one_and_it_can_fail() -> None:
    assert SCHEMA["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    document = sarif(report(IDLE))
    document["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(SCHEMA).validate(document)


def test_one_result_per_finding_with_level_location_and_rule() -> None:
    document = sarif(report(INVALID, IDLE, LATEST, unparsed=(BROKEN,)))
    assert document["version"] == "2.1.0"
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["FD101", "FD202", "FD206"]
    results = run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("FD206", "note"),
        ("FD202", "warning"),
        ("FD101", "error"),
    ]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    invalid = results[2]
    assert invalid["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "jobs/orders.sql"},
                "region": {"startLine": 4, "startColumn": 21},
            }
        }
    ]
    assert invalid["message"]["text"].endswith("\nFix: quote the T")
    # a path with a space is a valid URI reference
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "jobs/job%20one.py"
    )
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert notes[0]["message"]["text"] == (
        "cannot lint: expected ')' after column list, found 'WITH'"
    )


def test_rules_carry_their_help() -> None:
    rules = sarif(report(IDLE))["runs"][0]["tool"]["driver"]["rules"]
    idle = rules[1]
    assert idle["name"] == "no-idle-timeout"
    assert idle["shortDescription"]["text"] == "no idle timeout"
    assert idle["fullDescription"]["text"] == (
        "Flags a Kafka source with a WATERMARK and no idle timeout."
    )
    assert idle["help"]["markdown"] == IDLE_DOCS
    assert idle["defaultConfiguration"]["level"] == "warning"
    assert rules[0]["fullDescription"]["text"] == RULES[0].title  # no docs: the title


def fingerprints(lint_report: LintReport) -> list[str]:
    results = sarif(lint_report)["runs"][0]["results"]
    return [r["partialFingerprints"][FINGERPRINT_KEY] for r in results]


def test_fingerprints_survive_lines_moving_and_tell_findings_apart() -> None:
    before = report(INVALID)
    moved_finding = replace(INVALID, location=Location("jobs/orders.sql", 9, 21))
    moved = LintReport.build(
        [moved_finding],
        line_text={("jobs/orders.sql", 9): "    ts AS TO_TIMESTAMP(s, 'yyyy-MM-ddTHH:mm:ss'),"},
        rules=before.rules,
    )
    assert fingerprints(before) == fingerprints(moved)
    other_file = replace(INVALID, location=Location("jobs/other.sql", 4, 21))
    assert fingerprints(report(other_file)) != fingerprints(before)
    # two identical findings on identical lines get different, stable fingerprints
    twin = replace(INVALID, location=Location("jobs/orders.sql", 7, 21))
    twins = LintReport.build(
        [INVALID, twin],
        line_text={
            ("jobs/orders.sql", 4): "ts AS TO_TIMESTAMP(s, 'yyyy-MM-ddTHH:mm:ss'),",
            ("jobs/orders.sql", 7): "ts AS TO_TIMESTAMP(s, 'yyyy-MM-ddTHH:mm:ss'),",
        },
    )
    first, second = fingerprints(twins)
    assert first != second
    assert fingerprints(twins) == [first, second]


def test_empty_report_is_valid() -> None:
    run = sarif(report())["runs"][0]
    assert run["results"] == []
    assert run["tool"]["driver"]["name"] == "flinkdoctor"


def test_a_fix_with_edits_is_a_sarif_fix_of_whole_lines() -> None:
    """The fix's edit of line 4 is a replacement of that line (with its newline); an inserted
    line is an empty region before its line; a finding without edits has no ``fixes``."""
    insert = Edit("jobs/orders.sql", 2, 1, ("  -- idle partitions", "  x INT,"))
    both = replace(INVALID, fix=Fix("quote the T", (*INVALID.fix.edits, insert)))  # type: ignore[union-attr]
    results = sarif(report(both, IDLE))["runs"][0]["results"]
    fixed = next(r for r in results if r["ruleId"] == "FD101")
    assert fixed["fixes"] == [
        {
            "description": {"text": "quote the T"},
            "artifactChanges": [
                {
                    "artifactLocation": {"uri": "jobs/orders.sql"},
                    "replacements": [
                        {
                            "deletedRegion": {
                                "startLine": 4,
                                "startColumn": 1,
                                "endLine": 5,
                                "endColumn": 1,
                            },
                            "insertedContent": {
                                "text": "  ts AS TO_TIMESTAMP(s, 'yyyy-MM-dd''T''HH:mm:ss'),\n"
                            },
                        },
                        {
                            "deletedRegion": {
                                "startLine": 2,
                                "startColumn": 1,
                                "endLine": 2,
                                "endColumn": 1,
                            },
                            "insertedContent": {"text": "  -- idle partitions\n  x INT,\n"},
                        },
                    ],
                }
            ],
        }
    ]
    assert "fixes" not in next(r for r in results if r["ruleId"] == "FD202")
