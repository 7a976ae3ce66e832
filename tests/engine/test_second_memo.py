"""``conversions.second_memo`` is an optimisation only: over any sequence of values (its memo is
stateful), the memoised CAST / flink-json conversions return exactly what the plain ones do."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from flinkdoctor.engine import conversions

PARSERS = {
    "cast3": conversions.cast_string_to_timestamp(3),
    "cast6": conversions.cast_string_to_timestamp(6),
    "json_sql": conversions.json_timestamp_parser(False, "SQL"),
    "json_sql_ltz": conversions.json_timestamp_parser(True, "SQL"),
    "json_iso": conversions.json_timestamp_parser(False, "ISO-8601"),
    "json_iso_ltz": conversions.json_timestamp_parser(True, "ISO-8601"),
}
# minute prefixes, right and wrong: odd widths, bad dates, a 'T', signs, a space ahead
_PREFIXES = [
    "2024-12-01 00:00",
    "2024-12-01T00:00",
    "2024-02-29 23:59",
    "2023-02-29 10:10",
    "2024-13-01 00:00",
    "2024-1-01 00:000",
    " 2024-12-01 0:00",
    "+2024-12-1 00:00",
    "9999-12-31 23:59",
    "0000-01-01 00:00",
    "2024-12-01 24:00",
    "2024-12-01 23:60",
    "2024/12/01 00:00",
    "2024-12-01 00-00",
]
_RESTS = ["", "Z", "z", " ", "  ", "+01:00", "Z ", "1", "12", "123456", "x", ".5", "UTC"]
_SECONDS = ["00", "07", "59", "60", "99", "5 ", "-1"]
_FRACTIONS = ["000", "817", "999", "1", "12", "a12"]
# a few (prefix, separator, rest) shapes per example, each with many seconds and fractions, so
# the memo is hit (and seeded by a value that may differ from the later ones)
_shapes = st.tuples(
    st.sampled_from(_PREFIXES), st.sampled_from([":", ":", ":", "."]), st.sampled_from(_RESTS)
)
_lists = st.lists(_shapes, min_size=1, max_size=3).flatmap(
    lambda shapes: st.lists(
        st.builds(
            lambda shape, sec, dot, frac: f"{shape[0]}{shape[1]}{sec}{dot}{frac}{shape[2]}",
            st.sampled_from(shapes),
            st.sampled_from(_SECONDS),
            st.sampled_from([".", ".", ".", ",", ":"]),
            st.sampled_from(_FRACTIONS),
        ),
        min_size=10,
        max_size=60,
    )
)


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(sorted(PARSERS)), values=_lists)
def test_memoised_equals_plain(name: str, values: list[str]) -> None:
    plain = PARSERS[name]
    memoised = conversions.second_memo(plain)
    assert [memoised(v) for v in values] == [plain(v) for v in values]


def test_the_memo_is_used_and_right() -> None:
    """Hand-checked: 2024-12-01 00:00 UTC is 1733011200000 ms."""
    memoised = conversions.second_memo(conversions.cast_string_to_timestamp(3))
    assert memoised("2024-12-01 00:00:01.817") == 1_733_011_201_817
    assert memoised("2024-12-01 00:00:59.001") == 1_733_011_259_001
    assert memoised("2024-12-01 00:00:60.000") is None
