"""Kafka (push-down) watermark path: R1.6-R1.8, R1.10, R2.1-R2.5, each test names its rule."""

from __future__ import annotations

from flinkdoctor.engine.idleness import IdlenessTimer
from flinkdoctor.engine.kafka_assignment import assign_partitions, split_owner
from flinkdoctor.engine.timeutil import java_string_hash
from flinkdoctor.engine.valve import StatusWatermarkValve
from tests.engine.helpers import BASE, MIN, SEC, rec, run, script


def test_r2_2_split_owner_formula() -> None:
    """R2.2: ((hash(topic)*31 & 0x7FFFFFFF) % n + partition) % n, Java String.hashCode."""
    assert java_string_hash("hello") == 99162322
    assert java_string_hash("bootcamp-events-prod") == 11179313
    start = ((11179313 * 31) & 0x7FFFFFFF) % 3
    assert [split_owner("bootcamp-events-prod", p, 3) for p in range(3)] == [
        (start + p) % 3 for p in range(3)
    ]
    owners = assign_partitions("bootcamp-events-prod", 1, 3)
    assert {s: list(parts) for s, parts in owners.items()} == {0: [], 1: [], 2: [0]}


def test_r1_6_latest_row_in_1_20_0_max_from_1_20_1() -> None:
    """R1.6: in 1.20.0 (and 1.18.1, 1.19.0/1) the split's generator holds the latest row's
    watermark, so a partition ending with an out-of-order row is sampled below max(rt) - delay;
    1.19.2+, 1.20.1+ and 2.x keep the highest (seen on real 1.20.3: tests/kafka_flink)."""
    rows = [rec(BASE + 6 * MIN, 0), rec(BASE + 1 * MIN, 0)]  # newest first, then an old row
    for old in ("1.20.0", "1.19.1", "1.18"):
        r = run(script(delay="'0' SECOND"), rows, partitions=1, flink_version=old)
        # latest row 03:01 -> watermark 03:01, so [03:00, 03:05) does not fire
        assert r.rows == () and r.final_watermark == BASE + 1 * MIN, old
    for new in ("1.20", "1.20.1", "1.19.2", "2.0"):
        r2 = run(script(delay="'0' SECOND"), rows, partitions=1, flink_version=new)
        # the max: 03:06 fires [03:00, 03:05)
        assert len(r2.rows) == 1 and r2.final_watermark == BASE + 6 * MIN, new


def test_r1_6_periodic_samples_are_monotonic() -> None:
    """R1.6: PartialWatermark only rises; a lower later sample does not lower the split."""
    rows = [
        rec(BASE + 1 * MIN, 0, kafka_ts=0),
        rec(BASE + 6 * MIN, 0, kafka_ts=0),
        rec(BASE + 2 * MIN, 0, kafka_ts=1000),
    ]
    r = run(script(delay="'0' SECOND"), rows, partitions=1, arrival="live")
    # the 200 ms sample sees 03:06, fires [03:00, 03:05); 03:02 is then late (R3.7) and its
    # lower sample does not lower the watermark
    assert [row["c"] for row in r.rows] == [1] and r.final_watermark == BASE + 6 * MIN
    assert r.dropped_by_rule == {"R3.7": 1}


def test_r1_7_null_rowtime_skipped_for_watermark_legacy_reads_zero() -> None:
    """R1.7 + seed §3.5: NULL rowtimes leave the split's watermark alone; the legacy window reads
    them as 0 (1970 window)."""
    rows = [rec(BASE, 0), rec(None, 0), rec(BASE + 6 * MIN, 0)]
    r = run(script(delay="'0' SECOND"), rows, partitions=1)
    starts = sorted(row["ws"] for row in r.rows)
    assert starts == [0, BASE]  # the 1970 row and [03:00, 03:05)


def test_r1_7_null_rowtime_fails_window_tvf_aggregate() -> None:
    """R1.7: the window TVF aggregate throws on a NULL rowtime."""
    r = run(script(tvf=True), [rec(BASE, 0), rec(None, 0)], partitions=1)
    assert r.failure is not None and r.failure.rule == "R1.7"


def test_r1_5_null_rowtime_fails_watermark_assigner() -> None:
    """R1.5: Path A (filesystem) throws in WatermarkAssignerOperator, even for legacy windows."""
    r = run(script(connector="filesystem"), [rec(BASE), rec(None)])
    assert r.failure is not None and r.failure.rule == "R1.5"


def test_r1_8_interval_zero_kafka_never_emits() -> None:
    """R1.8: Kafka + on-periodic + interval 0: no watermark ever (unbounded)."""
    sets = "SET 'pipeline.auto-watermark-interval' = '0';"
    r = run(
        script(sets=sets, delay="'0' SECOND"), [rec(BASE, 0), rec(BASE + 10 * MIN, 0)], partitions=1
    )
    assert r.rows == () and r.final_watermark is None
    assert r.pending[0].held_back_by[0].rule == "R1.8"


def test_r1_8_interval_zero_on_event_still_works() -> None:
    """R1.8 / R1.9: on-event emission does not need the periodic timer."""
    sets = "SET 'pipeline.auto-watermark-interval' = '0';"
    text = script(
        sets=sets, delay="'0' SECOND", extra_options=", 'scan.watermark.emit.strategy' = 'on-event'"
    )
    r = run(text, [rec(BASE, 0), rec(BASE + 10 * MIN, 0)], partitions=1)
    assert len(r.rows) == 1


def test_r1_10_record_before_its_own_watermark() -> None:
    """R1.10: with on-event emission a row is never late against the watermark it produces."""
    text = script(delay="'0' SECOND", extra_options=", 'scan.watermark.emit.strategy' = 'on-event'")
    r = run(text, [rec(BASE + 5 * MIN - 1, 0)], partitions=1, bounded=True)
    assert r.dropped_total == 0 and len(r.rows) == 1


def test_r2_1_empty_partition_pins_subtask() -> None:
    """R2.1: an assigned split that never receives data keeps the subtask at MIN."""
    rows = [rec(BASE, 0), rec(BASE + 10 * MIN, 0)]
    r = run(script(), rows, partitions=2, parallelism=1)
    assert r.rows == () and r.final_watermark is None
    holder = r.pending[0].held_back_by[0]
    assert holder.input.startswith("partition 1")
    assert (holder.kind, holder.records, holder.idle_timeout) == ("no-data", 0, False)


def test_r2_1_min_over_splits() -> None:
    """R2.1 / R2.6: the operator watermark is the min over partitions (and subtasks)."""
    rows = [rec(BASE + 20 * MIN, 0), rec(BASE + 7 * MIN, 1), rec(BASE, 1)]
    for parallelism in (1, 2):
        r = run(script(delay="'0' SECOND"), rows, partitions=2, parallelism=parallelism)
        assert r.final_watermark == BASE + 7 * MIN  # partition 1's highest row (R1.6, 1.20.3)
        r = run(
            script(delay="'0' SECOND"),
            rows,
            partitions=2,
            parallelism=parallelism,
            flink_version="1.20.0",
        )
        assert r.final_watermark == BASE  # partition 1's latest row (R1.6, 1.20.0)


def test_r2_3_subtask_without_partition_holds_everything() -> None:
    """R2.3: parallelism > partitions, unbounded, no idle timeout: MIN forever."""
    rows = [rec(BASE, 0), rec(BASE + 10 * MIN, 0)]
    r = run(script(), rows, partitions=1, parallelism=2)
    assert r.rows == ()
    assert any(h.rule == "R2.3" for h in r.pending[0].held_back_by)


def test_r2_3_bounded_reader_without_split_finishes() -> None:
    """R2.3 / R3.11: in bounded mode the split-less reader finishes with MAX; all windows fire."""
    rows = [rec(BASE, 0), rec(BASE + 10 * MIN, 0)]
    text = script(extra_options=", 'scan.bounded.mode' = 'latest-offset'")
    r = run(text, rows, partitions=1, parallelism=2)
    assert len(r.rows) == 2 and not r.pending


def test_r2_3_idle_timeout_releases_subtask_without_partition() -> None:
    """R2.3 / R2.4: with an idle timeout the split-less subtask goes idle and stops blocking."""
    rows = [rec(BASE, 0), rec(BASE + 10 * MIN, 0)]
    sets = "SET 'table.exec.source.idle-timeout' = '5 s';"
    r = run(script(sets=sets), rows, partitions=1, parallelism=2)
    assert [row["ws"] for row in r.rows] == [BASE]


def test_r2_4_idleness_timer_strictly_greater_and_activity_resets() -> None:
    """R2.4: idle once now - start > timeout, start at the first check without activity."""
    t = IdlenessTimer(1000)
    assert not t.check_if_idle(200)  # start of inactivity recorded
    assert not t.check_if_idle(1200)  # 1000 is not > 1000
    assert t.check_if_idle(1201)
    t.activity()
    assert not t.check_if_idle(1400)


def test_r2_4_scan_watermark_idle_timeout_overrides_global() -> None:
    """R1.9 / R2.4: scan.watermark.idle-timeout (even per table) wins over the global option."""
    rows = [rec(BASE, 0), rec(BASE + 10 * MIN, 0)]
    text = script(
        sets="SET 'table.exec.source.idle-timeout' = '0';",
        extra_options=", 'scan.watermark.idle-timeout' = '2 s'",
    )
    r = run(text, rows, partitions=2, parallelism=1)
    assert [row["ws"] for row in r.rows] == [BASE]  # partition 1 went idle
    r_old = run(text, rows, partitions=2, parallelism=1, flink_version="1.17")
    assert r_old.failure is not None and r_old.failure.rule == "R1.9"


def test_r2_4_idleness_detection_in_processing_time() -> None:
    """R2.4: with live arrival a partition silent for longer than the timeout goes idle while the
    others keep going; the resumed partition's older rows are late (R6.6)."""
    sets = "SET 'table.exec.source.idle-timeout' = '10 s';"
    rows = [
        rec(BASE + 1 * SEC, 1, kafka_ts=BASE),
        rec(BASE + 2 * SEC, 0, kafka_ts=BASE + 1 * SEC),
        rec(BASE + 6 * MIN, 0, kafka_ts=BASE + 60 * SEC),  # partition 1 silent for a minute
        rec(BASE + 3 * SEC, 1, kafka_ts=BASE + 61 * SEC),  # resumes with an old event
    ]
    r = run(script(sets=sets, delay="'0' SECOND"), rows, partitions=2, arrival="live")
    assert r.dropped_by_rule == {"R3.7": 1}
    assert [row["c"] for row in r.rows] == [2]


def test_r2_5_assigner_idleness_path_a() -> None:
    """R2.5: Path A goes idle after table.exec.source.idle-timeout (and reads only that)."""
    text = script(
        connector="filesystem",
        sets="SET 'table.exec.source.idle-timeout' = '1 s';",
        extra_options=", 'scan.watermark.idle-timeout' = '1 ms'",
    )
    r = run(text, [rec(BASE), rec(BASE + 10 * MIN)], bounded=False)
    assert "ignored" in " ".join(r.notes)
    tl = {t.input: t for t in r.watermarks}
    assert tl["subtask 0"].points[-1].idle


def test_r2_6_valve_all_idle_flushes_max() -> None:
    """R2.6: when every channel is idle the valve emits the max over channels."""
    out: list[int] = []
    v = StatusWatermarkValve(2, out.append)
    v.input_watermark(0, 10)
    v.input_watermark(1, 5)
    assert out == [5]
    v.input_status(0, True)
    v.input_status(1, True)
    assert out == [5, 10] and v.idle
    v.input_watermark(0, 20)  # ignored while the valve is idle
    assert out == [5, 10]
    v.input_status(1, False)  # channel 1 at 5 < last output 10: not aligned yet
    v.input_watermark(1, 8)
    assert out == [5, 10]
    v.input_watermark(1, 12)
    assert out == [5, 10, 12]
