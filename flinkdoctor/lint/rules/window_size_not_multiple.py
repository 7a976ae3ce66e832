"""window-size-not-multiple: a HOP or CUMULATE window aggregate whose size is not a multiple of
its slide or step."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from flinkdoctor.findings import Finding, Fix
from flinkdoctor.lint.rule import LintContext, Rule
from flinkdoctor.lint.scan import all_selects
from flinkdoctor.sql.model import Identifier, Select

_T = (
    "CREATE TABLE t (ts TIMESTAMP(3), v INT, WATERMARK FOR ts AS ts)"
    " WITH ('connector' = 'datagen');\n"
)


def duration(ms: int) -> str:
    """``300000`` -> ``5 min`` (the largest unit that divides it)."""
    for unit, size in (("h", 3_600_000), ("min", 60_000), ("s", 1000)):
        if ms % size == 0:
            return f"{ms // size} {unit}"
    return f"{ms} ms"


def is_window_aggregate(sel: Select) -> bool:
    """GROUP BY holds both window_start and window_end (R3.8)."""
    names = {g.name for g in sel.group_by if isinstance(g, Identifier)}
    return {"window_start", "window_end"} <= names


class WindowSizeNotMultiple(Rule):
    """## What it does
    Flags a window aggregation over `HOP` whose size is not an integral multiple of its slide, or
    over `CUMULATE` whose max size is not a multiple of its step. Only window aggregations
    (`GROUP BY window_start, window_end`) are flagged: Flink accepts such a window table
    function without aggregation, and the legacy `GROUP BY HOP(...)`.

    ## Why is this bad?
    Flink rejects the query at planning: "HOP table function based aggregate requires size must
    be an integral multiple of slide, but got size 300000 ms and slide 120000 ms".

    ## Example
    ```sql
    SELECT window_start, COUNT(*)
    FROM TABLE(HOP(TABLE events, DESCRIPTOR(ts), INTERVAL '2' MINUTE, INTERVAL '5' MINUTE))
    GROUP BY window_start, window_end;
    ```

    ## Use instead
    ```sql
    FROM TABLE(HOP(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '5' MINUTE))
    ```
    """

    name: ClassVar[str] = "window-size-not-multiple"
    fires = (
        _T + "SELECT window_start, COUNT(*) AS n FROM TABLE(HOP(TABLE t, DESCRIPTOR(ts),"
        " INTERVAL '2' MINUTE, INTERVAL '5' MINUTE)) GROUP BY window_start, window_end;",
        _T + "SELECT window_start, COUNT(*) AS n FROM TABLE(CUMULATE(TABLE t, DESCRIPTOR(ts),"
        " INTERVAL '2' MINUTE, INTERVAL '5' MINUTE)) GROUP BY window_start, window_end;",
        _T + "SELECT window_start, window_end, v, COUNT(*) AS n FROM TABLE(HOP(DATA => TABLE t,"
        " TIMECOL => DESCRIPTOR(ts), SLIDE => INTERVAL '40' SECOND,"
        " SIZE => INTERVAL '1' MINUTE)) GROUP BY window_start, window_end, v;",
    )
    passes = (
        _T + "SELECT window_start, COUNT(*) AS n FROM TABLE(HOP(TABLE t, DESCRIPTOR(ts),"
        " INTERVAL '1' MINUTE, INTERVAL '5' MINUTE)) GROUP BY window_start, window_end;",
        _T + "SELECT window_start, COUNT(*) AS n FROM TABLE(CUMULATE(TABLE t, DESCRIPTOR(ts),"
        " INTERVAL '30' SECOND, INTERVAL '2' MINUTE)) GROUP BY window_start, window_end;",
        # no window aggregation: Flink accepts any sizes
        _T + "SELECT * FROM TABLE(HOP(TABLE t, DESCRIPTOR(ts), INTERVAL '2' MINUTE,"
        " INTERVAL '5' MINUTE));",
        _T + "SELECT HOP_START(ts, INTERVAL '2' MINUTE, INTERVAL '5' MINUTE) AS ws, COUNT(*) AS n"
        " FROM t GROUP BY HOP(ts, INTERVAL '2' MINUTE, INTERVAL '5' MINUTE);",
    )

    def check(self, context: LintContext) -> Iterator[Finding]:
        for sel in all_selects(context.script):
            if not is_window_aggregate(sel):
                continue
            for w in sel.windows():
                if w.style != "tvf" or w.kind not in ("HOP", "CUMULATE") or not w.size_ms:
                    continue
                step = w.slide_ms if w.kind == "HOP" else w.step_ms
                if not step or w.size_ms % step == 0:
                    continue
                what = "slide" if w.kind == "HOP" else "step"
                size_name = "size" if w.kind == "HOP" else "max size"
                lower = (w.size_ms // step) * step
                message = (
                    f"{w.kind} window {size_name} {duration(w.size_ms)} is not a multiple of its "
                    f"{what} {duration(step)}: Flink rejects the window aggregation"
                )
                evidence = {"window": w.kind, "size_ms": w.size_ms, f"{what}_ms": step}
                options = [duration(d) for d in _divisors(w.size_ms, step)]
                hint = f"a {what} that divides {duration(w.size_ms)}"
                if options:
                    hint += f" (e.g. {options[0]})"
                if lower:
                    hint += f", or a {size_name} of {duration(lower)}"
                yield self.finding(message, w.location, evidence=evidence, fix=Fix(f"use {hint}"))


def _divisors(size: int, step: int) -> list[int]:
    """Divisors of ``size`` below ``step`` in whole seconds, largest first."""
    out = [d for d in range(step - step % 1000, 0, -1000) if d and size % d == 0]
    return out[:1]
