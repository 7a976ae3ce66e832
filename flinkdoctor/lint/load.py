"""Load a file for linting: like ``sql.load_script``, but an INTERVAL literal that exceeds its
precision is recorded on the literal instead of stopping the parse, so ``interval-precision``
reports it as a finding (with the rest of the script still checked)."""

from __future__ import annotations

from flinkdoctor.sql import intervals, load_script
from flinkdoctor.sql.model import Script


def load_for_lint(text: str, file: str) -> Script:
    """The script in ``text`` (``file`` names it; ``.py`` is a PyFlink job). Raises ``SqlError``
    for anything else Flink's parser would reject."""
    with intervals.tolerate_overflow():
        return load_script(text, file)
