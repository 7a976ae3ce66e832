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
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flinkdoctor.engine import Overrides, build_plan, simulate
from flinkdoctor.events import read_events
from flinkdoctor.events.record import Record
from flinkdoctor.sql import parse_script

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
) WITH ('connector' = 'kafka', 'topic' = 'bench', 'format' = 'json',
        'scan.bounded.mode' = 'latest-offset');
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
            env.write(
                f'{{"partition":{p},"offset":{offsets[p]},"timestamp":null,"value":{line}}}\n'
            )
            offsets[p] += 1
    return env_path, plain_path


def measure(
    label: str,
    script: str,
    source: Iterator[Record],
    n: int,
    trace: bool = False,
    **overrides: object,
) -> dict[str, object]:
    """Run one simulation; wall time, CPU time (the machine may be shared) and, with ``trace``,
    peak Python heap (tracemalloc slows the run, so it is a separate pass)."""
    plan = build_plan(parse_script(script, "bench.sql"), Overrides(**overrides))  # type: ignore[arg-type]
    if trace:
        tracemalloc.start()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    result = simulate(plan, source)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    if trace:
        tracemalloc.stop()
    shown = f"peak {peak:6.1f} MiB" if peak is not None else f"{n / cpu:>10,.0f} ev/s cpu"
    print(
        f"{label:<44} {n:>9} ev  wall {wall:6.2f} s {n / wall:>10,.0f} ev/s  {shown}  "
        f"rows {len(result.rows)} open {len(result.pending)} dropped {result.dropped_total}"
    )
    return {
        "label": label,
        "wall_s": wall,
        "cpu_s": cpu,
        "peak_mib": peak,
        "rows": len(result.rows),
    }


def generation_cpu(n: int) -> float:
    """CPU seconds spent only making the in-memory records (subtracted for 'engine only')."""
    cpu0 = time.process_time()
    for _ in records(n):
        pass
    return time.process_time() - cpu0


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

        plan = build_plan(
            parse_script(KAFKA_SCRIPT, "bench.sql"),
            Overrides(partitions=PARTITIONS, arrival="backlog", backlog_rate=100_000),
        )
        cProfile.runctx(
            "simulate(plan, records(n))",
            globals(),
            {"plan": plan, "n": n, "records": records},
            "/tmp/bench.prof",
        )
        pstats.Stats("/tmp/bench.prof").sort_stats("tottime").print_stats(15)
        return
    kafka = {"partitions": PARTITIONS, "arrival": "backlog", "backlog_rate": 100_000}
    gen = generation_cpu(n)
    run = measure("engine, Kafka job, in-memory records", KAFKA_SCRIPT, records(n), n, **kafka)
    engine_cpu = float(run["cpu_s"]) - gen  # type: ignore[arg-type]
    print(
        f"{'  engine only (record generation subtracted)':<44} {n:>9} ev  cpu {engine_cpu:6.2f} s "
        f"{n / engine_cpu:>10,.0f} ev/s"
    )
    sample = min(n, 200_000)
    materialized = list(records(sample))  # generation outside the timed region
    best = 0.0
    for _ in range(3):
        plan = build_plan(parse_script(KAFKA_SCRIPT, "bench.sql"), Overrides(**kafka))  # type: ignore[arg-type]
        cpu0 = time.process_time()
        simulate(plan, materialized)
        best = max(best, sample / (time.process_time() - cpu0))
    del materialized
    print(
        f"{'  engine only (pre-made records, best of 3)':<44} {sample:>9} ev  "
        f"{best:>25,.0f} ev/s cpu"
    )
    measure(
        "engine, Kafka job, file arrival",
        KAFKA_SCRIPT,
        records(n),
        n,
        partitions=PARTITIONS,
        arrival="file",
    )
    measure("engine, Kafka job (memory pass)", KAFKA_SCRIPT, records(n), n, trace=True, **kafka)
    with tempfile.TemporaryDirectory() as tmp:
        env_path, plain_path = write_files(n, Path(tmp))
        measure(
            "engine + JSONL reader (envelopes)",
            KAFKA_SCRIPT,
            read_events(str(env_path)),
            n,
            **kafka,
        )
        file_script = FILE_SCRIPT.replace("${DATA_DIR}", tmp)
        measure(
            "engine + JSONL reader, filesystem job", file_script, read_events(str(plain_path)), n
        )
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
            [res] = runtime.run_scripts(
                [Case(FILE_SCRIPT, files={"events.jsonl": data}, max_rows=10_000_000)],
                timeout=1800,
                use_cache=False,
            )
            wall = time.perf_counter() - started
        finally:
            runtime.close()
        if res.error:
            print(f"Flink failed: {res.error}")
            return
        query_s = (res.statement_ms[-1] / 1000) if res.statement_ms else wall
        print(
            f"{'Flink 1.20 (harness, filesystem job)':<38} {n:>9} events {query_s:7.2f} s "
            f"{n / query_s:>10,.0f} ev/s  (wall incl. JVM/job setup {wall:.1f} s) "
            f"rows {len(res.rows)}"
        )
        ours = measure(
            "engine + JSONL reader, filesystem job", file_script, read_events(str(plain_path)), n
        )
        print(
            f"ratio ours/Flink (same filesystem job and file, wall): "
            f"{(n / float(ours['wall_s'])) / (n / query_s):.2f}x"
        )  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
