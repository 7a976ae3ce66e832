"""``explain --html``: the whole answer as one self-contained page.

One file a data engineer can attach to a ticket or open on a laptop with no network: inline CSS,
inline SVG, no script, no font or image from anywhere else. It shows the verdict first, then the
combined verified fix, the ranked findings (message, evidence, fix as a diff of the user's own file,
what the replay of the fixed job gave) and, per windowed query, a watermark timeline: one lane (one
``<svg>``) per input (the window operator, each source subtask, each Kafka partition) on an
event-time axis, with its watermark, its newest event and the window ends the open windows need.
Every piece of user text (SQL, values, names) is HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

from flinkdoctor.diagnosis.edits import unified_diff
from flinkdoctor.diagnosis.explain import ExplainResult, QueryReport
from flinkdoctor.engine import SimulationResult
from flinkdoctor.engine.result import InputTimeline, PendingWindow
from flinkdoctor.findings import Finding, Fix

LONG_MAX = 2**63 - 1
WIDTH = 960
LABEL = 230
RIGHT = 20
LANE = 34
MAX_WINDOW_LINES = 4

_CSS = """
:root { --err: #b42318; --warn: #b54708; --info: #175cd3; --ok: #067647; --ink: #101828;
  --mute: #475467; --line: #d0d5dd; --bg: #f9fafb; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); background: var(--bg); }
main { max-width: 1000px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 10px; }
h3 { font-size: 15px; margin: 0; }
.sub { color: var(--mute); font-size: 13px; word-break: break-all; }
.verdict { border-radius: 10px; padding: 16px 20px; margin: 16px 0; color: #fff; }
.verdict.rows { background: var(--ok); } .verdict.empty, .verdict.fails { background: var(--err); }
.verdict.rows.warned, .verdict.unknown { background: var(--warn); }
.verdict .big { font-size: 22px; font-weight: 650; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 14px 18px;
  margin: 12px 0; }
.finding { border-left: 6px solid var(--info); }
.finding.error { border-left-color: var(--err); }
.finding.warning { border-left-color: var(--warn); }
.badge { display: inline-block; border-radius: 999px; padding: 1px 9px; font-size: 12px;
  font-weight: 600; color: #fff; background: var(--info); margin-right: 6px; }
.badge.error { background: var(--err); } .badge.warning { background: var(--warn); }
.rank { color: var(--mute); font-weight: 600; margin-right: 6px; }
.code { color: var(--mute); font-size: 13px; }
pre { background: #f2f4f7; border-radius: 6px; padding: 10px 12px; overflow-x: auto;
  font: 12.5px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; margin: 8px 0; }
pre.diff .add { color: #067647; } pre.diff .del { color: #b42318; }
pre.diff .hunk { color: #6941c6; }
.verified { background: #ecfdf3; border: 1px solid #abefc6; border-radius: 6px; padding: 6px 10px; }
.verified.failed { background: #fef3f2; border-color: #fecdca; }
details summary { cursor: pointer; color: var(--mute); font-size: 13px; }
table.facts { border-collapse: collapse; font-size: 13px; width: 100%; table-layout: fixed; }
table.facts td { padding: 2px 14px 2px 0; vertical-align: top; overflow-wrap: anywhere; }
table.facts td:first-child { color: var(--mute); width: 150px; }
table.facts pre { white-space: pre-wrap; word-break: break-all; margin: 2px 0; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; fill: var(--ink); }
svg .label { font-weight: 600; } svg .small { font-size: 11px; fill: var(--mute); }
.legend { font-size: 12px; color: var(--mute); margin: 6px 0 0; }
.legend span { margin-right: 14px; }
.sw { display: inline-block; width: 12px; height: 10px; margin-right: 4px; vertical-align: middle; }
ul.plain { margin: 6px 0; padding-left: 20px; }
"""


def render_explain_html(result: ExplainResult) -> str:
    """The page (a complete HTML document) for ``result``."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>flinkdoctor explain: {_e(result.source)}</title>",
        f"<style>{_CSS}</style></head><body><main>",
        "<h1>flinkdoctor explain</h1>",
        f'<div class="sub">{_e(result.source)} · {result.records} event(s) replayed</div>',
        _verdict(result),
        _combined_fix(result),
        _findings(result),
        _queries(result),
        _assumptions(result),
        "</main></body></html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"


# -- sections ---------------------------------------------------------------------------------


def _verdict(result: ExplainResult) -> str:
    warned = result.verdict == "rows" and result.exit_code != 0
    classes = f"verdict {_e(result.verdict)}{' warned' if warned else ''}"
    top = result.top
    lines = [
        f'<section class="{classes}" id="verdict" data-verdict="{_e(result.verdict)}" '
        f'data-sink-rows="{result.sink_rows}" data-exit-code="{result.exit_code}">',
        f'<div class="big">{_e(_capital(result.verdict_text))}</div>',
    ]
    if top is not None and top.severity.value != "info":
        lines.append(f"<div>Top cause: <b>{_e(top.name)}</b>: {_e(top.message)}</div>")
    elif result.verdict == "unknown":
        lines.append("<div>No windowed query to replay: static and data checks only.</div>")
    elif top is None or result.exit_code == 0:
        lines.append("<div>No cause found: the sink gets its rows.</div>")
    lines.append("</section>")
    return "\n".join(lines)


def _combined_fix(result: ExplainResult) -> str:
    fix = result.fix
    if fix is None or not fix.edits:
        return ""
    return (
        '<section class="card" id="fix"><h2 style="margin-top:0">The fix, verified</h2>'
        f"<div>{_e(fix.text)}</div>{_diff(result, fix)}{_verification(fix)}</section>"
    )


def _findings(result: ExplainResult) -> str:
    if not result.findings:
        return '<h2>Findings</h2><p class="sub">None.</p>'
    cards = [_finding(i, f, result) for i, f in enumerate(result.findings, start=1)]
    return f"<h2>Findings, most likely cause first</h2>{''.join(cards)}"


def _finding(rank: int, finding: Finding, result: ExplainResult) -> str:
    sev = finding.severity.value
    where = f'<div class="sub">{_e(str(finding.location))}</div>' if finding.location else ""
    rule = f" · rule {_e(finding.rule)}" if finding.rule else ""
    parts = [
        f'<article class="card finding {sev}" data-finding="{_e(finding.name)}">',
        f'<h3><span class="rank">{rank}.</span><span class="badge {sev}">{sev}</span>'
        f'<span class="name">{_e(finding.name)}</span> '
        f'<span class="code">{_e(finding.code)}{rule}</span></h3>',
        where,
        f"<p>{_e(finding.message)}</p>",
    ]
    if finding.evidence:
        parts.append(_evidence(finding.evidence))
    if finding.fix is not None:
        parts.append(f"<div><b>Fix:</b> {_e(finding.fix.text)}</div>")
        combined = result.fix is not None and finding.fix.edits == result.fix.edits
        if combined and finding.fix.edits:
            parts.append(
                "<details><summary>The same edit as the verified fix above</summary>"
                f"{_diff(result, finding.fix)}</details>"
            )
        else:
            parts.append(_diff(result, finding.fix))
            parts.append(_verification(finding.fix))
    parts.append("</article>")
    return "".join(parts)


def _evidence(evidence: Any) -> str:
    rows = []
    for key, value in evidence.items():
        shown = value if isinstance(value, str) else _compact(value)
        cell = f"<pre>{_e(shown)}</pre>" if "\n" in shown or len(shown) > 90 else _e(shown)
        rows.append(f"<tr><td>{_e(str(key))}</td><td>{cell}</td></tr>")
    return (
        '<details open><summary>Evidence</summary><table class="facts">'
        f"{''.join(rows)}</table></details>"
    )


def _compact(value: Any) -> str:
    """JSON, one line per list item: short enough to read, exact enough to copy."""
    if isinstance(value, list) and value and all(isinstance(v, dict | list) for v in value):
        return "\n".join(json.dumps(v, default=str, ensure_ascii=False) for v in value)
    return json.dumps(value, default=str, ensure_ascii=False)


def _diff(result: ExplainResult, fix: Fix) -> str:
    if not fix.edits:
        return ""
    text = unified_diff(result.script_text, fix.edits, result.source)
    lines = []
    for line in text.splitlines():
        cls = (
            "hunk"
            if line.startswith("@@")
            else "add"
            if line.startswith("+") and not line.startswith("+++")
            else "del"
            if line.startswith("-") and not line.startswith("---")
            else ""
        )
        lines.append(f'<span class="{cls}">{_e(line)}</span>' if cls else _e(line))
    return '<pre class="diff">' + "\n".join(lines) + "</pre>"


def _verification(fix: Fix) -> str:
    v = fix.verified
    if v is None:
        return ""
    cls = "verified failed" if v.failed else "verified"
    return f'<div class="{cls}"><b>Replayed with this change:</b> {_e(v.summary)}</div>'


def _queries(result: ExplainResult) -> str:
    if not result.queries:
        return ""
    return "<h2>Windowed queries</h2>" + "".join(_query(q) for q in result.queries)


def _query(report: QueryReport) -> str:
    facts = [
        ("sink", report.sink or "(SELECT)"),
        ("table", report.table or "?"),
        ("window", report.window or "?"),
        ("where", str(report.location) if report.location else ""),
        (
            "arrival",
            f"{report.arrival or '?'}"
            + (f": {report.arrival_reason}" if report.arrival_reason else ""),
        ),
        ("rows", f"{report.rows} emitted, {report.visible_rows} visible in the sink"),
        ("windows", f"{report.windows_fired} fired, {report.pending_windows} open"),
        ("watermark", _ts(report.final_watermark)),
    ]
    if report.failure:
        facts.append(("job failure", report.failure))
    if report.error:
        facts.append(("not replayed", report.error))
    if report.sink_note:
        facts.append(("sink", report.sink_note))
    table = "".join(f"<tr><td>{_e(k)}</td><td>{_e(v)}</td></tr>" for k, v in facts if v)
    picture = _timeline(report.result, report.index) if report.result is not None else ""
    return (
        f'<section class="card query" data-query="{report.index}">'
        f"<h3>Query {report.index + 1}{' → ' + _e(report.sink) if report.sink else ''}</h3>"
        f'<table class="facts">{table}</table>{picture}</section>'
    )


def _assumptions(result: ExplainResult) -> str:
    notes = list(result.assumptions)
    if result.placeholders:
        notes.append("unresolved placeholders: " + ", ".join(result.placeholders))
    if not notes:
        return ""
    items = "".join(f"<li>{_e(n)}</li>" for n in notes)
    return f'<h2>What the replay assumed</h2><ul class="plain">{items}</ul>'


# -- the watermark timeline -------------------------------------------------------------------


def _timeline(sim: SimulationResult, index: int) -> str:
    """One lane (an ``<svg>``) per input on a shared event-time axis."""
    inputs = _ordered(sim.watermarks)
    windows = _window_ends(sim.pending)
    span = _span(inputs, sim.pending, _result_times(sim))
    if not inputs:
        return ""
    if span is None:
        return '<p class="sub">No event time to draw: no input has a watermark or an event.</p>'
    lo, hi = span
    axis = _axis_svg(lo, hi, windows, index)
    lanes = "".join(_lane_svg(t, lo, hi, windows, index) for t in inputs)
    legend = (
        '<div class="legend"><span><i class="sw" style="background:#84caff"></i>watermark</span>'
        '<span><i class="sw" style="background:#f79009"></i>newest event</span>'
        '<span><i class="sw" style="background:#d92d20"></i>window end - 1 ms an open '
        "window needs</span><span>times in UTC</span></div>"
    )
    return (
        f'<figure class="timeline" data-query="{index}" style="margin:12px 0 0">'
        f"<figcaption><b>Watermarks vs event time</b></figcaption>{axis}{lanes}{legend}</figure>"
    )


def _ordered(timelines: Sequence[InputTimeline]) -> list[InputTimeline]:
    order = {"operator": 0, "subtask": 1, "split": 2}
    return sorted(
        timelines,
        key=lambda t: (order.get(t.kind, 3), t.subtask or 0, _first(t.partitions.first)),
    )


def _first(partition: int | None) -> int:
    return -1 if partition is None else partition


def _final(t: InputTimeline) -> tuple[int | None, bool]:
    if not t.points:
        return None, False
    last = t.points[-1]
    return last.watermark, last.idle


def _window_ends(pending: Sequence[PendingWindow]) -> list[PendingWindow]:
    """The first few distinct open windows by end, the earliest first."""
    seen: dict[int, PendingWindow] = {}
    for w in sorted(pending, key=lambda w: w.window_end):
        seen.setdefault(w.needed_watermark, w)
    return list(seen.values())[:MAX_WINDOW_LINES]


def _result_times(sim: SimulationResult) -> list[int]:
    """Event times the picture must cover besides the inputs: the fired windows' timestamp
    columns (window_start / window_end) and the dropped records."""
    times = [
        value
        for row in sim.rows
        for name in sim.timestamp_columns
        if isinstance(value := row.get(name), int) and value != LONG_MAX
    ]
    times += [d.event_time for d in sim.dropped if d.event_time is not None]
    return [min(times), max(times)] if times else []


def _span(
    inputs: Iterable[InputTimeline], pending: Sequence[PendingWindow], extra: Sequence[int] = ()
) -> tuple[int, int] | None:
    points: list[int] = list(extra)
    for t in inputs:
        wm, _ = _final(t)
        if wm is not None and wm != LONG_MAX:
            points.append(wm)
        if t.last_event_time is not None:
            points.append(t.last_event_time)
    for w in pending:
        points += [w.window_start, w.window_end]
    if not points:
        return None
    lo, hi = min(points), max(points)
    pad = max((hi - lo) // 20, 1000)
    return lo - pad, hi + pad


def _x(t: int, lo: int, hi: int) -> float:
    return LABEL + (t - lo) * (WIDTH - LABEL - RIGHT) / max(hi - lo, 1)


def _axis_svg(lo: int, hi: int, windows: Sequence[PendingWindow], index: int) -> str:
    height = 44
    parts = [
        f'<svg class="axis" data-query="{index}" xmlns="http://www.w3.org/2000/svg" '
        f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="event-time axis">',
        '<text x="4" y="16" class="small">event time (UTC)</text>',
        f'<text x="4" y="32" class="small">{_e(_ts(lo)[:10])}</text>',
    ]
    for t in _ticks(lo, hi):
        x = _x(t, lo, hi)
        parts.append(f'<line x1="{x:.1f}" y1="36" x2="{x:.1f}" y2="{height}" stroke="#98a2b3"/>')
        parts.append(
            f'<text x="{x:.1f}" y="30" text-anchor="middle" class="small">'
            f"{_e(_clock(t)[:8] if t % 1000 == 0 else _clock(t))}</text>"
        )
    for w in windows:
        x = _x(w.needed_watermark, lo, hi)
        parts.append(
            f'<text x="{x:.1f}" y="14" text-anchor="middle" class="small" fill="#d92d20">'
            f"{_e(_clock(w.window_end))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


_STEPS = tuple(
    s * 1000 for s in (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 86400)
)


def _ticks(lo: int, hi: int) -> list[int]:
    """Round event times (whole seconds, minutes, hours) for the axis, 3 to 7 of them."""
    step = next((s for s in _STEPS if (hi - lo) // s <= 6), (hi - lo) // 6 or 1)
    first = -(-lo // step) * step
    return list(range(first, hi + 1, step))


def _lane_svg(
    t: InputTimeline, lo: int, hi: int, windows: Sequence[PendingWindow], index: int
) -> str:
    wm, idle = _final(t)
    top, bar = 6, 16
    x0 = _x(lo, lo, hi)
    parts = [
        f'<svg class="lane" data-query="{index}" data-input="{_e(t.input)}" '
        f'xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{LANE}" '
        f'viewBox="0 0 {WIDTH} {LANE}" role="img" aria-label="{_e(_lane_label(t, wm, idle))}">',
        f"<title>{_e(_lane_label(t, wm, idle))}</title>",
        f'<rect x="{x0:.1f}" y="{top}" width="{WIDTH - LABEL - RIGHT}" height="{bar}" '
        'fill="#f2f4f7" stroke="#eaecf0"/>',
        f'<text x="4" y="{top + 12}" class="label">{_e(_short(t.input))}</text>',
    ]
    if wm is None:
        parts.append(
            f'<text x="{x0 + 6:.1f}" y="{top + 12}" class="small" fill="#b42318">'
            "no watermark (Long.MIN_VALUE)</text>"
        )
    else:
        end = WIDTH - RIGHT if wm == LONG_MAX else _x(min(max(wm, lo), hi), lo, hi)
        parts.append(
            f'<rect x="{x0:.1f}" y="{top}" width="{max(end - x0, 0):.1f}" height="{bar}" '
            'fill="#84caff"/>'
        )
        label = "MAX (end of input)" if wm == LONG_MAX else _clock(wm)
        inside = end - x0 > 110
        tx = end - 4 if inside else end + 4
        parts.append(
            f'<text x="{tx:.1f}" y="{top + 12}" class="small" '
            f'text-anchor="{"end" if inside else "start"}">wm {_e(label)}</text>'
        )
    if t.last_event_time is not None and lo <= t.last_event_time <= hi:
        ex = _x(t.last_event_time, lo, hi)
        parts.append(
            f'<circle cx="{ex:.1f}" cy="{top + bar / 2}" r="4.5" fill="#f79009" stroke="#fff"/>'
        )
    for w in windows:
        x = _x(w.needed_watermark, lo, hi)
        parts.append(
            f'<line x1="{x:.1f}" y1="2" x2="{x:.1f}" y2="{LANE - 2}" stroke="#d92d20" '
            'stroke-width="1.5" stroke-dasharray="4 3"/>'
        )
    sub = f"{t.records} rec" + (", idle" if idle else "")
    parts.append(f'<text x="4" y="{top + 25}" class="small">{_e(sub)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _lane_label(t: InputTimeline, wm: int | None, idle: bool) -> str:
    newest = _ts(t.last_event_time) if t.last_event_time is not None else "no data"
    state = " (idle)" if idle else ""
    return f"{t.input}: watermark {_ts(wm)}{state}; newest event {newest}; {t.records} record(s)"


def _short(name: str) -> str:
    return name if len(name) <= 30 else name[:29] + "…"


# -- small helpers ----------------------------------------------------------------------------


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _ts(millis: int | None) -> str:
    if millis is None:
        return "none (Long.MIN_VALUE)"
    if millis == LONG_MAX:
        return "MAX (end of input)"
    moment = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(milliseconds=millis)
    return f"{moment:%Y-%m-%d %H:%M:%S}.{moment.microsecond // 1000:03d}"


def _clock(millis: int) -> str:
    return _ts(millis)[11:23]
