"""The front door: text of a script in, ``Script`` out, by file kind. Reading is the CLI's job."""

from __future__ import annotations

from flinkdoctor.sql.model import Script
from flinkdoctor.sql.pyflink import extract_pyflink
from flinkdoctor.sql.script import parse_script


def load_script(text: str, file: str) -> Script:
    """A PyFlink job (``.py``) has its SQL and Table API calls extracted; anything else is a
    Flink SQL script. Raises ``SqlError`` for input Flink would reject."""
    if file.lower().endswith(".py"):
        return extract_pyflink(text, file)
    return parse_script(text, file)
