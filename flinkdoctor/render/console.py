"""The one way flinkdoctor makes a rich Console: user text is never read as markup, and a closed
output is not a finding.

Values, keys, column names, paths and messages come from the user's events and scripts; a
``[/]`` or ``[bold red]`` in them must print as written. With ``markup=False`` and
``emoji=False`` every plain ``str`` handed to rich (table cells, headers, titles) is literal
text; styles are applied with ``Text`` objects only.

rich answers a closed pipe (``flinkdoctor explain ... | head``) with ``SystemExit(1)``, and 1
means "findings" to CI; here it is a ``BrokenPipeError``, which the CLI guard turns into its
own exit code.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console


class _Console(Console):
    def on_broken_pipe(self) -> None:
        if not self.quiet:
            raise BrokenPipeError("the output was closed")


def make_console(**options: Any) -> Console:
    """A Console that renders every ``str`` literally (no markup, no emoji codes, no
    highlighting); ``options`` are passed on (``stderr``, ``file``, ``width``, ``record``)."""
    options.setdefault("highlight", False)
    return _Console(markup=False, emoji=False, **options)
