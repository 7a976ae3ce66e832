"""plaintext-secret: a password or JAAS secret written literally in the script."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from flinkdoctor.findings import Finding, Fix
from flinkdoctor.lint.job import is_placeholder, option_location
from flinkdoctor.lint.rule import LintContext, Rule
from flinkdoctor.sql.model import CreateTable

SECRET_KEY = re.compile(
    r"(?:^|[._-])(?:password|passwd|pwd|secret|secret[._-]key|api[._-]key|private[._-]key|token)$",
    re.IGNORECASE,
)
_VALUE = r"""\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s;"']+))"""
_JAAS_SECRET = re.compile(r"\b(password|secret|token)" + _VALUE, re.IGNORECASE)
_JAAS_USER = re.compile(r"\busername" + _VALUE, re.IGNORECASE)
PLACEHOLDERS = frozenset(
    ["secret", "password", "passwd", "changeme", "change-me", "change_me", "key", "token",
     "redacted", "todo", "xxx", "none", "null", "your-password", "your_password", "<password>"]
)  # fmt: skip
_USER_KEYS = ("username", "user", "properties.sasl.username")

_J = "CREATE TABLE j (v INT) WITH (\n  'connector' = 'jdbc',\n  'url' = 'jdbc:postgresql://db/x',\n"
_J += "  'table-name' = 'x',\n  'username' = 'app',\n  'password' = '{pw}'\n);\n"
_KJ = (
    "CREATE TABLE k (v INT) WITH (\n  'connector' = 'kafka',\n  'topic' = 't',\n"
    "  'properties.sasl.jaas.config' = 'org.apache.kafka.common.security.plain.PlainLoginModule"
    " required username=\"app\" password=\"{pw}\";',\n  'format' = 'json'\n);\n"
)


def is_placeholder_secret(value: str, user: str | None) -> bool:
    """Not a real secret: empty, a ``${VAR}`` / ``<...>`` placeholder, a masked or well-known
    placeholder word (``SECRET``, ``changeme``, ``***``), or the user name itself (a local default
    credential such as postgres/postgres)."""
    v = value.strip()
    if not v or is_placeholder(v) or (v.startswith("<") and v.endswith(">")):
        return True
    if set(v) <= set("*xX.") or v.lower() in PLACEHOLDERS:
        return True
    return user is not None and v == user


def _first(m: re.Match[str]) -> str:
    return next(g for g in m.groups()[1:] if g is not None) if m.lastindex else ""


def secrets(table: CreateTable) -> Iterator[tuple[str, str]]:
    """(option key, what kind of secret) for each literal secret in the table's options."""
    user = next((table.options[k] for k in _USER_KEYS if k in table.options), None)
    for key, value in table.options.items():
        if key.lower().endswith("jaas.config"):
            m_user = _JAAS_USER.search(value)
            jaas_user = None
            if m_user is not None:
                jaas_user = next((g for g in m_user.groups() if g is not None), None)
            for m in _JAAS_SECRET.finditer(value):
                secret = next((g for g in m.groups()[1:] if g is not None), "")
                if not is_placeholder_secret(secret, jaas_user):
                    yield key, f"the JAAS {m.group(1).lower()}"
                    break
        elif SECRET_KEY.search(key) and not is_placeholder_secret(value, user):
            yield key, "a literal secret"


class PlaintextSecret(Rule):
    """## What it does
    Flags a literal secret in a table's WITH options: a password, secret, token or key option
    (`'password'`, `'properties.ssl.keystore.password'`, `'s3.secret-key'`, ...) or a `password=`
    inside `'properties.sasl.jaas.config'`. Placeholders are fine: `${VAR}` (filled in at deploy
    time), values a PyFlink job reads from the environment, masked or placeholder words (`***`,
    `SECRET`, `changeme`), and a password equal to the user name (a local default such as
    postgres/postgres). The secret itself is never printed.

    ## Why is this bad?
    Scripts end up in git, CI logs, savepoint metadata and the Flink web UI's configuration view:
    a secret written there is a leaked secret.

    ## Example
    ```sql
    'properties.sasl.jaas.config' = '... required username="app" password="s3cr3t!";'
    ```

    ## Use instead
    ```sql
    'properties.sasl.jaas.config' = '... required username="app" password="${KAFKA_PASSWORD}";'
    ```
    (in a PyFlink job, build the DDL from `os.environ["KAFKA_PASSWORD"]`).
    """

    name: ClassVar[str] = "plaintext-secret"
    fires = (_J.format(pw="hunter2-prod"), _KJ.format(pw="Zx9!kq-77"))
    passes = (
        _J.format(pw="${PG_PASSWORD}"),
        _KJ.format(pw="${KAFKA_SECRET}"),
        _J.format(pw="app"),
        _KJ.format(pw="SECRET"),
        _J.format(pw="****"),
    )

    def check(self, context: LintContext) -> Iterator[Finding]:
        for table in context.script.tables.values():
            for key, what in secrets(table):
                location = option_location(table, key)
                message = (
                    f"option '{key}' of {table.name} holds {what} in plain text (not shown here)"
                )
                fix = Fix(
                    "read it at deploy time instead: a ${VAR} placeholder filled from a secret "
                    "store, or os.environ[...] in a PyFlink job"
                )
                evidence = {"table": str(table.name), "option": key}
                yield self.finding(message, location, evidence=evidence, fix=fix)
