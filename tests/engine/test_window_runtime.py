"""Window runtime pieces in isolation: assignment (R3.1), time zones (R3.2), firing (R3.3),
session merging (R3.6) and Flink 1.20's window-aggregation buffers."""

from __future__ import annotations

from flinkdoctor.engine.aggregates import AggSpec
from flinkdoctor.engine.slice_assigner import CumulativeAssigner, HoppingAssigner, TumblingAssigner
from flinkdoctor.engine.slicing_window import LocalSlicingWindowAgg, SlicingWindowOperator
from flinkdoctor.engine.timeutil import (
    ZoneShift,
    next_trigger_watermark,
    resolve_zone,
    window_start,
)
from flinkdoctor.engine.window_operator import SessionWindowOperator, WindowRow
from tests.engine.helpers import BASE, MIN, SEC, rec, run, script

COUNT = [AggSpec("COUNT_STAR", None)]


def test_r3_1_floor_mod_assignment_and_offsets() -> None:
    """R3.1: start = ts - (ts - offset) mod size, negatives included."""
    assert window_start(-1, 0, 1000) == -1000
    assert TumblingAssigner(300_000, 75_000).windows(BASE + 11 * SEC) == [
        (BASE - 225_000, BASE + 75_000)
    ]
    assert HoppingAssigner(10, 5).windows(7) == [(0, 10), (5, 15)]
    assert CumulativeAssigner(12, 4).windows(5) == [(0, 8), (0, 12)]


def test_r3_2_dst_timer_like_flink() -> None:
    """R3.2: toEpochMillsForTimer on Los Angeles DST edges (Flink's own examples)."""
    zone = resolve_zone("America/Los_Angeles")
    assert zone is not None
    shift = ZoneShift(zone)
    # leaving DST: local 2021-11-07 01:00 exists twice; the timer uses the later epoch
    local_1am = 1636246800000  # 2021-11-07 01:00:00 as UTC-read wall clock
    assert shift.timer(local_1am) == 1636275600000
    # entering DST: local 2021-03-14 02:00 does not exist; first skipped epoch
    local_2am = 1615687200000
    assert shift.timer(local_2am) == 1615716000000


def test_r3_3_fire_at_end_minus_one() -> None:
    """R3.3: a window fires when the watermark reaches end - 1, not end."""
    out: list[WindowRow] = []
    op = SlicingWindowOperator(TumblingAssigner(10), COUNT, out.append)
    op.process_record("k", 3, (), None)
    op.advance(8)
    assert out == []
    op.advance(9)
    assert [(r.start, r.end, r.values) for r in out] == [(0, 10, (1,))]


def test_r3_4_hop_late_row_joins_unfired_windows() -> None:
    """R3.4: a HOP row whose first window fired still counts in its later windows."""
    out: list[WindowRow] = []
    op = SlicingWindowOperator(HoppingAssigner(10, 5), COUNT, out.append)
    op.process_record("k", 6, (), None)
    op.advance(9)  # fires [0, 10)
    assert op.process_record("k", 7, (), None)  # [0, 10) fired, [5, 15) still open
    assert not op.process_record("k", 2, (), None)  # both its windows fired: dropped
    op.advance(100)
    assert [(r.start, r.values) for r in out] == [(0, (1,)), (5, (2,))]


def test_r3_6_sessions_merge_when_they_touch() -> None:
    """R3.6: TimeWindow.intersects is inclusive: [0, 5) and [5, 10) merge."""
    out: list[WindowRow] = []
    op = SessionWindowOperator(5, COUNT, out.append)
    for ts in (0, 5, 20):
        assert op.process("k", ts, ())
    op.advance(14)
    assert [(r.start, r.end, r.values) for r in out] == [(0, 10, (2,))]
    assert not op.process("k", 3, ())  # its new session [3, 8) is late
    assert op.process("k", 16, ())  # merges with [20, 25)
    op.advance(100)
    assert [(r.start, r.end, r.values) for r in out[1:]] == [(16, 25, (2,))]


def test_next_trigger_watermark_ignores_offset() -> None:
    """getNextTriggerWatermark aligns to offset 0: the root of the offset drops below."""
    assert next_trigger_watermark(BASE + 61 * SEC, 5 * MIN, None) == BASE + 5 * MIN - 1


def test_two_phase_offset_buffer_drops_like_flink() -> None:
    """Flink 1.20 loses rows of TUMBLE windows with an offset: the local buffer flushes at
    offset-0 boundaries, after the window already fired downstream (the same event times as
    differential case014, reproduced on real Flink). The engine reports them as dropped (R3.4)."""
    out: list[WindowRow] = []
    assigner = TumblingAssigner(300_000, 75_000)
    global_op = SlicingWindowOperator(assigner, COUNT, out.append)
    dropped: list[int] = []
    global_op.on_drop = lambda count, sample, slice_end: dropped.append(count)
    local = LocalSlicingWindowAgg(assigner, COUNT, global_op, None)
    for minute, second in ((28, 11), (30, 32), (32, 22), (39, 24)):
        ts = BASE + minute * MIN + second * SEC
        local.add("k", ts, (), None)
        local.on_watermark(ts - 5 * SEC)
        global_op.advance(ts - 5 * SEC)
    assert dropped == [2]  # both rows of [03:26:15, 03:31:15) arrived after it fired
    assert [(r.start, r.values) for r in out] == [(BASE + 31 * MIN + 15 * SEC, (1,))]


def test_checkpoint_flushes_window_buffers() -> None:
    """prepareSnapshotPreBarrier: with checkpointing, buffered slices reach the window operator
    at each checkpoint, so the offset window keeps its rows."""
    sets = "SET 'execution.checkpointing.interval' = '100 ms';"
    window = "INTERVAL '5' MINUTE, INTERVAL '75' SECOND"
    rows = [
        rec(BASE + minute * MIN + second * SEC, 0, kafka_ts=BASE + i * 1000)
        for i, (minute, second) in enumerate(((28, 11), (30, 32), (32, 22), (39, 24)))
    ]
    text = script(tvf=True, window=window, delay="'5' SECOND")
    without = run(text, rows, partitions=1, arrival="live", bounded=True)
    with_ckpt = run(
        script(tvf=True, window=window, delay="'5' SECOND", sets=sets),
        rows,
        partitions=1,
        arrival="live",
        bounded=True,
    )
    assert without.dropped_by_rule == {"R3.4": 2}
    assert with_ckpt.dropped_total == 0 and sum(r["c"] for r in with_ckpt.rows) == 4
