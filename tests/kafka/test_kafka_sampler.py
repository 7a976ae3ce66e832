"""The sampler against a real broker: metadata, every --from, limits, security, failures."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Generator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from flinkdoctor.errors import InputError, KafkaUnavailableError
from flinkdoctor.events import Record, read_events
from flinkdoctor.events.kafka import SampleRequest, open_sample, sample_records
from flinkdoctor.events.sampling import AtTime, Earliest, Latest, SampleSummary, StartFrom, Tail
from flinkdoctor.events.settings import KafkaSettings
from tests.support.kafka import SASL_PASSWORD, SASL_USER, KafkaBroker, Message

pytestmark = pytest.mark.kafka

T0 = 1734145200000  # 2024-12-14 03:00:00 UTC
HOUR = 3_600_000


def event(ms: int, **extra: Any) -> bytes:
    return json.dumps({"ms": ms, **extra}).encode()


# p0: in order, with keys and headers; p1: empty; p2: an hour behind (stale);
# p3: event times out of order, then one payload that is not JSON.
SHAPED = [
    *[
        Message(event(T0 + i * 1000, i=i), 0, T0 + i * 1000, f"k{i}".encode(), [("h", b"v%d" % i)])
        for i in range(5)
    ],
    Message(event(T0 - HOUR), 2, T0 - HOUR),
    Message(event(T0 - HOUR + 500), 2, T0 - HOUR + 500),
    *[Message(event(T0 + d), 3, T0 + 100 + i) for i, d in enumerate([10, 30, 20, 40])],
    Message(b"\x00\x01 not json", 3, T0 + 200, b"\xff\xfe"),
]


@pytest.fixture(scope="module")
def shaped(kafka_broker: KafkaBroker) -> str:
    topic = kafka_broker.create_topic(partitions=4)
    kafka_broker.produce(topic, SHAPED)
    return topic


def plain(broker: KafkaBroker, topic: str | None = None) -> KafkaSettings:
    return KafkaSettings(bootstrap_servers=(broker.bootstrap,), topic=topic)


def event_ms(value: Any) -> int | None:
    return value.get("ms") if isinstance(value, dict) else None


def run(
    settings: KafkaSettings, start: StartFrom, **request: Any
) -> tuple[list[Record], SampleSummary]:
    with open_sample(settings, SampleRequest(start=start, event_time=event_ms, **request)) as s:
        records = list(s)
    return records, s.summary


def by_partition(records: list[Record]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for record in records:
        assert record.partition is not None and record.offset is not None
        out.setdefault(record.partition, []).append(record.offset)
    return out


def test_metadata_is_exact(kafka_broker: KafkaBroker, shaped: str) -> None:
    _, summary = run(plain(kafka_broker, shaped), Tail(1))
    meta = summary.metadata
    assert meta is not None and meta.topic == shaped
    assert [(p.partition, p.begin, p.end) for p in meta.partitions] == [
        (0, 0, 5),
        (1, 0, 0),
        (2, 0, 2),
        (3, 0, 5),
    ]
    p0, p1, p2, p3 = meta.partitions
    assert p0.first is not None and p0.last is not None
    assert (p0.first.offset, p0.first.timestamp, p0.first.timestamp_type, p0.first.event_time) == (
        0,
        T0,
        "CreateTime",
        T0,
    )
    assert (p0.last.offset, p0.last.timestamp, p0.last.event_time) == (4, T0 + 4000, T0 + 4000)
    assert p1.first is None and p1.last is None
    assert p2.last is not None and p2.last.timestamp == T0 - HOUR + 500
    assert p3.last is not None and (p3.last.offset, p3.last.event_time) == (4, None)
    assert summary.empty_partitions() == [1]


def test_earliest_reads_every_record_exactly(kafka_broker: KafkaBroker, shaped: str) -> None:
    records, summary = run(plain(kafka_broker, shaped), Earliest())
    assert by_partition(records) == {0: [0, 1, 2, 3, 4], 2: [0, 1], 3: [0, 1, 2, 3, 4]}
    first = next(r for r in records if r.partition == 0)
    assert first == Record(
        value={"ms": T0, "i": 0},
        partition=0,
        offset=0,
        timestamp=T0,
        timestamp_type="CreateTime",
        key="k0",
        headers=(("h", "v0"),),
        source=f"{shaped}/0@0",
    )
    bad = next(r for r in records if r.partition == 3 and r.offset == 4)
    assert bad.value is None and bad.raw_base64 == "AAEgbm90IGpzb24="
    assert bad.decode_error == "not JSON (Expecting value at char 0)"
    assert bad.key == "base64://4="
    assert summary.stop_reason == "complete"
    stats = summary.partitions
    assert (stats[0].count, stats[1].count, stats[2].count, stats[3].count) == (5, 0, 2, 5)
    assert stats[3].out_of_order_event_time == 1
    assert (stats[3].min_event_time, stats[3].max_event_time) == (T0 + 10, T0 + 40)
    assert stats[3].undecodable == 1 and stats[3].missing_event_time == 1
    assert (stats[2].min_timestamp, stats[2].max_timestamp) == (T0 - HOUR, T0 - HOUR + 500)


@pytest.mark.parametrize(
    ("start", "request_args", "expected"),
    [
        (Tail(2), {}, {0: [3, 4], 2: [0, 1], 3: [3, 4]}),
        (Earliest(), {"max_per_partition": 2}, {0: [0, 1], 2: [0, 1], 3: [0, 1]}),
        (AtTime(T0 + 2000), {}, {0: [2, 3, 4]}),
        (AtTime(T0 + 102), {}, {0: [1, 2, 3, 4], 3: [2, 3, 4]}),
        (AtTime(T0 - HOUR + 1), {"partitions": (2,)}, {2: [1]}),
    ],
)
def test_start_positions_and_limits(
    kafka_broker: KafkaBroker,
    shaped: str,
    start: StartFrom,
    request_args: dict[str, Any],
    expected: dict[int, list[int]],
) -> None:
    records, summary = run(plain(kafka_broker, shaped), start, **request_args)
    assert by_partition(records) == expected
    assert summary.stop_reason == "complete"


def test_max_total_stops_early(kafka_broker: KafkaBroker, shaped: str) -> None:
    records, summary = run(plain(kafka_broker, shaped), Earliest(), max_total=3)
    assert len(records) == 3 and summary.stop_reason == "max-total"


def test_latest_follows_new_records_until_the_timeout(kafka_broker: KafkaBroker) -> None:
    topic = kafka_broker.create_topic(partitions=2)
    kafka_broker.produce(topic, [Message(event(1), 0, T0)])  # before: never read
    started = time.monotonic()
    late = [Message(event(T0 + i), i % 2, T0 + i) for i in range(4)]
    with open_sample(plain(kafka_broker, topic), SampleRequest(start=Latest(), timeout=4)) as s:
        producer = threading.Timer(0.5, kafka_broker.produce, (topic, late))
        producer.start()
        records = list(s)
        producer.join()
    assert sorted(r.timestamp for r in records if r.timestamp) == [T0 + i for i in range(4)]
    assert s.summary.stop_reason == "timeout"
    assert time.monotonic() - started < 4 + 30  # ends by the timeout (margin: a loaded machine)


def test_log_append_time_topics(kafka_broker: KafkaBroker) -> None:
    topic = kafka_broker.create_topic(configs={"message.timestamp.type": "LogAppendTime"})
    before = int(time.time() * 1000)
    kafka_broker.produce(topic, [Message(event(1), 0, T0)])
    (record,) = sample_records(plain(kafka_broker, topic), SampleRequest(start=Earliest()))
    assert record.timestamp_type == "LogAppendTime"
    assert record.timestamp is not None and record.timestamp >= before - 1000


def test_huge_and_non_json_payloads_are_kept(kafka_broker: KafkaBroker) -> None:
    topic = kafka_broker.create_topic(configs={"max.message.bytes": str(12 * 1024 * 1024)})
    huge = json.dumps({"blob": "x" * (6 * 1024 * 1024)}).encode()  # > max_partition_fetch_bytes
    kafka_broker.produce(
        topic,
        [
            Message(huge, 0, T0),
            Message(b"\xc3\x28", 0, T0 + 1),
            Message(b"[1,", 0, T0 + 2),
            Message(None, 0, T0 + 3, b"gone"),
            Message(event(5), 0, T0 + 4),
        ],
        max_request_size=16 * 1024 * 1024,
    )
    records, summary = run(plain(kafka_broker, topic), Earliest())
    assert [r.offset for r in records] == [0, 1, 2, 3, 4]
    assert isinstance(records[0].value, dict) and len(records[0].value["blob"]) == 6 * 1024 * 1024
    assert records[1].decode_error == "not UTF-8 (byte 0xc3 at 0)"
    assert records[2].decode_error is not None and records[2].decode_error.startswith("not JSON")
    assert (records[3].value, records[3].raw_base64, records[3].decode_error) == (None, None, None)
    assert records[4].value == {"ms": 5}
    assert summary.undecodable == 2


def test_sampling_leaves_no_consumer_group(kafka_broker: KafkaBroker, shaped: str) -> None:
    run(plain(kafka_broker, shaped), Earliest())
    admin = kafka_broker.admin()
    try:
        assert list(admin.list_groups()) == []
    finally:
        admin.close()


@pytest.mark.parametrize(
    ("protocol", "mechanism"),
    [
        ("SASL_PLAINTEXT", "PLAIN"),
        ("SASL_PLAINTEXT", "SCRAM-SHA-256"),
        ("SASL_SSL", "SCRAM-SHA-512"),
        ("SASL_SSL", "PLAIN"),
        ("SSL", None),
    ],
)
def test_secured_listeners(
    kafka_broker: KafkaBroker, shaped: str, protocol: str, mechanism: str | None
) -> None:
    settings = KafkaSettings(
        bootstrap_servers=(kafka_broker.address(protocol),),
        topic=shaped,
        security_protocol=protocol,
        sasl_mechanism=mechanism,
        sasl_username=SASL_USER if mechanism else None,
        sasl_password=SASL_PASSWORD if mechanism else None,
        ssl_cafile=str(kafka_broker.ca_file) if "SSL" in protocol else None,
    )
    records, _ = run(settings, Tail(1), partitions=(0,))
    assert [(r.partition, r.offset) for r in records] == [(0, 4)]


@pytest.mark.parametrize("mechanism", ["PLAIN", "SCRAM-SHA-256"])
def test_bad_credentials_are_not_authorised_without_the_secret(
    kafka_broker: KafkaBroker, shaped: str, mechanism: str
) -> None:
    wrong = "Wrong-Secret-77"
    settings = KafkaSettings(
        bootstrap_servers=(kafka_broker.address("SASL_PLAINTEXT"),),
        topic=shaped,
        security_protocol="SASL_PLAINTEXT",
        sasl_mechanism=mechanism,
        sasl_username=SASL_USER,
        sasl_password=wrong,
    )
    started = time.monotonic()
    with pytest.raises(KafkaUnavailableError) as caught:
        run(settings, Tail(1), timeout=3)
    message = str(caught.value)
    assert message.startswith("not authorised:"), message
    assert wrong not in message and SASL_USER in message
    assert caught.value.exit_code == 3
    assert time.monotonic() - started < 3 + 30  # not a hang (margin: a loaded machine)


def test_untrusted_certificate_says_which_file_to_give(
    kafka_broker: KafkaBroker, shaped: str
) -> None:
    settings = KafkaSettings(
        bootstrap_servers=(kafka_broker.address("SSL"),), topic=shaped, security_protocol="SSL"
    )
    with pytest.raises(KafkaUnavailableError, match=r"cannot verify the TLS certificate.*ssl\.ca"):
        run(settings, Tail(1), timeout=3)


def test_wrong_protocol_for_the_listener(kafka_broker: KafkaBroker, shaped: str) -> None:
    settings = KafkaSettings(bootstrap_servers=(kafka_broker.address("SSL"),), topic=shaped)
    with pytest.raises(KafkaUnavailableError, match=r"security\.protocol PLAINTEXT probably"):
        run(settings, Tail(1), timeout=3)


def test_unknown_topic_lists_close_names(kafka_broker: KafkaBroker, shaped: str) -> None:
    with pytest.raises(
        InputError, match=f"topic '{shaped}x' does not exist.*close names: {shaped}"
    ):
        run(plain(kafka_broker, shaped + "x"), Tail(1))


def test_unknown_partition(kafka_broker: KafkaBroker, shaped: str) -> None:
    with pytest.raises(InputError, match="no partition 9"):
        run(plain(kafka_broker, shaped), Tail(1), partitions=(9,))


def _open_sockets() -> int:
    """Sockets this process holds (each Kafka connection is one)."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            count += os.readlink(f"/proc/self/fd/{fd}").startswith("socket:")
    return count


def test_stopping_early_closes_cleanly(kafka_broker: KafkaBroker, shaped: str) -> None:
    kafka_logger = logging.getLogger("kafka")
    handlers, propagate = list(kafka_logger.handlers), kafka_logger.propagate
    before = _open_sockets()
    records: Generator[Record, None, None] = sample_records(
        plain(kafka_broker, shaped), SampleRequest(start=Earliest())
    )
    assert next(records).partition is not None
    assert _open_sockets() > before  # connected
    records.close()
    deadline = time.monotonic() + 10
    while _open_sockets() > before and time.monotonic() < deadline:
        time.sleep(0.1)  # a closing socket may take a moment to be released
    assert _open_sockets() == before, "the consumer's connections stayed open"
    assert kafka_logger.handlers == handlers and kafka_logger.propagate == propagate


def test_our_sample_and_kcat_json_read_back_the_same(
    kafka_broker: KafkaBroker, shaped: str, tmp_path: Path
) -> None:
    kcat = shutil.which("kcat") or shutil.which("kafkacat")
    if kcat is None:
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail("kcat is not installed (.ci/run installs the Debian package kcat)")
        pytest.skip("kcat is not installed (apt-get install kcat)")
    dump = tmp_path / "kcat.json"
    with open(dump, "wb") as out:
        subprocess.run(
            [
                kcat,
                "-C",
                "-b",
                kafka_broker.bootstrap,
                "-t",
                shaped,
                "-o",
                "beginning",
                "-e",
                "-q",
                "-J",
            ],
            stdout=out,
            check=True,
            timeout=60,
        )
    ours, _ = run(plain(kafka_broker, shaped), Earliest())

    def key(record: Record) -> tuple[int | None, int | None]:
        return record.partition, record.offset

    theirs = sorted(read_events(dump), key=key)
    assert [replace(r, source="") for r in theirs] == [
        replace(r, source="") for r in sorted(ours, key=key)
    ]
