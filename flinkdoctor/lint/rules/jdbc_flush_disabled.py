"""jdbc-flush-disabled: a JDBC sink that never flushes in a job without checkpoints."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from flinkdoctor.findings import Finding, Fix
from flinkdoctor.lint.edits import replace_text
from flinkdoctor.lint.job import (
    checkpointing_on,
    connector,
    option_location,
    sink_tables,
    streaming,
)
from flinkdoctor.lint.rule import LintContext, Rule

ROWS = "sink.buffer-flush.max-rows"
INTERVAL = "sink.buffer-flush.interval"
_ZERO = re.compile(r"\s*0+(?:\.0*)?\s*(?:ms|s|min|h|d|milli|millis|second|seconds)?\s*$", re.I)
_INT = re.compile(r"\s*[+-]?\d+\s*")


def count_trigger_off(max_rows: str) -> bool:
    """True when ``'sink.buffer-flush.max-rows'`` turns the count trigger off: the factory
    accepts any int, and JdbcOutputFormat flushes on a count only when it is > 0 (R5.5)."""
    return _INT.fullmatch(max_rows) is not None and int(max_rows) <= 0


_S = "CREATE TABLE src (v INT) WITH ('connector' = 'datagen');\n"
_J = (
    "CREATE TABLE sink_out (v INT) WITH (\n  'connector' = 'jdbc',\n  'url' = 'jdbc:postgresql://db/x',\n"
    "  'table-name' = 'out',\n  '{r}' = '{rv}',\n  '{i}' = '{iv}'\n);\n"
)
_INS = "INSERT INTO sink_out SELECT v FROM src;"


class JdbcFlushDisabled(Rule):
    """## What it does
    Flags a JDBC sink with both `'sink.buffer-flush.max-rows' = '0'` (or below) and
    `'sink.buffer-flush.interval' = '0'` in a streaming job without checkpointing.

    ## Why is this bad?
    With both flush triggers off, the JDBC sink buffers rows until a checkpoint (R5.5). With
    checkpointing off (the default, R5.1) an unbounded job writes no row while it runs: the
    table stays empty while the job looks healthy. The buffered rows arrive only when the job
    ends (the sink flushes when it closes, on a cancel too), which hides the cause further.

    ## Example
    ```sql
    WITH ('connector' = 'jdbc', ..., 'sink.buffer-flush.max-rows' = '0',
          'sink.buffer-flush.interval' = '0')
    ```

    ## Use instead
    ```sql
    WITH ('connector' = 'jdbc', ..., 'sink.buffer-flush.max-rows' = '100',
          'sink.buffer-flush.interval' = '1s')
    ```
    or enable checkpointing (`SET 'execution.checkpointing.interval' = '1 min';`).
    """

    name: ClassVar[str] = "jdbc-flush-disabled"
    fires = (
        _S + _J.format(r=ROWS, rv="0", i=INTERVAL, iv="0") + _INS,
        _S + _J.format(r=ROWS, rv="0", i=INTERVAL, iv="0 s") + _INS,
        _S + _J.format(r=ROWS, rv="-1", i=INTERVAL, iv="0") + _INS,
    )
    passes = (
        _S + _J.format(r=ROWS, rv="0", i=INTERVAL, iv="1s") + _INS,
        _S + _J.format(r=ROWS, rv="100", i=INTERVAL, iv="0") + _INS,
        _S + _J.format(r=ROWS, rv="-1", i=INTERVAL, iv="1s") + _INS,
        "SET 'execution.checkpointing.interval' = '10 s';\n"
        + _S
        + _J.format(r=ROWS, rv="0", i=INTERVAL, iv="0")
        + _INS,
        "SET 'execution.runtime-mode' = 'batch';\n"
        + _S
        + _J.format(r=ROWS, rv="0", i=INTERVAL, iv="0")
        + _INS,
    )

    def check(self, context: LintContext) -> Iterator[Finding]:
        script = context.script
        if checkpointing_on(script) or not streaming(script):
            return
        for table, _ in sink_tables(script):
            if connector(table) != "jdbc":
                continue
            rows, interval = table.options.get(ROWS), table.options.get(INTERVAL)
            if rows is None or interval is None:
                continue
            if not (count_trigger_off(rows) and _ZERO.match(interval)):
                continue
            location = option_location(table, INTERVAL)
            message = (
                f"JDBC sink {table.name} has both buffer-flush triggers off ({ROWS} {rows}, "
                f"{INTERVAL} {interval}) and checkpointing is off: it buffers every row and "
                "writes none while the job runs (only when the job ends)"
            )
            edits = replace_text(context, location, f"'{interval}'", "'1s'")
            fix = Fix(f"set '{INTERVAL}' = '1s' (or enable checkpointing)", edits)
            evidence = {"table": str(table.name), ROWS: rows, INTERVAL: interval}
            yield self.finding(message, location, evidence=evidence, fix=fix, rule="R5.5")
