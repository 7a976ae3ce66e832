"""``explain`` with the fix's verification replayed in a forked child (cli.forked, forced on small
files with FLINKDOCTOR_WORKERS=1) gives the report it gives in one process (=0): the same JSON and
text, the same exit code, the same one-line error; a child that crashes changes nothing either
(the parent replays the fix itself)."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from flinkdoctor.cli import forked
from flinkdoctor.diagnosis import explain as explain_module
from flinkdoctor.diagnosis.alongside import Outcome
from tests.explain.conftest import SEED, _app, run
from tests.explain.corpus import CASES

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX only: os.fork")

ONE = {"FLINKDOCTOR_WORKERS": "0", "FLINKDOCTOR_DEBUG": ""}
TWO = {"FLINKDOCTOR_WORKERS": "1", "FLINKDOCTOR_DEBUG": ""}  # a traceback wants one process
JOBS = [(c.name, c.script, c.events) for c in CASES] + [
    (f"seed-{script}", SEED / script, SEED / f"{script.split('_')[0]}_events.jsonl")
    for script in (
        "case1_seed_original.py",
        "case1_seed_original.sql",
        "case2_seed_fixed.py",
        "case4_mixed_shapes.sql",
        "case5_json_timestamp.py",
        "case6_window_not_closed.sql",
    )
]


@pytest.fixture
def outcomes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Outcome[Any] | None]]:
    """What every child handed back (a spy: the real ``Child.outcome`` runs)."""
    seen: list[Outcome[Any] | None] = []
    pids: list[int] = []
    real = forked.Child.outcome
    real_init = forked.Child.__init__

    def spy(self: forked.Child[Any]) -> Outcome[Any] | None:
        got = real(self)
        seen.append(got)
        return got

    def spy_init(self: forked.Child[Any], work: Callable[[], Any]) -> None:
        real_init(self, work)
        pids.append(self.pid)

    monkeypatch.setattr(forked.Child, "outcome", spy)
    monkeypatch.setattr(forked.Child, "__init__", spy_init)
    yield seen
    assert len(pids) == len(seen)
    for pid in pids:  # every child was reaped
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def _both(*args: str) -> tuple[tuple[int, str], tuple[int, str]]:
    return run(*args, env=ONE), run(*args, env=TWO)


@pytest.mark.parametrize(("name", "script", "events"), JOBS, ids=[j[0] for j in JOBS])
def test_forked_report_is_the_one_process_report(
    name: str, script: Path, events: Path, outcomes: list[Outcome[Any] | None]
) -> None:
    for fmt in ("json", "text"):
        one, two = _both(str(script), "--events", str(events), "--format", fmt)
        assert one[1]  # a report, not nothing
        assert two == one
    assert all(o is not None and o.error is None for o in outcomes)  # none died, none failed
    scans = [o for o in outcomes if o is not None and isinstance(o.value, int)]
    assert len(scans) == 2  # the partition scan: a child for each format
    if name.startswith("seed-case1"):  # a rowtime fix known before the replay: forked
        assert len(outcomes) == 4


def test_forked_and_live_arrival(outcomes: list[Outcome[Any] | None]) -> None:
    args = ("--events", str(SEED / "case1_events.jsonl"), "--arrival", "live", "--format", "json")
    one, two = _both(str(SEED / "case1_seed_original.py"), *args)
    assert one[0] == 1 and two == one
    assert len(outcomes) == 2 and None not in outcomes


def _seed_lines() -> list[str]:
    return (SEED / "case1_events.jsonl").read_text().splitlines()


@pytest.mark.parametrize(
    "bad",
    [
        "{not json",
        '{"partition":0,"offset":99,"value":{"event_time":"x"}} trailing',
        '"just a string"',
    ],
)
def test_a_bad_file_gives_the_same_error(
    tmp_path: Path, bad: str, outcomes: list[Outcome[Any] | None]
) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join([*_seed_lines(), bad]) + "\n")
    one, two = _both(str(SEED / "case1_seed_original.py"), "--events", str(path))
    assert two == one
    assert one[0] in (1, 2)
    if one[0] == 2:
        assert f"{path}:" in one[1] and "\n" not in one[1].strip()


def test_stdin_is_read_once_and_never_forked(outcomes: list[Outcome[Any] | None]) -> None:
    text = (SEED / "case1_events.jsonl").read_text()
    args = ["explain", str(SEED / "case1_seed_original.py"), "--events", "-", "--format", "json"]
    one = CliRunner().invoke(_app(), args, input=text, env=ONE)
    two = CliRunner().invoke(_app(), args, input=text, env=TWO)
    assert one.exit_code == two.exit_code == 1
    assert one.stdout and two.stdout == one.stdout
    assert outcomes == []


@pytest.mark.parametrize("how", ["exit", "kill"])
def test_a_crashing_child_changes_nothing(
    monkeypatch: pytest.MonkeyPatch, how: str, outcomes: list[Outcome[Any] | None]
) -> None:
    args = (str(SEED / "case1_seed_original.py"), "--events", str(SEED / "case1_events.jsonl"))
    expected = [run(*args, "--format", fmt, env=ONE) for fmt in ("json", "text")]
    parent = os.getpid()
    real = explain_module._verify

    def crashes_in_the_child(*a: Any, **k: Any) -> Any:
        if os.getpid() != parent:
            if how == "exit":
                os._exit(70)
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*a, **k)

    monkeypatch.setattr(explain_module, "_verify", crashes_in_the_child)
    got = [run(*args, "--format", fmt, env=TWO) for fmt in ("json", "text")]
    assert got == expected
    assert expected[0][0] == 1 and '"verified"' in expected[0][1]
    assert outcomes.count(None) == 2  # both died; the parent verified the fix itself
    assert len(outcomes) == 4  # and the partition scans came back


def test_a_crashing_scan_changes_nothing(
    monkeypatch: pytest.MonkeyPatch, outcomes: list[Outcome[Any] | None]
) -> None:
    from flinkdoctor.cli import explain as explain_cli
    from flinkdoctor.cli import partition_scan

    args = (str(SEED / "case1_seed_original.py"), "--events", str(SEED / "case1_events.jsonl"))
    expected = run(*args, "--format", "json", env=ONE)
    parent = os.getpid()
    real = partition_scan.scan_partitions

    def crashes_in_the_child(*a: Any, **k: Any) -> Any:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGSEGV)
        return real(*a, **k)

    monkeypatch.setattr(explain_cli, "scan_partitions", crashes_in_the_child)
    assert run(*args, "--format", "json", env=TWO) == expected
    assert expected[0] == 1 and '"partitions: ' not in expected[1]
    assert outcomes[0] is None and len(outcomes) == 2  # the scan fell back, the fix's came


@pytest.mark.parametrize("script", ["case1_seed_original.py", "bad.sql", "no-window.sql"])
@pytest.mark.parametrize("where", [3, 40])
def test_a_bad_partition_id_is_the_error_as_before(
    tmp_path: Path, script: str, where: int, outcomes: list[Outcome[Any] | None]
) -> None:
    """The scan ran before everything else: its error comes first, whatever else fails."""
    (tmp_path / "bad.sql").write_text("CREATE TABLE t (x INT WITH ('connector' = 'kafka');\n")
    (tmp_path / "no-window.sql").write_text(
        "CREATE TABLE t (x INT) WITH ('connector' = 'kafka', 'topic' = 't', "
        "'properties.bootstrap.servers' = 'localhost:9092', 'format' = 'json');\n"
    )
    lines = _seed_lines() * 10
    lines.insert(where - 1, '{"partition":-3,"offset":0,"timestamp":1,"value":{}}')
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines) + "\n")
    job = SEED / script if script.startswith("case") else tmp_path / script
    one, two = _both(str(job), "--events", str(path))
    assert two == one
    assert one == (
        2,
        f"{path}:{where}: partition -3 is not a Kafka partition id (0 to 2147483647)",
    )


def test_a_bad_workers_value_is_one_line(tmp_path: Path) -> None:
    code, out = run(
        str(SEED / "case1_seed_original.py"),
        "--events",
        str(SEED / "case1_events.jsonl"),
        env={"FLINKDOCTOR_WORKERS": "many"},
    )
    assert code == 2
    assert out == (
        "FLINKDOCTOR_WORKERS='many': expected a number of processes "
        "(0: one process; 1 or more: a second process wherever it can)"
    )
