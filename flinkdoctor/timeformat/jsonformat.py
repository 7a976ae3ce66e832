"""flink-json's TIMESTAMP / TIMESTAMP_LTZ decoding (R4.5), per ``json.timestamp-format.standard``.

The field's JSON token text is parsed, so numbers never work. A failure fails the job unless
``json.ignore-parse-errors`` is true, in which case the field becomes NULL and the row survives.
"""

from __future__ import annotations

from collections.abc import Callable

from flinkdoctor.errors import InputError
from flinkdoctor.timeformat.errors import JavaParseError
from flinkdoctor.timeformat.fastpath import compile_fast, compile_fast_nanos
from flinkdoctor.timeformat.flink import describe, parse_with
from flinkdoctor.timeformat.formatters import (
    JSON_ISO,
    JSON_ISO_LTZ,
    JSON_SQL,
    JSON_SQL_LTZ,
)
from flinkdoctor.timeformat.model import Conversion, Status
from flinkdoctor.timeformat.resolver import STRICT

_FORMATTERS = {
    ("SQL", False): JSON_SQL,
    ("SQL", True): JSON_SQL_LTZ,
    ("ISO-8601", False): JSON_ISO,
    ("ISO-8601", True): JSON_ISO_LTZ,
}
# the compiled fast path, (millis, nano-of-milli) where certain (None: the interpreter decides)
_FAST = {
    key: compile_fast_nanos(formatter.root, strict=formatter.style == STRICT)
    for key, formatter in _FORMATTERS.items()
}
_EXPECTED = {
    ("SQL", False): "'yyyy-MM-dd HH:mm:ss[.fraction]'",
    ("SQL", True): "'yyyy-MM-dd HH:mm:ss[.fraction]Z' (a literal Z is required)",
    ("ISO-8601", False): "'yyyy-MM-ddTHH:mm[:ss[.fraction]]' (no zone, no Z)",
    ("ISO-8601", True): "'yyyy-MM-ddTHH:mm[:ss[.fraction]]Z' (a literal Z is required)",
}


def json_timestamp(
    text: object, *, ltz: bool, standard: str = "SQL", ignore_parse_errors: bool = False
) -> Conversion:
    """Decode one JSON field value into TIMESTAMP(3) (``ltz=False``) or TIMESTAMP_LTZ(3)."""
    key = (standard.upper(), ltz)
    formatter = _FORMATTERS.get(key)
    if formatter is None:
        raise InputError(
            f"json.timestamp-format.standard must be 'SQL' or 'ISO-8601', not {standard!r}"
        )
    if text is None:
        return Conversion(Status.NULL, None, "the JSON value is null (or the field is missing)")
    failure = Status.NULL if ignore_parse_errors else Status.FAIL
    consequence = (
        "the field becomes NULL (json.ignore-parse-errors)"
        if ignore_parse_errors
        else "the job fails (Failed to deserialize JSON)"
    )
    if not isinstance(text, str):
        kind = "boolean" if isinstance(text, bool) else type(text).__name__
        return Conversion(
            failure,
            None,
            f"a JSON {kind} is not a timestamp string (Flink parses the token text): {consequence}",
        )
    token = text
    compiled = _FAST[key]
    fast = compiled(token) if compiled is not None else None
    if fast is not None:
        return Conversion(Status.OK, fast[0], None, None, fast[1])
    try:
        millis, nano_of_milli = parse_with(formatter, token, 9)
    except JavaParseError as exc:
        return Conversion(
            failure,
            None,
            f"{describe(exc, token)}; expected {_EXPECTED[key]}: {consequence}",
            exc.index if exc.parse_exception else None,
        )
    return Conversion(Status.OK, millis, None, None, nano_of_milli)


def json_timestamp_millis(*, ltz: bool, standard: str = "SQL") -> Callable[[str], int | None]:
    """``json_timestamp`` for bulk use (the engine): ``text -> millis | None`` (None = a parse
    error), through the compiled fast path where it is certain, the full parser elsewhere."""
    key = (standard.upper(), ltz)
    if key not in _FORMATTERS:
        json_timestamp("", ltz=ltz, standard=standard)  # raises the InputError
    formatter = _FORMATTERS[key]

    def slow(text: str) -> int | None:
        result = json_timestamp(text, ltz=ltz, standard=standard)
        return result.millis if result.status is Status.OK else None

    strict = formatter.style == STRICT
    fast = compile_fast(formatter.root, strict=strict, stream=True, fallback=slow)
    return fast if fast is not None else slow
