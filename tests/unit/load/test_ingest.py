"""The load: reconciliation, idempotence, updates, duplicates, rollback, rejects."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from pipelines.load import ingest, merge
from pipelines.load.ingest import ingest_file
from pipelines.store.db import connect, run_data_tests
from tests.conftest import table_checksums, write_csv

HEADER = ["company", "role", "applied_on", "channel", "status", "rejected_on", "interview_on"]


def _rows(n: int = 5) -> list[list[object]]:
    base = dt.date(2025, 3, 1)
    return [
        [f"Company {i}", f"Role {i}", (base + dt.timedelta(days=i)).isoformat(), "job board", "applied", None, None]
        for i in range(n)
    ]


def _reconciles(result: ingest.IngestResult) -> bool:
    return result.rows_read == (result.inserted + result.updated + result.unchanged + result.rejected + result.skipped)


def test_load_counts_and_events(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "log.csv", HEADER, _rows(5))
    result = ingest_file(con, path)
    assert result.status == "loaded", result.message
    assert (result.rows_read, result.inserted, result.rejected, result.skipped) == (5, 5, 0, 0)
    assert result.reconciled and _reconciles(result)
    cur = con.cursor()
    assert cur.execute("select count(*) from applications").fetchone()[0] == 5
    assert cur.execute("select count(*) from events where event = 'applied'").fetchone()[0] == 5
    run = cur.execute("select status, rows_read, inserted, sha256 from ingest_runs").fetchone()
    assert run[:3] == ("loaded", 5, 5) and len(run[3]) == 64
    assert all(count == 0 for count in run_data_tests(con).values())


def test_second_import_of_same_file_changes_nothing(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "log.csv", HEADER, _rows(20))
    first = ingest_file(con, path)
    before = table_checksums(con)
    second = ingest_file(con, path)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 20)
    assert second.events_inserted == 0 and second.events_updated == 0
    after = table_checksums(con)
    for table in ("applications", "events"):
        assert before[table] == after[table]
    assert first.run_id != second.run_id


def test_newer_export_updates_status_and_adds_events(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    rows = _rows(4)
    ingest_file(con, write_csv(tmp_path / "v1.csv", HEADER, rows))
    rows[1][4] = "rejected"
    rows[1][5] = "2025-03-20"
    rows[2][4] = "interview"
    rows[2][6] = "2025-03-15"
    result = ingest_file(con, write_csv(tmp_path / "v2.csv", HEADER, rows))
    assert (result.inserted, result.updated, result.unchanged) == (0, 2, 2)
    assert result.events_inserted == 2
    cur = con.cursor()
    outcomes = dict(cur.execute("select company, outcome from application_facts(date '2025-04-30', 30)").fetchall())
    assert outcomes["Company 1"] == "rejected"
    assert outcomes["Company 2"] == "in_progress"
    assert cur.execute("select count(*) from applications").fetchone()[0] == 4
    # the third export corrects a date: the event is updated, not duplicated
    rows[1][5] = "2025-03-22"
    third = ingest_file(con, write_csv(tmp_path / "v3.csv", HEADER, rows))
    assert third.updated == 1 and third.events_updated == 1 and third.events_inserted == 0
    assert cur.execute("select count(*) from events where event = 'rejected'").fetchone()[0] == 1
    assert cur.execute("select occurred_on from events where event = 'rejected'").fetchone()[0] == dt.date(2025, 3, 22)


def test_history_is_kept_when_a_newer_export_no_longer_implies_an_event(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    rows = _rows(1)
    rows[0][4] = "interview"
    ingest_file(con, write_csv(tmp_path / "v1.csv", HEADER, rows))
    rows[0][4] = "rejected"
    ingest_file(con, write_csv(tmp_path / "v2.csv", HEADER, rows))
    events = {e for (e,) in con.cursor().execute("select event from events").fetchall()}
    assert events == {"applied", "interview", "rejected"}
    facts = (
        con.cursor()
        .execute("select furthest_stage, rejected_at_stage, outcome from application_facts(date '2025-06-01', 30)")
        .fetchone()
    )
    assert facts == ("interview", "interview", "rejected")


def test_a_later_applied_date_before_stored_events_is_rejected(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    # found by the fuzzer: a re-import moving an application's applied date (same id) past an event
    # the earlier import stored left that event before the application was sent (a data test failed)
    header = ["application_id", *HEADER]
    first = [["a1", "Acme", "Analyst", "2025-03-01", "job board", "rejected", "2025-03-10", None],
             ["a2", "Beta", "Analyst", "2025-03-01", "job board", "interview", None, "2025-03-05"]]  # fmt: skip
    ingest_file(con, write_csv(tmp_path / "v1.csv", header, first))
    # a1 no longer says when it was rejected; a2 dates its interview again, after the new date: fine
    second = [["a1", "Acme", "Analyst", "2025-03-15", "job board", "applied", None, None],
              ["a2", "Beta", "Analyst", "2025-03-15", "job board", "interview", None, "2025-03-20"]]  # fmt: skip
    result = ingest_file(con, write_csv(tmp_path / "v2.csv", header, second))
    assert result.status == "loaded" and _reconciles(result)
    assert (result.updated, result.rejected) == (1, 1)
    assert result.rejects == [
        {
            "line": 2,
            "column": "applied_on",
            "value": "2025-03-15",
            "reason": "is after the rejected event of 2025-03-10 already stored for this application;"
            " an application is sent before its events",
        }
    ]
    cur = con.cursor()
    applied = dict(cur.execute("select company, applied_on from applications").fetchall())
    assert applied == {"Acme": dt.date(2025, 3, 1), "Beta": dt.date(2025, 3, 15)}
    stored = cur.execute("select count(*) from ingest_rejects where run_id = ?", [result.run_id]).fetchone()[0]
    assert stored == 1
    assert all(count == 0 for count in run_data_tests(con).values())


def test_duplicate_keys_in_one_file_last_row_wins(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    rows = _rows(3)
    duplicate = list(rows[0])
    duplicate[4] = "rejected"
    rows.append(duplicate)
    result = ingest_file(con, write_csv(tmp_path / "dups.csv", HEADER, rows))
    assert (result.rows_read, result.inserted, result.skipped) == (4, 3, 1)
    assert result.skipped_reasons == {"same application as a later row, which wins": 1}
    skip = con.cursor().execute("select line, reason from ingest_skips").fetchone()
    assert skip == (2, "same application as a later row (line 5), which wins")
    outcome = (
        con.cursor()
        .execute("select outcome from application_facts(date '2025-06-01', 30) where company = 'Company 0'")
        .fetchone()[0]
    )
    assert outcome == "rejected"


def test_duplicate_ids_with_an_id_column(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    header = ["application_id", "company", "applied_on"]
    rows = [["A1", "First", "2025-01-01"], ["A2", "Other", "2025-01-02"], ["A1", "Renamed", "2025-01-03"]]
    result = ingest_file(con, write_csv(tmp_path / "ids.csv", header, rows))
    assert (result.inserted, result.skipped) == (2, 1)
    names = {c for (c,) in con.cursor().execute("select company from applications").fetchall()}
    assert names == {"Renamed", "Other"}


@pytest.mark.parametrize("fail_at", range(len(merge.APPLICATION_MERGE_STEPS) + 1))
def test_error_half_way_leaves_the_database_unchanged(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail_at: int
) -> None:
    ingest_file(con, write_csv(tmp_path / "v1.csv", HEADER, _rows(10)))
    before = table_checksums(con)
    rows = _rows(15)
    rows[3][4] = "rejected"
    rows[3][5] = "2025-03-30"
    steps = list(merge.APPLICATION_MERGE_STEPS)
    steps.insert(fail_at, ("injected failure", "select error('injected failure')"))
    monkeypatch.setattr(merge, "APPLICATION_MERGE_STEPS", steps)
    result = ingest_file(con, write_csv(tmp_path / "v2.csv", HEADER, rows))
    assert result.status == "failed"
    assert "injected failure" in (result.message or "")
    after = table_checksums(con)
    for table in ("applications", "events", "ingest_rejects", "ingest_skips"):
        assert after[table] == before[table], table
    # the failed attempt itself is on record, as a failed run
    statuses = [s for (s,) in con.cursor().execute("select status from ingest_runs order by run_id").fetchall()]
    assert statuses == ["loaded", "failed"]


def test_values_are_stored_as_written(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    hostile = [
        "x'); DROP TABLE applications;--",
        "Robert'); DELETE FROM events; --",
        '=HYPERLINK("http://evil")',
        "<script>alert(1)</script>",
        "ÉcoleÄÖ 😀 שלום",
        "$source ? $1 %s {0}",
    ]
    rows = [[name, "Role", f"2025-01-{i + 1:02d}", None, None, None, None] for i, name in enumerate(hostile)]
    result = ingest_file(con, write_csv(tmp_path / "hostile.csv", HEADER, rows))
    assert result.inserted == len(hostile)
    stored = {c for (c,) in con.cursor().execute("select company from applications").fetchall()}
    assert stored == set(hostile)
    assert con.cursor().execute("select count(*) from events").fetchone()[0] == len(hostile)


def test_hostile_header_names_are_kept_in_raw(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    header = ["company", "applied_on", 'weird"); drop table events; --', "Notes ", "notes"]
    path = write_csv(tmp_path / "h.csv", header, [["A", "2025-01-01", "v1", "n1", "n2"]])
    result = ingest_file(con, path)
    assert result.inserted == 1, result.message
    raw = json.loads(con.cursor().execute("select raw from applications").fetchone()[0])
    assert raw['weird"); drop table events; --'] == "v1"
    assert raw["notes"] == "n2" and raw["Notes"] == "n1"


def test_rejected_rows_listed_with_line_column_value_reason(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    rows = _rows(6)
    rows[1][2] = "next week"  # not a date
    rows[2][2] = None  # no applied date
    rows[3][0] = None
    rows[3][1] = None  # neither company nor role
    rows[4][5] = "2020-01-01"  # rejected before applied
    rows[4][4] = "rejected"
    result = ingest_file(con, write_csv(tmp_path / "bad.csv", HEADER, rows))
    assert result.status == "loaded" and result.reconciled
    assert (result.inserted, result.rejected) == (2, 4)
    by_line = {(r["line"], r["column"]): r for r in result.rejects}
    assert by_line[(3, "applied_on")]["value"] == "next week"
    assert by_line[(3, "applied_on")]["reason"] == "not a date"
    assert by_line[(4, "applied_on")]["reason"] == "no applied date"
    assert by_line[(5, "company")]["reason"] == "needs a company or a role"
    assert by_line[(6, "rejected_on")]["reason"].startswith("is before the applied date")
    stored = con.cursor().execute("select count(distinct line) from ingest_rejects").fetchone()[0]
    assert stored == 4


def test_ragged_rows_are_rejected_not_silently_skipped(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    text = (
        "company,role,applied_on\n"
        "A,R,2025-01-01\n"
        "B,2025-01-02\n"  # one field short
        "C,R,2025-01-03,extra\n"  # one too many
        "D,R,2025-01-04\n"
    )
    path = tmp_path / "ragged.csv"
    path.write_text(text)
    result = ingest_file(con, path)
    assert (result.rows_read, result.inserted, result.rejected) == (4, 2, 2)
    assert {r["line"] for r in result.rejects} == {3, 4}
    reasons = {r["line"]: r["reason"] for r in result.rejects}
    assert "fewer fields" in reasons[3] and "more fields" in reasons[4]


def test_multiline_cells_blank_lines_and_crlf(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    text = (
        "\ufeffcompany,role,applied_on,notes\r\n"
        'A,R,2025-01-01,"pasted\r\njob description\r\n\r\nwith a blank line"\r\n'
        "\r\n"
        "B,R,not-a-date,\r\n"
        "C,R\r\n"
        "D,R,2025-01-04,done"
    )
    path = tmp_path / "multi.csv"
    path.write_bytes(text.encode("utf-8"))
    result = ingest_file(con, path)
    assert result.status == "loaded", result.message
    assert (result.rows_read, result.inserted, result.rejected) == (4, 2, 2)
    # lines count the header as 1 and each row once; blank lines do not count
    assert {(r["line"], r["column"]) for r in result.rejects} == {(3, "applied_on"), (4, "applied_on")}
    notes = con.cursor().execute("select notes from applications where company = 'A'").fetchone()[0]
    assert notes == "pasted\r\njob description\r\n\r\nwith a blank line"


def test_unterminated_quote_refuses_the_file(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "quote.csv"
    path.write_text('company,role,applied_on\nA,R,2025-01-01\nB,"R,2025-01-02\nC,R,2025-01-03\n')
    before = table_checksums(con)
    result = ingest_file(con, path)
    assert result.status == "refused"
    assert "never closed" in result.message and "line 3" in result.message
    after = table_checksums(con)
    assert after["applications"] == before["applications"] and after["events"] == before["events"]


def test_saved_jobs_and_blank_rows_are_skipped_with_reason(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    rows = _rows(3)
    rows[0][4] = "Wishlist"
    rows.append([None] * len(HEADER))
    result = ingest_file(con, write_csv(tmp_path / "s.csv", HEADER, rows))
    assert (result.rows_read, result.inserted, result.skipped) == (4, 2, 2)
    assert result.skipped_reasons == {"saved job, not an application": 1, "blank row": 1}


def test_strict_refuses_the_whole_file(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    rows = _rows(3)
    rows[1][2] = "soon"
    before = table_checksums(con)
    result = ingest_file(con, write_csv(tmp_path / "s.csv", HEADER, rows), strict=True)
    assert result.status == "refused" and "--strict" in result.message
    after = table_checksums(con)
    assert after["applications"] == before["applications"]
    # the refusal and its reject are on record for `status`
    assert con.cursor().execute("select status from ingest_runs").fetchone()[0] == "refused"
    assert con.cursor().execute("select value from ingest_rejects").fetchone()[0] == "soon"


def test_dry_run_writes_nothing(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    before = table_checksums(con)
    result = ingest_file(con, write_csv(tmp_path / "d.csv", HEADER, _rows(4)), dry_run=True)
    assert result.status == "dry_run" and result.inserted == 4 and result.run_id is None
    assert table_checksums(con) == before


def test_client_column_and_client_option(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    header = ["client", "company", "applied_on"]
    rows = [["ana", "A", "2025-01-01"], ["ben", "A", "2025-01-01"], [None, "B", "2025-01-02"]]
    path = write_csv(tmp_path / "c.csv", header, rows)
    ingest_file(con, path)
    clients = dict(con.cursor().execute("select client, count(*) from applications group by 1").fetchall())
    assert clients == {"ana": 1, "ben": 1, "me": 1}
    ingest_file(con, path, client="zoe")  # --client wins over the column
    # no role column: ana's and ben's rows for A share a weak key but differ, so both are kept
    assert con.cursor().execute("select count(*) from applications where client = 'zoe'").fetchone()[0] == 3


def test_status_vocabulary_and_stage_columns(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    header = [
        "company",
        "applied_on",
        "status",
        "responded_on",
        "screen_on",
        "interview_on",
        "interview_rounds",
        "offer_on",
        "accepted_on",
        "followed_up_on",
        "referral",
        "channel",
    ]
    rows = [
        [
            "Accepting",
            "2025-01-01",
            "accepted",
            "2025-01-05",
            "2025-01-06",
            "2025-01-10",
            "3",
            "2025-01-20",
            "2025-01-22",
            None,
            "yes",
            "Company website",
        ],
        ["Ghosting", "2025-01-01", "ghosted", None, None, None, None, None, None, "2025-01-09", "no", "Indeed"],
        ["Waiting", "2025-03-25", "", None, None, None, None, None, None, None, None, "Easy Apply"],
        ["Withdrawn", "2025-01-01", "withdrawn", None, None, None, None, None, None, None, None, "Referral"],
    ]
    ingest_file(con, write_csv(tmp_path / "v.csv", header, rows))
    facts = {
        row[0]: row[1:]
        for row in con.cursor()
        .execute(
            "select company, outcome, furthest_stage, interview_rounds, followed_up, channel, referral "
            "from application_facts(date '2025-04-01', 30)"
        )
        .fetchall()
    }
    assert facts["Accepting"] == ("accepted", "accepted", 3, False, "company_site", True)
    assert facts["Ghosting"] == ("no_response", "applied", 0, True, "job_board", False)
    # a blank Referral cell and a channel that is no referral: unknown, not "no"
    assert facts["Waiting"] == ("pending", "applied", 0, False, "linkedin_easy_apply", None)
    assert facts["Withdrawn"] == ("withdrawn", "applied", 0, False, "referral", True)
    # as of a date before the answers arrived, nothing had happened yet
    early = dict(
        con.cursor().execute("select company, outcome from application_facts(date '2025-01-04', 30)").fetchall()
    )
    assert early["Accepting"] == "pending"


def test_xlsx_and_jsonl(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Company", "Role", "Applied On", "Status"])
    sheet.append(["A", "R", dt.date(2025, 1, 1), "rejected"])
    sheet.append([None, None, None, None])
    sheet.append(["B", "R", "not a date", None])
    sheet.append(["C", "R", dt.datetime(2025, 1, 3, 9, 30), None])
    xlsx = tmp_path / "log.xlsx"
    workbook.save(xlsx)
    result = ingest_file(con, xlsx)
    assert (result.rows_read, result.inserted, result.rejected) == (3, 2, 1), result.message
    assert result.rejects[0]["line"] == 4  # the sheet's own row number

    jsonl = tmp_path / "log.jsonl"
    jsonl.write_text(
        '{"company": "J1", "applied_on": "2025-02-01", "status": "screen"}\n'
        "not json\n"
        "\n"
        '{"company": "J2", "applied_on": "2025-02-02", "extra": {"nested": [1, 2]}}\n'
        "[1, 2]\n"
    )
    result = ingest_file(con, jsonl)
    assert (result.rows_read, result.inserted, result.rejected) == (4, 2, 2), result.message
    assert {r["line"] for r in result.rejects} == {2, 5}


def test_events_file_merges_onto_applications(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    header = ["application_id", "company", "role", "applied_on"]
    ingest_file(
        con,
        write_csv(
            tmp_path / "apps.csv",
            header,
            [
                ["A1", "Acme", "Analyst", "2025-01-01"],
                ["A2", "Beta", "Engineer", "2025-01-02"],
            ],
        ),
    )
    events_header = ["application_id", "company", "role", "applied_on", "event", "occurred_on", "round", "detail"]
    events = [
        ["A1", None, None, None, "screen", "2025-01-05", None, "phone"],
        ["A1", None, None, None, "interview", "2025-01-10", "1", None],
        [None, "Beta", "Engineer", "2025-01-02", "rejected", "2025-01-09", None, None],
        ["NOPE", None, None, None, "offer", "2025-01-09", None, None],
        ["A1", None, None, None, "dance", "2025-01-09", None, None],
        ["A1", None, None, None, "follow-up", "2024-12-01", None, None],
    ]
    path = write_csv(tmp_path / "events.csv", events_header, events)
    result = ingest_file(con, path)
    assert result.source == "events"
    assert (result.rows_read, result.inserted, result.rejected) == (6, 3, 3), result.rejects
    reasons = {r["line"]: r["reason"] for r in result.rejects}
    assert reasons[5] == "no application matches"
    assert reasons[6].startswith("unknown event")
    assert reasons[7].startswith("is before the applied date")
    again = ingest_file(con, path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    facts = dict(
        con.cursor().execute("select company, outcome from application_facts(date '2025-02-01', 30)").fetchall()
    )
    assert facts == {"Acme": "in_progress", "Beta": "rejected"}
    assert all(count == 0 for count in run_data_tests(con).values())


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (b"", "empty.csv", "the file is empty"),
        (b"\n\n  \n", "blank.csv", "the file is empty"),
        (b"company,role,applied_on\n", "header.csv", "header but no data rows"),
        (b"company,role\nA,B\n", "nodate.csv", "missing column: applied_on"),
        (b"applied_on,notes\n2025-01-01,x\n", "nocompany.csv", "missing column: company or role"),
        (b"company,applied_on\nA,soon\nB,later\n", "dates.csv", "no readable dates"),
        (b"company,applied_on\nCaf\xc3\xa9,2025-01-01\nCaf\xe9,2025-01-02\n", "mixed.csv", "not UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image.csv", "NUL bytes"),
        (b"PK\x03\x04junkjunk", "archive.csv", "zip archive"),
        (b"not a workbook", "fake.xlsx", "not an XLSX workbook"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    db_path: Path, tmp_path: Path, content: bytes, name: str, expected: str
) -> None:
    con = connect(db_path)
    ingest_file(con, write_csv(tmp_path / "ok.csv", HEADER, _rows(2)))
    before = table_checksums(con)
    path = tmp_path / name
    path.write_bytes(content)
    result = ingest_file(con, path)
    assert result.status == "refused"
    assert expected in result.message
    after = table_checksums(con)
    for table in ("applications", "events", "ingest_rejects"):
        assert after[table] == before[table]
    con.close()


def test_a_refusal_quoting_cells_stays_one_short_line(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    # found by the fuzzer: the examples of unreadable dates were quoted whole, a 1 MB cell and all
    big = "x" * 1_000_000
    path = write_csv(tmp_path / "dates.csv", ["company", "applied_on"], [["A", big], ["B", "soon\nor later"]])
    result = ingest_file(con, path)
    assert result.status == "refused"
    assert result.message == (
        f"dates.csv: no readable dates in column 'applied_on' ('soon\\nor later', '{'x' * 37}...'); "
        "dates must look like 2025-01-31, 1/31/2025 or 31/01/2025"
    )


def test_the_downloadable_template_loads_cleanly(con: duckdb.DuckDBPyConnection) -> None:
    template = Path(__file__).resolve().parents[3] / "sample_data" / "template.csv"
    result = ingest_file(con, template)
    assert (result.status, result.inserted, result.rejected, result.skipped) == ("loaded", 2, 0, 0)
    assert result.columns["ignored"] == []
    facts = dict(
        con.cursor().execute("select company, outcome from application_facts(date '2025-03-01', 30)").fetchall()
    )
    assert facts == {"Example Corp": "in_progress", "Sample Bank": "rejected"}


def test_a_load_lowers_the_memory_limit_and_puts_it_back(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """A load spills beyond LOAD_MEMORY_LIMIT_BYTES (peak memory stays low on big files); afterwards the
    database's own limit is back, and a limit set lower than the load's is never raised."""
    from pipelines.load import ingest

    seen: list[str] = []
    real = ingest._ingest

    def spy(cur: duckdb.DuckDBPyConnection, *args: object) -> None:
        seen.append(cur.execute("select current_setting('memory_limit')").fetchone()[0])
        real(cur, *args)  # type: ignore[arg-type]

    before = con.execute("select current_setting('memory_limit')").fetchone()[0]
    path = write_csv(tmp_path / "a.csv", ["company", "role", "applied_on"], [["Acme", "Analyst", "2026-01-02"]])
    ingest._ingest = spy  # type: ignore[assignment]
    try:
        assert ingest_file(con, path).ok
        assert con.execute("select current_setting('memory_limit')").fetchone()[0] == before
        con.execute("set memory_limit = '200MB'")
        assert ingest_file(con, path).ok
    finally:
        ingest._ingest = real  # type: ignore[assignment]
    assert seen[0] == "953.6 MiB" and before != seen[0]
    assert seen[1] == "190.7 MiB"  # lower than the load's: kept
    assert con.execute("select current_setting('memory_limit')").fetchone()[0] == "190.7 MiB"
