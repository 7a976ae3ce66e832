"""``noqa`` comments: which findings the user silenced, read from the source text alone.

The conventions of ruff and sqlfluff, so CI users already know them:

- ``-- noqa`` at the end of a line silences every finding on that line, ``-- noqa: FD202`` or
  ``-- noqa: no-idle-timeout, FD206`` only those (codes or names, any case);
- ``-- flinkdoctor: noqa`` anywhere in the file silences the whole file, ``-- flinkdoctor: noqa:
  FD202`` only those codes in it.

In a PyFlink ``.py`` job both ``#`` (a Python comment) and ``--`` (a SQL comment inside the SQL
string) introduce the directive; in SQL only ``--`` does. A finding is silenced by a directive on
its own line (its location's line in the user's file).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from flinkdoctor.findings import Finding
from flinkdoctor.findings.catalog import lookup

_CODES = r"(?P<codes>\s*:\s*[A-Za-z][A-Za-z0-9_-]*(?:\s*,?\s*[A-Za-z][A-Za-z0-9_-]*)*)?"
_SQL_LINE = re.compile(r"--\s*noqa\b" + _CODES, re.IGNORECASE)
_PY_LINE = re.compile(r"(?:--|#)\s*noqa\b" + _CODES, re.IGNORECASE)
_SQL_FILE = re.compile(r"--\s*flinkdoctor\s*:\s*noqa\b" + _CODES, re.IGNORECASE)
_PY_FILE = re.compile(r"(?:--|#)\s*flinkdoctor\s*:\s*noqa\b" + _CODES, re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")

ALL: frozenset[str] = frozenset()
"""A directive without codes: it silences every finding it covers."""


@dataclass(frozen=True, slots=True)
class Noqa:
    """The directives of one file: ``file_codes`` for the whole file (None: no such directive,
    ``ALL``: every code), ``lines`` by 1-based line number (``ALL`` or the codes silenced)."""

    file_codes: frozenset[str] | None = None
    lines: dict[int, frozenset[str]] = field(default_factory=dict)

    @property
    def whole_file(self) -> bool:
        """True when nothing in the file is to be reported (``-- flinkdoctor: noqa``)."""
        return self.file_codes is not None and not self.file_codes

    def silences(self, finding: Finding) -> bool:
        """True when a directive covers ``finding`` (its code, on its line or file-wide)."""
        if _covers(self.file_codes, finding.code):
            return True
        line = finding.location.line if finding.location else 0
        return line > 0 and _covers(self.lines.get(line), finding.code)


NONE = Noqa()
"""No directives (``--disable-noqa``, or a file without any)."""


def _covers(codes: frozenset[str] | None, code: str) -> bool:
    return codes is not None and (not codes or code in codes)


def parse_noqa(text: str, *, python: bool = False) -> Noqa:
    """The directives in ``text`` (a SQL script, or a PyFlink job when ``python``)."""
    if "noqa" not in text.lower():  # the common case, decided without a regex per line
        return NONE
    line_re, file_re = (_PY_LINE, _PY_FILE) if python else (_SQL_LINE, _SQL_FILE)
    file_codes: frozenset[str] | None = None
    lines: dict[int, frozenset[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if "noqa" not in line.lower():
            continue
        whole = file_re.search(line)
        if whole:
            codes = _codes(whole.group("codes"))
            file_codes = _merge(file_codes, codes)
            continue
        match = line_re.search(line)
        if match:
            lines[number] = _merge(lines.get(number), _codes(match.group("codes")))
    return Noqa(file_codes, lines)


def _merge(old: frozenset[str] | None, new: frozenset[str]) -> frozenset[str]:
    if old is None:
        return new
    if not old or not new:
        return ALL
    return old | new


def _codes(spec: str | None) -> frozenset[str]:
    """The codes a ``: FD101, pattern-suspicious`` list names; words that are neither a code
    nor a name end the list (``-- noqa: FD202 backfill job`` names FD202 only). A list that
    names nothing known silences nothing rather than everything."""
    if spec is None:
        return ALL
    found: list[str] = []
    for word in _WORD.findall(spec):
        entry = lookup(word)
        if entry is None:
            break
        found.append(entry.code)
    return frozenset(found) if found else frozenset(["<none>"])


def apply_noqa(findings: Iterable[Finding], noqa: Noqa) -> tuple[list[Finding], list[Finding]]:
    """``(kept, silenced)``: the findings ``noqa`` leaves, and those it silences."""
    kept: list[Finding] = []
    silenced: list[Finding] = []
    for finding in findings:
        (silenced if noqa.silences(finding) else kept).append(finding)
    return kept, silenced
