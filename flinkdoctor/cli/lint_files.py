"""Which files ``flinkdoctor lint PATH...`` reads: files, directories and globs (the I/O edge).

A directory is walked for ``*.sql`` and ``*.py`` files, skipping hidden directories and the usual
tool and environment folders (``.git``, ``.venv``, ``node_modules``, ``__pycache__`` ...). A
``.py`` file is linted only when it holds Flink SQL or Table API calls (it mentions ``pyflink`` or
calls ``execute_sql`` / ``sql_query`` / ...): pre-commit and directory walks hand us every Python
file, and most are not Flink jobs. A quoted glob (``'jobs/**/*.sql'``) is expanded here, for
shells and CI steps that do not. ``--exclude`` patterns match a path or any folder or file name
in it.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

from flinkdoctor.errors import InputError

SUFFIXES = (".sql", ".py")
SKIP_DIRS = frozenset(
    [
        "__pycache__",
        "__pypackages__",
        "_build",
        "build",
        "dist",
        "node_modules",
        "site-packages",
        "venv",
        "target",
    ]
)
"""Never walked into (nor any directory whose name starts with a dot)."""

_FLINK_PY = re.compile(
    r"pyflink|\.\s*(?:execute_sql|sql_query|add_insert_sql|explain_sql|sql_update)\s*\("
)
_GLOB_CHARS = re.compile(r"[*?\[]")


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file to lint: where it is, and how it is named in every output (relative to the
    working directory when it is below it, with ``/`` separators)."""

    path: Path
    display: str

    @property
    def python(self) -> bool:
        return self.path.suffix.lower() == ".py"


def display_name(path: Path, cwd: Path) -> str:
    """``path`` as a user reads it in a report (relative when below ``cwd``)."""
    absolute = path.absolute()
    try:
        return absolute.relative_to(cwd).as_posix()
    except ValueError:
        return path.as_posix()


def _walk(root: Path) -> Iterator[Path]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS)
        for name in sorted(files):
            if name.lower().endswith(SUFFIXES):
                yield Path(folder, name)


def _excluded(display: str, patterns: Sequence[str]) -> bool:
    """A pattern matches the whole displayed path or any one of its parts (a folder's or the
    file's name), as ruff's ``exclude`` does: ``legacy``, ``*_test.sql``, ``jobs/old/*``."""
    if not patterns:
        return False
    parts = display.split("/")
    return any(fnmatch(display, p) or any(fnmatch(part, p) for part in parts) for p in patterns)


def discover(
    arguments: Iterable[str], exclude: Sequence[str] = (), cwd: Path | None = None
) -> list[SourceFile]:
    """The files ``arguments`` name, each once, in order. A path that does not exist, or a
    glob that matches nothing, is an InputError (exit 2): a CI step with a typo must fail."""
    base = (cwd or Path.cwd()).absolute()
    found: dict[Path, SourceFile] = {}

    def add(path: Path) -> None:
        display = display_name(path, base)
        key = path.absolute()
        if key not in found and not _excluded(display, exclude):
            found[key] = SourceFile(path, display)

    for argument in arguments:
        try:
            _add_argument(argument, add)
        except OSError as error:  # a name too long, a folder we may not read
            raise InputError(f"{argument}: cannot read: {error.strerror or error}") from None
    return list(found.values())


def exists(path: Path) -> bool:
    """Whether ``path`` exists; False for a path the system cannot even look up."""
    try:
        return path.exists()
    except OSError:
        return False


def _add_argument(argument: str, add: Callable[[Path], None]) -> None:
    path = Path(argument)
    if path.is_dir():
        for file in _walk(path):
            add(file)
    elif path.is_file():
        add(path)
    elif _GLOB_CHARS.search(argument):
        matches = sorted(glob.glob(argument, recursive=True))
        if not matches:
            raise InputError(f"{argument}: no file matches this pattern")
        literal = set(Path(argument).parts)
        for match in map(Path, matches):
            if any(p in SKIP_DIRS and p not in literal for p in match.parts):
                continue  # like a directory walk (unless the pattern names it)
            if match.is_dir():
                for file in _walk(match):
                    add(file)
            elif match.name.lower().endswith(SUFFIXES):
                add(match)
    elif path.exists():
        raise InputError(f"{argument}: neither a file nor a directory")
    else:
        raise InputError(f"{argument}: no such file or directory")


def holds_flink(text: str) -> bool:
    """True when a Python file may hold Flink SQL or Table API calls (worth parsing)."""
    return _FLINK_PY.search(text) is not None


def read_source(path: Path) -> str:
    """The file's text; OSError / UnicodeDecodeError for the caller to report per file."""
    data = path.read_bytes()
    return data.decode("utf-8-sig") if data.startswith(b"\xef\xbb\xbf") else data.decode("utf-8")
