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
    columns were computed."""
    metas = {p.partition: p for p in (summary.metadata.partitions if summary.metadata else ())}
    newest = newest_timestamp(summary)
    with_event_time = summary.event_time is not None
    table = Table(show_edge=False, pad_edge=False, header_style="bold", title_justify="left")
    table.add_column("part", justify="right")
    table.add_column("sampled", justify="right")
    table.add_column("offsets sampled")
    table.add_column("retained [begin, end)")
    table.add_column("first Kafka timestamp", no_wrap=True)
    table.add_column("last Kafka timestamp", no_wrap=True)
    if with_event_time:
        table.add_column("first event time", no_wrap=True)
        table.add_column("last event time", no_wrap=True)
    table.add_column("notes")
    stale: list[int] = []
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
        row: list[str | Text] = [
            str(number),
            str(stats.count),
            _span(stats.first_offset, stats.last_offset),
            "-" if meta is None else f"[{meta.begin}, {meta.end})",
            _time(first.timestamp if first else None),
            _time(last.timestamp if last else None),
        ]
        if with_event_time:
            row += [_time(stats.first_event_time), _time(stats.last_event_time)]
        row.append(Text(", ").join(notes) if notes else Text(""))
        table.add_row(*row)
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


def _span(first: int | None, last: int | None) -> str:
    if first is None or last is None:
        return "-"
    return str(first) if first == last else f"{first}..{last}"


def _time(millis: int | None) -> str:
    return "-" if millis is None else format_millis(millis)
