"""Every seed case (examples/seed, docs: seed case §6) names its documented cause(s) first, with a
fix verified by replaying the fixed job. Expected values are written out by hand from the seed
case, never computed by the code under test."""

from __future__ import annotations

import pytest

from tests.explain.conftest import SEED, run, run_json

LANGS = ("py", "sql")


@pytest.mark.parametrize("lang", LANGS)
def test_case1_names_the_key_and_the_pattern_with_one_verified_fix(lang: str) -> None:
    code, doc = run_json(
        str(SEED / f"case1_seed_original.{lang}"), "--events", str(SEED / "case1_events.jsonl")
    )
    assert code == 1
    assert doc["verdict"] == "empty"
    assert doc["sink_rows"] == 0
    names = [f["name"] for f in doc["findings"]]
    assert names[:2] == ["rowtime-field-missing", "pattern-mismatch"]
    top, second = doc["findings"][0], doc["findings"][1]
    assert top["evidence"]["field"] == "event_timestamp"
    assert top["evidence"]["did_you_mean"] == "event_time"
    assert top["evidence"]["missing"] == 6
    assert second["evidence"]["pattern"] == "yyyy-MM-dd HH:mm:ss"
    assert second["evidence"]["field"] == "event_time"
    assert second["evidence"]["failing"] == 6
    # one combined fix: both findings carry the same edits, and it makes windows fire
    assert top["fix"]["edits"] == second["fix"]["edits"]
    diff = top["fix"]["diff"]
    assert "-            event_timestamp VARCHAR," in diff or "-  event_timestamp VARCHAR," in diff
    assert "+  event_time VARCHAR," in diff or "+            event_time VARCHAR," in diff
    assert "yyyy-MM-dd''T''HH:mm:ss.SSS''Z''" in diff
    verified = top["fix"]["verified"]
    # seed case 2 with E1..E6: window [03:00, 03:05) fires for two hosts
    assert verified == {
        "sink_rows": 2,
        "windows_fired": 1,
        "summary": verified["summary"],
        "failed": False,
    }
    assert "2024-12-14 03:10:14.999" in verified["summary"]
    assert doc["fix"]["verified"]["sink_rows"] == 2


def test_case1_py_diff_is_the_upstream_fix() -> None:
    """The seed's own fix (commit 2da3d0f): the pattern (line 40), the column (44) and the
    TO_TIMESTAMP argument (49)."""
    code, doc = run_json(
        str(SEED / "case1_seed_original.py"), "--events", str(SEED / "case1_events.jsonl")
    )
    assert code == 1
    edits = doc["fix"]["edits"]
    assert [(e["start_line"], e["replacement"]) for e in edits] == [
        (40, ["    pattern = \"yyyy-MM-dd''T''HH:mm:ss.SSS''Z''\""]),
        (44, ["            event_time VARCHAR,"]),
        (49, ["            window_timestamp AS TO_TIMESTAMP(event_time, '{pattern}'),"]),
    ]
    assert doc["findings"][0]["location"] == {
        "path": str(SEED / "case1_seed_original.py"),
        "line": 44,
        "column": 13,
    }


@pytest.mark.parametrize("lang", LANGS)
def test_case2_healthy_job_exits_0(lang: str) -> None:
    code, doc = run_json(
        str(SEED / f"case2_seed_fixed.{lang}"), "--events", str(SEED / "case2_events.jsonl")
    )
    assert code == 0
    assert doc["verdict"] == "rows"
    assert doc["sink_rows"] == 2
    assert all(f["severity"] != "error" for f in doc["findings"])
    pending = [f for f in doc["findings"] if f["name"] == "window-pending"]
    assert len(pending) == 1
    assert pending[0]["severity"] == "info"
    assert pending[0]["evidence"]["release_event_time"] == "2024-12-14 03:10:14.999"
    assert doc["fix"] is None


@pytest.mark.parametrize("lang", LANGS)
def test_case3_idle_subtasks_with_verified_idle_timeout(lang: str) -> None:
    code, doc = run_json(
        str(SEED / f"case3_parallelism_gt_partitions.{lang}"),
        "--events",
        str(SEED / "case3_events.jsonl"),
    )
    assert code == 1
    assert doc["verdict"] == "empty"
    top = doc["findings"][0]
    assert top["name"] == "idle-subtask"
    assert top["evidence"]["partitions"] == 1
    assert top["evidence"]["parallelism"] == 3
    assert len(top["evidence"]["subtasks"]) == 2
    assert "'scan.watermark.idle-timeout' = '5 s'," in top["fix"]["diff"]
    assert top["fix"]["verified"]["sink_rows"] == 2
    assert top["fix"]["verified"]["failed"] is False


@pytest.mark.parametrize("lang", LANGS)
def test_case4_pattern_without_millis(lang: str) -> None:
    code, doc = run_json(
        str(SEED / f"case4_mixed_shapes.{lang}"), "--events", str(SEED / "case4_events.jsonl")
    )
    assert code == 1
    top = doc["findings"][0]
    assert top["name"] == "pattern-mismatch"
    assert top["evidence"]["failing"] == 2
    assert top["evidence"]["checked"] == 8
    assert {e["value"] for e in top["evidence"]["examples"]} == {
        "2024-12-14T03:01:00Z",
        "2024-12-14T03:03:00Z",
    }
    assert top["fix"]["verified"]["failed"] is False
    assert top["fix"]["verified"]["sink_rows"] >= 2


def test_case4_tvf_fails_and_names_the_pattern_first() -> None:
    code, doc = run_json(
        str(SEED / "case4_mixed_shapes_tvf.sql"), "--events", str(SEED / "case4_events.jsonl")
    )
    assert code == 1
    assert doc["verdict"] == "fails"
    names = [f["name"] for f in doc["findings"]]
    assert names[:2] == ["pattern-mismatch", "null-rowtime-job-failure"]
    failure = doc["findings"][1]
    assert failure["evidence"]["error"] == (
        "RowTime field should not be null, please convert it to a non-null long value."
    )
    assert doc["findings"][0]["fix"]["verified"]["failed"] is False


@pytest.mark.parametrize("lang", LANGS)
def test_case5_json_timestamp_fix_is_ltz_and_iso(lang: str) -> None:
    code, doc = run_json(
        str(SEED / f"case5_json_timestamp.{lang}"), "--events", str(SEED / "case5_events.jsonl")
    )
    assert code == 1
    assert doc["verdict"] == "fails"
    top = doc["findings"][0]
    assert top["name"] == "json-timestamp-format"
    assert [f["name"] for f in doc["findings"]].count("job-failure") == 0
    diff = top["fix"]["diff"]
    assert "event_time TIMESTAMP_LTZ(3)," in diff
    assert "'json.timestamp-format.standard' = 'ISO-8601'," in diff
    assert top["fix"]["verified"]["sink_rows"] == 2


@pytest.mark.parametrize("lang", LANGS)
def test_case6_window_not_closed_says_what_releases_it(lang: str) -> None:
    code, doc = run_json(
        str(SEED / f"case6_window_not_closed.{lang}"), "--events", str(SEED / "case6_events.jsonl")
    )
    assert code == 1
    assert doc["verdict"] == "empty"
    top = doc["findings"][0]
    assert top["name"] == "window-not-closed"
    # the slowest partition (P1, newest 03:02:25.454) holds 03:02:10.454; [03:00, 03:05)
    # needs 03:04:59.999, i.e. an event at or after 03:05:14.999 on every partition
    assert top["evidence"]["watermark"] == "2024-12-14 03:02:10.454"
    assert top["evidence"]["needed_watermark"] == "2024-12-14 03:04:59.999"
    assert top["evidence"]["release_event_time"] == "2024-12-14 03:05:14.999"
    assert top["fix"] is None  # not a bug: nothing to edit


def test_text_output_leads_with_the_verdict_and_the_diff() -> None:
    code, out = run(
        str(SEED / "case1_seed_original.py"), "--events", str(SEED / "case1_events.jsonl")
    )
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("Verdict: the sink receives nothing")
    assert "rowtime-field-missing" in out.split("Other findings")[0]
    assert "+    pattern = \"yyyy-MM-dd''T''HH:mm:ss.SSS''Z''\"" in out
    assert "✓ verified: with this change: 2 row(s) in 1 window(s)" in out


ALL_CASES = [
    ("case1_seed_original", "case1"),
    ("case2_seed_fixed", "case2"),
    ("case3_parallelism_gt_partitions", "case3"),
    ("case4_mixed_shapes", "case4"),
    ("case5_json_timestamp", "case5"),
    ("case6_window_not_closed", "case6"),
]


@pytest.mark.parametrize(("stem", "events"), ALL_CASES)
@pytest.mark.parametrize("lang", LANGS)
def test_json_matches_the_schema(stem: str, events: str, lang: str) -> None:
    import json

    import jsonschema

    from tests.explain.conftest import SCHEMA

    _, doc = run_json(
        str(SEED / f"{stem}.{lang}"), "--events", str(SEED / f"{events}_events.jsonl")
    )
    jsonschema.validate(doc, json.loads(SCHEMA.read_text()))
    assert list(doc)[:4] == ["verdict", "sink_rows", "findings", "queries"]
