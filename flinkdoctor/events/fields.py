"""Dotted lookup into an event value, telling a missing key apart from a JSON null.

Flink's json format fills a column whose key is absent with NULL, exactly as when the key holds
null; the seed case's wrong column name hides behind that. ``field_path`` returns ``MISSING`` for an
absent key so a diagnosis can say "no such key" instead of "the value is null".
"""

from __future__ import annotations

import enum
from typing import Any, Final


class _Missing(enum.Enum):
    MISSING = "MISSING"

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing.MISSING
"""What ``field_path`` returns when the path does not exist (distinct from None = JSON null)."""


def split_path(path: str) -> tuple[str, ...]:
    """The segments of ``a.`b.c`.d``: dots separate, backticks quote a segment that contains dots
    (a doubled backtick inside quotes is a literal one, as in Flink SQL identifiers).
    """
    segments: list[str] = []
    current: list[str] = []
    quoted = False
    i = 0
    while i < len(path):
        char = path[i]
        if quoted:
            if char == "`" and path[i + 1 : i + 2] == "`":
                current.append("`")
                i += 1
            elif char == "`":
                quoted = False
            else:
                current.append(char)
        elif char == "`":
            quoted = True
        elif char == ".":
            segments.append("".join(current))
            current = []
        else:
            current.append(char)
        i += 1
    if quoted:
        raise ValueError(f"unclosed backtick in field path {path!r}")
    segments.append("".join(current))
    return tuple(segments)


def field_path(value: Any, path: str) -> Any:
    """The value at ``path`` inside ``value`` (nested JSON objects), or ``MISSING``.

    Keys that contain dots: quote them with backticks (``headers.`x.y``` ), or leave the path
    unquoted and the lookup tries, at each level, the longest run of remaining segments joined by
    dots that is an exact key first (so ``a.b.c`` finds ``{"a.b": {"c": 1}}`` and ``{"a.b.c": 1}``).
    Only objects are traversed; lists and scalars on the way yield ``MISSING``.
    """
    if "`" in path:
        return _walk_exact(value, split_path(path))
    return _walk_greedy(value, tuple(path.split(".")))


def _walk_exact(value: Any, segments: tuple[str, ...]) -> Any:
    for segment in segments:
        if not isinstance(value, dict) or segment not in value:
            return MISSING
        value = value[segment]
    return value


def _walk_greedy(value: Any, segments: tuple[str, ...]) -> Any:
    if not segments:
        return value
    if not isinstance(value, dict):
        return MISSING
    for end in range(len(segments), 0, -1):
        key = ".".join(segments[:end])
        if key in value:
            found = _walk_greedy(value[key], segments[end:])
            if found is not MISSING:
                return found
    return MISSING
