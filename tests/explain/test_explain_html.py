"""``explain --html``: the page as headless Chromium shows it.

The page is rendered from a real explain result, opened from a file in Debian's ``chromium``
(headless, fresh profile, background services off), and checked on the DOM Chromium built: the
verdict, every finding by name in rank order, one ``<svg>`` lane per input of every replayed
query, user text shown as text (never parsed as markup), and no request from the page to the
network (Chromium's net log: the page's requests carry a ``file://`` isolation key; Chromium's own
update/time pings do not). A control page with an external image and font proves the net-log
check catches what it must. A screenshot is taken too and must be a real PNG.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from flinkdoctor.diagnosis.explain import ExplainResult, explain
from flinkdoctor.events.reader import read_events
from flinkdoctor.render.explain_html import render_explain_html
from tests.explain.corpus import CASES, CorpusCase

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


@dataclass
class Page:
    dom: str
    requests: list[str]


@dataclass
class Dom(HTMLParser):
    """What Chromium's DOM holds: elements with their attributes, and the visible text."""

    elements: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    _skip: int = 0

    def __post_init__(self) -> None:
        HTMLParser.__init__(self)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        if tag in ("style", "title"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)

    def all(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        wanted = {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}
        return [
            a
            for t, a in self.elements
            if t == tag and all(a.get(k) == v for k, v in wanted.items())
        ]

    @property
    def visible(self) -> str:
        return " ".join(" ".join(self.text).split())


@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail("chromium is not installed (Debian package 'chromium')", pytrace=False)
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    return path


def open_page(chromium: str, page: Path, tmp: Path, screenshot: Path | None = None) -> Page:
    """Chromium's DOM of ``page`` and the network requests the page made."""
    tmp.mkdir(parents=True, exist_ok=True)
    netlog = tmp / "net.json"
    cmd = [chromium, *FLAGS, f"--user-data-dir={tmp / 'profile'}", f"--log-net-log={netlog}"]
    if screenshot is not None:
        cmd += ["--window-size=1040,1800", f"--screenshot={screenshot}"]
    else:
        cmd += ["--dump-dom"]
    done = subprocess.run(
        [*cmd, page.resolve().as_uri()], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return Page(done.stdout, page_requests(netlog))


def page_requests(netlog: Path) -> list[str]:
    """URLs the page (not Chromium's own services) asked for, other than file: URLs."""
    log = json.loads(netlog.read_text())
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for event in log["events"]:
        params = event.get("params", {})
        if event["type"] != start or "url" not in params:
            continue
        from_page = "file://" in str(params.get("network_isolation_key", ""))
        if from_page and not params["url"].startswith("file:"):
            urls.append(params["url"])
    return urls


def explained(case: CorpusCase) -> ExplainResult:
    text = case.script.read_text()
    return explain(text, str(case.script), lambda: read_events(case.events))


def by_name(part: str) -> CorpusCase:
    [case] = [c for c in CASES if part in c.name]
    return case


def dom_of(page: Page) -> Dom:
    dom = Dom()
    dom.feed(page.dom)
    return dom


@pytest.fixture(scope="module")
def pages(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Three pages: an empty sink with an idle partition (3 inputs + operator + subtask), a
    healthy 2-partition job, and the seed-like two-cause PyFlink job."""
    out: dict[str, Any] = {}
    for part in ("idle-partition-empty-3p", "healthy-legacy-tumble-2p", "seed-like-key"):
        result = explained(by_name(part))
        tmp = tmp_path_factory.mktemp(part)
        html = tmp / "explain.html"
        html.write_text(render_explain_html(result))
        out[part] = (result, open_page(chromium, html, tmp / "browser"), html)
    yield out


@pytest.mark.parametrize(
    "part", ["idle-partition-empty-3p", "healthy-legacy-tumble-2p", "seed-like-key"]
)
def test_page_shows_verdict_findings_and_one_lane_per_input(
    pages: dict[str, Any], part: str
) -> None:
    result, page, _ = pages[part]
    dom = dom_of(page)
    [verdict] = dom.all("section", id="verdict")
    assert verdict["data-verdict"] == result.verdict
    assert verdict["data-sink-rows"] == str(result.sink_rows)
    text = dom.visible
    expected_verdict = {
        "rows": f"The sink receives {result.sink_rows} row(s)",
        "empty": "The sink receives nothing",
        "fails": "The job fails and restarts",
    }[result.verdict]
    assert expected_verdict in text
    names = [a["data-finding"] for a in dom.all("article")]
    assert names == [f.name for f in result.findings]
    for finding in result.findings:
        assert finding.name in text
    for query in result.queries:
        assert query.result is not None
        lanes = dom.all("svg", class_="lane", data_query=str(query.index))
        assert sorted(a["data-input"] for a in lanes) == sorted(
            t.input for t in query.result.watermarks
        )
    assert page.requests == []


def test_expected_verdicts_of_the_three_pages(pages: dict[str, Any]) -> None:
    """Hand-checked against the corpus: what each page must say (not what explain said)."""
    texts = {part: dom_of(page).visible for part, (_, page, _) in pages.items()}
    assert "The sink receives nothing" in texts["idle-partition-empty-3p"]
    assert "idle-partition" in texts["idle-partition-empty-3p"]
    assert "partition 1" in texts["idle-partition-empty-3p"]
    assert "The sink receives 4 row(s)" in texts["healthy-legacy-tumble-2p"]
    seed = texts["seed-like-key"]
    assert seed.index("rowtime-field-missing") < seed.index("pattern-mismatch")


def test_combined_fix_is_a_diff_of_the_users_file(pages: dict[str, Any]) -> None:
    result, page, _ = pages["seed-like-key"]
    dom = dom_of(page)
    assert dom.all("section", id="fix"), "no combined fix section"
    assert f"--- a/{result.source.lstrip('/')}" in dom.visible
    assert "event_time" in dom.visible  # the key the fix switches to


def test_user_text_is_escaped(chromium: str, tmp_path: Path) -> None:
    """A file name and an event value full of markup come out as text: no element is made from
    them (the pattern-mismatch evidence quotes the values it could not parse)."""
    case = by_name("26-pattern-mismatch-tvf")
    evil = "<script>alert(1)</script>"
    script = tmp_path / "job<img src=x onerror=alert(2)>.sql"
    script.write_text(case.script.read_text())
    events = tmp_path / "events.jsonl"
    lines = case.events.read_text().splitlines()
    first = json.loads(lines[0])
    first["value"]["event_time"] = evil
    events.write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n")
    result = explain(script.read_text(), str(script), lambda: read_events(events))
    html = tmp_path / "explain.html"
    html.write_text(render_explain_html(result))
    page = open_page(chromium, html, tmp_path / "browser")
    dom = dom_of(page)
    assert dom.all("script") == [] and dom.all("img") == []
    assert evil in dom.visible
    assert "job<img src=x onerror=alert(2)>.sql" in dom.visible
    assert page.requests == []


def test_cli_html_option_writes_the_page(chromium: str, tmp_path: Path) -> None:
    """``flinkdoctor explain SCRIPT --events FILE --html FILE``, end to end: exit 1 for the
    seed-like job, the page names both causes, key first, and loads nothing from the network."""
    case = by_name("seed-like-key")
    html = tmp_path / "report.html"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "flinkdoctor",
            "explain",
            str(case.script),
            "--events",
            str(case.events),
            "--html",
            str(html),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    page = open_page(chromium, html, tmp_path / "browser")
    text = dom_of(page).visible
    assert "The sink receives nothing" in text
    assert text.index("rowtime-field-missing") < text.index("pattern-mismatch")
    assert page.requests == []


def test_net_log_check_catches_external_requests(chromium: str, tmp_path: Path) -> None:
    """The control: a page that does load an image and a web font is caught."""
    html = tmp_path / "external.html"
    html.write_text(
        '<html><body><img src="http://example.invalid/x.png">'
        '<link rel="stylesheet" href="https://fonts.example.invalid/css"></body></html>'
    )
    page = open_page(chromium, html, tmp_path / "browser")
    assert sorted(page.requests) == [
        "http://example.invalid/x.png",
        "https://fonts.example.invalid/css",
    ]


def test_screenshot(chromium: str, pages: dict[str, Any], tmp_path: Path) -> None:
    _, _, html = pages["idle-partition-empty-3p"]
    png = tmp_path / "page.png"
    page = open_page(chromium, html, tmp_path / "browser", screenshot=png)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    assert page.requests == []


def test_page_is_self_contained(pages: dict[str, Any]) -> None:
    """No reference that could reach out: no script, link, src, @import or url()."""
    for _, _, html in pages.values():
        source = html.read_text()
        for needle in ("<script", "<link", " src=", "@import", "url(", "https://"):
            assert needle not in source, needle
