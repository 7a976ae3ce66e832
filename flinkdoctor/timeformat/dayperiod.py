"""Day periods (pattern ``B``) for Locale "en" on JDK 17: parsing and the resolver's rules.

CLDR "en" periods as (from, to) minutes of day by Java's index: midnight and noon are instants,
the others ranges (night wraps past midnight); AM/PM are the fallback periods 0 and 1.
"""

from __future__ import annotations

from flinkdoctor.timeformat import fields as F
from flinkdoctor.timeformat.nodes import Context, Node

PERIODS: dict[int, tuple[int, int]] = {
    0: (0, 720),  # am
    1: (720, 1440),  # pm
    2: (0, 0),  # midnight
    3: (720, 720),  # noon
    4: (360, 720),  # morning1
    6: (720, 1080),  # afternoon1
    8: (1080, 1260),  # evening1
    10: (1260, 360),  # night1
}
_LONG = {2: "midnight", 3: "noon", 4: "in the morning", 6: "in the afternoon",
         8: "in the evening", 10: "at night"}  # fmt: skip
_NAMES = {
    "FULL": {0: "AM", 1: "PM", **_LONG},
    "SHORT": {0: "AM", 1: "PM", **_LONG},
    "NARROW": {0: "a", 1: "p", **_LONG, 2: "mi", 3: "n"},
}


def includes(index: int, minute_of_day: int) -> bool:
    """``DayPeriod.includes``."""
    start, end = PERIODS[index]
    if start == 0 and end == 0 and minute_of_day == 1440:
        return True
    return (
        start == minute_of_day == end
        or start <= minute_of_day < end
        or (start > end and (start <= minute_of_day or end > minute_of_day))
    )


def mid(index: int) -> int:
    """``DayPeriod.mid``: the middle minute of the period."""
    start, end = PERIODS[index]
    duration = 1440 - start + end if start > end else end - start
    return (start + duration // 2) % 1440


class DayPeriodParser(Node):
    """``DayPeriodPrinterParser``: the period's text, longest first; stored as ``DAY_PERIOD``."""

    __slots__ = ("entries",)

    def __init__(self, style: str) -> None:
        names = _NAMES[style]
        self.entries = sorted(((t, i) for i, t in names.items()), key=lambda e: -len(e[0]))

    def parse(self, ctx: Context, text: str, pos: int) -> int:
        for entry, index in self.entries:
            if ctx.region_equals(text, pos, entry):
                ctx.fields[F.DAY_PERIOD] = index  # set, never conflict-checked (as in Java)
                return pos + len(entry)
        return ~pos

    def expects(self) -> str:
        return "a day period like 'in the morning', 'noon' or 'AM'"
