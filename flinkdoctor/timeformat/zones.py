"""``ZoneIdPrinterParser`` (``VV``) and ``ZoneTextPrinterParser`` (``z``, ``v``): offsets,
UTC/GMT/UT prefixes, then region IDs (or, for z/v, IDs and English zone names).

Names are matched with the same compressed prefix tree Java builds, including its quirk: once
the text enters a branch, a failed match deeper down does not fall back to a shorter ID. The zone
is parsed only for where it ends: Flink ignores it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from flinkdoctor.timeformat import fields as F
from flinkdoctor.timeformat.nodes import Context, Node, OffsetId
from flinkdoctor.timeformat.zoneids import ZONE_IDS
from flinkdoctor.timeformat.zonenames import FULL_NAMES, SHORT_NAMES

_MAX_OFFSET = 18 * 3600
_ID_Z = OffsetId("+HH:MM:ss", "Z")
_ID_ZERO = OffsetId("+HH:MM:ss", "0")


@dataclass(eq=False)
class _Tree:
    key: str
    value: str | None = None
    children: dict[str, _Tree] = field(default_factory=dict)

    def match(self, text: str, off: int) -> tuple[str | None, int] | None:
        """``PrefixTree.match``: None if this key does not match, else (value, end)."""
        if not text.startswith(self.key, off):
            return None
        off += len(self.key)
        if self.children and off != len(text):
            child = self.children.get(text[off])
            if child is not None:
                found = child.match(text, off)
                if found is not None and found[0] is not None:
                    return found
        return self.value, off


def _build(key: str, suffixes: list[str], full: dict[str, str]) -> _Tree:
    """The compressed trie node for ``key`` over the remaining ``suffixes`` (full ID by suffix)."""
    node = _Tree(key)
    groups: dict[str, list[str]] = {}
    for s in suffixes:
        if s == "":
            node.value = full[s]
        else:
            groups.setdefault(s[0], []).append(s)
    for first, group in groups.items():
        prefix = group[0]
        for s in group[1:]:
            n = 0
            while n < min(len(prefix), len(s)) and prefix[n] == s[n]:
                n += 1
            prefix = prefix[:n]
        rest = {s[len(prefix) :]: full[s] for s in group}
        node.children[first] = _build(prefix, list(rest), rest)
    return node


_KEYS = {"ID": ZONE_IDS, "SHORT": SHORT_NAMES, "FULL": FULL_NAMES}


@cache
def _tree(kind: str) -> _Tree:
    keys = _KEYS[kind]
    return _build("", sorted(keys), {k: k for k in keys})


class ZoneIdParser(Node):
    """Parses a zone ID or name (``kind``: ID, SHORT or FULL names); Flink ignores the zone."""

    __slots__ = ("kind",)

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def parse(self, ctx: Context, text: str, pos: int) -> int:
        length = len(text)
        if pos == length:
            return ~pos
        first = text[pos]
        if first in "+-":
            return _offset_based(ctx, text, pos, pos, _ID_Z)
        if length >= pos + 2:
            second = text[pos + 1]
            if ctx.char_equals(first, "U") and ctx.char_equals(second, "T"):
                if length >= pos + 3 and ctx.char_equals(text[pos + 2], "C"):
                    if length == pos + 3 or text[pos + 3] in "+-":
                        return _offset_based(ctx, text, pos, pos + 3, _ID_ZERO)
                else:
                    return _offset_based(ctx, text, pos, pos + 2, _ID_ZERO)
            elif (
                ctx.char_equals(first, "G")
                and length >= pos + 3
                and ctx.char_equals(second, "M")
                and ctx.char_equals(text[pos + 2], "T")
            ):
                if length >= pos + 4 and ctx.char_equals(text[pos + 3], "0"):
                    return pos + 4
                return _offset_based(ctx, text, pos, pos + 3, _ID_ZERO)
        found = _tree(self.kind).match(text, pos)
        if found is None or found[0] is None:
            return pos + 1 if ctx.char_equals(first, "Z") else ~pos
        return found[1]

    def expects(self) -> str:
        if self.kind == "ID":
            return "a time-zone ID like 'Europe/Paris', 'UTC' or '+01:00'"
        example = "'Central European Time'" if self.kind == "FULL" else "'CET' or 'PST'"
        return f"a time-zone name like {example} (case-sensitive)"


def _offset_based(ctx: Context, text: str, prefix_pos: int, pos: int, parser: OffsetId) -> int:
    if pos >= len(text) or text[pos] == "0" or ctx.char_equals(text[pos], "Z"):
        return pos  # the bare prefix (UTC, GMT, UT) is the zone
    scratch = Context(ctx.case_sensitive)
    end = parser.parse(scratch, text, pos)
    if end < 0:
        return ~prefix_pos if parser is _ID_Z else pos
    if abs(scratch.fields[F.OFFSET_SECONDS]) > _MAX_OFFSET:
        return ~prefix_pos
    return end
