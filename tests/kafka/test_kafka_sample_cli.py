"""``flinkdoctor sample`` as a user runs it (a real process) against the real broker."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from flinkdoctor.events import read_events
from tests.support.kafka import SASL_PASSWORD, SASL_USER, KafkaBroker, Message

pytestmark = pytest.mark.kafka

T0 = 1734145200000
CLI = [sys.executable, "-c", "from flinkdoctor.cli.app import main; main()"]
SHADED_PLAIN = (
    "org.apache.flink.kafka.shaded.org.apache.kafka.common.security.plain.PlainLoginModule"
)


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAFKA_")}
    env.update(extra)
    return env


def flinkdoctor(
    *args: str, timeout: float = 60, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env or clean_env(),
        check=False,
    )


def events(count: int, partitions: int) -> list[Message]:
    return [
        Message(
            json.dumps({"n": i, "event_time": f"2024-12-14T03:00:{i % 60:02d}.000Z"}).encode(),
            i % partitions,
            T0 + i * 1000,
        )
        for i in range(count)
    ]


@pytest.fixture(scope="module")
def topic(kafka_broker: KafkaBroker) -> str:
    name = kafka_broker.create_topic(partitions=3)
    kafka_broker.produce(name, events(10, 2))  # partition 2 stays empty
    return name


def test_sample_writes_envelopes_and_a_summary(
    kafka_broker: KafkaBroker, topic: str, tmp_path: Path
) -> None:
    out = tmp_path / "sample.jsonl"
    done = flinkdoctor(
        "sample",
        "-b",
        kafka_broker.bootstrap,
        "-t",
        topic,
        "--from",
        "earliest",
        "--time-field",
        "event_time",
        "-o",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    records = list(read_events(out))
    assert sorted((r.partition, r.offset) for r in records) == sorted(
        (i % 2, i // 2) for i in range(10)
    )
    assert all(r.timestamp_type == "CreateTime" and isinstance(r.value, dict) for r in records)
    assert "10 records from" in done.stderr
    assert "Empty partitions: 2" in done.stderr
    assert "times on 2024-12-14" in done.stderr
    assert "→ 03:00:09.000" in done.stderr  # last event time of partition 1


def test_summary_json_and_stdout_output(kafka_broker: KafkaBroker, topic: str) -> None:
    done = flinkdoctor(
        "sample", "-b", kafka_broker.bootstrap, "-t", topic, "--from", "-2", "--summary", "json"
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 4
    assert {json.loads(line)["offset"] for line in lines} == {3, 4}
    summary = json.loads(done.stderr)
    assert summary["sampled"] == 4 and summary["empty_partitions"] == [2]
    assert summary["partitions"][0]["first_message"]["timestamp"] == "2024-12-14 03:00:00.000"
    assert summary["stop_reason"] == "complete"


def test_a_closed_pipe_ends_the_sample_quietly(kafka_broker: KafkaBroker) -> None:
    """`flinkdoctor sample ... | head -1`: exit 0, the summary says why it stopped."""
    big = kafka_broker.create_topic(partitions=2)
    kafka_broker.produce(big, events(3000, 2))  # far more than a pipe buffer holds
    command = [*CLI, "sample", "-b", kafka_broker.bootstrap, "-t", big, "--from", "earliest"]
    process = subprocess.Popen(
        [*command, "--max-per-partition", "100000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=clean_env(),
    )
    assert process.stdout is not None and process.stderr is not None
    assert json.loads(process.stdout.readline())["partition"] in (0, 1)
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=30) == 0, stderr
    assert "Traceback" not in stderr
    assert "stopped when the reader of the output went away" in " ".join(stderr.split())


def test_empty_topic_is_reported_not_an_error(kafka_broker: KafkaBroker) -> None:
    empty = kafka_broker.create_topic(partitions=2)
    done = flinkdoctor("sample", "-b", kafka_broker.bootstrap, "-t", empty, "--from", "earliest")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert "0 records" in done.stderr and "Empty partitions: 0, 1" in done.stderr


def test_unreachable_broker_exits_3_within_the_timeout() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    done = flinkdoctor("sample", "-b", f"127.0.0.1:{port}", "-t", "x", "--timeout", "3")
    assert done.returncode == 3
    assert time.monotonic() - started < 3 + 30  # start-up plus the timeout, with margin
    assert done.stderr.strip() == (
        f"flinkdoctor: error: Kafka unreachable: connection to 127.0.0.1:{port} refused "
        "(is the broker running there?)"
    )
    assert done.stdout == ""


def test_a_silent_listener_does_not_hang_the_command() -> None:
    """Something accepts connections but never answers: still exit 3 by the timeout."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        port = silent.getsockname()[1]
        started = time.monotonic()
        done = flinkdoctor("sample", "-b", f"127.0.0.1:{port}", "-t", "x", "--timeout", "3")
    assert done.returncode == 3
    assert time.monotonic() - started < 3 + 30  # not a hang (margin: a loaded machine)
    assert done.stderr.strip() == (
        f"flinkdoctor: error: Kafka unreachable: no answer from 127.0.0.1:{port} while "
        "connecting within 3 s"
    )


def test_bad_credentials_exit_3_and_never_show_the_secret(
    kafka_broker: KafkaBroker, topic: str, tmp_path: Path
) -> None:
    wrong = "Wr0ng-Pa55-Word"
    config = tmp_path / "client.properties"
    config.write_text(
        f"bootstrap.servers={kafka_broker.address('SASL_PLAINTEXT')}\n"
        "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\n"
        f"sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\\n"
        f'  username="{SASL_USER}" password="{wrong}";\n'
    )
    done = flinkdoctor("sample", "--kafka-config", str(config), "-t", topic, "--timeout", "4")
    assert done.returncode == 3
    assert "not authorised" in done.stderr and "Traceback" not in done.stderr
    assert wrong not in done.stderr + done.stdout


def test_unknown_topic_exits_2_with_close_names(kafka_broker: KafkaBroker, topic: str) -> None:
    done = flinkdoctor("sample", "-b", kafka_broker.bootstrap, "-t", topic[:-1] + "Z")
    assert done.returncode == 2
    assert f"close names: {topic}" in done.stderr and "Traceback" not in done.stderr


def test_ddl_alone_is_enough(kafka_broker: KafkaBroker, topic: str, tmp_path: Path) -> None:
    """The seed's WITH options (SASL_SSL, PLAIN, Flink's shaded JAAS class) and nothing else."""
    jaas = f'{SHADED_PLAIN} required username="{SASL_USER}" password="{SASL_PASSWORD}";'
    ddl = tmp_path / "job.sql"
    ddl.write_text(f"""
        CREATE TABLE events (
          n INT, event_time VARCHAR,
          ts AS TO_TIMESTAMP(event_time, 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z'''),
          WATERMARK FOR ts AS ts - INTERVAL '15' SECOND
        ) WITH (
          'connector' = 'kafka',
          'topic' = '{topic}',
          'properties.bootstrap.servers' = '{kafka_broker.address("SASL_SSL")}',
          'properties.group.id' = 'web-events',
          'properties.security.protocol' = 'SASL_SSL',
          'properties.sasl.mechanism' = 'PLAIN',
          'properties.sasl.jaas.config' = '{jaas}',
          'properties.ssl.truststore.type' = 'PEM',
          'properties.ssl.truststore.location' = '{kafka_broker.ca_file}',
          'scan.startup.mode' = 'latest-offset',
          'format' = 'json'
        );
    """)
    done = flinkdoctor("sample", "--ddl", str(ddl), "--from", "earliest", "--summary", "json")
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 10
    assert SASL_PASSWORD not in done.stderr
    summary = json.loads(done.stderr)
    p1 = summary["partitions"][1]
    assert p1["last_message"]["event_time"] == "2024-12-14 03:00:09.000"  # the DDL's rowtime
    assert p1["sample"]["missing_event_time"] == 0

    # The seed's bug: the pattern cannot parse the data, so Flink's rowtime is NULL everywhere.
    ddl.write_text(ddl.read_text().replace("''T''HH:mm:ss.SSS''Z''", " HH:mm:ss"))
    done = flinkdoctor("sample", "--ddl", str(ddl), "--from", "earliest", "--summary", "json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stderr)
    assert [p["sample"]["missing_event_time"] for p in summary["partitions"]] == [5, 5, 0]
    assert summary["partitions"][0]["sample"]["first_event_time"] is None


def test_ctrl_c_leaves_a_valid_partial_sample(kafka_broker: KafkaBroker, tmp_path: Path) -> None:
    live = kafka_broker.create_topic(partitions=2)
    out = tmp_path / "partial.jsonl"
    stop = threading.Event()

    def keep_producing() -> None:
        while not stop.is_set():
            kafka_broker.produce(live, events(50, 2))
            time.sleep(0.2)

    producer = threading.Thread(target=keep_producing)
    process = subprocess.Popen(
        [
            *CLI,
            "sample",
            "-b",
            kafka_broker.bootstrap,
            "-t",
            live,
            "--from",
            "latest",
            "--timeout",
            "60",
            "-o",
            str(out),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_env(),
    )
    try:
        time.sleep(2.5)  # connected and following
        producer.start()
        time.sleep(2.5)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=20)
    finally:
        stop.set()
        if producer.is_alive():
            producer.join()
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, stderr
    records = list(read_events(out))  # every line parses: the file is valid
    assert records, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert out.read_text().endswith("\n")
