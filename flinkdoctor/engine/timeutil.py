"""Millisecond arithmetic Flink's window runtime relies on (``TimeWindowUtil``, ``TimeWindow``).

Flink keeps event time as Java ``long`` epoch milliseconds; ``Long.MIN_VALUE`` is "no watermark yet"
and ``Long.MAX_VALUE`` is the end-of-input watermark. Window bounds of a TIMESTAMP_LTZ rowtime live
in "shifted" local wall-clock milliseconds (R3.2); timers convert back to epoch milliseconds.
"""

from __future__ import annotations

import datetime as _dt
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flinkdoctor.timeformat import format_timestamp

LONG_MIN = -(2**63)
LONG_MAX = 2**63 - 1
MILLIS_PER_HOUR = 3_600_000
_EPOCH = _dt.datetime(1970, 1, 1)
_UTC_NAMES = frozenset({"UTC", "Z", "GMT", "Etc/UTC", "Etc/GMT", "UCT", "Universal", "Zulu"})


def window_start(ts: int, offset: int, size: int) -> int:
    """``TimeWindow.getWindowStartWithOffset``: floor-mod alignment, negatives too (R3.1)."""
    return ts - (ts - offset) % size


def format_millis(millis: int | None) -> str | None:
    """A TIMESTAMP(3) as Flink prints it (CAST AS STRING): ``YYYY-MM-DD HH:MM:SS.fff``."""
    if millis is None:
        return None
    if millis == LONG_MAX:
        return "+INF"
    if millis == LONG_MIN:
        return "-INF"
    return format_timestamp(millis)


def resolve_zone(name: str) -> ZoneInfo | None:
    """The zone of ``table.local-time-zone`` (None for UTC, which Flink never shifts)."""
    if name in _UTC_NAMES:
        return None
    if name.startswith(("UTC+", "UTC-", "GMT+", "GMT-", "+", "-")):
        return _fixed_zone(name)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None


def _fixed_zone(name: str) -> ZoneInfo | None:
    body = name[3:] if name[:3] in ("UTC", "GMT") else name
    sign = -1 if body.startswith("-") else 1
    hh, _, mm = body[1:].partition(":")
    try:
        minutes = int(hh) * 60 + (int(mm) if mm else 0)
    except ValueError:
        raise ValueError(f"unknown time zone {name!r}") from None
    if minutes == 0:
        return None
    # Etc/GMT zones cover whole hours only and invert the sign.
    if minutes % 60 == 0:
        return ZoneInfo(f"Etc/GMT{'-' if sign > 0 else '+'}{minutes // 60}")
    raise ValueError(f"unsupported fixed offset time zone {name!r}")


class ZoneShift:
    """``toUtcTimestampMills`` / ``toEpochMillsForTimer`` for one zone, memoised per hour since
    both functions are piecewise-constant offsets (R3.2)."""

    __slots__ = ("_to_local", "_to_timer", "uses_dst", "zone")

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self._to_local = lru_cache(maxsize=65536)(self._local_offset_for_hour)
        self._to_timer = lru_cache(maxsize=65536)(self._timer_uncached)
        self.uses_dst = _uses_dst(zone)

    def _local_offset_for_hour(self, hour: int) -> int:
        moment = _dt.datetime.fromtimestamp(hour * 3600, tz=self.zone)
        off = moment.utcoffset()
        return int(off.total_seconds() * 1000) if off is not None else 0

    def to_local(self, epoch_ms: int) -> int:
        """Epoch millis -> local wall-clock millis read as UTC (``toUtcTimestampMills``)."""
        if epoch_ms in (LONG_MAX, LONG_MIN):
            return epoch_ms
        # Offsets change on whole hours in every tz database zone worth supporting here, except a
        # few historical LMT transitions; compute exactly when the hour straddles a change.
        hour = epoch_ms // MILLIS_PER_HOUR
        off = self._to_local(hour)
        if off != self._to_local(hour + 1):
            moment = _dt.datetime.fromtimestamp(epoch_ms // 1000, tz=self.zone)
            o = moment.utcoffset()
            off = int(o.total_seconds() * 1000) if o is not None else 0
        return epoch_ms + off

    def to_epoch(self, local_ms: int) -> int:
        """Local wall-clock millis -> epoch (``toEpochMills``; Java ``atZone``: earlier offset in
        overlaps, gap times pushed later by the gap, which is the pre-gap offset)."""
        if local_ms in (LONG_MAX, LONG_MIN):
            return local_ms
        seconds, millis = divmod(local_ms, 1000)
        try:
            naive = _EPOCH + _dt.timedelta(seconds=seconds)
        except OverflowError:
            return local_ms
        aware = naive.replace(tzinfo=self.zone, fold=0)
        off = aware.utcoffset()
        offset_ms = int(off.total_seconds() * 1000) if off is not None else 0
        return seconds * 1000 + millis - offset_ms

    def timer(self, local_ms: int) -> int:
        """``toEpochMillsForTimer``: the epoch millis at which a local time counts as passed."""
        if local_ms in (LONG_MAX, LONG_MIN):
            return local_ms
        return int(self._to_timer(local_ms))

    def _timer_uncached(self, local_ms: int) -> int:
        if not self.uses_dst:
            return self.to_epoch(local_ms)
        t1 = self.to_epoch(local_ms)
        t2 = self.to_epoch(local_ms + MILLIS_PER_HOUR)
        if t1 == t2:
            return t1 - t1 % MILLIS_PER_HOUR
        if t2 - t1 > MILLIS_PER_HOUR:
            return t1 + MILLIS_PER_HOUR
        return t1


def _uses_dst(zone: ZoneInfo) -> bool:
    """Java ``TimeZone.useDaylightTime``: the zone observes DST now or in the future (approximated
    by: its offset differs between January and July of this or a recent year)."""
    for year in (2024, 2025, 2026, 2030):
        jan = _dt.datetime(year, 1, 1, tzinfo=zone).utcoffset()
        jul = _dt.datetime(year, 7, 1, tzinfo=zone).utcoffset()
        if jan != jul:
            return True
    return False


def java_string_hash(text: str) -> int:
    """Java ``String.hashCode`` (UTF-16 code units, 32-bit wrap)."""
    h = 0
    data = text.encode("utf-16-be")
    for i in range(0, len(data), 2):
        h = (31 * h + ((data[i] << 8) | data[i + 1])) & 0xFFFFFFFF
    return h - (1 << 32) if h >= (1 << 31) else h


def to_int32(value: int) -> int:
    """Java ``int`` overflow wrap."""
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value >= (1 << 31) else value


def to_int64(value: int) -> int:
    """Java ``long`` overflow wrap."""
    value &= 0xFFFFFFFFFFFFFFFF
    return value - (1 << 64) if value >= (1 << 63) else value


def next_trigger_watermark(current: int, interval: int, shift: ZoneShift | None) -> int:
    """``TimeWindowUtil.getNextTriggerWatermark``: the next watermark at which a slicing window
    operator's buffer is worth flushing. Note: aligned with offset 0 (and, for a zone without
    DST, to epoch boundaries), whatever the window's offset or zone."""
    if current == LONG_MAX:
        return current
    if shift is not None and shift.uses_dst:
        utc_start = window_start(shift.to_local(current), 0, interval)
        trigger = shift.timer(utc_start + interval - 1)
    else:
        trigger = window_start(current, 0, interval) + interval - 1
    return trigger if trigger > current else trigger + interval


def is_window_fired(window_end: int, progress: int, shift: ZoneShift | None) -> bool:
    """``TimeWindowUtil.isWindowFired``."""
    if window_end == LONG_MAX:
        return False
    trigger = window_end - 1 if shift is None else shift.timer(window_end - 1)
    return progress >= trigger
