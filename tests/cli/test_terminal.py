"""What a person sees: each command run in a real terminal (a pseudo-terminal of 80 and of 160
columns, stdout and stderr both on it, as in a shell), the screen text checked with the ANSI
codes stripped. Also the same commands piped (no terminal): the plain report, no progress bar.

Checked: no line wider than the terminal, whole keys (never 4-character fragments), the partition
assignment as "partition 0 → subtask 2", plain words next to Long.MIN_VALUE, a next step after a
diagnosis, the rules footer pointing into docs/, the help's placeholders and usage lines, the
progress bar only at a terminal (never with JSON, never with --quiet).
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from flinkdoctor.cli.help import placeholders
from tests.support.kafka import KafkaBroker, Message

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "seed"
ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][A-Z0-9]")
WIDTHS = (80, 160)
FLINKDOCTOR = str(Path(sys.executable).with_name("flinkdoctor"))  # the command a person types
HOSTS = ("www.dataexpert.io", "bootcamp.techcreator.io")  # the keys of seed case 6


def in_terminal(
    *args: str, columns: int, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    """Run ``flinkdoctor ARGS`` on a pseudo-terminal ``columns`` wide; the exit code, the screen
    text (ANSI codes removed, carriage returns resolved) and the raw bytes as text."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    environ = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    environ.update({"TERM": "xterm-256color", **(env or {})})
    process = subprocess.Popen(
        [FLINKDOCTOR, *args],
        cwd=ROOT,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=environ,
        start_new_session=True,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError as error:  # EIO: the terminal closed with the process
            if error.errno != errno.EIO:
                raise
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    code = process.wait(timeout=120)
    raw = b"".join(chunks).decode("utf-8", "replace")
    return code, _screen(raw), raw


def _screen(raw: str) -> str:
    lines = []
    for line in ANSI.sub("", raw).replace("\r\n", "\n").split("\n"):
        lines.append(line.rsplit("\r", 1)[-1])  # a carriage return overwrites the line
    return "\n".join(lines)


def piped(*args: str, columns: int = 80) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    return subprocess.run(
        [FLINKDOCTOR, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**environ, "COLUMNS": str(columns), "FLINKDOCTOR_PROGRESS_DELAY": "0"},
    )


def _fits(screen: str, columns: int) -> None:
    wide = [line for line in screen.splitlines() if len(line.rstrip()) > columns]
    assert wide == [], f"lines wider than {columns} columns: {wide[:3]}"


def _everyday(screen: str) -> None:
    """What no report may show a person."""
    assert "../" + "shared" not in screen
    assert "Traceback" not in screen
    assert "{'0'" not in screen  # a Python dict


def _words(screen: str) -> str:
    """The screen as running text: wrapped lines and table padding joined by single spaces."""
    return re.sub(r"[\s│┃]+", " ", screen)


@pytest.mark.parametrize("columns", WIDTHS)
def test_simulate_windows_seed_case6_reads_well(columns: int) -> None:
    code, screen, _ = in_terminal(
        "simulate-windows",
        str(SEED / "case6_window_not_closed.sql"),
        "--events",
        str(SEED / "case6_events.jsonl"),
        columns=columns,
    )
    assert code == 1
    _fits(screen, columns)
    _everyday(screen)
    text = _words(screen)
    for host in HOSTS:  # every key whole, on one line
        assert any(f"host={host}" in line for line in screen.splitlines()), host
    assert "partition 0 → subtask 2, partition 1 → subtask 0, partition 2 → subtask 1" in text
    assert "a legacy group window" in text
    assert (
        "Next step: nothing is broken: the window closes when every partition has an event at "
        "or after 2024-12-14 03:05:14.999" in text
    )
    assert "docs/semantics.md#r" in text


@pytest.mark.parametrize("columns", WIDTHS)
def test_simulate_windows_seed_case1_names_the_null_rowtime(columns: int) -> None:
    code, screen, _ = in_terminal(
        "simulate-windows",
        str(SEED / "case1_seed_original.py"),
        "--events",
        str(SEED / "case1_events.jsonl"),
        columns=columns,
    )
    assert code == 1
    _fits(screen, columns)
    _everyday(screen)
    text = _words(screen)
    assert "Long.MIN_VALUE (no watermark yet)" in text
    assert "Next step: the rowtime is NULL: fix its conversion" in text
    assert "R1.7" in text and "R6.8" in text and "docs/semantics.md" in text


@pytest.mark.parametrize("columns", WIDTHS)
def test_simulate_windows_seed_case5_failure_names_its_fix(columns: int) -> None:
    code, screen, _ = in_terminal(
        "simulate-windows",
        str(SEED / "case5_json_timestamp.py"),
        "--events",
        str(SEED / "case5_events.jsonl"),
        columns=columns,
    )
    assert code == 1
    _fits(screen, columns)
    text = _words(screen)
    assert "JOB FAILS" in text
    assert (
        "Fix: declare event_time TIMESTAMP_LTZ(3) and set 'json.timestamp-format.standard' = "
        "'ISO-8601'" in text
    )


@pytest.mark.parametrize("columns", WIDTHS)
def test_check_pattern_seed_case1_suggests_the_field_with_the_values(columns: int) -> None:
    code, screen, _ = in_terminal(
        "check-pattern",
        "--ddl",
        str(SEED / "case1_seed_original.py"),
        "--events",
        str(SEED / "case1_events.jsonl"),
        "--field",
        "event_time",
        columns=columns,
    )
    assert code == 1
    _fits(screen, columns)
    _everyday(screen)
    text = _words(screen)
    assert "TO_TIMESTAMP(event_time, 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''')" in text
    assert "TO_TIMESTAMP(event_timestamp, 'yyyy-MM-dd''T''" not in text
    assert "the DDL reads 'event_timestamp', these values come from 'event_time'" in text


@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize("command", ["check-pattern", "simulate-windows", "sample", None])
def test_help_reads_well(command: str | None, columns: int) -> None:
    args = [command, "--help"] if command else ["--help"]
    code, screen, _ = in_terminal(*args, columns=columns)
    assert code == 0
    _fits(screen, columns)
    _everyday(screen)
    assert list(placeholders(screen)) == []
    text = _words(screen)
    if command is None:
        assert "--install-completion" in text
        return
    assert "Examples" in text and text.count(" $ ") == 3
    assert "Exit codes" in text and " 2 usage or input error" in text
    usage = {
        "check-pattern": "Usage: flinkdoctor check-pattern [OPTIONS] [PATTERN] [VALUE]...",
        "simulate-windows": "Usage: flinkdoctor simulate-windows [OPTIONS] SCRIPT",
        "sample": "Usage: flinkdoctor sample [OPTIONS]",
    }[command]
    assert usage in text
    if command != "sample":
        assert "--format [text|json]" in text
    if command == "simulate-windows":
        assert "--arrival [file|live|backlog]" in text


def test_a_bad_choice_is_one_line_naming_the_choices() -> None:
    run = piped("simulate-windows", str(SEED / "case6_window_not_closed.sql"), "--arrival", "x")
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        "flinkdoctor: error: Invalid value for '--arrival': 'x' is not one of 'file', 'live', "
        "'backlog'."
    ]


def test_a_replay_shows_progress_only_at_a_terminal() -> None:
    replay = (
        "simulate-windows",
        str(SEED / "case6_window_not_closed.sql"),
        "--events",
        str(SEED / "case6_events.jsonl"),
    )
    now = {"FLINKDOCTOR_PROGRESS_DELAY": "0"}  # the bar as if the replay took long
    code, screen, raw = in_terminal(*replay, columns=100, env=now)
    assert code == 1 and "replaying" in raw
    assert "replaying" not in screen.split("simulate-windows ·")[-1]  # transient: gone after
    _, _, quiet = in_terminal(*replay, "--quiet", columns=100, env=now)
    assert "replaying" not in quiet and "Diagnosis:" in quiet
    _, _, machine = in_terminal(*replay, "--format", "json", columns=100, env=now)
    assert "replaying" not in machine
    assert json.loads(ANSI.sub("", machine))["summary"]
    run = piped(*replay)
    assert "replaying" not in run.stderr and "Diagnosis:" in run.stdout
    _, _, slow_default = in_terminal(*replay, columns=100)  # a fast replay: no bar at all
    assert "replaying" not in slow_default


@pytest.mark.parametrize("columns", WIDTHS)
def test_piped_reports_keep_to_the_width(columns: int) -> None:
    for case, script in (
        ("case3", "case3_parallelism_gt_partitions.py"),
        ("case4", "case4_mixed_shapes.sql"),
    ):
        run = piped(
            "simulate-windows",
            str(SEED / script),
            "--events",
            str(SEED / f"{case}_events.jsonl"),
            columns=columns,
        )
        assert run.returncode == 1
        assert "\x1b[" not in run.stdout  # no colour codes in a pipe
        _fits(run.stdout, columns)
        _everyday(run.stdout)


def test_two_windowed_inserts_say_there_are_more_and_how_to_pick(tmp_path: Path) -> None:
    script = tmp_path / "two.sql"
    first = (SEED / "case6_window_not_closed.sql").read_text()
    insert = first[first.upper().rindex("INSERT INTO") :]
    script.write_text(first + "\n" + insert.replace("INSERT INTO", "INSERT INTO", 1))
    run = piped("simulate-windows", str(script), "--events", str(SEED / "case6_events.jsonl"))
    assert run.returncode == 1
    text = _words(run.stdout)
    assert "the script has 2 windowed queries" in text
    assert "this replays query 0. Replay another with --query N (e.g. --query 1)" in text
    picked = piped(
        "simulate-windows",
        str(script),
        "--events",
        str(SEED / "case6_events.jsonl"),
        "--query",
        "1",
    )
    assert picked.returncode == 1 and "windowed queries" not in picked.stdout


@pytest.mark.kafka
@pytest.mark.parametrize("columns", WIDTHS)
def test_sample_reads_well(kafka_broker: KafkaBroker, columns: int, tmp_path: Path) -> None:
    topic = kafka_broker.create_topic(partitions=3)
    lines = (ROOT / "examples/kafka/pageviews_sample.jsonl").read_text().splitlines()
    envelopes = [json.loads(line) for line in lines]
    kafka_broker.produce(
        topic,
        [
            Message(
                json.dumps(e["value"]).encode(), partition=e["partition"], timestamp=e["timestamp"]
            )
            for e in envelopes
        ],
    )
    out = tmp_path / "sample.jsonl"
    env = {"KAFKA_BOOTSTRAP_SERVERS": kafka_broker.bootstrap, "KAFKA_TOPIC": topic}
    code, screen, _ = in_terminal(
        "sample",
        "--ddl",
        "examples/kafka/pageviews.sql",
        "--out",
        str(out),
        columns=columns,
        env=env,
    )
    assert code == 0
    _fits(screen, columns)
    _everyday(screen)
    text = _words(screen)
    assert f"{len(envelopes)} records from {topic}" in text
    assert "Empty partitions: 2" in text
    assert "times on 2024-12-14 (UTC)" in text
    lines = screen.splitlines()  # each partition's span whole, on its own line
    assert any("03:00:05.120 → 03:19:43.120" in line for line in lines)  # partition 0, Kafka
    assert any("03:00:36.000 → 03:20:14.000" in line for line in lines)  # partition 1, events
    assert len(out.read_text().splitlines()) == len(envelopes)
    code, quiet, _ = in_terminal(
        "sample", "--ddl", "examples/kafka/pageviews.sql", "--quiet", columns=columns, env=env
    )
    assert code == 0
    records = [json.loads(line) for line in quiet.splitlines() if line.startswith("{")]
    assert len(records) == len(envelopes)
    assert "records from" not in quiet and "Kafka:" not in quiet


def test_shell_completion_completes_commands_and_choices() -> None:
    """`flinkdoctor --install-completion` installs what this answers: bash asks through the
    environment and gets one candidate per line."""

    def complete(words: str, index: int) -> list[str]:
        env = {
            **os.environ,
            "_FLINKDOCTOR_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(index),
        }
        run = subprocess.run([FLINKDOCTOR], capture_output=True, text=True, env=env, timeout=60)
        assert run.returncode == 0, run.stderr
        return run.stdout.split()

    assert complete("flinkdoctor sim", 1) == ["simulate-windows"]
    assert complete("flinkdoctor simulate-windows --arrival ", 3) == ["file", "live", "backlog"]
    assert complete("flinkdoctor check-pattern --format ", 3) == ["text", "json"]
    shown = subprocess.run(
        [FLINKDOCTOR, "--show-completion", "bash"], capture_output=True, text=True, timeout=60
    )
    assert shown.returncode == 0 and "_flinkdoctor_completion" in shown.stdout


NEEDS_A_BROKER = ("flinkdoctor sample", "examples/kafka/pageviews.sql")
"""Help examples that read Kafka: the ones that mention these are not run here."""


@pytest.mark.parametrize("command", ["check-pattern", "simulate-windows", "sample"])
def test_help_examples_run_as_shown(command: str) -> None:
    """Each example in a command's help, copied from the screen into a shell, works (exit 0 or 1,
    a report, no traceback). Those that read Kafka are not run here: README's broker block, the
    same commands, runs against a real broker in tests/docs/test_doc_snippets.py."""
    _, screen, _ = in_terminal(command, "--help", columns=80)
    screen = "\n".join(line.rstrip() for line in screen.splitlines())  # as a terminal copies
    shown = re.findall(r"^\s+\$ ((?:[^\n]*\\\n)*[^\n]*)", screen, re.M)
    assert len(shown) == 3, screen
    offline = [" ".join(example.replace("\\\n", " ").split()) for example in shown]
    offline = [e for e in offline if not any(marker in e for marker in NEEDS_A_BROKER)]
    for example in offline:
        run = subprocess.run(
            ["bash", "-c", example],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PATH": f"{Path(FLINKDOCTOR).parent}:{os.environ['PATH']}"},
        )
        assert run.returncode in (0, 1), f"{example}\n{run.stderr}"
        assert run.stdout.strip() and "Traceback" not in run.stderr, example
    assert command == "sample" or offline
