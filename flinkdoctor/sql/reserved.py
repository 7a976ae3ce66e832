"""Words Flink 1.20 will not take as a bare identifier (column, alias, table name).

Determined by running Flink 1.20.3 on ``CREATE TABLE x (<word> INT)`` and
``SELECT a AS <word>`` for a few hundred candidate words (common column names plus Calcite's
keywords); the two probes agreed. Words outside the probe are accepted, so the parser errs on
the side of leniency. ``tests/sql/test_flink_differential.py`` re-checks the list.
"""

from __future__ import annotations

RESERVED = frozenset(
    [
     "ALL", "ANY", "ARRAY", "AT", "AVG", "BEGIN", "BETWEEN", "BIGINT", "BINARY", "BLOB",
     "BOOLEAN", "BOTH", "BUCKETS", "BY", "BYTES", "CALL", "CALLED", "CASE", "CAST", "CEIL",
     "CEILING", "CHAR", "CHARACTER", "CHECK", "CLOB", "CLOSE", "COLLECT", "COLUMN", "COMMENT",
     "COMMIT", "CONDITION", "CONNECT", "CONSTRAINT", "COUNT", "CROSS", "CUBE", "CUME_DIST",
     "CURRENT", "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "CURSOR", "CYCLE", "DATE",
     "DAY", "DEALLOCATE", "DEC", "DECIMAL", "DECLARE", "DEFAULT", "DEFINE", "DELETE", "DEREF",
     "DESCRIBE", "DETERMINISTIC", "DISCONNECT", "DISTINCT", "DISTRIBUTED", "DOUBLE", "DYNAMIC",
     "EACH", "ELEMENT", "ELSE", "EMPTY", "END", "ESCAPE", "EVERY", "EXCEPT", "EXEC", "EXECUTE",
     "EXISTS", "EXP", "EXPLAIN", "EXTEND", "EXTERNAL", "EXTRACT", "FALSE", "FETCH", "FILTER",
     "FLOAT", "FLOOR", "FOR", "FOREIGN", "FRAME_ROW", "FREE", "FROM", "FULL", "FUNCTION",
     "FUSION", "GET", "GLOBAL", "GRANT", "GROUP", "GROUPING", "GROUPS", "HASH", "HAVING", "HOLD",
     "HOUR", "IDENTITY", "IMPORT", "IN", "INDICATOR", "INITIAL", "INNER", "INOUT", "INSENSITIVE",
     "INSERT", "INT", "INTEGER", "INTERSECT", "INTERVAL", "INTO", "IS", "JOIN", "LAG",
     "LANGUAGE", "LEAD", "LEFT", "LIKE", "LIKE_REGEX", "LIMIT", "LN", "LOCAL", "LOCALTIME",
     "LOCALTIMESTAMP", "LOWER", "MATCH", "MATCH_NUMBER", "MATCH_RECOGNIZE", "MATCHES", "MAX",
     "MEASURES", "MEMBER", "MERGE", "METHOD", "MIN", "MINUS", "MINUTE", "MOD", "MODEL",
     "MODIFIES", "MODULE", "MONTH", "MULTISET", "NATIONAL", "NATURAL", "NEW", "NO", "NONE",
     "NORMALIZE", "NOT", "NTH_VALUE", "NTILE", "NULL", "NULLIF", "NUMERIC", "OCCURRENCES_REGEX",
     "OF", "OFFSET", "OLD", "OMIT", "ON", "ONE", "ONLY", "OPEN", "OR", "ORDER", "OUT", "OUTER",
     "OVER", "OVERLAPS", "OVERLAY", "PARAMETER", "PARTITION", "PATTERN", "PER", "PERCENT",
     "PERCENTILE_CONT", "PERCENTILE_DISC", "PERIOD", "PERMUTE", "PIVOT", "PORTION", "POSITION",
     "POWER", "PRECEDES", "PRECISION", "PREPARE", "PREV", "PRIMARY", "PROCEDURE", "RANGE", "RAW",
     "READS", "REAL", "RECURSIVE", "REF", "REFERENCES", "REFERENCING", "REGR_COUNT", "RELEASE",
     "RESET", "RESULT", "RETURN", "RETURNS", "REVOKE", "RIGHT", "ROLLBACK", "ROLLUP", "ROW",
     "ROWS", "RUNNING", "SAVEPOINT", "SCOPE", "SCROLL", "SEARCH", "SECOND", "SEEK", "SELECT",
     "SENSITIVE", "SET", "SHOW", "SIMILAR", "SKIP", "SMALLINT", "SOME", "SPECIFIC",
     "SQLEXCEPTION", "SQLSTATE", "SQLWARNING", "SQRT", "START", "STATEMENT", "STATIC",
     "STDDEV_POP", "STDDEV_SAMP", "STRING", "SUBMULTISET", "SUBSET", "SUBSTRING", "SUCCEEDS",
     "SUM", "SYMMETRIC", "SYSTEM", "SYSTEM_TIME", "SYSTEM_USER", "TABLE", "TABLESAMPLE", "THEN",
     "TIME", "TIMESTAMP", "TINYINT", "TO", "TRAILING", "TRANSLATE", "TREAT", "TRIGGER", "TRIM",
     "TRUE", "TRUNCATE", "UESCAPE", "UNION", "UNIQUE", "UNKNOWN", "UNNEST", "UNPIVOT", "UPDATE",
     "UPPER", "UPSERT", "USER", "USING", "VALUE", "VALUES", "VAR_POP", "VAR_SAMP", "VARBINARY",
     "VARCHAR", "VARYING", "WATERMARK", "WHEN", "WHENEVER", "WHERE", "WIDTH_BUCKET", "WINDOW",
     "WITH", "WITHIN", "WITHOUT", "YEAR",
    ]
)  # fmt: skip
"""Upper-case reserved words: write them back-quoted (`value`) to use them as names."""
