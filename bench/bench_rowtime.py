"""Benchmark: `flinkdoctor simulate-windows` against real Flink 1.20.3 on the same job and the
same JSONL file, one rowtime form at a time, both as whole processes the way a user runs them.

    python bench/bench_rowtime.py [--events 1000000] [--forms seed_legacy,seed_tvf,...]
                                  [--parallelism 1,3] [--no-flink] [--single] [--json out.json]

Forms: the seed's own shape (a STRING field parsed by TO_TIMESTAMP(event_time,
'yyyy-MM-dd''T''HH:mm:ss.SSS''Z'''), 5-minute TUMBLE by key, filesystem source) as a legacy
GROUP BY TUMBLE and as a window TVF, then the other common rowtime forms (TVF).

Ours: a fresh ``flinkdoctor simulate-windows job.sql --events events.jsonl --format json`` process
(interpreter start-up, reading, decoding and rendering included; its split fetchers' CPU time
counted; ``--single`` also runs it as one process, ``FLINKDOCTOR_WORKERS=0``). Flink: a fresh
harness JVM (tests/support/flink.py) running the same script on the same file through the filesystem
connector; wall from spawning the JVM to the rows being back (MiniCluster start-up included),
CPU of the JVM process. The rows of both sides must be identical (asserted), else the run stops.
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
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

START_MS = 1_733_011_200_000  # 2024-12-01 00:00:00 UTC
SEED = 20261202
HOSTS = [f"host-{i:02d}.example.com" for i in range(50)]

WITH = "WITH ('connector' = 'filesystem', 'path' = '${DATA_DIR}/events.jsonl', 'format' = 'json')"
LEGACY = """SELECT TUMBLE_START(rt, INTERVAL '5' MINUTE) AS event_hour, host,
  COUNT(host) AS num_hits
FROM events GROUP BY TUMBLE(rt, INTERVAL '5' MINUTE), host;"""
TVF = """SELECT window_start, window_end, host, COUNT(*) AS num_hits
FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(rt), INTERVAL '5' MINUTE))
GROUP BY window_start, window_end, host;"""
SEED_PATTERN = "yyyy-MM-dd''T''HH:mm:ss.SSS''Z''"


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]


def _sql(ms: int) -> str:
    return _iso(ms).replace("T", " ")


# form -> (column DDL, rowtime DDL, query, value of the time field for epoch millis)
FORMS: dict[str, tuple[str, str, str, Callable[[int], object]]] = {
    "seed_legacy": (
        "event_time STRING",
        f"rt AS TO_TIMESTAMP(event_time, '{SEED_PATTERN}')",
        LEGACY,
        lambda ms: _iso(ms) + "Z",
    ),
    "seed_tvf": (
        "event_time STRING",
        f"rt AS TO_TIMESTAMP(event_time, '{SEED_PATTERN}')",
        TVF,
        lambda ms: _iso(ms) + "Z",
    ),
    "pattern_optional_millis": (
        "event_time STRING",
        "rt AS TO_TIMESTAMP(event_time, 'yyyy-MM-dd HH:mm:ss[.SSS]')",
        TVF,
        lambda ms: _sql(ms) if ms % 4 else _sql(ms)[:19],
    ),
    "iso_offset_xxx": (
        "event_time STRING",
        "rt AS TO_TIMESTAMP(event_time, 'yyyy-MM-dd''T''HH:mm:ss.SSSXXX')",
        TVF,
        lambda ms: _iso(ms) + ("Z" if ms % 3 else "+01:00"),
    ),
    "cast_timestamp3": (
        "event_time STRING",
        "rt AS CAST(event_time AS TIMESTAMP(3))",
        TVF,
        _sql,
    ),
    "json_timestamp3": ("rt TIMESTAMP(3)", "", TVF, _sql),
    "json_timestamp_ltz3": ("rt TIMESTAMP_LTZ(3)", "", TVF, lambda ms: _sql(ms) + "Z"),
    "epoch_seconds": ("ts BIGINT", "rt AS TO_TIMESTAMP_LTZ(ts, 0)", TVF, lambda ms: ms // 1000),
    "epoch_millis": ("ts BIGINT", "rt AS TO_TIMESTAMP_LTZ(ts, 3)", TVF, lambda ms: ms),
}


def script(form: str, parallelism: int) -> str:
    """The job: SETs, the source table and the windowed SELECT."""
    column, rowtime, query, _ = FORMS[form]
    cols = ["ip STRING", column, "host STRING", "url STRING"]
    if rowtime:
        cols.append(rowtime)
    cols.append("WATERMARK FOR rt AS rt - INTERVAL '15' SECOND")
    body = ",\n  ".join(cols)
    return (
        f"SET 'parallelism.default' = '{parallelism}';\n"
        f"CREATE TABLE events (\n  {body}\n) {WITH};\n{query}\n"
    )


def write_events(form: str, n: int, path: Path) -> None:
    """``n`` seed-like events (fixed seed): ~20 events/s of event time, up to 2 s of disorder."""
    rng = random.Random(SEED)
    size = 1 << 16
    steps = [rng.randint(0, 100) for _ in range(size)]
    jitter = [rng.randint(0, 2000) for _ in range(size)]
    hosts = [HOSTS[rng.randrange(len(HOSTS))] for _ in range(size)]
    field = (
        "ts" if form.startswith("epoch") else ("rt" if form.startswith("json") else "event_time")
    )
    value_of = FORMS[form][3]
    t = START_MS
    with open(path, "w") as out:
        for i in range(n):
            j = (i * 7919) & (size - 1)
            t += steps[j]
            event = {
                "ip": f"203.0.113.{j & 255}",
                field: value_of(t - jitter[j]),
                "host": hosts[j],
                "url": "/",
            }
            out.write(json.dumps(event, separators=(",", ":")) + "\n")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _printed(value: Any) -> str | None:
    if value is None:
        return None
    return str(value)


def run_ours(job: Path, events: Path, workers: str | None = None) -> dict[str, Any]:
    """One ``flinkdoctor simulate-windows`` process (with its split fetchers, whose CPU time
    counts too; ``workers``: ``FLINKDOCTOR_WORKERS``, "0" for one process); its rows as
    printed strings."""
    exe = str(Path(sys.executable).with_name("flinkdoctor"))
    env = dict(os.environ)
    if workers is not None:
        env["FLINKDOCTOR_WORKERS"] = workers
    cpu0, wall0 = _children_cpu(), time.perf_counter()
    proc = subprocess.run(
        [exe, "simulate-windows", str(job), "--events", str(events), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    wall, cpu = time.perf_counter() - wall0, _children_cpu() - cpu0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"flinkdoctor failed ({proc.returncode}): {proc.stderr.strip()}")
    doc = json.loads(proc.stdout)
    names = [c["name"] for c in doc["columns"]]
    rows = Counter(tuple(_printed(r[name]) for name in names) for r in doc["rows"])
    return {"wall_s": wall, "cpu_s": cpu, "rows": rows}


def run_flink(job_text: str, data: str) -> dict[str, Any]:
    """A fresh harness JVM runs the job (MiniCluster start-up included), nothing cached."""
    from tests.support.flink import Case, flink_runtime

    cpu0, wall0 = _children_cpu(), time.perf_counter()
    runtime = flink_runtime()
    try:
        [res] = runtime.run_scripts(
            [Case(job_text, files={"events.jsonl": data}, max_rows=10_000_000)],
            timeout=1800,
            use_cache=False,
        )
    finally:
        runtime.close()
    wall, cpu = time.perf_counter() - wall0, _children_cpu() - cpu0
    if res.error:
        raise SystemExit(f"Flink failed: {res.error}")
    rows = Counter(tuple(r) for r in res.queries[-1].rows)
    return {"wall_s": wall, "cpu_s": cpu, "rows": rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--forms", default=",".join(FORMS))
    parser.add_argument("--parallelism", default="1,3", help="for the seed forms; others use 1")
    parser.add_argument("--no-flink", action="store_true")
    parser.add_argument(
        "--single", action="store_true", help="also run ours as one process (no split fetchers)"
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    n = args.events
    load = os.getloadavg()[0]
    print(f"{n:,} events per file; load average {load:.2f}; {os.cpu_count()} cores")
    header = f"{'form':26} {'p':>2} {'ours s':>7} {'cpu':>6} {'ev/s':>10} {'flink s':>8}"
    print(header + f" {'cpu':>6} {'ours/flink':>10} rows")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for form in args.forms.split(","):
            events = Path(tmp) / "events.jsonl"
            write_events(form, n, events)
            data = events.read_text() if not args.no_flink else ""
            levels = [int(p) for p in args.parallelism.split(",")] if "seed" in form else [1]
            for parallelism in levels:
                text = script(form, parallelism)
                job = Path(tmp) / "job.sql"
                job.write_text(text.replace("${DATA_DIR}", tmp))
                single = run_ours(job, events, "0") if args.single else None
                ours = run_ours(job, events)
                if single is not None and single["rows"] != ours["rows"]:
                    raise SystemExit(f"{form}: one process and fetchers differ")
                flink = None if args.no_flink else run_flink(text, data)
                if flink is not None and flink["rows"] != ours["rows"]:
                    diff = (flink["rows"] - ours["rows"]) + (ours["rows"] - flink["rows"])
                    raise SystemExit(f"{form}: rows differ, e.g. {list(diff.items())[:3]}")
                row = {
                    "form": form,
                    "parallelism": parallelism,
                    "events": n,
                    "rows": sum(ours["rows"].values()),
                    "ours_wall_s": ours["wall_s"],
                    "ours_cpu_s": ours["cpu_s"],
                    "flink_wall_s": flink["wall_s"] if flink else None,
                    "flink_cpu_s": flink["cpu_s"] if flink else None,
                    "load": os.getloadavg()[0],
                    "single_wall_s": single["wall_s"] if single else None,
                    "single_cpu_s": single["cpu_s"] if single else None,
                }
                results.append(row)
                fw = (
                    f"{flink['wall_s']:8.2f} {flink['cpu_s']:6.1f}"
                    if flink
                    else f"{'-':>8} {'-':>6}"
                )
                ratio = f"{ours['wall_s'] / flink['wall_s']:10.3f}" if flink else f"{'-':>10}"
                print(
                    f"{form:26} {parallelism:>2} {ours['wall_s']:7.2f} {ours['cpu_s']:6.2f} "
                    f"{n / ours['wall_s']:>10,.0f} {fw} {ratio} {row['rows']}"
                    + (" identical" if flink else "")
                    + (
                        f" (one process: {single['wall_s']:.2f} s, cpu {single['cpu_s']:.2f})"
                        if single
                        else ""
                    ),
                    flush=True,
                )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
