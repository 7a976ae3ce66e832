"""Benchmark: simulate 1,000,000 events (8 partitions, 5-minute TUMBLE by key) and, side by side,
run the same job on real Flink 1.20 through the test harness.

    python bench/bench_simulate.py [--events 1000000] [--no-flink] [--profile]

Measures our throughput (events/s) and peak memory (tracemalloc, Python heap) for three inputs:
records made in memory (the engine alone), the same events read from a JSONL envelope file
(reader + JSON decoding included), and the filesystem-source variant of the job (the exact job the
Flink side runs). Flink reads the events from a JSONL file with the filesystem connector (the
harness has no Kafka broker); its time is the wall time of the INSERT/SELECT statement, JVM start
excluded. Events are generated deterministically (fixed seed).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flinkdoctor.engine import Overrides, build_plan, simulate  # noqa: E402
from flinkdoctor.events import read_events  # noqa: E402
from flinkdoctor.events.record import Record  # noqa: E402
from flinkdoctor.sql import parse_script  # noqa: E402

PARTITIONS = 8
KEYS = [f"user-{i:03d}" for i in range(200)]
START = 1_733_011_200_000  # 2024-12-01 00:00:00 UTC
SEED = 20261126

KAFKA_SCRIPT = """
SET 'parallelism.default' = '8';
CREATE TABLE events (
  ts_ms BIGINT, k STRING, v INT,
  ts AS TO_TIMESTAMP_LTZ(ts_ms, 3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'kafka', 'topic' = 'bench', 'format' = 'json', 'scan.bounded.mode' = 'latest-offset');
SELECT window_start, window_end, k, COUNT(*) AS c, SUM(v) AS s
FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '5' MINUTE))
GROUP BY window_start, window_end, k;
"""

FILE_SCRIPT = """
SET 'parallelism.default' = '1';
CREATE TABLE events (
  ts_ms BIGINT, k STRING, v INT,
  ts AS TO_TIMESTAMP_LTZ(ts_ms, 3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'filesystem', 'path' = '${DATA_DIR}/events.jsonl', 'format' = 'json');
SELECT window_start, window_end, k, COUNT(*) AS c, SUM(v) AS s
FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '5' MINUTE))
GROUP BY window_start, window_end, k;
"""


def event_values(n: int) -> Iterator[tuple[int, dict[str, object]]]:
    """(partition, value) for ``n`` events: ~20 events/s of event time, up to 2 s of disorder.
    Random draws come from fixed tables (seeded) so generating is cheap next to simulating."""
    rng = random.Random(SEED)
    size = 1 << 16
    steps = [rng.randint(0, 100) for _ in range(size)]
    jitter = [rng.randint(0, 2000) for _ in range(size)]
    keys = [KEYS[rng.randrange(len(KEYS))] for _ in range(size)]
    vals = [rng.randint(0, 1000) for _ in range(size)]
    t = START
    mask = size - 1
    for i in range(n):
        j = (i * 7919) & mask
        t += steps[j]
        yield i % PARTITIONS, {"ts_ms": t - jitter[j], "k": keys[j], "v": vals[j]}


class BenchRecord:
    """A light stand-in for ``Record`` (same attributes, no frozen-dataclass cost) so the
    in-memory run measures the engine, not object construction."""

    __slots__ = ("offset", "partition", "source", "timestamp", "timestamp_type", "value")

    def __init__(self, value: dict[str, object], partition: int, offset: int) -> None:
        self.value = value
        self.partition = partition
        self.offset = offset
        self.timestamp = None
        self.timestamp_type = None
        self.source = ""


def records(n: int) -> Iterator[Record]:
    """The events as records, made lazily (the engine alone, no JSON decoding)."""
    offsets = [0] * PARTITIONS
    for p, value in event_values(n):
        offsets[p] += 1
        yield BenchRecord(value, p, offsets[p])  # type: ignore[misc]


def write_files(n: int, directory: Path) -> tuple[Path, Path]:
    """An envelope JSONL (for our reader) and a plain JSONL (for Flink's filesystem source)."""
    env_path, plain_path = directory / "envelopes.jsonl", directory / "events.jsonl"
    offsets = [0] * PARTITIONS
    with open(env_path, "w") as env, open(plain_path, "w") as plain:
        for p, value in event_values(n):
            line = json.dumps(value, separators=(",", ":"))
            plain.write(line + "\n")
            env.write(f'{{"partition":{p},"offset":{offsets[p]},"timestamp":null,"value":{line}}}\n')
            offsets[p] += 1
    return env_path, plain_path


def measure(label: str, script: str, source: Iterator[Record], n: int, **overrides: object) -> dict[str, object]:
    """Run one simulation, return its numbers."""
    plan = build_plan(parse_script(script, "bench.sql"), Overrides(**overrides))  # type: ignore[arg-type]
    tracemalloc.start()
    started = time.perf_counter()
    result = simulate(plan, source)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rate = n / elapsed
    print(f"{label:<38} {n:>9} events {elapsed:7.2f} s {rate:>10,.0f} ev/s  peak {peak / 2**20:6.1f} MiB  "
          f"rows {len(result.rows)} dropped {result.dropped_total}")
    return {"label": label, "seconds": elapsed, "events_per_s": rate, "peak_mib": peak / 2**20,
            "rows": len(result.rows), "dropped": result.dropped_total}


def measure_untraced(script: str, source: Iterator[Record], n: int, **overrides: object) -> float:
    """Throughput without tracemalloc's overhead."""
    plan = build_plan(parse_script(script, "bench.sql"), Overrides(**overrides))  # type: ignore[arg-type]
    started = time.perf_counter()
    simulate(plan, source)
    return n / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--no-flink", action="store_true")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    n = args.events
    if args.profile:
        import cProfile
        import pstats

        plan = build_plan(parse_script(KAFKA_SCRIPT, "bench.sql"), Overrides(partitions=PARTITIONS, arrival="backlog", backlog_rate=100_000))
        cProfile.runctx("simulate(plan, records(n))", globals(), {"plan": plan, "n": n, "records": records}, "/tmp/bench.prof")
        pstats.Stats("/tmp/bench.prof").sort_stats("tottime").print_stats(15)
        return
    kafka = {"partitions": PARTITIONS, "arrival": "backlog", "backlog_rate": 100_000}
    rate = measure_untraced(KAFKA_SCRIPT, records(n), n, **kafka)
    print(f"{'engine, in-memory records (no tracing)':<38} {n:>9} events {rate:>21,.0f} ev/s")
    measure("engine, in-memory records (tracemalloc)", KAFKA_SCRIPT, records(n), n, **kafka)
    with tempfile.TemporaryDirectory() as tmp:
        env_path, plain_path = write_files(n, Path(tmp))
        measure("engine + JSONL reader (envelopes)", KAFKA_SCRIPT, read_events(str(env_path)), n, **kafka)
        measure("engine, filesystem job (Path A)", FILE_SCRIPT.replace("${DATA_DIR}", tmp),
                read_events(str(plain_path)), n)
        if args.no_flink:
            return
        try:
            from tests.support.flink import Case, flink_runtime
        except ImportError as error:  # pragma: no cover
            print(f"Flink harness unavailable: {error}")
            return
        runtime = flink_runtime()
        try:
            data = plain_path.read_text()
            started = time.perf_counter()
            [res] = runtime.run_scripts([Case(FILE_SCRIPT, files={"events.jsonl": data}, max_rows=10_000_000)],
                                        timeout=1800, use_cache=False)
            wall = time.perf_counter() - started
        finally:
            runtime.close()
        if res.error:
            print(f"Flink failed: {res.error}")
            return
        query_s = (res.statement_ms[-1] / 1000) if res.statement_ms else wall
        print(f"{'Flink 1.20 (harness, filesystem job)':<38} {n:>9} events {query_s:7.2f} s "
              f"{n / query_s:>10,.0f} ev/s  (wall incl. JVM/job setup {wall:.1f} s) rows {len(res.rows)}")
        ours = measure_untraced(FILE_SCRIPT.replace("${DATA_DIR}", tmp), read_events(str(plain_path)), n)
        print(f"ratio ours/Flink (filesystem job, JSON decoding included): {ours / (n / query_s):.2f}x")
        _ = os.environ


if __name__ == "__main__":
    main()
