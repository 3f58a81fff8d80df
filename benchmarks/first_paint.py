"""Issue 18 in a real browser: the dashboard's first chart on a freshly started server, and its page
switches, in Chromium, each against a bare Streamlit app started the same way.

    python -m benchmarks.first_paint [--repeats 3] [--switches 4] [--out .bench] [--json]

The bare app (benchmarks/bare_app/) is st.navigation with two pages, each drawing one small Altair
chart. Both servers are started as their users start them, from the repository root (so both read
.streamlit/config.toml): the dashboard as `python -m pipelines.cli dashboard --db DB --port P`, the
bare app as `python -m streamlit run benchmarks/bare_app/app.py` with the very options the
dashboard's launcher passes (dashboard/launch.py `options`; the dashboard's server runs them through
dashboard/serve.py, which imports its pages' modules while the browser loads).

- First chart: from Popen of a fresh server (cold: its imports, its caches, Streamlit's own start)
  to the first chart of the default page drawn in a new browser context. The dashboard opens on the
  Overview of a persona with charts (sample_data/resume_gap.csv, as of 2026-11-01).
- Page switch: in that running app, once the page has finished, a click on the sidebar link to the
  other page (dashboard: Overview <-> Resume variants; bare app: first <-> second), timed in the
  page from the click to the new page's chart drawn: its heading shown and a chart that was not on
  screen before the click (the old page's charts are tagged first, as they stay visible, faded,
  until the new page replaces them).

Repetitions alternate dashboard and bare app (ABBA) so the machine's drift hits both alike; the
figures are medians. `make bench` runs this as one of its workers (benchmarks/harness.py).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from benchmarks.harness import ROOT, _print, _row

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

BARE_APP = ROOT / "benchmarks" / "bare_app" / "app.py"
DASHBOARD = "dashboard"  # the dashboard side's name, its sessions' key
PERSONA = "resume_gap"
DASHBOARD_QUERY = f"?client={PERSONA}&as_of=2026-11-01"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]  # fmt: skip
WAIT_MS = 90_000  # per wait in the page: a broken page is reported as an error, never a hang
START_TIMEOUT = 90  # seconds for a server to answer /_stcore/health

# a chart drawn: Vega's canvas, or its SVG with marks in it (the SVG exists, empty, before the marks)
NEW_CHART = """([title, selector]) => {
  const heading = document.querySelector('[data-testid=stMain] h1');
  if (!heading || heading.textContent.trim() !== title) return false;
  const drawn = [...document.querySelectorAll(selector)].some(chart => {
    const box = chart.getBoundingClientRect();
    const marks = chart.tagName.toLowerCase() === 'canvas'
      || [...chart.querySelectorAll('g.role-mark')].some(group => group.childElementCount > 0);
    return !chart.__benchOld && box.width > 0 && box.height > 0 && marks;
  });
  if (drawn) window.__benchDrawn = performance.now();
  return drawn;
}"""
CHARTS = "[data-testid=stMain] .vega-embed canvas, [data-testid=stMain] .vega-embed svg"
# before a click: the charts on screen are the old page's; the click's time is taken in the page,
# so the figure holds no playwright round trip
BEFORE_CLICK = """selector => {
  document.querySelectorAll(selector).forEach(chart => { chart.__benchOld = true; });
  window.__benchClick = null;
  window.__benchDrawn = null;
  if (!window.__benchListening) {
    document.addEventListener('click', () => { window.__benchClick = performance.now(); }, true);
    window.__benchListening = true;
  }
}"""
# Streamlit's own run state on its root element: the page's script has finished
SETTLED = "() => document.querySelector('[data-testid=stApp]')?.dataset.testScriptState === 'notRunning'"


@dataclass(frozen=True)
class Side:
    """One app under test: how it is started on a port, the query it opens with, and its two pages'
    titles (the first the default page; each page's heading and sidebar link say the same)."""

    name: str
    command: Callable[[int], list[str]]
    query: str
    titles: tuple[str, str]


def dashboard_side(db: Path) -> Side:
    def command(port: int) -> list[str]:
        return [sys.executable, "-m", "pipelines.cli", "dashboard", "--db", str(db), "--port", str(port)]

    return Side(DASHBOARD, command, DASHBOARD_QUERY, ("Overview", "Resume variants"))


def bare_command(port: int) -> list[str]:
    """`streamlit run` of the bare app with the dashboard launcher's very options."""
    from dashboard import launch

    return [sys.executable, "-m", "streamlit", "run", str(BARE_APP), *launch.options(port)]


BARE = Side("bare app", bare_command, "", ("First chart", "Second chart"))


def persona_db(folder: Path) -> Path:
    """A fresh database holding one persona whose Overview draws charts (not timed)."""
    from pipelines.load.ingest import ingest_file
    from pipelines.store.db import connect

    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "first_paint.duckdb"
    db.unlink(missing_ok=True)
    Path(f"{db}.wal").unlink(missing_ok=True)
    con = connect(db)
    try:
        result = ingest_file(con, ROOT / "sample_data" / f"{PERSONA}.csv", client=PERSONA)
    finally:
        con.close()
    if result.status != "loaded":
        raise RuntimeError(f"the persona did not load: {result.to_json()}")
    return db


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: IO[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:  # noqa: S310 (our localhost)
                if response.read() == b"ok":
                    return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            log.seek(0)
            raise RuntimeError(f"the server did not start: {log.read().decode(errors='replace')[-2000:]}")
        # short: the poll's granularity is part of both sides' first chart
        time.sleep(0.05)


def _settle(page: Page) -> int:
    """Wait until the page's script has finished; the number of exception blocks it shows (other
    work on the pages can break one for a while: reported with the figures, not fatal)."""
    page.wait_for_function(SETTLED, timeout=WAIT_MS)
    return page.locator("[data-testid=stException]").count()


def _switch(page: Page, title: str) -> float:
    """Seconds from the click on the sidebar link to `title`'s page with its chart drawn."""
    page.evaluate(BEFORE_CLICK, CHARTS)
    page.locator("[data-testid=stSidebarNavLink]", has_text=title).first.click()
    page.wait_for_function(NEW_CHART, arg=[title, CHARTS], polling="raf", timeout=WAIT_MS)
    clicked, drawn = page.evaluate("() => [window.__benchClick, window.__benchDrawn]")
    if clicked is None or drawn is None:
        raise RuntimeError(f"the switch to {title} was not seen in the page")
    return float(drawn - clicked) / 1000


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server's whole process group and wait until none of it is left: the dashboard's
    command runs its launcher, which runs Streamlit, and a Streamlit still shutting down would hold
    the database and the cores while the next server is timed."""
    os.killpg(process.pid, signal.SIGTERM)
    started = time.monotonic()
    # bounded: an orphan left a zombie by a parent that never reaps would look alive for ever
    while time.monotonic() - started < 30:
        process.poll()  # reaps the group's leader, which would otherwise linger as a zombie
        try:
            os.killpg(process.pid, signal.SIGKILL if time.monotonic() - started > 20 else 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


def _session(browser: Browser, side: Side, switches: int) -> dict[str, Any]:
    """One fresh server: its first chart (from Popen), then `switches` page switches back and forth."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        process = subprocess.Popen(  # noqa: S603 (our fixed command lines, no shell)
            side.command(port), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True
        )
        try:
            _wait_healthy(url, process, log)
            healthy = time.perf_counter() - started
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            try:
                page = context.new_page()
                page.goto(f"{url}/{side.query}", wait_until="commit")
                page.wait_for_function(NEW_CHART, arg=[side.titles[0], CHARTS], polling="raf", timeout=WAIT_MS)
                first = time.perf_counter() - started
                exceptions = _settle(page)
                times = []
                for index in range(switches):
                    times.append(_switch(page, side.titles[(index + 1) % 2]))
                    exceptions += _settle(page)
            finally:
                context.close()
        finally:
            _stop(process)
    return {"healthy_s": healthy, "first_chart_s": first, "switch_s": times, "exceptions": exceptions}


def measure(folder: Path, repeats: int, switches: int) -> dict[str, list[dict[str, Any]]]:
    """`repeats` fresh servers of each side, alternating (ABBA), in one headless Chromium."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        raise RuntimeError("Debian's chromium is missing (`make browser` installs it)")
    sides = [dashboard_side(persona_db(folder)), BARE]
    sessions: dict[str, list[dict[str, Any]]] = {side.name: [] for side in sides}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            # untimed, one of each: a first start after a while reads its files from disk, not memory
            for side in sides:
                _session(browser, side, 0)
            for attempt in range(repeats):
                for side in sides if attempt % 2 == 0 else sides[::-1]:
                    print(f"    {side.name}, fresh server {attempt + 1} of {repeats}", file=sys.stderr, flush=True)
                    sessions[side.name].append(_session(browser, side, switches))
        finally:
            browser.close()
    return sessions


FIRST_CHART_MEASURE = "dashboard first chart / bare app first chart (fresh process, Chromium)"
SWITCH_MEASURE = "page switch dashboard / bare app (Chromium)"


def rows(sessions: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The two `make bench` rows from `measure`'s sessions: ratios of medians, seconds as details."""
    dashboard, bare = sessions[DASHBOARD], sessions[BARE.name]

    def median(side: list[dict[str, Any]], key: str) -> float:
        return float(statistics.median(session[key] for session in side))

    def switch_median(side: list[dict[str, Any]]) -> float:
        return float(statistics.median(seconds for session in side for seconds in session["switch_s"]))

    first_d, first_b = median(dashboard, "first_chart_s"), median(bare, "first_chart_s")
    first = first_d / first_b
    result = [
        _row(FIRST_CHART_MEASURE, round(first, 2), "x", "<= 1.5", first <= 1.5, dashboard_s=round(first_d, 2),
             bare_s=round(first_b, 2), dashboard_server_up_s=round(median(dashboard, "healthy_s"), 2),
             bare_server_up_s=round(median(bare, "healthy_s"), 2), starts=len(dashboard)),
    ]  # fmt: skip
    if any(session["switch_s"] for session in dashboard) and any(session["switch_s"] for session in bare):
        switch_d, switch_b = switch_median(dashboard), switch_median(bare)
        switch = switch_d / switch_b
        result.append(_row(SWITCH_MEASURE, round(switch, 2), "x", "<= 1.5", switch <= 1.5,
                           dashboard_s=round(switch_d, 3), bare_s=round(switch_b, 3),
                           switches=sum(len(session["switch_s"]) for session in dashboard)))  # fmt: skip
    exceptions = sum(session["exceptions"] for session in dashboard)
    if exceptions:
        # measured anyway: an exception block drawn while the pages are being worked on is said, not hidden
        for row in result:
            row["dashboard_exception_blocks"] = exceptions
    return result


def unmeasured(passed: bool | None, **detail: Any) -> list[dict[str, Any]]:
    """The two rows without figures: skipped (no chromium, --no-browser: `passed` None, `skipped=`
    why) or failed (a page that never drew its chart: `passed` False, `error=` what happened)."""
    return [_row(measure, None, "x", "<= 1.5", passed, **detail) for measure in (FIRST_CHART_MEASURE, SWITCH_MEASURE)]


def unavailable() -> str | None:
    """Why the browser part cannot run here, or None."""
    import importlib.util

    if shutil.which("chromium") is None:
        return "Debian's chromium is not installed (`make browser` installs it)"
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed (a dev dependency: `make install`)"
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="fresh servers of each side")
    parser.add_argument("--switches", type=int, default=4, help="page switches in each server")
    parser.add_argument("--out", type=Path, default=ROOT / ".bench", help="where the persona database goes")
    parser.add_argument("--json", action="store_true", help="print the sessions' raw timings as JSON too")
    args = parser.parse_args()
    reason = unavailable()
    if reason is not None:
        sys.exit(f"first_paint: {reason}")
    sessions = measure(args.out, args.repeats, args.switches)
    _print({"rows": rows(sessions)})
    if args.json:
        print(json.dumps(sessions, indent=2))


if __name__ == "__main__":
    main()
