"""Java ``DateTimeFormatter`` patterns and Flink 1.20's string/number → timestamp conversions.

Every function returns a ``Conversion`` verdict that mirrors what Flink does with the value (R4.1-
R4.5): parsed by the pattern, rescued by the java.sql fallback, silently NULL, or a job failure.
"""

from flinkdoctor.timeformat.compiler import CompiledPattern, compile_pattern
from flinkdoctor.timeformat.errors import PatternError
from flinkdoctor.timeformat.flink import (
    cast_to_timestamp,
    to_timestamp,
    to_timestamp_ltz,
    to_timestamp_many,
    try_cast_to_timestamp,
)
from flinkdoctor.timeformat.infer import (
    Suggestion,
    check_epoch_unit,
    describe_epoch_unit,
    sql_escape,
    suggest,
    suggest_pattern,
)
from flinkdoctor.timeformat.jsonformat import json_timestamp
from flinkdoctor.timeformat.model import Conversion, Status
from flinkdoctor.timeformat.printing import format_timestamp

__all__ = [
    "CompiledPattern",
    "Conversion",
    "PatternError",
    "Status",
    "Suggestion",
    "cast_to_timestamp",
    "check_epoch_unit",
    "compile_pattern",
    "describe_epoch_unit",
    "format_timestamp",
    "json_timestamp",
    "sql_escape",
    "suggest",
    "suggest_pattern",
    "to_timestamp",
    "to_timestamp_ltz",
    "to_timestamp_many",
    "try_cast_to_timestamp",
]
