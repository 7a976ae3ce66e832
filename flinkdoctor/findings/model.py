"""The ``Finding`` model: what every command reports, as data.

A finding says what is wrong (``name``/``code`` from the catalog, ``severity``, ``message``), why we
believe it (``evidence``: counts, example values with their file:line, partitions, watermarks),
where (``location`` in the user's own file: the .py line for a PyFlink job) and what to do
(``fix``: words, and where the fix is an edit of the user's file, the exact replacement lines).
Values only: sentences are built by diagnosis and lint, pictures and colours by render.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

from flinkdoctor.errors import Location


class Severity(str, Enum):
    """``error``: the sink gets nothing, wrong or lost rows, or the job fails; ``warning``: a real
    risk; ``info``: worth knowing, nothing is broken."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for error, 1 for warning, 2 for info: sort key, most severe first."""
        return _RANK[self]

    def at_least(self, threshold: Severity) -> bool:
        """True when this severity is ``threshold`` or more severe (``--fail-on``)."""
        return self.rank <= threshold.rank


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace lines ``start_line``..``end_line`` (1-based, inclusive) of ``file`` with
    ``replacement`` (lines without their newline). ``end_line == start_line - 1`` inserts before
    ``start_line``; an empty ``replacement`` deletes."""

    file: str
    start_line: int
    end_line: int
    replacement: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Verification:
    """What a replay of the job with the fix applied produced (``explain`` fills it in)."""

    sink_rows: int
    windows_fired: int
    summary: str
    failed: bool = False


@dataclass(frozen=True, slots=True)
class Fix:
    """What to do: ``text`` in words; ``edits`` where it is a change of the user's file;
    ``verified`` once ``explain`` replayed the job with the edits applied."""

    text: str
    edits: tuple[Edit, ...] = ()
    verified: Verification | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One cause, risk or fact, with a stable ``name`` (slug) and ``code`` from the catalog.

    ``evidence`` holds JSON-ready values only (str, int, float, bool, None, lists, dicts) so every
    renderer can print it as is. ``rule`` is the Flink semantics rule id (``R4.1``) the finding
    rests on, documented in docs/semantics.md.
    """

    code: str
    name: str
    severity: Severity
    message: str
    location: Location | None = None
    evidence: Mapping[str, Any] = field(default_factory=dict)
    fix: Fix | None = None
    rule: str | None = None

    def with_severity(self, severity: Severity) -> Finding:
        """The same finding at another severity (configuration overrides)."""
        return replace(self, severity=severity)

    def with_fix(self, fix: Fix | None) -> Finding:
        """The same finding with ``fix`` (e.g. once verified)."""
        return replace(self, fix=fix)

    def sort_key(self) -> tuple[int, str, int, int, str]:
        """Most severe first, then by place in the file, then by name."""
        loc = self.location
        return (
            self.severity.rank,
            loc.file if loc else "",
            loc.line if loc else 0,
            loc.column if loc else 0,
            self.name,
        )
