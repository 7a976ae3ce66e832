"""Hand-made lint reports for the renderer tests (the values a run would produce)."""

from __future__ import annotations

from flinkdoctor.errors import Location
from flinkdoctor.findings import Edit, Finding, Fix, Severity
from flinkdoctor.lint.report import FileError, LintReport, RuleInfo

IDLE_DOCS = """## What it does
Flags a Kafka source with a WATERMARK and no idle timeout.

## Why is this bad?
An empty partition holds the watermark back.

## Example
```sql
CREATE TABLE t (...) WITH ('connector' = 'kafka');
```

## Use instead
Add `'scan.watermark.idle-timeout' = '1 min'`."""

RULES = (
    RuleInfo("FD101", "pattern-invalid", Severity.ERROR, "TO_TIMESTAMP pattern Java rejects", ""),
    RuleInfo("FD202", "no-idle-timeout", Severity.WARNING, "no idle timeout", IDLE_DOCS),
    RuleInfo("FD206", "startup-latest-offset", Severity.INFO, "only new events count", ""),
)

INVALID = Finding(
    "FD101",
    "pattern-invalid",
    Severity.ERROR,
    "Java rejects the pattern 'yyyy-MM-ddTHH:mm:ss': unknown pattern letter T",
    Location("jobs/orders.sql", 4, 21),
    evidence={"pattern": "yyyy-MM-ddTHH:mm:ss"},
    fix=Fix(
        "quote the T",
        (Edit("jobs/orders.sql", 4, 4, ("  ts AS TO_TIMESTAMP(s, 'yyyy-MM-dd''T''HH:mm:ss'),",)),),
    ),
    rule="R4.2",
)
IDLE = Finding(
    "FD202",
    "no-idle-timeout",
    Severity.WARNING,
    "Kafka source 'orders' has a WATERMARK but no idle timeout",
    Location("jobs/orders.sql", 1, 1),
)
LATEST = Finding(
    "FD206",
    "startup-latest-offset",
    Severity.INFO,
    "starts at the latest offset: only events produced after the start count",
    Location("jobs/job one.py", 12, 9),
)
BROKEN = FileError("jobs/broken.sql", 3, 7, "expected ')' after column list, found 'WITH'")


def report(
    *findings: Finding,
    unparsed: tuple[FileError, ...] = (),
    fail_on: Severity = Severity.WARNING,
    exit_zero: bool = False,
    suppressed: int = 0,
) -> LintReport:
    return LintReport.build(
        findings,
        unparsed,
        files_checked=3,
        suppressed=suppressed,
        fail_on=fail_on,
        exit_zero=exit_zero,
        line_text={
            ("jobs/orders.sql", 4): "  ts AS TO_TIMESTAMP(s, 'yyyy-MM-ddTHH:mm:ss'),",
            ("jobs/orders.sql", 1): "CREATE TABLE orders (",
        },
        rules=RULES,
    )
