"""``explain`` sampling the script's Kafka table live (a real broker, read-only), and exit 3 when
the broker cannot be reached."""

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


def _job(tmp_path: Path, bootstrap: str, topic: str) -> Path:
    script = tmp_path / "job.sql"
    script.write_text(
        "CREATE TABLE events (\n"
        "  host STRING, event_time STRING,\n"
        "  window_timestamp AS TO_TIMESTAMP(event_time, 'yyyy-MM-dd HH:mm:ss'),\n"
        "  WATERMARK FOR window_timestamp AS window_timestamp - INTERVAL '15' SECOND\n"
        ") WITH (\n"
        "  'connector' = 'kafka',\n"
        f"  'topic' = '{topic}',\n"
        f"  'properties.bootstrap.servers' = '{bootstrap}',\n"
        "  'scan.startup.mode' = 'earliest-offset',\n"
        "  'format' = 'json'\n"
        ");\n"
        "SELECT window_start, host, COUNT(*) AS hits\n"
        "FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(window_timestamp), INTERVAL '5' MINUTE))\n"
        "GROUP BY window_start, window_end, host;\n",
        encoding="utf-8",
    )
    return script


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAFKA_")}
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, timeout=120, env=env, check=False
    )


def test_explain_samples_the_topic_and_fixes_pattern_and_empty_partition(
    kafka_broker: KafkaBroker, tmp_path: Path
) -> None:
    """The seed's pattern (R4.2: NULL on every value) and an empty partition 2 (R2.1): both are
    named, and one fix (the pattern and an idle timeout) is verified on the live sample."""
    topic = kafka_broker.create_topic(partitions=3)
    kafka_broker.produce(
        topic,
        [
            Message(
                json.dumps({"host": h, "event_time": t}).encode(),
                partition=p,
                timestamp=1734145200000 + i * 1000,
            )
            for i, (p, t, h) in enumerate(EVENTS)
        ],
    )
    script = _job(tmp_path, kafka_broker.bootstrap, topic)
    run = _run("explain", str(script), "--from", "earliest", "--format", "json")
    assert run.returncode == 1, run.stderr
    doc = json.loads(run.stdout)
    names = [f["name"] for f in doc["findings"]]
    assert names[0] == "pattern-mismatch"
    assert "idle-partition" in names
    assert doc["records"] == 6
    assert any("live sample" in a for a in doc["assumptions"])
    diff = doc["fix"]["diff"]
    assert "yyyy-MM-dd''T''HH:mm:ss.SSS''Z''" in diff
    assert "'scan.watermark.idle-timeout' = '5 s'," in diff
    # [03:00, 03:05) fires for two hosts once both are fixed (partitions 0 and 1 pass 03:05:00)
    assert doc["fix"]["verified"]["sink_rows"] == 2
    assert doc["fix"]["verified"]["failed"] is False


def test_unreachable_broker_exits_3(tmp_path: Path) -> None:
    script = _job(tmp_path, "127.0.0.1:1", "t")
    run = _run("explain", str(script), "--timeout", "3")
    assert run.returncode == 3, run.stderr
    assert "Traceback" not in run.stderr
