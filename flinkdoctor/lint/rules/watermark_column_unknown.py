"""watermark-column-unknown: WATERMARK FOR a column the table does not have."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from typing import ClassVar

from flinkdoctor.errors import Location
from flinkdoctor.findings import Finding, Fix
from flinkdoctor.lint.edits import replace_text
from flinkdoctor.lint.rule import LintContext, Rule
from flinkdoctor.sql.errors import SqlError


class WatermarkColumnUnknown(Rule):
    """## What it does
    Flags `WATERMARK FOR col` where `col` is not a top-level column of the table (columns from a
    `LIKE` source count). Flink compares names case-sensitively, so `WATERMARK FOR TS` on a column
    `ts` is flagged, and so is a nested field (`r.ts`): a rowtime must be a top-level column.

    ## Why is this bad?
    Flink rejects the table when it is first used (R1.3): "The rowtime attribute field 'TS' is not
    defined in the table schema". Typically a column was renamed and the WATERMARK was not.

    ## Example
    ```sql
    CREATE TABLE events (event_time TIMESTAMP(3), WATERMARK FOR event_timestamp AS ...)
    ```

    ## Use instead
    ```sql
    CREATE TABLE events (event_time TIMESTAMP(3), WATERMARK FOR event_time AS ...)
    ```
    """

    name: ClassVar[str] = "watermark-column-unknown"
    fires = (
        "CREATE TABLE t (ts TIMESTAMP(3), WATERMARK FOR tss AS tss)"
        " WITH ('connector' = 'datagen');\n"
        "SELECT * FROM t;",
        "CREATE TABLE t (ts TIMESTAMP(3), WATERMARK FOR TS AS TS) WITH ('connector' = 'datagen');\n"
        "SELECT * FROM t;",
        "CREATE TABLE t (r ROW<ts TIMESTAMP(3)>, WATERMARK FOR r.ts AS r.ts)"
        " WITH ('connector' = 'datagen');\nSELECT * FROM t;",
    )
    passes = (
        "CREATE TABLE t (ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen');\n"
        "SELECT * FROM t;",
        "CREATE TABLE t (`Event Time` TIMESTAMP(3), WATERMARK FOR `Event Time` AS `Event Time`)"
        " WITH ('connector' = 'datagen');\nSELECT * FROM t;",
        # the column comes from the LIKE source
        "CREATE TABLE base (ts TIMESTAMP(3), v INT) WITH ('connector' = 'datagen');\n"
        "CREATE TABLE t (WATERMARK FOR ts AS ts) LIKE base;\nSELECT * FROM t;",
    )

    def check(self, context: LintContext) -> Iterator[Finding]:
        script = context.script
        for written in script.tables.values():
            if written.watermark is None:
                continue
            try:
                table = script.effective_table(written.name)
            except SqlError:
                continue
            if table is None or table.watermark is None:
                continue
            wm = table.watermark
            names = [c.name for c in table.columns]
            if wm.column in names:
                continue
            if written.like is not None and not names:
                continue
            yield self._finding(
                context,
                str(table.name),
                wm.column,
                names,
                written.watermark.location,
                wm.expr.to_sql(),
            )

    def _finding(
        self,
        context: LintContext,
        table: str,
        column: str,
        names: list[str],
        loc: Location,
        expr: str,
    ) -> Finding:
        folded = [n for n in names if n.lower() == column.lower()]
        if "." in column:
            why = "a rowtime must be a top-level column, not a nested field"
            guess = None
        elif folded:
            why = f"Flink names are case-sensitive: the column is {folded[0]}"
            guess = folded[0]
        else:
            close = difflib.get_close_matches(column, names, n=1)
            guess = close[0] if close else None
            why = f"did you mean {guess}?" if guess else "it is not one of its columns"
        message = f"WATERMARK FOR {column}, but table {table} has no column {column}: {why}"
        evidence = {"table": table, "column": column, "columns": names}
        if guess is not None:
            fixed = re.sub(rf"(?<![\w`]){re.escape(column)}(?![\w`])", guess, expr)
            edits = replace_text(context, loc, f"FOR {column} AS {expr}", f"FOR {guess} AS {fixed}")
            fix = Fix(f"WATERMARK FOR {guess} (and use {guess} in its expression)", edits)
        else:
            fix = Fix("name a TIMESTAMP(3) column of the table, or add a computed column for it")
        return self.finding(message, loc, evidence=evidence, fix=fix, rule="R1.3")
