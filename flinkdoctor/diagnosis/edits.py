"""Edits of the user's own file: build them line by line, apply them to a copy, show them as a
unified diff. Several fixes may touch one line (seed case 1 renames the column and changes the
pattern on the same SQL line), so edits are composed on the current text of each line and then
turned into one ``Edit`` per changed line."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from flinkdoctor.findings import Edit


@dataclass(frozen=True, slots=True)
class LineOp:
    """One change of one line: a regex substitution (``pattern`` -> ``replacement``, first match
    only unless ``count`` is 0), or an insertion before the line (``insert`` set)."""

    line: int
    pattern: str = ""
    replacement: str = ""
    count: int = 1
    insert: str | None = None


def build_edits(text: str, file: str, ops: Sequence[LineOp]) -> tuple[Edit, ...]:
    """The edits of ``file`` that apply ``ops`` in order (later ops see earlier results)."""
    lines = text.splitlines()
    changed: dict[int, str] = {}
    inserted: dict[int, list[str]] = {}
    for op in ops:
        if not 1 <= op.line <= len(lines):
            continue
        if op.insert is not None:
            inserted.setdefault(op.line, []).append(op.insert)
            continue
        current = changed.get(op.line, lines[op.line - 1])
        updated = re.sub(op.pattern, op.replacement, current, count=op.count)
        if updated != current:
            changed[op.line] = updated
    edits: list[Edit] = []
    for line in sorted(set(changed) | set(inserted)):
        new = [*inserted.get(line, []), changed.get(line, lines[line - 1])]
        edits.append(Edit(file, line, line, tuple(new)))
    return tuple(edits)


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """``text`` with ``edits`` applied (edits of one file, non-overlapping; the line ending of
    the text is kept)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines()
    for edit in sorted(edits, key=lambda e: e.start_line, reverse=True):
        start = edit.start_line - 1
        lines[start : edit.end_line] = list(edit.replacement)
    out = newline.join(lines)
    return out + newline if text.endswith(("\n", "\r")) else out


def merge_edits(*groups: Sequence[Edit]) -> tuple[Edit, ...]:
    """Edits of several fixes as one set: an edit identical to one already taken is dropped, and
    of two edits of the same line the later one wins (fixes are built to compose: see
    ``build_edits``)."""
    by_line: dict[tuple[str, int], Edit] = {}
    for group in groups:
        for edit in group:
            by_line[(edit.file, edit.start_line)] = edit
    return tuple(sorted(by_line.values(), key=lambda e: (e.file, e.start_line)))


def unified_diff(text: str, edits: Sequence[Edit], path: str, context: int = 2) -> str:
    """The edits as a unified diff of ``path`` (``a/path`` -> ``b/path``), for display: a
    secret of the script (a password in a WITH option, a JAAS config) on a changed or context
    line is masked, as in every other output (the edits themselves stay exact)."""
    from flinkdoctor.events.redact import scrub, secret_literals

    if not edits:
        return ""
    before = text.splitlines(keepends=False)
    after = apply_edits(text, edits).splitlines(keepends=False)
    name = path.lstrip("/")
    lines = difflib.unified_diff(
        before, after, fromfile=f"a/{name}", tofile=f"b/{name}", n=context, lineterm=""
    )
    return scrub("\n".join(lines) + "\n", secret_literals(text))


def lines_containing(text: str, needle: str) -> list[int]:
    """1-based numbers of the lines that contain ``needle``."""
    return [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]


def word(name: str) -> str:
    """A regex matching ``name`` as a whole identifier."""
    return rf"(?<![\w$]){re.escape(name)}(?![\w$])"
