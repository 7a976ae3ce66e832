"""``explain`` for people: the verdict first, then the top cause with its evidence and verified
fix (a unified diff of the user's own file), then the other findings, ranked. Every piece of user
text goes in through ``Text`` (never markup), so brackets in values print as they are; lines
wrap to the console width (80 columns read well)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.padding import Padding
from rich.text import Text

from flinkdoctor.diagnosis.edits import unified_diff
from flinkdoctor.diagnosis.explain import ExplainResult
from flinkdoctor.findings import Finding, Severity

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_VERDICT_STYLE = {
    "rows": "bold green",
    "empty": "bold red",
    "fails": "bold red",
    "unknown": "bold yellow",
}
_EVIDENCE_SHOWN = 8


def render_explain(result: ExplainResult, console: Console) -> None:
    """Print the whole report."""
    head = Text.assemble(
        ("flinkdoctor explain ", "bold"),
        (result.source, "cyan"),
        f" · {result.records} event(s)",
    )
    verdict = Text.assemble(
        ("Verdict: ", "bold"), (result.verdict_text, _VERDICT_STYLE.get(result.verdict, "bold"))
    )
    console.print(verdict)
    console.print(head, style="dim")
    top = result.top
    if result.verdict == "unknown":
        found = "an error-level cause" if result.exit_code else "no error-level cause"
        console.print(
            Text(f"No windowed query to replay; the static and data checks found {found}.")
        )
    elif top is None or top.severity is not Severity.ERROR:
        console.print(Text("No error-level cause found: the job works on these events.", "green"))
    console.print()
    if top is not None:
        heading = "Top cause" if top.severity is Severity.ERROR else "Findings"
        console.print(Text(heading, style="bold underline"))
        _finding(console, top, result, full=True)
    rest = list(result.findings[1:])
    if rest:
        console.print()
        console.print(Text("Other findings, ranked", style="bold underline"))
        for number, finding in enumerate(rest, start=2):
            _finding(console, finding, result, full=False, number=number)
    if result.fix is not None and _distinct_combined(result):
        console.print()
        console.print(Text("All fixes together", style="bold underline"))
        _fix(console, result, result.fix.text, result.fix.edits, result.fix.verified)
    console.print()
    _queries(console, result)
    for note in result.assumptions:
        console.print(Text(f"assumed: {note}", style="dim"))


def _distinct_combined(result: ExplainResult) -> bool:
    assert result.fix is not None
    top = result.top
    return top is None or top.fix is None or top.fix.edits != result.fix.edits


def _finding(
    console: Console, finding: Finding, result: ExplainResult, *, full: bool, number: int = 1
) -> None:
    title = Text.assemble(
        (f"{number}. " if not full else "", "bold"),
        (f"{finding.severity.value} ", _STYLE[finding.severity]),
        (f"[{finding.code} {finding.name}]", "bold"),
    )
    console.print(title)
    if finding.location is not None:
        console.print(Padding(Text(f"at {finding.location}", "dim"), (0, 0, 0, 3)))
    console.print(Padding(Text(finding.message), (0, 0, 0, 3)))
    if full:
        for line in _evidence_lines(finding.evidence):
            console.print(Padding(Text(line, style="dim"), (0, 0, 0, 3)))
    fix = finding.fix
    if fix is None:
        return
    if fix.edits and full:
        _fix(console, result, fix.text, fix.edits, fix.verified)
        return
    top_fix = result.top.fix if result.top is not None else None
    if fix.edits and top_fix is not None and top_fix.edits == fix.edits:
        console.print(Padding(Text("fix: the same change as above", "green"), (0, 0, 0, 3)))
        return
    console.print(Padding(Text(f"fix: {fix.text}", "green"), (0, 0, 0, 3)))
    if fix.edits:
        _diff(console, result, fix.edits)
    if fix.verified is not None:
        console.print(Padding(_verified(fix.verified), (0, 0, 0, 3)))


def _fix(console: Console, result: ExplainResult, text: str, edits: Any, verified: Any) -> None:
    console.print(Padding(Text(f"fix: {text}", "green"), (0, 0, 0, 3)))
    _diff(console, result, edits)
    if verified is not None:
        console.print(Padding(_verified(verified), (0, 0, 0, 3)))


_DIFF_INDENT = 3
_DIFF_STYLE = {"-": "red", "+": "green", "@": "cyan"}


def _diff(console: Console, result: ExplainResult, edits: Any) -> None:
    """The diff at the console's width: a context line too long for it is cut with an ellipsis
    (it is unchanged, in the user's file); a changed line wraps, its continuation marked ``↪``
    under the line's own indent, so no wrapped piece reads as a line of the file."""
    diff = unified_diff(result.script_text, edits, result.source)
    room = max(20, console.width - _DIFF_INDENT)
    for line in diff.rstrip("\n").splitlines():
        style = "bold" if line.startswith(("--- ", "+++ ")) else _DIFF_STYLE.get(line[:1], "")
        if line.startswith(" ") or style == "bold" or len(line) <= room:
            text = Text(line, style=style, no_wrap=True, overflow="ellipsis")
            console.print(Padding(text, (0, 0, 0, _DIFF_INDENT)))
            continue
        for piece in _wrapped(line, room):
            console.print(Padding(Text(piece, style=style), (0, 0, 0, _DIFF_INDENT)))


def _wrapped(line: str, room: int) -> list[str]:
    """A changed diff line in pieces of at most ``room`` columns, at spaces where it can."""
    marker, body = line[:1], line[1:]
    indent = len(body) - len(body.lstrip(" "))
    lead = marker + " " * indent + "↪ " if indent + 3 < room // 2 else marker + "↪ "
    pieces: list[str] = []
    rest, first = line, True
    while rest:
        limit = room if first else room - len(lead)
        if len(rest) <= limit:
            pieces.append(rest if first else lead + rest)
            break
        cut = rest.rfind(" ", len(marker) + indent + 1 if first else 1, limit + 1)
        if cut <= 0:
            cut = limit
        head, rest = rest[:cut].rstrip(" "), rest[cut:].lstrip(" ")
        pieces.append(head if first else lead + head)
        first = False
    return pieces


def _verified(verified: Any) -> Text:
    mark, style = ("✗ replayed: ", "bold red") if verified.failed else ("✓ verified: ", "green")
    return Text.assemble((mark, style), verified.summary)


def _evidence_lines(evidence: Any) -> list[str]:
    """The evidence as short lines: examples with their file:line, inputs with their watermark,
    windows with their records; plain values as ``key: value``."""
    lines: list[str] = []
    first = [k for k in ("examples", "inputs", "windows") if k in evidence]
    for key, value in [(k, evidence[k]) for k in first] + [
        (k, v) for k, v in evidence.items() if k not in first
    ]:
        if key in _EVIDENCE_SKIPPED or value is None or value == [] or value == {}:
            continue
        if key == "examples" and isinstance(value, list):
            lines += [_example(example) for example in value[:3] if isinstance(example, dict)]
        elif key == "inputs" and isinstance(value, list):
            lines += [_input(item) for item in value[:4] if isinstance(item, dict)]
        elif key == "windows" and isinstance(value, list):
            lines += [_window(item) for item in value[:3]]
            if len(value) > 3:
                lines.append(f"... {len(value) - 3} more window(s)")
        elif isinstance(value, list):
            lines.append(f"{key}: {', '.join(map(str, value[:12]))}")
        elif isinstance(value, dict):
            lines.append(f"{key}: {', '.join(f'{k} -> {v}' for k, v in value.items())}")
        else:
            lines.append(f"{key}: {value}")
    return lines[:_EVIDENCE_SHOWN]


_EVIDENCE_SKIPPED = frozenset({"query", "all_idle", "conversion", "table", "sampled"})


def _example(example: dict[str, Any]) -> str:
    shown = example.get("value", example.get("event_time", ""))
    at = f" at {example['at']}" if example.get("at") else ""
    if "reads_as" in example:
        return f"e.g. {shown!r}{at} reads as {example['reads_as']}"
    reason = f": {example['reason']}" if example.get("reason") else ""
    return f"e.g. {shown!r}{at}{reason}"


def _input(item: dict[str, Any]) -> str:
    newest = item.get("last_event_time") or "no event"
    watermark = item.get("watermark") or "none"
    return f"{item.get('input')}: newest event {newest}, watermark {watermark}"


def _window(item: Any) -> str:
    if isinstance(item, dict):
        return (
            f"window [{item.get('window_start')}, {item.get('window_end')}): "
            f"{item.get('records')} record(s)"
        )
    return f"window starting {item}"


def _queries(console: Console, result: ExplainResult) -> None:
    for q in result.queries:
        where = f" ({q.location})" if q.location is not None else ""
        sink = q.sink or "(no sink: a SELECT)"
        if q.error is not None:
            line = Text.assemble((f"query {q.index}", "bold"), where, f": not replayed: {q.error}")
        else:
            visible = f", {q.visible_rows} visible" if q.visible_rows != q.rows else ""
            line = Text.assemble(
                (f"query {q.index}", "bold"),
                where,
                f" → {sink}: {q.rows} row(s){visible}, {q.windows_fired} window(s) fired, "
                f"{q.pending_windows} open; {q.window}; arrival {q.arrival}",
            )
            if q.failure:
                line.append(f"; fails: {q.failure}", style="red")
        console.print(line)
