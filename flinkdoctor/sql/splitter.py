"""Split a token stream into statements at top-level ``;``.

Statement sets are one statement even though they contain ``;``: ``EXECUTE STATEMENT SET
BEGIN ...; ...; END;`` and the SQL-client form ``BEGIN STATEMENT SET; ...; END;``.
"""

from __future__ import annotations

from dataclasses import dataclass

from flinkdoctor.sql.tokens import EOF, OP, WORD, Token


@dataclass(frozen=True, slots=True)
class Chunk:
    """One statement's tokens (without the terminating ``;``, ending with an EOF token at
    the statement's end) and its text span ``[start, end)`` in the source."""

    tokens: list[Token]
    start: int
    end: int


def _words(tokens: list[Token], i: int, n: int) -> tuple[str, ...]:
    return tuple(t.value for t in tokens[i : i + n] if t.kind == WORD)


def _opens_set(tokens: list[Token], i: int) -> bool:
    """``BEGIN STATEMENT SET``, or ``STATEMENT SET BEGIN`` after EXECUTE / EXPLAIN [details]."""
    words = _words(tokens, i, 8)
    if words[:3] == ("BEGIN", "STATEMENT", "SET"):
        return True
    if not words or words[0] not in ("EXECUTE", "EXPLAIN"):
        return False
    return any(words[k : k + 3] == ("STATEMENT", "SET", "BEGIN") for k in range(1, 6))


def split_statements(tokens: list[Token]) -> list[Chunk]:
    """Statements in order; empty statements (``;;``) are skipped. ``tokens`` ends with EOF."""
    chunks: list[Chunk] = []
    i, n = 0, len(tokens) - 1
    while i < n:
        if tokens[i].kind == OP and tokens[i].value == ";":
            i += 1
            continue
        start = i
        in_set = _opens_set(tokens, i)
        while i < n:
            t = tokens[i]
            if t.kind == OP and t.value == ";" and not in_set:
                break
            if in_set and t.kind == WORD and t.value == "END":
                prev = tokens[i - 1]
                closes = prev.kind == OP and prev.value == ";"
                in_set = not (closes or (prev.kind == WORD and prev.value == "BEGIN"))
            i += 1
        body = tokens[start:i]
        end_off = body[-1].end
        chunks.append(Chunk([*body, Token(EOF, "", "", end_off, end_off)], body[0].start, end_off))
    return chunks
