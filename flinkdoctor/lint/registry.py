"""Every lint rule, once. Add a rule by writing its module under ``lint/rules`` and listing its
class here."""

from __future__ import annotations

from flinkdoctor.lint.rule import Rule

RULES: tuple[Rule, ...] = ()


def rule_named(name_or_code: str) -> Rule | None:
    """The rule a user means by ``pattern-invalid`` or ``FD101`` (case-insensitive)."""
    wanted = name_or_code.lower()
    return next((r for r in RULES if wanted in (r.name, r.code.lower())), None)
