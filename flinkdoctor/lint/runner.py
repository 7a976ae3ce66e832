"""Run the rules over one script: every finding, sorted (most severe first, then by place)."""

from __future__ import annotations

from collections.abc import Iterable

from flinkdoctor.findings import Finding
from flinkdoctor.lint.registry import RULES
from flinkdoctor.lint.rule import LintContext, Rule
from flinkdoctor.sql.model import Script


def check_script(
    script: Script, rules: Iterable[Rule] = RULES, *, text: str | None = None
) -> list[Finding]:
    """The findings of ``rules`` (default: all) on ``script``; given the file's ``text``,
    fixes that are line edits carry their ``Edit``."""
    context = LintContext.of(script, text)
    found = [finding for rule in rules for finding in rule.check(context)]
    return sorted(found, key=Finding.sort_key)
