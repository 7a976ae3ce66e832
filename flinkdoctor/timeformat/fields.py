"""The temporal fields a pattern can parse, with the value ranges Java checks them against.

Fields are small ints (fast dict keys). Week-based fields follow ``WeekFields.of(Locale "en")``,
which in JDK 17 is Sunday-start with minimal days 1 (the JVM default locale of the Flink runtime).
"""

from __future__ import annotations

ERA = 0
YEAR_OF_ERA = 1
YEAR = 2
QUARTER_OF_YEAR = 3
MONTH_OF_YEAR = 4
DAY_OF_MONTH = 5
DAY_OF_YEAR = 6
ALIGNED_DAY_OF_WEEK_IN_MONTH = 7
DAY_OF_WEEK = 8
AMPM_OF_DAY = 9
HOUR_OF_DAY = 10
CLOCK_HOUR_OF_DAY = 11
HOUR_OF_AMPM = 12
CLOCK_HOUR_OF_AMPM = 13
MINUTE_OF_HOUR = 14
SECOND_OF_MINUTE = 15
NANO_OF_SECOND = 16
MILLI_OF_DAY = 17
NANO_OF_DAY = 18
MODIFIED_JULIAN_DAY = 19
OFFSET_SECONDS = 20
WEEK_BASED_YEAR = 21
WEEK_OF_WEEK_BASED_YEAR = 22
WEEK_OF_MONTH = 23
LOCALIZED_DAY_OF_WEEK = 24
SECOND_OF_DAY = 25
MINUTE_OF_DAY = 26
# Not a field: the parsed day period (``Parsed.dayPeriod``, pattern B), kept with the fields so
# that an optional section that fails rolls it back too. The resolver takes it out first.
DAY_PERIOD = 27

YEAR_MAX = 999_999_999

NAMES: dict[int, str] = {
    ERA: "Era",
    YEAR_OF_ERA: "YearOfEra",
    YEAR: "Year",
    QUARTER_OF_YEAR: "QuarterOfYear",
    MONTH_OF_YEAR: "MonthOfYear",
    DAY_OF_MONTH: "DayOfMonth",
    DAY_OF_YEAR: "DayOfYear",
    ALIGNED_DAY_OF_WEEK_IN_MONTH: "AlignedDayOfWeekInMonth",
    DAY_OF_WEEK: "DayOfWeek",
    AMPM_OF_DAY: "AmPmOfDay",
    HOUR_OF_DAY: "HourOfDay",
    CLOCK_HOUR_OF_DAY: "ClockHourOfDay",
    HOUR_OF_AMPM: "HourOfAmPm",
    CLOCK_HOUR_OF_AMPM: "ClockHourOfAmPm",
    MINUTE_OF_HOUR: "MinuteOfHour",
    SECOND_OF_MINUTE: "SecondOfMinute",
    NANO_OF_SECOND: "NanoOfSecond",
    MILLI_OF_DAY: "MilliOfDay",
    NANO_OF_DAY: "NanoOfDay",
    MODIFIED_JULIAN_DAY: "ModifiedJulianDay",
    OFFSET_SECONDS: "OffsetSeconds",
    WEEK_BASED_YEAR: "WeekBasedYear[WeekFields[SUNDAY,1]]",
    WEEK_OF_WEEK_BASED_YEAR: "WeekOfWeekBasedYear[WeekFields[SUNDAY,1]]",
    WEEK_OF_MONTH: "WeekOfMonth[WeekFields[SUNDAY,1]]",
    LOCALIZED_DAY_OF_WEEK: "DayOfWeek[WeekFields[SUNDAY,1]]",
    SECOND_OF_DAY: "SecondOfDay",
    MINUTE_OF_DAY: "MinuteOfDay",
}

# The outer (min, max) of each field's ValueRange: what checkValidValue enforces.
RANGES: dict[int, tuple[int, int]] = {
    ERA: (0, 1),
    YEAR_OF_ERA: (1, YEAR_MAX + 1),
    YEAR: (-YEAR_MAX, YEAR_MAX),
    QUARTER_OF_YEAR: (1, 4),
    MONTH_OF_YEAR: (1, 12),
    DAY_OF_MONTH: (1, 31),
    DAY_OF_YEAR: (1, 366),
    ALIGNED_DAY_OF_WEEK_IN_MONTH: (1, 7),
    DAY_OF_WEEK: (1, 7),
    AMPM_OF_DAY: (0, 1),
    HOUR_OF_DAY: (0, 23),
    CLOCK_HOUR_OF_DAY: (1, 24),
    HOUR_OF_AMPM: (0, 11),
    CLOCK_HOUR_OF_AMPM: (1, 12),
    MINUTE_OF_HOUR: (0, 59),
    SECOND_OF_MINUTE: (0, 59),
    NANO_OF_SECOND: (0, 999_999_999),
    MILLI_OF_DAY: (0, 86_400_000 - 1),
    NANO_OF_DAY: (0, 86_400 * 1_000_000_000 - 1),
    MODIFIED_JULIAN_DAY: (-365_243_219_162 + 40_587, 365_241_780_471 + 40_587),
    OFFSET_SECONDS: (-18 * 3600, 18 * 3600),
    WEEK_BASED_YEAR: (-YEAR_MAX, YEAR_MAX),
    WEEK_OF_WEEK_BASED_YEAR: (1, 53),
    WEEK_OF_MONTH: (0, 6),
    LOCALIZED_DAY_OF_WEEK: (1, 7),
    SECOND_OF_DAY: (0, 86_399),
    MINUTE_OF_DAY: (0, 1_439),
}

TIME_BASED = frozenset(
    {
        AMPM_OF_DAY,
        HOUR_OF_DAY,
        CLOCK_HOUR_OF_DAY,
        HOUR_OF_AMPM,
        CLOCK_HOUR_OF_AMPM,
        MINUTE_OF_HOUR,
        SECOND_OF_MINUTE,
        NANO_OF_SECOND,
        MILLI_OF_DAY,
        NANO_OF_DAY,
        SECOND_OF_DAY,
        MINUTE_OF_DAY,
    }
)


def is_valid(field: int, value: int) -> bool:
    """``ValueRange.isValidValue`` for the field's outer range."""
    low, high = RANGES[field]
    return low <= value <= high


def range_text(field: int) -> str:
    """Java's ``ValueRange.toString`` is not needed exactly; a readable range is."""
    low, high = RANGES[field]
    return f"{low} - {high}"
