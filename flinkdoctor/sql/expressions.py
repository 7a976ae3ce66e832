"""Expression parsing: precedence climbing over Calcite's operator table, with the literal forms
(typed literals, INTERVAL, ``''`` escapes), CAST / TRY_CAST, CASE, function calls with named
arguments and keyword clauses, window-TVF argument forms (``TABLE t``, ``DESCRIPTOR``) and
OVER windows. Subqueries are delegated to ``parse_query`` (defined by the query layer)."""

from __future__ import annotations

from decimal import Decimal

from flinkdoctor.errors import Location
from flinkdoctor.sql import intervals
from flinkdoctor.sql.cursor import CLAUSE_WORDS
from flinkdoctor.sql.model import (
    BINARY_PRECEDENCE,
    Between,
    BinaryOp,
    Call,
    Case,
    Cast,
    Descriptor,
    Expr,
    Identifier,
    InList,
    IntervalLiteral,
    IntervalUnit,
    IsNull,
    Keyword,
    Like,
    Literal,
    LiteralKind,
    NamedArg,
    ObjectName,
    OrderItem,
    OverCall,
    Query,
    ScalarSubquery,
    Star,
    Subscript,
    TableArg,
    UnaryOp,
)
from flinkdoctor.sql.reserved import RESERVED
from flinkdoctor.sql.tokens import HINT, NUMBER, OP, QIDENT, STRING, WORD, Token, tokenize
from flinkdoctor.sql.types import TypeParser

_NOT = 3
_PREDICATE = 4
_UNARY = 9

_UNITS: tuple[IntervalUnit, ...] = ("YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND")
_UNIT_ALIASES: dict[str, IntervalUnit] = {u + "S": u for u in _UNITS} | {u: u for u in _UNITS}

# Words that are syntax inside a call's parentheses (EXTRACT(DAY FROM ts), FLOOR(ts TO HOUR),
# JSON_VALUE(j, '$.a' RETURNING INT NULL ON EMPTY), TRIM(BOTH ' ' FROM s), ...).
_ARG_WORDS = frozenset(
    [
        "FROM", "FOR", "IN", "PLACING", "TO", "RETURNING", "NULL", "ON", "ERROR", "EMPTY",
        "DEFAULT", "WITH", "WITHOUT", "CONDITIONAL", "UNCONDITIONAL", "ARRAY", "WRAPPER",
        "KEY", "VALUE", "BOTH", "LEADING", "TRAILING", "ABSENT", "FORMAT", "JSON", "TRUE",
        "FALSE", "UNKNOWN", "STRICT", "LAX", "SEPARATOR", "MILLISECOND", "MICROSECOND",
        "NANOSECOND", "WEEK", "QUARTER", "DOW", "DOY", "EPOCH", "DECADE", "CENTURY",
        "MILLENNIUM", "ISODOW", "ISOYEAR", *_UNIT_ALIASES,
    ]
)  # fmt: skip

_LEADING_ARG_WORDS = frozenset(
    ["BOTH", "LEADING", "TRAILING", "KEY", "MILLISECOND", "MICROSECOND", "NANOSECOND", "WEEK",
     "QUARTER", "DOW", "DOY", "EPOCH", "DECADE", "CENTURY", "MILLENNIUM", "ISODOW", "ISOYEAR",
     *_UNIT_ALIASES]
)  # fmt: skip

NILADIC = frozenset(
    [
        "CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME", "LOCALTIMESTAMP", "LOCALTIME",
        "CURRENT_USER", "CURRENT_CATALOG", "CURRENT_DATABASE", "CURRENT_ROW_TIMESTAMP", "USER",
        "SESSION_USER", "SYSTEM_USER", "CURRENT_ROLE", "CURRENT_PATH",
    ]
)  # fmt: skip
"""Functions callable without parentheses."""

# Clause words that never start a function call, even when a '(' follows them.
_NOT_FUNCTIONS = CLAUSE_WORDS - {"LEFT", "RIGHT"}

_TYPED_LITERALS: dict[str, LiteralKind] = {
    "DATE": "date",
    "TIME": "time",
    "TIMESTAMP": "timestamp",
}


class ExprParser(TypeParser):
    """Adds ``parse_expr`` (and helpers the query layer reuses) to the type parser."""

    def parse_query(self) -> Query:
        """Parse a query; the query layer provides it (subqueries inside expressions)."""
        raise NotImplementedError

    def starts_query(self) -> bool:
        """True if a query starts here (SELECT, WITH, VALUES, or a parenthesised one)."""
        t = self.tok
        if t.kind == WORD and t.value in ("SELECT", "WITH", "VALUES"):
            return True
        if t.kind == OP and t.value == "(":
            nxt = self.peek()
            return nxt.kind == WORD and nxt.value in ("SELECT", "WITH", "VALUES")
        return False

    def parse_expr(self) -> Expr:
        """One expression."""
        return self._binary(0)

    def parse_expr_list(self) -> tuple[Expr, ...]:
        """``expr {, expr}``."""
        items = [self.parse_expr()]
        while self.accept(","):
            items.append(self.parse_expr())
        return tuple(items)

    def parse_order_items(self) -> tuple[OrderItem, ...]:
        """``expr [ASC|DESC] [NULLS FIRST|LAST] {, ...}`` (after ORDER BY)."""
        items: list[OrderItem] = []
        while True:
            loc = self.loc()
            e = self.parse_expr()
            desc = False
            if self.accept("DESC"):
                desc = True
            else:
                self.accept("ASC")
            if self.accept("NULLS") and not (self.accept("FIRST") or self.accept("LAST")):
                raise self.error("expected FIRST or LAST after NULLS")
            items.append(OrderItem(e, desc, location=loc))
            if not self.accept(","):
                return tuple(items)

    def parse_options_hints(self) -> dict[str, str]:
        """Options from ``/*+ OPTIONS('k'='v', ...) */`` hints at the cursor (other hints
        are skipped); later hints override earlier ones."""
        out: dict[str, str] = {}
        while self.tok.kind == HINT:
            hint = self.advance()
            sub = ExprParser(
                tokenize(self.source_text, self.source, hint.start + 3, hint.end - 2),
                self.source,
                self.source_text,
            )
            while not sub.at_eof():
                name = sub.ident("a hint name", any_word=True).upper()
                if not sub.at("("):
                    sub.accept(",")
                    continue
                if name == "OPTIONS":
                    sub.advance()
                    out.update(sub.parse_options_list("in OPTIONS hint", strict=False))
                else:
                    sub._skip_parens()
                sub.accept(",")
        return out

    def parse_options_list(
        self,
        context: str,
        *,
        strict: bool = True,
        locations: dict[str, Location] | None = None,
    ) -> dict[str, str]:
        """``'k' = 'v' {, ...} )`` after the opening parenthesis; consumes the ``)``. Flink
        wants string literals on both sides; ``strict=False`` also takes names and numbers
        (hint options, static partition specs). ``locations`` receives where each key was
        written (lint points at the option)."""
        out: dict[str, str] = {}
        while not self.at(")"):
            if locations is not None:
                key_loc = self.loc()
            if self.tok.kind == STRING or strict:
                key = self.parse_string(f"an option key {context}, written 'key' = 'value'")
            else:
                key = ".".join(self.parse_object_name(f"an option key {context}").parts)
            self.expect("=", f"after option key {key!r}")
            if self.tok.kind == STRING or strict:
                value = self.parse_string(f"the value of option {key!r}")
            elif self.tok.kind in (WORD, NUMBER):
                value = self.advance().text
            else:
                raise self.error(f"expected a value for option {key!r}")
            out[key] = value
            if locations is not None:
                locations[key] = key_loc
            if not self.accept(","):
                break
        self.expect(")", f"after the options {context}")
        return out

    # -- operators -----------------------------------------------------------------------

    def _binary(self, min_prec: int) -> Expr:
        self.enter()
        chained = 0  # operators folded into `left`: each makes the tree one level taller
        try:
            left = self._prefix()
            while True:
                t = self.tok
                if t.kind not in (OP, WORD):
                    return left
                op = t.value
                prec = BINARY_PRECEDENCE.get(op)
                if prec is None and (min_prec > _PREDICATE or not self._at_predicate()):
                    return left
                if prec is not None and prec < min_prec:
                    return left
                chained += 1
                self.grow(1)
                if prec is None:
                    left = self._predicate(left)
                    continue
                self.advance()
                right = self._binary(prec + 1)
                left = BinaryOp(op, left, right, location=left.location)
        finally:
            self.grow(-chained)
            self.leave()

    def _at_predicate(self) -> bool:
        t = self.tok
        if t.kind != WORD:
            return False
        if t.value == "NOT":
            nxt = self.peek()
            return nxt.kind == WORD and nxt.value in ("IN", "BETWEEN", "LIKE", "SIMILAR")
        return t.value in ("IS", "IN", "BETWEEN", "LIKE", "SIMILAR")

    def _predicate(self, left: Expr) -> Expr:
        loc = left.location
        if self.accept("IS"):
            negated = self.accept("NOT")
            if self.accept("NULL"):
                return IsNull(left, negated, location=loc)
            if self.accept("DISTINCT", "FROM"):
                op = "IS NOT DISTINCT FROM" if negated else "IS DISTINCT FROM"
                return BinaryOp(op, left, self._binary(_PREDICATE + 1), location=loc)
            for word in ("TRUE", "FALSE", "UNKNOWN"):
                if self.at(word):
                    lit = self._keyword_literal(self.advance())
                    return BinaryOp("IS NOT" if negated else "IS", left, lit, location=loc)
            raise self.error("expected NULL, TRUE, FALSE, UNKNOWN or DISTINCT FROM after IS")
        negated = self.accept("NOT")
        if self.accept("IN"):
            self.expect("(", "after IN")
            if self.starts_query():
                sub_loc = self.loc()
                items: tuple[Expr, ...] = (ScalarSubquery(self.parse_query(), location=sub_loc),)
            else:
                items = self.parse_expr_list()
            self.expect(")", "to close the IN list")
            return InList(left, items, negated, location=loc)
        if self.accept("BETWEEN"):
            if not self.accept("ASYMMETRIC"):
                self.accept("SYMMETRIC")
            low = self._binary(_PREDICATE + 1)
            self.expect("AND", "in BETWEEN ... AND ...")
            high = self._binary(_PREDICATE + 1)
            return Between(left, low, high, negated, location=loc)
        op = "SIMILAR TO" if self.accept("SIMILAR", "TO") else "LIKE"
        if op == "LIKE":
            self.expect("LIKE", "after NOT")
        pattern = self._binary(_PREDICATE + 1)
        escape = self._binary(_PREDICATE + 1) if self.accept("ESCAPE") else None
        return Like(left, pattern, negated, escape, op, location=loc)

    def _prefix(self) -> Expr:
        t = self.tok
        if t.kind == WORD and t.value == "NOT":
            self.advance()
            return UnaryOp("NOT", self._binary(_NOT), location=self.loc(t))
        if t.kind == OP and t.value in ("-", "+"):
            self.advance()
            return UnaryOp(t.value, self._binary(_UNARY), location=self.loc(t))
        return self._postfix(self._primary())

    def _postfix(self, e: Expr) -> Expr:
        while self.at("["):
            self.advance()
            index = self.parse_expr()
            self.expect("]", "to close the subscript")
            e = Subscript(e, index, location=e.location)
        return e

    # -- primaries -----------------------------------------------------------------------

    def _primary(self) -> Expr:
        t = self.tok
        loc = self.loc()
        if t.kind == NUMBER:
            self.advance()
            return Literal("number", Decimal(t.text), t.text, location=loc)
        if t.kind == STRING:
            return self._string_literal()
        if t.kind == OP:
            if t.value == "(":
                return self._parenthesised()
            if t.value == "*":
                self.advance()
                return Star(location=loc)
            raise self.error("expected an expression")
        if t.kind == QIDENT:
            return self._name_or_call()
        if t.kind != WORD:
            raise self.error("expected an expression")
        v = t.value
        nxt = self.peek()
        if v in ("TRUE", "FALSE", "NULL", "UNKNOWN"):
            return self._keyword_literal(self.advance())
        if v in ("X", "N") and nxt.kind == STRING and nxt.start == t.end:  # X'0F', N'text'
            self.advance()
            s = self.advance()
            kind: LiteralKind = "binary" if v == "X" else "string"
            return Literal(kind, s.value, t.text + s.text, location=loc)
        if v in _TYPED_LITERALS and (nxt.kind == STRING or self.at(v, "WITH", "LOCAL")):
            return self._typed_literal()
        if v == "INTERVAL":
            return self._interval()
        if v in ("CAST", "TRY_CAST") and nxt.value == "(":
            return self._cast()
        if v == "CASE":
            return self._case()
        if v == "EXISTS" and nxt.value == "(":
            self.advance()
            self.advance()
            q = self.parse_query()
            self.expect(")", "after EXISTS subquery")
            return ScalarSubquery(q, exists=True, location=loc)
        if v == "DESCRIPTOR" and nxt.value == "(":
            return self._descriptor()
        if v == "TABLE" and nxt.kind in (WORD, QIDENT, OP):
            return self._table_arg()
        if v in ("ARRAY", "MAP") and nxt.value == "[":
            self.advance()
            self.advance()
            items = () if self.at("]") else self.parse_expr_list()
            self.expect("]", f"to close {v}[...]")
            return Call(v, items, location=loc)
        if v in NILADIC and nxt.value != "(":
            self.advance()
            return Call(v, location=loc)
        if nxt.kind == OP and nxt.value == "(" and v not in _NOT_FUNCTIONS:
            return self._name_or_call()  # reserved words name functions too: COUNT(, YEAR(
        if v in RESERVED and v not in CLAUSE_WORDS:
            raise self.reserved("an expression")
        if not self.is_ident():
            raise self.error("expected an expression")
        return self._name_or_call()

    def _string_tokens(self) -> list[Token]:
        """The string literal at the cursor: Calcite joins adjacent ones ('ab' 'cd')."""
        tokens = [self.advance()]
        while self.tok.kind == STRING:
            tokens.append(self.advance())
        return tokens

    def _string_literal(self) -> Literal:
        tokens = self._string_tokens()
        value = "".join(t.value for t in tokens)
        raw = " ".join(t.text for t in tokens)
        return Literal("string", value, raw, location=self.loc(tokens[0]))

    def parse_string(self, what: str) -> str:
        """The value of the string literal at the cursor."""
        if self.tok.kind != STRING:
            raise self.error(f"expected a string literal ({what})")
        return "".join(t.value for t in self._string_tokens())

    def _keyword_literal(self, t: Token) -> Literal:
        if t.value in ("NULL", "UNKNOWN"):
            return Literal("null", None, t.value, location=self.loc(t))
        return Literal("boolean", t.value == "TRUE", t.value, location=self.loc(t))

    def _typed_literal(self) -> Literal:
        first = self.advance()
        kind = _TYPED_LITERALS[first.value]
        words = [first.value]
        if self.accept("WITH", "LOCAL", "TIME", "ZONE"):
            kind = "timestamp_ltz"
            words.append("WITH LOCAL TIME ZONE")
        if self.tok.kind != STRING:
            raise self.error(f"expected a string literal after {' '.join(words)}")
        s = self.advance()
        return Literal(kind, s.value, f"{' '.join(words)} {s.text}", location=self.loc(first))

    def _interval(self) -> Expr:
        start = self.advance()
        loc = self.loc(start)
        sign = 1
        if self.at("-") or self.at("+"):
            sign = -1 if self.advance().value == "-" else 1
        if self.tok.kind != STRING:
            return self._interval_expression(start, sign)
        text = self.advance().value
        unit = self._interval_unit()
        precision = intervals.DEFAULT_PRECISION
        fraction: int | None = None
        if self.at("("):
            self.advance()
            precision = self._int("interval precision")
            if self.accept(","):
                fraction = self._int("fractional second precision")
            self.expect(")", "after interval precision")
        end_unit: IntervalUnit | None = None
        if self.accept("TO"):
            end_unit = self._interval_unit()
            if end_unit == "SECOND" and self.at("("):
                self.advance()
                fraction = self._int("fractional second precision")
                self.expect(")", "after fractional second precision")
        qualifier = unit if end_unit is None else f"{unit} TO {end_unit}"
        if not intervals.valid_range(unit, end_unit):
            raise self.error(f"invalid interval qualifier INTERVAL {qualifier}", start, found=False)
        if not 1 <= precision <= intervals.MAX_PRECISION:
            raise self.error(
                f"Interval leading field precision '{precision}' out of range for "
                f"INTERVAL {unit}({precision})",
                start,
                found=False,
            )
        frac = intervals.DEFAULT_FRACTION_PRECISION if fraction is None else fraction
        if not 0 <= frac <= intervals.MAX_FRACTION_PRECISION:
            raise self.error(
                f"Interval fractional second precision '{frac}' out of range", start, found=False
            )
        overflow: str | None = None
        try:
            try:
                value = intervals.evaluate(text, unit, end_unit, precision, frac)
            except intervals.PrecisionOverflow as e:
                if not intervals.tolerating_overflow():
                    raise
                overflow = str(e)
                value = intervals.evaluate(text, unit, end_unit, intervals.MAX_PRECISION, frac)
        except intervals.IntervalError as e:
            raise self.error(overflow or str(e), start, found=False) from None
        millis = None if value.millis is None else sign * value.millis
        months = None if value.months is None else sign * value.months
        seconds_last = (end_unit or unit) == "SECOND"
        return IntervalLiteral(
            text,
            unit,
            end_unit,
            sign,
            precision,
            frac if seconds_last else None,
            millis,
            months,
            overflow,
            location=loc,
        )

    def _interval_expression(self, start: Token, sign: int) -> Expr:
        """``INTERVAL 5 SECOND`` / ``INTERVAL x MINUTE`` / ``INTERVAL (a + 1) HOUR``: Calcite
        reads these as ``value * INTERVAL '1' unit`` (no precision check on ``value``, and a
        window TVF then rejects the non-constant size)."""
        loc = self.loc(start)
        t = self.tok
        if t.kind == NUMBER:
            self.advance()
            value: Expr = Literal("number", Decimal(t.text), t.text, location=self.loc(t))
        elif t.kind == OP and t.value == "(":
            value = self._parenthesised()
        elif self.is_ident():
            value = self._name_or_call()
        else:
            raise self.error("expected a string, number or expression after INTERVAL")
        if sign < 0:
            value = UnaryOp("-", value, location=value.location)
        unit_loc = self.loc()
        unit = self._interval_unit()
        precision = intervals.DEFAULT_PRECISION
        if self.at("("):
            self.advance()
            precision = self._int("interval precision")
            self.expect(")", "after interval precision")
        one = intervals.evaluate("1", unit, None, precision, intervals.DEFAULT_FRACTION_PRECISION)
        frac = intervals.DEFAULT_FRACTION_PRECISION if unit == "SECOND" else None
        unit_interval = IntervalLiteral(
            "1", unit, None, 1, precision, frac, one.millis, one.months, location=unit_loc
        )
        return BinaryOp("*", value, unit_interval, location=loc)

    def _interval_unit(self) -> IntervalUnit:
        t = self.tok
        unit = _UNIT_ALIASES.get(t.value) if t.kind == WORD else None
        if unit is None:
            raise self.error("expected an interval unit (SECOND, MINUTE, HOUR, DAY, MONTH, YEAR)")
        self.advance()
        return unit

    def _cast(self) -> Cast:
        start = self.advance()
        self.advance()  # (
        e = self.parse_expr()
        self.expect("AS", f"in {start.value}(expr AS type)")
        t = self.parse_type()
        self.expect(")", f"to close {start.value}")
        return Cast(e, t, start.value == "TRY_CAST", location=self.loc(start))

    def _case(self) -> Case:
        start = self.advance()
        operand = None if self.at("WHEN") else self.parse_expr()
        whens: list[tuple[Expr, Expr]] = []
        while self.accept("WHEN"):
            w = self.parse_expr()
            self.expect("THEN", "after WHEN condition")
            whens.append((w, self.parse_expr()))
        if not whens:
            raise self.error("expected WHEN in CASE")
        else_ = self.parse_expr() if self.accept("ELSE") else None
        self.expect("END", "to close CASE")
        return Case(operand, tuple(whens), else_, location=self.loc(start))

    def _descriptor(self) -> Descriptor:
        start = self.advance()
        self.advance()  # (
        cols = [self.ident("a column name in DESCRIPTOR", any_word=True)]
        while self.accept(","):
            cols.append(self.ident("a column name in DESCRIPTOR", any_word=True))
        self.expect(")", "to close DESCRIPTOR")
        return Descriptor(tuple(cols), location=self.loc(start))

    def _table_arg(self) -> Expr:
        start = self.advance()
        loc = self.loc(start)
        if self.at("("):  # TABLE (SELECT ...)
            self.advance()
            q = self.parse_query()
            self.expect(")", "after TABLE subquery")
            return ScalarSubquery(q, location=loc)
        name = self.parse_object_name("a table name after TABLE")
        keys: tuple[Expr, ...] = ()
        if self.accept("PARTITION", "BY"):  # one column, or a parenthesised list
            if self.at("("):
                self.advance()
                keys = self.parse_expr_list()
                self.expect(")", "after PARTITION BY columns")
            else:
                keys = (self._name_or_call(),)
        return TableArg(name, keys, location=loc)

    def parse_object_name(self, what: str) -> ObjectName:
        """``[catalog.][db.]name``: any non-reserved word or back-quoted name per part."""
        loc = self.loc()
        parts = [self.ident(what, any_word=True)]
        while self.at(".") and self.peek().kind in (WORD, QIDENT):
            self.advance()
            parts.append(self.ident(what, any_word=True))
        return ObjectName(tuple(parts), location=loc)

    def _parenthesised(self) -> Expr:
        start = self.advance()
        loc = self.loc(start)
        if self.starts_query():
            q = self.parse_query()
            self.expect(")", "to close the subquery")
            return ScalarSubquery(q, location=loc)
        items = self.parse_expr_list()
        self.expect(")", "to close the parenthesis")
        if len(items) == 1:
            return items[0]
        return Call("ROW", items, location=loc)

    # -- names and calls -----------------------------------------------------------------

    def _name_or_call(self) -> Expr:
        first = self.tok
        loc = self.loc()
        parts = [self.advance()]
        while self.at(".") and self.peek().kind in (WORD, QIDENT, OP):
            nxt = self.peek()
            if nxt.kind == OP:
                if nxt.value != "*":
                    break
                self.advance()
                self.advance()
                return Star(tuple(_name(p) for p in parts), location=loc)
            self.advance()
            parts.append(self.advance())
        if self.at("("):
            if len(parts) == 1 and first.kind == WORD:
                name = first.value
            else:
                name = ".".join(_name(p) for p in parts)
            call = self._call(name, loc)
            return self._over(call) if self.at("OVER") else call
        return Identifier(tuple(_name(p) for p in parts), location=loc)

    def _call(self, name: str, loc: Location) -> Call:
        self.advance()  # (
        distinct = self.accept("DISTINCT")
        if not distinct:
            self.accept("ALL")
        args: list[Expr] = []
        while not self.at(")"):
            if self.at_eof():
                raise self.error(f"expected ')' to close {name}(")
            self._call_arg(name, args)
            if self.accept(","):
                continue
            if not self.at(")"):
                raise self.error(f"expected ',' or ')' in the arguments of {name}")
        self.advance()
        return Call(name, tuple(args), distinct, location=loc)

    def _call_arg(self, name: str, args: list[Expr]) -> None:
        t = self.tok
        if t.kind == WORD and self.peek().value == "=>":
            self.advance()
            self.advance()
            args.append(NamedArg(t.text, self.parse_expr(), location=self.loc(t)))
            return
        if self._at_arg_words(leading=True):
            args.append(self._arg_words())
        if not self.at(",") and not self.at(")"):
            if name == "POSITION":  # POSITION(a IN b): IN is syntax, not a predicate
                args.append(self._binary(_PREDICATE + 1))
            else:
                args.append(self.parse_expr())
        while self._at_arg_words(leading=False):
            args.append(self._arg_words())
            if not (self.at(",") or self.at(")") or self._at_arg_words(leading=False)):
                args.append(self.parse_expr())

    def _at_arg_words(self, leading: bool) -> bool:
        t = self.tok
        if t.kind != WORD or t.value not in _ARG_WORDS:
            return False
        if not leading:
            return True
        # At the start of an argument only a few words are syntax, and only when more of the
        # argument follows without a comma: EXTRACT(DAY FROM ts), TRIM(BOTH ' ' FROM s),
        # JSON_OBJECT(KEY 'k' VALUE v); not f(day) or f(TRUE IN (a, b)).
        nxt = self.peek()
        if t.value in _UNIT_ALIASES and nxt.kind == OP and nxt.value == ",":
            return True  # TIMESTAMPADD(DAY, 1, ts)
        return t.value in _LEADING_ARG_WORDS and (
            nxt.kind in (STRING, NUMBER) or (nxt.kind == WORD and nxt.value == "FROM")
        )

    def _arg_words(self) -> Keyword:
        loc = self.loc()
        words: list[str] = []
        while self.tok.kind == WORD and self.tok.value in _ARG_WORDS:
            word = self.advance().value
            words.append(word)
            if word == "RETURNING":
                words.append(str(self.parse_type(nullability=False)))
        if self.at(","):  # a unit argument: TIMESTAMPADD(DAY, 1, ts)
            self.advance()
            return Keyword(" ".join(words), ", ", location=loc)
        return Keyword(" ".join(words), location=loc)

    def _over(self, call: Call) -> OverCall:
        self.advance()  # OVER
        if not self.at("("):
            window = self.ident("a window name or '(' after OVER")
            return OverCall(call, frame=window, location=call.location)
        self.advance()
        partition: tuple[Expr, ...] = ()
        order: tuple[OrderItem, ...] = ()
        if self.accept("PARTITION", "BY"):
            partition = self.parse_expr_list()
        if self.accept("ORDER", "BY"):
            order = self.parse_order_items()
        frame: list[str] = []
        depth = 0
        while not (depth == 0 and self.at(")")):
            if self.at_eof():
                raise self.error("expected ')' to close OVER (...)")
            t = self.advance()
            depth += (t.value == "(") - (t.value == ")") if t.kind == OP else 0
            frame.append(t.text)
        self.advance()
        return OverCall(call, partition, order, " ".join(frame), location=call.location)


def _name(t: Token) -> str:
    return t.value if t.kind == QIDENT else t.text
