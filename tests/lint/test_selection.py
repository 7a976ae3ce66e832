"""select / ignore / severity: codes, names, prefixes and ALL; specific beats general."""

from __future__ import annotations

import pytest

from flinkdoctor.errors import Location
from flinkdoctor.findings import Finding, Severity, kind
from flinkdoctor.lint.selection import RuleSelection, SelectorError, parse_selector


def test_selector_forms() -> None:
    assert parse_selector("FD202").codes == {"FD202"}
    assert parse_selector("no-idle-timeout").codes == {"FD202"}
    assert parse_selector("NO-IDLE-TIMEOUT").codes == {"FD202"}
    assert parse_selector("fd40").codes == {"FD401", "FD402"}
    assert "FD101" in parse_selector("all").codes
    assert parse_selector("FD").codes == parse_selector("ALL").codes


@pytest.mark.parametrize("bad", ["FD9", "no-idle", "XY101", ""])
def test_unknown_selectors_are_errors(bad: str) -> None:
    with pytest.raises(SelectorError, match="unknown rule"):
        parse_selector(bad)


def test_close_matches_are_suggested() -> None:
    with pytest.raises(SelectorError, match="did you mean no-idle-timeout"):
        parse_selector("no-idle-timout")


def test_select_then_ignore() -> None:
    selection = RuleSelection.build(["FD2,FD101"], ["startup-latest-offset"])
    assert selection.enabled("FD202")
    assert selection.enabled("FD101")
    assert not selection.enabled("FD206")
    assert not selection.enabled("FD102")


def test_default_selects_everything() -> None:
    selection = RuleSelection.build()
    assert all(selection.enabled(code) for code in ("FD101", "FD206", "FD402"))


def test_severity_specific_beats_prefix_whatever_the_order() -> None:
    selection = RuleSelection.build(
        severity={"no-idle-timeout": "error", "FD2": "info", "FD101": "Warning"}
    )
    assert selection.severity_of(kind("no-idle-timeout")) is Severity.ERROR
    assert selection.severity_of(kind("startup-group-offsets")) is Severity.INFO
    assert selection.severity_of(kind("pattern-invalid")) is Severity.WARNING
    assert selection.severity_of(kind("pattern-suspicious")) is Severity.WARNING  # its own
    found = Finding("FD202", "no-idle-timeout", Severity.WARNING, "m", Location("a.sql", 1, 1))
    assert selection.adjust(found).severity is Severity.ERROR


def test_bad_severity_level() -> None:
    with pytest.raises(SelectorError, match="unknown severity 'fatal'"):
        RuleSelection.build(severity={"FD101": "fatal"})
