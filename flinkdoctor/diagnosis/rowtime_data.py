"""The data against the DDL's rowtime: the field it reads, the conversion of every sampled value
with Flink's exact semantics, epoch magnitudes against the precision argument. When the field is
missing, the check goes on with the field the events do carry, so a second cause hidden behind
the first (seed case 1: wrong key AND a pattern that cannot parse the values) is named too, and
the fixes of both compose into one edit of the user's file.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from flinkdoctor.diagnosis.edits import LineOp, lines_containing, word
from flinkdoctor.diagnosis.rowtime import RowtimeConversion, find_rowtime_conversion
from flinkdoctor.errors import FlinkDoctorError, Location
from flinkdoctor.events import MISSING, Record, field_path
from flinkdoctor.findings import Finding, Severity, kind
from flinkdoctor.sql.model import ComputedColumn, CreateTable, PhysicalColumn, Script
from flinkdoctor.sql.string_literal import escape_sql_literal
from flinkdoctor.timeformat import (
    Conversion,
    Status,
    check_epoch_unit,
    format_timestamp,
    json_timestamp,
    suggest,
)

EXAMPLES = 3
"""Example values quoted per finding."""
SUGGEST_LIMIT = 1000
"""Values a pattern is inferred from (and checked against): the failing ones first."""


def _subset(bad: Sequence[str], values: Sequence[str]) -> list[str]:
    """At most ``SUGGEST_LIMIT`` distinct values, the failing ones first."""
    half = SUGGEST_LIMIT // 2
    chosen = list(dict.fromkeys(bad[: half * 4]))[:half]
    seen = set(chosen)
    for value in values:
        if len(chosen) >= SUGGEST_LIMIT:
            break
        if value not in seen:
            seen.add(value)
            chosen.append(value)
    return chosen


@dataclass(frozen=True, slots=True)
class DataCause:
    """A finding and the line operations of its fix (composable with other causes' ops)."""

    finding: Finding
    ops: tuple[LineOp, ...] = ()
    fix_text: str = ""


@dataclass(frozen=True, slots=True)
class RowtimeData:
    """What the sampled events say about one table's rowtime."""

    table: str
    conversion: RowtimeConversion | None
    causes: tuple[DataCause, ...] = ()
    sampled: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)


def check_rowtime_data(
    script: Script, text: str, table: CreateTable, records: Sequence[Record]
) -> RowtimeData:
    """Every data cause of ``table``'s rowtime in ``records`` (a bounded sample)."""
    name = str(table.name)
    try:
        conversion = find_rowtime_conversion(script, name)
    except FlinkDoctorError as error:
        return RowtimeData(name, None, sampled=len(records), notes=(error.message,))
    path = conversion.field
    if path is None or not records:
        return RowtimeData(name, conversion, sampled=len(records))
    causes: list[DataCause] = []
    values, sources, missing, seen = _values(records, path)
    effective = conversion
    total = len(records)
    if missing:
        alternative = _did_you_mean(path, seen, records)
        cause = _missing_field(
            script, text, table, conversion, path, missing, total, seen, alternative
        )
        causes.append(cause)
        if alternative is not None:
            # evaluate past it: what would the conversion do with the field the events carry?
            effective = replace(conversion, field=alternative)
            values, sources, _, _ = _values(records, alternative)
    present = [(v, s) for v, s in zip(values, sources, strict=True) if v is not None]
    if present:
        hidden = _conversion_causes(script, text, table, effective, present, total)
        if hidden and causes and effective is not conversion:
            # the second cause behind the first: say so where the user looks first
            first = causes[0]
            also = ", ".join(c.finding.name for c in hidden)
            message = (
                f"{first.finding.message}; reading '{effective.field}' alone would not help: "
                f"its values fail the rowtime conversion too ({also}), so the fix changes both"
            )
            evidence = {**first.finding.evidence, "hidden_causes": [c.finding.name for c in hidden]}
            causes[0] = DataCause(
                replace(first.finding, message=message, evidence=evidence),
                first.ops,
                first.fix_text,
            )
        causes += hidden
    return RowtimeData(name, conversion, tuple(causes), total)


def _values(
    records: Sequence[Record], path: str
) -> tuple[list[str | None], list[str], int, set[str]]:
    parent = path.rsplit(".", 1)[0] if "." in path else None
    values: list[str | None] = []
    sources: list[str] = []
    missing = 0
    seen: set[str] = set()
    for record in records:
        value = MISSING if not isinstance(record.value, dict) else field_path(record.value, path)
        if value is MISSING:
            missing += 1
            holder = record.value if parent is None else field_path(record.value, parent)
            if isinstance(holder, dict):
                seen.update(str(key) for key in holder)
        values.append(_as_text(value))
        sources.append(record.source)
    return values, sources, missing, seen


def _as_text(value: Any) -> str | None:
    if value is MISSING or value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    import json

    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _did_you_mean(path: str, seen: set[str], records: Sequence[Record]) -> str | None:
    """The field the events most likely mean: same name in another case, a close name, or the
    same leaf name one level down."""
    parent, _, leaf = path.rpartition(".")
    prefix = f"{parent}." if parent else ""
    names = sorted(seen)
    same_case = [n for n in names if n.lower() == leaf.lower()]
    if same_case:
        return prefix + same_case[0]
    close = difflib.get_close_matches(leaf, names, n=1, cutoff=0.6)
    if close:
        return prefix + close[0]
    for record in records[:100]:
        holder = record.value if not parent else field_path(record.value, parent)
        if isinstance(holder, dict):
            for key, inner in holder.items():
                if isinstance(inner, dict) and leaf in inner:
                    return f"{prefix}{key}.{leaf}"
    return None


def _loc_line(location: Location | None) -> int:
    return location.line if location is not None else 0


def _missing_field(
    script: Script,
    text: str,
    table: CreateTable,
    conversion: RowtimeConversion,
    path: str,
    missing: int,
    total: int,
    seen: set[str],
    alternative: str | None,
) -> DataCause:
    entry = kind("rowtime-field-missing")
    column = table.column(path.split(".")[0])
    location = column.location if column is not None else table.location
    ops: list[LineOp] = []
    fix_text = f"read the field the events carry: {alternative}" if alternative else ""
    if alternative is not None and "." not in path and "." not in alternative:
        ops = _rename_ops(table, path, alternative)
        fix_text = (
            f"rename column {path} to {alternative} (the JSON key the events carry) where "
            f"table {table.name} declares and reads it"
        )
    message = (
        f"the rowtime of {table.name} reads field '{path}', which {missing} of {total} sampled "
        "events lack: flink-json reads a missing field as NULL "
        "(json.fail-on-missing-field is false by default), so the rowtime is NULL"
    )
    if alternative is not None:
        message += f"; the events carry '{alternative}'"
    evidence: dict[str, Any] = {
        "table": str(table.name),
        "field": path,
        "missing": missing,
        "sampled": total,
        "did_you_mean": alternative,
        "fields_seen": sorted(seen)[:20],
        "conversion": conversion.describe(),
    }
    finding = Finding(
        entry.code,
        entry.name,
        entry.severity,
        message,
        location=location,
        evidence=evidence,
        rule="R4.5",
    )
    return DataCause(finding, tuple(ops), fix_text or "make the DDL read a field the events carry")


def _rename_ops(table: CreateTable, old: str, new: str) -> list[LineOp]:
    """Rename physical column ``old`` to ``new`` where the table declares and reads it."""
    lines: set[int] = set()
    for column in table.columns:
        declares = isinstance(column, PhysicalColumn) and column.name.lower() == old.lower()
        reads = isinstance(column, ComputedColumn) and old.lower() in column.expr.to_sql().lower()
        if declares or reads:
            lines.add(_loc_line(column.location))
    if table.watermark is not None and old.lower() in table.watermark.expr.to_sql().lower():
        lines.add(_loc_line(table.watermark.location))
    return [LineOp(line, word(old), new, count=0) for line in sorted(lines) if line > 0]


def _conversion_causes(
    script: Script,
    text: str,
    table: CreateTable,
    conversion: RowtimeConversion,
    present: list[tuple[str, str]],
    total: int,
) -> list[DataCause]:
    values = [v for v, _ in present]
    results = conversion.convert_many(values)
    bad = [
        (v, s, r)
        for (v, s), r in zip(present, results, strict=True)
        if r.status in (Status.NULL, Status.FAIL)
    ]
    if conversion.kind == "to_timestamp_ltz":
        return _epoch_causes(table, conversion, present)
    if not bad:
        if conversion.kind == "to_timestamp" and conversion.pattern:
            return _wrong_timestamps(text, table, conversion, present, results)
        return []
    if conversion.kind == "json":
        return [_json_cause(text, table, conversion, bad, values, total)]
    return [_pattern_cause(text, table, conversion, bad, values, total)]


def _examples(bad: list[tuple[str, str, Conversion]]) -> list[dict[str, Any]]:
    return [
        {"value": v, "at": s or None, "reason": r.reason, "error_index": r.error_index}
        for v, s, r in bad[:EXAMPLES]
    ]


def _column_location(table: CreateTable, conversion: RowtimeConversion) -> Location | None:
    column = table.column(conversion.column or "")
    return column.location if column is not None else table.location


def _pattern_cause(
    text: str,
    table: CreateTable,
    conversion: RowtimeConversion,
    bad: list[tuple[str, str, Conversion]],
    values: list[str],
    total: int,
) -> DataCause:
    entry = kind("pattern-mismatch")
    checked = _subset([v for v, _, _ in bad], values)
    found = suggest(checked)
    new_pattern = found.pattern
    parsed = 0
    if new_pattern is not None:
        candidate = conversion.with_pattern(new_pattern)
        parsed = sum(1 for r in candidate.convert_many(checked) if r.ok)
        if parsed == 0:
            new_pattern = None
    location = _column_location(table, conversion)
    ops: list[LineOp] = []
    fix_text = found.note or "write a pattern that matches the events' timestamps"
    if new_pattern is not None and conversion.kind == "to_timestamp" and conversion.pattern:
        old = escape_sql_literal(conversion.pattern)
        new = escape_sql_literal(new_pattern)
        line = _pattern_line(text, old, _loc_line(location))
        if line:
            ops.append(LineOp(line, re.escape(old), new.replace("\\", "\\\\")))
        fix_text = f"use the pattern '{new}' ({parsed} of {len(checked)} checked values parse)"
    elif new_pattern is not None and conversion.kind in ("cast", "try_cast") and conversion.field:
        # CAST knows one format; TO_TIMESTAMP with the values' own pattern reads them all
        new = escape_sql_literal(new_pattern)
        line = _loc_line(location)
        if line:
            cast = (
                r"(?:TRY_)?CAST\s*\(\s*`?"
                + re.escape(conversion.field)
                + r"`?\s+AS\s+TIMESTAMP(?:\s*\(\s*\d+\s*\))?\s*\)"
            )
            ops.append(
                LineOp(
                    line,
                    "(?i)" + cast,
                    f"TO_TIMESTAMP({conversion.field}, '{new}')".replace("\\", "\\\\"),
                )
            )
        fix_text = (
            f"read it with TO_TIMESTAMP({conversion.field}, '{new}') instead of CAST "
            f"({parsed} of {len(checked)} checked values parse)"
        )
    what = (
        f"pattern '{escape_sql_literal(conversion.pattern)}'"
        if conversion.pattern
        else conversion.describe()
    )
    message = (
        f"{len(bad)} of {len(values)} sampled values of '{conversion.field}' do not parse with "
        f"{what}: {conversion.describe()} returns NULL for them, without an error"
    )
    fails = [r for _, _, r in bad if r.status is Status.FAIL]
    if fails:
        message = (
            f"{len(bad)} of {len(values)} sampled values of '{conversion.field}' fail "
            f"{conversion.describe()}: the job fails on the first one"
        )
    evidence: dict[str, Any] = {
        "table": str(table.name),
        "field": conversion.field,
        "pattern": conversion.pattern,
        "conversion": conversion.describe(),
        "failing": len(bad),
        "checked": len(values),
        "sampled": total,
        "examples": _examples(bad),
        "suggested_pattern": new_pattern,
        "suggested_parses": parsed,
    }
    finding = Finding(
        entry.code, entry.name, entry.severity, message, location, evidence, None, "R4.1"
    )
    return DataCause(finding, tuple(ops), fix_text)


def _pattern_line(text: str, old: str, near: int) -> int:
    """The line holding the pattern text: the column's own line, else the closest one before it
    (a PyFlink job keeps it in a variable above the DDL), else the first one after."""
    hits = lines_containing(text, old)
    if not hits:
        return 0
    if near in hits:
        return near
    before = [h for h in hits if h < near]
    return before[-1] if before else hits[0]


_JSON_CHOICES: tuple[tuple[bool, str], ...] = (
    (False, "SQL"),
    (False, "ISO-8601"),
    (True, "SQL"),
    (True, "ISO-8601"),
)


def _json_cause(
    text: str,
    table: CreateTable,
    conversion: RowtimeConversion,
    bad: list[tuple[str, str, Conversion]],
    values: list[str],
    total: int,
) -> DataCause:
    entry = kind("json-timestamp-format")
    location = _column_location(table, conversion)
    choice: tuple[bool, str] | None = None
    for ltz, standard in _JSON_CHOICES:
        if all(json_timestamp(v, ltz=ltz, standard=standard).ok for v in values):
            choice = (ltz, standard)
            break
    ops: list[LineOp] = []
    fix_text = (
        "declare the column so flink-json can read the values, or compute the rowtime with "
        "TO_TIMESTAMP"
    )
    if choice is not None:
        ltz, standard = choice
        type_name = "TIMESTAMP_LTZ" if ltz else "TIMESTAMP"
        precision = conversion.precision
        line = _loc_line(location)
        column = conversion.column or ""
        if line and (ltz != conversion.ltz):
            ops.append(
                LineOp(
                    line,
                    word(column) + r"(\s+)TIMESTAMP(?:_LTZ)?(\s*\(\s*\d+\s*\))?",
                    f"{column}\\1{type_name}({precision})",
                )
            )
        if standard != conversion.json_standard:
            prefix = "value." if "value.format" in table.options else ""
            ops += _option_ops(text, table, f"{prefix}json.timestamp-format.standard", standard)
        fix_text = (
            f"declare {column} {type_name}({precision}) and set "
            f"'json.timestamp-format.standard' = '{standard}': flink-json then reads every "
            "sampled value"
        )
    silent = conversion.ignore_parse_errors
    message = (
        f"flink-json cannot read {len(bad)} of {len(values)} sampled values of "
        f"'{conversion.field}' as {'TIMESTAMP_LTZ' if conversion.ltz else 'TIMESTAMP'}"
        f"({conversion.precision}) under json.timestamp-format.standard "
        f"{conversion.json_standard}: "
        + (
            "json.ignore-parse-errors turns each into NULL rows, without a word"
            if silent
            else "the job fails to deserialize the first one and restarts"
        )
    )
    evidence: dict[str, Any] = {
        "table": str(table.name),
        "field": conversion.field,
        "type": f"{'TIMESTAMP_LTZ' if conversion.ltz else 'TIMESTAMP'}({conversion.precision})",
        "timestamp_format_standard": conversion.json_standard,
        "ignore_parse_errors": silent,
        "failing": len(bad),
        "checked": len(values),
        "sampled": total,
        "examples": _examples(bad),
    }
    finding = Finding(
        entry.code, entry.name, entry.severity, message, location, evidence, None, "R4.5"
    )
    return DataCause(finding, tuple(ops), fix_text)


def _option_ops(text: str, table: CreateTable, key: str, value: str) -> list[LineOp]:
    """Set WITH option ``key`` of ``table``: change its line when present, else insert it before
    the table's ``'format'`` line (which keeps the commas right whatever comes after)."""
    start = _loc_line(table.location)
    lines = text.splitlines()
    present = re.compile(rf"'{re.escape(key)}'\s*=\s*'[^']*'")
    fmt = re.compile(r"'(?:value\.)?format'\s*=")
    for number in range(max(start, 1), len(lines) + 1):
        line = lines[number - 1]
        if present.search(line):
            return [LineOp(number, present.pattern, f"'{key}' = '{value}'")]
    for number in range(max(start, 1), len(lines) + 1):
        line = lines[number - 1]
        if fmt.search(line):
            indent = line[: len(line) - len(line.lstrip())]
            return [LineOp(number, insert=f"{indent}'{key}' = '{value}',")]
    return []


def option_ops(text: str, table: CreateTable, key: str, value: str) -> list[LineOp]:
    """Public twin of ``_option_ops`` for other fixes (idle timeouts)."""
    return _option_ops(text, table, key, value)


def _epoch_causes(
    table: CreateTable, conversion: RowtimeConversion, present: list[tuple[str, str]]
) -> list[DataCause]:
    numbers: list[tuple[float, str, str]] = []
    for value, source in present:
        try:
            numbers.append((float(value), value, source))
        except ValueError:
            continue
    if not numbers:
        return []
    units = [check_epoch_unit(n) for n, _, _ in numbers]
    unit = max(set(units), key=units.count)
    wanted = {"seconds": 0, "milliseconds": 3}.get(unit)
    if wanted is None or wanted == conversion.precision:
        return []
    entry = kind("epoch-unit-mismatch")
    location = _column_location(table, conversion)
    line = _loc_line(location)
    ops = (
        [
            LineOp(
                line,
                r"(TO_TIMESTAMP_LTZ\s*\(\s*[^,()]+,\s*)\d+",
                rf"\g<1>{wanted}",
            )
        ]
        if line
        else []
    )
    shown = numbers[0][1]
    effect = (
        "so every rowtime lands in January 1970"
        if unit == "seconds"
        else "so every rowtime lands thousands of years ahead"
    )
    message = (
        f"'{conversion.field}' holds epoch {unit} (e.g. {shown}), but "
        f"{conversion.describe()} reads epoch "
        f"{'seconds' if conversion.precision == 0 else 'milliseconds'}, {effect}"
    )
    evidence: dict[str, Any] = {
        "table": str(table.name),
        "field": conversion.field,
        "precision": conversion.precision,
        "unit": unit,
        "examples": [{"value": v, "at": s or None} for _, v, s in numbers[:EXAMPLES]],
    }
    finding = Finding(
        entry.code, entry.name, Severity.ERROR, message, location, evidence, None, "R6.3"
    )
    return [DataCause(finding, tuple(ops), f"use TO_TIMESTAMP_LTZ({conversion.field}, {wanted})")]


def _wrong_timestamps(
    text: str,
    table: CreateTable,
    conversion: RowtimeConversion,
    present: list[tuple[str, str]],
    results: list[Conversion],
) -> list[DataCause]:
    """Every value parses, but not to what it says (``YYYY`` week-based year, ``hh`` without
    ``a``): compare with the reading of the pattern the values themselves suggest."""
    present = present[:SUGGEST_LIMIT]
    results = results[:SUGGEST_LIMIT]
    values = [v for v, _ in present]
    found = suggest(values)
    if found.pattern is None or found.pattern == conversion.pattern:
        return []
    candidate = conversion.with_pattern(found.pattern).convert_many(values)
    wrong = [
        (v, s, r, c)
        for (v, s), r, c in zip(present, results, candidate, strict=True)
        if r.status is Status.OK and c.status is Status.OK and r.millis != c.millis
    ]
    if not wrong:
        return []
    entry = kind("pattern-suspicious")
    location = _column_location(table, conversion)
    old = escape_sql_literal(conversion.pattern or "")
    new = escape_sql_literal(found.pattern)
    line = _pattern_line(text, old, _loc_line(location))
    ops = [LineOp(line, re.escape(old), new.replace("\\", "\\\\"))] if line else []
    examples = [
        {
            "value": v,
            "at": s or None,
            "reads_as": format_timestamp(r.millis or 0, 3),
            "means": format_timestamp(c.millis or 0, 3),
        }
        for v, s, r, c in wrong[:EXAMPLES]
    ]
    first = examples[0]
    message = (
        f"pattern '{old}' parses {len(wrong)} of {len(values)} sampled values of "
        f"'{conversion.field}' to the wrong time, without an error: "
        f"'{first['value']}' reads as {first['reads_as']}; the rows land in the wrong windows"
    )
    evidence: dict[str, Any] = {
        "table": str(table.name),
        "field": conversion.field,
        "pattern": conversion.pattern,
        "wrong": len(wrong),
        "checked": len(values),
        "examples": examples,
        "suggested_pattern": found.pattern,
    }
    finding = Finding(
        entry.code, entry.name, Severity.ERROR, message, location, evidence, None, "R4.1"
    )
    return [DataCause(finding, tuple(ops), f"use the pattern '{new}'")]
