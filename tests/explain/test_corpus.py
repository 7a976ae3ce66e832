"""``flinkdoctor explain --format json`` on every job of the corpus, against expectations written
by hand from Flink's semantics (tests/explain/corpus.py says what each field means; the Flink
claims behind them are checked on real Flink by test_corpus_flink.py).

A case passes when explain's verdict, sink_rows and exit code are the expected ones, its first
finding is the expected first cause, the expected causes appear in the expected order, every
``also`` name appears, no ``absent`` name does, and every error-level finding is one the case
expects or allows. Cases where explain is known to disagree with Flink's outcome are marked
xfail in ``KNOWN_DISAGREEMENTS`` with the finding at fault (reported to the lead).
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

from flinkdoctor.cli.app import main
from tests.explain.corpus import CASES, CorpusCase

KNOWN_DISAGREEMENTS: dict[str, str] = {}
"""Case name -> why explain is wrong there (the finding at fault); empty since h/explain-core
89eb5eb, which fixed the seven this corpus found (pattern-suspicious severity on wrong rows,
window-not-closed when every input went idle, duplicate sink findings)."""


def run_explain(
    case: CorpusCase, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, dict[str, Any]]:
    """The console entry point in-process, as a user runs it."""
    args = [
        str(case.script),
        "--events",
        str(case.events),
        "--format",
        "json",
        *case.expected.get("args", []),
    ]
    monkeypatch.setattr(sys, "argv", ["flinkdoctor", "explain", *args])
    monkeypatch.setenv("COLUMNS", "160")
    try:
        main()
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 1
    out = capsys.readouterr()
    assert out.out.strip(), f"explain printed nothing (exit {code}): {out.err}"
    return code, json.loads(out.out)


def _params() -> list[Any]:
    out = []
    for case in CASES:
        marks = []
        if case.name in KNOWN_DISAGREEMENTS:
            marks.append(pytest.mark.xfail(reason=KNOWN_DISAGREEMENTS[case.name], strict=False))
        out.append(pytest.param(case, id=case.name, marks=marks))
    return out


@pytest.mark.parametrize("case", _params())
def test_explain_matches_the_expected_causes(
    case: CorpusCase, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    exp = case.expected
    code, doc = run_explain(case, monkeypatch, capsys)
    names = [f["name"] for f in doc["findings"]]
    errors = [f["name"] for f in doc["findings"] if f["severity"] == "error"]
    got = {"verdict": doc["verdict"], "sink_rows": doc["sink_rows"], "exit_code": code}
    want = {k: exp[k] for k in ("verdict", "sink_rows", "exit_code")}
    assert got == want, names
    causes = exp["findings"]
    if causes:
        assert names and names[0] == causes[0], names
        assert [n for n in names if n in causes] == causes, names
    for name in exp["also"]:
        assert name in names, (name, names)
    for name in exp["absent"]:
        assert name not in names, (name, names)
    expected_or_allowed = set(causes) | set(exp["also"]) | set(exp["allowed"])
    assert set(errors) <= expected_or_allowed, names
    if "fix_rows" in exp:
        fix = doc.get("fix") or {}
        assert fix.get("edits"), f"no combined fix with an edit: {names}"
        verified = fix.get("verified") or {}
        assert verified.get("sink_rows") == exp["fix_rows"], verified


def test_corpus_covers_every_slug_of_issue_7() -> None:
    """At least 40 jobs; every finding name of issue 7 is the expected first cause, or expected,
    in at least one; healthy jobs (exit 0), PyFlink jobs, TVF and legacy windows, HOP, CUMULATE,
    SESSION and 1 to 6 partitions are all there."""
    slugs = {
        "rowtime-field-missing",
        "pattern-mismatch",
        "pattern-invalid",
        "pattern-suspicious",
        "null-rowtime-job-failure",
        "json-timestamp-format",
        "epoch-unit-mismatch",
        "legacy-null-rowtime",
        "idle-partition",
        "idle-subtask",
        "window-not-closed",
        "late-records-dropped",
        "filter-matches-nothing",
        "no-idle-timeout",
        "startup-group-offsets",
        "startup-latest-offset",
        "ignore-parse-errors",
        "sink-needs-checkpoint",
        "jdbc-flush-disabled",
    }
    assert len(CASES) >= 40
    covered = {n for c in CASES for n in (*c.expected["findings"], *c.expected["also"])}
    assert slugs <= covered, slugs - covered
    scripts = [c.script.read_text() for c in CASES]
    assert sum(c.expected["exit_code"] == 0 for c in CASES) >= 10
    assert sum(c.script.suffix == ".py" for c in CASES) >= 8
    for needle in (
        "TABLE(TUMBLE(",
        "GROUP BY TUMBLE(",
        "HOP(TABLE",
        "GROUP BY HOP(",
        "CUMULATE(TABLE",
        "SESSION(TABLE",
        "GROUP BY SESSION(",
        "Tumble.over",
    ):
        assert any(needle in s for s in scripts), needle
    assert {c.partitions() for c in CASES} >= {1, 2, 3, 4, 6}
    checked = [c for c in CASES if c.flink]
    unchecked = [c for c in CASES if not c.flink]
    assert all(c.expected.get("flink_unchecked") for c in unchecked)
    assert len(checked) >= 50
