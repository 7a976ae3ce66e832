"""The compiled fast path: a ``DateTimeFormatter`` pattern turned into one regex and one generated
Python function ``text -> epoch millis | None``.

It only answers when the outcome is certain; None sends the value to the full interpreter (which
also owns the java.sql fallback, the NULLs and every error message). Certainty comes from building
the regex so that it parses exactly like Java's printer-parsers, which never backtrack:

- numbers: possessive ``[0-9]{min,max}+`` (Java reads digits greedily); ``yyyy`` (EXCEEDS_PAD) is
  exactly its minimum width followed by a non-digit, or by exactly the digits reserved for the
  adjacent fixed-width fields (``yyyyMMdd``);
- text (``MMM``, ``MMMM``, ``EEE``, ``a``): an atomic group of the locale's texts in the order Java
  tries them (longest first), case-sensitive;
- optional sections ``[...]``: an atomic optional group (Java keeps a section that parsed and never
  retries without it);
- offsets (``XXX``, ``Z``...): parsed and ignored, as ``LocalDateTime`` does.

Resolution is then plain arithmetic for values that are unambiguous (fields in range, years
1800-2200, day-of-week consistent with the date, h/K with ``a``); SMART's day-of-month clamping
(Feb 30 → Feb 29) is applied, STRICT's (JSON ISO-8601) rejection is left to the interpreter.

Patterns with a fixed-width prefix before the seconds also get a memo (the engine's event-time
ordered streams): the prefix is resolved once (the events of one minute share it), the seconds
and the rest after them (fraction, offset) once per distinct text, and a value is the sum of
three lookups in small tables.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

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

# Slots of the generated function's locals.
_SLOT_NAMES = {
    F.YEAR_OF_ERA: "y",
    F.YEAR: "y",
    F.MONTH_OF_YEAR: "mo",
    F.DAY_OF_MONTH: "d",
    F.HOUR_OF_DAY: "hh",
    F.MINUTE_OF_HOUR: "mi",
    F.SECOND_OF_MINUTE: "ss",
    F.NANO_OF_SECOND: "ns",
    F.DAY_OF_WEEK: "dow",
    F.AMPM_OF_DAY: "ap",
    F.CLOCK_HOUR_OF_AMPM: "h12",
    F.HOUR_OF_AMPM: "k12",
}
_DEFAULTS = {"y": None, "mo": 1, "d": 1, "hh": 0, "mi": 0, "ss": 0, "ns": 0}
# Lookup tables instead of int() for the common widths (a missing key: the full parser).
_D2 = {f"{i:02d}": i for i in range(100)}
_D4 = {f"{i:04d}": i for i in range(_FIRST_YEAR, _LAST_YEAR + 1)}

Fast = Callable[[str], "int | None"]
Slow = Callable[["str | None"], Conversion]


class _Unsupported(Exception):
    """This node or shape is outside the fast path (the full parser handles it)."""


class _Group:
    """One capture group: which slot it fills and the expression that converts its text."""

    __slots__ = ("convert", "optional", "slot")

    def __init__(self, slot: str, convert: str, optional: bool) -> None:
        self.slot = slot
        self.convert = convert
        self.optional = optional


class _Compiler:
    def __init__(self) -> None:
        self.groups: list[_Group] = []
        self.tables: dict[str, object] = {}

    def sequence(self, nodes: list[N.Node], optional: bool) -> str:
        parts = []
        for i, node in enumerate(nodes):
            parts.append(self.node(node, nodes[i + 1 :], optional))
        return "".join(parts)

    def group(self, node: N.Node, convert: str, optional: bool) -> None:
        field = getattr(node, "field", None)
        slot = _SLOT_NAMES.get(field) if isinstance(field, int) else None
        if slot is None or any(g.slot == slot for g in self.groups):
            raise _Unsupported  # a field twice: Java cross-checks, the full parser decides
        self.groups.append(_Group(slot, convert, optional))

    def node(self, node: N.Node, rest: list[N.Node], optional: bool) -> str:
        if isinstance(node, N.CharLiteral):
            return re.escape(node.char)
        if isinstance(node, N.StringLiteral):
            return re.escape(node.literal)
        if isinstance(node, N.Composite):
            inner = self.sequence(node.nodes, optional or node.optional)
            return f"(?>(?:{inner})?)" if node.optional else f"(?:{inner})"
        if isinstance(node, N.Text):
            if node.field not in (F.MONTH_OF_YEAR, F.DAY_OF_WEEK, F.AMPM_OF_DAY):
                raise _Unsupported
            name = f"T{len(self.tables)}"
            self.tables[name] = dict(node.entries)
            self.group(node, f"{name}[{{}}]", optional)
            return "(?>(" + "|".join(re.escape(t) for t, _ in node.entries) + "))"
        if isinstance(node, N.OffsetId):
            return _offset(node)
        if type(node) is N.Fraction:
            return self.fraction(node, optional)
        if type(node) in (N.Number, N.Reduced):
            assert isinstance(node, N.Number)
            return self.number(node, rest, optional)
        raise _Unsupported  # week-based, padded, zones, localized offsets, day periods

    def fraction(self, node: N.Fraction, optional: bool) -> str:
        if node.subsequent > 0:
            raise _Unsupported
        if node.decimal_point:
            if node.min_width != 0:
                raise _Unsupported
            self.group(node, "int({}.ljust(9, '0'))", True)
            return rf"(?>(?:\.([0-9]{{0,{node.max_width}}}+))?)"
        if node.min_width != node.max_width:
            raise _Unsupported
        width = node.min_width
        scale = 10 ** (9 - width)
        self.group(node, f"int({{}}) * {scale}", optional)
        return f"([0-9]{{{width}}})"

    def number(self, node: N.Number, rest: list[N.Node], optional: bool) -> str:
        lo, hi = node.min_width, node.max_width
        if isinstance(node, N.Reduced):
            if not (lo == hi == 2 and node.field in (F.YEAR, F.YEAR_OF_ERA)):
                raise _Unsupported
            self.group(node, "2000 + D2[{}]", optional)
            return "([0-9]{2})"
        convert = "D2[{}]" if hi == 2 else ("D4[{}]" if lo == 4 and hi <= 4 else "int({})")
        if node.sign_style == N.EXCEEDS_PAD:
            # Java fails on more digits than the minimum without '+': exactly ``lo`` digits,
            # then exactly the digits reserved for the adjacent fixed-width values.
            if node.subsequent < 0 or lo != 4 or optional:
                raise _Unsupported
            self.group(node, "D4[{}]", optional)
            return f"([0-9]{{4}})(?=[0-9]{{{max(node.subsequent, 0)}}}(?![0-9]))"
        if lo == hi:
            self.group(node, convert, optional)
            return f"([0-9]{{{lo}}})"
        if node.subsequent > 0:
            raise _Unsupported  # reserving digits for what follows: not a plain greedy read
        self.group(node, "int({})" if hi > 2 else convert, optional)
        return f"([0-9]{{{lo},{hi}}}+)"


def _offset(node: N.OffsetId) -> str:
    if N.OFFSET_PATTERNS[node.type] not in ("+HH:MM", "+HHMM") or node.no_offset not in (
        "Z", "+0000", "+00:00"
    ):  # fmt: skip
        raise _Unsupported
    colon = ":" if node.type == 4 else ""
    return f"(?>{re.escape(node.no_offset)}|[+-](?:[01][0-9]|2[0-3]){colon}[0-5][0-9])"


def compile_fast(
    root: N.Composite, strict: bool = False, stream: bool = False, fallback: Fast | None = None
) -> Fast | None:
    """The fast function for ``root`` (None if its shape is outside the fast path).

    ``strict``: the STRICT resolver (a day past the month's end is left to the full parser).
    ``stream``: values come in event-time order (the engine), so memoise the prefix before the
    seconds; it costs ~20 % on unordered samples (check-pattern), where it is off.
    ``fallback``: called (in the generated code, one call less) for the values the fast path is
    not certain of, instead of returning None."""
    c = _Compiler()
    try:
        regex = c.sequence(root.nodes, False)
    except _Unsupported:
        return None
    if _unsupported_shape(c.groups):
        return None
    source = _source(c.groups, strict)
    namespace: dict[str, Any] = {
        "match": re.compile(regex).fullmatch,
        "D2": _D2,
        "D4": _D4,
        "MS": _MONTH_START,
        "ML": _MONTH_LEN,
        **c.tables,
    }
    exec(compile(source, "<flinkdoctor-fastpath>", "exec"), namespace)
    fast: Fast = namespace["fast"]
    memo = _prefix_memo(root, fast, fallback) if stream else None
    if memo is not None:
        return memo
    if fallback is None:
        return fast
    namespace["fallback"] = fallback
    fb_source = source.replace("return None", "return fallback(value)").replace(
        "def fast", "def fb"
    )
    exec(compile(fb_source, "<flinkdoctor-fastpath>", "exec"), namespace)
    with_fallback: Fast = namespace["fb"]
    return with_fallback


def _unsupported_shape(groups: list[_Group]) -> bool:
    """Field combinations whose resolution the fast path leaves to the interpreter."""
    slots = {g.slot: g for g in groups}
    year = slots.get("y")
    if year is None or year.optional:
        return True
    if ("h12" in slots or "k12" in slots) and not (
        "ap" in slots and "hh" not in slots and not ({"h12", "k12"} <= set(slots))
    ):
        return True  # h/K need 'a'; H with 'a' is cross-checked by Java
    if "ap" in slots and "h12" not in slots and "k12" not in slots:
        return True
    if "dow" in slots and not all(s in slots and not slots[s].optional for s in ("mo", "d")):
        return True  # day-of-week is cross-checked only against a complete date
    return any(g.optional for g in groups if g.slot in ("dow", "ap", "h12", "k12"))


def compile_fast_nanos(
    root: N.Composite, strict: bool = False
) -> Callable[[str], tuple[int, int] | None] | None:
    """``compile_fast`` returning (millis, nano-of-milli), for conversions that keep nanos
    (flink-json's TIMESTAMP(3) values print them)."""
    c = _Compiler()
    try:
        regex = c.sequence(root.nodes, False)
    except _Unsupported:
        return None
    if _unsupported_shape(c.groups):
        return None
    namespace: dict[str, Any] = {
        "match": re.compile(regex).fullmatch,
        "D2": _D2,
        "D4": _D4,
        "MS": _MONTH_START,
        "ML": _MONTH_LEN,
        **c.tables,
    }
    exec(
        compile(_source(c.groups, strict, nanos=True), "<flinkdoctor-fastpath>", "exec"), namespace
    )
    fast: Callable[[str], tuple[int, int] | None] = namespace["fast"]
    return fast


def _source(groups: list[_Group], strict: bool, nanos: bool = False) -> str:
    """The generated ``fast(value)``: match, convert the groups, check ranges, add up (with
    ``nanos``: a (millis, nano-of-milli) pair)."""
    lines = [
        "def fast(value):",
        "    m = match(value)",
        "    if m is None:",
        "        return None",
        "    g = m.groups()",
        "    try:",
    ]
    slots = set()
    for i, grp in enumerate(groups):
        slots.add(grp.slot)
        expr = grp.convert.format(f"g[{i}]")
        if grp.optional:
            default = _DEFAULTS[grp.slot]
            lines.append(f"        {grp.slot} = {default} if g[{i}] is None else {expr}")
        else:
            lines.append(f"        {grp.slot} = {expr}")
    lines += ["    except KeyError:", "        return None"]
    for slot, default in _DEFAULTS.items():
        if slot not in slots:
            lines.append(f"    {slot} = {default}")
    checks = [f"{_FIRST_YEAR} <= y <= {_LAST_YEAR}", "1 <= mo <= 12", "1 <= d <= 31"]
    checks += ["hh <= 23", "mi <= 59", "ss <= 59", "ns <= 999999999"]
    if "h12" in slots:
        checks.append("1 <= h12 <= 12")
    if "k12" in slots:
        checks.append("k12 <= 11")
    lines += [f"    if not ({' and '.join(checks)}):", "        return None"]
    if "h12" in slots:
        lines.append("    hh = h12 % 12 + 12 * ap")
    if "k12" in slots:
        lines.append("    hh = k12 + 12 * ap")
    lines += [f"    idx = (y - {_FIRST_YEAR}) * 12 + mo - 1", "    if d > ML[idx]:"]
    lines.append("        return None" if strict or "dow" in slots else "        d = ML[idx]")
    lines.append("    day = MS[idx] + d - 1")
    if "dow" in slots:
        lines += ["    if (day + 3) % 7 + 1 != dow:", "        return None"]
    millis = f"day * {MILLIS_PER_DAY} + ((hh * 60 + mi) * 60 + ss) * 1000 + ns // 1000000"
    lines.append(f"    return ({millis}, ns % 1000000)" if nanos else f"    return {millis}")
    return "\n".join(lines) + "\n"


def _fixed_width(node: N.Node) -> int | None:
    if isinstance(node, N.CharLiteral):
        return 1
    if isinstance(node, N.StringLiteral):
        return len(node.literal)
    if type(node) in (N.Number, N.Reduced) and isinstance(node, N.Number):
        if node.min_width == node.max_width:
            return node.min_width
        if node.sign_style == N.EXCEEDS_PAD and node.min_width == 4:
            return 4  # the fast regex takes exactly 4 digits
    return None


def _separable(node: N.Node) -> bool:
    """A node whose text and value do not depend on the prefix before it: literals, offsets
    (parsed and ignored), the seconds, a fraction, and optional sections of these."""
    if isinstance(node, N.CharLiteral | N.StringLiteral | N.OffsetId):
        return True
    if type(node) is N.Number:
        return node.field == F.SECOND_OF_MINUTE and node.sign_style != N.EXCEEDS_PAD
    if type(node) is N.Fraction:
        return True
    if isinstance(node, N.Composite):
        return all(_separable(n) for n in node.nodes)
    return False


def _tail_function(nodes: list[N.Node]) -> Fast | None:
    """``tail text -> seconds * 1000 + millis`` for separable ``nodes`` (None: not certain)."""
    c = _Compiler()
    try:
        regex = c.sequence(nodes, False)
    except _Unsupported:
        return None
    if not c.groups or any(g.slot not in ("ss", "ns") for g in c.groups):
        return None
    lines = [
        "def tail(text):",
        "    m = match(text)",
        "    if m is None:",
        "        return None",
        "    g = m.groups()",
        "    try:",
    ]
    for i, grp in enumerate(c.groups):
        expr = grp.convert.format(f"g[{i}]")
        if grp.optional:
            lines.append(f"        {grp.slot} = 0 if g[{i}] is None else {expr}")
        else:
            lines.append(f"        {grp.slot} = {expr}")
    lines += ["    except KeyError:", "        return None"]
    slots = {g.slot for g in c.groups}
    lines += [f"    {slot} = 0" for slot in ("ss", "ns") if slot not in slots]
    lines += [
        "    if ss > 59 or ns > 999999999:",
        "        return None",
        "    return ss * 1000 + ns // 1000000",
    ]
    namespace: dict[str, Any] = {"match": re.compile(regex).fullmatch, "D2": _D2, **c.tables}
    exec(compile("\n".join(lines) + "\n", "<flinkdoctor-fastpath-tail>", "exec"), namespace)
    tail: Fast = namespace["tail"]
    return tail


_MEMO_CAP = 1 << 16


def _seconds_cut(tail: list[N.Node]) -> int:
    """How many tail nodes form its fixed-width head up to and including the seconds (0 if
    there is none): the tail is memoised in two parts, so each part's table stays small (60
    seconds; a thousand fractions) and in cache, where one table of whole tails would not."""
    for i, node in enumerate(tail):
        if _fixed_width(node) is None:
            return 0
        if type(node) is N.Number and node.field == F.SECOND_OF_MINUTE:
            return i + 1 if i + 1 < len(tail) else 0
    return 0


def _prefix_memo(root: N.Composite, fast: Fast, fallback: Fast | None) -> Fast | None:
    """Memoise the fixed-width prefix before the seconds, and the tail after it (see the module
    docstring).

    The tail (seconds, fraction, literals, offsets, optional sections of these) adds
    ``seconds * 1000 + millis`` to what the prefix resolves to, and its text is valid or not
    whatever the prefix: so a value whose prefix was accepted before (as part of a whole value)
    and whose tail was accepted before is accepted, with the sum of the two. The prefix must be
    fixed-width (its end is a fixed offset) and read nothing past it (``yyyy``'s look-ahead).
    The same holds between the tail's fixed-width head up to the seconds and the rest."""
    nodes = root.nodes
    split = len(nodes)
    while split > 0 and _separable(nodes[split - 1]):
        split -= 1
    if split == 0 or split == len(nodes):
        return None
    widths = [_fixed_width(n) for n in nodes[:split]]
    if any(w is None for w in widths):
        return None
    width = sum(w for w in widths if w is not None)
    start = 0
    for node, w in zip(nodes[:split], widths, strict=True):
        reach = start + 4 + max(getattr(node, "subsequent", 0), 0)
        if getattr(node, "sign_style", None) == N.EXCEEDS_PAD and reach >= width:
            return None  # its look-ahead reaches into the tail
        start += w or 0
    tail_nodes = list(nodes[split:])
    cut = _seconds_cut(tail_nodes)
    head = _tail_function(tail_nodes[:cut]) if cut else None
    rest = _tail_function(tail_nodes[cut:])
    if rest is None or (cut and head is None):
        return None
    mid = width + sum(_fixed_width(n) or 0 for n in tail_nodes[:cut])
    miss = "None" if fallback is None else "fallback(value)"
    lines = ["def memoised(value):", f"    base = memo.get(value[:{width}])"]
    parts = [("rests", "rest", f"value[{mid}:]")]
    if cut:
        parts.insert(0, ("heads", "head", f"value[{width}:{mid}]"))
    names = [f"a_{fn}" for _, fn, _ in parts]
    for name, (table, _, text) in zip(names, parts, strict=True):
        lines.append(f"    {name} = {table}.get({text})")
    lines += [
        f"    if base is not None and {' and '.join(f'{n} is not None' for n in names)}:",
        f"        return base + {' + '.join(names)}",
    ]
    for name, (table, fn, text) in zip(names, parts, strict=True):
        lines += [
            f"    if {name} is None:",
            f"        {name} = {fn}({text})",
            f"        if {name} is None:",
            f"            return {miss}",
            f"        if len({table}) >= {_MEMO_CAP}:",
            f"            {table}.clear()",
            f"        {table}[{text}] = {name}",
        ]
    added = " + ".join(names)
    lines += [
        "    if base is None:",
        "        millis = fast(value)",
        "        if millis is None:",
        f"            return {miss}",
        f"        if len(memo) >= {_MEMO_CAP}:",
        "            memo.clear()  # bounded: event time moves on, old minutes do not return",
        f"        memo[value[:{width}]] = millis - ({added})",
        "        return millis",
        f"    return base + {added}",
        "",
        f"memoised.memo_parts = (memo, {width}, {mid if cut else None}, heads, rests)",
    ]
    namespace: dict[str, Any] = {"memo": {}, "heads": {}, "rests": {}, "fast": fast}
    namespace.update(head=head, rest=rest, fallback=fallback)
    exec(compile("\n".join(lines) + "\n", "<flinkdoctor-fastpath-memo>", "exec"), namespace)
    memoised: Fast = namespace["memoised"]
    return memoised


MemoParts = tuple[dict[str, int], int, "int | None", dict[str, int], dict[str, int]]


def memo_parts(fn: Fast) -> MemoParts | None:
    """``(prefix memo, prefix width, end of the tail's head or None, head memo, rest memo)`` of
    a memoised conversion, for loops that inline its lookups (a miss still calls ``fn``, which
    fills them); None otherwise."""
    parts: MemoParts | None = getattr(fn, "memo_parts", None)
    return parts


def convert_many(fast: Fast, values: Iterable[str | None], slow: Slow) -> list[Conversion]:
    """``fast`` where certain, ``slow`` (the full TO_TIMESTAMP) for the rest, in order."""
    out: list[Conversion] = []
    append = out.append
    new = tuple.__new__
    ok = Status.OK
    for value in values:
        millis = fast(value) if value is not None else None
        if millis is None:
            append(slow(value))
        else:
            append(new(Conversion, (ok, millis, None, None, 0)))
    return out


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
