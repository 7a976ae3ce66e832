"""The filesystem path's fused loop (a file's decoded lines read straight by generated code, no
Record per line: ``row_reader.compile_file_path``) is an optimisation only: the same result, or
the same error, as the records of the same file going through the general loop."""

from __future__ import annotations

import datetime as dt
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
SET 'parallelism.default' = '{parallelism}';
CREATE TABLE ev (
  ts_ms BIGINT, s STRING, k STRING, v INT,
  ts AS {rowtime},
  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
) WITH ('connector' = 'filesystem', 'path' = '/tmp/ev.jsonl', 'format' = 'json');
{query}
"""
ROWTIMES = {
    "pattern": "TO_TIMESTAMP(s, 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''')",
    "default": "TO_TIMESTAMP(s)",
    "cast": "CAST(s AS TIMESTAMP(3))",
    "ltz": "TO_TIMESTAMP_LTZ(ts_ms, 3)",
}
QUERIES = {
    "tvf": """SELECT window_start, window_end, k, COUNT(*) AS c, SUM(v) AS s
FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY window_start, window_end, k;""",
    "legacy": """SELECT TUMBLE_START(ts, INTERVAL '10' SECOND) AS ws, k, COUNT(*) AS c, SUM(v) AS s
FROM ev GROUP BY TUMBLE(ts, INTERVAL '10' SECOND), k;""",
    "legacy_hop": """SELECT HOP_END(ts, INTERVAL '5' SECOND, INTERVAL '10' SECOND) AS we, k,
  COUNT(v) AS c
FROM ev GROUP BY HOP(ts, INTERVAL '5' SECOND, INTERVAL '10' SECOND), k;""",
}


def _text(ms: int, style: str) -> str:
    t = dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=ms)
    iso = t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
    return iso + "Z" if style == "pattern" else iso.replace("T", " ")


# mostly well-formed lines (late ones too, so windows drop records), now and then one the fused
# loop hands back: a NULL or bad rowtime, a bad value, a non-object line, a missing field, a
# blank line, a line that is not JSON
_BAD_T: list[Any] = [None, "12", "x", 1.5, "2024-12-14 03:00:00.1234", "2024-13-14T03:00:00.000Z"]
_BAD_V: list[Any] = [None, "7", 2**40]
_lines = st.lists(
    st.tuples(
        st.sampled_from(["ok"] * 300 + ["array", "blank", "missing", "broken"]),
        st.integers(0, 120 * SEC),
        st.sampled_from([*[9] * 300, *range(len(_BAD_T))]),
        st.sampled_from(["a", "b", "c"]),
        st.integers(-5, 5),
        st.sampled_from([*[9] * 200, *range(len(_BAD_V))]),
    ),
    max_size=200,
)


def _line(kind: str, t: int, bad_t: int, k: str, v: int, bad_v: int, style: str) -> str:
    if kind == "blank":
        return ""
    if kind == "array":
        return "[1]"
    if kind == "broken":
        return '{"k": '
    good: Any = BASE + t if style == "ltz" else _text(BASE + t, style)
    rt = _BAD_T[bad_t] if bad_t < len(_BAD_T) else good
    obj: dict[str, Any] = {"k": k, "v": _BAD_V[bad_v] if bad_v < len(_BAD_V) else v}
    if kind != "missing":
        obj["ts_ms" if style == "ltz" else "s"] = rt
    return json.dumps(obj)


def _outcome(plan: Any, records: Any) -> SimulationResult | str:
    try:
        return simulate(plan, records, max_dropped=5)
    except InputError as error:
        return f"InputError: {error}"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=_lines,
    style=st.sampled_from(sorted(ROWTIMES)),
    query=st.sampled_from(sorted(QUERIES)),
    arrival=st.sampled_from(["file", "backlog", "backlog"]),
    rate=st.sampled_from([20.0, 50.0, 200.0, 5000.0]),
    interval=st.sampled_from(["200 ms", "1 s", "0"]),
    idle=st.sampled_from(["0", "500 ms"]),
    parallelism=st.integers(1, 3),
    chunk=st.sampled_from([64, 300, 1 << 15]),
)
def test_file_path_equals_general_path(
    lines: list[tuple[str, int, int, str, int, int]],
    style: str,
    query: str,
    arrival: str,
    rate: float,
    interval: str,
    idle: str,
    parallelism: int,
    chunk: int,
) -> None:
    text = SCRIPT.format(
        interval=interval,
        idle=idle,
        parallelism=parallelism,
        rowtime=ROWTIMES[style],
        query=QUERIES[query],
    )
    plan = build_plan(
        parse_script(text, "t.sql"),
        Overrides(arrival=arrival, backlog_rate=rate),  # type: ignore[arg-type]
    )
    assert plan.file_loop is not None
    body = "".join(_line(*line, style) + "\n" for line in lines)
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


def test_the_seed_shape_takes_the_file_loop() -> None:
    """The seed's job (a STRING rowtime parsed by TO_TIMESTAMP with its pattern) is fused, with a
    sample of the result checked by hand: 3 rows of key a in [0 s, 10 s), 1 late row dropped."""
    text = SCRIPT.format(
        interval="200 ms",
        idle="0",
        parallelism=1,
        rowtime=ROWTIMES["pattern"],
        query=QUERIES["legacy"],
    )
    plan = build_plan(parse_script(text, "t.sql"), Overrides())
    assert plan.file_loop is not None
    fd, path = tempfile.mkstemp(suffix=".jsonl")
    times = [1, 2, 3, 30, 4]  # seconds after BASE; 4 s is late (watermark 28 s)
    try:
        with os.fdopen(fd, "w") as handle:
            for i, s in enumerate(times):
                handle.write(json.dumps({"s": _text(BASE + s * SEC, "pattern"), "k": "a", "v": i}))
                handle.write("\n")
        result = simulate(plan, read_events(path, "ev.jsonl"))
    finally:
        os.unlink(path)
    assert [(r["ws"], r["c"], r["s"]) for r in result.rows] == [
        (BASE, 3, 3),
        (BASE + 30 * SEC, 1, 3),
    ]
    assert result.dropped_total == 1
    assert result.dropped[0].source == "ev.jsonl:5"
