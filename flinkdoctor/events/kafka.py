"""The Kafka sampler: bounded, read-only samples of a topic with kafka-python.

It never joins a consumer group and never commits: partitions are ``assign()``-ed and ``seek()``-ed
(``group_id=None``), so sampling a production topic leaves no trace in its consumer groups.
Everything ends by one deadline (``timeout``): connecting and metadata failures within it raise
``KafkaUnavailableError`` (exit 3); running out of time while reading ends the sample early with
what it has (``stop_reason = "timeout"``).

Usage::

    with open_sample(settings, SampleRequest(start=Tail(500), timeout=20)) as sample:
        for record in sample:           # Records in fetch order (in offset order per partition)
            ...
        sample.summary                  # per-partition stats, metadata, stop_reason

    records = sample_records(settings, SampleRequest(...))   # just the Records

This is the only module that imports kafka.
"""

from __future__ import annotations

import difflib
import logging
import socket
import threading
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, TypeVar

from kafka import KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from flinkdoctor.errors import InputError, KafkaUnavailableError
from flinkdoctor.events.formats import (
    decode_payload,
    decode_payload_text,
    decode_text,
    envelope_line,
    envelope_line_from_text,
)
from flinkdoctor.events.record import Record
from flinkdoctor.events.redact import scrub
from flinkdoctor.events.sampling import (
    AtTime,
    Boundary,
    EventTime,
    OffsetRange,
    PartitionMetadata,
    SampleSummary,
    StartFrom,
    Tail,
    TopicMetadata,
    offset_range,
)
from flinkdoctor.events.settings import KafkaSettings

_T = TypeVar("_T")
_TIMESTAMP_TYPES: dict[int, str | None] = {0: "CreateTime", 1: "LogAppendTime"}
_POLL_MS = 200
_BOUNDARY_BUDGET = 10.0  # seconds at most spent reading first/last messages for the metadata


@dataclass(frozen=True)
class SampleRequest:
    """What to sample. ``max_total`` None = no overall cap; ``partitions`` None = all."""

    topic: str | None = None
    start: StartFrom = field(default_factory=lambda: Tail(1000))
    max_per_partition: int = 1000
    max_total: int | None = 100_000
    timeout: float = 30.0
    partitions: tuple[int, ...] | None = None
    event_time: EventTime | None = None
    boundaries: bool = True
    """Read each partition's first and last retained message for the metadata."""


def consumer_config(
    settings: KafkaSettings, timeout: float, partition_fetch_bytes: int = 4 * 1024 * 1024
) -> dict[str, Any]:
    """kafka-python ``KafkaConsumer`` arguments: no group, no commits, large fetches.

    Every poll drains all fetched data (``max_poll_records``) and fetch sessions are off: with
    kafka-python 3.0.12, records left buffered when a partition is paused or seeked can leave that
    partition never fetched again.
    """
    request_ms = int(min(30.0, max(2.0, timeout)) * 1000)
    config: dict[str, Any] = {
        "bootstrap_servers": list(settings.bootstrap_servers),
        "client_id": "flinkdoctor",
        "group_id": None,
        "enable_auto_commit": False,
        "auto_offset_reset": "none",
        "allow_auto_create_topics": False,
        "bootstrap_timeout_ms": max(1, int(timeout * 1000)),
        "request_timeout_ms": request_ms,
        "fetch_max_wait_ms": _POLL_MS,
        "fetch_max_bytes": 64 * 1024 * 1024,
        "max_partition_fetch_bytes": partition_fetch_bytes,
        "max_poll_records": 1_000_000,
        "check_crcs": False,
        "enable_incremental_fetch_sessions": False,
        "metrics_enabled": False,
        "security_protocol": settings.security_protocol,
    }
    if settings.sasl_mechanism is not None:
        config["sasl_mechanism"] = settings.sasl_mechanism
        config["sasl_plain_username"] = settings.sasl_username
        config["sasl_plain_password"] = settings.sasl_password
    if settings.security_protocol in ("SSL", "SASL_SSL"):
        config["ssl_check_hostname"] = settings.ssl_check_hostname
        for option, value in (
            ("ssl_cafile", settings.ssl_cafile),
            ("ssl_certfile", settings.ssl_certfile),
            ("ssl_keyfile", settings.ssl_keyfile),
            ("ssl_password", settings.ssl_password),
        ):
            if value is not None:
                config[option] = value
    return config


class KafkaSample:
    """An open sample: iterate it for Records; ``summary`` fills in as records arrive."""

    def __init__(self, settings: KafkaSettings, request: SampleRequest) -> None:
        topic = request.topic or settings.topic
        if not topic:
            raise InputError("no topic: give --topic, set KAFKA_TOPIC, or --ddl with a 'topic'")
        if request.max_per_partition < 1:
            raise InputError("--max-per-partition must be at least 1")
        if request.max_total is not None and request.max_total < 1:
            raise InputError("--max-total must be at least 1")
        self.topic = topic
        self.settings = settings
        self.request = request
        self.deadline = time.monotonic() + request.timeout
        self._log = _KafkaLogCapture()
        self._consumer: Any = None
        self.metadata: TopicMetadata | None = None
        self.summary = SampleSummary.for_partitions(topic, request.start, [], request.event_time)
        self.stop_requested: Callable[[], bool] = _never
        """Checked between records: a caller's deferred Ctrl-C ends the sample cleanly."""

    # -- lifecycle ------------------------------------------------------------------------------

    def open(self) -> KafkaSample:
        """Connect, read the topic's metadata and plan the offset ranges (all within the
        deadline); raises ``KafkaUnavailableError`` / ``InputError`` for what the user must fix.
        """
        self._log.install()
        self._probe()
        self._log.watch_handshake(self.settings.sasl_mechanism is not None)
        try:
            self._consumer = KafkaConsumer(**consumer_config(self.settings, self._remaining()))
        except Exception as error:  # kafka-python raises plain errors for bad SSL files etc.
            raise self._unavailable(error) from None
        finally:
            self._log.watch_handshake(False)
        self.metadata = self._read_metadata()
        self.summary = SampleSummary.for_partitions(
            self.topic,
            self.request.start,
            [p.partition for p in self.metadata.partitions],
            self.request.event_time,
        )
        self.summary.metadata = self.metadata
        self.summary.ranges = self._plan()
        return self

    def _probe(self) -> None:
        """Fail fast when no bootstrap server accepts a TCP connection (refused, or a host that
        does not resolve): kafka-python would retry until the timeout."""
        failures: list[str] = []
        for server in self.settings.bootstrap_servers:
            host, _, port = server.rpartition(":")
            budget = max(0.1, min(3.0, self._remaining()))
            try:
                socket.create_connection((host.strip("[]"), int(port)), timeout=budget).close()
                return
            except ConnectionRefusedError:
                failures.append("ECONNREFUSED")
            except socket.gaierror:
                failures.append("DNS lookup failed")
            except OSError:  # a timeout or an unreachable network: let the client try it
                return
        if failures:
            cause = "ECONNREFUSED" if "ECONNREFUSED" in failures else failures[0]
            servers = ",".join(self.settings.bootstrap_servers)
            message = explain_failure(
                cause, self.settings, "connecting", servers, self.request.timeout
            )
            raise KafkaUnavailableError(scrub(message, self.settings.secrets()))

    def close(self) -> None:
        """Disconnect; safe to call twice. Nothing is committed anywhere."""
        consumer, self._consumer = self._consumer, None
        if consumer is not None:
            try:
                consumer.close(autocommit=False, timeout_ms=1000)
            except Exception:  # closing a half-broken client must not mask the real outcome
                logging.getLogger(__name__).debug("consumer close failed", exc_info=True)
        self._log.remove()

    def __enter__(self) -> KafkaSample:
        return self.open()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def planned(self) -> int | None:
        """How many records the offset ranges hold (capped by ``max_total``); None = open-ended."""
        total = self._planned_records()
        cap = self.request.max_total
        return total if cap is None else min(total, cap)

    def _planned_records(self) -> int:
        """Records the offset ranges hold (``max_per_partition`` for an open-ended range)."""
        per_partition = self.request.max_per_partition
        return sum(
            per_partition if r.stop is None else max(0, r.stop - r.start)
            for r in self.summary.ranges.values()
        )

    # -- reading --------------------------------------------------------------------------------

    def __iter__(self) -> Iterator[Record]:
        """The sampled Records, in offset order per partition. Stops at the range ends,
        ``max_total`` or the deadline; a KeyboardInterrupt propagates after ``stop_reason`` is set
        to ``interrupted``.
        """
        make = _record_maker(self.topic)

        def record(message: Any) -> tuple[Record, Record]:
            made = make(message)[0]
            return made, made

        return self._read(record)

    def lines(self) -> Iterator[str]:
        """The sample as ``sample``-file lines (what ``__iter__`` yields, as envelopes). Faster
        than encoding each Record: JSON payloads are written as received.
        """
        make = _record_maker(self.topic)

        def line(message: Any) -> tuple[Record, str]:
            record, text = make(message)
            if text is None:
                return record, envelope_line(record)
            return record, envelope_line_from_text(record, text)

        return self._read(line)

    def _read(self, convert: Callable[[Any], tuple[Record, _T]]) -> Iterator[_T]:
        """The fetch loop: ``convert`` turns each message into (Record for the summary, output)."""
        if self._consumer is None or self.metadata is None:
            raise RuntimeError("open() the sample first")
        consumer = self._consumer
        pending = {p: r for p, r in self.summary.ranges.items() if not r.empty}
        partitions = {p: TopicPartition(self.topic, p) for p in pending}
        consumer.assign(list(partitions.values()))
        for p, planned in pending.items():
            consumer.seek(partitions[p], planned.start)
        cap = self.request.max_total
        per_partition = self.request.max_per_partition  # open-ended (latest) ranges stop here
        summary = self.summary
        event_time = summary.event_time
        deadline = self.deadline
        clock = time.monotonic
        taken = 0
        stop_requested = self.stop_requested
        self._log.reading()
        try:
            while pending:
                if stop_requested():
                    summary.stop_reason = "interrupted"
                    return
                remaining = deadline - clock()
                if remaining <= 0:
                    summary.stop_reason = self._timeout_reason()
                    return
                batches = consumer.poll(timeout_ms=int(min(remaining, 0.5) * 1000))
                for tp, messages in batches.items():
                    planned_range = pending.get(tp.partition)
                    if planned_range is None:
                        continue
                    stop = planned_range.stop
                    stats = summary.partitions[tp.partition]
                    for message in messages:
                        if stop is not None and message.offset >= stop:
                            break
                        if clock() >= deadline:  # a slow reader of the output: checked per record
                            summary.stop_reason = "timeout"
                            return
                        if stop_requested():
                            summary.stop_reason = "interrupted"
                            return
                        record, output = convert(message)
                        yield output
                        # counted once the consumer took it (a write cut short is not sampled)
                        stats.add(record)
                        if event_time is not None:
                            stats.add_event_time(event_time(record.value))
                        taken += 1
                        if taken == cap:  # a cap equal to the whole plan is a complete sample
                            whole = taken >= self._planned_records()
                            summary.stop_reason = "complete" if whole else "max-total"
                            return
                        if stop is None and stats.count >= per_partition:
                            break
                    if stop is None:
                        if stats.count >= per_partition:
                            del pending[tp.partition]
                            consumer.pause(tp)
                    elif consumer.position(tp) >= stop:
                        del pending[tp.partition]
                        consumer.pause(tp)
                if not batches:
                    self._retire_finished(pending, partitions)
                    if pending and self._log.connection_lost():
                        summary.stop_reason = "connection-lost"
                        return
        except KeyboardInterrupt:
            summary.stop_reason = "interrupted"
            raise

    def _timeout_reason(self) -> str:
        """``timeout``, or ``connection-lost`` when the broker went away while reading."""
        return "connection-lost" if self._log.connection_lost() else "timeout"

    def _retire_finished(
        self, pending: dict[int, OffsetRange], partitions: dict[int, TopicPartition]
    ) -> None:
        # Gaps at the end of a range (transaction markers, compaction) yield no records: the
        # position passing the range end is what says the partition is done.
        for p, rng in list(pending.items()):
            if rng.stop is not None and self._consumer.position(partitions[p]) >= rng.stop:
                del pending[p]

    # -- metadata -------------------------------------------------------------------------------

    def _read_metadata(self) -> TopicMetadata:
        consumer = self._consumer
        found = self._bounded(lambda: consumer.partitions_for_topic(self.topic), "topic metadata")
        if not found:
            raise self._unknown_topic()
        numbers = sorted(found)
        if self.request.partitions is not None:
            unknown = sorted(set(self.request.partitions) - set(numbers))
            if unknown:
                raise InputError(
                    f"topic {self.topic!r} has partitions 0..{numbers[-1]}; no partition "
                    f"{', '.join(map(str, unknown))}"
                )
            numbers = sorted(set(self.request.partitions))
        tps = [TopicPartition(self.topic, p) for p in numbers]
        begins = self._offsets(consumer.beginning_offsets, tps, "beginning offsets")
        ends = self._offsets(consumer.end_offsets, tps, "end offsets")
        parts = [PartitionMetadata(tp.partition, begins[tp], ends[tp]) for tp in tps]
        if self.request.boundaries:
            parts = self._with_boundaries(parts)
        return TopicMetadata(self.topic, tuple(parts))

    def _offsets(
        self, lookup: Callable[..., dict[Any, int]], tps: list[TopicPartition], what: str
    ) -> dict[Any, int]:
        try:
            return lookup(tps, timeout_ms=self._remaining_ms())
        except KafkaError as error:
            raise self._unavailable(error, f"reading {what}") from None

    def _with_boundaries(self, parts: list[PartitionMetadata]) -> list[PartitionMetadata]:
        """Each non-empty partition's first and last retained message: two short fetch rounds on
        a second, small-fetch consumer, so the sampling consumer starts with nothing buffered.
        """
        budget_end = min(self.deadline, time.monotonic() + _BOUNDARY_BUDGET)
        live = [p for p in parts if p.retained > 0]
        if not live:
            return parts
        config = consumer_config(self.settings, self._remaining(), partition_fetch_bytes=64 * 1024)
        try:
            consumer = KafkaConsumer(**config)
        except Exception as error:  # the first consumer connected: a failure here is transient
            raise self._unavailable(error, "reading the first and last messages") from None
        try:
            firsts = self._boundary_round(
                consumer, {p.partition: p.begin for p in live}, budget_end
            )
            lasts = self._boundary_round(
                consumer, {p.partition: p.end - 1 for p in live}, budget_end
            )
        finally:
            consumer.close(autocommit=False, timeout_ms=1000)
        return [
            PartitionMetadata(
                p.partition, p.begin, p.end, firsts.get(p.partition), lasts.get(p.partition)
            )
            for p in parts
        ]

    def _boundary_round(
        self, consumer: Any, offsets: dict[int, int], until: float
    ) -> dict[int, Boundary]:
        """The message at (or the first after) each partition's offset, within the budget."""
        tps = {p: TopicPartition(self.topic, p) for p in offsets}
        consumer.assign(list(tps.values()))
        for p, offset in offsets.items():
            consumer.seek(tps[p], offset)
        found: dict[int, Boundary] = {}
        done: set[int] = set()
        event_time = self.request.event_time
        while len(done) < len(offsets) and time.monotonic() < until:
            batches = consumer.poll(timeout_ms=int(min(0.5, until - time.monotonic()) * 1000) + 1)
            for tp, messages in batches.items():
                if tp.partition in done or not messages:
                    continue
                message = messages[0]
                value = decode_payload(message.value)[0]
                found[tp.partition] = Boundary(
                    offset=message.offset,
                    timestamp=message.timestamp if message.timestamp >= 0 else None,
                    timestamp_type=_TIMESTAMP_TYPES.get(message.timestamp_type),
                    event_time=None if event_time is None else event_time(value),
                )
                done.add(tp.partition)
            if not batches:  # past the target with no record: a gap (e.g. a transaction marker)
                done.update(p for p, tp in tps.items() if consumer.position(tp) > offsets[p])
        return found

    def _plan(self) -> dict[int, OffsetRange]:
        assert self.metadata is not None
        start = self.request.start
        parts = self.metadata.partitions
        by_time: dict[int, int | None] = {}
        if isinstance(start, AtTime):
            query = {TopicPartition(self.topic, p.partition): start.millis for p in parts}
            try:
                answer = self._consumer.offsets_for_times(query, timeout_ms=self._remaining_ms())
            except KafkaError as error:
                raise self._unavailable(error, "looking up offsets for --from") from None
            by_time = {tp.partition: (hit.offset if hit else None) for tp, hit in answer.items()}
        cap = self.request.max_per_partition
        return {
            p.partition: offset_range(start, p.begin, p.end, cap, by_time.get(p.partition))
            for p in parts
        }

    # -- errors ---------------------------------------------------------------------------------

    def _unknown_topic(self) -> InputError:
        try:
            topics = sorted(self._bounded(self._consumer.topics, "the topic list"))
        except KafkaUnavailableError:
            topics = []
        close = difflib.get_close_matches(self.topic, topics, n=5, cutoff=0.5)
        if close:
            hint = f"; close names: {', '.join(close)}"
        elif topics and len(topics) <= 10:
            hint = f"; topics there: {', '.join(topics)}"
        else:
            hint = f" ({len(topics)} topics visible)" if topics else " (no topics visible)"
        servers = ",".join(self.settings.bootstrap_servers)
        return InputError(
            f"topic {self.topic!r} does not exist on {servers} (or you may not see it){hint}"
        )

    def _unavailable(
        self, error: BaseException, doing: str = "connecting"
    ) -> KafkaUnavailableError:
        servers = ",".join(self.settings.bootstrap_servers)
        cause = self._log.cause() or f"{type(error).__name__}: {error}"
        message = explain_failure(cause, self.settings, doing, servers, self.request.timeout)
        return KafkaUnavailableError(scrub(message, self.settings.secrets()))

    def _bounded(self, call: Callable[[], _T], what: str) -> _T:
        """``call()`` (a kafka-python call with no timeout of its own) cut off at the deadline."""
        outcome: list[Any] = []

        def run() -> None:
            try:
                outcome.append(("ok", call()))
            except BaseException as error:  # handed to the caller's thread below
                outcome.append(("error", error))

        worker = threading.Thread(target=run, name="flinkdoctor-kafka-call", daemon=True)
        worker.start()
        worker.join(self._remaining())
        if not outcome:
            raise self._unavailable(
                TimeoutError(f"no answer within {self.request.timeout:g} s"), f"reading {what}"
            )
        kind, value = outcome[0]
        if kind == "error":
            if isinstance(value, KafkaError):
                raise self._unavailable(value, f"reading {what}")
            raise value
        return value  # type: ignore[no-any-return]

    def _remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def _remaining_ms(self) -> int:
        return max(1, int(self._remaining() * 1000))


def _never() -> bool:
    return False


def open_sample(settings: KafkaSettings, request: SampleRequest) -> KafkaSample:
    """A sample to use as a context manager (``with open_sample(...) as sample``)."""
    return KafkaSample(settings, request)


def sample_records(
    settings: KafkaSettings, request: SampleRequest
) -> Generator[Record, None, None]:
    """Just the sampled Records, for commands that replay a topic instead of an events file."""
    with open_sample(settings, request) as sample:
        yield from sample


def explain_failure(
    cause: str, settings: KafkaSettings, doing: str, servers: str, timeout: float
) -> str:
    """One line saying what went wrong and what to check, from kafka-python's last complaint."""
    user = f" as user {settings.sasl_username!r}" if settings.sasl_username else ""
    if "SaslAuthenticationFailed" in cause or "Authentication failed" in cause:
        return (
            f"not authorised: {servers} rejected the {settings.sasl_mechanism} credentials{user} "
            "(check the user name and password, and the SASL mechanism)"
        )
    if "IllegalSaslState" in cause or "UnsupportedSaslMechanism" in cause:
        return (
            f"{servers} does not accept SASL {settings.sasl_mechanism} on this listener: check "
            "security.protocol and sasl.mechanism against the broker's listener"
        )
    if "CERTIFICATE_VERIFY_FAILED" in cause or "certificate verify failed" in cause:
        return (
            f"cannot verify the TLS certificate of {servers} "
            f"({_after(cause, 'certificate verify failed')}): give the CA file with "
            "ssl.ca.location / KAFKA_SSL_CA_LOCATION"
        )
    if "DNS" in cause or "Name or service not known" in cause:
        return f"cannot resolve the Kafka host in {servers} (DNS lookup failed)"
    if "ECONNREFUSED" in cause or "Connection refused" in cause:
        return f"Kafka unreachable: connection to {servers} refused (is the broker running there?)"
    if "socket disconnected" in cause or "Invalid frame length" in cause or "SSL" in cause:
        return (
            f"{servers} closed the connection while {doing}: security.protocol "
            f"{settings.security_protocol} probably does not match the broker's listener"
        )
    detail = "" if "Unable to bootstrap" in cause else f" ({cause})"
    return f"Kafka unreachable: no answer from {servers} while {doing} within {timeout:g} s{detail}"


def _after(text: str, marker: str) -> str:
    index = text.find(marker)
    tail = text[index:] if index >= 0 else text
    return tail.split(" (_ssl.c")[0]


def _record_maker(topic: str) -> Callable[[Any], tuple[Record, str | None]]:
    """ConsumerRecord -> (Record, the payload's JSON text or None), lookups hoisted out of the
    per-message path."""
    ts_types = _TIMESTAMP_TYPES

    def make(message: Any) -> tuple[Record, str | None]:
        value, text, raw, error = decode_payload_text(message.value)
        key = message.key
        headers = message.headers
        record = Record(
            value,
            message.partition,
            message.offset,
            message.timestamp if message.timestamp >= 0 else None,
            ts_types.get(message.timestamp_type),
            None if key is None else decode_text(key),
            tuple((name, decode_text(data)) for name, data in headers) if headers else (),
            raw,
            error,
            f"{topic}/{message.partition}@{message.offset}",
        )
        return record, text

    return make


_TELLING = (
    "Authentication failed",
    "SaslAuthenticationFailed",
    "IllegalSaslState",
    "UnsupportedSaslMechanism",
    "certificate verify failed",
    "DNS",
    "ECONNREFUSED",
    "Invalid frame length",
    "socket disconnected",
)
"""Fragments of kafka-python's log lines, most telling first."""
_LOST = (
    "ECONNREFUSED",
    "Connection refused",
    "error 111",
    "socket disconnected",
    "Connection reset",
    "Broken pipe",
    "Node Disconnected",
)
"""Fragments of kafka-python's log lines when an established connection goes away."""


class _KafkaLogCapture(logging.Handler):
    """Keeps kafka-python's warnings off the user's terminal and remembers the telling ones: its
    connection errors all surface as "Unable to bootstrap"; the log says why (refused, auth, TLS).
    The first line with each fragment of ``_TELLING`` is kept: retries end in generic
    disconnects that would bury the real cause.

    While connecting (``watch_handshake``) it also notes, from the protocol parser's debug log,
    whether the broker accepted the SASL mechanism: kafka-python sometimes sees the broker close
    the connection before reading its "authentication failed" answer, and a disconnect right
    after an accepted handshake is that answer. Debug lines are never stored (some hold secrets).
    """

    _PARSER = "kafka.protocol.parser"

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.telling: dict[str, str] = {}
        self.last: str | None = None
        self.handshake_accepted = False
        self.is_reading = False
        self.lost: str | None = None
        """The first complaint about the connection after reading began."""
        self._saved: bool | None = None
        self._parser_level: int | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno < logging.WARNING:
            if (
                record.name == self._PARSER
                and isinstance(record.msg, str)
                and record.msg.startswith("%s Received response")
                and "SaslHandshakeResponse" in str(record.args)
                and "error_code=0" in str(record.args)
            ):
                self.handshake_accepted = True
            return
        try:
            message = record.getMessage()
        except Exception:  # a broken log call in the library must not break sampling
            message = str(record.msg)
        self.last = message
        if self.is_reading and self.lost is None and any(f in message for f in _LOST):
            self.lost = message
        for fragment in _TELLING:
            if fragment in message:
                self.telling.setdefault(fragment, message)

    def install(self) -> None:
        logger = logging.getLogger("kafka")
        if self._saved is None:
            self._saved = logger.propagate
            logger.addHandler(self)
            logger.propagate = False

    def remove(self) -> None:
        self.watch_handshake(False)
        if self._saved is not None:
            logger = logging.getLogger("kafka")
            logger.removeHandler(self)
            logger.propagate = self._saved
            self._saved = None

    def watch_handshake(self, on: bool) -> None:
        """Turn the parser's debug log on while connecting (off again: it is costly)."""
        parser = logging.getLogger(self._PARSER)
        if on and self._parser_level is None:
            self._parser_level = parser.level
            parser.setLevel(logging.DEBUG)
        elif not on and self._parser_level is not None:
            parser.setLevel(self._parser_level)
            self._parser_level = None

    def reading(self) -> None:
        """From now on, a complaint about the connection means it was lost mid-sample."""
        self.is_reading = True

    def connection_lost(self) -> bool:
        """Whether the broker connection failed after reading began."""
        return self.lost is not None

    def cause(self) -> str | None:
        """The most telling complaint seen: auth and TLS failures outrank generic ones."""
        for fragment in _TELLING:
            if fragment in self.telling:
                if fragment == "socket disconnected" and self.handshake_accepted:
                    return "Authentication failed: disconnected right after the SASL handshake"
                return self.telling[fragment]
        return self.last


__all__ = [
    "KafkaSample",
    "SampleRequest",
    "consumer_config",
    "explain_failure",
    "open_sample",
    "sample_records",
]
