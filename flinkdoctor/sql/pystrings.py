"""Static evaluation of the Python string expressions a PyFlink job builds its SQL from.

A value is a list of parts: literal text whose every character remembers its offset in the
``.py`` file (exact for string constants, including escapes, f-string literal parts and
implicit concatenation), and holes for what cannot be known without running the job
(``os.environ.get(...)``, parameters, arbitrary calls). Names follow simple assignments in the
same function, enclosing functions, then the module; ``+``, ``+=``, ``.format(...)``,
f-strings, and calls of module functions whose ``return`` resolves are understood.
"""

from __future__ import annotations

import ast
import bisect
import operator
import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

_MAX_DEPTH = 150  # guards self-referencing or very long assignment and + chains


@dataclass(frozen=True, slots=True)
class Text:
    """Known text; ``origins[i]`` is the .py character offset that produced ``text[i]``."""

    text: str
    origins: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value known only at run time: its Python source and where it is."""

    python: str
    offset: int


Part = Text | Unknown
Value = list[Part]


class PySource:
    """The job's source with offset conversions (AST columns are UTF-8 byte offsets)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.splitlines(keepends=True)
        self.line_starts = [0]
        for line in self.lines:
            self.line_starts.append(self.line_starts[-1] + len(line))

    def offset(self, lineno: int, col_bytes: int) -> int:
        """Character offset of an AST position."""
        if lineno - 1 >= len(self.lines):
            return len(self.text)
        line = self.lines[lineno - 1]
        col = len(line.encode("utf-8")[:col_bytes].decode("utf-8", errors="ignore"))
        return self.line_starts[lineno - 1] + col

    def start(self, node: ast.AST) -> int:
        """Offset where ``node`` starts."""
        return self.offset(getattr(node, "lineno", 1), getattr(node, "col_offset", 0))

    def end(self, node: ast.AST) -> int:
        """Offset just past ``node``."""
        lineno: int = getattr(node, "end_lineno", None) or self._lineno(node)
        col: int | None = getattr(node, "end_col_offset", None)
        if col is None:
            return self.start(node)
        return self.offset(lineno, col)

    @staticmethod
    def _lineno(node: ast.AST) -> int:
        lineno: int = getattr(node, "lineno", 1)
        return lineno

    def segment(self, node: ast.AST) -> str:
        """The source text of ``node``."""
        return self.text[self.start(node) : self.end(node)]

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of an offset."""
        i = bisect.bisect_right(self.line_starts, offset) - 1
        i = max(0, min(i, len(self.lines) - 1 if self.lines else 0))
        return i + 1, offset - self.line_starts[i] + 1


@dataclass
class Scope:
    """Assignments visible in one function (or the module), with the enclosing scope."""

    parent: Scope | None
    params: set[str] = field(default_factory=set)
    # name -> [(position, node)] where node is an Assign value, or an AugAssign
    bindings: dict[str, list[tuple[tuple[int, int], ast.AST]]] = field(default_factory=dict)
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=dict)
    scopes_of: dict[int, Scope] = field(default_factory=dict)  # id(FunctionDef) -> its scope

    def bind(self, name: str, pos: tuple[int, int], node: ast.AST) -> None:
        """Record an assignment to ``name`` at ``pos``."""
        self.bindings.setdefault(name, []).append((pos, node))


def _pos(node: ast.AST) -> tuple[int, int]:
    return (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))


_STR_IDENTITY_METHODS = frozenset(["strip", "lstrip", "rstrip"])
_PERCENT = re.compile(r"%%|%[sdr]")


class Evaluator:
    """Evaluates string expressions against the scopes of one module."""

    def __init__(self, src: PySource, module: Scope, env: Mapping[str, str] | None = None) -> None:
        self.src = src
        self.module = module
        self.depth = 0
        self.env = env
        """Environment variables the job would see (``--env`` / the process), or None to keep
        every ``os.environ`` lookup a hole."""

    def value(self, node: ast.AST, scope: Scope) -> Value:
        """The (partly) known value of ``node`` evaluated where it stands in ``scope``."""
        if self.depth > _MAX_DEPTH:
            return [self.unknown(node)]
        self.depth += 1
        try:
            return self._value(node, scope)
        finally:
            self.depth -= 1

    def unknown(self, node: ast.AST) -> Unknown:
        """A hole standing for ``node``."""
        return Unknown(self.src.segment(node), self.src.start(node))

    def _value(self, node: ast.AST, scope: Scope) -> Value:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str):
                return [Text(node.value, _string_origins(self.src, node, node.value))]
            if isinstance(node.value, bool | int | float):
                text = str(node.value).lower() if isinstance(node.value, bool) else str(node.value)
                start = self.src.start(node)
                return [Text(text, tuple(start + min(i, 1) for i in range(len(text))))]
            return [self.unknown(node)]
        if isinstance(node, ast.JoinedStr):
            return self._fstring(node, scope)
        number = _int_arithmetic(node)
        if number is not None:  # 10 * 1000 in enable_checkpointing(10 * 1000)
            start = self.src.start(node)
            return [Text(str(number), (start,) * len(str(number)))]
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self.value(node.left, scope) + self.value(node.right, scope)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            return self._percent(node, scope)
        if isinstance(node, ast.Name):
            return self._name(node, scope)
        if isinstance(node, ast.Call):
            return self._call(node, scope)
        if isinstance(node, ast.Subscript) and _is_os_environ(node.value):
            return self._env_lookup(node, node.slice, None, scope)
        return [self.unknown(node)]

    def _env_lookup(
        self, node: ast.AST, name_node: ast.AST, default: ast.AST | None, scope: Scope
    ) -> Value:
        """``os.environ.get('X'[, d])`` / ``os.getenv`` / ``os.environ['X']`` as the job would
        see it: the value from ``env``, else the default; a hole when neither is known."""
        if self.env is None:
            return [self.unknown(node)]
        name = self.value(name_node, scope)
        if len(name) != 1 or not isinstance(name[0], Text):
            return [self.unknown(node)]
        key = name[0].text
        if key in self.env:
            text = self.env[key]
            return [Text(text, (self.src.start(node),) * len(text))]
        if default is not None:
            return self.value(default, scope)
        return [self.unknown(node)]

    def _fstring(self, node: ast.JoinedStr, scope: Scope) -> Value:
        origins = iter(_fstring_origins(self.src, node))
        out: Value = []
        for v in node.values:
            if isinstance(v, ast.Constant) and isinstance(v.value, str):
                out.append(Text(v.value, next(origins)))
            elif isinstance(v, ast.FormattedValue):
                if v.conversion not in (-1, ord("s")) or v.format_spec is not None:
                    out.append(self.unknown(v.value))
                else:
                    out += self.value(v.value, scope)
        return out

    def _name(self, node: ast.Name, scope: Scope) -> Value:
        found = self.lookup(node, scope)
        if found is None:
            return [self.unknown(node)]
        bound, where, pos = found
        if isinstance(bound, ast.AugAssign):
            prior = ast.Name(id=node.id, ctx=ast.Load(), lineno=pos[0], col_offset=pos[1])
            return self._name(prior, where) + self.value(bound.value, where)
        return self.value(bound, where)

    def lookup(self, node: ast.Name, scope: Scope) -> tuple[ast.AST, Scope, tuple[int, int]] | None:
        """The value last bound to ``node``'s name before it (in its function, then the
        enclosing ones, then the module), its scope and position; None for parameters and
        unknown names."""
        s: Scope | None = scope
        here = _pos(node)
        while s is not None:
            bindings = s.bindings.get(node.id, [])
            before = [b for b in bindings if b[0] < here] if s is scope else bindings
            if before:
                pos, bound = before[-1]
                return bound, s, pos
            if node.id in s.params:
                return None
            s = s.parent
        return None

    def _call(self, node: ast.Call, scope: Scope) -> Value:
        func = node.func
        if _is_env_getter(func) and 1 <= len(node.args) <= 2 and not node.keywords:
            default = node.args[1] if len(node.args) == 2 else None
            return self._env_lookup(node, node.args[0], default, scope)
        if isinstance(func, ast.Attribute):
            if func.attr == "format" and not node.args and not node.keywords:
                return self.value(func.value, scope)
            if func.attr == "format":
                return self._format(node, func.value, scope)
            if func.attr in _STR_IDENTITY_METHODS and not node.args:
                return self.value(func.value, scope)  # SQL ignores surrounding whitespace
            if func.attr == "dedent" and len(node.args) == 1:
                return self.value(node.args[0], scope)
        if isinstance(func, ast.Name):
            if func.id == "dedent" and len(node.args) == 1:
                return self.value(node.args[0], scope)
            if func.id == "str" and len(node.args) == 1:
                return self.value(node.args[0], scope)
            returned = self._returned(func.id, scope)
            if returned is not None:
                return returned
        return [self.unknown(node)]

    def _percent(self, node: ast.BinOp, scope: Scope) -> Value:
        """``"... %s ..." % x`` or ``% (x, y)``: each ``%s`` / ``%d`` takes the next value."""
        left = self.value(node.left, scope)
        template = [p for p in left if isinstance(p, Text)]
        args = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
        if len(template) != len(left):
            return [self.unknown(node)]
        out: Value = []
        values = iter(args)
        for part in template:
            start = 0
            for m in _PERCENT.finditer(part.text):
                if m.start() > start:
                    out.append(Text(part.text[start : m.start()], part.origins[start : m.start()]))
                if m.group() == "%%":
                    out.append(Text("%", part.origins[m.start() : m.start() + 1]))
                else:
                    arg = next(values, None)
                    if arg is None:
                        return [self.unknown(node)]
                    out += self.value(arg, scope)
                start = m.end()
            if start < len(part.text):
                out.append(Text(part.text[start:], part.origins[start:]))
        if next(values, None) is not None:  # not string formatting after all (10 % 3)
            return [self.unknown(node)]
        return out

    def _returned(self, name: str, scope: Scope) -> Value | None:
        """Value returned by a call of a function defined in scope (or above), when every
        ``return`` resolves to the same known text."""
        s: Scope | None = scope
        while s is not None and name not in s.functions:
            s = s.parent
        if s is None:
            return None
        fn = s.functions[name]
        fn_scope = s.scopes_of.get(id(fn))
        if fn_scope is None:
            return None
        values = [self.value(r.value, fn_scope) for r in _returns(fn) if r.value is not None]
        known = [v for v in values if all(isinstance(p, Text) for p in v)]
        texts = {"".join(p.text for p in v if isinstance(p, Text)) for v in known}
        if not values or len(known) != len(values) or len(texts) != 1:
            return None
        return known[0]

    def _format(self, node: ast.Call, template_node: ast.AST, scope: Scope) -> Value:
        template = self.value(template_node, scope)
        if not all(isinstance(p, Text) for p in template):
            return [self.unknown(node)]
        text = "".join(p.text for p in template if isinstance(p, Text))
        origins = [o for p in template if isinstance(p, Text) for o in p.origins]
        positional = list(node.args)
        named = {k.arg: k.value for k in node.keywords if k.arg is not None}
        out: Value = []
        index = 0  # position in `text` of the current literal chunk
        auto = 0
        try:
            parsed = list(string.Formatter().parse(text))
        except ValueError:
            return [self.unknown(node)]
        for literal, field_name, spec, conversion in parsed:
            start = text.find(literal.replace("{", "{{").replace("}", "}}"), index)
            start = index if start < 0 else start
            if literal:
                out.append(
                    Text(literal, tuple(_clip(origins, start + i) for i in range(len(literal))))
                )
            index = start + len(literal)
            if field_name is None:
                continue
            arg: ast.AST | None
            if field_name == "":
                arg = positional[auto] if auto < len(positional) else None
                auto += 1
            elif field_name.isdigit():
                n = int(field_name)
                arg = positional[n] if n < len(positional) else None
            else:
                arg = named.get(field_name)
            if arg is None or spec or conversion:
                out.append(Unknown("{" + field_name + "}", _clip(origins, index)))
            else:
                out += self.value(arg, scope)
            index = text.find("}", index) + 1 or index
        return out


_INT_OPS: dict[type[ast.operator], Callable[[int, int], int]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
}


def _is_os_environ(node: ast.AST) -> bool:
    """``os.environ`` (or ``environ`` imported from os)."""
    if isinstance(node, ast.Attribute):
        return node.attr == "environ" and isinstance(node.value, ast.Name) and node.value.id == "os"
    return isinstance(node, ast.Name) and node.id == "environ"


def _is_env_getter(func: ast.AST) -> bool:
    """``os.environ.get`` or ``os.getenv`` (or ``getenv`` imported from os)."""
    if isinstance(func, ast.Attribute):
        if func.attr == "get":
            return _is_os_environ(func.value)
        return func.attr == "getenv" and isinstance(func.value, ast.Name) and func.value.id == "os"
    return isinstance(func, ast.Name) and func.id == "getenv"


def _int_arithmetic(node: ast.AST) -> int | None:
    """Value of integer arithmetic on literals (``10 * 1000``); None for anything else."""
    if not isinstance(node, ast.BinOp) or type(node.op) not in _INT_OPS:
        return None
    left, right = (
        n.value if isinstance(n, ast.Constant) and type(n.value) is int else _int_arithmetic(n)
        for n in (node.left, node.right)
    )
    if left is None or right is None or abs(left) > 10**12 or abs(right) > 10**12:
        return None
    return _INT_OPS[type(node.op)](left, right)


def _clip(origins: list[int], i: int) -> int:
    if not origins:
        return 0
    return origins[min(max(i, 0), len(origins) - 1)]


def _returns(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.Return]:
    out: list[ast.Return] = []
    stack: list[ast.AST] = list(fn.body)
    while stack:
        n = stack.pop()
        if isinstance(n, ast.Return):
            out.append(n)
        elif not isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            stack.extend(ast.iter_child_nodes(n))
    return out


# ---------------------------------------------------------------------------------------------
# Mapping literal characters back to the source

_PREFIX = re.compile(r"[rRbBuUfF]*")
_BETWEEN_LITERALS = re.compile(r"(?:\s|\\\n|#[^\n]*)*")


class _LiteralScanner:
    """Walks the raw source of a (possibly implicitly concatenated) string literal, yielding
    the source offset of each character of its value."""

    def __init__(self, src: str, start: int, end: int) -> None:
        self.src = src
        self.end = end
        self.j = start
        self.quote = ""
        self.raw = False
        self.fmt = False
        self._open()

    def _open(self) -> bool:
        m = _PREFIX.match(self.src, self.j, self.end)
        prefix = m.group() if m else ""
        self.j += len(prefix)
        self.raw = "r" in prefix.lower()
        self.fmt = "f" in prefix.lower()
        for q in ('"""', "'''", '"', "'"):
            if self.src.startswith(q, self.j):
                self.quote = q
                self.j += len(q)
                return True
        return False

    def _next_literal(self) -> bool:
        """At a closing quote: move into the next implicitly concatenated literal."""
        if not (self.quote and self.src.startswith(self.quote, self.j)):
            return False
        self.j += len(self.quote)
        m = _BETWEEN_LITERALS.match(self.src, self.j, self.end)
        self.j = m.end() if m else self.j
        return self.j < self.end and self._open()

    def char(self, ch: str) -> int:
        """Offset of the next value character ``ch`` (best effort when escapes disagree)."""
        while self.j < self.end:
            c = self.src[self.j]
            if self.quote and self.src.startswith(self.quote, self.j):
                if not self._next_literal():
                    return self.j
                continue
            if c == "\\" and not self.raw:
                if self.src.startswith("\\\n", self.j):
                    self.j += 2
                    continue
                here = self.j
                self.j += _escape_length(self.src, self.j)
                return here
            if self.fmt and c in "{}" and self.src.startswith(c * 2, self.j):
                self.j += 2
                return self.j - 2
            self.j += 1
            return self.j - 1
        return max(self.end - 1, 0)

    def skip_field(self, expr_end: int) -> None:
        """Move past a ``{...}`` replacement field whose expression ends at ``expr_end``."""
        depth = 0
        j = max(self.j, expr_end)
        while j < self.end:
            c = self.src[j]
            if c == "{":
                depth += 1
            elif c == "}":
                if depth == 0:
                    self.j = j + 1
                    return
                depth -= 1
            j += 1
        self.j = self.end


def _escape_length(src: str, j: int) -> int:
    nxt = src[j + 1 : j + 2]
    if nxt == "x":
        return 4
    if nxt == "u":
        return 6
    if nxt == "U":
        return 10
    if nxt == "N":
        close = src.find("}", j)
        return close - j + 1 if close > 0 else 2
    if nxt.isdigit():
        n = 2
        while n < 4 and src[j + n : j + n + 1].isdigit():
            n += 1
        return n
    return 2


def _string_origins(src: PySource, node: ast.AST, value: str) -> tuple[int, ...]:
    scanner = _LiteralScanner(src.text, src.start(node), src.end(node))
    return tuple(scanner.char(ch) for ch in value)


def _fstring_origins(src: PySource, node: ast.JoinedStr) -> list[tuple[int, ...]]:
    scanner = _LiteralScanner(src.text, src.start(node), src.end(node))
    out: list[tuple[int, ...]] = []
    for v in node.values:
        if isinstance(v, ast.Constant) and isinstance(v.value, str):
            out.append(tuple(scanner.char(ch) for ch in v.value))
        elif isinstance(v, ast.FormattedValue):
            scanner.skip_field(src.end(v.value))
    return out
