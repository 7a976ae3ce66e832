"""``flinkdoctor sample``'s machine output against its documented schemas:
docs/schemas/sample-envelope.schema.json (each line of the file) and
docs/schemas/sample-summary.schema.json (``--summary json`` on stderr).

The tests that run the command are marked ``kafka`` (a real broker); the envelope tests of
hand-made records need none and run everywhere.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from flinkdoctor.events.formats import decode_payload, envelope_line, record_to_envelope
from flinkdoctor.events.record import Record
from tests.support.kafka import KafkaBroker, Message

SCHEMAS = Path(__file__).parents[2] / "docs" / "schemas"
T0 = 1734145200000
CLI = [sys.executable, "-c", "from flinkdoctor.cli.app import main; main()"]


def run_sample(*args: str) -> subprocess.CompletedProcess[str]:
    """``flinkdoctor sample ARGS`` as a real process, without this machine's KAFKA_* settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAFKA_")}
    return subprocess.run(
        [*CLI, "sample", *args], capture_output=True, text=True, timeout=60, env=env, check=False
    )


def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


ENVELOPE = validator("sample-envelope.schema.json")
SUMMARY = validator("sample-summary.schema.json")


def envelope_of(value: bytes | None, **fields: Any) -> Record:
    decoded, raw, error = decode_payload(value)
    return Record(decoded, raw_base64=raw, decode_error=error, **fields)


def test_envelopes_of_hand_made_records_match_the_schema() -> None:
    records = [
        envelope_of(
            b'{"event_time":"2024-12-14T03:00:05.123Z"}',
            partition=0,
            offset=17,
            timestamp=T0,
            timestamp_type="CreateTime",
            key="k1",
            headers=(("trace", "abc"), ("trace", None), ("bin", "base64:/w==")),
        ),
        envelope_of(
            b"\xff\xfe not utf-8",
            partition=1,
            offset=0,
            timestamp=None,
            timestamp_type=None,
            key="base64:" + base64.b64encode(b"\x80\x81").decode(),
        ),
        envelope_of(b"NaN", partition=1, offset=1, timestamp=T0, timestamp_type="LogAppendTime"),
        envelope_of(b"", partition=1, offset=2, timestamp=T0, timestamp_type="CreateTime"),
        envelope_of(b"[" * 100_000, partition=1, offset=3, timestamp=T0, timestamp_type=None),
        envelope_of(None, partition=2, offset=5, timestamp=T0, key="k2"),  # tombstone
        envelope_of(b'[1, "two", null, 3.5]', partition=2, offset=6, timestamp=0),
        envelope_of(b'"just text"', partition=2, offset=7, timestamp=T0),
    ]
    for record in records:
        envelope = record_to_envelope(record)
        ENVELOPE.validate(envelope)
        ENVELOPE.validate(json.loads(envelope_line(record)))
    errors = {record_to_envelope(r).get("decode_error") for r in records}
    assert {
        "not UTF-8 (byte 0xff at 0)",
        "not JSON (NaN is not a JSON value)",
        "not JSON (Expecting value at char 0)",
        "JSON nested too deeply",
    } <= errors


@pytest.mark.parametrize(
    "change",
    [
        {"extra": 1},
        {"value_base64": "AAAA"},  # without decode_error
        {"decode_error": "not JSON (x)", "value_base64": "AAAA"},  # value must then be null
        {"timestamp_type": "create"},
        {"headers": [["name"]]},
        {"headers": [["name", "value", "more"]]},
        {"key": 5},
        {"offset": None},
    ],
)
def test_the_envelope_schema_is_strict(change: dict[str, Any]) -> None:
    good = record_to_envelope(Record({"a": 1}, partition=0, offset=0, timestamp=T0))
    ENVELOPE.validate(good)
    assert not ENVELOPE.is_valid({**good, **change})


@pytest.mark.kafka
def test_sample_file_and_summary_match_the_schemas(
    kafka_broker: KafkaBroker, tmp_path: Path
) -> None:
    topic = kafka_broker.create_topic(partitions=3)  # partition 2 stays empty
    kafka_broker.produce(
        topic,
        [
            Message(b'{"n":0,"event_time":"2024-12-14T03:00:00.000Z"}', 0, T0, key=b"k0"),
            Message(
                b'{"n":1,"event_time":"2024-12-14T03:00:01.000Z"}',
                0,
                T0 + 1000,
                key=b"\xff\x00",  # not UTF-8: base64:
                headers=[("trace", b"abc"), ("trace", b"def"), ("bin", b"\xc3\x28")],
            ),
            Message(b"[1,2,3]", 0, T0 + 2000),
            Message(None, 0, T0 + 3000, key=b"k0"),  # tombstone
            Message(b'{"n":4,"event_time":"2024-12-14T03:00:04.000Z"}', 1, T0 + 4000),
            Message(b"this is not JSON", 1, T0 + 5000, key=b"k1", headers=[("h", b"v")]),
            Message(b"\xff\xfe", 1, T0 + 6000),
        ],
    )
    out = tmp_path / "sample.jsonl"
    done = run_sample(
        "-b",
        kafka_broker.bootstrap,
        "-t",
        topic,
        "--from",
        "earliest",
        "--time-field",
        "event_time",
        "--summary",
        "json",
        "--no-progress",
        "-o",
        str(out),
    )
    assert done.returncode == 0, done.stderr

    lines = out.read_text(encoding="utf-8").splitlines()
    envelopes = [json.loads(line) for line in lines]
    for envelope in envelopes:
        ENVELOPE.validate(envelope)
    assert len(envelopes) == 7
    by_place = {(e["partition"], e["offset"]): e for e in envelopes}
    assert by_place[(0, 1)]["key"] == "base64:" + base64.b64encode(b"\xff\x00").decode()
    assert by_place[(0, 1)]["headers"] == [
        ["trace", "abc"],
        ["trace", "def"],
        ["bin", "base64:wyg="],
    ]
    assert by_place[(0, 3)]["value"] is None and "decode_error" not in by_place[(0, 3)]
    assert by_place[(1, 1)]["decode_error"].startswith("not JSON (")
    assert by_place[(1, 2)]["decode_error"] == "not UTF-8 (byte 0xff at 0)"
    assert base64.b64decode(by_place[(1, 2)]["value_base64"]) == b"\xff\xfe"

    summary = json.loads(done.stderr)
    SUMMARY.validate(summary)
    assert summary["sampled"] == 7 and summary["undecodable"] == 2
    assert summary["partition_count"] == 3 and summary["empty_partitions"] == [2]
    assert summary["from"] == "earliest" and summary["stop_reason"] == "complete"
    empty = summary["partitions"][2]
    assert empty["empty"] and empty["first_offset"] is None and empty["first_message"] is None
    assert summary["partitions"][0]["sample"]["first_event_time"] == "2024-12-14 03:00:00.000"


@pytest.mark.kafka
def test_summary_with_from_a_time_and_latest_matches_the_schema(kafka_broker: KafkaBroker) -> None:
    """The other shapes of ``from`` and ``range``: a timestamp, and latest's open range."""
    topic = kafka_broker.create_topic(partitions=2)
    kafka_broker.produce(topic, [Message(b'{"a":1}', 0, T0), Message(b'{"a":2}', 1, T0 + 1)])
    for start, timeout in (("2024-12-14T03:00:00Z", "30"), ("latest", "3")):
        done = run_sample(
            "-b",
            kafka_broker.bootstrap,
            "-t",
            topic,
            "--from",
            start,
            "--timeout",
            timeout,
            "--summary",
            "json",
            "--no-progress",
        )
        assert done.returncode == 0, done.stderr
        for line in done.stdout.splitlines():
            ENVELOPE.validate(json.loads(line))
        summary = json.loads(done.stderr)
        SUMMARY.validate(summary)
        if start == "latest":
            assert summary["from"] == "latest" and summary["stop_reason"] == "timeout"
            assert all(p["range"]["stop"] is None for p in summary["partitions"])
        else:
            assert summary["from"] == "2024-12-14 03:00:00.000" and summary["sampled"] == 2
