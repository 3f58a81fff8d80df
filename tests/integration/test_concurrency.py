"""Issue 9, part 4: the dashboard and the command line on one database file, and many sessions at once.

DuckDB lets one process at a time write a file. The dashboard holds it only while a rerun reads
(pipelines/store/sharing.py), so `bounceback ingest` in a terminal loads while the dashboard runs, and the
dashboard shows the new data on its next rerun, without a restart. While a load holds the file, the
dashboard says so in one line and shows the data once the load is done. Ten browser sessions change
filters while another uploads a file: none fails, each shows the numbers of its own filter, and none
sees the upload before it is loaded.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from pipelines.analyse.funnel import funnel
from pipelines.analyse.scope import Scope
from pipelines.load.ingest import ingest_file
from pipelines.store.db import connect
from tests.conftest import SAMPLE_DIR, held_by_another_process, write_csv
from tests.integration.test_browser import ROOT, _serve, browser  # noqa: F401 - the fixture is used by name

AS_OF = "2026-11-01"
PERSONAS = ("healthy", "resume_gap", "spray_and_pray")


def _db(folder: Path) -> Path:
    db = folder / "shared.duckdb"
    con = connect(db)
    try:
        for persona in PERSONAS:
            assert ingest_file(con, SAMPLE_DIR / f"{persona}.csv", client=persona).ok
    finally:
        con.close()
    return db


def _applications(db: Path, client: str | None = None) -> int:
    import datetime as dt

    con = connect(db)
    try:
        return funnel(con, Scope(as_of=dt.date.fromisoformat(AS_OF), client=client)).applications
    finally:
        con.close()


def _shown_applications(page: Page) -> int:
    # the card labelled exactly "Applications": other cards' labels mention applications too, and
    # while the page is still drawing the first match can be one of them
    label = page.locator("[data-testid='stMetricLabel']", has_text=re.compile(r"^\s*Applications\s*$"))
    card = page.locator("[data-testid='stMetric']").filter(has=label).first
    card.wait_for(timeout=60_000)
    return int(card.locator("[data-testid='stMetricValue']").inner_text().replace(",", ""))


def _no_exception(page: Page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0, page.url


def _extra_csv(folder: Path, name: str, count: int) -> Path:
    rows = [[f"{name} {i}", "Analyst", "2026-10-0" + str(1 + i % 9), "applied"] for i in range(count)]
    return write_csv(folder / f"{name}.csv", ["company", "role", "applied_on", "status"], rows)


def _cli_ingest(db: Path, file: Path, client: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "ingest", str(file), "--db", str(db), "--client", client],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_a_load_from_the_command_line_while_the_dashboard_runs(browser: Browser, tmp_path: Path) -> None:  # noqa: F811
    db = _db(tmp_path)
    before = _applications(db, "healthy")
    with _serve(db) as url:
        page = browser.new_page()
        page.goto(f"{url}/?client=healthy&as_of={AS_OF}", wait_until="domcontentloaded")
        assert _shown_applications(page) == before
        # the dashboard is running and has just read the file; the load takes it in between
        done = _cli_ingest(db, _extra_csv(tmp_path, "Terminal Co", 7), "healthy")
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        page.reload(wait_until="domcontentloaded")
        page.get_by_text(f"{before + 7}", exact=True).first.wait_for(timeout=60_000)
        assert _shown_applications(page) == before + 7
        _no_exception(page)
        page.close()


def test_the_dashboard_while_a_load_holds_the_file(browser: Browser, tmp_path: Path) -> None:  # noqa: F811
    """Another process holds the file (as a long load does): the page says so in one line, with no
    traceback; once the file is free again, the next rerun shows the data."""
    db = _db(tmp_path)
    with held_by_another_process(db) as holder, _serve(db) as url:
        page = browser.new_page()
        page.goto(f"{url}/?as_of={AS_OF}", wait_until="domcontentloaded")
        page.get_by_text("being updated by another bounceback process").first.wait_for(timeout=60_000)
        _no_exception(page)
        holder.kill()
        holder.wait(timeout=20)
        page.get_by_role("button", name="Try again").click()
        assert _shown_applications(page) == _applications(db)
        _no_exception(page)
        page.close()


def _choose(page: Page, label: str, option: str) -> None:
    """Pick `option` in the sidebar selectbox labelled `label`, as a person would."""
    combo = page.locator("[data-testid='stSidebar']").get_by_role("combobox", name=label)
    combo.click()
    combo.fill(option)  # the list narrows to what is typed, as it does for a person
    page.get_by_role("option", name=option, exact=True).click()


@pytest.mark.slow
def test_ten_sessions_change_filters_while_another_uploads(browser: Browser, tmp_path: Path) -> None:  # noqa: F811
    db = _db(tmp_path)
    expected = {client: _applications(db, client) for client in PERSONAS}
    with _serve(db) as url:
        contexts = [browser.new_context() for _ in range(11)]  # a context each: eleven separate sessions
        try:
            viewers = [context.new_page() for context in contexts[:10]]
            for page in viewers:
                page.goto(f"{url}/?as_of={AS_OF}", wait_until="domcontentloaded")
            for page in viewers:
                _shown_applications(page)
            uploader = contexts[10].new_page()
            uploader.goto(f"{url}/data?as_of={AS_OF}&client=healthy", wait_until="domcontentloaded")
            upload = _extra_csv(tmp_path, "Upload Co", 5)
            whose = uploader.get_by_role("textbox", name="Client (optional)")
            whose.fill("healthy")
            whose.press("Enter")
            uploader.wait_for_timeout(500)
            uploader.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(upload))
            uploader.get_by_text("5 rows read = 5 inserted").first.wait_for(timeout=60_000)  # previewed, not loaded
            # every session changes its filter while the upload waits for its confirmation
            for round_number in range(2):
                for index, page in enumerate(viewers):
                    _choose(page, "Client", PERSONAS[(index + round_number) % len(PERSONAS)])
                for index, page in enumerate(viewers):
                    client = PERSONAS[(index + round_number) % len(PERSONAS)]
                    page.wait_for_timeout(300)
                    assert _shown_applications(page) == expected[client], (index, client)
                    _no_exception(page)
            uploader.get_by_role("button", name="Load it").click()
            uploader.get_by_text("Loaded Upload Co.csv: 5 rows read = 5 inserted").wait_for(timeout=60_000)
            _no_exception(uploader)
            # after the load, a session that turns to that client sees it
            page = viewers[0]
            _choose(page, "Client", "resume_gap")
            assert _shown_applications(page) == expected["resume_gap"]
            _choose(page, "Client", "healthy")
            page.wait_for_timeout(300)
            deadline = time.monotonic() + 30
            while _shown_applications(page) != expected["healthy"] + 5 and time.monotonic() < deadline:
                page.wait_for_timeout(500)
            assert _shown_applications(page) == expected["healthy"] + 5
            for page in viewers:
                _no_exception(page)
        finally:
            for context in contexts:
                context.close()


def test_a_busy_moment_keeps_the_chosen_filters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_streamlit_caches: None
) -> None:
    """While a load holds the file the page says so; the client and filters chosen stay chosen (in
    the sidebar and the URL) and come back with the data (found in review: they fell back to all)."""
    from streamlit.testing.v1 import AppTest

    from dashboard import data

    db = _db(tmp_path)
    monkeypatch.setenv("BOUNCEBACK_DB", str(db))
    monkeypatch.setattr(data.connection, "BUSY_WAIT_SECONDS", 0.3)
    at = AppTest.from_file(str(ROOT / "dashboard" / "streamlit_app.py"), default_timeout=60)
    at.query_params.update({"as_of": AS_OF, "client": "resume_gap", "channel": "referral"})
    at.run()
    assert not at.exception and at.sidebar.selectbox(key="filter_client").value == "resume_gap"
    time.sleep(1.5)  # the dashboard lets go of the file a second after the run
    with held_by_another_process(db):
        at.run()
        assert not at.exception
        assert any("being updated by another bounceback process" in info.value for info in at.info)
        assert at.sidebar.selectbox(key="filter_client").value == "resume_gap"
        assert at.query_params.get("client") in ("resume_gap", ["resume_gap"])
        assert at.query_params.get("channel") in ("referral", ["referral"])
    time.sleep(0.5)  # a person reads the message, then clicks "Try again"
    at.run()
    assert not at.exception
    assert not [info.value for info in at.info if "being updated" in info.value], [i.value for i in at.info]
    assert at.sidebar.selectbox(key="filter_client").value == "resume_gap"
    assert at.sidebar.selectbox(key="filter_channel").value == "referral"
