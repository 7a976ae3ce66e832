"""ignore-parse-errors: a format told to turn parse errors into NULLs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from flinkdoctor.findings import Finding, Fix
from flinkdoctor.lint.edits import replace_text
from flinkdoctor.lint.job import option_location
from flinkdoctor.lint.rule import LintContext, Rule

_T = "CREATE TABLE e (ts TIMESTAMP(3), v INT) WITH (\n  'connector' = 'kafka',\n  {opt}\n);\n"


class IgnoreParseErrors(Rule):
    """## What it does
    Flags a table whose format option `*.ignore-parse-errors` (`json.ignore-parse-errors`,
    `csv.ignore-parse-errors`, `value.json.ignore-parse-errors`, ...) is `'true'`.

    ## Why is this bad?
    A field that does not parse (a timestamp in another shape, a string in a number column)
    becomes NULL instead of failing the job, and a broken message is skipped (R4.5). Rows vanish
    or carry NULLs with no error; a NULL rowtime then fails the job later or is dropped, far from
    the cause.

    ## Example
    ```sql
    WITH ('connector' = 'kafka', 'format' = 'json', 'json.ignore-parse-errors' = 'true')
    ```

    ## Use instead
    Let bad records fail loudly while you fix the column types (or route them elsewhere):
    ```sql
    WITH ('connector' = 'kafka', 'format' = 'json', 'json.ignore-parse-errors' = 'false')
    ```
    """

    name: ClassVar[str] = "ignore-parse-errors"
    fires = (
        _T.format(opt="'format' = 'json',\n  'json.ignore-parse-errors' = 'true'"),
        _T.format(opt="'value.format' = 'csv',\n  'value.csv.ignore-parse-errors' = 'TRUE'"),
    )
    passes = (
        _T.format(opt="'format' = 'json',\n  'json.ignore-parse-errors' = 'false'"),
        _T.format(opt="'format' = 'json',\n  'json.fail-on-missing-field' = 'true'"),
    )

    def check(self, context: LintContext) -> Iterator[Finding]:
        for table in context.script.tables.values():
            for key, value in table.options.items():
                if not key.endswith("ignore-parse-errors") or value.strip().lower() != "true":
                    continue
                location = option_location(table, key)
                message = (
                    f"'{key}' = 'true' on {table.name}: records or fields that do not parse "
                    "become NULL (or are skipped) without a word"
                )
                edits = replace_text(context, location, f"'{value}'", "'false'")
                fix = Fix(
                    f"set '{key}' = 'false' (or remove it) and fix what does not parse", edits
                )
                evidence = {"table": str(table.name), "option": key}
                yield self.finding(message, location, evidence=evidence, fix=fix, rule="R4.5")
