"""Reviewing a mailbox before it is loaded, on the Database page (dashboard/mail_review.py): the summary
and every mail in a table, a kind changed and a mail left out, then "Load it" — on a real DuckDB file."""

from __future__ import annotations

import json
import pathlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.data.upload import mail_changes, own_addresses
from pipelines.load.ingest import LoadOptions, ingest_path
from pipelines.store.db import connect
from sample_data.mail_corpus import ME, generate_corpus, write_mbox
from tests.conftest import loaded_database, write_csv
from tests.dashboard.plain import forbidden

APP = Path(__file__).resolve().parents[2] / "dashboard" / "streamlit_app.py"
AS_OF = "2026-11-01"

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


def _mbox(tmp_path: Path) -> Path:
    path = tmp_path / "inbox.mbox"
    write_mbox(generate_corpus(7), pathlib.Path(path))
    return path


def _decisions(mbox: Path, tmp_path: Path, own: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The importer's own reading of every mail (a dry run on a database of its own)."""
    con = connect(tmp_path / "scratch.duckdb")
    try:
        [result] = ingest_path(con, mbox, LoadOptions(dry_run=True, own_addresses=own))
        assert result.mail is not None
        return result.mail.decisions
    finally:
        con.close()


def _count(db: Path, sql: str, *params: Any) -> Any:
    con = connect(db)
    try:
        return con.execute(sql, list(params)).fetchone()[0]
    finally:
        con.close()


def _unescaped(text: str) -> str:
    return re.sub(r":material/[a-z0-9_]+:", "", re.sub(r"\\(.)", r"\1", text))


def _text(at: AppTest) -> str:
    return "\n".join(
        _unescaped(str(element.value))
        for kind in ("markdown", "caption", "info", "warning", "success", "error")
        for element in getattr(at, kind)
    )


def _editor_texts(element: Any) -> Iterator[str]:
    """A data editor as read: the headers of its shown columns, and its cells as the grid draws them
    (a selectbox column's value by its label, a missing cell as the placeholder)."""
    frame: pd.DataFrame = element.value
    config: dict[str, Any] = json.loads(element.proto.columns or "{}")
    order = list(element.proto.column_order)
    for name in frame.columns:
        column = config.get(str(name), {})
        if column.get("hidden") or (order and name not in order):
            continue
        yield str(column.get("label") or name)
        options = column.get("type_config", {}).get("options") or []
        labels = {item["value"]: item.get("label", item["value"]) for item in options if isinstance(item, dict)}
        if pd.api.types.is_bool_dtype(frame[name]):
            continue
        yield from (str(labels.get(value, value)) for value in frame[name])


def _mail_editor(at: AppTest) -> Any:
    [editor] = [element for element in at.data_editor if "subject" in element.value.columns]
    return editor


def test_review_a_mailbox_then_load_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    mbox = _mbox(tmp_path)
    decisions = _decisions(mbox, tmp_path)
    # an application already loaded from a spreadsheet, which one of the mails confirms
    confirmed = next(d for d in decisions if d["kind"] == "applied" and d["company"] and d["role"] and d["date"])
    log = write_csv(
        tmp_path / "log.csv",
        ["company", "role", "applied_on"],
        [[confirmed["company"], confirmed["role"], confirmed["date"][:10]]],
    )
    db = loaded_database(tmp_path / "mail.duckdb", (log, None))
    monkeypatch.setenv("BOUNCEBACK_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"as_of": AS_OF})
    at.run()
    at.switch_page("app_pages/data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not [box for box in at.text_input if box.label.startswith("Your e-mail address")]  # mailboxes only

    at.file_uploader[0].set_value(("inbox.mbox", mbox.read_bytes(), "application/mbox")).run()
    assert not at.exception, [e.value for e in at.exception]
    text = _text(at)
    used = sum(1 for d in decisions if d["application_id"] is not None)
    not_job = sum(1 for d in decisions if d["kind"] == "not_job")
    assert f"{len(decisions)} mails read: {used} about your applications, {len(decisions) - used} ignored (" in text
    assert f"{not_job} mails not about a job" in text and "job alerts" in text
    assert "1 matched with ones already loaded" in text
    assert "Matched with applications already loaded" in text
    assert f"is your application at {confirmed['company']}, {confirmed['role']}" in text
    assert "loaded from your spreadsheet" in text
    # a mailbox has no columns, statuses or channels to choose: only the table of its mails
    editor = _mail_editor(at)
    assert len(at.data_editor) == 1
    assert len(editor.value) == len(decisions)
    [address] = [box for box in at.text_input if box.label.startswith("Your e-mail address")]
    page = [*text.splitlines(), *_editor_texts(editor)]
    assert "Job alert" in page and "Kind" in page and "Keep" in page
    assert forbidden(page) == [], forbidden(page)[:5]
    assert _count(db, "select count(*) from applications where source = 'mail'") == 0  # a dry run

    # the person's own address: their own mails are read as theirs (a table of its own for that reading)
    address.set_value(ME).run()
    assert not at.exception, [e.value for e in at.exception]
    decisions = _decisions(mbox, tmp_path, (ME,))
    used = sum(1 for d in decisions if d["application_id"] is not None)
    assert f"{len(decisions)} mails read: {used} about your applications" in _text(at)

    # one confirmation read as not about a job, another left out, a rejection read as an interview
    ids = [d["message_id"] for d in decisions]
    applied = [i for i, d in enumerate(decisions) if d["kind"] == "applied" and d["application_id"]]
    applied = [i for i in applied if decisions[i]["message_id"] != confirmed["message_id"]]
    rejected = next(i for i, d in enumerate(decisions) if d["kind"] == "rejected" and d["application_id"])
    relabelled, dropped = applied[0], applied[1]
    at.session_state[f"upload_mails_{at.file_uploader[0].value.file_id}_{ME}"] = {
        "edited_rows": {relabelled: {"kind": "not_job"}, dropped: {"keep": False}, rejected: {"kind": "interview"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    text = _text(at)
    ignored = len(decisions) - used + 2
    assert f"{len(decisions)} mails read: {used - 2} about your applications, {ignored} ignored" in text
    assert f"{not_job + 1} mails not about a job" in text and "1 mail you left out" in text
    assert forbidden(text.splitlines()) == []
    # the table's rows stay the importer's own reading (the person's changes ride on top of them)
    assert _mail_editor(at).value.loc[relabelled, "kind"] == "applied"

    at.button(key="upload_load").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Loaded" in str(success.value) for success in at.success)
    assert _count(db, "select count(*) from applications where source = 'mail'") > 0
    stored = "select count(*) from mail_messages where message_id = ?"
    assert _count(db, stored, ids[dropped]) == 0
    assert _count(db, stored, ids[relabelled]) == 0  # not about a job: stored nowhere
    assert _count(db, "select kind from mail_messages where message_id = ?", ids[rejected]) == "interview"
    assert _count(db, stored, confirmed["message_id"]) == 1
    assert forbidden(_text(at).splitlines()) == []


def test_own_addresses_and_the_changes_are_plain_values() -> None:
    assert own_addresses(f" {ME.upper()}, <other@example.org>; nobody ") == (ME, "other@example.org")
    assert own_addresses(None) == ()
    base = pd.DataFrame(
        {"message_id": ["a", "b", "c"], "kind": ["applied", "job_alert", "rejected"], "keep": [True, True, True]}
    )
    edited = base.assign(kind=["applied", "rejected", "rejected"], keep=[True, True, False])
    assert mail_changes(base, edited) == (("b", "rejected"), ("c", "dropped"))
