"""Benchmark: ``flinkdoctor explain`` end to end on 1,000,000 events in the seed's shape (JSON page
views on 3 partitions, an ISO-8601 string rowtime ``2024-12-14T03:00:05.123Z``), as a user runs
it: a fresh process, the events read from a JSONL envelope file, text output discarded.

    python bench/bench_explain.py [--events 1000000] [--runs 3]

Two jobs: the seed's broken original (examples/seed/case1_seed_original.py: data checks, the
replay, and the replay of the fixed job that verifies the fix) and the fixed one
(case2_seed_fixed.py: one replay, healthy). Events are generated deterministically.
"""

from __future__ import annotations

import argparse
import json
import random
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


def run(script: Path, events: Path) -> tuple[float, int, dict[str, object]]:
    """Wall time, exit code and JSON summary of one ``flinkdoctor explain`` process."""
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
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
    )
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"explain failed ({done.returncode}): {done.stderr.strip()}")
    doc = json.loads(done.stdout)
    top = doc["findings"][0]["name"] if doc["findings"] else None
    verified = doc["fix"]["verified"] if doc["fix"] else None
    return elapsed, done.returncode, {"top": top, "verified": verified, "records": doc["records"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        events = Path(tmp) / "events.jsonl"
        t0 = time.perf_counter()
        write_events(events, args.events)
        size = events.stat().st_size / 1e6
        print(
            f"generated {args.events:,} events ({size:.0f} MB) in {time.perf_counter() - t0:.1f} s"
        )
        for name in ("case1_seed_original.py", "case2_seed_fixed.py"):
            times = []
            summary: dict[str, object] = {}
            code = 0
            for _ in range(args.runs):
                elapsed, code, summary = run(SEED / name, events)
                times.append(elapsed)
            best = min(times)
            print(
                f"{name}: best {best:.2f} s of {args.runs} (all: "
                f"{', '.join(f'{t:.2f}' for t in times)}), {args.events / best:,.0f} events/s; "
                f"exit {code}; top cause {summary.get('top')}; records {summary.get('records')}"
            )
            if summary.get("verified"):
                print(f"  fix verified: {summary['verified']}")


if __name__ == "__main__":
    main()
