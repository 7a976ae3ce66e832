"""Printer-parsers: one class per kind of Java ``DateTimePrinterParser`` a pattern compiles to.

Each ``parse`` follows Java's contract: it returns the new position, or ``~position`` (negative)
where matching failed, and stores parsed fields in the context, where a field parsed twice with two
values is an error. Only the parsing half exists: Flink never formats with these patterns.
"""

from __future__ import annotations

from flinkdoctor.timeformat import fields as F
from flinkdoctor.timeformat.errors import JavaParseError
from flinkdoctor.timeformat.texts import TEXTS

NORMAL = 0  # SignStyle ordinals (NEVER = 2 never comes from a pattern)
ALWAYS = 1
NOT_NEGATIVE = 3
EXCEEDS_PAD = 4

_LONG_MAX_BITS = 63


class Context:
    """``DateTimeParseContext``: the parsed fields, case sensitivity (strict is always on)."""

    __slots__ = ("case_sensitive", "failed", "fields")

    def __init__(self, case_sensitive: bool = True) -> None:
        self.fields: dict[int, int] = {}
        self.case_sensitive = case_sensitive
        self.failed: Node | None = None  # the last element that failed (for error messages)

    def set_field(self, field: int, value: int, error_pos: int, success_pos: int) -> int:
        old = self.fields.get(field)
        self.fields[field] = value
        return ~error_pos if old is not None and old != value else success_pos

    def char_equals(self, a: str, b: str) -> bool:
        if self.case_sensitive:
            return a == b
        return a == b or a.upper() == b.upper() or a.lower() == b.lower()

    def region_equals(self, text: str, pos: int, literal: str) -> bool:
        end = pos + len(literal)
        if end > len(text):
            return False
        if self.case_sensitive:
            return text.startswith(literal, pos)
        return all(self.char_equals(text[pos + i], c) for i, c in enumerate(literal))


class Node:
    """A printer-parser."""

    __slots__ = ()

    def parse(self, ctx: Context, text: str, pos: int) -> int:
        raise NotImplementedError

    def expects(self) -> str:
        """What this element wants to read, for a human error message."""
        return "the next pattern element"


def _field_words(field: int) -> str:
    name = F.NAMES[field].split("[")[0]
    return "".join(" " + c.lower() if c.isupper() else c for c in name).strip()


class CharLiteral(Node):
    __slots__ = ("char",)

    def __init__(self, char: str) -> None:
        self.char = char

    def parse(self, ctx: Context, text: str, pos: int) -> int:
        if pos == len(text) or not ctx.char_equals(text[pos], self.char):
            return ~pos
        return pos + 1

    def expects(self) -> str:
        return repr(self.char)

    def __repr__(self) -> str:
        return f"'{self.char}'"


class StringLiteral(Node):
    __slots__ = ("literal",)

    def __init__(self, literal: str) -> None:
        self.literal = literal

    def parse(self, ctx: Context, text: str, pos: int) -> int:
        if not ctx.region_equals(text, pos, self.literal):
            return ~pos
        return pos + len(self.literal)

    def expects(self) -> str:
        return repr(self.literal)

    def __repr__(self) -> str:
        return f"'{self.literal}'"


def _sign_allowed(sign_style: int, positive: bool) -> bool:
    """``SignStyle.parse`` in strict mode: '-' for NORMAL, either for ALWAYS/EXCEEDS_PAD."""
    if sign_style == NORMAL:
        return not positive
    return sign_style in (ALWAYS, EXCEEDS_PAD)


class Number(Node):
    """``NumberPrinterParser``; ``subsequent`` is Java's subsequentWidth (-1 = fixed width)."""

    __slots__ = ("field", "max_width", "min_width", "sign_style", "subsequent")

    def __init__(
        self, field: int, min_width: int, max_width: int, sign_style: int, subsequent: int = 0
    ) -> None:
        self.field = field
        self.min_width = min_width
        self.max_width = max_width
        self.sign_style = sign_style
        self.subsequent = subsequent

    def with_fixed_width(self) -> Number:
        if self.subsequent == -1:
            return self
        return self._copy(-1)

    def with_subsequent_width(self, width: int) -> Number:
        return self._copy(self.subsequent + width)

    def _copy(self, subsequent: int) -> Number:
        return Number(self.field, self.min_width, self.max_width, self.sign_style, subsequent)

    def parse(self, ctx: Context, text: str, pos: int) -> int:
        length = len(text)
        if pos == length:
            return ~pos
        position = pos
        sign = text[position]
        negative = positive = False
        if sign == "+":
            if not _sign_allowed(self.sign_style, True):
                return ~position
            positive = True
            position += 1
        elif sign == "-":
            if not _sign_allowed(self.sign_style, False):
                return ~position
            negative = True
            position += 1
        elif self.sign_style == ALWAYS:
            return ~position
        min_end = position + self.min_width
        if min_end > length:
            return ~position
        eff_max = self.max_width + max(self.subsequent, 0)
        total = 0
        cur = position
        for pass_no in range(2):
            max_end = min(cur + eff_max, length)
            while cur < max_end:
                ch = text[cur]
                cur += 1
                if not "0" <= ch <= "9":
                    cur -= 1
                    if cur < min_end:
                        return ~position
                    break
                total = total * 10 + (ord(ch) - 48)
            if self.subsequent > 0 and pass_no == 0:
                parse_len = cur - position
                eff_max = max(self.min_width, parse_len - self.subsequent)
                cur = position
                total = 0
            else:
                break
        big = cur - position > 18
        if negative:
            if total == 0:
                return ~(position - 1)
            total = -total
        elif self.sign_style == EXCEEDS_PAD:
            parse_len = cur - position
            if positive:
                if parse_len <= self.min_width:
                    return ~(position - 1)
            elif parse_len > self.min_width:
                return ~position
        if big and (total if total >= 0 else ~total).bit_length() > _LONG_MAX_BITS:
            total = total // 10 if total >= 0 else -(-total // 10)
            cur -= 1
        return self.set_value(ctx, total, position, cur)

    def set_value(self, ctx: Context, value: int, error_pos: int, success_pos: int) -> int:
        return ctx.set_field(self.field, value, error_pos, success_pos)

    def expects(self) -> str:
        if self.min_width == self.max_width:
            width = f"{self.min_width}"
        elif self.sign_style == EXCEEDS_PAD:
            width = f"{self.min_width} (or '+' and more)"
        else:
            width = f"{self.min_width}+"
        return f"{width} digit(s) of the {_field_words(self.field)}"

    def __repr__(self) -> str:
        return (
            f"Value({F.NAMES[self.field]},{self.min_width},{self.max_width},"
            f"{self.sign_style},sub={self.subsequent})"
        )


class Reduced(Number):
    """``ReducedPrinterParser`` with base date 2000-01-01: two digits mean 2000..2099."""

    __slots__ = ()

    BASE = 2000

    def _copy(self, subsequent: int) -> Number:
        return Reduced(self.field, self.min_width, self.max_width, self.sign_style, subsequent)

    def set_value(self, ctx: Context, value: int, error_pos: int, success_pos: int) -> int:
        if success_pos - error_pos == self.min_width and value >= 0:
            span = 10**self.min_width
            base_part = self.BASE - self.BASE % span
            value = base_part + value
            if value < self.BASE:
                value += span
        return ctx.set_field(self.field, value, error_pos, success_pos)


class WeekBased(Number):
    """``WeekBasedFieldPrinterParser`` (Y w W e c): widths for adjacency differ from parsing's."""

    __slots__ = ("count", "letter")

    def __init__(
        self, letter: str, count: int, min_width: int, max_width: int, subsequent: int = 0
    ) -> None:
        super().__init__(_WEEK_FIELDS[letter], min_width, max_width, NOT_NEGATIVE, subsequent)
        self.letter = letter
        self.count = count

    def _copy(self, subsequent: int) -> Number:
        return WeekBased(self.letter, self.count, self.min_width, self.max_width, subsequent)

    def delegate(self) -> Number:
        if self.letter == "Y":
            if self.count == 2:
                return Reduced(self.field, 2, 2, NOT_NEGATIVE, self.subsequent)
            style = NORMAL if self.count < 4 else EXCEEDS_PAD
            return Number(self.field, self.count, 19, style, self.subsequent)
        return Number(self.field, self.min_width, self.max_width, NOT_NEGATIVE, self.subsequent)

    def parse(self, ctx: Context, text: str, pos: int) -> int:
        return self.delegate().parse(ctx, text, pos)


_WEEK_FIELDS = {
    "Y": F.WEEK_BASED_YEAR,
    "w": F.WEEK_OF_WEEK_BASED_YEAR,
    "W": F.WEEK_OF_MONTH,
    "e": F.LOCALIZED_DAY_OF_WEEK,
    "c": F.LOCALIZED_DAY_OF_WEEK,
}


class Fraction(Number):
    """``FractionPrinterParser`` for NANO_OF_SECOND; parsed digits are scaled to nanoseconds."""

    __slots__ = ("decimal_point",)

    def __init__(
        self, min_width: int, max_width: int, decimal_point: bool, subsequent: int = 0
    ) -> None:
        super().__init__(F.NANO_OF_SECOND, min_width, max_width, NOT_NEGATIVE, subsequent)
        self.decimal_point = decimal_point

    def _copy(self, subsequent: int) -> Number:
        return Fraction(self.min_width, self.max_width, self.decimal_point, subsequent)

    def parse(self, ctx: Context, text: str, pos: int) -> int:
        length = len(text)
        if pos == length:
            return ~pos if self.min_width > 0 else pos
        if self.decimal_point:
            if text[pos] != ".":
                return ~pos if self.min_width > 0 else pos
            pos += 1
        min_end = pos + self.min_width
        if min_end > length:
            return ~pos
        max_end = min(pos + self.max_width, length)
        total = 0
        cur = pos
        while cur < max_end:
            ch = text[cur]
            cur += 1
            if not "0" <= ch <= "9":
                if cur <= min_end:
                    return ~pos
                cur -= 1
                break
            total = total * 10 + (ord(ch) - 48)
        value = total * 10 ** (9 - (cur - pos))
        return ctx.set_field(F.NANO_OF_SECOND, value, pos, cur)

    def expects(self) -> str:
        if self.decimal_point:
            return f"'.' and {self.min_width}-{self.max_width} fraction digits"
        return f"{self.min_width} fraction-of-second digit(s)"


class Text(Node):
    """``TextPrinterParser`` in strict mode: only the style's own texts, longest first."""

    __slots__ = ("entries", "field", "style")

    def __init__(self, field: int, style: str) -> None:
        self.field = field
        self.style = style
        self.entries = TEXTS[field][style]

    def parse(self, ctx: Context, text: str, pos: int) -> int:
        for entry, value in self.entries:
            if ctx.region_equals(text, pos, entry):
                return ctx.set_field(self.field, value, pos, pos + len(entry))
        return ~pos

    def expects(self) -> str:
        examples = sorted(self.entries, key=lambda e: e[1])[:2]
        shown = " or ".join(repr(t) for t, _ in examples)
        return (
            f"a {self.style.lower()} {_field_words(self.field)} text like {shown} (case-sensitive)"
        )


OFFSET_PATTERNS = (
    "+HH", "+HHmm", "+HH:mm", "+HHMM", "+HH:MM", "+HHMMss", "+HH:MM:ss", "+HHMMSS",
    "+HH:MM:SS", "+HHmmss", "+HH:mm:ss",
    "+H", "+Hmm", "+H:mm", "+HMM", "+H:MM", "+HMMss", "+H:MM:ss", "+HMMSS", "+H:MM:SS",
    "+Hmmss", "+H:mm:ss",
)  # fmt: skip


class OffsetId(Node):
    """``OffsetIdPrinterParser`` (X x Z): an offset like +01:00, or the no-offset text."""

    __slots__ = ("no_offset", "type")

    def __init__(self, pattern: str, no_offset: str) -> None:
        self.type = OFFSET_PATTERNS.index(pattern)
        self.no_offset = no_offset

    def parse(self, ctx: Context, text: str, pos: int) -> int:
        length = len(text)
        if pos == length:
            return ~pos
        if ctx.region_equals(text, pos, self.no_offset):
            return ctx.set_field(F.OFFSET_SECONDS, 0, pos, pos + len(self.no_offset))
        sign = text[pos]
        if sign not in "+-":
            return ~pos
        style = self.type % 11
        colon = style > 0 and style % 2 == 0
        padded = self.type < 11
        arr = [pos + 1, 0, 0, 0]
        t = self.type
        if t in (0, 11):
            _hour(text, padded, arr)
        elif t in (1, 2, 13):
            _hour(text, padded, arr)
            _minute(text, colon, False, arr)
        elif t in (3, 4, 15):
            _hour(text, padded, arr)
            _minute(text, colon, True, arr)
        elif t in (5, 6, 17):
            _hour(text, padded, arr)
            _minute(text, colon, True, arr)
            _second(text, colon, False, arr)
        elif t in (7, 8, 19):
            _hour(text, padded, arr)
            _minute(text, colon, True, arr)
            _second(text, colon, True, arr)
        elif t in (9, 10, 21):
            _hour(text, padded, arr)
            if _digits(text, colon, 2, arr):
                _digits(text, colon, 3, arr)
        else:
            low, high = {12: (1, 4), 14: (3, 4), 16: (3, 6), 18: (5, 6), 20: (1, 6)}[t]
            _variable_digits(text, low, high, arr)
        if arr[0] > 0:
            if arr[1] > 23 or arr[2] > 59 or arr[3] > 59:
                raise JavaParseError(
                    "Value out of range: Hour[0-23], Minute[0-59], Second[0-59]", 0
                )
            secs = arr[1] * 3600 + arr[2] * 60 + arr[3]
            return ctx.set_field(F.OFFSET_SECONDS, -secs if sign == "-" else secs, pos, arr[0])
        return ~pos

    def expects(self) -> str:
        return f"an offset like {OFFSET_PATTERNS[self.type]!r} or {self.no_offset!r}"


def _hour(text: str, padded: bool, arr: list[int]) -> None:
    if padded:
        if not _digits(text, False, 1, arr):
            arr[0] = ~arr[0]
    else:
        _variable_digits(text, 1, 2, arr)


def _minute(text: str, colon: bool, mandatory: bool, arr: list[int]) -> None:
    if not _digits(text, colon, 2, arr) and mandatory:
        arr[0] = ~arr[0]


def _second(text: str, colon: bool, mandatory: bool, arr: list[int]) -> None:
    if not _digits(text, colon, 3, arr) and mandatory:
        arr[0] = ~arr[0]


def _digits(text: str, colon: bool, index: int, arr: list[int]) -> bool:
    pos = arr[0]
    if pos < 0:
        return True
    if colon and index != 1:
        if pos + 1 > len(text) or text[pos] != ":":
            return False
        pos += 1
    if pos + 2 > len(text):
        return False
    c1, c2 = text[pos], text[pos + 1]
    if not ("0" <= c1 <= "9" and "0" <= c2 <= "9"):
        return False
    value = (ord(c1) - 48) * 10 + ord(c2) - 48
    if value > 59:
        return False
    arr[index] = value
    arr[0] = pos + 2
    return True


def _variable_digits(text: str, low: int, high: int, arr: list[int]) -> None:
    pos = arr[0]
    chars: list[int] = []
    while len(chars) < high and pos < len(text) and "0" <= text[pos] <= "9":
        chars.append(ord(text[pos]) - 48)
        pos += 1
    n = len(chars)
    if n < low:
        arr[0] = ~arr[0]
        return
    if n in (1, 2):
        arr[1] = chars[0] if n == 1 else chars[0] * 10 + chars[1]
    elif n in (3, 5):
        arr[1] = chars[0]
        arr[2] = chars[1] * 10 + chars[2]
        if n == 5:
            arr[3] = chars[3] * 10 + chars[4]
    else:
        arr[1] = chars[0] * 10 + chars[1]
        arr[2] = chars[2] * 10 + chars[3]
        if n == 6:
            arr[3] = chars[4] * 10 + chars[5]
    arr[0] = pos


def _digit(text: str, pos: int) -> int:
    """``getDigit``; Java throws StringIndexOutOfBounds past the end (Flink: NULL, no fallback)."""
    if pos >= len(text):
        raise JavaParseError("index out of bounds", pos, parse_exception=False)
    ch = text[pos]
    return ord(ch) - 48 if "0" <= ch <= "9" else -1


class LocalizedOffset(Node):
    """``LocalizedOffsetIdPrinterParser`` (O, OOOO, ZZZZ): GMT, GMT+8, GMT+08:00."""

    __slots__ = ("full",)

    def __init__(self, full: bool) -> None:
        self.full = full

    def parse(self, ctx: Context, text: str, pos: int) -> int:
        position = pos
        end = len(text)
        if not ctx.region_equals(text, pos, "GMT"):
            return ~position
        pos += 3
        if pos == end:
            return ctx.set_field(F.OFFSET_SECONDS, 0, position, pos)
        sign = text[pos]
        if sign not in "+-":
            return ctx.set_field(F.OFFSET_SECONDS, 0, position, pos)
        pos += 1
        h = m = s = 0
        if self.full:
            h1, h2 = _digit(text, pos), _digit(text, pos + 1)
            if h1 < 0 or h2 < 0 or _char(text, pos + 2) != ":":
                return ~position
            h = h1 * 10 + h2
            m1, m2 = _digit(text, pos + 3), _digit(text, pos + 4)
            if m1 < 0 or m2 < 0:
                return ~position
            m = m1 * 10 + m2
            pos += 5
            if pos + 2 < end and text[pos] == ":":
                s1, s2 = _digit(text, pos + 1), _digit(text, pos + 2)
                if s1 >= 0 and s2 >= 0:
                    s = s1 * 10 + s2
                    pos += 3
        else:
            h = _digit(text, pos)
            pos += 1
            if h < 0:
                return ~position
            if pos < end:
                h2 = _digit(text, pos)
                if h2 >= 0:
                    h = h * 10 + h2
                    pos += 1
                if pos + 2 < end and text[pos] == ":":
                    m1, m2 = _digit(text, pos + 1), _digit(text, pos + 2)
                    if m1 >= 0 and m2 >= 0:
                        m = m1 * 10 + m2
                        pos += 3
                        if pos + 2 < end and text[pos] == ":":
                            s1, s2 = _digit(text, pos + 1), _digit(text, pos + 2)
                            if s1 >= 0 and s2 >= 0:
                                s = s1 * 10 + s2
                                pos += 3
        secs = h * 3600 + m * 60 + s
        return ctx.set_field(F.OFFSET_SECONDS, -secs if sign == "-" else secs, position, pos)

    def expects(self) -> str:
        return "'GMT' and an optional offset like '+8' or '+08:00'"


def _char(text: str, pos: int) -> str:
    if pos >= len(text):
        raise JavaParseError("index out of bounds", pos, parse_exception=False)
    return text[pos]


class Pad(Node):
    """``PadPrinterParserDecorator``: skips leading pad spaces, then parses within the width."""

    __slots__ = ("inner", "width")

    def __init__(self, inner: Node, width: int) -> None:
        self.inner = inner
        self.width = width

    def parse(self, ctx: Context, text: str, pos: int) -> int:
        if pos == len(text):
            return ~pos
        start = pos
        end = pos + self.width
        if end > len(text):
            return ~pos
        while pos < end and ctx.char_equals(text[pos], " "):
            pos += 1
        result = self.inner.parse(ctx, text[:end], pos)
        if result != end:
            return ~(start + pos)  # sic: Java reports position + pos
        return result

    def expects(self) -> str:
        return f"{self.inner.expects()} within {self.width} padded character(s)"


class Composite(Node):
    """A sequence of parsers; an optional one rolls back its fields and position on failure."""

    __slots__ = ("nodes", "optional")

    def __init__(self, nodes: list[Node], optional: bool) -> None:
        self.nodes = nodes
        self.optional = optional

    def parse(self, ctx: Context, text: str, pos: int) -> int:
        if not self.optional:
            for node in self.nodes:
                pos = node.parse(ctx, text, pos)
                if pos < 0:
                    if not isinstance(node, Composite):
                        ctx.failed = node
                    break
            return pos
        saved = dict(ctx.fields)
        cur = pos
        for node in self.nodes:
            cur = node.parse(ctx, text, cur)
            if cur < 0:
                ctx.fields = saved
                return pos
        return cur

    def __repr__(self) -> str:
        inner = "".join(repr(n) for n in self.nodes)
        return f"[{inner}]" if self.optional else inner
