"""The error a malformed script raises: one line, located at the offending token."""

from __future__ import annotations

from flinkdoctor.errors import FlinkDoctorError


class SqlError(FlinkDoctorError):
    """A script Flink would reject at parse time (or that we cannot read), e.g.
    ``job.sql:12:5: expected ')' after column list, found 'WITH'``."""
