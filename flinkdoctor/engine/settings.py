"""Flink configuration values the engine reads: durations, booleans, version switches."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flinkdoctor.errors import InputError

_DURATION = re.compile(r"\s*(-?\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*")
_UNITS = {
    "": 1,
    "ms": 1,
    "milli": 1,
    "millis": 1,
    "millisecond": 1,
    "milliseconds": 1,
    "s": 1000,
    "sec": 1000,
    "secs": 1000,
    "second": 1000,
    "seconds": 1000,
    "m": 60_000,
    "min": 60_000,
    "mins": 60_000,
    "minute": 60_000,
    "minutes": 60_000,
    "h": 3_600_000,
    "hour": 3_600_000,
    "hours": 3_600_000,
    "d": 86_400_000,
    "day": 86_400_000,
    "days": 86_400_000,
}


def parse_duration(key: str, text: str) -> int:
    """A Flink ``Duration`` option in milliseconds (``200``, ``200 ms``, ``5 s``, ``1 min``)."""
    match = _DURATION.fullmatch(text)
    unit = match.group(2).lower() if match else None
    if match is None or unit not in _UNITS:
        raise InputError(f"{key}: cannot read duration {text!r} (e.g. '200 ms', '5 s', '1 min')")
    value = float(match.group(1)) * _UNITS[unit]
    if value < 0:
        raise InputError(f"{key}: negative durations are rejected by Flink, got {text!r}")
    return int(value)


def parse_int(key: str, text: str) -> int:
    """A positive integer option."""
    try:
        value = int(text.strip())
    except ValueError:
        raise InputError(f"{key}: expected an integer, got {text!r}") from None
    if value <= 0:
        raise InputError(f"{key}: expected a positive integer, got {text!r}")
    return value


def parse_bool(key: str, text: str) -> bool:
    """A boolean option (``true`` / ``false``)."""
    low = text.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    raise InputError(f"{key}: expected true or false, got {text!r}")


SUPPORTED_VERSIONS = ("1.16", "1.17", "1.18", "1.19", "1.20", "2.0", "2.1", "2.2")
LATEST_PATCH = {"1.16": 3, "1.17": 2, "1.18": 1, "1.19": 3, "1.20": 3}
"""The newest release of each 1.x line: what ``1.20`` means, and the highest patch we model."""
DEFAULT_VERSION = "1.20.3"


@dataclass(frozen=True, slots=True)
class FlinkVersion:
    """The Flink release being simulated; rules that differ by version ask it."""

    major: int
    minor: int
    patch: int

    @classmethod
    def parse(cls, text: str) -> FlinkVersion:
        """``1.20`` (its newest release, 1.20.3) / ``1.20.0`` / ``2.0``; releases we do not model
        are rejected, not guessed."""
        parts = text.strip().split(".")
        line = ".".join(parts[:2])
        known = line in SUPPORTED_VERSIONS and len(parts) <= 3 and all(p.isdigit() for p in parts)
        patch = int(parts[2]) if known and len(parts) == 3 else LATEST_PATCH.get(line, 0)
        if not known or patch > LATEST_PATCH.get(line, patch):
            raise InputError(
                f"--flink-version {text!r} is not modelled (choose one of "
                f"{', '.join(SUPPORTED_VERSIONS)}, optionally with a patch release such as "
                f"{DEFAULT_VERSION})"
            )
        major, minor = (int(p) for p in parts[:2])
        return cls(major, minor, patch)

    @property
    def text(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    @property
    def tuple(self) -> tuple[int, int]:
        return self.major, self.minor

    def at_least(self, major: int, minor: int, patch: int = 0) -> bool:
        return (self.major, self.minor, self.patch) >= (major, minor, patch)

    @property
    def session_tvf(self) -> bool:
        """SESSION window TVF aggregation in streaming: from 1.19 (R3.6)."""
        return self.at_least(1, 19)

    @property
    def flip296_options(self) -> bool:
        """``scan.watermark.*`` table options: from 1.18 (R1.9)."""
        return self.at_least(1, 18)

    @property
    def kafka_max_semantics(self) -> bool:
        """R1.6: the pushed-down generator keeps the max, not the latest row's value, from 1.19.2,
        1.20.1 and 2.0 on; 1.18.1, 1.19.0/1.19.1 and 1.20.0 keep the latest row's (read in each
        release's flink-table-runtime classes; seen on real 1.20.3 in tests/kafka_flink)."""
        if self.major >= 2:
            return True
        return self.at_least(1, 20, 1) or (self.tuple == (1, 19) and self.patch >= 2)
