"""Hiding secrets wherever connector options are printed: in every command's output, in logs and in
error messages. ``redact_options`` works on any WITH-options or client-properties mapping;
``scrub`` removes known secret strings from free text (e.g. a client library's error message).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

REDACTED = "****"

# Option names (or JAAS option names) whose value is a secret. "key" alone is not enough: Flink's
# 'key.format' / 'key.fields' are harmless, while 'ssl.keystore.key' holds a private key.
_SECRET_NAME = re.compile(
    r"password|passwd|secret|token|credential|user[._-]?info|private[._-]?key|keystore\.key"
    r"|keystore\.certificate\.chain|api[._-]?key|apikey",
    re.IGNORECASE,
)
# One JAAS option: name=value, the value double-quoted (with backslash escapes) or bare.
_JAAS_OPTION = re.compile(r'(?P<name>[\w.-]+)\s*=\s*(?P<value>"(?:[^"\\]|\\.)*"|[^\s;"]+)')
# user:password@ in URLs (jdbc:postgresql://user:pw@host/db, http://u:p@registry).
_URL_USERINFO = re.compile(r"(?P<head>//[^/@:\s]+:)(?P<secret>[^/@\s]+)(?=@)")
# password=... inside query strings or connection strings.
_QUERY_SECRET = re.compile(
    r"(?P<head>[?&;](?:password|passwd|secret|token|api[._-]?key)=)(?P<secret>[^&;\s]*)",
    re.IGNORECASE,
)


def is_secret_name(name: str) -> bool:
    """Whether an option named ``name`` holds a secret value."""
    return bool(_SECRET_NAME.search(name))


def redact_value(name: str, value: str) -> str:
    """``value`` of option ``name`` with any secret in it replaced by ``****``."""
    if name.lower().endswith("jaas.config"):
        return redact_jaas(value)
    if is_secret_name(name):
        return REDACTED
    return _QUERY_SECRET.sub(
        rf"\g<head>{REDACTED}", _URL_USERINFO.sub(rf"\g<head>{REDACTED}", value)
    )


def redact_options(options: Mapping[str, str]) -> dict[str, str]:
    """A copy of ``options`` safe to print: secret values masked, JAAS passwords masked inside the
    config (the login module and user name stay visible, they are what one debugs), credentials in
    URLs masked. Keys and order are unchanged.
    """
    return {name: redact_value(name, value) for name, value in options.items()}


def redact_jaas(config: str) -> str:
    """A JAAS config line with every secret option value masked (``password="****"``; also the
    broker-side ``user_<name>="<password>"`` entries of PlainLoginModule).
    """

    def mask(match: re.Match[str]) -> str:
        if not (is_secret_name(match["name"]) or match["name"].startswith("user_")):
            return match[0]
        quote = '"' if match["value"].startswith('"') else ""
        return f"{match['name']}={quote}{REDACTED}{quote}"

    return _JAAS_OPTION.sub(mask, config)


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every occurrence of each (non-trivial) secret replaced by ``****``; a last line
    of defence for messages built by code we do not control.
    """
    for secret in sorted((s for s in secrets if len(s) >= 3), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


# 'secret-named key' [=] 'value' (or "value") in a script, even a malformed one.
_SCRIPT_OPTION = re.compile(
    r"""'(?P<name>[^'\n]{1,200})'\s*=?\s*(?:'(?P<single>(?:[^']|'')*)'|"(?P<double>[^"\n]*)")"""
)


def secret_literals(text: str) -> set[str]:
    """Secret values written in a script's text (secret-named options, JAAS passwords), found
    without parsing it, so that even an error in a script that does not parse can be scrubbed of
    them."""
    found: set[str] = set()
    for match in _SCRIPT_OPTION.finditer(text):
        value = match["single"] if match["single"] is not None else match["double"]
        if value is None:
            continue
        name = match["name"]
        if name.lower().endswith("jaas.config") or "LoginModule" in value:
            found.update(_jaas_secrets(value.replace("''", "'")))
        elif is_secret_name(name):
            found.add(value.replace("''", "'"))
    found.update(_jaas_secrets(text))
    return {s for s in found if len(s) >= 3}


def _jaas_secrets(text: str) -> set[str]:
    secrets: set[str] = set()
    for match in _JAAS_OPTION.finditer(text):
        if is_secret_name(match["name"]) or match["name"].startswith("user_"):
            value = match["value"]
            secrets.add(value[1:-1] if value.startswith('"') else value)
    return secrets
