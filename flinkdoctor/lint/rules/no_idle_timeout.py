"""no-idle-timeout: a Kafka event-time source without an idle timeout."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from flinkdoctor.findings import Finding, Fix
from flinkdoctor.lint.edits import insert_option
from flinkdoctor.lint.job import connector, is_placeholder
from flinkdoctor.lint.rule import LintContext, Rule
from flinkdoctor.lint.sources import first_option, source_reads
from flinkdoctor.sql.model import CreateTable, Script

TABLE_OPTION = "scan.watermark.idle-timeout"
GLOBAL_OPTION = "table.exec.source.idle-timeout"

_K = (
    "CREATE TABLE k (ts TIMESTAMP(3), v INT, WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) WITH (\n"
    "  'connector' = 'kafka',\n  'topic' = 'events',\n"
    "  'properties.bootstrap.servers' = 'localhost:9092',\n"
    "  'properties.group.id' = 'g',\n  'scan.startup.mode' = 'earliest-offset',\n"
    "  'format' = 'json'{extra}\n);\n"
)
_Q = "SELECT window_start, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE k, DESCRIPTOR(ts),"
_Q += " INTERVAL '1' MINUTE)) GROUP BY window_start, window_end;"


def _zero(value: str) -> bool:
    text = value.strip().split(" ")[0].rstrip("smhdinu")
    try:
        return float(text or "0") == 0
    except ValueError:
        return False


class NoIdleTimeout(Rule):
    """## What it does
    Flags a Kafka (or upsert-kafka) source table with a `WATERMARK` when neither the table sets
    `'scan.watermark.idle-timeout'` (nor every query reading it, in an `OPTIONS` hint) nor the job
    sets `table.exec.source.idle-timeout` (by SQL `SET` or the PyFlink table config).

    ## Why is this bad?
    The watermark is the minimum over all Kafka partitions and source subtasks (R2.6). A
    partition that receives no new events, or a subtask with no partition (parallelism above the
    partition count), holds it back forever: no window fires and the sink stays empty, with no
    error. An idle timeout lets Flink ignore such inputs (R2.4, R1.9).

    ## Example
    ```sql
    CREATE TABLE events (..., WATERMARK FOR ts AS ts - INTERVAL '15' SECOND)
    WITH ('connector' = 'kafka', 'topic' = 'events', ...);
    ```

    ## Use instead
    ```sql
    WITH ('connector' = 'kafka', 'topic' = 'events', 'scan.watermark.idle-timeout' = '1 min', ...);
    ```
    or `SET 'table.exec.source.idle-timeout' = '1 min';` for every source of the job.
    """

    name: ClassVar[str] = "no-idle-timeout"
    fires = (
        _K.format(extra="") + _Q,
        _K.format(extra=",\n  'scan.watermark.idle-timeout' = '0'") + _Q,
        "SET 'table.exec.source.idle-timeout' = '0 ms';\n" + _K.format(extra="") + _Q,
        _K.format(extra="")
        .replace("'kafka'", "'upsert-kafka'")
        .replace("v INT,", "v INT, PRIMARY KEY (v) NOT ENFORCED,"),
    )
    passes = (
        _K.format(extra=",\n  'scan.watermark.idle-timeout' = '1 min'") + _Q,
        "SET 'table.exec.source.idle-timeout' = '30 s';\n" + _K.format(extra="") + _Q,
        _K.format(extra="")
        + "SELECT * FROM k /*+ OPTIONS('scan.watermark.idle-timeout'='1 min') */ WHERE v > 0;",
        # no WATERMARK, or not Kafka, or Kafka only written to
        _K.format(extra="").replace(", WATERMARK FOR ts AS ts - INTERVAL '5' SECOND", "")
        + "SELECT * FROM k;",
        "CREATE TABLE f (ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen');\n"
        "SELECT * FROM f;",
        _K.format(extra="") + "INSERT INTO k SELECT LOCALTIMESTAMP, 1;",
    )

    def check(self, context: LintContext) -> Iterator[Finding]:
        script = context.script
        global_value = script.settings.get(GLOBAL_OPTION)
        global_on = global_value is not None and (
            is_placeholder(global_value) or not _zero(global_value)
        )
        for read in source_reads(script):
            table = read.table
            if table.watermark is None or connector(table) not in ("kafka", "upsert-kafka"):
                continue
            for value, _ in read.values(TABLE_OPTION):
                if value is None and not global_on:
                    yield self._finding(context, script, table, None)
                    break
                if value is not None and not is_placeholder(value) and _zero(value):
                    yield self._finding(context, script, table, value)
                    break

    def _finding(
        self, context: LintContext, script: Script, table: CreateTable, own: str | None
    ) -> Finding:
        wm = table.watermark
        assert wm is not None
        why = (
            f"its '{TABLE_OPTION}' is {own!r}, which disables idleness"
            if own is not None
            else f"neither '{TABLE_OPTION}' nor '{GLOBAL_OPTION}' is set"
        )
        message = (
            f"Kafka source {table.name} has a WATERMARK but no idle timeout ({why}): a partition "
            "without new events, or a source subtask without a partition, holds the watermark "
            "back and no window fires"
        )
        evidence = {
            "table": str(table.name),
            "connector": connector(table),
            "parallelism": script.settings.get("parallelism.default"),
        }
        edits = (
            ()
            if own is not None
            else insert_option(context, first_option(table), f"'{TABLE_OPTION}' = '1 min'")
        )
        fix = Fix(f"add '{TABLE_OPTION}' = '1 min' to its WITH options", edits)
        return self.finding(message, wm.location, evidence=evidence, fix=fix, rule="R2.4")
