"""Which rules run and at which severity: ``select`` / ``ignore`` / ``severity``, as given on the
command line or in ``[tool.flinkdoctor]`` (the caller merges the two; this module only decides).

A selector is a code (``FD202``), a name (``no-idle-timeout``), a code prefix (``FD2``: every
source and watermark rule) or ``ALL``, in any case. A rule runs when some ``select`` selector
matches it and no ``ignore`` selector does. Severity overrides apply from the least to the most
specific selector, so ``{"FD2" = "info", "no-idle-timeout" = "error"}`` means what it says.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from flinkdoctor.findings import CATALOG, Finding, Severity
from flinkdoctor.findings.catalog import FindingKind, lookup
from flinkdoctor.lint.rule import Rule


class SelectorError(ValueError):
    """A selector or severity that names nothing: the message says what was meant, if clear."""


@dataclass(frozen=True, slots=True)
class Selector:
    """One parsed selector: the catalog codes it matches and how specific it is."""

    text: str
    codes: frozenset[str]
    specificity: int
    """0 for ALL, the prefix length for a prefix, 100 for one code or name."""


def parse_selector(text: str) -> Selector:
    """``FD202``, ``no-idle-timeout``, ``FD2`` or ``ALL``; SelectorError for anything else."""
    word = text.strip()
    if word.upper() == "ALL":
        return Selector(word, frozenset(k.code for k in CATALOG), 0)
    entry = lookup(word)
    if entry is not None:
        return Selector(word, frozenset([entry.code]), 100)
    upper = word.upper()
    if upper.startswith("FD") and (upper[2:].isdigit() or upper == "FD"):
        codes = frozenset(k.code for k in CATALOG if k.code.startswith(upper))
        if codes:
            return Selector(word, codes, len(upper))
    raise SelectorError(_unknown(word))


def _unknown(word: str) -> str:
    names = {k.name: k.name for k in CATALOG} | {k.code.lower(): k.code for k in CATALOG}
    close = [names[c] for c in difflib.get_close_matches(word.lower(), names, n=3, cutoff=0.6)]
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    return f"unknown rule {word!r}{hint}; see `flinkdoctor rules`"


def parse_severity(text: str) -> Severity:
    """``error``, ``warning`` or ``info`` (any case); SelectorError otherwise."""
    try:
        return Severity(text.strip().lower())
    except ValueError:
        raise SelectorError(f"unknown severity {text!r}: use error, warning or info") from None


def split_selectors(values: Iterable[str]) -> tuple[str, ...]:
    """``["FD1,FD2", "pattern-invalid"]`` -> ``("FD1", "FD2", "pattern-invalid")``."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


@dataclass(frozen=True, slots=True)
class RuleSelection:
    """The rules to run and their severities."""

    select: tuple[Selector, ...] = field(default=(parse_selector("ALL"),))
    ignore: tuple[Selector, ...] = ()
    severity: tuple[tuple[Selector, Severity], ...] = ()

    @classmethod
    def build(
        cls,
        select: Iterable[str] = ("ALL",),
        ignore: Iterable[str] = (),
        severity: Mapping[str, str] | None = None,
    ) -> RuleSelection:
        """From user text; SelectorError names the first selector or severity that is wrong."""
        overrides = [(parse_selector(k), parse_severity(v)) for k, v in (severity or {}).items()]
        overrides.sort(key=lambda pair: pair[0].specificity)
        return cls(
            select=tuple(parse_selector(s) for s in split_selectors(select)),
            ignore=tuple(parse_selector(s) for s in split_selectors(ignore)),
            severity=tuple(overrides),
        )

    def enabled(self, code: str) -> bool:
        """True when the rule with ``code`` runs."""
        return any(code in s.codes for s in self.select) and not any(
            code in s.codes for s in self.ignore
        )

    def rules(self, rules: Iterable[Rule]) -> tuple[Rule, ...]:
        """The enabled ones among ``rules``, in their order."""
        return tuple(rule for rule in rules if self.enabled(rule.code))

    def severity_of(self, entry: FindingKind) -> Severity:
        """The severity findings of ``entry`` are reported at."""
        level = entry.severity
        for selector, override in self.severity:
            if entry.code in selector.codes:
                level = override
        return level

    def adjust(self, finding: Finding) -> Finding:
        """``finding`` at its configured severity (the rule's own when nothing overrides it)."""
        level = finding.severity
        for selector, override in self.severity:
            if finding.code in selector.codes:
                level = override
        return finding if level is finding.severity else finding.with_severity(level)
