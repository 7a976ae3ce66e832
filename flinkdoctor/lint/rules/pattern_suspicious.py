"""pattern-suspicious: a valid TO_TIMESTAMP pattern that is almost surely not what was meant."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from flinkdoctor.findings import Finding, Fix
from flinkdoctor.lint.edits import replace_text
from flinkdoctor.lint.patterns import (
    Run,
    flink_result,
    letters,
    pattern_calls,
    render,
    replace_runs,
    sql_quote,
)
from flinkdoctor.lint.rule import LintContext, Rule
from flinkdoctor.timeformat import PatternError, Status, compile_pattern, to_timestamp

_HOURS = frozenset("HhKk")


@dataclass(frozen=True, slots=True)
class Issue:
    """One suspicious letter run, what it means, and its likely intended replacement."""

    run: Run
    meaning: str
    replacement: str


def issues(pattern: str) -> list[Issue]:
    """The suspicious letter runs of a valid pattern, in pattern order."""
    runs = letters(pattern)
    present = {r.letter for r in runs}
    hour_at = next((r.index for r in runs if r.letter in _HOURS), None)
    date_part = [r for r in runs if hour_at is None or r.index < hour_at]
    time_part = [r for r in runs if hour_at is not None and r.index > hour_at]
    found: list[Issue] = []
    for r in runs:
        text = r.letter * r.count
        if r.letter == "Y" and "w" not in present:
            found.append(Issue(r, f"{text} is the week-based year, not the year", "y" * r.count))
        elif r.letter == "D" and present & {"M", "L"} and "d" not in present:
            found.append(
                Issue(r, f"{text} is the day of the year, not of the month", "d" * r.count)
            )
        elif r.letter in "hK" and "a" not in present and "B" not in present:
            hours = "1-12" if r.letter == "h" else "0-11"
            meaning = f"{text} is the {hours} hour of AM/PM but the pattern has no a"
            found.append(Issue(r, meaning, "H" * r.count))
        elif r.letter == "m" and r in date_part and not any(x.letter == "M" for x in date_part):
            found.append(Issue(r, f"{text} in the date is minutes, not the month", "M" * r.count))
        elif r.letter == "M" and r in time_part and not any(x.letter == "m" for x in time_part):
            found.append(Issue(r, f"{text} in the time is the month, not minutes", "m" * r.count))
    return found


class PatternSuspicious(Rule):
    """## What it does
    Flags a valid `TO_TIMESTAMP` pattern that almost surely does not mean what it says: `YYYY`
    (the week-based year), `DD` next to a month (day of the year), `mm` in the date or `MM` in the
    time (minutes and months swapped), `hh` or `KK` without an `a` (AM/PM hours). The message
    shows what Flink makes of a typical value written with the intended pattern.

    ## Why is this bad?
    Java accepts these patterns, so nothing fails: Flink quietly produces wrong timestamps
    (`YYYY-MM-dd HH:mm:ss` turns `2024-05-14 03:07:45` into 1970-05-14 03:07:45, `hh` reads
    03:07:45 as 00:07:45) or NULL where its java.sql fallback cannot rescue the value (R4.2).
    Windows then land in 1970 or the wrong hour and the sink shows nothing you expect.

    ## Example
    ```sql
    ts AS TO_TIMESTAMP(event_time, 'YYYY-MM-dd hh:mm:ss'),
    ```

    ## Use instead
    ```sql
    ts AS TO_TIMESTAMP(event_time, 'yyyy-MM-dd HH:mm:ss'),
    ```
    """

    name: ClassVar[str] = "pattern-suspicious"
    fires = (
        "CREATE TABLE e (s STRING, ts AS TO_TIMESTAMP(s, 'YYYY-MM-dd HH:mm:ss'),"
        " WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen');",
        "CREATE TABLE e (s STRING) WITH ('connector' = 'datagen');\n"
        "SELECT TO_TIMESTAMP(s, 'yyyy-MM-dd hh:mm:ss') FROM e;",
        "CREATE TABLE e (s STRING) WITH ('connector' = 'datagen');\n"
        "CREATE VIEW v AS SELECT TO_TIMESTAMP(s, 'yyyy-mm-dd HH:MM:ss') AS ts FROM e;",
        "CREATE TABLE e (s STRING) WITH ('connector' = 'datagen');\n"
        "SELECT TO_TIMESTAMP(s, 'yyyy-MM-DD''T''HH:mm:ss') FROM e;",
        "CREATE TABLE e (s STRING) WITH ('connector' = 'datagen');\n"
        "SELECT TO_TIMESTAMP(s, 'yyyy-MM-DD HH:mm:ss'), TO_TIMESTAMP(s, 'dd.MM.YY KK:mm') FROM e;",
    )
    passes = (
        "CREATE TABLE e (s STRING, ts AS TO_TIMESTAMP(s, 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z'''),"
        " WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen');",
        # hh with its AM/PM marker, a week-based year with its week, day-of-year without month
        "CREATE TABLE e (s STRING) WITH ('connector' = 'datagen');\n"
        "SELECT TO_TIMESTAMP(s, 'dd/MM/yyyy hh:mm:ss a'), TO_TIMESTAMP(s, 'YYYY-ww'),"
        " TO_TIMESTAMP(s, 'yyyy-DDD HH:mm') FROM e;",
        # minutes in a time-only pattern, letters inside quotes
        "CREATE TABLE e (s STRING) WITH ('connector' = 'datagen');\n"
        "SELECT TO_TIMESTAMP(s, 'HH:mm'), TO_TIMESTAMP(s, 'yyyy-MM-dd''YYYY hh''') FROM e;",
    )

    def check(self, context: LintContext) -> Iterator[Finding]:
        for found in pattern_calls(context.script):
            try:
                compile_pattern(found.pattern)
            except PatternError:
                continue  # pattern-invalid's business
            problems = issues(found.pattern)
            if not problems:
                continue
            intended = replace_runs(found.pattern, {i.run.index: i.replacement for i in problems})
            yield self._finding(context, found.pattern, intended, problems, found.literal)

    def _finding(
        self,
        context: LintContext,
        pattern: str,
        intended: str,
        problems: list[Issue],
        literal: Any,
    ) -> Finding:
        what = "; ".join(i.meaning for i in problems)
        message = f"TO_TIMESTAMP pattern {sql_quote(pattern)}: {what}"
        evidence: dict[str, Any] = {
            "pattern": pattern,
            "issues": [i.meaning for i in problems],
            "suggested_pattern": intended,
        }
        value = render(intended)
        if value is not None:
            result = flink_result(value, pattern)
            expected = flink_result(value, intended)
            evidence["example"] = {"value": value, "flink": result, "intended": expected}
            if result is None:
                message += f"; Flink returns NULL for {value!r}"
            elif result != expected:
                message += f"; Flink turns {value!r} into {result}"
            elif to_timestamp(value, pattern).status is Status.FALLBACK:
                message += (
                    f"; the pattern fails on {value!r}, which only Flink's java.sql fallback "
                    "rescues (a value it cannot read, e.g. with a T, gets NULL)"
                )
        edits = replace_text(context, literal.location, literal.raw, sql_quote(intended))
        if not edits:
            edits = replace_text(context, literal.location, pattern, intended)
        fix = Fix(f"use {sql_quote(intended)}", edits)
        return self.finding(message, literal.location, evidence=evidence, fix=fix, rule="R4.2")
