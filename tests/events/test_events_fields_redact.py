"""field_path (dotted lookup, missing vs null) and secret redaction."""

from __future__ import annotations

import pytest

from flinkdoctor.events import MISSING, field_path, redact_options, scrub, split_path

SEED_JAAS = (
    "org.apache.flink.kafka.shaded.org.apache.kafka.common.security.plain.PlainLoginModule "
    'required username="ABCKEY" password="s3cr3t/+=";'
)


@pytest.mark.parametrize(
    ("value", "path", "expected"),
    [
        ({"a": {"b": {"c": 1}}}, "a.b.c", 1),
        ({"a": None}, "a", None),
        ({"a": None}, "a.b", MISSING),
        ({"event_time": "x"}, "event_timestamp", MISSING),
        ({"a.b": {"c": 2}}, "a.b.c", 2),
        ({"a.b.c": 3}, "a.b.c", 3),
        ({"a": {"b": {"c": 4}}, "a.b": {"c": 5}}, "a.b.c", 5),  # longest exact key first
        (
            {"a": {"b": {"c": 4}}, "a.b": {}},
            "a.b.c",
            4,
        ),  # falls back when the long key leads nowhere
        ({"a": {"x.y": 6}}, "a.`x.y`", 6),
        ({"a": {"x": {"y": 6}}}, "a.`x.y`", MISSING),
        ({"a": [1, 2]}, "a.0", MISSING),
        ("scalar", "a", MISSING),
        ({"": 7}, "", 7),
    ],
)
def test_field_path(value: object, path: str, expected: object) -> None:
    assert field_path(value, path) == expected


def test_split_path_quoting() -> None:
    assert split_path("a.`b.c`.d") == ("a", "b.c", "d")
    assert split_path("`a``b`") == ("a`b",)
    with pytest.raises(ValueError, match="unclosed backtick"):
        split_path("a.`b")


def test_redact_options_masks_every_secret_and_keeps_the_rest() -> None:
    options = {
        "connector": "kafka",
        "properties.bootstrap.servers": "broker:9092",
        "properties.sasl.jaas.config": SEED_JAAS,
        "properties.ssl.truststore.password": "tspw",
        "properties.ssl.key.password": "kpw",
        "key.format": "json",
        "key.fields": "id",
        "password": "pgpass",
        "url": "jdbc:postgresql://bob:hunter2@db:5432/x?sslmode=require&password=pw2",
        "properties.sasl.oauthbearer.client.secret": "cs",
        "value.avro-confluent.basic-auth.user-info": "u:p",
    }
    redacted = redact_options(options)
    assert list(redacted) == list(options)
    assert redacted["connector"] == "kafka"
    assert redacted["key.format"] == "json" and redacted["key.fields"] == "id"
    assert redacted["properties.sasl.jaas.config"] == (
        "org.apache.flink.kafka.shaded.org.apache.kafka.common.security.plain.PlainLoginModule "
        'required username="ABCKEY" password="****";'
    )
    assert redacted["url"] == "jdbc:postgresql://bob:****@db:5432/x?sslmode=require&password=****"
    for name in (
        "properties.ssl.truststore.password",
        "properties.ssl.key.password",
        "password",
        "properties.sasl.oauthbearer.client.secret",
        "value.avro-confluent.basic-auth.user-info",
    ):
        assert redacted[name] == "****"
    text = repr(redacted)
    for secret in ("s3cr3t", "tspw", "kpw", "pgpass", "hunter2", "pw2"):
        assert secret not in text


def test_redact_unquoted_jaas_values() -> None:
    assert redact_options({"sasl.jaas.config": "X required password=abc user_bob=p2;"}) == {
        "sasl.jaas.config": "X required password=**** user_bob=****;"
    }


def test_scrub() -> None:
    assert scrub("auth failed for s3cr3t at s3cr3t", ["s3cr3t", "", "ab"]) == (
        "auth failed for **** at ****"
    )
