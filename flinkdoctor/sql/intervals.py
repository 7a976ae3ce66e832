"""INTERVAL literal values, validated with Calcite's rules (``SqlIntervalQualifier``).

The leading field's precision defaults to 2 digits, so ``INTERVAL '300' SECOND`` is rejected
("Interval field value 300 exceeds precision of SECOND(2) field") while ``SECOND(3)`` accepts
it. Secondary fields must be in range (MONTH < 12, HOUR < 24, MINUTE < 60, SECOND < 60), the
fraction may have at most ``fraction_precision`` digits (default 6) and is truncated to
milliseconds. The string may carry its own sign (``'-5'``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

DEFAULT_PRECISION = 2
DEFAULT_FRACTION_PRECISION = 6
MAX_PRECISION = 10
MAX_FRACTION_PRECISION = 9

UNITS = ("YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND")
_MS = {"DAY": 86_400_000, "HOUR": 3_600_000, "MINUTE": 60_000, "SECOND": 1000}
_LIMIT = {"MONTH": 12, "HOUR": 24, "MINUTE": 60, "SECOND": 60}
# Separator written before each secondary field: 'Y-M', 'D H', 'H:M', 'M:S'.
_SEPARATOR = {"MONTH": "-", "HOUR": " ", "MINUTE": ":", "SECOND": ":"}


class IntervalError(ValueError):
    """An interval literal Flink rejects; the message is Calcite's wording."""


class PrecisionOverflow(IntervalError):
    """The leading field has more digits than its precision allows (``INTERVAL '300' SECOND``)."""


_TOLERATE_OVERFLOW: ContextVar[bool] = ContextVar("tolerate_interval_overflow", default=False)


def tolerating_overflow() -> bool:
    """True inside ``tolerate_overflow()``: the parser records a precision overflow on the
    literal (``IntervalLiteral.overflow``) instead of raising, so lint can report it as a
    finding and go on checking the rest of the script."""
    return _TOLERATE_OVERFLOW.get()


@contextmanager
def tolerate_overflow() -> Iterator[None]:
    """Parse with precision overflows recorded rather than raised (see ``tolerating_overflow``)."""
    token = _TOLERATE_OVERFLOW.set(True)
    try:
        yield
    finally:
        _TOLERATE_OVERFLOW.reset(token)


@dataclass(frozen=True, slots=True)
class IntervalValue:
    """A validated value: ``millis`` for day-time intervals, ``months`` for year-month."""

    millis: int | None
    months: int | None


def valid_range(unit: str, end_unit: str | None) -> bool:
    """True if ``unit TO end_unit`` is a qualifier SQL allows (YEAR TO MONTH, or day-time
    units from larger to smaller)."""
    if end_unit is None:
        return True
    i, j = UNITS.index(unit), UNITS.index(end_unit)
    if unit == "YEAR":
        return end_unit == "MONTH"
    return i >= UNITS.index("DAY") and j > i


def evaluate(
    text: str, unit: str, end_unit: str | None, precision: int, fraction_precision: int
) -> IntervalValue:
    """Value of ``INTERVAL 'text' unit[(precision)] [TO end_unit]``; raises ``IntervalError``."""
    value = text.strip()
    sign = -1 if value.startswith("-") else 1
    if value[:1] in ("+", "-"):
        value = value[1:]
    units = _units_between(unit, end_unit)
    qualifier = unit if end_unit is None else f"{unit} TO {end_unit}"
    invalid = IntervalError(f"Illegal interval literal format '{text}' for INTERVAL {qualifier}")
    m = re.fullmatch(_pattern(units, fraction_precision), value)
    if m is None:
        raise invalid
    fields = [int(g) for g in m.groups()[: len(units)]]
    if fields[0] >= 10**precision:
        shown = -fields[0] if sign < 0 else fields[0]
        raise PrecisionOverflow(
            f"Interval field value {shown} exceeds precision of {unit}({precision}) field"
        )
    if any(v >= _LIMIT[u] for u, v in zip(units[1:], fields[1:], strict=True)):
        raise invalid
    if units[0] in ("YEAR", "MONTH"):
        months = fields[0] * (12 if units[0] == "YEAR" else 1) + sum(fields[1:])
        return IntervalValue(None, sign * months)
    millis = sum(v * _MS[u] for u, v in zip(units, fields, strict=True))
    frac = m.group(len(units) + 1) if units[-1] == "SECOND" else None
    if frac:
        millis += int((frac + "00")[:3])  # Calcite keeps whole milliseconds only
    return IntervalValue(sign * millis, None)


def _units_between(unit: str, end_unit: str | None) -> list[str]:
    if end_unit is None:
        return [unit]
    return list(UNITS[UNITS.index(unit) : UNITS.index(end_unit) + 1])


def _pattern(units: list[str], fraction_precision: int) -> str:
    out = r"(\d+)"
    for u in units[1:]:
        out += _SEPARATOR[u] + r"(\d{1,2})"
    if units[-1] == "SECOND":
        out += rf"(?:\.(\d{{1,{fraction_precision}}}))?" if fraction_precision else "()"
    return out
