"""The lint rules that say "Flink rejects this", checked against real Flink 1.20.3's planner.

Every ``fires`` example of those rules must be rejected by Flink (an error, not a timeout) for
the same cause our finding names, every ``passes`` example must plan, and where the findings
carry line edits, the example with the edits applied must plan too (the fix is verified).
Queries are sent as ``EXPLAIN`` so nothing runs. The timestamp rules' examples ("Flink turns X
into Y") are replayed as real TO_TIMESTAMP / TO_TIMESTAMP_LTZ calls and must print exactly what
the finding claims.
"""

from __future__ import annotations

import pytest

from flinkdoctor.findings import Finding
from flinkdoctor.lint import check_script, rule_named
from flinkdoctor.lint.load import load_for_lint
from tests.support.flink import CaseResult, FlinkRuntime

pytestmark = pytest.mark.flink

# rule -> (fragment of Flink's error, fragment of our message naming the same cause)
CAUSES: dict[str, tuple[tuple[str, str], ...]] = {
    "rowtime-precision": (
        (
            "Invalid data type of time field for watermark definition",
            "TIMESTAMP_LTZ(p) with p from 0 to 3",
        ),
        (
            "The watermark declaration's output data type",
            "watermark declaration's output data type",
        ),
    ),
    "watermark-column-unknown": (
        ("is not defined in the table schema", "has no column"),
        ("for rowtime attribute in watermark declaration", "top-level column"),
    ),
    "window-without-time-attribute": (
        (
            "The window function requires the timecol is a time attribute type",
            "not a time attribute",
        ),
        (
            "Window aggregate can only be defined over a time attribute column",
            "not a time attribute",
        ),
        ("the timecol must be a time attribute type in streaming mode", "not a time attribute"),
    ),
    "interval-precision": (("exceeds precision of", "exceeds precision of"),),
    "window-size-not-multiple": (
        ("requires size must be an integral multiple of slide", "is not a multiple of its slide"),
        ("requires maxSize must be an integral multiple of step", "is not a multiple of its step"),
    ),
    "window-over-changelog": (
        (
            "StreamPhysicalWindowRank doesn't support consuming update and delete changes",
            "StreamPhysicalWindowRank",
        ),
        (
            "StreamPhysicalWindowDeduplicate doesn't support consuming update and delete changes",
            "StreamPhysicalWindowDeduplicate",
        ),
        (
            "StreamPhysicalWindowJoin doesn't support consuming update and delete changes",
            "StreamPhysicalWindowJoin",
        ),
    ),
}


# Warnings whose message also says "Flink rejects ..." in one case: (rule, fires index, Flink's
# words, ours).
PLANNING_CLAIMS = [
    (
        "startup-group-offsets",
        1,
        "Property group.id is required when using committed offset",
        "without 'properties.group.id' Flink rejects the table at planning",
    ),
]


def planning_only(script: str) -> str:
    """The script with every query and INSERT turned into an EXPLAIN (plans, runs nothing)."""
    out = []
    for stmt in script.strip().rstrip(";").split(";\n"):
        text = stmt.strip()
        if text.split(" ", 1)[0].upper() in ("SELECT", "INSERT", "WITH"):
            text = "EXPLAIN " + text
        out.append(text)
    return ";\n".join(out)


def findings_of(name: str, script: str) -> list[Finding]:
    found = check_script(load_for_lint(script, "case.sql"), text=script)
    return [f for f in found if f.name == name]


def fixed(script: str, findings: list[Finding]) -> str | None:
    """The script with every finding's line edits applied; None unless each has some."""
    edits = [e for f in findings for e in (f.fix.edits if f.fix else ())]
    if not findings or any(not (f.fix and f.fix.edits) for f in findings):
        return None
    lines = script.splitlines()
    for e in sorted(edits, key=lambda e: e.start_line, reverse=True):
        lines[e.start_line - 1 : e.end_line] = list(e.replacement)
    return "\n".join(lines) + "\n"


def _fixed_cases() -> list[tuple[str, str]]:
    """(rule, fires example with its fixes applied) for the Flink-judged rules' line edits."""
    out = []
    for name in CAUSES:
        rule = rule_named(name)
        assert rule is not None
        for script in rule.fires:
            repaired = fixed(script, findings_of(name, script))
            if repaired is not None:
                out.append((name, repaired))
    return out


def _cases() -> list[tuple[str, str, str]]:
    out = []
    for name in CAUSES:
        rule = rule_named(name)
        assert rule is not None
        out += [(name, "fires", s) for s in rule.fires]
        out += [(name, "passes", s) for s in rule.passes]
    for name, index, _, _ in PLANNING_CLAIMS:
        rule = rule_named(name)
        assert rule is not None
        out.append((name, "fires", rule.fires[index]))
    return out


def _conversion_cases() -> list[tuple[str, str | None]]:
    """(SELECT that replays a finding's example in Flink, the result the finding claims)."""
    out: list[tuple[str, str | None]] = []
    for name in ("pattern-invalid", "pattern-suspicious"):
        rule = rule_named(name)
        assert rule is not None
        for script in rule.fires:
            for f in findings_of(name, script):
                ex = f.evidence["example"]
                pattern = f.evidence["pattern"].replace("'", "''")
                sql = f"SELECT CAST(TO_TIMESTAMP('{ex['value']}', '{pattern}') AS STRING)"
                out.append((sql, ex["flink"]))
                if name == "pattern-suspicious":
                    fixed = f.evidence["suggested_pattern"].replace("'", "''")
                    sql = f"SELECT CAST(TO_TIMESTAMP('{ex['value']}', '{fixed}') AS STRING)"
                    out.append((sql, ex["intended"]))
    rule = rule_named("epoch-unit-mismatch")
    assert rule is not None
    for script in rule.fires:
        for f in findings_of("epoch-unit-mismatch", script):
            ex = f.evidence["example"]
            sql = (
                f"SELECT CAST(TO_TIMESTAMP_LTZ({ex['value']}, {f.evidence['precision']}) AS STRING)"
            )
            out.append((sql, ex["flink"]))
    return out


def _run(flink: FlinkRuntime, scripts: list[str]) -> list[CaseResult]:
    flink.add_kafka_connector()
    return flink.run_scripts(scripts, timeout=180)


def test_flink_rejects_every_fires_example_for_the_same_cause(flink: FlinkRuntime) -> None:
    cases = _cases()
    conversions = _conversion_cases()
    repaired = _fixed_cases()
    assert len(conversions) >= 10 and len(repaired) >= 6
    scripts = [planning_only(s) for _, _, s in cases] + [c for c, _ in conversions]
    results = _run(flink, scripts + [planning_only(s) for _, s in repaired])
    assert len(results) == len(cases) + len(conversions) + len(repaired)
    problems = []
    for (name, kind, script), res in zip(cases, results, strict=False):
        if res.timed_out:
            problems.append(f"{name} {kind}: Flink timed out\n{script}")
            continue
        if kind == "passes":
            if res.error is not None:
                problems.append(f"{name} passes, but Flink rejects it: {res.error}\n{script}")
            continue
        if res.error is None:
            problems.append(f"{name} fires, but Flink accepts it\n{script}")
            continue
        ours = " ".join(f.message for f in findings_of(name, script))
        claims = tuple((f, o) for n, _, f, o in PLANNING_CLAIMS if n == name)
        causes = CAUSES.get(name, ()) + claims
        if not any(flink_says in res.error and we_say in ours for flink_says, we_say in causes):
            problems.append(f"{name}: Flink says {res.error!r}, we say {ours!r}")
    for (name, script), res in zip(repaired, results[len(scripts) :], strict=True):
        if res.error is not None or res.timed_out:
            problems.append(f"{name}: the fixed script is still rejected: {res.error}\n{script}")
    for (sql, claimed), res in zip(conversions, results[len(cases) : len(scripts)], strict=True):
        if res.error is not None:
            problems.append(f"{sql}: {res.error}")
        elif res.rows != [[claimed]]:
            problems.append(f"{sql}: Flink gives {res.rows}, the finding claims {claimed!r}")
    assert not problems, "\n\n".join(problems)
