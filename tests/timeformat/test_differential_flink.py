"""Differential tests (R4.1-R4.5): real Flink 1.20 vs flinkdoctor.timeformat on seeded inputs.

Each test runs one SQL query over a JSON file of random rows and requires 100% agreement of the
printed results (Flink's CAST(... AS STRING) vs our ``format_timestamp``; NULL vs NULL). On a
mismatch every disagreeing row is printed.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence

import pytest

from flinkdoctor.timeformat import (
    Conversion,
    Status,
    cast_to_timestamp,
    format_timestamp,
    json_timestamp,
    to_timestamp,
    to_timestamp_ltz,
    to_timestamp_many,
)
from flinkdoctor.timeformat.flink import to_timestamp_millis
from tests.support.flink import Case, FlinkRuntime
from tests.timeformat.cases import (
    FAST_PATTERNS,
    fast_path_values,
    generate_exotic_pairs,
    generate_pairs,
)

pytestmark = pytest.mark.flink

SEED = 20241214
N_PAIRS = 6000


def _jsonl(rows: Sequence[dict[str, object]]) -> str:
    return "".join(json.dumps(r) + "\n" for r in rows)


def _printed(conv: Conversion) -> str | None:
    return None if conv.millis is None else format_timestamp(conv.millis, 3, conv.nano_of_milli)


def _run(flink: FlinkRuntime, script: str, files: dict[str, str]) -> list[list[str | None]]:
    [res] = flink.run_scripts([Case(script, files=files, mode="batch")], timeout=600)
    assert res.error is None, res.error
    return res.queries[-1].rows


def _cause(error: str) -> str:
    """The last line of Flink's cause chain ("Class: message"), the error that started it."""
    return [line for line in error.splitlines() if line.strip()][-1]


def _compare(
    label: str,
    rows: list[list[str | None]],
    expected: Callable[[int, int], str | None],
    describe: Callable[[int], str],
    columns: Sequence[str],
    total: int,
) -> int:
    """Compare every (row id, column) and fail listing all disagreements; returns the count.
    Flink must have returned every one of the ``total`` rows (ids 0..total-1), once: a run
    that returned nothing, or lost rows, is a failure, not an agreement."""
    ids = sorted(int(row[0]) for row in rows if row[0] is not None)
    assert ids == list(range(total)), f"{label}: Flink returned {len(rows)} of {total} rows"
    mismatches = []
    for row in rows:
        rid = int(row[0] or -1)
        for col, name in enumerate(columns, start=1):
            ours = expected(rid, col)
            if row[col] != ours:
                mismatches.append(f"{name} {describe(rid)} flink={row[col]!r} ours={ours!r}")
    if mismatches:
        pytest.fail(
            f"{label}: {len(mismatches)} disagreement(s):\n" + "\n".join(mismatches), pytrace=False
        )
    return len(rows) * len(columns)


def test_to_timestamp_random_pairs_agree_with_flink(flink: FlinkRuntime) -> None:
    """R4.1/R4.2/R4.3: TO_TIMESTAMP(v, p), TO_TIMESTAMP(v) and TRY_CAST(v AS TIMESTAMP(3)) on
    >= 5000 seeded random (pattern, value) pairs: invalid patterns, mutated values, NULLs."""
    pairs = generate_pairs(SEED, N_PAIRS)
    rows = [{"id": i, "v": v, "p": p} for i, (p, v) in enumerate(pairs)]
    script = """
        CREATE TABLE pairs (id INT, v STRING, p STRING) WITH (
          'connector' = 'filesystem', 'path' = '${DATA_DIR}/pairs.jsonl', 'format' = 'json');
        SELECT id, CAST(TO_TIMESTAMP(v, p) AS STRING), CAST(TO_TIMESTAMP(v) AS STRING),
               CAST(TRY_CAST(v AS TIMESTAMP(3)) AS STRING)
          FROM pairs;
    """
    out = _run(flink, script, {"pairs.jsonl": _jsonl(rows)})
    assert len(out) == len(pairs)

    # our side: the many-values API per pattern (fast path included), the single API elsewhere
    by_pattern: dict[str | None, list[int]] = {}
    for i, (p, _) in enumerate(pairs):
        by_pattern.setdefault(p, []).append(i)
    two_arg: dict[int, str | None] = {}
    for p, ids in by_pattern.items():
        if p is None:
            continue
        convs = to_timestamp_many([pairs[i][1] for i in ids], p)
        for i, conv in zip(ids, convs, strict=True):
            two_arg[i] = _printed(conv)

    def expected(rid: int, col: int) -> str | None:
        p, v = pairs[rid]
        if col == 1:
            return None if p is None else two_arg[rid]
        if col == 2:
            return _printed(to_timestamp(v))
        if v is None:
            return None
        return _printed(cast_to_timestamp(v))

    checked = _compare(
        "TO_TIMESTAMP",
        out,
        expected,
        lambda rid: f"pattern={pairs[rid][0]!r} value={pairs[rid][1]!r}",
        ["TO_TIMESTAMP(v, p)", "TO_TIMESTAMP(v)", "TRY_CAST(v AS TIMESTAMP(3))"],
        len(pairs),
    )
    assert checked >= 3 * 5000


def test_to_timestamp_exotic_patterns_agree_with_flink(flink: FlinkRuntime) -> None:
    """R4.2: random patterns over every pattern letter (week-based fields, quarters, eras,
    padding, zone names, day periods, optional sections, invalid ones) and values from them."""
    pairs = generate_exotic_pairs(SEED + 2, 3000)
    rows = [{"id": i, "v": v, "p": p} for i, (p, v) in enumerate(pairs)]
    script = """
        CREATE TABLE pairs (id INT, v STRING, p STRING) WITH (
          'connector' = 'filesystem', 'path' = '${DATA_DIR}/pairs.jsonl', 'format' = 'json');
        SELECT id, CAST(TO_TIMESTAMP(v, p) AS STRING) FROM pairs;
    """
    out = _run(flink, script, {"pairs.jsonl": _jsonl(rows)})
    assert len(out) == len(pairs)
    # ours per pattern as check-pattern converts (the compiled fast path where it applies)
    batch: dict[int, str | None] = {}
    for p in dict.fromkeys(p for p, _ in pairs):
        ids = [i for i, (q, _) in enumerate(pairs) if q == p]
        for i, conv in zip(ids, to_timestamp_many([pairs[i][1] for i in ids], p), strict=True):
            batch[i] = _printed(conv)

    def expected(rid: int, col: int) -> str | None:
        p, v = pairs[rid]
        single = _printed(to_timestamp(v, p))
        return single if batch[rid] == single else f"batch {batch[rid]!r} != single {single!r}"

    out.sort(key=lambda row: int(row[0] or -1))
    _compare(
        "TO_TIMESTAMP exotic",
        out,
        expected,
        lambda rid: f"pattern={pairs[rid][0]!r} value={pairs[rid][1]!r}",
        ["TO_TIMESTAMP(v, p)"],
        len(pairs),
    )


def test_fast_path_shapes_agree_with_flink(flink: FlinkRuntime) -> None:
    """R4.2 on the compiled fast path's shapes (text months, day names, am/pm, optional sections,
    variable widths, ...): TO_TIMESTAMP(v, p) in Flink vs ours as check-pattern converts (batch)
    and as the engine does (event-time order, prefix memo)."""
    pairs = [
        (p, v) for i, p in enumerate(FAST_PATTERNS) for v in fast_path_values(SEED + i, p, 240)
    ]
    rows = [{"id": i, "v": v, "p": p} for i, (p, v) in enumerate(pairs)]
    script = """
        CREATE TABLE pairs (id INT, v STRING, p STRING) WITH (
          'connector' = 'filesystem', 'path' = '${DATA_DIR}/pairs.jsonl', 'format' = 'json');
        SELECT id, CAST(TO_TIMESTAMP(v, p) AS STRING) FROM pairs;
    """
    out = _run(flink, script, {"pairs.jsonl": _jsonl(rows)})
    assert len(out) == len(pairs)
    batch: dict[int, str | None] = {}
    stream: dict[int, str | None] = {}
    for p in FAST_PATTERNS:
        ids = [i for i, (q, _) in enumerate(pairs) if q == p]
        parse = to_timestamp_millis(p)
        for i, conv in zip(ids, to_timestamp_many([pairs[i][1] for i in ids], p), strict=True):
            batch[i] = _printed(conv)
            millis = parse(pairs[i][1])
            stream[i] = None if millis is None else format_timestamp(millis, 3)
    checked = _compare(
        "TO_TIMESTAMP fast path",
        out,
        lambda rid, col: batch[rid] if col == 1 else stream[rid],
        lambda rid: f"pattern={pairs[rid][0]!r} value={pairs[rid][1]!r}",
        ["batch (check-pattern)"],
        len(pairs),
    )
    # the engine keeps milliseconds (a rowtime's precision); the java.sql fallback's extra
    # digits are cut the way Flink prints TIMESTAMP(3) values ('.SSS' then more if non-zero)
    _compare(
        "TO_TIMESTAMP fast path, engine",
        [[row[0], None if row[1] is None else row[1][:23]] for row in out],
        lambda rid, col: stream[rid],
        lambda rid: f"pattern={pairs[rid][0]!r} value={pairs[rid][1]!r}",
        ["stream (engine)"],
        len(pairs),
    )
    assert checked >= 5000
    assert sum(1 for row in out if row[1] is not None) >= 2000  # not just NULLs


CAST_SAMPLES = [
    "2024-12-14 03:12:45",
    "2024-12-14",
    "2024-1-5 3:4:5.6",
    "2024-12-14T03:12:45",
    " 2024-12-14 03:12:45",
    "2024-12-14 03:12:45Z",
    "2024-02-30 00:00:00",
    "2024-12-14 24:00:00",
    "",
]


@pytest.mark.parametrize("value", CAST_SAMPLES)
def test_cast_fails_the_job_exactly_when_we_say_so(flink: FlinkRuntime, value: str) -> None:
    """R4.3: CAST(s AS TIMESTAMP(3)) fails the job on bad input (no NULL)."""
    lit = value.replace("'", "''")
    [res] = flink.run_scripts([f"SELECT CAST(CAST('{lit}' AS TIMESTAMP(3)) AS STRING)"])
    ours = cast_to_timestamp(value)
    if ours.status is Status.FAIL:
        assert res.error is not None, f"Flink accepted {value!r}: {res.rows}"
        # the job failed for our reason: the parse of this text, at our index (not a timeout,
        # a JVM crash or another error)
        cause = _cause(res.error)
        assert cause.startswith(
            f"java.time.format.DateTimeParseException: Text '{value}' could not be parsed"
        ), cause
        assert cause.endswith(f"at index {ours.error_index}"), (cause, ours.error_index)
    else:
        assert res.error is None, res.error
        assert res.queries[0].rows == [[_printed(ours)]]


def test_to_timestamp_ltz_random_numbers_agree_with_flink(flink: FlinkRuntime) -> None:
    """R4.4: TO_TIMESTAMP_LTZ(n, 0|3) on BIGINT and DOUBLE, in and out of range."""
    rng = random.Random(SEED)
    specials = [0, 1, -1, 1734145965, 1734145965123, 253402300799, 253402300800]
    specials += [-62167219200, -62167219201, 253402300799999, 253402300800000]
    specials += [-62167219200000, -62167219200001]
    numbers: list[int] = list(specials)
    for _ in range(1500):
        scale = rng.choice([10**9, 10**10, 10**12, 10**13, 10**15, 10**16, 10**18])
        numbers.append(rng.randrange(-scale, scale))
    doubles = [n + rng.random() if rng.random() < 0.5 else float(n) for n in numbers]
    rows = [
        {"id": i, "n": n, "d": d} for i, (n, d) in enumerate(zip(numbers, doubles, strict=True))
    ]
    script = """
        SET 'table.local-time-zone' = 'UTC';
        CREATE TABLE nums (id INT, n BIGINT, d DOUBLE) WITH (
          'connector' = 'filesystem', 'path' = '${DATA_DIR}/nums.jsonl', 'format' = 'json');
        SELECT id, CAST(TO_TIMESTAMP_LTZ(n, 0) AS STRING), CAST(TO_TIMESTAMP_LTZ(n, 3) AS STRING),
               CAST(TO_TIMESTAMP_LTZ(d, 0) AS STRING), CAST(TO_TIMESTAMP_LTZ(d, 3) AS STRING)
          FROM nums;
    """
    out = _run(flink, script, {"nums.jsonl": _jsonl(rows)})

    def expected(rid: int, col: int) -> str | None:
        arg: int | float = numbers[rid] if col <= 2 else doubles[rid]
        return _printed(to_timestamp_ltz(arg, 0 if col % 2 else 3))

    _compare(
        "TO_TIMESTAMP_LTZ",
        out,
        expected,
        lambda rid: f"n={numbers[rid]} d={doubles[rid]!r}",
        ["LTZ(n,0)", "LTZ(n,3)", "LTZ(d,0)", "LTZ(d,3)"],
        len(numbers),
    )


def test_to_timestamp_ltz_other_precision_fails(flink: FlinkRuntime) -> None:
    """R4.4: precisions other than 0 and 3 fail at runtime."""
    [res] = flink.run_scripts(["SELECT TO_TIMESTAMP_LTZ(5, 6)"])
    assert res.error is not None
    assert res.root_cause is not None and res.root_cause.startswith(
        "The precision value '6' for function TO_TIMESTAMP_LTZ(numeric, precision) is unsupported"
    ), res.root_cause
    ours = to_timestamp_ltz(5, 6)
    assert ours.status is Status.FAIL
    assert ours.reason is not None and "precision 6 is unsupported" in ours.reason


@pytest.mark.parametrize("standard", ["SQL", "ISO-8601"])
def test_json_timestamp_decoding_agrees_with_flink(flink: FlinkRuntime, standard: str) -> None:
    """R4.5: TIMESTAMP(3) and TIMESTAMP_LTZ(3) JSON fields, with json.ignore-parse-errors=true
    so that every failure shows as a NULL field."""
    pairs = generate_pairs(SEED + 1, 1500)
    rng = random.Random(SEED)
    values: list[object] = [v for _, v in pairs]
    texts = [v for v in values[:400] if isinstance(v, str)]
    values += [t.replace("T", " ", 1) + "Z" for t in texts[:200]]  # SQL-standard LTZ shapes
    values += [t.replace(" ", "T", 1) for t in texts[200:]]  # ISO shapes
    values += [1734145965123, 1734145965, 17.5, True, "2024-12-14T03:12:45.123Z",
               "2024-12-14 03:12:45.123Z", "2024-12-14t03:12:45", "2024-12-14T24:00Z"]  # fmt: skip
    rng.shuffle(values)
    rows = [{"id": i, "ts": v, "tl": v} for i, v in enumerate(values)]
    script = f"""
        SET 'table.local-time-zone' = 'UTC';
        CREATE TABLE ev (id INT, ts TIMESTAMP(3), tl TIMESTAMP_LTZ(3)) WITH (
          'connector' = 'filesystem', 'path' = '${{DATA_DIR}}/ev.jsonl', 'format' = 'json',
          'json.ignore-parse-errors' = 'true', 'json.timestamp-format.standard' = '{standard}');
        SELECT id, CAST(ts AS STRING), CAST(tl AS STRING) FROM ev;
    """
    out = _run(flink, script, {"ev.jsonl": _jsonl(rows)})
    assert len(out) == len(values)

    def expected(rid: int, col: int) -> str | None:
        conv = json_timestamp(
            values[rid], ltz=col == 2, standard=standard, ignore_parse_errors=True
        )
        return _printed(conv)

    _compare(
        "JSON " + standard, out, expected, lambda rid: repr(values[rid]), ["ts", "tl"], len(values)
    )


@pytest.mark.parametrize(
    ("value", "standard", "ltz"),
    [
        ("2024-12-14T03:00:01.123Z", "SQL", False),
        ("2024-12-14T03:00:01.123Z", "ISO-8601", False),
        ("2024-12-14T03:00:01.123Z", "ISO-8601", True),
        ("2024-12-14 03:00:01.123", "SQL", False),
        (1734145965123, "SQL", True),
    ],
)
def test_json_parse_error_fails_the_job(
    flink: FlinkRuntime, value: object, standard: str, ltz: bool
) -> None:
    """R4.5: without json.ignore-parse-errors a bad field fails the job."""
    kind = "TIMESTAMP_LTZ(3)" if ltz else "TIMESTAMP(3)"
    script = f"""
        SET 'table.local-time-zone' = 'UTC';
        CREATE TABLE ev (ts {kind}) WITH (
          'connector' = 'filesystem', 'path' = '${{DATA_DIR}}/ev.jsonl', 'format' = 'json',
          'json.timestamp-format.standard' = '{standard}');
        SELECT CAST(ts AS STRING) FROM ev;
    """
    [res] = flink.run_scripts([Case(script, files={"ev.jsonl": _jsonl([{"ts": value}])})])
    ours = json_timestamp(value, ltz=ltz, standard=standard)
    if ours.status is Status.FAIL:
        assert res.error is not None, f"Flink decoded {value!r}: {res.rows}"
        assert res.root_cause == "Fail to deserialize at field: ts.", res.root_cause
        assert ours.reason is not None and "Failed to deserialize JSON" in ours.reason
    else:
        assert res.error is None, res.error
        assert res.queries[-1].rows == [[_printed(ours)]]
