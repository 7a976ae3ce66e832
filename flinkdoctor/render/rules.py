"""Rule ids (R1.6, R3.3, ...) in printed text point to the project's own reference,
docs/semantics.md, where each has an anchor (``#r33`` for R3.3): every text report ends with one
line naming the rules it cited and where they are explained. Shared by every renderer."""

from __future__ import annotations

import re
from collections.abc import Iterable

DOC = "docs/semantics.md"
RULE_ID = re.compile(r"\bR(\d+)\.(\d+)\b")


def anchor(rule: str) -> str:
    """The anchor of a rule id in docs/semantics.md: ``R3.3`` -> ``r33``."""
    return rule.lower().replace(".", "")


def rule_ids(texts: Iterable[str | None]) -> list[str]:
    """The distinct rule ids in ``texts``, in rule order (R1.6 before R1.10 before R2.1)."""
    found = {(int(m[1]), int(m[2])) for text in texts if text for m in RULE_ID.finditer(text)}
    return [f"R{major}.{minor}" for major, minor in sorted(found)]


def rules_footer(ids: list[str]) -> str | None:
    """The closing line for a report that cited ``ids`` (None when it cited none)."""
    if not ids:
        return None
    return (
        f"Rules cited: {', '.join(ids)}. Each is explained, with the Flink source it follows, in "
        f"{DOC} (e.g. {DOC}#{anchor(ids[0])})."
    )
