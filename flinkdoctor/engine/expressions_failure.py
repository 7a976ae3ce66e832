"""``RowFailure``: evaluating a row fails the Flink job (its own module: every part raises it)."""

from __future__ import annotations


class RowFailure(Exception):
    """Evaluating a row fails the Flink job: the rule id and Flink's message, and (for a field
    flink-json could not decode) the field and its raw text, so a fix can be worked out."""

    def __init__(
        self, rule: str, message: str, field: str | None = None, value: str | None = None
    ) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.field = field
        self.value = value
