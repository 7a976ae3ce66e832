"""What the script says about the job as a whole: checkpointing, runtime mode, sinks, options.

Settings come from ``Script.settings`` (PyFlink API calls such as ``env.enable_checkpointing``
overlaid by SQL ``SET``), so a rule reads one place whichever way the user configured the job.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from flinkdoctor.errors import Location
from flinkdoctor.sql.model import (
    ENV_CHECKPOINT_INTERVAL,
    ENV_RUNTIME_MODE,
    CreateTable,
    Insert,
    Script,
    SetStatement,
)

_DURATION_NUMBER = re.compile(r"\s*(-?\d+(?:\.\d+)?)")


def is_placeholder(value: str) -> bool:
    """A value filled in later (``${VAR}``, a PyFlink env lookup the extractor left as a hole)."""
    return "${" in value


def checkpointing_on(script: Script) -> bool:
    """True unless the job runs without checkpoints: ``execution.checkpointing.interval`` unset
    (Flink's default, R5.1) or zero. A placeholder counts as on (we cannot know)."""
    value = script.settings.get(ENV_CHECKPOINT_INTERVAL)
    if value is None:
        return False
    if is_placeholder(value):
        return True
    m = _DURATION_NUMBER.match(value)
    return m is None or float(m.group(1)) > 0


def streaming(script: Script) -> bool:
    """True when the job surely runs in streaming mode (the default; ``batch`` and
    ``automatic`` are not)."""
    return script.settings.get(ENV_RUNTIME_MODE, "streaming").strip().lower() == "streaming"


def setting_location(script: Script, key: str) -> Location | None:
    """Where ``key`` was last set: the SQL SET, else the PyFlink call."""
    found: Location | None = None
    for st in script.statements:
        if isinstance(st, SetStatement) and st.key == key:
            found = st.location
    return found or script.env_locations.get(key)


def sink_tables(script: Script) -> Iterator[tuple[CreateTable, Insert]]:
    """Each table the job writes to (once, with its first INSERT), as defined in the script."""
    seen: set[str] = set()
    for q in script.queries:
        if not isinstance(q, Insert):
            continue
        table = script.table(q.target)
        if table is None or table.name.key in seen:
            continue
        seen.add(table.name.key)
        yield table, q


def option(table: CreateTable, key: str) -> str | None:
    """A WITH option by key, keys compared case-sensitively as Flink does."""
    return table.options.get(key)


def option_location(table: CreateTable, key: str) -> Location:
    """Where the option ``key`` is written, else the table itself."""
    return table.option_locations.get(key, table.location)


def connector(table: CreateTable) -> str:
    """The connector name, lower-cased ('' when none)."""
    return (table.connector or "").strip().lower()


def is_kafka(table: CreateTable) -> bool:
    """A plain Kafka table (``'connector' = 'kafka'``; upsert-kafka always reads from earliest)."""
    return connector(table) == "kafka"
