"""The partition scan before simulate-windows skips blocks with no envelope quickly, and still
names the right line of a bad partition id after them (several read chunks of plain lines)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.cli.conftest import Run

SEED = Path(__file__).parents[2] / "examples" / "seed"


def test_bad_partition_after_many_plain_lines_names_its_line(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    plain = json.dumps({"event_time": "2024-12-14T03:00:05.123Z", "host": "h"}) + "\n"
    bad = json.dumps({"partition": -3, "offset": 0, "timestamp": None, "value": {}}) + "\n"
    events = tmp_path / "ev.jsonl"
    events.write_text(plain * 5000 + bad + plain)  # ~300 kB: five 64 kB chunks before it
    run = cli("simulate-windows", str(SEED / "case2_seed_fixed.sql"), "--events", str(events))
    assert run.code == 2
    assert run.err.startswith(f"flinkdoctor: error: {events}:5001: "), run.err
