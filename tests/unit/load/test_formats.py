"""The formats people already have: LinkedIn export, Huntr, Simplify, personal spreadsheets.

Every fixture is written here, shaped like the real thing with its quirks; no third-party file is
copied into the project.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import duckdb
import pytest

from pipelines.load.ingest import ingest_file, ingest_path
from pipelines.store.db import run_data_tests
from tests.conftest import table_checksums, write_csv

LINKEDIN_HEADER = [
    "Application Date",
    "Contact Email",
    "Contact Phone Number",
    "Company Name",
    "Job Title",
    "Job Url",
    "Resume Name",
    "Question And Answers",
]
QA_HTML = "<p>Why do you want this job?</p><ul><li>" + "Because " * 600 + "</li></ul> : Yes | Sponsorship? : No"


def linkedin_rows() -> list[list[str]]:
    # unsorted, M/D/YY h:mm AM/PM, phone with a leading space, blank company or title allowed
    return [
        ["11/13/23, 9:42 AM", "me@example.com", " +1 555 0100", "Acme", "Data Analyst",
         "https://www.linkedin.com/jobs/view/101", "firstname_final.pdf", QA_HTML],
        ["1/2/24, 12:05 PM", "me@example.com", " +1 555 0100", "Beta Corp", "Analyst",
         "https://www.linkedin.com/jobs/view/102", "resume (2).pdf", ""],
        ["12/24/23, 11:59 PM", "me@example.com", " +1 555 0100", "", "",
         "https://www.linkedin.com/jobs/view/103", "Resume (2).pdf ", ""],
        ["11/3/23, 8:00 AM", "me@example.com", " +1 555 0100", "Gamma", "BI Developer",
         "https://www.linkedin.com/jobs/view/104", "resume(2).pdf", ""],
        ["2/29/24, 1:15 PM", "me@example.com", " +1 555 0100", "Delta", "",
         "https://www.linkedin.com/jobs/view/105", "firstname_final.pdf", ""],
    ]  # fmt: skip


def write_linkedin(path: Path, rows: list[list[str]] | None = None) -> Path:
    return write_csv(path, LINKEDIN_HEADER, rows if rows is not None else linkedin_rows(), quote_all=True)


def test_linkedin_export_loads_without_personal_data(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    result = ingest_file(con, write_linkedin(tmp_path / "Job Applications.csv"))
    assert (result.status, result.source, result.reconciled) == ("loaded", "linkedin", True)
    assert (result.inserted, result.rejected, result.skipped) == (5, 0, 0)
    assert result.columns["dropped"] == ["Contact Email", "Contact Phone Number"]
    assert result.dates["applied_on"]["order"] == "mdy"
    cur = con.cursor()
    rows = cur.execute(
        "select company, role, applied_on, resume_version, channel, raw from applications order by applied_on"
    ).fetchall()
    assert [r[2] for r in rows] == [
        dt.date(2023, 11, 3),
        dt.date(2023, 11, 13),
        dt.date(2023, 12, 24),
        dt.date(2024, 1, 2),
        dt.date(2024, 2, 29),
    ]
    assert {r[4] for r in rows} == {"linkedin_easy_apply"}
    # resume names: case and white space folded, punctuation kept (two versions, not one)
    versions = {r[3] for r in rows}
    assert len(versions) == 3
    assert sorted(v.lower() for v in versions) == ["firstname_final.pdf", "resume (2).pdf", "resume(2).pdf"]
    blank_company = next(r for r in rows if r[2] == dt.date(2023, 12, 24))
    assert blank_company[0] is None and blank_company[1] is None
    for *_, raw in rows:
        stored = json.loads(raw)
        assert "Contact Email" not in stored and "Contact Phone Number" not in stored
        assert "me@example.com" not in raw and "555 0100" not in raw
    qa = json.loads(rows[1][5])["Question And Answers"]
    assert qa == QA_HTML  # kept whole in raw, out of the main columns
    statuses = dict(
        cur.execute("select outcome, count(*) from application_facts(date '2024-03-01', 30) group by 1").fetchall()
    )
    assert sum(statuses.values()) == 5 and set(statuses) <= {"pending", "no_response"}
    assert all(count == 0 for count in run_data_tests(con).values())


def _linkedin_zip(path: Path, folder: str, split: bool) -> Path:
    rows = linkedin_rows()
    with zipfile.ZipFile(path, "w") as archive:
        scratch = path.parent / f"{path.stem}-parts"
        scratch.mkdir()
        if split:
            archive.write(write_linkedin(scratch / "a.csv", rows[:3]), f"{folder}Job Applications_1.csv")
            archive.write(write_linkedin(scratch / "b.csv", rows[3:]), f"{folder}Job Applications_2.csv")
        else:
            archive.write(write_linkedin(scratch / "a.csv", rows), f"{folder}Job Applications.csv")
        saved = write_csv(
            scratch / "saved.csv",
            ["Saved Date", "Job Url", "Job Title", "Company Name"],
            [["11/1/23, 9:00 AM", "https://www.linkedin.com/jobs/view/9", "Engineer", "Omega"]] * 2,
        )
        archive.write(saved, f"{folder}Saved Jobs.csv")
        archive.writestr("Connections.csv", "First Name,Last Name\nAda,Lovelace\n")
        archive.writestr("Profile.csv", "First Name\nMe\n")
    return path


@pytest.mark.parametrize(("folder", "split"), [("Jobs/", False), ("", False), ("Jobs/", True)])
def test_linkedin_zip_export(con: duckdb.DuckDBPyConnection, tmp_path: Path, folder: str, split: bool) -> None:
    results = ingest_path(con, _linkedin_zip(tmp_path / "Basic_LinkedInDataExport.zip", folder, split))
    sources = [r.source for r in results]
    assert sources == ["linkedin"] * (2 if split else 1) + ["linkedin_saved"]
    assert all(r.status == "loaded" and r.reconciled for r in results)
    assert sum(r.inserted for r in results) == 5
    saved = results[-1]
    assert (saved.rows_read, saved.skipped, saved.inserted) == (2, 2, 0)
    assert saved.skipped_reasons == {"LinkedIn saved job, not an application": 2}
    assert results[0].file.endswith("Job Applications" + ("_1" if split else "") + ".csv")
    assert any("2 other files" in note for note in results[0].notes)
    assert con.cursor().execute("select count(*) from applications").fetchone()[0] == 5
    # importing the same export again changes nothing
    again = ingest_path(con, tmp_path / "Basic_LinkedInDataExport.zip")
    assert sum(r.unchanged for r in again) == 5 and sum(r.inserted + r.updated for r in again) == 0


def test_zip_without_job_files_is_refused(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Connections.csv", "a,b\n1,2\n")
    (result,) = ingest_path(con, path)
    assert result.status == "refused" and "no job applications" in result.message


def test_linkedin_plus_events_file_gives_outcomes_per_resume(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    ingest_file(con, write_linkedin(tmp_path / "Job Applications.csv"))
    events = write_csv(
        tmp_path / "outcomes.csv",
        ["company", "role", "applied_on", "event", "date"],
        [
            ["Acme", "Data Analyst", "11/13/2023", "Phone screen", "11/20/2023"],
            ["Acme", "Data Analyst", "11/13/2023", "Rejected", "12/1/2023"],
            ["Beta Corp", "Analyst", "1/2/2024", "Interview", "1/15/2024"],
            ["Beta Corp", "Analyst", "1/2/2024", "offer", "1/30/2024"],
            ["Gamma", "BI Developer", "11/3/2023", "ghosted", ""],
            ["Nowhere Inc", "Analyst", "1/2/2024", "rejected", "1/9/2024"],  # matches nothing
        ],
    )
    result = ingest_file(con, events)
    assert (result.source, result.status, result.reconciled) == ("events", "loaded", True)
    assert (result.inserted, result.rejected) == (5, 1)
    assert result.rejects[0]["line"] == 7 and result.rejects[0]["reason"] == "no application matches"
    assert any("matched 3 applications" in note for note in result.notes)
    by_resume = (
        con.cursor()
        .execute(
            """
        select lower(a.resume_version), f.outcome
        from application_facts(date '2024-03-01', 30) as f join applications as a using (application_id)
        where a.company in ('Acme', 'Beta Corp', 'Gamma') order by a.company
        """
        )
        .fetchall()
    )
    assert by_resume == [
        ("firstname_final.pdf", "rejected"),
        ("resume (2).pdf", "offer"),
        ("resume(2).pdf", "no_response"),
    ]


HUNTR_HEADER = [
    "id",
    "createdAt",
    "title",
    "salary",
    "location",
    "url",
    "rootDomain",
    "htmlDescription",
    "deadline",
    "color",
    "lastMovedAt",
    "boardId",
    "boardName",
    "listId",
    "listName",
    "companyId",
    "companyName",
    "companyDomain",
    "creatorUserId",
    "creatorUserFirstName",
    "creatorUserLastName",
    "creatorUserEmail",
]


def _huntr_row(card: str, created: str, title: str, company: str, moved: str, list_name: str) -> list[str]:
    return [card, created, title, "-", "Remote", f"https://jobs.example/{card}", "example.com",
            "<p>We are hiring</p>", "-", "#ffffff", moved, "b1", "Job Search 2022", "l1", list_name, "c" + card,
            company, "-", "u1", "Pat", "Doe", "pat@example.com"]  # fmt: skip


def test_huntr_export_and_newer_export_updates_statuses(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    first = [
        _huntr_row("h1", "2022-02-01 10:00:00", "Analyst", "Acme", "2022-02-01 10:00:00", "Applied"),
        _huntr_row("h2", "2022-02-02 11:30:00", "Engineer", "Beta", "2022-02-10 09:00:00", "Interview"),
        _huntr_row("h3", "2022-02-03 08:00:00", "Scientist", "Gamma", "2022-02-03 08:00:00", "Wishlist"),
        _huntr_row("h4", "2022-02-04 08:00:00", "Manager", "Delta", "2022-02-20 08:00:00", "Rejected 😢"),
    ]
    result = ingest_file(con, write_csv(tmp_path / "huntr_1.csv", HUNTR_HEADER, first))
    assert (result.source, result.status, result.reconciled) == ("huntr", "loaded", True)
    assert (result.inserted, result.skipped, result.rejected) == (3, 1, 0)
    assert result.skipped_reasons == {"saved job, not an application": 1}
    assert set(result.columns["dropped"]) == {"creatorUserFirstName", "creatorUserLastName", "creatorUserEmail"}
    events = con.cursor().execute("select event, occurred_on from events order by event, occurred_on").fetchall()
    assert ("interview", dt.date(2022, 2, 10)) in events and ("rejected", dt.date(2022, 2, 20)) in events

    newer = [
        _huntr_row("h1", "2022-02-01 10:00:00", "Analyst", "Acme", "2022-03-01 10:00:00", "Phone Screen"),
        _huntr_row("h2", "2022-02-02 11:30:00", "Engineer", "Beta", "2022-03-05 09:00:00", "Offer"),
        _huntr_row("h3", "2022-02-03 08:00:00", "Scientist", "Gamma", "2022-03-02 08:00:00", "Applied"),
        _huntr_row("h4", "2022-02-04 08:00:00", "Manager", "Delta", "2022-02-20 08:00:00", "Rejected 😢"),
    ]
    result = ingest_file(con, write_csv(tmp_path / "huntr_2.csv", HUNTR_HEADER, newer))
    assert (result.inserted, result.updated, result.unchanged) == (1, 2, 1)
    cur = con.cursor()
    assert cur.execute("select count(*) from applications").fetchone()[0] == 4
    history = cur.execute(
        "select a.company, list(e.event order by e.occurred_on nulls first, e.event) from events as e "
        "join applications as a using (application_id) group by 1 order by 1"
    ).fetchall()
    assert dict(history) == {
        "Acme": ["applied", "screen"],
        "Beta": ["applied", "interview", "offer"],  # the interview stays in the history
        "Delta": ["applied", "rejected"],
        "Gamma": ["applied"],
    }
    assert all(count == 0 for count in run_data_tests(con).values())


SIMPLIFY_HEADER = ["Job Title", "Company Name", "Location", "Job URL", "Applied Date", "Status", "Status Date",
                   "Archived", "Date Archived", "Notes"]  # fmt: skip


@pytest.mark.parametrize("variant", ["full", "no_location", "job_type"])
def test_simplify_export_and_reimport(con: duckdb.DuckDBPyConnection, tmp_path: Path, variant: str) -> None:
    rows = [
        ["Analyst", "Acme", "NYC", "https://a", "2024-03-01", "APPLIED", "2024-03-01", "false", "N/A", ""],
        ["Engineer", "Beta", "Remote", "https://b", "2024-03-02", "interviewing", "2024-03-12", "false", "N/A", "x"],
        ["Scientist", "Gamma", "SF", "https://c", "N/A", "SAVED", "2024-03-03", "false", "N/A", ""],
        ["Manager", "Delta", "LA", "https://d", "2024-03-04", "Rejected", "2024-03-20", "true", "2024-03-21", ""],
        ["Lead", "Eps", "LA", "https://e", "2024-03-05", "GHOSTED", "2024-04-20", "false", "N/A", ""],
    ]
    header = list(SIMPLIFY_HEADER)
    if variant == "no_location":
        header.remove("Location")
        rows = [row[:2] + row[3:] for row in rows]
    if variant == "job_type":
        header.append("job_type")
        rows = [[*row, "Full-time"] for row in rows]
    result = ingest_file(con, write_csv(tmp_path / "simplify.csv", header, rows))
    assert (result.source, result.status, result.reconciled) == ("simplify", "loaded", True)
    assert (result.inserted, result.skipped, result.rejected) == (4, 1, 0)
    newer = [list(row) for row in rows]
    status_at = header.index("Status")
    newer[0][status_at], newer[0][status_at + 1] = "SCREEN", "2024-03-09"
    newer[1][status_at], newer[1][status_at + 1] = "OFFER", "2024-03-30"
    result = ingest_file(con, write_csv(tmp_path / "simplify2.csv", header, newer))
    assert (result.inserted, result.updated, result.unchanged, result.skipped) == (0, 2, 2, 1)
    cur = con.cursor()
    assert cur.execute("select count(*) from applications").fetchone()[0] == 4
    # read within 60 days of the last news: later, an answer followed by nothing is no further answer
    outcomes = dict(
        cur.execute(
            "select a.company, f.outcome from application_facts(date '2024-05-01', 30) as f "
            "join applications as a using (application_id)"
        ).fetchall()
    )
    assert outcomes == {"Acme": "in_progress", "Beta": "offer", "Delta": "rejected", "Eps": "no_response"}
    screened = cur.execute(
        "select e.occurred_on from events as e join applications as a using (application_id) "
        "where a.company = 'Acme' and e.event = 'screen'"
    ).fetchall()
    assert screened == [(dt.date(2024, 3, 9),)]


SPREADSHEET_HEADER = ["Company", "Position", "Website", "Application site", "Company Type", "Date sent",
                      "Easy Application?", "Response?", "Date Interview", "Date of 1st Response", "Paid? ",
                      "LinkedIn_Connection", "Recruiter", "CV_Version"]  # fmt: skip


def _spreadsheet_rows() -> list[list[str]]:
    return [
        ["Monterey County", "Systems Analyst", "gov jobs page", "Company Site", "Government", "11/14/2021", "n",
         "Rejected", "", "11/30/2021", "Yes", "n", "Jane Roe", "v1"],
        ["Lotus Capital", "Credit Specialist", "Linkedin", "Linkedin", "Finance ", "11/13/2021", "y", "Ghosted",
         "", "", "", "N", "", "v1"],
        ["Cella", "Audience Analyst", "Linkedin", "LinkedIn", "Staffing", "11/14/2021", "Yes", "Inter + Rejec",
         "12/2/2021 & 12/9/2021", "11/20/2021", "", "y", "", "v2"],
        ["CPR Cell Phone ", "Repair Technician", "-", "OtterJobs", "Retail", "11/13/2021", "No ", "reeejected",
         "", "null", "", "", "", "v2"],
        ["Take2", "Junior Data Scientist", "Dice", "Otter Jobs", "Consulting", "11/15/2021", "TRUE",
         "Position Removed", "", "", "", "", "", "v2"],
        ["Target", "Everything", "targets page", "Company Site", "Retail", "8/82021", "n", "Offer", "", "", "", "",
         "", "v1"],
        ["YipitData", "Data Analyst", "jobsite", "Company Site", "Software", "Before 2021-11-20", "n", "Rejected",
         "", "", "", "", "", "v1"],
        ["Acme", "Analyst", "jobsite", "Company Site", "Software", "11/16/2021", "n", "Waitlisted", "", "", "", "",
         "", "v1"],
        ["Beta", "Analyst", "jobsite", "Company Site", "Software", "11/17/2021", "n", "Accepted!", "", "", "", "",
         "", "v1"],
    ]  # fmt: skip


def test_messy_spreadsheet_maps_dates_statuses_and_variants(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "my log.csv", SPREADSHEET_HEADER, _spreadsheet_rows(), line_ending="\r\n")
    result = ingest_file(con, path)
    assert (result.source, result.status, result.reconciled) == ("spreadsheet", "loaded", True)
    mapped = result.columns["mapped"]
    assert mapped["channel"] == "Application site"  # the better spelling beats "Website"
    assert mapped["industry"] == "Company Type" and mapped["applied_on"] == "Date sent"
    assert mapped["referral"] == "LinkedIn_Connection" and mapped["one_click"] == "Easy Application?"
    assert mapped["resume_version"] == "CV_Version" and mapped["status"] == "Response?"
    assert "screen_on" not in mapped and "Recruiter" in result.columns["ignored"]  # names, not dates
    assert any("'Recruiter' holds no dates" in note for note in result.notes)
    assert result.dates["applied_on"]["format"] == "M/D/YYYY"
    reasons = {(r["line"], r["column"]): r["reason"] for r in result.rejects}
    assert reasons[(7, "applied_on")].startswith("not a date (a typo?)")
    assert reasons[(8, "applied_on")].startswith("a bound, not a date")
    assert reasons[(9, "status")].startswith("status not understood")
    assert result.unclassified_statuses == {"Waitlisted": 1}
    assert (result.inserted, result.rejected) == (6, 3)
    understood = {item["text"]: (item["status"], item["via"]) for item in result.statuses}
    assert understood["Inter + Rejec"] == ("rejected", "interview")
    assert understood["reeejected"] == ("rejected", None)
    assert understood["Position Removed"] == ("position_closed", None)

    cur = con.cursor()
    apps = {
        row[0]: row[1:]
        for row in cur.execute(
            "select company, channel, channel_raw, industry, referral, resume_version from applications"
        ).fetchall()
    }
    assert apps["CPR Cell Phone"][1] == apps["Take2"][1]  # OtterJobs / Otter Jobs: one spelling
    assert apps["Lotus Capital"][1] == apps["Cella"][1]  # Linkedin / LinkedIn
    assert apps["Lotus Capital"][0] == "linkedin_easy_apply"  # Easy Application? y
    assert apps["Monterey County"][0] == "company_site"
    assert apps["Lotus Capital"][1] in ("Linkedin", "LinkedIn") and apps["Lotus Capital"][2] == "Finance"
    assert apps["Cella"][3] is True and apps["Lotus Capital"][3] is False
    raw = json.loads(cur.execute("select raw from applications where company = 'Take2'").fetchone()[0])
    assert raw["Application site"] == "Otter Jobs"  # the original text is kept
    cella = cur.execute(
        "select e.event, e.occurred_on, e.round from events as e join applications as a using (application_id) "
        "where a.company = 'Cella' order by e.event, e.round"
    ).fetchall()
    assert cella == [
        ("applied", dt.date(2021, 11, 14), None),
        ("interview", dt.date(2021, 12, 2), 1),
        ("interview", dt.date(2021, 12, 9), 2),  # two dates in one cell: two interviews
        ("rejected", None, None),
        ("response", dt.date(2021, 11, 20), None),
    ]
    assert all(count == 0 for count in run_data_tests(con).values())


def test_status_map_and_column_map_are_remembered(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "log.csv", SPREADSHEET_HEADER, _spreadsheet_rows())
    first = ingest_file(
        con, path, status_map={"Waitlisted": "pending"}, column_map={"Website": "channel", "Application site": ""}
    )
    assert first.columns["mapped"]["channel"] == "Website"
    assert "Application site" in first.columns["ignored"]
    assert first.unclassified_statuses == {}
    assert first.rejected == 2
    waitlisted = next(item for item in first.statuses if item["text"] == "Waitlisted")
    assert (waitlisted["status"], waitlisted["how"]) == ("applied", "your --status-map")
    # a file with the same header (spelled differently) gets the confirmed mapping without flags
    rows = _spreadsheet_rows()
    rows[7][7] = "waitlisted "
    again = ingest_file(
        con, write_csv(tmp_path / "log2.csv", [h.upper() for h in SPREADSHEET_HEADER], rows), dry_run=True
    )
    assert again.columns["mapped"]["channel"] == "WEBSITE"
    assert again.unclassified_statuses == {}
    assert any("confirmed for this header" in note for note in again.notes)


def test_dry_run_reports_and_writes_nothing(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    before = table_checksums(con)
    path = write_csv(tmp_path / "log.csv", SPREADSHEET_HEADER, _spreadsheet_rows())
    result = ingest_file(con, path, dry_run=True)
    assert result.status == "dry_run" and result.reconciled
    assert result.columns["mapped"]["applied_on"] == "Date sent"
    assert result.dates["interview_on"]["format"] == "M/D/YYYY"
    assert {item["text"] for item in result.statuses} >= {"Ghosted", "Waitlisted"}
    assert result.unclassified_statuses == {"Waitlisted": 1}
    assert len(result.rejects) == 3
    assert table_checksums(con) == before


def test_map_names_an_unknown_column_or_field(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "log.csv", SPREADSHEET_HEADER, _spreadsheet_rows())
    result = ingest_file(con, path, column_map={"Nope": "channel"})
    assert result.status == "refused" and "no column 'Nope'" in result.message
    result = ingest_file(con, path, column_map={"Website": "colour"})
    assert result.status == "refused" and "unknown field 'colour'" in result.message
    result = ingest_file(con, path, status_map={"Waitlisted": "maybe"})
    assert result.status == "refused" and "unknown status 'maybe'" in result.message


def test_map_refusal_for_a_file_of_thousands_of_columns_stays_short(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # the refusal listed every column of the file: 5,000 of them made one line of 40 KB; and the
    # fuzzer's header cell with a line break in it made the message two lines
    header = ["company", "role", "applied_on\n(date)", "x" * 500, *(f"col {i}" for i in range(4996))]
    path = write_csv(tmp_path / "wide.csv", header, [["A", "R", "2025-01-02", *[""] * 4997]])
    result = ingest_file(con, path, column_map={"Nope": "channel"})
    assert result.status == "refused"
    assert result.message.startswith(
        "--map: no column 'Nope' in the file (columns: company, role, applied_on (date), xxxxxxxxx"
    )
    assert result.message.endswith(", col 24, col 25 and 4,970 more)") and len(result.message) < 400


def _dates_file(tmp_path: Path, values: list[str], name: str = "d.csv") -> Path:
    rows = [[f"Co{i}", "Role", value] for i, value in enumerate(values)]
    return write_csv(tmp_path / name, ["Company", "Role", "Date Applied"], rows)


def _applied(con: duckdb.DuckDBPyConnection) -> dict[str, dt.date]:
    return dict(con.cursor().execute("select company, applied_on from applications").fetchall())


def test_a_day_over_twelve_proves_day_month_order(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    result = ingest_file(con, _dates_file(tmp_path, ["03/01/2025", "15/01/2025", "04/02/2025"]))
    assert result.dates["applied_on"]["order"] == "dmy" and "15/01/2025" in result.dates["applied_on"]["decided_by"]
    assert _applied(con) == {"Co0": dt.date(2025, 1, 3), "Co1": dt.date(2025, 1, 15), "Co2": dt.date(2025, 2, 4)}


def test_ambiguous_order_is_decided_by_row_sequence_or_said(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    # read as D/M these run 1 Feb .. 5 Feb down the file; as M/D they jump between months
    result = ingest_file(
        con, _dates_file(tmp_path, ["01/02/2025", "02/02/2025", "03/02/2025", "04/02/2025", "05/02/2025"])
    )
    assert result.dates["applied_on"]["order"] == "dmy"
    assert "run down the file" in result.dates["applied_on"]["decided_by"]
    # two values, no proof either way: M/D/Y, and the load says it guessed
    result = ingest_file(con, _dates_file(tmp_path, ["01/02/2025", "02/03/2025"], "amb.csv"), dry_run=True)
    assert result.dates["applied_on"]["decided_by"].startswith("AMBIGUOUS")
    assert any("AMBIGUOUS" in note for note in result.notes)
    result = ingest_file(con, _dates_file(tmp_path, ["01/02/2025", "02/03/2025"], "amb.csv"), date_order="dmy")
    assert result.dates["applied_on"]["decided_by"] == "--date-order"


def test_dates_without_a_year_inferred_only_when_unambiguous(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    result = ingest_file(con, _dates_file(tmp_path, ["2019-06-01", "8-Jul", "2019-09-30", "Aug 3"]))
    assert result.inserted == 4 and result.dates["applied_on"]["year_inferred"] == 2
    assert _applied(con)["Co1"] == dt.date(2019, 7, 8) and _applied(con)["Co3"] == dt.date(2019, 8, 3)
    # the file spans two years: which July is it?
    result = ingest_file(con, _dates_file(tmp_path, ["2019-06-01", "8-Jul", "2020-09-30"], "two.csv"))
    assert result.rejected == 1
    assert "span more than one year" in result.rejects[0]["reason"] and result.rejects[0]["value"] == "8-Jul"


def test_two_applied_dates_in_one_cell_are_rejected(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    result = ingest_file(con, _dates_file(tmp_path, ["8/3/2019 and 9/9/2019", "8/5/2019"]))
    assert result.rejected == 1 and "two dates in one cell" in result.rejects[0]["reason"]


def test_yes_no_stage_columns_are_read_only_when_asked(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    # `Onsite: Yes` may mean "the job is on site": a yes/no column named like a stage is not read
    # as that stage unless the user says so
    header = ["Company", "Role", "Date", "Phone Screen", "Onsite", "Result"]
    rows = [["A", "R", "2025-01-02", "y", "Yes", "Offer"], ["B", "R", "2025-01-03", "n", "No", "Ghosted"]]
    path = write_csv(tmp_path / "yn.csv", header, rows)
    result = ingest_file(con, path)
    assert result.inserted == 2, result.rejects
    assert {"Phone Screen", "Onsite"} <= set(result.columns["ignored"])
    assert any("'Onsite' holds yes/no, not dates" in note for note in result.notes)

    def events() -> list[tuple[str, str, dt.date | None]]:
        return (
            con.cursor()
            .execute(
                "select a.company, e.event, e.occurred_on from events as e"
                " join applications as a using (application_id) order by 1, 2"
            )
            .fetchall()
        )

    assert events() == [
        ("A", "applied", dt.date(2025, 1, 2)),
        ("A", "offer", None),
        ("B", "applied", dt.date(2025, 1, 3)),
        ("B", "ghosted", None),
    ]
    result = ingest_file(con, path, column_map={"phone screen": "screen_on"})
    assert result.columns["mapped"]["screen_on"] == "Phone Screen" and (result.updated, result.inserted) == (2, 0)
    assert ("A", "screen", None) in events() and ("B", "screen", None) not in events()


def test_a_stage_column_with_two_dates_in_a_cell_and_a_yes(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    # found by the fuzzer: a stage column holding both (two dates in one cell, `y` in another) made
    # the load fail with a Binder Error
    header = ["company", "role", "applied_on", "followed_up_on"]
    rows = [
        ["A", "R", "2025-01-02", "2025-01-09 & 2025-01-16"],
        ["B", "R", "2025-01-03", "y"],
        ["C", "R", "2025-01-04", ""],
    ]
    result = ingest_file(con, write_csv(tmp_path / "follow.csv", header, rows))
    assert (result.status, result.inserted, result.rejected) == ("loaded", 3, 0), result.message
    follow_ups = (
        con.cursor()
        .execute(
            "select a.company, e.occurred_on, e.round from events as e join applications as a using (application_id)"
            " where e.event = 'follow_up' order by 1, 2"
        )
        .fetchall()
    )
    assert follow_ups == [("A", dt.date(2025, 1, 9), None), ("A", dt.date(2025, 1, 16), 2), ("B", None, None)]
    assert all(count == 0 for count in run_data_tests(con).values())


def test_an_applied_column_of_yes_no_gives_way_to_a_date_column(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    header = ["Company", "Role", "Applied?", "Date", "Referred by"]
    rows = [["A", "R", "yes", "2025-01-02", "Jane Roe"], ["B", "R", "yes", "2025-01-03", ""]]
    result = ingest_file(con, write_csv(tmp_path / "a.csv", header, rows))
    assert result.status == "loaded" and result.columns["mapped"]["applied_on"] == "Date"
    assert any("'Applied?' holds no dates" in note for note in result.notes)
    referred = dict(con.cursor().execute("select company, referral from applications").fetchall())
    assert referred == {"A": True, "B": None}  # a name means yes; blank stays unknown


def test_messy_spreadsheet_as_xlsx(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    notes = workbook.active
    notes.title = "Notes"  # an empty first sheet: the first sheet WITH data is read
    sheet = workbook.create_sheet("Applications")
    sheet.append(["Company", "Role name", "Date Applied", "Status", "Industry"])
    sheet.append(["Acme", "Analyst", dt.datetime(2025, 1, 6), "Phone screen", "Tech"])
    sheet.append(["Beta", "Analyst", "1/7/2025", "No response", "tech "])
    sheet.append(["Gamma", "Analyst", dt.datetime(2025, 1, 8), "HR call", "TECH"])
    workbook.save(tmp_path / "log.xlsx")
    result = ingest_file(con, tmp_path / "log.xlsx")
    assert (result.status, result.inserted, result.source) == ("loaded", 3, "spreadsheet"), result.message
    assert any("Applications" in note for note in result.notes)
    industries = {row[0] for row in con.cursor().execute("select industry from applications").fetchall()}
    assert len(industries) == 1


def test_a_status_read_differently_retracts_its_events_but_progress_keeps_history(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    header = ["Company", "Role", "Date Applied", "Status"]
    path = write_csv(
        tmp_path / "log.csv", header, [["A", "R", "2025-01-02", "Final round"], ["B", "R", "2025-01-03", "Interview"]]
    )

    def history() -> dict[str, list[str]]:
        rows = (
            con.cursor()
            .execute(
                "select a.company, list(e.event order by e.event) from events as e"
                " join applications as a using (application_id) group by 1"
            )
            .fetchall()
        )
        return dict(rows)

    ingest_file(con, path)
    assert history() == {"A": ["applied", "interview"], "B": ["applied", "interview"]}
    # the user says what "Final round" meant in their sheet: the interview it implied is retracted
    result = ingest_file(con, path, status_map={"Final round": "rejected"})
    assert (result.updated, result.unchanged) == (2, 0)  # a new status map re-reads every row
    assert history() == {"A": ["applied", "rejected"], "B": ["applied", "interview"]}
    # the sheet moves on: B's interview happened, and stays in its history
    moved = write_csv(
        tmp_path / "log2.csv", header, [["A", "R", "2025-01-02", "Final round"], ["B", "R", "2025-01-03", "Offer"]]
    )
    ingest_file(con, moved)
    assert history() == {"A": ["applied", "rejected"], "B": ["applied", "interview", "offer"]}
    assert all(count == 0 for count in run_data_tests(con).values())


def test_events_file_takes_map_and_status_map_and_corrects_a_round_date(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    ingest_file(con, write_csv(tmp_path / "apps.csv", ["company", "role", "applied_on"], [["Acme", "R", "2025-01-02"]]))
    header = ["company", "role", "applied_on", "event", "When", "round"]
    rows = [["Acme", "R", "1/2/2025", "Waitlisted", "1/20/2025", "1"]]
    options = {"column_map": {"When": "occurred_on"}, "status_map": {"Waitlisted": "interview"}}
    result = ingest_file(con, write_csv(tmp_path / "ev.csv", header, rows), **options)
    assert (result.status, result.inserted) == ("loaded", 1), result.rejects
    assert result.columns["mapped"]["occurred_on"] == "When"
    rows[0][4] = "1/21/2025"  # the date was wrong: the same round, corrected
    result = ingest_file(con, write_csv(tmp_path / "ev2.csv", header, rows), **options)
    assert (result.inserted, result.updated) == (0, 1)
    interviews = con.cursor().execute("select occurred_on from events where event = 'interview'").fetchall()
    assert interviews == [(dt.date(2025, 1, 21),)]
    refused = ingest_file(con, tmp_path / "ev2.csv", column_map={"When": "zzz"})
    assert refused.status == "refused" and "unknown field 'zzz'" in refused.message


def test_a_mapping_for_a_whole_export_zip_applies_to_the_files_that_have_the_column(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    archive = _linkedin_zip(tmp_path / "export.zip", "Jobs/", split=False)
    results = ingest_path(con, archive, column_map={"Question And Answers": "notes"})
    assert [r.status for r in results] == ["loaded", "loaded"]
    assert results[0].columns["mapped"]["notes"] == "Question And Answers"
