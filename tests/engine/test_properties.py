"""Invariants, stated as properties (hypothesis): the watermark never goes back, and every record
ends in exactly one of {counted in a fired window, waiting in an open window, dropped by a
rule}."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flinkdoctor.engine.timeutil import LONG_MAX
from tests.engine.helpers import BASE, SEC, rec, run, script

events = st.lists(
    st.tuples(
        st.integers(0, 30 * 60 * SEC),
        st.integers(0, 3),
        st.sampled_from("abc"),
        st.integers(0, 5000),
    ),
    min_size=0,
    max_size=60,
)
configs = st.fixed_dictionaries(
    {
        "connector": st.sampled_from(["kafka", "filesystem"]),
        "tvf": st.booleans(),
        "delay": st.sampled_from(["'0' SECOND", "'5' SECOND", "'2' MINUTE"]),
        "window": st.sampled_from(
            ["INTERVAL '1' MINUTE", "INTERVAL '5' MINUTE", "INTERVAL '10' SECOND"]
        ),
        "interval": st.sampled_from(["0", "200 ms", "1 s"]),
        "idle": st.sampled_from(["0", "1 s", "30 s"]),
        "parallelism": st.integers(1, 3),
        "arrival": st.sampled_from(["file", "live", "backlog"]),
        "bounded": st.booleans(),
    }
)


def _run(cfg: dict, evs: list[tuple[int, int, str, int]]):  # type: ignore[no-untyped-def, type-arg]
    sets = (
        f"SET 'pipeline.auto-watermark-interval' = '{cfg['interval']}';\n"
        f"SET 'table.exec.source.idle-timeout' = '{cfg['idle']}';"
    )
    text = script(
        connector=cfg["connector"],
        delay=cfg["delay"],
        window=cfg["window"],
        sets=sets,
        tvf=cfg["tvf"],
    )
    records = [rec(BASE + t, p, k, kafka_ts=BASE + t + lag) for t, p, k, lag in evs]
    return run(
        text,
        records,
        partitions=4,
        parallelism=cfg["parallelism"],
        arrival=cfg["arrival"],
        bounded=cfg["bounded"],
        backlog_rate=50.0,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cfg=configs, evs=events)
def test_watermark_never_goes_back(cfg: dict, evs: list[tuple[int, int, str, int]]) -> None:  # type: ignore[type-arg]
    """R2.1 / R2.6: every input's emitted watermark, and the operator's, only rises."""
    result = _run(cfg, evs)
    for timeline in result.watermarks:
        marks = [p.watermark for p in timeline.points if p.watermark is not None]
        assert marks == sorted(marks), timeline.input
        times = [p.at for p in timeline.points]
        assert times == sorted(times)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cfg=configs, evs=events)
def test_every_record_is_counted_waiting_or_dropped(
    cfg: dict, evs: list[tuple[int, int, str, int]]
) -> None:  # type: ignore[type-arg]
    """R3.3 / R3.4 / R3.7: with TUMBLE and COUNT(*), each record is in exactly one fired row, one
    open window, or the dropped count (bounded: nothing stays open, R3.11)."""
    result = _run(cfg, evs)
    assert result.failure is None
    fired = sum(row["c"] for row in result.rows)
    waiting = sum(p.records for p in result.pending)
    assert fired + waiting + result.dropped_total == len(evs) == result.records_in
    if cfg["bounded"]:
        assert not result.pending
        assert result.final_watermark == LONG_MAX or not evs


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    evs=events, arrival=st.sampled_from(["file", "live", "backlog"]), parallelism=st.integers(1, 3)
)
def test_generated_hot_loop_equals_general_path(
    evs: list[tuple[int, int, str, int]], arrival: str, parallelism: int
) -> None:
    """The generated Kafka TUMBLE hot loop is an optimisation only: same rows, same drops, same
    watermarks as the general per-record path."""
    import dataclasses

    from flinkdoctor.engine import Overrides, build_plan, simulate
    from flinkdoctor.sql import parse_script

    text = script(tvf=True, window="INTERVAL '1' MINUTE", delay="'5' SECOND")
    plan = build_plan(
        parse_script(text, "t.sql"),
        Overrides(partitions=4, parallelism=parallelism, arrival=arrival, backlog_rate=50.0),  # type: ignore[arg-type]
    )
    assert plan.hot is not None
    records = [rec(BASE + t, p, k, kafka_ts=BASE + t + lag) for t, p, k, lag in evs]
    fast = simulate(plan, records)
    slow = simulate(dataclasses.replace(plan, hot=None), records)
    assert fast.rows == slow.rows and fast.pending == slow.pending
    assert fast.dropped_by_rule == slow.dropped_by_rule
    assert [t.points for t in fast.watermarks] == [t.points for t in slow.watermarks]
