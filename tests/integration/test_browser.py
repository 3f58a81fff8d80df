"""A real browser on the real server: `bounceback dashboard` on a free port, driven by headless Chromium.

Debian's `chromium` is installed by `make test` (Makefile target `browser`); playwright drives it
through `executable_path`, because `playwright install` cannot download browsers here. Screenshots
of every page go to test-output/screenshots/.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from pipelines.load.ingest import LoadOptions, ingest_file, ingest_path
from pipelines.store.db import connect
from tests.conftest import sample_files, write_csv
from tests.dashboard.plain import forbidden

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
PAGES = {"overview": "", "resume": "resume", "channels": "channels", "timing": "timing",
         "followups": "followups", "plan": "plan", "roster": "roster", "client": "client",
         "data": "data"}  # fmt: skip
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def _serve(db: Path) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "dashboard", "--db", str(db), "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"the dashboard did not start: {process.stderr.read().decode() if process.stderr else ''}"
                )
            time.sleep(0.3)
        yield url
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    assert executable, "Debian's chromium is missing: `make test` installs it (Makefile target `browser`)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _demo_db(folder: Path) -> Path:
    """What `make demo` loads, from the committed sample files (as of 2026-11-01): six searches with
    their display names, the search that follows the weekly plan, and an advisor's caseload of 20 clients."""
    from pipelines.cli.commands import main
    from sample_data import plan_follower

    db = folder / "demo.duckdb"
    con = connect(db)
    for csv_file in sample_files():
        client = None if csv_file.stem == "advisor_caseload" else csv_file.stem
        # the Database page lists the files loaded, as their person named them: named here in words, so
        # the page's own words are what the check reads ("resume_gap.csv" is the file's name, not ours)
        named = folder / csv_file.name.replace("_", " ")
        shutil.copyfile(csv_file, named)
        ingest_file(con, named, client=client)
    con.close()
    plan_follower.load(db, "plan_follower", 7, dt.date(2026, 11, 1), folder, file_name="plan follower.csv")
    for clients in ("advisor_caseload.clients.csv", "personas.clients.csv"):
        assert main(["clients", "import", str(ROOT / "sample_data" / clients), "--db", str(db)]) == 0
    return db


def _loaded(folder: Path, name: str, header: list[str], rows: list[list[str]], **options: Any) -> Path:
    db = folder / f"{name}.duckdb"
    con = connect(db)
    result = ingest_file(con, write_csv(folder / name, header, rows, **options))
    assert result.status == "loaded", result.to_json()
    con.close()
    return db


def _linkedin_db(folder: Path) -> Path:
    """LinkedIn's "Job Applications.csv": applications, never what came of them."""
    header = ["Application Date", "Contact Email", "Contact Phone Number", "Company Name", "Job Title", "Job Url",
              "Resume Name", "Question And Answers"]  # fmt: skip
    rows = [[f"{month}/{day}/26, 9:{day:02d} AM", "me@example.com", " +1 555 0100", company, title,
             f"https://www.linkedin.com/jobs/view/{month}{day}", resume, ""]
            for month, day, company, title, resume in [
                (9, 3, "Acme", "Data Analyst", "Resume 2026.pdf"),
                (9, 10, "Beta Corp", "Analyst", "Resume 2026.pdf"),
                (9, 24, "Gamma", "BI Developer", "Data CV.pdf"),
                (10, 2, "Delta", "Data Analyst", "Data CV.pdf"),
                (10, 15, "", "", "Resume 2026.pdf"),
                (10, 20, "Epsilon", "Analytics Engineer", "Data CV.pdf")]]  # fmt: skip
    return _loaded(folder, "Job Applications.csv", header, rows, quote_all=True)


def _no_company_db(folder: Path) -> Path:
    """A personal log that never wrote down the company or the industry."""
    rows = [[role, f"2026-{month:02d}-{day:02d}", status, channel]
            for role, month, day, status, channel in [
                ("Data Analyst", 6, 2, "rejected", "job board"), ("Data Analyst", 6, 9, "no answer", "job board"),
                ("Data Analyst", 7, 1, "interview", "referral"), ("BI Developer", 7, 14, "rejected", "company site"),
                ("Data Analyst", 8, 3, "applied", "job board"), ("Analyst", 9, 22, "screen", "recruiter")]]  # fmt: skip
    return _loaded(folder, "my search.csv", ["role", "applied_on", "status", "channel"], rows)


def _single_db(folder: Path) -> Path:
    header = ["company", "role", "applied_on", "status", "industry", "channel"]
    row = ["Acme", "Data Analyst", "2026-10-01", "rejected", "software", "referral"]
    return _loaded(folder, "one.csv", header, [row])


def _empty_db(folder: Path) -> Path:
    db = folder / "empty.duckdb"
    connect(db).close()
    return db


def _hostile_db(folder: Path) -> Path:
    names = ['=HYPERLINK("http://evil.example")', "<script>alert(1)</script>", "x" * 5000, "Café 😀", "שלום עולם"]
    rows = [[name, f"<b>{name[:20]}</b>", f"2026-0{i + 1}-1{i}", "rejected", f"2026-0{i + 1}-2{i}"]
            for i, name in enumerate(names)]  # fmt: skip
    return _loaded(folder, "hostile.csv", ["company", "role", "applied_on", "status", "rejected_on"], rows)


def _mail_db(folder: Path) -> Path:
    """A short spreadsheet log, then the seeded mailbox read over it: applications matched, new ones,
    and some whose applied date is unknown (a rejection with no confirmation in the mail)."""
    from sample_data.mail_corpus import ME, generate_corpus, write_mbox

    corpus = generate_corpus(7, applications=40)
    rows = [[app.company, app.role, app.applied_on, "applied"] for app in corpus.applications[:10] if app.applied_on]
    db = _loaded(folder, "mail log.csv", ["company", "role", "applied_on", "status"], rows)
    mbox = folder / "All mail Including Spam and Trash.mbox"
    write_mbox(corpus, mbox)
    con = connect(db)
    (result,) = ingest_path(con, mbox, LoadOptions(own_addresses=(ME,), progress=False))
    assert result.status == "loaded" and result.mail is not None and result.mail.applications["matched"], (
        result.to_json())
    con.close()
    return db


def _upload_and_load(page: Page, folder: Path) -> None:
    """The data page's import through the real file input: the dry run's counts, then "Load it"."""
    rows = [["Upload Co", "Analyst", "2026-10-01", "applied"], ["Second Co", "Engineer", "2026-10-02", "rejected"],
            ["Third Co", "Designer", "2026-10-03", "Waitlisted"]]  # fmt: skip
    csv_file = write_csv(folder / "browser upload.csv", ["company", "role", "applied_on", "status"], rows)
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(csv_file))
    page.get_by_text("3 rows read = 2 inserted + 0 updated + 0 unchanged + 1 rejected + 0 skipped").wait_for(
        timeout=30_000
    )
    page.get_by_text("detected source:").first.wait_for()
    page.screenshot(path=str(SCREENSHOTS / "sample-data-preview.png"), full_page=True)
    page.get_by_role("button", name="Load it").click()
    page.get_by_text("Loaded browser upload.csv: 3 rows read = 2 inserted").wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(SCREENSHOTS / "sample-data-loaded.png"))
    assert page.locator("[data-testid='stException']").count() == 0


# state: (database builder, the query the pages open with)
STATES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "demo": (_demo_db, "?client=wrong_industry&as_of=2026-11-01"),
    "empty": (_empty_db, ""),
    "linkedin": (_linkedin_db, "?as_of=2026-11-01"),
    "no-company": (_no_company_db, "?as_of=2026-11-01"),
    "single": (_single_db, "?as_of=2026-11-01"),
    "hostile": (_hostile_db, "?as_of=2026-11-01"),
    "mail": (_mail_db, "?as_of=2026-11-01"),
}

# Everything a person reads: the page's text (st.dataframe's accessible grid included) and the charts'
# texts. Material icons are drawn from their names ("check_circle") by a font: those are not read.
PAGE_TEXTS = """() => {
  document.querySelectorAll('span').forEach(icon => {
    if (getComputedStyle(icon).fontFamily.includes('Material Symbols')) icon.textContent = '';
  });
  const texts = [];
  for (const part of ['[data-testid=stMain]', '[data-testid=stSidebar]']) {
    const element = document.querySelector(part);
    if (element) texts.push(element.innerText);
  }
  // the grid's cells as a screen reader reads them, one by one (innerText runs them together)
  document.querySelectorAll('[data-testid=stDataFrame] table tr > *').forEach(cell => texts.push(cell.textContent));
  document.querySelectorAll('.vega-embed svg text').forEach(text => texts.push(text.textContent));
  return texts;
}"""
# A Vega chart's own marks (not its axes or legend) each hold one item per datum drawn: none = an empty chart.
EMPTY_CHARTS = """() => [...document.querySelectorAll('.vega-embed')].filter(chart =>
  [...chart.querySelectorAll('g.role-mark')].every(marks => marks.children.length === 0)).length"""


def _settle(page: Page) -> None:
    """The page's script done (Streamlit's running indicator gone) and its charts drawn."""
    page.wait_for_selector("[data-testid='stMain']", timeout=30_000)
    page.wait_for_timeout(1500)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stStatusWidget] [data-testid=stStatusWidgetRunningIcon],"
        " [data-testid=stSkeleton]')",
        timeout=60_000,
    )
    page.wait_for_timeout(1000)


def _problems(page: Page, where: str) -> list[str]:
    problems = [f"{where}: an exception block"] * page.locator("[data-testid='stException']").count()
    problems += [f"{where}: {count} chart(s) drawn with no data" for count in [page.evaluate(EMPTY_CHARTS)] if count]
    problems += [f"{where}: {token}" for token in forbidden(page.evaluate(PAGE_TEXTS))]
    return problems


@pytest.fixture
def plain_folder() -> Iterator[Path]:
    """A folder whose path reads as words: the Database page shows the database's path, and tmp_path's
    own name (test_every_page_…_0) would be found as an identifier on it."""
    folder = Path(tempfile.gettempdir()) / f"bounceback-browser-{uuid.uuid4().hex}"
    folder.mkdir()
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("state", list(STATES))
def test_every_page_reads_plainly_in_a_real_browser(browser: Browser, plain_folder: Path, state: str) -> None:
    """Every page, in each state a person's database can be in: no exception, no chart without data, and
    no word a person should not have to read. Tall screenshots of each go to test-output/ to look at."""
    build, query = STATES[state]
    db = build(plain_folder)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    dialogs: list[str] = []
    problems: list[str] = []
    with _serve(db) as url:
        # tall: Streamlit's main area scrolls inside its own container, so a screenshot shows what fits
        page = browser.new_page(viewport={"width": 1400, "height": 4000})
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for name, path in PAGES.items():
            page.goto(f"{url}/{path}{query}", wait_until="domcontentloaded")
            _settle(page)
            page.screenshot(path=str(SCREENSHOTS / f"{state}-{name}.png"))
            if state == "demo" and name in ("overview", "resume", "channels", "timing"):
                assert page.locator(".vega-embed svg, .vega-embed canvas").count() >= 1, f"{name}: no chart"
            if state == "empty" and name == "overview":
                assert page.get_by_text("No applications yet").count() >= 1
            problems += _problems(page, f"{state}/{name}")
            if state == "demo" and name == "data":
                _upload_and_load(page, plain_folder)
        page.close()
    assert dialogs == []  # no script from the data ran (an alert would have opened a dialog)
    assert problems == [], "\n".join(problems)


def _caseload_db(folder: Path) -> Path:
    db = folder / "caseload.duckdb"
    con = connect(db)
    ingest_file(con, ROOT / "sample_data" / "advisor_caseload.csv")
    con.close()
    from pipelines.cli.commands import main

    assert main(["clients", "import", str(ROOT / "sample_data" / "advisor_caseload.clients.csv"), "--db", str(db)]) == 0
    return db


def test_an_advisor_reviews_a_client_and_takes_the_report_offline(browser: Browser, tmp_path: Path) -> None:
    """The advisor's round: the roster of 20 clients, one client's review, a note, the report downloaded
    and opened with the network cut off."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with _serve(_caseload_db(tmp_path)) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1800}, accept_downloads=True)
        page.goto(f"{url}/roster?as_of=2026-11-01", wait_until="domcontentloaded")
        page.get_by_text("Need attention").wait_for(timeout=30_000)
        page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=30_000)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(SCREENSHOTS / "advisor-roster.png"))
        assert page.locator("[data-testid='stMetricValue']").first.inner_text() == "20"

        page.goto(f"{url}/client?as_of=2026-11-01&client=client_06_omar", wait_until="domcontentloaded")
        page.get_by_role("heading", name="Omar (client 06)").wait_for(timeout=30_000)
        page.locator(".vega-embed svg, .vega-embed canvas").first.wait_for(timeout=30_000)
        page.get_by_role("textbox", name="Note").fill("Met on Tuesday: two referrals to ask for")
        page.get_by_role("button", name="Save note").click()
        page.get_by_text("Met on Tuesday: two referrals to ask for").wait_for(timeout=30_000)
        page.get_by_role("button", name="Prepare the report").click()
        button = page.get_by_role("button", name="Download the report (HTML)")
        button.wait_for(timeout=60_000)
        page.wait_for_timeout(1000)
        page.screenshot(path=str(SCREENSHOTS / "advisor-client.png"), full_page=True)
        assert page.locator("[data-testid='stException']").count() == 0
        with page.expect_download(timeout=60_000) as download:
            button.click()
        report = tmp_path / "report.html"
        download.value.save_as(report)
        page.close()

    offline = browser.new_page(viewport={"width": 1000, "height": 1400})
    requested: list[str] = []

    def refuse_the_network(route: Any) -> None:
        if not route.request.url.startswith(("file:", "data:", "about:")):
            requested.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    offline.route("**/*", refuse_the_network)
    offline.goto(report.as_uri())
    assert offline.get_by_text("Met on Tuesday: two referrals to ask for").count() == 1
    svgs = offline.locator("svg")
    assert svgs.count() >= 4 and all(svgs.nth(i).bounding_box()["width"] > 50 for i in range(4))
    offline.emulate_media(media="print")
    assert offline.pdf(format="A4")[:4] == b"%PDF"
    offline.screenshot(path=str(SCREENSHOTS / "advisor-report-print.png"), full_page=True)
    offline.close()
    assert requested == []
