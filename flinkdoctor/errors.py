"""The one exception family flinkdoctor raises for bad input.

Every error a user can cause (a malformed SQL file, an invalid pattern, an unreadable events file,
an unreachable broker) is a ``FlinkDoctorError`` carrying where it happened, so the CLI can print
one clear line and pick the exit code without ever showing a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a user's artefact: ``file:line:column`` (1-based; 0 means unknown)."""

    file: str = "<input>"
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        if self.column <= 0:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.column}"


class FlinkDoctorError(Exception):
    """Bad input: printed as one line, exit code ``exit_code`` (2 = usage / input error)."""

    exit_code: int = 2

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        if self.location is None:
            return self.message
        return f"{self.location}: {self.message}"


class InputError(FlinkDoctorError):
    """A file or value the user gave us cannot be read (exit 2)."""

    def __reduce__(self) -> tuple[type[InputError], tuple[str, Location | None]]:
        """Pickled with its location (the split fetcher sends errors to the task process)."""
        return type(self), (self.message, self.location)


class KafkaUnavailableError(FlinkDoctorError):
    """The broker cannot be reached or refuses us (exit 3)."""

    exit_code = 3
