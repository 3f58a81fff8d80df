"""Formats people export from other trackers (issue 16, item 11): JobSync, JustAJobApp, Notion and
Google Sheets job trackers, and a Huntr export holding the same card on several boards.

Every fixture is written here, in the shape the tracker writes; no third-party file is copied.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from pipelines.load.columns import detect_source
from pipelines.load.ingest import IngestResult, ingest_file
from pipelines.store.db import run_data_tests
from tests.conftest import write_csv
from tests.unit.load.test_formats import HUNTR_HEADER, _huntr_row


def _history(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, dt.date | None]]]:
    rows = (
        con.cursor()
        .execute(
            "select a.company, list((e.event, e.occurred_on) order by e.occurred_on nulls last, e.event, e.round)"
            " from events as e join applications as a using (application_id) group by 1"
        )
        .fetchall()
    )
    return {company: [(event["event"] if isinstance(event, dict) else event[0],
                       event["occurred_on"] if isinstance(event, dict) else event[1]) for event in events]
            for company, events in rows}  # fmt: skip


def _reconciles(result: IngestResult) -> bool:
    counted = result.inserted + result.updated + result.unchanged + result.rejected + result.skipped
    return result.reconciled and counted == result.rows_read


JOBSYNC_HEADER = ["index", "createdAt", "applied", "appliedDate", "Company", "JobTitle", "jobType", "Location",
                  "JobSource", "Status"]  # fmt: skip


def test_jobsync_export(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    rows = [
        ["1", "2026-01-02", "Yes", "2026-01-03", "Acme", "Data Analyst", "Full Time", "Remote", "Indeed", "Applied"],
        ["2", "2026-01-04", "Yes", "2026-01-05", "Beta", "Analyst", "Contract", "Berlin", "LinkedIn", "Interview"],
        ["3", "2026-01-05", "Yes", "2026-01-06", "Gamma", "Engineer", "Full Time", "N/A", "Company Career page",
         "Rejected"],
        ["4", "2026-01-06", "No", "N/A", "Delta", "Scientist", "Unknown", "N/A", "N/A", "Draft"],
        ["5", "2026-01-07", "Yes", "2026-01-08", "Eps", "Lead", "Full Time", "Paris", "Indeed", "Offer"],
        ["6", "2026-01-08", "No", "N/A", "Zeta", "PM", "Part Time", "N/A", "Indeed", "Expired"],
        ["7", "2026-01-09", "Yes", "2026-01-10", "Eta", "BI Developer", "Full Time", "Remote", "Indeed", "Archived"],
    ]  # fmt: skip
    path = write_csv(tmp_path / "jobs.csv", JOBSYNC_HEADER, rows)
    assert detect_source(JOBSYNC_HEADER) == "jobsync"
    assert detect_source([*JOBSYNC_HEADER[:7], "Locations", *JOBSYNC_HEADER[8:]]) == "jobsync"  # older exports
    result = ingest_file(con, path)
    assert (result.source, result.status) == ("jobsync", "loaded"), result.message
    assert (result.rows_read, result.inserted, result.skipped, result.rejected) == (7, 5, 2, 0), result.rejects
    assert _reconciles(result)
    assert result.skipped_reasons == {"JobSync job not applied for (applied: No): a saved job, not an application": 2}
    archived = next(item for item in result.statuses if item["text"] == "Archived")
    assert (archived["status"], archived["how"]) == ("applied", "the jobsync export's word")
    assert result.columns["mapped"]["channel"] == "JobSource" and result.columns["mapped"]["role"] == "JobTitle"
    history = _history(con)
    assert history["Beta"] == [("applied", dt.date(2026, 1, 5)), ("interview", None)]
    assert history["Gamma"] == [("applied", dt.date(2026, 1, 6)), ("rejected", None)]
    assert history["Eta"] == [("applied", dt.date(2026, 1, 10))]
    channels = dict(con.cursor().execute("select company, channel from applications").fetchall())
    assert channels["Gamma"] == "company_site" and channels["Acme"] == "job_board"
    again = ingest_file(con, path)
    assert (again.inserted, again.updated, again.unchanged, again.skipped) == (0, 0, 5, 2)


JUSTAJOBAPP_HEADER = ["Company Name", "Application Status", "Received At", "Job Title", "Subject", "Sender"]
SUBJECTS_AND_SENDERS = ("Thank you for applying to Acme", "jane.recruiter@acme.example", "Next steps with Acme",
                        "no-reply@acme-hr.example", "Weekly digest", "sourcer@gamma.example")  # fmt: skip


def _justajobapp_rows() -> list[list[str]]:
    return [
        ["Acme", "Application confirmation", "2026-01-05 09:12:44", "Data Analyst", "Thank you for applying to Acme",
         "no-reply@acme-hr.example"],
        ["ACME ", "Interview invitation", "2026-01-15 14:01:00", "data  analyst", "Next steps with Acme",
         "Jane Recruiter <jane.recruiter@acme.example>"],
        ["Acme", "Interview invitation", "2026-01-22 10:00:00", "Data Analyst", "Next steps with Acme",
         "jane.recruiter@acme.example"],
        ["Acme", "Rejection", "2026-02-01 08:00:00", "Data Analyst", "Update on your application",
         "no-reply@acme-hr.example"],
        ["Beta", "Application confirmation", "2026-01-07 10:00:00", "Analyst", "We got your application",
         "jobs@beta.example"],
        ["Gamma", "Did not apply - inbound request", "2026-01-09 10:00:00", "Engineer", "Opportunity at Gamma",
         "sourcer@gamma.example"],
        ["Gamma", "Interview invitation", "2026-01-12 10:00:00", "Engineer", "Chat?", "sourcer@gamma.example"],
        ["Newsletter", "False positive", "2026-01-10 10:00:00", "", "Weekly digest", "news@letters.example"],
        ["Delta", "Zorgly", "2026-01-11 10:00:00", "PM", "Hmm", "x@delta.example"],
        # the confirmation came after the first e-mail: the earliest e-mail dates the application
        ["Eps", "Assessment sent", "2026-01-20 10:00:00", "Lead", "Your test", "talent@eps.example"],
        ["Eps", "Application confirmation", "2026-01-21 10:00:00", "Lead", "Thanks", "talent@eps.example"],
        ["Eps", "Offer made", "2026-02-10 10:00:00", "Lead", "Your offer, Eps", "ceo@eps.example"],
        ["Zeta", "Offer made", "not a date", "Lead", "Offer!", "ceo@zeta.example"],
    ]  # fmt: skip


def _everything(con: duckdb.DuckDBPyConnection) -> str:
    """Every cell of every table, as text (tests/unit/load/test_privacy.py)."""
    tables = [row[0] for row in con.execute("select table_name from information_schema.tables").fetchall()]
    return "\n".join(str(row) for table in tables for row in con.execute(f'select * from "{table}"').fetchall()).lower()


def test_justajobapp_emails_become_applications_with_their_events(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "emails.csv", JUSTAJOBAPP_HEADER, _justajobapp_rows())
    result = ingest_file(con, path)
    assert (result.source, result.status) == ("justajobapp", "loaded"), result.message
    # 13 e-mails: 3 applications (Acme 4 e-mails, Beta 1, Eps 3), Gamma wrote first (2 skipped), a
    # newsletter, and 2 rejected (a status not understood, a date that does not read)
    assert (result.rows_read, result.inserted, result.rejected, result.skipped) == (13, 3, 2, 8)
    assert _reconciles(result)
    assert result.skipped_reasons == {
        "e-mail folded into its application, whose events it adds": 5,
        "the company reached out (JustAJobApp: Did not apply): not an application you sent": 1,
        "e-mail about a job the company reached out for, not an application": 1,
        "JustAJobApp e-mail not about a job application (False positive)": 1,
    }
    assert [(r["line"], r["column"]) for r in result.rejects] == [(10, "Application Status"), (14, "Received At")]
    assert any("8 e-mails of 3 applications" in note for note in result.notes)
    skips = dict(
        con.cursor().execute("select line, reason from ingest_skips where run_id = ?", [result.run_id]).fetchall()
    )
    assert skips[3] == skips[4] == skips[5] == "e-mail folded into its application, whose events it adds (line 2)"
    assert _history(con) == {
        "Acme": [("applied", dt.date(2026, 1, 5)), ("interview", dt.date(2026, 1, 15)),
                 ("interview", dt.date(2026, 1, 22)), ("rejected", dt.date(2026, 2, 1))],
        "Beta": [("applied", dt.date(2026, 1, 7))],
        "Eps": [("applied", dt.date(2026, 1, 20)), ("assessment", dt.date(2026, 1, 20)),
                ("offer", dt.date(2026, 2, 10))],
    }  # fmt: skip
    roles = dict(con.cursor().execute("select company, role from applications").fetchall())
    assert roles == {"Acme": "Data Analyst", "Beta": "Analyst", "Eps": "Lead"}  # as the first e-mail wrote them
    assert all(count == 0 for count in run_data_tests(con).values())
    again = ingest_file(con, path)
    assert (again.inserted, again.updated, again.unchanged, again.rejected, again.skipped) == (0, 0, 3, 2, 8)


def test_justajobapp_subject_and_sender_are_stored_nowhere(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    rows = _justajobapp_rows()
    path = write_csv(tmp_path / "emails.csv", JUSTAJOBAPP_HEADER, rows)
    # a ragged row (one field too many) is rejected with its line: its text is not quoted
    text = (
        path.read_text(encoding="utf-8")
        + 'Omega,Rejection,2026-01-30 10:00:00,Dev,"Sorry, Omega",x@omega.example,extra\n'
    )
    path.write_text(text, encoding="utf-8")
    result = ingest_file(con, path)
    assert result.status == "loaded" and _reconciles(result) and result.rejected == 3
    stored = _everything(con)
    for row in [*rows, ["", "", "", "", "Sorry, Omega", "x@omega.example"]]:
        for secret in row[4:]:
            assert secret.lower() not in stored, secret
    for secret in SUBJECTS_AND_SENDERS:
        assert secret.lower() not in stored
    assert "acme" in stored  # the applications themselves are there
    assert any("Subject and Sender are not stored" in note for note in result.notes)


def test_justajobapp_newer_export_adds_events(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    rows = _justajobapp_rows()[:2]
    ingest_file(con, write_csv(tmp_path / "a.csv", JUSTAJOBAPP_HEADER, rows))
    newer = [*rows, ["Acme", "Offer made", "2026-02-20 10:00:00", "Data Analyst", "Offer", "ceo@acme.example"]]
    result = ingest_file(con, write_csv(tmp_path / "b.csv", JUSTAJOBAPP_HEADER, newer))
    assert (result.inserted, result.updated, result.skipped) == (0, 1, 2)
    assert _history(con)["Acme"][-1] == ("offer", dt.date(2026, 2, 20))
    assert con.cursor().execute("select count(*) from applications").fetchone()[0] == 1


def test_justajobapp_status_mapped_to_saved_is_skipped_not_rejected(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # the reject of a status not understood proposes --status-map "TEXT=saved": it must then load
    rows = [["Acme", "Application confirmation", "2026-01-05 10:00:00", "Data Analyst", "Thanks", "jobs@acme.example"],
            ["Acme", "Waitlisted", "2026-01-09 10:00:00", "Data Analyst", "Update", "jobs@acme.example"],
            ["Beta", "Waitlisted", "2026-01-10 10:00:00", "Dev", "Saved", "jobs@beta.example"]]  # fmt: skip
    path = write_csv(tmp_path / "emails.csv", JUSTAJOBAPP_HEADER, rows)
    assert "Waitlisted=saved" in ingest_file(con, path, dry_run=True).rejects[0]["reason"]
    result = ingest_file(con, path, status_map={"Waitlisted": "saved"})
    assert (result.status, result.inserted, result.rejected, result.skipped) == ("loaded", 1, 0, 2)
    assert _reconciles(result)
    assert result.skipped_reasons == {"e-mail about a job you only saved (your --status-map): not an application": 2}
    assert _history(con) == {"Acme": [("applied", dt.date(2026, 1, 5))]}


def test_justajobapp_remembered_status_map_reads_the_emails(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    # a --status-map is remembered for the file's header: next time, without the flag, the e-mails read the same,
    # also once a newer export holds a stage the first did not (the reshaped columns change, the file's do not)
    rows = [["Acme", "Application confirmation", "2026-01-05 10:00:00", "Data Analyst", "Thanks", "jobs@acme.example"],
            ["Acme", "Waitlisted", "2026-01-09 10:00:00", "Data Analyst", "Update", "jobs@acme.example"]]  # fmt: skip
    path = write_csv(tmp_path / "emails.csv", JUSTAJOBAPP_HEADER, rows)
    assert ingest_file(con, path, status_map={"Waitlisted": "screen"}).rejected == 0
    again = ingest_file(con, path)
    assert (again.inserted, again.updated, again.unchanged, again.rejected) == (0, 0, 1, 0), again.rejects
    newer = [*rows, ["Acme", "Rejection", "2026-01-20 10:00:00", "Data Analyst", "Sorry", "jobs@acme.example"]]
    result = ingest_file(con, write_csv(tmp_path / "newer.csv", JUSTAJOBAPP_HEADER, newer))
    assert (result.updated, result.rejected) == (1, 0), result.rejects
    assert any("used the mapping you confirmed" in note for note in result.notes)
    assert ("screen", dt.date(2026, 1, 9)) in _history(con)["Acme"]


def test_justajobapp_dry_run_says_what_was_decided(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    result = ingest_file(con, write_csv(tmp_path / "e.csv", JUSTAJOBAPP_HEADER, _justajobapp_rows()), dry_run=True)
    assert (result.status, result.source, result.inserted) == ("dry_run", "justajobapp", 3)
    assert result.columns["mapped"]["applied_on"] == "applied_on"
    assert "Subject" not in str(result.columns) and "Sender" not in str(result.columns)
    assert con.cursor().execute("select count(*) from applications").fetchone()[0] == 0


NOTION_HEADER = ["Company", "Position", "Status", "Date Applied", "Link", "Salary", "Location", "Notes"]
GOOGLE_SHEETS_HEADER = ["Company", "Job Title", "Date Applied", "Status", "Job Link", "Contact", "Follow Up Date",
                        "Notes"]  # fmt: skip


def test_notion_job_tracker_export(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    rows = [
        ["Acme", "Data Analyst", "Applied", "January 5, 2026", "https://acme.example/jobs/1", "$80,000", "Remote", ""],
        ["Beta Corp", "Analyst", "Interviewing", "January 12, 2026", "https://boards.greenhouse.io/beta/2", "",
         "New York", "phone screen went well"],
        ["Gamma", "BI Developer", "Rejected", "December 30, 2025", "", "$95,000 - $110,000", "Austin, TX", ""],
        ["Delta", "Analytics Engineer", "Offer", "February 2, 2026", "https://jobs.lever.co/delta/3", "", "", ""],
        # Notion's status before anything was sent: no Date Applied, a saved job (was: rejected twice)
        ["Epsilon", "Data Scientist", "Not started", "", "", "", "", ""],
    ]  # fmt: skip
    result = ingest_file(con, write_csv(tmp_path / "Job Tracker abc123.csv", NOTION_HEADER, rows))
    assert (result.source, result.status) == ("spreadsheet", "loaded"), result.message
    assert (result.rows_read, result.inserted, result.skipped, result.rejected) == (5, 4, 1, 0), result.rejects
    assert _reconciles(result) and result.skipped_reasons == {"saved job, not an application": 1}
    assert result.dates["applied_on"]["format"] == "Mon D, YYYY"
    assert result.columns["mapped"] == {
        "company": "Company", "role": "Position", "status": "Status", "applied_on": "Date Applied", "job_url": "Link",
        "location": "Location", "notes": "Notes",
    }  # fmt: skip
    assert _history(con) == {
        "Acme": [("applied", dt.date(2026, 1, 5))],
        "Beta Corp": [("applied", dt.date(2026, 1, 12)), ("interview", None)],
        "Gamma": [("applied", dt.date(2025, 12, 30)), ("rejected", None)],
        "Delta": [("applied", dt.date(2026, 2, 2)), ("offer", None)],
    }
    channels = dict(con.cursor().execute("select company, channel from applications").fetchall())
    assert channels["Beta Corp"] == "company_site" and channels["Delta"] == "company_site"


def test_google_sheets_job_tracker_template(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    rows = [
        ["Acme", "Data Analyst", "1/5/2026", "Applied", "https://acme.example/jobs/1", "Jane Roe", "1/19/2026", ""],
        ["Beta Corp", "Analyst", "1/12/2026", "Interview", "https://beta.example/2", "", "", "2nd round Friday"],
        ["Gamma", "BI Developer", "12/30/2025", "Rejected", "", "", "", ""],
        ["Delta", "Analytics Engineer", "2/2/2026", "Offer", "", "", "2/9/2026", ""],
    ]
    result = ingest_file(con, write_csv(tmp_path / "Job Application Tracker.csv", GOOGLE_SHEETS_HEADER, rows))
    assert (result.source, result.status) == ("spreadsheet", "loaded"), result.message
    assert (result.rows_read, result.inserted, result.skipped, result.rejected) == (4, 4, 0, 0), result.rejects
    assert _reconciles(result)
    assert result.dates["applied_on"]["format"] == "M/D/YYYY" and result.dates["applied_on"]["order"] == "mdy"
    assert result.columns["mapped"]["role"] == "Job Title" and result.columns["mapped"]["job_url"] == "Job Link"
    assert result.columns["mapped"]["followed_up_on"] == "Follow Up Date" and "Contact" in result.columns["ignored"]
    assert _history(con) == {
        "Acme": [("applied", dt.date(2026, 1, 5)), ("follow_up", dt.date(2026, 1, 19))],
        "Beta Corp": [("applied", dt.date(2026, 1, 12)), ("interview", None)],
        "Gamma": [("applied", dt.date(2025, 12, 30)), ("rejected", None)],
        "Delta": [("applied", dt.date(2026, 2, 2)), ("follow_up", dt.date(2026, 2, 9)), ("offer", None)],
    }


def _board_row(card: str, board: str, list_name: str, moved: str, created: str = "2022-02-01 10:00:00") -> list[str]:
    row = _huntr_row(card, created, "Engineer", "Beta", moved, list_name)
    row[HUNTR_HEADER.index("boardName")] = board
    return row


def test_huntr_card_on_several_boards_keeps_every_stage(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    rows = [
        _board_row("h2", "Job Search 2022", "Interview", "2022-02-10 09:00:00"),
        _board_row("h2", "Big Tech", "Phone Screen", "2022-02-05 09:00:00", created="2022-01-30 08:00:00"),
        _board_row("h2", "Archive", "Offer", "2022-03-01 09:00:00", created="2022-02-20 08:00:00"),
        _board_row("h2", "Someday", "Wishlist", "2022-03-05 09:00:00"),  # the latest move, but no stage
        _huntr_row("h1", "2022-02-01 10:00:00", "Analyst", "Acme", "2022-02-01 10:00:00", "Applied"),
    ]
    path = write_csv(tmp_path / "huntr.csv", HUNTR_HEADER, rows)
    result = ingest_file(con, path)
    assert (result.source, result.status) == ("huntr", "loaded"), result.message
    assert (result.rows_read, result.inserted, result.skipped, result.rejected) == (5, 2, 3, 0), result.rejects
    assert _reconciles(result)
    reasons = dict(con.cursor().execute("select line, reason from ingest_skips").fetchall())
    assert reasons == {
        line: f"same Huntr card on board '{board}' as the row it was combined into (line 4); its stage is kept there"
        for line, board in ((2, "Job Search 2022"), (3, "Big Tech"), (5, "Someday"))
    }
    assert any("1 card is on several boards (4 rows)" in note for note in result.notes)
    # the card's history: created on the earliest board, and every stage reached on any board
    assert _history(con)["Beta"] == [
        ("applied", dt.date(2022, 1, 30)),
        ("screen", dt.date(2022, 2, 5)),
        ("interview", dt.date(2022, 2, 10)),
        ("offer", dt.date(2022, 3, 1)),
    ]
    assert all(count == 0 for count in run_data_tests(con).values())
    again = ingest_file(con, path)
    assert (again.inserted, again.updated, again.unchanged, again.skipped) == (0, 0, 2, 3)


def test_huntr_list_not_understood_on_another_board_is_rejected_not_dropped(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # the skip says "its stage is kept there": a list no stage was read from is rejected instead, with the hint
    rows = [_board_row("h2", "Job Search", "Applied", "2022-02-05 09:00:00"),
            _board_row("h2", "Big Tech", "Waitlisted", "2022-02-08 09:00:00")]  # fmt: skip
    path = write_csv(tmp_path / "huntr.csv", HUNTR_HEADER, rows)
    result = ingest_file(con, path)
    assert (result.rows_read, result.inserted, result.rejected, result.skipped) == (2, 1, 1, 0), result.rejects
    assert _reconciles(result)
    assert (result.rejects[0]["line"], result.rejects[0]["value"]) == (3, "Waitlisted")
    assert "--status-map" in result.rejects[0]["reason"]
    result = ingest_file(con, path, status_map={"Waitlisted": "screen"})
    assert (result.rejected, result.skipped) == (0, 1) and _reconciles(result)
    assert ("screen", dt.date(2022, 2, 8)) in _history(con)["Beta"]


def test_huntr_export_without_shared_cards_reads_as_before(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    rows = [_huntr_row("h1", "2022-02-01 10:00:00", "Analyst", "Acme", "2022-02-01 10:00:00", "Applied")]
    result = ingest_file(con, write_csv(tmp_path / "huntr.csv", HUNTR_HEADER, rows))
    assert result.columns["mapped"]["applied_on"] == "createdAt" and not any("boards" in n for n in result.notes)


def test_google_sheets_planned_follow_ups_and_contacts(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    # the template's Follow Up Date is often the day you mean to follow up; its Contact column holds
    # a recruiter's e-mail and phone. Dates are relative to today: the load reads "after today".
    today = dt.date.today()
    planned, done, applied = today + dt.timedelta(days=9), today - dt.timedelta(days=3), today - dt.timedelta(days=20)
    day = "{d.month}/{d.day}/{d.year}".format
    rows = [
        ["Acme", "Analyst", day(d=applied), "Applied", "", "Jane Roe jane.roe@acme.example +1 (415) 555-0123",
         day(d=planned), ""],
        ["Beta", "Analyst", day(d=applied), "Applied", "", "", day(d=done), ""],
    ]  # fmt: skip
    result = ingest_file(con, write_csv(tmp_path / "tracker.csv", GOOGLE_SHEETS_HEADER, rows))
    assert (result.status, result.inserted, result.rejected) == ("loaded", 2, 0), result.rejects
    assert _history(con) == {
        "Acme": [("applied", applied)],  # a plan, not a follow-up made
        "Beta": [("applied", applied), ("follow_up", done)],
    }
    assert any("1 row of column 'Follow Up Date' holds a date after today" in note for note in result.notes)
    raw = con.execute("select raw from applications where company = 'Acme'").fetchone()[0]
    assert "Jane Roe" in raw and "jane.roe@acme.example" not in raw and "555-0123" not in raw
    assert any("phone numbers in the text of 'Contact' are not stored" in note for note in result.notes)


def test_justajobapp_spellings_and_untitled_mails_join_their_application(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # one application's e-mails spell the company three ways; a rejection names no job title
    rows = [
        ["Acme Corp", "Application confirmation", "2026-01-05 09:00:00", "Data Analyst", "Thanks", "jobs@acme.example"],
        ["ACME  Corp.", "Interview invitation", "2026-01-12 09:00:00", "Data Analyst", "Next", "hr@acme.example"],
        ["acme corp", "Rejection", "2026-01-30 09:00:00", "", "Update", "hr@acme.example"],
        # two titled applications at Beta: an untitled e-mail cannot say which, and is rejected, saying so
        ["Beta", "Application confirmation", "2026-01-06 09:00:00", "Analyst", "Thanks", "b@beta.example"],
        ["Beta", "Application confirmation", "2026-01-07 09:00:00", "Engineer", "Thanks", "b@beta.example"],
        ["Beta", "Rejection", "2026-01-20 09:00:00", "", "Update", "b@beta.example"],
    ]
    result = ingest_file(con, write_csv(tmp_path / "emails.csv", JUSTAJOBAPP_HEADER, rows))
    assert (result.status, result.rejected) == ("loaded", 1), result.rejects
    assert _reconciles(result)
    assert result.rejects[0]["line"] == 7 and result.rejects[0]["column"] == "Job Title"
    assert "2 applications to this company" in result.rejects[0]["reason"]
    history = _history(con)
    assert history["Acme Corp"] == [("applied", dt.date(2026, 1, 5)), ("interview", dt.date(2026, 1, 12)),
                                    ("rejected", dt.date(2026, 1, 30))]  # fmt: skip
    assert con.cursor().execute("select count(*) from applications where company ilike 'acme%'").fetchone() == (1,)
    assert con.cursor().execute("select count(*) from applications where company = 'Beta'").fetchone() == (2,)
    assert ingest_file(con, tmp_path / "emails.csv").unchanged == 3


def test_huntr_stage_on_another_board_with_an_unreadable_date_is_rejected(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    rows = [
        _board_row("h2", "Job Search", "Interview", "2022-02-10 09:00:00"),
        _board_row("h2", "Old board", "Rejected", "not a date"),
    ]
    result = ingest_file(con, write_csv(tmp_path / "huntr.csv", HUNTR_HEADER, rows))
    assert (result.status, result.inserted, result.rejected, result.skipped) == ("loaded", 1, 1, 0), result.rejects
    assert _reconciles(result)
    assert [(r["line"], r["column"], r["value"]) for r in result.rejects] == [(3, "lastMovedAt", "not a date")]
