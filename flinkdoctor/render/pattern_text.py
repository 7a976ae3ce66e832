"""``check-pattern`` for people: a verdict table, the counts, a caret under the first failure and
the DDL line to paste."""

from __future__ import annotations

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from flinkdoctor.diagnosis.pattern_check import PatternReport
from flinkdoctor.render.console import make_console
from flinkdoctor.timeformat import Status

_STYLE = {
    Status.OK: ("ok", "green"),
    Status.FALLBACK: ("fallback", "yellow"),
    Status.NULL: ("NULL", "bold red"),
    Status.FAIL: ("JOB FAILS", "bold white on red"),
}

_MEANING = {
    Status.FALLBACK: (
        "the pattern does not match; Flink's lenient java.sql.Timestamp/Date.valueOf fallback "
        "parses it anyway"
    ),
    Status.NULL: "Flink silently returns NULL: no error, no log, the rowtime is NULL",
    Status.FAIL: "Flink fails the job on this value",
}


def render_pattern_report(
    report: PatternReport, limit: int = 20, console: Console | None = None
) -> None:
    """Print the report; ``limit`` caps the table rows (0 = all), problems are listed first."""
    out = console or make_console()
    conversion = report.conversion
    out.print(Text.assemble(("Conversion: ", "bold"), conversion.describe()))
    if conversion.origin:
        _say(out, Text(f"from {conversion.origin}", style="dim"))
    for note in report.notes:
        _say(out, Text(f"! {note}", style="bold yellow"))

    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    table.add_column("#", justify="right", style="dim")
    table.add_column("value", overflow="fold")
    table.add_column("verdict")
    table.add_column("timestamp")
    table.add_column("reason", overflow="fold")
    shown = list(enumerate(report.results))
    if limit and len(shown) > limit:
        problems = [item for item in shown if item[1].conversion.status is not Status.OK]
        fine = [item for item in shown if item[1].conversion.status is Status.OK]
        shown = sorted((problems + fine)[:limit])
    previous: str | None = None
    for index, result in shown:
        label, style = _STYLE[result.conversion.status]
        reason = _short(result.conversion.reason)
        table.add_row(
            str(index + 1),
            "NULL" if result.value is None else repr(result.value)[1:-1],
            Text(label, style=style),
            result.timestamp or "-",
            Text("same as above", style="dim") if reason and reason == previous else reason,
        )
        previous = reason
    out.print(table)
    if len(shown) < len(report.results):
        out.print(
            Text(
                f"  ... {len(report.results) - len(shown)} more rows (--limit 0 shows all)",
                style="dim",
            )
        )

    counts = report.counts
    summary = Text(f"{len(report.results)} values: ")
    parts = [
        (f"{counts['ok']} ok", "green"),
        (f"{counts['fallback']} fallback", "yellow"),
        (f"{counts['null']} NULL", "red"),
        (f"{counts['fail']} job failure", "red"),
    ]
    for position, (words, style) in enumerate(parts):
        summary.append(words, style=style if words[0] != "0" else "")
        summary.append(", " if position < len(parts) - 1 else "")
    out.print(summary)

    problem = report.first_problem
    if problem is not None:
        index, result = problem
        status = result.conversion.status
        out.print()
        out.print(
            Text.assemble((f"Value {index + 1}: ", "bold"), (_MEANING[status], _STYLE[status][1]))
        )
        if result.value is not None:
            out.print(Text("  " + result.value))
            if result.conversion.error_index is not None:
                out.print(Text(" " * (2 + result.conversion.error_index) + "^", style="red"))
            if result.conversion.reason:
                _say(out, Text(result.conversion.reason, style="red"))
    suggestion = report.suggestion
    if suggestion is not None and suggestion.pattern is not None:
        out.print()
        out.print(
            Text.assemble(
                ("Suggested pattern", "bold green"),
                f" (parses {suggestion.parsed} of {suggestion.total} values through the pattern):",
            )
        )
        _say(out, Text(suggestion.pattern, style="bold"))
        out.print(Text("Paste into the DDL:", style="bold"))
        _say(out, Text(suggestion.ddl or "", style="green"))
        if suggestion.note:
            _say(out, Text(suggestion.note, style="dim"))
    elif suggestion is not None:
        out.print()
        _say(out, Text.assemble(("Suggestion: ", "bold green"), suggestion.note), 0)
        if suggestion.ddl:
            out.print(Text("Paste into the DDL:", style="bold"))
            _say(out, Text(suggestion.ddl, style="green"))
    elif not report.all_ok and report.results:
        out.print(
            Text("No single pattern parses these values; see the reasons above.", style="dim")
        )


def _say(out: Console, text: Text, indent: int = 2) -> None:
    """A paragraph indented by ``indent``, wrapped lines included (a hanging indent)."""
    out.print(Padding(text, (0, 0, 0, indent)))


def _short(reason: str | None) -> str:
    """The first clause of a reason, for the table (the full reason is under the table)."""
    return (reason or "").split("; ")[0]
