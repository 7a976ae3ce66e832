"""How every command ends when something goes wrong: one line, the right exit code, no secret.

- bad input (``FlinkDoctorError``): ``flinkdoctor: error: ...``, its exit code (2 or 3);
- Ctrl-C: ``flinkdoctor: interrupted``, exit 130 (typer would exit 130 silently);
- the reader of stdout went away (``| head``): quiet, exit 141 like a shell's SIGPIPE;
- anything else is a bug: ``flinkdoctor: internal error: ..., please report``, exit 4 (1 means
  "findings", so a crash must not look like a diagnosis); the traceback only with
  ``FLINKDOCTOR_DEBUG=1``.

Every line passes ``redact_message`` first: secrets the commands resolved (``remember_secrets``)
and anything shaped like ``password=...`` are masked, whatever code built the message.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import sys
import traceback
from collections.abc import Callable, Iterable
from typing import Any, NoReturn, TypeVar

EXIT_INTERNAL = 4
EXIT_INTERRUPTED = 130
EXIT_OUTPUT_CLOSED = 141
DEBUG_VARIABLE = "FLINKDOCTOR_DEBUG"

_F = TypeVar("_F", bound=Callable[..., Any])
_SECRETS: set[str] = set()
# 'properties.sasl.password' = 'x', password=x, "ssl.key.password" = "x" in free text.
_SECRET_ASSIGNMENT = re.compile(
    r"""(?P<head>(?:password|passwd|secret|token|api[._-]?key)[\w.-]*['"]?\s*=\s*)"""
    r"""(?P<value>"[^"]*"?|'[^']*'?|[^\s,;)'"]+)""",
    re.IGNORECASE,
)


class Interrupted(Exception):
    """Ctrl-C inside a command, carried past typer (which would exit 130 without a word)."""


class OutputClosed(Exception):
    """stdout's reader went away (``| head``), carried past typer (which would exit 1)."""


def remember_secrets(secrets: Iterable[str]) -> None:
    """Secrets the command now holds (passwords from settings): masked in every message."""
    _SECRETS.update(s for s in secrets if s)


def redact_message(text: str) -> str:
    """``text`` safe to print: known secrets and ``password=...``-shaped values masked."""
    from flinkdoctor.events.redact import REDACTED, redact_jaas, scrub  # light; not at start-up

    text = scrub(text, _SECRETS)
    text = redact_jaas(text)

    def mask(match: re.Match[str]) -> str:
        value = match["value"]
        quote = value[0] if value[:1] in ("'", '"') else ""
        return f"{match['head']}{quote}{REDACTED}{quote}"

    return _SECRET_ASSIGNMENT.sub(mask, text)


def guarded(command: _F) -> _F:
    """``command`` with Ctrl-C and a closed stdout turned into exceptions typer lets through."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except KeyboardInterrupt:
            raise Interrupted() from None
        except BrokenPipeError:
            raise OutputClosed() from None

    return run  # type: ignore[return-value]


def say(line: str) -> None:
    """One line on stderr, redacted; a closed stderr is not worth a traceback."""
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(redact_message(line) + "\n")
        sys.stderr.flush()


def usage_error(error: Exception) -> NoReturn:
    """A bad option or argument: click's usage line, then its message (redacted), exit 2."""
    context = getattr(error, "ctx", None)
    if context is not None:
        try:
            sys.stderr.write(context.get_usage() + "\n")
            sys.stderr.write(f"Try '{context.command_path} --help' for help.\n\n")
        except (OSError, ValueError):
            pass
    format_message = getattr(error, "format_message", None)
    message = format_message() if callable(format_message) else str(error)
    say(f"Error: {message}")
    sys.exit(2)


def interrupted() -> NoReturn:
    say("flinkdoctor: interrupted")
    sys.exit(EXIT_INTERRUPTED)


def output_closed() -> NoReturn:
    # no second complaint from the interpreter when it flushes stdout at exit
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(EXIT_OUTPUT_CLOSED)


def internal_error(error: BaseException) -> NoReturn:
    """A bug: one line and exit 4; the traceback too with ``FLINKDOCTOR_DEBUG=1``."""
    if os.environ.get(DEBUG_VARIABLE, "") not in ("", "0"):
        text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.write(redact_message(text))
    detail = str(error).splitlines()[0][:300] if str(error) else ""
    what = type(error).__name__ + (f": {detail}" if detail else "")
    hint = "" if os.environ.get(DEBUG_VARIABLE) else f" ({DEBUG_VARIABLE}=1 shows the traceback)"
    say(f"flinkdoctor: internal error: {what}, please report{hint}")
    sys.exit(EXIT_INTERNAL)
