"""``simulate-windows`` for people: the rows the sink receives, the windows still open and why,
the dropped records and why, and a watermark-vs-event-time picture per input."""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from flinkdoctor.diagnosis.json_fix import json_timestamp_fix
from flinkdoctor.engine.result import InputTimeline, JobFailure, PendingWindow, SimulationResult
from flinkdoctor.engine.timeutil import LONG_MAX, format_millis
from flinkdoctor.engine.values import flink_string
from flinkdoctor.render.replay_wording import dropped_reason, holder_reason, pending_explanation
from flinkdoctor.render.rules import rule_ids, rules_footer
from flinkdoctor.render.simulation_json import _Clock

TRACK = 48


CHECK = "flinkdoctor check-pattern --ddl SCRIPT --events FILE"


def render_simulation(
    result: SimulationResult, console: Console, limit: int = 30, check: str = CHECK
) -> None:
    """Print the whole report; ``check`` is the check-pattern command for this script and
    events, which the next step names when the rowtime conversion is at fault."""
    clock = _Clock(result)
    _header(result, console)

    if result.failure is not None:
        f = result.failure
        parts: list[RenderableType] = [Text.assemble((f"[{f.rule}] ", "bold"), f.message)]
        if f.source:
            parts.append(Padding(Text(f"at {f.source}"), (0, 0, 0, 2)))
        parts.append(Padding(Text(_failure_outcome(f).strip()), (0, 0, 0, 2)))
        fix = _failure_fix(f, check)
        if fix:
            parts.append(Padding(Text.assemble(("Fix: ", "bold green"), fix), (0, 0, 0, 2)))
        console.print(Panel(Group(*parts), title="JOB FAILS", border_style="red"))

    _rows(result, console, limit)
    _pending(result, console, clock, limit)
    _dropped(result, console, clock, limit)
    _timeline(result, console, clock)
    _verdict(result, console, check)
    footer = rules_footer(_cited(result))
    if footer:
        console.print(Text(footer, style="dim"))


_ARRIVAL = {
    "file": "records arrive in file order, at once",
    "live": "records arrive at their Kafka timestamps",
    "backlog": "records are read as a backlog",
}


def _header(result: SimulationResult, console: Console) -> None:
    """What was simulated, in words: the window, the watermark path, the partition assignment."""
    cfg = result.config
    bounded = "bounded" if cfg["bounded"] else "unbounded"
    console.print(
        Text.assemble(
            ("simulate-windows", "bold"),
            " · ",
            (f"Flink {cfg['flink_version']}", "cyan"),
            f" · table {cfg['table']} ({cfg['connector']}, {bounded})",
        )
    )
    window = str(cfg["window"])
    legacy = window.startswith("legacy GROUP BY ")
    window = window.removeprefix("legacy GROUP BY ")
    style = (
        ", a legacy group window (GROUP BY TUMBLE/HOP/SESSION, the pre-TVF syntax)"
        if legacy
        else ""
    )
    lines = [f"window: {window} on {cfg['rowtime']} ({cfg['rowtime_type']}){style}"]
    watermark = f"watermark: {cfg['watermark_path']}"
    owners = cfg.get("partition_owners")
    if cfg.get("partitions") is not None:
        watermark += f"; {cfg['partitions']} partition(s) on {cfg['parallelism']} subtask(s)"
        if owners:
            pairs = sorted((int(p), int(s)) for p, s in owners.items())
            watermark += ": " + ", ".join(f"partition {p} → subtask {s}" for p, s in pairs)
        elif cfg.get("partition_owner_start") is not None:
            start, n = cfg["partition_owner_start"], cfg["parallelism"]
            watermark += (
                f": partition p → subtask ({start} + p) mod {n}" if n > 1 else ": all → subtask 0"
            )
    else:
        watermark += f"; parallelism {cfg['parallelism']}"
    lines.append(watermark)
    idle = int(cfg["idle_timeout"] or 0)
    lines.append(
        f"emitted every {cfg['pipeline.auto-watermark-interval']} ms · "
        + (f"idle timeout {idle} ms" if idle > 0 else "no idle timeout")
        + f" · {_ARRIVAL.get(str(cfg['arrival']), 'arrival ' + str(cfg['arrival']))}"
    )
    lines += [f"note: {note}" for note in result.notes[1:]]
    for line in lines:
        # A choice the user has to make (which query) stands out; the rest is context.
        _say(console, Text(line, style="yellow" if "--query" in line else "dim"))
    console.print()


def _failure_fix(failure: JobFailure, check: str = CHECK) -> str | None:
    """The change that makes the failing value decode, when Flink's failure has one."""
    if failure.rule == "R4.5" and failure.value is not None:
        fix = json_timestamp_fix(failure.value)
        field = failure.field or "the field"
        if fix is not None:
            return (
                f"declare {field} {fix.type_name} and set 'json.timestamp-format.standard' = "
                f"'{fix.standard}' in the table's WITH options: then {failure.value!r} "
                f"decodes ({check} checks them all)."
            )
        return (
            f"declare {field} STRING and convert it with TO_TIMESTAMP({field}, 'pattern') in a "
            "computed column (flinkdoctor check-pattern finds the pattern)."
        )
    if failure.rule in ("R1.5", "R1.7"):
        return f"the rowtime is NULL: fix its conversion ({check})."
    return None


def _cited(result: SimulationResult) -> list[str]:
    """Every rule id the report prints."""
    zone = result.display_zone
    texts: list[str | None] = [*result.notes[1:], *result.findings]
    if result.failure is not None:
        texts += [result.failure.rule, result.failure.message]
    if result.pending:
        texts.append("R3.3")  # the open-windows title
        first = result.pending[0]
        texts.append(pending_explanation(first, zone))
        texts += [f"{h.rule} {holder_reason(h, zone)}" for h in first.held_back_by[:8]]
    texts += list(result.dropped_by_rule)
    texts += [f"{d.rule} {dropped_reason(d)}" for d in result.dropped]
    return rule_ids(texts)


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
    shown = list(zip(result.row_kinds, result.rows, strict=True))[:limit]
    cells = [[_cell(flink_string(row[c.name], c.type)) for c in result.columns] for _, row in shown]
    for i, c in enumerate(result.columns):
        if c.type.upper().startswith("TIMESTAMP"):  # date and time may go on two lines
            table.add_column(c.name, justify="left")
            continue
        # keys and values stay whole on one line where they can; a long one folds, never "…"
        widest = max([len(c.name), *(len(str(r[i])) for r in cells)])
        whole = widest <= _WHOLE_CELL
        table.add_column(
            c.name,
            justify="left",
            no_wrap=whole,
            min_width=widest if whole else None,
            overflow="fold",
        )
    for (kind, _row), row_cells in zip(shown, cells, strict=True):
        table.add_row(kind, *row_cells)
    console.print(table)
    if len(result.rows) > limit:
        console.print(
            Text(
                f"  ... {len(result.rows) - limit} more rows (--format json lists all)", style="dim"
            )
        )
    console.print()


_WHOLE_CELL = 32
"""Cells up to this wide are kept on one line (keys such as host names); wider ones fold."""


def _cell(text: str | None) -> Text:
    return Text("NULL", style="dim italic") if text is None else Text(text)


def _pending(result: SimulationResult, console: Console, clock: _Clock, limit: int) -> None:
    if not result.pending:
        return
    windows: dict[tuple[int, int], list[PendingWindow]] = {}
    for p in result.pending:
        windows.setdefault((p.window_start, p.window_end), []).append(p)
    shown = list(windows.items())[:limit]
    texts = [
        text
        for (start, end), group in shown
        for text in (format_millis(start), format_millis(end), clock.ts(group[0].needed_watermark))
    ]
    day = _common_day(texts)
    bounds = [format_millis(t) or "" for (start, end), _ in shown for t in (start, end)]
    whole = all(b.endswith(".000") for b in bounds)  # whole seconds: drop the millis
    table = Table(
        title=f"Windows still open ({len(windows)} window(s), {len(result.pending)} key(s))"
        + (f", times on {day}" if day else ""),
        caption="R3.3: a window fires once the watermark reaches its end - 1 ms",
        title_justify="left",
        caption_justify="left",
        header_style="bold",
        show_edge=False,
    )
    table.add_column("window", no_wrap=True)
    table.add_column("keys", overflow="fold", ratio=1, min_width=16)
    table.add_column("rows", justify="right", no_wrap=True)
    table.add_column("needs watermark ≥", no_wrap=True)
    for (start, end), group in shown:
        keys = [", ".join(f"{k}={v}" for k, v in p.key.items()) for p in group]
        listed = "\n".join(k for k in keys[:3] if k) + (
            f"\n+{len(keys) - 3} more" if len(keys) > 3 else ""
        )
        first_text, last_text = format_millis(start) or "", format_millis(end) or ""
        if whole:
            first_text, last_text = first_text[:-4], last_text[:-4]
        table.add_row(
            _window_span(_on_day(first_text, day), _on_day(last_text, day)),
            listed or "-",
            str(sum(p.records for p in group)),
            _on_day(clock.ts(group[0].needed_watermark), day),
        )
    console.print(table)
    if len(windows) > limit:
        _say(console, Text(f"... {len(windows) - limit} more open windows", style="dim"))
    first = result.pending[0]
    console.print()
    zone = result.display_zone
    why = pending_explanation(first, zone)
    _say(console, Text.assemble(("Why the first one has not fired: ", "bold"), why))
    for h in first.held_back_by[:8]:
        reason = holder_reason(h, zone)
        _say(console, Text.assemble("• ", (h.input, "bold"), f" [{h.rule}]: {reason}"), 4)
    if len(first.held_back_by) > 8:
        _say(console, Text(f"• ... {len(first.held_back_by) - 8} more inputs", style="dim"), 4)
    console.print()


def _say(console: Console, text: Text, indent: int = 2) -> None:
    """A paragraph indented by ``indent``, wrapped lines included (a hanging indent)."""
    console.print(Padding(text, (0, 0, 0, indent)))


def _common_day(texts: list[str | None]) -> str | None:
    """The date all ``texts`` share (``YYYY-MM-DD``), None when they differ."""
    days = {text[:10] for text in texts if text}
    return next(iter(days)) if len(days) == 1 else None


def _on_day(text: str | None, day: str | None) -> str:
    """The timestamp without its date when that is ``day``."""
    if text is None:
        return ""
    return text[11:] if day is not None and text[:10] == day else text


def _window_span(start: str, end: str) -> str:
    """``start → end``, the end's date left out when it is the start's."""
    if len(start) > 12 and start[:10] == end[:10]:
        return f"{start} → {end[11:]}"
    return f"{start} → {end}"


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
            clock.ts(d.watermark) or "none yet",
            d.rule,
            dropped_reason(d),
        )
    console.print(table)
    if result.dropped_total > min(limit, len(result.dropped)):
        console.print(
            Text(
                f"  ... {result.dropped_total - min(limit, len(result.dropped))} more", style="dim"
            )
        )
    console.print()


TIMELINE_ROWS = 24
"""Inputs listed in the timeline at most (the window operator always is): a parallelism of
thousands gives thousands of idle subtasks, which would bury the few that hold data."""


def _timeline(result: SimulationResult, console: Console, clock: _Clock) -> None:
    with_splits = {w.subtask for w in result.watermarks if w.kind == "split"}
    every = [t for t in result.watermarks if t.kind != "subtask" or t.subtask not in with_splits]
    inputs, hidden = _rows_shown(every)
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
            (ts(wm) or "none yet") + state,
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
    if hidden:
        empty = sum(1 for t in hidden if not t.records)
        console.print(
            Text(
                f"  ... {len(hidden)} more input(s)"
                + (f" ({empty} never received data)" if empty else "")
                + "; --format json lists all",
                style="dim",
            )
        )
    _say(
        console,
        Text(
            "track: █ up to the watermark, ░ from there to the newest event, │ the "
            "watermark the first open window needs",
            style="dim",
        ),
    )
    console.print()


def _rows_shown(
    inputs: list[InputTimeline],
) -> tuple[list[InputTimeline], list[InputTimeline]]:
    """(listed, not listed): every input when they are few, else the window operator, the
    inputs that received data and then the others, up to ``TIMELINE_ROWS``, in their order."""
    if len(inputs) <= TIMELINE_ROWS:
        return inputs, []
    ranked = sorted(
        range(len(inputs)),
        key=lambda i: (inputs[i].kind != "operator", not inputs[i].records, i),
    )
    keep = set(ranked[:TIMELINE_ROWS])
    return (
        [t for i, t in enumerate(inputs) if i in keep],
        [t for i, t in enumerate(inputs) if i not in keep],
    )


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


def _verdict(result: SimulationResult, console: Console, check: str) -> None:
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
        return
    console.print(Text("Diagnosis: " + "; ".join(parts) + ".", style="bold red"))
    step = next_step(result, check)
    if step:
        console.print(Text.assemble(("Next step: ", "bold"), step))


def next_step(result: SimulationResult, check: str = CHECK) -> str | None:
    """The one thing to do now, in plain words, from what holds the first open window back (or
    the failure, or the drops)."""
    if result.failure is not None:
        fix = _failure_fix(result.failure, check)
        return fix or "fix the failure above; the sink gets nothing."
    if any(f.startswith("R6.8") for f in result.findings):
        return (
            f"the rowtime is NULL: fix its conversion ({check} shows which values fail and "
            "the pattern that parses them)."
        )
    if result.pending:
        first = result.pending[0]
        rules = {h.rule for h in first.held_back_by}
        cfg = result.config
        if "R2.3" in rules:
            return (
                f"the source runs {cfg['parallelism']} subtasks for {cfg.get('partitions')} "
                "partition(s), and a subtask without a partition holds the watermark: set "
                "parallelism <= partitions, or an idle timeout "
                "('scan.watermark.idle-timeout' = '1 min')."
            )
        if "R2.1" in rules:
            return (
                "a partition that never received data holds the watermark: send it data, or set "
                "an idle timeout ('scan.watermark.idle-timeout' = '1 min')."
            )
        if "R1.7" in rules or "R1.5" in rules:
            return f"the rowtime is NULL: fix its conversion ({check})."
        delay = int(cfg.get("watermark_delay_ms") or 0)
        release = _Clock(result).ts(first.needed_watermark + delay)
        inputs = "partition" if cfg.get("partitions") is not None else "source subtask"
        if release is not None and first.held_back_by:
            return (
                f"nothing is broken: the window closes when every {inputs} has an event at or "
                f"after {release} (newest data always waits for later data, R2.7). A "
                f"{inputs} that goes quiet needs an idle timeout."
            )
    if result.dropped_total:
        return (
            "the dropped records came after their window had fired: a larger watermark delay "
            "(WATERMARK FOR ... AS ... - INTERVAL ...) keeps them, at the cost of later results."
        )
    return None


def _short_finding(finding: str) -> str:
    rule = finding.split(":")[0]
    if rule == "R3.8":
        return "R3.8: not a window aggregate, emits updates"
    return finding


__all__ = ["next_step", "render_simulation"]
