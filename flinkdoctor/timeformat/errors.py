"""Errors of the timeformat package: a bad pattern, or a pattern we cannot evaluate faithfully."""

from __future__ import annotations

from flinkdoctor.errors import FlinkDoctorError


class PatternError(FlinkDoctorError):
    """``DateTimeFormatter.ofPattern`` would throw for this pattern (Flink then yields NULL).

    ``index`` is the 0-based position in the pattern of the character Java rejects (for a caret).
    """

    def __init__(self, message: str, pattern: str, index: int) -> None:
        super().__init__(message)
        self.pattern = pattern
        self.index = index


class JavaParseError(Exception):
    """Internal: the analogue of ``DateTimeParseException`` (or another ``DateTimeException``).

    ``parse_exception`` is False for a plain ``DateTimeException`` thrown outside ``parse`` (Flink's
    fallback only catches ``DateTimeParseException``).
    """

    def __init__(
        self, message: str, index: int, *, parse_exception: bool = True, expected: str = ""
    ) -> None:
        super().__init__(message)
        self.message = message
        self.index = index
        self.parse_exception = parse_exception
        self.expected = expected  # what the failing pattern element wanted (for people)
