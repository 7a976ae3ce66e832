"""The corpus's Flink claims against real Flink 1.20.3 reading a real Kafka broker.

Each case's events go into a fresh topic with the same partitions and Kafka timestamps; the job
runs as written (its PyFlink twin flink.sql for a .py job) with three changes only: the source
reads that topic (fresh consumer group), every sink becomes a print sink named after its table (a
streaming filesystem sink for ``uncommitted`` keeps its connector and writes to a temp dir), and
one more print sink ``fd_raw`` records when each event was read. Unbounded jobs never end: a run
counts only when every event was read and the job then ran on for SETTLE_S (else one longer run,
then failure), so "nothing fired" is never a slow start in disguise; a job that fails when it
should run, or runs when it should fail, fails the test with Flink's own error.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from flinkdoctor.diagnosis.explain import explain
from flinkdoctor.events.reader import read_events
from tests.explain.corpus import CASES, CorpusCase
from tests.kafka_flink.test_flink_on_kafka import printed
from tests.support.flink import CaseResult, FlinkRuntime, FlinkUnavailable
from tests.support.kafka import KafkaBroker, Message

pytestmark = [pytest.mark.flink, pytest.mark.kafka]

WAIT_S = 10.0
RETRY_WAIT_S = 30.0
SETTLE_S = 4.0
RAW = "fd_raw"

_STATEMENT_END = re.compile(r";[ \t]*\n")
_CREATE = re.compile(r"CREATE TABLE (\w+)", re.IGNORECASE)


@dataclass(frozen=True)
class Job:
    result: CaseResult
    raw: int
    rows: list[list[str]]
    settled_s: float


def flink_script(
    case: CorpusCase,
    topic: str,
    bootstrap: str,
    fs_path: Path | None = None,
    sink_topic: str | None = None,
    sql: str | None = None,
) -> str:
    """The case's job with its source on ``topic``, print sinks and the ``fd_raw`` read log.
    ``fs_path`` keeps a filesystem sink (writing there), ``sink_topic`` a Kafka sink (writing to
    that topic; its transaction timeout lowered to the test broker's 15 min maximum, which the
    connector's 1 h default exceeds)."""
    sets, tables, inserts = [], [], []
    source = None
    for raw in _STATEMENT_END.split(case.flink_sql() if sql is None else sql):
        stmt = "\n".join(line for line in raw.splitlines() if not line.startswith("--")).strip()
        head = stmt.upper()
        if not stmt or head in ("BEGIN STATEMENT SET", "END"):
            continue
        if head.startswith("SET "):
            sets.append(stmt)
        elif head.startswith("INSERT"):
            inserts.append(stmt)
        elif head.startswith("CREATE TABLE"):
            m = _CREATE.match(stmt)
            assert m, stmt
            name = m.group(1)
            if "WATERMARK FOR" in head:
                source = name
                stmt = re.sub(r"'topic' = '[^']*'", f"'topic' = '{topic}'", stmt)
                stmt = re.sub(r"'properties\.bootstrap\.servers' = '[^']*'",
                              f"'properties.bootstrap.servers' = '{bootstrap}'", stmt)
                stmt = re.sub(r"'properties\.group\.id' = '[^']*'",
                              f"'properties.group.id' = 'fd-{topic}'", stmt)
            elif fs_path is not None and "'connector' = 'filesystem'" in stmt:
                stmt = re.sub(r"'path' = '[^']*'", f"'path' = '{fs_path}'", stmt)
            elif sink_topic is not None and "'connector' = 'kafka'" in stmt:
                stmt = re.sub(r"'topic' = '[^']*'", f"'topic' = '{sink_topic}'", stmt)
                stmt = re.sub(r"'properties\.bootstrap\.servers' = '[^']*'",
                              f"'properties.bootstrap.servers' = '{bootstrap}',\n  "
                              "'properties.transaction.timeout.ms' = '600000'", stmt)
            else:
                cut = stmt.upper().rindex("WITH (")
                stmt = (stmt[:cut] + f"WITH ('connector' = 'print', "
                        f"'print-identifier' = '{name}')")
            tables.append(stmt)
        else:
            raise AssertionError(f"{case.name}: unexpected statement {stmt[:60]!r}")
    assert source is not None, f"{case.name}: no source table with a WATERMARK"
    tables.append(f"CREATE TABLE {RAW} (read_at STRING) "
                  f"WITH ('connector' = 'print', 'print-identifier' = '{RAW}')")
    body = [f"INSERT INTO {RAW} SELECT CAST(PROCTIME() AS STRING) FROM {source}", *inserts]
    parts = [*sets, *tables, "BEGIN STATEMENT SET", *body, "END"]
    return ";\n".join(parts) + ";\n"


def sink_names(case: CorpusCase) -> list[str]:
    return re.findall(r"INSERT INTO (\w+)", case.flink_sql(), re.IGNORECASE)


def _epoch_s(text: str) -> float:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc).timestamp()


class Runner:
    def __init__(self, flink: FlinkRuntime, broker: KafkaBroker) -> None:
        self.flink = flink
        self.broker = broker

    def topic(self, case: CorpusCase) -> str:
        name = self.broker.create_topic(partitions=case.partitions())
        messages = [
            Message(json.dumps(e["value"]).encode(), partition=int(e["partition"]),
                    timestamp=int(e["timestamp"]))
            for e in case.envelopes()
        ]
        self.broker.produce(name, messages)
        return name

    def unbounded(self, case: CorpusCase, script: str, expect_read: int,
                  waits: tuple[float, float] = (WAIT_S, RETRY_WAIT_S),
                  settle: float = SETTLE_S) -> Job:
        """Run until cancelled; conclusive only if the job read ``expect_read`` events and then
        ran ``settle`` seconds more (else one longer run, then failure)."""
        job = None
        for wait in waits:
            sent = time.time()
            result = self.flink.run_script(script, timeout=wait, use_cache=False)
            assert result.timed_out, f"{case.name}: the job ended: {result.error}"
            assert "TimeoutException" in (result.error or "").splitlines()[0], result.error
            raw = printed(result, RAW)
            read = [_epoch_s(cells[1]) for _, cells in raw]
            settled = sent + wait - max(read) if read else 0.0
            rows = [cells for sink in sink_names(case) for _, cells in printed(result, sink)]
            job = Job(result, len(raw), rows, settled)
            if len(raw) == expect_read and settled >= settle:
                return job
        assert job is not None
        raise AssertionError(
            f"{case.name}: inconclusive: the job read {job.raw} of {expect_read} events and ran "
            f"{job.settled_s:.1f} s after the last one:\n{job.result.printed[-2000:]}"
        )


@pytest.fixture(scope="module")
def runner(flink: FlinkRuntime, kafka_broker: KafkaBroker) -> Iterator[Runner]:
    try:
        flink.add_kafka_connector()
    except FlinkUnavailable as exc:
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail(f"the Kafka connector could not be provisioned in CI: {exc}",
                        pytrace=False)
        pytest.skip(f"Kafka connector unavailable: {exc}")
    yield Runner(flink, kafka_broker)


def _cases(check: str) -> list[CorpusCase]:
    return [c for c in CASES if (c.flink or {}).get("check") == check]


def _ids(cases: list[CorpusCase]) -> list[str]:
    return [c.name for c in cases]


@pytest.mark.parametrize("case", _cases("rows"), ids=_ids(_cases("rows")))
def test_rows(runner: Runner, case: CorpusCase) -> None:
    """The job runs (unbounded, as written) and emits exactly the rows the case claims."""
    claim = case.flink or {}
    topic = runner.topic(case)
    job = runner.unbounded(case, flink_script(case, topic, runner.broker.bootstrap),
                           len(case.envelopes()))
    assert len(job.rows) == claim["rows"], job.rows
    if "contains" in claim:
        assert any(claim["contains"] in cells for cells in job.rows), job.rows


@pytest.mark.parametrize("case", _cases("fails"), ids=_ids(_cases("fails")))
def test_fails(runner: Runner, case: CorpusCase) -> None:
    """The job fails by itself, with the reason the case names."""
    claim = case.flink or {}
    topic = runner.topic(case)
    script = flink_script(case, topic, runner.broker.bootstrap)
    result = runner.flink.run_script(script, timeout=90, use_cache=False)
    assert not result.timed_out, f"the job kept running instead of failing:\n{result.printed}"
    assert result.error is not None
    assert claim["error"].lower() in result.error.lower(), result.error


@pytest.mark.parametrize("case", _cases("unread"), ids=_ids(_cases("unread")))
def test_unread(runner: Runner, case: CorpusCase) -> None:
    """'latest-offset': what was produced before the start is never read. One event produced
    while the job runs is read, so the job was live (not merely slow to start)."""
    topic = runner.topic(case)
    script = flink_script(case, topic, runner.broker.bootstrap)
    live = Message(json.dumps({"host": "live", "v": 99, "event_time": "2024-12-14T04:00:00.000Z"})
                   .encode(), partition=0, timestamp=1734148800000)
    for wait, delay in ((15.0, 7.0), (40.0, 20.0)):
        timer = threading.Timer(delay, runner.broker.produce, args=(topic, [live]))
        timer.start()
        try:
            result = runner.flink.run_script(script, timeout=wait, use_cache=False)
        finally:
            timer.join()
        assert result.timed_out, result.error
        raw = printed(result, RAW)
        if raw:
            assert len(raw) == 1, raw  # the live event only, none of the backlog
            return
    raise AssertionError(f"inconclusive: the job read nothing, not even the live event:\n"
                         f"{result.printed[-2000:]}")


@pytest.mark.parametrize("case", _cases("uncommitted"), ids=_ids(_cases("uncommitted")))
def test_uncommitted(runner: Runner, case: CorpusCase, tmp_path: Path) -> None:
    """A streaming filesystem sink without checkpoints: rows were written (hidden in-progress
    files exist) but no file is ever committed (R5.2), so readers see nothing."""
    topic = runner.topic(case)
    out = tmp_path / "out"
    script = flink_script(case, topic, runner.broker.bootstrap, fs_path=out)
    runner.unbounded(case, script, len(case.envelopes()))
    files = [p.relative_to(out) for p in out.rglob("*") if p.is_file()] if out.exists() else []
    hidden = [p for p in files if any(part.startswith(".") for part in p.parts)]
    visible = [p for p in files if p not in hidden]
    assert visible == [], visible
    assert hidden, "no in-progress file: the windows never wrote a row"


def _read_topic(bootstrap: str, topic: str, isolation: str) -> list[bytes]:
    from kafka import KafkaConsumer

    consumer = KafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
        isolation_level=isolation, consumer_timeout_ms=5000, group_id=None,
    )
    try:
        return [m.value for m in consumer]
    finally:
        consumer.close()


@pytest.mark.parametrize("case", _cases("uncommitted-kafka"), ids=_ids(_cases("uncommitted-kafka")))
def test_uncommitted_kafka(runner: Runner, case: CorpusCase) -> None:
    """An 'exactly-once' Kafka sink without checkpoints: the fired rows are in the topic (a
    read_uncommitted consumer sees them) inside a transaction that never commits, so a
    read_committed consumer sees nothing (R5.3)."""
    claim = case.flink or {}
    topic = runner.topic(case)
    out = runner.broker.create_topic(partitions=1)
    script = flink_script(case, topic, runner.broker.bootstrap, sink_topic=out)
    runner.unbounded(case, script, len(case.envelopes()))
    written = _read_topic(runner.broker.bootstrap, out, "read_uncommitted")
    assert len(written) == claim["rows"], written
    assert _read_topic(runner.broker.bootstrap, out, "read_committed") == []


FIXED = [c for c in CASES if "fix_rows" in c.expected and c.script.suffix == ".sql"]


@pytest.mark.parametrize("case", FIXED, ids=_ids(FIXED))
def test_fixed_job(runner: Runner, case: CorpusCase) -> None:
    """explain's own combined fix (the text --write-fixed writes), run on real Flink with the
    same events: the sink gets the rows the case expects once the causes are fixed (and which
    explain's verification must report, see test_corpus.py). An idle-timeout fix needs the job
    to run past the timeout after the backlog, so those runs settle longer."""
    text = case.script.read_text()
    result = explain(text, str(case.script), lambda: read_events(case.events))
    assert result.fixed_text is not None, [f.name for f in result.findings]
    topic = runner.topic(case)
    script = flink_script(case, topic, runner.broker.bootstrap, sql=result.fixed_text)
    idle = re.search(r"idle-timeout' = '(\d+) s'", result.fixed_text)
    settle = max(SETTLE_S, int(idle.group(1)) + 3.0) if idle else SETTLE_S
    waits = (max(WAIT_S, settle + 8.0), RETRY_WAIT_S + settle)
    job = runner.unbounded(case, script, len(case.envelopes()), waits=waits, settle=settle)
    assert len(job.rows) == case.expected["fix_rows"], job.rows
