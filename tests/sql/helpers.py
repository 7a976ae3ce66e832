"""Small helpers shared by the sql tests."""

from __future__ import annotations

from pathlib import Path

from flinkdoctor.errors import Location
from flinkdoctor.sql.model import Expr, Query, Select
from flinkdoctor.sql.script import parse_script

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> str:
    """Text of a file in tests/sql/fixtures."""
    return (FIXTURES / name).read_text(encoding="utf-8")


def expr(text: str) -> Expr:
    """The expression of ``SELECT <text>``."""
    return select(f"SELECT {text}").items[0].expr


def query(text: str) -> Query:
    """The query of a one-statement script."""
    [q] = parse_script(text).queries
    return q.query


def select(text: str) -> Select:
    """The SELECT of a one-statement script."""
    q = query(text)
    assert isinstance(q, Select)
    return q


def at(line: int, column: int, file: str = "<input>") -> Location:
    """A location in the default file."""
    return Location(file, line, column)
