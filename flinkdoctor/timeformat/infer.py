"""Pattern inference from sample values, and epoch-unit guessing (R6.3).

A suggested pattern is only returned after every value it claims to cover has been parsed back
through the pattern path (status OK, not the fallback) to the date-time we read from the text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from flinkdoctor.timeformat.calendar import MILLIS_PER_DAY, days_from_civil, month_length
from flinkdoctor.timeformat.flink import to_timestamp
from flinkdoctor.timeformat.model import Status

_DATE_TIME = re.compile(
    r"(?P<date>(?P<y1>\d{4})(?P<s1>[-/.])(?P<m1>\d{1,2})(?P=s1)(?P<d1>\d{1,2})"
    r"|(?P<a2>\d{1,2})(?P<s2>[-/.])(?P<b2>\d{1,2})(?P=s2)(?P<y2>\d{4})"
    r"|(?P<y3>\d{4})(?P<m3>\d{2})(?P<d3>\d{2}))"
    r"(?:(?P<sep>[T ])(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?"
    r"(?:(?P<fsep>[.,])(?P<frac>\d{1,9}))?)?"
    r"(?P<zone>Z|[+-]\d{2}:\d{2}|[+-]\d{4}|[+-]\d{2}| ?UTC)?"
)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})?")
_EPOCH = re.compile(r"[+-]?\d{9,20}(?:\.\d+)?")


@dataclass(frozen=True, slots=True)
class Suggestion:
    """The best pattern found, how many values it parses correctly, and advice."""

    pattern: str | None
    covered: int
    total: int
    note: str


def sql_escape(pattern: str) -> str:
    """The pattern as a SQL string literal body (``'`` doubled) for the DDL line to paste."""
    return pattern.replace("'", "''")


def check_epoch_unit(number: float) -> str:
    """Guess the unit of an epoch number from its magnitude (assuming dates in 1973..5138)."""
    n = abs(number)
    if n < 1e11:
        return "seconds"
    if n < 1e14:
        return "milliseconds"
    if n < 1e17:
        return "microseconds"
    return "nanoseconds"


def describe_epoch_unit(number: float) -> str:
    """A sentence for R6.3 unit warnings: the guessed unit and the right TO_TIMESTAMP_LTZ call."""
    unit = check_epoch_unit(number)
    advice = {
        "seconds": "use TO_TIMESTAMP_LTZ(x, 0); with precision 3 it lands in January 1970",
        "milliseconds": "use TO_TIMESTAMP_LTZ(x, 3); with precision 0 Flink yields NULL",
        "microseconds": "divide by 1000 and use TO_TIMESTAMP_LTZ(x / 1000, 3)",
        "nanoseconds": "divide by 1000000 and use TO_TIMESTAMP_LTZ(x / 1000000, 3)",
    }[unit]
    return f"{number} looks like epoch {unit}: {advice}"


def _candidate(value: str, day_first: bool = False) -> tuple[str, int] | None:
    """(pattern, expected wall-clock millis) read from one value, or None if unrecognised."""
    compact = _COMPACT.fullmatch(value)
    if compact is not None:
        y, mo, d, h, mi, sec = (int(x) for x in compact.groups()[:6])
        ms = int(compact[7] or 0)
        if not (y >= 1 and 1 <= mo <= 12 and 1 <= d <= month_length(y, mo)):
            return None
        if h > 23 or mi > 59 or sec > 59:
            return None
        secs = (h * 60 + mi) * 60 + sec
        millis = days_from_civil(y, mo, d) * MILLIS_PER_DAY + secs * 1000 + ms
        return "yyyyMMddHHmmss" + ("SSS" if compact[7] else ""), millis
    m = _DATE_TIME.fullmatch(value)
    if m is None:
        return None
    g = m.groupdict()
    if g["y1"] is not None:
        s = g["s1"]
        y, mo, d = int(g["y1"]), int(g["m1"]), int(g["d1"])
        date = f"yyyy{s}{'MM' if len(g['m1']) == 2 else 'M'}{s}{'dd' if len(g['d1']) == 2 else 'd'}"
    elif g["y2"] is not None:
        s = g["s2"]
        a, b, y = int(g["a2"]), int(g["b2"]), int(g["y2"])
        day_first = a > 12 or (day_first and b <= 12)
        d, mo = (a, b) if day_first else (b, a)
        first = ("dd" if day_first else "MM") if len(g["a2"]) == 2 else ("d" if day_first else "M")
        second = ("MM" if day_first else "dd") if len(g["b2"]) == 2 else ("M" if day_first else "d")
        date = f"{first}{s}{second}{s}yyyy"
    else:
        y, mo, d = int(g["y3"]), int(g["m3"]), int(g["d3"])
        date = "yyyyMMdd"
    if not (y >= 1 and 1 <= mo <= 12 and 1 <= d <= month_length(y, mo)):
        return None
    pattern = date
    h = mi = sec = nanos = 0
    if g["H"] is not None:
        h, mi = int(g["H"]), int(g["M"])
        sep = "'T'" if g["sep"] == "T" else " "
        pattern += f"{sep}{'HH' if len(g['H']) == 2 else 'H'}:mm"
        if g["S"] is not None:
            sec = int(g["S"])
            pattern += ":ss"
        if g["frac"] is not None:
            pattern += g["fsep"] + "S" * len(g["frac"])
            nanos = int(g["frac"].ljust(9, "0"))
    if h > 23 or mi > 59 or sec > 59:
        return None
    zone = g["zone"]
    if zone:
        if zone == "Z":
            pattern += "'Z'"
        elif zone.strip() == "UTC":
            pattern += " 'UTC'" if zone.startswith(" ") else "'UTC'"
        else:
            pattern += {6: "XXX", 5: "xx", 3: "x"}[len(zone)]
    millis = days_from_civil(y, mo, d) * MILLIS_PER_DAY + ((h * 60 + mi) * 60 + sec) * 1000
    return pattern, millis + nanos // 1_000_000


def _covers(pattern: str, values: Sequence[tuple[str, int]]) -> int:
    good = 0
    for value, expected in values:
        conv = to_timestamp(value, pattern)
        if conv.status is Status.OK and conv.millis == expected:
            good += 1
    return good


def _stem(pattern: str) -> str:
    """The pattern with its fraction (or the place one would go, after ``ss``) as ``\0``."""
    if re.search(r"[.,]S+", pattern):
        return re.sub(r"[.,]S+", "\0", pattern)
    at = pattern.rfind("ss")
    return pattern[: at + 2] + "\0" + pattern[at + 2 :] if at >= 0 else pattern


def _merge_fractions(patterns: Sequence[str]) -> str | None:
    """One pattern for values differing only in fraction digits: ``[.SSS][.SS][.S]``."""
    stems = {_stem(p) for p in patterns}
    seps = {m for p in patterns for m in re.findall(r"([.,])S", p)}
    if len(patterns) < 2 or len(stems) != 1 or len(seps) > 1 or "\0" not in next(iter(stems)):
        return None
    widths = sorted({len(m) for p in patterns for m in re.findall(r"S+", p)}, reverse=True)
    sep = seps.pop() if seps else "."
    return stems.pop().replace("\0", "".join(f"[{sep}{'S' * w}]" for w in widths))


def suggest(values: Sequence[str]) -> Suggestion:
    """Infer the pattern that makes the most values parse (verified by re-parsing them)."""
    samples = [v for v in values if v is not None]
    if not samples:
        return Suggestion(None, 0, 0, "no values to infer a pattern from")
    total = len(samples)
    stripped = [v.strip() for v in samples]
    dates = [_candidate(v) for v in samples]
    if all(_EPOCH.fullmatch(v) for v in stripped) and None in dates:
        unit = Counter(check_epoch_unit(float(v)) for v in stripped).most_common(1)[0][0]
        call = {"seconds": "TO_TIMESTAMP_LTZ(x, 0)", "milliseconds": "TO_TIMESTAMP_LTZ(x, 3)"}
        scale = 1000 if unit == "microseconds" else 10**6
        advice = call.get(unit, f"TO_TIMESTAMP_LTZ(x / {scale}, 3)")
        return Suggestion(
            None, 0, total, f"the values are epoch {unit}: use {advice}, not a pattern"
        )
    best, best_cover = None, -1
    for day_first in (False, True):  # 01/02/2024: month first, unless day first fits more values
        readings = [_candidate(v, day_first) for v in samples]
        found = [(v, r) for v, r in zip(samples, readings, strict=True) if r is not None]
        options = list(Counter(r[0] for _, r in found))
        merged = _merge_fractions(options)
        if merged is not None:
            options.insert(0, merged)
        expected = [(v, r[1]) for v, r in found]
        for pattern in options:
            cover = _covers(pattern, expected)
            if cover > best_cover:
                best, best_cover = pattern, cover
    if best is None:
        return Suggestion(None, 0, total, "no value looks like a date-time we can read")
    if best_cover == total:
        note = f"all {total} values parse with this pattern"
    else:
        note = f"no single pattern fits: this one parses {best_cover} of {total} values"
    if re.search(r"X|x", best):
        note += "; note Flink ignores the offset (values are not converted to UTC)"
    return Suggestion(best, best_cover, total, note)


def suggest_pattern(values: Sequence[str]) -> str | None:
    """The best verified Java pattern for the values (see ``suggest`` for coverage and advice)."""
    return suggest(values).pattern
