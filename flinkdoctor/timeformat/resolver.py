"""``Parsed.resolve`` for the ISO chronology: parsed fields → date, time and leftover fields.

Implements the SMART (``ofPattern``'s default) and STRICT styles, including the parts that surprise
people: SMART clamps day-of-month to the month's end (Feb 30 → Feb 29), ``24:00`` rolls to the
next day, ``hh`` without ``a`` leaves only HOUR_OF_AMPM (so there is no hour-of-day), and fields
that cannot be combined (``YYYY`` without a day of week) stay unresolved.
"""

from __future__ import annotations

from dataclasses import dataclass

from flinkdoctor.timeformat import calendar as C
from flinkdoctor.timeformat import dayperiod
from flinkdoctor.timeformat import fields as F
from flinkdoctor.timeformat.errors import JavaParseError

SMART = "SMART"
STRICT = "STRICT"

_FIRST_DOW = 7  # Sunday, WeekFields.of(Locale "en")
_MIN_DAYS = 1
_MJD_EPOCH_OFFSET = 40_587
_WEEK_FIELDS = (
    F.LOCALIZED_DAY_OF_WEEK,
    F.WEEK_OF_MONTH,
    F.WEEK_OF_WEEK_BASED_YEAR,
    F.WEEK_BASED_YEAR,
)


class ResolveError(JavaParseError):
    """A ``DateTimeException`` during resolution (``parse`` reports it at index 0)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, 0)


@dataclass(slots=True)
class Resolved:
    """What ``Parsed`` holds after resolving: an epoch day, a nano-of-day, leftover fields.

    (A ``24:00`` with no date leaves an excess day that nothing reads, so it is dropped.)
    """

    fields: dict[int, int]
    epoch_day: int | None
    nano_of_day: int | None

    def get(self, field: int) -> int | None:
        """``isSupported(field) ? get(field) : None``, raising where Java's range check fails."""
        value = self.fields.get(field)
        if value is None:
            if self.epoch_day is not None and field in _DATE_FIELDS:
                value = date_field(self.epoch_day, field)
            elif self.nano_of_day is not None and field in _TIME_FIELDS:
                value = time_field(self.nano_of_day, field)
            else:
                return None
        if not F.is_valid(field, value):
            raise JavaParseError(
                f"Invalid value for {F.NAMES[field]} (valid values {F.range_text(field)}): {value}",
                0,
                parse_exception=False,
            )
        return value


def _check(field: int, value: int) -> int:
    if not F.is_valid(field, value):
        raise ResolveError(
            f"Invalid value for {F.NAMES[field]} (valid values {F.range_text(field)}): {value}"
        )
    return value


def _date(year: int, month: int, day: int) -> int:
    """``LocalDate.of``: validates, returns the epoch day."""
    _check(F.YEAR, year)
    _check(F.MONTH_OF_YEAR, month)
    _check(F.DAY_OF_MONTH, day)
    if day > C.month_length(year, month):
        if day == 29:
            raise ResolveError(f"Invalid date 'February 29' as '{year}' is not a leap year")
        raise ResolveError(f"Invalid date '{_MONTH_NAMES[month - 1]} {day}'")
    return C.days_from_civil(year, month, day)


_MONTH_NAMES = (
    "JANUARY", "FEBRUARY", "MARCH", "APRIL", "MAY", "JUNE",
    "JULY", "AUGUST", "SEPTEMBER", "OCTOBER", "NOVEMBER", "DECEMBER",
)  # fmt: skip

_DATE_FIELDS = frozenset(
    {
        F.ERA,
        F.YEAR_OF_ERA,
        F.YEAR,
        F.QUARTER_OF_YEAR,
        F.MONTH_OF_YEAR,
        F.DAY_OF_MONTH,
        F.DAY_OF_YEAR,
        F.ALIGNED_DAY_OF_WEEK_IN_MONTH,
        F.DAY_OF_WEEK,
        F.MODIFIED_JULIAN_DAY,
        *_WEEK_FIELDS,
    }
)
_TIME_FIELDS = frozenset(F.TIME_BASED)


def _localized_dow(iso_dow: int) -> int:
    return (iso_dow - _FIRST_DOW) % 7 + 1


def _start_of_week_offset(day: int, dow: int) -> int:
    week_start = (day - dow) % 7
    return 7 - week_start if week_start + 1 > _MIN_DAYS else -week_start


def _compute_week(offset: int, day: int) -> int:
    return (7 + offset + (day - 1)) // 7


def _week_based(epoch_day: int) -> tuple[int, int]:
    """(week-based-year, week-of-week-based-year) under Sunday-start, min-days-1 weeks."""
    year, month, day = C.civil_from_days(epoch_day)
    dow = _localized_dow(C.iso_day_of_week(epoch_day))
    doy = C.day_of_year(year, month, day)
    offset = _start_of_week_offset(doy, dow)
    week = _compute_week(offset, doy)
    if week == 0:
        _, prev_week = _week_based(epoch_day - doy)
        return year - 1, prev_week
    year_len = 366 if C.is_leap(year) else 365
    new_year_week = _compute_week(offset, year_len + _MIN_DAYS)
    if week >= new_year_week:
        return year + 1, week - new_year_week + 1
    return year, week


def date_field(epoch_day: int, field: int) -> int:
    """``LocalDate.getLong(field)``."""
    year, month, day = C.civil_from_days(epoch_day)
    if field == F.YEAR:
        return year
    if field == F.MONTH_OF_YEAR:
        return month
    if field == F.DAY_OF_MONTH:
        return day
    if field == F.ERA:
        return 1 if year >= 1 else 0
    if field == F.YEAR_OF_ERA:
        return year if year >= 1 else 1 - year
    if field == F.DAY_OF_YEAR:
        return C.day_of_year(year, month, day)
    if field == F.DAY_OF_WEEK:
        return C.iso_day_of_week(epoch_day)
    if field == F.ALIGNED_DAY_OF_WEEK_IN_MONTH:
        return (day - 1) % 7 + 1
    if field == F.QUARTER_OF_YEAR:
        return (month - 1) // 3 + 1
    if field == F.MODIFIED_JULIAN_DAY:
        return epoch_day + _MJD_EPOCH_OFFSET
    if field == F.LOCALIZED_DAY_OF_WEEK:
        return _localized_dow(C.iso_day_of_week(epoch_day))
    if field == F.WEEK_OF_MONTH:
        dow = _localized_dow(C.iso_day_of_week(epoch_day))
        return _compute_week(_start_of_week_offset(day, dow), day)
    if field == F.WEEK_OF_WEEK_BASED_YEAR:
        return _week_based(epoch_day)[1]
    return _week_based(epoch_day)[0]


def time_field(nano_of_day: int, field: int) -> int:
    """``LocalTime.getLong(field)``."""
    secs = nano_of_day // 1_000_000_000
    hour = secs // 3600
    if field == F.HOUR_OF_DAY:
        return hour
    if field == F.MINUTE_OF_HOUR:
        return secs // 60 % 60
    if field == F.SECOND_OF_MINUTE:
        return secs % 60
    if field == F.NANO_OF_SECOND:
        return nano_of_day % 1_000_000_000
    if field == F.AMPM_OF_DAY:
        return hour // 12
    if field == F.HOUR_OF_AMPM:
        return hour % 12
    if field == F.CLOCK_HOUR_OF_AMPM:
        return 12 if hour % 12 == 0 else hour % 12
    if field == F.CLOCK_HOUR_OF_DAY:
        return 24 if hour == 0 else hour
    if field == F.MILLI_OF_DAY:
        return nano_of_day // 1_000_000
    if field == F.NANO_OF_DAY:
        return nano_of_day
    if field == F.SECOND_OF_DAY:
        return secs
    return secs // 60  # MINUTE_OF_DAY


class _Parsed:
    def __init__(self, fields: dict[int, int], style: str) -> None:
        self.day_period = fields.pop(F.DAY_PERIOD, None)
        self.f = fields
        self.style = style
        self.date: int | None = None
        self.time: int | None = None
        self.excess = 0

    # -- conflicts --------------------------------------------------------------------------
    def put_checked(self, target: int, field: int, value: int) -> None:
        old = self.f.get(field)
        self.f[field] = value
        if old is not None and old != value:
            raise ResolveError(
                f"Conflict found: {F.NAMES[field]} {old} differs from {F.NAMES[field]} {value} "
                f"while resolving  {F.NAMES[target]}"
            )

    def set_date(self, epoch_day: int | None) -> None:
        if epoch_day is None:
            return
        if self.date is not None:
            if self.date != epoch_day:
                raise ResolveError("Conflict found: Fields resolved to two different dates")
        else:
            self.date = epoch_day

    def set_time(self, nano_of_day: int, excess: int) -> None:
        if self.time is not None:
            if self.time != nano_of_day:
                raise ResolveError("Conflict found: Fields resolved to different times")
            if self.excess != 0 and excess != 0 and self.excess != excess:
                raise ResolveError("Conflict found: Fields resolved to different excess periods")
            self.excess = excess
        else:
            self.time = nano_of_day
            self.excess = excess

    # -- date ---------------------------------------------------------------------------------
    def resolve_date_fields(self) -> None:
        self.set_date(self.resolve_date())

    def resolve_date(self) -> int | None:
        f = self.f
        yoe = f.pop(F.YEAR_OF_ERA, None)
        if yoe is not None:
            _check(F.YEAR_OF_ERA, yoe)
            era = f.pop(F.ERA, None)
            if era is None:
                year = f.get(F.YEAR)
                if self.style == STRICT:
                    if year is not None:
                        self.add_year(yoe if year > 0 else 1 - yoe)
                    else:
                        f[F.YEAR_OF_ERA] = yoe
                else:
                    self.add_year(yoe if year is None or year > 0 else 1 - yoe)
            elif era == 1:
                self.add_year(yoe)
            elif era == 0:
                self.add_year(1 - yoe)
            else:
                raise ResolveError(f"Invalid value for era: {era}")
        elif F.ERA in f:
            _check(F.ERA, f[F.ERA])
        if F.YEAR in f:
            if F.MONTH_OF_YEAR in f and F.DAY_OF_MONTH in f:
                return self.resolve_ymd()
            if F.DAY_OF_YEAR in f:
                year = _check(F.YEAR, f.pop(F.YEAR))
                doy = _check(F.DAY_OF_YEAR, f.pop(F.DAY_OF_YEAR))
                if doy == 366 and not C.is_leap(year):
                    raise ResolveError(
                        f"Invalid date 'DayOfYear 366' as '{year}' is not a leap year"
                    )
                return C.days_from_civil(year, 1, 1) + doy - 1
        return None

    def add_year(self, value: int) -> None:
        old = self.f.get(F.YEAR)
        if old is not None and old != value:
            raise ResolveError(f"Conflict found: Year {old} differs from Year {value}")
        self.f[F.YEAR] = value

    def resolve_ymd(self) -> int:
        f = self.f
        year = _check(F.YEAR, f.pop(F.YEAR))
        month = _check(F.MONTH_OF_YEAR, f.pop(F.MONTH_OF_YEAR))
        day = _check(F.DAY_OF_MONTH, f.pop(F.DAY_OF_MONTH))
        if self.style == SMART:
            day = min(day, C.month_length(year, month))
        return _date(year, month, day)

    # -- time ---------------------------------------------------------------------------------
    def resolve_time_fields(self) -> None:
        f = self.f
        strict = self.style == STRICT
        if F.CLOCK_HOUR_OF_DAY in f:
            ch = f.pop(F.CLOCK_HOUR_OF_DAY)
            if strict or ch != 0:
                _check(F.CLOCK_HOUR_OF_DAY, ch)
            self.put_checked(F.CLOCK_HOUR_OF_DAY, F.HOUR_OF_DAY, 0 if ch == 24 else ch)
        if F.CLOCK_HOUR_OF_AMPM in f:
            ch = f.pop(F.CLOCK_HOUR_OF_AMPM)
            if strict or ch != 0:
                _check(F.CLOCK_HOUR_OF_AMPM, ch)
            self.put_checked(F.CLOCK_HOUR_OF_AMPM, F.HOUR_OF_AMPM, 0 if ch == 12 else ch)
        if F.AMPM_OF_DAY in f and F.HOUR_OF_AMPM in f:
            ap = _check(F.AMPM_OF_DAY, f.pop(F.AMPM_OF_DAY))
            hap = _check(F.HOUR_OF_AMPM, f.pop(F.HOUR_OF_AMPM))
            self.put_checked(F.AMPM_OF_DAY, F.HOUR_OF_DAY, ap * 12 + hap)
        if F.NANO_OF_DAY in f:
            nod = _check(F.NANO_OF_DAY, f.pop(F.NANO_OF_DAY))
            self.put_checked(F.NANO_OF_DAY, F.HOUR_OF_DAY, nod // 3_600_000_000_000)
            self.put_checked(F.NANO_OF_DAY, F.MINUTE_OF_HOUR, nod // 60_000_000_000 % 60)
            self.put_checked(F.NANO_OF_DAY, F.SECOND_OF_MINUTE, nod // 1_000_000_000 % 60)
            self.put_checked(F.NANO_OF_DAY, F.NANO_OF_SECOND, nod % 1_000_000_000)
        if F.MILLI_OF_DAY in f:
            lod = _check(F.MILLI_OF_DAY, f.pop(F.MILLI_OF_DAY))
            # MILLI_OF_DAY → SECOND_OF_DAY + MILLI_OF_SECOND; the latter merges into the nanos
            self.put_checked(F.MILLI_OF_DAY, F.SECOND_OF_DAY, lod // 1000)
            self.milli_of_second = lod % 1000
        if F.SECOND_OF_DAY in f:
            sod = _check(F.SECOND_OF_DAY, f.pop(F.SECOND_OF_DAY))
            self.put_checked(F.SECOND_OF_DAY, F.HOUR_OF_DAY, sod // 3600)
            self.put_checked(F.SECOND_OF_DAY, F.MINUTE_OF_HOUR, sod // 60 % 60)
            self.put_checked(F.SECOND_OF_DAY, F.SECOND_OF_MINUTE, sod % 60)
        if F.NANO_OF_SECOND in f:
            nos = _check(F.NANO_OF_SECOND, f[F.NANO_OF_SECOND])
            los = self.milli_of_second
            if los is not None:
                self.milli_of_second = None
                self.put_checked(
                    F.MILLI_OF_DAY, F.NANO_OF_SECOND, los * 1_000_000 + nos % 1_000_000
                )
        if self.day_period is not None and F.HOUR_OF_AMPM in f:
            hap = _check(F.HOUR_OF_AMPM, f.pop(F.HOUR_OF_AMPM))
            moh = f[F.MINUTE_OF_HOUR] % 60 if F.MINUTE_OF_HOUR in f else 0
            pm = dayperiod.includes(self.day_period, (hap % 12 + 12) * 60 + moh)
            self.put_checked(F.HOUR_OF_AMPM, F.HOUR_OF_DAY, hap + (12 if pm else 0))
            self.day_period = None
        if all(
            k in f for k in (F.HOUR_OF_DAY, F.MINUTE_OF_HOUR, F.SECOND_OF_MINUTE, F.NANO_OF_SECOND)
        ):
            self.resolve_time(
                f.pop(F.HOUR_OF_DAY),
                f.pop(F.MINUTE_OF_HOUR),
                f.pop(F.SECOND_OF_MINUTE),
                f.pop(F.NANO_OF_SECOND),
            )

    milli_of_second: int | None = None

    def resolve_time(self, hod: int, moh: int, som: int, nos: int) -> None:
        _check(F.MINUTE_OF_HOUR, moh)
        _check(F.NANO_OF_SECOND, nos)
        if self.style == SMART and hod == 24 and moh == 0 and som == 0 and nos == 0:
            self.set_time(0, 1)
        else:
            _check(F.HOUR_OF_DAY, hod)
            _check(F.SECOND_OF_MINUTE, som)
            self.set_time(((hod * 60 + moh) * 60 + som) * 1_000_000_000 + nos, 0)

    def resolve_time_lenient(self) -> None:
        f = self.f
        if self.time is None:
            if self.milli_of_second is not None:
                f[F.NANO_OF_SECOND] = self.milli_of_second * 1_000_000
                self.milli_of_second = None
            if self.style != STRICT and not any(
                k in f
                for k in (F.HOUR_OF_DAY, F.MINUTE_OF_HOUR, F.SECOND_OF_MINUTE, F.NANO_OF_SECOND)
            ):
                if self.day_period is not None:
                    middle = dayperiod.mid(self.day_period)
                    self.resolve_time(middle // 60, middle % 60, 0, 0)
                    self.day_period = None
                elif F.AMPM_OF_DAY in f:
                    ap = _check(F.AMPM_OF_DAY, f.pop(F.AMPM_OF_DAY))
                    self.resolve_time(ap * 12 + 6, 0, 0, 0)
            hod = f.get(F.HOUR_OF_DAY)
            if hod is not None:
                moh = f.get(F.MINUTE_OF_HOUR)
                som = f.get(F.SECOND_OF_MINUTE)
                nos = f.get(F.NANO_OF_SECOND)
                if (moh is None and (som is not None or nos is not None)) or (
                    moh is not None and som is None and nos is not None
                ):
                    return
                if self.day_period is not None and not dayperiod.includes(
                    self.day_period, hod * 60 + (moh or 0)
                ):
                    raise ResolveError(f"Conflict found: Resolved time {hod:02d}:{moh or 0:02d} "
                                       "conflicts with the day period")  # fmt: skip
                self.resolve_time(hod, moh or 0, som or 0, nos or 0)
                for k in (F.HOUR_OF_DAY, F.MINUTE_OF_HOUR, F.SECOND_OF_MINUTE, F.NANO_OF_SECOND):
                    f.pop(k, None)
        for k, v in f.items():
            if k in F.TIME_BASED:
                _check(k, v)

    # -- non-ChronoField fields (week-based, Julian day) ---------------------------------------
    def resolve_rest(self) -> None:
        f = self.f
        changed = False
        progress = True
        while progress:
            progress = False
            if F.LOCALIZED_DAY_OF_WEEK in f:
                value = _check(F.LOCALIZED_DAY_OF_WEEK, f.pop(F.LOCALIZED_DAY_OF_WEEK))
                f[F.DAY_OF_WEEK] = (_FIRST_DOW - 1 + value - 1) % 7 + 1
                progress = True
            elif F.MODIFIED_JULIAN_DAY in f:
                mjd = _check(F.MODIFIED_JULIAN_DAY, f.pop(F.MODIFIED_JULIAN_DAY))
                self.set_date(mjd - _MJD_EPOCH_OFFSET)
                progress = True
            elif F.DAY_OF_WEEK in f and (date := self.resolve_week()) is not None:
                self.set_date(date)
                progress = True
            changed = changed or progress
        if changed:
            self.resolve_date_fields()
            self.resolve_time_fields()

    def resolve_week(self) -> int | None:
        f = self.f
        iso_dow = _check(F.DAY_OF_WEEK, f[F.DAY_OF_WEEK])
        dow = _localized_dow(iso_dow)
        if F.YEAR in f:
            if F.WEEK_OF_MONTH in f and F.MONTH_OF_YEAR in f:
                year = _check(F.YEAR, f[F.YEAR])
                month = _check(F.MONTH_OF_YEAR, f[F.MONTH_OF_YEAR])
                first = _date(year, month, 1)
                wom = _check(F.WEEK_OF_MONTH, f[F.WEEK_OF_MONTH])
                first_dow = _localized_dow(C.iso_day_of_week(first))
                weeks = wom - _compute_week(_start_of_week_offset(1, first_dow), 1)
                date = first + weeks * 7 + dow - first_dow
                if self.style == STRICT and C.civil_from_days(date)[1] != month:
                    raise ResolveError(
                        "Strict mode rejected resolved date as it is in a different month"
                    )
                for k in (F.WEEK_OF_MONTH, F.YEAR, F.MONTH_OF_YEAR, F.DAY_OF_WEEK):
                    del f[k]
                return date
            return None
        if F.WEEK_BASED_YEAR in f and F.WEEK_OF_WEEK_BASED_YEAR in f:
            yowby = _check(F.WEEK_BASED_YEAR, f[F.WEEK_BASED_YEAR])
            wowby = _check(F.WEEK_OF_WEEK_BASED_YEAR, f[F.WEEK_OF_WEEK_BASED_YEAR])
            first = _date(yowby, 1, 1)
            offset = _start_of_week_offset(1, _localized_dow(C.iso_day_of_week(first)))
            year_len = 366 if C.is_leap(yowby) else 365
            wowby = min(wowby, _compute_week(offset, year_len + _MIN_DAYS) - 1)
            date = first - offset + (dow - 1) + (wowby - 1) * 7
            if self.style == STRICT and _week_based(date)[0] != yowby:
                raise ResolveError(
                    "Strict mode rejected resolved date as it is in a different week-based-year"
                )
            for k in (F.WEEK_BASED_YEAR, F.WEEK_OF_WEEK_BASED_YEAR, F.DAY_OF_WEEK):
                del f[k]
            return date
        return None

    # -- final checks -------------------------------------------------------------------------
    def cross_check(self) -> None:
        f = self.f
        for key in list(f):
            if self.date is not None and key in _DATE_FIELDS:
                expected = date_field(self.date, key)
            elif self.time is not None and key in _TIME_FIELDS:
                expected = time_field(self.time, key)
            else:
                continue
            if expected != f[key]:
                raise ResolveError(
                    f"Conflict found: Field {F.NAMES[key]} {expected} differs from "
                    f"{F.NAMES[key]} {f[key]} derived from the parsed date/time"
                )
            del f[key]


def resolve(fields: dict[int, int], style: str = SMART) -> Resolved:
    """Resolve parsed fields like ``Parsed.resolve``; raises ``ResolveError`` where Java does."""
    p = _Parsed(dict(fields), style)
    p.resolve_date_fields()
    p.resolve_time_fields()
    if any(k in p.f for k in (F.MODIFIED_JULIAN_DAY, *_WEEK_FIELDS)):
        p.resolve_rest()
    p.resolve_time_lenient()
    p.cross_check()
    if p.date is not None and p.time is not None and p.excess:
        p.date += p.excess
        p.excess = 0
    return Resolved(p.f, p.date, p.time)
