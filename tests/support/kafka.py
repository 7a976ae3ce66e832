"""A real Apache Kafka broker for tests and benchmarks: KRaft, single node, plain JVM process.

Usage (pytest: take the session fixture ``kafka_broker``; elsewhere ``start_broker()``)::

    def test_x(kafka_broker):                           # @pytest.mark.kafka
        topic = kafka_broker.create_topic(partitions=3)  # unique name per call
        kafka_broker.produce(topic, [Message(b'{"a":1}', partition=0, timestamp=1000)])
        settings = KafkaSettings(bootstrap_servers=(kafka_broker.bootstrap,), topic=topic)

* Jars: ``org.apache.kafka:kafka_2.13`` (KAFKA_VERSION) and its runtime dependencies from Maven
  Central via ``mvn``, cached in ``$FLINKDOCTOR_CACHE`` or ``~/.cache/flinkdoctor`` (race safe;
  shared with tests/support/flink.py's Maven helper). Kafka 3.9 is the last line that still
  speaks the old protocol versions older clients (kafka-python 2.x) need; 4.x dropped them.
* Listeners on 127.0.0.1, ports chosen at runtime: PLAINTEXT, SSL, SASL_PLAINTEXT and SASL_SSL;
  SASL mechanisms PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512, one user (``SASL_USER`` /
  ``SASL_PASSWORD``) for all three. TLS uses a throw-away self-signed certificate for 127.0.0.1
  (``ca_file``), made with the ``openssl`` tool.
* Storage is formatted in a temp dir; ``close()`` stops the JVM (TERM, then KILL) and deletes it.
  The JVM also gets SIGTERM if the test process dies (Linux parent-death signal), so no orphan
  JVM survives a crashed run.
* The fixture FAILS when the broker cannot start and ``CI=true``; elsewhere it skips with why.
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.support.flink import FlinkUnavailable, cache_root, maven_jars

KAFKA_VERSION = "3.9.2"
KAFKA_COORDINATES = [
    f"org.apache.kafka:kafka_2.13:{KAFKA_VERSION}",
    "org.slf4j:slf4j-reload4j:1.7.36",  # broker logs go to <workdir>/server.log
]
SASL_USER = "alice"
SASL_PASSWORD = "alice-Secret-9f3"  # distinctive, so tests can assert it is never printed
BROKER_HEAP = os.environ.get("FLINKDOCTOR_KAFKA_HEAP", "512m")
START_TIMEOUT = float(os.environ.get("FLINKDOCTOR_KAFKA_START_TIMEOUT", "120"))


class KafkaUnavailable(Exception):
    """A broker cannot be started here (missing tool, no network, JVM failure)."""


@dataclass(frozen=True)
class Message:
    """One message to produce; ``timestamp`` is the CreateTime in epoch ms (None: now)."""

    value: bytes | None
    partition: int = 0
    timestamp: int | None = None
    key: bytes | None = None
    headers: Sequence[tuple[str, bytes]] = ()


@dataclass
class KafkaBroker:
    """A running broker. ``bootstrap`` is the PLAINTEXT listener; the others are per protocol."""

    process: subprocess.Popen[bytes]
    workdir: Path
    ports: dict[str, int]
    ca_file: Path
    _topics: int = field(default=0)

    @property
    def bootstrap(self) -> str:
        return self.address("PLAINTEXT")

    def address(self, protocol: str) -> str:
        """``127.0.0.1:<port>`` of the listener for ``protocol`` (PLAINTEXT, SSL, SASL_...)."""
        return f"127.0.0.1:{self.ports[protocol]}"

    def admin(self) -> Any:
        from kafka import KafkaAdminClient

        return KafkaAdminClient(bootstrap_servers=self.bootstrap, client_id="tests-admin")

    def create_topic(
        self, name: str | None = None, partitions: int = 1, configs: dict[str, str] | None = None
    ) -> str:
        """Create a topic (a fresh unique name unless given) and wait until it has leaders."""
        self._topics += 1
        topic = name or f"t{self._topics}-{uuid.uuid4().hex[:6]}"
        admin = self.admin()
        try:
            admin.create_topics(
                {
                    topic: {
                        "num_partitions": partitions,
                        "replication_factor": 1,
                        "configs": configs or {},
                    }
                },
                wait_for_metadata=True,
            )
        finally:
            admin.close()
        return topic

    def produce(self, topic: str, messages: Iterable[Message], **producer_config: Any) -> int:
        """Send ``messages`` in order (each to its partition) and wait for every ack."""
        from kafka import KafkaProducer

        config: dict[str, Any] = {"acks": 1, "linger_ms": 5, **producer_config}
        producer = KafkaProducer(bootstrap_servers=self.bootstrap, **config)
        sent = 0
        try:
            for message in messages:
                producer.send(
                    topic,
                    value=message.value,
                    key=message.key,
                    partition=message.partition,
                    timestamp_ms=message.timestamp,
                    headers=list(message.headers),
                )
                sent += 1
            producer.flush(timeout=60)
        finally:
            producer.close(timeout=10)
        return sent

    def log_tail(self, chars: int = 4000) -> str:
        """The end of the broker's log, for failure messages."""
        for name in ("server.log", "stdout.log"):
            path = self.workdir / name
            if path.exists():
                return path.read_text(errors="replace")[-chars:]
        return ""

    def close(self) -> None:
        """Stop the JVM (TERM, then KILL after 20 s) and delete its storage."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        shutil.rmtree(self.workdir, ignore_errors=True)


def provision_kafka() -> list[Path]:
    """The broker's jars (cached after the first call)."""
    try:
        return maven_jars(cache_root(), KAFKA_COORDINATES, transitive=True)
    except FlinkUnavailable as error:  # the shared Maven helper's error type
        raise KafkaUnavailable(str(error)) from error


def start_broker() -> KafkaBroker:
    """Provision, format and start a broker; ready for clients when this returns."""
    java = shutil.which("java")
    openssl = shutil.which("openssl")
    if java is None or openssl is None:
        raise KafkaUnavailable("the Kafka test broker needs java (17+) and openssl on PATH")
    jars = provision_kafka()
    workdir = Path(tempfile.mkdtemp(prefix="flinkdoctor-kafka-"))
    try:
        return _start(java, openssl, jars, workdir)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise


def kafka_fixture_value() -> Iterator[KafkaBroker]:
    """Body of the pytest ``kafka_broker`` fixture: FAIL in CI (CI=true), skip elsewhere."""
    try:
        broker = start_broker()
    except KafkaUnavailable as error:
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail(f"the Kafka test broker could not start in CI: {error}", pytrace=False)
        pytest.skip(f"Kafka test broker unavailable: {error}")
    try:
        yield broker
    finally:
        broker.close()


@pytest.fixture(scope="session")
def kafka_broker() -> Iterator[KafkaBroker]:
    """A real Kafka 3.9 broker (KRaft) for the whole session; stopped at the end."""
    yield from kafka_fixture_value()


# ----------------------------------------------------------------------------------------------
# Starting the JVM


_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL", "CONTROLLER")
_MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")


def _start(java: str, openssl: str, jars: list[Path], workdir: Path) -> KafkaBroker:
    ports = _free_ports(len(_PROTOCOLS))
    port_of = dict(zip(_PROTOCOLS, ports, strict=True))
    ca_file = _self_signed_certificate(openssl, workdir)
    config = workdir / "server.properties"
    config.write_text(_server_properties(port_of, workdir))
    (workdir / "log4j.properties").write_text(_LOG4J.format(log=workdir / "server.log"))
    classpath = os.pathsep.join(str(jar) for jar in jars)
    jvm = [
        java,
        f"-Xmx{BROKER_HEAP}",
        "-Xms128m",
        "-XX:+UseSerialGC",
        "-Djava.awt.headless=true",
        f"-Dlog4j.configuration=file:{workdir / 'log4j.properties'}",
        "-cp",
        classpath,
    ]
    cluster_id = "-"
    while cluster_id.startswith("-"):  # the tool would read it as an option (as Kafka's Uuid does)
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
    scram = [
        arg
        for mechanism in _MECHANISMS[1:]
        for arg in ("--add-scram", f"{mechanism}=[name={SASL_USER},password={SASL_PASSWORD}]")
    ]
    formatted = subprocess.run(
        [*jvm, "kafka.tools.StorageTool", "format", "-t", cluster_id, "-c", str(config), *scram],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if formatted.returncode != 0:
        raise KafkaUnavailable(f"kafka-storage format failed:\n{formatted.stderr[-2000:]}")
    with open(workdir / "stdout.log", "wb") as out:
        process = subprocess.Popen(
            [*jvm, "kafka.Kafka", str(config)],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
    broker = KafkaBroker(process=process, workdir=workdir, ports=port_of, ca_file=ca_file)
    try:
        _wait_ready(broker)
    except BaseException:
        broker.close()
        raise
    return broker


def _wait_ready(broker: KafkaBroker) -> None:
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaError

    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if broker.process.poll() is not None:
            raise KafkaUnavailable(f"the broker JVM exited early:\n{broker.log_tail()}")
        try:
            with socket.create_connection(("127.0.0.1", broker.ports["PLAINTEXT"]), timeout=1):
                pass
            admin = KafkaAdminClient(
                bootstrap_servers=broker.bootstrap,
                request_timeout_ms=5000,
                bootstrap_timeout_ms=5000,
            )
            try:
                admin.list_topics()
                return
            finally:
                admin.close()
        except (OSError, KafkaError):
            time.sleep(0.5)
    raise KafkaUnavailable(
        f"the broker was not ready after {START_TIMEOUT:.0f} s:\n{broker.log_tail()}"
    )


def _die_with_parent() -> None:
    """In the child before exec: ask Linux to SIGTERM it when the test process dies."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _self_signed_certificate(openssl: str, workdir: Path) -> Path:
    """key.pem + cert.pem for CN/SAN 127.0.0.1; returns the CA file clients trust (the cert)."""
    key, cert = workdir / "key.pem", workdir / "cert.pem"
    made = subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if made.returncode != 0:
        raise KafkaUnavailable(f"openssl could not make a test certificate:\n{made.stderr[-2000:]}")
    (workdir / "keystore.pem").write_text(key.read_text() + cert.read_text())
    return cert


def _server_properties(ports: dict[str, int], workdir: Path) -> str:
    listeners = ",".join(f"{p}://127.0.0.1:{ports[p]}" for p in _PROTOCOLS)
    advertised = ",".join(f"{p}://127.0.0.1:{ports[p]}" for p in _PROTOCOLS[:-1])
    jaas = {
        "PLAIN": (
            "org.apache.kafka.common.security.plain.PlainLoginModule required "
            f'user_{SASL_USER}="{SASL_PASSWORD}";'
        ),
        "SCRAM-SHA-256": "org.apache.kafka.common.security.scram.ScramLoginModule required;",
        "SCRAM-SHA-512": "org.apache.kafka.common.security.scram.ScramLoginModule required;",
    }
    lines = [
        "process.roles=broker,controller",
        "node.id=1",
        f"controller.quorum.voters=1@127.0.0.1:{ports['CONTROLLER']}",
        f"listeners={listeners}",
        f"advertised.listeners={advertised}",
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SSL:SSL,"
        "SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT",
        f"sasl.enabled.mechanisms={','.join(_MECHANISMS)}",
        "ssl.keystore.type=PEM",
        f"ssl.keystore.location={workdir / 'keystore.pem'}",
        "ssl.client.auth=none",
        f"log.dirs={workdir / 'data'}",
        "num.partitions=1",
        "auto.create.topics.enable=false",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "log.retention.ms=-1",  # test events carry 2024 timestamps: never age them out
        "log.flush.interval.messages=1000000",
        "num.network.threads=2",
        "num.io.threads=2",
    ]
    for listener in ("sasl_plaintext", "sasl_ssl"):
        for mechanism, module in jaas.items():
            lines.append(f"listener.name.{listener}.{mechanism.lower()}.sasl.jaas.config={module}")
    return "\n".join(lines) + "\n"


_LOG4J = """\
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File={log}
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.org.apache.kafka.controller=WARN
log4j.logger.state.change.logger=WARN
"""
