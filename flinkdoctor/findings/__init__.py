"""One ``Finding`` model and one catalog of stable finding names for every command.

``check-pattern``, ``simulate-windows``, ``explain`` and ``lint`` all report what they find as
``Finding`` values; each finding's ``name`` is a slug from ``CATALOG`` (a contract: other tools
key on it), its ``code`` the short id used in ``noqa`` comments and SARIF.
"""

from flinkdoctor.findings.catalog import CATALOG, FindingKind, kind, kind_by_code
from flinkdoctor.findings.model import Edit, Finding, Fix, Severity, Verification

__all__ = [
    "CATALOG",
    "Edit",
    "Finding",
    "FindingKind",
    "Fix",
    "Severity",
    "Verification",
    "kind",
    "kind_by_code",
]
