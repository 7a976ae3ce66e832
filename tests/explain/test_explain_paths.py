"""``explain`` beyond the seed: every windowed query, the sink and source sides, fixes written to a
file, PyFlink environment lookups, data causes, bad input. Expected values are written out by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.explain.conftest import SCHEMA, SEED, run, run_json

E1_E6 = SEED / "case2_events.jsonl"  # the seed's six events on 3 partitions

SOURCE = """
CREATE TABLE src (
  host VARCHAR,
  event_time VARCHAR,
  ts AS TO_TIMESTAMP(event_time, 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z'''),
  WATERMARK FOR ts AS ts - INTERVAL '15' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = 'events',
  'properties.bootstrap.servers' = 'localhost:9092',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json'
);
"""

PRINT_SINK = """
CREATE TABLE out_{n} (w TIMESTAMP(3), host VARCHAR, c BIGINT) WITH ('connector' = 'print');
"""


def _script(tmp_path: Path, body: str, name: str = "job.sql") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def test_every_windowed_query_is_replayed(tmp_path: Path) -> None:
    body = (
        "SET 'parallelism.default' = '3';\n"
        + SOURCE
        + PRINT_SINK.format(n=1)
        + PRINT_SINK.format(n=2)
        + """
INSERT INTO out_1
SELECT window_start, host, COUNT(*)
FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(ts), INTERVAL '5' MINUTE))
GROUP BY window_start, window_end, host;
INSERT INTO out_2
SELECT window_start, host, COUNT(*)
FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
WHERE host = 'nobody.example'
GROUP BY window_start, window_end, host;
"""
    )
    code, doc = run_json(str(_script(tmp_path, body)), "--events", str(E1_E6))
    assert code == 1
    assert [q["index"] for q in doc["queries"]] == [0, 1]
    assert [q["sink"] for q in doc["queries"]] == ["out_1", "out_2"]
    # query 0: [03:00, 03:05) fires for two hosts (seed case 2); query 1 keeps nothing
    assert doc["queries"][0]["rows"] == 2
    assert doc["queries"][1]["rows"] == 0
    assert doc["sink_rows"] == 2
    top = doc["findings"][0]
    assert top["name"] == "filter-matches-nothing"
    assert top["evidence"]["query"] == 1
    assert top["evidence"]["filtered"] == 6
    where_line = next(
        i for i, line in enumerate(body.splitlines(), start=1) if line.startswith("WHERE")
    )
    assert top["location"]["line"] == where_line


def test_filesystem_sink_without_checkpoints_shows_nothing(tmp_path: Path) -> None:
    body = (
        "SET 'parallelism.default' = '3';\n"
        + SOURCE
        + """
CREATE TABLE files (w TIMESTAMP(3), host VARCHAR, c BIGINT)
WITH ('connector' = 'filesystem', 'path' = '/tmp/out', 'format' = 'json');
INSERT INTO files
SELECT window_start, host, COUNT(*)
FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(ts), INTERVAL '5' MINUTE))
GROUP BY window_start, window_end, host;
"""
    )
    code, doc = run_json(str(_script(tmp_path, body)), "--events", str(E1_E6))
    assert code == 1
    assert doc["verdict"] == "empty"
    assert doc["sink_rows"] == 0
    assert doc["queries"][0]["rows"] == 2
    assert doc["queries"][0]["visible_rows"] == 0
    finding = next(f for f in doc["findings"] if f["name"] == "sink-needs-checkpoint")
    assert finding["severity"] == "error"
    assert finding["evidence"]["rows_received"] == 2


def test_jdbc_flush_disabled_without_checkpoints(tmp_path: Path) -> None:
    body = (
        "SET 'parallelism.default' = '3';\n"
        + SOURCE
        + """
CREATE TABLE pg (w TIMESTAMP(3), host VARCHAR, c BIGINT) WITH (
  'connector' = 'jdbc', 'url' = 'jdbc:postgresql://db:5432/x', 'table-name' = 'pg',
  'sink.buffer-flush.max-rows' = '0', 'sink.buffer-flush.interval' = '0'
);
INSERT INTO pg
SELECT window_start, host, COUNT(*)
FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(ts), INTERVAL '5' MINUTE))
GROUP BY window_start, window_end, host;
"""
    )
    code, doc = run_json(str(_script(tmp_path, body)), "--events", str(E1_E6))
    assert code == 1
    assert doc["sink_rows"] == 0
    assert "jdbc-flush-disabled" in [f["name"] for f in doc["findings"]]


def test_write_fixed_writes_a_script_that_works(tmp_path: Path) -> None:
    fixed = tmp_path / "fixed.py"
    code, _ = run(
        str(SEED / "case1_seed_original.py"),
        "--events",
        str(SEED / "case1_events.jsonl"),
        "--write-fixed",
        str(fixed),
    )
    assert code == 1
    text = fixed.read_text(encoding="utf-8")
    assert "            event_time VARCHAR,\n" in text
    assert "    pattern = \"yyyy-MM-dd''T''HH:mm:ss.SSS''Z''\"\n" in text
    assert "event_timestamp" not in text.split('"""', 2)[2]  # only the docstring keeps it
    code, doc = run_json(str(fixed), "--events", str(SEED / "case1_events.jsonl"))
    assert code == 0
    assert doc["sink_rows"] == 2


def test_write_fixed_never_overwrites_the_input(tmp_path: Path) -> None:
    script = tmp_path / "job.py"
    original = (SEED / "case1_seed_original.py").read_text(encoding="utf-8")
    script.write_text(original, encoding="utf-8")
    code, message = run(
        str(script), "--events", str(SEED / "case1_events.jsonl"), "--write-fixed", str(script)
    )
    assert code == 2
    assert "input script" in message
    assert script.read_text(encoding="utf-8") == original


ENV_JOB = '''
import os

pattern = os.environ.get("TS_PATTERN")
topic = os.getenv("KAFKA_TOPIC")
t_env.execute_sql(f"""
    CREATE TABLE src (
        host VARCHAR,
        event_time VARCHAR,
        ts AS TO_TIMESTAMP(event_time, '{pattern}'),
        WATERMARK FOR ts AS ts - INTERVAL '15' SECOND
    ) WITH (
        'connector' = 'kafka',
        'topic' = '{topic}',
        'scan.startup.mode' = 'earliest-offset',
        'format' = 'json'
    )
""")
t_env.execute_sql("""
    CREATE TABLE out_1 (w TIMESTAMP(3), host VARCHAR, c BIGINT) WITH ('connector' = 'print')
""")
t_env.execute_sql("""
    INSERT INTO out_1
    SELECT window_start, host, COUNT(*)
    FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(ts), INTERVAL '5' MINUTE))
    GROUP BY window_start, window_end, host
""")
'''


def test_env_lookups_resolve_from_env_option(tmp_path: Path) -> None:
    script = _script(tmp_path, ENV_JOB, "job.py")
    code, doc = run_json(
        str(script),
        "--events",
        str(E1_E6),
        "--env",
        "TS_PATTERN=yyyy-MM-dd''T''HH:mm:ss.SSS''Z''",
        "--env",
        "KAFKA_TOPIC=bootcamp-events-prod",
        "--set",
        "parallelism.default=3",
        env={"TS_PATTERN": "", "KAFKA_TOPIC": ""},
    )
    assert code == 0
    assert doc["sink_rows"] == 2
    assert doc["placeholders"] == []
    assert not any("topic name is unknown" in a for a in doc["assumptions"])


def test_env_lookups_come_from_the_process_environment(tmp_path: Path) -> None:
    script = _script(tmp_path, ENV_JOB, "job.py")
    _, doc = run_json(
        str(script),
        "--events",
        str(E1_E6),
        env={"TS_PATTERN": "yyyy-MM-dd''T''HH:mm:ss.SSS''Z''", "KAFKA_TOPIC": "t"},
    )
    assert doc["queries"][0]["error"] is None
    assert doc["queries"][0]["rows"] == 2


def test_unset_env_lookups_stay_visible_and_feed_nothing(tmp_path: Path) -> None:
    script = _script(tmp_path, ENV_JOB, "job.py")
    _, doc = run_json(str(script), "--events", str(E1_E6))
    assert doc["placeholders"] == ['os.environ.get("TS_PATTERN")', 'os.getenv("KAFKA_TOPIC")']
    query = doc["queries"][0]
    assert query["rows"] == 0
    assert "pass --env" in query["error"]
    assert '${os.environ.get("TS_PATTERN")}' in query["error"]
    # no pattern-mismatch made up from a placeholder pattern
    assert "pattern-mismatch" not in [f["name"] for f in doc["findings"]]


def test_unknown_topic_name_is_said(tmp_path: Path) -> None:
    script = _script(tmp_path, ENV_JOB, "job.py")
    _, doc = run_json(
        str(script), "--events", str(E1_E6), "--env", "TS_PATTERN=yyyy-MM-dd''T''HH:mm:ss.SSS''Z''"
    )
    assert doc["queries"][0]["rows"] == 2
    assert any("topic name is unknown" in a for a in doc["assumptions"])


def test_no_input_records(tmp_path: Path) -> None:
    empty = tmp_path / "none.jsonl"
    empty.write_text("", encoding="utf-8")
    code, doc = run_json(str(SEED / "case2_seed_fixed.sql"), "--events", str(empty))
    assert code == 1
    assert doc["findings"][0]["name"] == "no-input-records"
    assert doc["verdict"] == "empty"


EPOCH = """
SET 'parallelism.default' = '1';
CREATE TABLE src (
  host VARCHAR,
  ts_sec BIGINT,
  ts AS TO_TIMESTAMP_LTZ(ts_sec, 3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'kafka', 'topic' = 't', 'scan.startup.mode' = 'earliest-offset',
        'format' = 'json');
CREATE TABLE out_1 (w TIMESTAMP(3), host VARCHAR, c BIGINT) WITH ('connector' = 'print');
INSERT INTO out_1
SELECT window_start, host, COUNT(*)
FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY window_start, window_end, host;
"""


def test_epoch_seconds_read_as_millis(tmp_path: Path) -> None:
    events = tmp_path / "e.jsonl"
    # 2024-12-14 03:00:05, 03:01:10, 03:02:30 UTC in epoch seconds
    events.write_text(
        "\n".join(
            json.dumps({"host": "a", "ts_sec": s}) for s in (1734145205, 1734145270, 1734145350)
        )
        + "\n",
        encoding="utf-8",
    )
    code, doc = run_json(str(_script(tmp_path, EPOCH)), "--events", str(events))
    assert code == 1
    top = doc["findings"][0]
    assert top["name"] == "epoch-unit-mismatch"
    assert top["evidence"]["unit"] == "seconds"
    assert top["fix"]["edits"][0]["replacement"] == ["  ts AS TO_TIMESTAMP_LTZ(ts_sec, 0),"]
    # with seconds read right, [03:00, 03:01) and [03:01, 03:02) close (watermark 03:02:25)
    assert top["fix"]["verified"]["windows_fired"] == 2


def test_idle_partition_holds_the_watermark(tmp_path: Path) -> None:
    body = (
        "SET 'parallelism.default' = '3';\n"
        + SOURCE
        + PRINT_SINK.format(n=1)
        + """
INSERT INTO out_1
SELECT window_start, host, COUNT(*)
FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(ts), INTERVAL '5' MINUTE))
GROUP BY window_start, window_end, host;
"""
    )
    # E1..E6 without partition 2's records: partitions 0 and 1 only, topic of 3 partitions
    lines = [line for line in E1_E6.read_text().splitlines() if '"partition": 2' not in line]
    events = tmp_path / "e.jsonl"
    events.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, doc = run_json(str(_script(tmp_path, body)), "--events", str(events), "--partitions", "3")
    assert code == 1
    top = doc["findings"][0]
    assert top["name"] == "idle-partition"
    assert [i["partition"] for i in top["evidence"]["inputs"]] == [2]
    assert top["fix"]["verified"]["failed"] is False
    assert top["fix"]["verified"]["sink_rows"] == 2


def test_group_offsets_without_reset(tmp_path: Path) -> None:
    body = (
        SOURCE.replace(
            "'scan.startup.mode' = 'earliest-offset',", "'properties.group.id' = 'reports',"
        )
        + PRINT_SINK.format(n=1)
        + """
INSERT INTO out_1
SELECT window_start, host, COUNT(*)
FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(ts), INTERVAL '5' MINUTE))
GROUP BY window_start, window_end, host;
"""
    )
    _, doc = run_json(str(_script(tmp_path, body)), "--events", str(E1_E6))
    names = [f["name"] for f in doc["findings"]]
    assert "startup-group-offsets" in names
    assert doc["queries"][0]["arrival"] == "backlog"
    finding = next(f for f in doc["findings"] if f["name"] == "startup-group-offsets")
    # real Flink fails a fresh group (corpus case 53): said plainly, with what the replay assumed
    assert "fails at start" in finding["message"]
    assert "unless consumer group 'reports'" in finding["message"]
    assert "offline tool cannot see" in finding["message"]
    assert "the replay assumed" in finding["message"]
    assert finding["evidence"]["committed_offsets"] == "unknown offline"
    assert finding["evidence"]["arrival"] == "backlog"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["/nonexistent/job.sql", "--events", str(E1_E6)], "no such file"),
        ([str(SEED / "case1_seed_original.py"), "--events", "/nonexistent.jsonl"], "no such file"),
        (
            [str(SEED / "case1_seed_original.py"), "--events", str(E1_E6), "--env", "NOEQUALS"],
            "NAME=VALUE",
        ),
        (
            [str(SEED / "case1_seed_original.py"), "--events", str(E1_E6), "--format", "xml"],
            "--format",
        ),
    ],
)
def test_bad_input_exits_2(args: list[str], needle: str) -> None:
    code, message = run(*args)
    assert code == 2
    assert needle in message


def test_idle_subtask_says_the_owners_are_a_guess_without_the_topic(tmp_path: Path) -> None:
    script = _script(tmp_path, ENV_JOB, "job.py")
    _, doc = run_json(
        str(script),
        "--events",
        str(SEED / "case3_events.jsonl"),  # one partition
        "--env",
        "TS_PATTERN=yyyy-MM-dd''T''HH:mm:ss.SSS''Z''",
        "--set",
        "parallelism.default=3",
    )
    top = doc["findings"][0]
    assert top["name"] == "idle-subtask"
    assert "the topic name is unknown" in top["message"]


CAST_JOB = """
SET 'parallelism.default' = '3';
CREATE TABLE src (
  host VARCHAR,
  event_time VARCHAR,
  ts AS CAST(event_time AS TIMESTAMP(3)),
  WATERMARK FOR ts AS ts - INTERVAL '15' SECOND
) WITH ('connector' = 'kafka', 'topic' = 't', 'scan.startup.mode' = 'earliest-offset',
        'format' = 'json');
CREATE TABLE out_1 (w TIMESTAMP(3), host VARCHAR, c BIGINT) WITH ('connector' = 'print');
INSERT INTO out_1
SELECT window_start, host, COUNT(*)
FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(ts), INTERVAL '5' MINUTE))
GROUP BY window_start, window_end, host;
"""


def test_cast_of_iso_strings_fails_and_to_timestamp_fixes_it(tmp_path: Path) -> None:
    """R4.4: CAST('2024-12-14T03:00:05.123Z' AS TIMESTAMP(3)) fails the job; TO_TIMESTAMP with
    the values' pattern reads them all, and [03:00, 03:05) fires for two hosts."""
    code, doc = run_json(str(_script(tmp_path, CAST_JOB)), "--events", str(E1_E6))
    assert code == 1
    assert doc["verdict"] == "fails"
    assert [f["name"] for f in doc["findings"]][:1] == ["pattern-mismatch"]
    assert "job-failure" not in [f["name"] for f in doc["findings"]]
    edits = doc["fix"]["edits"]
    assert edits[0]["replacement"] == [
        "  ts AS TO_TIMESTAMP(event_time, 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z'''),"
    ]
    assert doc["fix"]["verified"]["sink_rows"] == 2


def test_no_windowed_query_runs_static_and_data_checks(tmp_path: Path) -> None:
    """No windowed query: nothing to replay, yet the lint rules and the data checks still run
    (here the DDL reads event_timestamp, the events carry event_time), and the report says so."""
    body = (
        SOURCE.replace("event_time VARCHAR", "event_timestamp VARCHAR").replace(
            "TO_TIMESTAMP(event_time,", "TO_TIMESTAMP(event_timestamp,"
        )
        + PRINT_SINK.format(n=1)
        + "\nINSERT INTO out_1\nSELECT ts, host, CAST(1 AS BIGINT) FROM src;\n"
    )
    code, doc = run_json(str(_script(tmp_path, body)), "--events", str(E1_E6))
    assert code == 1
    assert doc["verdict"] == "unknown"
    assert doc["sink_rows"] == 0
    assert doc["queries"] == []
    assert doc["verdict_text"] == "not known: the script has no windowed query to replay"
    assert doc["findings"][0]["name"] == "rowtime-field-missing"
    assert "event_time" in json.dumps(doc["findings"][0]["evidence"])
    assert doc["findings"][0]["fix"]["edits"]  # shown, but there is no replay to verify it
    assert doc["findings"][0]["fix"]["verified"] is None
    assert any("no windowed query" in a for a in doc["assumptions"])
    jsonschema.validate(doc, json.loads(SCHEMA.read_text()))
    page = tmp_path / "report.html"
    code, text = run(str(_script(tmp_path, body)), "--events", str(E1_E6), "--html", str(page))
    assert 'data-verdict="unknown"' in page.read_text()
    assert code == 1
    assert "Verdict: not known: the script has no windowed query to replay" in text
    assert "No windowed query to replay" in text


def test_no_windowed_query_healthy_exits_0(tmp_path: Path) -> None:
    body = SOURCE + PRINT_SINK.format(n=1) + "\nINSERT INTO out_1\nSELECT ts, host, 1 FROM src;\n"
    code, doc = run_json(str(_script(tmp_path, body)), "--events", str(E1_E6))
    assert code == 0
    assert doc["verdict"] == "unknown"
    assert [f for f in doc["findings"] if f["severity"] == "error"] == []


def test_partitions_come_from_every_envelope_and_a_huge_topic_is_named_by_ranges(
    tmp_path: Path,
) -> None:
    """The topic's partition count is the highest partition in the whole file + 1, not in its
    first events only: partition 2147483647 on line 151 makes a topic of 2^31 partitions, whose
    2^31 - 2 without a record hold the watermark back (R2.1), named as one range, with partition
    0, behind partition 2147483647."""
    body = (
        SOURCE
        + PRINT_SINK.format(n=1)
        + (
            "INSERT INTO out_1 SELECT window_start, host, COUNT(*) FROM TABLE(TUMBLE(TABLE src, "
            "DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end, host;\n"
        )
    )
    envelopes = [
        {"partition": 0, "offset": i, "timestamp": 0,
         "value": {"host": "a", "event_time": f"2024-12-14T03:00:{i % 60:02d}.000Z"}}
        for i in range(150)
    ] + [
        {"partition": 2147483647, "offset": 0, "timestamp": 0,
         "value": {"host": "b", "event_time": "2024-12-14T03:03:00.000Z"}}
    ]  # fmt: skip
    text = "".join(json.dumps(e) + "\n" for e in envelopes)
    events = tmp_path / "e.jsonl"
    events.write_text(text, encoding="utf-8")
    code, doc = run_json(str(_script(tmp_path, body)), "--events", str(events))
    assert code == 1
    top = doc["findings"][0]
    assert top["name"] == "idle-partition"
    # the empty ones and partition 0, behind partition 2147483647
    assert top["message"].startswith("2147483647 partition(s) without fresh data")
    assert "partitions 1-2147483646 (subtask 0) have no data" in top["message"]
    inputs = {i["input"]: i["partition_count"] for i in top["evidence"]["inputs"]}
    assert inputs == {
        "partitions 1-2147483646 (subtask 0)": 2147483646,
        "partition 0 (subtask 0)": 1,
    }
