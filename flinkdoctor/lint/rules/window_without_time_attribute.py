"""window-without-time-attribute: a window over a column that is no time attribute."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from flinkdoctor.findings import Finding, Fix
from flinkdoctor.lint.rule import LintContext, Rule
from flinkdoctor.lint.scan import all_selects
from flinkdoctor.lint.timeattr import resolve

_T = (
    "CREATE TABLE t (ts TIMESTAMP(3), v INT, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)"
    " WITH ('connector' = 'datagen');\n"
)
_PLAIN = "CREATE TABLE p (ts TIMESTAMP(3), v INT) WITH ('connector' = 'datagen');\n"
_AGG = "SELECT window_start, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE {src}, DESCRIPTOR({col}),"
_AGG += " INTERVAL '1' MINUTE)) GROUP BY window_start, window_end;"


class WindowWithoutTimeAttribute(Rule):
    """## What it does
    Flags a window (a `TUMBLE` / `HOP` / `CUMULATE` / `SESSION` table function, or a legacy
    `GROUP BY TUMBLE(...)`) whose time column is not a time attribute where the window reads it:
    the table declares no `WATERMARK` for it (and it is no `PROCTIME()`), or a view or subquery
    turned it into a plain value on the way (`CAST`, any function, a regular `GROUP BY`). The
    column is followed through views and subqueries; plain forwarding keeps the attribute.

    ## Why is this bad?
    Flink rejects the query at planning (R3.12): "The window function requires the timecol is a
    time attribute type, but is TIMESTAMP(3)." (legacy windows: "Window aggregate can only be
    defined over a time attribute column").

    ## Example
    ```sql
    CREATE TABLE events (ts TIMESTAMP(3), v INT) WITH ('connector' = 'kafka', ...);
    SELECT window_start, COUNT(*)
    FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
    GROUP BY window_start, window_end;
    ```

    ## Use instead
    Declare the event time (or read the column unchanged through views):
    ```sql
    CREATE TABLE events (ts TIMESTAMP(3), v INT, WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
      WITH ('connector' = 'kafka', ...);
    ```
    """

    name: ClassVar[str] = "window-without-time-attribute"
    fires = (
        _PLAIN + _AGG.format(src="p", col="ts"),
        _PLAIN + "SELECT TUMBLE_START(ts, INTERVAL '1' MINUTE) AS ws, COUNT(*) AS n FROM p"
        " GROUP BY TUMBLE(ts, INTERVAL '1' MINUTE);",
        _T
        + "CREATE VIEW v AS SELECT CAST(ts AS TIMESTAMP(3)) AS ts, v FROM t;\n"
        + _AGG.format(src="v", col="ts"),
        _T + "SELECT window_start, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(v),"
        " INTERVAL '1' MINUTE)) GROUP BY window_start, window_end;",
        _T
        + "CREATE VIEW latest AS SELECT v, MAX(ts) AS ts FROM t GROUP BY v;\n"
        + _AGG.format(src="latest", col="ts"),
        _T + "CREATE VIEW d AS SELECT DISTINCT ts, v FROM t;\n" + _AGG.format(src="d", col="ts"),
    )
    passes = (
        _T + "" + _AGG.format(src="t", col="ts"),
        _T + "CREATE VIEW v AS SELECT ts, v FROM t WHERE v > 0;\n" + _AGG.format(src="v", col="ts"),
        _T
        + "CREATE VIEW a AS SELECT ts AS event_time, v FROM t;\n"
        + _AGG.format(src="a", col="event_time"),
        "CREATE TABLE q (v INT, pt AS PROCTIME()) WITH ('connector' = 'datagen');\n"
        + _AGG.format(src="q", col="pt"),
        _T + "SELECT TUMBLE_START(ts, INTERVAL '1' MINUTE) AS ws, COUNT(*) AS n FROM t"
        " GROUP BY TUMBLE(ts, INTERVAL '1' MINUTE);",
        # cascaded windows: the first window's window_time is a rowtime again
        _T + "CREATE VIEW w1 AS SELECT window_start AS ws, window_time AS rt, COUNT(*) AS n"
        " FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' MINUTE))"
        " GROUP BY window_start, window_end, window_time;\n"
        + _AGG.format(src="w1", col="rt").replace("INTERVAL '1' MINUTE", "INTERVAL '5' MINUTE"),
    )

    def check(self, context: LintContext) -> Iterator[Finding]:
        script = context.script
        for sel in all_selects(script):
            for window in sel.windows():
                attr = resolve(script, window.source, window.time_col)
                if attr is None or attr.time:
                    continue
                shown = str(attr.type) if attr.type is not None else "a plain value"
                kind = (
                    f"{window.kind} window" if window.style == "tvf" else f"GROUP BY {window.kind}"
                )
                message = (
                    f"{kind} over {window.time_col}, which is {shown}, not a time attribute"
                    + (f": {attr.why}" if attr.why else "")
                    + "; Flink rejects the query"
                )
                evidence = {
                    "column": window.time_col,
                    "type": None if attr.type is None else str(attr.type),
                    "window": window.kind,
                    "style": window.style,
                    "why": attr.why,
                }
                fix = Fix(
                    f"declare WATERMARK FOR {window.time_col} on the source table (or read it "
                    "unchanged through views: any CAST or function drops the time attribute)"
                )
                yield self.finding(
                    message, window.location, evidence=evidence, fix=fix, rule="R3.12"
                )
