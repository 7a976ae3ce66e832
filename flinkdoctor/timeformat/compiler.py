"""``DateTimeFormatter.ofPattern``: pattern letters → printer-parsers, with Java's exact errors.

Mirrors ``DateTimeFormatterBuilder.parsePattern``/``parseField`` and the builder state that makes
adjacent value parsing work (``yyyyMMddHHmmss``): the last variable-width number of a section
reserves room for the fixed-width numbers that follow it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flinkdoctor.timeformat import fields as F
from flinkdoctor.timeformat import nodes as N
from flinkdoctor.timeformat.dayperiod import DayPeriodParser
from flinkdoctor.timeformat.errors import PatternError
from flinkdoctor.timeformat.texts import FULL, NARROW, SHORT
from flinkdoctor.timeformat.zones import ZoneIdParser

_FIELD_LETTERS: dict[str, int] = {
    "G": F.ERA,
    "y": F.YEAR_OF_ERA,
    "u": F.YEAR,
    "Q": F.QUARTER_OF_YEAR,
    "q": F.QUARTER_OF_YEAR,
    "M": F.MONTH_OF_YEAR,
    "L": F.MONTH_OF_YEAR,
    "D": F.DAY_OF_YEAR,
    "d": F.DAY_OF_MONTH,
    "F": F.ALIGNED_DAY_OF_WEEK_IN_MONTH,
    "E": F.DAY_OF_WEEK,
    "c": F.DAY_OF_WEEK,
    "e": F.DAY_OF_WEEK,
    "a": F.AMPM_OF_DAY,
    "H": F.HOUR_OF_DAY,
    "k": F.CLOCK_HOUR_OF_DAY,
    "K": F.HOUR_OF_AMPM,
    "h": F.CLOCK_HOUR_OF_AMPM,
    "m": F.MINUTE_OF_HOUR,
    "s": F.SECOND_OF_MINUTE,
    "S": F.NANO_OF_SECOND,
    "A": F.MILLI_OF_DAY,
    "n": F.NANO_OF_SECOND,
    "N": F.NANO_OF_DAY,
    "g": F.MODIFIED_JULIAN_DAY,
}


@dataclass(eq=False)
class _Section:
    """One builder level (the whole pattern, or an optional ``[...]`` section)."""

    parent: _Section | None
    optional: bool
    nodes: list[N.Node] = field(default_factory=list)
    value_index: int = -1
    pad_width: int = 0


@dataclass(frozen=True, slots=True)
class CompiledPattern:
    """A compiled pattern: its root printer-parser (what ``ofPattern`` builds)."""

    pattern: str
    root: N.Composite


class _Builder:
    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.active = _Section(None, False)
        self.at = 0

    def fail(self, message: str) -> PatternError:
        return PatternError(
            f"invalid pattern {self.pattern!r} at index {self.at}: {message}", self.pattern, self.at
        )

    def append_internal(self, node: N.Node) -> int:
        sec = self.active
        if sec.pad_width > 0:
            node = N.Pad(node, sec.pad_width)
            sec.pad_width = 0
        sec.nodes.append(node)
        sec.value_index = -1
        return len(sec.nodes) - 1

    def append_value(self, pp: N.Number) -> None:
        sec = self.active
        if sec.value_index >= 0:
            active_index = sec.value_index
            base = sec.nodes[active_index]
            if not isinstance(base, N.Number):
                raise self.fail("ClassCastException (padded value followed by a value)")
            if pp.min_width == pp.max_width and pp.sign_style == N.NOT_NEGATIVE:
                base = base.with_subsequent_width(pp.max_width)
                self.append_internal(pp.with_fixed_width())
                sec.value_index = active_index
            else:
                base = base.with_fixed_width()
                sec.value_index = self.append_internal(pp)
            sec.nodes[active_index] = base
        else:
            sec.value_index = self.append_internal(pp)

    def value(self, fld: int, min_w: int = 1, max_w: int = 19, sign: int = N.NORMAL) -> None:
        if not 1 <= min_w <= 19:
            raise self.fail(f"The minimum width must be from 1 to 19 inclusive but was {min_w}")
        if not 1 <= max_w <= 19:
            raise self.fail(f"The maximum width must be from 1 to 19 inclusive but was {max_w}")
        if max_w < min_w:
            raise self.fail("The maximum width must exceed or equal the minimum width")
        self.append_value(N.Number(fld, min_w, max_w, sign))

    def fixed(self, fld: int, width: int) -> None:
        if not 1 <= width <= 19:
            raise self.fail(f"The width must be from 1 to 19 inclusive but was {width}")
        self.append_value(N.Number(fld, width, width, N.NOT_NEGATIVE))

    def fraction(self, min_w: int, max_w: int, decimal_point: bool) -> None:
        if not 0 <= min_w <= 9:
            raise self.fail(f"Minimum width must be from 0 to 9 inclusive but was {min_w}")
        if not 1 <= max_w <= 9:
            raise self.fail(f"Maximum width must be from 1 to 9 inclusive but was {max_w}")
        pp = N.Fraction(min_w, max_w, decimal_point)
        if min_w == max_w and not decimal_point:
            self.append_value(pp)
        else:
            self.append_internal(pp)

    def text(self, fld: int, style: str) -> None:
        self.append_internal(N.Text(fld, style))

    def literal(self, text: str) -> None:
        self.append_internal(N.CharLiteral(text) if len(text) == 1 else N.StringLiteral(text))

    def optional_start(self) -> None:
        self.active.value_index = -1
        self.active = _Section(self.active, True)

    def optional_end(self) -> None:
        sec = self.active
        assert sec.parent is not None
        self.active = sec.parent
        if sec.nodes:
            self.append_internal(N.Composite(sec.nodes, sec.optional))

    def finish(self) -> N.Composite:
        while self.active.parent is not None:
            self.optional_end()
        return N.Composite(self.active.nodes, False)

    # -- letters ------------------------------------------------------------------------------

    def letters(self, cur: str, count: int) -> None:
        fld = _FIELD_LETTERS.get(cur)
        if fld is not None:
            self.parse_field(cur, count, fld)
        elif cur == "z":
            if count > 4:
                raise self.fail(f"Too many pattern letters: {cur}")
            self.append_internal(ZoneIdParser("FULL" if count == 4 else "SHORT"))
        elif cur == "V":
            if count != 2:
                raise self.fail(f"Pattern letter count must be 2: {cur}")
            self.append_internal(ZoneIdParser("ID"))
        elif cur == "v":
            if count not in (1, 4):
                raise self.fail(f"Wrong number of  pattern letters: {cur}")
            self.append_internal(ZoneIdParser("FULL" if count == 4 else "SHORT"))
        elif cur == "Z":
            if count < 4:
                self.append_internal(N.OffsetId("+HHMM", "+0000"))
            elif count == 4:
                self.append_internal(N.LocalizedOffset(True))
            elif count == 5:
                self.append_internal(N.OffsetId("+HH:MM:ss", "Z"))
            else:
                raise self.fail(f"Too many pattern letters: {cur}")
        elif cur == "O":
            if count not in (1, 4):
                raise self.fail(f"Pattern letter count must be 1 or 4: {cur}")
            self.append_internal(N.LocalizedOffset(count == 4))
        elif cur in "Xx":
            if count > 5:
                raise self.fail(f"Too many pattern letters: {cur}")
            pattern = N.OFFSET_PATTERNS[count + (0 if count == 1 else 1)]
            if cur == "X":
                zero = "Z"
            else:
                zero = "+00" if count == 1 else ("+0000" if count % 2 == 0 else "+00:00")
            self.append_internal(N.OffsetId(pattern, zero))
        elif cur == "W":
            if count > 1:
                raise self.fail(f"Too many pattern letters: {cur}")
            self.append_value(N.WeekBased(cur, count, count, count))
        elif cur == "w":
            if count > 2:
                raise self.fail(f"Too many pattern letters: {cur}")
            self.append_value(N.WeekBased(cur, count, count, 2))
        elif cur == "Y":
            self.append_value(N.WeekBased(cur, count, count, 2 if count == 2 else 19))
        elif cur == "B":
            if count not in (1, 4, 5):
                raise self.fail(f"Wrong number of pattern letters: {cur}")
            self.append_internal(DayPeriodParser({1: SHORT, 4: FULL, 5: NARROW}[count]))
        else:
            raise self.fail(f"Unknown pattern letter: {cur}")

    def parse_field(self, cur: str, count: int, fld: int) -> None:
        if cur in "uy":
            if count == 2:
                self.append_value(N.Reduced(fld, 2, 2, N.NOT_NEGATIVE))
            elif count < 4:
                self.value(fld, count, 19, N.NORMAL)
            else:
                self.value(fld, count, 19, N.EXCEEDS_PAD)
            return
        if cur in "cLqMQEe":
            if cur == "c":
                if count == 1:
                    self.append_value(N.WeekBased(cur, count, count, count))
                    return
                if count == 2:
                    raise self.fail('Invalid pattern "cc"')
            if count in (1, 2):
                if cur == "e":
                    self.append_value(N.WeekBased(cur, count, count, count))
                elif cur == "E":
                    self.text(fld, SHORT)
                elif count == 1:
                    self.value(fld)
                else:
                    self.fixed(fld, 2)
            elif count in (3, 4, 5):
                self.text(fld, {3: SHORT, 4: FULL, 5: NARROW}[count])
            else:
                raise self.fail(f"Too many pattern letters: {cur}")
            return
        if cur == "a":
            if count != 1:
                raise self.fail(f"Too many pattern letters: {cur}")
            self.text(fld, SHORT)
        elif cur == "G":
            if count > 5:
                raise self.fail(f"Too many pattern letters: {cur}")
            self.text(fld, SHORT if count <= 3 else (FULL if count == 4 else NARROW))
        elif cur == "S":
            self.fraction(count, count, False)
        elif cur == "F":
            if count != 1:
                raise self.fail(f"Too many pattern letters: {cur}")
            self.value(fld)
        elif cur in "dhHkKms":
            if count == 1:
                self.value(fld)
            elif count == 2:
                self.fixed(fld, 2)
            else:
                raise self.fail(f"Too many pattern letters: {cur}")
        elif cur == "D":
            if count == 1:
                self.value(fld)
            elif count in (2, 3):
                self.value(fld, count, 3, N.NOT_NEGATIVE)
            else:
                raise self.fail(f"Too many pattern letters: {cur}")
        elif cur == "g":
            self.value(fld, count, 19, N.NORMAL)
        else:  # A n N
            self.value(fld, count, 19, N.NOT_NEGATIVE)


def _is_letter(ch: str) -> bool:
    return "A" <= ch <= "Z" or "a" <= ch <= "z"


def build(pattern: str, builder: _Builder | None = None) -> _Builder:
    """Run ``parsePattern`` over ``pattern`` into ``builder`` (a new one by default)."""
    b = builder if builder is not None else _Builder(pattern)
    n = len(pattern)
    pos = 0
    while pos < n:
        cur = pattern[pos]
        b.at = pos
        if _is_letter(cur):
            start = pos
            pos += 1
            while pos < n and pattern[pos] == cur:
                pos += 1
            count = pos - start
            if cur == "p":
                pad = 0
                if pos < n and _is_letter(pattern[pos]):
                    pad = count
                    cur = pattern[pos]
                    start = pos
                    b.at = pos
                    pos += 1
                    while pos < n and pattern[pos] == cur:
                        pos += 1
                    count = pos - start
                if pad == 0:
                    raise b.fail("Pad letter 'p' must be followed by valid pad pattern")
                b.active.pad_width = pad
                b.active.value_index = -1
            b.letters(cur, count)
            continue
        if cur == "'":
            start = pos
            pos += 1
            while pos < n:
                if pattern[pos] == "'":
                    if pos + 1 < n and pattern[pos + 1] == "'":
                        pos += 1
                    else:
                        break
                pos += 1
            if pos >= n:
                raise b.fail("Pattern ends with an incomplete string literal")
            literal = pattern[start + 1 : pos]
            b.literal("'" if literal == "" else literal.replace("''", "'"))
        elif cur == "[":
            b.optional_start()
        elif cur == "]":
            if b.active.parent is None:
                raise b.fail("Pattern invalid as it contains ] without previous [")
            b.optional_end()
        elif cur in "{}#":
            raise b.fail(f"Pattern includes reserved character: '{cur}'")
        else:
            b.literal(cur)
        pos += 1
    return b


def compile_pattern(pattern: str) -> CompiledPattern:
    """Compile a Java ``DateTimeFormatter`` pattern; raises ``PatternError`` where Java throws."""
    b = build(pattern)
    return CompiledPattern(pattern, b.finish())
