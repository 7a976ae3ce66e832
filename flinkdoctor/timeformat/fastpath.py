"""A regex fast path for the common fixed-shape patterns (``yyyy-MM-dd'T'HH:mm:ss.SSS'Z'``).

It only answers when the outcome is certain: the text has exactly the shape the pattern's parsers
would consume and every field is in range, so the result is a plain date-time (day-of-month
clamped as SMART does). Anything else returns None and goes through the full parser.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from flinkdoctor.timeformat import fields as F
from flinkdoctor.timeformat import nodes as N
from flinkdoctor.timeformat.calendar import MILLIS_PER_DAY, days_from_civil, month_length
from flinkdoctor.timeformat.model import Conversion, Status

_FIRST_YEAR = 1800
_LAST_YEAR = 2200
# Epoch day of the first of each month, for years _FIRST_YEAR.._LAST_YEAR (index: year*12+month).
_MONTH_START = [
    days_from_civil(y, m, 1) for y in range(_FIRST_YEAR, _LAST_YEAR + 1) for m in range(1, 13)
]
_MONTH_LEN = [month_length(y, m) for y in range(_FIRST_YEAR, _LAST_YEAR + 1) for m in range(1, 13)]
_SLOTS = {
    F.YEAR_OF_ERA: 0,
    F.YEAR: 0,
    F.MONTH_OF_YEAR: 1,
    F.DAY_OF_MONTH: 2,
    F.HOUR_OF_DAY: 3,
    F.MINUTE_OF_HOUR: 4,
    F.SECOND_OF_MINUTE: 5,
    F.NANO_OF_SECOND: 6,
}

Slow = Callable[["str | None"], Conversion]
# Converts many values: the fast path where certain, ``slow`` (the full TO_TIMESTAMP) elsewhere.
FastParser = Callable[[Iterable["str | None"], Slow], list[Conversion]]


def _node_regex(node: N.Node, next_node: N.Node | None) -> tuple[str, int | None] | None:
    """The regex for one node and the slot its group fills, or None if not fast-path safe."""
    if isinstance(node, N.CharLiteral | N.StringLiteral):
        text = node.char if isinstance(node, N.CharLiteral) else node.literal
        return re.escape(text), None
    if isinstance(node, N.OffsetId):
        if N.OFFSET_PATTERNS[node.type] not in ("+HH:MM", "+HHMM") or node.no_offset not in (
            "Z", "+0000", "+00:00"
        ):  # fmt: skip
            return None
        colon = ":" if node.type == 4 else ""
        return f"(?:{re.escape(node.no_offset)}|[+-](?:[01][0-9]|2[0-3]){colon}[0-5][0-9])", None
    if type(node) not in (N.Number, N.Fraction):
        return None  # text, week-based, reduced (yy), padded, optional: the full parser
    assert isinstance(node, N.Number)
    slot = _SLOTS.get(node.field)
    if slot is None:
        return None
    if isinstance(next_node, N.Number) and not (
        next_node.min_width == next_node.max_width and next_node.sign_style == N.NOT_NEGATIVE
    ):
        return None  # a variable-width number after this one: widths are not fixed
    if isinstance(node, N.Fraction):
        if node.decimal_point or node.min_width != node.max_width:
            return None
        return f"([0-9]{{{node.min_width}}})", slot
    if slot == 0:
        if node.min_width != 4 or node.sign_style != N.EXCEEDS_PAD:
            return None
        return "([0-9]{4})", slot
    if node.min_width == node.max_width == 2:
        return "([0-9]{2})", slot
    if node.min_width == 1 and node.max_width == 19 and not isinstance(next_node, N.Number):
        return "([0-9]{1,18})", slot
    return None


def _starts_with_digit(node: N.Node) -> bool:
    if isinstance(node, N.CharLiteral):
        return node.char.isdigit()
    if isinstance(node, N.StringLiteral):
        return node.literal[0].isdigit()
    return False


def compile_fast(root: N.Composite) -> FastParser | None:
    """A fast parser for ``root`` if its shape allows one (each date-time field at most once)."""
    parts: list[str] = []
    slots: list[int] = []
    nodes = root.nodes
    for i, node in enumerate(nodes):
        next_node = nodes[i + 1] if i + 1 < len(nodes) else None
        if (
            next_node is not None
            and _starts_with_digit(next_node)
            and not isinstance(node, N.CharLiteral | N.StringLiteral)
        ):
            return None
        piece = _node_regex(node, next_node)
        if piece is None:
            return None
        regex, slot = piece
        parts.append(regex)
        if slot is not None:
            if slot in slots:
                return None
            slots.append(slot)
    if 0 not in slots:
        return None
    matcher = re.compile("".join(parts)).fullmatch
    order = tuple(slots)
    frac_scale = {
        s: 10 ** (9 - node.min_width)
        for s, node in zip(order, [n for n in nodes if isinstance(n, N.Number)], strict=True)
        if s == 6
    }
    return _make(matcher, order, frac_scale.get(6, 0))


def _keys(low: int, high: int, offset: int = 0) -> dict[str, int]:
    """'07' and '7' → 7 + offset, for low..high: a missing key means out of range (slow path)."""
    table = {f"{i:02d}": i + offset for i in range(low, high + 1)}
    table.update({str(i): i + offset for i in range(low, min(high, 9) + 1)})
    return table


_MONTH0 = _keys(1, 12, -1)
_DAY = _keys(1, 31)
_HOUR = _keys(0, 23)
_MINUTE = _keys(0, 59)
_YEAR_INDEX = {f"{y:04d}": (y - _FIRST_YEAR) * 12 for y in range(_FIRST_YEAR, _LAST_YEAR + 1)}
_MILLIS3 = {f"{i:03d}": i for i in range(1000)}


def _make(
    matcher: Callable[[str], re.Match[str] | None], order: tuple[int, ...], frac_scale: int
) -> FastParser:
    if order in ((0, 1, 2, 3, 4, 5, 6), (0, 1, 2, 3, 4, 5)):
        return _make_ordered(matcher, frac_scale)
    first = _FIRST_YEAR
    last = _LAST_YEAR
    month_start = _MONTH_START
    month_len = _MONTH_LEN

    def parse(value: str) -> int | None:
        m = matcher(value)
        if m is None:
            return None
        vals = [1970, 1, 1, 0, 0, 0, 0]
        for slot, text in zip(order, m.groups(), strict=True):
            vals[slot] = int(text)
        y, mo, d, h, mi, s, nano = vals
        if not (first <= y <= last and 1 <= mo <= 12 and 1 <= d <= 31):
            return None
        if h > 23 or mi > 59 or s > 59:
            return None
        idx = (y - first) * 12 + mo - 1
        dl = month_len[idx]
        if d > dl:
            d = dl
        return (
            (month_start[idx] + d - 1) * MILLIS_PER_DAY
            + ((h * 60 + mi) * 60 + s) * 1000
            + nano * frac_scale // 1_000_000
        )

    def many(values: Iterable[str | None], slow: Slow) -> list[Conversion]:
        out: list[Conversion] = []
        for value in values:
            millis = parse(value) if value is not None else None
            out.append(slow(value) if millis is None else Conversion(Status.OK, millis))
        return out

    return many


def _make_ordered(matcher: Callable[[str], re.Match[str] | None], frac_scale: int) -> FastParser:
    """The hot case, y M d H m s [S] in order: one loop, table lookups instead of int(), and a
    missing table key (out-of-range field) sends the value to the full parser."""
    years = _YEAR_INDEX
    month0 = _MONTH0
    days = _DAY
    hours = _HOUR
    minutes = _MINUTE
    millis3 = _MILLIS3
    month_start = _MONTH_START
    month_len = _MONTH_LEN
    exact_millis = frac_scale == 1_000_000

    def many(values: Iterable[str | None], slow: Slow) -> list[Conversion]:
        out: list[Conversion] = []
        append = out.append
        new = tuple.__new__
        ok = Status.OK
        for value in values:
            m = matcher(value) if value is not None else None
            if m is None:
                append(slow(value))
                continue
            g = m.groups()
            try:
                idx = years[g[0]] + month0[g[1]]
                d = days[g[2]]
                secs = (hours[g[3]] * 60 + minutes[g[4]]) * 60 + minutes[g[5]]
                if not frac_scale:
                    ms = 0
                elif exact_millis:
                    ms = millis3[g[6]]
                else:
                    ms = int(g[6]) * frac_scale // 1_000_000
            except KeyError:
                append(slow(value))
                continue
            dl = month_len[idx]
            if d > dl:
                d = dl
            millis = (month_start[idx] + d - 1) * 86_400_000 + secs * 1000 + ms
            append(new(Conversion, (ok, millis, None, None, 0)))
        return out

    return many


_DEFAULT_SHAPE = re.compile(
    r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"
    r"(?: ([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:\.([0-9]{0,9}))?)?"
).fullmatch


def parse_default(value: str, precision: int) -> tuple[int, int] | None:
    """``DEFAULT_TIMESTAMP_FORMATTER`` on plain in-range values: (millis, nano-of-milli) or None."""
    m = _DEFAULT_SHAPE(value)
    if m is None:
        return None
    y, mo, d = int(m[1]), int(m[2]), int(m[3])
    if not (_FIRST_YEAR <= y <= _LAST_YEAR and 1 <= mo <= 12 and 1 <= d <= 31):
        return None
    h = mi = s = nanos = 0
    if m[4] is not None:
        h, mi, s = int(m[4]), int(m[5]), int(m[6])
        if h > 23 or mi > 59 or s > 59:
            return None
        if m[7]:
            nanos = int(m[7].ljust(9, "0"))
            unit = 10 ** (9 - precision)
            nanos = nanos // unit * unit
    idx = (y - _FIRST_YEAR) * 12 + mo - 1
    d = min(d, _MONTH_LEN[idx])
    day = _MONTH_START[idx] + d - 1
    millis = day * MILLIS_PER_DAY + ((h * 60 + mi) * 60 + s) * 1000 + nanos // 1_000_000
    return millis, nanos % 1_000_000
