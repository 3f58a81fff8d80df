"""Private by default: the applicant's own contact details are stored nowhere, raw text included."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb

from pipelines.load.ingest import ingest_file
from tests.conftest import write_csv
from tests.unit.load.test_formats import LINKEDIN_HEADER

OWN_EMAIL, OWN_PHONE = "Me.Myself@Example.com", " +1 555 0100"
SECRETS = ("me.myself@example.com", "555 0100", "5550100", "recruiter@acme.example", "212", "0199")


def _answers(i: int) -> str:
    # LinkedIn quotes the application's questions and the applicant's answers, contact details too
    return (
        f"<p>Email address</p> : {OWN_EMAIL.lower()} | Mobile phone number : +1 555 0100 | Phone (backup) :"
        f" (212) 555-0199 | Who told you about us? : recruiter@acme.example | Years of experience : {i % 7}"
    )


def _export(path: Path) -> Path:
    rows = [[f"{1 + i % 9}/{1 + i}/26, 9:00 AM", OWN_EMAIL, OWN_PHONE, f"Company {i}", "Data Analyst",
             f"https://www.linkedin.com/jobs/view/{500 + i}", "cv.pdf", _answers(i)] for i in range(12)]  # fmt: skip
    return write_csv(path, LINKEDIN_HEADER, rows, quote_all=True)


def _everything(con: duckdb.DuckDBPyConnection) -> str:
    """Every cell of every table, as text - but the dates and times the database writes itself (a load's
    timestamp to the microsecond can hold "212" by chance; no contact detail is ever one), and the hash
    of the project's own SQL model files (model_fingerprint: written before any file is read)."""
    tables = [row[0] for row in con.execute("select table_name from information_schema.tables").fetchall()
              if row[0] != "model_fingerprint"]
    cells = (
        str(value)
        for table in tables
        for row in con.execute(f'select * from "{table}"').fetchall()
        for value in row
        if not isinstance(value, dt.date | dt.time)
    )
    return "\n".join(cells).lower()


def test_no_table_holds_the_applicants_contact_details(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    result = ingest_file(con, _export(tmp_path / "Job Applications.csv"))
    assert (result.status, result.inserted, result.rejected) == ("loaded", 12, 0)
    stored = _everything(con)
    for secret in SECRETS:
        assert secret not in stored, secret
    # the rest of the answers is kept, with what was removed marked
    raw = json.loads(con.execute("select raw from applications limit 1").fetchone()[0])
    answers = raw["Question And Answers"]
    assert "Years of experience" in answers and "[removed: e-mail]" in answers and "[removed: phone]" in answers
    assert any("not stored" in note for note in result.notes)


def test_a_malformed_line_keeps_no_contact_details(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    # a line the reader cannot split is stored as a reject with its text: scrubbed like the rows
    path = _export(tmp_path / "Job Applications.csv")
    with path.open("a", encoding="utf-8") as file:
        file.write(f'"1/20/26, 9:00 AM","{OWN_EMAIL}","{OWN_PHONE}","Company X","Analyst","u","cv.pdf",'
                   f'"call me on (212) 555-0199 or recruiter@acme.example","surplus field"\n')  # fmt: skip
    result = ingest_file(con, path)
    assert (result.status, result.inserted, result.rejected) == ("loaded", 12, 1)
    assert result.rejects[0]["value"] is not None and "Company X" in result.rejects[0]["value"]
    stored = _everything(con)
    for secret in SECRETS:
        assert secret not in stored, secret
    for secret in SECRETS:
        assert secret not in json.dumps(result.to_json()).lower(), secret


def test_a_malformed_line_of_a_tracker_with_a_contact_column_keeps_no_contact_details(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # the Google Sheets template's Contact column, no personal column: a ragged line is still scrubbed
    path = write_csv(tmp_path / "tracker.csv", ["Company", "Job Title", "Date Applied", "Status", "Contact"],
                     [["Acme", "Analyst", "1/5/2026", "Applied", "Jane recruiter@acme.example"]])  # fmt: skip
    with path.open("a", encoding="utf-8") as file:
        file.write("Beta,Dev,1/6/2026,Applied,Bob recruiter@acme.example (212) 555-0199,surplus field\n")
    result = ingest_file(con, path)
    assert (result.status, result.inserted, result.rejected) == ("loaded", 1, 1)
    assert "Beta" in result.rejects[0]["value"]
    stored = _everything(con)
    for secret in ("recruiter@acme.example", "555-0199"):
        assert secret not in stored, secret
        assert secret not in json.dumps(result.to_json()).lower(), secret


def test_contact_columns_of_a_personal_sheet_keep_no_e_mail_or_phone(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    header = ["Company", "Role", "Date applied", "Recruiter", "Recruiter Email", "Point of Contact", "Hiring Manager"]
    rows = [["Acme", "Analyst", "2026-01-05", "Jane Roe (jane@acme.example)", "jane@acme.example",
             "Bob +44 20 7946 0958", "Ann, ann@acme.example, 415-555-0101"]]  # fmt: skip
    result = ingest_file(con, write_csv(tmp_path / "contacts.csv", header, rows))
    assert (result.status, result.inserted) == ("loaded", 1), result.message
    stored = _everything(con)
    for secret in ("jane@acme.example", "7946 0958", "ann@acme.example", "555-0101"):
        assert secret not in stored, secret
    raw = json.loads(con.execute("select raw from applications").fetchone()[0])
    assert raw["Recruiter"].startswith("Jane Roe") and raw["Hiring Manager"].startswith("Ann")


def test_a_recruiter_column_of_dates_keeps_its_dates(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    # `Recruiter` named like a stage and holding dates is the day of the recruiter's call: not scrubbed
    header = ["Company", "Role", "Date applied", "Recruiter"]
    result = ingest_file(
        con, write_csv(tmp_path / "dates.csv", header, [["Acme", "Analyst", "2026-01-05", "2026-01-09"]])
    )
    assert result.status == "loaded" and "Recruiter" in result.columns["mapped"].values()
    events = con.execute("select event, occurred_on::varchar from events order by 2").fetchall()
    assert events == [("applied", "2026-01-05"), ("screen", "2026-01-09")]
