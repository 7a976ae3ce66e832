"""The shape of a lint rule, after sqlfluff's rule classes and ruff's rule docs.

A rule is a small class: ``name`` (its catalog slug, which gives its code and default severity), a
docstring with the sections ``## What it does``, ``## Why is this bad?``, ``## Example`` and
``## Use instead`` (docs/rules/<name>.md is generated from it), and ``check`` yielding findings.
``fires`` and ``passes`` are the rule's own fixtures: scripts it must flag and scripts it must not.
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from flinkdoctor.errors import Location
from flinkdoctor.findings import Finding, FindingKind, Fix, Severity, kind
from flinkdoctor.sql.model import Script


@dataclass(frozen=True, slots=True)
class LintContext:
    """What a rule sees: the parsed script (locations in the user's own file, the .py line for a
    PyFlink job) and, when the caller has it, the file's text as lines, so a fix can carry the
    exact replacement lines (``Edit``); without it fixes are words only."""

    script: Script
    lines: tuple[str, ...] = ()

    @classmethod
    def of(cls, script: Script, text: str | None = None) -> LintContext:
        """The context for ``script`` read from ``text``."""
        return cls(script, tuple(text.splitlines()) if text is not None else ())


class Rule(ABC):
    """Base of every lint rule; subclasses set ``name`` and implement ``check``."""

    name: ClassVar[str]
    fires: ClassVar[tuple[str, ...]] = ()
    """SQL scripts the rule must flag (at least one finding each)."""
    passes: ClassVar[tuple[str, ...]] = ()
    """SQL scripts the rule must not flag."""

    @property
    def kind(self) -> FindingKind:
        return kind(self.name)

    @property
    def code(self) -> str:
        return self.kind.code

    @property
    def severity(self) -> Severity:
        return self.kind.severity

    @classmethod
    def docs(cls) -> str:
        """The rule's documentation (markdown), from its docstring."""
        return inspect.cleandoc(cls.__doc__ or "")

    @abstractmethod
    def check(self, context: LintContext) -> Iterator[Finding]:
        """Every place in the script this rule flags."""

    def finding(
        self,
        message: str,
        location: Location | None,
        *,
        evidence: Mapping[str, Any] | None = None,
        fix: Fix | None = None,
        rule: str | None = None,
        severity: Severity | None = None,
    ) -> Finding:
        """A finding of this rule (its code, name and default severity unless given)."""
        return Finding(
            code=self.code,
            name=self.name,
            severity=severity or self.severity,
            message=message,
            location=location,
            evidence=dict(evidence or {}),
            fix=fix,
            rule=rule,
        )
