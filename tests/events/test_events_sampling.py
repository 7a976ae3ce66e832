"""Sampling plans and summaries as pure values (no broker)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flinkdoctor.errors import InputError
from flinkdoctor.events import Record
from flinkdoctor.events.sampling import (
    AtTime,
    Earliest,
    Latest,
    OffsetRange,
    PartitionStats,
    StartFrom,
    Tail,
    describe_start,
    format_millis,
    offset_range,
    parse_start,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("earliest", Earliest()),
        ("LATEST", Latest()),
        ("-500", Tail(500)),
        ("1734145200000", AtTime(1734145200000)),
        ("2024-12-14T03:00:00Z", AtTime(1734145200000)),
        ("2024-12-14 03:00:00", AtTime(1734145200000)),  # no zone: UTC
        ("2024-12-14T04:00:00+01:00", AtTime(1734145200000)),
    ],
)
def test_parse_start(text: str, expected: object) -> None:
    assert parse_start(text) == expected


@pytest.mark.parametrize("text", ["-0", "yesterday-ish", ""])
def test_parse_start_rejects(text: str) -> None:
    with pytest.raises(InputError, match="--from"):
        parse_start(text)


def test_describe_start_round_trips() -> None:
    for start in (Earliest(), Latest(), Tail(7), AtTime(1734145200000)):
        assert parse_start(describe_start(start)) == start


@pytest.mark.parametrize(
    ("start", "for_time", "expected"),
    [
        (Earliest(), None, OffsetRange(10, 15)),  # capped by max_per_partition 5
        (Tail(3), None, OffsetRange(47, 50)),
        (Tail(100), None, OffsetRange(10, 15)),  # not before begin, then capped
        (AtTime(0), 20, OffsetRange(20, 25)),
        (AtTime(0), None, OffsetRange(50, 50)),  # nothing that late: empty
        (AtTime(0), 3, OffsetRange(10, 15)),  # below begin (retention): from begin
        (Latest(), None, OffsetRange(50, None)),
    ],
)
def test_offset_range(start: StartFrom, for_time: int | None, expected: OffsetRange) -> None:
    assert offset_range(start, 10, 50, 5, for_time) == expected


@given(
    begin=st.integers(0, 100),
    size=st.integers(0, 100),
    count=st.integers(1, 200),
    cap=st.integers(1, 200),
    for_time=st.none() | st.integers(0, 300),
    kind=st.sampled_from(["earliest", "tail", "time"]),
)
def test_bounded_ranges_stay_inside_the_partition_and_under_the_cap(
    begin: int, size: int, count: int, cap: int, for_time: int | None, kind: str
) -> None:
    starts: dict[str, StartFrom] = {"earliest": Earliest(), "tail": Tail(count), "time": AtTime(0)}
    rng = offset_range(starts[kind], begin, begin + size, cap, for_time)
    assert rng.stop is not None
    assert (begin <= rng.start and rng.stop <= begin + size) or rng.empty
    assert rng.stop - rng.start <= cap


def test_partition_stats_track_order_and_gaps() -> None:
    stats = PartitionStats(0)
    for offset, event_time in enumerate([5, 9, 7, None, 12]):
        record = Record(
            value={},
            partition=0,
            offset=offset,
            timestamp=100 + offset,
            timestamp_type="CreateTime",
            decode_error="not JSON" if offset == 3 else None,
        )
        stats.add(record)
        stats.add_event_time(event_time)
    assert (stats.count, stats.first_offset, stats.last_offset) == (5, 0, 4)
    assert (stats.min_timestamp, stats.max_timestamp) == (100, 104)
    assert (stats.first_event_time, stats.last_event_time) == (5, 12)
    assert (stats.min_event_time, stats.max_event_time) == (5, 12)
    assert stats.out_of_order_event_time == 1
    assert stats.missing_event_time == 1
    assert stats.undecodable == 1


def test_format_millis() -> None:
    assert format_millis(1734145205123) == "2024-12-14 03:00:05.123"
    assert format_millis(-1) == "1969-12-31 23:59:59.999"
    assert format_millis(None) == ""
