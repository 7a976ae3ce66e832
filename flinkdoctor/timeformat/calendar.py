"""Proleptic Gregorian (ISO) and Julian day arithmetic, as epoch days (1970-01-01 = 0).

java.time is proleptic Gregorian; java.sql.Timestamp/Date use the Julian calendar before the
1582-10-15 cutover, which matters for the TO_TIMESTAMP fallback on very old dates.
"""

from __future__ import annotations

MILLIS_PER_DAY = 86_400_000
NANOS_PER_DAY = 86_400_000_000_000
GREGORIAN_CUTOVER_DAY = -141_427  # 1582-10-15
_CUM_DAYS = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)


def is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def month_length(year: int, month: int) -> int:
    if month == 2:
        return 29 if is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def days_from_civil(year: int, month: int, day: int) -> int:
    """Epoch day of an ISO date (no validation; month 1..12)."""
    y = year - 1 if month <= 2 else year
    era = y // 400
    yoe = y - era * 400
    mp = (month + 9) % 12
    doy = (153 * mp + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146_097 + doe - 719_468


def civil_from_days(days: int) -> tuple[int, int, int]:
    """ISO (year, month, day) of an epoch day."""
    z = days + 719_468
    era = z // 146_097
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (1 if month <= 2 else 0), month, day


def day_of_year(year: int, month: int, day: int) -> int:
    return _CUM_DAYS[month - 1] + day + (1 if month > 2 and is_leap(year) else 0)


def iso_day_of_week(epoch_day: int) -> int:
    """1 = Monday .. 7 = Sunday."""
    return (epoch_day + 3) % 7 + 1


def julian_days_from_civil(year: int, month: int, day: int) -> int:
    """Epoch day of a Julian-calendar date (astronomical year numbering)."""
    y = year - 1 if month <= 2 else year
    mp = (month + 9) % 12
    doy = (153 * mp + 2) // 5 + day - 1
    return y * 365 + y // 4 + doy - 719_470


def julian_civil_from_days(days: int) -> tuple[int, int, int]:
    """Julian (year, month, day) of an epoch day."""
    z = days + 719_470
    era = z // 1461
    doe = z - era * 1461
    yoe = (doe - doe // 1460) // 365
    doy = doe - 365 * yoe
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    return era * 4 + yoe + (1 if month <= 2 else 0), month, day
