"""sink-needs-checkpoint: a sink that commits on checkpoints in a job that takes none."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from flinkdoctor.findings import Finding, Fix
from flinkdoctor.lint.edits import insert_line_before
from flinkdoctor.lint.job import checkpointing_on, connector, sink_tables, streaming
from flinkdoctor.lint.rule import LintContext, Rule
from flinkdoctor.sql.model import CreateTable

COMMITTING = frozenset(["filesystem", "hive", "iceberg", "paimon"])

_S = "CREATE TABLE src (v INT) WITH ('connector' = 'datagen');\n"
_FS = "CREATE TABLE sink_out (v INT) WITH ('connector' = 'filesystem', 'path' = '/tmp/out',"
_FS += " 'format' = 'json');\n"
_KX = (
    "CREATE TABLE sink_out (v INT) WITH ('connector' = 'kafka', 'topic' = 'o',"
    " 'properties.bootstrap.servers' = 'localhost:9092', 'format' = 'json',"
    " 'sink.delivery-guarantee' = '{g}', 'sink.transactional-id-prefix' = 'job');\n"
)
_INS = "INSERT INTO sink_out SELECT v FROM src;"


def why_commits(table: CreateTable) -> str | None:
    """Why this sink only makes rows visible on checkpoints, None when it does not."""
    name = connector(table)
    if name in COMMITTING:
        return f"the {name} sink commits its files only on checkpoints"
    guarantee = table.options.get("sink.delivery-guarantee", "").strip().lower()
    if name in ("kafka", "upsert-kafka") and guarantee == "exactly-once":
        return "an exactly-once Kafka sink commits its transactions only on checkpoints"
    return None


class SinkNeedsCheckpoint(Rule):
    """## What it does
    Flags a streaming job that writes to a filesystem, hive, iceberg or paimon sink, or to Kafka
    with `'sink.delivery-guarantee' = 'exactly-once'`, while checkpointing is off: no
    `SET 'execution.checkpointing.interval'` and, in a PyFlink job, no
    `env.enable_checkpointing(...)` nor `get_config().set(...)` of it. Batch jobs are not flagged.

    ## Why is this bad?
    Checkpointing is off by default (R5.1). These sinks make rows visible only when a checkpoint
    completes (R5.2, R5.3): the files stay hidden in-progress files and read_committed consumers
    see no Kafka records, forever, with no error.

    ## Example
    ```sql
    CREATE TABLE sink_out (...) WITH ('connector' = 'filesystem', 'path' = 's3://bucket/out', ...);
    INSERT INTO sink_out SELECT ...;
    ```

    ## Use instead
    ```sql
    SET 'execution.checkpointing.interval' = '1 min';
    ```
    (PyFlink: `env.enable_checkpointing(60000)`).
    """

    name: ClassVar[str] = "sink-needs-checkpoint"
    fires = (
        _S + _FS + _INS,
        _S + _KX.format(g="exactly-once") + _INS,
        "SET 'execution.runtime-mode' = 'streaming';\n"
        + _S
        + _FS.replace("'filesystem'", "'paimon'")
        + _INS,
    )
    passes = (
        "SET 'execution.checkpointing.interval' = '1 min';\n" + _S + _FS + _INS,
        "SET 'execution.runtime-mode' = 'batch';\n" + _S + _FS + _INS,
        _S + _KX.format(g="at-least-once") + _INS,
        # defined but never written to
        _S + _FS + "SELECT v FROM src;",
    )

    def check(self, context: LintContext) -> Iterator[Finding]:
        script = context.script
        if checkpointing_on(script) or not streaming(script):
            return
        for table, _insert in sink_tables(script):
            why = why_commits(table)
            if why is None:
                continue
            message = (
                f"{why}, and checkpointing is off: rows written to {table.name} never become "
                "visible"
            )
            if table.location.file.lower().endswith(".py"):
                fix = Fix("enable checkpointing: env.enable_checkpointing(60000)")
            else:
                line = "SET 'execution.checkpointing.interval' = '1 min';"
                fix = Fix(
                    f"enable checkpointing: {line}",
                    insert_line_before(context, table.location, line),
                )
            evidence = {"table": str(table.name), "connector": connector(table)}
            rule = "R5.2" if connector(table) in COMMITTING else "R5.3"
            yield self.finding(message, table.location, evidence=evidence, fix=fix, rule=rule)
