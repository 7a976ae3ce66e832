"""``RowFailure``: evaluating a row fails the Flink job (its own module: every part raises it)."""

from __future__ import annotations


class RowFailure(Exception):
    """Evaluating a row fails the Flink job: the rule id and Flink's message."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
