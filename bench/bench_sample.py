"""Throughput of ``flinkdoctor sample`` next to ``kcat -C -e`` on the same topic.

Run from the repository root: ``python bench/bench_sample.py [--messages N] [--partitions P]``.
It starts the test suite's real broker (tests/support/kafka.py: Kafka 3.9, KRaft, 127.0.0.1),
fills a topic with ~500-byte JSON events (kcat -P), then times each tool as a fresh process
writing to a file, best of ``--runs``, interleaved; wall time and CPU time (user + sys, which
stays meaningful on a busy machine):

- ``kcat -C -e -J`` (JSON envelopes, the closest to what we write) and ``kcat -C -e`` (payloads);
- ``flinkdoctor sample --from earliest`` (envelopes, every record decoded as JSON).

kcat comes from PATH (``kcat`` or ``kafkacat``); if missing, the Debian package is installed with
apt-get when running as root. The broker is stopped at the end, also on errors.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.kafka import KafkaBroker, start_broker

CLI = [sys.executable, "-c", "from flinkdoctor.cli.app import main; main()"]


def find_kcat() -> str:
    """kcat on PATH, installed from Debian's package when absent and we may."""
    for name in ("kcat", "kafkacat"):
        found = shutil.which(name)
        if found:
            return found
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("installing kcat (apt-get install kcat) ...", file=sys.stderr)
        subprocess.run(["apt-get", "update", "-qq"], check=True, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "kcat"], check=True, capture_output=True)
        found = shutil.which("kcat")
        if found:
            return found
    sys.exit("kcat not found: install it (Debian/Ubuntu: apt-get install kcat) and rerun")


def payloads(count: int, size: int) -> list[bytes]:
    """JSON events of about ``size`` bytes, shaped like the seed case's page views."""
    rng = random.Random(7)
    hosts = ["www.dataexpert.io", "bootcamp.techcreator.io", "www.techcreator.io"]
    out = []
    for i in range(count):
        event = {
            "url": f"/page/{i % 977}",
            "referrer": "https://www.google.com/",
            "user_agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)",
            "host": hosts[i % 3],
            "ip": f"203.0.113.{i % 250}",
            "headers": {"accept-language": "en-US", "x-request-id": f"{rng.getrandbits(64):016x}"},
            "event_time": f"2024-12-14T03:{(i // 60) % 60:02d}:{i % 60:02d}.{i % 1000:03d}Z",
        }
        text = json.dumps(event)
        event["pad"] = "x" * max(0, size - len(text) - 10)
        out.append(json.dumps(event).encode())
    return out


def fill(broker: KafkaBroker, kcat: str, partitions: int, count: int, size: int, tmp: Path) -> str:
    """A topic holding ``count`` events round-robin over ``partitions``, produced with kcat -P
    (several times faster than a Python producer)."""
    topic = broker.create_topic("bench", partitions=partitions)
    values = payloads(count, size)
    for partition in range(partitions):
        lines = tmp / f"p{partition}.jsonl"
        lines.write_bytes(b"\n".join(values[partition::partitions]) + b"\n")
        subprocess.run(
            [
                kcat,
                "-P",
                "-b",
                broker.bootstrap,
                "-t",
                topic,
                "-p",
                str(partition),
                "-l",
                str(lines),
            ],
            check=True,
        )
        lines.unlink()
    return topic


def timed(cmd: list[str], out: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of ``cmd`` writing to ``out``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(out, "wb") as sink:
        started = time.perf_counter()
        subprocess.run(cmd, stdout=sink, stderr=subprocess.PIPE, check=True)
        wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


def count_lines(path: Path) -> int:
    with open(path, "rb") as handle:
        return sum(1 for _ in handle)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--size", type=int, default=500, help="approximate bytes per message")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    kcat = find_kcat()
    broker = start_broker()
    tmp = Path(tempfile.mkdtemp(prefix="bench-sample-"))
    try:
        started = time.perf_counter()
        topic = fill(broker, kcat, args.partitions, args.messages, args.size, tmp)
        print(
            f"produced {args.messages} messages x ~{args.size} B into {args.partitions} "
            f"partitions in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
        base = ["-b", broker.bootstrap, "-t", topic]
        cases = {
            "kcat -C -e -J": [kcat, "-C", *base, "-o", "beginning", "-e", "-q", "-J"],
            "kcat -C -e": [kcat, "-C", *base, "-o", "beginning", "-e", "-q"],
            "flinkdoctor sample": [
                *CLI,
                "sample",
                *base,
                "--from",
                "earliest",
                "--max-per-partition",
                "100000000",
                "--max-total",
                "100000000",
                "--timeout",
                "600",
                "--summary",
                "none",
                "--no-progress",
            ],
        }
        walls: dict[str, list[float]] = {name: [] for name in cases}
        cpus: dict[str, list[float]] = {name: [] for name in cases}
        out = tmp / "out.jsonl"
        for _ in range(args.runs):
            for name, cmd in cases.items():
                wall, cpu = timed(cmd, out)
                lines = count_lines(out)
                if lines != args.messages:
                    sys.exit(f"{name} wrote {lines} lines, expected {args.messages}")
                walls[name].append(wall)
                cpus[name].append(cpu)
        wall_best = {name: min(times) for name, times in walls.items()}
        cpu_best = {name: min(times) for name, times in cpus.items()}
        mb = args.messages * args.size / 1e6
        print(f"\n{'tool':<22}{'wall s':>8}{'msg/s':>11}{'MB/s':>8}{'CPU s':>8}")
        for name in cases:
            seconds = wall_best[name]
            print(
                f"{name:<22}{seconds:>8.2f}{args.messages / seconds:>11,.0f}"
                f"{mb / seconds:>8.1f}{cpu_best[name]:>8.2f}"
            )
        ours = "flinkdoctor sample"
        for name in ("kcat -C -e -J", "kcat -C -e"):
            print(
                f"flinkdoctor vs {name}: {wall_best[name] / wall_best[ours]:.2f} of its throughput "
                f"(wall), {cpu_best[name] / cpu_best[ours]:.2f} (CPU)"
            )
    finally:
        broker.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
