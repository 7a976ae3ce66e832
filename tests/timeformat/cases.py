"""Seeded random (pattern, value) pairs for differential tests against Java/Flink.

Values are printed from a random date-time with a small Java-like printer, then mutated the
ways real data goes wrong. The printer need not be exact: both sides see the same strings.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

REALISTIC_PATTERNS = [
    "yyyy-MM-dd HH:mm:ss",
    "yyyy-MM-dd HH:mm:ss.SSS",
    "yyyy-MM-dd'T'HH:mm:ss",
    "yyyy-MM-dd'T'HH:mm:ss.SSS",
    "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'",
    "yyyy-MM-dd'T'HH:mm:ss'Z'",
    "yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'",
    "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
    "yyyy-MM-dd'T'HH:mm:ssXXX",
    "yyyy-MM-dd'T'HH:mm:ss.SSSZ",
    "yyyy-MM-dd'T'HH:mm:ssX",
    "yyyy-MM-dd'T'HH:mm:ss.SSSxxx",
    "yyyy-MM-dd'T'HH:mm:ss[.SSS]'Z'",
    "yyyy-MM-dd'T'HH:mm[:ss][.SSS][XXX]",
    "yyyy-MM-dd HH:mm:ss[.SSSSSS]",
    "yyyy-MM-dd HH:mm:ss.SSSSSSSSS",
    "yyyy/MM/dd HH:mm:ss",
    "dd/MM/yyyy HH:mm",
    "MM/dd/yyyy hh:mm:ss a",
    "MMMM d, yyyy h:mm a",
    "dd MMM yyyy HH:mm:ss",
    "EEE, dd MMM yyyy HH:mm:ss Z",
    "EEEE, MMMM dd, yyyy",
    "yy-MM-dd HH:mm",
    "yyMMdd",
    "YYYY-MM-dd HH:mm:ss",
    "YYYY-ww-e",
    "yyyy-MM-dd hh:mm:ss",
    "yyyy-MM-dd hh:mm:ss a",
    "yyyy-MM-dd KK:mm a",
    "yyyy-MM-dd kk:mm:ss",
    "yyyy-mm-dd HH:MM:ss",
    "yyyy-MM-dd HH:MM:ss",
    "yyyyMMddHHmmss",
    "yyyyMMddHHmmssSSS",
    "yyyyMMdd HHmmss",
    "yyyyMMdd",
    "yyyy-MM-dd",
    "HH:mm:ss",
    "HH:mm",
    "uuuu-MM-dd HH:mm:ss",
    "yyyy-M-d H:m:s",
    "yyyy-MM-dd'T'HH:mm:ss.nnnnnnnnn",
    "yyyy-MM-dd E HH:mm",
    "G yyyy-MM-dd",
    "yyyy-MM-dd'T'HH:mm:ssO",
    "yyyy-MM-dd'T'HH:mm:ss OOOO",
    "QQQ yyyy",
    "yyyy-DDD HH:mm",
    "yyyy-MM-dd'T'HH:mm:ss.SS'Z'",
    "yyyy-MM-dd HH:mm:ss.S",
    "'ts='yyyy-MM-dd HH:mm:ss",
    "yyyy-MM-dd'T'HH:mm:ss.SSS'+0000'",
    "yyyy-MM-dd HH:mm:ss ZZZZZ",
    "yyyy-MM-dd HH:mm:ss xx",
    "dd.MM.yyyy HH:mm:ss",
    "yyyy-MM-dd HH.mm.ss",
    "yyyy-MM-dd H:mm",
    "yyyy-MM-dd'T'HH:mm:ss.SSSSSSX",
    "[yyyy-MM-dd][yyyy/MM/dd] HH:mm:ss",
    "yyyy-MM-dd[ HH:mm:ss]",
    "A",
    "yyyy-MM-dd'T'HH:mm:ss.SSSXXX'['VV']'",
    "yyyy-MM-dd HH:mm:ss VV",
    "EEE MMM dd HH:mm:ss z yyyy",
    "yyyy-MM-dd h:mm B",
    "yyyy-MM-dd HH:mm:ss zzzz",
    "yyyy-MM-dd ppH:mm",
]

INVALID_PATTERNS = [
    "yyyy-MM-ddTHH:mm:ss",
    "yyyy-MM-dd'T'HH:mm:ss'Z",
    "yyyy-MM-dd HH:mm:ss{",
    "yyyy-MM-dd#HH",
    "yyyy-MMMMMM-dd",
    "yyyy-MM-dd HHH:mm",
    "yyyy-MM-dd]",
    "yyyy-MM-dd HH:mm:ss.SSSSSSSSSS",
    "yyyy-MM-dd aa",
    "yyyy-MM-dd'T'HH:mm:ss.SSSZZZZZZ",
    "yyyy-MM-dd cc",
    "yyyy-MM-dd HH:mm:ss p",
    "bbbb",
    "yyyy-MM-dd'T'HH:mm:ssXXXXXX",
    "yyyy-MM-dd OO",
    "yyyy-ww-www",
]

# Shapes the compiled fast path takes (asserted in test_fastpath_properties.py): the common ones
# and text months, day names, am/pm, optional sections, variable widths, two-digit years.
FAST_PATTERNS = [
    "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'",
    "yyyy-MM-dd HH:mm:ss",
    "yyyy-MM-dd HH:mm:ss[.SSS]",
    "yyyy-MM-dd'T'HH:mm[:ss][.SSS][XXX]",
    "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
    "dd MMM yyyy HH:mm:ss",
    "MMMM d, yyyy h:mm a",
    "EEE, dd MMM yyyy HH:mm:ss",
    "EEEE, MMMM dd, yyyy",
    "MM/dd/yyyy hh:mm:ss a",
    "yyyy-MM-dd KK:mm a",
    "yyyy-M-d H:m:s",
    "d/M/yyyy H:mm:ss",
    "yy-MM-dd HH:mm",
    "yyMMdd",
    "yyyyMMddHHmmssSSS",
    "yyyyMMdd HHmmss",
    "yyyy-MM-dd[ HH:mm:ss]",
    "yyyy-MM-dd'T'HH:mm:ss.nnnnnnnnn",
    "'ts='yyyy-MM-dd HH:mm:ss",
    "yyyy-MM-dd HH:mm:ss.S",
]

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]  # fmt: skip
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _fmt_offset(secs: int, style: str) -> str:
    if secs == 0 and style in ("X", "XX", "XXX", "ZZZZZ"):
        return "Z"
    sign = "-" if secs < 0 else "+"
    h, m = divmod(abs(secs) // 60, 60)
    if style in ("X",):
        return f"{sign}{h:02d}" + (f"{m:02d}" if m else "")
    if style in ("XX", "Z", "ZZ", "ZZZ", "xx"):
        return f"{sign}{h:02d}{m:02d}"
    if style in ("O",):
        return "GMT" if secs == 0 else f"GMT{sign}{h}" + (f":{m:02d}" if m else "")
    if style == "OOOO":
        return "GMT" if secs == 0 else f"GMT{sign}{h:02d}:{m:02d}"
    return f"{sign}{h:02d}:{m:02d}"


def render(pattern: str, dt: datetime, offset: int) -> str:
    """Print ``dt`` with a Java-like reading of ``pattern`` (common letters only)."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "'":
            j = i + 1
            lit = []
            while j < n:
                if pattern[j] == "'":
                    if j + 1 < n and pattern[j + 1] == "'":
                        lit.append("'")
                        j += 2
                        continue
                    break
                lit.append(pattern[j])
                j += 1
            out.append("".join(lit) if j > i + 1 else "'")
            i = j + 1
            continue
        if c in "[]":
            i += 1
            continue
        if not c.isalpha():
            out.append(c)
            i += 1
            continue
        j = i
        while j < n and pattern[j] == c:
            j += 1
        k = j - i
        i = j
        out.append(_field(c, k, dt, offset))
    return "".join(out)


def _field(c: str, k: int, dt: datetime, offset: int) -> str:
    num = {
        "y": dt.year, "u": dt.year, "Y": dt.isocalendar()[0], "M": dt.month, "L": dt.month,
        "d": dt.day, "H": dt.hour, "m": dt.minute, "s": dt.second, "D": dt.timetuple().tm_yday,
        "h": (dt.hour % 12) or 12, "K": dt.hour % 12, "k": dt.hour or 24,
        "w": dt.isocalendar()[1], "e": dt.isoweekday() % 7 + 1, "Q": (dt.month - 1) // 3 + 1,
        "A": ((dt.hour * 60 + dt.minute) * 60 + dt.second) * 1000 + dt.microsecond // 1000,
    }  # fmt: skip
    if c in "yu" and k == 2:
        return f"{dt.year % 100:02d}"
    if c in "ML" and k >= 3:
        name = _MONTHS[dt.month - 1]
        return name[:3] if k == 3 else (name if k == 4 else name[0])
    if c == "E":
        name = _DAYS[dt.weekday()]
        return name if k == 4 else name[:3]
    if c == "Q" and k == 3:
        return f"Q{num['Q']}"
    if c == "a":
        return "AM" if dt.hour < 12 else "PM"
    if c == "G":
        return "AD"
    if c == "S":
        return f"{dt.microsecond:06d}000"[:k]
    if c == "n":
        return str(dt.microsecond * 1000).zfill(k)
    if c == "B":
        if dt.hour in (0, 12) and dt.minute == 0:
            return "midnight" if dt.hour == 0 else "noon"
        periods = [(6, "at night"), (12, "in the morning"), (18, "in the afternoon")]
        periods += [(21, "in the evening"), (24, "at night")]
        return next(name for end, name in periods if dt.hour < end)
    if c == "z":
        short = {0: "UTC", 3600: "CET", -28800: "PST"}
        full = {0: "Coordinated Universal Time", 3600: "Central European Standard Time"}
        return (full if k == 4 else short).get(offset, "IST")
    if c == "V":
        zones = {0: "UTC", 3600: "Europe/Paris", -28800: "America/Los_Angeles"}
        return zones.get(offset, "Asia/Kolkata")
    if c in "XxZO":
        return _fmt_offset(offset, c * k if c != "Z" or k != 5 else "ZZZZZ")
    if c in num:
        return str(num[c]).zfill(k)
    return c * k


def _mutate(rng: random.Random, v: str) -> str:
    kind = rng.randrange(22)
    if kind == 0 and v:
        return v[: rng.randrange(len(v))]
    if kind == 1:
        return v + rng.choice(["0", "1", "00", "123", "5", "Z", "z", " ", "+01:00", ".5", "000"])
    if kind == 2:
        return rng.choice([" ", "  ", "\t"]) + v
    if kind == 3:
        return v + rng.choice([" ", "  ", "\n"])
    if kind == 4:
        return v.replace("T", " ", 1) if "T" in v else v.replace(" ", "T", 1)
    if kind == 5:
        return v.replace("-", "/") if rng.random() < 0.5 else v.replace("/", "-")
    if kind == 6:
        return v.replace(".", ",", 1)
    if kind == 7 and v:
        i = rng.randrange(len(v))
        return v[:i] + rng.choice("0123456789") + v[i + 1 :]
    if kind == 8 and v:
        i = rng.randrange(len(v))
        return v[:i] + v[i + 1 :]
    if kind == 9:
        return ""
    if kind == 10:
        return v.lower() if rng.random() < 0.5 else v.upper()
    if kind == 11 and len(v) >= 10:
        return (
            v[:5]
            + rng.choice(["02-30", "02-29", "13-01", "00-10", "04-31", "2-3", "1-01", "12-32"])
            + v[10:]
        )
    if kind == 12 and len(v) >= 13:
        return v[:11] + rng.choice(["24", "23", "00", "25", "7", "12"]) + v[13:]
    if kind == 13 and len(v) >= 16:
        return v[:14] + rng.choice(["60", "59", "99", "5"]) + v[16:]
    if kind == 14:
        return v.replace(
            "Z", rng.choice(["+00:00", "+05:30", "-08:00", "+0000", "z", "UTC", ""]), 1
        )
    if kind == 15:
        return rng.choice(
            [
                "2024-12-14 03:12:45",
                "2024-12-14 3:12:45",
                "2024-12-14",
                "2024-2-3",
                " 2024-12-14 03:12:45 ",
                "2024-02-30 03:12:45",
                "2024-12-14 24:00:00",
                "2024-12-14 03:12:45.123456789",
                "2024-12-14 03:12:45.1234567891",
                "1734145965123",
                "1734145965",
                "2024-12-14T03:12:45.123Z",
                "+2024-12-14",
                "2024-12-14 03:12",
                "2024-12-14 03:12:45.",
                "0000-01-01",
                "1500-02-29",
                "1582-10-10 00:00:00",
                "2024-12-14 -1:12:45",
                "99999-12-14 03:12:45",
            ]
        )
    if kind == 16:
        return v.replace(":", "", 1)
    if kind == 17:
        return "+" + v if rng.random() < 0.5 else "-" + v
    if kind == 18 and "." in v:
        i = v.index(".")
        j = i + 1
        while j < len(v) and v[j].isdigit():
            j += 1
        return v[: i + 1] + "1234567890"[: rng.randrange(0, 11)] + v[j:]
    return v


def _random_datetime(rng: random.Random) -> datetime:
    base = datetime(2024, 12, 14, 3, 12, 45, 123456)
    r = rng.random()
    if r < 0.6:
        return base + timedelta(
            seconds=rng.randrange(-400 * 86400, 400 * 86400), microseconds=rng.randrange(1_000_000)
        )
    if r < 0.8:
        return datetime(
            rng.randrange(1, 10000),
            rng.randrange(1, 13),
            rng.randrange(1, 29),
            rng.randrange(24),
            rng.randrange(60),
            rng.randrange(60),
            rng.choice([0, 123000, rng.randrange(1_000_000)]),
        )
    return datetime(
        2024,
        rng.choice([1, 2, 3, 12]),
        1,
        rng.choice([0, 11, 12, 23]),
        0,
        0,
        0,
    ) + timedelta(days=rng.randrange(0, 60))


def generate_pairs(seed: int, n: int) -> list[tuple[str | None, str | None]]:
    """``n`` (pattern, value) pairs; pattern None is TO_TIMESTAMP(value), value None is NULL."""
    rng = random.Random(seed)
    pairs: list[tuple[str | None, str | None]] = []
    for _ in range(n):
        r = rng.random()
        if r < 0.08:
            pattern: str | None = None
        elif r < 0.15:
            pattern = rng.choice(INVALID_PATTERNS)
        else:
            pattern = rng.choice(REALISTIC_PATTERNS)
        dt = _random_datetime(rng)
        offset = rng.choice([0, 0, 3600, -28800, 19800, 20700])
        source = (
            pattern
            if pattern is not None and rng.random() < 0.7
            else rng.choice(REALISTIC_PATTERNS)
        )
        value = render(source, dt, offset)
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            value = _mutate(rng, value)
        if rng.random() < 0.01:
            pairs.append((pattern, None))
            continue
        pairs.append((pattern, value))
    return pairs


_LETTERS = "GyuYMLdDQqwWEecaFhKkHmsSnNAVzOXxZgvpB"
_COMMON = [
    "yyyy",
    "MM",
    "dd",
    "HH",
    "mm",
    "ss",
    "SSS",
    "uuuu",
    "yy",
    "MMM",
    "EEE",
    "a",
    "hh",
    "XXX",
    "Z",
    "x",
    "D",
    "e",
    "w",
    "YYYY",
    "Q",
    "G",
    "k",
    "K",
    "n",
    "A",
    "N",
    "O",
    "F",
    "VV",
    "z",
]
_PUNCT = ["-", ":", " ", ".", "/", "T", ",", "'T'", "'Z'", "''", "'", "[", "]", "{", "#", "'a''b'"]
_SECTIONS = ["[.SSS]", "[XXX]", "[ HH:mm]", "[[ss]]", "p", "pp"]


def generate_exotic_pairs(seed: int, n: int) -> list[tuple[str, str]]:
    """Random patterns over every pattern letter (week fields, quarters, eras, padding, ...)
    with values printed from them and mutated: stresses the compiler and resolver."""
    rng = random.Random(seed)
    pairs = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randrange(1, 8)):
            r = rng.random()
            if r < 0.45:
                parts.append(rng.choice(_COMMON))
            elif r < 0.65:
                parts.append(rng.choice(_LETTERS) * rng.choice([1, 1, 2, 3, 4, 5, 6]))
            elif r < 0.8:
                parts.append(rng.choice(_PUNCT))
            else:
                parts.append(rng.choice(_SECTIONS))
        pattern = "".join(parts)
        dt = datetime(2024, 1, 1) + timedelta(
            seconds=rng.randrange(-(10**9), 10**9), microseconds=rng.randrange(10**6)
        )
        value = render(pattern.replace("'", ""), dt, rng.choice([0, 3600, -19800]))
        for _ in range(rng.choice([0, 1, 2])):
            value = _mutate(rng, value)
        pairs.append((pattern, value))
    return pairs


def fast_path_values(seed: int, pattern: str, n: int) -> list[str]:
    """Values for one fast-path pattern: an event-time-ordered run (minutes shared, as the
    engine's prefix memo sees them; some with other offsets or cut short), random dates,
    mutated ones, and edge cases of the shapes (a wrong day name, lower-case am/pm, hour 0 / 13
    on a 12-hour clock, day 31 of a 30-day month, Feb 29 of a common year, 1- and 3-digit
    widths)."""
    rng = random.Random(seed)
    t = datetime(2024, 12, 14, 3, 12, 45, 123000)
    out = []
    for _ in range(n // 3):  # offsets that change, optional sections cut short: the tail memo
        t += timedelta(milliseconds=rng.randrange(0, 20_000))
        value = render(pattern, t, rng.choice([0, 0, 3600, -28800]))
        if rng.randrange(6) == 0:
            value = value[: len(value) - rng.randrange(1, 5)]
        out.append(value)
    for _ in range(n // 3):
        out.append(render(pattern, _random_datetime(rng), rng.choice([0, 3600])))
    for _ in range(n - 2 * (n // 3)):
        value = render(pattern, _random_datetime(rng), 0)
        out.append(_mutate(rng, value))
    edge = [
        datetime(2024, 11, 30, 0, 5, 6),
        datetime(2023, 2, 28, 12, 0, 0),
        datetime(2024, 2, 29, 23, 59, 59, 999000),
        datetime(2024, 1, 1, 13, 7, 8),
    ]
    for dt in edge:
        v = render(pattern, dt, 0)
        out += [v, v.replace("30", "31", 1), v.replace("28", "29", 1), v.replace("PM", "pm")]
        out += [v.replace("AM", "am"), v.replace("12:", "00:", 1), v.replace("01:", "13:", 1)]
        for day in _DAYS:
            out.append(v.replace(day[:3], "Mon" if day != "Monday" else "Tue", 1))
    return out
