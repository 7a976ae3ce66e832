"""The fused path (the Kafka TUMBLE hot loop reading a file's decoded envelopes, no Record per
line) is an optimisation only: the same result, or the same error, as the records of the same
file going through the general loop (and its hot loop)."""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any
from unittest import mock

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
  ts_ms BIGINT, k STRING, v INT,
  ts AS TO_TIMESTAMP_LTZ(ts_ms, 3),
  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
) WITH ('connector' = 'kafka', 'topic' = 'events', 'format' = 'json'{bounded});
SELECT window_start, window_end, k, COUNT(*) AS c, SUM(v) AS s
FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY window_start, window_end, k;
"""

# mostly well-formed envelopes (late ones too, so windows drop records), now and then a line
# the fused loop hands back: a NULL or bad rowtime, a non-object value, a missing field, an
# unknown partition, an envelope of the 7 keys, a bad offset, a blank line
_BAD_TS: list[Any] = [None, "12", "x", 1.5]
_BAD_V: list[Any] = [None, "7", 2**40]
_values = st.builds(
    lambda t, bad_t, k, v, bad_v: {
        "ts_ms": _BAD_TS[bad_t] if bad_t < len(_BAD_TS) else BASE + t,
        "k": k,
        "v": _BAD_V[bad_v] if bad_v < len(_BAD_V) else v,
    },
    st.integers(0, 120 * SEC),
    st.sampled_from([*[9] * 300, *range(len(_BAD_TS))]),
    st.sampled_from(["a", "b", "c"]),
    st.integers(-5, 5),
    st.sampled_from([*[9] * 200, *range(len(_BAD_V))]),
)
_line_kinds = st.sampled_from(
    ["ok"] * 400
    + ["null_part", "seven", "blank"] * 3
    + ["bad_value", "missing", "extra"]
    + ["bad_offset"] * 2
)
_line_tuples = st.tuples(_line_kinds, st.integers(0, 3), _values, st.integers(0, 99))
_lines = st.one_of(
    st.lists(_line_tuples, max_size=10), st.lists(_line_tuples, min_size=60, max_size=200)
)


def _line(kind: str, partition: int, value: dict[str, Any], offset: int, plain: bool) -> str:
    if plain:
        return "" if kind == "blank" else json.dumps(value)
    env: dict[str, Any] = {"partition": partition, "offset": offset, "timestamp": None}
    env["value"] = value
    if kind == "null_part":
        env["partition"] = None
    elif kind == "seven":
        env.update(timestamp_type="CreateTime", key="k1", headers=[], timestamp=BASE)
    elif kind == "bad_offset":
        env["offset"] = "x"
    elif kind == "bad_value":
        env["value"] = None if offset % 2 else [1]
    elif kind == "missing":
        env["value"] = {"k": value["k"]}
    elif kind == "blank":
        return "   "
    elif kind == "extra":
        env["partition"] = 7 if offset % 3 == 0 else partition
    return json.dumps(env)


def _outcome(plan: Any, records: Any) -> SimulationResult | str:
    try:
        return simulate(plan, records, max_dropped=5)
    except InputError as error:
        return f"InputError: {error}"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=_lines,
    plain=st.booleans(),
    arrival=st.sampled_from(["file", "backlog", "backlog"]),
    rate=st.sampled_from([20.0, 50.0, 200.0, 5000.0]),
    interval=st.sampled_from(["200 ms", "1 s", "0"]),
    idle=st.sampled_from(["0", "500 ms"]),
    bounded=st.booleans(),
    parallelism=st.integers(1, 3),
    chunk=st.sampled_from([64, 300, 1 << 15]),
    version=st.sampled_from(["1.20.0", "1.20.3"]),  # R1.6: latest row's / highest watermark
)
def test_fused_path_equals_general_path(
    lines: list[tuple[str, int, dict[str, Any], int]],
    plain: bool,
    arrival: str,
    rate: float,
    interval: str,
    idle: str,
    bounded: bool,
    parallelism: int,
    chunk: int,
    version: str,
) -> None:
    text = SCRIPT.format(
        interval=interval,
        idle=idle,
        bounded=", 'scan.bounded.mode' = 'latest-offset'" if bounded else "",
    )
    plan = build_plan(
        parse_script(text, "t.sql"),
        Overrides(
            partitions=4,
            parallelism=parallelism,
            arrival=arrival,  # type: ignore[arg-type]
            backlog_rate=rate,
            flink_version=version,
        ),
    )
    assert plan.fused is not None and plan.hot is not None
    body = "".join(_line(*line, plain) + "\n" for line in lines)
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


def test_a_started_stream_goes_the_general_way(tmp_path: Any) -> None:
    path = tmp_path / "ev.jsonl"
    path.write_text(
        "".join(
            json.dumps({"partition": i % 2, "offset": i, "timestamp": None, "value": v}) + "\n"
            for i, v in enumerate({"ts_ms": BASE + i * SEC, "k": "a", "v": 1} for i in range(30))
        )
    )
    plan = build_plan(
        parse_script(SCRIPT.format(interval="200 ms", idle="0", bounded=""), "t.sql"),
        Overrides(partitions=2, arrival="backlog", backlog_rate=10.0),
    )
    stream = read_events(path)
    next(stream)
    assert reader_module.value_batches(stream) is None
    rest = simulate(plan, stream)
    records = list(read_events(path))[1:]
    assert rest == simulate(plan, records)
