"""The Kafka path against real Flink 1.20.3 reading a real Kafka 3.9 broker.

Each test produces JSON events with explicit partitions and Kafka timestamps into its own topic,
runs a Flink SQL job over it (Kafka SQL connector flink-connector-kafka 3.3.0-1.20, watermark
pushed into the source: R1.1, R1.6), and checks that ``flinkdoctor.engine`` predicts the same
outcome for the same script and the same records, read back from the broker with flinkdoctor's own
sampler (the Records ``flinkdoctor sample`` prints).

Unbounded jobs never end: the harness cancels them after ``WAIT_S``. Every event is produced
before the job starts and read from 'earliest-offset', so the input is fixed. Each unbounded job is
one statement set with two print sinks: ``raw`` copies every record with the processing time it
was read at, ``agg`` gets the window aggregate. A run only counts if every record was read and the
job then ran on for ``SETTLE_S`` (else one longer run, then failure), so "nothing fired" is never
a slow start in disguise. What real Flink did is recorded in docs/flink-kafka-observed.md,
including R1.6's max semantics in 1.20.1+, which these runs found and the engine now follows.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pytest

from flinkdoctor.engine import Overrides, SimulationResult, build_plan, simulate
from flinkdoctor.engine.values import flink_string
from flinkdoctor.events.kafka import SampleRequest, sample_records
from flinkdoctor.events.record import Record
from flinkdoctor.events.sampling import Earliest
from flinkdoctor.events.settings import KafkaSettings
from flinkdoctor.sql import parse_script
from tests.support.flink import CaseResult, FlinkRuntime, FlinkUnavailable
from tests.support.kafka import KafkaBroker, Message

pytestmark = [pytest.mark.flink, pytest.mark.kafka]

WAIT_S = 10.0
"""How long an unbounded job runs before the harness cancels it (a warm job starts reading in
~1-3 s)."""
RETRY_WAIT_S = 30.0
"""The one longer run a slow machine gets when the first was inconclusive."""
SETTLE_S = 4.0
"""How long a job must keep running after reading its last record to count as "nothing more
fires": a window that can fire does so within one periodic emission (200 ms) or, with the 1 s idle
timeouts used here, within ~1.4 s."""

BASE = 1734145200000  # 2024-12-14 03:00:00 UTC
GOOD = "'yyyy-MM-dd''T''HH:mm:ss.SSS''Z'''"  # matches 2024-12-14T03:00:05.000Z
BAD = "'yyyy-MM-dd HH:mm:ss'"  # seed case 1: NULL on the ISO text, parses '2024-12-14 03:00:05'
TVF = (
    "SELECT window_start, window_end, host, COUNT(*) AS c, SUM(v) AS s\n"
    "FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '1' MINUTE))\n"
    "GROUP BY window_start, window_end, host"
)
LEGACY = (
    "SELECT TUMBLE_START(ts, INTERVAL '5' MINUTE) AS window_start, host, COUNT(*) AS c, "
    "SUM(v) AS s\nFROM ev GROUP BY TUMBLE(ts, INTERVAL '5' MINUTE), host"
)


# ----------------------------------------------------------------------------------------------
# Events, scripts, runs


def millis(hms: str) -> int:
    """'03:01:10' (or with .fff) on 2024-12-14 as epoch millis."""
    h, m, s = hms.split(":")
    return BASE + ((int(h) - 3) * 3600 + int(m) * 60) * 1000 + round(float(s) * 1000)


def event(host: str, v: int, hms: str, partition: int, *, iso: bool = True) -> Message:
    """One JSON event; Kafka timestamp = its event time. ``iso`` False writes the space form."""
    ms = millis(hms)
    text = f"2024-12-14T{hms}.000Z" if iso else f"2024-12-14 {hms}"
    payload = {"host": host, "v": v, "event_time": text}
    return Message(json.dumps(payload).encode(), partition=partition, timestamp=ms)


def ddl(topic: str, bootstrap: str, options: str = "", pattern: str = GOOD) -> str:
    """The source table: rowtime from a string via TO_TIMESTAMP, 5 s bounded out-of-orderness."""
    return (
        "CREATE TABLE ev (\n"
        "  host STRING, v INT, event_time STRING,\n"
        f"  ts AS TO_TIMESTAMP(event_time, {pattern}),\n"
        "  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND\n"
        f") WITH ('connector' = 'kafka', 'topic' = '{topic}',\n"
        f"  'properties.bootstrap.servers' = '{bootstrap}', 'properties.group.id' = 'fd',\n"
        f"  'scan.startup.mode' = 'earliest-offset', 'format' = 'json'{options});\n"
    )


def select_script(sets: str, table: str, query: str) -> str:
    """A bounded job (or one that fails) whose rows the harness collects."""
    return f"{sets}{table}{query};\n"


def job_script(sets: str, table: str, query: str, agg_columns: str) -> str:
    """An unbounded job: one statement set, two print sinks. ``raw`` copies every record with the
    processing time it was read at (proof that the job read it, by which source subtask, and how
    long the job ran after that); ``agg`` gets the window aggregate ``query``. The engine reads
    this very script (it simulates the windowed INSERT)."""
    return (
        f"{sets}{table}"
        "CREATE TABLE raw_out (host STRING, v INT, event_time STRING, read_at STRING)"
        " WITH ('connector' = 'print', 'print-identifier' = 'raw');\n"
        f"CREATE TABLE agg_out ({agg_columns})"
        " WITH ('connector' = 'print', 'print-identifier' = 'agg');\n"
        "BEGIN STATEMENT SET;\n"
        "INSERT INTO raw_out SELECT host, v, event_time, CAST(PROCTIME() AS STRING) FROM ev;\n"
        f"INSERT INTO agg_out {query};\n"
        "END;\n"
    )


TVF_SINK = "window_start TIMESTAMP(3), window_end TIMESTAMP(3), host STRING, c BIGINT, s INT"
LEGACY_SINK = "window_start TIMESTAMP(3), host STRING, c BIGINT, s INT"


@dataclass
class Topic:
    name: str
    partitions: int
    records: list[Record]
    """What flinkdoctor's sampler reads back from the broker (earliest, every partition)."""


@dataclass
class Job:
    """What an unbounded job did before the harness cancelled it."""

    result: CaseResult
    raw: list[tuple[int | None, list[str]]]
    """Per record read: (source subtask, None at parallelism 1; [kind, host, v, event_time,
    read_at])."""
    rows: Counter[tuple[str, ...]]
    """The window aggregate's rows: (row kind, *values as CAST(... AS STRING) prints them)."""
    settled_s: float
    """How long (at least) the job kept running after it read its last record."""


@dataclass
class Env:
    flink: FlinkRuntime
    broker: KafkaBroker

    def topic(self, partitions: int, messages: Sequence[Message], name: str | None = None) -> Topic:
        name = self.broker.create_topic(name, partitions=partitions)
        self.broker.produce(name, messages)
        settings = KafkaSettings(bootstrap_servers=(self.broker.bootstrap,), topic=name)
        records = list(sample_records(settings, SampleRequest(start=Earliest(), timeout=30)))
        assert len(records) == len(messages)
        return Topic(name, partitions, records)

    def run(self, script: str, *, timeout: float = 60.0) -> CaseResult:
        """A job that ends by itself (bounded, or failing)."""
        return self.flink.run_script(script, timeout=timeout, use_cache=False)

    def run_unbounded(self, script: str, topic: Topic) -> Job:
        """Run until cancelled; conclusive only if the job read every record and then ran for
        SETTLE_S more. A slow machine gets one longer run; after that the test fails (never a
        silent pass: "nothing fired" needs proof that there was time to fire)."""
        job = None
        for wait in (WAIT_S, RETRY_WAIT_S):
            sent = time.time()
            result = self.flink.run_script(script, timeout=wait, use_cache=False)
            assert result.timed_out, f"the unbounded job ended by itself: {result.error}"
            assert "TimeoutException" in (result.error or "").splitlines()[0], result.error
            raw = printed(result, "raw")
            read = [_epoch_s(cells[4]) for _, cells in raw]
            settled = sent + wait - max(read) if read else 0.0
            job = Job(
                result, raw, Counter(tuple(cells) for _, cells in printed(result, "agg")), settled
            )
            if len(raw) == len(topic.records) and settled >= SETTLE_S:
                return job
        raise AssertionError(
            f"inconclusive: the job read {len(job.raw)} of {len(topic.records)} records and ran "
            f"{job.settled_s:.1f} s after the last one (need {SETTLE_S} s):\n"
            f"{job.result.printed[-2000:]}"
        )


def _epoch_s(text: str) -> float:
    """'2026-11-26 09:40:01.123' (UTC: the harness pins the JVM zone) as epoch seconds."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc).timestamp()


_JAVA_TS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?")


def _cell(text: str) -> str:
    """A print-sink value as CAST(... AS STRING) prints it (LocalDateTime 2024-12-14T03:00 ->
    2024-12-14 03:00:00.000)."""
    if _JAVA_TS.fullmatch(text):
        value = dt.datetime.fromisoformat(text)
        return f"{value:%Y-%m-%d %H:%M:%S}.{value.microsecond // 1000:03d}"
    return text


def printed(result: CaseResult, sink: str) -> list[tuple[int | None, list[str]]]:
    """Each line a print sink wrote: (subtask index, None at parallelism 1; [kind, *values])."""
    out = []
    for line in result.printed.splitlines():
        m = re.fullmatch(rf"{sink}(?::(\d+))?> ([+-][IUD])\[(.*)\]", line)
        if m:
            subtask = int(m.group(1)) - 1 if m.group(1) else None
            out.append((subtask, [m.group(2), *(_cell(v) for v in m.group(3).split(", "))]))
    return out


@pytest.fixture(scope="module")
def env(flink: FlinkRuntime, kafka_broker: KafkaBroker) -> Iterator[Env]:
    """The Kafka connector on Flink's classpath, and one bounded warm-up job of the tests' shape
    (JVM, MiniCluster, connector and operator classes loaded) so that the timed jobs start fast."""
    try:
        flink.add_kafka_connector()
    except FlinkUnavailable as exc:
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail(f"the Kafka connector could not be provisioned in CI: {exc}", pytrace=False)
        pytest.skip(f"Kafka connector unavailable: {exc}")
    env = Env(flink, kafka_broker)
    warm = env.topic(1, [event("a", 1, "03:00:05", 0)])
    table = ddl(warm.name, kafka_broker.bootstrap, ", 'scan.bounded.mode' = 'latest-offset'")
    result = env.run(job_script("", table, TVF, TVF_SINK))  # the tests' job shape, bounded
    assert result.error is None, result.error
    assert [cells for _, cells in printed(result, "agg")] == [
        ["+I", ts("03:00:00"), ts("03:01:00"), "a", "1", "1"]
    ]
    yield env


def engine(script: str, topic: Topic, flink_version: str = "1.20") -> SimulationResult:
    """The engine's prediction: same script, same records, the topic's partition count, records
    arriving as fast as they are read (``file``: the job reads a backlog that is already there)."""
    overrides = Overrides(partitions=topic.partitions, arrival="file", flink_version=flink_version)
    plan = build_plan(parse_script(script, "job.sql"), overrides)
    return simulate(plan, topic.records)


def engine_rows(result: SimulationResult) -> Counter[tuple[str | None, ...]]:
    """The engine's rows as (row kind, *values as CAST(... AS STRING) prints them)."""
    return Counter(
        (kind, *(flink_string(row[c.name], c.type) for c in result.columns))
        for kind, row in zip(result.row_kinds, result.rows, strict=True)
    )


def ts(hms: str) -> str:
    return f"2024-12-14 {hms}.000"


# ----------------------------------------------------------------------------------------------
# 1. one partition, on-event emission


ON_EVENT = [
    event("a", 1, "03:00:05", 0),
    event("b", 2, "03:00:20", 0),
    event("a", 3, "03:00:50", 0),
    event("a", 4, "03:01:10", 0),  # wm 03:01:05: [03:00, 03:01) fires
    event("a", 5, "03:00:58", 0),  # late: its window has fired (R3.4), dropped
    event("b", 6, "03:01:02", 0),  # out of order, but its window is still open: counted
    event("b", 7, "03:01:30", 0),
    event("a", 8, "03:02:10", 0),  # wm 03:02:05: [03:01, 03:02) fires
    event("b", 9, "03:02:40", 0),  # the newest window never fires without later data (R2.7)
]


def test_single_partition_on_event_rows_identical(env: Env) -> None:
    """R1.6 on-event + R1.10 + R3.3/R3.4: with one partition each row emits its watermark at
    once, so what fires and what is dropped as late is fixed by the record order alone. Flink's
    rows are the engine's, and so is the late drop and what stays open. The periodic emitter is
    off ('pipeline.auto-watermark-interval' = '0'): on-event does not need it (R1.8)."""
    topic = env.topic(1, ON_EVENT)
    script = job_script(
        "SET 'pipeline.auto-watermark-interval' = '0';\n",
        ddl(topic.name, env.broker.bootstrap, ", 'scan.watermark.emit.strategy' = 'on-event'"),
        TVF,
        TVF_SINK,
    )
    real = env.run_unbounded(script, topic)
    expected = Counter(
        {
            ("+I", ts("03:00:00"), ts("03:01:00"), "a", "2", "4"): 1,
            ("+I", ts("03:00:00"), ts("03:01:00"), "b", "1", "2"): 1,
            ("+I", ts("03:01:00"), ts("03:02:00"), "a", "1", "4"): 1,
            ("+I", ts("03:01:00"), ts("03:02:00"), "b", "2", "13"): 1,
        }
    )
    assert real.rows == expected
    predicted = engine(script, topic)
    assert predicted.failure is None
    assert engine_rows(predicted) == expected
    assert predicted.dropped_by_rule == {"R3.4": 1}
    assert [d.offset for d in predicted.dropped] == [4]
    assert sorted((w.window_start, w.key["host"]) for w in predicted.pending) == [
        (millis("03:02:00"), "a"),
        (millis("03:02:00"), "b"),
    ]


# ----------------------------------------------------------------------------------------------
# R1.6: the per-split generator keeps the max in 1.20.3 (not the latest row)


OUT_OF_ORDER_TAIL = [
    event("a", 1, "03:04:30", 0),
    event("a", 2, "03:06:00", 0),  # max: wm 03:05:55 fires [03:04, 03:05)
    event("b", 3, "03:05:02", 0),  # latest row: wm 03:04:57, [03:04, 03:05) would not fire
]
"""The tail row's own window [03:05, 03:06) never fires either way, so it is never late: the
outcome does not depend on when the 200 ms periodic emissions fall between the reads."""


@pytest.fixture(scope="module")
def tail_job(env: Env) -> tuple[Topic, str, Job]:
    topic = env.topic(1, OUT_OF_ORDER_TAIL)
    script = job_script("", ddl(topic.name, env.broker.bootstrap), TVF, TVF_SINK)
    return topic, script, env.run_unbounded(script, topic)


TAIL_ROWS = Counter({("+I", ts("03:04:00"), ts("03:05:00"), "a", "1", "1"): 1})


def test_out_of_order_tail_flink_keeps_the_max(tail_job: tuple[Topic, str, Job]) -> None:
    """R1.6 as Flink 1.20.3 runs it: DefaultWatermarkGenerator#onEvent only takes a higher
    watermark (``watermark > currentWatermark``, in 1.19.2+ / 1.20.1+ / 2.0; 1.20.0 took the
    latest row), so a partition ending with an older row keeps max(rt) - delay = 03:05:55 and
    [03:04, 03:05) fires. The engine's max-semantics path (its 2.x rule) predicts exactly this."""
    topic, script, real = tail_job
    assert real.rows == TAIL_ROWS
    assert engine_rows(engine(script, topic, flink_version="2.0")) == TAIL_ROWS


def test_out_of_order_tail_engine_1_20_matches(tail_job: tuple[Topic, str, Job]) -> None:
    """The engine's default (1.20) prediction for the same job: it must equal real 1.20.3."""
    topic, script, _ = tail_job
    assert engine_rows(engine(script, topic)) == TAIL_ROWS


# ----------------------------------------------------------------------------------------------
# 2., 3., 6. three partitions, partition 1 empty


THREE = [
    event("a", 1, "03:00:05", 0),
    event("a", 2, "03:01:10", 0),
    event("a", 3, "03:02:30", 0),
    event("b", 4, "03:00:30", 2),
    event("b", 5, "03:02:10", 2),
    event("b", 6, "03:03:00", 2),
]
"""Each partition in event-time order, so the latest row is the max (R1.6) however the reads
and the periodic emissions interleave."""


THREE_NAME = "kf-one-empty-partition"
"""R2.2 at parallelism 4: partition 0 -> subtask 3, 1 -> 0, 2 -> 1 (the start index wraps)."""


@pytest.fixture(scope="module")
def three(env: Env) -> Topic:
    """Partitions 0 and 2 have data, 1 is empty; only read, so the tests can share it."""
    return env.topic(3, THREE, THREE_NAME)


def test_empty_partition_no_idle_timeout_nothing_fires(env: Env, three: Topic) -> None:
    """R2.1 / R6.4: the empty partition's split stays at Long.MIN_VALUE and holds its subtask's
    watermark, so nothing fires although partitions 0 and 2 are minutes ahead. The engine
    predicts nothing and names partition 1 as the holder of every pending window."""
    script = job_script("", ddl(three.name, env.broker.bootstrap), TVF, TVF_SINK)
    real = env.run_unbounded(script, three)
    assert real.rows == Counter()
    predicted = engine(script, three)
    assert predicted.failure is None and predicted.rows == ()
    assert predicted.final_watermark is None
    assert len(predicted.pending) == 6  # a: 03:00, 03:01, 03:02; b: 03:00, 03:02, 03:03
    for window in predicted.pending:
        holder = window.held_back_by[0]
        assert holder.input == "partition 1 (subtask 0)", holder
        assert holder.rule == "R2.1" and holder.watermark is None


def test_empty_partition_with_idle_timeout_fires_all_but_newest(env: Env, three: Topic) -> None:
    """R2.4 + R2.7: with 'scan.watermark.idle-timeout' the empty split goes idle, the watermark
    becomes min(p0, p2) = 03:02:25 and [03:00, 03:01), [03:01, 03:02) fire; the windows with the
    newest data never fire without later events."""
    script = job_script(
        "",
        ddl(three.name, env.broker.bootstrap, ", 'scan.watermark.idle-timeout' = '1 s'"),
        TVF,
        TVF_SINK,
    )
    real = env.run_unbounded(script, three)
    expected = Counter(
        {
            ("+I", ts("03:00:00"), ts("03:01:00"), "a", "1", "1"): 1,
            ("+I", ts("03:00:00"), ts("03:01:00"), "b", "1", "4"): 1,
            ("+I", ts("03:01:00"), ts("03:02:00"), "a", "1", "2"): 1,
        }
    )
    assert real.rows == expected
    predicted = engine(script, three)
    assert predicted.failure is None
    assert engine_rows(predicted) == expected
    assert predicted.final_watermark == millis("03:02:25")
    assert sorted((w.window_start, w.key["host"]) for w in predicted.pending) == [
        (millis("03:02:00"), "a"),
        (millis("03:02:00"), "b"),
        (millis("03:03:00"), "b"),
    ]


def test_bounded_latest_offset_fires_everything(env: Env, three: Topic) -> None:
    """R3.11 + R2.3 (bounded): with 'scan.bounded.mode' = 'latest-offset' the job ends; every
    reader, the one with the empty partition and the subtask with no split (parallelism 4 > 3
    partitions) included, finishes with MAX_WATERMARK, so every window fires, the newest too.
    R2.2: the raw sink shows partition 0 read by subtask 3 and partition 2 by subtask 1."""
    script = job_script(
        "SET 'parallelism.default' = '4';\n",
        ddl(three.name, env.broker.bootstrap, ", 'scan.bounded.mode' = 'latest-offset'"),
        TVF,
        TVF_SINK,
    )
    real = env.run(script)
    assert real.error is None, real.error
    readers = {(cells[1], subtask) for subtask, cells in printed(real, "raw")}
    assert readers == {("a", 3), ("b", 1)}  # host a is partition 0, host b partition 2
    expected = Counter(
        {
            ("+I", ts("03:00:00"), ts("03:01:00"), "a", "1", "1"): 1,
            ("+I", ts("03:00:00"), ts("03:01:00"), "b", "1", "4"): 1,
            ("+I", ts("03:01:00"), ts("03:02:00"), "a", "1", "2"): 1,
            ("+I", ts("03:02:00"), ts("03:03:00"), "a", "1", "3"): 1,
            ("+I", ts("03:02:00"), ts("03:03:00"), "b", "1", "5"): 1,
            ("+I", ts("03:03:00"), ts("03:04:00"), "b", "1", "6"): 1,
        }
    )
    assert Counter(tuple(cells) for _, cells in printed(real, "agg")) == expected
    predicted = engine(script, three)
    assert predicted.config["bounded"] is True and predicted.config["parallelism"] == 4
    assert predicted.config["partition_owners"] == {"0": 3, "1": 0, "2": 1}
    assert engine_rows(predicted) == expected
    assert predicted.pending == () and predicted.dropped_total == 0


# ----------------------------------------------------------------------------------------------
# 4. parallelism above the partition count


ONE = [
    event("a", 1, "03:00:05", 0),
    event("b", 2, "03:00:40", 0),
    event("a", 3, "03:01:10", 0),
    event("a", 4, "03:02:30", 0),
]


ONE_NAME = "kf-one-partition"
"""R2.2 at parallelism 2: partition 0 -> subtask 1, so subtask 0 is the one without a split."""


@pytest.fixture(scope="module")
def one(env: Env) -> Topic:
    return env.topic(1, ONE, ONE_NAME)


def test_parallelism_above_partitions_nothing_fires(env: Env, one: Topic) -> None:
    """R2.2 + R2.3 (unbounded): parallelism 2 over 1 partition. The subtask that owns no split
    emits neither a watermark nor IDLE, so the window operator stays at Long.MIN_VALUE. The raw
    print sink shows that subtask 1 read partition 0, as R2.2's formula says; the engine names
    subtask 0 as the holder."""
    script = job_script(
        "SET 'parallelism.default' = '2';\n", ddl(one.name, env.broker.bootstrap), TVF, TVF_SINK
    )
    real = env.run_unbounded(script, one)
    assert {subtask for subtask, _ in real.raw} == {1}
    assert real.rows == Counter()
    predicted = engine(script, one)
    assert predicted.failure is None and predicted.rows == ()
    assert predicted.final_watermark is None
    assert predicted.config["partition_owners"] == {"0": 1}
    assert len(predicted.pending) == 4  # a: 03:00, 03:01, 03:02; b: 03:00
    for window in predicted.pending:
        holder = window.held_back_by[0]
        assert holder.input == "subtask 0", holder
        assert holder.rule == "R2.3" and holder.watermark is None


def test_parallelism_above_partitions_idle_timeout_fires(env: Env, one: Topic) -> None:
    """R2.3 with an idle timeout, here the global 'table.exec.source.idle-timeout' (seed case
    3's fix): the split-less subtask goes idle and stops holding the watermark; everything but
    the newest window fires (R2.7)."""
    script = job_script(
        "SET 'parallelism.default' = '2';\nSET 'table.exec.source.idle-timeout' = '1 s';\n",
        ddl(one.name, env.broker.bootstrap),
        TVF,
        TVF_SINK,
    )
    real = env.run_unbounded(script, one)
    expected = Counter(
        {
            ("+I", ts("03:00:00"), ts("03:01:00"), "a", "1", "1"): 1,
            ("+I", ts("03:00:00"), ts("03:01:00"), "b", "1", "2"): 1,
            ("+I", ts("03:01:00"), ts("03:02:00"), "a", "1", "3"): 1,
        }
    )
    assert real.rows == expected
    predicted = engine(script, one)
    assert predicted.failure is None
    assert engine_rows(predicted) == expected
    assert [(w.window_start, w.key["host"]) for w in predicted.pending] == [
        (millis("03:02:00"), "a")
    ]


def test_interval_zero_on_periodic_never_emits(env: Env, one: Topic) -> None:
    """R1.8 end to end (the spec's [I] combination, confirmed): Kafka source, default on-periodic
    emission, 'pipeline.auto-watermark-interval' = '0': no watermark is ever emitted, so nothing
    fires even with one partition and parallelism 1. The engine names partition 0 and R1.8."""
    script = job_script(
        "SET 'pipeline.auto-watermark-interval' = '0';\n",
        ddl(one.name, env.broker.bootstrap),
        TVF,
        TVF_SINK,
    )
    real = env.run_unbounded(script, one)
    assert real.rows == Counter()
    predicted = engine(script, one)
    assert predicted.failure is None and predicted.rows == ()
    assert predicted.final_watermark is None
    assert len(predicted.pending) == 4
    for window in predicted.pending:
        holder = window.held_back_by[0]
        assert holder.input == "partition 0 (subtask 0)", holder
        assert holder.rule == "R1.8"


# ----------------------------------------------------------------------------------------------
# 5. NULL rowtimes from a bad TO_TIMESTAMP pattern (seed case 1's DDL mistake)


NULLS = [
    event("a", 1, "03:00:05", 0),
    event("b", 2, "03:01:10", 0),
    event("a", 3, "03:06:20", 0),
]
"""ISO texts; with the BAD pattern every rowtime is NULL (TO_TIMESTAMP returns NULL, R4.2)."""


@pytest.fixture(scope="module")
def nulls(env: Env) -> Topic:
    return env.topic(1, NULLS)


def test_null_rowtime_window_tvf_aggregate_fails(env: Env, nulls: Topic) -> None:
    """R1.7 (confirmed): the Kafka source lets NULL rowtimes through (its watermark just skips
    them), and the window TVF aggregate then throws 'RowTime field should not be null'. With no
    checkpointing (no restart strategy) the job fails at once instead of restart-looping."""
    script = select_script("", ddl(nulls.name, env.broker.bootstrap, pattern=BAD), TVF)
    real = env.run(script)
    assert not real.timed_out, "the job should have failed, it kept running"
    assert real.error is not None
    assert "RowTime field should not be null, please convert it to a non-null long value." in (
        real.error
    )
    predicted = engine(script, nulls)
    assert predicted.failure is not None and predicted.failure.rule == "R1.7"
    assert predicted.failure.message.startswith("RowTime field should not be null")
    assert predicted.failure.restarts is False


def test_null_rowtime_legacy_group_window_silent(env: Env, nulls: Topic) -> None:
    """R1.7 + R6.8 + seed case 1 (confirmed): with a legacy GROUP BY TUMBLE the same rows are
    accepted, read as epoch 0 (the 1970 window); the watermark never leaves Long.MIN_VALUE
    because every rowtime is NULL, and the job runs on silently: no row, no error."""
    script = job_script("", ddl(nulls.name, env.broker.bootstrap, pattern=BAD), LEGACY, LEGACY_SINK)
    real = env.run_unbounded(script, nulls)
    assert real.rows == Counter()
    predicted = engine(script, nulls)
    assert predicted.failure is None and predicted.rows == ()
    assert predicted.final_watermark is None
    assert sorted((w.window_start, w.key["host"], w.records) for w in predicted.pending) == [
        (0, "a", 2),
        (0, "b", 1),
    ]
    for window in predicted.pending:
        assert window.held_back_by[0].rule == "R1.7"
        assert window.held_back_by[0].input == "partition 0 (subtask 0)"


MIXED = [
    event("a", 1, "03:00:01", 0),  # NULL rowtime before any watermark: counted in 1970
    event("a", 2, "03:00:05", 0, iso=False),  # parses: wm 03:00:00 fires the 1970 window
    event("b", 3, "03:06:00", 0, iso=False),  # wm 03:05:55 fires [03:00, 03:05)
    event("b", 4, "03:06:30", 0),  # NULL rowtime after that: the 1970 window is gone, dropped
]


def test_null_rowtime_legacy_group_window_1970_row_or_late_drop(env: Env) -> None:
    """R6.8 / seed §3.5 (confirmed on 1.20 with the real Kafka source): the legacy window
    operator reads a NULL rowtime as 0. A NULL row that comes before any watermark is counted in
    [1970-01-01 00:00, 00:05), which fires (a 1970 row) with the first real watermark; one that
    comes after is dropped as late (R3.7). on-event emission pins which is which."""
    topic = env.topic(1, MIXED)
    script = job_script(
        "",
        ddl(
            topic.name,
            env.broker.bootstrap,
            ", 'scan.watermark.emit.strategy' = 'on-event'",
            pattern=BAD,
        ),
        LEGACY,
        LEGACY_SINK,
    )
    real = env.run_unbounded(script, topic)
    expected = Counter(
        {
            ("+I", "1970-01-01 00:00:00.000", "a", "1", "1"): 1,
            ("+I", ts("03:00:00"), "a", "1", "2"): 1,
        }
    )
    assert real.rows == expected
    predicted = engine(script, topic)
    assert predicted.failure is None
    assert engine_rows(predicted) == expected
    assert predicted.dropped_by_rule == {"R3.7": 1}
    assert [(d.offset, d.event_time) for d in predicted.dropped] == [(3, None)]
