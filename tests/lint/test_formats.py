"""--format text and json: the concise line per finding, the summary, the exit code, and the
JSON document against its published schema (docs/schemas/lint.schema.json)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from flinkdoctor.findings import Severity
from flinkdoctor.render.lint_json import lint_report_json
from flinkdoctor.render.lint_text import render_lint_text
from tests.lint.reports import BROKEN, IDLE, INVALID, LATEST, report

SCHEMA = json.loads(
    (Path(__file__).parents[2] / "docs/schemas/lint.schema.json").read_text(encoding="utf-8")
)


def validate(document: object) -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.Draft202012Validator(SCHEMA).validate(document)


def test_text_one_line_per_finding_in_file_order_and_a_summary() -> None:
    text = render_lint_text(report(LATEST, INVALID, IDLE, unparsed=(BROKEN,)))
    assert text.splitlines() == [
        "jobs/broken.sql:3:7: cannot lint: expected ')' after column list, found 'WITH'",
        "jobs/job one.py:12:9: FD206 startup-latest-offset starts at the latest offset: only "
        "events produced after the start count",
        "jobs/orders.sql:1:1: FD202 no-idle-timeout Kafka source 'orders' has a WATERMARK but "
        "no idle timeout",
        "jobs/orders.sql:4:21: FD101 pattern-invalid Java rejects the pattern "
        "'yyyy-MM-ddTHH:mm:ss': unknown pattern letter T",
        "",
        "Found 3 findings (1 error, 1 warning, 1 info) in 3 files; 1 could not be linted. "
        "Exit 1: findings at warning or worse and files that could not be linted.",
    ]


def test_text_clean_and_below_threshold() -> None:
    assert render_lint_text(report()) == "All checks passed (3 files checked).\n"
    below = report(LATEST, suppressed=2)
    assert below.exit_code == 0
    assert render_lint_text(below).splitlines()[-1] == (
        "Found 1 finding (1 info) in 3 files; 2 silenced by noqa. Exit 0: nothing at warning or "
        "worse."
    )
    assert render_lint_text(report(INVALID, exit_zero=True)).splitlines()[-1] == (
        "Found 1 finding (1 error) in 3 files. Exit 0 (--exit-zero)."
    )
    assert render_lint_text(report(unparsed=(BROKEN,))).splitlines()[-1] == (
        "No findings in 3 files; 1 could not be linted. Exit 1: files that could not be linted."
    )


def test_text_colour_only_when_asked() -> None:
    assert "\x1b[" not in render_lint_text(report(INVALID))
    coloured = render_lint_text(report(INVALID), color=True)
    assert "\x1b[1;31mFD101\x1b[0m" in coloured


def test_multiline_messages_stay_on_one_line() -> None:
    from dataclasses import replace

    two = replace(IDLE, message="first\nsecond")
    assert "FD202 no-idle-timeout first second\n" in render_lint_text(report(two))


@pytest.mark.parametrize(
    ("fail_on", "exit_zero", "expected"),
    [
        (Severity.WARNING, False, 1),
        (Severity.ERROR, False, 0),
        (Severity.INFO, False, 1),
        (Severity.INFO, True, 0),
    ],
)
def test_exit_code_follows_fail_on(fail_on: Severity, exit_zero: bool, expected: int) -> None:
    assert report(IDLE, LATEST, fail_on=fail_on, exit_zero=exit_zero).exit_code == expected


def test_an_unparsed_file_fails_even_below_the_threshold() -> None:
    assert report(unparsed=(BROKEN,), fail_on=Severity.ERROR).exit_code == 1


def test_json_matches_the_schema_and_the_contract() -> None:
    document = json.loads(lint_report_json(report(INVALID, IDLE, LATEST, unparsed=(BROKEN,))))
    validate(document)
    assert document["findings"][2] == {
        "code": "FD101",
        "name": "pattern-invalid",
        "severity": "error",
        "path": "jobs/orders.sql",
        "line": 4,
        "column": 21,
        "message": "Java rejects the pattern 'yyyy-MM-ddTHH:mm:ss': unknown pattern letter T",
        "fix": {
            "text": "quote the T",
            "edits": [
                {
                    "path": "jobs/orders.sql",
                    "start_line": 4,
                    "end_line": 4,
                    "replacement": ["  ts AS TO_TIMESTAMP(s, 'yyyy-MM-dd''T''HH:mm:ss'),"],
                }
            ],
        },
        "rule": "R4.2",
        "evidence": {"pattern": "yyyy-MM-ddTHH:mm:ss"},
    }
    assert [f["code"] for f in document["findings"]] == ["FD206", "FD202", "FD101"]
    assert document["unparsed"] == [
        {
            "path": "jobs/broken.sql",
            "line": 3,
            "column": 7,
            "message": "expected ')' after column list, found 'WITH'",
        }
    ]
    assert document["summary"] == {
        "files_checked": 3,
        "files_unparsed": 1,
        "findings": 3,
        "by_severity": {"error": 1, "warning": 1, "info": 1},
        "suppressed": 0,
        "fail_on": "warning",
        "exit_code": 1,
    }


def test_schema_rejects_what_the_contract_forbids() -> None:
    document = json.loads(lint_report_json(report(IDLE)))
    document["findings"][0]["severity"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        validate(document)
    document = json.loads(lint_report_json(report(IDLE)))
    del document["findings"][0]["fix"]
    with pytest.raises(jsonschema.ValidationError):
        validate(document)
