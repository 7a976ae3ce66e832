"""noqa directives read from source text: per line, per file, codes or names, SQL and Python."""

from __future__ import annotations

from flinkdoctor.errors import Location
from flinkdoctor.findings import Finding, Severity
from flinkdoctor.lint.noqa import apply_noqa, parse_noqa


def finding(code: str, name: str, line: int) -> Finding:
    return Finding(code, name, Severity.WARNING, "m", Location("job.sql", line, 1))


IDLE = "FD202", "no-idle-timeout"
LATEST = "FD206", "startup-latest-offset"


def test_blanket_noqa_silences_every_finding_on_its_line_only() -> None:
    noqa = parse_noqa("a\nb -- noqa\nc\n")
    assert noqa.silences(finding(*IDLE, 2))
    assert noqa.silences(finding(*LATEST, 2))
    assert not noqa.silences(finding(*IDLE, 1))
    assert not noqa.silences(finding(*IDLE, 3))


def test_codes_and_names_any_case_comma_or_space_separated() -> None:
    noqa = parse_noqa("x -- noqa: fd202, startup-latest-offset\ny --NOQA:FD206\n")
    assert noqa.lines == {1: frozenset({"FD202", "FD206"}), 2: frozenset({"FD206"})}
    assert noqa.silences(finding(*IDLE, 1))
    assert noqa.silences(finding(*LATEST, 1))
    assert not noqa.silences(finding(*IDLE, 2))


def test_a_reason_after_the_codes_is_not_a_code() -> None:
    noqa = parse_noqa("x -- noqa: FD202 backfill job, reads history\n")
    assert noqa.lines == {1: frozenset({"FD202"})}


def test_unknown_codes_silence_nothing() -> None:
    noqa = parse_noqa("x -- noqa: FD999\n")
    assert not noqa.silences(finding(*IDLE, 1))


def test_whole_file_directive_with_and_without_codes() -> None:
    everything = parse_noqa("-- flinkdoctor: noqa\nSELECT 1;\n")
    assert everything.whole_file
    assert everything.silences(finding(*IDLE, 2))
    some = parse_noqa("SELECT 1;\n-- flinkdoctor: noqa: no-idle-timeout\n")
    assert not some.whole_file
    assert some.silences(finding(*IDLE, 1))
    assert not some.silences(finding(*LATEST, 1))
    # the file directive is not also a line directive
    assert not parse_noqa("-- flinkdoctor: noqa: FD202\n").lines


def test_python_hash_comments_only_in_python() -> None:
    text = "t.execute_sql(ddl)  # noqa: FD202\n"
    assert parse_noqa(text, python=True).silences(finding(*IDLE, 1))
    assert not parse_noqa(text, python=False).silences(finding(*IDLE, 1))
    # a SQL comment inside the job's SQL string works in .py too
    sql_in_py = "'scan.startup.mode' = 'latest-offset'  -- noqa: FD206\n"
    assert parse_noqa(sql_in_py, python=True).silences(finding(*LATEST, 1))
    assert parse_noqa("# flinkdoctor: noqa\n", python=True).whole_file


def test_no_directive_and_lookalikes() -> None:
    assert not parse_noqa("SELECT 'noqa' FROM t;\n").lines
    assert not parse_noqa("-- noqaxyz\n").lines
    assert parse_noqa("SELECT 1;\n").file_codes is None


def test_apply_splits_kept_and_silenced() -> None:
    noqa = parse_noqa("a\nb -- noqa: FD202\n")
    found = [finding(*IDLE, 2), finding(*LATEST, 2), finding(*IDLE, 1)]
    kept, silenced = apply_noqa(found, noqa)
    assert [(f.code, f.location.line if f.location else 0) for f in kept] == [
        ("FD206", 2),
        ("FD202", 1),
    ]
    assert [f.code for f in silenced] == ["FD202"]


def test_findings_without_a_line_only_fall_to_file_directives() -> None:
    unlocated = Finding("FD202", "no-idle-timeout", Severity.WARNING, "m", None)
    assert not parse_noqa("x -- noqa\n").silences(unlocated)
    assert parse_noqa("-- flinkdoctor: noqa: FD202\n").silences(unlocated)
