"""TO_TIMESTAMP patterns in a script, read the way ``DateTimeFormatter.ofPattern`` reads them.

``pattern_calls`` finds every ``TO_TIMESTAMP(x, 'pattern')`` (and the 2.x string form of
``TO_TIMESTAMP_LTZ``) anywhere in the script. ``letters`` splits a pattern into its letter runs
outside quotes. ``render`` prints a typical timestamp with a pattern (the value a job with the
intended pattern would receive), so a rule can show what Flink makes of it with the written one,
computed by ``flinkdoctor.timeformat`` (Flink's own conversion, R4.2).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from flinkdoctor.lint.scan import all_exprs
from flinkdoctor.sql.model import Call, Literal, Script
from flinkdoctor.timeformat import format_timestamp, to_timestamp

_FUNCTIONS = ("TO_TIMESTAMP", "TO_TIMESTAMP_LTZ")

TYPICAL = (2024, 5, 14, 3, 7, 45, 123)
"""The typical event time shown in messages, 2024-05-14 03:07:45.123: every field differs, so
a swapped or misread field shows."""

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip
_DAYS_BEFORE = (0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335)  # leap year 2024


@dataclass(frozen=True, slots=True)
class PatternCall:
    """One call with a literal pattern: the call, the pattern value and its literal."""

    call: Call
    pattern: str
    literal: Literal


def pattern_calls(script: Script) -> Iterator[PatternCall]:
    """Every TO_TIMESTAMP call whose second argument is a string literal (placeholders left by
    PyFlink extraction, ``${...}``, are skipped: their value is not known)."""
    for node in all_exprs(script):
        if not (isinstance(node, Call) and node.name in _FUNCTIONS and len(node.args) == 2):
            continue
        arg = node.args[1]
        if (
            isinstance(arg, Literal)
            and arg.kind == "string"
            and isinstance(arg.value, str)
            and "${" not in arg.value
        ):
            yield PatternCall(node, arg.value, arg)


@dataclass(frozen=True, slots=True)
class Run:
    """A run of one pattern letter (``yyyy``), at ``index`` in the pattern."""

    letter: str
    count: int
    index: int


def letters(pattern: str) -> list[Run]:
    """The letter runs outside quoted text, in order."""
    runs: list[Run] = []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "'":
            i += 1
            while i < n:
                if pattern[i] == "'":
                    if i + 1 < n and pattern[i + 1] == "'":
                        i += 2
                        continue
                    break
                i += 1
            i += 1
            continue
        if ch.isascii() and ch.isalpha():
            j = i
            while j < n and pattern[j] == ch:
                j += 1
            runs.append(Run(ch, j - i, i))
            i = j
            continue
        i += 1
    return runs


def replace_runs(pattern: str, changes: dict[int, str]) -> str:
    """``pattern`` with the letter runs starting at the given indexes replaced."""
    out, i = [], 0
    for run in letters(pattern):
        if run.index in changes:
            out.append(pattern[i : run.index])
            out.append(changes[run.index])
            i = run.index + run.count
    out.append(pattern[i:])
    return "".join(out)


def render(pattern: str) -> str | None:
    """The typical timestamp printed with ``pattern``; None for letters we do not print."""
    y, mo, d, h, mi, s, ms = TYPICAL
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "'":
            j = i + 1
            while j < n:
                if pattern[j] == "'":
                    if j + 1 < n and pattern[j + 1] == "'":
                        out.append("'")
                        j += 2
                        continue
                    break
                out.append(pattern[j])
                j += 1
            if i + 1 < n and pattern[i + 1] == "'" and j == i + 1:
                out.append("'")
            i = j + 1
            continue
        if not (ch.isascii() and ch.isalpha()):
            if ch in "[]":
                i += 1
                continue
            out.append(ch)
            i += 1
            continue
        j = i
        while j < n and pattern[j] == ch:
            j += 1
        text = _field(ch, j - i, (y, mo, d, h, mi, s, ms))
        if text is None:
            return None
        out.append(text)
        i = j
    return "".join(out)


def _field(ch: str, count: int, t: tuple[int, ...]) -> str | None:
    y, mo, d, h, mi, s, ms = t
    numbers = {
        "d": d, "H": h, "k": h or 24, "K": h % 12, "h": (h % 12) or 12, "m": mi, "s": s,
        "D": _DAYS_BEFORE[mo - 1] + d,
    }  # fmt: skip
    if ch in ("y", "u", "Y"):
        return f"{y % 100:02d}" if count == 2 else f"{y:0{max(count, 4)}d}"
    if ch in ("M", "L"):
        if count >= 4:
            return _MONTHS[mo - 1]
        return _MONTHS[mo - 1][:3] if count == 3 else f"{mo:0{count}d}"
    if ch in numbers:
        return f"{numbers[ch]:0{count}d}"
    if ch == "S":
        return f"{ms:03d}{'0' * 6}"[:count]
    if ch == "a":
        return "AM" if h < 12 else "PM"
    return None


def flink_result(value: str, pattern: str) -> str | None:
    """What Flink's TO_TIMESTAMP(value, pattern) gives, as CAST(... AS STRING) prints it; None
    for NULL."""
    conversion = to_timestamp(value, pattern)
    if conversion.millis is None:
        return None
    return format_timestamp(conversion.millis, 3, conversion.nano_of_milli)


def sql_quote(text: str) -> str:
    """``text`` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"
