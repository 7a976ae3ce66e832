"""Flink SQL scripts and PyFlink jobs as a typed model (``flinkdoctor.sql.model``).

Usage::

    from flinkdoctor.sql import load_script
    script = load_script(text, "job.sql")        # or "job.py": SQL + Table API extracted
    src = script.table("process_events_kafka")   # CreateTable as written (case-insensitive)
    src = script.effective_table("process_events_kafka")  # ... with CREATE TABLE LIKE applied
    src.watermark.column, src.watermark.expr     # WatermarkSpec: 'window_timestamp', BinaryOp
    for q in script.queries:                     # Insert / QueryStatement, statement sets flattened
        sel = q.query                            # Select | SetOperation | Values | With
        w = sel.group_window()                   # GroupWindow(kind, style, time_col, size_ms...)
        keys, aggs = sel.group_keys(), sel.aggregates()
    script.settings                              # PyFlink env settings overlaid by SQL SETs

Errors are ``SqlError`` (a ``FlinkDoctorError``) located at the offending token.
"""

from __future__ import annotations

from flinkdoctor.sql.errors import SqlError
from flinkdoctor.sql.like import resolve_like
from flinkdoctor.sql.load import load_script
from flinkdoctor.sql.pyflink import extract_pyflink
from flinkdoctor.sql.script import parse_script

__all__ = ["SqlError", "extract_pyflink", "load_script", "parse_script", "resolve_like"]
