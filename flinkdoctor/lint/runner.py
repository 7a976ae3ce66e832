"""Run the rules over one script: every finding, sorted (most severe first, then by place)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from flinkdoctor.findings import Finding
from flinkdoctor.lint.registry import RULES
from flinkdoctor.lint.rule import LintContext, Rule
from flinkdoctor.lint.rules.plaintext_secret import SECRET_KEY, raw_options
from flinkdoctor.sql.model import Script


def check_script(
    script: Script, rules: Iterable[Rule] = RULES, *, text: str | None = None
) -> list[Finding]:
    """The findings of ``rules`` (default: all) on ``script``; given the file's ``text``,
    fixes that are line edits carry their ``Edit``, unless the edited lines hold a secret."""
    context = LintContext.of(script, text)
    found = [finding for rule in rules for finding in rule.check(context)]
    hidden = _secret_values(text) if text is not None else ()
    return sorted((_without_secret_edits(f, hidden) for f in found), key=Finding.sort_key)


def _secret_values(text: str) -> tuple[str, ...]:
    """Every value written for a password-like option (any spelling, placeholder or not): an
    edit that would repeat one of them in an output is not shown."""
    return tuple(
        value
        for key, value, _ in raw_options(text)
        if len(value) >= 3 and (SECRET_KEY.search(key) or key.lower().endswith("jaas.config"))
    )


def _without_secret_edits(finding: Finding, secrets: tuple[str, ...]) -> Finding:
    fix = finding.fix
    if fix is None or not fix.edits or not secrets:
        return finding
    lines = [line for edit in fix.edits for line in edit.replacement]
    if not any(secret in line for secret in secrets for line in lines):
        return finding
    words = fix.text + " (the line to edit holds a secret, so its replacement is not shown)"
    return finding.with_fix(replace(fix, text=words, edits=()))
