"""The one way flinkdoctor makes a rich Console: user text is never read as markup.

Values, keys, column names, paths and messages come from the user's events and scripts; a
``[/]`` or ``[bold red]`` in them must print as written. With ``markup=False`` and
``emoji=False`` every plain ``str`` handed to rich (table cells, headers, titles) is literal
text; styles are applied with ``Text`` objects only.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console


def make_console(**options: Any) -> Console:
    """A Console that renders every ``str`` literally (no markup, no emoji codes, no
    highlighting); ``options`` are passed on (``stderr``, ``file``, ``width``, ``record``)."""
    options.setdefault("highlight", False)
    return Console(markup=False, emoji=False, **options)
