"""Run a differential case through the engine and print its rows the way the Flink harness does."""

from __future__ import annotations

from collections import Counter
from typing import Any

from flinkdoctor.engine import plan as engine_plan
from flinkdoctor.engine.simulator import simulate
from flinkdoctor.engine.values import flink_string
from flinkdoctor.events.record import Record
from flinkdoctor.sql import parse_script
from tests.engine.differential_cases import DiffCase


def engine_rows(case: DiffCase) -> tuple[Counter[tuple[Any, ...]], str | None]:
    """The engine's result rows as a multiset of ``(row kind, *printed values)`` and its failure
    rule (None when the job ran)."""
    script = parse_script(case.script, f"{case.name}.sql")
    plan = engine_plan.build_plan(script)
    records = (Record(value=e, source=f"events.jsonl:{i}") for i, e in enumerate(case.events, 1))
    result = simulate(plan, records)
    rows: Counter[tuple[Any, ...]] = Counter()
    for kind, row in zip(result.row_kinds, result.rows, strict=True):
        rows[(kind, *(flink_string(row[c.name], c.type) for c in result.columns))] += 1
    return rows, (result.failure.rule if result.failure else None)


def flink_rows(changelog: list[tuple[str, list[str | None]]]) -> Counter[tuple[Any, ...]]:
    """The harness's changelog as the same multiset."""
    return Counter((kind, *row) for kind, row in changelog)
