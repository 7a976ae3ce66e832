"""Tokenizer for Flink SQL, with a mapping from text offsets back to file locations.

Follows Calcite's lexical rules as Flink configures them: ``'...'`` strings with ``''`` escapes,
back-quoted identifiers (```a``b``` → ``a`b``), double-quoted identifiers accepted too, ``--``
and ``/* */`` comments dropped, ``/*+ ... */`` hints kept as tokens (table-option hints change
a table's options, R1.9), unicode letters and ``$`` in identifiers. ``${var}`` placeholders of
templated scripts are read as quoted names, so such scripts still parse.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Protocol

from flinkdoctor.errors import Location
from flinkdoctor.sql.errors import SqlError

WORD = "word"
QIDENT = "qident"
STRING = "string"
NUMBER = "number"
OP = "op"
HINT = "hint"
EOF = "eof"


@dataclass(frozen=True, slots=True)
class Token:
    """One token. ``text`` is the source text; ``value`` is the unescaped string, the
    unquoted identifier, or for words the upper-cased word (keywords compare on it)."""

    kind: str
    text: str
    value: str
    start: int
    end: int

    def describe(self) -> str:
        """How error messages show this token: ``'WITH'``, ``end of input``."""
        if self.kind == EOF:
            return "end of input"
        text = self.text if len(self.text) <= 40 else self.text[:37] + "..."
        return repr(text) if "'" not in text else '"' + text + '"'


class Locator(Protocol):
    """Maps an offset in the SQL text to a ``Location`` in the user's file."""

    def location(self, offset: int) -> Location:
        """Where the character at ``offset`` was written."""
        ...


class SourceMap:
    """The ``Locator`` for SQL read straight from a file (PyFlink extraction has its own)."""

    def __init__(self, text: str, file: str) -> None:
        self.file = file
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def location(self, offset: int) -> Location:
        """1-based line and column of ``offset``."""
        i = bisect.bisect_right(self._line_starts, offset) - 1
        return Location(self.file, i + 1, offset - self._line_starts[i] + 1)


_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>--[^\n]*|/\*(?!\+).*?\*/)
  | (?P<hint>/\*\+.*?\*/)
  | (?P<string>'(?:[^']|'')*')
  | (?P<qident>`(?:[^`]|``)*`|"(?:[^"]|"")*"|\$\{[^}\n]*\})
  | (?P<number>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<word>(?:[^\W\d]|\$)[\w$]*)
  | (?P<op><>|!=|<=|>=|=>|\|\||::|[-+*/%=<>(),;.\[\]{}?:^|&~!@#])
    """,
    re.S | re.X,
)

_UNTERMINATED = {
    "'": "unterminated string literal",
    "`": "unterminated quoted identifier",
    '"': "unterminated quoted identifier",
}


def tokenize(text: str, source: Locator, begin: int = 0, end: int | None = None) -> list[Token]:
    """Tokens of ``text[begin:end]`` (offsets stay relative to ``text``), ending with EOF.

    Raises ``SqlError`` for an unterminated string, quoted identifier or comment, or a
    character SQL does not use.
    """
    stop = len(text) if end is None else end
    out: list[Token] = []
    pos = begin
    match = _TOKEN_RE.match
    while pos < stop:
        m = match(text, pos, stop)
        if m is None:
            ch = text[pos]
            msg = _UNTERMINATED.get(ch, f"unexpected character {ch!r}")
            raise SqlError(msg, source.location(pos))
        kind = m.lastgroup
        raw = m.group()
        if kind == "op" and raw == "/" and text.startswith("/*", pos):
            raise SqlError("unterminated comment", source.location(pos))
        if kind == WORD:
            out.append(Token(WORD, raw, raw.upper(), pos, m.end()))
        elif kind == STRING:
            out.append(Token(STRING, raw, raw[1:-1].replace("''", "'"), pos, m.end()))
        elif kind == QIDENT and raw[0] == "$":  # ${var} of a templated script: a name
            out.append(Token(QIDENT, raw, raw, pos, m.end()))
        elif kind == QIDENT:
            q = raw[0]
            out.append(Token(QIDENT, raw, raw[1:-1].replace(q + q, q), pos, m.end()))
        elif kind in (NUMBER, OP, HINT):
            out.append(Token(kind, raw, raw, pos, m.end()))
        pos = m.end()
    out.append(Token(EOF, "", "", stop, stop))
    return out
