"""The benchmark harness runs end to end at toy sizes and writes its JSON, and the Chromium part's
bare app and rows are what they say (no timing is asserted: timing lives in `make bench`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_harness_runs_and_writes_its_results(tmp_path: Path) -> None:
    results = tmp_path / "results"
    done = subprocess.run(
        # the Chromium part starts servers for half a minute: its plumbing is checked below, piece by piece
        [sys.executable, "-m", "benchmarks.harness", "--smoke", "--out", str(tmp_path / "inputs"),
         "--results", str(results), "--no-browser"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    [written] = list(results.glob("bench-*-smoke.json"))
    report = json.loads(written.read_text(encoding="utf-8"))
    measures = [row["measure"] for row in report["rows"]]
    expected_measures = (
        "/ bare DuckDB CTAS",
        "pandas path / ingest",
        "spreadsheet-shaped ingest",
        "peak RSS",
        "overview at",
        "Overview page at 2,000, cold",
        "Overview page at 2,000, warm",
        "roster of 20",
        "zip claiming 60,000 members refused",
        "export of 10,002 members refused",
        "row of 80,003 fields refused",
        "damaged database refused",
        "5 sessions on a busy file",
        "dashboard first chart / bare app first chart",
        "page switch dashboard / bare app",
    )
    for expected in expected_measures:
        assert any(expected in measure for measure in measures), expected
    for row in report["rows"]:
        assert set(row) >= {"measure", "value", "unit", "target", "pass"}
        assert row["value"] is None or row["value"] >= 0
    assert [row["skipped"] for row in report["rows"] if "skipped" in row] == ["--no-browser"] * 2
    # the table is printed: every measure with its value, target and result
    for measure in measures:
        assert measure in done.stdout


def test_the_bare_app_draws_one_chart_on_each_of_its_two_pages() -> None:
    from streamlit.testing.v1 import AppTest

    from benchmarks import first_paint

    at = AppTest.from_file(str(first_paint.BARE_APP)).run()
    for title in first_paint.BARE.titles:
        assert not at.exception, [e.value for e in at.exception]
        assert [heading.value for heading in at.title] == [title]
        assert [element.type for element in at.main if element.type == "vega_lite_chart"] == ["vega_lite_chart"]
        at.switch_page("second.py").run()


def test_the_bare_app_is_started_with_the_dashboards_own_server_options() -> None:
    from benchmarks import first_paint
    from dashboard import launch

    bare, dashboard = first_paint.bare_command(8600), launch.command(8600)
    assert str(first_paint.BARE_APP) in bare and str(launch.APP) not in bare
    # the same `streamlit run APP OPTIONS`: the dashboard's through dashboard/serve.py (its imports warmed
    # while the browser loads), the bare app's through Streamlit's own module
    assert dashboard[:5] == [sys.executable, "-m", "dashboard.serve", "run", str(launch.APP)]
    assert bare[:5] == [sys.executable, "-m", "streamlit", "run", str(first_paint.BARE_APP)]
    assert bare[5:] == dashboard[5:] == launch.options(8600)


def test_the_browser_rows_are_ratios_of_medians_with_the_seconds_beside_them() -> None:
    from benchmarks import first_paint

    def session(first: float, switches: list[float], exceptions: int = 0) -> dict[str, object]:
        return {"healthy_s": 1.0, "first_chart_s": first, "switch_s": switches, "exceptions": exceptions}

    sessions = {
        first_paint.DASHBOARD: [session(4.0, [0.2, 0.4]), session(6.0, [0.4, 0.4], exceptions=1), session(5.0, [])],
        first_paint.BARE.name: [session(3.0, [0.1]), session(5.0, [0.2, 0.2]), session(4.0, [0.2])],
    }
    first, switch = first_paint.rows(sessions)
    assert first["measure"] == first_paint.FIRST_CHART_MEASURE
    assert (first["value"], first["dashboard_s"], first["bare_s"], first["pass"]) == (1.25, 5.0, 4.0, True)
    assert (switch["value"], switch["dashboard_s"], switch["bare_s"], switch["pass"]) == (2.0, 0.4, 0.2, False)
    assert switch["switches"] == 4
    # an exception block seen while measuring is reported with the figures
    assert first["dashboard_exception_blocks"] == switch["dashboard_exception_blocks"] == 1
    for row in first_paint.unmeasured(None, skipped="--no-browser"):
        assert row["value"] is None and row["pass"] is None and row["skipped"] == "--no-browser"
