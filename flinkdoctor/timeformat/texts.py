"""English (JVM default locale "en", JDK 17 CLDR data) texts for the text fields.

Each table lists (text, value) longest first, the order Java's text parser tries them in. Narrow
styles have duplicate letters: Java keeps the last value put (e.g. "J" parses as July).
"""

from __future__ import annotations

from flinkdoctor.timeformat import fields as F

FULL = "FULL"
SHORT = "SHORT"
NARROW = "NARROW"

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _table(values: dict[int, str]) -> tuple[tuple[str, int], ...]:
    """Reverse map, later values overwriting duplicates, sorted longest first (stable)."""
    reverse: dict[str, int] = {}
    for value in sorted(values):
        reverse[values[value]] = value
    return tuple(sorted(reverse.items(), key=lambda item: -len(item[0])))


def _styles(
    full: list[str], short: list[str], narrow: list[str], first: int
) -> dict[str, tuple[tuple[str, int], ...]]:
    return {
        FULL: _table({i + first: t for i, t in enumerate(full)}),
        SHORT: _table({i + first: t for i, t in enumerate(short)}),
        NARROW: _table({i + first: t for i, t in enumerate(narrow)}),
    }


TEXTS: dict[int, dict[str, tuple[tuple[str, int], ...]]] = {
    F.MONTH_OF_YEAR: _styles(list(_MONTHS), [m[:3] for m in _MONTHS], [m[0] for m in _MONTHS], 1),
    F.DAY_OF_WEEK: _styles(list(_DAYS), [d[:3] for d in _DAYS], [d[0] for d in _DAYS], 1),
    F.ERA: _styles(["Before Christ", "Anno Domini"], ["BC", "AD"], ["B", "A"], 0),
    F.AMPM_OF_DAY: _styles(["AM", "PM"], ["AM", "PM"], ["a", "p"], 0),
    F.QUARTER_OF_YEAR: _styles(
        ["1st quarter", "2nd quarter", "3rd quarter", "4th quarter"],
        ["Q1", "Q2", "Q3", "Q4"],
        ["1", "2", "3", "4"],
        1,
    ),
}
