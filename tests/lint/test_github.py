"""--format github: one workflow command per finding, escaped the way the Actions runner reads
them (actions/toolkit command.ts: %, CR, LF in messages; also : and , in properties)."""

from __future__ import annotations

from dataclasses import replace

from flinkdoctor.errors import Location
from flinkdoctor.render.github import escape_data, escape_property, render_github
from tests.lint.reports import BROKEN, IDLE, INVALID, LATEST, report


def test_one_command_per_finding_by_severity() -> None:
    lines = render_github(report(INVALID, IDLE, LATEST)).splitlines()
    assert lines == [
        "::notice file=jobs/job one.py,line=12,col=9,title=FD206 startup-latest-offset::starts at "
        "the latest offset: only events produced after the start count",
        "::warning file=jobs/orders.sql,line=1,col=1,title=FD202 no-idle-timeout::Kafka source "
        "'orders' has a WATERMARK but no idle timeout",
        "::error file=jobs/orders.sql,line=4,col=21,title=FD101 pattern-invalid::Java rejects the "
        "pattern 'yyyy-MM-ddTHH:mm:ss': unknown pattern letter T",
    ]


def test_escaping() -> None:
    assert escape_data("50% done\r\nnext: a,b") == "50%25 done%0D%0Anext: a,b"
    assert escape_property("C:\\jobs\\a,b.sql 100%") == "C%3A\\jobs\\a%2Cb.sql 100%25"
    odd = replace(
        IDLE,
        message="line one\nline two: 100%",
        location=Location("dir,with:odd/a.sql", 2, 3),
    )
    assert render_github(report(odd)) == (
        "::warning file=dir%2Cwith%3Aodd/a.sql,line=2,col=3,title=FD202 no-idle-timeout"
        "::line one%0Aline two: 100%25\n"
    )


def test_a_command_cannot_be_injected_through_a_message() -> None:
    evil = replace(IDLE, message="x\n::error file=/etc/passwd::owned")
    out = render_github(report(evil))
    assert out.count("\n") == 1
    assert not any(line.startswith("::error") for line in out.splitlines())


def test_unknown_line_and_unparsed_files() -> None:
    whole_file = replace(IDLE, location=Location("a.sql", 0, 0))
    assert render_github(report(whole_file)).startswith(
        "::warning file=a.sql,title=FD202 no-idle-timeout::"
    )
    assert render_github(report(unparsed=(BROKEN,))) == (
        "::error file=jobs/broken.sql,line=3,col=7,title=flinkdoctor%3A cannot lint"
        "::expected ')' after column list, found 'WITH'\n"
    )
