"""Check a batch of timestamp values against one Flink conversion and summarise the verdicts.

This is the pure core of ``flinkdoctor check-pattern``: it takes the conversion (a TO_TIMESTAMP
pattern, or whatever the DDL's rowtime column does) and the raw values, and returns every verdict in
input order, the counts, the first value that did not parse through the pattern, and a pattern
inferred from the values that does parse them (checked by re-parsing).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from flinkdoctor.diagnosis.json_fix import json_timestamp_fix_all
from flinkdoctor.diagnosis.rowtime import RowtimeConversion
from flinkdoctor.sql.string_literal import escape_sql_literal
from flinkdoctor.timeformat import Conversion, Status, format_timestamp, suggest


@dataclass(frozen=True, slots=True)
class ValueResult:
    """One value's verdict. ``value`` is None for a missing field / SQL NULL."""

    value: str | None
    conversion: Conversion

    @property
    def timestamp(self) -> str | None:
        """The result as Flink's ``CAST(... AS STRING)`` prints it, None for NULL / failure.

        Usually ``YYYY-MM-DD HH:MM:SS.fff``; Flink keeps and prints up to 9 fraction digits when
        the java.sql fallback or flink-json parsed them, and so do we."""
        conversion = self.conversion
        if conversion.millis is None:
            return None
        return format_timestamp(conversion.millis, 3, conversion.nano_of_milli)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """What to write instead: a pattern that parses the values through the pattern path (with the
    DDL line to paste), or only advice (``pattern`` None) when no pattern fits, e.g. epoch numbers.
    """

    pattern: str | None
    parsed: int
    total: int
    ddl: str | None
    note: str

    @property
    def sql_literal(self) -> str | None:
        return None if self.pattern is None else escape_sql_literal(self.pattern)


NO_VALUES = (
    "no input records: nothing was checked, and a job reading this input writes nothing "
    "(an empty events file or topic sample, or the wrong one)"
)


@dataclass(frozen=True, slots=True)
class PatternReport:
    """Everything ``check-pattern`` shows, in input order."""

    conversion: RowtimeConversion
    results: tuple[ValueResult, ...]
    suggestion: Suggestion | None
    notes: tuple[str, ...] = ()
    """Findings about the input as a whole (e.g. the DDL reads a field the events lack)."""

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(result.conversion.status.value for result in self.results)
        return {status.value: counted.get(status.value, 0) for status in Status}

    @property
    def all_ok(self) -> bool:
        """Every value parses; no values at all is a finding too (nothing was checked)."""
        return bool(self.results) and all(
            result.conversion.status is Status.OK for result in self.results
        )

    @property
    def first_problem(self) -> tuple[int, ValueResult] | None:
        for index, result in enumerate(self.results):
            if result.conversion.status is not Status.OK:
                return index, result
        return None


def check_values(
    conversion: RowtimeConversion,
    values: Sequence[str | None],
    notes: tuple[str, ...] = (),
    field: str | None = None,
) -> PatternReport:
    """Run every value through ``conversion`` and infer a better pattern when some do not parse.

    ``field`` is where the values were read when that is not the field the conversion reads (the
    DDL names a field the events lack): the suggested line then reads ``field``, the one that has
    the values."""
    conversions = conversion.convert_many(values)
    results = tuple(
        ValueResult(value, result) for value, result in zip(values, conversions, strict=True)
    )
    suggestion = None
    if any(result.status is not Status.OK for result in conversions):
        target = conversion if field is None else replace(conversion, field=field)
        suggestion = _suggest(target, [value for value in values if value is not None])
    if not values:
        notes = (*notes, NO_VALUES)
    return PatternReport(conversion=conversion, results=results, suggestion=suggestion, notes=notes)


def _suggest(conversion: RowtimeConversion, values: Sequence[str]) -> Suggestion | None:
    if not values:
        return None
    if conversion.kind == "json":
        fixed = _json_suggestion(conversion, values)
        if fixed is not None:
            return fixed
    found = suggest(values)
    if found.pattern is None:
        return Suggestion(None, 0, found.total, None, found.note) if found.note else None
    if found.pattern == conversion.pattern:
        return None
    candidate = conversion.with_pattern(found.pattern)
    parsed = sum(1 for result in candidate.convert_many(values) if result.status is Status.OK)
    if parsed == 0:
        return None
    return Suggestion(found.pattern, parsed, len(values), candidate.ddl_line(), found.note)


def _json_suggestion(conversion: RowtimeConversion, values: Sequence[str]) -> Suggestion | None:
    """For a field flink-json decodes: the column type and json.timestamp-format.standard that
    decode every value (seed case 5: TIMESTAMP_LTZ(3) with ISO-8601), when there is one."""
    found = json_timestamp_fix_all(values)
    if found is None or found[1] < len(values):
        return None
    fix, parsed = found
    current = ("TIMESTAMP_LTZ(3)" if conversion.ltz else "TIMESTAMP(3)", conversion.json_standard)
    if (fix.type_name, fix.standard) == current:
        return None
    field = conversion.field or "the field"
    return Suggestion(
        None,
        parsed,
        len(values),
        f"{field} {fix.type_name}",
        f"declare {field} {fix.type_name} and set 'json.timestamp-format.standard' = "
        f"'{fix.standard}' in the table's WITH options: flink-json then decodes all "
        f"{parsed} values",
    )
