"""The client report (pipelines/report/html.py): contents, no network, escaping, access, empty data, a real browser.

Databases are real DuckDB files in tmp_path; the data is the committed caseload sample or small CSVs
written here. The browser test drives Debian's chromium through playwright (see tests/integration/test_browser.py)
and leaves a screenshot in test-output/screenshots/report.png.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from pipelines.advisors import clients
from pipelines.advisors.clients import Viewer
from pipelines.analyse import analytics, diagnosis
from pipelines.analyse.scope import Scope
from pipelines.errors import InputError
from pipelines.load.ingest import LoadOptions, ingest_file
from pipelines.report.html import build_report
from tests.conftest import write_csv

ROOT = Path(__file__).resolve().parents[3]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
SCOPE = Scope(as_of=dt.date(2026, 11, 1), window=30)
CLIENT = "client_01_vera"
GENERATED = dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.UTC)
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
FETCHING = ("src", "href", "xlink:href", "srcset", "action", "poster", "data", "formaction", "background")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]  # fmt: skip


class Page(HTMLParser):
    """The parsed document: every start tag with its attributes, the visible text, and whether tags balance."""

    def __init__(self, document: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.open: list[str] = []
        self.errors: list[str] = []
        self.in_style = False
        self.feed(document)
        self.close()
        if self.open:
            self.errors.append(f"never closed: {self.open}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))
        self.in_style = tag == "style"
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        self.in_style = False
        if not self.open or self.open[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.open[-1:] or 'nothing'}")
            return
        self.open.pop()

    def handle_data(self, data: str) -> None:
        if not self.in_style:
            self.text.append(data)

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())

    def count(self, tag: str) -> int:
        return sum(1 for name, _ in self.tags if name == tag)


def _caseload(con: duckdb.DuckDBPyConnection) -> None:
    result = ingest_file(con, ROOT / "sample_data" / "advisor_caseload.csv", LoadOptions())
    assert result.status == "loaded", result.message


def _hostile(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """A client whose companies, resume versions and industries are script and markup payloads:
    settled applications (for the rates) and recent unanswered ones (for the follow-ups)."""
    header = ["company", "role", "applied_on", "status", "rejected_on", "resume_version", "industry", "channel"]
    rows = []
    for day in range(1, 25):
        company = SCRIPT if day % 2 else IMG
        version = SCRIPT if day % 3 else IMG
        answered = day % 4 == 0
        rows.append([company, "Analyst", f"2026-08-{day:02d}", "rejected" if answered else "applied",
                     f"2026-08-{day + 5:02d}" if answered else None, version, IMG, "job_board"])  # fmt: skip
    rows.append([SCRIPT, "Engineer", "2026-10-20", "applied", None, SCRIPT, IMG, "job_board"])
    rows.append([IMG, "Engineer", "2026-10-21", "applied", None, IMG, SCRIPT, "job_board"])
    result = ingest_file(con, write_csv(folder / "hostile.csv", header, rows), LoadOptions(client="evil"))
    assert result.status == "loaded", result.message
    clients.update_client(con, "evil", {"display_name": f"Eve {SCRIPT}", "advisor": IMG, "target_roles": SCRIPT})
    clients.add_note(con, "evil", f"Called her {SCRIPT} then {IMG}", "2026-10-28")


def _section(document: str, section_id: str) -> str:
    start = document.index(f'<section id="{section_id}">')
    return document[start : document.index("</section>", start)]


def _no_none(page: Page) -> None:
    words = page.words
    assert not re.search(r"\bNone\b|\bnan\b|\bNaN\b|\bnull\b", words), re.findall(r".{40}\bNone\b.{40}", words)


def test_caseload_client_report_has_every_section(con: duckdb.DuckDBPyConnection) -> None:
    _caseload(con)
    record = {"display_name": "Vera Lind", "advisor": "sam@example.org", "target_roles": "Account Manager",
              "target_industries": "software"}  # fmt: skip
    clients.update_client(con, CLIENT, record)
    clients.add_note(con, CLIENT, "Older note: first meeting", "2026-09-01")
    clients.add_note(con, CLIENT, "Discussed referrals & the v1 resume", "2026-10-30")
    document = build_report(con, SCOPE, CLIENT, generated_at=GENERATED)
    page = Page(document)
    assert page.errors == []
    assert document.startswith("<!DOCTYPE html>")
    words = page.words

    # the sections, in order
    ids = [attrs["id"] for tag, attrs in page.tags if tag == "section"]
    assert ids == ["headline", "funnel", "by-resume-version", "by-channel", "by-industry", "diagnosis", "followups",
                   "notes", "caseload", "definitions"]  # fmt: skip
    for text in ("Vera Lind", "sam@example.org", "Account Manager", "2026-11-01", "30 days", "2026-11-01 09:30 UTC"):
        assert text in words

    # headline and funnel numbers are the analytics' own
    funnel = analytics.funnel(con, Scope(as_of=SCOPE.as_of, window=30, client=CLIENT))
    assert f"Applications {funnel.applications}" in words
    # each stage under the label of the measure that counts it, with that measure's number
    for stage in funnel.stages:
        assert f"{stage.label} {stage.count}" in words
    assert "Answered (any reply, rejections included)" in words and "Reached an interview" in words
    responded = funnel.stages[1].step_conversion
    assert responded is not None
    assert f"{responded['rate']:.0%} ({responded['low']:.0%}–{responded['high']:.0%})" in words

    # every group of every breakdown, with its censoring-aware rate and interval
    for field in ("resume_version", "channel", "industry"):
        rates = analytics.rates(con, Scope(as_of=SCOPE.as_of, window=30, client=CLIENT), [field])
        for group in rates.groups:
            assert str(group.group[field]) in words
            rate = group.response_rate
            if rate["rate"] is not None:
                assert f"{rate['rate']:.0%} ({rate['low']:.0%}–{rate['high']:.0%})" in words
        # each small group is flagged in its table, and no other
        section = _section(document, f"by-{field.replace('_', '-')}")
        assert section.count('<span class="flag">small</span>') == sum(group.small for group in rates.groups)

    # the diagnosis: every finding's verdict, evidence and action
    found = diagnosis.diagnose(con, Scope(as_of=SCOPE.as_of, window=30, client=CLIENT)).to_json()
    assert len(found["findings"]) == 6
    for finding in found["findings"]:
        assert " ".join(finding["evidence"]["sentence"].split()) in words
        assert " ".join(finding["action"].split()) in words

    # follow-ups due and the notes (newest first)
    due = analytics.followups(con, Scope(as_of=SCOPE.as_of, window=30, client=CLIENT)).due
    assert due
    for item in due:
        assert item.company is not None and item.company in words and item.reason in words
    assert words.index("Discussed referrals & the v1 resume") < words.index("Older note: first meeting")
    assert "Compared with the caseload" in words

    # charts: the funnel and one per breakdown, inline
    assert page.count("svg") >= 4
    assert document.count("<svg") >= 4
    _no_none(page)


def test_report_makes_no_network_reference(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    _caseload(con)
    _hostile(con, tmp_path)
    for client in (CLIENT, "evil"):
        document = build_report(con, SCOPE, client)
        page = Page(document)
        for tag, attrs in page.tags:
            for name, value in attrs.items():
                if name.startswith("xmlns"):
                    continue  # a namespace name, never fetched
                if name in FETCHING:
                    assert not re.search(r"https?:|//", value, re.I), (tag, name, value)
                assert not name.startswith("on"), (tag, name)
        lowered = document.lower()
        for forbidden in ("<script", "<link", "<iframe", "<object", "<embed", "<base", "@import", "url(", "@font-face"):
            assert forbidden not in lowered, forbidden


def test_hostile_values_are_escaped(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    _hostile(con, tmp_path)
    document = build_report(con, SCOPE, "evil")
    page = Page(document)
    assert page.errors == []
    live = [tag for tag, _ in page.tags if tag in ("script", "img", "iframe", "object", "embed")]
    assert live == []
    assert not any(name.startswith("on") for _, attrs in page.tags for name in attrs)
    # shown to the reader as text, in the header, the note, the follow-ups and the breakdowns
    assert html.escape(SCRIPT) in document and html.escape(IMG) in document
    words = page.words
    assert f"Eve {SCRIPT}" in words
    assert f"Called her {SCRIPT} then {IMG}" in words
    followups = words[words.index("Follow-ups due") :]
    assert SCRIPT in followups and IMG in followups
    breakdown = words[words.index("By resume version") : words.index("By channel")]
    assert SCRIPT in breakdown and IMG in breakdown
    # the hostile labels went through the charts as text (the charts were not dropped)
    assert page.count("svg") >= 4
    assert "Chart left out" not in words


def test_a_client_the_viewer_cannot_see_is_reported_as_missing(con: duckdb.DuckDBPyConnection) -> None:
    _caseload(con)
    viewer = Viewer(principal="a@x", role="advisor", clients=("other",))
    with pytest.raises(InputError) as hidden:
        build_report(con, SCOPE, CLIENT, viewer)
    with pytest.raises(InputError) as missing:
        build_report(con, SCOPE, "no_such_client", viewer)
    assert str(hidden.value).replace(CLIENT, "X") == str(missing.value).replace("no_such_client", "X")
    # and a viewer who may see the client gets the report, narrowed to what they may see
    allowed = Viewer(principal="a@x", role="advisor", clients=(CLIENT,))
    assert "client_01_vera" in build_report(con, SCOPE, CLIENT, allowed)


def test_client_without_applications_gets_a_valid_report(con: duckdb.DuckDBPyConnection) -> None:
    clients.add_client(con, "newbie", {"display_name": "Nina New", "status": "active"})
    document = build_report(con, SCOPE, "newbie", generated_at=GENERATED)
    page = Page(document)
    assert page.errors == []
    words = page.words
    assert "Nina New" in words
    assert "No applications yet" in words
    assert "Applications 0" in words
    assert page.count("svg") == 0  # nothing to draw, and no broken chart
    _no_none(page)
    # a client looking at their own report sees no comparison with other people
    own = Viewer(principal="nina@x", role="client", clients=("newbie",))
    mine = Page(build_report(con, SCOPE, "newbie", own))
    assert mine.errors == []
    assert "Compared with the caseload" not in mine.words


def test_report_in_a_real_browser_stays_offline_and_prints(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    executable = shutil.which("chromium")
    if not executable:
        pytest.skip("Debian's chromium is missing: `make test` installs it (Makefile target `browser`)")
    from playwright.sync_api import Route, sync_playwright

    _caseload(con)
    clients.add_note(con, CLIENT, f"Hostile note {SCRIPT} {IMG}", "2026-10-30")
    report = tmp_path / "report.html"
    report.write_text(build_report(con, SCOPE, CLIENT, generated_at=GENERATED), encoding="utf-8")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    attempted: list[str] = []
    dialogs: list[str] = []

    def local(url: str) -> bool:
        return url.startswith(("file:", "data:", "about:"))

    def guard(route: Route) -> None:
        if local(route.request.url):
            route.continue_()
        else:
            attempted.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.route("**/*", guard)
            # a request the route did not see is still recorded here
            page.on("request", lambda request: None if local(request.url) else attempted.append(request.url))
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.goto(report.as_uri(), wait_until="load")
            charts = page.locator("svg")
            assert charts.count() >= 4
            for index in range(charts.count()):
                chart = charts.nth(index)
                box = chart.bounding_box()
                assert chart.is_visible() and box is not None and box["width"] > 0 and box["height"] > 0
            assert page.get_by_text("Hostile note <script>alert(1)</script>", exact=False).count() == 1
            page.screenshot(path=str(SCREENSHOTS / "report.png"), full_page=True)
            # printed on A4: nothing wider than the page
            page.set_viewport_size({"width": 794, "height": 1123})
            page.emulate_media(media="print")
            assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")
            pdf = page.pdf(format="A4")
            assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
        finally:
            browser.close()
    assert attempted == []
    assert dialogs == []  # no script from the data ran


def test_a_log_without_outcomes_says_so_instead_of_zeros(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    rows = [[f"Co {i}", "Analyst", (SCOPE.as_of - dt.timedelta(days=2 * i)).isoformat(), "applied", "job_board"]
            for i in range(40)]  # fmt: skip
    log = write_csv(tmp_path / "applied-only.csv", ["company", "role", "applied_on", "status", "channel"], rows)
    assert ingest_file(con, log, LoadOptions(client="quiet")).status == "loaded"
    document = build_report(con, SCOPE, "quiet", generated_at=GENERATED)
    page = Page(document)
    assert page.errors == []
    words = page.words
    assert "Applications 40" in words
    assert "Reached an interview no outcomes recorded" in words
    assert "on the Database page" in words
    # no rate of 0 % and no "too early" for a rate that will never come from this log
    for section in ("headline", "funnel", "by-channel"):
        text = _section(document, section)
        assert "0%" not in text and "too early" not in text, section
        assert "No outcomes recorded" in text or "no outcomes recorded" in text, section
    assert 'class="verdict unknown">not recorded' in document
    _no_none(page)
