"""A static rule's error with an edit of the user's file (lint's fix) is a fix like the data's:
``explain`` shows its diff, verifies it by replaying the edited job, and includes it in the
combined fix it writes; a warning's fix stays in words (``explain`` shows diffs for what
empties the sink). Expected rows are the real Flink runs' (the corpus notes: 4 rows fired)."""

from __future__ import annotations

from pathlib import Path

import pytest

from flinkdoctor.diagnosis.explain import explain
from flinkdoctor.events.reader import read_events

CORPUS = Path(__file__).parent / "corpus"
SEED = Path(__file__).parents[2] / "examples" / "seed"


@pytest.mark.parametrize(
    ("case", "name", "line", "replacement"),
    [
        (
            "57-jdbc-flush-disabled",
            "jdbc-flush-disabled",
            30,
            ("  'sink.buffer-flush.interval' = '1s'",),
        ),
        (
            "55-sink-needs-checkpoint-filesystem",
            "sink-needs-checkpoint",
            17,
            ("SET 'execution.checkpointing.interval' = '1 min';", "CREATE TABLE per_minute ("),
        ),
    ],
)
def test_a_sink_rules_edit_is_shown_verified_and_combined(
    case: str, name: str, line: int, replacement: tuple[str, ...]
) -> None:
    script = CORPUS / case / "job.sql"
    text = script.read_text()
    result = explain(text, str(script), lambda: read_events(CORPUS / case / "events.jsonl"))
    assert result.verdict == "empty" and result.sink_rows == 0
    top = result.findings[0]
    assert top.name == name and top.fix is not None
    [edit] = top.fix.edits
    assert (edit.start_line, edit.end_line, edit.replacement) == (line, line, replacement)
    assert top.fix.verified is not None
    assert top.fix.verified.sink_rows == 4  # the 4 rows the windows fire, now visible
    assert result.fix is not None and result.fix.edits == top.fix.edits
    assert result.fixed_text is not None
    assert result.fixed_text.splitlines()[line - 1 : line - 1 + len(replacement)] == list(
        replacement
    )


def test_a_warnings_fix_stays_in_words() -> None:
    script = SEED / "case1_seed_original.sql"
    result = explain(
        script.read_text(), str(script), lambda: read_events(SEED / "case1_events.jsonl")
    )
    [idle] = [f for f in result.findings if f.name == "no-idle-timeout"]
    assert idle.fix is not None and idle.fix.text and idle.fix.edits == ()
