"""Issue 10, items 10-13: sampling under faults, against real brokers and real processes.

A slow reader of stdout is a pipe read slowly; Ctrl-C is SIGINT to the process; a frozen broker
is SIGSTOPped; a dead one is SIGKILLed (a private broker, so the session's stays up). Time bounds
are generous (a loaded 2-core machine) and far below what the faults used to cost.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import threading
import time
from collections.abc import Iterator

import pytest

from flinkdoctor.events.kafka import SampleRequest, open_sample
from flinkdoctor.events.sampling import Earliest, Latest
from flinkdoctor.events.settings import KafkaSettings
from tests.kafka.test_kafka_sample_cli import CLI, clean_env
from tests.support.kafka import KafkaBroker, Message, start_broker

pytestmark = pytest.mark.kafka

T0 = 1734145200000
BLOB = "x" * 2000


def big_messages(count: int, partition: int = 0) -> list[Message]:
    return [
        Message(json.dumps({"n": i, "pad": BLOB}).encode(), partition, T0 + i) for i in range(count)
    ]


@pytest.fixture(scope="module")
def big_topic(kafka_broker: KafkaBroker) -> str:
    """~8 MB in one partition: more than one 4 MB fetch, far more than a pipe holds."""
    topic = kafka_broker.create_topic(partitions=1)
    kafka_broker.produce(topic, big_messages(4000), max_request_size=16 * 1024 * 1024)
    return topic


def start_sample(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*CLI, "sample", "--summary", "json", "--no-progress", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=clean_env(),
    )


def wait_for_output(process: subprocess.Popen[bytes], within: float = 90) -> None:
    """Until the process has written something to stdout (without reading it)."""
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], within)
    assert ready, "the sample never started writing"


def summary_of(stderr: bytes) -> dict:  # type: ignore[type-arg]
    text = stderr.decode()
    start = text.find("\n{") + 1 if not text.startswith("{") else 0
    assert "{" in text[start:], text
    end = text.rfind("}") + 1
    return json.loads(text[start:end])  # type: ignore[no-any-return]


def complete_lines(data: bytes) -> list[dict]:  # type: ignore[type-arg]
    assert data == b"" or data.endswith(b"\n"), "the output ends in a partial line"
    return [json.loads(line) for line in data.splitlines()]


# -- 10. the deadline holds when stdout is read slowly -----------------------------------------


def test_timeout_holds_with_a_slow_reader(kafka_broker: KafkaBroker, big_topic: str) -> None:
    """Before: the deadline was checked per fetch, so a whole 4 MB batch was written after it
    (at this reader's 80 KB/s, about 50 s)."""
    started = time.monotonic()
    process = start_sample(
        "-b", kafka_broker.bootstrap, "-t", big_topic, "--from", "earliest",
        "--max-per-partition", "100000", "--timeout", "4",
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    received = bytearray()
    stderr: list[bytes] = []
    errors = threading.Thread(target=lambda: stderr.append(process.stderr.read()))  # type: ignore[union-attr]
    errors.start()
    while chunk := process.stdout.read1(8192):
        received += chunk
        time.sleep(0.1)
    assert process.wait(timeout=60) == 0
    elapsed = time.monotonic() - started
    errors.join()
    summary = summary_of(stderr[0])
    assert summary["stop_reason"] == "timeout"
    assert summary["sampled"] == len(complete_lines(bytes(received))) < 4000
    assert elapsed < 4 + 25, elapsed


# -- 11. Ctrl-C: honest summary, or one line while connecting ------------------------------------


def test_ctrl_c_while_blocked_writing_says_interrupted(
    kafka_broker: KafkaBroker, big_topic: str
) -> None:
    process = start_sample(
        "-b", kafka_broker.bootstrap, "-t", big_topic, "--from", "earliest",
        "--max-per-partition", "100000", "--timeout", "120",
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    wait_for_output(process)
    time.sleep(1.0)  # the pipe is full: the process is blocked in a write
    process.send_signal(signal.SIGINT)
    data = process.stdout.read()
    assert process.wait(timeout=60) == 130
    summary = summary_of(process.stderr.read())
    assert summary["stop_reason"] == "interrupted"
    assert summary["sampled"] == len(complete_lines(data)) > 0


@pytest.mark.parametrize(
    "command",
    [
        ("sample", "-t", "x"),
        ("check-pattern", "yyyy", "--field", "ts", "-t", "x"),
        ("simulate-windows", "examples/seed/case2_seed_fixed.sql", "-t", "x"),
    ],
)
def test_ctrl_c_while_connecting_says_interrupted(command: tuple[str, ...]) -> None:
    """A listener that accepts and never answers keeps the command connecting."""
    import socket

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        port = silent.getsockname()[1]
        process = subprocess.Popen(
            [*CLI, *command, "-b", f"127.0.0.1:{port}", "--timeout", "60"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=clean_env(),
        )
        time.sleep(4)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert err.decode().strip() == "flinkdoctor: interrupted", err.decode()
    assert out == b""


# -- 12. and 13. limits say what happened ---------------------------------------------------------


def plain(broker: KafkaBroker, topic: str) -> KafkaSettings:
    return KafkaSettings(bootstrap_servers=(broker.bootstrap,), topic=topic)


def test_latest_stops_at_max_per_partition(kafka_broker: KafkaBroker) -> None:
    topic = kafka_broker.create_topic(partitions=2)
    late = [Message(b'{"n": %d}' % i, i % 2, T0 + i) for i in range(20)]  # 10 per partition
    request = SampleRequest(start=Latest(), max_per_partition=4, timeout=60)
    started = time.monotonic()
    with open_sample(plain(kafka_broker, topic), request) as sample:
        producer = threading.Timer(1.0, kafka_broker.produce, (topic, late))
        producer.start()
        records = list(sample)
        producer.join()
    assert sorted((r.partition, r.offset) for r in records) == [
        (p, o) for p in (0, 1) for o in range(4)
    ]
    assert sample.summary.stop_reason == "complete"
    assert time.monotonic() - started < 50  # ended with the limit, not at the 60 s timeout


@pytest.mark.parametrize(("max_total", "reason"), [(5, "complete"), (4, "max-total")])
def test_max_total_equal_to_the_plan_is_complete(
    kafka_broker: KafkaBroker, max_total: int, reason: str
) -> None:
    topic = kafka_broker.create_topic(partitions=2)
    kafka_broker.produce(topic, [Message(b'{"n": %d}' % i, i % 2, T0 + i) for i in range(5)])
    request = SampleRequest(start=Earliest(), max_total=max_total, timeout=30)
    with open_sample(plain(kafka_broker, topic), request) as sample:
        records = list(sample)
    assert len(records) == max_total
    assert sample.summary.stop_reason == reason


# -- a private broker: frozen, then killed -------------------------------------------------------


@pytest.fixture(scope="module")
def doomed() -> Iterator[KafkaBroker]:
    broker = start_broker()
    try:
        yield broker
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(broker.process.pid, signal.SIGCONT)
        broker.close()


def test_a_frozen_broker_does_not_stretch_the_timeout(doomed: KafkaBroker) -> None:
    topic = doomed.create_topic(partitions=1)
    doomed.produce(topic, big_messages(4000), max_request_size=16 * 1024 * 1024)
    started = time.monotonic()
    process = start_sample(
        "-b", doomed.bootstrap, "-t", topic, "--from", "earliest",
        "--max-per-partition", "100000", "--timeout", "6",
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    try:
        wait_for_output(process)
        os.killpg(doomed.process.pid, signal.SIGSTOP)
        data = process.stdout.read()
        code = process.wait(timeout=60)
        elapsed = time.monotonic() - started
    finally:
        os.killpg(doomed.process.pid, signal.SIGCONT)
    assert code == 0, process.stderr.read()
    summary = summary_of(process.stderr.read())
    assert summary["sampled"] == len(complete_lines(data))
    assert summary["stop_reason"] in ("timeout", "complete")
    assert elapsed < 6 + 20, elapsed  # before: 17 s past a 3 s timeout


def test_a_broker_dying_mid_sample_is_a_lost_connection(doomed: KafkaBroker) -> None:
    topic = doomed.create_topic(partitions=1)
    doomed.produce(topic, big_messages(6000), max_request_size=16 * 1024 * 1024)
    process = start_sample(
        "-b", doomed.bootstrap, "-t", topic, "--from", "earliest",
        "--max-per-partition", "100000", "--timeout", "60",
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    wait_for_output(process)
    os.killpg(doomed.process.pid, signal.SIGKILL)
    doomed.process.wait(timeout=30)
    started = time.monotonic()
    data = process.stdout.read()
    code = process.wait(timeout=90)
    stderr = process.stderr.read().decode()
    assert code == 3, stderr
    assert "was lost while sampling" in stderr.splitlines()[-1]
    summary = summary_of(stderr.encode())
    assert summary["stop_reason"] == "connection-lost"
    assert summary["sampled"] == len(complete_lines(data)) < 6000
    assert time.monotonic() - started < 45  # said so, rather than waiting out the 60 s
