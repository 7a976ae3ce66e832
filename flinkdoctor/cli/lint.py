"""``flinkdoctor lint PATH...``: the semantic checks of every Flink SQL script and PyFlink job
under PATH, for CI and pre-commit (docs/lint.md).

Thin edge: finds the files and the configuration, reads each file, hands its text to the pure
core (``lint.load_for_lint``, ``lint.check_script``, ``lint.noqa``), renders, sets the exit code.
A file that cannot be read or parsed is one line in the report (and counts as an error); the
other files are still linted. Only typer is imported at module level, so registering the command
costs nothing; the parser and the rules load when the command runs.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from flinkdoctor.cli.help import EXIT_CODES, choices, command_help
from flinkdoctor.cli.help import register as register_command

if TYPE_CHECKING:
    from flinkdoctor.cli.config import ProjectConfig
    from flinkdoctor.cli.lint_files import SourceFile
    from flinkdoctor.errors import Location
    from flinkdoctor.findings import Finding
    from flinkdoctor.lint.report import FileError, LintReport
    from flinkdoctor.lint.rule import Rule
    from flinkdoctor.lint.selection import RuleSelection


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"


HELP = command_help(
    """Check Flink SQL scripts and PyFlink jobs for what keeps a sink empty, fails the job or
    puts it at risk, before it is deployed: offline, in milliseconds, no JVM.""",
    """PATH is a file, a directory (searched for *.sql, and *.py files with Flink SQL or Table
    API calls) or a glob; default: the current directory. Every finding is one line
    path:line:col: CODE name message, at its place in your own file (the .py line for a
    PyFlink job). flinkdoctor rules lists the rules, flinkdoctor rule NAME explains one.""",
    """Silence a finding with -- noqa: CODE on its line (# noqa: CODE in Python), a whole file
    with -- flinkdoctor: noqa. Defaults come from the tool.flinkdoctor table of the nearest
    pyproject.toml (docs/configuration.md); options given here win.""",
    examples=[
        ("every script and PyFlink job below a folder", "flinkdoctor lint examples/seed"),
        (
            "only pattern rules and the idle timeout; fail on errors alone",
            "flinkdoctor lint --select FD1,FD202 --fail-on error 'examples/**/*.sql'",
        ),
        (
            "SARIF for GitHub code scanning",
            "flinkdoctor lint --format sarif examples/ > flinkdoctor.sarif",
        ),
    ],
    exit_codes={
        0: "nothing at or above --fail-on (or --exit-zero)",
        1: "a finding at or above --fail-on, or a file that cannot be read or parsed",
        2: "usage or configuration error (one line naming the option, file or key)",
        4: EXIT_CODES[4],
    },
)


def lint(
    ctx: typer.Context,
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[PATH]...", help="Files, directories or globs (default: the current one)."
        ),
    ] = None,
    select: Annotated[
        list[str] | None,
        typer.Option(
            "--select",
            metavar="RULES",
            help="Only these rules: codes, names, code prefixes (FD2) or ALL, comma-separated.",
        ),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option("--ignore", metavar="RULES", help="Skip these rules (same forms)."),
    ] = None,
    severity: Annotated[
        list[str] | None,
        typer.Option(
            "--severity",
            metavar="RULE=LEVEL",
            help="Report RULE at LEVEL (error, warning, info); repeatable.",
        ),
    ] = None,
    fail_on: Annotated[
        FailOn,
        typer.Option(
            "--fail-on",
            metavar=choices(FailOn),
            help="Lowest severity that makes the exit code 1.",
            case_sensitive=False,
        ),
    ] = FailOn.warning,
    exit_zero: Annotated[
        bool, typer.Option("--exit-zero", help="Exit 0 even when something is found.")
    ] = False,
    disable_noqa: Annotated[
        bool, typer.Option("--disable-noqa", help="Report findings that noqa comments silence.")
    ] = False,
    output_format: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            metavar=choices(OutputFormat),
            help="text (one line per finding), json, sarif (code scanning) or github "
            "(Actions annotations).",
            case_sensitive=False,
        ),
    ] = OutputFormat.text,
    exclude: Annotated[
        list[str] | None,
        typer.Option("--exclude", metavar="GLOB", help="Skip files matching GLOB; repeatable."),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            metavar="FILE",
            help="Read the tool.flinkdoctor table of FILE instead of the nearest pyproject.toml.",
        ),
    ] = None,
    isolated: Annotated[
        bool, typer.Option("--isolated", help="Ignore every configuration file.")
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet",
            "-q",
            help="Print the findings only: no summary line, no warnings on stderr.",
        ),
    ] = False,
) -> None:
    """Semantic checks of Flink SQL scripts and PyFlink jobs, for CI and pre-commit."""
    from flinkdoctor.cli.config import command_defaults, explicit
    from flinkdoctor.cli.lint_files import discover

    targets = list(paths or ["."])
    given: dict[str, Any] = {
        "select": select,
        "ignore": ignore,
        "severity": severity,
        "fail_on": fail_on,
        "exit_zero": exit_zero,
        "disable_noqa": disable_noqa,
        "exclude": exclude,
        "output_format": output_format,
    }
    project = None if isolated else _project_config(config, targets)
    values: dict[str, Any] = dict(given)
    origins: dict[str, str] = {}
    if project is not None and ctx.parent is not None:
        found = command_defaults(project, ctx.parent.command, "lint", ctx)
        for name, value in found.values.items():
            if name in values and not explicit(ctx, name):
                values[name] = value
                origins[name] = found.origins[name]
    files = discover(targets, exclude=tuple(values["exclude"] or ()))
    if not files and not quiet:
        typer.echo(f"flinkdoctor: warning: no *.sql or *.py files in {' '.join(targets)}", err=True)
    selection = _selection(values, origins)
    report = run(
        files,
        selection,
        fail_on=FailOn(values["fail_on"]),
        exit_zero=bool(values["exit_zero"]),
        noqa=not values["disable_noqa"],
    )
    _emit(report, OutputFormat(values["output_format"]), quiet=quiet)
    raise typer.Exit(report.exit_code)


def _project_config(config: Path | None, targets: list[str]) -> ProjectConfig | None:
    from flinkdoctor.cli.config import ConfigError, common_root, find_config, read_config
    from flinkdoctor.cli.lint_files import exists

    if config is not None:
        found = read_config(config)
        if found is None:
            raise ConfigError(f"{config}: has no [tool.flinkdoctor] table")
        return found
    existing = [Path(t) for t in targets if exists(Path(t))]
    return find_config(common_root(existing))


def _selection(values: dict[str, Any], origins: dict[str, str]) -> RuleSelection:
    """The rules and severities; a wrong selector names the option or the file and key."""
    from flinkdoctor.errors import InputError
    from flinkdoctor.lint.selection import RuleSelection, SelectorError

    severity: dict[str, str] = {}
    for item in values["severity"] or ():
        rule, sep, level = item.partition("=")
        if not sep:
            where = origins.get("severity", "--severity")
            raise InputError(f"{where}: expected RULE=LEVEL, not {item!r}")
        severity[rule.strip()] = level.strip()
    try:
        RuleSelection.build(values["select"] or ("ALL",))
    except SelectorError as error:
        raise InputError(f"{origins.get('select', '--select')}: {error}") from None
    try:
        RuleSelection.build(ignore=values["ignore"] or ())
    except SelectorError as error:
        raise InputError(f"{origins.get('ignore', '--ignore')}: {error}") from None
    try:
        return RuleSelection.build(values["select"] or ("ALL",), values["ignore"] or (), severity)
    except SelectorError as error:
        raise InputError(f"{origins.get('severity', '--severity')}: {error}") from None


def run(
    files: list[SourceFile],
    selection: RuleSelection,
    *,
    fail_on: FailOn,
    exit_zero: bool,
    noqa: bool,
) -> LintReport:
    """Lint every file; one report."""
    from flinkdoctor.findings import Severity
    from flinkdoctor.lint.docgen import rule_info
    from flinkdoctor.lint.registry import RULES
    from flinkdoctor.lint.report import LintReport

    rules = selection.rules(RULES)
    findings: list[Finding] = []
    unparsed: list[FileError] = []
    line_text: dict[tuple[str, int], str] = {}
    checked = suppressed = 0
    for file in files:
        outcome = lint_file(file, rules, selection, noqa=noqa)
        if outcome is None:
            continue
        checked += 1
        if isinstance(outcome, tuple):
            kept, silenced, lines = outcome
            findings += kept
            suppressed += silenced
            for finding in kept:
                line = finding.location.line if finding.location else 0
                if 0 < line <= len(lines):
                    line_text[(file.display, line)] = lines[line - 1]
        else:
            unparsed.append(outcome)
    return LintReport.build(
        findings,
        unparsed,
        files_checked=checked,
        suppressed=suppressed,
        fail_on=Severity(fail_on.value),
        exit_zero=exit_zero,
        line_text=line_text,
        rules=[rule_info(rule) for rule in rules],
    )


def lint_file(
    file: SourceFile, rules: tuple[Rule, ...], selection: RuleSelection, *, noqa: bool
) -> tuple[list[Finding], int, list[str]] | FileError | None:
    """``(findings, silenced count, lines)``, a ``FileError``, or None for a file skipped (a
    .py file without Flink, or silenced as a whole)."""
    from flinkdoctor.cli.lint_files import holds_flink, read_source
    from flinkdoctor.errors import FlinkDoctorError, Location
    from flinkdoctor.lint.load import load_for_lint
    from flinkdoctor.lint.noqa import NONE, apply_noqa, parse_noqa
    from flinkdoctor.lint.report import FileError
    from flinkdoctor.lint.runner import check_script

    try:
        text = read_source(file.path)
    except UnicodeDecodeError as error:
        return FileError(file.display, 0, 0, f"not UTF-8 text (byte {error.start})")
    except OSError as error:
        return FileError(file.display, 0, 0, f"cannot read: {error.strerror or error}")
    if file.python and not holds_flink(text):
        return None
    directives = parse_noqa(text, python=file.python) if noqa else NONE
    if directives.whole_file:
        return None
    try:
        script = load_for_lint(text, file.display)
    except FlinkDoctorError as error:
        loc = error.location or Location(file.display)
        return FileError(file.display, loc.line, loc.column, error.message)
    except RecursionError:
        return FileError(file.display, 0, 0, "nested too deeply to parse")
    found: list[Finding] = []
    for finding in check_script(script, rules, text=text):
        if finding.location is None:
            finding = _located(finding, Location(file.display))
        found.append(selection.adjust(finding))
    kept, silenced = apply_noqa(found, directives)
    return kept, len(silenced), text.splitlines()


def _located(finding: Finding, location: Location) -> Finding:
    from dataclasses import replace

    return replace(finding, location=location)


def _emit(report: LintReport, output_format: OutputFormat, *, quiet: bool = False) -> None:
    if output_format is OutputFormat.json:
        from flinkdoctor.render.lint_json import lint_report_json

        typer.echo(lint_report_json(report))
    elif output_format is OutputFormat.sarif:
        from flinkdoctor.render.sarif import render_sarif

        typer.echo(render_sarif(report))
    elif output_format is OutputFormat.github:
        from flinkdoctor.render.github import render_github
        from flinkdoctor.render.lint_text import summary_line

        typer.echo(render_github(report), nl=False)
        if not quiet:
            typer.echo(summary_line(report), err=True)
    else:
        from flinkdoctor.render.lint_text import render_lint_text

        width = _terminal_width()
        text = render_lint_text(report, color=_color(), width=width, summary=not quiet)
        typer.echo(text, nl=False)


def _terminal_width() -> int | None:
    """A terminal's columns (findings wrap to it); None when piped (one line per finding)."""
    if not sys.stdout.isatty():
        return None
    import shutil

    return shutil.get_terminal_size((80, 24)).columns


def _color() -> bool:
    """ANSI colour on a terminal, never when piped or with NO_COLOR set (no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()


def register(app: typer.Typer) -> None:
    """Add the command to the application."""
    register_command(
        app,
        "lint",
        lint,
        help=HELP,
        short_help="Semantic checks of Flink SQL and PyFlink jobs, for CI and pre-commit.",
    )
