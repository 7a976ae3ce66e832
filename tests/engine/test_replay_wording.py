"""render/replay_wording.py: the engine's facts put in the words the reports print (expected
sentences written by hand), timestamps in the rowtime's display zone."""

from __future__ import annotations

from flinkdoctor.engine.result import DroppedRecord, Holder, PendingWindow
from flinkdoctor.render.replay_wording import dropped_reason, holder_reason, pending_explanation

T0 = 1734145330454  # 2024-12-14 03:02:10.454 UTC


def split_behind() -> Holder:
    return Holder(
        "partition 1 (subtask 0)",
        T0,
        T0 + 5000,
        "R1.6",
        kind="behind",
        partition=1,
        subtask=0,
        records=4,
        partition_count=1,
        next_watermark=T0 + 10000,
    )


def test_split_behind_in_the_display_zone() -> None:
    assert holder_reason(split_behind(), "UTC") == (
        "its newest event time is 2024-12-14 03:02:15.454, so its watermark is "
        "2024-12-14 03:02:10.454 (the next periodic emission would raise it to "
        "2024-12-14 03:02:20.454)"
    )
    assert holder_reason(split_behind(), "Asia/Kolkata") == (
        "its newest event time is 2024-12-14 08:32:15.454, so its watermark is "
        "2024-12-14 08:32:10.454 (the next periodic emission would raise it to "
        "2024-12-14 08:32:20.454)"
    )


def test_subtask_holders() -> None:
    behind = Holder("subtask 1", None, 0, "R1.4", kind="behind", subtask=1, records=2)
    assert holder_reason(behind, "UTC") == (
        "its newest event time is 1970-01-01 00:00:00.000, so its watermark Long.MIN_VALUE "
        "(no watermark yet) is below the window end - 1 ms; watermarks <= 0 are never emitted "
        "(R1.4)"
    )
    ahead = Holder("subtask 0", T0, None, "R2.1", kind="not-emitted", subtask=0, records=9)
    assert holder_reason(ahead, "UTC") == (
        "its partitions are ahead, but it has not emitted a watermark that high yet"
    )
    idle = Holder("subtask 2", None, None, "R2.6", kind="no-data", subtask=2)
    assert holder_reason(idle, "UTC") == (
        "never received data and has no idle timeout (table.exec.source.idle-timeout)"
    )
    none = Holder(
        "subtask 3",
        None,
        None,
        "R2.3",
        kind="no-partition",
        subtask=3,
        topic="clicks",
        topic_partitions=2,
        parallelism=4,
    )
    assert holder_reason(none, "UTC") == (
        "owns no partition of clicks (2 partition(s), parallelism 4); the Kafka source never "
        "marks it idle without an idle timeout, so it pins the watermark at Long.MIN_VALUE "
        "(no watermark yet)"
    )


def test_never_fed_partitions_named_together() -> None:
    h = Holder("partitions 2-9 (subtask 0)", None, None, "R2.1", kind="no-data", partition_count=8)
    assert holder_reason(h, "UTC") == (
        "none of these 8 partitions received data and no idle timeout is set, so they hold the "
        "watermark at Long.MIN_VALUE (no watermark yet)"
    )


def test_pending_window_names_its_first_holder_and_release() -> None:
    p = PendingWindow(
        T0 - 10454 - 2 * 60000,
        T0 + 169546,
        {"host": "a"},
        3,
        T0 + 169545,  # 03:04:59.999
        T0,
        (split_behind(),),
        watermark_delay=15000,
    )
    assert pending_explanation(p, "UTC") == (
        "needs watermark >= 2024-12-14 03:04:59.999 (window end - 1 ms); the watermark is "
        "2024-12-14 03:02:10.454, held back by partition 1 (subtask 0): its newest event time "
        "is 2024-12-14 03:02:15.454, so its watermark is 2024-12-14 03:02:10.454 (the next "
        "periodic emission would raise it to 2024-12-14 03:02:20.454); it fires once every "
        "holding input has seen an event at or after 2024-12-14 03:05:14.999"
    )
    idle = PendingWindow(0, 60000, {}, 1, 59999, None, (), all_idle=True)
    assert pending_explanation(idle, "UTC") == (
        "needs watermark >= 1970-01-01 00:00:59.999; every input is idle, and idleness never "
        "advances event time past the data (R2.6, R2.7)"
    )


def test_dropped_records() -> None:
    session = DroppedRecord("e.jsonl:3", None, None, T0, "R3.6", T0, "late")
    assert dropped_reason(session) == (
        "late: its session window had already fired (end - 1 <= watermark)"
    )
    lost = DroppedRecord("e.jsonl:4", 0, 7, T0, "R3.4", T0, "lost-in-buffer", 2)
    assert dropped_reason(lost).startswith("lost: accepted by the window operator")
    assert dropped_reason(lost).endswith(
        "no metric counts it (2 record(s) of the same key and slice)"
    )
    tvf = DroppedRecord("e.jsonl:5", 0, 8, None, "R3.10", None, "null-rowtime")
    assert dropped_reason(tvf) == (
        "NULL rowtime: the window table function drops it silently (numNullRowTimeRecordsDropped)"
    )
    late = DroppedRecord("e.jsonl:6", 0, 9, T0, "R3.4", T0, "late", 3)
    assert dropped_reason(late) == (
        "late: the last window containing it had already fired (wm >= last window end - 1) "
        "(3 record(s) of the same key and slice dropped together)"
    )
