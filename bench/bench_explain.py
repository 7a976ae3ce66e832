"""Benchmark: ``flinkdoctor explain`` end to end on 1,000,000 events in the seed's shape (JSON page
views on 3 partitions, an ISO-8601 string rowtime ``2024-12-14T03:00:05.123Z``), as a user runs
it: a fresh process, the events read from a JSONL envelope file, text output discarded.

    python bench/bench_explain.py [--events 1000000] [--runs 3] [--events-file F] [--python P]

Two jobs: the seed's broken original (examples/seed/case1_seed_original.py: data checks, the
replay, and the replay of the fixed job that verifies the fix) and the fixed one
(case2_seed_fixed.py: one replay, healthy). Events are generated deterministically (or read
from ``--events-file``, e.g. one generated before). Each run reports wall time, the CPU time of
the ``explain`` process and the children it forks (user + sys) and the 1-minute load average
when it started (after one warm-up run that lets Python cache the bytecode, as an installed
package has it); ``--python`` runs another interpreter (e.g. a virtualenv of an older tree, to
compare before and after; each run is then one of each, interleaved).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "seed"
START = 1_734_145_200_000  # 2024-12-14 03:00:00 UTC
HOSTS = ["www.dataexpert.io", "bootcamp.techcreator.io", "www.techcreator.io"]
SEED_NUMBER = 20261202
# as after ``pip install`` (which compiles every module): Python may cache the bytecode of the
# tree it runs (some sandboxes set PYTHONDONTWRITEBYTECODE, and every run would compile
# ~160 modules again, ~0.2 s)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def write_events(path: Path, n: int) -> None:
    """``n`` envelopes, round-robin over 3 partitions, one event every ~20 ms of event time."""
    rng = random.Random(SEED_NUMBER)
    offsets = [0, 0, 0]
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            ts = START + i * 20 + rng.randrange(0, 15)
            p = i % 3
            millis = ts % 1000
            secs = ts // 1000
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(secs)) + f".{millis:03d}Z"
            value = {
                "url": "/",
                "referrer": "",
                "user_agent": "Mozilla/5.0",
                "host": HOSTS[i % 3 if i % 7 else 0],
                "ip": f"203.0.113.{i % 250}",
                "headers": {},
                "event_time": stamp,
            }
            envelope = {"partition": p, "offset": offsets[p], "timestamp": ts + 40, "value": value}
            offsets[p] += 1
            out.write(json.dumps(envelope, separators=(",", ":")) + "\n")


def run(
    script: Path, events: Path, python: str = sys.executable
) -> tuple[float, float, int, dict[str, object]]:
    """Wall time, CPU time (user + sys), exit code and JSON summary of one ``flinkdoctor
    explain`` process (``-P``: the tree ``python`` has installed, not the current directory)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [
            python,
            "-P",
            "-m",
            "flinkdoctor",
            "explain",
            str(script),
            "--events",
            str(events),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env=ENV,
    )
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1):
        raise SystemExit(f"explain failed ({done.returncode}): {done.stderr.strip()}")
    doc = json.loads(done.stdout)
    top = doc["findings"][0]["name"] if doc["findings"] else None
    verified = doc["fix"]["verified"] if doc["fix"] else None
    summary = {"top": top, "verified": verified, "records": doc["records"]}
    return elapsed, cpu, done.returncode, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--events-file", type=Path, help="an events file to use as it is")
    parser.add_argument("--python", help="also run this interpreter's flinkdoctor (before)")
    args = parser.parse_args()
    sides = [("this", sys.executable)] + ([("other", args.python)] if args.python else [])
    with tempfile.TemporaryDirectory() as tmp:
        events = args.events_file or Path(tmp) / "events.jsonl"
        if args.events_file is None:
            t0 = time.perf_counter()
            write_events(events, args.events)
            size = events.stat().st_size / 1e6
            took = time.perf_counter() - t0
            print(f"generated {args.events:,} events ({size:.0f} MB) in {took:.1f} s")
        for _, python in sides:  # a first run compiles and caches the bytecode
            run(SEED / "case2_seed_fixed.py", events, python)
        for name in ("case1_seed_original.py", "case2_seed_fixed.py"):
            seen: dict[str, list[tuple[float, float, float]]] = {side: [] for side, _ in sides}
            summary: dict[str, object] = {}
            code = 0
            for _ in range(args.runs):
                for side, python in sides:  # interleaved: the same minutes, the same load
                    load = os.getloadavg()[0]
                    elapsed, cpu, code, summary = run(SEED / name, events, python)
                    seen[side].append((elapsed, cpu, load))
            for side, _ in sides:
                walls = [w for w, _, _ in seen[side]]
                cpus = [c for _, c, _ in seen[side]]
                print(
                    f"{name} [{side}]: wall best {min(walls):.2f} s (all: "
                    f"{', '.join(f'{t:.2f}' for t in walls)}), CPU best {min(cpus):.2f} s "
                    f"(all: {', '.join(f'{t:.2f}' for t in cpus)}), load at start "
                    f"{', '.join(f'{x:.1f}' for _, _, x in seen[side])}"
                )
            print(
                f"  exit {code}; top cause {summary.get('top')}; records {summary.get('records')}"
            )
            if summary.get("verified"):
                print(f"  fix verified: {summary['verified']}")


if __name__ == "__main__":
    main()
