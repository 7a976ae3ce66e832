"""Extraction of a PyFlink job's SQL, Table API window chains and environment settings.

The job is never run: its source is read with ``ast``. SQL comes from the string argument of
SQL-bearing calls (``execute_sql``, ``sql_query``, ``add_insert_sql``, ``explain_sql``,
``sql_update``), evaluated statically by ``pystrings``. Whatever needs the job to run
(``os.environ.get(...)``, a function parameter, a call) becomes a ``Hole``: inside a SQL string
literal it is replaced by ``${<python source>}`` (the literal's value shows exactly what was
there), elsewhere by an identifier ``__hole_N__``, so the SQL stays parseable. Locations point
into the ``.py`` file.

Settings made through the API land in ``Script.env`` under Flink configuration keys (see
``Script``); statements come in source order of their calls. A ``sql_query`` not consumed by a
Table API chain is kept as a ``QueryStatement`` (it runs if the job executes it); the query of
``explain_sql`` becomes a ``RawStatement`` (it is checked, but no job runs).
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Mapping

from flinkdoctor.errors import Location
from flinkdoctor.sql.errors import SqlError
from flinkdoctor.sql.model import (
    ENV_CHECKPOINT_INTERVAL,
    ENV_PARALLELISM,
    ENV_RUNTIME_MODE,
    ENV_WATERMARK_INTERVAL,
    Hole,
    Query,
    QueryStatement,
    RawStatement,
    Script,
    Statement,
)
from flinkdoctor.sql.pystrings import Evaluator, PySource, Scope, Text, Unknown, Value
from flinkdoctor.sql.script import build_script, parse_statements
from flinkdoctor.sql.tableapi import TableApiTranslator

SQL_METHODS = frozenset(["execute_sql", "sql_query", "add_insert_sql", "explain_sql", "sql_update"])
"""Methods whose first argument is SQL text."""

_CONFIG_SETTERS = frozenset(["set", "set_string", "set_integer", "set_boolean", "set_float"])


class _PySqlMap:
    """The ``Locator`` of extracted SQL: each offset maps to the .py character it came from."""

    def __init__(self, origins: list[int], src: PySource, file: str) -> None:
        self.file = file
        self._origins = origins
        self._src = src

    def location(self, offset: int) -> Location:
        if not self._origins:
            return Location(self.file, 1, 1)
        origin = self._origins[min(max(offset, 0), len(self._origins) - 1)]
        line, col = self._src.line_col(origin)
        return Location(self.file, line, col)


class _Holes:
    """Numbers holes and records them as the SQL is assembled."""

    def __init__(self, src: PySource, file: str) -> None:
        self.src = src
        self.file = file
        self.holes: list[Hole] = []

    def location(self, offset: int) -> Location:
        line, col = self.src.line_col(offset)
        return Location(self.file, line, col)

    def assemble(self, value: Value, *, sql: bool = True) -> tuple[str, list[int]]:
        """Text and per-character origins, holes replaced by markers: ``${python}`` inside
        SQL string literals (and everywhere when ``sql`` is False, e.g. a setting's value),
        ``__hole_N__`` elsewhere in SQL."""
        chunks: list[str] = []
        origins: list[int] = []
        for part in value:
            if isinstance(part, Text):
                chunks.append(part.text)
                origins += part.origins
                continue
            loc = self.location(part.offset)
            if not sql or _inside_string_literal("".join(chunks)):
                marker = "${" + part.python + "}"
                written = marker.replace("'", "''")
                hole = Hole(marker, part.python, "string", loc)
            else:
                marker = written = f"__hole_{len(self.holes) + 1}__"
                hole = Hole(marker, part.python, "identifier", loc)
            self.holes.append(hole)
            chunks.append(written)
            origins += [part.offset] * len(written)
        return "".join(chunks), origins


_SQL_LEXEME = re.compile(
    r"'(?:[^']|'')*'?|--[^\n]*\n?|/\*.*?(?:\*/|$)|`[^`]*`?|\"[^\"]*\"?|[^'`\"/-]+|.", re.S
)


def _inside_string_literal(sql: str) -> bool:
    """True if ``sql`` ends inside an unterminated '...' literal."""
    last = ""
    for m in _SQL_LEXEME.finditer(sql):
        last = m.group()
    if not last.startswith("'"):
        return False
    body = last[1:]
    # An even number of trailing quotes is escaped quotes ('' pairs): the literal is open.
    return (len(body) - len(body.rstrip("'"))) % 2 == 0


class _Collector(ast.NodeVisitor):
    """Builds scopes and collects, in source order, the calls that matter."""

    def __init__(self) -> None:
        self.module = Scope(parent=None)
        self.scope = self.module
        self.calls: list[tuple[ast.Call, Scope]] = []

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._function(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._function(node)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.scope.functions[node.name] = node
        inner = Scope(parent=self.scope)
        a = node.args
        for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]:
            if arg is not None:
                inner.params.add(arg.arg)
        self.scope.scopes_of[id(node)] = inner
        outer, self.scope = self.scope, inner
        for stmt in node.body:
            self.visit(stmt)
        self.scope = outer

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            if isinstance(target, ast.Name):
                self.scope.bind(target.id, (node.lineno, node.col_offset), node.value)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if isinstance(node.target, ast.Name) and node.value is not None:
            self.scope.bind(node.target.id, (node.lineno, node.col_offset), node.value)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if isinstance(node.target, ast.Name) and isinstance(node.op, ast.Add):
            self.scope.bind(node.target.id, (node.lineno, node.col_offset), node)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        self.calls.append((node, self.scope))
        self.generic_visit(node)


def extract_pyflink(source: str, file: str, env: Mapping[str, str] | None = None) -> Script:
    """The ``Script`` a PyFlink job would run. Raises ``SqlError`` if the file is not valid
    Python or its (resolved) SQL is not valid Flink SQL; unresolved parts never raise.

    ``env``: the environment the job would see; ``os.environ.get('X')`` / ``os.getenv('X')``
    lookups resolve from it (or their default) and stay holes when unset. None keeps every
    lookup a hole (the core reads no environment of its own)."""
    try:
        with warnings.catch_warnings():  # the user's `1e-999in`: their linter's business
            warnings.simplefilter("ignore", SyntaxWarning)
            tree = ast.parse(source, file)
        return _extract(tree, source, file, env)
    except SyntaxError as e:
        raise SqlError(
            f"not valid Python: {e.msg}", Location(file, e.lineno or 0, e.offset or 0)
        ) from None
    except RecursionError:  # ast and its visitors recurse; SQL parsing has its own budget
        raise SqlError("Python source nested too deeply to analyse", Location(file)) from None


def _extract(
    tree: ast.Module, source: str, file: str, environ: Mapping[str, str] | None = None
) -> Script:
    src = PySource(source)
    collector = _Collector()
    collector.visit(tree)
    evaluator = Evaluator(src, collector.module, environ)
    holes = _Holes(src, file)

    def parse_query(value: Value) -> Query | None:
        _, found = _sql_statements(value, holes, src, file)
        if len(found) == 1 and isinstance(found[0], QueryStatement):
            return found[0].query
        return None

    tables = TableApiTranslator(evaluator, holes, parse_query)
    calls = sorted(collector.calls, key=lambda c: (c[0].lineno, c[0].col_offset))
    # Table API chains first: the calls inside them (e.g. a sql_query feeding an insert) are
    # consumed and must not also count as statements of their own.
    consumed: set[int] = set()
    inserts: dict[int, Statement] = {}
    for call, scope in calls:
        if _method(call) in tables.TERMINALS:
            found = tables.translate(call, scope, consumed)
            if found is not None:
                inserts[id(call)] = found
    statements: list[Statement] = []
    env: dict[str, str] = {}
    env_locations: dict[str, Location] = {}
    for call, scope in calls:
        method = _method(call)
        if id(call) in inserts:
            statements.append(inserts[id(call)])
        elif id(call) in consumed or method is None:
            continue
        elif method in SQL_METHODS and call.args:
            text, parsed = _sql_statements(evaluator.value(call.args[0], scope), holes, src, file)
            if method == "explain_sql" and parsed:  # checked like Flink would; runs no job
                parsed = [RawStatement("EXPLAIN", text, location=parsed[0].location)]
            statements += parsed
        else:
            for key, value in _setting(call, method, evaluator, scope, holes):
                env[key] = value
                env_locations[key] = holes.location(src.start(call))
    return build_script(file, statements, tuple(holes.holes), env, env_locations)


def _method(call: ast.Call) -> str | None:
    return call.func.attr if isinstance(call.func, ast.Attribute) else None


def _sql_statements(
    value: Value, holes: _Holes, src: PySource, file: str
) -> tuple[str, list[Statement]]:
    """The SQL text (holes replaced) and its statements."""
    if len(value) == 1 and isinstance(value[0], Unknown):
        holes.assemble(value)  # record the hole: the whole SQL is unknown
        return "", []
    text, origins = holes.assemble(value)
    source = _PySqlMap(origins, src, file)
    try:
        return text, parse_statements(text, source)
    except SqlError:
        if any(isinstance(p, Unknown) for p in value):
            # A placeholder stood for SQL syntax we cannot guess: keep the text, do not fail.
            word = text.strip().split(maxsplit=1)[0].upper() if text.strip() else ""
            return text, [RawStatement(word, text, location=source.location(0))]
        raise


def _setting(
    call: ast.Call, method: str, ev: Evaluator, scope: Scope, holes: _Holes
) -> list[tuple[str, str]]:
    args = call.args
    if method == "set_parallelism" and len(args) == 1:
        return [(ENV_PARALLELISM, _scalar(args[0], ev, scope, holes))]
    if method == "enable_checkpointing" and args:
        return [(ENV_CHECKPOINT_INTERVAL, _scalar(args[0], ev, scope, holes) + " ms")]
    if method == "set_auto_watermark_interval" and len(args) == 1:
        return [(ENV_WATERMARK_INTERVAL, _scalar(args[0], ev, scope, holes) + " ms")]
    if method == "set_local_timezone" and len(args) == 1:
        return [("table.local-time-zone", _scalar(args[0], ev, scope, holes))]
    if method in ("in_streaming_mode", "in_batch_mode"):
        return [(ENV_RUNTIME_MODE, "streaming" if method == "in_streaming_mode" else "batch")]
    if method in _CONFIG_SETTERS and len(args) == 2:
        key = ev.value(args[0], scope)
        if len(key) == 1 and isinstance(key[0], Text) and "." in key[0].text:
            return [(key[0].text, _scalar(args[1], ev, scope, holes))]
    return []


def _scalar(node: ast.AST, ev: Evaluator, scope: Scope, holes: _Holes) -> str:
    text, _ = holes.assemble(ev.value(node, scope), sql=False)
    return text
