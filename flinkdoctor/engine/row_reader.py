"""One generated function per query that reads everything the simulation needs from a record:
``(rowtime, key, values)``. It is the engine's hot path (the flink-json deserializer plus the
Calc that computes the rowtime), so it is specialised once per plan: each physical field is read
from the JSON object once, with an inline type check for the common case and the exact
flink-json conversion (``expressions``) only when the value is not already of the column's type.
Anything it does not specialise (nested fields, patterns, CASTs, ...) calls the general closure.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flinkdoctor.engine.aggregates import AggSpec, update_lines
from flinkdoctor.engine.expressions import JsonOptions, Scope, Typed, _json_converter
from flinkdoctor.engine.expressions_failure import RowFailure
from flinkdoctor.events.record import Record
from flinkdoctor.sql import model as m
from flinkdoctor.timeformat.fastpath import memo_parts

_FAST_TYPES = {
    "VARCHAR": ("str", None),
    "CHAR": ("str", None),
    "BIGINT": ("int", (-(2**63), 2**63 - 1)),
    "INT": ("int", (-(2**31), 2**31 - 1)),
    "SMALLINT": ("int", (-(2**15), 2**15 - 1)),
    "TINYINT": ("int", (-(2**7), 2**7 - 1)),
    "DOUBLE": ("float", None),
    "BOOLEAN": ("bool", None),
}
_LTZ_MS = (-62167219200000, 253402300799999)
_LTZ_S = (-62167219200, 253402300799)

Extract = Callable[[Record], tuple[Any, Any, tuple[Any, ...]]]


class _Builder:
    """Emits the statements that read a record's fields into local variables."""

    def __init__(self, scope: Scope, subscript: bool = False, hand_back: bool = False) -> None:
        self.scope = scope
        self.subscript = subscript  # value[name] (a missing field raises KeyError), not .get
        # no record at hand: a conversion that needs the expression itself raises KeyError (the
        # caller hands the line back to the general loop)
        self.hand_back = hand_back
        self.ns: dict[str, Any] = {"RowFailure": RowFailure}
        self.lines: list[str] = []
        self.read: dict[str, str] = {}
        self.counter = 0

    def closure(self, fn: Any) -> str:
        self.counter += 1
        name = f"_f{self.counter}"
        self.ns[name] = fn
        return name

    def physical(self, col: m.PhysicalColumn) -> str | None:
        if col.name in self.read:
            return self.read[col.name]
        fast = _FAST_TYPES.get(col.type.root)
        if fast is None or self.scope.json.fail_on_missing_field:
            return None
        var = f"c{len(self.read)}"
        conv = _json_converter(col.name, col.type, self.scope.json)
        ignore = self.scope.json.ignore_parse_errors

        def slow(raw: Any, _conv: Any = conv, _ignore: bool = ignore) -> Any:
            if raw is None:
                return None
            try:
                return _conv(raw)
            except RowFailure:
                if _ignore:
                    return None
                raise

        name = self.closure(slow)
        read = f"value[{col.name!r}]" if self.subscript else f"value.get({col.name!r})"
        self.lines.append(f"    {var} = {read}")
        tname, bounds = fast
        check = f"type({var}) is not {tname}"
        if bounds is not None and col.type.root != "BIGINT":
            check += f" or not ({bounds[0]} <= {var} <= {bounds[1]})"
        self.lines.append(f"    if {check}:")
        self.lines.append(f"        {var} = {name}({var})")
        self.read[col.name] = var
        return var

    def expr_var(self, expr: m.Expr, typed: Typed) -> str:
        scope = self.scope
        if isinstance(expr, m.Identifier) and len(expr.parts) == 1:
            col = scope.table.column(expr.name)
            if isinstance(col, m.PhysicalColumn):
                var = self.physical(col)
                if var is not None:
                    return var
            if isinstance(col, m.ComputedColumn):
                return self.expr_var(col.expr, typed)
        if (
            isinstance(expr, m.Call)
            and expr.name.upper() == "TO_TIMESTAMP_LTZ"
            and len(expr.args) == 2
            and isinstance(expr.args[1], m.Literal)
            and str(expr.args[1].value) in ("0", "3")
            and isinstance(expr.args[0], m.Identifier)
        ):
            col = scope.table.column(expr.args[0].name)
            if isinstance(col, m.PhysicalColumn) and col.type.root in ("BIGINT", "INT"):
                src = self.physical(col)
                if src is not None:
                    self.counter += 1
                    var = f"t{self.counter}"
                    lo, hi = _LTZ_MS if str(expr.args[1].value) == "3" else _LTZ_S
                    scale = "" if str(expr.args[1].value) == "3" else " * 1000"
                    self.lines.append(
                        f"    {var} = {src}{scale} if {src} is not None and "
                        f"{lo} <= {src} <= {hi} else None"
                    )
                    return var
        inlined = self.rowtime_conversion(expr, typed)
        if inlined is not None:
            return inlined
        self.counter += 1
        var = f"e{self.counter}"
        self.lines.append(f"    {var} = {self.closure(typed.fn)}(rec)")
        return var

    def rowtime_conversion(self, expr: m.Expr, typed: Typed) -> str | None:
        """Inline the common rowtime conversions of a STRING field (TO_TIMESTAMP with or without
        a pattern, CAST AS TIMESTAMP(p)) and flink-json TIMESTAMP / TIMESTAMP_LTZ fields: the
        compiled ``text -> millis | None`` conversion called directly; a None result for a
        present value goes through the expression itself (the same None, or its RowFailure)."""
        from flinkdoctor.engine import conversions

        parse: Any = None
        src: str | None = None
        if isinstance(expr, m.Identifier) and len(expr.parts) == 1:
            col = self.scope.table.column(expr.name)
            if (
                isinstance(col, m.PhysicalColumn)
                and col.type.root in ("TIMESTAMP", "TIMESTAMP_LTZ")
                and not self.scope.json.fail_on_missing_field
            ):
                parse = conversions.second_memo(
                    conversions.json_timestamp_parser(
                        col.type.root == "TIMESTAMP_LTZ", self.scope.json.timestamp_standard
                    )
                )
                src = f"value[{col.name!r}]" if self.subscript else f"value.get({col.name!r})"
        elif isinstance(expr, m.Call) and expr.name.upper() == "TO_TIMESTAMP":
            args = expr.args
            if len(args) == 1:
                parse = conversions.to_timestamp_default()
            elif len(args) == 2 and isinstance(args[1], m.Literal) and args[1].kind == "string":
                parse = conversions.to_timestamp_with_pattern(str(args[1].value))
            src = self.string_field(args[0]) if parse is not None else None
        elif (
            isinstance(expr, m.Cast)
            and expr.type.root == "TIMESTAMP"
            and (expr.type.precision is None or expr.type.precision >= 3)
        ):
            parse = conversions.second_memo(
                conversions.cast_string_to_timestamp(expr.type.precision or 6)
            )
            src = self.string_field(expr.expr)
        if parse is None or src is None:
            return None
        self.counter += 1
        raw, var = f"r{self.counter}", f"t{self.counter}"
        parts = memo_parts(parse)
        if parts is None:
            convert = [f"    {var} = {self.closure(parse)}({raw}) if type({raw}) is str else None"]
        else:  # the memo's lookups inline; a miss calls the conversion (it fills them)
            memo, width, mid, heads, rests = parts
            fn, n = self.closure(parse), self.counter
            self.ns[f"_m{n}"], self.ns[f"_h{n}"], self.ns[f"_r{n}"] = memo, heads, rests
            lookups = [f"_r{n}.get({raw}[{width}:])"]
            if mid is not None:
                lookups = [f"_h{n}.get({raw}[{width}:{mid}])", f"_r{n}.get({raw}[{mid}:])"]
            convert = [
                f"    if type({raw}) is str:",
                f"        {var} = _m{n}.get({raw}[:{width}])",
                f"        if {var} is not None:",
            ]
            for i, lookup in enumerate(lookups):
                convert += [
                    f"            a{n}_{i} = {lookup}",
                    f"            if a{n}_{i} is None:",
                    f"                {var} = None",
                ]
            added = " + ".join(f"a{n}_{i}" for i in range(len(lookups)))
            convert += [
                f"            elif {var} is not None:" if len(lookups) > 1 else "            else:",
                f"                {var} += {added}",
                f"        if {var} is None:",
                f"            {var} = {fn}({raw})",
                "    else:",
                f"        {var} = None",
            ]
        self.lines += [
            f"    {raw} = {src}",
            *convert,
            f"    if {var} is None and {raw} is not None:",
            "        raise KeyError"
            if self.hand_back
            else f"        {var} = {self.closure(typed.fn)}(rec)",
        ]
        return var

    def string_field(self, expr: m.Expr) -> str | None:
        """The local holding a STRING physical column's value, if ``expr`` is one."""
        if not (isinstance(expr, m.Identifier) and len(expr.parts) == 1):
            return None
        col = self.scope.table.column(expr.name)
        if isinstance(col, m.PhysicalColumn) and col.type.root in ("VARCHAR", "CHAR"):
            return self.physical(col)
        return None

    def key_text(self, key_vars: list[str]) -> str:
        if not key_vars:
            return "()"
        if len(key_vars) == 1:
            return key_vars[0]
        return "(" + ", ".join(key_vars) + ",)"


def compile_row_reader(
    scope: Scope,
    rowtime: tuple[str, Typed],
    keys: Sequence[tuple[m.Expr, Typed]],
    values: Sequence[tuple[m.Expr, Typed]],
) -> Extract:
    """``extract(rec) -> (rowtime millis | None, key, values tuple)``; raises ``RowFailure``."""
    b = _Builder(scope)
    b.lines += [
        "    value = rec.value",
        "    if type(value) is not dict:",
        "        return _slow(rec)",
    ]
    rt_var = b.expr_var(m.Identifier((rowtime[0],)), rowtime[1])
    key_vars = [b.expr_var(e, t) for e, t in keys]
    value_vars = [b.expr_var(e, t) for e, t in values]
    vals = "(" + "".join(v + ", " for v in value_vars) + ")"
    b.lines.append(f"    return {rt_var}, {b.key_text(key_vars)}, {vals}")

    rt_fn = rowtime[1].fn
    key_fns = [t.fn for _, t in keys]
    value_fns = [t.fn for _, t in values]

    def slow_all(rec: Record) -> tuple[Any, Any, tuple[Any, ...]]:
        ks = [f(rec) for f in key_fns]
        k: Any = () if not ks else ks[0] if len(ks) == 1 else tuple(ks)
        return rt_fn(rec), k, tuple(f(rec) for f in value_fns)

    b.ns["_slow"] = slow_all
    source = "def extract(rec):\n" + "\n".join(b.lines) + "\n"
    exec(compile(source, "<flinkdoctor-row-reader>", "exec"), b.ns)
    careful: Extract = b.ns["extract"]

    # The same reads by subscript (cheaper than .get): a missing field raises KeyError and the
    # record is read again by ``careful`` (reading is pure, so it gets the same result or error).
    f = _Builder(scope, subscript=True)
    rt_f = f.expr_var(m.Identifier((rowtime[0],)), rowtime[1])
    keys_f = [f.expr_var(e, t) for e, t in keys]
    vals_f = "(" + "".join(f.expr_var(e, t) + ", " for e, t in values) + ")"
    f.ns["_slow"] = slow_all
    f.ns["_careful"] = careful
    fast = [
        "def extract(rec):",
        "    value = rec.value",
        "    if type(value) is not dict:",
        "        return _slow(rec)",
        "    try:",
        *["    " + line for line in f.lines],
        "    except KeyError:",
        "        return _careful(rec)",
        f"    return {rt_f}, {f.key_text(keys_f)}, {vals_f}",
    ]
    exec(compile("\n".join(fast) + "\n", "<flinkdoctor-row-reader>", "exec"), f.ns)
    fn: Extract = f.ns["extract"]
    return fn


HotLoop = Callable[..., tuple[int, Any, Any]]
# builtins the loops use on every record, bound as parameter defaults (local, not global, loads)
_LOCAL_BUILTINS = "type=type, int=int, str=str, float=float, bool=bool, dict=dict, len=len"


def compile_hot_path(
    scope: Scope,
    rowtime: tuple[str, Typed],
    keys: Sequence[tuple[m.Expr, Typed]],
    values: Sequence[tuple[m.Expr, Typed]],
    specs: Sequence[AggSpec],
    size: int,
    offset: int,
    delay: int,
    *,
    max_semantics: bool,
) -> HotLoop:
    """The Kafka path's common case as one generated loop: read each record, pre-aggregate it into
    its subtask's local TUMBLE buffer and let its split's generator see it (the latest row's or
    the highest watermark by version, on-periodic emission: R1.6, R1.10). It returns ``(count,
    last_time, item)`` at the first record it does not handle (a timer is due, a non-object
    value, a NULL rowtime, an unknown partition, a missing field, a conversion that fails) so
    the general loop handles that one, with the record untouched; ``item`` is None when the
    input is exhausted. Fields are read by subscript (cheaper than ``.get``): a missing one
    raises KeyError before anything changed, and the general loop reads that record the careful
    way."""
    b, lines = _tumble_lines(
        scope, rowtime, keys, values, specs, size, offset, delay, max_semantics, fused=False
    )
    head = [
        f"def hot_loop(it, route, next_due, count, partitions, {_LOCAL_BUILTINS}):",
        "    last_t = None",
        "    for item in it:",
        "        t, rec = item",
        "        if t >= next_due:",
        "            return count, last_t, item",
        "        p = rec.partition",
        "        if p is None:",
        "            p = count % partitions",
        "        value = rec.value",
    ]
    tail = ["        last_t = t", "    return count, last_t, None"]
    exec(compile("\n".join(head + lines + tail) + "\n", "<flinkdoctor-hot-loop>", "exec"), b.ns)
    fn: HotLoop = b.ns["hot_loop"]
    return fn


FusedLoop = Callable[..., int]


def compile_fused_path(
    scope: Scope,
    rowtime: tuple[str, Typed],
    keys: Sequence[tuple[m.Expr, Typed]],
    values: Sequence[tuple[m.Expr, Typed]],
    specs: Sequence[AggSpec],
    size: int,
    offset: int,
    delay: int,
    *,
    max_semantics: bool,
) -> FusedLoop | None:
    """``compile_hot_path``'s loop fed with the decoded lines of a ``sample`` envelope file
    instead of records (``reader.value_batches``): ``fused_loop(values, i, stop, route, count,
    partitions, base) -> count`` (``route`` as ``_tumble_lines`` says) handles ``values[i:stop]``
    in order and returns at the first envelope it does not handle (one ``records_from_values``
    would not build inline, or one the hot loop would hand back), having handled ``count -
    count_before`` of them; the caller reads that one as a record and gives it to the general
    loop. No ``Record`` is made at all: the only place the hot loop keeps its record, a window
    sample ``(record, rowtime, progress)``, gets ``(envelope, rowtime, progress, line number)``
    instead (the line is ``base + count``), from which the simulator makes the record if it
    reports it. Arrival times are the caller's (it stops ``stop`` before the next timer is due).
    None when a read needs the record itself (an expression the generated reads do not
    specialise)."""
    b, lines = _tumble_lines(
        scope, rowtime, keys, values, specs, size, offset, delay, max_semantics, fused=True
    )
    if any("(rec)" in line for line in lines):
        return None
    head = [
        f"def fused_loop(values, i, stop, route, count, partitions, base, {_LOCAL_BUILTINS}):",
        "    for obj in values[i:stop]:",
        "        if type(obj) is not dict:",
        "            return count",
        "        try:",  # records_from_values' inline sample shape: the same checks
        "            if len(obj) != 4:",
        "                if len(obj) != 7:",
        "                    return count",
        "                kind = obj['timestamp_type']",
        "                if not (kind is None or kind == 'CreateTime' or kind == 'LogAppendTime'):",
        "                    return count",
        "                kind = obj['key']",
        "                if kind is not None and type(kind) is not str:",
        "                    return count",
        "                kind = obj['headers']",
        "                if kind is not None and kind != []:",
        "                    return count",
        "            p = obj['partition']",
        "            o = obj['offset']",
        "            ts = obj['timestamp']",
        "            value = obj['value']",
        "        except KeyError:",
        "            return count",
        "        if o is not None and type(o) is not int:",
        "            return count",
        "        if ts is not None and type(ts) is not int:",
        "            return count",
        "        if p is None:",
        "            p = count % partitions",
        "        elif type(p) is not int:",
        "            return count",
    ]
    tail = ["    return count"]
    source = "\n".join(head + lines + tail) + "\n"
    source = source.replace("return count, last_t, item", "return count")
    exec(compile(source, "<flinkdoctor-fused-loop>", "exec"), b.ns)
    fn: FusedLoop = b.ns["fused_loop"]
    return fn


FileLoop = Callable[..., int]
Project = Callable[..., tuple[list[Any], list[Any], tuple[list[Any], ...]]]


@dataclass(frozen=True, slots=True)
class FileColumns:
    """The filesystem path's loop split in two, for a split fetcher that decodes in another
    process (``events.fetcher``): ``project(values, codes, new_keys) -> (rowtimes, keys,
    value columns)`` reads every line of a batch the way ``file_loop`` does (None as the
    rowtime of a line it would hand back), and ``loop`` is ``file_loop`` over those columns.
    With ``encoded``, ``keys`` holds codes: ``codes`` maps each key to its code and
    ``new_keys`` receives the keys first seen, in code order (the keys are strings or integers,
    so equal keys are the same key); else ``keys`` holds the keys themselves."""

    project: Project
    loop: FileLoop
    encoded: bool


_CODABLE = frozenset({"VARCHAR", "CHAR", "BIGINT", "INT", "SMALLINT", "TINYINT"})


def compile_file_path(
    scope: Scope,
    rowtime: tuple[str, Typed],
    keys: Sequence[tuple[m.Expr, Typed]],
    values: Sequence[tuple[m.Expr, Typed]],
    specs: Sequence[AggSpec],
    delay: int,
    tumble: tuple[int, int] | None,
    legacy_tumble: tuple[int, int] | None = None,
) -> FileLoop | None:
    """The filesystem path's common case as one generated loop over a file's decoded lines (plain
    JSON objects, no ``Record`` per line): read the row, hand it to the window (the local TUMBLE
    buffer of subtask 0 when ``tumble`` is ``(size, offset)``, else the legacy window operator's
    ``process``), then the WatermarkAssignerOperator's bookkeeping (``after_record``, R1.4) with
    its eager emission through ``advance(count)``.
    ``file_loop(values, i, stop, count, base, asg, advance, target) -> count`` handles
    ``values[i:stop]`` in order and returns at the first line it does not handle (not an
    object, a missing field, a conversion that fails, a NULL rowtime, a late row of the legacy
    operator), before anything changed for it; the caller reads that one as a record and gives
    it to the general loop. ``target`` is ``(buffer, local.new_acc, local.downstream)`` or the
    legacy ``AlignedWindowOperator``, whose TUMBLE (``legacy_tumble``: ``(size, offset)``, no
    zone shift) is inlined as its ``process`` does it, and whose ``process`` is called
    otherwise; a window sample is ``(line value, rowtime, progress, line number)``, the line
    being ``base + count``. None when a read needs the record itself."""
    reads = _file_reads(scope, rowtime, keys, values)
    if reads is None:
        return None
    b, rt_var, key_vars, value_vars = reads
    head, window = _file_window(
        b, b.key_text(key_vars), value_vars, "value", specs, tumble, legacy_tumble
    )
    head = [
        f"def file_loop(values, i, stop, count, base, asg, advance, target, {_LOCAL_BUILTINS}):",
        *head,
    ]
    body = [
        "    for value in values[i:stop]:",
        "        if type(value) is not dict:",
        "            break",
        "        try:",
        *["        " + line for line in b.lines],
        "        except (RowFailure, KeyError):",
        "            break",
        f"        rt = {rt_var}",
        "        if rt is None:",
        "            break",
        *window,
        *_assigner_lines(delay, legacy_tumble is not None),
    ]
    source = "\n".join(head + body) + "\n"
    exec(compile(source, "<flinkdoctor-file-loop>", "exec"), b.ns)
    fn: FileLoop = b.ns["file_loop"]
    return fn


def compile_file_columns(
    scope: Scope,
    rowtime: tuple[str, Typed],
    keys: Sequence[tuple[m.Expr, Typed]],
    values: Sequence[tuple[m.Expr, Typed]],
    specs: Sequence[AggSpec],
    delay: int,
    tumble: tuple[int, int] | None,
    legacy_tumble: tuple[int, int] | None = None,
) -> FileColumns | None:
    """``compile_file_path``'s loop as ``FileColumns``: the reads (``project``) apart from the
    rest (``loop``). ``loop(rts, keys, columns, names, lines, lfirst, i, stop, count, base, asg,
    advance, target, loads) -> count`` has ``file_loop``'s contract over ``rts[i:stop]``;
    ``names`` turns codes into keys, ``lines[n - lfirst]`` is line ``n`` (decoded by ``loads``
    for a window sample). None when ``compile_file_path`` is."""
    reads = _file_reads(scope, rowtime, keys, values)
    if reads is None:
        return None
    b, rt_var, key_vars, value_vars = reads
    encoded = bool(keys) and all(t.root in _CODABLE for _, t in keys)
    n = len(value_vars)
    outs = ["rts", "ks", *(f"vc{i}" for i in range(n))]
    miss = [f"        {o}_append(None)" for o in outs]
    if encoded:
        keep = [
            f"        k = {b.key_text(key_vars)}",
            "        code = codes.get(k)",
            "        if code is None:",
            "            code = codes[k] = len(codes)",
            "            new_keys.append(k)",
            "        ks_append(code)",
        ]
    else:
        keep = [f"        ks_append({b.key_text(key_vars)})"]
    project = [
        f"def project(values, codes, new_keys, {_LOCAL_BUILTINS}):",
        *(f"    {o} = []" for o in outs),
        *(f"    {o}_append = {o}.append" for o in outs),
        "    for value in values:",
        "        if type(value) is not dict:",
        *["    " + line for line in miss],
        "            continue",
        "        try:",
        *["        " + line for line in b.lines],
        "        except (RowFailure, KeyError):",
        *["    " + line for line in miss],
        "            continue",
        f"        rt = {rt_var}",
        "        if rt is None:",
        *["    " + line for line in miss],
        "            continue",
        "        rts_append(rt)",
        *keep,
        *(f"        vc{i}_append({v})" for i, v in enumerate(value_vars)),
        "    return rts, ks, (" + "".join(f"vc{i}, " for i in range(n)) + ")",
    ]
    exec(compile("\n".join(project) + "\n", "<flinkdoctor-file-project>", "exec"), b.ns)

    w = _Builder(scope)
    columns = [f"w{i}" for i in range(n)]
    key = "names[kc]" if encoded else "kc"
    head, window = _file_window(
        w, key, columns, "loads(lines[base + count - lfirst])", specs, tumble, legacy_tumble
    )
    zipped = ["rts[i:stop]", "ks[i:stop]", *(f"columns[{i}][i:stop]" for i in range(n))]
    loop = [
        "def file_loop(rts, ks, columns, names, lines, lfirst, i, stop, count, base, asg, "
        f"advance, target, loads, {_LOCAL_BUILTINS}):",
        *head,
        f"    for rt, kc, {''.join(c + ', ' for c in columns)}in zip({', '.join(zipped)}):",
        "        if rt is None:",
        "            break",
        *window,
        *_assigner_lines(delay, legacy_tumble is not None),
    ]
    exec(compile("\n".join(loop) + "\n", "<flinkdoctor-file-columns>", "exec"), w.ns)
    return FileColumns(b.ns["project"], w.ns["file_loop"], encoded)


def _file_reads(
    scope: Scope,
    rowtime: tuple[str, Typed],
    keys: Sequence[tuple[m.Expr, Typed]],
    values: Sequence[tuple[m.Expr, Typed]],
) -> tuple[_Builder, str, list[str], list[str]] | None:
    """The file loop's reads of a line's ``value`` (by subscript, a conversion it cannot do
    inline handing the line back) and the locals of the rowtime, keys and values; None when
    a read needs the record itself."""
    b = _Builder(scope, subscript=True, hand_back=True)
    rt_var = b.expr_var(m.Identifier((rowtime[0],)), rowtime[1])
    key_vars = [b.expr_var(e, t) for e, t in keys]
    value_vars = [b.expr_var(e, t) for e, t in values]
    if any("(rec)" in line for line in b.lines):
        return None
    return b, rt_var, key_vars, value_vars


def _file_window(
    b: _Builder,
    key: str,
    value_vars: Sequence[str],
    sample: str,
    specs: Sequence[AggSpec],
    tumble: tuple[int, int] | None,
    legacy_tumble: tuple[int, int] | None,
) -> tuple[list[str], list[str]]:
    """The file loop's set-up and its window step for one row (``rt``; ``key`` and
    ``value_vars`` are expressions; ``sample`` is the line's value, for a window sample)."""
    head = [
        "    current = asg.current",
        "    last = asg.last",
        "    seen = asg.last_event_time",
        "    interval = asg.interval",
        "    start = count",
    ]
    if tumble is not None:
        size, offset = tumble
        update, _ = update_lines(specs, lambda i: value_vars[i], indent="        ")
        head += [
            "    buf, new_acc, downstream = target",
            "    entries = buf.entries",
            "    samples = buf.samples",
        ]
        window = [
            f"        se = rt - (rt - {offset}) % {size} + {size}"
            if offset
            else f"        se = rt - rt % {size} + {size}",
            "        keyed = entries.get(se)",
            "        if keyed is None:",
            "            keyed = entries[se] = {}",
            f"        k = {key}",
            "        acc = keyed.get(k)",
            "        if acc is None:",
            "            acc = keyed[k] = new_acc()",
            f"            samples[(se, k)] = ({sample}, rt, downstream.progress, base + count)",
            "            if se < buf.min_slice_end:",
            "                buf.min_slice_end = se",
            *update,
        ]
    elif legacy_tumble is not None:
        size, offset = legacy_tumble
        update, _ = update_lines(specs, lambda i: value_vars[i], indent="        ")
        head += [
            "    state, starts, timers, new_acc = target.state, target.starts, target.timers, "
            "target.new_acc",
            "    progress = target.progress",
        ]
        window = [
            f"        end = rt - (rt - {offset}) % {size} + {size}"
            if offset
            else f"        end = rt - rt % {size} + {size}",
            "        if end - 1 <= progress:",
            "            break  # late: the general loop drops and reports it",
            "        keyed = state.get(end)",
            "        if keyed is None:",
            "            keyed = state[end] = {}",
            f"            starts[end] = end - {size}",
            "            heappush(timers, (end - 1, end))",
            f"        k = {key}",
            "        acc = keyed.get(k)",
            "        if acc is None:",
            "            acc = keyed[k] = new_acc()",
            *update,
        ]
        b.ns["heappush"] = heapq.heappush
    else:
        vals = "(" + "".join(v + ", " for v in value_vars) + ")"
        head.append("    process = target.process")
        window = [f"        if not process({key}, rt, {vals}):", "            break"]
    return head, window


def _assigner_lines(delay: int, legacy: bool) -> list[str]:
    """The WatermarkAssignerOperator's bookkeeping after a row (``after_record``, R1.4) with its
    eager emission through ``advance(count)``, and the loop's end."""
    return [
        "        count += 1",
        "        if seen is None or rt > seen:",
        "            seen = rt",
        f"        if rt - {delay} > current:",
        f"            current = rt - {delay}",
        "            if current - last > interval:",
        "                asg.current = current",
        "                asg.last_event_time = seen",
        "                asg.processed += count - start",
        "                start = count",
        "                advance(count)",
        "                last = asg.last",
        *(["                progress = target.progress"] if legacy else []),
        "    asg.current = current",
        "    asg.last_event_time = seen",
        "    asg.processed += count - start",
        "    return count",
    ]


LiveLoop = Callable[..., tuple[int, int, Any, int]]

# records_from_values' inline ``sample`` envelope shape, checked the same way (``obj`` is a line's
# decoded value): the loop stops at a line it would not build inline
_SAMPLE_ENVELOPE = [
    "        if type(obj) is not dict:",
    "            break",
    "        try:",
    "            if len(obj) != 4:",
    "                if len(obj) != 7:",
    "                    break",
    "                kind = obj['timestamp_type']",
    "                if not (kind is None or kind == 'CreateTime' or kind == 'LogAppendTime'):",
    "                    break",
    "                kind = obj['key']",
    "                if kind is not None and type(kind) is not str:",
    "                    break",
    "                kind = obj['headers']",
    "                if kind is not None and kind != []:",
    "                    break",
    "            p = obj['partition']",
    "            o = obj['offset']",
    "            ts = obj['timestamp']",
    "            value = obj['value']",
    "        except KeyError:",
    "            break",
    "        if o is not None and type(o) is not int:",
    "            break",
]


def compile_live_path(
    scope: Scope,
    rowtime: tuple[str, Typed],
    keys: Sequence[tuple[m.Expr, Typed]],
    values: Sequence[tuple[m.Expr, Typed]],
    specs: Sequence[AggSpec],
    size: int,
    offset: int,
    delay: int,
    *,
    max_semantics: bool,
    idleness: bool,
) -> LiveLoop | None:
    """The Kafka path's legacy group window TUMBLE under the ``live`` arrival model as one
    generated loop over the decoded lines of a ``sample`` envelope file (no ``Record`` per line):
    each line's arrival time (``arrival.LiveClock``: its Kafka timestamp relative to the first,
    never going back), the periodic timers due before it (``fire``), the row read, added to the
    legacy window operator's state (``AlignedWindowOperator.process``'s TUMBLE case; a NULL
    rowtime is read as epoch 0 and counted, seed-case section 3.5) and seen by its split's
    generator (R1.6, R1.10), as the simulator's general loop does it.

    ``live_loop(values, i, stop, route, count, partitions, clock, fire, due, win) -> (count, due,
    last_t, nulls)`` handles ``values[i:stop]`` in order and returns at the first line it does
    not handle (one ``records_from_values`` would not build inline, no integer Kafka timestamp, a
    value that is not an object, an unknown partition, a conversion that fails or needs the
    record, a late row), before anything changed for it except the clock (which gives that line
    the same time again) and the timers due at its time (which the general loop would fire
    first too); the caller reads that one as a record and gives it to the general loop.
    ``route[p]`` is ``(reader, split, local, buffer)``; ``clock`` holds ``first`` and ``now``;
    ``fire(t, count, moved) -> due`` fires the timers due at ``t`` and returns the next due time
    (``moved``: a split's generator may have moved since the last call); ``win``
    is ``(state, starts, timers, new_acc, heappush, operator)``. ``last_t`` is the arrival time of
    the last line handled (None: none), ``nulls`` the rows read with a NULL rowtime. Fields are
    read with ``.get`` (a missing one is NULL, as flink-json reads it). ``idleness``: the splits
    have idleness timers (an idle timeout is set). None when a read needs the record itself."""
    b = _Builder(scope, hand_back=True)
    rt_var = b.expr_var(m.Identifier((rowtime[0],)), rowtime[1])
    key_vars = [b.expr_var(e, t) for e, t in keys]
    value_vars = [b.expr_var(e, t) for e, t in values]
    if any("(rec)" in line for line in b.lines):
        return None
    update, _ = update_lines(specs, lambda i: value_vars[i], indent="        ")
    null_end = 0 - (0 - offset) % size + size  # the window of a NULL rowtime, read as 0
    # a field read as NULL (missing, or null) skips its conversion call, which returns NULL
    # for it (``_Builder.physical``'s ``slow``): the seed's broken job reads a missing field
    reads = [
        re.sub(r"^    if (type\((c\d+)\) is not .*):$", r"    if \2 is not None and (\1):", line)
        for line in b.lines
    ]
    head = [
        "def live_loop(values, i, stop, route, count, partitions, clock, fire, due, win, "
        f"{_LOCAL_BUILTINS}):",
        "    state, starts, timers, new_acc, push, op = win",
        "    progress = op.progress",
        "    first = clock.first",
        "    now = clock.now",
        "    last_t = None",
        "    nulls = 0",
        "    last_end = None",  # the window of the previous row, and its keys (``d``)
        "    moved = True",  # a split's generator may have moved since the last emission
        "    for obj in values[i:stop]:",
        *_SAMPLE_ENVELOPE,
        "        if type(ts) is not int:",  # live needs each record's Kafka timestamp
        "            break",
        "        if p is None:",
        "            p = count % partitions",
        "        elif type(p) is not int:",
        "            break",
        "        if first is None:",
        "            first = ts",
        "        if ts - first > now:",
        "            now = ts - first",
        "        if now >= due:",
        "            clock.first = first",
        "            clock.now = now",
        "            due = fire(now, count, moved)",
        "            moved = False",
        "            progress = op.progress",
        "            last_end = None",  # windows may have fired
        "        if type(value) is not dict:",
        "            break",
        "        try:",
        "            split = route[p][1]",
        *["        " + line for line in reads],
        "        except (RowFailure, KeyError):",
        "            break",
        f"        rt = {rt_var}",
        "        if rt is None:",
        f"            if {null_end - 1} <= progress:",
        "                break",
        f"            end = {null_end}",
        "            nulls += 1",
        "        else:",
        f"            end = rt - (rt - {offset}) % {size} + {size}"
        if offset
        else f"            end = rt - rt % {size} + {size}",
        "            if end - 1 <= progress:",
        "                break",
        # the split's generator sees the row (R1.6, R1.10; a NULL rowtime leaves it as it is)
        "            split.last_event_time = rt",
        "            moved = True",
        *(
            [
                f"            if rt - {delay} > split.generated:",
                f"                split.generated = rt - {delay}",
            ]
            if max_semantics
            else [f"            split.generated = rt - {delay}"]
        ),
        "        split.records += 1",
        *(
            [
                "        idleness = split.idleness",
                "        if idleness is not None:",
                "            idleness.counter += 1",
            ]
            if idleness
            else []
        ),
        "        if end != last_end:",
        "            d = state.get(end)",
        "            if d is None:",
        "                d = state[end] = {}",
        f"                starts[end] = end - {size}",
        "                push(timers, (end - 1, end))",
        "            last_end = end",
        f"        k = {b.key_text(key_vars)}",
        "        acc = d.get(k)",
        "        if acc is None:",
        "            acc = d[k] = new_acc()",
        *update,
        "        count += 1",
        "        last_t = now",
        "    clock.first = first",
        "    clock.now = now",
        "    return count, due, last_t, nulls",
    ]
    exec(compile("\n".join(head) + "\n", "<flinkdoctor-live-loop>", "exec"), b.ns)
    fn: LiveLoop = b.ns["live_loop"]
    return fn


def _tumble_lines(
    scope: Scope,
    rowtime: tuple[str, Typed],
    keys: Sequence[tuple[m.Expr, Typed]],
    values: Sequence[tuple[m.Expr, Typed]],
    specs: Sequence[AggSpec],
    size: int,
    offset: int,
    delay: int,
    max_semantics: bool,
    *,
    fused: bool,
) -> tuple[_Builder, list[str]]:
    """The hot loop's body from ``value`` and ``p`` on. ``route[p]`` is ``(reader, split, local
    aggregate, its buffer)``; in the fused loop it is ``(split, buffer.entries, buffer.samples,
    buffer, local.new_acc, local.downstream)`` (the buffer empties its dicts in place) and a
    window sample keeps the envelope and its line number instead of the record."""
    b = _Builder(scope, subscript=True)
    rt_var = b.expr_var(m.Identifier((rowtime[0],)), rowtime[1])
    key_vars = [b.expr_var(e, t) for e, t in keys]
    value_vars = [b.expr_var(e, t) for e, t in values]
    reads = ["        " + line[4:] for line in b.lines]
    key = b.key_text(key_vars)
    update, _ = update_lines(specs, lambda i: value_vars[i], indent="        ")
    se_line = (
        f"        se = rt - (rt - {offset}) % {size} + {size}"
        if offset
        else f"        se = rt - rt % {size} + {size}"
    )
    lines = [
        "        if type(value) is not dict:",
        "            return count, last_t, item",
        "        try:",
        "            hop = route[p]",
        *["    " + r for r in reads],
        "        except (RowFailure, KeyError):",
        "            return count, last_t, item",
        *(
            [
                "        split = hop[0]",
                f"        rt = {rt_var}",
                "        if rt is None:",
                "            return count, last_t, item",
                se_line,
                "        keyed = hop[1].get(se)",
                "        if keyed is None:",
                "            keyed = hop[1][se] = {}",
                f"        k = {key}",
                "        acc = keyed.get(k)",
                "        if acc is None:",
                "            acc = keyed[k] = hop[4]()",
                "            hop[2][(se, k)] = (obj, rt, hop[5].progress, base + count)",
                "            buf = hop[3]",
                "            if se < buf.min_slice_end:",
                "                buf.min_slice_end = se",
            ]
            if fused
            else [
                "        split = hop[1]",
                "        buf = hop[3]",
                f"        rt = {rt_var}",
                "        if rt is None:",
                "            return count, last_t, item",
                se_line,
                "        entries = buf.entries",
                "        keyed = entries.get(se)",
                "        if keyed is None:",
                "            keyed = entries[se] = {}",
                f"        k = {key}",
                "        acc = keyed.get(k)",
                "        if acc is None:",
                "            acc = keyed[k] = hop[2].new_acc()",
                "            buf.samples[(se, k)] = (rec, rt, hop[2].downstream.progress)",
                "            if se < buf.min_slice_end:",
                "                buf.min_slice_end = se",
            ]
        ),
        *update,
        "        split.records += 1",
        "        split.last_event_time = rt",
        "        idleness = split.idleness",
        "        if idleness is not None:",
        "            idleness.counter += 1",
        *(
            [
                f"        if rt - {delay} > split.generated:",
                f"            split.generated = rt - {delay}",
            ]
            if max_semantics
            else [f"        split.generated = rt - {delay}"]
        ),
        "        count += 1",
    ]
    return b, lines


__all__ = [
    "Extract",
    "FileLoop",
    "FusedLoop",
    "HotLoop",
    "JsonOptions",
    "LiveLoop",
    "compile_file_path",
    "compile_fused_path",
    "compile_hot_path",
    "compile_live_path",
    "compile_row_reader",
]
