"""interval-precision: an INTERVAL literal whose leading field exceeds its precision."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from flinkdoctor.findings import Finding, Fix
from flinkdoctor.lint.edits import replace_text
from flinkdoctor.lint.rule import LintContext, Rule
from flinkdoctor.lint.scan import all_exprs
from flinkdoctor.sql.model import IntervalLiteral

_UNITS = (("DAY", 86_400_000), ("HOUR", 3_600_000), ("MINUTE", 60_000), ("SECOND", 1000))


def suggestion(lit: IntervalLiteral) -> str:
    """An equivalent literal Flink accepts: a larger unit when the value divides evenly into
    fewer than 100 of it, else ``HOUR TO SECOND`` / ``DAY TO SECOND`` (Flink's planner rejects a
    leading precision above 3 even where Calcite's parser allows it)."""
    sign = "-" if lit.sign < 0 else ""
    if lit.millis is None:  # year-month: months
        months = abs(lit.months or 0)
        return f"INTERVAL {sign}'{months // 12}-{months % 12}' YEAR TO MONTH"
    value = abs(lit.millis)
    for unit, ms in _UNITS:
        if value and value % ms == 0 and value // ms < 100:
            return f"INTERVAL {sign}'{value // ms}' {unit}"
    days, rest = divmod(value, 86_400_000)
    hours, rest = divmod(rest, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    frac = f".{millis:03d}" if millis else ""
    clock = f"{hours:02d}:{minutes:02d}:{seconds:02d}{frac}"
    if not days and not hours:
        return f"INTERVAL {sign}'{minutes}:{seconds:02d}{frac}' MINUTE TO SECOND"
    if not days:
        return f"INTERVAL {sign}'{hours}:{minutes:02d}:{seconds:02d}{frac}' HOUR TO SECOND"
    if days < 100:
        return f"INTERVAL {sign}'{days} {clock}' DAY TO SECOND"
    for unit, ms in _UNITS:
        if value % ms == 0 and value // ms < 1000:
            return f"INTERVAL {sign}'{value // ms}' {unit}(3)"
    return f"INTERVAL {sign}'{days} {clock}' DAY(3) TO SECOND"


class IntervalPrecision(Rule):
    """## What it does
    Flags an `INTERVAL 'n' unit` literal whose leading field has more digits than its precision
    (2 unless written, as in `SECOND(3)`): `INTERVAL '7200' SECOND`, `INTERVAL '300' SECOND`,
    `INTERVAL '100' DAY`, in DDL, views and queries.

    ## Why is this bad?
    Flink (Calcite) rejects the statement: "Interval field value 7,200 exceeds precision of
    SECOND(2) field". A watermark delay or window size written in seconds is the usual cause.

    ## Example
    ```sql
    WATERMARK FOR ts AS ts - INTERVAL '7200' SECOND
    ```

    ## Use instead
    ```sql
    WATERMARK FOR ts AS ts - INTERVAL '2' HOUR
    ```
    (`INTERVAL '2:00:01' HOUR TO SECOND` for a value no single unit holds).
    """

    name: ClassVar[str] = "interval-precision"
    fires = (
        "CREATE TABLE t (ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '7200' SECOND)"
        " WITH ('connector' = 'datagen');\nSELECT * FROM t;",
        "CREATE TABLE t (ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen');\n"
        "SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts),"
        " INTERVAL '300' SECOND)) GROUP BY window_start, window_end;",
        "CREATE TABLE t (ts TIMESTAMP(3)) WITH ('connector' = 'datagen');\n"
        "CREATE VIEW v AS SELECT ts + INTERVAL -'100' DAY AS later FROM t;\nSELECT * FROM v;",
        "CREATE TABLE t (ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '7201' SECOND)"
        " WITH ('connector' = 'datagen');\nSELECT * FROM t;",
    )
    passes = (
        "CREATE TABLE t (ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' HOUR)"
        " WITH ('connector' = 'datagen');\nSELECT * FROM t;",
        "CREATE TABLE t (ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '300' SECOND(3))"
        " WITH ('connector' = 'datagen');\nSELECT * FROM t;",
        "CREATE TABLE t (ts TIMESTAMP(3), WATERMARK FOR ts AS"
        " ts - INTERVAL '2:00:01' HOUR TO SECOND) WITH ('connector' = 'datagen');\n"
        "SELECT * FROM t;",
        "CREATE TABLE t (ts TIMESTAMP(3)) WITH ('connector' = 'datagen');\n"
        "SELECT ts + INTERVAL '100' DAY(3), ts - INTERVAL '1 01:00:00' DAY TO SECOND,"
        " ts - INTERVAL '45:01' MINUTE TO SECOND FROM t;",
        # 99 fits two digits; a numeric (not string) interval has no precision check
        "CREATE TABLE t (ts TIMESTAMP(3)) WITH ('connector' = 'datagen');\n"
        "SELECT ts - INTERVAL '99' SECOND, ts - INTERVAL 300 SECOND,"
        " ts - INTERVAL '23:59' HOUR TO MINUTE FROM t;",
    )

    def check(self, context: LintContext) -> Iterator[Finding]:
        for node in all_exprs(context.script):
            if not isinstance(node, IntervalLiteral) or node.overflow is None:
                continue
            better = suggestion(node)
            message = f"{node.to_sql()}: {node.overflow}; Flink rejects the statement"
            evidence = {"interval": node.to_sql(), "precision": node.precision, "unit": node.unit}
            edits = replace_text(context, node.location, node.to_sql(), better)
            yield self.finding(
                message, node.location, evidence=evidence, fix=Fix(f"write {better}", edits)
            )
