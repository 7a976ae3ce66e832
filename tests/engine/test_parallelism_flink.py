"""A parallelism above Flink's maximum (32768) is rejected, as real Flink 1.20.3 rejects the job
("Operator parallelism not within bounds"), before anything is allocated for it."""

from __future__ import annotations

import json

import pytest

from flinkdoctor.engine import Overrides, build_plan
from flinkdoctor.errors import InputError
from flinkdoctor.sql import parse_script
from tests.support.flink import Case, FlinkRuntime

SCRIPT = """SET 'parallelism.default' = '40000';
CREATE TABLE ev (host STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
  WITH ('connector' = 'filesystem', 'path' = '${DATA_DIR}/ev.jsonl', 'format' = 'json');
SELECT host, window_start, COUNT(*)
  FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
  GROUP BY host, window_start, window_end;
"""
EVENTS = "".join(json.dumps({"host": "a", "ts": f"2024-01-01 00:0{i}:00"}) + "\n" for i in range(3))


@pytest.mark.flink
def test_parallelism_above_the_maximum_is_rejected_like_flink(flink: FlinkRuntime) -> None:
    [result] = flink.run_scripts([Case(SCRIPT, files={"ev.jsonl": EVENTS})], timeout=300)
    assert not result.timed_out
    assert result.root_cause == "Operator parallelism not within bounds: 40000", result.error
    with pytest.raises(InputError) as caught:
        build_plan(parse_script(SCRIPT), Overrides())
    assert "Operator parallelism not within bounds: 40000" in caught.value.message
    assert "32768" in caught.value.message
