"""Query parsing: SELECT, set operations, VALUES, WITH, and FROM items (tables with hints,
window TVFs with positional or named arguments, subqueries, table functions, joins)."""

from __future__ import annotations

from flinkdoctor.errors import Location
from flinkdoctor.sql.errors import SqlError
from flinkdoctor.sql.expressions import ExprParser
from flinkdoctor.sql.model import (
    Call,
    Cte,
    Descriptor,
    Expr,
    FromItem,
    Join,
    Keyword,
    NamedArg,
    Query,
    ScalarSubquery,
    Select,
    SelectItem,
    SetOperation,
    SubqueryRef,
    TableArg,
    TableFunctionRef,
    TableRef,
    Values,
    WindowKind,
    WindowTVF,
    With,
)
from flinkdoctor.sql.tokens import HINT, OP, STRING, WORD

# Argument roles of each window TVF in positional order, and how many are required
# (Flink: HOP(data, timecol, slide, size [, offset]), CUMULATE(data, timecol, step, size
# [, offset]), SESSION(data [PARTITION BY], timecol, gap)).
_TVF_ROLES: dict[WindowKind, tuple[tuple[str, ...], int]] = {
    "TUMBLE": (("DATA", "TIMECOL", "SIZE", "OFFSET"), 3),
    "HOP": (("DATA", "TIMECOL", "SLIDE", "SIZE", "OFFSET"), 4),
    "CUMULATE": (("DATA", "TIMECOL", "STEP", "SIZE", "OFFSET"), 4),
    "SESSION": (("DATA", "TIMECOL", "GAP"), 3),
}

_JOIN_KINDS = {"INNER": "INNER", "LEFT": "LEFT", "RIGHT": "RIGHT", "FULL": "FULL"}


class QueryParser(ExprParser):
    """Adds ``parse_query`` and FROM-clause parsing to the expression parser."""

    def parse_query(self) -> Query:
        """A query: ``[WITH ...] term {UNION|INTERSECT|EXCEPT [ALL|DISTINCT] term}``."""
        self.enter()
        try:
            if self.at("WITH"):
                return self._with()
            left = self._query_term()
            chained = 0
            while self.tok.kind == WORD and self.tok.value in (
                "UNION",
                "INTERSECT",
                "EXCEPT",
                "MINUS",
            ):
                chained += 1
                self.grow(1)
                op = self.advance().value
                if self.accept("ALL"):
                    op += " ALL"
                else:
                    self.accept("DISTINCT")
                right = self._query_term()
                left = SetOperation(op, left, right, location=left.location)
            self.grow(-chained)
            return left
        finally:
            self.leave()

    def _with(self) -> With:
        loc = self.loc(self.advance())
        ctes: list[Cte] = []
        while True:
            cte_loc = self.loc()
            name = self.ident("a WITH query name")
            cols = self._column_names() if self.at("(") else ()
            self.expect("AS", f"after WITH {name}")
            self.expect("(", f"before the query of WITH {name}")
            q = self.parse_query()
            self.expect(")", f"after the query of WITH {name}")
            ctes.append(Cte(name, q, cols, location=cte_loc))
            if not self.accept(","):
                break
        return With(tuple(ctes), self.parse_query(), location=loc)

    def _query_term(self) -> Query:
        if self.at("("):
            self.advance()
            q = self.parse_query()
            self.expect(")", "to close the parenthesised query")
            return q
        if self.at("SELECT"):
            return self._select()
        if self.at("VALUES"):
            return self._values()
        raise self.error("expected SELECT, VALUES or WITH")

    def _values(self) -> Values:
        loc = self.loc(self.advance())
        rows: list[tuple[Expr, ...]] = []
        while True:
            self.accept("ROW")
            self.expect("(", "before a VALUES row")
            rows.append(self.parse_expr_list())
            self.expect(")", "after a VALUES row")
            if not self.accept(","):
                return Values(tuple(rows), location=loc)

    def _select(self) -> Select:
        loc = self.loc(self.advance())
        while self.tok.kind == HINT:  # query hints (STATE_TTL, join hints): not modelled
            self.advance()
        distinct = self.accept("DISTINCT")
        if not distinct:
            self.accept("ALL")
        items = [self._select_item()]
        while self.accept(","):
            items.append(self._select_item())
        from_ = self._from() if self.accept("FROM") else None
        where = self.parse_expr() if self.accept("WHERE") else None
        group_by: tuple[Expr, ...] = ()
        if self.accept("GROUP", "BY"):
            group_by = self._group_items()
        having = self.parse_expr() if self.accept("HAVING") else None
        if self.accept("WINDOW"):
            self._skip_named_windows()
        order = self.parse_order_items() if self.accept("ORDER", "BY") else ()
        limit = self._limit()
        return Select(
            tuple(items), from_, where, group_by, having, distinct, order, limit, location=loc
        )

    def _select_item(self) -> SelectItem:
        loc = self.loc()
        e = self.parse_expr()
        return SelectItem(e, self._alias(), location=loc)

    def _alias(self) -> str | None:
        if self.accept("AS"):
            if self.tok.kind == STRING:
                raise self.error("Expecting alias, found character literal", found=False)
            return self.ident("an alias after AS", any_word=True)
        if self.is_ident():
            return self.ident("an alias")
        return None

    def _group_items(self) -> tuple[Expr, ...]:
        items: list[Expr] = []
        while True:
            if self.at("GROUPING", "SETS"):
                loc = self.loc()
                self.advance()
                self.advance()
                self.expect("(", "after GROUPING SETS")
                sets = self.parse_expr_list()
                self.expect(")", "after GROUPING SETS")
                items.append(Call("GROUPING SETS", sets, location=loc))
            else:
                items.append(self.parse_expr())
            if not self.accept(","):
                return tuple(items)

    def _skip_named_windows(self) -> None:
        while True:
            self.ident("a window name")
            self.expect("AS", "after the window name")
            self.expect("(", "before the window specification")
            depth = 1
            while depth:
                if self.at_eof():
                    raise self.error("expected ')' to close the window specification")
                t = self.advance()
                if t.kind == OP:
                    depth += (t.value == "(") - (t.value == ")")
            if not self.accept(","):
                return

    def _limit(self) -> Expr | None:
        limit: Expr | None = None
        if self.accept("LIMIT"):
            limit = None if self.accept("ALL") else self.parse_expr()
        if self.accept("OFFSET"):
            self.parse_expr()
            if not self.accept("ROWS"):
                self.accept("ROW")
        if self.accept("FETCH"):
            if not self.accept("FIRST"):
                self.expect("NEXT", "after FETCH")
            limit = self.parse_expr()
            if not self.accept("ROWS"):
                self.expect("ROW", "in FETCH FIRST n ROWS ONLY")
            self.expect("ONLY", "in FETCH FIRST n ROWS ONLY")
        return limit

    # -- FROM ----------------------------------------------------------------------------

    def _from(self) -> FromItem:
        left = self._table_primary()
        joins = 0
        while True:
            loc = self.loc()
            if self.at(",") or self._at_join():
                joins += 1
                self.grow(1)
            if self.accept(","):
                left = Join(left, self._table_primary(), "CROSS", location=loc)
                continue
            kind = self._join_kind()
            if kind is None:
                self.grow(-joins)
                return left
            right = self._table_primary()
            system_time = None
            if self.accept("FOR", "SYSTEM_TIME", "AS", "OF"):
                system_time = self.parse_expr()
                right = self._rename(right)
            cond: Expr | None = None
            using: tuple[str, ...] = ()
            if self.accept("ON"):
                cond = self.parse_expr()
            elif self.at("USING"):
                self.advance()
                using = self._column_names()
            left = Join(left, right, kind, cond, using, system_time, location=loc)

    def _rename(self, item: FromItem) -> FromItem:
        """Aliases written after ``FOR SYSTEM_TIME AS OF ts``."""
        alias = self._alias()
        if alias is not None and isinstance(item, TableRef):
            return TableRef(item.name, alias, item.hints, location=item.location)
        return item

    def _at_join(self) -> bool:
        t = self.tok
        return t.kind == WORD and t.value in ("JOIN", "CROSS", "NATURAL", *_JOIN_KINDS)

    def _join_kind(self) -> str | None:
        if self.accept("JOIN"):
            return "INNER"
        if self.accept("CROSS", "JOIN"):
            return "CROSS"
        natural = self.accept("NATURAL")
        word = self.tok.value if self.tok.kind == WORD else ""
        if word in _JOIN_KINDS:
            self.advance()
            self.accept("OUTER")
            self.expect("JOIN", f"after {word}")
            return ("NATURAL " if natural else "") + _JOIN_KINDS[word]
        if natural:
            self.expect("JOIN", "after NATURAL")
            return "NATURAL INNER"
        return None

    def _table_primary(self) -> FromItem:
        loc = self.loc()
        lateral = self.accept("LATERAL")
        if self.at("TABLE", "("):
            self.advance()
            self.advance()
            call = self.parse_expr()
            self.expect(")", "to close TABLE(...)")
            if isinstance(call, Call) and call.name in _TVF_ROLES:
                alias = self._alias()
                return self._window_tvf(call, alias, loc)
            alias, cols = self._alias_and_columns()
            return TableFunctionRef(call, alias, cols, lateral, location=loc)
        if self.at("UNNEST", "("):
            call = self.parse_expr()
            self.accept("WITH", "ORDINALITY")
            alias, cols = self._alias_and_columns()
            return TableFunctionRef(call, alias, cols, lateral, location=loc)
        if self.at("("):
            if self.starts_query():
                self.advance()
                q = self.parse_query()
                self.expect(")", "to close the subquery in FROM")
                alias, _ = self._alias_and_columns()
                return SubqueryRef(q, alias, location=loc)
            self.advance()
            self.enter()
            try:
                inner = self._from()
            finally:
                self.leave()
            self.expect(")", "to close the parenthesised FROM item")
            return inner
        name = self.parse_object_name("a table name")
        hints = self.parse_options_hints()
        if self.at("FOR", "SYSTEM_TIME"):
            return TableRef(name, None, hints, location=loc)
        if self.at("MATCH_RECOGNIZE", "("):
            return self._match_recognize(TableRef(name, None, hints, location=loc))
        alias, _ = self._alias_and_columns()
        return TableRef(name, alias, hints, location=loc)

    def _match_recognize(self, table: TableRef) -> TableFunctionRef:
        """``t MATCH_RECOGNIZE (...)``: kept as text (the engine reports it unsupported)."""
        loc = self.loc(self.advance())
        start = self.tok.start
        self._skip_parens()
        body = self.source_text[start : self.tokens[self.pos - 1].end]
        args = (TableArg(table.name, location=table.location), Keyword(body, location=loc))
        alias, cols = self._alias_and_columns()
        return TableFunctionRef(
            Call("MATCH_RECOGNIZE", args, location=loc), alias, cols, location=loc
        )

    def _alias_and_columns(self) -> tuple[str | None, tuple[str, ...]]:
        alias = self._alias()
        cols = self._column_names() if alias is not None and self.at("(") else ()
        return alias, cols

    def _column_names(self) -> tuple[str, ...]:
        self.expect("(", "before the column names")
        names = [self.ident("a column name", any_word=True)]
        while self.accept(","):
            names.append(self.ident("a column name", any_word=True))
        self.expect(")", "after the column names")
        return tuple(names)

    def _window_tvf(self, call: Call, alias: str | None, loc: Location) -> WindowTVF:
        kind = next(k for k in _TVF_ROLES if k == call.name)
        roles, required = _TVF_ROLES[kind]
        given: dict[str, Expr] = {}
        positional = True
        for i, arg in enumerate(call.args):
            if isinstance(arg, NamedArg):
                positional = False
                role = arg.name.upper()
                if role not in roles:
                    raise self._tvf_error(
                        f"unknown argument {arg.name} for {kind} (it takes {', '.join(roles)})",
                        arg.location,
                    )
                value = arg.value
            else:
                if not positional:
                    raise self._tvf_error(
                        f"positional argument after named ones in {kind}", arg.location
                    )
                if i >= len(roles):
                    raise self._tvf_error(
                        f"too many arguments for {kind} (it takes {', '.join(roles)})",
                        arg.location,
                    )
                role, value = roles[i], arg
            if role in given:
                raise self._tvf_error(f"argument {role} given twice in {kind}", arg.location)
            given[role] = value
        missing = [r for r in roles[:required] if r not in given]
        if missing:
            raise self._tvf_error(
                f"{kind} needs {', '.join(roles[:required])}; missing {', '.join(missing)}",
                call.location,
            )
        data, timecol = given["DATA"], given["TIMECOL"]
        if not (isinstance(timecol, Descriptor) and len(timecol.columns) == 1):
            raise self._tvf_error(
                f"the time column of {kind} must be DESCRIPTOR(column)", timecol.location
            )
        table: FromItem
        partition: tuple[Expr, ...] = ()
        if isinstance(data, TableArg):
            table = TableRef(data.name, location=data.location)
            partition = data.partition_by
        elif isinstance(data, ScalarSubquery):
            table = SubqueryRef(data.query, location=data.location)
        else:
            raise self._tvf_error(
                f"the first argument of {kind} must be TABLE name or a subquery", data.location
            )
        return WindowTVF(
            kind,
            table,
            timecol.columns[0],
            size=given.get("SIZE"),
            slide=given.get("SLIDE"),
            step=given.get("STEP"),
            offset=given.get("OFFSET"),
            gap=given.get("GAP"),
            partition_by=partition,
            alias=alias,
            location=loc,
        )

    def _tvf_error(self, message: str, loc: Location) -> SqlError:
        return SqlError(message, loc)
