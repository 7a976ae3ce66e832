"""Every lint rule, once. Add a rule by writing its module under ``lint/rules`` and listing its
class here."""

from __future__ import annotations

from flinkdoctor.lint.rule import Rule
from flinkdoctor.lint.rules.epoch_unit_mismatch import EpochUnitMismatch
from flinkdoctor.lint.rules.ignore_parse_errors import IgnoreParseErrors
from flinkdoctor.lint.rules.interval_precision import IntervalPrecision
from flinkdoctor.lint.rules.jdbc_flush_disabled import JdbcFlushDisabled
from flinkdoctor.lint.rules.no_idle_timeout import NoIdleTimeout
from flinkdoctor.lint.rules.pattern_invalid import PatternInvalid
from flinkdoctor.lint.rules.pattern_suspicious import PatternSuspicious
from flinkdoctor.lint.rules.plaintext_secret import PlaintextSecret
from flinkdoctor.lint.rules.rowtime_precision import RowtimePrecision
from flinkdoctor.lint.rules.sink_needs_checkpoint import SinkNeedsCheckpoint
from flinkdoctor.lint.rules.startup_group_offsets import StartupGroupOffsets
from flinkdoctor.lint.rules.startup_latest_offset import StartupLatestOffset
from flinkdoctor.lint.rules.watermark_column_unknown import WatermarkColumnUnknown
from flinkdoctor.lint.rules.window_over_changelog import WindowOverChangelog
from flinkdoctor.lint.rules.window_size_not_multiple import WindowSizeNotMultiple
from flinkdoctor.lint.rules.window_without_time_attribute import WindowWithoutTimeAttribute

RULES: tuple[Rule, ...] = (
    PatternInvalid(),
    PatternSuspicious(),
    EpochUnitMismatch(),
    RowtimePrecision(),
    IgnoreParseErrors(),
    WatermarkColumnUnknown(),
    NoIdleTimeout(),
    StartupGroupOffsets(),
    StartupLatestOffset(),
    PlaintextSecret(),
    WindowWithoutTimeAttribute(),
    IntervalPrecision(),
    WindowSizeNotMultiple(),
    WindowOverChangelog(),
    SinkNeedsCheckpoint(),
    JdbcFlushDisabled(),
)


def rule_named(name_or_code: str) -> Rule | None:
    """The rule a user means by ``pattern-invalid`` or ``FD101`` (case-insensitive)."""
    wanted = name_or_code.lower()
    return next((r for r in RULES if wanted in (r.name, r.code.lower())), None)
