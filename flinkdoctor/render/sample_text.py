"""``sample``'s summary for people: one row per partition, then what stands out (empty and stale
partitions, payloads that are not JSON, a sample cut short).
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from flinkdoctor.events.sampling import SampleSummary, describe_start, format_millis
from flinkdoctor.render.sample_json import is_stale, newest_timestamp

_STOPS = {
    "complete": "read every planned offset",
    "max-total": "stopped at --max-total",
    "timeout": "stopped at --timeout (partial sample)",
    "interrupted": "interrupted (partial sample, every written line is complete)",
    "output-closed": "stopped when the reader of the output went away",
    "connection-lost": "stopped: the connection to the broker was lost (partial sample)",
}


def render_sample_summary(
    summary: SampleSummary, elapsed: float, console: Console, event_time_label: str | None = None
) -> None:
    """Print the per-partition table and the notes; ``event_time_label`` says how the event-time
    columns were computed. Times show without their date when all share one (named in the
    title); on a narrow terminal the offsets and the times are two tables instead of one."""
    metas = {p.partition: p for p in (summary.metadata.partitions if summary.metadata else ())}
    newest = newest_timestamp(summary)
    with_event_time = summary.event_time is not None
    rows: list[tuple[list[str | Text], list[str]]] = []
    stale: list[int] = []
    moments: list[int | None] = []
    spans: list[tuple[int | None, int | None, int | None, int | None]] = []
    for number, stats in sorted(summary.partitions.items()):
        meta = metas.get(number)
        notes: list[Text] = []
        first = meta.first if meta else None
        last = meta.last if meta else None
        if meta is not None and meta.retained == 0:
            notes.append(Text("EMPTY", style="bold yellow"))
        if last is not None and is_stale(last.timestamp, newest):
            stale.append(number)
            notes.append(Text("stale", style="yellow"))
        if stats.undecodable:
            notes.append(Text(f"{stats.undecodable} not JSON", style="red"))
        if stats.out_of_order_event_time:
            notes.append(Text(f"{stats.out_of_order_event_time} out of order", style="yellow"))
        types = stats.timestamp_types | {
            b.timestamp_type for b in (first, last) if b is not None and b.timestamp_type
        }
        if types and types != {"CreateTime"}:
            notes.append(Text("/".join(sorted(types)), style="cyan"))
        span = (
            first.timestamp if first else None,
            last.timestamp if last else None,
            stats.first_event_time,
            stats.last_event_time,
        )
        spans.append(span)
        moments += list(span if with_event_time else span[:2])
        counts: list[str | Text] = [
            str(number),
            str(stats.count),
            _span(stats.first_offset, stats.last_offset),
            "-" if meta is None else f"[{meta.begin}, {meta.end})",
            Text(", ").join(notes) if notes else Text(""),
        ]
        rows.append((counts, []))
    days = {format_millis(m)[:10] for m in moments if m is not None}
    day = next(iter(days)) if len(days) == 1 else None
    for (_counts, times), span in zip(rows, spans, strict=True):
        times.append(_between(span[0], span[1], day))
        if with_event_time:
            times.append(_between(span[2], span[3], day))
    time_headers = ["Kafka timestamps", *(["event times"] if with_event_time else [])]
    title = f"times on {day} (UTC)" if day else "times in UTC"
    count_headers = ["part", "sampled", "offsets sampled", "retained [begin, end)", "notes"]
    widths = [
        max(len(header), *(len(str(cells[i])) for cells, _ in rows)) if rows else len(header)
        for i, header in enumerate(count_headers)
    ]
    time_width = max([len("Kafka timestamps"), *(len(t) for _, ts in rows for t in ts)])
    together = sum(widths) + time_width * len(time_headers) + 3 * (4 + len(time_headers))
    if together <= (console.width or 80):
        table = _table(title, [*count_headers[:4], *time_headers, "notes"])
        for counts, times in rows:
            table.add_row(*counts[:4], *times, counts[4])
        console.print(table)
    else:
        table = _table(None, count_headers)
        for counts, _ in rows:
            table.add_row(*counts)
        console.print(table)
        console.print()
        table = _table(title, ["part", *time_headers])
        for counts, times in rows:
            table.add_row(counts[0], *times)
        console.print(table)
    if with_event_time and event_time_label:
        console.print(Text(f"event time: {event_time_label}; '-' = none parsed", style="dim"))
    total = summary.total
    console.print(
        Text.assemble(
            (f"{total} records", "bold"),
            f" from {summary.topic} ({len(summary.partitions)} partitions, --from "
            f"{describe_start(summary.start)}) in {elapsed:.1f} s: {_STOPS[summary.stop_reason]}",
        )
    )
    empty = summary.empty_partitions()
    if empty:
        console.print(
            Text(
                f"Empty partitions: {', '.join(map(str, empty))}. A Flink source subtask that "
                "reads an empty partition holds the watermark back unless an idle timeout is set. "
                f"They leave no line in the file: replay it with --partitions "
                f"{len(summary.partitions)}.",
                style="yellow",
            )
        )
    if stale:
        console.print(
            Text(
                f"Stale partitions (newest message ≥ 5 min older than the topic's newest): "
                f"{', '.join(map(str, stale))}. They hold the watermark back the same way.",
                style="yellow",
            )
        )
    if summary.undecodable:
        console.print(
            Text(
                f"{summary.undecodable} payloads are not UTF-8 JSON; they are kept as base64 with "
                "the reason (value_base64, decode_error). flink-json would fail or skip them.",
                style="red",
            )
        )


def _table(title: str | None, headers: list[str]) -> Table:
    table = Table(
        title=title, show_edge=False, pad_edge=False, header_style="bold", title_justify="left"
    )
    for header in headers:
        right = header in ("part", "sampled")
        table.add_column(header, justify="right" if right else "left", no_wrap=header != "notes")
    return table


def _between(first: int | None, last: int | None, day: str | None) -> str:
    """``first → last`` (one time when they are equal), without the date when it is ``day``."""
    if first is None or last is None:
        return "-"
    start, end = _time(first), _time(last)
    if day is not None:
        start, end = start[11:], end[11:]
    return start if start == end else f"{start} → {end}"


def _span(first: int | None, last: int | None) -> str:
    if first is None or last is None:
        return "-"
    return str(first) if first == last else f"{first}..{last}"


def _time(millis: int | None) -> str:
    return "-" if millis is None else format_millis(millis)
