"""``lint --format github``: one GitHub Actions workflow command per finding, so each shows as an
annotation on the pull request's diff.

``::error file=jobs/a.sql,line=12,col=5,title=FD202 no-idle-timeout::message`` for errors,
``::warning`` for warnings, ``::notice`` for info. Escaping follows the Actions runner
(actions/toolkit ``command.ts``): in the message ``%``, CR and LF become ``%25``, ``%0D``,
``%0A``; in property values ``:`` and ``,`` also become ``%3A`` and ``%2C``.
"""

from __future__ import annotations

from flinkdoctor.findings import Finding, Severity
from flinkdoctor.lint.report import FileError, LintReport

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """A command's message (after ``::``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value (``file=``, ``title=`` ...)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(kind: str, path: str | None, line: int, column: int, title: str, message: str) -> str:
    props: list[str] = []
    if path:
        props.append(f"file={escape_property(path)}")
        if line > 0:
            props.append(f"line={line}")
            if column > 0:
                props.append(f"col={column}")
    props.append(f"title={escape_property(title)}")
    return f"::{kind} {','.join(props)}::{escape_data(message)}"


def finding_command(finding: Finding) -> str:
    """The workflow command of one finding."""
    loc = finding.location
    return _command(
        _COMMAND[finding.severity],
        loc.file if loc else None,
        loc.line if loc else 0,
        loc.column if loc else 0,
        f"{finding.code} {finding.name}",
        finding.message,
    )


def unparsed_command(error: FileError) -> str:
    """An error annotation for a file that could not be linted."""
    return _command(
        "error", error.path, error.line, error.column, "flinkdoctor: cannot lint", error.message
    )


def render_github(report: LintReport) -> str:
    """Every command, one per line (the files that could not be linted first)."""
    lines = [unparsed_command(e) for e in report.unparsed]
    lines += [finding_command(f) for f in report.findings]
    return "".join(line + "\n" for line in lines)
