"""Random Flink SQL window cases (fixed seed) for the differential suite against real Flink 1.20.

Each case: a filesystem JSON source (Path A, R1.4), ``parallelism.default`` 1 and
``pipeline.auto-watermark-interval`` 0 (deterministic per-record emission), one window aggregate
query, and its events. Varies window kind and size (TUMBLE / HOP / CUMULATE TVF with offsets,
SESSION TVF, legacy GROUP BY TUMBLE / HOP / SESSION), watermark delay, disorder and lateness,
keys, aggregates, rowtime shapes (STRING parsed, ISO pattern, TIMESTAMP(3), epoch
TIMESTAMP_LTZ, JSON ISO-8601 TIMESTAMP_LTZ) and local time zones.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

ZONES = [
    "UTC",
    "Asia/Kolkata",
    "America/New_York",
    "Europe/Berlin",
    "Asia/Shanghai",
    "America/Los_Angeles",
]
ROWTIMES = [
    "timestamp3",
    "to_timestamp_default",
    "to_timestamp_iso",
    "ltz_epoch_ms",
    "ltz_epoch_s",
    "ltz_json_iso",
]
WINDOWS = ["TUMBLE", "HOP", "CUMULATE", "SESSION", "LEGACY_TUMBLE", "LEGACY_HOP", "LEGACY_SESSION"]
DELAYS = [
    ("0", "SECOND", 0),
    ("0.001", "SECOND", 1),
    ("1", "SECOND", 1000),
    ("5", "SECOND", 5000),
    ("30", "SECOND", 30_000),
    ("2", "MINUTE", 120_000),
    ("10", "MINUTE", 600_000),
]
SIZES = [
    (1, "SECOND", 1000),
    (10, "SECOND", 10_000),
    (30, "SECOND", 30_000),
    (1, "MINUTE", 60_000),
    (5, "MINUTE", 300_000),
    (1, "HOUR", 3_600_000),
]


@dataclass(frozen=True)
class DiffCase:
    """One generated case: the script (with ``${DATA_DIR}``) and its events."""

    name: str
    script: str
    events: list[dict[str, Any]]
    zone: str


def _interval(n: int, unit: str) -> str:
    return f"INTERVAL '{n}' {unit}"


def _fmt_local(ms: int, with_millis: bool = True) -> str:
    moment = dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=ms)
    text = moment.strftime("%Y-%m-%d %H:%M:%S")
    return text + (f".{ms % 1000:03d}" if with_millis else "")


def generate(count: int, seed: int = 20261126) -> list[DiffCase]:
    """``count`` cases, reproducible from ``seed``."""
    rng = random.Random(seed)
    return [_case(rng, i) for i in range(count)]


def _case(rng: random.Random, i: int) -> DiffCase:
    rowtime = ROWTIMES[i % len(ROWTIMES)] if i < 60 else rng.choice(ROWTIMES)
    window = WINDOWS[(i // 2) % len(WINDOWS)] if i < 60 else rng.choice(WINDOWS)
    zone = (
        rng.choice(ZONES)
        if rowtime.startswith("ltz")
        else rng.choice(["UTC", "UTC", "Asia/Kolkata"])
    )
    d_text, d_unit, delay = rng.choice(DELAYS)
    size_n, size_unit, size = rng.choice(SIZES)
    n_keys = rng.choice([0, 1, 1, 1, 2])
    # events: a run of increasing time with disorder and some very late rows
    base_day = dt.datetime(2024, 1, 1) + dt.timedelta(
        days=rng.randrange(0, 365), seconds=rng.randrange(0, 86400)
    )
    base = int((base_day - dt.datetime(1970, 1, 1)).total_seconds() * 1000) + rng.randrange(0, 1000)
    n = rng.randint(3, 40)
    step_scale = max(1, size // rng.choice([1, 2, 4, 10]))
    t = base
    times: list[int] = []
    for _ in range(n):
        t += rng.randint(0, step_scale)
        r = rng.random()
        if r < 0.15 and times:
            times.append(t - rng.randint(0, 3 * size + delay))  # out of order / late
        elif r < 0.2:
            times.append(t - rng.randint(0, 1000))
        else:
            times.append(t)
    if rowtime == "ltz_epoch_s":
        times = [x - x % 1000 for x in times]
    if rowtime == "to_timestamp_default" and rng.random() < 0.5:
        times = [x - x % 1000 for x in times]
    keys = ["a", "b", "c"][: rng.randint(1, 3)]
    events: list[dict[str, Any]] = []
    for x in times:
        ev: dict[str, Any] = {}
        if rowtime == "timestamp3":
            ev["ts"] = _fmt_local(x)
        elif rowtime == "to_timestamp_default":
            ev["ts_str"] = _fmt_local(x, with_millis=x % 1000 != 0)
        elif rowtime == "to_timestamp_iso":
            ev["ts_str"] = _fmt_local(x).replace(" ", "T") + "Z"
        elif rowtime == "ltz_epoch_ms":
            ev["ts_ms"] = x
        elif rowtime == "ltz_epoch_s":
            ev["ts_s"] = x // 1000
        else:
            ev["ts"] = _fmt_local(x).replace(" ", "T") + "Z"
        ev["k"] = rng.choice(keys)
        ev["k2"] = rng.choice(["x", "y"])
        ev["v"] = None if rng.random() < 0.1 else rng.randint(-50, 100)
        events.append(ev)
    # DDL
    cols = {
        "timestamp3": ["ts TIMESTAMP(3)"],
        "to_timestamp_default": ["ts_str STRING", "ts AS TO_TIMESTAMP(ts_str)"],
        "to_timestamp_iso": [
            "ts_str STRING",
            "ts AS TO_TIMESTAMP(ts_str, 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''')",
        ],
        "ltz_epoch_ms": ["ts_ms BIGINT", "ts AS TO_TIMESTAMP_LTZ(ts_ms, 3)"],
        "ltz_epoch_s": ["ts_s BIGINT", "ts AS TO_TIMESTAMP_LTZ(ts_s, 0)"],
        "ltz_json_iso": ["ts TIMESTAMP_LTZ(3)"],
    }[rowtime]
    cols = [*cols, "k STRING", "k2 STRING", "v INT"]
    opts = [
        "'connector' = 'filesystem'",
        "'path' = '${DATA_DIR}/events.jsonl'",
        "'format' = 'json'",
    ]
    if rowtime == "ltz_json_iso":
        opts.append("'json.timestamp-format.standard' = 'ISO-8601'")
    ddl = (
        "CREATE TABLE ev (\n  "
        + ",\n  ".join(cols)
        + f",\n  WATERMARK FOR ts AS ts - INTERVAL '{d_text}' {d_unit}\n) WITH (\n  "
        + ",\n  ".join(opts)
        + "\n);"
    )
    key_cols = ["k", "k2"][:n_keys]
    aggs_all = ["COUNT(*)", "COUNT(v)", "SUM(v)", "MIN(v)", "MAX(v)", "AVG(v)"]
    aggs = rng.sample(aggs_all, rng.randint(1, 4))
    agg_items = [f"{a} AS a{j}" for j, a in enumerate(aggs)]
    size_iv = _interval(size_n, size_unit)
    if window in ("TUMBLE", "HOP", "CUMULATE", "SESSION"):
        if window == "TUMBLE":
            args = size_iv
            if rng.random() < 0.3 and size >= 4000:
                off = rng.choice([1, -1]) * (size // 4000)
                if abs(off) >= 60 and off % 60 == 0:
                    args += f", INTERVAL '{off // 60}' MINUTE"
                elif abs(off) < 100:
                    args += f", INTERVAL '{off}' SECOND"
            tvf = f"TUMBLE(TABLE ev, DESCRIPTOR(ts), {args})"
        elif window == "HOP":
            k = rng.choice([2, 3, 4])
            slide = _slide_text(size_n, size_unit, k)
            tvf = f"HOP(TABLE ev, DESCRIPTOR(ts), {slide}, {size_iv}"
            if rng.random() < 0.2 and size >= 4000:
                tvf += ", INTERVAL '1' SECOND"
            tvf += ")"
        elif window == "CUMULATE":
            k = rng.choice([2, 3, 4])
            step = _slide_text(size_n, size_unit, k)
            tvf = f"CUMULATE(TABLE ev, DESCRIPTOR(ts), {step}, {size_iv}"
            if rng.random() < 0.2 and size >= 4000:
                tvf += ", INTERVAL '1' SECOND"
            tvf += ")"
        else:
            if len(key_cols) > 1:
                part = f" PARTITION BY ({', '.join(key_cols)})"
            else:
                part = f" PARTITION BY {key_cols[0]}" if key_cols else ""
            tvf = f"SESSION(TABLE ev{part}, DESCRIPTOR(ts), {size_iv})"
        items = ["window_start", "window_end", *key_cols, *agg_items]
        if rng.random() < 0.3:
            items.insert(2, "window_time")
        group = ["window_start", "window_end", *key_cols]
        if "window_time" in items:
            group.append("window_time")
        query = f"SELECT {', '.join(items)}\nFROM TABLE({tvf})\nGROUP BY {', '.join(group)};"
    else:
        kind = window.split("_")[1]
        if kind == "TUMBLE":
            call_args = f"ts, {size_iv}"
        elif kind == "HOP":
            k = rng.choice([2, 3, 4])
            call_args = f"ts, {_slide_text(size_n, size_unit, k)}, {size_iv}"
        else:
            call_args = f"ts, {size_iv}"
        items = [
            f"{kind}_START({call_args}) AS ws",
            f"{kind}_END({call_args}) AS we",
            *key_cols,
            *agg_items,
        ]
        if rng.random() < 0.3:
            items.append(f"{kind}_ROWTIME({call_args}) AS wt")
        keys_sql = "".join(", " + k for k in key_cols)
        query = f"SELECT {', '.join(items)}\nFROM ev\nGROUP BY {kind}({call_args}){keys_sql};"
    sets = ["SET 'pipeline.auto-watermark-interval' = '0';", "SET 'parallelism.default' = '1';"]
    sets.append(f"SET 'table.local-time-zone' = '{zone}';")
    if rowtime == "ltz_epoch_s" or rowtime == "ltz_epoch_ms" or rowtime == "ltz_json_iso":
        pass
    _ = ZoneInfo(zone)
    script = "\n".join(sets) + "\n" + ddl + "\n" + query + "\n"
    return DiffCase(f"case{i:03d}_{rowtime}_{window.lower()}", script, events, zone)


def generate_regular(count: int, seed: int = 38) -> list[DiffCase]:
    """R3.8 cases: a window TVF grouped without window_start *and* window_end is a regular
    GroupAggregate; its changelog (+I, -U, +U) must match too."""
    rng = random.Random(seed)
    out: list[DiffCase] = []
    for i in range(count):
        base = _case(rng, 1000 + i)
        kind = rng.choice(["TUMBLE", "HOP", "CUMULATE"])
        size = rng.choice(["INTERVAL '10' SECOND", "INTERVAL '1' MINUTE"])
        tvf = {
            "TUMBLE": f"TUMBLE(TABLE ev, DESCRIPTOR(ts), {size})",
            "HOP": f"HOP(TABLE ev, DESCRIPTOR(ts), INTERVAL '5' SECOND, {size})",
            "CUMULATE": f"CUMULATE(TABLE ev, DESCRIPTOR(ts), INTERVAL '5' SECOND, {size})",
        }[kind]
        column = rng.choice(["window_start", "window_end"])
        keys = rng.choice([[], ["k"], ["k", "k2"]])
        aggs = rng.sample(["COUNT(*)", "COUNT(v)", "SUM(v)", "MIN(v)", "MAX(v)"], 2)
        items = [column, *keys, *(f"{a} AS a{j}" for j, a in enumerate(aggs))]
        query = (
            f"SELECT {', '.join(items)}\nFROM TABLE({tvf})\n"
            f"GROUP BY {', '.join([column, *keys])};\n"
        )
        head = base.script[: base.script.index("SELECT")]
        out.append(
            DiffCase(
                f"regular{i:02d}_{kind.lower()}_{column}", head + query, base.events, base.zone
            )
        )
    return out


WHERE_CLAUSES = [
    "v > 10",
    "k <> 'b'",
    "v IS NOT NULL AND k IN ('a', 'c')",
    "NOT (v BETWEEN 0 AND 20)",
    "k LIKE 'a%' OR v < 0",
    "v IS NULL OR k2 = 'x'",
]


def generate_where(count: int, seed: int = 4242) -> list[DiffCase]:
    """Window cases with a WHERE clause: the filter runs after watermark generation, so filtered
    rows still move the watermark (and can make later rows late)."""
    rng = random.Random(seed)
    out: list[DiffCase] = []
    for i in range(count):
        base = _case(rng, 2000 + i)
        clause = WHERE_CLAUSES[i % len(WHERE_CLAUSES)]
        script = base.script.replace("\nGROUP BY", f"\nWHERE {clause}\nGROUP BY", 1)
        out.append(
            DiffCase(f"where{i:02d}_{base.name.split('_', 1)[1]}", script, base.events, base.zone)
        )
    return out


def _slide_text(n: int, unit: str, k: int) -> str:
    """An interval that divides ``n unit`` by ``k`` exactly (in a smaller unit when needed)."""
    ms = {"SECOND": 1000, "MINUTE": 60_000, "HOUR": 3_600_000}[unit] * n
    part = ms // k
    while ms % k != 0:
        k -= 1
        part = ms // k
    if part % 60_000 == 0:
        return f"INTERVAL '{part // 60_000}' MINUTE"
    if part % 1000 == 0 and part < 100_000:
        return f"INTERVAL '{part // 1000}' SECOND"
    if part < 100_000:
        return f"INTERVAL '{part / 1000}' SECOND"
    return f"INTERVAL '{part / 1000}' SECOND(3)"


def events_jsonl(events: list[dict[str, Any]]) -> str:
    """The JSONL file Flink reads."""
    return "".join(json.dumps(e) + "\n" for e in events)
