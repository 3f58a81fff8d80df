"""The Database page's upload (issue 16, items 3 and 12): the file's channel values corrected in a table,
the file's own columns offered when it is refused, and messages that say what to choose on the page."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import data
from pipelines.store.db import connect
from tests.conftest import write_csv

APP = Path(__file__).resolve().parents[2] / "dashboard" / "streamlit_app.py"

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


def _data_page(monkeypatch: pytest.MonkeyPatch, db: Path) -> AppTest:
    connect(db).close()
    monkeypatch.setenv("BOUNCEBACK_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params.update({"as_of": "2026-11-01"})
    at.run()
    at.switch_page("app_pages/data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _screen(at: AppTest) -> str:
    """Every text on the page as read (markdown escapes removed)."""
    kinds = ("markdown", "caption", "info", "warning", "error", "success")
    return re.sub(r"\\(.)", r"\1", "\n".join(str(e.value) for kind in kinds for e in getattr(at, kind)))


def _query(db: Path, sql: str) -> Any:
    con = connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_channel_values_are_corrected_in_the_upload_preview(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    db = tmp_path / "values.duckdb"
    at = _data_page(monkeypatch, db)
    rows = [["Acme", "Dev", "2026-09-01", "Company careers site"], ["Beta", "Dev", "2026-09-02", "The Mom Project"],
            ["Gamma", "Dev", "2026-09-03", "The Mom Project"], ["Delta", "Dev", "2026-09-04", "Xyz"]]  # fmt: skip
    content = write_csv(tmp_path / "log.csv", ["Company", "Role", "Date Applied", "Source"], rows).read_bytes()
    at.file_uploader[0].set_value(("log.csv", content, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.data_editor[1].value  # after the columns
    assert list(table.columns) == ["value", "rows", "read as"]
    read = {row.value: (row.rows, row[2]) for row in table.itertuples(index=False)}
    assert read == {"The Mom Project": (2, "job_board"), "Company careers site": (1, "company_site"),
                    "Xyz": (1, "other")}  # fmt: skip
    file_id = at.file_uploader[0].value.file_id
    index = list(table["value"]).index("The Mom Project")
    at.session_state[f"upload_channels_{file_id}_Source"] = {
        "edited_rows": {index: {"read as": "agency"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert _query(db, "select count(*) from applications") == [(0,)]  # a dry run still
    at.button(key="upload_load").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("4 inserted" in success.value for success in at.success)
    stored = dict(_query(db, "select company, channel from applications"))
    assert stored == {"Acme": "company_site", "Beta": "agency", "Gamma": "agency", "Delta": "other"}
    # the same pipeline option as --value-map, so remembered for the header like it
    remembered = _query(db, "select value_map from remembered_mappings")
    assert [json.loads(value) for (value,) in remembered] == [{"channel": {"The Mom Project": "agency"}}]


def test_a_refused_upload_offers_its_own_columns(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    db = tmp_path / "refused.duckdb"
    at = _data_page(monkeypatch, db)
    content = write_csv(
        tmp_path / "log.csv", ["Company", "Position", "activity_date"], [["Acme", "Dev", "2025-01-15"]]
    ).read_bytes()
    at.file_uploader[0].set_value(("log.csv", content, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    error = re.sub(r"\\(.)", r"\1", str(at.error[0].value))
    assert "missing column: applied_on" in error
    # what to choose on the page, not which flag to type
    assert "choose applied_on for the column “activity_date” in the Columns table above" in error
    assert "--map" not in _screen(at)
    # the file's own columns, as far as they were matched; the rest to choose a field for: nothing to type
    mapping = at.data_editor[0].value
    assert list(mapping["column"]) == ["Company", "Position", "activity_date"]
    assert list(mapping["field"]) == ["company", "role", "ignore"]
    file_id = at.file_uploader[0].value.file_id
    at.session_state[f"upload_columns_{file_id}"] = {
        "edited_rows": {2: {"field": "applied_on"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    assert "1 row read = 1 inserted" in _screen(at)
    at.button(key="upload_load").click().run()
    assert _query(db, "select company, applied_on::varchar from applications") == [("Acme", "2025-01-15")]


def test_the_importers_flags_become_choices_on_the_page() -> None:
    words = data.screen_words
    assert words('status not understood; tell bounceback what it means: --status-map "Waitlisted=STAGE"') == (
        "status not understood; tell bounceback what it means: choose STAGE for “Waitlisted” under Statuses not"
        " understood"
    )
    assert words('or --map "<status column>=ignore" not to read it') == (
        "or choose ignore for the status column in the Columns table above not to read it"
    )
    assert words("AMBIGUOUS: read as M/D/Y (pass --date-order dmy if wrong)") == (
        "AMBIGUOUS: read as M/D/Y (choose “day first (D/M/Y)” under Day/month order of dates if wrong)"
    )
    assert words("--map: both 'A' and 'B' are mapped to applied_on; choose one") == (
        "the Columns table reads both 'A' and 'B' as applied_on; choose one"
    )
    assert words("used the mapping you confirmed (--map / --status-map / --value-map change it)") == (
        "used the mapping you confirmed (your choices here change it)"
    )
    assert words(None) is None
