"""CREATE TABLE and CREATE VIEW parsing (Flink's ``SqlCreateTable`` grammar: physical,
computed and metadata columns, WATERMARK, PRIMARY KEY ... NOT ENFORCED, PARTITIONED BY,
DISTRIBUTED BY, WITH options, LIKE with its merging options, CREATE TABLE AS)."""

from __future__ import annotations

from flinkdoctor.errors import Location
from flinkdoctor.sql.model import (
    Column,
    ComputedColumn,
    CreateTable,
    CreateView,
    LikeClause,
    LikeFeature,
    LikeStrategy,
    MetadataColumn,
    ObjectName,
    PhysicalColumn,
    PrimaryKey,
    Query,
    WatermarkSpec,
)
from flinkdoctor.sql.query import QueryParser
from flinkdoctor.sql.tokens import WORD

_LIKE_FEATURES: dict[str, LikeFeature] = {
    f: f for f in ("ALL", "CONSTRAINTS", "PARTITIONS", "GENERATED", "OPTIONS", "WATERMARKS")
} | {"METADATA": "METADATA"}
_LIKE_STRATEGIES: dict[str, LikeStrategy] = {
    "INCLUDING": "INCLUDING",
    "EXCLUDING": "EXCLUDING",
    "OVERWRITING": "OVERWRITING",
}


class DdlParser(QueryParser):
    """Adds CREATE TABLE / CREATE VIEW to the query parser. Both start after the words
    ``CREATE [OR REPLACE] [TEMPORARY]`` and before ``TABLE`` / ``VIEW``."""

    def parse_create_table(self, loc: Location, temporary: bool) -> CreateTable:
        """``TABLE [IF NOT EXISTS] name [( elements )] [COMMENT] [DISTRIBUTED BY ...]
        [PARTITIONED BY (cols)] [WITH (options)] [LIKE src [(options)]] [AS query]``."""
        self.expect("TABLE", "after CREATE")
        if_not_exists = self.accept("IF", "NOT", "EXISTS")
        name = self.parse_object_name("a table name")
        columns: list[Column] = []
        watermark: WatermarkSpec | None = None
        pk: PrimaryKey | None = None
        if self.at("("):
            self.advance()
            while True:
                watermark, pk = self._element(name, columns, watermark, pk)
                if self.accept(","):
                    continue
                if not self.at(")"):
                    raise self.error("expected ')' after column list")
                self.advance()
                break
        comment = self._comment()
        self._skip_distribution()
        partitioned: tuple[str, ...] = ()
        if self.accept("PARTITIONED", "BY"):
            partitioned = self._column_names()
        self._skip_distribution()
        options: dict[str, str] = {}
        option_locations: dict[str, Location] = {}
        if self.accept("WITH"):
            self.expect("(", "after WITH")
            options = self.parse_options_list("in WITH (...)", locations=option_locations)
        like = self._like() if self.at("LIKE") else None
        as_query: Query | None = None
        if self.accept("AS"):
            as_query = self.parse_query()
        if not self.at_eof():
            raise self.error("expected end of CREATE TABLE statement")
        return CreateTable(
            name,
            tuple(columns),
            watermark,
            pk,
            partitioned,
            options,
            like,
            temporary,
            if_not_exists,
            comment,
            as_query,
            location=loc,
            option_locations=option_locations,
        )

    def _element(
        self,
        table: ObjectName,
        columns: list[Column],
        watermark: WatermarkSpec | None,
        pk: PrimaryKey | None,
    ) -> tuple[WatermarkSpec | None, PrimaryKey | None]:
        loc = self.loc()
        if self.at("WATERMARK", "FOR"):
            if watermark is not None:
                raise self.error("Multiple WATERMARK statements is not supported yet.", found=False)
            self.advance()
            self.advance()
            col = ".".join(self.parse_object_name("the rowtime column after FOR").parts)
            self.expect("AS", f"after WATERMARK FOR {col}")
            return WatermarkSpec(col, self.parse_expr(), location=loc), pk
        if self.at("PRIMARY", "KEY") or self.at("CONSTRAINT"):
            return watermark, self._table_pk(loc, pk)
        name = self.ident("a column name", any_word=True)
        if self.accept("AS"):
            expr = self.parse_expr()
            columns.append(ComputedColumn(name, expr, self._comment(), location=loc))
            return watermark, pk
        dtype = self.parse_type()
        if self.accept("METADATA"):
            key = self.parse_string("the metadata key") if self.accept("FROM") else None
            virtual = self.accept("VIRTUAL")
            comment = self._comment()
            columns.append(MetadataColumn(name, dtype, key, virtual, comment, location=loc))
            return watermark, pk
        if self.at("PRIMARY", "KEY") or self.at("CONSTRAINT"):
            pk = self._column_pk(loc, name, pk)
        comment = self._comment()
        columns.append(PhysicalColumn(name, dtype, comment, location=loc))
        return watermark, pk

    def _pk_head(self) -> str | None:
        """``[CONSTRAINT name] PRIMARY KEY``; returns the constraint name."""
        constraint = None
        if self.accept("CONSTRAINT"):
            constraint = self.ident("a constraint name", any_word=True)
        self.expect("PRIMARY", "in the primary key")
        self.expect("KEY", "after PRIMARY")
        return constraint

    def _enforcement(self) -> bool:
        if self.accept("NOT", "ENFORCED"):
            return False
        self.accept("ENFORCED")
        return True

    def _table_pk(self, loc: Location, existing: PrimaryKey | None) -> PrimaryKey:
        if existing is not None:
            raise self.error("Duplicate primary key definition", found=False)
        constraint = self._pk_head()
        cols = self._column_names()
        return PrimaryKey(cols, self._enforcement(), constraint, location=loc)

    def _column_pk(self, loc: Location, column: str, existing: PrimaryKey | None) -> PrimaryKey:
        if existing is not None:
            raise self.error("Duplicate primary key definition", found=False)
        constraint = self._pk_head()
        return PrimaryKey((column,), self._enforcement(), constraint, location=loc)

    def _comment(self) -> str | None:
        if not self.accept("COMMENT"):
            return None
        return self.parse_string("after COMMENT")

    def _skip_distribution(self) -> None:
        """``DISTRIBUTED BY [HASH|RANGE](cols) [INTO n BUCKETS]`` / ``DISTRIBUTED INTO n
        BUCKETS`` (Flink 1.20): irrelevant to event time, so skipped."""
        if not self.accept("DISTRIBUTED"):
            return
        if self.accept("BY"):
            if self.tok.kind == WORD and self.tok.value in ("HASH", "RANGE"):
                self.advance()
            self._column_names()
        if self.accept("INTO"):
            self._int("the bucket count")
            self.expect("BUCKETS", "after the bucket count")

    def _like(self) -> LikeClause:
        loc = self.loc(self.advance())
        source = self.parse_object_name("the source table of LIKE")
        options: list[tuple[LikeStrategy, LikeFeature]] = []
        if self.accept("("):
            while not self.at(")"):
                strategy = _LIKE_STRATEGIES.get(self.tok.value) if self.tok.kind == WORD else None
                if strategy is None:
                    raise self.error("expected INCLUDING, EXCLUDING or OVERWRITING in LIKE options")
                self.advance()
                feature = _LIKE_FEATURES.get(self.tok.value) if self.tok.kind == WORD else None
                if feature is None:
                    raise self.error(
                        "expected ALL, CONSTRAINTS, PARTITIONS, GENERATED, OPTIONS, WATERMARKS "
                        f"or METADATA after {strategy}"
                    )
                if strategy == "OVERWRITING" and feature in ("ALL", "CONSTRAINTS", "PARTITIONS"):
                    raise self.error(
                        f"Illegal merging strategy 'OVERWRITING' for '{feature}' option",
                        found=False,
                    )
                self.advance()
                options.append((strategy, feature))
                self.accept(",")
            self.advance()
        return LikeClause(source, tuple(options), location=loc)

    def parse_create_view(self, loc: Location, temporary: bool) -> CreateView:
        """``VIEW [IF NOT EXISTS] name [(cols)] [COMMENT '...'] AS query``."""
        self.expect("VIEW", "after CREATE")
        if_not_exists = self.accept("IF", "NOT", "EXISTS")
        name = self.parse_object_name("a view name")
        cols = self._column_names() if self.at("(") else ()
        self._comment()
        self.expect("AS", f"after CREATE VIEW {name}")
        query = self.parse_query()
        if not self.at_eof():
            raise self.error("expected end of CREATE VIEW statement")
        return CreateView(name, query, cols, temporary, if_not_exists, location=loc)
