"""One Finding JSON for every command: check-pattern and simulate-windows carry a ``findings``
array of the same shape as explain's (docs/schemas/finding.schema.json)."""

from __future__ import annotations

import json
import sys

import jsonschema
import pytest

from flinkdoctor.cli.app import main
from tests.explain.conftest import ROOT, SEED

FINDING = json.loads((ROOT / "docs" / "schemas" / "finding.schema.json").read_text())


def _main(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, dict[str, object]]:
    monkeypatch.setattr(sys, "argv", ["flinkdoctor", *args])
    try:
        main()
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 1
    return code, json.loads(capsys.readouterr().out)


def test_check_pattern_findings(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, doc = _main(
        [
            "check-pattern",
            "--ddl",
            str(SEED / "case4_mixed_shapes.sql"),
            "--events",
            str(SEED / "case4_events.jsonl"),
            "--format",
            "json",
        ],
        monkeypatch,
        capsys,
    )
    assert code == 1
    findings = doc["findings"]
    assert isinstance(findings, list)
    assert [f["name"] for f in findings] == ["pattern-mismatch"]
    assert findings[0]["evidence"]["failing"] == 2
    for finding in findings:
        jsonschema.validate(finding, FINDING)


def test_check_pattern_names_the_missing_field(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _, doc = _main(
        [
            "check-pattern",
            "--ddl",
            str(SEED / "case1_seed_original.sql"),
            "--events",
            str(SEED / "case1_events.jsonl"),
            "--format",
            "json",
        ],
        monkeypatch,
        capsys,
    )
    findings = doc["findings"]
    assert isinstance(findings, list)
    assert findings[0]["name"] == "rowtime-field-missing"
    assert findings[0]["evidence"]["missing"] == 6


def test_simulate_windows_findings(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, doc = _main(
        [
            "simulate-windows",
            str(SEED / "case3_parallelism_gt_partitions.sql"),
            "--events",
            str(SEED / "case3_events.jsonl"),
            "--format",
            "json",
        ],
        monkeypatch,
        capsys,
    )
    assert code == 1
    findings = doc["findings"]
    assert isinstance(findings, list)
    assert findings[0]["name"] == "idle-subtask"
    assert findings[0]["location"]["line"] == 6  # CREATE TABLE process_events_kafka
    for finding in findings:
        jsonschema.validate(finding, FINDING)
    assert isinstance(doc["diagnoses"], list)
