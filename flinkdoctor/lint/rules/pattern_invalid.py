"""pattern-invalid: a TO_TIMESTAMP pattern Java's DateTimeFormatter rejects."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from flinkdoctor.findings import Finding, Fix
from flinkdoctor.lint.edits import replace_text
from flinkdoctor.lint.patterns import TYPICAL, pattern_calls, sql_quote
from flinkdoctor.lint.rule import LintContext, Rule
from flinkdoctor.timeformat import PatternError, compile_pattern

_UNKNOWN_LETTER = re.compile(r"Unknown pattern letter: (.)")


class PatternInvalid(Rule):
    """## What it does
    Flags a `TO_TIMESTAMP(value, 'pattern')` whose pattern Java's `DateTimeFormatter.ofPattern`
    rejects: an unknown letter such as an unquoted `T` or `f`, an unterminated quote, too many
    letters (`SSSSSSSSSS`). Every TO_TIMESTAMP call in the script is checked: computed columns,
    WATERMARK clauses, views and queries.

    ## Why is this bad?
    Flink compiles the pattern for each row inside generated code that catches every exception
    (R4.2): the job runs, no error is logged, and the column is NULL for every row. A NULL rowtime
    then fails the job or drops every row, and the sink stays empty.

    ## Example
    ```sql
    CREATE TABLE events (
      event_time STRING,
      ts AS TO_TIMESTAMP(event_time, 'yyyy-MM-ddTHH:mm:ss'),
      WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
    ) WITH ('connector' = 'kafka', ...);
    ```

    ## Use instead
    Quote literal text in the pattern (a quote inside the SQL string is written twice):
    ```sql
      ts AS TO_TIMESTAMP(event_time, 'yyyy-MM-dd''T''HH:mm:ss'),
    ```
    """

    name: ClassVar[str] = "pattern-invalid"
    fires = (
        "CREATE TABLE e (s STRING, ts AS TO_TIMESTAMP(s, 'yyyy-MM-ddTHH:mm:ss'),"
        " WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen');",
        "CREATE TABLE e (s STRING) WITH ('connector' = 'datagen');\n"
        "SELECT TO_TIMESTAMP(s, 'yyyy-MM-dd HH:mm:ss.fff') FROM e;",
        "CREATE TABLE e (s STRING) WITH ('connector' = 'datagen');\n"
        "CREATE VIEW v AS SELECT TO_TIMESTAMP(s, 'yyyy-MM-dd''T') AS ts FROM e;",
        "CREATE TABLE e (s STRING) WITH ('connector' = 'datagen');\n"
        "CREATE TABLE o (ts TIMESTAMP(3)) WITH ('connector' = 'blackhole');\n"
        "INSERT INTO o SELECT TO_TIMESTAMP(s, 'yyyy-MM-dd HH:mm:ss.SSSSSSSSSS') FROM e"
        " WHERE s IS NOT NULL;",
    )
    passes = (
        "CREATE TABLE e (s STRING, ts AS TO_TIMESTAMP(s, 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z'''),"
        " WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen');",
        "CREATE TABLE e (s STRING) WITH ('connector' = 'datagen');\n"
        "SELECT TO_TIMESTAMP(s), TO_TIMESTAMP(s, 'yyyy-MM-dd HH:mm:ss.SSSSSSSSS') FROM e;",
        # a T inside a quoted literal, and a pattern letter inside a plain string elsewhere
        "CREATE TABLE e (s STRING) WITH ('connector' = 'datagen');\n"
        "SELECT TO_TIMESTAMP(s, '''T''yyyyMMdd'), 'yyyy-MM-ddTHH' FROM e;",
    )

    def check(self, context: LintContext) -> Iterator[Finding]:
        for found in pattern_calls(context.script):
            try:
                compile_pattern(found.pattern)
            except PatternError as exc:
                yield self._finding(context, found.pattern, exc, found.literal.raw, found.literal)

    def _finding(
        self, context: LintContext, pattern: str, exc: PatternError, raw: str, literal: object
    ) -> Finding:
        reason = exc.message.split(": ", 1)[-1]
        fixed = _quoted_fix(pattern, exc)
        value = "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}".format(*TYPICAL[:6])
        message = (
            f"TO_TIMESTAMP pattern {sql_quote(pattern)} is invalid for Java's DateTimeFormatter "
            f"({reason} at index {exc.index}): Flink returns NULL for every row, silently"
        )
        location = getattr(literal, "location", None)
        if fixed is not None:
            text = f"quote the literal text: {sql_quote(fixed)}"
            edits = replace_text(context, location, raw, sql_quote(fixed))
            if not edits:
                edits = replace_text(context, location, pattern, fixed)
            fix = Fix(text, edits)
        else:
            fix = Fix("write a pattern DateTimeFormatter accepts; quote literal text as ''T''")
        evidence = {
            "pattern": pattern,
            "error": reason,
            "index": exc.index,
            "example": {"value": value, "flink": None},
        }
        if fixed is not None:
            evidence["suggested_pattern"] = fixed
        return self.finding(message, location, evidence=evidence, fix=fix, rule="R4.2")


def _quoted_fix(pattern: str, exc: PatternError) -> str | None:
    """Quote unknown letters (``T`` -> ``'T'``; ``fff`` -> ``SSS``) until the pattern compiles;
    None if that is not the problem."""
    current = pattern
    for _ in range(8):
        try:
            compile_pattern(current)
            return current
        except PatternError as err:
            m = _UNKNOWN_LETTER.search(err.message)
            if m is None:
                return None
            i, letter = err.index, current[err.index]
            j = i
            while j < len(current) and current[j] == letter:
                j += 1
            # .fff is how other languages write fractions; elsewhere the letter is literal text
            run = "S" * (j - i) if letter == "f" else "'" + current[i:j] + "'"
            current = current[:i] + run + current[j:]
    return None
