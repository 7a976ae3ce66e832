"""The lint rules: each one's own fixtures, exact messages and locations, fixes that are line
edits, PyFlink jobs located at their .py lines, and the seed jobs flagged with only what is true.

Expected values are literals: the timestamps Flink prints come from real Flink 1.20.3 (the same
calls are replayed on Flink in test_rules_flink.py; spec flink-observed.md lists several).
"""

# ruff: noqa: E501  (expected messages read better unwrapped)

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flinkdoctor.errors import Location
from flinkdoctor.findings import CATALOG, Edit, Finding, Severity
from flinkdoctor.lint import RULES, LintContext, check_script, rule_named
from flinkdoctor.lint.load import load_for_lint
from flinkdoctor.sql import SqlError, load_script

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "seed"
FIXTURES = Path(__file__).parent / "fixtures"

SLUGS = [
    "pattern-invalid", "pattern-suspicious", "rowtime-precision", "watermark-column-unknown",
    "window-without-time-attribute", "interval-precision", "window-size-not-multiple",
    "window-over-changelog", "epoch-unit-mismatch", "no-idle-timeout", "ignore-parse-errors",
    "startup-group-offsets", "startup-latest-offset", "plaintext-secret", "sink-needs-checkpoint",
    "jdbc-flush-disabled",
]  # fmt: skip


def lint(text: str, file: str = "job.sql") -> list[Finding]:
    return check_script(load_for_lint(text, file), text=text)


def named(text: str, name: str, file: str = "job.sql") -> list[Finding]:
    return [f for f in lint(text, file) if f.name == name]


def only(text: str, name: str, file: str = "job.sql") -> Finding:
    found = named(text, name, file)
    assert len(found) == 1, found
    return found[0]


def apply(text: str, edits: tuple[Edit, ...]) -> str:
    lines = text.splitlines()
    for e in sorted(edits, key=lambda e: e.start_line, reverse=True):
        lines[e.start_line - 1 : e.end_line] = list(e.replacement)
    return "\n".join(lines) + "\n"


# -- the registry -------------------------------------------------------------------------------


def test_registry_holds_exactly_the_issue_rules() -> None:
    assert sorted(r.name for r in RULES) == sorted(SLUGS)
    assert len({r.code for r in RULES}) == len(RULES)
    assert rule_named("FD202") is rule_named("no-idle-timeout")
    assert rule_named("NO-IDLE-TIMEOUT") is not None


def test_codes_and_severities_come_from_the_catalog() -> None:
    by_name = {k.name: k for k in CATALOG}
    for rule in RULES:
        assert by_name[rule.name].static
        assert (rule.code, rule.severity) == (by_name[rule.name].code, by_name[rule.name].severity)
    assert rule_named("pattern-invalid").code == "FD101"  # type: ignore[union-attr]
    assert rule_named("startup-latest-offset").severity is Severity.INFO  # type: ignore[union-attr]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_docs_have_the_ruff_sections_in_order(rule: object) -> None:
    docs = rule.docs()  # type: ignore[attr-defined]
    heads = ["## What it does", "## Why is this bad?", "## Example", "## Use instead"]
    positions = [docs.find(h) for h in heads]
    assert -1 not in positions and positions == sorted(positions), docs
    assert len(rule.fires) >= 2 and len(rule.passes) >= 2  # type: ignore[attr-defined]


# -- every rule's own fixtures ------------------------------------------------------------------

FIXTURE_CASES = [
    pytest.param(rule, kind, i, script, id=f"{rule.name}-{kind}{i}")
    for rule in RULES
    for kind, scripts in (("fires", rule.fires), ("passes", rule.passes))
    for i, script in enumerate(scripts)
]


@pytest.mark.parametrize(("rule", "kind", "index", "script"), FIXTURE_CASES)
def test_fixture(rule: object, kind: str, index: int, script: str) -> None:
    found = named(script, rule.name)  # type: ignore[attr-defined]
    if kind == "passes":
        assert found == []
        return
    assert found
    for f in found:
        assert f.code == rule.code and f.severity is rule.severity  # type: ignore[attr-defined]
        assert f.location is not None and f.location.file == "job.sql" and f.location.line >= 1
        assert f.fix is not None and f.fix.text
        assert json.loads(json.dumps(dict(f.evidence))) == dict(f.evidence)  # JSON-ready values


@pytest.mark.parametrize(
    ("rule", "kind", "index", "script"),
    [c for c in FIXTURE_CASES if c.values[1] == "fires"],
)
def test_line_edit_fixes_make_the_rule_pass(
    rule: object, kind: str, index: int, script: str
) -> None:
    """Applying a finding's edits (where it has some) removes that finding."""
    name = rule.name  # type: ignore[attr-defined]
    for f in named(script, name):
        if f.fix is not None and f.fix.edits:
            fixed = apply(script, f.fix.edits)
            assert named(fixed, name) == [] or len(named(fixed, name)) < len(named(script, name))


def test_without_the_text_fixes_are_words_only() -> None:
    script = load_script(
        "CREATE TABLE e (s STRING) WITH ('connector' = 'datagen');\n"
        "SELECT TO_TIMESTAMP(s, 'YYYY-MM-dd') FROM e;",
        "job.sql",
    )
    [f] = check_script(
        script, rule_named("pattern-suspicious") and [rule_named("pattern-suspicious")]
    )  # type: ignore[list-item]
    assert f.fix is not None and f.fix.edits == () and f.fix.text == "use 'yyyy-MM-dd'"
    assert LintContext.of(script).lines == ()


# -- messages, evidence, locations, fixes --------------------------------------------------------


def test_pattern_invalid_says_null_and_quotes_the_letter() -> None:
    text = (
        "CREATE TABLE e (\n  s STRING,\n  ts AS TO_TIMESTAMP(s, 'yyyy-MM-ddTHH:mm:ss'),\n"
        "  WATERMARK FOR ts AS ts\n) WITH ('connector' = 'datagen');\n"
    )
    f = only(text, "pattern-invalid")
    assert f.message == (
        "TO_TIMESTAMP pattern 'yyyy-MM-ddTHH:mm:ss' is invalid for Java's DateTimeFormatter "
        "(Unknown pattern letter: T at index 10): Flink returns NULL for every row, silently"
    )
    assert f.location == Location("job.sql", 3, 25)
    assert f.rule == "R4.2"
    assert f.evidence["suggested_pattern"] == "yyyy-MM-dd'T'HH:mm:ss"
    assert f.evidence["example"] == {"value": "2024-05-14T03:07:45", "flink": None}
    assert f.fix is not None
    assert f.fix.edits == (
        Edit("job.sql", 3, 3, ("  ts AS TO_TIMESTAMP(s, 'yyyy-MM-dd''T''HH:mm:ss'),",)),
    )


def test_pattern_invalid_fff_becomes_sss_and_unterminated_quote_has_no_edit() -> None:
    f = only("CREATE TABLE e (s STRING) WITH ('connector' = 'datagen');\n"
             "SELECT TO_TIMESTAMP(s, 'yyyy-MM-dd HH:mm:ss.fff') FROM e;", "pattern-invalid")  # fmt: skip
    assert f.evidence["suggested_pattern"] == "yyyy-MM-dd HH:mm:ss.SSS"
    g = only("CREATE TABLE e (s STRING) WITH ('connector' = 'datagen');\n"
             "SELECT TO_TIMESTAMP(s, 'yyyy-MM-dd''T') FROM e;", "pattern-invalid")  # fmt: skip
    assert g.evidence["error"] == "Pattern ends with an incomplete string literal"
    assert g.fix is not None and g.fix.edits == ()


@pytest.mark.parametrize(
    ("pattern", "value", "flink", "message_end"),
    [
        # values Flink 1.20.3 printed for CAST(TO_TIMESTAMP(value, pattern) AS STRING)
        (
            "YYYY-MM-dd HH:mm:ss",
            "2024-05-14 03:07:45",
            "1970-05-14 03:07:45.000",
            "YYYY is the week-based year, not the year; "
            "Flink turns '2024-05-14 03:07:45' into 1970-05-14 03:07:45.000",
        ),
        (
            "yyyy-MM-dd hh:mm:ss",
            "2024-05-14 03:07:45",
            "2024-05-14 00:07:45.000",
            "hh is the 1-12 hour of AM/PM but the pattern has no a; "
            "Flink turns '2024-05-14 03:07:45' into 2024-05-14 00:07:45.000",
        ),
        (
            "yyyy-mm-dd HH:MM:ss",
            "2024-05-14 03:07:45",
            "2024-07-14 03:05:45.000",
            "mm in the date is minutes, not the month; MM in the time is the month, not minutes; "
            "Flink turns '2024-05-14 03:07:45' into 2024-07-14 03:05:45.000",
        ),
        (
            "yyyy-MM-DD'T'HH:mm:ss",
            "2024-05-14T03:07:45",
            None,
            "DD is the day of the year, not of the month; Flink returns NULL for '2024-05-14T03:07:45'",
        ),
    ],
)
def test_pattern_suspicious_says_what_flink_does(
    pattern: str, value: str, flink: str | None, message_end: str
) -> None:
    literal = "'" + pattern.replace("'", "''") + "'"
    text = f"CREATE TABLE e (s STRING) WITH ('connector' = 'datagen');\nSELECT TO_TIMESTAMP(s, {literal}) FROM e;"
    f = only(text, "pattern-suspicious")
    assert f.message == f"TO_TIMESTAMP pattern {literal}: {message_end}"
    assert f.evidence["example"]["value"] == value
    assert f.evidence["example"]["flink"] == flink
    assert f.location == Location("job.sql", 2, 24)


def test_pattern_suspicious_rescued_by_the_fallback_says_so() -> None:
    text = "CREATE TABLE e (s STRING) WITH ('connector' = 'datagen');\nSELECT TO_TIMESTAMP(s, 'yyyy-MM-DD HH:mm:ss') FROM e;"
    f = only(text, "pattern-suspicious")
    assert f.message == (
        "TO_TIMESTAMP pattern 'yyyy-MM-DD HH:mm:ss': DD is the day of the year, not of the month; "
        "the pattern fails on '2024-05-14 03:07:45', which only Flink's java.sql fallback rescues "
        "(a value it cannot read, e.g. with a T, gets NULL)"
    )
    assert f.evidence["example"] == {
        "value": "2024-05-14 03:07:45",
        "flink": "2024-05-14 03:07:45.000",
        "intended": "2024-05-14 03:07:45.000",
    }


def test_pattern_suspicious_also_in_views_and_watermarks_not_in_other_strings() -> None:
    text = (
        "CREATE TABLE e (s STRING, ts AS TO_TIMESTAMP(s, 'yyyy-MM-dd HH:mm:ss'),"
        " WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen');\n"
        "CREATE VIEW v AS SELECT TO_TIMESTAMP(s, 'YYYY-MM-dd') AS d, 'YYYY hh' AS label FROM e;\n"
        "INSERT INTO e SELECT s FROM e WHERE TO_TIMESTAMP(s, 'yyyy-MM-dd hh:mm') IS NOT NULL;\n"
    )
    found = named(text, "pattern-suspicious")
    assert [(f.location.line, f.location.column) for f in found if f.location] == [(2, 41), (3, 53)]


def test_epoch_unit_mismatch_messages() -> None:
    t = "CREATE TABLE e (event_ms BIGINT, created_s BIGINT) WITH ('connector' = 'datagen');\n"
    f = only(t + "SELECT TO_TIMESTAMP_LTZ(event_ms, 0) FROM e;", "epoch-unit-mismatch")
    assert f.message == (
        "TO_TIMESTAMP_LTZ(event_ms, 0) reads event_ms as epoch seconds, but its name says "
        "milliseconds: Flink turns 1715656065123 into NULL"
    )
    g = only(t + "SELECT TO_TIMESTAMP_LTZ(created_s, 3) FROM e;", "epoch-unit-mismatch")
    assert g.evidence["example"] == {"value": 1715656065, "flink": "1970-01-20 20:34:16.065"}
    assert g.rule == "R4.4" and g.location == Location("job.sql", 2, 8)


def test_rowtime_precision_messages() -> None:
    f = only("CREATE TABLE t (\n  ts TIMESTAMP,\n  WATERMARK FOR ts AS ts\n)"
             " WITH ('connector' = 'datagen');", "rowtime-precision")  # fmt: skip
    assert f.message == (
        "rowtime column ts of t is TIMESTAMP(6): Flink accepts only TIMESTAMP(p) or "
        "TIMESTAMP_LTZ(p) with p from 0 to 3 as a time field"
    )
    assert f.location == Location("job.sql", 2, 3)
    assert f.fix is not None and f.fix.text == "declare it TIMESTAMP(3)"


def test_watermark_column_unknown_fix_renames_in_the_whole_clause() -> None:
    text = (
        "CREATE TABLE t (\n  event_time TIMESTAMP(3),\n"
        "  WATERMARK FOR event_timestamp AS event_timestamp - INTERVAL '5' SECOND\n"
        ") WITH ('connector' = 'datagen');\n"
    )
    f = only(text, "watermark-column-unknown")
    assert f.message == (
        "WATERMARK FOR event_timestamp, but table t has no column event_timestamp: "
        "did you mean event_time?"
    )
    assert f.location == Location("job.sql", 3, 3)
    assert f.fix is not None and f.fix.edits == (
        Edit("job.sql", 3, 3, ("  WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND",)),
    )


def test_interval_precision_is_a_finding_not_a_parse_error() -> None:
    text = (
        "CREATE TABLE t (ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '7200' SECOND)"
        " WITH ('connector' = 'datagen');\n"
    )
    with pytest.raises(SqlError, match="exceeds precision of SECOND"):
        load_script(text, "job.sql")
    f = only(text, "interval-precision")
    assert f.message == (
        "INTERVAL '7200' SECOND: Interval field value 7200 exceeds precision of SECOND(2) field; "
        "Flink rejects the statement"
    )
    assert f.location == Location("job.sql", 1, 59)
    assert f.fix is not None and f.fix.text == "write INTERVAL '2' HOUR"
    g = only(text.replace("7200", "7201"), "interval-precision")
    assert g.fix is not None and g.fix.text == "write INTERVAL '2:00:01' HOUR TO SECOND"


def test_window_rules_messages() -> None:
    t = "CREATE TABLE p (ts TIMESTAMP(3), v INT) WITH ('connector' = 'datagen');\n"
    f = only(t + "SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE p, DESCRIPTOR(ts),"
             " INTERVAL '1' MINUTE)) GROUP BY window_start, window_end;",
             "window-without-time-attribute")  # fmt: skip
    assert f.message == (
        "TUMBLE window over ts, which is TIMESTAMP(3), not a time attribute: table p declares "
        "no WATERMARK; Flink rejects the query"
    )
    assert f.location == Location("job.sql", 2, 36) and f.rule == "R3.12"
    h = only(t.replace("v INT)", "v INT, WATERMARK FOR ts AS ts)")
             + "SELECT window_start, COUNT(*) FROM TABLE(HOP(TABLE p, DESCRIPTOR(ts),"
             " INTERVAL '2' MINUTE, INTERVAL '5' MINUTE)) GROUP BY window_start, window_end;",
             "window-size-not-multiple")  # fmt: skip
    assert h.message == (
        "HOP window size 5 min is not a multiple of its slide 2 min: Flink rejects the window "
        "aggregation"
    )
    assert h.evidence == {"window": "HOP", "size_ms": 300000, "slide_ms": 120000}


def test_window_over_a_catalog_table_gets_no_verdict() -> None:
    text = (
        "SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE cat.db.ext, DESCRIPTOR(ts),"
        " INTERVAL '1' MINUTE)) GROUP BY window_start, window_end;"
    )
    assert lint(text) == []


def test_no_idle_timeout_inserts_the_option() -> None:
    rule = rule_named("no-idle-timeout")
    assert rule is not None
    text = rule.fires[0]
    f = only(text, "no-idle-timeout")
    assert f.location == Location("job.sql", 1, 41) and f.rule == "R2.4"
    assert f.fix is not None
    assert f.fix.edits == (Edit("job.sql", 2, 1, ("  'scan.watermark.idle-timeout' = '1 min',",)),)
    assert named(apply(text, f.fix.edits), "no-idle-timeout") == []


def test_sink_needs_checkpoint_and_jdbc_flush_messages() -> None:
    rule = rule_named("sink-needs-checkpoint")
    assert rule is not None
    f = only(rule.fires[0], "sink-needs-checkpoint")
    assert f.message == (
        "the filesystem sink commits its files only on checkpoints, and checkpointing is off: "
        "rows written to sink_out never become visible"
    )
    assert f.fix is not None and f.fix.edits == (
        Edit("job.sql", 2, 1, ("SET 'execution.checkpointing.interval' = '1 min';",)),
    )
    jdbc = rule_named("jdbc-flush-disabled")
    assert jdbc is not None
    g = only(jdbc.fires[0], "jdbc-flush-disabled")
    assert g.location == Location("job.sql", 7, 3)
    assert g.fix is not None and g.fix.edits == (
        Edit("job.sql", 7, 7, ("  'sink.buffer-flush.interval' = '1s'",)),
    )


def test_startup_rules_messages() -> None:
    rule = rule_named("startup-group-offsets")
    assert rule is not None
    f = only(rule.fires[0], "startup-group-offsets")
    assert f.message == (
        "Kafka source k has no 'scan.startup.mode' and no 'properties.auto.offset.reset': it "
        "starts from the group's committed offsets and fails when the group has none"
    )
    latest = rule_named("startup-latest-offset")
    assert latest is not None
    g = only(latest.fires[0], "startup-latest-offset")
    assert g.severity is Severity.INFO and g.location == Location("job.sql", 7, 3)


# -- secrets are never shown --------------------------------------------------------------------

CANARY = "CANARY-7f3a91"


@pytest.mark.parametrize(
    "text",
    [
        "CREATE TABLE j (v INT) WITH ('connector' = 'jdbc', 'username' = 'app',"
        f" 'password' = '{CANARY}');",
        "CREATE TABLE k (v INT) WITH ('connector' = 'kafka', 'properties.sasl.jaas.config' ="
        f' \'org.apache.kafka.common.security.scram.ScramLoginModule required username="app"'
        f' password="{CANARY}";\');',
        f"CREATE TABLE s (v INT) WITH ('connector' = 'filesystem', 's3.secret-key' = '{CANARY}');",
    ],
)
def test_plaintext_secret_never_prints_the_secret(text: str) -> None:
    found = lint(text)
    assert [f.name for f in found if f.name == "plaintext-secret"] == ["plaintext-secret"]
    for f in found:
        assert CANARY not in repr(f)
        assert CANARY.lower() not in repr(f).lower()


# -- PyFlink jobs: locations are .py lines ------------------------------------------------------


def test_pyflink_job_findings_at_py_lines() -> None:
    text = (FIXTURES / "risky_job.py").read_text()
    found = lint(text, "risky_job.py")
    got = sorted((f.name, f.location.line, f.location.column) for f in found if f.location)
    assert got == [
        ("epoch-unit-mismatch", 30, 40),
        ("no-idle-timeout", 14, 9),
        ("pattern-suspicious", 13, 31),
        ("plaintext-secret", 21, 9),
        ("sink-needs-checkpoint", 26, 5),
    ]
    assert all(f.location and f.location.file == "risky_job.py" for f in found)
    assert "CANARY-9f8e7d" not in repr(found)
    pattern = next(f for f in found if f.name == "pattern-suspicious")
    assert pattern.fix is not None and pattern.fix.edits == (
        Edit("risky_job.py", 13, 13, ("        ts AS TO_TIMESTAMP(s, 'yyyy-MM-dd HH:mm:ss'),",)),
    )
    sink = next(f for f in found if f.name == "sink-needs-checkpoint")
    assert sink.fix is not None and sink.fix.text == (
        "enable checkpointing: env.enable_checkpointing(60000)"
    )


PY_SINK_JOB = """\
from pyflink.table import EnvironmentSettings, TableEnvironment

t_env = TableEnvironment.create(EnvironmentSettings.{mode}())
{config}
t_env.execute_sql("CREATE TABLE src (v INT) WITH ('connector' = 'datagen')")
t_env.execute_sql(
    "CREATE TABLE sink_out (v INT) WITH ('connector' = 'filesystem', 'path' = '/tmp/o', 'format' = 'json')"
)
t_env.execute_sql("INSERT INTO sink_out SELECT v FROM src")
"""


@pytest.mark.parametrize(
    ("mode", "config", "fires"),
    [
        ("in_streaming_mode", "", True),
        (
            "in_streaming_mode",
            't_env.get_config().set("execution.checkpointing.interval", "10 s")',
            False,
        ),
        (
            "in_streaming_mode",
            't_env.get_config().set("execution.checkpointing.interval", "0 s")',
            True,
        ),
        ("in_batch_mode", "", False),
        (
            "in_streaming_mode",
            "t_env.execute_sql(\"SET 'execution.checkpointing.interval' = '1 min'\")",
            False,
        ),
    ],
)
def test_pyflink_checkpointing_counts_from_the_table_config(
    mode: str, config: str, fires: bool
) -> None:
    text = PY_SINK_JOB.format(mode=mode, config=config)
    found = named(text, "sink-needs-checkpoint", "sink_job.py")
    assert bool(found) is fires
    if fires:
        assert found[0].location == Location("sink_job.py", 7, 6)


def test_pyflink_job_fixed_with_env_checkpointing_and_env_secret() -> None:
    text = (FIXTURES / "fixed_job.py").read_text()
    assert lint(text, "fixed_job.py") == []


# -- the seed jobs: only what is true of them ---------------------------------------------------

SEED_EXPECTED = {
    "case1_seed_original.py": {"no-idle-timeout", "startup-latest-offset"},
    "case1_seed_original.sql": {"no-idle-timeout", "startup-latest-offset"},
    "case2_seed_fixed.py": {"no-idle-timeout", "startup-latest-offset"},
    "case2_seed_fixed.sql": {"no-idle-timeout", "startup-latest-offset"},
    "case3_parallelism_gt_partitions.py": {"no-idle-timeout", "startup-latest-offset"},
    "case3_parallelism_gt_partitions.sql": {"no-idle-timeout", "startup-latest-offset"},
    "case4_mixed_shapes.py": {"no-idle-timeout", "startup-latest-offset"},
    "case4_mixed_shapes.sql": {"no-idle-timeout", "startup-latest-offset"},
    "case4_mixed_shapes_tvf.sql": {"no-idle-timeout", "startup-latest-offset"},
    "case5_json_timestamp.py": {"no-idle-timeout", "startup-latest-offset"},
    "case5_json_timestamp.sql": {"no-idle-timeout", "startup-latest-offset"},
    "case6_window_not_closed.py": {"no-idle-timeout", "startup-latest-offset"},
    "case6_window_not_closed.sql": {"no-idle-timeout", "startup-latest-offset"},
}


def test_every_seed_file_is_listed() -> None:
    on_disk = {p.name for p in SEED.iterdir() if p.suffix in (".sql", ".py")}
    assert on_disk == set(SEED_EXPECTED)


@pytest.mark.parametrize("name", sorted(SEED_EXPECTED))
def test_seed_jobs_get_only_what_is_true(name: str) -> None:
    text = (SEED / name).read_text()
    found = lint(text, name)
    assert {f.name for f in found} == SEED_EXPECTED[name]
    assert len(found) == 2
    by_name = {f.name: f for f in found}
    assert by_name["startup-latest-offset"].severity is Severity.INFO
    idle = by_name["no-idle-timeout"]
    assert idle.severity is Severity.WARNING
    assert idle.evidence["table"] == "process_events_kafka"
    assert idle.location is not None
    watermark_line = next(
        n for n, line in enumerate(text.splitlines(), 1) if "WATERMARK FOR" in line
    )
    assert idle.location.line == watermark_line


def test_real_job_shapes_get_only_the_hinted_latest_offset() -> None:
    """A statement set with a window Top-N over a temporal join, a legacy HOP, MATCH_RECOGNIZE, a
    global idle timeout: the one thing worth saying is the query whose hint starts at latest."""
    path = ROOT / "tests" / "sql" / "fixtures" / "real_jobs.sql"
    found = lint(path.read_text(), "real_jobs.sql")
    assert [(f.name, f.location) for f in found] == [
        ("startup-latest-offset", Location("real_jobs.sql", 68, 8))
    ]


def test_pyflink_pattern_in_a_python_variable_is_fixed_where_it_is_written() -> None:
    text = (
        "from pyflink.table import EnvironmentSettings, TableEnvironment\n"
        "\n"
        "t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())\n"
        'fmt = "YYYY-MM-dd HH:mm:ss"\n'
        't_env.execute_sql(f"""\n'
        "    CREATE TABLE e (s STRING, ts AS TO_TIMESTAMP(s, '{fmt}'))\n"
        "    WITH ('connector' = 'datagen')\n"
        '""")\n'
    )
    f = only(text, "pattern-suspicious", "job.py")
    assert f.location is not None and f.location.line == 6
    assert f.fix is not None
    assert f.fix.edits == (Edit("job.py", 4, 4, ('fmt = "yyyy-MM-dd HH:mm:ss"',)),)


def test_plaintext_secret_in_catalogs_sets_and_pyflink_config() -> None:
    text = (
        "SET 'fs.s3a.secret.key' = 'CANARY-7f3a91';\n"
        "CREATE CATALOG pg WITH (\n  'type' = 'jdbc',\n  'username' = 'app',\n"
        "  'password' = 'CANARY-7f3a91'\n);\n"
    )
    found = named(text, "plaintext-secret")
    assert [(f.location, f.message) for f in found] == [
        (
            Location("job.sql", 1, 1),
            "option 'fs.s3a.secret.key' in the job configuration holds a literal secret in plain "
            "text (not shown here)",
        ),
        (
            Location("job.sql", 5, 3),
            "option 'password' of catalog pg holds a literal secret in plain text (not shown here)",
        ),
    ]
    assert CANARY not in repr(found)
    py = (
        "import os\nfrom pyflink.table import EnvironmentSettings, TableEnvironment\n"
        "t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())\n"
        "t_env.get_config().set('s3.secret-key', 'CANARY-7f3a91')\n"
        "t_env.get_config().set('s3.access-key', os.environ['S3_KEY'])\n"
    )
    [f] = named(py, "plaintext-secret", "job.py")
    assert f.location == Location("job.py", 4, 1) and CANARY not in repr(f)


def test_an_interval_beyond_any_precision_is_still_a_parse_error() -> None:
    text = "SELECT INTERVAL '99999999999' SECOND;"
    with pytest.raises(SqlError, match="exceeds precision of SECOND\\(2\\) field"):
        load_for_lint(text, "job.sql")
