"""Tokenizer and statement splitting: quoting, comments, hints, positions."""

from __future__ import annotations

import pytest

from flinkdoctor.sql.errors import SqlError
from flinkdoctor.sql.splitter import split_statements
from flinkdoctor.sql.tokens import EOF, HINT, NUMBER, OP, QIDENT, STRING, WORD, SourceMap, tokenize

from .helpers import at


def toks(text: str) -> list[tuple[str, str]]:
    return [(t.kind, t.value) for t in tokenize(text, SourceMap(text, "<input>"))[:-1]]


def test_string_literal_unescapes_doubled_quotes_and_keeps_raw_text() -> None:
    text = "'yyyy-MM-dd''T''HH:mm:ss.SSS''Z'''"
    [tok, eof] = tokenize(text, SourceMap(text, "f"))
    assert (tok.kind, tok.value, tok.text) == (STRING, "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", text)
    assert eof.kind == EOF


def test_quoted_identifiers_backtick_and_double_quote() -> None:
    assert toks('`my``col` "a""b"') == [(QIDENT, "my`col"), (QIDENT, 'a"b')]


def test_comments_are_dropped_hints_are_kept() -> None:
    text = "SELECT -- c1 ; 'x'\n a /* block ; */ FROM t /*+ OPTIONS('k'='v') */"
    assert toks(text) == [
        (WORD, "SELECT"),
        (WORD, "A"),
        (WORD, "FROM"),
        (WORD, "T"),
        (HINT, "/*+ OPTIONS('k'='v') */"),
    ]


def test_words_keep_their_spelling_and_compare_upper_case() -> None:
    [tok] = tokenize("évènement_1", SourceMap("évènement_1", "f"))[:-1]
    assert (tok.kind, tok.text, tok.value) == (WORD, "évènement_1", "ÉVÈNEMENT_1")


def test_numbers_and_operators() -> None:
    assert toks("1.5e3 .5 <> => || <= !=") == [
        (NUMBER, "1.5e3"),
        (NUMBER, ".5"),
        (OP, "<>"),
        (OP, "=>"),
        (OP, "||"),
        (OP, "<="),
        (OP, "!="),
    ]


def test_locations_are_line_and_column_of_first_character() -> None:
    text = "SET 'a' = 'b';\n  SELECT\n\tx"
    source = SourceMap(text, "job.sql")
    t = tokenize(text, source)
    assert source.location(t[5].start) == at(2, 3, "job.sql")  # SELECT
    assert source.location(t[6].start) == at(3, 2, "job.sql")  # x after a tab


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("SELECT 'abc", "unterminated string literal", 8),
        ("SELECT `abc", "unterminated quoted identifier", 8),
        ("SELECT 1 /* never closed", "unterminated comment", 10),
        ("SELECT 1 \\ 2", "unexpected character '\\\\'", 10),
    ],
)
def test_lexical_errors_are_located(text: str, message: str, column: int) -> None:
    with pytest.raises(SqlError) as e:
        tokenize(text, SourceMap(text, "<input>"))
    assert e.value.message == message
    assert e.value.location == at(1, column)


def split(text: str) -> list[str]:
    source = SourceMap(text, "f")
    return [text[c.start : c.end] for c in split_statements(tokenize(text, source))]


def test_split_ignores_semicolons_in_strings_comments_and_identifiers() -> None:
    text = "SET 'a;b' = 'c';; -- x;y\nSELECT `;` FROM t /* ; */;\n"
    assert split(text) == ["SET 'a;b' = 'c'", "SELECT `;` FROM t"]


def test_statement_sets_are_one_statement() -> None:
    text = (
        "EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1; INSERT INTO b SELECT 2; END;"
        "BEGIN STATEMENT SET; INSERT INTO c SELECT 3; END; SELECT 4"
    )
    assert split(text) == [
        "EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1; INSERT INTO b SELECT 2; END",
        "BEGIN STATEMENT SET; INSERT INTO c SELECT 3; END",
        "SELECT 4",
    ]


def test_case_end_inside_a_statement_set_does_not_close_it() -> None:
    text = (
        "EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT CASE WHEN x THEN 1 END FROM t; END;"
        "SELECT 2"
    )
    assert len(split(text)) == 2


def test_template_placeholders_are_names() -> None:
    assert toks("INSERT INTO ${sink} SELECT * FROM `${env}_src`") == [
        (WORD, "INSERT"),
        (WORD, "INTO"),
        (QIDENT, "${sink}"),
        (WORD, "SELECT"),
        (OP, "*"),
        (WORD, "FROM"),
        (QIDENT, "${env}_src"),
    ]
