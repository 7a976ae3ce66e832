"""Aggregate functions over window groups, with Flink's result types (COUNT, SUM, MIN, MAX, AVG).

Accumulators are plain lists (one slot per function, plus a row count first), updated by a
function generated once per query so the per-record path is a single call with no dispatch.
Flink semantics kept: COUNT(col)/SUM/MIN/MAX/AVG skip NULLs; SUM/AVG of an integer type keep the
input type (Java wrap-around, AVG truncates toward zero); SUM of nothing is NULL.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from types import CodeType
from typing import Any

from flinkdoctor.engine.timeutil import to_int32, to_int64

AggFunc = str  # "COUNT_STAR" | "COUNT" | "SUM" | "MIN" | "MAX" | "AVG"
SUPPORTED = ("COUNT_STAR", "COUNT", "SUM", "MIN", "MAX", "AVG")
_INT_BITS = {"TINYINT": 8, "SMALLINT": 16, "INT": 32, "BIGINT": 64}


@dataclass(frozen=True, slots=True)
class AggSpec:
    """One aggregate call: function, the index of its argument in the extracted values (None for
    COUNT(*)), the argument's type (root name, precision, scale) and the SQL text for messages."""

    func: AggFunc
    arg: int | None
    arg_type: str = "BIGINT"
    arg_precision: int | None = None
    arg_scale: int | None = None
    distinct: bool = False
    text: str = ""

    @property
    def result_type(self) -> str:
        """Flink's result type, printed the way Flink prints it."""
        if self.func in ("COUNT_STAR", "COUNT"):
            return "BIGINT NOT NULL"
        t = self.arg_type
        if t == "DECIMAL":
            if self.func == "SUM":
                return f"DECIMAL(38, {self.arg_scale or 0})"
            if self.func == "AVG":
                return f"DECIMAL(38, {max(self.arg_scale or 0, 6)})"
        if (
            t in ("TIMESTAMP", "TIMESTAMP_LTZ", "VARCHAR", "CHAR", "DECIMAL")
            and self.arg_precision is not None
        ):
            if t == "DECIMAL":
                return f"DECIMAL({self.arg_precision}, {self.arg_scale or 0})"
            return f"{t}({self.arg_precision})"
        return t


def update_lines(
    specs: Sequence[AggSpec], arg: Callable[[int], str], indent: str = "    "
) -> tuple[list[str], list[str]]:
    """Python statements that add one row to ``acc`` (slot 0 counts rows), and the accumulator's
    initial slots; ``arg(i)`` is the expression of the i-th extracted value."""
    lines = [f"{indent}acc[0] += 1"]
    init: list[str] = ["0"]
    for i, spec in enumerate(specs, start=1):
        if spec.distinct:
            init.append("set()")
            lines.append(f"{indent}v = {arg(spec.arg or 0)}")
            if spec.func == "COUNT_STAR":
                lines.append(f"{indent}acc[{i}].add(v)")
            else:
                lines.append(f"{indent}if v is not None:")
                lines.append(f"{indent}    acc[{i}].add(v)")
            continue
        if spec.func == "COUNT_STAR":
            init.append("0")
            lines.append(f"{indent}acc[{i}] += 1")
            continue
        lines.append(f"{indent}v = {arg(spec.arg or 0)}")
        lines.append(f"{indent}if v is not None:")
        body = indent + "    "
        if spec.func == "COUNT":
            init.append("0")
            lines.append(f"{body}acc[{i}] += 1")
        elif spec.func == "SUM":
            init.append("None")
            lines.append(f"{body}a = acc[{i}]")
            lines.append(f"{body}acc[{i}] = v if a is None else a + v")
        elif spec.func in ("MIN", "MAX"):
            init.append("None")
            cmp = "<" if spec.func == "MIN" else ">"
            lines.append(f"{body}a = acc[{i}]")
            lines.append(f"{body}if a is None or v {cmp} a:")
            lines.append(f"{body}    acc[{i}] = v")
        elif spec.func == "AVG":
            init.append("[0, 0]")
            lines.append(f"{body}a = acc[{i}]")
            lines.append(f"{body}a[0] += v")
            lines.append(f"{body}a[1] += 1")
        else:  # pragma: no cover - the planner only builds supported functions
            raise ValueError(spec.func)
    return lines, init


def compile_updater(
    specs: Sequence[AggSpec],
) -> tuple[Callable[[], list[Any]], Callable[[list[Any], tuple[Any, ...]], None]]:
    """``(new_accumulator, update(acc, values))`` for ``specs``. Slot 0 counts rows."""
    lines, init = update_lines(specs, lambda i: f"vals[{i}]")
    source = (
        "def update(acc, vals):\n"
        + "\n".join(lines)
        + f"\ndef new():\n    return [{', '.join(init)}]\n"
    )
    namespace: dict[str, Any] = {}
    exec(_compiled(source), namespace)
    return namespace["new"], namespace["update"]


@functools.lru_cache(maxsize=64)
def _compiled(source: str) -> CodeType:
    """The code of an updater, compiled once per shape: every subtask of a parallelism of
    thousands builds the same one."""
    return compile(source, "<flinkdoctor-aggregates>", "exec")


def merge_into(specs: Sequence[AggSpec], target: list[Any], other: list[Any]) -> None:
    """Merge accumulator ``other`` into ``target`` (session windows merging)."""
    target[0] += other[0]
    for i, spec in enumerate(specs, start=1):
        a, b = target[i], other[i]
        if spec.distinct:
            a |= b
        elif spec.func in ("COUNT_STAR", "COUNT"):
            target[i] = a + b
        elif spec.func == "SUM":
            target[i] = b if a is None else a if b is None else a + b
        elif spec.func == "MIN":
            target[i] = b if a is None else a if b is None else min(a, b)
        elif spec.func == "MAX":
            target[i] = b if a is None else a if b is None else max(a, b)
        elif spec.func == "AVG":
            a[0] += b[0]
            a[1] += b[1]


def results(specs: Sequence[AggSpec], acc: list[Any]) -> tuple[Any, ...]:
    """Final values of an accumulator, with Flink's result types."""
    out: list[Any] = []
    for i, spec in enumerate(specs, start=1):
        out.append(_final(spec, acc[i]))
    return tuple(out)


def _final(spec: AggSpec, a: Any) -> Any:
    if spec.distinct:
        values = a
        if spec.func in ("COUNT_STAR", "COUNT"):
            return len(values)
        if not values:
            return None
        if spec.func == "MIN":
            return min(values)
        if spec.func == "MAX":
            return max(values)
        if spec.func == "SUM":
            return _final(
                AggSpec("SUM", spec.arg, spec.arg_type, spec.arg_precision, spec.arg_scale),
                sum(values),
            )
        return _final(
            AggSpec("AVG", spec.arg, spec.arg_type, spec.arg_precision, spec.arg_scale),
            [sum(values), len(values)],
        )
    if spec.func in ("COUNT_STAR", "COUNT"):
        return a
    if spec.func == "SUM":
        return None if a is None else _wrap(spec.arg_type, a)
    if spec.func == "AVG":
        total, count = a
        if count == 0:
            return None
        t = spec.arg_type
        if t in _INT_BITS:
            # Flink sums integers in BIGINT and divides with Java semantics (toward zero).
            total = to_int64(total)
            q = abs(total) // count
            return _wrap(t, q if total >= 0 else -q)
        if t == "DECIMAL":
            scale = max(spec.arg_scale or 0, 6)
            return (Decimal(total) / Decimal(count)).quantize(
                Decimal(1).scaleb(-scale), ROUND_HALF_UP
            )
        return total / count
    return a


def _wrap(type_root: str, value: Any) -> Any:
    bits = _INT_BITS.get(type_root)
    if bits is None or not isinstance(value, int):
        if type_root == "FLOAT" and isinstance(value, float) and math.isfinite(value):
            import struct

            return struct.unpack("f", struct.pack("f", value))[0]
        return value
    if bits == 32:
        return to_int32(value)
    if bits == 64:
        return to_int64(value)
    mask = (1 << bits) - 1
    value &= mask
    return value - (1 << bits) if value >= (1 << (bits - 1)) else value
