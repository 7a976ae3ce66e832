"""Say so when the DDL reads an event field the events do not have (seed case 1's first bug).

flink-json reads a missing field as NULL (``json.fail-on-missing-field`` defaults to false, R4.5),
so a column named ``event_timestamp`` over events that carry ``event_time`` is NULL on every row and
the rowtime with it, without a word. This turns that silence into a sentence with the likely name.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def missing_field_note(field: str, missing: int, total: int, seen: Iterable[str]) -> str | None:
    """The note for ``missing`` of ``total`` events lacking ``field`` (None when none lack it);
    ``seen`` are the names the events do have at that level."""
    if missing == 0:
        return None
    leaf = field.rsplit(".", 1)[-1]
    names = sorted(set(seen))
    close = difflib.get_close_matches(leaf, names, n=1, cutoff=0.6)
    note = (
        f"field {field!r} is missing in {missing} of {total} events: flink-json reads a missing "
        "field as NULL (json.fail-on-missing-field is false by default), so the rowtime is NULL"
    )
    if close:
        return note + f"; did you mean {close[0]!r}?"
    if names:
        return note + f"; the events have: {', '.join(names[:12])}"
    return note
