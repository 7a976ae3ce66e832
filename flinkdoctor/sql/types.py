"""Parsing of Flink SQL data types, with Flink's defaults applied.

Defaults (FlinkTypeSystem#getDefaultPrecision): CHAR / BINARY length 1, bare VARCHAR / VARBINARY
the maximum (STRING = VARCHAR(2147483647), BYTES = VARBINARY(2147483647)), DECIMAL = DECIMAL(10, 0),
DECIMAL(p) = DECIMAL(p, 0), TIME = TIME(0), TIMESTAMP and TIMESTAMP_LTZ precision 6.
``TIMESTAMP(p) WITH LOCAL TIME ZONE`` is ``TIMESTAMP_LTZ(p)``; ``WITHOUT TIME ZONE`` is plain.
"""

from __future__ import annotations

from flinkdoctor.errors import Location
from flinkdoctor.sql.cursor import Cursor
from flinkdoctor.sql.model import MAX_LENGTH, DataType
from flinkdoctor.sql.tokens import NUMBER, OP, QIDENT, STRING, WORD

# Written name -> (canonical root, default precision, default scale)
_SIMPLE: dict[str, tuple[str, int | None, int | None]] = {
    "CHAR": ("CHAR", 1, None),
    "CHARACTER": ("CHAR", 1, None),
    "VARCHAR": ("VARCHAR", MAX_LENGTH, None),  # FlinkTypeSystem: bare VARCHAR is STRING
    "STRING": ("VARCHAR", MAX_LENGTH, None),
    "BINARY": ("BINARY", 1, None),
    "VARBINARY": ("VARBINARY", MAX_LENGTH, None),  # and bare VARBINARY is BYTES
    "BYTES": ("VARBINARY", MAX_LENGTH, None),
    "DECIMAL": ("DECIMAL", 10, 0),
    "DEC": ("DECIMAL", 10, 0),
    "NUMERIC": ("DECIMAL", 10, 0),
    "BOOLEAN": ("BOOLEAN", None, None),
    "TINYINT": ("TINYINT", None, None),
    "SMALLINT": ("SMALLINT", None, None),
    "INT": ("INT", None, None),
    "INTEGER": ("INT", None, None),
    "BIGINT": ("BIGINT", None, None),
    "FLOAT": ("FLOAT", None, None),
    "REAL": ("FLOAT", None, None),
    "DOUBLE": ("DOUBLE", None, None),
    "DATE": ("DATE", None, None),
    "TIME": ("TIME", 0, None),
    "TIMESTAMP": ("TIMESTAMP", 6, None),
    "TIMESTAMP_LTZ": ("TIMESTAMP_LTZ", 6, None),
    "NULL": ("NULL", None, None),
}


class TypeParser(Cursor):
    """Adds ``parse_type`` to the cursor."""

    def parse_type(self, *, nullability: bool = True) -> DataType:
        """A data type with optional ``ARRAY`` / ``MULTISET`` suffixes and, unless
        ``nullability`` is False (``RETURNING type NULL ON EMPTY``), ``NOT NULL`` / ``NULL``."""
        self.enter()
        try:
            t = self._base_type()
            while self.at("ARRAY") or self.at("MULTISET"):
                root = self.advance().value
                t = DataType(root, nullable=True, children=(t,), location=t.location)
            return self._nullability(t) if nullability else t
        finally:
            self.leave()

    def _nullability(self, t: DataType) -> DataType:
        if self.accept("NOT", "NULL"):
            return _with_nullable(t, False)
        self.accept("NULL")  # an explicit "nullable", which is the default anyway
        return t

    def _base_type(self) -> DataType:
        start = self.tok
        loc = self.loc()
        if start.kind == QIDENT:
            self.advance()
            return DataType(start.value, location=loc)
        if start.kind != WORD:
            raise self.error("expected a data type")
        name = start.value
        self.advance()
        if name in ("ARRAY", "MULTISET") and self.at("<"):
            self.advance()
            elem = self.parse_type()
            self._close_angle(name)
            return DataType(name, children=(elem,), location=loc)
        if name == "MAP" and self.at("<"):
            self.advance()
            key = self.parse_type()
            self.expect(",", "between MAP key and value types")
            value = self.parse_type()
            self._close_angle(name)
            return DataType("MAP", children=(key, value), location=loc)
        if name == "ROW" and (self.at("<") or self.at("(")):
            return self._row(loc)
        if name == "RAW" and self.at("("):
            self._skip_parens()
            return DataType("RAW", location=loc)
        if name == "INTERVAL":
            return self._interval_type(loc)
        if name == "DOUBLE":
            self.accept("PRECISION")
        if name == "CHARACTER" and self.accept("VARYING"):
            name = "VARCHAR"
        if name == "CHAR" and self.accept("VARYING"):
            name = "VARCHAR"
        spec = _SIMPLE.get(name)
        if spec is None:
            # A user-defined / structured type reference: keep its (dotted) name.
            parts = [start.text]
            while self.at(".") and self.peek().kind in (WORD, QIDENT):
                self.advance()
                parts.append(self.advance().value)
            return DataType(".".join(parts), location=loc)
        root, precision, scale = spec
        if self.at("(") and name not in ("STRING", "BYTES"):
            precision, scale = self._precision_scale(name, scale)
        if root in ("TIMESTAMP", "TIME"):
            root = self._time_zone(root)
        return DataType(root, precision=precision, scale=scale, location=loc)

    def _precision_scale(self, name: str, scale: int | None) -> tuple[int, int | None]:
        self.advance()  # (
        precision = self._int(f"{name} precision")
        if self.accept(","):
            scale = self._int(f"{name} scale")
        elif scale is not None:
            scale = 0
        self.expect(")", f"after {name} precision")
        return precision, scale

    def _time_zone(self, root: str) -> str:
        if self.accept("WITHOUT", "TIME", "ZONE"):
            return root
        if self.accept("WITH", "LOCAL", "TIME", "ZONE"):
            return root + "_LTZ"
        if self.at("WITH", "TIME", "ZONE"):
            raise self.error(f"{root} WITH TIME ZONE is not supported by Flink")
        return root

    def _row(self, loc: Location) -> DataType:
        close = ">" if self.advance().value == "<" else ")"
        names: list[str] = []
        types: list[DataType] = []
        while not self.at(close):
            names.append(self.ident("a ROW field name", any_word=True))
            types.append(self.parse_type())
            if self.tok.kind == STRING:  # field description
                self.advance()
            if not self.accept(","):
                break
        if close == ">":
            self._close_angle("ROW")
        else:
            self.expect(")", "after ROW fields")
        return DataType(
            "ROW",
            children=tuple(types),
            field_names=tuple(names),
            location=loc,
        )

    def _close_angle(self, name: str) -> None:
        # '>>' never forms a single token here, so nested types close one '>' at a time.
        self.expect(">", f"to close {name}<...>")

    def _interval_type(self, loc: Location) -> DataType:
        words = ["INTERVAL"]
        while self.tok.kind == WORD and self.tok.value in _INTERVAL_WORDS:
            words.append(self.advance().value)
            if self.at("("):
                self._skip_parens()
        return DataType(" ".join(words), location=loc)

    def _skip_parens(self) -> None:
        depth = 0
        while not self.at_eof():
            v = self.advance()
            if v.kind == OP and v.value == "(":
                depth += 1
            elif v.kind == OP and v.value == ")":
                depth -= 1
                if depth == 0:
                    return
        raise self.error("expected ')'")

    def _int(self, what: str) -> int:
        t = self.tok
        if t.kind != NUMBER or not t.text.isdigit():
            raise self.error(f"expected {what} (an integer)")
        self.advance()
        return int(t.text)


_INTERVAL_WORDS = frozenset(
    ["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND", "TO", "YEARS", "MONTHS", "DAYS"]
)


def _with_nullable(t: DataType, nullable: bool) -> DataType:
    return DataType(
        t.root, t.precision, t.scale, nullable, t.children, t.field_names, location=t.location
    )
