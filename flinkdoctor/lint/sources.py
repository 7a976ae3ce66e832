"""Which tables the job reads, and how: the source side of the job-level rules."""

from __future__ import annotations

from collections.abc import Iterator

from flinkdoctor.errors import Location
from flinkdoctor.lint.scan import all_selects
from flinkdoctor.sql.errors import SqlError
from flinkdoctor.sql.model import CreateTable, FromItem, Insert, Join, Script, TableRef, WindowTVF


def _refs(item: FromItem | None) -> Iterator[TableRef]:
    if isinstance(item, TableRef):
        yield item
    elif isinstance(item, Join):
        yield from _refs(item.left)
        yield from _refs(item.right)
    elif isinstance(item, WindowTVF):
        yield from _refs(item.table)


def source_reads(script: Script) -> Iterator[tuple[CreateTable, bool]]:
    """Each table the script defines and reads, or defines without writing to it (a DDL-only
    file still declares sources), with True when every read carries an idle-timeout hint."""
    reads: dict[str, list[TableRef]] = {}
    for sel in all_selects(script):
        for ref in _refs(sel.from_):
            table = script.table(ref.name)
            if table is not None:
                reads.setdefault(table.name.key, []).append(ref)
    written = {
        t.name.key
        for q in script.queries
        if isinstance(q, Insert) and (t := script.table(q.target)) is not None
    }
    for key, written_table in script.tables.items():
        refs = reads.get(key, [])
        if not refs and key in written:
            continue
        try:
            table = script.effective_table(written_table.name) or written_table
        except SqlError:
            table = written_table
        hinted = bool(refs) and all("scan.watermark.idle-timeout" in r.hints for r in refs)
        yield table, hinted


def first_option(table: CreateTable) -> Location | None:
    """Where the first WITH option is written (the place to insert another)."""
    locs = sorted(table.option_locations.values(), key=lambda loc: (loc.line, loc.column))
    return locs[0] if locs else None
