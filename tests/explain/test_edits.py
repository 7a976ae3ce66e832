"""Edits of the user's file: composed per line, applied to a copy, shown as a unified diff."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from flinkdoctor.diagnosis.edits import LineOp, apply_edits, build_edits, unified_diff, word
from flinkdoctor.findings import Edit

TEXT = (
    "CREATE TABLE t (\n"
    "  event_timestamp VARCHAR,\n"
    "  ts AS TO_TIMESTAMP(event_timestamp, 'yyyy-MM-dd HH:mm:ss'),\n"
    "  'format' = 'json'\n"
    ");\n"
)


def test_two_fixes_on_one_line_compose() -> None:
    ops = [
        LineOp(2, word("event_timestamp"), "event_time", count=0),
        LineOp(3, word("event_timestamp"), "event_time", count=0),
        LineOp(3, "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd''T''HH:mm:ss"),
    ]
    edits = build_edits(TEXT, "job.sql", ops)
    assert edits == (
        Edit("job.sql", 2, 2, ("  event_time VARCHAR,",)),
        Edit("job.sql", 3, 3, ("  ts AS TO_TIMESTAMP(event_time, 'yyyy-MM-dd''T''HH:mm:ss'),",)),
    )
    assert apply_edits(TEXT, edits) == (
        "CREATE TABLE t (\n"
        "  event_time VARCHAR,\n"
        "  ts AS TO_TIMESTAMP(event_time, 'yyyy-MM-dd''T''HH:mm:ss'),\n"
        "  'format' = 'json'\n"
        ");\n"
    )


def test_insert_before_a_line_keeps_the_rest() -> None:
    edits = build_edits(TEXT, "job.sql", [LineOp(4, insert="  'a' = 'b',")])
    assert apply_edits(TEXT, edits).splitlines()[3:5] == ["  'a' = 'b',", "  'format' = 'json'"]
    diff = unified_diff(TEXT, edits, "job.sql")
    assert diff.startswith("--- a/job.sql\n+++ b/job.sql\n")
    assert "\n+  'a' = 'b',\n" in diff


def test_word_matches_whole_identifiers_only() -> None:
    edits = build_edits(
        "a event_timestamp_x event_timestamp\n",
        "f",
        [LineOp(1, word("event_timestamp"), "e", count=0)],
    )
    assert edits[0].replacement == ("a event_timestamp_x e",)


def test_crlf_files_keep_their_line_ends() -> None:
    text = "a\r\nb\r\n"
    assert apply_edits(text, (Edit("f", 2, 2, ("c",)),)) == "a\r\nc\r\n"


@given(st.lists(st.text(alphabet="abc xyz'", max_size=12), min_size=1, max_size=8))
def test_no_ops_no_change(lines: list[str]) -> None:
    text = "\n".join(lines) + "\n"
    assert build_edits(text, "f", []) == ()
    assert apply_edits(text, ()) == text
    assert unified_diff(text, (), "f") == ""
