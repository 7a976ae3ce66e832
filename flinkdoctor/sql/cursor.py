"""The token cursor every parser layer builds on: look-ahead, expectations, located errors,
and a nesting budget so deeply nested input fails with a clear ``SqlError`` instead of a
``RecursionError``."""

from __future__ import annotations

from flinkdoctor.errors import Location
from flinkdoctor.sql.errors import SqlError
from flinkdoctor.sql.reserved import RESERVED
from flinkdoctor.sql.tokens import EOF, OP, QIDENT, WORD, Locator, Token

MAX_DEPTH = 100
"""Deepest nesting of parentheses / subqueries / prefix operators accepted (Python's own stack
is the limit we protect; no real job comes near it)."""

MAX_HEIGHT = 300
"""Tallest expression tree accepted: nesting plus operators chained on one path
(``a + b + ... ``), so that printing or comparing a model never hits Python's stack limit."""

# Words that end an expression or clause, so they are never taken as an implicit alias or a
# bare identifier where a clause keyword is expected.
CLAUSE_WORDS = frozenset(
    [
        "FROM", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "FETCH", "UNION",
        "INTERSECT", "EXCEPT", "MINUS", "ON", "USING", "JOIN", "INNER", "LEFT", "RIGHT", "FULL",
        "CROSS", "NATURAL", "OUTER", "WINDOW", "AS", "SELECT", "WITH", "VALUES", "LATERAL",
        "FOR", "AND", "OR", "NOT", "IS", "IN", "BETWEEN", "LIKE", "SIMILAR", "THEN", "WHEN",
        "ELSE", "END", "CASE", "PARTITION", "OVER", "TO", "BY", "ESCAPE", "DISTINCT", "ALL",
        "QUALIFY", "MATCH_RECOGNIZE", "TABLESAMPLE", "PARTITIONED", "COMMENT",
        "WATERMARK", "PRIMARY", "CONSTRAINT", "METADATA", "VIRTUAL", "NULL", "DISTRIBUTED",
        "RETURNING", "ROWS", "RANGE", "FOLLOWING", "PRECEDING", "UNBOUNDED", "EXCLUDING",
        "INCLUDING", "OVERWRITING",
    ]
)  # fmt: skip


class Cursor:
    """Position in one statement's tokens (which end with EOF) plus error helpers."""

    def __init__(self, tokens: list[Token], source: Locator, text: str) -> None:
        self.tokens = tokens
        self.source = source
        self.source_text = text  # the whole text the token offsets index into
        self.pos = 0
        self.depth = 0
        self.height = 0

    # -- looking -------------------------------------------------------------------------

    @property
    def tok(self) -> Token:
        """The current token."""
        return self.tokens[self.pos]

    def peek(self, ahead: int = 1) -> Token:
        """The token ``ahead`` places after the current one (EOF past the end)."""
        i = min(self.pos + ahead, len(self.tokens) - 1)
        return self.tokens[i]

    def at(self, *words: str) -> bool:
        """True if the next tokens are these keywords (or punctuation), in order."""
        for i, w in enumerate(words):
            t = self.peek(i)
            if t.kind not in (WORD, OP) or t.value != w:
                return False
        return True

    def at_eof(self) -> bool:
        """True at the end of the statement."""
        return self.tok.kind == EOF

    def loc(self, token: Token | None = None) -> Location:
        """Location of ``token`` (default: the current one)."""
        return self.source.location((token or self.tok).start)

    # -- consuming -----------------------------------------------------------------------

    def advance(self) -> Token:
        """Consume and return the current token (never moves past EOF)."""
        t = self.tok
        if t.kind != EOF:
            self.pos += 1
        return t

    def accept(self, *words: str) -> bool:
        """Consume these keywords if they come next; report whether they did."""
        if self.at(*words):
            self.pos += len(words)
            return True
        return False

    def expect(self, word: str, context: str) -> Token:
        """Consume ``word`` or fail with "expected 'word' <context>, found ..."."""
        if self.at(word):
            return self.advance()
        raise self.error(f"expected {word!r} {context}")

    def ident(self, what: str, *, any_word: bool = False) -> str:
        """Consume a (possibly back-quoted) identifier and return its name. ``any_word``
        accepts non-reserved clause keywords too, for positions where only a name can stand
        (a column definition's name, an alias after AS). Reserved words fail like in Flink."""
        t = self.tok
        if t.kind == WORD and t.value in RESERVED:
            raise self.reserved(what)
        if t.kind == QIDENT or (t.kind == WORD and (any_word or t.value not in CLAUSE_WORDS)):
            self.advance()
            return t.value if t.kind == QIDENT else t.text
        raise self.error(f"expected {what}")

    def reserved(self, what: str) -> SqlError:
        """The error for a reserved word where a name is expected."""
        t = self.tok
        return self.error(
            f"expected {what}, found reserved word {t.text!r} (write it as `{t.text}`)",
            found=False,
        )

    def is_ident(self, token: Token | None = None) -> bool:
        """True if ``token`` (default: current) can be an identifier here."""
        t = token or self.tok
        return t.kind == QIDENT or (
            t.kind == WORD and t.value not in CLAUSE_WORDS and t.value not in RESERVED
        )

    def error(self, message: str, token: Token | None = None, *, found: bool = True) -> SqlError:
        """An error located at ``token`` (default: current); ", found <token>" is appended
        unless ``found`` is False."""
        t = token or self.tok
        if found:
            message = f"{message}, found {t.describe()}"
        return SqlError(message, self.loc(t))

    # -- nesting budget --------------------------------------------------------------------

    def enter(self) -> None:
        """Count one level of nesting; fail clearly beyond ``MAX_DEPTH``."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise SqlError(
                f"statement nested too deeply (more than {MAX_DEPTH} levels)", self.loc()
            )
        self.grow(1)

    def leave(self) -> None:
        """Undo one ``enter``."""
        self.depth -= 1
        self.height -= 1

    def grow(self, levels: int) -> None:
        """Count ``levels`` more of expression-tree height (negative to undo); fail clearly
        beyond ``MAX_HEIGHT``."""
        self.height += levels
        if self.height > MAX_HEIGHT:
            raise SqlError(
                f"statement nested too deeply (an expression more than {MAX_HEIGHT} levels tall)",
                self.loc(),
            )
