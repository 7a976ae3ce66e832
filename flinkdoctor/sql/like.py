"""``CREATE TABLE derived (...) WITH (...) LIKE base (options)``: the effective table, merged
the way Flink's ``MergeTableLikeUtil`` does it.

Strategies start from Flink's defaults (OPTIONS OVERWRITING, everything else INCLUDING); an
``ALL`` option resets every feature, then each option applies in order. Base physical columns
always come first; base computed / metadata columns, watermarks and options are kept unless
EXCLUDING; the base primary key only with INCLUDING CONSTRAINTS. Clashes Flink rejects raise
``SqlError`` with Flink's message.
"""

from __future__ import annotations

from collections.abc import Callable

from flinkdoctor.sql.errors import SqlError
from flinkdoctor.sql.model import (
    Column,
    ComputedColumn,
    CreateTable,
    LikeClause,
    LikeStrategy,
    MetadataColumn,
    ObjectName,
    PhysicalColumn,
)

_FEATURES = ("CONSTRAINTS", "PARTITIONS", "GENERATED", "OPTIONS", "WATERMARKS", "METADATA")
_DEFAULTS: dict[str, LikeStrategy] = {f: "INCLUDING" for f in _FEATURES}
_DEFAULTS["OPTIONS"] = "OVERWRITING"


def merging_strategies(like: LikeClause) -> dict[str, LikeStrategy]:
    """The strategy of each feature for this LIKE clause."""
    result = dict(_DEFAULTS)
    for strategy, feature in like.options:
        if feature == "ALL":
            result = dict.fromkeys(_FEATURES, strategy)
            break
    for strategy, feature in like.options:
        if feature != "ALL":
            result[feature] = strategy
    return result


def resolve_like(
    table: CreateTable, lookup: Callable[[ObjectName], CreateTable | None]
) -> CreateTable:
    """``table`` with its LIKE clause applied (recursively), or ``table`` itself without one.
    ``lookup`` finds the base table (e.g. ``script.table``); a missing base raises."""
    return _resolve(table, lookup, set())


def _resolve(
    table: CreateTable, lookup: Callable[[ObjectName], CreateTable | None], seen: set[str]
) -> CreateTable:
    like = table.like
    if like is None:
        return table
    if table.name.key in seen:
        raise SqlError(f"LIKE cycle through table {table.name}", like.location)
    found = lookup(like.source)
    if found is None:
        raise SqlError(f"Source table '{like.source}' of the LIKE clause not found", like.location)
    base = _resolve(found, lookup, seen | {table.name.key})
    s = merging_strategies(like)

    def fail(message: str) -> SqlError:
        return SqlError(message, like.location)

    columns = _merge_columns(base, table, s, fail)

    watermark = base.watermark if s["WATERMARKS"] != "EXCLUDING" else None
    if table.watermark is not None:
        if (
            watermark is not None
            and s["WATERMARKS"] != "OVERWRITING"
            and watermark.column == table.watermark.column
        ):
            raise fail(
                f"There already exists a watermark spec for column '{watermark.column}' in the "
                "base table. You might want to specify EXCLUDING WATERMARKS or OVERWRITING "
                "WATERMARKS."
            )
        watermark = table.watermark

    pk = base.primary_key if s["CONSTRAINTS"] == "INCLUDING" else None
    if table.primary_key is not None:
        if pk is not None:
            raise fail(
                "The base table already has a primary key. You might want to specify "
                "EXCLUDING CONSTRAINTS."
            )
        pk = table.primary_key

    partitions = table.partitioned_by or base.partitioned_by
    if table.partitioned_by and base.partitioned_by and s["PARTITIONS"] != "EXCLUDING":
        raise fail(
            "The base table already has partitions defined. You might want to specify "
            "EXCLUDING PARTITIONS."
        )
    if s["PARTITIONS"] == "EXCLUDING":
        partitions = table.partitioned_by

    options = dict(base.options) if s["OPTIONS"] != "EXCLUDING" else {}
    for key, value in table.options.items():
        if s["OPTIONS"] != "OVERWRITING" and key in options:
            raise fail(
                f"There already exists an option ['{key}' -> '{options[key]}']  in the base "
                "table. You might want to specify EXCLUDING OPTIONS or OVERWRITING OPTIONS."
            )
        options[key] = value

    return CreateTable(
        table.name,
        tuple(columns.values()),
        watermark,
        pk,
        partitions,
        options,
        None,
        table.temporary,
        table.if_not_exists,
        table.comment,
        table.as_query,
        location=table.location,
    )


def _merge_columns(
    base: CreateTable,
    table: CreateTable,
    s: dict[str, LikeStrategy],
    fail: Callable[[str], SqlError],
) -> dict[str, Column]:
    columns: dict[str, Column] = {}
    for c in base.columns:
        keep = (
            isinstance(c, PhysicalColumn)
            or (isinstance(c, ComputedColumn) and s["GENERATED"] != "EXCLUDING")
            or (isinstance(c, MetadataColumn) and s["METADATA"] != "EXCLUDING")
        )
        if keep:
            columns[c.name] = c
    physical = {c.name for c in columns.values() if isinstance(c, PhysicalColumn)}
    for c in table.columns:
        if c.name in physical:
            raise fail(f"A column named '{c.name}' already exists in the base table.")
        old = columns.get(c.name)
        if old is not None and not isinstance(c, PhysicalColumn):
            feature = "GENERATED" if isinstance(c, ComputedColumn) else "METADATA"
            if type(old) is not type(c):
                kind = "Computed" if feature == "GENERATED" else "Metadata"
                raise fail(
                    f"A column named '{c.name}' already exists in the base table. {kind} "
                    f"columns can only overwrite other {kind.lower()} columns."
                )
            if s[feature] != "OVERWRITING":
                raise fail(
                    f"A {'generated' if feature == 'GENERATED' else 'metadata'} column named "
                    f"'{c.name}' already exists in the base table. You might want to specify "
                    f"EXCLUDING {feature} or OVERWRITING {feature}."
                )
        elif old is not None:
            raise fail(f"A column named '{c.name}' already exists in the base table.")
        columns[c.name] = c
    return columns
