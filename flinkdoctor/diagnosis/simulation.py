"""The findings of one ``simulate-windows`` replay, in the one ``Finding`` model every command
speaks (the same replay findings ``explain`` ranks)."""

from __future__ import annotations

from flinkdoctor.diagnosis.replay_findings import ReplayContext, replay_findings
from flinkdoctor.diagnosis.sinks import sink_visibility
from flinkdoctor.engine import SimulationResult, windowed_queries
from flinkdoctor.findings import Finding
from flinkdoctor.sql import model as m


def simulation_findings(
    script: m.Script, result: SimulationResult, query_index: int | None
) -> list[Finding]:
    """Findings of ``result``, the replay of windowed query ``query_index`` (default 0)."""
    index = query_index or 0
    queries = windowed_queries(script)
    select, sink, statement = queries[index] if 0 <= index < len(queries) else (None, None, None)
    table = script.table(str(result.config.get("table", "")))
    where = select.where if select is not None else None
    visible, _ = sink_visibility(script, sink, script.settings, len(result.rows))
    ctx = ReplayContext(
        query_index=index,
        query_location=statement.location if statement is not None else None,
        table_location=table.location if table is not None else None,
        where_location=getattr(where, "location", None),
        sink=sink,
        rowtime_cause_known=False,
        json_cause_known=False,
        visible_rows=visible,
    )
    return sorted(replay_findings(result, ctx), key=Finding.sort_key)
