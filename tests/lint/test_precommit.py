"""The pre-commit hook (.pre-commit-hooks.yaml) for real: ``pre-commit try-repo`` (pre-commit from
PyPI) installs flinkdoctor from a git commit of this tree into its own virtualenv and runs the
``flinkdoctor-lint`` hook in a user's repository: a bad file fails and the output names the rule,
a good file passes.

The commit is a snapshot of the working tree as it is (tracked and new, not ignored, files), so
the test checks the code under test, in a fresh clone in CI and in a work tree with uncommitted
changes alike. It needs git and PyPI (the hook's virtualenv installs our dependencies).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
BAD = """CREATE TABLE events (
  event_time STRING,
  ts AS TO_TIMESTAMP(event_time, 'yyyy-MM-ddTHH:mm:ss'),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen');
"""
GOOD = """CREATE TABLE events (
  event_time STRING,
  ts AS TO_TIMESTAMP(event_time, 'yyyy-MM-dd''T''HH:mm:ss'),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen');
"""
GIT_ENV = {
    "GIT_AUTHOR_NAME": "flinkdoctor tests",
    "GIT_AUTHOR_EMAIL": "tests@flinkdoctor.invalid",
    "GIT_COMMITTER_NAME": "flinkdoctor tests",
    "GIT_COMMITTER_EMAIL": "tests@flinkdoctor.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV, "HOME": str(cwd)}
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository whose one commit is this work tree, as it is now."""
    assert shutil.which("git"), "git is needed to run pre-commit (install it: apt-get install git)"
    listed = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    snapshot = tmp_path_factory.mktemp("flinkdoctor-repo")
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            target = snapshot / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    git(snapshot, "init", "-q")
    git(snapshot, "add", "-A")
    git(snapshot, "commit", "-q", "-m", "snapshot of the tree under test")
    return snapshot


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def try_repo(
    hook_repo: Path, home: Path, user: Path, *files: str
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    env.pop("FORCE_COLOR", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "flinkdoctor-lint",
         "--color", "never", "--verbose", "--files", *files],
        cwd=user,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )  # fmt: skip


@pytest.fixture
def user_repo(tmp_path: Path) -> Path:
    """A user's repository with a bad and a good job, and Python that is no Flink job."""
    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs" / "bad.sql").write_text(BAD)
    (tmp_path / "jobs" / "good.sql").write_text(GOOD)
    (tmp_path / "tools.py").write_text("def helper(:\n")  # not Flink: never parsed
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    return tmp_path


def test_the_hook_fails_on_a_bad_file_and_names_the_rule(
    hook_repo: Path, pre_commit_home: Path, user_repo: Path
) -> None:
    done = try_repo(hook_repo, pre_commit_home, user_repo, "jobs/bad.sql", "tools.py")
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "flinkdoctor lint" in output
    assert "Failed" in output
    assert "jobs/bad.sql:3:34: FD101 pattern-invalid" in output
    assert "cannot lint" not in output  # tools.py is no Flink job: skipped, not parsed


def test_the_hook_passes_on_a_good_file(
    hook_repo: Path, pre_commit_home: Path, user_repo: Path
) -> None:
    done = try_repo(hook_repo, pre_commit_home, user_repo, "jobs/good.sql", "tools.py")
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Passed" in output
