"""Rowtime conversions, bound once per query into fast closures.

The Flink-exact implementations live in ``flinkdoctor.timeformat`` (TO_TIMESTAMP, TO_TIMESTAMP_LTZ,
CAST, flink-json). This module adapts them to the engine's ``str -> millis | None`` closures and
memoises per distinct text (event streams repeat few distinct timestamps per millisecond). When
``timeformat`` does not provide a function, a strict local fallback covers the common shapes:
``DEFAULT_TIMESTAMP_FORMATTER`` (R4.1), simple ``DateTimeFormatter`` patterns with the
``Timestamp.valueOf`` / ``Date.valueOf`` fallback (R4.2), ``TO_TIMESTAMP_LTZ`` ranges (R4.4) and
flink-json's SQL / ISO-8601 formats (R4.5).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from flinkdoctor.engine.expressions_failure import RowFailure

_EPOCH = _dt.datetime(1970, 1, 1)
_MIN_SEC, _MAX_SEC = -62167219200, 253402300799
_MIN_MS, _MAX_MS = _MIN_SEC * 1000, _MAX_SEC * 1000 + 999
Parser = Callable[[str], "int | None"]


def _timeformat() -> Any:
    try:
        import flinkdoctor.timeformat as tf
    except ImportError:  # pragma: no cover - the package is part of flinkdoctor
        return None
    return tf


def _millis_of(conv: Any) -> tuple[bool, int | None]:
    """Interpret a ``timeformat.Conversion``: (failed, millis)."""
    millis = getattr(conv, "millis", None)
    status = str(getattr(conv, "status", "")).lower()
    failed = millis is None and any(w in status for w in ("error", "fail", "throw", "exception"))
    return failed, millis


def _memo(fn: Parser) -> Parser:
    return lru_cache(maxsize=1 << 16)(fn)


# ---------------------------------------------------------------------------------------------
# local wall clock helpers


def _to_millis(
    year: int,
    month: int,
    day: int,
    hour: int = 0,
    minute: int = 0,
    second: int = 0,
    millis: int = 0,
) -> int:
    delta = _dt.datetime(year, month, day, hour, minute, second) - _EPOCH
    return (delta.days * 86400 + delta.seconds) * 1000 + millis


# R4.1 DEFAULT_TIMESTAMP_FORMATTER: yyyy-[MM][M]-[dd][d][ [HH][H]:[mm][m]:[ss][s][.fffffffff]]
_DEFAULT_RE = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{0,9}))?)?"
)


def _parse_default(text: str) -> int | None:
    match = _DEFAULT_RE.fullmatch(text)
    if match is None:
        return None
    y, mo, d, h, mi, s, frac = match.groups()
    try:
        return _to_millis(
            int(y),
            int(mo),
            int(d),
            int(h or 0),
            int(mi or 0),
            int(s or 0),
            int((frac or "").ljust(3, "0")[:3]),
        )
    except ValueError:
        return None


_VALUEOF_TS = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?"
)
_VALUEOF_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def _lenient(y: int, mo: int, d: int, h: int, mi: int, s: int, ms: int) -> int | None:
    """java.sql.Timestamp.valueOf is lenient: day/month overflow rolls over."""
    if not (1 <= mo <= 12) or not (1 <= d <= 31) or h > 23 or mi > 59 or s > 59:
        return None
    base = _dt.datetime(y, mo, 1) + _dt.timedelta(days=d - 1, hours=h, minutes=mi, seconds=s)
    delta = base - _EPOCH
    return (delta.days * 86400 + delta.seconds) * 1000 + ms


def _fallback_valueof(text: str) -> int | None:
    t = text.strip()
    if " " in t:
        match = _VALUEOF_TS.fullmatch(t)
        if match is None:
            return None
        y, mo, d, h, mi, s, frac = match.groups()
        return _lenient(
            int(y), int(mo), int(d), int(h), int(mi), int(s), int((frac or "").ljust(3, "0")[:3])
        )
    match = _VALUEOF_DATE.fullmatch(t)
    if match is None:
        return None
    y, mo, d = match.groups()
    return _lenient(int(y), int(mo), int(d), 0, 0, 0, 0)


_PATTERN_FIELDS = {
    "yyyy": r"(?P<y>\d{4})",
    "uuuu": r"(?P<y>\d{4})",
    "MM": r"(?P<mo>\d{2})",
    "M": r"(?P<mo>\d{1,2})",
    "dd": r"(?P<d>\d{2})",
    "d": r"(?P<d>\d{1,2})",
    "HH": r"(?P<h>\d{2})",
    "H": r"(?P<h>\d{1,2})",
    "mm": r"(?P<mi>\d{2})",
    "m": r"(?P<mi>\d{1,2})",
    "ss": r"(?P<s>\d{2})",
    "s": r"(?P<s>\d{1,2})",
    "SSS": r"(?P<f>\d{3})",
    "SS": r"(?P<f>\d{2})",
    "S": r"(?P<f>\d{1})",
    "SSSSSS": r"(?P<f>\d{6})",
    "SSSSSSSSS": r"(?P<f>\d{9})",
    "XXX": r"(?:Z|[+-]\d{2}:\d{2})",
    "X": r"(?:Z|[+-]\d{2}(?:\d{2})?)",
}


def _compile_pattern(pattern: str) -> re.Pattern[str] | None:
    """A regex for the simple ``DateTimeFormatter`` patterns; None when the pattern has letters
    we do not model (the caller then says so instead of guessing)."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "'":
            j = pattern.find("'", i + 1)
            if j < 0:
                return None
            lit = pattern[i + 1 : j] or "'"
            out.append(re.escape(lit))
            i = j + 1
            continue
        if c.isalpha():
            j = i
            while j < len(pattern) and pattern[j] == c:
                j += 1
            token = pattern[i:j]
            field = _PATTERN_FIELDS.get(token)
            if field is None:
                return None
            out.append(field)
            i = j
            continue
        out.append(re.escape(c))
        i += 1
    return re.compile("".join(out))


def _pattern_parser(pattern: str) -> Parser:
    regex = _compile_pattern(pattern)

    def parse(text: str) -> int | None:
        if regex is not None:
            match = regex.fullmatch(text)
            if match is not None:
                g = match.groupdict()
                try:
                    return _to_millis(
                        int(g.get("y") or 1970),
                        int(g.get("mo") or 1),
                        int(g.get("d") or 1),
                        int(g.get("h") or 0),
                        int(g.get("mi") or 0),
                        int(g.get("s") or 0),
                        int((g.get("f") or "").ljust(3, "0")[:3]),
                    )
                except ValueError:
                    pass
        return _fallback_valueof(text)

    return parse


# ---------------------------------------------------------------------------------------------
# public adapters


def to_timestamp_default(text: str) -> int | None:
    """``TO_TIMESTAMP(str)`` (R4.1): NULL on any failure."""
    return _to_timestamp_default(text)


@lru_cache(maxsize=1 << 16)
def _to_timestamp_default(text: str) -> int | None:
    tf = _timeformat()
    fn = getattr(tf, "to_timestamp", None) if tf is not None else None
    if fn is not None:
        try:
            return _millis_of(fn(text, None))[1]
        except TypeError:
            pass
    return _parse_default(text)


def to_timestamp_with_pattern(pattern: str) -> Parser:
    """``TO_TIMESTAMP(str, fmt)`` (R4.2) bound to ``fmt``: NULL on any failure."""
    tf = _timeformat()
    fn = getattr(tf, "to_timestamp", None) if tf is not None else None
    if fn is not None:

        def exact(text: str) -> int | None:
            return _millis_of(fn(text, pattern))[1]

        return _memo(exact)
    return _memo(_pattern_parser(pattern))


def to_timestamp_ltz_fn(precision: int) -> Callable[[Any], int | None]:
    """``TO_TIMESTAMP_LTZ(n, precision)`` (R4.4); other precisions fail the job."""
    if precision not in (0, 3):

        def bad(_: Any) -> int | None:
            raise RowFailure(
                "R4.4",
                f"TableException: The precision {precision} of TO_TIMESTAMP_LTZ is unsupported, "
                "only 0 and 3 are supported",
            )

        return bad
    if precision == 0:

        def seconds(n: Any) -> int | None:
            v = int(n)
            return v * 1000 if _MIN_SEC <= v <= _MAX_SEC else None

        return seconds

    def millis(n: Any) -> int | None:
        v = int(n)
        return v if _MIN_MS <= v <= _MAX_MS else None

    return millis


def cast_string_to_timestamp(text: str, precision: int) -> int | None:
    """``CAST(str AS TIMESTAMP(p))`` parse (R4.3); None = cast failure (the caller decides)."""
    tf = _timeformat()
    fn = getattr(tf, "cast_to_timestamp", None) if tf is not None else None
    if fn is not None:
        return _millis_of(fn(text, precision))[1]
    millis = _parse_default(text.strip())
    if millis is not None and precision < 3:
        unit = 10 ** (3 - precision)
        millis -= millis % unit
    return millis


_JSON_SQL = re.compile(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?")
_JSON_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?")


def json_timestamp_parser(ltz: bool, standard: str) -> Parser:
    """flink-json TIMESTAMP / TIMESTAMP_LTZ text parser (R4.5); None = parse error."""
    tf = _timeformat()
    fn = getattr(tf, "json_timestamp", None) if tf is not None else None
    if fn is not None:

        def exact(text: str) -> int | None:
            return _millis_of(fn(text, ltz=ltz, standard=standard, ignore_parse_errors=False))[1]

        return _memo(exact)
    iso = standard.upper().replace("_", "-") in ("ISO-8601", "ISO8601")
    regex = _JSON_ISO if iso else _JSON_SQL

    def parse(text: str) -> int | None:
        body = text
        if ltz:
            if not body.endswith("Z"):
                return None
            body = body[:-1]
        match = regex.fullmatch(body)
        if match is None:
            return None
        y, mo, d, h, mi, s, frac = match.groups()
        try:
            return _to_millis(
                int(y),
                int(mo),
                int(d),
                int(h),
                int(mi),
                int(s or 0),
                int((frac or "").ljust(3, "0")[:3]),
            )
        except ValueError:
            return None

    return _memo(parse)
