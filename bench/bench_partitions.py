"""Benchmark: a replay's cost against the topic's size, as whole processes (median of 5).

    python bench/bench_partitions.py [--runs 5] [--json out.json]

The same three events, the highest in partition 1, 40000 or 2147483647 (the topic then has that
many + 1 partitions, the others empty: R2.1), through ``simulate-windows --format json``. The
never-fed partitions of a subtask share one state, so wall time and peak memory (``ru_maxrss`` of
the child) stay flat; one split per partition took 18 s for partition 40000 and never finished
for 2147483647 (issue 10, item 5).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXE = str(Path(sys.executable).with_name("flinkdoctor"))
SCRIPT = """
CREATE TABLE ev (
  host STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH ('connector' = 'kafka', 'topic' = 't', 'format' = 'json');
SELECT host, window_start, COUNT(*) AS n
  FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
  GROUP BY host, window_start, window_end;
"""


def _events(highest: int) -> str:
    rows = [(0, "00:00:00"), (highest, "00:00:30"), (highest, "00:05:00")]
    return "".join(
        json.dumps(
            {"partition": p, "offset": n, "timestamp": 0,
             "value": {"host": "h", "ts": f"2024-01-01 {t}"}}
        ) + "\n"
        for n, (p, t) in enumerate(rows)
    )  # fmt: skip


def _run(argv: list[str]) -> tuple[float, float, int]:
    """(wall s, CPU s, peak RSS kB) of one child process."""
    start = time.perf_counter()
    with subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as child:
        _, _, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}; median of {args.runs} runs")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        job = Path(tmp) / "job.sql"
        job.write_text(SCRIPT)
        for highest in (1, 40_000, 2**31 - 1):
            events = Path(tmp) / f"p{highest}.jsonl"
            events.write_text(_events(highest))
            argv = [EXE, "simulate-windows", str(job), "--events", str(events), "--format", "json"]
            runs = [_run(argv) for _ in range(args.runs)]
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            rss = max(r[2] for r in runs)
            rows.append(
                {"partitions": highest + 1, "wall_s": wall, "cpu_s": cpu, "max_rss_kb": rss}
            )
            print(
                f"{highest + 1:>12} partitions  wall {wall:5.2f} s  CPU {cpu:5.2f} s  "
                f"{rss // 1024} MB"
            )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
