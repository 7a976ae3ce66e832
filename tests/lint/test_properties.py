"""Properties: the rules never crash on a script that loads, every finding they report is a
catalog entry located inside the linted file, and no secret in a script reaches a finding."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from flinkdoctor.findings import kind
from flinkdoctor.lint import RULES, check_script
from flinkdoctor.lint.load import load_for_lint
from flinkdoctor.sql.errors import SqlError

FIXTURES = [s for rule in RULES for s in (*rule.fires, *rule.passes)]
SEED = (Path(__file__).resolve().parents[2] / "examples/seed/case2_seed_fixed.sql").read_text()
SNIPPETS = [
    " ", "\n", ";\n", "'x'", "TIMESTAMP", "TIMESTAMP(3)", "STRING", "INTERVAL '300' SECOND",
    "WATERMARK FOR ts AS ts", "TO_TIMESTAMP(s, 'YYYY')", "TO_TIMESTAMP_LTZ(a_ms, 0)", ",", ")",
    "'connector' = 'kafka',", "'password' = 'p4ss-w0rd',", "SELECT * FROM t;", "GROUP BY",
    "INTERVAL '99999999999' SECOND", "CREATE CATALOG c WITH ('password' = 'p4ss-w0rd');",
]  # fmt: skip


def lint_checked(text: str) -> None:
    try:
        script = load_for_lint(text, "f.sql")
    except SqlError:
        return
    lines = text.splitlines()
    for finding in check_script(script, text=text):
        assert kind(finding.name).code == finding.code
        assert finding.location is not None and finding.location.file == "f.sql"
        assert 1 <= finding.location.line <= max(len(lines), 1)
        assert "p4ss-w0rd" not in repr(finding)
        for edit in finding.fix.edits if finding.fix else ():
            assert 1 <= edit.start_line <= len(lines) + 1


@settings(max_examples=300)
@given(st.lists(st.sampled_from(FIXTURES), min_size=1, max_size=3))
def test_fixtures_combined(parts: list[str]) -> None:
    lint_checked("\n".join(p if p.rstrip().endswith(";") else p + ";" for p in parts))


@settings(max_examples=300)
@given(
    st.sampled_from([SEED, *FIXTURES]),
    st.integers(0, 4000),
    st.integers(0, 30),
    st.sampled_from(SNIPPETS),
)
def test_mutated_scripts(base: str, at: int, cut: int, insert: str) -> None:
    at = at % (len(base) + 1)
    lint_checked(base[:at] + insert + base[at + cut :])


def test_an_edit_of_a_line_that_holds_a_secret_is_not_shown() -> None:
    """Found by the mutation property: the pattern fix replaced a whole line that also held a
    password; the fix keeps its words and drops the replacement lines."""
    text = (
        "CREATE TABLE t (s STRING, ts AS TO_TIMESTAMP(s, 'yyyy-MM-ddTHH:mm:ss'), "
        "WATERMARK FOR ts AS ts) WITH ('connector' = 'kafka', 'password' = 'p4ss-w0rd');"
    )
    [invalid] = [
        f
        for f in check_script(load_for_lint(text, "f.sql"), text=text)
        if f.name == "pattern-invalid"
    ]
    assert invalid.fix is not None and invalid.fix.edits == ()
    assert invalid.fix.text.startswith("quote the literal text: 'yyyy-MM-dd''T''HH:mm:ss'")
    assert "p4ss-w0rd" not in repr(invalid)
    lint_checked(text)
