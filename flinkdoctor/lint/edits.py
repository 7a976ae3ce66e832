"""Line edits of the user's file for fixes: only when the text to change is found exactly where
the finding points (or, failing that, exactly once in the whole file), so an applied fix never
edits the wrong place. Without the file's lines (``LintContext.lines`` empty) there are none."""

from __future__ import annotations

from flinkdoctor.errors import Location
from flinkdoctor.findings import Edit
from flinkdoctor.lint.rule import LintContext


def replace_text(
    context: LintContext, location: Location | None, old: str, new: str
) -> tuple[Edit, ...]:
    """An edit turning ``old`` into ``new`` on the finding's line, else on the one line of the
    file that holds ``old`` exactly once; no edit when neither is unambiguous."""
    lines = context.lines
    if not lines or location is None or not old:
        return ()
    candidates: list[int] = []
    if 1 <= location.line <= len(lines) and lines[location.line - 1].count(old) == 1:
        candidates = [location.line]
    else:
        hits = [n for n, text in enumerate(lines, 1) if old in text]
        if len(hits) == 1 and lines[hits[0] - 1].count(old) == 1:
            candidates = hits
    if not candidates:
        return ()
    n = candidates[0]
    return (Edit(location.file, n, n, (lines[n - 1].replace(old, new),)),)


def insert_option(
    context: LintContext, first_option: Location | None, text: str
) -> tuple[Edit, ...]:
    """Insert ``'key' = 'value',`` (``text``) as its own line before the table's first WITH
    option, indented like it; only when that option starts its line."""
    lines = context.lines
    if not lines or first_option is None or not 1 <= first_option.line <= len(lines):
        return ()
    line = lines[first_option.line - 1]
    indent = line[: first_option.column - 1]
    if indent.strip():
        return ()
    n = first_option.line
    return (Edit(first_option.file, n, n - 1, (f"{indent}{text},",)),)


def insert_line_before(
    context: LintContext, location: Location | None, text: str
) -> tuple[Edit, ...]:
    """Insert ``text`` as a line of its own before the line of ``location`` (a statement that
    starts its line)."""
    lines = context.lines
    if not lines or location is None or not 1 <= location.line <= len(lines):
        return ()
    line = lines[location.line - 1]
    if line[: location.column - 1].strip():
        return ()
    n = location.line
    return (Edit(location.file, n, n - 1, (text,)),)
