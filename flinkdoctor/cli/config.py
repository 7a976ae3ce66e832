"""``[tool.flinkdoctor]`` in pyproject.toml: project defaults for every command
(docs/configuration.md).

A key is a command-line option without its dashes (``flink-version``, ``format``, ``fail-on``):
at the top of ``[tool.flinkdoctor]`` it is a default for every command that has that option, in
``[tool.flinkdoctor.<command>]`` for that command only (which wins). ``lint`` also takes a
``severity`` table (``{ "no-idle-timeout" = "error" }``). The command line always wins over the
file. ``lint`` reads the pyproject.toml found from its files upward, every other command the one
found from the working directory upward; the nearest pyproject.toml with a ``[tool.flinkdoctor]``
table is used, as ruff does.

The values go through the options' own types (so ``format = "xml"`` fails exactly like
``--format xml``) and are handed to click as ``default_map`` entries; a bad file, table, key or
value is one line naming the file and the key, exit 2.
"""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer

from flinkdoctor.errors import InputError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

FILE_NAME = "pyproject.toml"
TABLE = "tool.flinkdoctor"
LINT_COMMAND = "lint"
"""The command that finds its configuration from its files, not the working directory."""
_NOT_OPTIONS = frozenset(["help", "version", "install-completion", "show-completion"])


class ConfigError(InputError):
    """A pyproject.toml we cannot use: the file, the key, and what is wrong (exit 2)."""


@dataclass(frozen=True, slots=True)
class ProjectConfig:
    """The ``[tool.flinkdoctor]`` table of one pyproject.toml."""

    path: Path
    table: Mapping[str, Any]

    def error(self, where: str, message: str) -> ConfigError:
        """One clear line: ``pyproject.toml: [tool.flinkdoctor.lint] fail-on: message``."""
        return ConfigError(f"{self.path}: [{where}] {message}")


def read_config(path: Path) -> ProjectConfig | None:
    """The ``[tool.flinkdoctor]`` table of ``path``; None when it has none."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None
    if b"flinkdoctor" not in raw:  # most pyproject.toml files: no TOML parsing at all
        return None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: not UTF-8 text (byte {error.start})") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    tool = data.get("tool")
    table = tool.get("flinkdoctor") if isinstance(tool, dict) else None
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [{TABLE}] must be a table, not {_kind(table)}")
    return ProjectConfig(path, table)


def find_config(start: Path) -> ProjectConfig | None:
    """The nearest pyproject.toml with a ``[tool.flinkdoctor]`` table, from ``start`` (a file or
    directory) upward."""
    start = start.absolute()
    directory = start if start.is_dir() else start.parent
    for folder in (directory, *directory.parents):
        candidate = folder / FILE_NAME
        if candidate.is_file():
            found = read_config(candidate)
            if found is not None:
                return found
    return None


def common_root(paths: Iterable[Path]) -> Path:
    """The deepest directory holding every one of ``paths`` (the working directory if none)."""
    absolute = [str(p.absolute()) for p in paths]
    if not absolute:
        return Path.cwd()
    root = Path(os.path.commonpath(absolute))
    return root if root.is_dir() else root.parent


def _kind(value: object) -> str:
    return {
        dict: "a table",
        list: "an array",
        str: "a string",
        bool: "a boolean",
        int: "an integer",
        float: "a number",
    }.get(type(value), type(value).__name__)


def _options(command: Any) -> dict[str, Any]:
    """The command's options by configuration key (``--flink-version`` -> ``flink-version``)."""
    found: dict[str, Any] = {}
    for param in getattr(command, "params", ()):
        if getattr(param, "param_type_name", "") != "option":
            continue
        longs = [opt for opt in param.opts if opt.startswith("--")]
        if not longs:
            continue
        key = longs[0][2:]
        if key not in _NOT_OPTIONS and not getattr(param, "is_eager", False):
            found[key] = param
    return found


def _close(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6)
    return f" (did you mean {', '.join(close)}?)" if close else ""


def _normal(key: str) -> str:
    return key.replace("_", "-").lower()


@dataclass(frozen=True, slots=True)
class Defaults:
    """One command's defaults from a file: ``values`` by parameter name (click's
    ``default_map``) and, for messages, where each came from (``pyproject.toml: [table] key``)."""

    values: dict[str, Any]
    origins: dict[str, str]


def command_defaults(config: ProjectConfig, group: Any, name: str, ctx: typer.Context) -> Defaults:
    """The defaults of command ``name`` (a command of ``group``) from ``config``, every value
    checked with the option's own type (``ConfigError`` naming the file and key otherwise).

    Only the running command is loaded for this; the other commands are loaded (see
    ``app.all_commands``) only when a top-level key is no option of this one, to tell a key that
    belongs to another command from a typo."""
    from flinkdoctor.cli.app import COMMAND_NAMES, all_commands

    options = _options(group.get_command(ctx, name))
    top: dict[str, Any] = {}
    own: dict[str, Any] = {}
    elsewhere: dict[str, str] = {}
    for raw_key, value in config.table.items():
        key = _normal(raw_key)
        if key in COMMAND_NAMES:
            if not isinstance(value, dict):
                raise config.error(
                    TABLE,
                    f"{raw_key}: must be a table of options for "
                    f"`flinkdoctor {key}`, not {_kind(value)}",
                )
            if key == name:
                own = {_normal(k): (k, v) for k, v in value.items()}
        elif key in options:
            top[key] = (raw_key, value)
        else:
            elsewhere[key] = raw_key
    if elsewhere:
        every_option = {key for command in all_commands(ctx) for key in _options(command)}
        for key, raw_key in elsewhere.items():
            if key not in every_option:
                raise config.error(
                    TABLE, f"unknown key {raw_key!r}{_close(key, [*every_option, *COMMAND_NAMES])}"
                )
    for key, (raw_key, _) in own.items():
        if key not in options:
            raise config.error(
                f"{TABLE}.{name}",
                f"unknown key {raw_key!r}: `flinkdoctor {name}` has no --{key} option"
                f"{_close(key, options)}",
            )
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for key, (raw_key, value) in {**top, **own}.items():
        where = f"{TABLE}.{name}" if key in own else TABLE
        param = options[key]
        values[param.name] = _checked(config, where, raw_key, param, value, ctx)
        origins[param.name] = f"{config.path}: [{where}] {raw_key}"
    return Defaults(values, origins)


def _checked(
    config: ProjectConfig, where: str, key: str, param: Any, value: Any, ctx: typer.Context
) -> Any:
    """``value`` converted by the option's type, relative paths made relative to the file."""
    if isinstance(value, dict):
        if not param.multiple:
            raise config.error(where, f"{key}: expected a single value, not a table")
        value = [f"{k}={v}" for k, v in value.items()]  # severity = { name = "error" }
    if param.multiple and isinstance(value, (str, int, float)) and not isinstance(value, bool):
        value = [value]
    if isinstance(value, list) and not param.multiple:
        raise config.error(where, f"{key}: expected a single value, not an array")
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        raise config.error(where, f"{key}: expected an array of plain values")
    if getattr(param, "is_flag", False) and not isinstance(value, bool):
        raise config.error(where, f"{key}: expected true or false, not {_kind(value)}")
    try:
        converted = param.process_value(ctx, value)
    except typer.BadParameter as error:
        raise config.error(where, f"{key}: {_reason(error.format_message())}") from None
    except (TypeError, ValueError) as error:
        raise config.error(where, f"{key}: {error}") from None
    if _is_path(param) and converted is not None:
        base = config.path.parent
        if param.multiple:
            return [p if str(p) == "-" else base / p for p in converted]
        return converted if str(converted) == "-" else base / converted
    return converted


def _is_path(param: Any) -> bool:
    """A path option, for typer on click (``click.Path``) and on its own core (annotation)."""
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is not None:
        return getattr(descriptor, "annotation", None) is Path
    return getattr(getattr(param, "type", None), "name", "") == "path"


def _reason(message: str) -> str:
    """click's "Invalid value for '--x': Value error, why" without what the key already says."""
    _, sep, rest = message.partition("': ")
    reason = rest if sep and message.startswith("Invalid value for") else message
    return reason.removeprefix("Value error, ")


def apply_project_defaults(ctx: typer.Context) -> None:
    """Root callback hook: the running command's defaults from the pyproject.toml found from
    the working directory (``lint`` reads the one of its files itself)."""
    name = ctx.invoked_subcommand
    if name is None or name == LINT_COMMAND:
        return
    config = find_config(Path.cwd())
    if config is None:
        return
    defaults = command_defaults(config, ctx.command, name, ctx)
    if defaults.values:
        ctx.default_map = {**(ctx.default_map or {}), name: defaults.values}


def explicit(ctx: typer.Context, param_name: str) -> bool:
    """True when the user gave ``param_name`` on the command line (or in its env variable)."""
    source = ctx.get_parameter_source(param_name)
    return source is not None and source.name in ("COMMANDLINE", "ENVIRONMENT")
