"""A real browser on the real server: `bounceback dashboard` on a free port, driven by headless Chromium.

Debian's `chromium` is installed by `make test` (Makefile target `browser`); playwright drives it
through `executable_path`, because `playwright install` cannot download browsers here. Screenshots
of every page go to test-output/screenshots/.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from pipelines.load.ingest import ingest_file
from pipelines.store.db import connect
from tests.conftest import write_csv

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
PAGES = {"overview": "", "resume": "resume", "channels": "channels", "timing": "timing",
         "followups": "followups", "roster": "roster", "client": "client", "data": "data"}  # fmt: skip
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


def _sample_db(folder: Path) -> Path:
    db = folder / "sample.duckdb"
    con = connect(db)
    ingest_file(con, ROOT / "sample_data" / "resume_gap.csv", client="resume_gap")
    ingest_file(con, ROOT / "sample_data" / "healthy.csv", client="healthy")
    con.close()
    return db


def _hostile_db(folder: Path) -> Path:
    db = folder / "hostile.duckdb"
    names = ['=HYPERLINK("http://evil.example")', "<script>alert(1)</script>", "x" * 5000, "Café 😀", "שלום עולם"]
    rows = [[name, f"<b>{name[:20]}</b>", f"2026-0{i + 1}-1{i}", "rejected", f"2026-0{i + 1}-2{i}"]
            for i, name in enumerate(names)]  # fmt: skip
    con = connect(db)
    ingest_file(
        con, write_csv(folder / "hostile.csv", ["company", "role", "applied_on", "status", "rejected_on"], rows)
    )
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


@pytest.mark.parametrize("kind", ["sample", "empty", "hostile"])
def test_every_page_renders_in_a_real_browser(browser: Browser, tmp_path: Path, kind: str) -> None:
    if kind == "sample":
        db, query = _sample_db(tmp_path), "?client=resume_gap&as_of=2026-11-01"
    elif kind == "hostile":
        db, query = _hostile_db(tmp_path), "?as_of=2026-11-01"
    else:
        db, query = tmp_path / "empty.duckdb", ""
        connect(db).close()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    dialogs: list[str] = []
    with _serve(db) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for name, path in PAGES.items():
            page.goto(f"{url}/{path}{query}", wait_until="domcontentloaded")
            # the app's first paint, then its scripts' charts
            page.wait_for_selector("[data-testid='stMain']", timeout=30_000)
            page.wait_for_timeout(2500)
            page.screenshot(path=str(SCREENSHOTS / f"{kind}-{name}.png"))
            assert page.locator("[data-testid='stException']").count() == 0, f"{kind}/{name}: an exception block"
            if kind == "sample" and name in ("overview", "resume", "channels", "timing"):
                charts = page.locator(".vega-embed canvas, .vega-embed svg")
                charts.first.wait_for(timeout=20_000)
                assert charts.count() >= 1, f"{kind}/{name}: no chart rendered"
            if kind == "empty" and name == "overview":
                assert page.get_by_text("No applications yet").count() >= 1
            if kind == "sample" and name == "data":
                _upload_and_load(page, tmp_path)
        page.close()
    assert dialogs == []  # no script from the data ran (an alert would have opened a dialog)


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
