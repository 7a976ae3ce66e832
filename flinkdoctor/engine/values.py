"""Values as Flink prints them (``CAST(... AS STRING)``), for JSON output and comparisons."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from flinkdoctor.engine.timeutil import format_millis


def java_double(value: float) -> str:
    """Java ``Double.toString``: shortest repr, ``1.0E10`` style outside [1e-3, 1e7)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    magnitude = abs(value)
    if 1e-3 <= magnitude < 1e7:
        text = repr(value)
        if "e" in text or "E" in text:
            text = f"{value:.17f}".rstrip("0")
        return text if "." in text else text + ".0"
    mantissa, _, exponent = f"{value:e}".partition("e")
    digits = repr(value)
    # shortest digits from repr, re-expressed as d.dddE<exp>
    sign = "-" if value < 0 else ""
    raw = digits.lstrip("-").replace(".", "")
    if "e" in digits:
        base, _, exp_text = digits.lstrip("-").partition("e")
        exp = int(exp_text)
        base_digits = base.replace(".", "")
        point = base.index(".") if "." in base else len(base)
        exp += point - 1
        body = base_digits.lstrip("0") or "0"
    else:
        base = digits.lstrip("-")
        intpart, _, frac = base.partition(".")
        if intpart.strip("0"):
            exp = len(intpart.lstrip("0")) - 1
            body = (intpart.lstrip("0") + frac).rstrip("0") or "0"
        else:
            stripped = frac.lstrip("0")
            exp = -(len(frac) - len(stripped)) - 1
            body = stripped.rstrip("0") or "0"
        del raw
    del mantissa, exponent
    body = body.rstrip("0") or "0"
    text = body[0] + "." + (body[1:] or "0")
    return f"{sign}{text}E{exp}"


def flink_string(value: Any, type_text: str) -> str | None:
    """``CAST(value AS STRING)`` for a value of Flink type ``type_text``."""
    if value is None:
        return None
    root = type_text.split("(")[0].split(" ")[0].upper()
    if root in ("TIMESTAMP", "TIMESTAMP_LTZ"):
        return format_millis(int(value))
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if root in ("DOUBLE", "FLOAT") or isinstance(value, float):
        return java_double(float(value))
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def json_value(value: Any, type_text: str) -> Any:
    """The JSON form: timestamps as strings, numbers as numbers, NULL as null."""
    if value is None:
        return None
    root = type_text.split("(")[0].split(" ")[0].upper()
    if root in ("TIMESTAMP", "TIMESTAMP_LTZ"):
        return format_millis(int(value))
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, float) and not math.isfinite(value):
        return java_double(value)
    return value
