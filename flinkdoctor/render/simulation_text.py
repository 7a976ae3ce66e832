"""``simulate-windows`` for people: the rows the sink receives, the windows still open and why,
the dropped records and why, and a watermark-vs-event-time picture per input."""

from __future__ import annotations

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from flinkdoctor.engine.result import JobFailure, PendingWindow, SimulationResult
from flinkdoctor.engine.timeutil import LONG_MAX, format_millis
from flinkdoctor.engine.values import flink_string
from flinkdoctor.render.simulation_json import _Clock

TRACK = 48


def render_simulation(result: SimulationResult, console: Console, limit: int = 30) -> None:
    """Print the whole report."""
    clock = _Clock(result)
    cfg = result.config
    head = Text.assemble(
        ("simulate-windows ", "bold"),
        (f"Flink {cfg['flink_version']}", "cyan"),
        f" · {cfg['table']} ({cfg['connector']}, {'bounded' if cfg['bounded'] else 'unbounded'})",
        f" · {cfg['window']} on {cfg['rowtime']} ({cfg['rowtime_type']})",
    )
    console.print(head)
    detail = f"  watermark: {cfg['watermark_path']}"
    if cfg.get("partitions") is not None:
        owners = cfg.get("partition_owners") or {}
        detail += f" · {cfg['partitions']} partition(s) → {cfg['parallelism']} subtask(s) {owners}"
    else:
        detail += f" · parallelism {cfg['parallelism']}"
    detail += (
        f" · interval {cfg['pipeline.auto-watermark-interval']} ms · idle-timeout "
        f"{cfg['idle_timeout']} ms · arrival {cfg['arrival']}"
    )
    console.print(Text(detail, style="dim"))
    for note in result.notes[1:]:
        console.print(Text(f"  note: {note}", style="dim"))
    console.print()

    if result.failure is not None:
        f = result.failure
        body = Text.assemble(
            (f"[{f.rule}] ", "bold"),
            f.message,
            f"\n  at {f.source}" if f.source else "",
            _failure_outcome(f),
        )
        console.print(Panel(body, title="JOB FAILS", border_style="red"))

    _rows(result, console, limit)
    _pending(result, console, clock, limit)
    _dropped(result, console, clock, limit)
    _timeline(result, console, clock)
    _verdict(result, console)


def _failure_outcome(failure: JobFailure) -> str:
    if failure.at_planning:
        return "\n  Flink rejects the job while planning it: it never starts, no record is read."
    if failure.restarts:
        return "\n  The job restarts forever (checkpointing is on) and the sink gets nothing more."
    return "\n  The job fails (no restart strategy without checkpointing)."


def _rows(result: SimulationResult, console: Console, limit: int) -> None:
    title = f"Rows the sink receives ({len(result.rows)})"
    if not result.rows:
        console.print(Text(f"{title}: none", style="bold yellow"))
        console.print()
        return
    table = Table(title=title, title_justify="left", header_style="bold", show_edge=False)
    table.add_column("op", style="dim")
    for c in result.columns:
        table.add_column(c.name, justify="left")
    for kind, row in list(zip(result.row_kinds, result.rows, strict=True))[:limit]:
        table.add_row(kind, *[_cell(flink_string(row[c.name], c.type)) for c in result.columns])
    console.print(table)
    if len(result.rows) > limit:
        console.print(
            Text(
                f"  ... {len(result.rows) - limit} more rows (--format json lists all)", style="dim"
            )
        )
    console.print()


def _cell(text: str | None) -> Text:
    return Text("NULL", style="dim italic") if text is None else Text(text)


def _pending(result: SimulationResult, console: Console, clock: _Clock, limit: int) -> None:
    if not result.pending:
        return
    windows: dict[tuple[int, int], list[PendingWindow]] = {}
    for p in result.pending:
        windows.setdefault((p.window_start, p.window_end), []).append(p)
    table = Table(
        title=f"Windows still open ({len(windows)} window(s), {len(result.pending)} key(s)) "
        "[R3.3: a window fires at watermark >= end - 1 ms]",
        title_justify="left",
        header_style="bold",
        show_edge=False,
    )
    table.add_column("window", no_wrap=True)
    table.add_column("keys", overflow="fold", ratio=1)
    table.add_column("rows", justify="right")
    table.add_column("needs watermark ≥", no_wrap=True)
    for (start, end), group in list(windows.items())[:limit]:
        keys = [", ".join(f"{k}={v}" for k, v in p.key.items()) for p in group]
        shown = "; ".join(k for k in keys[:3] if k) + (
            f"; +{len(keys) - 3} more" if len(keys) > 3 else ""
        )
        table.add_row(
            _window_span(format_millis(start) or "", format_millis(end) or ""),
            shown or "-",
            str(sum(p.records for p in group)),
            clock.ts(group[0].needed_watermark) or "",
        )
    console.print(table)
    if len(windows) > limit:
        console.print(Text(f"  ... {len(windows) - limit} more open windows", style="dim"))
    first = result.pending[0]
    console.print(Text.assemble(("  Why the first one has not fired: ", "bold"), first.explanation))
    for h in first.held_back_by[:8]:
        console.print(Text.assemble("   • ", (h.input, "bold"), f" [{h.rule}]: {h.reason}"))
    if len(first.held_back_by) > 8:
        console.print(Text(f"   • ... {len(first.held_back_by) - 8} more inputs", style="dim"))
    console.print()


def _window_span(start: str, end: str) -> str:
    """``start → end``, the end's date left out when it is the start's."""
    return f"{start} → {end[11:]}" if start[:10] == end[:10] else f"{start} → {end}"


def _dropped(result: SimulationResult, console: Console, clock: _Clock, limit: int) -> None:
    if not result.dropped_total:
        return
    by_rule = ", ".join(f"{r}: {n}" for r, n in sorted(result.dropped_by_rule.items()))
    table = Table(
        title=f"Dropped records ({result.dropped_total}; {by_rule})",
        title_justify="left",
        header_style="bold",
        show_edge=False,
    )
    table.add_column("record")
    table.add_column("event time")
    table.add_column("watermark then")
    table.add_column("rule")
    table.add_column("why", overflow="fold", ratio=1)
    for d in result.dropped[:limit]:
        where = d.source or "?"
        if d.partition is not None:
            where += f" (p{d.partition}@{d.offset})"
        table.add_row(
            where,
            clock.ts(d.event_time) or "NULL",
            clock.ts(d.watermark) or "none",
            d.rule,
            d.reason,
        )
    console.print(table)
    if result.dropped_total > min(limit, len(result.dropped)):
        console.print(
            Text(
                f"  ... {result.dropped_total - min(limit, len(result.dropped))} more", style="dim"
            )
        )
    console.print()


def _timeline(result: SimulationResult, console: Console, clock: _Clock) -> None:
    inputs = [
        t
        for t in result.watermarks
        if t.kind != "subtask"
        or not any(w.kind == "split" and w.subtask == t.subtask for w in result.watermarks)
    ]
    events = [t.last_event_time for t in result.watermarks if t.last_event_time is not None]
    marks = [
        t.points[-1].watermark
        for t in inputs
        if t.points and t.points[-1].watermark not in (None, LONG_MAX)
    ]
    needed = [p.needed_watermark for p in result.pending]
    values = [v for v in (*events, *marks, *needed[:1]) if v is not None]
    shown = [clock.ts(v) or "" for v in values]
    day = shown[0][:10] if shown and all(text[:10] == shown[0][:10] for text in shown) else None

    def ts(millis: int | None) -> str | None:
        """The timestamp, without its date when every one shown is on the same day."""
        text = clock.ts(millis)
        return text[11:] if day is not None and text is not None and text[:10] == day else text

    table = Table(
        title="Watermark vs event time per input" + (f" (times on {day})" if day else ""),
        title_justify="left",
        header_style="bold",
        show_edge=False,
    )
    table.add_column("input", no_wrap=True)
    table.add_column("rows", justify="right", no_wrap=True, min_width=4)
    table.add_column("newest event", no_wrap=True)
    table.add_column("watermark", no_wrap=True)
    lo = min(values) if values else 0
    hi = max(values) if values else 0
    target = needed[0] if needed else None
    cells: list[tuple[str, str, str, Text, int | None, int | None]] = []
    for t in inputs:
        last = t.points[-1] if t.points else None
        wm = last.watermark if last else None
        state = " (idle)" if last is not None and last.idle else ""
        wm_text = Text(
            (ts(wm) or "none") + state,
            style="red" if target is not None and (wm is None or wm < target) and not state else "",
        )
        name = t.input if t.kind != "operator" else "⇒ window operator"
        newest = ts(t.last_event_time) or (
            "-"
            if t.kind == "operator"
            else "only NULL rowtimes"
            if t.records
            else "never received data"
        )
        cells.append((name, str(t.records), newest, wm_text, wm, t.last_event_time))
    # The track takes what the other columns leave of the terminal (3 per column separator).
    fixed = sum(
        max([len(header), *(len(str(row[i])) for row in cells)])
        for i, header in enumerate(("input", "rows", "newest event", "watermark"))
    )
    width = max(12, min(60, (console.width or 100) - fixed - 14))
    table.add_column(
        f"{ts(lo) or ''} … {ts(hi) or ''}" if width >= 40 else "event time →",
        no_wrap=True,
    )
    for name, records, newest, wm_text, wm, last_event in cells:
        table.add_row(name, records, newest, wm_text, _track(lo, hi, wm, last_event, target, width))
    console.print(table)
    console.print(
        Text(
            "  track: █ up to the watermark, ░ from there to the newest event, │ the "
            "watermark the first open window needs",
            style="dim",
        )
    )
    console.print()


def _track(
    lo: int, hi: int, wm: int | None, newest: int | None, target: int | None, width: int = TRACK
) -> Text:
    span = max(hi - lo, 1)

    def pos(v: int) -> int:
        return max(0, min(width - 1, (v - lo) * (width - 1) // span))

    cells = ["·"] * width
    styles = ["dim"] * width
    w = pos(wm) if wm is not None and wm != LONG_MAX else (width - 1 if wm == LONG_MAX else -1)
    e = pos(newest) if newest is not None else -1
    for i in range(width):
        if i <= w:
            cells[i], styles[i] = "█", "green"
        elif i <= e:
            cells[i], styles[i] = "░", "yellow"
    if target is not None and target != LONG_MAX:
        tp = pos(target)
        cells[tp], styles[tp] = "│", "bold red"
    text = Text()
    for c, s in zip(cells, styles, strict=True):
        text.append(c, style=s)
    return text


def _verdict(result: SimulationResult, console: Console) -> None:
    parts: list[str] = []
    if result.failure is not None:
        parts.append(f"the job fails ({result.failure.rule})")
    if result.pending:
        windows = len({(p.window_start, p.window_end) for p in result.pending})
        parts.append(
            f"{windows} window(s) ({len(result.pending)} key group(s)) never fire without more data"
        )
    if result.dropped_total:
        parts.append(f"{result.dropped_total} record(s) dropped")
    parts += [_short_finding(f) for f in result.findings]
    if not parts:
        console.print(
            Text(
                f"OK: {len(result.rows)} row(s); every window fired, nothing dropped.",
                style="bold green",
            )
        )
    else:
        console.print(Text("Diagnosis: " + "; ".join(parts) + ".", style="bold red"))


def _short_finding(finding: str) -> str:
    rule = finding.split(":")[0]
    if rule == "R3.8":
        return "R3.8: not a window aggregate, emits updates"
    return finding


__all__ = ["render_simulation"]
