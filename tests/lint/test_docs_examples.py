"""The examples in docs/lint.md and docs/configuration.md work as written: the TOML is a valid
configuration, the GitHub Actions workflow's lint step writes SARIF that validates and that its
upload step uploads, the pre-commit snippet names the hook the repository ships."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.lint.conftest import Run

ROOT = Path(__file__).parents[2]
SARIF_SCHEMA = json.loads(
    (Path(__file__).parent / "data/sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)


def blocks(doc: str, language: str) -> list[str]:
    text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "jobs").mkdir()
    shutil.copy(ROOT / "examples/seed/case2_seed_fixed.sql", tmp_path / "jobs/job.sql")
    return tmp_path


@pytest.mark.parametrize(("doc", "index"), [("configuration.md", 0), ("lint.md", 0)])
def test_toml_examples_are_valid_configuration(
    cli: Callable[..., Run], project: Path, doc: str, index: int
) -> None:
    (project / "pyproject.toml").write_text(blocks(doc, "toml")[index])
    run = cli("lint", "--format", "json", "jobs", cwd=project)
    assert run.code in (0, 1), run.err
    json.loads(run.out)
    run = cli("check-pattern", "yyyy-MM-dd", "2024-01-01", cwd=project)
    assert run.code == 0, run.err


def test_configuration_example_does_what_it_says(cli: Callable[..., Run], project: Path) -> None:
    (project / "pyproject.toml").write_text(blocks("configuration.md", "toml")[0])
    run = cli("lint", "jobs", cwd=project)
    # the seed job: no-idle-timeout raised to error; startup-latest-offset ignored
    assert run.out.splitlines()[0].startswith("jobs/job.sql:14:3: FD202 no-idle-timeout ")
    assert "FD206" not in run.out
    assert run.code == 1  # fail-on = "error" and FD202 is an error now
    run = cli("check-pattern", "yyyy-MM-dd", "2024-01-01", cwd=project)
    assert json.loads(run.out)["summary"]["total"] == 1  # format = "json" for check-pattern


def workflow() -> dict[str, Any]:
    found = [yaml.safe_load(b) for b in blocks("lint.md", "yaml")]
    return next(d for d in found if isinstance(d, dict) and "jobs" in d)


def test_the_github_workflow_uploads_the_sarif_its_lint_step_writes(project: Path) -> None:
    steps = workflow()["jobs"]["lint"]["steps"]
    lint = next(s for s in steps if s.get("name") == "flinkdoctor lint")
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/"))
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["if"] == "always()"  # lint exits 1 when it finds something
    assert lint["run"].endswith(f"> {upload['with']['sarif_file']}")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        ["bash", "-c", lint["run"]], cwd=project, env=env, capture_output=True, text=True
    )
    assert done.returncode == 1, done.stderr
    sarif = json.loads((project / upload["with"]["sarif_file"]).read_text())
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif)
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} == {"FD202", "FD206"}
    assert workflow()["permissions"]["security-events"] == "write"


def test_the_pre_commit_snippet_names_the_shipped_hook(
    cli: Callable[..., Run], project: Path
) -> None:
    shipped = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    config = next(
        d
        for d in map(yaml.safe_load, blocks("lint.md", "yaml"))
        if isinstance(d, dict) and "repos" in d
    )
    hook = config["repos"][0]["hooks"][0]
    assert hook["id"] == shipped[0]["id"] == "flinkdoctor-lint"
    run = cli("lint", *hook["args"], "jobs", cwd=project)  # the args are valid lint options
    assert run.code == 0, run.out + run.err  # --fail-on error: the seed job has warnings only


def test_the_hook_definition() -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["entry"] == "flinkdoctor lint"
    assert hook["language"] == "python"
    files = re.compile(hook["files"])
    assert files.search("jobs/a.sql") and files.search("pipeline.py")
    assert not files.search("notes.txt") and not files.search("a.sql.bak")
