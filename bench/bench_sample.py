"""Throughput of ``flinkdoctor sample`` next to ``kcat -C -e`` on the same topic.

Run from the repository root: ``python bench/bench_sample.py [--messages 200000] [--partitions 8]``.
It starts the test suite's real broker (tests/support/kafka.py: Kafka 3.9, KRaft, 127.0.0.1),
fills a topic with ~500-byte JSON events (kcat -P), then times, each as a fresh process writing to a file
(best of ``--runs``):

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
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.kafka import KafkaBroker, start_broker  # noqa: E402

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


def timed(cmd: list[str], out: Path) -> float:
    with open(out, "wb") as sink:
        started = time.perf_counter()
        subprocess.run(cmd, stdout=sink, stderr=subprocess.PIPE, check=True)
        return time.perf_counter() - started


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
        best: dict[str, float] = {}
        for name, cmd in cases.items():
            out = tmp / "out.jsonl"
            times = [timed(cmd, out) for _ in range(args.runs)]
            lines = count_lines(out)
            if lines != args.messages:
                sys.exit(f"{name} wrote {lines} lines, expected {args.messages}")
            best[name] = min(times)
        mb = args.messages * args.size / 1e6
        print(f"\n{'tool':<22}{'best s':>9}{'msg/s':>12}{'MB/s':>8}")
        for name, seconds in best.items():
            print(f"{name:<22}{seconds:>9.2f}{args.messages / seconds:>12,.0f}{mb / seconds:>8.1f}")
        ours = best["flinkdoctor sample"]
        for name in ("kcat -C -e -J", "kcat -C -e"):
            print(f"flinkdoctor / {name}: {best[name] / ours:.2f} of kcat's throughput")
    finally:
        broker.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
