"""Benchmark: memory is bounded by the open windows, not by the events.

    python bench/bench_scale.py [--events 10000000] [--form seed_tvf] [--json out.json]

Writes a JSONL file of ``--events`` seed-shaped events (``bench_rowtime.py``'s generator, fixed
seed) and replays it with a fresh ``flinkdoctor simulate-windows --format json`` process, reporting
its wall time, CPU time and peak resident memory: ``ru_maxrss`` (the largest process), and the
summed RSS of the process and its split fetchers, sampled every 20 ms (shared pages counted in
each). Targets: 10,000,000 events in < 25 s with a peak RSS < 300 MB.
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


def _watch(proc: subprocess.Popen[str]) -> int:
    """The peak of the summed RSS (KiB) of ``proc`` and its children (the split fetchers),
    sampled every 20 ms until it exits."""
    peak = 0
    while proc.poll() is None:
        total = 0
        for pid in [proc.pid, *_children(proc.pid)]:
            try:
                with open(f"/proc/{pid}/status") as status:
                    for line in status:
                        if line.startswith("VmRSS:"):
                            total += int(line.split()[1])
            except OSError:
                pass
        peak = max(peak, total)
        time.sleep(0.02)
    return peak


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found += [int(p) for p in handle.read().split()]
    except OSError:
        pass
    return found


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
        with tempfile.TemporaryFile("w+") as out:
            proc = subprocess.Popen(
                [exe, "simulate-windows", str(job), "--events", str(events), "--format", "json"],
                stdout=out,
                stderr=subprocess.PIPE,
                text=True,
            )
            tree_peak = _watch(proc)
            stderr = proc.stderr.read() if proc.stderr else ""
            proc.wait()
            wall = time.perf_counter() - wall0
            out.seek(0)
            stdout = out.read()
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"flinkdoctor failed ({proc.returncode}): {stderr.strip()}")
        rows = len(json.loads(stdout)["rows"])
        size_mb = events.stat().st_size / 1e6
    row = {
        "form": args.form,
        "events": args.events,
        "file_mb": size_mb,
        "rows": rows,
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "peak_tree_rss_mb": tree_peak / 1024,
        "load_before": load,
        "load_after": os.getloadavg()[0],
    }
    print(
        f"{args.events:,} events ({size_mb:,.0f} MB, {args.form}): wall {wall:.1f} s, "
        f"CPU {row['cpu_s']:.1f} s, {args.events / wall:,.0f} ev/s, peak RSS "
        f"{row['peak_rss_mb']:.0f} MB (largest process; all processes together, sampled: "
        f"{row['peak_tree_rss_mb']:.0f} MB), {rows} rows; load {load:.1f} -> "
        f"{row['load_after']:.1f}"
    )
    if args.json:
        args.json.write_text(json.dumps(row, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
