"""The sample command's pure helpers: settings from DDL / env / files / flags, failure wording."""

from __future__ import annotations

from pathlib import Path

import pytest

from flinkdoctor.cli.kafka_options import KafkaOptions, kafka_settings, kafka_table
from flinkdoctor.errors import InputError
from flinkdoctor.events.kafka import consumer_config, explain_failure
from flinkdoctor.events.settings import KafkaSettings
from flinkdoctor.sql import load_script

SEED_JOB = '''
import os

def create_events_source_kafka(t_env):
    kafka_key = os.environ.get("KAFKA_WEB_TRAFFIC_KEY", "")
    kafka_secret = os.environ.get("KAFKA_WEB_TRAFFIC_SECRET", "")
    table_name = "process_events_kafka"
    source_ddl = f"""
        CREATE TABLE {table_name} (
            ip VARCHAR, event_time VARCHAR,
            window_timestamp AS TO_TIMESTAMP(event_time, 'yyyy-MM-dd HH:mm:ss'),
            WATERMARK FOR window_timestamp AS window_timestamp - INTERVAL '15' SECOND
        ) WITH (
            'connector' = 'kafka',
            'properties.bootstrap.servers' = '{os.environ.get('KAFKA_URL')}',
            'topic' = '{os.environ.get('KAFKA_TOPIC')}',
            'properties.group.id' = '{os.environ.get('KAFKA_GROUP')}',
            'properties.security.protocol' = 'SASL_SSL',
            'properties.sasl.mechanism' = 'PLAIN',
            'properties.sasl.jaas.config' = 'org.apache.flink.kafka.shaded.org.apache.kafka.common.security.plain.PlainLoginModule required username=\\"{kafka_key}\\" password=\\"{kafka_secret}\\";',
            'scan.startup.mode' = 'latest-offset',
            'format' = 'json'
        )"""
    t_env.execute_sql(source_ddl)
'''  # noqa: E501 - the seed's own line


@pytest.fixture
def seed_job(tmp_path: Path) -> Path:
    path = tmp_path / "aggregation_job.py"
    path.write_text(SEED_JOB)
    return path


def test_the_seed_job_with_its_example_env_needs_nothing_else(seed_job: Path) -> None:
    environ = {
        "KAFKA_URL": "pkc-rgm37.us-west-2.aws.confluent.cloud:9092",
        "KAFKA_TOPIC": "bootcamp-events-prod",
        "KAFKA_WEB_TRAFFIC_KEY": "APIKEY",
        "KAFKA_WEB_TRAFFIC_SECRET": "s3cret",
    }
    settings = kafka_settings(KafkaOptions(ddl=seed_job), environ)
    assert settings.bootstrap_servers == ("pkc-rgm37.us-west-2.aws.confluent.cloud:9092",)
    assert settings.topic == "bootcamp-events-prod"
    assert (settings.security_protocol, settings.sasl_mechanism) == ("SASL_SSL", "PLAIN")
    assert (settings.sasl_username, settings.sasl_password) == ("APIKEY", "s3cret")
    assert settings.origin("bootstrap.servers") == f"{seed_job} table process_events_kafka"


def test_the_seed_job_without_its_env_says_what_is_a_placeholder(seed_job: Path) -> None:
    with pytest.raises(InputError) as caught:
        kafka_settings(KafkaOptions(ddl=seed_job), {})
    message = str(caught.value)
    assert message.startswith("no Kafka bootstrap servers")
    assert "properties.bootstrap.servers, topic, properties.group.id are placeholders" in message


def test_precedence_ddl_env_file_x_flags(seed_job: Path, tmp_path: Path) -> None:
    config = tmp_path / "client.properties"
    config.write_text("bootstrap.servers=file:9092\nsasl.username=from-file\n")
    environ = {
        "KAFKA_URL": "ddl:9092",
        "KAFKA_TOPIC": "t",
        "KAFKA_BOOTSTRAP_SERVERS": "env:9092",
        "KAFKA_SASL_USERNAME": "from-env",
        "KAFKA_SASL_PASSWORD": "pw",
    }
    options = KafkaOptions(ddl=seed_job, kafka_config=config)
    settings = kafka_settings(options, environ)
    assert settings.bootstrap_servers == ("file:9092",)
    assert settings.sasl_username == "from-file"
    options = KafkaOptions(
        ddl=seed_job,
        kafka_config=config,
        kafka_options=["bootstrap.servers=x:1", "security.protocol=SASL_PLAINTEXT"],
        bootstrap_servers=["flag:1", "flag:2"],
    )
    settings = kafka_settings(options, environ)
    assert settings.bootstrap_servers == ("flag:1", "flag:2")
    assert settings.security_protocol == "SASL_PLAINTEXT"
    assert dict(settings.origins)["security.protocol"] == "-X"


def test_bad_x_option_does_not_echo_it() -> None:
    with pytest.raises(InputError, match="-X takes KEY=VALUE") as caught:
        kafka_settings(KafkaOptions(kafka_options=["sasl.password:hunter2"]), {})
    assert "hunter2" not in str(caught.value)


def test_kafka_table_choice(tmp_path: Path) -> None:
    script = load_script(
        """
        CREATE TABLE a (x INT) WITH ('connector' = 'kafka', 'topic' = 'a');
        CREATE TABLE b (ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
          WITH ('connector' = 'kafka', 'topic' = 'b');
        CREATE TABLE c (x INT) WITH ('connector' = 'jdbc');
        """,
        "job.sql",
    )
    assert kafka_table(script, None).name.name == "b"  # the one with a WATERMARK
    assert kafka_table(script, "a").name.name == "a"
    with pytest.raises(InputError, match="table c is not a Kafka table"):
        kafka_table(script, "c")
    with pytest.raises(InputError, match="no table 'd'"):
        kafka_table(script, "d")


def test_consumer_config_never_joins_a_group_or_commits() -> None:
    settings = KafkaSettings(
        bootstrap_servers=("h:1",),
        security_protocol="SASL_SSL",
        sasl_mechanism="SCRAM-SHA-512",
        sasl_username="u",
        sasl_password="p",
        ssl_cafile="/ca.pem",
        ssl_check_hostname=False,
    )
    config = consumer_config(settings, timeout=5)
    assert config["group_id"] is None and config["enable_auto_commit"] is False
    assert config["allow_auto_create_topics"] is False
    assert config["bootstrap_timeout_ms"] == 5000
    assert (config["sasl_plain_username"], config["sasl_plain_password"]) == ("u", "p")
    assert (config["ssl_cafile"], config["ssl_check_hostname"]) == ("/ca.pem", False)


@pytest.mark.parametrize(
    ("cause", "start"),
    [
        ("[Error 58] SaslAuthenticationFailedError: Authentication failed", "not authorised: h:1"),
        ("[Error 34] IllegalSaslStateError", "h:1 does not accept SASL PLAIN"),
        (
            "Handshake failed: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
            "self-signed certificate (_ssl.c:1006)",
            "cannot verify the TLS certificate of h:1 "
            "(certificate verify failed: self-signed certificate)",
        ),
        ("KafkaConnectionError: DNS Resolution failure", "cannot resolve the Kafka host"),
        ("KafkaConnectionError: 111 ECONNREFUSED", "Kafka unreachable: connection to h:1 refused"),
        ("KafkaConnectionError: socket disconnected", "h:1 closed the connection while connecting"),
        ("KafkaTimeoutError: nothing", "Kafka unreachable: no answer from h:1 while connecting"),
    ],
)
def test_explain_failure(cause: str, start: str) -> None:
    settings = KafkaSettings(
        bootstrap_servers=("h:1",),
        security_protocol="SASL_SSL",
        sasl_mechanism="PLAIN",
        sasl_username="u",
        sasl_password="p",
    )
    assert explain_failure(cause, settings, "connecting", "h:1", 5).startswith(start)
