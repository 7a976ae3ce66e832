"""Bare VARCHAR / VARBINARY in a DDL are STRING / BYTES (FlinkTypeSystem's default precision),
checked on real Flink 1.20.3: DESCRIBE shows it and CAST('abcdef' AS VARCHAR) keeps every
character; the parser's types must be Flink's."""

from __future__ import annotations

import pytest

from flinkdoctor.sql import parse_script
from tests.support.flink import FlinkRuntime

SCRIPT = """
CREATE TABLE t (a VARCHAR, b VARBINARY, c CHAR, d VARCHAR(3))
  WITH ('connector' = 'datagen', 'number-of-rows' = '1');
DESCRIBE t;
SELECT CAST('abcdef' AS VARCHAR), CAST('abcdef' AS VARCHAR(3)), CAST('abcdef' AS CHAR);
"""


@pytest.mark.flink
def test_bare_varchar_is_string_in_flink_and_here(flink: FlinkRuntime) -> None:
    [result] = flink.run_scripts([SCRIPT])
    assert result.error is None, result.error
    described, selected = result.queries
    flink_types = {row[0]: row[1] for row in described.rows}
    # Flink's own answer, written out: a reference independent of our parser
    assert flink_types == {"a": "STRING", "b": "BYTES", "c": "CHAR(1)", "d": "VARCHAR(3)"}
    assert selected.rows == [["abcdef", "abc", "a"]]
    table = parse_script(SCRIPT).table("t")
    assert table is not None
    ours = {c.name: str(c.type) for c in table.columns}
    assert ours == flink_types
