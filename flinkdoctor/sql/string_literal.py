"""SQL string-literal rules: what a pattern written between quotes in SQL becomes at runtime."""

from __future__ import annotations

from flinkdoctor.sql.errors import SqlError


def unescape_sql_literal(body: str) -> str:
    """The value of the SQL literal ``'body'``: ``''`` becomes ``'``.

    A lone quote would end the literal early in Flink ("SQL parse failed. Encountered ..."), so
    it is an error here too, pointing at the character.
    """
    out: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == "'":
            if body[index + 1 : index + 2] != "'":
                raise SqlError(
                    f"unescaped quote at index {index} of {body!r}: in a SQL literal write '' "
                    "for one '"
                )
            index += 1
        out.append(char)
        index += 1
    return "".join(out)


def escape_sql_literal(value: str) -> str:
    """The body to write between quotes in SQL for ``value`` (``'`` becomes ``''``)."""
    return value.replace("'", "''")
