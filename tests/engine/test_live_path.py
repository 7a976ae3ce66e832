"""The live loop (the Kafka path's legacy group window TUMBLE under ``live`` arrival, reading a
file's decoded envelopes with no Record per line, periodic timers fired from inside the loop) is
an optimisation only: the same result, or the same error, as the records of the same file going
through the general loop."""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flinkdoctor.engine import Overrides, SimulationResult, build_plan, simulate
from flinkdoctor.errors import InputError
from flinkdoctor.events import read_events
from flinkdoctor.events import reader as reader_module
from flinkdoctor.sql import parse_script
from tests.engine.helpers import BASE, SEC

SCRIPT = """
SET 'pipeline.auto-watermark-interval' = '{interval}';
SET 'table.exec.source.idle-timeout' = '{idle}';
CREATE TABLE ev (
  ts_ms BIGINT, s STRING, k STRING, v INT,
  ts AS {rowtime},
  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
) WITH ('connector' = 'kafka', 'topic' = 'events', 'format' = 'json'{options});
SELECT TUMBLE_START(ts, INTERVAL '10' SECOND) AS ws, k, COUNT(*) AS c, SUM(v) AS sv, MAX(v) AS mv
FROM ev
GROUP BY TUMBLE(ts, INTERVAL '10' SECOND), k;
"""

ROWTIMES = {
    "ltz": "TO_TIMESTAMP_LTZ(ts_ms, 3)",
    "pattern": "TO_TIMESTAMP(s, 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''')",
    "default": "TO_TIMESTAMP(s)",
    "cast": "CAST(s AS TIMESTAMP(3))",
}


def _text(millis: int, kind: str) -> str:
    import datetime as dt

    moment = dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=millis)
    if kind == "pattern":
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{millis % 1000:03d}Z"
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{millis % 1000:03d}"


# the event time; now and then one the loop hands back or reads as NULL: a NULL or missing
# rowtime field (legacy: epoch 0, phantom 1970 rows or late), a value of the wrong type
_BAD_TS: list[Any] = [None, "missing", "12", "x", 1.5]
_BAD_V: list[Any] = [None, "7", 2**40]
_values = st.tuples(
    st.integers(0, 90 * SEC),
    st.sampled_from([*[9] * 200, *range(len(_BAD_TS))]),
    st.sampled_from(["a", "b", "c"]),
    st.integers(-5, 5),
    st.sampled_from([*[9] * 200, *range(len(_BAD_V))]),
)
_line_kinds = st.sampled_from(
    ["ok"] * 400
    + ["null_part", "seven", "blank", "kafka_back"] * 3
    + ["bad_value", "no_value_key", "missing_k", "extra", "no_ts", "bad_json"]
    + ["bad_offset", "bad_kind"] * 2
)
_line_tuples = st.tuples(_line_kinds, st.integers(0, 3), _values, st.integers(0, 99))
_lines = st.one_of(
    st.lists(_line_tuples, max_size=10), st.lists(_line_tuples, min_size=60, max_size=250)
)


def _line(
    kind: str, partition: int, value: tuple[Any, ...], offset: int, rowtime: str, skew: int
) -> str:
    t, bad_t, k, v, bad_v = value
    body: dict[str, Any] = {"k": k, "v": _BAD_V[bad_v] if bad_v < len(_BAD_V) else v}
    bad = _BAD_TS[bad_t] if bad_t < len(_BAD_TS) else None
    field = "ts_ms" if rowtime == "ltz" else "s"
    if bad_t >= len(_BAD_TS):
        body[field] = BASE + t if rowtime == "ltz" else _text(BASE + t, rowtime)
    elif bad != "missing":
        body[field] = bad
    # Kafka time: the event time plus a skew, so live arrival follows the data loosely
    env: dict[str, Any] = {"partition": partition, "offset": offset, "timestamp": BASE + t + skew}
    env["value"] = body
    if kind == "null_part":
        env["partition"] = None
    elif kind == "seven":
        env.update(timestamp_type="CreateTime", key="k1", headers=[])
    elif kind == "bad_kind":
        env.update(timestamp_type="Whatever", key=None, headers=None)
    elif kind == "bad_offset":
        env["offset"] = "x"
    elif kind == "bad_value":
        env["value"] = None if offset % 2 else [1]
    elif kind == "no_value_key":
        del env["value"]
    elif kind == "missing_k":
        del body["k"]
    elif kind == "kafka_back":
        env["timestamp"] = BASE + t - 30 * SEC
    elif kind == "no_ts":
        env["timestamp"] = None
    elif kind == "blank":
        return "   "
    elif kind == "bad_json":
        return '{"partition": 0,'
    elif kind == "extra":
        env["partition"] = 7 if offset % 3 == 0 else partition
    return json.dumps(env)


def _outcome(plan: Any, records: Any) -> SimulationResult | str:
    try:
        return simulate(plan, records, max_dropped=5)
    except InputError as error:
        return f"InputError: {error}"


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=_lines,
    rowtime=st.sampled_from(sorted(ROWTIMES)),
    skew=st.sampled_from([0, 40, 3 * SEC]),
    interval=st.sampled_from(["200 ms", "200 ms", "1 s", "0"]),
    idle=st.sampled_from(["0", "0", "500 ms"]),
    bounded=st.booleans(),
    on_event=st.sampled_from([False, False, False, True]),
    parallelism=st.integers(1, 3),
    chunk=st.sampled_from([64, 300, 1 << 15]),
    version=st.sampled_from(["1.20.0", "1.20.3"]),  # R1.6: latest row's / highest watermark
)
def test_live_loop_equals_general_path(
    lines: list[tuple[str, int, tuple[Any, ...], int]],
    rowtime: str,
    skew: int,
    interval: str,
    idle: str,
    bounded: bool,
    on_event: bool,
    parallelism: int,
    chunk: int,
    version: str,
) -> None:
    options = ""
    if bounded:
        options += ", 'scan.bounded.mode' = 'latest-offset'"
    if on_event:
        options += ", 'scan.watermark.emit.strategy' = 'on-event'"
    text = SCRIPT.format(interval=interval, idle=idle, rowtime=ROWTIMES[rowtime], options=options)
    plan = build_plan(
        parse_script(text, "t.sql"),
        Overrides(partitions=4, parallelism=parallelism, arrival="live", flink_version=version),
    )
    assert plan.live_loop is not None
    body = "".join(_line(*line, rowtime, skew) + "\n" for line in lines)
    fd, path = tempfile.mkstemp(suffix=".jsonl")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(body)
        with mock.patch.object(reader_module, "_CHUNK", chunk):
            stream = read_events(path, "ev.jsonl")
            assert reader_module.value_batches(stream) is not None
            fused = _outcome(plan, stream)
            general = _outcome(plan, (r for r in read_events(path, "ev.jsonl")))
    finally:
        os.unlink(path)
    assert fused == general


@pytest.mark.parametrize("missing", [False, True])
def test_the_seed_shape_reads_every_line_in_the_loop(tmp_path: Any, missing: bool) -> None:
    """A well-formed file goes through the loop without a Record per line (the point of it),
    with the result of the general path: the seed's fixed job, and its broken one whose rowtime
    field is missing from every event (NULL, read as epoch 0 by the legacy window: one open
    1970 window per key, no watermark ever)."""
    lines = []
    for i in range(3000):
        value = {"k": "abc"[i % 3], "v": i % 7, "s": _text(BASE + i * 97, "pattern")}
        if missing:
            del value["s"]
        envelope = {"partition": i % 3, "offset": i // 3, "timestamp": BASE + i * 97}
        lines.append(json.dumps({**envelope, "value": value}))
    path = tmp_path / "ev.jsonl"
    path.write_text("\n".join(lines) + "\n")
    text = SCRIPT.format(interval="200 ms", idle="0", rowtime=ROWTIMES["pattern"], options="")
    plan = build_plan(parse_script(text, "t.sql"), Overrides(partitions=3, arrival="live"))
    made = 0
    real = reader_module.records_from_values

    def counting(values: Any, *args: Any) -> Any:
        nonlocal made
        made += len(values)
        return real(values, *args)

    with mock.patch("flinkdoctor.engine.simulator.records_from_values", counting):
        fast = simulate(plan, read_events(path))
    assert made == 3  # only each partition's first record: the general loop makes its split
    slow = simulate(plan, list(read_events(path)))
    assert fast == slow
    assert fast.records_in == 3000
    if missing:
        assert fast.null_rowtime_records == 3000
        assert not fast.rows
        assert [(w.window_start, w.records) for w in fast.pending] == [(0, 1000)] * 3
    else:
        assert fast.null_rowtime_records == 0
        # events up to 290.9 s: the watermark (about 288.7 s) has fired the 10 s windows up to
        # the one ending at 280 s, 3 keys each
        assert len(fast.rows) == 28 * 3
