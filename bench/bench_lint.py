"""``flinkdoctor lint`` next to ``sqlfluff lint --dialect flink`` on the same few hundred files.

Run from the repository root: ``python bench/bench_lint.py [--files N] [--runs R] [--json OUT]``.

It writes N Flink SQL scripts (default 300) shaped like the project's own examples (the seed jobs
and the Kafka page-views job: Kafka sources with WATERMARKs and TO_TIMESTAMP patterns, JDBC and
print sinks, windowed INSERTs; table names, patterns, intervals and options varied per file, some
with real problems), then times, as fresh processes on the same directory, interleaved, best of R:

- ``sqlfluff lint --dialect flink --processes 1`` (style and syntax; one process, like ours),
- ``flinkdoctor lint`` (every rule),

and a single file, start to finish, median of 10 runs each. Wall time and CPU time (user + sys of
the child, which stays meaningful on a busy machine) are both reported, with the machine's load.
Each side must have reported on every file (a tool that crashed or read nothing fails the run).

sqlfluff is a benchmark tool only, never a dependency: it is taken from ``$SQLFLUFF`` or PATH,
else installed from PyPI into a virtualenv under ~/.cache/flinkdoctor/bench-sqlfluff.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = [
    *sorted((ROOT / "examples" / "seed").glob("*.sql")),
    ROOT / "examples" / "kafka" / "pageviews.sql",
]
FLINKDOCTOR = [sys.executable, "-m", "flinkdoctor"]
BENCH_VENV = Path.home() / ".cache" / "flinkdoctor" / "bench-sqlfluff"

# Per-file variations: (pattern, replacement) applied when the file number is a multiple of k.
_PATTERN = "'yyyy-MM-dd''T''HH:mm:ss.SSS''Z'''"
_VARIANTS: list[tuple[int, str, str]] = [
    (3, _PATTERN, "'yyyy-MM-ddTHH:mm:ss.SSS'"),  # pattern-invalid
    (5, _PATTERN, "'YYYY-MM-dd HH:mm:ss'"),  # pattern-suspicious
    (4, "'scan.startup.mode' = 'latest-offset'", "'scan.startup.mode' = 'earliest-offset'"),
    (7, "INTERVAL '15' SECOND", "INTERVAL '7200' SECOND"),  # interval-precision
    (2, "'format' = 'json'", "'format' = 'json',\n    'scan.watermark.idle-timeout' = '1 min'"),
]


def generate(directory: Path, count: int) -> list[Path]:
    """``count`` scripts under ``directory``: the examples, renamed and varied per file."""
    templates = [p.read_text(encoding="utf-8") for p in EXAMPLES]
    names = sorted({m for t in templates for m in re.findall(r"CREATE TABLE (\w+)", t)})
    files = []
    for number in range(count):
        text = templates[number % len(templates)]
        for name in names:
            text = re.sub(rf"\b{name}\b", f"{name}_{number}", text)
        for every, old, new in _VARIANTS:
            if number % every == 0:
                text = text.replace(old, new)
        path = directory / f"job_{number:04d}.sql"
        path.write_text(text, encoding="utf-8")
        files.append(path)
    return files


def find_sqlfluff() -> str:
    """sqlfluff from $SQLFLUFF or PATH, else installed into the bench virtualenv."""
    given = os.environ.get("SQLFLUFF") or shutil.which("sqlfluff")
    if given:
        return given
    binary = BENCH_VENV / "bin" / "sqlfluff"
    if not binary.exists():
        print(f"installing sqlfluff into {BENCH_VENV} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
        pip = [str(BENCH_VENV / "bin" / "python"), "-m", "pip", "install", "-q"]
        subprocess.run([*pip, "sqlfluff"], check=True)
    return str(binary)


@dataclass
class Timing:
    wall: float
    cpu: float
    stdout: str
    code: int


def timed(command: list[str], cwd: Path) -> Timing:
    """Run ``command`` as a fresh process: wall time, the child's CPU time, its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(wall, cpu, done.stdout, done.returncode)


def sqlfluff_files(timing: Timing) -> int:
    """Files sqlfluff reported on (its JSON lists every file it linted)."""
    if timing.code not in (0, 1):
        sys.exit(f"sqlfluff failed (exit {timing.code}): {timing.stdout[:500]}")
    return len(json.loads(timing.stdout))


def flinkdoctor_files(timing: Timing) -> int:
    """Files flinkdoctor reported on (its JSON summary)."""
    if timing.code not in (0, 1):
        sys.exit(f"flinkdoctor failed (exit {timing.code}): {timing.stdout[:500]}")
    summary = json.loads(timing.stdout)["summary"]
    return int(summary["files_checked"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=300, help="scripts to lint (default 300)")
    parser.add_argument("--runs", type=int, default=3, help="directory runs per tool, best of")
    parser.add_argument("--single-runs", type=int, default=10, help="one-file runs per tool")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()

    sqlfluff = find_sqlfluff()
    version = subprocess.run([sqlfluff, "--version"], capture_output=True, text=True).stdout
    with tempfile.TemporaryDirectory(prefix="bench-lint-") as tmp:
        work = Path(tmp)
        (work / "jobs").mkdir()
        files = generate(work / "jobs", args.files)
        fluff_cmd = [sqlfluff, "lint", "--dialect", "flink", "--processes", "1"]
        ours_cmd = [*FLINKDOCTOR, "lint", "--exit-zero"]
        best: dict[str, Timing] = {}
        for _ in range(args.runs):
            for name, command, count in (
                ("sqlfluff", [*fluff_cmd, "--format", "json", "jobs"], sqlfluff_files),
                ("flinkdoctor", [*ours_cmd, "--format", "json", "jobs"], flinkdoctor_files),
            ):
                run = timed(command, work)
                if count(run) != len(files):
                    sys.exit(f"{name} reported on {count(run)} of {len(files)} files")
                if name not in best or run.wall < best[name].wall:
                    best[name] = run
        findings = json.loads(best["flinkdoctor"].stdout)["summary"]["by_severity"]
        single: dict[str, list[Timing]] = {"sqlfluff": [], "flinkdoctor": []}
        one = str(files[1].relative_to(work))
        for _ in range(args.single_runs):
            single["sqlfluff"].append(timed([*fluff_cmd, one], work))
            single["flinkdoctor"].append(timed([*ours_cmd, one], work))

    load = os.getloadavg()
    result = {
        "files": len(files),
        "machine": (
            f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        ),
        "load": [round(x, 2) for x in load],
        "sqlfluff_version": version.strip(),
        "directory": {k: {"wall": v.wall, "cpu": v.cpu} for k, v in best.items()},
        "single_file_median": {
            k: {
                "wall": statistics.median(t.wall for t in v),
                "cpu": statistics.median(t.cpu for t in v),
            }
            for k, v in single.items()
        },
        "flinkdoctor_findings": findings,
    }
    fluff, ours = best["sqlfluff"], best["flinkdoctor"]
    print(f"{len(files)} Flink SQL scripts; {result['machine']}; load {load[0]:.2f}")
    print(f"sqlfluff: {version.strip()}; flinkdoctor findings: {findings}")
    print()
    print(
        "| run | sqlfluff wall | sqlfluff CPU | flinkdoctor wall | flinkdoctor CPU | ratio (wall) |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    print(
        f"| {len(files)} files, one process | {fluff.wall:.2f} s | {fluff.cpu:.2f} s | "
        f"{ours.wall:.2f} s | {ours.cpu:.2f} s | {fluff.wall / ours.wall:.0f}x |"
    )
    s, o = result["single_file_median"]["sqlfluff"], result["single_file_median"]["flinkdoctor"]
    print(
        f"| one file, median of {args.single_runs} | {s['wall'] * 1000:.0f} ms | "
        f"{s['cpu'] * 1000:.0f} ms | {o['wall'] * 1000:.0f} ms | {o['cpu'] * 1000:.0f} ms | "
        f"{s['wall'] / o['wall']:.1f}x |"
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
