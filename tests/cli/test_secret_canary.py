"""Issue 10, item 9: a secret never reaches any output, whatever the input.

Every command runs on every input that holds the canary secret (good scripts, scripts with the
syntax errors that used to echo it, PyFlink jobs, Kafka settings from files, flags and the
environment, unreachable brokers) and stdout, stderr and every file written are searched for it.
Adding a command is one line in ``COMMANDS``; a command not registered (yet) is skipped (every
command in the list is registered now: explain and lint run with their real options).
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from flinkdoctor.cli.app import _register_commands, app
from tests.cli.conftest import Run

CANARY = "Canary-Pw-7f3a9Q"
JAAS = (
    "org.apache.kafka.common.security.plain.PlainLoginModule required "
    f'username="bob" password="{CANARY}";'
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


PORT = _free_port()  # nobody listens: every connection is refused
TABLE = """CREATE TABLE ev (
  host STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = 't',
  'properties.bootstrap.servers' = '127.0.0.1:{port}',
  'properties.security.protocol' = 'SASL_PLAINTEXT',
  'properties.sasl.mechanism' = 'PLAIN',
  {secret_options}
  'format' = 'json'
);
SELECT host, window_start, COUNT(*) AS n
  FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
  GROUP BY host, window_start, window_end;
"""
SECRET_OPTIONS = {  # the WITH options holding the canary, well-formed or not
    "jaas": f"'properties.sasl.jaas.config' = '{JAAS}',",
    "jaas-missing-equals": f"'properties.sasl.jaas.config' '{JAAS}',",
    "password-double-quoted": f"'properties.sasl.password' = \"{CANARY}\",",
    "password-missing-equals": f"'properties.sasl.password' '{CANARY}',",
    "password-unquoted": f"'properties.sasl.password' = {CANARY},",
    "password": f"'properties.sasl.username' = 'bob', 'properties.sasl.password' = '{CANARY}',",
}
PY_JOB = '''from pyflink.table import EnvironmentSettings, TableEnvironment

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.execute_sql("""{ddl}""")
'''

COMMANDS: list[tuple[str, str]] = [  # (command, its arguments: {script} {events} {out} {kafka})
    ("simulate-windows", "{script} --events {events} --svg {out}/r.svg --html {out}/r.html"),
    ("simulate-windows", "{script} --events {events} --format json"),
    ("simulate-windows", "{script} --timeout 2"),
    ("check-pattern", "--ddl {script} --events {events}"),
    ("check-pattern", "--ddl {script} --timeout 2"),
    ("sample", "--ddl {script} --out {out}/s.jsonl --timeout 2"),
    ("explain", "{script} --events {events}"),
    ("explain", "{script} --events {events} --format json --write-fixed {out}/fixed --quiet"),
    ("explain", "{script} --events {events} --html {out}/r.html --write-fixed {out}/fixed"),
    ("explain", "{script} --timeout 2"),
    ("lint", "{script}"),
    ("lint", "{script} --format json"),
    ("lint", "{script} --format sarif --select ALL --fail-on info"),
    ("lint", "{script} --format github --disable-noqa"),
]
KAFKA_COMMANDS: list[tuple[str, str]] = [  # (command, arguments) given only Kafka options
    ("sample", "{kafka} --out {out}/s.jsonl --timeout 2"),
    ("check-pattern", "yyyy --field ts {kafka} --timeout 2"),
    ("simulate-windows", "{plain_script} {kafka} --timeout 2"),
    ("explain", "{plain_script} {kafka} --timeout 2"),
]
KAFKA_OPTIONS = {  # how the canary reaches the Kafka client settings
    "config-line-without-key": ("--kafka-config {config}", f"={CANARY}\n"),
    "config-colon-without-key": ("--kafka-config {config}", f": {CANARY}\n"),
    "config-password": (
        "--kafka-config {config}",
        "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.username=bob\n"
        f"sasl.password={CANARY}\n",
    ),
    "config-jaas": (
        "--kafka-config {config}",
        f"security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config={JAAS}\n",
    ),
    "config-bad-jaas": (
        "--kafka-config {config}",
        f"security.protocol=SASL_PLAINTEXT\nsasl.jaas.config=Nope password={CANARY} x\n",
    ),
    "option-password-no-mechanism": (
        f"-X security.protocol=SASL_PLAINTEXT -X sasl.password={CANARY}",
        None,
    ),
    "option-scram-jaas": (
        "-X security.protocol=SASL_PLAINTEXT -X sasl.mechanism=SCRAM-SHA-512 "
        f"-X sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule "
        f"required username=bob password={CANARY};",
        None,
    ),
}


def _registered(command: str) -> bool:
    _register_commands()
    return command in {c.name for c in app.registered_commands}


def _assert_no_canary(run: Run, out_dir: Path, *, bug: bool = False) -> None:
    if not bug:
        assert "Traceback" not in run.err, run.err
        assert run.code in (0, 1, 2, 3), (run.code, run.err)
    assert CANARY not in run.out, run.out
    assert CANARY not in run.err, run.err
    for written in out_dir.rglob("*"):
        if written.is_file():
            assert CANARY not in written.read_text(errors="replace"), written


def _args(template: str, **values: object) -> list[str]:
    return [part.format(**values) for part in template.split()]


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path, Path]:
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    out.mkdir()
    events = inputs / "events.jsonl"
    events.write_text('{"host": "a", "ts": "2024-01-01 00:00:00"}\n')
    return inputs, out, events


@pytest.mark.parametrize("suffix", [".sql", ".py"])
@pytest.mark.parametrize("variant", sorted(SECRET_OPTIONS))
@pytest.mark.parametrize(("command", "template"), COMMANDS)
def test_scripts_holding_a_secret_never_print_it(
    cli: Callable[..., Run],
    dirs: tuple[Path, Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    template: str,
    variant: str,
    suffix: str,
) -> None:
    if not _registered(command):
        pytest.skip(f"no {command} command on this branch yet")
    inputs, out, events = dirs
    ddl = TABLE.format(port=PORT, secret_options=SECRET_OPTIONS[variant])
    script = inputs / f"job{suffix}"
    script.write_text(PY_JOB.format(ddl=ddl) if suffix == ".py" else ddl)
    monkeypatch.delenv("FLINKDOCTOR_DEBUG", raising=False)
    run = cli(command, *_args(template, script=script, events=events, out=out))
    _assert_no_canary(run, out)


@pytest.mark.parametrize("source", sorted(KAFKA_OPTIONS))
@pytest.mark.parametrize(("command", "template"), KAFKA_COMMANDS)
def test_kafka_settings_holding_a_secret_never_print_it(
    cli: Callable[..., Run],
    dirs: tuple[Path, Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    template: str,
    source: str,
) -> None:
    inputs, out, _ = dirs
    options, config_text = KAFKA_OPTIONS[source]
    config = inputs / "client.properties"
    if config_text is not None:
        config.write_text(config_text)
    plain = inputs / "plain.sql"
    plain.write_text(TABLE.format(port=PORT, secret_options=""))
    kafka = f"-b 127.0.0.1:{PORT} -t t " + options.format(config=config)
    args = template.replace("{kafka}", kafka)
    run = cli(command, *_args(args, out=out, plain_script=plain))
    _assert_no_canary(run, out)


def test_the_secret_from_the_environment_is_never_printed(
    cli: Callable[..., Run], dirs: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, out, _ = dirs
    monkeypatch.setenv("KAFKA_SASL_PASSWORD", CANARY)
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
    for mechanism in ("PLAIN", "NOPE"):
        run = cli(
            "sample", "-b", f"127.0.0.1:{PORT}", "-t", "t", "--sasl-mechanism", mechanism,
            "--sasl-username", "bob", "--timeout", "2", "--out", str(out / "s.jsonl"),
        )  # fmt: skip
        assert run.code in (2, 3)
        _assert_no_canary(run, out)


def test_an_internal_error_carrying_the_secret_does_not_print_it(
    cli: Callable[..., Run], dirs: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs, out, events = dirs
    script = inputs / "job.sql"
    script.write_text(TABLE.format(port=PORT, secret_options=SECRET_OPTIONS["jaas"]))

    def leak(*_: object, **__: object) -> None:
        raise RuntimeError(f"a bug that quotes the config: password={CANARY} {CANARY}")

    monkeypatch.setattr("flinkdoctor.engine.simulate", leak)
    monkeypatch.setattr("flinkdoctor.diagnosis.explain.explain", leak)
    monkeypatch.setattr("flinkdoctor.lint.runner.check_script", leak)
    for command in ("simulate-windows", "explain", "lint"):
        for debug in ("0", "1"):
            monkeypatch.setenv("FLINKDOCTOR_DEBUG", debug)
            args = [str(script)] if command == "lint" else [str(script), "--events", str(events)]
            run = cli(command, *args)
            assert run.code == 4, (command, run.code, run.err)
            assert ("Traceback" in run.err) == (debug == "1")
            _assert_no_canary(run, out, bug=True)


def test_every_command_of_the_canary_is_registered() -> None:
    """Nothing above is skipped: a command the canary lists exists (a rename would otherwise
    turn its cases into skips)."""
    for command, _ in COMMANDS + KAFKA_COMMANDS:
        assert _registered(command), command


FIXABLE = """CREATE TABLE ev (
  host STRING,
  event_time STRING,
  ts AS TO_TIMESTAMP(event_time, 'yyyy-MM-dd HH:mm:ss'),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('properties.sasl.password' = '{canary}',
  'connector' = 'kafka', 'topic' = 't', 'properties.bootstrap.servers' = '127.0.0.1:{port}',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'json');
SELECT host, window_start, COUNT(*) AS n
  FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
  GROUP BY host, window_start, window_end;
"""


@pytest.mark.parametrize("output", [(), ("--format", "json"), ("--html", "{out}/r.html")])
def test_the_fix_diff_masks_a_secret_on_its_context_lines(
    cli: Callable[..., Run], dirs: tuple[Path, Path, Path], output: tuple[str, ...]
) -> None:
    """explain's diff shows the lines around each edit: the password next to the pattern it
    fixes is masked there (the fixed script, written elsewhere, keeps it: it is the user's)."""
    inputs, out, _ = dirs
    script = inputs / "job.sql"
    script.write_text(FIXABLE.format(canary=CANARY, port=PORT))
    events = inputs / "events.jsonl"
    events.write_text('{"host": "a", "event_time": "2024-12-14T03:12:45.123Z"}\n')
    run = cli("explain", str(script), "--events", str(events), *(a.format(out=out) for a in output))
    assert run.code == 1, run.err
    shown = (out / "r.html").read_text() if "--html" in output else run.out
    assert "HH:mm:ss.SSS" in shown  # the diff with the fixed pattern is there
    _assert_no_canary(run, out)
