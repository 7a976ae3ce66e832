"""The catalog: every finding flinkdoctor can report, with its stable name, code and default
severity. Names and codes are contracts (``noqa`` comments, pyproject configuration, SARIF rule
ids and other tools key on them): add entries, never rename or renumber one.

Codes: FD1xx timestamps and the rowtime, FD2xx sources and watermarks, FD3xx windows and queries,
FD4xx sinks, FD5xx the job and its input as a whole. ``static`` entries are lint rules (they need
only the script); the others need events or a replay and come from ``diagnosis``.
"""

from __future__ import annotations

from dataclasses import dataclass

from flinkdoctor.findings.model import Severity

ERR, WARN, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


@dataclass(frozen=True, slots=True)
class FindingKind:
    """One entry of the catalog."""

    code: str
    name: str
    severity: Severity
    title: str
    static: bool


def _lint(code: str, name: str, severity: Severity, title: str) -> FindingKind:
    """A static rule: the script alone shows it (``lint`` and ``explain``)."""
    return FindingKind(code, name, severity, title, static=True)


def _data(code: str, name: str, severity: Severity, title: str) -> FindingKind:
    """A data-driven cause: it needs events or a replay (``explain`` and the replay commands)."""
    return FindingKind(code, name, severity, title, static=False)


CATALOG: tuple[FindingKind, ...] = (
    # FD1xx: timestamps and the rowtime
    _lint("FD101", "pattern-invalid", ERR, "TO_TIMESTAMP pattern Java rejects: NULL on every row"),
    _lint("FD102", "pattern-suspicious", WARN, "valid pattern that is almost surely wrong"),
    _data("FD103", "pattern-mismatch", ERR, "the events' timestamps do not parse with the pattern"),
    _data("FD104", "rowtime-field-missing", ERR, "the rowtime reads a field the events lack"),
    _lint("FD105", "epoch-unit-mismatch", WARN, "epoch seconds read as millis, or the reverse"),
    _data("FD106", "json-timestamp-format", ERR, "flink-json cannot read the timestamps"),
    _data("FD107", "null-rowtime-job-failure", ERR, "a NULL rowtime fails the job"),
    _data("FD108", "legacy-null-rowtime", ERR, "NULL rowtimes land in the 1970 window or are late"),
    _lint("FD109", "rowtime-precision", ERR, "rowtime type Flink rejects as a time attribute"),
    _lint("FD110", "ignore-parse-errors", WARN, "parse errors become NULL rows without a word"),
    # FD2xx: sources and watermarks
    _lint("FD201", "watermark-column-unknown", ERR, "WATERMARK FOR a column the table lacks"),
    _lint("FD202", "no-idle-timeout", WARN, "Kafka event-time source with no idle timeout"),
    _data("FD203", "idle-partition", ERR, "a partition without fresh data holds the watermark"),
    _data("FD204", "idle-subtask", ERR, "a source subtask without partitions holds the watermark"),
    _lint(
        "FD205", "startup-group-offsets", WARN, "starts from committed offsets that may not exist"
    ),
    _lint("FD206", "startup-latest-offset", INFO, "only events produced after the start count"),
    _lint("FD207", "plaintext-secret", WARN, "a password or JAAS secret written in the script"),
    # FD3xx: windows and queries
    _lint("FD301", "window-without-time-attribute", ERR, "window over a column that is no rowtime"),
    _lint("FD302", "interval-precision", ERR, "INTERVAL literal exceeds its leading precision"),
    _lint("FD303", "window-size-not-multiple", ERR, "window size is not a multiple of the slide"),
    _lint("FD304", "window-over-changelog", ERR, "window TVF over an updating (changelog) source"),
    _data("FD305", "window-not-closed", ERR, "windows that cannot close without more data"),
    _data("FD306", "late-records-dropped", WARN, "records dropped as late"),
    _data("FD307", "filter-matches-nothing", ERR, "the WHERE clause keeps no sampled event"),
    _data("FD308", "updating-aggregate", WARN, "a regular aggregate that emits updates"),
    _data("FD309", "window-pending", INFO, "the newest window is open, as it should be"),
    # FD4xx: sinks
    _lint("FD401", "sink-needs-checkpoint", ERR, "sink commits on checkpoints, none are taken"),
    _lint("FD402", "jdbc-flush-disabled", ERR, "JDBC sink never flushes without checkpoints"),
    # FD5xx: the job and its input as a whole
    _data("FD501", "no-input-records", ERR, "no events to replay: the sink gets nothing"),
    _data("FD502", "job-failure", ERR, "Flink rejects or fails the job"),
)

_BY_NAME = {entry.name: entry for entry in CATALOG}
_BY_CODE = {entry.code: entry for entry in CATALOG}


def kind(name: str) -> FindingKind:
    """The catalog entry called ``name``; KeyError for a name not in the catalog (a bug)."""
    return _BY_NAME[name]


def kind_by_code(code: str) -> FindingKind | None:
    """The entry with ``code`` (case-insensitive), None when there is none."""
    return _BY_CODE.get(code.upper())


def lookup(name_or_code: str) -> FindingKind | None:
    """The entry a user means by a name or a code (``FD101`` or ``pattern-invalid``)."""
    return _BY_NAME.get(name_or_code.lower()) or kind_by_code(name_or_code)
