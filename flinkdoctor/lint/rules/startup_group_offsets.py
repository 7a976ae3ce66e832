"""startup-group-offsets: a Kafka source that starts from committed offsets with no fallback."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from flinkdoctor.findings import Finding, Fix
from flinkdoctor.lint.edits import insert_option
from flinkdoctor.lint.job import is_kafka, option_location
from flinkdoctor.lint.rule import LintContext, Rule
from flinkdoctor.lint.sources import first_option, source_reads

_K = (
    "CREATE TABLE k (v INT) WITH (\n  'connector' = 'kafka',\n  'topic' = 'events',\n"
    "  'properties.bootstrap.servers' = 'localhost:9092',\n"
    "  'properties.group.id' = 'g',\n  'format' = 'json'{extra}\n);\nSELECT * FROM k;"
)


class StartupGroupOffsets(Rule):
    """## What it does
    Flags a Kafka source with no `'scan.startup.mode'` (or `'group-offsets'`) and no
    `'properties.auto.offset.reset'`.

    ## Why is this bad?
    `scan.startup.mode` defaults to `group-offsets`: the job starts from the consumer group's
    committed offsets, and with no `auto.offset.reset` a group that has none (a new group id, an
    expired group) has nowhere to start: the source fails with a no-offset error (R5.7); without
    a `properties.group.id` Flink rejects the table at planning.

    ## Example
    ```sql
    WITH ('connector' = 'kafka', 'topic' = 'events', 'properties.group.id' = 'job', ...)
    ```

    ## Use instead
    ```sql
    WITH ('connector' = 'kafka', 'topic' = 'events', 'properties.group.id' = 'job',
          'scan.startup.mode' = 'earliest-offset', ...)
    ```
    (or keep group offsets and add `'properties.auto.offset.reset' = 'earliest'`).
    """

    name: ClassVar[str] = "startup-group-offsets"
    fires = (
        _K.format(extra=""),
        _K.format(extra="").replace("  'properties.group.id' = 'g',\n", ""),
        _K.format(extra=",\n  'scan.startup.mode' = 'group-offsets'"),
        _K.format(extra=",\n  'scan.startup.mode' = 'earliest-offset'").replace(
            "FROM k;", "FROM k /*+ OPTIONS('scan.startup.mode'='group-offsets') */;"
        ),
    )
    passes = (
        _K.format(extra=",\n  'scan.startup.mode' = 'earliest-offset'"),
        _K.format(extra=",\n  'properties.auto.offset.reset' = 'earliest'"),
        _K.format(extra="").replace(
            "FROM k;", "FROM k /*+ OPTIONS('scan.startup.mode'='earliest-offset') */;"
        ),
        # upsert-kafka always reads from the earliest offset
        _K.format(extra=",\n  'key.format' = 'json'")
        .replace("'kafka'", "'upsert-kafka'")
        .replace("(v INT)", "(v INT, PRIMARY KEY (v) NOT ENFORCED)")
        .replace("'format'", "'value.format'"),
    )

    def check(self, context: LintContext) -> Iterator[Finding]:
        for read in source_reads(context.script):
            table = read.table
            if not is_kafka(table):
                continue
            modes = [
                (v, at)
                for v, at in read.values("scan.startup.mode")
                if v in (None, "group-offsets")
            ]
            if not modes:
                continue
            mode, written_at = modes[0]
            if read.values("properties.auto.offset.reset")[0][0] is not None:
                continue
            said = (
                "no 'scan.startup.mode'"
                if mode is None
                else "'scan.startup.mode' = 'group-offsets'"
            )
            message = (
                f"Kafka source {table.name} has {said} and no 'properties.auto.offset.reset': "
                "it starts from the group's committed offsets and fails when the group has none"
            )
            if read.values("properties.group.id")[0][0] is None:
                message += (
                    "; without 'properties.group.id' Flink rejects the table at planning "
                    "(group.id is required when using committed offsets)"
                )
            location = written_at if mode else option_location(table, "connector")
            edits = (
                ()
                if mode
                else insert_option(
                    context, first_option(table), "'scan.startup.mode' = 'earliest-offset'"
                )
            )
            fix = Fix(
                "set 'scan.startup.mode' = 'earliest-offset' (or another explicit start)", edits
            )
            evidence = {
                "table": str(table.name),
                "group_id": table.options.get("properties.group.id"),
            }
            yield self.finding(message, location, evidence=evidence, fix=fix, rule="R5.7")
