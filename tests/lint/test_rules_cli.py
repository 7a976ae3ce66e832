"""flinkdoctor rules / rule NAME: the list, one rule's docs, and unknown names (exit 2 with close
matches)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from flinkdoctor.lint.registry import RULES
from tests.lint.conftest import Run


def test_rules_lists_every_rule(cli: Callable[..., Run]) -> None:
    run = cli("rules")
    assert run.code == 0
    lines = run.out.splitlines()
    assert lines[0].split() == ["code", "name", "severity", "what", "it", "flags"]
    assert "FD202  no-idle-timeout" in run.out
    rows = [line.split()[:3] for line in lines if line.startswith("FD")]
    assert len(rows) == len(RULES) == 16
    assert ["FD101", "pattern-invalid", "error"] in rows
    assert ["FD206", "startup-latest-offset", "info"] in rows


def test_rules_as_json(cli: Callable[..., Run]) -> None:
    data = json.loads(cli("rules", "--format", "json").out)
    assert data[0] == {
        "code": "FD101",
        "name": "pattern-invalid",
        "severity": "error",
        "title": "TO_TIMESTAMP pattern Java rejects: NULL on every row",
    }
    assert [d["code"] for d in data] == sorted(d["code"] for d in data)


@pytest.mark.parametrize("name", ["no-idle-timeout", "FD202", "fd202", "No-Idle-Timeout"])
def test_rule_prints_its_docs(cli: Callable[..., Run], name: str) -> None:
    run = cli("rule", name)
    assert run.code == 0, run.err
    assert "no-idle-timeout (FD202)" in run.out
    for heading in ("What it does", "Why is this bad?", "Example", "Use instead"):
        assert heading in run.out
    assert "scan.watermark.idle-timeout" in run.out
    assert "<!--" not in run.out


def test_unknown_rule_suggests_close_matches(cli: Callable[..., Run]) -> None:
    run = cli("rule", "no-idle-timout")
    assert run.code == 2
    assert run.out == ""
    assert run.err == (
        "flinkdoctor: error: no rule named 'no-idle-timout'; did you mean no-idle-timeout? "
        "(flinkdoctor rules lists them)\n"
    )
    run = cli("rule", "FD2O2")
    assert (run.code, "did you mean FD202" in run.err) == (2, True)
    run = cli("rule", "zzz")
    assert run.err == "flinkdoctor: error: no rule named 'zzz' (flinkdoctor rules lists them)\n"


def test_a_finding_of_explain_is_named_not_documented_here(cli: Callable[..., Run]) -> None:
    run = cli("rule", "idle-partition")
    assert run.code == 0
    assert run.out.startswith("idle-partition (FD203, error):")
    assert "Not a lint rule" in run.out


def test_rich_markup_in_an_unknown_name_is_printed_as_is(cli: Callable[..., Run]) -> None:
    run = cli("rule", "[red]boom[/red]")
    assert run.code == 2
    assert "'[red]boom[/red]'" in run.err
