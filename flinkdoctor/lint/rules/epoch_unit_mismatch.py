"""epoch-unit-mismatch: TO_TIMESTAMP_LTZ precision that contradicts the column's unit name."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import ClassVar

from flinkdoctor.findings import Finding, Fix
from flinkdoctor.lint.edits import replace_text
from flinkdoctor.lint.patterns import TYPICAL
from flinkdoctor.lint.rule import LintContext, Rule
from flinkdoctor.lint.scan import all_exprs
from flinkdoctor.sql.model import Call, Cast, Expr, Identifier, Literal
from flinkdoctor.timeformat import format_timestamp, to_timestamp_ltz
from flinkdoctor.timeformat.calendar import days_from_civil

MILLIS_NAME = re.compile(r"(?:^|_)(?:ms|msec|millis|milli|milliseconds)$|millis$", re.IGNORECASE)
SECONDS_NAME = re.compile(r"(?:^|_)(?:s|sec|secs|second|seconds)$", re.IGNORECASE)

_T = "CREATE TABLE e (event_ms BIGINT, created_s BIGINT, epoch_s BIGINT, views BIGINT,"
_T += " ts_millis BIGINT) WITH ('connector' = 'datagen');\n"


def typical_epoch_seconds() -> int:
    """The typical event time (patterns.TYPICAL) as epoch seconds."""
    y, mo, d, h, mi, s, _ = TYPICAL
    return days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s


def _column(arg: Expr) -> str | None:
    while isinstance(arg, Cast):
        arg = arg.expr
    return arg.name if isinstance(arg, Identifier) else None


class EpochUnitMismatch(Rule):
    """## What it does
    Flags `TO_TIMESTAMP_LTZ(col, 0)` (epoch seconds) on a column named like milliseconds
    (`_ms`, `_millis`) and `TO_TIMESTAMP_LTZ(col, 3)` (epoch milliseconds) on one named like
    seconds (`_s`, `_sec`, `_seconds`, `epoch_s`), anywhere in the script.

    ## Why is this bad?
    Flink does not guess the unit (R4.4). Milliseconds read as seconds are out of range and give
    NULL (a NULL rowtime fails the job or drops every row); seconds read as milliseconds land in
    January 1970, so every window is long closed and every row is late (R6.3).

    ## Example
    ```sql
    ts AS TO_TIMESTAMP_LTZ(event_ms, 0)
    ```

    ## Use instead
    ```sql
    ts AS TO_TIMESTAMP_LTZ(event_ms, 3)
    ```
    """

    name: ClassVar[str] = "epoch-unit-mismatch"
    fires = (
        _T.replace(") WITH", ", ts AS TO_TIMESTAMP_LTZ(event_ms, 0), WATERMARK FOR ts AS ts) WITH"),
        _T + "SELECT TO_TIMESTAMP_LTZ(created_s, 3) FROM e;",
        _T + "CREATE VIEW v AS SELECT TO_TIMESTAMP_LTZ(CAST(ts_millis AS BIGINT), 0) AS t FROM e;",
        _T + "SELECT TO_TIMESTAMP_LTZ(epoch_s, 3) FROM e;",
    )
    passes = (
        _T + "SELECT TO_TIMESTAMP_LTZ(event_ms, 3), TO_TIMESTAMP_LTZ(created_s, 0) FROM e;",
        # the unit is converted first; names that only end in s; unknown precision
        _T + "SELECT TO_TIMESTAMP_LTZ(event_ms / 1000, 0), TO_TIMESTAMP_LTZ(views, 3),"
        " TO_TIMESTAMP_LTZ(created_s * 1000, 3) FROM e;",
    )

    def check(self, context: LintContext) -> Iterator[Finding]:
        for node in all_exprs(context.script):
            if not (isinstance(node, Call) and node.name == "TO_TIMESTAMP_LTZ"):
                continue
            if len(node.args) != 2:
                continue
            column, precision = _column(node.args[0]), node.args[1]
            if column is None or not isinstance(precision, Literal):
                continue
            if not isinstance(precision.value, Decimal):
                continue
            p = int(precision.value)
            if p == 0 and MILLIS_NAME.search(column):
                yield self._finding(context, node, column, 0, "milliseconds")
            elif p == 3 and SECONDS_NAME.search(column):
                yield self._finding(context, node, column, 3, "seconds")

    def _finding(
        self, context: LintContext, call: Call, column: str, precision: int, named: str
    ) -> Finding:
        seconds = typical_epoch_seconds()
        value = seconds * 1000 + TYPICAL[6] if named == "milliseconds" else seconds
        result = to_timestamp_ltz(value, precision)
        shown = "NULL" if result.millis is None else format_timestamp(result.millis, 3)
        right = 3 if precision == 0 else 0
        reads = "seconds" if precision == 0 else "milliseconds"
        message = (
            f"TO_TIMESTAMP_LTZ({column}, {precision}) reads {column} as epoch {reads}, but its "
            f"name says {named}: Flink turns {value} into {shown}"
        )
        evidence = {
            "column": column,
            "precision": precision,
            "name_unit": named,
            "example": {"value": value, "flink": None if result.millis is None else shown},
        }
        old = call.to_sql()
        new = old[: old.rstrip(")").rfind(",")] + f", {right})"
        edits = replace_text(context, call.location, old, new)
        fix = Fix(f"use TO_TIMESTAMP_LTZ({column}, {right}) if {column} holds {named}", edits)
        return self.finding(message, call.location, evidence=evidence, fix=fix, rule="R4.4")
