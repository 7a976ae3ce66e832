"""Statements and whole scripts: ``parse_script`` is the SQL front door.

Statements Flink runs but nothing downstream needs (CREATE FUNCTION, USE, LOAD MODULE, SHOW,
EXPLAIN, DROP, ALTER, ...) become ``RawStatement`` so an unfamiliar script still loads.
"""

from __future__ import annotations

import difflib

from flinkdoctor.errors import Location
from flinkdoctor.sql.ddl import DdlParser
from flinkdoctor.sql.errors import SqlError
from flinkdoctor.sql.model import (
    CreateTable,
    CreateView,
    Hole,
    Insert,
    QueryStatement,
    RawStatement,
    ResetStatement,
    Script,
    SetStatement,
    Statement,
    StatementSet,
)
from flinkdoctor.sql.splitter import Chunk, split_statements
from flinkdoctor.sql.tokens import EOF, STRING, WORD, Locator, SourceMap, tokenize

_MODIFIERS = frozenset(["OR", "REPLACE", "TEMPORARY", "SYSTEM", "IF", "NOT", "EXISTS", "FULL"])
# What Flink 1.20's parser accepts after CREATE [OR REPLACE] [TEMPORARY] [SYSTEM].
_CREATABLE = frozenset(["TABLE", "VIEW", "FUNCTION", "CATALOG", "DATABASE", "MODEL"])
# First words of the statements Flink's SQL parser and SQL client know.
_VERBS = frozenset(
    [
        "ADD", "ALTER", "ANALYZE", "BEGIN", "CALL", "CLEAR", "COMPILE", "CREATE", "DELETE",
        "DESC", "DESCRIBE", "DROP", "END", "EXECUTE", "EXPLAIN", "HELP", "INSERT", "LOAD",
        "QUIT", "REMOVE", "RESET", "SELECT", "SET", "SHOW", "STOP", "TRUNCATE", "UNLOAD",
        "UPDATE", "USE", "VALUES", "WITH",
    ]
)  # fmt: skip
_KEYWORD_VERBS = frozenset(
    ["CREATE", "DROP", "ALTER", "SHOW", "LOAD", "UNLOAD", "DESCRIBE", "DESC", "ANALYZE"]
)


class StatementParser(DdlParser):
    """Parses one statement (a ``Chunk``'s tokens)."""

    def __init__(self, chunk: Chunk, source: Locator, text: str) -> None:
        super().__init__(chunk.tokens, source, text)
        self.chunk = chunk

    def parse_statement(self) -> Statement:
        """The statement, or ``RawStatement`` for kinds we do not model."""
        loc = self.loc()
        if self.at("SET"):
            return self._set()
        if self.at("RESET"):
            return self._reset()
        if self.at("CREATE"):
            self.advance()
            self.accept("OR", "REPLACE")
            temporary = self.accept("TEMPORARY")
            if self.at("TABLE"):
                return self.parse_create_table(loc, temporary)
            if self.at("VIEW"):
                return self.parse_create_view(loc, temporary)
            self.accept("SYSTEM")
            if self.tok.kind != WORD or self.tok.value not in _CREATABLE:
                raise self._unknown("CREATE", _CREATABLE)
            return self._raw()
        if self.at("EXECUTE", "STATEMENT", "SET") or self.at("BEGIN", "STATEMENT", "SET"):
            return self._statement_set()
        if self.at("EXPLAIN"):
            return self._explain()
        if self.at("EXECUTE") and self.peek().value in ("INSERT", "SELECT", "WITH"):
            self.advance()
        if self.at("INSERT"):
            ins = self._insert()
            self._end("INSERT")
            return ins
        if self.starts_query():
            q = self.parse_query()
            self._end("query")
            return QueryStatement(q, location=loc)
        first = self.chunk.tokens[0]
        if first.kind == WORD and first.value not in _VERBS:
            close = difflib.get_close_matches(first.value, sorted(_VERBS), n=1, cutoff=0.75)
            if close:  # a typo of a statement Flink knows (SELCT, INSRET): Flink rejects it
                raise self.error(
                    f"unknown statement {first.text!r} (did you mean {close[0]}?)",
                    first,
                    found=False,
                )
        return self._raw()

    def _unknown(self, verb: str, known: frozenset[str]) -> SqlError:
        """Flink's parser stops at a word it does not expect here: say so where it is."""
        word = self.tok
        close = difflib.get_close_matches(word.value, sorted(known), n=1, cutoff=0.6)
        hint = f" (did you mean {verb} {close[0]}?)" if close else ""
        return self.error(
            f"unknown statement {verb} {word.text}: Flink's parser expects one of "
            f"{', '.join(sorted(known))} after {verb}{hint}",
            word,
            found=False,
        )

    def _explain(self) -> RawStatement:
        """EXPLAIN runs no job, so it stays raw; but Flink parses what it explains, so we do
        too (a bad query in an EXPLAIN is still an error)."""
        raw = self._raw()
        self.advance()
        while not (self.starts_query() or self.at("INSERT") or self.at("STATEMENT")):
            if self.at_eof():
                raise self.error("expected the statement to EXPLAIN")
            self.advance()  # PLAN FOR, ESTIMATED_COST, CHANGELOG_MODE, ...
        if self.accept("STATEMENT"):
            self.expect("SET", "in EXPLAIN STATEMENT SET")
            self.expect("BEGIN", "in EXPLAIN STATEMENT SET")
            self._statement_set_body()
        elif self.at("INSERT"):
            self._insert()
        else:
            self.parse_query()
        self._end("EXPLAIN")
        return raw

    def _end(self, what: str) -> None:
        if not self.at_eof():
            raise self.error(f"expected end of {what} (a missing ';'?)")

    def _raw(self) -> RawStatement:
        tokens = self.chunk.tokens
        words = [tokens[0].value]
        if words[0] in _KEYWORD_VERBS:
            for t in tokens[1:]:
                if t.kind != WORD:
                    break
                if t.value not in _MODIFIERS:
                    words.append(t.value)
                    break
        text = self.source_text[self.chunk.start : self.chunk.end]
        return RawStatement(" ".join(words), text, location=self.loc(tokens[0]))

    def _set(self) -> SetStatement:
        loc = self.loc(self.advance())
        if self.at_eof():
            return SetStatement(None, None, location=loc)
        if self.tok.kind == STRING and self.peek().value == "=" and self.peek(2).kind == STRING:
            key = self.parse_string("the SET key")
            self.advance()
            value = self.parse_string("the SET value")
            self._end("SET")
            return SetStatement(key, value, location=loc)
        # Legacy SQL-client form: SET key = value (unquoted).
        key_start = self.tok.start
        while not self.at("=") and not self.at_eof():
            self.advance()
        if self.at_eof():
            raise self.error("expected '=' in SET 'key' = 'value'")
        key = self.source_text[key_start : self.tok.start].strip()
        self.advance()
        value = self._rest_as_value()
        return SetStatement(key.strip("'"), value, location=loc)

    def _rest_as_value(self) -> str:
        if self.tok.kind == STRING and self.peek().kind == EOF:
            return self.parse_string("the value")
        return self.source_text[self.tok.start : self.chunk.end].strip()

    def _reset(self) -> ResetStatement:
        loc = self.loc(self.advance())
        if self.at_eof():
            return ResetStatement(None, location=loc)
        return ResetStatement(self._rest_as_value(), location=loc)

    def _insert(self) -> Insert:
        loc = self.loc(self.advance())
        overwrite = self.accept("OVERWRITE")
        if not overwrite:
            self.expect("INTO", "after INSERT")
        target = self.parse_object_name("the target table of INSERT")
        hints = self.parse_options_hints()
        if self.accept("PARTITION"):  # static partition spec: PARTITION (k = v, ...)
            self.expect("(", "after PARTITION")
            self.parse_options_list("in PARTITION (...)", strict=False)
        cols: tuple[str, ...] = ()
        if self.at("(") and not self.starts_query():
            cols = self._column_names()
        query = self.parse_query()
        return Insert(target, query, overwrite, cols, hints, location=loc)

    def _statement_set(self) -> StatementSet:
        loc = self.loc()
        if self.accept("EXECUTE"):
            self.expect("STATEMENT", "after EXECUTE")
            self.expect("SET", "after EXECUTE STATEMENT")
            self.expect("BEGIN", "after EXECUTE STATEMENT SET")
        else:
            self.advance()  # BEGIN
            self.advance()  # STATEMENT
            self.advance()  # SET
        inserts = self._statement_set_body()
        self._end("statement set")
        return StatementSet(tuple(inserts), location=loc)

    def _statement_set_body(self) -> list[Insert]:
        """``INSERT ...; INSERT ...; END`` (consumes END)."""
        inserts: list[Insert] = []
        while True:
            while self.accept(";"):
                pass
            if self.at("END") or self.at_eof():
                break
            if not self.at("INSERT"):
                raise self.error("expected INSERT INTO in a statement set")
            inserts.append(self._insert())
            if not (self.at(";") or self.at("END")):
                raise self.error("expected ';' after an INSERT in a statement set")
        self.expect("END", "to close the statement set")
        return inserts


def parse_statements(text: str, source: Locator) -> list[Statement]:
    """Every statement of ``text``, in order; raises ``SqlError`` at the first bad one."""
    tokens = tokenize(text, source)
    return [
        StatementParser(chunk, source, text).parse_statement() for chunk in split_statements(tokens)
    ]


def build_script(
    file: str,
    statements: list[Statement],
    holes: tuple[Hole, ...] = (),
    env: dict[str, str] | None = None,
    env_locations: dict[str, Location] | None = None,
) -> Script:
    """A ``Script`` with its indexes (SETs applied in order, tables, views, queries)."""
    sets: dict[str, str] = {}
    tables: dict[str, CreateTable] = {}
    views: dict[str, CreateView] = {}
    queries: list[Insert | QueryStatement] = []
    for st in statements:
        if isinstance(st, SetStatement) and st.key is not None and st.value is not None:
            sets[st.key] = st.value
        elif isinstance(st, ResetStatement):
            if st.key is None:
                sets.clear()
            else:
                sets.pop(st.key, None)
        elif isinstance(st, CreateTable):
            tables[st.name.key] = st
        elif isinstance(st, CreateView):
            views[st.name.key] = st
        elif isinstance(st, Insert | QueryStatement):
            queries.append(st)
        elif isinstance(st, StatementSet):
            queries.extend(st.inserts)
    return Script(
        file,
        tuple(statements),
        sets,
        tables,
        views,
        tuple(queries),
        holes,
        dict(env or {}),
        dict(env_locations or {}),
    )


def parse_script(text: str, file: str = "<input>") -> Script:
    """Parse a Flink SQL script. Raises ``SqlError`` (located at the offending token) when
    Flink's parser would reject it or we cannot read it."""
    return build_script(file, parse_statements(text, SourceMap(text, file)))
