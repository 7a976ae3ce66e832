"""``DateTimeFormatter.parse(text)``: run the printer-parsers over the whole text, then resolve.

Errors carry Java's error index: where a parser failed, or where unparsed text starts, or 0 for a
resolver conflict (Java reports those at index 0 too).
"""

from __future__ import annotations

from flinkdoctor.timeformat.errors import JavaParseError
from flinkdoctor.timeformat.nodes import Composite, Context
from flinkdoctor.timeformat.resolver import SMART, Resolved, resolve


def parse_unresolved(root: Composite, text: str, case_sensitive: bool = True) -> dict[int, int]:
    """Parse the whole text into raw fields (``parseUnresolved0``, then the full-length check)."""
    ctx = Context(case_sensitive)
    pos = root.parse(ctx, text, 0)
    if pos < 0:
        index = ~pos
        expected = ctx.failed.expects() if ctx.failed is not None else ""
        message = f"Text {_abbr(text)} could not be parsed at index {index}"
        raise JavaParseError(message, index, expected=expected)
    if pos < len(text):
        raise JavaParseError(
            f"Text {_abbr(text)} could not be parsed, unparsed text found at index {pos}", pos
        )
    return ctx.fields


def parse_resolved(
    root: Composite, text: str, style: str = SMART, case_sensitive: bool = True
) -> Resolved:
    """``DateTimeFormatter.parse``; a ``JavaParseError`` plays Java's DateTimeParseException."""
    try:
        return resolve(parse_unresolved(root, text, case_sensitive), style)
    except JavaParseError as exc:
        if exc.parse_exception:
            raise
        raise JavaParseError(f"Text {_abbr(text)} could not be parsed: {exc.message}", 0) from exc


def _abbr(text: str) -> str:
    return repr(text if len(text) <= 64 else text[:64] + "...")
