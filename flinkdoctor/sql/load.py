"""The front door: text of a script in, ``Script`` out, by file kind. Reading is the CLI's job."""

from __future__ import annotations

from collections.abc import Mapping

from flinkdoctor.sql.model import Script
from flinkdoctor.sql.pyflink import extract_pyflink
from flinkdoctor.sql.script import parse_script


def load_script(text: str, file: str, env: Mapping[str, str] | None = None) -> Script:
    """A PyFlink job (``.py``) has its SQL and Table API calls extracted; anything else is a
    Flink SQL script. Raises ``SqlError`` for input Flink would reject. ``env`` resolves a
    PyFlink job's ``os.environ`` lookups (see ``extract_pyflink``)."""
    if file.lower().endswith(".py"):
        return extract_pyflink(text, file, env)
    return parse_script(text, file)
