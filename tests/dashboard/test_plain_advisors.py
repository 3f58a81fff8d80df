"""Plain language on the advisor and database pages (issue 18): the Roster, Client review (a client
chosen) and the Database page on the caseload sample show no `None`, `NaN`, identifier or unrounded
number, in what is read: texts, metric labels and values, table headers as configured, and cells.

A code span (`applied_on`, `bounceback ingest`) is a literal the person types, and the cells under
THEIR_OWN are the person's own words (their file's name, headers and values) shown as written: both
are left out. So are the upload's editors, which offer the canonical fields by name to choose from."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from pipelines.store.db import connect
from tests.conftest import write_csv
from tests.dashboard.plain import forbidden
from tests.unit.advisors.test_advisors import AS_OF

APP = Path(__file__).resolve().parents[2] / "dashboard" / "streamlit_app.py"
THEIR_OWN = {"File", "Column in the file", "Text in the file", "Value"}
TEXT_KINDS = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success")

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


def _open(monkeypatch: pytest.MonkeyPatch, db: Path, page: str, client: str | None = None) -> AppTest:
    monkeypatch.setenv("BOUNCEBACK_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"as_of": AS_OF.isoformat()})
    at.run()
    if client is not None:
        at.sidebar.selectbox(key="filter_client").select(client).run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _read(text: object) -> str:
    """A text as read on screen: code spans left out, the escapes of ui.md() removed."""
    return re.sub(r"\\(.)", r"\1", re.sub(r"`[^`]*`", "", str(text)))


def _table_texts(element: object) -> list[str]:
    """A table's shown headers (as configured, else the column's name) and its cells as shown: text
    cells as they are (a selectbox's by their labels), number cells without a format as Python prints them."""
    frame: pd.DataFrame = element.value  # type: ignore[attr-defined]
    proto = element.proto  # type: ignore[attr-defined]
    config = json.loads(proto.columns) if proto.columns else {}
    order = list(proto.column_order) or [str(name) for name in frame.columns]
    texts = []
    for name in order:
        column = config.get(name, {})
        if column.get("hidden") or name not in frame.columns:
            continue
        header = str(column.get("label") or name)
        texts.append(header)
        if header in THEIR_OWN:
            continue
        type_config = column.get("type_config", {})
        # a selectbox column shows each value by its option's label
        words = {option["value"]: option["label"] for option in type_config.get("options", [])}
        cells = frame[name]
        if cells.dtype == object or not type_config.get("format"):
            texts += [str(words.get(cell, cell)) for cell in cells]
    return texts


def _shown(at: AppTest) -> list[str]:
    texts = [_read(element.value) for kind in TEXT_KINDS for element in getattr(at.main, kind)]
    texts += [_read(metric.label) for metric in at.main.metric] + [str(metric.value) for metric in at.main.metric]
    for element in at.main.dataframe:
        if element.proto.editing_mode == 0:  # READ_ONLY: a table, not an editor
            texts += _table_texts(element)
    return texts


def _assert_plain(at: AppTest) -> None:
    found = forbidden(_shown(at))
    assert found == [], "\n".join(found)


def test_the_roster_reads_as_plain_words(monkeypatch: pytest.MonkeyPatch, caseload_db: Path) -> None:
    at = _open(monkeypatch, caseload_db, "roster")
    assert at.main.dataframe, "the roster table"
    _assert_plain(at)


def test_client_review_reads_as_plain_words(monkeypatch: pytest.MonkeyPatch, caseload_db: Path) -> None:
    at = _open(monkeypatch, caseload_db, "client", client="client_06_omar")
    assert "Against the caseload" in [subheader.value for subheader in at.subheader]
    _assert_plain(at)


def test_the_database_page_reads_as_plain_words(monkeypatch: pytest.MonkeyPatch, caseload_db: Path) -> None:
    at = _open(monkeypatch, caseload_db, "data")
    assert len(at.main.dataframe) >= 2, "the clients and the last loads"
    _assert_plain(at)


def test_an_upload_report_reads_as_plain_words(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    db = tmp_path / "upload.duckdb"
    connect(db).close()
    at = _open(monkeypatch, db, "data")
    rows = [["Acme", "Analyst", "03/04/2026", "ghosted me"], ["Beta", "Dev", "31/12/2025", "rejected"],
            ["Gamma", "Dev", "not a date", "applied"]]  # fmt: skip
    content = write_csv(tmp_path / "log.csv", ["company", "role", "applied_on", "status"], rows).read_bytes()
    at.file_uploader[0].set_value(("log.csv", content, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.main.dataframe, "the dates, statuses and rejects of the dry run"
    _assert_plain(at)


def test_a_refused_upload_says_why_it_has_no_columns(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    db = tmp_path / "refused.duckdb"
    connect(db).close()
    at = _open(monkeypatch, db, "data")
    at.file_uploader[0].set_value(("notes.txt", b"\x00\x01 not a job log", "text/plain")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.main.data_editor and not at.main.dataframe
    assert any("refused before its columns were read" in caption.value for caption in at.main.caption)
    _assert_plain(at)
