"""docs/rules/ is generated from the rules themselves: this fails when a rule changed and its page
was not regenerated (python tools/gen_rule_docs.py), or a page is left for a rule that is gone."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from flinkdoctor.findings import CATALOG
from flinkdoctor.lint.docgen import GENERATED, pages
from flinkdoctor.lint.registry import RULES

ROOT = Path(__file__).parents[2]
DOCS = ROOT / "docs" / "rules"
SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead")


def test_every_rule_page_is_up_to_date() -> None:
    wanted = pages()
    assert set(wanted) == {f"{rule.name}.md" for rule in RULES} | {"README.md"}
    for name, text in wanted.items():
        path = DOCS / name
        assert path.is_file(), f"docs/rules/{name} is missing: run python tools/gen_rule_docs.py"
        assert path.read_text(encoding="utf-8") == text, (
            f"docs/rules/{name} is out of date: run python tools/gen_rule_docs.py"
        )
    stale = [
        p.name
        for p in DOCS.glob("*.md")
        if p.name not in wanted and GENERATED in p.read_text(encoding="utf-8")
    ]
    assert not stale, f"pages of rules that are gone: {stale}"


def test_the_check_script_agrees() -> None:
    done = subprocess.run(
        [sys.executable, "tools/gen_rule_docs.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, ""), done.stdout + done.stderr


def test_every_page_has_the_ruff_style_sections_and_its_catalog_facts() -> None:
    entries = {e.name: e for e in CATALOG}
    for rule in RULES:
        page = (DOCS / f"{rule.name}.md").read_text(encoding="utf-8")
        entry = entries[rule.name]
        assert page.splitlines()[1] == f"# {entry.name} ({entry.code})"
        assert f"default severity **{entry.severity.value}**" in page
        positions = [page.index(section) for section in SECTIONS]
        assert positions == sorted(positions), rule.name


def test_the_index_lists_every_rule_with_a_working_link() -> None:
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)]+\.md)\)", index)
    assert sorted(links) == sorted(f"{rule.name}.md" for rule in RULES)
    assert all((DOCS / link).is_file() for link in links)
