"""The corpus's Flink claims against real Flink 1.20.3 reading a real Kafka broker.

Each case's events go into a fresh topic with the same partitions and Kafka timestamps; the job
runs as written (its PyFlink twin flink.sql for a .py job) with three changes only: the source
reads that topic (fresh consumer group), every sink becomes a print sink named after its table (a
streaming filesystem sink for ``uncommitted`` keeps its connector and writes to a temp dir), and
one more print sink ``fd_raw`` records when each event was read. For ``jdbc`` the JDBC sink keeps
its connector, writing to a real Derby network server (tests/support/derby.py), next to a print
twin that shows what the windows fired; the table is read while the job still runs. Unbounded
jobs never end: a run counts only when every event was read and the job then ran on for SETTLE_S
(else one longer run, then failure), so "nothing fired" is never a slow start in disguise; a job
that fails when it should run, or runs when it should fail, fails the test with Flink's own error.

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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from flinkdoctor.diagnosis.edits import apply_edits
from flinkdoctor.diagnosis.explain import explain
from flinkdoctor.events.reader import read_events
from flinkdoctor.lint.runner import check_script
from flinkdoctor.sql.script import parse_script
from tests.explain.corpus import CASES, CorpusCase
from tests.kafka_flink.test_flink_on_kafka import printed
from tests.support.derby import (
    CLIENT_DRIVER,
    FLINK_JARS,
    PASSWORD,
    USER,
    DerbyServer,
    DerbyUnavailable,
    start_derby,
)
from tests.support.flink import CaseResult, FlinkRuntime, FlinkUnavailable
from tests.support.kafka import KafkaBroker, Message

pytestmark = [pytest.mark.flink, pytest.mark.kafka]

WAIT_S = 10.0
RETRY_WAIT_S = 30.0
SETTLE_S = 4.0
RAW = "fd_raw"
PROBE_LEAD_S = 3.0
"""A probe (a query of the sink's database) starts this long before the run's deadline."""
FIRED = "_fired"

_STATEMENT_END = re.compile(r";[ \t]*\n")
_CREATE = re.compile(r"CREATE TABLE (\w+)", re.IGNORECASE)


@dataclass(frozen=True)
class Probe:
    """What a query of the sink's database saw while the job ran: rows per Flink sink table,
    between two readings of the database's clock (epoch seconds)."""

    started: float
    finished: float
    tables: dict[str, list[list[str]]]


@dataclass(frozen=True)
class Job:
    result: CaseResult
    raw: int
    rows: list[list[str]]
    settled_s: float
    probe: Probe | None = None


@dataclass
class Parts:
    """One case's job, its tables renamed with a suffix so several cases can share one job."""

    case: CorpusCase
    sets: tuple[str, ...]
    tables: list[str]
    inserts: list[str]
    sinks: list[str]
    raw: str
    jdbc: dict[str, str]
    """Kept JDBC sinks: Flink table -> the database table it writes ('table-name')."""
    derby: list[str]
    """CREATE TABLE statements for those database tables (Derby's types)."""


def job_parts(
    case: CorpusCase,
    topic: str,
    bootstrap: str,
    fs_path: Path | None = None,
    sink_topic: str | None = None,
    sql: str | None = None,
    suffix: str = "",
    jdbc_url: str | None = None,
) -> Parts:
    """The case's job with its source on ``topic``, print sinks and the ``fd_raw`` read log.
    ``fs_path`` keeps a filesystem sink (writing there), ``sink_topic`` a Kafka sink (writing to
    that topic; its transaction timeout lowered to the test broker's 15 min maximum, which the
    connector's 1 h default exceeds), ``jdbc_url`` a JDBC sink (writing there, with a print twin
    ``<table>_fired`` of each of its INSERTs). ``suffix`` renames every table (batches)."""
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
            elif jdbc_url is not None and "'connector' = 'jdbc'" in stmt:
                stmt = _to_database(stmt, jdbc_url)
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
    jdbc: dict[str, str] = {}
    derby: list[str] = []
    for stmt in [t for t in tables if "'connector' = 'jdbc'" in t]:
        created, target = _CREATE.match(stmt), re.search(r"'table-name' = '([^']*)'", stmt)
        assert created and target, stmt
        name = created.group(1)
        jdbc[name] = target.group(1)
        derby.append(_derby_ddl(stmt, target.group(1)))
        cut = stmt.upper().rindex("WITH (")
        twin = re.sub(rf"CREATE TABLE {name}\b", f"CREATE TABLE {name}{FIRED}", stmt[:cut])
        tables.append(twin + f"WITH ('connector' = 'print', 'print-identifier' = '{name}')")
        into = re.compile(rf"INSERT INTO {name}\b", re.IGNORECASE)
        inserts += [into.sub(f"INSERT INTO {name}{FIRED}", i) for i in inserts if into.match(i)]
    raw_name = RAW + suffix
    tables.append(
        f"CREATE TABLE {raw_name} (read_at STRING) "
        f"WITH ('connector' = 'print', 'print-identifier' = '{raw_name}')"
    )
    body = [f"INSERT INTO {raw_name} SELECT CAST(PROCTIME() AS STRING) FROM {source}", *inserts]
    return Parts(case, tuple(sets), tables, body, sinks, raw_name, jdbc, derby)


def _to_database(stmt: str, url: str) -> str:
    """A JDBC table writing to the test database: its url, user and Derby's client driver."""
    stmt = re.sub(r"'url' = '[^']*'", f"'url' = '{url}',\n  'driver' = '{CLIENT_DRIVER}'", stmt)
    stmt = re.sub(r",\s*'(?:username|password)' = '[^']*'", "", stmt)
    cut = stmt.rindex(")")
    return stmt[:cut].rstrip() + f",\n  'username' = '{USER}',\n  'password' = '{PASSWORD}'\n)"


_DERBY_TYPES = {"STRING": "VARCHAR(1000)", "INT": "INT", "INTEGER": "INT", "BIGINT": "BIGINT"}


def _derby_ddl(stmt: str, table: str) -> str:
    """The database table a Flink JDBC table writes: same columns, Derby's types."""
    body = stmt[stmt.index("(") + 1 : stmt.upper().rindex(") WITH (")]
    columns = []
    for column in (c.strip() for c in body.split(",\n")):
        name, kind = column.split(None, 1)
        kind = kind.strip().upper()
        derby = "TIMESTAMP" if kind.startswith("TIMESTAMP(") else _DERBY_TYPES.get(kind)
        assert derby, f"no Derby type for {column!r}"
        columns.append(f"{name} {derby}")
    return f"CREATE TABLE {table} ({', '.join(columns)})"


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
        probe: Callable[[], Probe] | None = None,
    ) -> Job:
        """Run until cancelled; conclusive only if the job read ``expect_read`` events and then
        ran ``settle`` seconds more (else one longer run, then failure). ``probe`` runs
        PROBE_LEAD_S before the deadline; "ran on" then counts up to its start, and it must have
        finished before the deadline (the job was still running when it looked)."""
        job = None
        for wait in waits:
            sent = time.time()
            probed: list[Probe | BaseException] = []

            def look(probe: Callable[[], Probe], out: list[Probe | BaseException]) -> None:
                try:
                    out.append(probe())
                except BaseException as exc:  # re-raised in the test's thread
                    out.append(exc)

            timer = None
            if probe is not None:
                timer = threading.Timer(wait - PROBE_LEAD_S, look, args=(probe, probed))
                timer.start()
            try:
                result = self.flink.run_script(script, timeout=wait, use_cache=False)
            finally:
                if timer is not None:
                    timer.join()
            assert result.timed_out, f"{case.name}: the job ended: {result.error}"
            assert "TimeoutException" in (result.error or "").splitlines()[0], result.error
            seen = probed[0] if probed else None
            if isinstance(seen, BaseException):
                raise seen
            raw = printed(result, RAW)
            read = [_epoch_s(cells[1]) for _, cells in raw]
            end = sent + wait if seen is None else seen.started
            settled = end - max(read) if read else 0.0
            rows = [cells for sink in sink_names(case) for _, cells in printed(result, sink)]
            job = Job(result, len(raw), rows, settled, seen)
            in_time = seen is None or seen.finished < sent + wait
            if len(raw) == expect_read and settled >= settle and in_time:
                return job
        assert job is not None
        late = " (the probe ended after the deadline)" if job.probe and not in_time else ""
        raise AssertionError(
            f"{case.name}: inconclusive: the job read {job.raw} of {expect_read} events and ran "
            f"{job.settled_s:.1f} s after the last one{late}:\n{job.result.printed[-2000:]}"
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


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


@pytest.fixture(scope="module")
def runner(flink: FlinkRuntime, kafka_broker: KafkaBroker) -> Iterator[Runner]:
    """The Kafka and JDBC connectors on Flink's classpath (one JVM restart for both); the JDBC
    jars come off again at the end, so later modules keep their cached results' keys."""
    try:
        flink.add_kafka_connector()
        before = list(flink.extra_jars)
        jdbc = [j for j in flink.add_maven_jars(FLINK_JARS) if j not in before]
    except FlinkUnavailable as exc:
        if _in_ci():
            pytest.fail(f"a connector could not be provisioned in CI: {exc}", pytrace=False)
        pytest.skip(f"Kafka or JDBC connector unavailable: {exc}")
    runner = Runner(flink, kafka_broker)
    try:
        yield runner
    finally:
        runner.forget_groups()
        flink.remove_jars(jdbc)


@pytest.fixture(scope="module")
def derby() -> Iterator[DerbyServer]:
    """A Derby network server for the JDBC sinks; fails in CI when it cannot start."""
    try:
        server = start_derby()
    except DerbyUnavailable as exc:
        if _in_ci():
            pytest.fail(f"the Derby test server could not start in CI: {exc}", pytrace=False)
        pytest.skip(f"Derby test server unavailable: {exc}")
    try:
        yield server
    finally:
        server.close()


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


def _checkpoint_s(sql: str) -> float:
    """The job's checkpoint interval in seconds (0: off); the corpus writes it as 'N s'."""
    found = re.search(r"'execution\.checkpointing\.interval' = '(\d+) s'", sql)
    return float(found.group(1)) if found else 0.0


def _same_cells(rows: list[list[str]]) -> list[list[str]]:
    """Rows comparable across Derby and Flink: '03:00:00.0' and '03:00:00.000' alike."""
    return sorted([re.sub(r"(\d\d:\d\d:\d\d)\.0+$", r"\1", c) for c in row] for row in rows)


def _probe(derby: DerbyServer, database: str, tables: dict[str, str]) -> Probe:
    """Every sink's database table, read in one session between two readings of its clock."""
    names = list(tables)
    stamp = "VALUES CURRENT_TIMESTAMP"
    statements = [stamp, *(f"SELECT * FROM {tables[n]}" for n in names), stamp]
    results = derby.run(database, statements)
    first, *rows, last = results
    return Probe(_epoch_s(first[0][0]), _epoch_s(last[0][0]), dict(zip(names, rows, strict=True)))


@pytest.mark.parametrize("case", _cases("jdbc"), ids=_ids(_cases("jdbc")))
def test_jdbc(runner: Runner, derby: DerbyServer, case: CorpusCase) -> None:
    """A JDBC sink writing to a real database (Derby), read while the job still runs: the
    windows fired (their print twin has ``rows``) and the table holds ``visible`` of them (R5.5:
    both buffer-flush triggers at 0 flush only on a checkpoint; with checkpoints, the first one
    after the windows fired writes them, so such a run settles one interval longer).
    ``cancelled_visible``: the table holds that many once the job is cancelled (the sink's
    close() flushes what it buffered: the rows appear when the job ends, not while it runs).
    ``fixed_visible``: the job with the jdbc-flush-disabled finding's own edit (lint's) runs
    beside it in the same job (own topic and table), and its table holds that many rows by
    then: the control that shows the same windows do reach the database once the sink flushes."""
    claim = case.flink or {}
    bootstrap, database = runner.broker.bootstrap, "c" + case.name[:2]  # a database per case
    url = derby.url(database)
    parts = [job_parts(case, runner.topic(case), bootstrap, jdbc_url=url)]
    if "fixed_visible" in claim:
        text = case.script.read_text()
        found = check_script(parse_script(text, case.script.name), text=text)
        [edits] = [f.fix.edits for f in found if f.name == "jdbc-flush-disabled" and f.fix]
        assert edits, "jdbc-flush-disabled proposed no edit"
        fixed = apply_edits(text, edits)
        topic = runner.topic(case)
        parts.append(job_parts(case, topic, bootstrap, sql=fixed, suffix="_fixed", jdbc_url=url))
    derby.run(database, [ddl for p in parts for ddl in p.derby])
    tables = {name: table for p in parts for name, table in p.jdbc.items()}
    assert tables, "no JDBC sink in the job"
    settle = SETTLE_S + _checkpoint_s(case.flink_sql())
    runner.flink.run_script("SELECT 1", use_cache=False)  # a warm JVM: the probe's time is known
    job = runner.unbounded(
        case,
        assemble(parts),
        len(case.envelopes()),
        waits=(settle + 10.0, settle + 30.0),
        settle=settle,
        probe=lambda: _probe(derby, database, tables),
    )
    assert job.probe is not None
    assert len(job.rows) == claim["rows"], job.rows  # what the windows fired
    fired = _same_cells([cells[1:] for cells in job.rows])  # without the row kind
    visible = [row for name in parts[0].jdbc for row in job.probe.tables[name]]
    assert len(visible) == claim["visible"], visible
    if visible:
        assert _same_cells(visible) == fired
    if "fixed_visible" in claim:
        assert len(printed(job.result, parts[1].raw)) == len(case.envelopes())
        control = [row for name in parts[1].jdbc for row in job.probe.tables[name]]
        assert len(control) == claim["fixed_visible"], control
        assert _same_cells(control) == fired
    if "cancelled_visible" in claim:
        # The harness cancels the job at its deadline; the sink's close() flushes its buffer
        # while the cancel runs on (the cancel call returns first): look a few times.
        for _ in range(4):
            after = _probe(derby, database, {n: parts[0].jdbc[n] for n in parts[0].jdbc})
            cancelled = [row for rows in after.tables.values() for row in rows]
            if len(cancelled) >= claim["cancelled_visible"]:
                break
            time.sleep(1.0)
        assert len(cancelled) == claim["cancelled_visible"], cancelled
        assert _same_cells(cancelled) == fired


FIXED = [c for c in CASES if "fix_rows" in c.expected and c.script.suffix == ".sql"]


@pytest.fixture(scope="module")
def fixed_jobs(runner: Runner, request: pytest.FixtureRequest) -> dict[str, Job | str]:
    """explain's combined fix of each selected case (the text --write-fixed writes), run in
    batches. An idle-timeout fix needs the job to run past the timeout after the backlog, so
    those runs settle longer (timeout + 6 s: on a busy machine the idle split's detection and
    the firing that follows took more than timeout + 3 s once)."""
    planned, settle_of = [], {}
    for i, case in enumerate(_selected(request, "test_fixed_job")):
        text = case.script.read_text()
        result = explain(text, str(case.script), lambda case=case: read_events(case.events))
        if result.fixed_text is None:
            settle_of[case.name] = SETTLE_S
            continue  # the test reports it
        idle = re.search(r"idle-timeout' = '(\d+) s'", result.fixed_text)
        settle = max(SETTLE_S, int(idle.group(1)) + 6.0) if idle else SETTLE_S
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
