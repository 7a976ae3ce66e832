"""Every read and write of a user's file goes through here, so every failure reads the same way:
one ``InputError`` naming the path and what the system said (exit 2), never a traceback.

Reads fail in more places than ``open``: ``/proc/self/mem`` opens fine and fails on the first
``read``; a directory given as an output path fails on ``open``; a full disk fails on ``write``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

from flinkdoctor.errors import InputError


def read_failure(path: str | os.PathLike[str], error: OSError, what: str = "file") -> InputError:
    """The one message for a file that cannot be read."""
    if isinstance(error, FileNotFoundError):
        reason = "no such file"
    elif isinstance(error, IsADirectoryError):
        reason = "is a directory, not a file"
    else:
        noun = "" if what == "file" else f" {what}"
        reason = f"cannot read{noun}: {error.strerror or type(error).__name__}"
    return InputError(f"{os.fspath(path)}: {reason}")


def write_failure(path: str | os.PathLike[str], error: OSError) -> InputError:
    """The one message for an output path that cannot be written."""
    if isinstance(error, FileNotFoundError):
        reason = "its directory does not exist"
    elif isinstance(error, IsADirectoryError):
        reason = "is a directory, not a file"
    else:
        reason = error.strerror or type(error).__name__
    return InputError(f"{os.fspath(path)}: cannot write: {reason}")


def read_text(path: Path) -> str:
    """A UTF-8 text file, or one clear InputError naming it."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise read_failure(path, error) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: not UTF-8 text (byte {error.start})") from None


def open_binary(path: str, what: str = "file") -> BinaryIO:
    """``path`` opened for reading bytes (the caller closes it)."""
    try:
        return open(path, "rb")
    except OSError as error:
        raise read_failure(path, error, what) from None


def read_chunks(handle: BinaryIO, path: str, size: int, what: str = "file") -> Iterator[bytes]:
    """The bytes of ``handle`` ``size`` at a time (``read1`` when there: what is there, without
    waiting for more); a failing read is an InputError naming ``path``."""
    read = getattr(handle, "read1", handle.read)
    while True:
        try:
            chunk = read(size)
        except OSError as error:
            raise read_failure(path, error, what) from None
        if not chunk:
            return
        yield chunk


def check_writable(path: Path, option: str) -> None:
    """Fail before the work when ``path`` (an ``--svg`` / ``--html`` / ``--out``) cannot be
    written: its directory is missing, or it is a directory."""
    parent = path.parent if str(path.parent) else Path(".")
    try:
        if path.is_dir():
            raise InputError(f"{option} {path}: is a directory, not a file")
        if not parent.is_dir():
            raise InputError(f"{option} {path}: cannot write: directory {parent} does not exist")
    except OSError as error:  # a name too long, a permission on the way: not a bug
        raise InputError(f"{option} {path}: cannot write: {error.strerror or error}") from None


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` (UTF-8), or one clear InputError naming it."""
    try:
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except OSError as error:
        raise write_failure(path, error) from None


def open_text_for_writing(path: Path) -> TextIO:
    """``path`` opened for writing UTF-8 lines (the caller closes it)."""
    try:
        return open(path, "w", encoding="utf-8", newline="\n")
    except OSError as error:
        raise write_failure(path, error) from None
