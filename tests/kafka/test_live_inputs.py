"""check-pattern and simulate-windows reading a real topic instead of --events (issue: Kafka for
real, item 3): the seed's case 2 DDL pointed at a local broker, one partition left empty."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.kafka import KafkaBroker, Message

pytestmark = pytest.mark.kafka

CLI = [sys.executable, "-c", "from flinkdoctor.cli.app import main; main()"]
EVENTS = [  # (partition, event_time, host): seed events E1..E6 on partitions 0 and 1
    (0, "2024-12-14T03:00:05.123Z", "www.dataexpert.io"),
    (1, "2024-12-14T03:02:25.454Z", "bootcamp.techcreator.io"),
    (0, "2024-12-14T03:04:46.424Z", "www.dataexpert.io"),
    (1, "2024-12-14T03:05:16.578Z", "www.techcreator.io"),
    (0, "2024-12-14T03:05:21.982Z", "bootcamp.techcreator.io"),
    (1, "2024-12-14T03:05:30.001Z", "www.dataexpert.io"),
]


def _ddl(tmp_path: Path, bootstrap: str, topic: str, pattern: str) -> Path:
    script = tmp_path / "job.sql"
    script.write_text(
        "CREATE TABLE events (\n"
        "  host STRING, event_time STRING,\n"
        f"  window_timestamp AS TO_TIMESTAMP(event_time, '{pattern}'),\n"
        "  WATERMARK FOR window_timestamp AS window_timestamp - INTERVAL '15' SECOND\n"
        ") WITH ('connector' = 'kafka', 'topic' = '" + topic + "',\n"
        "  'properties.bootstrap.servers' = '" + bootstrap + "',\n"
        "  'scan.startup.mode' = 'earliest-offset', 'format' = 'json');\n"
        "SELECT window_start, host, COUNT(*) AS hits\n"
        "FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(window_timestamp), INTERVAL '5' MINUTE))\n"
        "GROUP BY window_start, window_end, host;\n"
    )
    return script


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAFKA_")}
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, timeout=90, env=env, check=False
    )


@pytest.fixture(scope="module")
def topic(kafka_broker: KafkaBroker) -> str:
    name = kafka_broker.create_topic(partitions=3)  # partition 2 stays empty
    kafka_broker.produce(
        name,
        [
            Message(
                json.dumps({"host": h, "event_time": t}).encode(),
                partition=p,
                timestamp=1734145200000 + i * 1000,
            )
            for i, (p, t, h) in enumerate(EVENTS)
        ],
    )
    return name


def test_check_pattern_samples_the_ddls_topic(
    kafka_broker: KafkaBroker, topic: str, tmp_path: Path
) -> None:
    """R4.2: the seed's wrong pattern turns every sampled value into NULL."""
    script = _ddl(tmp_path, kafka_broker.bootstrap, topic, "yyyy-MM-dd HH:mm:ss")
    run = _run("check-pattern", "--ddl", str(script), "--from", "earliest", "--format", "json")
    assert run.returncode == 1, run.stderr
    data = json.loads(run.stdout)
    assert data["summary"]["total"] == 6
    assert data["summary"]["null"] == 6
    assert data["suggestion"]["pattern"] == "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"


def test_simulate_windows_samples_live_and_names_the_empty_partition(
    kafka_broker: KafkaBroker, topic: str, tmp_path: Path
) -> None:
    """R2.1 / R6.4: the empty partition 2 pins the watermark, so nothing fires; the partition
    count comes from the topic's metadata, not from the sampled records."""
    script = _ddl(tmp_path, kafka_broker.bootstrap, topic, "yyyy-MM-dd''T''HH:mm:ss.SSS''Z''")
    run = _run("simulate-windows", str(script), "--from", "earliest", "--format", "json")
    assert run.returncode == 1, run.stderr
    data = json.loads(run.stdout)
    assert data["rows"] == []
    assert data["config"]["partitions"] == 3
    holders = {h["input"] for p in data["pending"] for h in p["held_back_by"]}
    assert any(h.startswith("partition 2") for h in holders), holders


def test_events_and_kafka_flags_together_is_a_usage_error(tmp_path: Path) -> None:
    script = _ddl(tmp_path, "127.0.0.1:1", "t", "yyyy")
    events = tmp_path / "e.jsonl"
    events.write_text('{"host": "a"}\n')
    run = _run("simulate-windows", str(script), "--events", str(events), "-t", "x")
    assert run.returncode == 2
    assert "not both" in run.stderr


def test_sample_the_shipped_example_ddl_calls_out_the_empty_partition(
    kafka_broker: KafkaBroker,
) -> None:
    """The issue's acceptance run: `flinkdoctor sample --ddl examples/kafka/pageviews.sql` (its
    broker address replaced by KAFKA_BOOTSTRAP_SERVERS, as on a developer's machine) prints the
    partition table and calls out partition 2, which holds Flink's watermark back (R2.1)."""
    kafka_broker.create_topic("pageviews", partitions=3)
    kafka_broker.produce(
        "pageviews",
        [
            Message(
                json.dumps({"host": h, "event_time": t}).encode(),
                partition=p,
                timestamp=1734145200000 + i * 1000,
            )
            for i, (p, t, h) in enumerate(EVENTS)
        ],
    )
    example = Path(__file__).parents[2] / "examples" / "kafka" / "pageviews.sql"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAFKA_")}
    env["KAFKA_BOOTSTRAP_SERVERS"] = kafka_broker.bootstrap
    env["COLUMNS"] = "160"
    run = subprocess.run(
        [*CLI, "sample", "--ddl", str(example), "--from", "earliest", "--no-progress"],
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert len(run.stdout.splitlines()) == 6
    assert "Empty partitions: 2." in run.stderr
    assert "Traceback" not in run.stderr
