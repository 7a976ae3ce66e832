"""rowtime-precision: a WATERMARK on a column Flink does not accept as a rowtime."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from flinkdoctor.errors import Location
from flinkdoctor.findings import Edit, Finding, Fix
from flinkdoctor.lint.edits import replace_text
from flinkdoctor.lint.rule import LintContext, Rule
from flinkdoctor.lint.timeattr import column_type, exact_column, expr_type
from flinkdoctor.sql.errors import SqlError
from flinkdoctor.sql.model import CreateTable, DataType


def _precision_edit(
    context: LintContext, location: Location, column: str, dtype: DataType
) -> tuple[Edit, ...]:
    """Rewrite the type where it is written on the column's line: ``TIMESTAMP(6)``, a bare
    ``ts TIMESTAMP`` or ``AS TIMESTAMP)`` in a CAST, whichever the line holds exactly once."""
    root = "TIMESTAMP_LTZ" if dtype.root == "TIMESTAMP_LTZ" else "TIMESTAMP"
    candidates = [(str(dtype), f"{root}(3)")]
    if root == "TIMESTAMP":
        candidates += [
            (f"{column} TIMESTAMP,", f"{column} TIMESTAMP(3),"),
            ("AS TIMESTAMP)", "AS TIMESTAMP(3))"),
        ]
    for old, new in candidates:
        edits = replace_text(context, location, old, new)
        if edits and edits[0].start_line == location.line:
            return edits
    return ()


def _valid(dtype: DataType) -> bool:
    return dtype.is_timestamp and dtype.precision is not None and dtype.precision <= 3


class RowtimePrecision(Rule):
    """## What it does
    Flags a `WATERMARK FOR col` whose column is not `TIMESTAMP(p)` or `TIMESTAMP_LTZ(p)` with
    `p` from 0 to 3 (a plain `TIMESTAMP` is `TIMESTAMP(6)`; `STRING` and `BIGINT` epochs need a
    conversion first), or whose watermark expression has another type root than the column
    (`TIMESTAMP` against `TIMESTAMP_LTZ`). Computed columns are typed too
    (`CAST(s AS TIMESTAMP)` is `TIMESTAMP(6)`).

    ## Why is this bad?
    Flink rejects the table when it is first used (R1.3): "Invalid data type of time field for
    watermark definition ... the supported precision 'p' is from 0 to 3".

    ## Example
    ```sql
    CREATE TABLE events (ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
      WITH ('connector' = 'kafka', ...);
    ```

    ## Use instead
    ```sql
    CREATE TABLE events (ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
      WITH ('connector' = 'kafka', ...);
    ```
    """

    name: ClassVar[str] = "rowtime-precision"
    fires = (
        "CREATE TABLE t (ts TIMESTAMP, WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen');\n"
        "SELECT * FROM t;",
        "CREATE TABLE t (ts TIMESTAMP_LTZ(6), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)"
        " WITH ('connector' = 'datagen');\nSELECT * FROM t;",
        "CREATE TABLE t (ts_ms BIGINT, WATERMARK FOR ts_ms AS ts_ms)"
        " WITH ('connector' = 'datagen');\n"
        "SELECT * FROM t;",
        "CREATE TABLE t (s STRING, ts AS CAST(s AS TIMESTAMP), WATERMARK FOR ts AS ts)"
        " WITH ('connector' = 'datagen');\nSELECT * FROM t;",
        "CREATE TABLE t (ts TIMESTAMP(3), WATERMARK FOR ts AS CAST(ts AS TIMESTAMP_LTZ(3)))"
        " WITH ('connector' = 'datagen');\nSELECT * FROM t;",
    )
    passes = (
        "CREATE TABLE t (ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)"
        " WITH ('connector' = 'datagen');\nSELECT * FROM t;",
        "CREATE TABLE t (ts TIMESTAMP(0), lt TIMESTAMP_LTZ(3), WATERMARK FOR ts AS ts)"
        " WITH ('connector' = 'datagen');\nSELECT * FROM t;",
        "CREATE TABLE t (ms BIGINT, ts AS TO_TIMESTAMP_LTZ(ms, 3), WATERMARK FOR ts AS ts)"
        " WITH ('connector' = 'datagen');\nSELECT * FROM t;",
        # a TIMESTAMP(6) column that is not the rowtime
        "CREATE TABLE t (ts TIMESTAMP(3), other TIMESTAMP, s STRING,"
        " t2 AS CAST(s AS TIMESTAMP(3)), WATERMARK FOR t2 AS t2) WITH ('connector' = 'datagen');\n"
        "SELECT * FROM t;",
    )

    def check(self, context: LintContext) -> Iterator[Finding]:
        script = context.script
        for written in script.tables.values():
            try:
                table = script.effective_table(written.name) or written
            except SqlError:
                continue
            if table.watermark is None:
                continue
            yield from self._check_table(context, table)

    def _check_table(self, context: LintContext, table: CreateTable) -> Iterator[Finding]:
        wm = table.watermark
        assert wm is not None
        dtype = column_type(table, wm.column)
        if dtype is None:
            return
        try:
            column = exact_column(table, wm.column)
        except KeyError:
            return
        location = column.location if column.location.line else wm.location
        evidence = {"table": str(table.name), "column": wm.column, "type": str(dtype)}
        if not _valid(dtype):
            message = (
                f"rowtime column {wm.column} of {table.name} is {dtype}: Flink accepts only "
                "TIMESTAMP(p) or TIMESTAMP_LTZ(p) with p from 0 to 3 as a time field"
            )
            if dtype.is_timestamp:
                text = f"declare it {dtype.root}(3)"
                yield self.finding(
                    message,
                    location,
                    evidence=evidence,
                    fix=Fix(text, _precision_edit(context, location, wm.column, dtype)),
                    rule="R1.3",
                )
                return
            else:
                text = (
                    "add a computed column, e.g. rt AS TO_TIMESTAMP_LTZ(epoch_ms, 3) or "
                    "TO_TIMESTAMP(text, 'pattern'), and put the WATERMARK on it"
                )
            yield self.finding(message, location, evidence=evidence, fix=Fix(text), rule="R1.3")
            return
        wm_type = expr_type(wm.expr, table)
        if wm_type is not None and wm_type.root != dtype.root:
            message = (
                f"the WATERMARK expression of {table.name} is {wm_type} but its time field "
                f"{wm.column} is {dtype}: Flink requires the watermark declaration's output "
                "data type to have the same type as the time field"
            )
            evidence["watermark_type"] = str(wm_type)
            fix = Fix(
                f"compute the watermark as {dtype.root}, e.g. {wm.column} - INTERVAL '5' SECOND"
            )
            yield self.finding(message, wm.location, evidence=evidence, fix=fix, rule="R1.3")
