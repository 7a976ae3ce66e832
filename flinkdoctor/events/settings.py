"""Kafka connection settings, merged from the places a user already has them.

Every source is read into Java client property names (``bootstrap.servers``, ``security.protocol``,
``sasl.jaas.config``, ...) plus ``topic``, then merged key by key, later layers winning. The CLI
passes, lowest priority first: the DDL's WITH options (``properties.*`` and ``topic``), the
environment (``KAFKA_*``), the ``--kafka-config`` properties file, then flags. The DDL comes first
because it is the job's view of the cluster, often a name only reachable from inside docker; what
the user sets on this machine overrides it.

Credentials: ``sasl.username`` / ``sasl.password`` (librdkafka names, also ``KAFKA_SASL_USERNAME``
/ ``KAFKA_SASL_PASSWORD``) win over the user name and password in ``sasl.jaas.config``. The JAAS
line is parsed, including Flink's shaded class names
(``org.apache.flink.kafka.shaded.org.apache.kafka...PlainLoginModule``).

Pure: takes mappings and text, returns values; reading files and the environment is the caller's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from flinkdoctor.errors import InputError, Location
from flinkdoctor.events.redact import redact_options

SECURITY_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
SASL_MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")

ENVIRONMENT = {
    "KAFKA_BOOTSTRAP_SERVERS": "bootstrap.servers",
    "KAFKA_TOPIC": "topic",
    "KAFKA_SECURITY_PROTOCOL": "security.protocol",
    "KAFKA_SASL_MECHANISM": "sasl.mechanism",
    "KAFKA_SASL_USERNAME": "sasl.username",
    "KAFKA_SASL_PASSWORD": "sasl.password",
    "KAFKA_SASL_JAAS_CONFIG": "sasl.jaas.config",
    "KAFKA_SSL_CA_LOCATION": "ssl.ca.location",
    "KAFKA_SSL_CERTIFICATE_LOCATION": "ssl.certificate.location",
    "KAFKA_SSL_KEY_LOCATION": "ssl.key.location",
    "KAFKA_SSL_KEY_PASSWORD": "ssl.key.password",
}
"""Environment variables read, and the property each one sets."""

# A value the DDL only names: a Python f-string or shell/SQL-client variable left unexpanded, or
# the text "None" that f"{os.environ.get('X')}" yields when X is unset.
_PLACEHOLDER = re.compile(r"^\s*(\$?\{[^}]*\}|None)\s*$|\{os\.environ|\$\{")
_JAAS = re.compile(r"^\s*(?P<module>[\w.$]+)\s+(?P<flag>required|requisite|sufficient|optional)\b")
_Where = Callable[[str], str]  # where(prop): " (from <origin>)" for messages
_JAAS_OPTION = re.compile(
    r'\s*(?P<name>[\w.-]+)\s*=\s*(?:"(?P<quoted>(?:[^"\\]|\\.)*)"|(?P<bare>[^\s;"]+))'
)


@dataclass(frozen=True)
class KafkaSettings:
    """Everything needed to connect and pick the topic. Secrets are excluded from ``repr``."""

    bootstrap_servers: tuple[str, ...]
    topic: str | None = None
    security_protocol: str = "PLAINTEXT"
    sasl_mechanism: str | None = None
    sasl_username: str | None = None
    sasl_password: str | None = field(default=None, repr=False)
    ssl_cafile: str | None = None
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None
    ssl_password: str | None = field(default=None, repr=False)
    ssl_check_hostname: bool = True
    origins: tuple[tuple[str, str], ...] = ()
    """(property, where it came from) for the properties used, so messages can say which source
    to fix."""

    def secrets(self) -> tuple[str, ...]:
        """The secret strings, for ``scrub``-bing messages built by code we do not control."""
        return tuple(s for s in (self.sasl_password, self.ssl_password) if s)

    def origin(self, prop: str) -> str | None:
        """Where property ``prop`` came from, if it was set."""
        return dict(self.origins).get(prop)

    def describe(self) -> str:
        """One printable line: where we connect, how, as whom, and where each came from.
        Never a secret (no password; other values pass through ``redact_options``)."""
        shown = {"bootstrap.servers": ",".join(self.bootstrap_servers)}
        if self.topic:
            shown["topic"] = self.topic
        shown["security.protocol"] = self.security_protocol
        if self.sasl_mechanism:
            shown["sasl.mechanism"] = self.sasl_mechanism
            shown["sasl.username"] = self.sasl_username or ""
        if self.ssl_cafile:
            shown["ssl.ca.location"] = self.ssl_cafile
        origins = dict(self.origins)
        return ", ".join(
            f"{name}={value}" + (f" (from {origins[name]})" if name in origins else "")
            for name, value in redact_options(shown).items()
        )


def properties_from_ddl(options: Mapping[str, str]) -> dict[str, str]:
    """Client properties in a Kafka table's WITH options (``properties.*`` and ``topic``).
    Placeholders (``{os.environ.get('X')}``, ``${X}``, ``None``) are left out: they are not values.
    """
    found: dict[str, str] = {}
    for name, value in options.items():
        if is_placeholder(value):
            continue
        if name.startswith("properties."):
            found[name.removeprefix("properties.")] = value
        elif name == "topic" and ";" not in value:
            found["topic"] = value
    return found


def placeholders_in_ddl(options: Mapping[str, str]) -> list[str]:
    """Names of WITH options whose value is an unexpanded placeholder, for hints."""
    return [name for name, value in options.items() if is_placeholder(value)]


def is_placeholder(value: str) -> bool:
    """Whether ``value`` is an unexpanded template variable rather than a real setting."""
    return bool(_PLACEHOLDER.search(value))


def properties_from_env(environ: Mapping[str, str]) -> dict[str, str]:
    """Client properties from ``KAFKA_*`` variables (see ``ENVIRONMENT``); empty ones ignored."""
    return {prop: environ[var] for var, prop in ENVIRONMENT.items() if environ.get(var)}


def parse_properties(text: str, file_name: str = "<properties>") -> dict[str, str]:
    """A Java ``.properties`` text: ``key=value``, ``key: value`` or ``key value``; ``#``/``!``
    comments; backslash line continuations and escapes (``\\t``, ``\\n``, ``\\uXXXX``, ``\\=``).
    """
    result: dict[str, str] = {}
    logical: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip()
        if not logical:
            if not stripped or stripped[0] in "#!":
                continue
            start = number
        continuation = (len(stripped) - len(stripped.rstrip("\\"))) % 2 == 1
        logical.append(stripped[:-1] if continuation else stripped)
        if continuation:
            continue
        key, value = _split_property("".join(logical), Location(file_name, start))
        result[key] = value
        logical = []
    if logical:
        key, value = _split_property("".join(logical), Location(file_name, start))
        result[key] = value
    return result


def resolve_settings(layers: Sequence[tuple[str, Mapping[str, str]]]) -> KafkaSettings:
    """Settings from property layers ``(origin, properties)``, lowest priority first.

    Raises ``InputError`` naming the property and where it came from when something is missing,
    unsupported or contradictory; never with a secret in the text.
    """
    merged: dict[str, str] = {}
    origins: dict[str, str] = {}
    for origin, props in layers:
        for name, value in props.items():
            merged[name] = value
            origins[name] = origin

    def where(prop: str) -> str:
        return f" (from {origins[prop]})" if prop in origins else ""

    servers = tuple(s.strip() for s in merged.get("bootstrap.servers", "").split(",") if s.strip())
    if not servers:
        raise InputError(
            "no Kafka bootstrap servers: give --bootstrap-server, set KAFKA_BOOTSTRAP_SERVERS, "
            "or --ddl with a Kafka table whose 'properties.bootstrap.servers' is a real address"
        )
    for server in servers:
        if not re.fullmatch(r"\[?[\w.:-]+\]?:\d{1,5}", server):
            raise InputError(
                f"bootstrap server {server!r} is not host:port{where('bootstrap.servers')}"
            )
    protocol = merged.get("security.protocol", "PLAINTEXT").strip().upper()
    if protocol not in SECURITY_PROTOCOLS:
        raise InputError(
            f"security.protocol {protocol!r}{where('security.protocol')} is not one of "
            f"{', '.join(SECURITY_PROTOCOLS)}"
        )
    mechanism = username = password = None
    if protocol.startswith("SASL_"):
        mechanism, username, password = _sasl(merged, where)
    cafile, certfile, keyfile = _ssl_files(merged, where)
    used = [
        p
        for p in (
            "bootstrap.servers",
            "topic",
            "security.protocol",
            "sasl.mechanism",
            "sasl.jaas.config",
            "sasl.username",
            "sasl.password",
            "ssl.ca.location",
            "ssl.certificate.location",
            "ssl.key.location",
        )
        if p in origins
    ]
    return KafkaSettings(
        bootstrap_servers=servers,
        topic=merged.get("topic") or None,
        security_protocol=protocol,
        sasl_mechanism=mechanism,
        sasl_username=username,
        sasl_password=password,
        ssl_cafile=cafile,
        ssl_certfile=certfile,
        ssl_keyfile=keyfile,
        ssl_password=merged.get("ssl.key.password") or None,
        ssl_check_hostname=merged.get("ssl.endpoint.identification.algorithm", "https") != "",
        origins=tuple((p, origins[p]) for p in used),
    )


def parse_jaas(config: str) -> tuple[str, dict[str, str]]:
    """``(login module class, options)`` of a one-module JAAS line such as
    ``...PlainLoginModule required username="u" password="p";``.
    """
    head = _JAAS.match(config)
    if head is None:
        raise InputError("sasl.jaas.config is not '<LoginModule> required key=\"value\" ...;'")
    options: dict[str, str] = {}
    rest = config[head.end() :]
    while True:
        option = _JAAS_OPTION.match(rest)
        if option is None:
            break
        quoted = option["quoted"]
        value = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else option["bare"]
        options[option["name"]] = value
        rest = rest[option.end() :]
    if rest.strip() not in (";", ""):
        raise InputError("sasl.jaas.config has text after its options that is not ';'")
    return head["module"], options


def _sasl(merged: Mapping[str, str], where: _Where) -> tuple[str, str, str]:
    module = ""
    jaas_options: dict[str, str] = {}
    if merged.get("sasl.jaas.config"):
        module, jaas_options = parse_jaas(merged["sasl.jaas.config"])
    mechanism = merged.get("sasl.mechanism", "").strip().upper()
    if not mechanism:
        if module.endswith("PlainLoginModule"):
            mechanism = "PLAIN"
        elif module.endswith("ScramLoginModule"):
            raise InputError(
                "sasl.mechanism is needed with ScramLoginModule: SCRAM-SHA-256 or SCRAM-SHA-512"
            )
        else:
            raise InputError("sasl.mechanism is not set (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)")
    if mechanism not in SASL_MECHANISMS:
        raise InputError(
            f"sasl.mechanism {mechanism!r}{where('sasl.mechanism')} is not supported; use "
            f"{', '.join(SASL_MECHANISMS)}"
        )
    expected = "PlainLoginModule" if mechanism == "PLAIN" else "ScramLoginModule"
    if module and not module.endswith(expected):
        raise InputError(
            f"sasl.jaas.config{where('sasl.jaas.config')} uses {module.rsplit('.', 1)[-1]} but "
            f"sasl.mechanism is {mechanism}; {mechanism} needs {expected}"
        )
    username = merged.get("sasl.username") or jaas_options.get("username")
    password = merged.get("sasl.password") or jaas_options.get("password")
    missing = [
        name
        for name, value in (("user name", username), ("password", password))
        if not value or is_placeholder(value)
    ]
    if missing:
        raise InputError(
            f"SASL {mechanism} needs a {' and a '.join(missing)}: set KAFKA_SASL_USERNAME / "
            "KAFKA_SASL_PASSWORD, sasl.username / sasl.password in --kafka-config, or a "
            "sasl.jaas.config with real values"
        )
    assert username is not None and password is not None
    return mechanism, username, password


def _ssl_files(
    merged: Mapping[str, str], where: _Where
) -> tuple[str | None, str | None, str | None]:
    cafile = merged.get("ssl.ca.location")
    certfile = merged.get("ssl.certificate.location")
    keyfile = merged.get("ssl.key.location")
    for store in ("truststore", "keystore"):
        location = merged.get(f"ssl.{store}.location")
        if not location:
            continue
        kind = merged.get(f"ssl.{store}.type", "JKS").upper()
        if kind != "PEM":
            raise InputError(
                f"ssl.{store}.location{where(f'ssl.{store}.location')} is a {kind} store; "
                f"flinkdoctor reads PEM files only: set ssl.{store}.type=PEM with a PEM file "
                "(keytool -exportcert -rfc converts a JKS certificate)"
            )
        if store == "truststore":
            cafile = cafile or location
        else:
            certfile = certfile or location
    return cafile, certfile, keyfile


def _split_property(line: str, location: Location) -> tuple[str, str]:
    match = re.match(r"((?:[^\\:=\s]|\\.)*)\s*[:=]?\s*(.*)$", line, re.DOTALL)
    assert match is not None  # the pattern matches any text
    key, value = _unescape(match[1]), _unescape(match[2])
    if not key:
        raise InputError("property line without a key (it starts with '=' or ':')", location)
    return key, value


def _unescape(text: str) -> str:
    escapes = {"t": "\t", "n": "\n", "r": "\r", "f": "\f"}

    def one(match: re.Match[str]) -> str:
        if match[2] is not None:
            return chr(int(match[2], 16))
        return escapes.get(match[1], match[1])

    return re.sub(r"\\(u([0-9a-fA-F]{4})|.)", one, text)
