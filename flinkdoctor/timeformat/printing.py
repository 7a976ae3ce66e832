"""Flink's ``CAST(ts AS STRING)``: ``yyyy-MM-dd HH:mm:ss`` and a fraction of at least
``precision`` digits: all 9 nanosecond digits with trailing zeros stripped down to ``precision``
(so a TIMESTAMP(3) holding 45.1234567 prints ``45.1234567``, and 45.1 prints ``45.100``).

Flink prints each digit as ``'0' + (n / 10^k) % 10`` with Java's truncating arithmetic, so years
outside 0..9999 print oddly, and we copy that: year 10000 → ``0000``, year -1 → ``000/``.
"""

from __future__ import annotations

from flinkdoctor.timeformat.calendar import MILLIS_PER_DAY, civil_from_days


def _digit(n: int, scale: int) -> str:
    q = abs(n) // scale
    if n < 0:
        q = -q
    r = abs(q) % 10
    return chr(48 + (-r if q < 0 else r))


def _digits(n: int, width: int) -> str:
    if 0 <= n < 10**width:
        return f"{n:0{width}d}"  # the common case: Java's digit arithmetic agrees
    return "".join(_digit(n, 10**k) for k in range(width - 1, -1, -1))


def format_timestamp(millis: int, precision: int = 3, nano_of_milli: int = 0) -> str:
    """Print a TIMESTAMP(p) value (epoch ms as if UTC) exactly like Flink's cast to STRING."""
    days, ms = divmod(millis, MILLIS_PER_DAY)
    year, month, day = civil_from_days(days)
    secs, milli = divmod(ms, 1000)
    text = (
        f"{_digits(year, 4)}-{month:02d}-{day:02d} "
        f"{secs // 3600:02d}:{secs // 60 % 60:02d}:{secs % 60:02d}"
    )
    fraction = f"{milli * 1_000_000 + nano_of_milli:09d}"
    end = len(fraction)
    while end > precision and fraction[end - 1] == "0":
        end -= 1
    return f"{text}.{fraction[:end]}" if end else text
