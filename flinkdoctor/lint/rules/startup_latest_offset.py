"""startup-latest-offset: a Kafka source that reads only what arrives after the start."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from flinkdoctor.findings import Finding, Fix
from flinkdoctor.lint.job import is_kafka
from flinkdoctor.lint.rule import LintContext, Rule
from flinkdoctor.lint.sources import source_reads

_K = (
    "CREATE TABLE k (v INT) WITH (\n  'connector' = 'kafka',\n  'topic' = 'events',\n"
    "  'properties.bootstrap.servers' = 'localhost:9092',\n"
    "  'properties.group.id' = 'g',\n  'format' = 'json',\n  'scan.startup.mode' = '{mode}'\n);\n"
    "SELECT * FROM k;"
)


class StartupLatestOffset(Rule):
    """## What it does
    Notes a Kafka source with `'scan.startup.mode' = 'latest-offset'`.

    ## Why is this bad?
    Nothing is broken, but the job reads only events produced after it starts (R5.7): replaying a
    topic that already holds the events, or restarting without a savepoint, gives an empty sink
    until new events arrive. Worth knowing when the sink is empty.

    ## Example
    ```sql
    WITH ('connector' = 'kafka', 'scan.startup.mode' = 'latest-offset', ...)
    ```

    ## Use instead
    When the events already in the topic matter:
    ```sql
    WITH ('connector' = 'kafka', 'scan.startup.mode' = 'earliest-offset', ...)
    ```
    """

    name: ClassVar[str] = "startup-latest-offset"
    fires = (
        _K.format(mode="latest-offset"),
        # read through a view; a DDL-only file still declares the source
        _K.format(mode="latest-offset").replace(
            "SELECT * FROM k;", "CREATE VIEW kv AS SELECT v FROM k;"
        ),
        _K.format(mode="latest-offset").replace("SELECT * FROM k;", ""),
        # an OPTIONS hint overrides the WITH options for that query (R1.9)
        _K.format(mode="earliest-offset").replace(
            "FROM k;", "FROM k /*+ OPTIONS('scan.startup.mode'='latest-offset') */;"
        ),
    )
    passes = (
        _K.format(mode="earliest-offset"),
        _K.format(mode="group-offsets").replace(
            "'format'", "'properties.auto.offset.reset' = 'latest',\n  'format'"
        ),
        _K.format(mode="latest-offset").replace(
            "FROM k;", "FROM k /*+ OPTIONS('scan.startup.mode'='earliest-offset') */;"
        ),
    )

    def check(self, context: LintContext) -> Iterator[Finding]:
        for read in source_reads(context.script):
            table = read.table
            if not is_kafka(table):
                continue
            at = [loc for v, loc in read.values("scan.startup.mode") if v == "latest-offset"]
            if not at:
                continue
            location = at[0]
            message = (
                f"Kafka source {table.name} starts at the latest offset: only events produced "
                "after the job starts are read"
            )
            fix = Fix(
                "use 'scan.startup.mode' = 'earliest-offset' (or 'timestamp') to read the events "
                "already in the topic"
            )
            yield self.finding(
                message, location, evidence={"table": str(table.name)}, fix=fix, rule="R5.7"
            )
