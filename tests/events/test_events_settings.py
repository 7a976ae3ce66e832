"""Kafka connection settings: properties files, JAAS lines, environment, DDL, precedence."""

from __future__ import annotations

import pytest

from flinkdoctor.errors import InputError
from flinkdoctor.events.settings import (
    KafkaSettings,
    parse_jaas,
    parse_properties,
    placeholders_in_ddl,
    properties_from_ddl,
    properties_from_env,
    resolve_settings,
)

SHADED_PLAIN = (
    "org.apache.flink.kafka.shaded.org.apache.kafka.common.security.plain.PlainLoginModule "
    'required username="KEY123" password="p@ss\\"word";'
)

SEED_OPTIONS = {
    "connector": "kafka",
    "properties.bootstrap.servers": "pkc-rgm37.us-west-2.aws.confluent.cloud:9092",
    "topic": "bootcamp-events-prod",
    "properties.group.id": "web-events",
    "properties.security.protocol": "SASL_SSL",
    "properties.sasl.mechanism": "PLAIN",
    "properties.sasl.jaas.config": SHADED_PLAIN,
    "scan.startup.mode": "latest-offset",
    "properties.auto.offset.reset": "latest",
    "format": "json",
}


def test_the_seed_ddl_needs_nothing_else() -> None:
    settings = resolve_settings([("job.sql table t", properties_from_ddl(SEED_OPTIONS))])
    assert settings.bootstrap_servers == ("pkc-rgm37.us-west-2.aws.confluent.cloud:9092",)
    assert settings.topic == "bootcamp-events-prod"
    assert settings.security_protocol == "SASL_SSL"
    assert settings.sasl_mechanism == "PLAIN"
    assert settings.sasl_username == "KEY123"
    assert settings.sasl_password == 'p@ss"word'
    assert settings.origin("bootstrap.servers") == "job.sql table t"
    assert "p@ss" not in repr(settings)
    assert settings.describe() == (
        "bootstrap.servers=pkc-rgm37.us-west-2.aws.confluent.cloud:9092 (from job.sql table t), "
        "topic=bootcamp-events-prod (from job.sql table t), "
        "security.protocol=SASL_SSL (from job.sql table t), "
        "sasl.mechanism=PLAIN (from job.sql table t), sasl.username=KEY123"
    )
    assert settings.secrets() == ('p@ss"word',)


def test_parse_jaas_variants() -> None:
    module, options = parse_jaas(
        "org.apache.kafka.common.security.scram.ScramLoginModule required\n"
        '  username=bob password="a b;c" ;'
    )
    assert module.endswith("ScramLoginModule")
    assert options == {"username": "bob", "password": "a b;c"}
    with pytest.raises(InputError, match="is not '<LoginModule> required"):
        parse_jaas("username=x password=y;")


def test_parse_properties_java_style() -> None:
    text = (
        "# comment\n"
        "! other comment\n"
        "bootstrap.servers = b1:9092,\\\n"
        "    b2:9092\n"
        "security.protocol:SASL_SSL\n"
        "sasl.mechanism SCRAM-SHA-512\n"
        "sasl.username=u\\u0041\n"
        "sasl.password=a\\=b\\\\c\n"
        "empty=\n"
    )
    assert parse_properties(text) == {
        "bootstrap.servers": "b1:9092,b2:9092",
        "security.protocol": "SASL_SSL",
        "sasl.mechanism": "SCRAM-SHA-512",
        "sasl.username": "uA",
        "sasl.password": "a=b\\c",
        "empty": "",
    }


def test_environment_and_precedence() -> None:
    env = properties_from_env(
        {"KAFKA_BOOTSTRAP_SERVERS": "localhost:9092", "KAFKA_SASL_PASSWORD": "envpw", "HOME": "/"}
    )
    assert env == {"bootstrap.servers": "localhost:9092", "sasl.password": "envpw"}
    settings = resolve_settings(
        [
            ("job.sql", properties_from_ddl(SEED_OPTIONS)),
            ("environment", env),
            ("flags", {"topic": "other"}),
        ]
    )
    assert settings.bootstrap_servers == ("localhost:9092",)
    assert settings.topic == "other"
    assert settings.sasl_username == "KEY123"  # from the DDL's JAAS line
    assert settings.sasl_password == "envpw"  # sasl.password beats the JAAS password
    assert dict(settings.origins)["bootstrap.servers"] == "environment"


def test_placeholders_in_the_ddl_are_not_values() -> None:
    options = {
        "properties.bootstrap.servers": "${os.environ.get('KAFKA_URL')}",
        "topic": "None",
        "properties.security.protocol": "SASL_SSL",
        "properties.sasl.mechanism": "PLAIN",
        "properties.sasl.jaas.config": (
            "org.apache.kafka.common.security.plain.PlainLoginModule required "
            'username="{kafka_key}" password="{kafka_secret}";'
        ),
    }
    assert placeholders_in_ddl(options) == ["properties.bootstrap.servers", "topic"]
    props = properties_from_ddl(options)
    assert "bootstrap.servers" not in props and "topic" not in props
    with pytest.raises(InputError, match="no Kafka bootstrap servers"):
        resolve_settings([("ddl", props)])
    with pytest.raises(InputError, match="needs a user name and a password") as caught:
        resolve_settings([("ddl", props), ("env", {"bootstrap.servers": "h:1"})])
    assert "kafka_secret" not in str(caught.value)


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"bootstrap.servers": "nohostport"}, "is not host:port"),
        ({"security.protocol": "KERBEROS"}, "is not one of PLAINTEXT, SSL"),
        ({"security.protocol": "SASL_SSL"}, "sasl.mechanism is not set"),
        ({"security.protocol": "SASL_SSL", "sasl.mechanism": "GSSAPI"}, "is not supported"),
        (
            {
                "security.protocol": "SASL_SSL",
                "sasl.mechanism": "SCRAM-SHA-256",
                "sasl.jaas.config": SHADED_PLAIN,
            },
            "uses PlainLoginModule but sasl.mechanism is SCRAM-SHA-256",
        ),
        (
            {"security.protocol": "SSL", "ssl.truststore.location": "/x/truststore.jks"},
            "is a JKS store; flinkdoctor reads PEM files only",
        ),
    ],
)
def test_settings_errors_name_the_problem(props: dict[str, str], message: str) -> None:
    layer = {"bootstrap.servers": "h:9092", **props}
    with pytest.raises(InputError, match=message) as caught:
        resolve_settings([("test", layer)])
    assert 'p@ss"word' not in str(caught.value)


def test_scram_infers_nothing_but_plain_infers_its_mechanism() -> None:
    jaas_only = {
        "bootstrap.servers": "h:9092",
        "security.protocol": "SASL_PLAINTEXT",
        "sasl.jaas.config": SHADED_PLAIN,
    }
    assert resolve_settings([("t", jaas_only)]).sasl_mechanism == "PLAIN"


def test_ssl_files_and_hostname_check() -> None:
    settings = resolve_settings(
        [
            (
                "t",
                {
                    "bootstrap.servers": "h:9093",
                    "security.protocol": "ssl",
                    "ssl.truststore.type": "PEM",
                    "ssl.truststore.location": "/ca.pem",
                    "ssl.endpoint.identification.algorithm": "",
                },
            )
        ]
    )
    assert settings == KafkaSettings(
        bootstrap_servers=("h:9093",),
        security_protocol="SSL",
        ssl_cafile="/ca.pem",
        ssl_check_hostname=False,
        origins=(("bootstrap.servers", "t"), ("security.protocol", "t")),
    )
