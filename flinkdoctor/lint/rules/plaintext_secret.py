"""plaintext-secret: a password or JAAS secret written literally in the script."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from flinkdoctor.errors import Location
from flinkdoctor.findings import Finding, Fix
from flinkdoctor.lint.job import is_placeholder, option_location, setting_location
from flinkdoctor.lint.rule import LintContext, Rule
from flinkdoctor.sql.model import RawStatement

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


_CATALOG_NAME = re.compile(r"CREATE\s+CATALOG\s+(?:IF\s+NOT\s+EXISTS\s+)?([^\s(]+)", re.I)
_RAW_OPTION = re.compile(r"'((?:[^']|'')*)'\s*=\s*'((?:[^']|'')*)'")


def raw_options(text: str) -> Iterator[tuple[str, str, int]]:
    """('key', 'value', offset) of each ``'key' = 'value'`` in a statement kept as text
    (CREATE CATALOG ... WITH (...))."""
    for m in _RAW_OPTION.finditer(text):
        yield m.group(1).replace("''", "'"), m.group(2).replace("''", "'"), m.start()


def secrets(options: dict[str, str]) -> Iterator[tuple[str, str]]:
    """(option key, what kind of secret) for each literal secret among ``options``."""
    user = next((options[k] for k in _USER_KEYS if k in options), None)
    for key, value in options.items():
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
    Flags a literal secret in a table's or a catalog's WITH options, or in a `SET` (or a PyFlink
    `get_config().set(...)`): a password, secret, token or key option
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
    fires = (
        _J.format(pw="hunter2-prod"),
        _KJ.format(pw="Zx9!kq-77"),
        "SET 'fs.s3a.secret.key' = 'AKx9-real-looking';\n",
        "CREATE CATALOG pg WITH (\n  'type' = 'jdbc',\n  'username' = 'app',\n"
        "  'password' = 'pg-Secr3t',\n  'base-url' = 'jdbc:postgresql://db:5432'\n);\n",
    )
    passes = (
        _J.format(pw="${PG_PASSWORD}"),
        _KJ.format(pw="${KAFKA_SECRET}"),
        _J.format(pw="app"),
        _KJ.format(pw="SECRET"),
        _J.format(pw="****"),
    )

    def check(self, context: LintContext) -> Iterator[Finding]:
        script = context.script
        for table in script.tables.values():
            for key, what in secrets(table.options):
                location = option_location(table, key)
                yield self._finding(location, key, what, f"of {table.name}")
        for st in script.statements:
            if isinstance(st, RawStatement) and st.keyword == "CREATE CATALOG":
                found = list(raw_options(st.text))
                offsets = {key: at for key, _, at in found}
                for key, what in secrets({k: v for k, v, _ in found}):
                    where = _offset_location(st.location, st.text, offsets[key])
                    name = _CATALOG_NAME.match(st.text)
                    owner = f"of catalog {name.group(1)}" if name else "of the catalog"
                    yield self._finding(where, key, what, owner)
        for key, value in script.settings.items():
            for found_key, what in secrets({key: value}):
                at = setting_location(script, found_key)
                yield self._finding(at, found_key, what, "in the job configuration")

    def _finding(self, location: Location | None, key: str, what: str, owner: str) -> Finding:
        message = f"option '{key}' {owner} holds {what} in plain text (not shown here)"
        fix = Fix(
            "read it at deploy time instead: a ${VAR} placeholder filled from a secret "
            "store, or os.environ[...] in a PyFlink job"
        )
        return self.finding(message, location, evidence={"option": key}, fix=fix)


def _offset_location(start: Location, text: str, offset: int) -> Location:
    """The place ``offset`` characters into a statement written from ``start`` (a .sql file;
    in a .py job, the statement's own place)."""
    if start.file.lower().endswith(".py"):
        return start
    before = text[:offset]
    if "\n" not in before:
        return Location(start.file, start.line, start.column + offset)
    return Location(start.file, start.line + before.count("\n"), offset - before.rfind("\n"))
