"""The outcome of one ``flinkdoctor lint`` run, as data: what every renderer and the exit code
are computed from.

``findings`` are in file order (path, line, column, code), as a person reads them;
``unparsed`` are the files that could not be read or parsed (each one counts as an error and the
other files are still linted); ``line_text`` holds the source line of each finding, for stable
SARIF fingerprints that survive lines moving.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from flinkdoctor.findings import Finding, Severity


@dataclass(frozen=True, slots=True)
class FileError:
    """A file we could not lint: unreadable, not UTF-8, or not parseable as Flink SQL / Python."""

    path: str
    line: int
    column: int
    message: str


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What a renderer needs to know of a rule (SARIF's ``tool.driver.rules``)."""

    code: str
    name: str
    severity: Severity
    title: str
    docs: str


def file_order(finding: Finding) -> tuple[str, int, int, str, str]:
    """Sort key: path, line, column, then code and message (stable output)."""
    loc = finding.location
    return (
        loc.file if loc else "",
        loc.line if loc else 0,
        loc.column if loc else 0,
        finding.code,
        finding.message,
    )


@dataclass(frozen=True, slots=True)
class LintReport:
    """Everything one run found, and the thresholds that decide its exit code."""

    findings: tuple[Finding, ...]
    unparsed: tuple[FileError, ...] = ()
    files_checked: int = 0
    suppressed: int = 0
    fail_on: Severity = Severity.WARNING
    exit_zero: bool = False
    line_text: Mapping[tuple[str, int], str] = field(default_factory=dict)
    rules: tuple[RuleInfo, ...] = ()
    """The rules that ran (SARIF lists them with their help)."""

    @classmethod
    def build(
        cls,
        findings: Iterable[Finding],
        unparsed: Iterable[FileError] = (),
        *,
        files_checked: int = 0,
        suppressed: int = 0,
        fail_on: Severity = Severity.WARNING,
        exit_zero: bool = False,
        line_text: Mapping[tuple[str, int], str] | None = None,
        rules: Iterable[RuleInfo] = (),
    ) -> LintReport:
        """A report with findings in file order and file errors sorted by path."""
        return cls(
            findings=tuple(sorted(findings, key=file_order)),
            unparsed=tuple(sorted(unparsed, key=lambda e: (e.path, e.line, e.column))),
            files_checked=files_checked,
            suppressed=suppressed,
            fail_on=fail_on,
            exit_zero=exit_zero,
            line_text=dict(line_text or {}),
            rules=tuple(rules),
        )

    @property
    def counts(self) -> dict[str, int]:
        """Findings per severity, every severity present (``{"error": 1, "warning": 0, ...}``)."""
        by = Counter(f.severity for f in self.findings)
        return {level.value: by[level] for level in Severity}

    @property
    def failing(self) -> int:
        """Findings at or above ``fail_on``, plus unparsed files (they count as errors)."""
        return len(self.unparsed) + sum(f.severity.at_least(self.fail_on) for f in self.findings)

    @property
    def exit_code(self) -> int:
        """0 clean (or ``--exit-zero``), 1 when something at or above ``fail_on`` was found."""
        return 0 if self.exit_zero or not self.failing else 1

    def summary(self) -> dict[str, object]:
        """The JSON summary (docs/schemas/lint.schema.json)."""
        return {
            "files_checked": self.files_checked,
            "files_unparsed": len(self.unparsed),
            "findings": len(self.findings),
            "by_severity": self.counts,
            "suppressed": self.suppressed,
            "fail_on": self.fail_on.value,
            "exit_code": self.exit_code,
        }
