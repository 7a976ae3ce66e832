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
ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][A-Z0-9]"
)  # colours and styles, hyperlinks (OSC 8, ended by BEL or ST), character sets
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


def _shown(*args: str, columns: int, code: int, env: dict[str, str] | None = None) -> str:
    """The screen of one command in a terminal ``columns`` wide, after the checks every report
    passes: the exit ``code``, every line within the width, nothing no person should see."""
    exit_code, screen, _ = in_terminal(*args, columns=columns, env=env)
    assert exit_code == code
    _fits(screen, columns)
    _everyday(screen)
    return screen


def _words(screen: str) -> str:
    """The screen as running text: wrapped lines and table padding joined by single spaces."""
    return re.sub(r"[\s│┃]+", " ", screen)


@pytest.mark.parametrize("columns", WIDTHS)
def test_simulate_windows_seed_case6_reads_well(columns: int) -> None:
    screen = _shown(
        "simulate-windows",
        str(SEED / "case6_window_not_closed.sql"),
        "--events",
        str(SEED / "case6_events.jsonl"),
        columns=columns,
        code=1,
    )
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
    screen = _shown(
        "simulate-windows",
        str(SEED / "case1_seed_original.py"),
        "--events",
        str(SEED / "case1_events.jsonl"),
        columns=columns,
        code=1,
    )
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
    screen = _shown(
        "check-pattern",
        "--ddl",
        str(SEED / "case1_seed_original.py"),
        "--events",
        str(SEED / "case1_events.jsonl"),
        "--field",
        "event_time",
        columns=columns,
        code=1,
    )
    text = _words(screen)
    assert "TO_TIMESTAMP(event_time, 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''')" in text
    assert "TO_TIMESTAMP(event_timestamp, 'yyyy-MM-dd''T''" not in text
    assert "the DDL reads 'event_timestamp', these values come from 'event_time'" in text


def _verdict_first(screen: str) -> str:
    lines = [line.strip() for line in screen.splitlines() if line.strip()]
    assert lines and lines[0].startswith("Verdict: "), lines[:3]
    return lines[0]


@pytest.mark.parametrize("columns", WIDTHS)
def test_explain_seed_case1_shows_both_causes_the_diff_and_the_verified_fix(columns: int) -> None:
    screen = _shown(
        "explain",
        str(SEED / "case1_seed_original.py"),
        "--events",
        str(SEED / "case1_events.jsonl"),
        columns=columns,
        code=1,
    )
    assert _verdict_first(screen) == "Verdict: the sink receives nothing"
    text = _words(screen)
    top = text.index("Top cause")
    assert text.index("[FD104 rowtime-field-missing]") > top  # the field name, first
    assert text.index("[FD103 pattern-mismatch]") > text.index("Other findings, ranked")
    lines = [line.rstrip() for line in screen.splitlines()]
    for changed in (  # the diff of the user's own file, each changed line whole on its line
        '-    pattern = "yyyy-MM-dd HH:mm:ss"',
        "+    pattern = \"yyyy-MM-dd''T''HH:mm:ss.SSS''Z''\"",
        "-            event_timestamp VARCHAR,",
        "+            event_time VARCHAR,",
    ):
        assert any(line.strip() == changed.strip() and line.lstrip()[0] == changed[0]
                   for line in lines), changed  # fmt: skip
    assert any(line.strip().startswith("--- a/") for line in lines)
    assert "✓ verified: with this change: 2 row(s) in 1 window(s)" in text


@pytest.mark.parametrize("columns", WIDTHS)
def test_explain_seed_case6_names_the_window_and_what_holds_it(columns: int) -> None:
    screen = _shown(
        "explain",
        str(SEED / "case6_window_not_closed.sql"),
        "--events",
        str(SEED / "case6_events.jsonl"),
        columns=columns,
        code=1,
    )
    assert _verdict_first(screen) == "Verdict: the sink receives nothing"
    text = _words(screen)
    assert text.index("[FD305 window-not-closed]") < text.index("[FD202 no-idle-timeout]")
    assert "held back by partition 1 (subtask 0)" in text
    assert "2024-12-14 03:05:14.999" in text  # the event time that releases the window
    assert "fix: add 'scan.watermark.idle-timeout'" in text


def test_explain_progress_only_at_a_terminal_and_quiet_silences_the_notes(tmp_path: Path) -> None:
    job = (
        "explain",
        str(SEED / "case1_seed_original.py"),
        "--events",
        str(SEED / "case1_events.jsonl"),
    )
    now = {"FLINKDOCTOR_PROGRESS_DELAY": "0"}  # the bar as if the replays took long
    code, screen, raw = in_terminal(*job, columns=100, env=now)
    assert code == 1 and "replaying" in raw
    assert "replaying" not in screen.split("Verdict:")[-1]  # transient: gone before the report
    _, _, fast = in_terminal(*job, columns=100)  # a replay under a second: no bar at all
    assert "replaying" not in fast
    fixed = tmp_path / "fixed.py"
    _, quiet, raw_quiet = in_terminal(
        *job, "--quiet", "--write-fixed", str(fixed), columns=100, env=now
    )
    assert "replaying" not in raw_quiet and "wrote the fixed script" not in quiet
    assert _verdict_first(quiet) and fixed.read_text() != ""
    _, loud, _ = in_terminal(*job, "--write-fixed", str(tmp_path / "again.py"), columns=100)
    assert "wrote the fixed script to" in _words(loud)
    _, _, machine = in_terminal(*job, "--format", "json", columns=100, env=now)
    assert "replaying" not in machine
    assert json.loads(ANSI.sub("", machine))["verdict"]
    run = piped(*job)
    assert run.returncode == 1 and "replaying" not in run.stderr
    assert run.stdout.startswith("Verdict: ")


LINT_LINE = re.compile(r"^examples/seed/[\w.]+:\d+:\d+:( FD\d{3} [a-z-]+( \S.*)?)?$")
"""The start of a finding: its place and ``CODE name`` (on the next line when they cannot share
one), then its message."""


@pytest.mark.parametrize("columns", WIDTHS)
def test_lint_seed_one_finding_per_line_and_a_summary(columns: int) -> None:
    code, screen, _ = in_terminal("lint", "examples/seed", columns=columns)
    assert code == 1  # the seed jobs have no idle timeout: warnings
    _fits(screen, columns)
    _everyday(screen)
    lines = [line.rstrip() for line in screen.splitlines() if line.strip()]
    starts = [line for line in lines if LINT_LINE.match(line)]
    continued = [line for line in lines if line.startswith("    ")]
    summary = [line for line in lines if not LINT_LINE.match(line) and line not in continued]
    files = [p for p in SEED.iterdir() if p.suffix in (".sql", ".py")]
    assert starts and len(starts) + len(continued) + len(summary) == len(lines)
    assert " ".join(summary).startswith(f"Found {len(starts)} findings (")
    assert f"in {len(files)} files. Exit 1: findings at warning or worse." in " ".join(summary)
    assert any(" FD202 no-idle-timeout Kafka source" in line for line in starts)
    for at, line in enumerate(lines):  # CODE name never split from each other
        if LINT_LINE.match(line) and line.endswith(":"):
            assert re.match(r"^    FD\d{3} [a-z-]+ \S", lines[at + 1]), lines[at + 1]
    run = piped("lint", "examples/seed", columns=columns)  # for tools: one line each, unwrapped
    assert run.returncode == 1
    rows = [line for line in run.stdout.splitlines() if line]
    assert len(rows) == len(starts) + 1 and all(LINT_LINE.match(r) for r in rows[:-1])
    code, quiet, _ = in_terminal("lint", "--quiet", "examples/seed", columns=columns)
    assert code == 1
    kept = [line.rstrip() for line in quiet.splitlines() if line.strip()]
    assert kept == starts + continued or sorted(kept) == sorted(starts + continued)
    assert "Found" not in quiet


@pytest.mark.parametrize("columns", WIDTHS)
def test_rules_and_rule_read_well(columns: int) -> None:
    from flinkdoctor.lint.docgen import rule_info
    from flinkdoctor.lint.registry import RULES

    code, screen, _ = in_terminal("rules", columns=columns)
    assert code == 0
    _fits(screen, columns)
    _everyday(screen)
    lines = screen.splitlines()
    for rule in RULES:  # each rule's code and name whole, on one line
        info = rule_info(rule)
        assert any(info.code in line and f" {info.name} " in line for line in lines), info.name
    assert "flinkdoctor rule NAME shows one rule's documentation." in _words(screen)
    code, screen, _ = in_terminal("rule", "pattern-invalid", columns=columns)
    assert code == 0
    _fits(screen, columns)
    _everyday(screen)
    text = _words(screen)
    assert "pattern-invalid (FD101)" in text
    for section in ("What it does", "Why is this bad?", "Example", "Use instead"):
        assert section in text, section
    assert "[/" not in text and "[bold" not in text  # rendered, not raw markup
    assert "../" not in text and "docs/semantics.md" in text  # links a person can follow
    run = piped("rule", "pattern-invalidd")
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        "flinkdoctor: error: no rule named 'pattern-invalidd'; did you mean pattern-invalid, "
        "pattern-suspicious? "
        "(flinkdoctor rules lists them)"
    ]


COMMANDS = ["explain", "check-pattern", "simulate-windows", "sample", "lint", "rules", "rule"]
USAGE = {
    "explain": "Usage: flinkdoctor explain [OPTIONS] SCRIPT",
    "check-pattern": "Usage: flinkdoctor check-pattern [OPTIONS] [PATTERN] [VALUE]...",
    "simulate-windows": "Usage: flinkdoctor simulate-windows [OPTIONS] SCRIPT",
    "sample": "Usage: flinkdoctor sample [OPTIONS]",
    "lint": "Usage: flinkdoctor lint [OPTIONS] [PATH]...",
    "rules": "Usage: flinkdoctor rules [OPTIONS]",
    "rule": "Usage: flinkdoctor rule [OPTIONS] NAME",
}
EXAMPLES = {"rules": 2, "rule": 2}  # the others show three
CHOICES = {
    "explain": ["--format [text|json]", "--arrival [file|live|backlog]"],
    "check-pattern": ["--format [text|json]"],
    "simulate-windows": ["--format [text|json]", "--arrival [file|live|backlog]"],
    "lint": ["--format [text|json|sarif|github]", "--fail-on [error|warning|info]"],
    "rules": ["--format [text|json]"],
}
EXIT_LINES = {  # what each command's exit codes must say (besides its own 0 and 1)
    "explain": [" 0 the sink gets its rows", " 1 an error-level cause", " 2 usage or input error",
                " 3 Kafka unreachable", " 4 internal error"],
    "lint": [" 0 nothing at or above --fail-on", " 1 a finding at or above --fail-on",
             " 2 usage or configuration error"],
    "rules": [" 0 listed"],
    "rule": [" 0 shown", " 2 no rule by that name"],
}  # fmt: skip


@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize("command", [*COMMANDS, None])
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
    assert "Examples" in text and text.count(" $ ") == EXAMPLES.get(command, 3)
    assert "Exit codes" in text
    for words in EXIT_LINES.get(command, [" 2 usage or input error"]):
        assert words in text, words
    after = [line.rstrip() for line in screen[screen.index("Exit codes") :].splitlines()[1:]]
    exit_codes = after[: after.index("")] if "" in after else after
    for line in exit_codes:  # each code on its own line; no code's words wrap to column 0
        assert re.match(r"^\s+\d+\s\s\S", line), exit_codes
    assert USAGE[command] in text
    for choice in CHOICES.get(command, []):
        assert choice in text, choice
    if command in ("explain", "simulate-windows", "sample", "lint"):
        assert "--quiet" in text


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
    screen = _shown(
        "sample",
        "--ddl",
        "examples/kafka/pageviews.sql",
        "--out",
        str(out),
        env=env,
        columns=columns,
        code=0,
    )
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
    shown = subprocess.run(  # the shell named, not detected from the processes above pytest
        [FLINKDOCTOR, "--show-completion", "bash"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"},
    )
    assert shown.returncode == 0 and "_flinkdoctor_completion" in shown.stdout


NEEDS_A_BROKER = ("flinkdoctor sample", "examples/kafka/pageviews.sql")
"""Help examples that read Kafka: the ones that mention these are not run here."""


@pytest.mark.parametrize("command", COMMANDS)
def test_help_examples_run_as_shown(command: str, tmp_path: Path) -> None:
    """Each example in a command's help, copied from the screen into a shell, works (exit 0 or 1,
    a report on stdout or in the file it is redirected to, no traceback). They run in a scratch
    directory that sees the repository's examples/, so what they write stays out of the
    repository. Those that read Kafka are not run here: README's broker block, the same
    commands, runs against a real broker in tests/docs/test_doc_snippets.py."""
    _, screen, _ = in_terminal(command, "--help", columns=80)
    screen = "\n".join(line.rstrip() for line in screen.splitlines())  # as a terminal copies
    shown = re.findall(r"^\s+\$ ((?:[^\n]*\\\n)*[^\n]*)", screen, re.M)
    assert len(shown) == EXAMPLES.get(command, 3), screen
    offline = [" ".join(example.replace("\\\n", " ").split()) for example in shown]
    offline = [e for e in offline if not any(marker in e for marker in NEEDS_A_BROKER)]
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    for example in offline:
        before = set(tmp_path.iterdir())
        run = subprocess.run(
            ["bash", "-c", example],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PATH": f"{Path(FLINKDOCTOR).parent}:{os.environ['PATH']}"},
        )
        assert run.returncode in (0, 1), f"{example}\n{run.stderr}"
        assert "Traceback" not in run.stderr, example
        written = [path for path in set(tmp_path.iterdir()) - before if path.stat().st_size]
        assert run.stdout.strip() or written, example
    assert command == "sample" or offline


def test_the_largest_parallelism_lists_the_inputs_that_matter(tmp_path: Path) -> None:
    """Flink's maximum parallelism (32768) on one partition: 32767 subtasks that never receive
    data and the partition, listed as a short table (the inputs with data, then a count), not
    32768 rows; and the replay ends (it once took minutes: the valve rescanned every channel)."""
    script = tmp_path / "job.sql"
    script.write_text(
        "CREATE TABLE ev (host STRING, ts TIMESTAMP(3),\n"
        "  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND\n"
        ") WITH ('connector' = 'kafka', 'topic' = 't', 'format' = 'json',\n"
        "  'properties.bootstrap.servers' = '127.0.0.1:9',\n"
        "  'scan.startup.mode' = 'earliest-offset',\n"
        "  'scan.watermark.idle-timeout' = '1 s');\n"
        "SELECT host, window_start, COUNT(*) AS c\n"
        "  FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '1' MINUTE))\n"
        "  GROUP BY host, window_start, window_end;\n"
    )
    events = tmp_path / "events.jsonl"
    events.write_text(
        "".join(f'{{"host": "a", "ts": "2024-12-14 03:0{i}:00"}}\n' for i in range(5))
    )
    run = piped("simulate-windows", str(script), "--events", str(events), "--parallelism", "32768")
    assert run.returncode in (0, 1), run.stderr
    _fits(run.stdout, 80)
    table = run.stdout[run.stdout.index("Watermark vs event time") : run.stdout.index("track:")]
    rows = [line for line in table.splitlines() if re.match(r"^ (subtask|partition) \d+ ", line)]
    more = re.search(r"\.\.\. (\d+) more input\(s\) \((\d+) never received data\)", table)
    assert more is not None and more.group(1) == more.group(2), table
    assert len(rows) <= 24 and any(row.startswith(" partition 0 ") for row in rows)
    assert len(rows) + int(more.group(1)) == 32767 + 1  # idle subtasks and the partition


@pytest.mark.parametrize("columns", WIDTHS)
def test_simulate_windows_rows_keep_long_keys_whole(columns: int, tmp_path: Path) -> None:
    """A five-column result (two timestamps, a 24-character key, a count) at 80 columns: the
    timestamps take two lines, every key stays whole on one line, nothing is cut to '…'."""
    keys = [f"bootcamp-{i:02d}.techcreator.io" for i in range(3)]
    lines = [
        json.dumps({"k": keys[i % 3], "t": f"2024-12-14 03:{i // 6:02d}:{i % 6 * 10:02d}"})
        for i in range(60)
    ]
    (tmp_path / "e.jsonl").write_text("\n".join(lines) + "\n")
    (tmp_path / "job.sql").write_text(
        "CREATE TABLE e (k STRING, t STRING, rt AS TO_TIMESTAMP(t),\n"
        "  WATERMARK FOR rt AS rt - INTERVAL '1' SECOND\n"
        f") WITH ('connector' = 'filesystem', 'path' = '{tmp_path}/e.jsonl', 'format' = 'json');\n"
        "SELECT window_start, window_end, k, COUNT(*) AS c\n"
        "FROM TABLE(TUMBLE(TABLE e, DESCRIPTOR(rt), INTERVAL '1' MINUTE))\n"
        "GROUP BY window_start, window_end, k;\n"
    )
    screen = _shown(
        "simulate-windows",
        str(tmp_path / "job.sql"),
        "--events",
        str(tmp_path / "e.jsonl"),
        columns=columns,
        code=0,
    )
    rows = screen[screen.index("Rows the sink receives") :]
    rows = rows[: rows.index("\n\n")]  # the table alone
    assert "…" not in rows
    for key in keys:  # one row per key and minute (10 minutes), each on one line
        assert sum(key in line for line in rows.splitlines()) >= 9, key
    assert "03:00:00.000" in rows
