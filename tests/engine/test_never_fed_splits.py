"""The never-fed splits of a source subtask share one state (R2.1, R2.4): a split of its own is
made only at a partition's first record. Differential: the same inputs through the reader as it
was, one split per partition from the start (tests/engine/reference_split_watermarks.py, the old
code kept only here), give the same watermarks, statuses, idleness, deadlines and timelines, in
the reader alone and in whole replays (rows, open windows and what holds them, timelines)."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import astuple
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flinkdoctor.engine import Overrides, SimulationResult, build_plan, simulate
from flinkdoctor.engine import simulator as simulator_module
from flinkdoctor.engine.kafka_assignment import (
    assign_partitions,
    owned_partitions,
    owner_start,
    split_owner,
)
from flinkdoctor.engine.partition_set import PartitionSet
from flinkdoctor.engine.split_watermarks import (
    NEVER_FED,
    KafkaSourceReaderWatermarks,
    never_fed_name,
)
from flinkdoctor.engine.timeline import TimelineRecorder
from flinkdoctor.errors import InputError
from flinkdoctor.events import read_events
from flinkdoctor.events.record import Record
from flinkdoctor.sql import parse_script
from tests.engine.helpers import BASE, SEC
from tests.engine.reference_split_watermarks import ReferenceReaderWatermarks

# -- the owner formula as ranges (R2.2) -----------------------------------------------------------


@pytest.mark.parametrize("topic", ["events", "bootcamp-events-prod", "t", "ü-topic"])
@pytest.mark.parametrize("readers", [1, 2, 3, 7])
def test_owned_ranges_are_the_owner_formula(topic: str, readers: int) -> None:
    """Each partition is in exactly its owner's range, counted without listing them."""
    start = owner_start(topic, readers)
    for partitions in (0, 1, 2, 5, 23):
        ranges = assign_partitions(topic, partitions, readers)
        for p in range(partitions):
            owners = [s for s, owned in ranges.items() if p in owned]
            assert owners == [split_owner(topic, p, readers)]
        assert sum(len(r) for r in ranges.values()) == partitions
        assert owned_partitions(start, partitions, readers, split_owner(topic, 0, readers))[:1] == (
            range(0, 1) if partitions else range(0)
        )


def test_owned_range_of_the_largest_topic_is_arithmetic() -> None:
    """2^31 partitions on 3 subtasks: sizes and last ids by hand, nothing listed."""
    start = owner_start("events", 3)
    sizes = {s: len(owned_partitions(start, 1 << 31, 3, s)) for s in range(3)}
    assert sorted(sizes.values()) == [715827882, 715827883, 715827883]
    owned = owned_partitions(start, 1 << 31, 3, (start + 2147483647) % 3)
    assert owned[-1] == 2147483647 and 2147483647 in owned and 2147483646 not in owned


# -- partition sets ------------------------------------------------------------------------------


def test_partition_set_minus_names_the_gaps() -> None:
    ids = PartitionSet.minus(range(1 << 31), [40000])
    assert len(ids) == (1 << 31) - 1
    assert ids.text() == "0-39999, 40001-2147483647"
    assert ids.ranges() == [
        {"first": 0, "last": 39999, "step": 1},
        {"first": 40001, "last": 2147483647, "step": 1},
    ]
    assert ids.ids(10_000) is None and 40000 not in ids and 40001 in ids and ids.first == 0


def test_partition_set_with_a_step_and_edges() -> None:
    owned = range(1, 2147483648, 4)  # every 4th partition: one subtask of 4
    assert PartitionSet.minus(owned, [1, 9]).text() == "5, 13-2147483645 step 4"
    assert PartitionSet.minus(owned, [2, 3]).text() == "1-2147483645 step 4"  # not its own
    assert PartitionSet.minus(range(5, 6), [5]) == PartitionSet()
    assert tuple(PartitionSet.minus(range(0, 10, 3), [3])) == (0, 6, 9)
    assert PartitionSet.minus(range(0, 10, 3), [3]).ranges() == [
        {"first": 0, "last": 0, "step": 1},
        {"first": 6, "last": 9, "step": 3},
    ]
    many = PartitionSet.minus(range(100), [10, 20, 30, 40, 50])
    assert many.text() == "0-9, 11-19, 21-29, ... (3 more ranges), 51-99"
    assert len(many) == 95 and many.ids(95) == tuple(
        p for p in range(100) if p not in (10, 20, 30, 40, 50)
    )


# -- the reader alone, against the reference -----------------------------------------------------


class _Log:
    """A valve that writes down what it is sent."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int, object]] = []

    def input_watermark(self, index: int, watermark: int) -> None:
        self.calls.append(("watermark", index, watermark))

    def input_status(self, index: int, idle: bool) -> None:
        self.calls.append(("status", index, idle))


_READER_STATE = (
    "combined",
    "combined_idle",
    "max_so_far",
    "out_idle",
    "main_idle",
    "split_local_idle",
)


def _split_state(split: Any) -> tuple[Any, ...]:
    timer = split.idleness
    idleness = (
        None if timer is None else (timer.counter, timer.last_counter, timer.start_of_inactivity)
    )
    return (
        split.generated,
        split.watermark,
        split.idle,
        split.last_event_time,
        split.records,
        idleness,
    )


def _same_reader(
    new: KafkaSourceReaderWatermarks,
    old: ReferenceReaderWatermarks,
    new_tl: TimelineRecorder,
    old_tl: TimelineRecorder,
    topic: str,
) -> None:
    for name in _READER_STATE:
        assert getattr(new, name) == getattr(old, name), name
    assert new.next_deadline() == old.next_deadline()
    assert new_tl.points[new.name] == old_tl.points[old.name]
    fed = {p for p in new.splits if p != NEVER_FED}
    assert new.never_fed == len(old.splits) - len(fed)
    assert (NEVER_FED in new.splits) == (new.never_fed > 0)
    for p, split in old.splits.items():
        mine = new.splits[p] if p in fed else new.splits[NEVER_FED]
        assert _split_state(mine) == _split_state(split), p
        name = f"{topic}-{p}" if p in fed else never_fed_name(new.index)
        assert new_tl.points[name] == old_tl.points[f"{topic}-{p}"], p


_ops = st.lists(
    st.one_of(
        st.tuples(
            st.just("record"),
            st.integers(0, 40),  # partition (only the reader's own are fed)
            st.one_of(st.none(), st.integers(-5, 50)),  # its watermark (None: NULL rowtime)
            st.integers(0, 300),  # time passing before it
        ),
        st.tuples(st.just("periodic"), st.integers(0, 3), st.none(), st.integers(0, 300)),
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ops=_ops,
    partitions=st.integers(0, 40),
    readers=st.integers(1, 4),
    index=st.integers(0, 3),
    idle_timeout=st.sampled_from([0, 1, 100, 250]),
    interval=st.sampled_from([0, 50, 200]),
    on_event=st.booleans(),
    max_semantics=st.booleans(),
    end=st.booleans(),
)
def test_reader_equals_one_split_per_partition(
    ops: list[tuple[str, int, int | None, int]],
    partitions: int,
    readers: int,
    index: int,
    idle_timeout: int,
    interval: int,
    on_event: bool,
    max_semantics: bool,
    end: bool,
) -> None:
    """R2.1, R2.4: the same valve calls, states, deadlines and timelines after every step."""
    index %= readers
    topic = "events"
    owned = owned_partitions(owner_start(topic, readers), partitions, readers, index)
    logs, timelines = (_Log(), _Log()), (TimelineRecorder(), TimelineRecorder())
    options: dict[str, Any] = {
        "idle_timeout": idle_timeout,
        "interval": interval,
        "on_event": on_event,
        "max_semantics": max_semantics,
        "topic": topic,
    }
    new = KafkaSourceReaderWatermarks(index, owned, logs[0], timelines[0], **options)
    old = ReferenceReaderWatermarks(index, owned, logs[1], timelines[1], **options)
    now = count = 0
    _same_reader(new, old, *timelines, topic)
    for kind, number, watermark, gap in ops:
        now += gap
        if kind == "record":
            if not owned:
                continue
            p = owned[number % len(owned)]
            count += 1
            event_time = None if watermark is None else watermark + 7
            new.on_record(p, watermark, event_time, now, count)
            old.on_record(p, watermark, event_time, now, count)
        else:
            for reader in (new, old):
                reader.periodic(now, count)
        assert logs[0].calls == logs[1].calls
        _same_reader(new, old, *timelines, topic)
    if end:
        new.end_of_input(now, count)
        old.end_of_input(now, count)
        assert logs[0].calls == logs[1].calls
        _same_reader(new, old, *timelines, topic)


# -- whole replays, against the reference --------------------------------------------------------

SCRIPT = """
SET 'pipeline.auto-watermark-interval' = '{interval}';
SET 'table.exec.source.idle-timeout' = '{idle}';
CREATE TABLE ev (
  ts_ms BIGINT, k STRING,
  ts AS TO_TIMESTAMP_LTZ(ts_ms, 3),
  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
) WITH ('connector' = 'kafka', 'topic' = 'events', 'format' = 'json'{options});
{query}
"""
QUERIES = {
    "tvf": "SELECT window_start, window_end, k, COUNT(*) AS c FROM TABLE(TUMBLE(TABLE ev, "
    "DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, k;",
    "hop": "SELECT window_start, window_end, COUNT(*) AS c FROM TABLE(HOP(TABLE ev, "
    "DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND)) GROUP BY window_start, "
    "window_end;",
    "legacy": "SELECT TUMBLE_START(ts, INTERVAL '10' SECOND) AS ws, k, COUNT(*) AS c FROM ev "
    "GROUP BY TUMBLE(ts, INTERVAL '10' SECOND), k;",
}

_events = st.lists(
    st.tuples(
        st.integers(0, 90 * SEC),  # event time after BASE (None below: a NULL rowtime)
        st.one_of(st.none(), st.integers(0, 40)),  # partition (None: round robin)
        st.sampled_from("ab"),
        st.integers(0, 5 * SEC),  # Kafka timestamp lag
        st.integers(0, 30),  # 0: a NULL rowtime
    ),
    max_size=50,
)


def _replay(
    text: str,
    overrides: Overrides,
    events: list[tuple[int, int | None, str, int, int]],
    *,
    file: bool,
    reference: bool,
    partitions: int,
) -> SimulationResult | str:
    """One replay; with ``reference`` through the old reader (the simulator's reader class is
    swapped for it for the length of the call)."""
    plan = build_plan(parse_script(text, "t.sql"), overrides)
    rows = [
        Record(
            value={"ts_ms": BASE + t if null else None, "k": k},
            partition=None if p is None else p % partitions,
            offset=n,
            timestamp=BASE + t + lag,
            source=f"e.jsonl:{n + 1}",
        )
        for n, (t, p, k, lag, null) in enumerate(events)
    ]
    saved = simulator_module.KafkaSourceReaderWatermarks
    if reference:
        simulator_module.KafkaSourceReaderWatermarks = ReferenceReaderWatermarks  # type: ignore[misc]
    try:
        if not file:
            return simulate(plan, rows, max_dropped=20)
        fd, path = tempfile.mkstemp(suffix=".jsonl")
        try:
            with os.fdopen(fd, "w") as handle:
                for r in rows:
                    envelope = {"partition": r.partition, "offset": r.offset}
                    handle.write(
                        json.dumps({**envelope, "timestamp": r.timestamp, "value": r.value})
                    )
                    handle.write("\n")
            return simulate(plan, read_events(path, "e.jsonl"), max_dropped=20)
        finally:
            os.unlink(path)
    except InputError as error:
        return f"InputError: {error}"
    finally:
        simulator_module.KafkaSourceReaderWatermarks = saved  # type: ignore[misc]


def _expanded_timelines(result: SimulationResult) -> list[tuple[Any, ...]]:
    """The timelines with an entry naming several never-fed partitions written out as one entry
    per partition (how the reference names them)."""
    out = []
    for t in result.watermarks:
        if t.kind == "split" and len(t.partitions) > 1:
            out += [
                (f"partition {p}", t.kind, t.subtask, (p,), *astuple(t)[4:]) for p in t.partitions
            ]
        else:
            out.append((t.input, t.kind, t.subtask, tuple(t.partitions), *astuple(t)[4:]))
    return sorted(out, key=lambda e: ({"operator": 0, "subtask": 1}.get(e[1], 2), e[3], e[2] or 0))


def _expanded_holders(result: SimulationResult) -> list[list[tuple[Any, ...]]]:
    """Per open window, what holds it, a holder naming several partitions written out."""
    out = []
    for window in result.pending:
        holders = []
        for h in window.held_back_by:
            if h.partition_count > 1:
                holders += [
                    (f"partition {p} (subtask {h.subtask})", h.watermark, h.kind, h.rule, p)
                    for p in _holder_ids(result, h.subtask, h.input)
                ]
            else:
                holders.append((h.input, h.watermark, h.kind, h.rule, h.partition))
        out.append(sorted(holders, key=repr))
    return out


def _holder_ids(result: SimulationResult, subtask: int | None, name: str) -> list[int]:
    """The partitions a holder naming several stands for: its timeline entry's."""
    text = name.removesuffix(f" (subtask {subtask})")
    [entry] = [t for t in result.watermarks if t.kind == "split" and t.input == text]
    return list(entry.partitions)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    events=_events,
    partitions=st.sampled_from([1, 2, 3, 5, 8, 13, 40]),
    parallelism=st.integers(1, 4),
    query=st.sampled_from(sorted(QUERIES)),
    interval=st.sampled_from(["0", "200 ms", "1 s"]),
    idle=st.sampled_from(["0", "500 ms", "5 s"]),
    on_event=st.booleans(),
    bounded=st.booleans(),
    arrival=st.sampled_from(["file", "live", "backlog"]),
    version=st.sampled_from(["1.20.0", "1.20.3"]),
    file=st.booleans(),
)
def test_replay_equals_one_split_per_partition(
    events: list[tuple[int, int | None, str, int, int]],
    partitions: int,
    parallelism: int,
    query: str,
    interval: str,
    idle: str,
    on_event: bool,
    bounded: bool,
    arrival: str,
    version: str,
    file: bool,
) -> None:
    """Rows, drops, open windows with their holders, every timeline and the final watermark are
    those of one split per partition; a subtask's never-fed partitions are listed one by one up
    to 8 (the result then is exactly the reference's), beyond as one entry naming them all."""
    options = (", 'scan.watermark.emit.strategy' = 'on-event'" if on_event else "") + (
        ", 'scan.bounded.mode' = 'latest-offset'" if bounded else ""
    )
    text = SCRIPT.format(interval=interval, idle=idle, options=options, query=QUERIES[query])
    overrides = Overrides(
        partitions=partitions,
        parallelism=parallelism,
        arrival=arrival,  # type: ignore[arg-type]
        backlog_rate=50.0,
        flink_version=version,
    )
    args: dict[str, Any] = {"file": file, "partitions": partitions}
    new = _replay(text, overrides, events, reference=False, **args)
    old = _replay(text, overrides, events, reference=True, **args)
    assert isinstance(old, SimulationResult), old  # the reference replays every input here
    assert isinstance(new, SimulationResult), new
    if partitions <= 8:  # at most 8 never-fed partitions per subtask: listed one by one
        assert new == old
        return
    assert (new.rows, new.row_kinds, new.dropped, new.dropped_by_rule) == (
        old.rows, old.row_kinds, old.dropped, old.dropped_by_rule
    )  # fmt: skip
    assert (new.final_watermark, new.max_event_time, new.config) == (
        old.final_watermark, old.max_event_time, old.config
    )  # fmt: skip
    assert _expanded_timelines(new) == _expanded_timelines(old)
    assert [(w.window_start, w.window_end, w.key, w.records) for w in new.pending] == [
        (w.window_start, w.window_end, w.key, w.records) for w in old.pending
    ]
    assert _expanded_holders(new) == _expanded_holders(old)


# -- flat memory -------------------------------------------------------------------------------

_ONE_WINDOW = """
CREATE TABLE ev (
  ts_ms BIGINT, k STRING, ts AS TO_TIMESTAMP_LTZ(ts_ms, 3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH ('connector' = 'kafka', 'topic' = 'events', 'format' = 'json');
SELECT window_start, window_end, k, COUNT(*) AS c
FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY window_start, window_end, k;
"""


@pytest.mark.parametrize("parallelism", [1, 4])
def test_a_topic_of_2_31_partitions_costs_what_a_few_do(parallelism: int) -> None:
    """Records in partitions 40000 and 2^31 - 1 of a 2^31-partition topic: replaying and
    rendering the result as JSON allocates well under 4 MB at its peak (tracemalloc). One split
    per partition cost ~2.7 KB each (27 MB at the old cap of 10,000 partitions, measured on
    commit 962a45a), terabytes here."""
    import tracemalloc

    from flinkdoctor.render.simulation_json import simulation_json

    plan = build_plan(
        parse_script(_ONE_WINDOW, "t.sql"), Overrides(partitions=1 << 31, parallelism=parallelism)
    )
    records = [
        Record(value={"ts_ms": BASE + t, "k": "a"}, partition=p, offset=n, timestamp=0, source="")
        for n, (p, t) in enumerate([(2**31 - 1, 0), (40000, 30 * SEC), (2**31 - 1, 5 * 60 * SEC)])
    ]
    tracemalloc.start()
    try:
        result = simulate(plan, records)
        doc = simulation_json(result, 1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 << 20, peak
    empty = [w for w in doc["watermarks"] if w["kind"] == "split" and w["records"] == 0]
    assert sum(w["partition_count"] for w in empty) == (1 << 31) - 2
    assert len(result.pending) == 2 and result.final_watermark is None  # held by the empty ones
