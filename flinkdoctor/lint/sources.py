"""Which tables the job reads, and how: the source side of the job-level rules."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class SourceRead:
    """A source table and the places the job reads it (none for a DDL-only file)."""

    table: CreateTable
    refs: tuple[TableRef, ...]

    def values(self, key: str) -> list[tuple[str | None, Location]]:
        """The option's effective value at each read, ``/*+ OPTIONS(...) */`` hints over the
        WITH options (R1.9), with where it was written; the table's own for a DDL-only file."""
        own = self.table.options.get(key)
        own_at = self.table.option_locations.get(key, self.table.location)
        if not self.refs:
            return [(own, own_at)]
        return [(r.hints[key], r.location) if key in r.hints else (own, own_at) for r in self.refs]


def source_reads(script: Script) -> Iterator[SourceRead]:
    """Each table the script defines and reads, or defines without writing to it (a DDL-only
    file still declares sources)."""
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
        yield SourceRead(table, tuple(refs))


def first_option(table: CreateTable) -> Location | None:
    """Where the first WITH option is written (the place to insert another)."""
    locs = sorted(table.option_locations.values(), key=lambda loc: (loc.line, loc.column))
    return locs[0] if locs else None
