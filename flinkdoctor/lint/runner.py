"""Run the rules over one script: every finding, sorted (most severe first, then by place)."""

from __future__ import annotations

from collections.abc import Iterable

from flinkdoctor.findings import Finding
from flinkdoctor.lint.registry import RULES
from flinkdoctor.lint.rule import LintContext, Rule
from flinkdoctor.sql.model import Script


def check_script(script: Script, rules: Iterable[Rule] = RULES) -> list[Finding]:
    """The findings of ``rules`` (default: all) on ``script``."""
    context = LintContext(script)
    found = [finding for rule in rules for finding in rule.check(context)]
    return sorted(found, key=Finding.sort_key)
