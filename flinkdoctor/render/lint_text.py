"""``lint --format text``: one concise line per finding, ``path:line:col: CODE name message``
(the shape compilers, ruff and sqlfluff print, so editors and terminals link it), the files that
could not be linted, and a summary line.

Plain text: nothing here goes through rich, so no user text can be read as markup. With ``color``
the location is bold and the code coloured by severity (ANSI), as ruff does in a terminal. With
``width`` (a terminal's columns) a long finding wraps at word boundaries with its continuation
indented, so ``path:line:col: CODE name`` still starts its line and nothing is cut mid-word;
piped output keeps one line per finding, for tools.
"""

from __future__ import annotations

import textwrap

from flinkdoctor.findings import Finding, Severity
from flinkdoctor.lint.report import FileError, LintReport

_ANSI = {
    Severity.ERROR: "\x1b[1;31m",
    Severity.WARNING: "\x1b[1;33m",
    Severity.INFO: "\x1b[1;36m",
}
_BOLD, _RESET = "\x1b[1m", "\x1b[0m"


def _place(path: str, line: int, column: int) -> str:
    if line <= 0:
        return path
    return f"{path}:{line}:{column}" if column > 0 else f"{path}:{line}"


_INDENT = "    "
"""The continuation of a wrapped finding (``width`` given)."""


def finding_line(finding: Finding, *, color: bool = False, width: int | None = None) -> str:
    """``path:line:col: CODE name message`` (one line: newlines in the message become spaces;
    wrapped with an indent at ``width`` when given)."""
    loc = finding.location
    place = _place(loc.file, loc.line, loc.column) if loc else "<script>"
    return _row(place, finding.code, finding.name, finding.severity, finding.message, color, width)


def unparsed_line(error: FileError, *, color: bool = False, width: int | None = None) -> str:
    """``path:line:col: cannot lint: why`` for a file that could not be read or parsed."""
    place = _place(error.path, error.line, error.column)
    return _row(place, "cannot lint:", "", Severity.ERROR, error.message, color, width)


def _row(
    place: str,
    label: str,
    name: str,
    severity: Severity,
    message: str,
    color: bool,
    width: int | None,
) -> str:
    head = f"{place}: {label}" + (f" {name}" if name else "")
    line = f"{head} {' '.join(message.split())}"
    if width is not None and len(line) > width:
        # the head stays whole on the first line; a head too wide for it keeps ``CODE name``
        # whole on the next line
        glued = f"{place}: " + label + (f"\x00{name}" if name else "")
        if len(head) <= width:
            glued = glued.replace(" ", "\x00")
        pieces = textwrap.wrap(
            glued + line[len(head) :],
            max(20, width),
            subsequent_indent=_INDENT,
            break_long_words=False,
            break_on_hyphens=False,
        )
        line = "\n".join(pieces).replace("\x00", " ")
    if color:
        rest = line[len(place) :].replace(label, f"{_ANSI[severity]}{label}{_RESET}", 1)
        line = f"{_BOLD}{place}{_RESET}{rest}"
    return line


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(report: LintReport) -> str:
    """What was found, in how many files, and why the exit code is what it is."""
    files = _plural(report.files_checked, "file")
    silenced = f"; {report.suppressed} silenced by noqa" if report.suppressed else ""
    if not report.findings and not report.unparsed:
        return f"All checks passed ({files} checked{silenced})."
    if report.findings:
        parts = [_plural(n, level) for level, n in report.counts.items() if n]
        found = f"Found {_plural(len(report.findings), 'finding')} ({', '.join(parts)})"
    else:
        found = "No findings"
    unlinted = f"; {len(report.unparsed)} could not be linted" if report.unparsed else ""
    head = f"{found} in {files}{unlinted}{silenced}."
    level = report.fail_on.value
    failing = report.failing - len(report.unparsed)
    if report.exit_code == 0:
        why = "(--exit-zero)" if report.failing else f"nothing at {level} or worse"
        return f"{head} Exit 0: {why}." if not report.failing else f"{head} Exit 0 {why}."
    reasons = [f"findings at {level} or worse"] if failing else []
    reasons += ["files that could not be linted"] if report.unparsed else []
    return f"{head} Exit 1: {' and '.join(reasons)}."


def render_lint_text(
    report: LintReport, *, color: bool = False, width: int | None = None, summary: bool = True
) -> str:
    """The whole report, lines in file order, then the summary (wrapped at ``width``, a
    terminal's columns, when given; left out with ``summary=False``, for ``--quiet``)."""
    rows: list[tuple[tuple[str, int, int], str]] = []
    for finding in report.findings:
        loc = finding.location
        key = (loc.file, loc.line, loc.column) if loc else ("", 0, 0)
        rows.append((key, finding_line(finding, color=color, width=width)))
    for error in report.unparsed:
        place = (error.path, error.line, error.column)
        rows.append((place, unparsed_line(error, color=color, width=width)))
    rows.sort(key=lambda row: row[0])
    lines = [text for _, text in rows]
    if not summary:
        return "".join(line + "\n" for line in lines)
    if lines:
        lines.append("")
    said = summary_line(report)
    lines += textwrap.wrap(said, max(20, width), break_on_hyphens=False) if width else [said]
    return "\n".join(lines) + "\n"
