"""Every code snippet in README.md and docs/ runs as written.

A fenced block tagged ``python`` runs with this interpreter; a block tagged ``bash`` runs each of
its ``flinkdoctor`` commands (exit 0 or 1, a report on stdout, no traceback). ``text`` and
``json`` blocks are output and data, not code. A block that cannot run offline is marked on the
line before its fence with ``<!-- not-run: REASON -->``, and REASON must be one of ``SKIPS``:
the blocks that need a broker run here too, against a real one (``@pytest.mark.kafka``), with
``KAFKA_BOOTSTRAP_SERVERS`` / ``KAFKA_TOPIC`` pointing at it (they override a DDL's WITH options).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.kafka import KafkaBroker, Message

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
RUNNABLE = ("python", "bash")
SKIPS = {
    "needs a Kafka broker": "run by test_broker_snippets_run_against_a_real_broker",
    "benchmark": "minutes long, runs real Flink and Kafka: bench/ and docs/benchmarks.md",
    "set-up from a fresh clone": "creates .venv and installs from PyPI: .ci/run takes these steps",
}
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)
MARK = re.compile(r"<!-- not-run: ([^>]*?) -->\s*$")


@dataclass(frozen=True)
class Snippet:
    doc: Path
    line: int
    language: str
    code: str
    skip: str | None

    def __str__(self) -> str:
        return f"{self.doc.name}:{self.line}"


def snippets() -> list[Snippet]:
    found = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
            mark = MARK.search(before)
            line = text.count("\n", 0, match.start()) + 1
            found.append(Snippet(doc, line, match[1], match[2], mark[1] if mark else None))
    return found


ALL = snippets()


def _commands(code: str) -> list[list[str]]:
    """The flinkdoctor commands of a bash block (continuation lines joined, comments dropped)."""
    joined = code.replace("\\\n", " ")
    commands = []
    for line in joined.splitlines():
        words = shlex.split(line, comments=True)
        if words and words[0] == "flinkdoctor":
            commands.append(words)
    return commands


def _run_flinkdoctor(words: list[str], env: dict[str, str] | None = None) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "flinkdoctor", *words[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "100", **(env or {})},
    )
    shown = " ".join(words)
    assert run.returncode in (0, 1), f"{shown}: exit {run.returncode}\n{run.stderr}"
    assert "Traceback" not in run.stderr, f"{shown}\n{run.stderr}"
    assert run.stdout.strip() or "--out" in words, f"{shown}: printed nothing"


def _run_python(code: str, env: dict[str, str] | None = None) -> str:
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_the_docs_have_snippets_and_every_skip_says_why() -> None:
    runnable = [s for s in ALL if s.language in RUNNABLE]
    assert len(runnable) >= 6
    for snippet in ALL:
        if snippet.skip is not None:
            assert snippet.language in RUNNABLE, f"{snippet}: only code is marked not-run"
            assert any(snippet.skip.startswith(reason) for reason in SKIPS), snippet
    untagged = [str(s) for s in ALL if not s.language]
    assert untagged == [], "tag every block: python / bash (code) or text / json (output)"


@pytest.mark.parametrize(
    "snippet",
    [s for s in ALL if s.language in RUNNABLE and s.skip is None],
    ids=str,
)
def test_snippet_runs(snippet: Snippet) -> None:
    if snippet.language == "python":
        _run_python(snippet.code)
        return
    commands = _commands(snippet.code)
    assert commands, f"{snippet}: a bash block without a flinkdoctor command"
    for words in commands:
        _run_flinkdoctor(words)


@pytest.mark.kafka
def test_broker_snippets_run_against_a_real_broker(kafka_broker: KafkaBroker) -> None:
    """The blocks marked "needs a Kafka broker", against a real broker: the pageviews topic of
    examples/kafka (3 partitions, the third empty), its events from the shipped sample."""
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
    env = {"KAFKA_BOOTSTRAP_SERVERS": kafka_broker.bootstrap, "KAFKA_TOPIC": topic}
    marked = [s for s in ALL if s.skip and s.skip.startswith("needs a Kafka broker")]
    assert {s.language for s in marked} == {"python", "bash"}
    (ROOT / "sample.jsonl").unlink(missing_ok=True)
    try:
        for snippet in marked:
            if snippet.language == "python":
                printed = _run_python(snippet.code, env)
                assert printed.count("\n") == len(envelopes), printed
            else:
                for words in _commands(snippet.code):
                    _run_flinkdoctor(words, env)
        sampled = (ROOT / "sample.jsonl").read_text().splitlines()
        assert len(sampled) == len(envelopes)
    finally:
        (ROOT / "sample.jsonl").unlink(missing_ok=True)
