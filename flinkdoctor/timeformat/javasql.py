"""``java.sql.Timestamp.valueOf`` and ``java.sql.Date.valueOf``: Flink's lenient fallback.

Both only check the shape of the text and month/day bounds, then let ``java.util.Date`` normalise
out-of-range parts (Feb 30 → Mar 1, hour 24 → next day) in the JVM zone (UTC here) on the
Julian/Gregorian hybrid calendar, and read the fields back for a ``LocalDateTime``.
"""

from __future__ import annotations

import unicodedata

from flinkdoctor.timeformat import calendar as C

_INT_MIN = -(2**31)
_INT_MAX = 2**31 - 1


class IllegalArgument(Exception):
    """``IllegalArgumentException`` (incl. ``NumberFormatException``): Flink returns NULL."""


class InvalidLocalDate(Exception):
    """``DateTimeException`` from ``toLocalDateTime`` (a Julian-only date such as 1500-02-29)."""


def java_trim(text: str) -> str:
    """``String.trim``: strips every char <= U+0020, not Unicode whitespace."""
    start, end = 0, len(text)
    while start < end and text[start] <= " ":
        start += 1
    while end > start and text[end - 1] <= " ":
        end -= 1
    return text[start:end]


def parse_int(text: str) -> int:
    """``Integer.parseInt(s, begin, end, 10)``: optional sign, any Unicode decimal digits."""
    if not text:
        raise IllegalArgument("empty")
    start = 1 if text[0] in "+-" else 0
    if start == len(text):
        raise IllegalArgument(text)
    value = 0
    for ch in text[start:]:
        # Java reads UTF-16 units: a non-BMP digit is two surrogates, neither a digit
        digit = unicodedata.decimal(ch, -1) if ch <= "\uffff" else -1
        if digit < 0:
            raise IllegalArgument(text)
        value = value * 10 + digit
    if text[0] == "-":
        value = -value
    if not _INT_MIN <= value <= _INT_MAX:
        raise IllegalArgument(text)
    return value


def _is_java_digit(ch: str) -> bool:
    """``Character.isDigit(char)``: a BMP decimal digit."""
    return ch <= "\uffff" and unicodedata.decimal(ch, -1) >= 0


def _index(text: str, ch: str, start: int = 0) -> int:
    return text.find(ch, max(start, 0))


def timestamp_value_of(s: str) -> tuple[int, int]:
    """``Timestamp.valueOf(s).toLocalDateTime()`` as (epoch millis, nano-of-millisecond)."""
    s = java_trim(s)
    space = _index(s, " ")
    if space < 0:
        raise IllegalArgument("no space")
    dash1 = _index(s, "-")
    dash2 = _index(s, "-", dash1 + 1)
    colon1 = _index(s, ":", space + 1)
    colon2 = _index(s, ":", colon1 + 1)
    period = _index(s, ".", colon2 + 1)
    if not (
        dash1 > 0
        and dash2 > 0
        and dash2 < space - 1
        and dash1 == 4
        and 1 < dash2 - dash1 <= 3
        and 1 < space - dash2 <= 3
    ):
        raise IllegalArgument("date")
    year = parse_int(s[:dash1])
    month = parse_int(s[dash1 + 1 : dash2])
    day = parse_int(s[dash2 + 1 : space])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise IllegalArgument("date range")
    length = len(s)
    if not (colon1 > 0 and colon2 > 0 and colon2 < length - 1):
        raise IllegalArgument("time")
    hour = parse_int(s[space + 1 : colon1])
    minute = parse_int(s[colon1 + 1 : colon2])
    nanos = 0
    if 0 < period < length - 1:
        second = parse_int(s[colon2 + 1 : period])
        precision = length - (period + 1)
        if precision > 9 or not _is_java_digit(s[period + 1]):
            raise IllegalArgument("nanos")
        nanos = parse_int(s[period + 1 :]) * 10 ** (9 - precision)
    elif period > 0:
        raise IllegalArgument("period")
    else:
        second = parse_int(s[colon2 + 1 :])
    millis = _legacy_date_millis(year, month - 1, day, hour, minute, second)
    return _local_millis(millis) + nanos // 1_000_000, nanos % 1_000_000


def date_value_of(s: str) -> int:
    """``java.sql.Date.valueOf(s).toLocalDate()`` at midnight, as epoch millis."""
    dash1 = _index(s, "-")
    dash2 = _index(s, "-", dash1 + 1)
    length = len(s)
    if not (
        dash1 > 0 and dash2 > 0 and dash2 < length - 1 and dash1 == 4
        and 1 < dash2 - dash1 <= 3 and 1 < length - dash2 <= 3
    ):  # fmt: skip
        raise IllegalArgument("date")
    year = parse_int(s[:dash1])
    month = parse_int(s[dash1 + 1 : dash2])
    day = parse_int(s[dash2 + 1 :])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise IllegalArgument("date range")
    return _local_millis(_legacy_date_millis(year, month - 1, day, 0, 0, 0))


def _legacy_date_millis(year: int, month0: int, day: int, hour: int, minute: int, sec: int) -> int:
    """``new java.util.Date(year - 1900, month0, day, h, m, s).getTime()`` in UTC (lenient)."""
    year += month0 // 12
    month0 %= 12
    julian = year < 1582
    days = _fixed(julian, year, month0 + 1) + day - 1
    millis = days * C.MILLIS_PER_DAY + ((hour * 60 + minute) * 60 + sec) * 1000
    if (millis < C.GREGORIAN_CUTOVER_DAY * C.MILLIS_PER_DAY) != julian:
        days = _fixed(not julian, year, month0 + 1) + day - 1
        millis = days * C.MILLIS_PER_DAY + ((hour * 60 + minute) * 60 + sec) * 1000
    return millis


def _fixed(julian: bool, year: int, month: int) -> int:
    if julian:
        return C.julian_days_from_civil(year, month, 1)
    return C.days_from_civil(year, month, 1)


def _local_millis(millis: int) -> int:
    """Read the hybrid-calendar fields of an instant back as an ISO ``LocalDateTime`` (ms)."""
    days, ms_of_day = divmod(millis, C.MILLIS_PER_DAY)
    if days >= C.GREGORIAN_CUTOVER_DAY:
        return millis
    year, month, day = C.julian_civil_from_days(days)
    if year <= 0:
        year = 1 - year  # java.util.Date.getYear() reports the year of era
    if day > C.month_length(year, month):
        raise InvalidLocalDate(f"Invalid date {year}-{month:02d}-{day:02d}")
    return C.days_from_civil(year, month, day) * C.MILLIS_PER_DAY + ms_of_day
