"""``explain`` on an events file replays the job and verifies the data checks' fix on one read of
the file (diagnosis.alongside) through the engine's fused loops; on the same events held in
memory it replays one query after the other through the general loop. The reports must be the
same, down to the byte of the JSON."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any

import pytest

from flinkdoctor.diagnosis.explain import ExplainOptions, explain
from flinkdoctor.events import read_events
from flinkdoctor.render.explain_json import explain_json
from tests.explain.conftest import SEED

START = 1_734_145_200_000  # 2024-12-14 03:00:00 UTC


def _seed_events(path: Path, n: int, odd: bool) -> None:
    """Seed-shaped envelopes on 3 partitions; ``odd``: now and then a line the fast paths hand
    back (a NULL partition, a value that is not an object, a late event, Kafka time going
    back, a missing key, a 7-key envelope)."""
    rng = random.Random(n)
    offsets = [0, 0, 0]
    lines = []
    for i in range(n):
        ts = START + i * 250 + rng.randrange(0, 200)
        p = i % 3
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts // 1000))
        value: Any = {"host": "abc"[rng.randrange(3)], "event_time": f"{stamp}.{ts % 1000:03d}Z"}
        env: dict[str, Any] = {"partition": p, "offset": offsets[p], "timestamp": ts + 40}
        r = rng.random() if odd else 1.0
        if r < 0.01:
            env["partition"] = None
        elif r < 0.02:
            value = [1, 2]
        elif r < 0.03:
            value["event_time"] = "2024-12-14T02:00:00.000Z"
        elif r < 0.04:
            env["timestamp"] = ts - 20_000
        elif r < 0.05:
            del value["host"]
        elif r < 0.06:
            env.update(timestamp_type="CreateTime", key=None, headers=[])
        env["value"] = value
        offsets[p] += 1
        lines.append(json.dumps(env))
    path.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize(
    "script", ["case1_seed_original.py", "case1_seed_original.sql", "case2_seed_fixed.py"]
)
@pytest.mark.parametrize("odd", [False, True])
def test_one_read_and_fused_loops_give_the_general_report(
    tmp_path: Path, script: str, odd: bool
) -> None:
    path = tmp_path / "events.jsonl"
    _seed_events(path, 6000, odd)
    text = (SEED / script).read_text()
    opts = ExplainOptions()
    from_file = explain(text, script, lambda: read_events(path), opts)
    kept = list(read_events(path))
    in_memory = explain(text, script, lambda: kept, opts)
    assert from_file.records == 6000
    assert from_file.findings  # case 1: its causes; case 2: its warnings and notes
    assert from_file == in_memory
    assert explain_json(from_file) == explain_json(in_memory)
    if script.startswith("case1"):
        assert from_file.fix is not None and from_file.fix.verified is not None
        assert from_file.fix.verified.sink_rows > 0
