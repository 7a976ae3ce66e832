"""Before/after check for work on ``explain``'s speed: the reports must not change by one byte.

    python bench/explain_golden.py write DIR [--big]    # record (run it on the old tree)
    python bench/explain_golden.py check DIR [--big]    # compare the current tree with DIR

Each case is a fresh ``python -m flinkdoctor explain`` process (JSON and text output, exit code
and stderr kept): every job of tests/explain/corpus with its events as given, again with
``--arrival live``, and again on its events repeated 40 times (offsets renumbered, so windows
see late and out-of-order records); the seed examples on their own events; the two seed jobs on a
50,000-event file in the seed's shape with the odd lines the fast paths hand back (a NULL
partition, a value that is not an object, a late event, a missing field, 7-key envelopes, a
duplicate Kafka timestamp going back in time), and on files that fail (a line with no Kafka
timestamp under ``live``, an unknown partition, a line that is not JSON). ``--big`` adds the two
seed jobs on bench_explain.py's 1,000,000 events. Which tree runs is whatever ``flinkdoctor``
the interpreter imports (set PYTHONPATH to an exported old tree to record it).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_explain import HOSTS, START, write_events  # noqa: E402

CORPUS = ROOT / "tests" / "explain" / "corpus"
SEED = ROOT / "examples" / "seed"


def _repeat(src: Path, dst: Path, times: int) -> None:
    """The envelopes of ``src`` ``times`` times over, offsets renumbered per partition."""
    envelopes = [json.loads(line) for line in src.read_text().splitlines() if line.strip()]
    offsets: dict[Any, int] = {}
    with dst.open("w") as out:
        for _ in range(times):
            for env in envelopes:
                env = dict(env)
                p = env.get("partition")
                env["offset"] = offsets.get(p, 0)
                offsets[p] = env["offset"] + 1
                out.write(json.dumps(env) + "\n")


def _odd(dst: Path, n: int, kind: str = "ok") -> None:
    """Seed-shaped envelopes with the lines fast paths hand back; ``kind`` adds one fatal line."""
    rng = random.Random(7)
    offsets = [0, 0, 0]
    with dst.open("w") as out:
        for i in range(n):
            ts = START + i * 20 + rng.randrange(0, 15)
            p = i % 3
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts // 1000))
            value: Any = {
                "host": HOSTS[i % 3],
                "ip": "1.2.3.4",
                "event_time": f"{stamp}.{ts % 1000:03d}Z",
            }
            env: dict[str, Any] = {"partition": p, "offset": offsets[p], "timestamp": ts + 40}
            r = rng.random()
            if r < 0.001:
                env["partition"] = None
            elif r < 0.002:
                value = ["not", "an", "object"]
            elif r < 0.003:
                value["event_time"] = "2024-12-14T02:00:00.000Z"  # late
            elif r < 0.004:
                del value["host"]
            elif r < 0.005:
                env.update(timestamp_type="CreateTime", key=None, headers=[])
            elif r < 0.006:
                env["timestamp"] = ts - 5000  # Kafka time going back
            elif r < 0.007:
                value["event_time"] = None
            env["value"] = value
            offsets[p] += 1
            if kind != "ok" and i == n // 2:
                if kind == "no_ts":
                    env["timestamp"] = None
                elif kind == "partition":
                    env["partition"] = 9
                elif kind == "bad_json":
                    out.write("{not json\n")
                    continue
            out.write(json.dumps(env) + "\n")


def cases(tmp: Path, big: bool) -> list[tuple[str, Path, Path, list[str]]]:
    out: list[tuple[str, Path, Path, list[str]]] = []
    for case in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        exp = json.loads((case / "expected.json").read_text())
        script, events = case / exp["script"], case / exp["events"]
        args = list(exp.get("args", []))
        out.append((case.name, script, events, args))
        out.append((case.name + "+live", script, events, [*args, "--arrival", "live"]))
        repeated = tmp / f"{case.name}.x40.jsonl"
        _repeat(events, repeated, 40)
        out.append((case.name + "+x40", script, repeated, args))
        out.append((case.name + "+x40+live", script, repeated, [*args, "--arrival", "live"]))
    for script in sorted(SEED.glob("case*.py")) + sorted(SEED.glob("case*.sql")):
        number = script.name[: script.name.index("_")]
        out.append((f"seed-{script.name}", script, SEED / f"{number}_events.jsonl", []))
    for kind in ("ok", "no_ts", "partition", "bad_json"):
        odd = tmp / f"odd-{kind}.jsonl"
        _odd(odd, 50_000 if kind == "ok" else 5_000, kind)
        for name in ("case1_seed_original.py", "case2_seed_fixed.py"):
            out.append((f"odd-{kind}-{name}", SEED / name, odd, []))
    if big:
        events = tmp / "big.jsonl"
        write_events(events, 1_000_000)
        for name in ("case1_seed_original.py", "case2_seed_fixed.py"):
            out.append((f"big-{name}", SEED / name, events, []))
    return out


def run(script: Path, events: Path, args: list[str], fmt: str) -> dict[str, Any]:
    env = {**os.environ, "COLUMNS": "160", "NO_COLOR": "1"}
    done = subprocess.run(
        [
            sys.executable,
            "-P",
            "-m",
            "flinkdoctor",
            "explain",
            str(script),
            "--events",
            str(events),
            "--format",
            fmt,
            *args,
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env=env,
    )
    return {"code": done.returncode, "out": done.stdout, "err": done.stderr}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("write", "check"))
    parser.add_argument("dir", type=Path)
    parser.add_argument("--big", action="store_true")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        todo = cases(tmp, args.big)
        bad = 0
        for case, script, events, extra in todo:
            got = {fmt: run(script, events, extra, fmt) for fmt in ("json", "text")}
            for outcome in got.values():  # temporary file names differ from run to run
                for key in ("out", "err"):
                    outcome[key] = outcome[key].replace(name, "TMP")
            path = args.dir / f"{case}.json"
            if args.mode == "write":
                path.write_text(json.dumps(got, indent=1))
                print(f"{case}: exit {got['json']['code']}")
                continue
            want = json.loads(path.read_text())
            same = want == got
            bad += not same
            print(f"{case}: {'same' if same else 'DIFFERENT'}")
        if args.mode == "check":
            print(f"{len(todo) - bad} of {len(todo)} identical")
            raise SystemExit(1 if bad else 0)


if __name__ == "__main__":
    main()
