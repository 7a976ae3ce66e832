"""Benchmark: memory is bounded by the open windows, not by the events.

    python bench/bench_scale.py [--events 10000000] [--form seed_tvf] [--json out.json]

Writes a JSONL file of ``--events`` seed-shaped events (``bench_rowtime.py``'s generator, fixed
seed) and replays it with a fresh ``flinkdoctor simulate-windows --format json`` process, reporting
its wall time, CPU time and peak resident memory (``ru_maxrss`` of the child). Targets: 10,000,000
events in < 25 s with a peak RSS < 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_rowtime import script, write_events


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--form", default="seed_tvf")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        events = Path(tmp) / "events.jsonl"
        write_events(args.form, args.events, events)
        job = Path(tmp) / "job.sql"
        job.write_text(script(args.form, 1).replace("${DATA_DIR}", tmp))
        exe = str(Path(sys.executable).with_name("flinkdoctor"))
        load = os.getloadavg()[0]
        wall0 = time.perf_counter()
        proc = subprocess.run(
            [exe, "simulate-windows", str(job), "--events", str(events), "--format", "json"],
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - wall0
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"flinkdoctor failed ({proc.returncode}): {proc.stderr.strip()}")
        rows = len(json.loads(proc.stdout)["rows"])
        size_mb = events.stat().st_size / 1e6
    row = {
        "form": args.form,
        "events": args.events,
        "file_mb": size_mb,
        "rows": rows,
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "load_before": load,
        "load_after": os.getloadavg()[0],
    }
    print(
        f"{args.events:,} events ({size_mb:,.0f} MB, {args.form}): wall {wall:.1f} s, "
        f"CPU {row['cpu_s']:.1f} s, {args.events / wall:,.0f} ev/s, peak RSS "
        f"{row['peak_rss_mb']:.0f} MB, {rows} rows; load {load:.1f} -> {row['load_after']:.1f}"
    )
    if args.json:
        args.json.write_text(json.dumps(row, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
