"""Benchmark: how long `flinkdoctor` takes to start, as whole processes (median of 10).

    python bench/bench_startup.py [--runs 10] [--json out.json]

Times ``--help``, ``--version`` and input errors (a missing file) — what a user feels first — by
spawning the installed console script. The target is < 200 ms each on the project machine; the
interpreter alone (``python -c pass``) is printed as the floor.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

EXE = str(Path(sys.executable).with_name("flinkdoctor"))
CASES: list[tuple[str, list[str]]] = [
    ("python -c pass (floor)", [sys.executable, "-c", "pass"]),
    ("flinkdoctor --help", [EXE, "--help"]),
    ("flinkdoctor --version", [EXE, "--version"]),
    ("simulate-windows, missing script", [EXE, "simulate-windows", "/nonexistent/job.sql"]),
    ("check-pattern --ddl, missing file", [EXE, "check-pattern", "--ddl", "/nonexistent/job.sql"]),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}; median of {args.runs} runs")
    rows = []
    for label, argv in CASES:
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            subprocess.run(argv, capture_output=True, check=False)
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        rows.append({"case": label, "median_ms": median * 1000, "min_ms": min(times) * 1000})
        print(f"{label:36} median {median * 1000:6.0f} ms   min {min(times) * 1000:6.0f} ms")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
