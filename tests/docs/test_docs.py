"""The docs stand on their own: every markdown link in README.md and docs/ resolves inside the
repository (file and anchor), no text points to the shared folder beside the repository, every
rule id the code or the tests use is explained in docs/semantics.md, and every test that page
cites exists."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
OUTSIDE = "../" + "shared"  # spelled in two parts so this file does not match itself
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
RULE = re.compile(r"\bR(\d+)\.(\d+)\b")


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    found = set(re.findall(r'<a id="([^"]+)"', text))
    in_code = False
    for line in text.splitlines():
        if line.startswith("```"):
            in_code = not in_code
        elif not in_code and line.startswith("#"):
            found.add(_slug(line.lstrip("#")))
    return found


def _links(path: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    return LINK.findall(text)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_link_resolves_inside_the_repository(doc: Path) -> None:
    for target in _links(doc):
        if re.match(r"[a-z]+:", target):  # an absolute URL (https:, mailto:) is not a file link
            continue
        file_part, _, anchor = target.partition("#")
        resolved = (doc.parent / file_part).resolve() if file_part else doc
        assert resolved.is_relative_to(ROOT), f"{doc.name}: {target} points outside the repo"
        assert resolved.exists(), f"{doc.name}: {target} does not exist"
        if anchor:
            assert resolved.suffix == ".md", f"{doc.name}: {target}: anchor outside markdown"
            assert anchor in _anchors(resolved), f"{doc.name}: {target}: no such anchor"


def test_the_link_checker_can_fail(tmp_path: Path) -> None:
    """The checker's own parts see a dangling anchor and a heading's real slug."""
    page = tmp_path / "p.md"
    page.write_text('# A `code` title: here\n<a id="r33"></a>\n[x](#nowhere)\n', encoding="utf-8")
    assert _anchors(page) == {"a-code-title-here", "r33"}
    assert _links(page) == ["#nowhere"]


def test_nothing_in_the_repository_points_outside_it() -> None:
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    offenders = []
    for name in tracked:
        path = ROOT / name
        if not path.is_file() or path.suffix in (".jsonl", ".class", ".jar"):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if OUTSIDE in text:
            offenders.append(name)
    assert offenders == []


def _rule_ids_in(paths: list[Path]) -> set[str]:
    found: set[str] = set()
    for path in paths:
        found |= {f"R{a}.{b}" for a, b in RULE.findall(path.read_text(encoding="utf-8"))}
    return found


def test_every_rule_id_the_code_and_tests_use_is_explained() -> None:
    used = _rule_ids_in([*(ROOT / "flinkdoctor").rglob("*.py"), *(ROOT / "tests").rglob("*.py")])
    assert {"R1.6", "R3.3", "R4.5"} <= used  # the scan itself works
    anchors = _anchors(ROOT / "docs" / "semantics.md")
    missing = sorted(r for r in used if r.lower().replace(".", "") not in anchors)
    assert missing == [], f"rule ids without a section in docs/semantics.md: {missing}"


def test_every_test_cited_in_semantics_exists() -> None:
    text = (ROOT / "docs" / "semantics.md").read_text(encoding="utf-8")
    cited = re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", text)
    assert len(cited) > 40
    for file_name, test in cited:
        source = (ROOT / file_name).read_text(encoding="utf-8")
        assert re.search(rf"^def {test}\(", source, re.M), f"{file_name}::{test} does not exist"
