"""The corpus's Flink claims against real Flink 1.20.3 reading a real Kafka broker.

Each case's events go into a fresh topic with the same partitions and Kafka timestamps; the job
runs as written (its PyFlink twin flink.sql for a .py job) with three changes only: the source
reads that topic (fresh consumer group), every sink becomes a print sink named after its table (a
streaming filesystem sink for ``uncommitted`` keeps its connector and writes to a temp dir), and
one more print sink ``fd_raw`` records when each event was read. Unbounded jobs never end: a run
counts only when every event was read and the job then ran on for SETTLE_S (else one longer run,
then failure), so "nothing fired" is never a slow start in disguise; a job that fails when it
should run, or runs when it should fail, fails the test with Flink's own error.

The ``rows`` and fixed-job cases run in batches (up to BATCH independent pipelines in one job,
tables renamed per case, one job per set of SETs): ~3.5 min instead of ~14 for one job each. A
batch whose job fails is split into one job per case, so every failure is the case's own.
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
from typing import Any

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


@dataclass
class Parts:
    """One case's job, its tables renamed with a suffix so several cases can share one job."""

    case: CorpusCase
    sets: tuple[str, ...]
    tables: list[str]
    inserts: list[str]
    sinks: list[str]
    raw: str


def job_parts(
    case: CorpusCase,
    topic: str,
    bootstrap: str,
    fs_path: Path | None = None,
    sink_topic: str | None = None,
    sql: str | None = None,
    suffix: str = "",
) -> Parts:
    """The case's job with its source on ``topic``, print sinks and the ``fd_raw`` read log.
    ``fs_path`` keeps a filesystem sink (writing there), ``sink_topic`` a Kafka sink (writing to
    that topic; its transaction timeout lowered to the test broker's 15 min maximum, which the
    connector's 1 h default exceeds). ``suffix`` renames every table (batches)."""
    sets, tables, inserts, names = [], [], [], []
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
            names.append(name)
            if "WATERMARK FOR" in head:
                source = name
                stmt = re.sub(r"'topic' = '[^']*'", f"'topic' = '{topic}'", stmt)
                stmt = re.sub(
                    r"'properties\.bootstrap\.servers' = '[^']*'",
                    f"'properties.bootstrap.servers' = '{bootstrap}'",
                    stmt,
                )
                stmt = re.sub(
                    r"'properties\.group\.id' = '[^']*'",
                    f"'properties.group.id' = 'fd-{topic}'",
                    stmt,
                )
            elif fs_path is not None and "'connector' = 'filesystem'" in stmt:
                stmt = re.sub(r"'path' = '[^']*'", f"'path' = '{fs_path}'", stmt)
            elif sink_topic is not None and "'connector' = 'kafka'" in stmt:
                stmt = re.sub(r"'topic' = '[^']*'", f"'topic' = '{sink_topic}'", stmt)
                stmt = re.sub(
                    r"'properties\.bootstrap\.servers' = '[^']*'",
                    f"'properties.bootstrap.servers' = '{bootstrap}',\n  "
                    "'properties.transaction.timeout.ms' = '600000'",
                    stmt,
                )
            else:
                cut = stmt.upper().rindex("WITH (")
                stmt = stmt[:cut] + f"WITH ('connector' = 'print', 'print-identifier' = '{name}')"
            tables.append(stmt)
        else:
            raise AssertionError(f"{case.name}: unexpected statement {stmt[:60]!r}")
    assert source is not None, f"{case.name}: no source table with a WATERMARK"
    sinks = [m.group(1) for m in (re.match(r"INSERT INTO (\w+)", i, re.I) for i in inserts) if m]
    if suffix:

        def rename(text: str) -> str:
            for name in names:
                text = re.sub(rf"\b{name}\b", name + suffix, text)
            return text

        tables, inserts = [rename(t) for t in tables], [rename(i) for i in inserts]
        source, sinks = source + suffix, [n + suffix for n in sinks]
    raw_name = RAW + suffix
    tables.append(
        f"CREATE TABLE {raw_name} (read_at STRING) "
        f"WITH ('connector' = 'print', 'print-identifier' = '{raw_name}')"
    )
    body = [f"INSERT INTO {raw_name} SELECT CAST(PROCTIME() AS STRING) FROM {source}", *inserts]
    return Parts(case, tuple(sets), tables, body, sinks, raw_name)


def assemble(parts: list[Parts]) -> str:
    """One job (one statement set) running every part; they share their SETs."""
    assert len({p.sets for p in parts}) == 1, "a batch shares one set of SETs"
    statements = [
        *parts[0].sets,
        *(t for p in parts for t in p.tables),
        "BEGIN STATEMENT SET",
        *(i for p in parts for i in p.inserts),
        "END",
    ]
    return ";\n".join(statements) + ";\n"


def flink_script(case: CorpusCase, topic: str, bootstrap: str, **kwargs: Any) -> str:
    """The case's job alone (see job_parts)."""
    return assemble([job_parts(case, topic, bootstrap, **kwargs)])


def sink_names(case: CorpusCase) -> list[str]:
    return re.findall(r"INSERT INTO (\w+)", case.flink_sql(), re.IGNORECASE)


def _epoch_s(text: str) -> float:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc).timestamp()


class Runner:
    def __init__(self, flink: FlinkRuntime, broker: KafkaBroker) -> None:
        self.flink = flink
        self.broker = broker
        self.topics: list[str] = []

    def forget_groups(self) -> None:
        """Delete the consumer groups the jobs registered ('fd-<topic>'): the broker is shared
        by the session, and other tests check that no group is left behind."""
        admin = self.broker.admin()
        try:
            ours = {f"fd-{t}" for t in self.topics}
            stale = [g["group_id"] for g in admin.list_groups() if g["group_id"] in ours]
            if stale:
                admin.delete_groups(stale)
        finally:
            admin.close()

    def topic(self, case: CorpusCase) -> str:
        name = self.broker.create_topic(partitions=case.partitions())
        self.topics.append(name)
        messages = [
            Message(
                json.dumps(e["value"]).encode(),
                partition=int(e["partition"]),
                timestamp=int(e["timestamp"]),
            )
            for e in case.envelopes()
        ]
        self.broker.produce(name, messages)
        return name

    def unbounded(
        self,
        case: CorpusCase,
        script: str,
        expect_read: int,
        waits: tuple[float, float] = (WAIT_S, RETRY_WAIT_S),
        settle: float = SETTLE_S,
    ) -> Job:
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

    def run_batch(
        self, parts: list[Parts], waits: tuple[float, float], settle: float
    ) -> dict[str, Job | str]:
        """Several cases in one job (independent pipelines: own topic, tables and sinks), each
        judged as ``unbounded`` judges one. A batch whose job fails is split into single runs,
        so a failure is always the case's own; the outcome is a Job or why there is none."""
        outcome: dict[str, Job | str] = {}
        last: dict[str, Job] = {}
        pending = list(parts)
        for wait in waits:
            if not pending:
                break
            sent = time.time()
            result = self.flink.run_script(assemble(pending), timeout=wait, use_cache=False)
            first = (result.error or "").splitlines()[0] if result.error else ""
            if not result.timed_out or "TimeoutException" not in first:
                if len(pending) == 1:
                    outcome[pending[0].case.name] = f"the job ended: {result.error}"
                else:
                    for part in pending:
                        outcome.update(self.run_batch([part], waits, settle))
                return outcome
            still = []
            for part in pending:
                raw = printed(result, part.raw)
                read = [_epoch_s(cells[1]) for _, cells in raw]
                settled = sent + wait - max(read) if read else 0.0
                rows = [cells for sink in part.sinks for _, cells in printed(result, sink)]
                job = Job(result, len(raw), rows, settled)
                if len(raw) == len(part.case.envelopes()) and settled >= settle:
                    outcome[part.case.name] = job
                else:
                    last[part.case.name] = job
                    still.append(part)
            pending = still
        for part in pending:
            job = last[part.case.name]
            outcome[part.case.name] = (
                f"inconclusive: the job read {job.raw} of {len(part.case.envelopes())} events and"
                f" ran {job.settled_s:.1f} s after the last one (need {settle} s)"
            )
        return outcome


@pytest.fixture(scope="module")
def runner(flink: FlinkRuntime, kafka_broker: KafkaBroker) -> Iterator[Runner]:
    try:
        flink.add_kafka_connector()
    except FlinkUnavailable as exc:
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail(f"the Kafka connector could not be provisioned in CI: {exc}", pytrace=False)
        pytest.skip(f"Kafka connector unavailable: {exc}")
    runner = Runner(flink, kafka_broker)
    yield runner
    runner.forget_groups()


def _cases(check: str) -> list[CorpusCase]:
    return [c for c in CASES if (c.flink or {}).get("check") == check]


def _ids(cases: list[CorpusCase]) -> list[str]:
    return [c.name for c in cases]


BATCH = 12
"""Cases per job: independent pipelines in one statement set (a MiniCluster slot holds them all)."""


def _selected(request: pytest.FixtureRequest, test: str) -> list[CorpusCase]:
    """The cases of ``test`` this session runs (so ``-k one-case`` runs one job, not all)."""
    names = {
        item.callspec.params["case"].name
        for item in request.session.items
        if getattr(item, "originalname", None) == test and hasattr(item, "callspec")
    }
    return [c for c in CASES if c.name in names]


def _run_batches(
    runner: Runner, planned: list[tuple[tuple[Any, ...], Parts]], settle_of: dict[str, float]
) -> dict[str, Job | str]:
    groups: dict[tuple[Any, ...], list[Parts]] = {}
    for key, parts in planned:
        groups.setdefault(key, []).append(parts)
    out: dict[str, Job | str] = {}
    for parts in groups.values():
        for i in range(0, len(parts), BATCH):
            chunk = parts[i : i + BATCH]
            settle = max(settle_of[p.case.name] for p in chunk)
            waits = (max(WAIT_S, settle + 8.0), RETRY_WAIT_S + settle)
            out.update(runner.run_batch(chunk, waits, settle))
    return out


@pytest.fixture(scope="module")
def rows_jobs(runner: Runner, request: pytest.FixtureRequest) -> dict[str, Job | str]:
    """Every selected ``rows`` case, run in batches of independent pipelines."""
    planned = []
    for i, case in enumerate(_selected(request, "test_rows")):
        parts = job_parts(case, runner.topic(case), runner.broker.bootstrap, suffix=f"_{i:02d}")
        planned.append(((parts.sets,), parts))
    return _run_batches(runner, planned, {p.case.name: SETTLE_S for _, p in planned})


@pytest.mark.parametrize("case", _cases("rows"), ids=_ids(_cases("rows")))
def test_rows(rows_jobs: dict[str, Job | str], case: CorpusCase) -> None:
    """The job runs (unbounded, as written) and emits exactly the rows the case claims."""
    claim = case.flink or {}
    job = rows_jobs[case.name]
    assert isinstance(job, Job), f"{case.name}: {job}"
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
    live = Message(
        json.dumps({"host": "live", "v": 99, "event_time": "2024-12-14T04:00:00.000Z"}).encode(),
        partition=0,
        timestamp=1734148800000,
    )
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
    raise AssertionError(
        f"inconclusive: the job read nothing, not even the live event:\n{result.printed[-2000:]}"
    )


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
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        isolation_level=isolation,
        consumer_timeout_ms=5000,
        group_id=None,
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


@pytest.fixture(scope="module")
def fixed_jobs(runner: Runner, request: pytest.FixtureRequest) -> dict[str, Job | str]:
    """explain's combined fix of each selected case (the text --write-fixed writes), run in
    batches. An idle-timeout fix needs the job to run past the timeout after the backlog, so
    those runs settle longer (timeout + 3 s)."""
    planned, settle_of = [], {}
    for i, case in enumerate(_selected(request, "test_fixed_job")):
        text = case.script.read_text()
        result = explain(text, str(case.script), lambda case=case: read_events(case.events))
        if result.fixed_text is None:
            settle_of[case.name] = SETTLE_S
            continue  # the test reports it
        idle = re.search(r"idle-timeout' = '(\d+) s'", result.fixed_text)
        settle = max(SETTLE_S, int(idle.group(1)) + 3.0) if idle else SETTLE_S
        settle_of[case.name] = settle
        parts = job_parts(
            case,
            runner.topic(case),
            runner.broker.bootstrap,
            sql=result.fixed_text,
            suffix=f"_{i:02d}",
        )
        planned.append(((parts.sets, settle), parts))
    return _run_batches(runner, planned, settle_of)


@pytest.mark.parametrize("case", FIXED, ids=_ids(FIXED))
def test_fixed_job(fixed_jobs: dict[str, Job | str], case: CorpusCase) -> None:
    """explain's own fix, run on real Flink with the same events: the sink gets the rows the
    case expects once the causes are fixed (which explain's verification must also report, see
    test_corpus.py)."""
    job = fixed_jobs.get(case.name, "explain proposed no fix with an edit")
    assert isinstance(job, Job), f"{case.name}: {job}"
    assert len(job.rows) == case.expected["fix_rows"], job.rows
