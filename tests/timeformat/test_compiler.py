"""``compile_pattern`` raises ``PatternError`` exactly where ``ofPattern`` throws (R4.2)."""

from __future__ import annotations

import pytest

from flinkdoctor.errors import FlinkDoctorError
from flinkdoctor.timeformat import (
    PatternError,
    Status,
    compile_pattern,
    format_timestamp,
    to_timestamp,
)

VALID = [
    "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'",
    "yyyyMMddHHmmssSSS",
    "yyyy-[MM][M]-[dd][d][ HH:mm[:ss]]",
    "uuuu-MM-dd HH:mm:ss.SSSSSSSSS XXXXX",
    "G GGGG GGGGG y yy yyy yyyyy Y YY YYYY Q QQ QQQ QQQQ QQQQQ q qq qqq qqqq qqqqq",
    "M MM MMM MMMM MMMMM L LL LLL LLLL LLLLL d dd D DD DDD F w ww W E EE EEE EEEE EEEEE",
    "e ee eee eeee eeeee c ccc cccc ccccc a h hh K KK k kk H HH m mm s ss S n N A g",
    "X XX XXX XXXX XXXXX x xx xxx xxxx xxxxx Z ZZ ZZZ ZZZZ ZZZZZ O OOOO VV z zzzz v vvvv".replace(
        "vvvvv", "vvvv"
    ),
    "'it''s' '' [ ]",
    "ppH",
    "[",
]

INVALID = [
    ("yyyy-MM-ddTHH:mm", 10),  # unknown letter T
    ("yyyy-MM-dd'T'HH:mm'", 18),  # unterminated quote (index of the opening quote)
    ("yyyy-MM-dd{", 10),
    ("yyyy-MM-dd}", 10),
    ("yyyy#", 4),
    ("yyyy]", 4),
    ("MMMMMM", 0),
    ("HHH", 0),
    ("SSSSSSSSSS", 0),
    ("aa", 0),
    ("cc", 0),
    ("www", 0),
    ("WW", 0),
    ("FF", 0),
    ("DDDD", 0),
    ("OO", 0),
    ("V", 0),
    ("vv", 0),
    ("zzzzz", 0),
    ("XXXXXX", 0),
    ("ZZZZZZ", 0),
    ("p", 0),
    ("p-", 0),
    ("BB", 0),
    ("nnnnnnnnnnnnnnnnnnnn", 0),
    ("HHpMMyy", 5),  # Java's ClassCastException: a padded value followed by another value
    ("b", 0),
    ("l", 0),
    ("t", 0),
]


@pytest.mark.parametrize("pattern", VALID)
def test_r4_2_valid_patterns_compile(pattern: str) -> None:
    """R4.2: every pattern JDK 17 accepts compiles (unsupported ones raise only when parsing),
    and a value that does not match is a parse failure, never Flink's "invalid pattern"."""
    compiled = compile_pattern(pattern)
    assert compiled.pattern == pattern
    assert compiled.root.nodes or pattern == "[", "an accepted pattern has printer-parsers"
    reason = to_timestamp("\u0000 not a date", pattern).reason or ""
    assert "invalid pattern" not in reason, reason


def test_r4_2_a_valid_pattern_parses_what_jdk_parses() -> None:
    """The first VALID pattern on the seed's value: Flink 1.20.3 printed this (flink-observed)."""
    conv = to_timestamp("2024-12-14T03:12:45.123Z", VALID[0])
    assert conv.status is Status.OK
    assert conv.millis is not None
    assert format_timestamp(conv.millis, 3, conv.nano_of_milli) == "2024-12-14 03:12:45.123"


@pytest.mark.parametrize(("pattern", "index"), INVALID)
def test_r4_2_invalid_patterns_raise_with_index(pattern: str, index: int) -> None:
    """R4.2: invalid patterns (Flink: NULL for every value) raise with the offending index."""
    with pytest.raises(PatternError) as info:
        compile_pattern(pattern)
    assert info.value.index == index
    assert isinstance(info.value, FlinkDoctorError)
