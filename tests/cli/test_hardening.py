"""Issue 10, items 1-8: no traceback, hang or swallowed text on hostile input; one line and the
documented exit code (0 clean, 1 findings, 2 input, 3 Kafka, 4 internal error)."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from tests.cli.conftest import Run

README = Path(__file__).parents[2] / "README.md"

SCRIPT = """
CREATE TABLE ev (
  host STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH ('connector' = 'kafka', 'topic' = 't', 'properties.bootstrap.servers' = 'h:1',
        'format' = 'json');
SELECT host, window_start, COUNT(*) AS n
  FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
  GROUP BY host, window_start, window_end;
"""
MARKUP_HOSTS = ["[/]", "[bold red]x", "[red]2024", ":smile:"]


def envelope(partition: int, offset: int, host: str, ts: str) -> str:
    return json.dumps(
        {
            "partition": partition,
            "offset": offset,
            "timestamp": 0,
            "value": {"host": host, "ts": ts},
        }
    )


@pytest.fixture
def job(tmp_path: Path) -> Path:
    path = tmp_path / "job.sql"
    path.write_text(SCRIPT)
    return path


@pytest.fixture
def markup_events(tmp_path: Path) -> Path:
    lines = [  # each host in a window that fires and in one that stays open
        json.dumps({"host": host, "ts": f"2024-01-01 00:0{minute}:0{i}"})
        for minute in (0, 5)
        for i, host in enumerate(MARKUP_HOSTS)
    ]
    lines.append(json.dumps({"host": "later", "ts": "2024-01-01 00:05:00"}))
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def one_line_error(run: Run, code: int) -> str:
    assert run.code == code, (run.code, run.out, run.err)
    assert "Traceback" not in run.err and "Traceback" not in run.out
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    return lines[0]


# -- 1. rich markup in user data is printed as written ----------------------------------------


def test_markup_in_check_pattern_values_is_literal(cli: Callable[..., Run]) -> None:
    run = cli("check-pattern", "yyyy", "[/]", "[red]2024", "[bold red]x")
    assert run.code == 1, run.err
    assert "[/]" in run.out and "[red]2024" in run.out and "[bold red]x" in run.out


def test_markup_in_events_and_file_names_is_literal(
    cli: Callable[..., Run], tmp_path: Path, markup_events: Path
) -> None:
    odd = tmp_path / "[bold]job.sql"
    odd.write_text(SCRIPT)
    run = cli("simulate-windows", str(odd), "--events", str(markup_events))
    assert run.code in (0, 1), run.err
    for host in MARKUP_HOSTS:
        assert host in run.out, host
    ddl = cli("check-pattern", "--ddl", str(odd), "--events", str(markup_events))
    assert ddl.code == 0, ddl.err
    assert "[bold]job.sql" in ddl.out


def test_markup_in_json_keys_is_literal(cli: Callable[..., Run], tmp_path: Path) -> None:
    events = tmp_path / "e.jsonl"
    events.write_text(json.dumps({"[b]ts": "x"}) + "\n")
    run = cli("check-pattern", "yyyy", "--events", str(events), "--field", "ts")
    assert run.code == 1, run.err
    assert "[b]ts" in run.out


# -- 2. and 8. report files ---------------------------------------------------------------------


@pytest.mark.parametrize("option", ["--svg", "--html"])
def test_unwritable_report_path_is_one_line_exit_2(
    cli: Callable[..., Run], job: Path, markup_events: Path, option: str
) -> None:
    run = cli(
        "simulate-windows", str(job), "--events", str(markup_events), option, "/nonexistent/d/x"
    )
    line = one_line_error(run, 2)
    assert "/nonexistent/d/x" in line and "does not exist" in line


def test_unwritable_report_path_that_is_a_directory(
    cli: Callable[..., Run], job: Path, markup_events: Path, tmp_path: Path
) -> None:
    run = cli("simulate-windows", str(job), "--events", str(markup_events), "--svg", str(tmp_path))
    assert "is a directory" in one_line_error(run, 2)


def test_sample_out_that_cannot_be_written_fails_before_connecting(cli: Callable[..., Run]) -> None:
    with socket.socket() as probe:  # a port nobody listens on: connecting would say exit 3
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    run = cli("sample", "-b", f"127.0.0.1:{port}", "-t", "x", "--out", "/nonexistent/d/s.jsonl")
    assert "/nonexistent/d/s.jsonl" in one_line_error(run, 2)


def test_svg_and_html_together_both_hold_the_report(
    cli: Callable[..., Run], job: Path, markup_events: Path, tmp_path: Path
) -> None:
    svg, html = tmp_path / "r.svg", tmp_path / "r.html"
    run = cli(
        "simulate-windows", str(job), "--events", str(markup_events),
        "--svg", str(svg), "--html", str(html),
    )  # fmt: skip
    assert run.code in (0, 1), run.err
    assert "[bold red]x" in html.read_text() and "Rows the sink receives" in html.read_text()
    assert "Rows&#160;the&#160;sink&#160;receives" in svg.read_text()


# -- 3. every read of a user file goes through one error path --------------------------------

PROC_MEM = "/proc/self/mem"  # opens, then fails on read (EIO)


@pytest.mark.parametrize(
    "args",
    [
        ("simulate-windows", "{job}", "--events", PROC_MEM),
        ("simulate-windows", PROC_MEM, "--events", "{events}"),
        ("check-pattern", "yyyy", "--events", PROC_MEM, "--field", "ts"),
        ("check-pattern", "--ddl", PROC_MEM, "x"),
        ("sample", "--kafka-config", PROC_MEM, "-t", "x"),
        ("simulate-windows", "{job}", "--events", "{dir}"),
        ("check-pattern", "--ddl", "{dir}", "x"),
    ],
)
def test_unreadable_files_are_one_line_exit_2(
    cli: Callable[..., Run], job: Path, markup_events: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    filled = [a.format(job=job, events=markup_events, dir=tmp_path) for a in args]
    line = one_line_error(cli(*filled), 2)
    assert PROC_MEM in line or str(tmp_path) in line
    assert "cannot read" in line or "is a directory" in line


# -- 4. a bug is exit 4, one line, traceback only on request ----------------------------------


def _boom(*_: object, **__: object) -> None:
    raise RuntimeError("simulated bug")


def test_internal_error_is_exit_4_and_one_line(
    cli: Callable[..., Run], job: Path, markup_events: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("flinkdoctor.engine.simulate", _boom)  # imported when the command runs
    monkeypatch.delenv("FLINKDOCTOR_DEBUG", raising=False)
    line = one_line_error(cli("simulate-windows", str(job), "--events", str(markup_events)), 4)
    assert line.startswith(
        "flinkdoctor: internal error: RuntimeError: simulated bug, please report"
    )


def test_internal_error_traceback_with_debug(
    cli: Callable[..., Run], job: Path, markup_events: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("flinkdoctor.engine.simulate", _boom)  # imported when the command runs
    monkeypatch.setenv("FLINKDOCTOR_DEBUG", "1")
    run = cli("simulate-windows", str(job), "--events", str(markup_events))
    assert run.code == 4
    assert "Traceback (most recent call last)" in run.err and "_boom" in run.err
    assert run.err.strip().splitlines()[-1].startswith("flinkdoctor: internal error:")


def test_readme_documents_exit_4() -> None:
    text = " ".join(README.read_text().split())
    assert "`4` internal error" in text


# -- 5. and 7. partition ids and parallelism ----------------------------------------------------


@pytest.mark.parametrize("partition", [-1, 2**31, 10**19])
def test_partition_ids_kafka_cannot_have_name_the_line(
    cli: Callable[..., Run], job: Path, tmp_path: Path, partition: int
) -> None:
    events = tmp_path / "p.jsonl"
    events.write_text(
        envelope(0, 0, "a", "2024-01-01 00:00:00") + "\n"
        + envelope(partition, 1, "a", "2024-01-01 00:00:01") + "\n"
    )  # fmt: skip
    started = time.monotonic()
    line = one_line_error(cli("simulate-windows", str(job), "--events", str(events)), 2)
    assert time.monotonic() - started < 60  # it used to grow past 850 MB, never to finish
    assert f"p.jsonl:2: partition {partition} is not a Kafka partition id" in line
    assert "--partitions 0" not in line


def test_a_negative_partition_in_a_check_pattern_file_is_an_input_error(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    events = tmp_path / "p.jsonl"
    events.write_text(envelope(-1, 0, "a", "2024") + "\n")
    line = one_line_error(cli("check-pattern", "yyyy", "--events", str(events), "--field", "ts"), 2)
    assert "p.jsonl:1: partition -1 is not a Kafka partition id" in line


def test_the_largest_partition_id_replays_and_names_empty_partitions_as_ranges(
    cli: Callable[..., Run], job: Path, tmp_path: Path
) -> None:
    """Partition 2147483647 means a topic of 2^31 partitions (ids are contiguous): it replays,
    and the 2^31 - 2 that received nothing are named as ranges, never one by one."""
    events = tmp_path / "p.jsonl"
    events.write_text(
        envelope(2**31 - 1, 0, "a", "2024-01-01 00:00:00") + "\n"
        + envelope(40000, 0, "b", "2024-01-01 00:00:30") + "\n"
        + envelope(2**31 - 1, 1, "a", "2024-01-01 00:05:00") + "\n"
    )  # fmt: skip
    run = cli("simulate-windows", str(job), "--events", str(events))
    assert run.code == 1, run.err  # the windows wait for the empty partitions (R2.1)
    text = " ".join(run.out.split())
    assert "2147483648 partition(s) on 1 subtask(s)" in text
    assert "held back by partitions 0-39999, 40001-2147483646 (subtask 0)" in text
    assert "none of these 2147483646 partitions received data" in text
    run = cli("simulate-windows", str(job), "--events", str(events), "--format", "json")
    doc = json.loads(run.out)
    schema = README.parent / "docs" / "schemas" / "simulate-windows.schema.json"
    jsonschema.validate(doc, json.loads(schema.read_text()))
    assert doc["config"]["partitions"] == 2**31 and doc["config"]["partition_owners"] is None
    assert doc["config"]["partition_owner_start"] == 0
    empty = [w for w in doc["watermarks"] if w["kind"] == "split" and w["records"] == 0]
    assert [(w["input"], w["partitions"], w["partition_count"]) for w in empty] == [
        ("partitions 0-39999, 40001-2147483646", None, 2**31 - 2)
    ]
    assert empty[0]["partition_ranges"] == [
        {"first": 0, "last": 39999, "step": 1},
        {"first": 40001, "last": 2147483646, "step": 1},
    ]
    fed = {w["input"]: w["records"] for w in doc["watermarks"] if w["kind"] == "split"}
    assert fed == {"partitions 0-39999, 40001-2147483646": 0, "partition 40000": 1,
                   "partition 2147483647": 2}  # fmt: skip
    holders = [h["input"] for h in doc["pending"][0]["held_back_by"]]
    assert holders[0] == "partitions 0-39999, 40001-2147483646 (subtask 0)"


def test_a_huge_partition_count_replays_and_one_kafka_cannot_have_is_refused(
    cli: Callable[..., Run], job: Path, tmp_path: Path
) -> None:
    events = tmp_path / "p.jsonl"
    events.write_text(envelope(7, 0, "a", "2024-01-01 00:00:00") + "\n")
    run = cli(
        "simulate-windows", str(job), "--events", str(events), "--partitions", "10000000",
        "--parallelism", "4", "--format", "json",
    )  # fmt: skip
    assert run.code == 1, run.err
    doc = json.loads(run.out)
    splits = [w for w in doc["watermarks"] if w["kind"] == "split"]
    counts = sorted((w["records"], w["partition_count"]) for w in splits)
    assert counts == [(0, 2_499_999), (0, 2_500_000), (0, 2_500_000), (0, 2_500_000), (1, 1)]
    assert all(w["partitions"] is None for w in splits if w["records"] == 0)
    run = cli("simulate-windows", str(job), "--events", str(events), "--partitions", "2147483649")
    line = one_line_error(run, 2)
    assert "2147483649" in line and "2147483648" in line  # the value and Kafka's limit


def test_parallelism_above_flinks_maximum_is_refused(
    cli: Callable[..., Run], job: Path, markup_events: Path
) -> None:
    run = cli(
        "simulate-windows", str(job), "--events", str(markup_events), "--parallelism", "10000000"
    )
    assert run.code == 2 and "32768" in run.err and "Traceback" not in run.err
    run = cli(
        "simulate-windows", str(job), "--events", str(markup_events),
        "--set", "parallelism.default=40000",
    )  # fmt: skip
    line = one_line_error(run, 2)
    assert "parallelism 40000" in line and "32768" in line


# -- 6. envelopes on stdin read like the same file -------------------------------------------


def test_envelopes_on_stdin_read_like_the_file(
    cli: Callable[..., Run], job: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [
        envelope(0, 0, "a", "2024-01-01 00:00:00"),
        envelope(1, 0, "b", "2024-01-01 00:00:01"),
        envelope(1, 1, "b", "2024-01-01 00:05:00"),
        envelope(0, 1, "a", "2024-01-01 00:05:00"),
    ]
    events = tmp_path / "env.jsonl"
    events.write_text("\n".join(lines) + "\n")
    by_path = cli("simulate-windows", str(job), "--events", str(events), "--format", "json")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(events.read_bytes())))
    by_stdin = cli("simulate-windows", str(job), "--events", "-", "--format", "json")
    assert by_stdin.code == by_path.code == 1, by_stdin.err  # 1: the 00:05 window stays open
    from_stdin, from_path = json.loads(by_stdin.out), json.loads(by_path.out)
    assert from_path["config"]["partitions"] == 2
    assert from_stdin["rows"] == from_path["rows"] and len(from_path["rows"]) == 2


def test_explain_takes_the_partitions_of_every_envelope_on_stdin_too(
    cli: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The highest partition on line 151 makes the topic (not the first events only)."""
    job = tmp_path / "job.sql"
    job.write_text(SCRIPT.replace("'format' = 'json'", "'format' = 'json', "
                                  "'scan.startup.mode' = 'earliest-offset'"))  # fmt: skip
    lines = [envelope(0, i, "a", f"2024-01-01 00:00:{i % 60:02d}") for i in range(150)]
    lines.append(envelope(5, 0, "b", "2024-01-01 00:03:00"))
    events = tmp_path / "late.jsonl"
    events.write_text("\n".join(lines) + "\n")
    by_path = cli("explain", str(job), "--events", str(events), "--format", "json")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(events.read_bytes())))
    by_stdin = cli("explain", str(job), "--events", "-", "--format", "json")
    for run in (by_path, by_stdin):
        assert run.code == 1, run.err
        top = json.loads(run.out)["findings"][0]
        assert top["name"] == "idle-partition", top
        held = sorted(i["input"] for i in top["evidence"]["inputs"])
        assert held == [
            "partition 0 (subtask 0)",
            *(f"partition {p} (subtask 0)" for p in range(1, 5)),
        ]


# -- 13. sampling options that cannot work fail at once -----------------------------------------


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e308"])
@pytest.mark.parametrize(
    "command",
    [
        ("sample", "-b", "127.0.0.1:9", "-t", "x"),
        ("check-pattern", "yyyy", "--field", "ts", "-b", "127.0.0.1:9", "-t", "x"),
        ("simulate-windows", "examples/seed/case2_seed_fixed.sql", "-b", "127.0.0.1:9"),
    ],
)
def test_a_timeout_that_is_not_a_number_of_seconds_is_a_usage_error(
    cli: Callable[..., Run], command: tuple[str, ...], value: str
) -> None:
    run = cli(*command, "--timeout", value)
    assert run.code == 2, run.err
    assert "--timeout" in run.err and "Traceback" not in run.err
    assert "OverflowError" not in run.err


def _refused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_missing_tls_file_is_named_at_once(cli: Callable[..., Run]) -> None:
    started = time.monotonic()
    run = cli(
        "sample", "-b", f"127.0.0.1:{_refused_port()}", "-t", "x", "--timeout", "30",
        "-X", "security.protocol=SSL", "-X", "ssl.ca.location=/missing/ca.pem",
    )  # fmt: skip
    line = one_line_error(run, 2)
    assert line == "flinkdoctor: error: ssl.ca.location /missing/ca.pem (from -X): no such file"
    assert time.monotonic() - started < 15  # not after the 30 s timeout


def test_a_refused_connection_fails_fast(cli: Callable[..., Run], tmp_path: Path) -> None:
    port = _refused_port()
    ddl = tmp_path / "job.sql"
    ddl.write_text(SCRIPT.replace("'h:1'", f"'127.0.0.1:{port}'"))
    started = time.monotonic()
    run = cli("check-pattern", "--ddl", str(ddl), "--timeout", "40")
    line = one_line_error(run, 3)
    assert line == (
        f"flinkdoctor: error: Kafka unreachable: connection to 127.0.0.1:{port} refused "
        "(is the broker running there?)"
    )
    assert time.monotonic() - started < 20  # not after the 40 s timeout


def test_markup_in_table_and_column_names_is_literal(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    script = tmp_path / "names.sql"
    script.write_text(
        "CREATE TABLE `[red]ev` (`[b]host` STRING, ts TIMESTAMP(3),\n"
        "  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)\n"
        "  WITH ('connector' = 'kafka', 'topic' = 't', 'format' = 'json');\n"
        "SELECT `[b]host`, window_start, COUNT(*) AS `[/]n`\n"
        "  FROM TABLE(TUMBLE(TABLE `[red]ev`, DESCRIPTOR(ts), INTERVAL '1' MINUTE))\n"
        "  GROUP BY `[b]host`, window_start, window_end;\n"
    )
    events = tmp_path / "names.jsonl"
    events.write_text(
        '{"[b]host": "a", "ts": "2024-01-01 00:00:00"}\n'
        '{"[b]host": "a", "ts": "2024-01-01 00:05:00"}\n'
    )
    run = cli("simulate-windows", str(script), "--events", str(events))
    assert run.code == 1, run.err
    assert "[red]ev" in run.out and "[b]host" in run.out and "[/]n" in run.out


# -- 14. wrong words ---------------------------------------------------------------------------


def test_an_unknown_statement_is_reported_where_it_is(
    cli: Callable[..., Run], tmp_path: Path, markup_events: Path
) -> None:
    script = tmp_path / "typo.sql"
    script.write_text(SCRIPT.replace("CREATE TABLE ev", "CREATE TABEL ev"))
    line = one_line_error(cli("simulate-windows", str(script), "--events", str(markup_events)), 2)
    assert line.startswith(f"flinkdoctor: error: {script}:2:8: unknown statement CREATE TABEL")
    assert "did you mean CREATE TABLE?" in line and "is not created" not in line


def test_a_planning_failure_neither_restarts_nor_lacks_input(
    cli: Callable[..., Run], tmp_path: Path, markup_events: Path
) -> None:
    script = tmp_path / "host_window.sql"
    script.write_text(
        "SET 'execution.checkpointing.interval' = '10 s';\n"
        + SCRIPT.replace("DESCRIPTOR(ts)", "DESCRIPTOR(host)")
    )
    run = cli("simulate-windows", str(script), "--events", str(markup_events))
    assert run.code == 1, run.err
    text = " ".join(run.out.split())
    assert "requires the timecol is a time attribute type" in text
    assert "no restart strategy without checkpointing" not in text
    assert "no input records" not in text
    assert "Flink rejects the job while planning it" in text
    data = json.loads(
        cli("simulate-windows", str(script), "--events", str(markup_events), "--format", "json").out
    )
    assert not any("R5.7" in finding for finding in data.get("findings", []))


def test_check_pattern_on_an_empty_events_file_is_a_finding(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    run = cli("check-pattern", "yyyy", "--events", str(empty), "--field", "ts")
    assert run.code == 1, run.err
    assert "no input records" in " ".join(run.out.split())
    data = json.loads(
        cli(
            "check-pattern", "yyyy", "--events", str(empty), "--field", "ts", "--format", "json"
        ).out
    )
    assert data["summary"]["total"] == 0
    assert any("no input records" in note for note in data["notes"])


TOO_LONG = "1" * 400  # longer than any file name the system allows (ENAMETOOLONG)


@pytest.mark.parametrize(
    "args",
    [
        ("explain", "{script}", "--events", "{events}", "--write-fixed", TOO_LONG),
        ("explain", "{script}", "--events", "{events}", "--html", TOO_LONG),
        ("explain", "{script}", "--events", TOO_LONG),
        ("explain", TOO_LONG, "--events", "{events}"),
        ("simulate-windows", "{script}", "--events", "{events}", "--svg", TOO_LONG),
        ("lint", TOO_LONG),
        ("lint", TOO_LONG + "*"),
        ("lint", "--config", TOO_LONG, "{script}"),
    ],
)
def test_a_file_name_too_long_is_one_line_exit_2(
    cli: Callable[..., Run], tmp_path: Path, args: tuple[str, ...]
) -> None:
    """Found by the fuzzer: ``Path.is_dir`` raises for a name the system cannot look up."""
    script, events = tmp_path / "job.sql", tmp_path / "events.jsonl"
    script.write_text(SCRIPT)
    events.write_text(envelope(0, 0, "a", "2024-01-01 00:00:00") + "\n")
    run = cli(*(a.format(script=script, events=events) for a in args))
    assert run.code == 2, run.err
    lines = run.err.strip().splitlines()
    assert len(lines) == 1 and TOO_LONG in lines[0] and "internal error" not in lines[0]


@pytest.mark.parametrize(
    "args",
    [
        ["explain", "examples/seed/case2_seed_fixed.py", "--events",
         "examples/seed/case2_events.jsonl"],
        ["simulate-windows", "examples/seed/case6_window_not_closed.sql", "--events",
         "examples/seed/case6_events.jsonl"],
    ],
)  # fmt: skip
def test_a_closed_output_is_not_read_as_findings(args: list[str]) -> None:
    """`flinkdoctor explain ... | head -1`: rich would exit 1 (= findings, or for explain "an
    error-level cause") on the closed pipe; the output closed early is exit 141, no message."""
    root = README.parent
    process = subprocess.Popen(
        [sys.executable, "-m", "flinkdoctor", *args],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "COLUMNS": "100"},
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before anything is written
    err = process.stderr.read().decode()
    assert process.wait(timeout=120) == 141
    assert err == ""
