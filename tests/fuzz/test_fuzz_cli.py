"""A fuzzer over the whole CLI: mutated scripts, events, patterns and options (out-of-range and
huge numbers, NaN, rich markup, binary junk), each case run in-process through the real entry
point with a time limit. Every case must end with exit 0-3, no traceback, no internal error.

The normal suite runs a few hundred seeded cases; a long run:
``FLINKDOCTOR_FUZZ_CASES=5000 python -m pytest tests/fuzz -q`` (``FLINKDOCTOR_FUZZ_SEED`` picks
another seed). A failing case is printed with its arguments and files, ready to replay.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import signal
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

import pytest

from flinkdoctor.cli.app import main

ROOT = Path(__file__).parents[2]
CASES = int(os.environ.get("FLINKDOCTOR_FUZZ_CASES", "300"))
SEED = int(os.environ.get("FLINKDOCTOR_FUZZ_SEED", "20261202"))
CASE_SECONDS = int(os.environ.get("FLINKDOCTOR_FUZZ_CASE_SECONDS", "60"))

SCRIPTS = sorted((ROOT / "examples").rglob("*.sql")) + sorted((ROOT / "examples").rglob("*.py"))
EVENTS = sorted((ROOT / "examples").rglob("*.jsonl"))
SMALL_SCRIPT = """SET 'pipeline.auto-watermark-interval' = '200 ms';
CREATE TABLE ev (
  host STRING,
  n BIGINT,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH ('connector' = 'kafka', 'topic' = 't', 'properties.bootstrap.servers' = '127.0.0.1:9',
        'format' = 'json', 'scan.watermark.idle-timeout' = '1 s');
SELECT host, window_start, COUNT(*) AS c, SUM(n) AS s, MAX(n) AS m
  FROM TABLE(HOP(TABLE ev, DESCRIPTOR(ts), INTERVAL '10' SECOND, INTERVAL '1' MINUTE))
  GROUP BY host, window_start, window_end;
"""
NASTY = [
    "[/]", "[bold red]", ":smile:", "\x00", "\ufeff", "\u202e", "\udcff", "'", "''", '"', "`",
    "(", ")", ",", ";", "--", "/*", "*/", "\\", "${X}", "{os.environ.get('K')}", "None",
    "-1", "0", "-0", "2147483648", "9223372036854775808", "99999999999999999999999", "1e999",
    "NaN", "Infinity", "-Infinity", "1e-999", "0.0000001", "00", "+5", "0x10", "1_000",
    "INTERVAL '0' SECOND", "INTERVAL '-1' SECOND", "INTERVAL '99999999999' DAY",
    "TIMESTAMP(9)", "TIMESTAMP_LTZ(3)", "VARCHAR", "ARRAY<INT>", "ROW<a INT>", "NULL", "TRUE",
    "WATERMARK FOR", "TUMBLE(", "DESCRIPTOR(", "CAST(", "TO_TIMESTAMP(", "PROCTIME()",
    "SELECT", "FROM", "GROUP BY", "CREATE TABLE", "SET", ";\nSET 'parallelism.default' = '0';",
    "yyyy-MM-dd HH:mm:ss", "2024-12-14T03:12:45.123Z", "é", "日本", "\n", "\r\n", "\t",
]  # fmt: skip
BIG_NUMBERS = [
    "-1", "0", "1", "2", "3", "7", "32768", "32769", "10001", "2147483647", "2147483648",
    "9223372036854775807", "9223372036854775808", "-9223372036854775809", str(10**19),
    str(10**400), "1e308", "nan", "inf", "-inf", "0.5", "-0.0", "", "x", "[/]",
]  # fmt: skip
PATTERN_LETTERS = "GuyDMLdQqYwWEecFaBhKkHmsSAnNVvzOXxZpgR'[]{}#-:. T,/"


def _junk(rng: random.Random, size: int) -> bytes:
    return bytes(rng.randrange(256) for _ in range(size))


def _mutate_text(rng: random.Random, text: str, rounds: int) -> str:
    for _ in range(rounds):
        if not text:
            text = rng.choice(NASTY)
            continue
        at = rng.randrange(len(text) + 1)
        kind = rng.random()
        if kind < 0.3:  # delete a span
            text = text[:at] + text[at + rng.randrange(1, 30) :]
        elif kind < 0.6:  # insert something nasty
            text = text[:at] + rng.choice(NASTY) + text[at:]
        elif kind < 0.75:  # duplicate a span
            end = min(len(text), at + rng.randrange(1, 80))
            text = text[:end] + text[at:end] + text[end:]
        elif kind < 0.9:  # replace a number with an out-of-range one
            digits = [i for i, c in enumerate(text) if c.isdigit()]
            if digits:
                i = rng.choice(digits)
                j = i
                while j < len(text) and text[j].isdigit():
                    j += 1
                text = text[:i] + rng.choice(BIG_NUMBERS) + text[j:]
        else:  # swap two lines
            lines = text.split("\n")
            if len(lines) > 1:
                a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
                lines[a], lines[b] = lines[b], lines[a]
                text = "\n".join(lines)
    return text


def _json_value(rng: random.Random, depth: int = 0) -> object:
    kind = rng.randrange(10 if depth < 3 else 7)
    if kind == 0:
        return rng.choice(NASTY)
    if kind == 1:
        return rng.choice([0, -1, 2**31, 2**63, -(2**63) - 1, 10**30, 1.5, -0.0, True, None])
    if kind == 2:
        return rng.choice(["2024-12-14 03:12:45", "2024-12-14T03:12:45.123Z", "2024-02-30"])
    if kind == 3:
        return "".join(rng.choice(PATTERN_LETTERS + "0123456789") for _ in range(rng.randrange(30)))
    if kind in (4, 5, 6):
        return rng.randrange(-(10**15), 10**15)
    if kind in (7, 8):
        return {
            rng.choice(["host", "ts", "n", "event_time", "[b]k", "", "value"]): _json_value(
                rng, depth + 1
            )
            for _ in range(rng.randrange(4))
        }
    return [_json_value(rng, depth + 1) for _ in range(rng.randrange(3))]


def _mutate_events(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    for _ in range(rng.randrange(1, 6)):
        kind = rng.random()
        at = rng.randrange(len(lines) + 1)
        if kind < 0.2:
            lines.insert(at, _junk(rng, rng.randrange(1, 40)))
        elif kind < 0.45:
            value = {"host": _json_value(rng), "n": _json_value(rng), "ts": _json_value(rng)}
            if rng.random() < 0.5:
                envelope = {
                    "partition": rng.choice([0, 1, 2, -1, 2**31, 10**19, None, "x", 40000, 1.5]),
                    "offset": rng.choice([0, 1, -5, 2**63, None]),
                    "timestamp": rng.choice([0, 1734145200000, -1, 2**63, None, 1e300]),
                    "value": value,
                }
                lines.insert(at, json.dumps(envelope).encode())
            else:
                lines.insert(at, json.dumps(value).encode())
        elif kind < 0.6 and lines:
            i = rng.randrange(len(lines))
            lines[i] = _mutate_text(rng, lines[i].decode("utf-8", "replace"), 2).encode(
                "utf-8", "surrogateescape"
            )
        elif kind < 0.7 and lines:
            del lines[rng.randrange(len(lines))]
        elif kind < 0.8:
            lines.insert(at, b"[" * rng.randrange(1, 2000) + b"]" * rng.randrange(0, 2000))
        elif kind < 0.9:
            lines = lines[: rng.randrange(len(lines) + 1)]
        else:
            lines.insert(at, json.dumps({"ts": "9" * rng.randrange(1, 400)}).encode())
    return b"\n".join(lines)


def _pattern(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return rng.choice(["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", "", "[/]"])
    return "".join(rng.choice(PATTERN_LETTERS) for _ in range(rng.randrange(1, 25)))


@dataclass
class Case:
    """One CLI run: its arguments (with {dir} for the case's files), files and stdin."""

    args: list[str]
    files: dict[str, bytes] = field(default_factory=dict)
    stdin: bytes = b""

    def describe(self, where: Path) -> str:
        shown = {name: data[:300] for name, data in self.files.items()}
        args = [a.replace("{dir}", str(where)) for a in self.args]
        return f"args={args!r}\nfiles={shown!r}\nstdin={self.stdin[:200]!r}"


def _option_noise(rng: random.Random, options: list[tuple[str, list[str]]]) -> list[str]:
    out: list[str] = []
    for name, values in rng.sample(options, rng.randrange(0, min(3, len(options)) + 1)):
        out += [name, rng.choice(BIG_NUMBERS) if rng.random() < 0.25 else rng.choice(values)]
    return out


SIMULATE_OPTIONS = [
    ("--partitions", ["1", "3", "0"]),
    ("--parallelism", ["1", "2", "4"]),
    ("--set", ["parallelism.default=3", "pipeline.auto-watermark-interval=0",
               "table.exec.source.idle-timeout=1 s", "execution.checkpointing.interval=10 ms",
               "table.local-time-zone=Mars/Base", "k=", "=v", "parallelism.default=99999"]),
    ("--arrival", ["file", "live", "backlog", "nope"]),
    ("--rate", ["1", "0", "-1", "nan", "inf", "1e-300"]),
    ("--max-dropped", ["0", "1"]),
    ("--query", ["0", "1", "5"]),
    ("--flink-version", ["1.16", "1.20.0", "2.0", "1.20.99", "0.9", "[/]"]),
    ("--format", ["text", "json", "xml"]),
    ("--table", ["ev", "nope", "process_events_kafka"]),
    ("--timeout", ["1", "0.1", "nan", "inf"]),
    ("--from", ["earliest", "latest", "-5", "2024-12-14", "[/]"]),
]  # fmt: skip
CHECK_OPTIONS = [
    ("--limit", ["0", "1", "5"]),
    ("--format", ["text", "json"]),
    ("--field", ["ts", "value.ts", "event_time", "host", "", "a..b", "[/]"]),
    ("--table", ["ev", "nope"]),
    ("--timeout", ["1", "nan"]),
]
SAMPLE_OPTIONS = [
    ("--from", ["earliest", "latest", "-0", "-5", "2024-12-14", "99999999999999999999", "x"]),
    ("--max-per-partition", ["1", "0"]),
    ("--max-total", ["1", "0"]),
    ("--timeout", ["1", "0.05", "nan", "inf", "1e308"]),
    ("--partition", ["0", "-1"]),
    ("--summary", ["text", "json", "none", "x"]),
    ("-X", ["security.protocol=SASL_SSL", "sasl.mechanism=PLAIN", "=x", "ssl.ca.location=/nope",
            "security.protocol=[/]", "sasl.jaas.config=x"]),
    ("--security-protocol", ["SSL", "SASL_PLAINTEXT", "nope"]),
    ("--time-field", ["ts", ""]),
]  # fmt: skip

EXPLAIN_OPTIONS = [
    ("--partitions", ["1", "3", "0"]),
    ("--parallelism", ["1", "2", "4", "32769"]),
    ("--set", ["parallelism.default=3", "pipeline.auto-watermark-interval=0",
               "table.exec.source.idle-timeout=1 s", "table.local-time-zone=Mars/Base", "k=",
               "=v", "parallelism.default=99999"]),
    ("--env", ["KAFKA_TOPIC=t", "X=[/]", "=v", "noequals", "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9"]),
    ("--arrival", ["file", "live", "backlog", "nope"]),
    ("--flink-version", ["1.16", "1.20.0", "2.0", "1.20.99", "0.9", "[/]"]),
    ("--format", ["text", "json", "xml"]),
    ("--write-fixed", ["{dir}/fixed.out", "/nope/fixed.out", "{dir}", "{dir}/job.sql"]),
    ("--html", ["{dir}/r.html", "/nope/r.html"]),
    ("--timeout", ["1", "nan", "inf"]),
    ("--from", ["earliest", "latest", "-5", "[/]"]),
]  # fmt: skip
EXPLAIN_FLAGS = ["--quiet", "-q"]
LINT_OPTIONS = [
    ("--select", ["ALL", "FD1", "FD202", "pattern-invalid", "nope", "", "FD", "[/]", "fd2,FD1"]),
    ("--ignore", ["FD2", "startup-latest-offset", "nope", "ALL", ","]),
    ("--severity", ["FD202=error", "no-idle-timeout=info", "FD2=nope", "x", "=", "nope=error"]),
    ("--fail-on", ["error", "warning", "info", "nope"]),
    ("--format", ["text", "json", "sarif", "github", "xml"]),
    ("--exclude", ["*.py", "**", "[", "job*", ""]),
    ("--config", ["{dir}/pyproject.toml", "/nope.toml", "{dir}"]),
]  # fmt: skip
LINT_FLAGS = ["--exit-zero", "--disable-noqa", "--isolated", "--quiet"]
PYPROJECT = """[tool.flinkdoctor]
flink-version = "1.20"
[tool.flinkdoctor.lint]
select = ["ALL"]
ignore = ["FD206"]
fail-on = "warning"
severity = { "no-idle-timeout" = "error" }
exclude = ["build"]
"""


def _flags(rng: random.Random, flags: list[str]) -> list[str]:
    return [flag for flag in flags if rng.random() < 0.15]


def _small_events(rng: random.Random) -> bytes:
    return b"\n".join(
        json.dumps(
            {"host": rng.choice("abc"), "n": i, "ts": f"2024-12-14 03:{i % 60:02d}:{i % 7:02d}"}
        ).encode()
        for i in range(rng.randrange(1, 80))
    )


def _script_and_events(rng: random.Random) -> tuple[str, str, bytes]:
    """(file suffix, script, events): a script with events made for it, then mutated (or not)."""
    if rng.random() < 0.4:
        suffix, script, events = ".sql", SMALL_SCRIPT, _small_events(rng)
    else:
        path = rng.choice(SCRIPTS)
        case = path.name.split("_")[0]
        matching = [e for e in EVENTS if e.name.startswith(case)] or EVENTS
        suffix, script, events = path.suffix, path.read_text(), rng.choice(matching).read_bytes()
    if rng.random() < 0.5:
        script = _mutate_text(rng, script, rng.randrange(1, 4))
    if rng.random() < 0.5:
        events = _mutate_events(rng, events)
    return suffix, script, events


def make_case(rng: random.Random) -> Case:
    command = rng.choices(
        ["simulate-windows", "check-pattern", "sample", "explain", "lint"], [5, 4, 1, 5, 3]
    )[0]
    suffix, script_text, events = _script_and_events(rng)
    script_name = f"job{suffix}"
    script = script_text.encode("utf-8", "surrogatepass")
    if rng.random() < 0.03:
        script = _junk(rng, rng.randrange(200))
    files = {script_name: script, "events.jsonl": events}
    stdin = b""
    if command == "simulate-windows":
        source = "-" if rng.random() < 0.15 else "{dir}/events.jsonl"
        if source == "-":
            stdin = events
        args = [command, f"{{dir}}/{script_name}", "--events", source]
        args += _option_noise(rng, SIMULATE_OPTIONS)
        if rng.random() < 0.1:
            args += ["--svg", "{dir}/r.svg", "--html", rng.choice(["{dir}/r.html", "/nope/r"])]
    elif command == "check-pattern":
        shape = rng.random()
        if shape < 0.4:
            values = [str(_json_value(rng)) for _ in range(rng.randrange(0, 6))]
            if rng.random() < 0.5:  # values in the shape the pattern may well read
                values = ["2024-12-14 03:12:45", "2024-12-14T03:12:45.123Z", "2024-12-14"][
                    : rng.randrange(1, 4)
                ]
            if rng.random() < 0.2:
                values.append("-")
                stdin = events
            args = [command, _pattern(rng), *values]
        elif shape < 0.6:
            args = [command, "--sql-literal", _pattern(rng), str(_json_value(rng))]
        elif shape < 0.85:
            args = [command, _pattern(rng), "--events", "{dir}/events.jsonl"]
            args += ["--field", rng.choice(["ts", "value.ts", "event_time", "host", "n"])]
        else:
            args = [command, "--ddl", f"{{dir}}/{script_name}", "--events", "{dir}/events.jsonl"]
        args += _option_noise(rng, CHECK_OPTIONS)
    elif command == "explain":
        source = "-" if rng.random() < 0.15 else "{dir}/events.jsonl"
        if source == "-":
            stdin = events
        args = [command, f"{{dir}}/{script_name}", "--events", source]
        args += _option_noise(rng, EXPLAIN_OPTIONS) + _flags(rng, EXPLAIN_FLAGS)
    elif command == "lint":
        if rng.random() < 0.3:
            files["pyproject.toml"] = _mutate_text(rng, PYPROJECT, rng.randrange(0, 4)).encode(
                "utf-8", "surrogatepass"
            )
        if rng.random() < 0.2:  # a second file, so a folder holds one good and one mutated
            other = rng.choice(SCRIPTS)
            files[f"other{other.suffix}"] = other.read_bytes()
        paths = [
            rng.choice([f"{{dir}}/{script_name}", "{dir}", "{dir}/*.sql", "{dir}/**/*", "/nope"])
            for _ in range(rng.randrange(1, 3))
        ]
        args = [command, *paths, *_option_noise(rng, LINT_OPTIONS), *_flags(rng, LINT_FLAGS)]
    else:
        args = [command, "-b", "127.0.0.1:9", "-t", rng.choice(["t", "", "[/]"])]
        args += _option_noise(rng, SAMPLE_OPTIONS)
        if rng.random() < 0.3:
            args += ["--ddl", f"{{dir}}/{script_name}"]
        if rng.random() < 0.2:
            files["client.properties"] = _mutate_text(
                rng, "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nsasl.password=x\n", 3
            ).encode("utf-8", "surrogatepass")
            args += ["--kafka-config", "{dir}/client.properties"]
    if command not in ("sample", "lint") and rng.random() < 0.1:  # a live read, refused
        args = [a for a in args if a not in ("--events", "{dir}/events.jsonl", "-")]
        args += ["-b", "127.0.0.1:9", "--timeout", "1"]
    return Case(args, files, stdin)


QUIET_WARNINGS = (DeprecationWarning, PendingDeprecationWarning, ResourceWarning)
"""Warnings Python does not show a user by default; any other one (a SyntaxWarning about the
user's own job, say) reaches their terminal and counts as a problem."""


class CaseTimeout(BaseException):  # not an Exception: nothing may swallow it
    """A case ran past its time limit."""


def _on_alarm(_signum: int, _frame: FrameType | None) -> None:
    raise CaseTimeout


@contextlib.contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _inside(folder: Path) -> Iterator[None]:
    """``contextlib.chdir`` (Python 3.11+), for 3.10."""
    previous = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)


def run_case(case: Case, where: Path) -> tuple[int | str, str, str]:
    """(exit code or "timeout", stdout, stderr) of one case, run in-process."""
    where.mkdir(parents=True, exist_ok=True)
    for name, data in case.files.items():
        (where / name).write_bytes(data)
    argv = ["flinkdoctor", *(a.replace("{dir}", str(where)) for a in case.args)]
    out, err = io.StringIO(), io.StringIO()
    saved = sys.argv, sys.stdin
    sys.argv = argv
    sys.stdin = io.TextIOWrapper(io.BytesIO(case.stdin), encoding="utf-8")
    code: int | str = 0
    caught: list[warnings.WarningMessage] = []
    try:
        with (
            warnings.catch_warnings(record=True) as caught,
            _time_limit(CASE_SECONDS),
            _inside(where),  # an output named by a bare number lands in the case
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            main()
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except CaseTimeout:
        code = "timeout"
    finally:
        sys.argv, sys.stdin = saved
    shown = [w for w in caught if not issubclass(w.category, QUIET_WARNINGS)]
    said = "".join(f"{w.category.__name__}: {w.message}\n" for w in shown)  # as Python prints
    return code, out.getvalue(), err.getvalue() + said


def problems(code: int | str, out: str, err: str) -> list[str]:
    found = []
    if code not in (0, 1, 2, 3):
        found.append(f"exit {code}")
    if "Traceback" in err or "Traceback" in out:
        found.append("traceback")
    if "Warning: " in err:
        found.append("a Python warning")
    if "internal error" in err:
        found.append("internal error")
    if code in (2, 3) and not err.strip():
        found.append("an error exit with nothing said")
    return found


def test_fuzz_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.delenv("FLINKDOCTOR_DEBUG", raising=False)
    for name in [n for n in os.environ if n.startswith("KAFKA_")]:
        monkeypatch.delenv(name)
    rng = random.Random(SEED)
    failures: list[str] = []
    codes: dict[int | str, int] = {}
    for index in range(CASES):
        case = make_case(rng)
        where = tmp_path / f"case{index}"
        code, out, err = run_case(case, where)
        codes[code] = codes.get(code, 0) + 1
        found = problems(code, out, err)
        if found:
            tail = "\n".join(err.strip().splitlines()[-3:])
            failures.append(
                f"case {index} (seed {SEED}): {', '.join(found)}\n{case.describe(where)}\n{tail}"
            )
    assert not failures, f"{len(failures)} of {CASES} cases failed:\n\n" + "\n\n".join(
        failures[:20]
    )
    # the fuzzer reaches every outcome: clean, findings and input errors
    assert codes.get(0, 0) and codes.get(1, 0) and codes.get(2, 0), codes
