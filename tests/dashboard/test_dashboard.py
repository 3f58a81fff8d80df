"""The Streamlit dashboard, run headless with AppTest on real DuckDB files (dashboard/)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import threading
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import data, launch
from pipelines.store.db import connect
from tests.conftest import SAMPLE_DIR, write_csv
from tests.conftest import loaded_database as _database

APP = Path(__file__).resolve().parents[2] / "dashboard" / "streamlit_app.py"
PAGES = ("overview", "resume", "channels", "timing", "followups", "data")
AS_OF = "2026-11-01"  # the sample files' as-of date: results do not drift with the calendar
HOSTILE = [
    '=HYPERLINK("http://x")',
    "<script>alert(1)</script>",
    "x" * 5000,
    "Café 🚀🔥 Ünïcode",
    "שלום עולם",
    "[click](javascript:alert(1)) ![img](http://x/y.png) :red[red] $x^2$ **bold** # heading",
    "x'); DROP TABLE applications;--",
]


# Streamlit's caches are process-wide: each test starts and ends with them empty (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")




def _app(monkeypatch: pytest.MonkeyPatch, db: Path, **params: str) -> AppTest:
    monkeypatch.setenv("BOUNCEBACK_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params.update({"as_of": AS_OF, **params})
    return at.run()


def _specs(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def _fields(spec: Any) -> set[str]:
    """Every encoded field name anywhere in a (layered, concatenated) vega-lite spec."""
    found: set[str] = set()
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "encoding" and isinstance(value, dict):
                for channel in value.values():
                    for item in channel if isinstance(channel, list) else [channel]:
                        if isinstance(item, dict) and "field" in item:
                            found.add(item["field"])
            found |= _fields(value)
    elif isinstance(spec, list):
        for item in spec:
            found |= _fields(item)
    return found


def _text(at: AppTest) -> str:
    return "\n".join(
        str(element.value) for kind in ("markdown", "caption", "info", "warning") for element in getattr(at, kind)
    )


def _unescaped(text: str) -> str:
    """Markdown text as read on screen (the escapes of ui.md removed)."""
    return re.sub(r"\\(.)", r"\1", text)


def _errors(at: AppTest) -> str:
    """The error messages as read on screen (markdown escapes removed)."""
    return "\n".join(re.sub(r"\\(.)", r"\1", str(error.value)) for error in at.error)


def _visit(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, f"{page}: {[e.value for e in at.exception]}"
    return at


@pytest.fixture
def resume_gap_db(tmp_path: Path) -> Path:
    return _database(tmp_path / "sample.duckdb", (SAMPLE_DIR / "resume_gap.csv", "resume_gap"))


def test_overview_of_a_sample_search(monkeypatch: pytest.MonkeyPatch, resume_gap_db: Path) -> None:
    at = _app(monkeypatch, resume_gap_db)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    labels = {_unescaped(metric.label): metric.value for metric in at.metric}
    assert labels["Applications"] == "180"
    # every card is labelled by its definition (pipelines/analyse/measures.py MEASURE_LABELS)
    for label in ("Response rate: answered within 30 days, recent applications counted for the days they have had",
                  "Response rate among applications that have had 30 days", "Answered (any reply, rejections included)",
                  "Reached a screen, assessment or interview", "Reached an interview", "Offers",
                  "Pending: no answer yet, applied less than 30 days ago", "Median wait for an answer"):  # fmt: skip
        assert label in labels
    text = _text(at)
    # resume_gap plants a weaker resume version: the diagnosis says so, first
    assert "FAILING" in text
    assert "Resume — versions and cover letters" in text
    assert text.index("FAILING") < text.index("WORKING")
    fields = set().union(*(_fields(spec) for spec in _specs(at)))
    assert {"label", "count", "week", "rate", "low", "high", "applications"} <= fields
    # how applications ended: bars, not a Sankey (tests/dashboard/test_charts.py checks their numbers)
    assert not at.get("plotly_chart")
    assert {"row", "ending", "count"} <= fields
    # the URL reproduces the view
    assert at.query_params["as_of"] == AS_OF


def test_every_page_of_a_sample_search(monkeypatch: pytest.MonkeyPatch, resume_gap_db: Path) -> None:
    at = _app(monkeypatch, resume_gap_db)
    expected = {
        "resume": {"group", "rate", "low", "high", "reliability", "resume_version", "channel"},
        "channels": {"group", "rate", "low", "high", "channel", "industry", "settled"},
        "timing": {"day", "survival", "lower", "upper", "group"},
        "followups": {"group", "rate", "low", "high"},
    }
    for page in PAGES:
        _visit(at, page)
        assert not at.error, f"{page}: {[e.value for e in at.error]}"
        if page in expected:
            fields = set().union(*(_fields(spec) for spec in _specs(at)))
            assert expected[page] <= fields, (page, fields)
    # the database page: counts and the template to download
    assert {metric.label: metric.value for metric in at.metric}["Applications"] == "180"
    labels = [button.label for button in at.get("download_button")]
    assert "Download template.csv" in labels and "Download my data (CSV, 180 applications)" in labels


def test_filters_come_from_and_go_to_the_url(monkeypatch: pytest.MonkeyPatch, resume_gap_db: Path) -> None:
    at = _app(monkeypatch, resume_gap_db, resume_version="v2", window="45", client="resume_gap")
    assert not at.exception
    assert at.sidebar.selectbox(key="filter_resume_version").value == "v2"
    assert at.sidebar.number_input(key="filter_window").value == 45
    applications = int({metric.label: metric.value for metric in at.metric}["Applications"])
    assert 0 < applications < 180
    # a change in the sidebar is written back to the URL
    at.sidebar.selectbox(key="filter_resume_version").set_value("v1").run()
    assert not at.exception
    assert "v1" in str(at.query_params["resume_version"])
    assert "resume_gap" in str(at.query_params["client"])
    # nonsense in the URL falls back to the defaults instead of failing
    st.cache_data.clear()
    bad = _app(monkeypatch, resume_gap_db, as_of="yesterday", window="0", client="nobody", channel="<b>x</b>")
    assert not bad.exception
    assert bad.sidebar.number_input(key="filter_window").value == 30
    assert bad.sidebar.selectbox(key="filter_client").value == ""


def test_empty_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = _app(monkeypatch, _database(tmp_path / "empty.duckdb"))
    for page in PAGES:
        _visit(at, page)
        assert not at.error, f"{page}: {[e.value for e in at.error]}"
        assert any("No applications yet" in info.value for info in at.info), page


def test_hostile_values_are_shown_not_executed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    header = [
        "company",
        "role",
        "industry",
        "channel",
        "resume_version",
        "applied_on",
        "status",
        "responded_on",
        "interview_on",
        "rejected_on",
    ]
    rows = []
    for i in range(42):
        name = HOSTILE[i % len(HOSTILE)]
        day = f"2026-{9 + i % 2:02d}-{1 + i % 28:02d}"
        status, responded, interview, rejected = [
            ("applied", "", "", ""),
            ("rejected", day, "", day),
            ("interview", day, day, ""),
            ("ghosted", "", "", ""),
        ][i % 4]
        rows.append([name, f"{name} role {i}", name, name, HOSTILE[i % 3], day, status, responded, interview, rejected])
    csv_file = write_csv(tmp_path / "hostile.csv", header, rows)
    db = _database(tmp_path / "hostile.duckdb", (csv_file, "שלום <script>"))
    at = _app(monkeypatch, db, resume_version=HOSTILE[1], client="שלום <script>")
    assert not at.exception, [e.value for e in at.exception]
    assert at.sidebar.selectbox(key="filter_resume_version").value == HOSTILE[1]
    for page in PAGES:
        _visit(at, page)
    # markdown never carries a value unescaped (a link, an image or HTML would be live)
    for element in at.markdown:
        assert "](javascript" not in element.value and "<script>" not in element.value


def test_launch_sets_the_database_and_runs_streamlit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[tuple[list[str], dict[str, str]]] = []

    def fake_run(argv: list[str], env: dict[str, str]) -> int:
        calls.append((argv, env))
        return 0

    monkeypatch.setattr(launch, "run_child", fake_run)
    assert launch.run(str(tmp_path / "mine.duckdb"), 8765) == 0
    argv, env = calls[0]
    assert env["BOUNCEBACK_DB"] == str((tmp_path / "mine.duckdb").resolve())
    # Streamlit's own `run`, through dashboard/serve.py (which imports the pages' modules meanwhile)
    assert argv[1:4] == ["-m", "dashboard.serve", "run"] and Path(argv[4]) == APP
    assert argv[argv.index("--server.port") + 1] == "8765"
    assert argv[argv.index("--server.headless") + 1] == "true"


def test_serve_is_streamlits_command_line_with_the_imports_on_a_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard import serve

    ran: list[str] = []
    started: list[int] = []
    monkeypatch.setattr("streamlit.web.cli.main", lambda prog_name: ran.append(prog_name))
    monkeypatch.setattr(serve, "_import_the_pages_modules", started.append)
    monkeypatch.setattr("sys.argv", ["serve", "run", str(APP), "--server.port", "8765"])
    serve.main()
    for thread in threading.enumerate():
        if thread.name == "bounceback-imports":
            thread.join(timeout=10)
    assert ran == ["streamlit"]
    assert started == [8765]  # the thread waits for this port to listen before importing
    assert serve._port(["run", str(APP)]) == 8501  # Streamlit's own default


def test_a_file_that_is_not_a_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    broken = tmp_path / "notes.duckdb"
    broken.write_text("this is not a database\n" * 100, encoding="utf-8")
    at = _app(monkeypatch, broken)
    for page in PAGES:
        _visit(at, page)
        assert any("cannot be opened" in error.value for error in at.error), page


# ---------------------------------------------------------------- writing from the dashboard

MESSY_HEADER = ["Company", "Position", "Date Applied", "Website", "Result", "Contact Email", "Foo"]
MESSY_ROWS = [
    ["Acme", "Engineer", "1/15/2025", "LinkedIn", "Rejected", "me@example.com", "a"],
    ["Beta", "Analyst", "2/3/2025", "Indeed", "Waitlisted", "me@example.com", "b"],
    ["Gamma", "Dev", "8/82019", "Indeed", "Ghosted", "me@example.com", "c"],
    ["Delta", "QA", "3/3/2025", "Company site", "Phone screen", "", "d"],
]


def _csv_bytes(tmp_path: Path, name: str, header: list[str], rows: list[list[str]]) -> bytes:
    return write_csv(tmp_path / name, header, rows).read_bytes()


def _count(db: Path, sql: str, *params: Any) -> Any:
    con = connect(db)
    try:
        return con.execute(sql, list(params)).fetchone()[0]
    finally:
        con.close()


def _on_data_page(monkeypatch: pytest.MonkeyPatch, db: Path) -> AppTest:
    return _visit(_app(monkeypatch, db), "data")


def test_upload_preview_then_load(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    db = _database(tmp_path / "upload.duckdb")
    at = _on_data_page(monkeypatch, db)
    content = _csv_bytes(tmp_path, "my log.csv", MESSY_HEADER, MESSY_ROWS)
    at.file_uploader[0].set_value(("my log.csv", content, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    text = _text(at)
    # the dry run: what the file is, how it is read, what would happen, and nothing written yet
    assert "detected source: **spreadsheet**" in text
    assert "4 rows read = 2 inserted + 0 updated + 0 unchanged + 2 rejected + 0 skipped" in text
    assert "Contact Email" in text  # a personal column, not stored
    mapping = at.data_editor[0].value
    assert dict(zip(mapping["column"], mapping["field"], strict=True))["Website"] == "channel"
    tables = [frame.value for frame in at.dataframe]
    rejects = next(frame for frame in tables if "reason" in frame.columns and "line" in frame.columns)
    assert {(row.line, row.column, row.value) for row in rejects.itertuples()} == {
        (3, "status", "Waitlisted"),
        (4, "applied_on", "8/82019"),
    }
    dates = next(frame for frame in tables if "format" in frame.columns)
    assert dates.loc[0, "format"] == "M/D/YYYY"
    assert _count(db, "select count(*) from applications") == 0
    # say what the unclassified status means, and read the unused column as notes
    meaning = next(box for box in at.selectbox if "Waitlisted" in box.label)
    meaning.set_value("pending").run()
    file_id = at.file_uploader[0].value.file_id
    foo_row = list(mapping["column"]).index("Foo")
    at.session_state[f"upload_columns_{file_id}"] = {
        "edited_rows": {foo_row: {"field": "notes"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "4 rows read = 3 inserted + 0 updated + 0 unchanged + 1 rejected + 0 skipped" in _text(at)
    assert _count(db, "select count(*) from applications") == 0
    at.button(key="upload_load").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("3 inserted" in success.value for success in at.success)
    assert at.file_uploader[0].value is None  # a fresh uploader: the file is not loaded twice
    assert {metric.label: metric.value for metric in at.metric}["Applications"] == "3"
    assert _count(db, "select count(*) from applications") == 3
    assert _count(db, "select notes from applications where company = 'Beta'") == "b"
    assert _count(db, "select count(*) from ingest_runs where status = 'loaded'") == 1


def test_a_refused_upload_says_why_and_a_column_can_be_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    db = _database(tmp_path / "refused.duckdb")
    at = _on_data_page(monkeypatch, db)
    content = _csv_bytes(tmp_path, "log.csv", ["Company", "Position", "When"], [["Acme", "Dev", "2025-01-15"]])
    at.file_uploader[0].set_value(("log.csv", content, "text/csv")).run()
    assert not at.exception
    assert "missing column: applied_on" in _errors(at)
    assert not [button for button in at.button if button.key == "upload_load"]
    # the columns were not matched: the editor lists the file's own columns, to choose what each holds
    assert list(at.data_editor[0].value["column"]) == ["Company", "Position", "When"]
    file_id = at.file_uploader[0].value.file_id
    at.session_state[f"upload_columns_{file_id}"] = {
        "edited_rows": {2: {"field": "applied_on"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    assert "1 row read = 1 inserted" in _text(at)
    # not a job log at all
    at.file_uploader[0].set_value(("notes.xlsx", b"not a workbook", "application/octet-stream")).run()
    assert "not an XLSX workbook" in _errors(at)
    assert _count(db, "select count(*) from applications") == 0


def test_record_an_outcome(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    rows = [["Acme", "Dev", "2026-10-01", "applied"], ["Beta", "QA", "2026-10-05", "applied"]]
    csv_file = write_csv(tmp_path / "applied.csv", ["company", "role", "applied_on", "status"], rows)
    db = _database(tmp_path / "outcomes.duckdb", (csv_file, "me"))
    at = _on_data_page(monkeypatch, db)
    waiting = next(frame.value for frame in at.dataframe if "application_id" in frame.value.columns)
    assert set(waiting["company"]) == {"Acme", "Beta"}
    acme = waiting.loc[waiting["company"] == "Acme", "application_id"].iloc[0]
    at.selectbox(key="outcomes_app").set_value(acme)
    at.selectbox(key="outcomes_event").set_value("interview")
    # before the application was sent: refused with the reason, nothing written
    at.date_input(key="outcomes_date").set_value(dt.date(2026, 9, 1))
    at.button(key="outcomes_record").click().run()
    assert "before the application was sent" in _errors(at)
    assert _count(db, "select count(*) from events where event = 'interview'") == 0
    at.date_input(key="outcomes_date").set_value(dt.date(2026, 10, 20))
    at.button(key="outcomes_record").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Recorded" in success.value for success in at.success)
    assert _count(db, "select count(*) from events where application_id = ? and event = 'interview'", acme) == 1
    # it has an outcome now: no longer waiting for one
    waiting = next(frame.value for frame in at.dataframe if "application_id" in frame.value.columns)
    assert list(waiting["company"]) == ["Beta"]


def test_follow_up_sent_today(monkeypatch: pytest.MonkeyPatch, resume_gap_db: Path) -> None:
    at = _visit(_app(monkeypatch, resume_gap_db, client="resume_gap"), "followups")
    due = next(frame.value for frame in at.dataframe if "application_id" in frame.value.columns)
    assert not due.empty
    chosen = at.selectbox(key="due_app").value
    before = _count(
        resume_gap_db, "select count(*) from events where application_id = ? and event = 'follow_up'", chosen
    )
    at.button(key="due_followed_up").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Recorded: follow up" in success.value for success in at.success)
    assert (
        _count(
            resume_gap_db,
            "select count(*) from events where application_id = ? and event = 'follow_up' and occurred_on = ?",
            chosen,
            dt.date.today(),
        )
        == before + 1
    )


def test_export_neutralises_formulas(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    formula = '=HYPERLINK("http://evil.example","click")'
    rows = [[formula, "Dev", "2026-10-01"], ["+cmd", "QA", "2026-10-02"], ["Plain Co", "PM", "2026-10-03"]]
    csv_file = write_csv(tmp_path / "formulas.csv", ["company", "role", "applied_on"], rows)
    db = _database(tmp_path / "export.duckdb", (csv_file, "me"))
    at = _on_data_page(monkeypatch, db)
    labels = [button.label for button in at.get("download_button")]
    assert "Download my data (CSV, 3 applications)" in labels and "Download template.csv" in labels
    # the button's bytes come from this helper (AppTest does not expose a download's content)
    text, count = data.export_csv(data.source(), None)
    assert count == 3
    exported = list(csv.DictReader(io.StringIO(text)))
    assert {row["company"] for row in exported} == {"'" + formula, "'+cmd", "Plain Co"}


def test_a_log_without_outcomes_says_so_instead_of_zeros(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A LinkedIn-like log (applications only): no 0 % and no 100 % ghosted, but "no outcomes recorded"
    and what to do, on every page that shows a rate; the diagnosis parts are "not recorded"."""
    as_of = dt.date.fromisoformat(AS_OF)
    rows = [[f"Co {i}", "Analyst", (as_of - dt.timedelta(days=2 * i)).isoformat(), "applied"] for i in range(40)]
    log = write_csv(tmp_path / "applied-only.csv", ["company", "role", "applied_on", "status"], rows)
    at = _app(monkeypatch, _database(tmp_path / "quiet.duckdb", (log, "me")))
    assert not at.exception, [e.value for e in at.exception]
    cards = {_unescaped(metric.label): metric.value for metric in at.metric}
    assert cards["Applications"] == "40"
    assert cards["Reached an interview"] == cards["Median wait for an answer"] == "not recorded"
    assert not [value for value in cards.values() if value.endswith("%")]
    warnings = " ".join(_unescaped(str(w.value)) for w in at.warning)
    assert "No outcomes recorded" in warnings and "on the Database page" in warnings
    assert "NOT RECORDED" in _text(at) and "Unknown is not “no”" in _text(at)
    assert not at.get("plotly_chart")  # no Sankey of 40 applications flowing into "no response"
    for page in ("resume", "channels", "timing"):
        _visit(at, page)
        assert "No outcomes recorded" in " ".join(str(w.value) for w in at.warning), page
        assert not _specs(at), page
