"""Throughput of flinkdoctor's TO_TIMESTAMP (``to_timestamp_many``) next to Flink's own.

Ours: pure Python, one core, best of N runs over a few hundred thousand realistic values, as
values per wall second and per CPU second (the machine may be shared). Flink's: the warm driver
JVM calling ``DateTimeUtils.parseTimestampData(value, pattern)`` on the same values (the
tests/support/flink.py harness). Run from the repo root::

    python bench/bench_to_timestamp.py [--values 300000] [--runs 5] [--no-flink] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flinkdoctor.timeformat import format_timestamp, to_timestamp_many

BASE_MS = 1_734_145_965_123
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
CASES: list[tuple[str, str]] = [
    ("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", "iso_z"),
    ("yyyy-MM-dd HH:mm:ss", "sql"),
    ("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "iso_offset"),
    ("dd MMM yyyy HH:mm:ss", "text_month"),
    ("EEE, d MMMM yyyy hh:mm:ss a", "day_name_ampm"),
    ("yyyy-MM-dd HH:mm:ss[.SSS]", "optional_fraction"),
    ("d/M/yyyy H:mm:ss", "variable_width"),
]


def make_values(shape: str, n: int, seed: int = 7) -> list[str]:
    """Realistic values around 2024 (Flink's printed form reshaped per pattern)."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        text = format_timestamp(
            BASE_MS + rng.randrange(-(10**10), 10**10)
        )  # 'yyyy-MM-dd HH:mm:ss.SSS'
        if shape == "iso_z":
            out.append(text.replace(" ", "T") + "Z")
        elif shape == "sql":
            out.append(text[:19])
        elif shape == "iso_offset":
            out.append(text.replace(" ", "T") + rng.choice(["Z", "+01:00", "-08:00", "+05:30"]))
        elif shape == "text_month":
            month = MONTHS[int(text[5:7]) - 1]
            out.append(f"{text[8:10]} {month} {text[:4]} {text[11:19]}")
        elif shape == "optional_fraction":
            out.append(text if rng.random() < 0.5 else text[:19])
        else:
            dt = datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f")
            if shape == "day_name_ampm":
                out.append(
                    f"{dt:%a}, {dt.day} {dt:%B %Y} {dt:%I:%M:%S} {'AM' if dt.hour < 12 else 'PM'}"
                )
            else:
                out.append(f"{dt.day}/{dt.month}/{dt.year} {dt.hour}:{dt:%M:%S}")
    return out


def bench_ours(values: list[str], pattern: str, runs: int) -> dict[str, float]:
    best_wall = best_cpu = float("inf")
    ok = 0
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        result = to_timestamp_many(values, pattern)
        best_wall = min(best_wall, time.perf_counter() - w0)
        best_cpu = min(best_cpu, time.process_time() - c0)
        ok = sum(1 for c in result if c.millis is not None)
    return {
        "values_per_s": len(values) / best_wall,
        "values_per_cpu_s": len(values) / best_cpu,
        "non_null": ok,
    }


def bench_flink(values: list[str], pattern: str) -> dict[str, Any] | None:
    try:
        from tests.support.flink import flink_runtime

        return flink_runtime().bench_to_timestamp(values, pattern)
    except Exception as exc:  # the harness is optional for this script
        print(f"(Flink unavailable: {exc})", file=sys.stderr)
        return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-flink", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    rows: list[dict[str, Any]] = []
    for pattern, shape in CASES:
        values = make_values(shape, args.values)
        ours = bench_ours(values, pattern, args.runs)
        flink = None if args.no_flink else bench_flink(values, pattern)
        rows.append({"pattern": pattern, "shape": shape, "n": len(values), "ours": ours,
                     "flink": flink})  # fmt: skip

    print(f"{'pattern':34} {'ours/s':>11} {'ours/cpu-s':>11} {'flink/s':>12} {'ratio':>7}")
    for row in rows:
        ours, flink = row["ours"], row["flink"]
        flink_rate = flink["values_per_s"] if flink else float("nan")
        ratio = ours["values_per_s"] / flink_rate if flink else float("nan")
        print(
            f"{row['pattern']:34} {ours['values_per_s']:>11,.0f} {ours['values_per_cpu_s']:>11,.0f}"
            f" {flink_rate:>12,.0f} {ratio:>7.2f}"
        )
        if flink and flink.get("calls"):
            share = flink["non_null"] / flink["calls"]
            if abs(share - ours["non_null"] / row["n"]) > 1e-9:
                print(f"  ! non-NULL share differs: ours {ours['non_null'] / row['n']:.4f}, "
                      f"Flink {share:.4f}")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
