"""Loading a mailbox (issue 19): pipelines/load/mail/load.py and match.py, on real database files.

Hand-made mail for the rules (a spreadsheet log first, then its mail), the seeded corpus for the
arithmetic, re-reading and privacy."""

from __future__ import annotations

import datetime as dt
import mailbox
import zipfile
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.load.ingest import IngestResult, LoadOptions, ingest_path
from pipelines.load.mail import match
from pipelines.store.db import run_data_tests
from sample_data.mail_corpus import ME, generate_corpus, write_mbox
from tests.conftest import table_checksums, write_csv

ATS = ("Acme via Greenhouse", "no-reply@acme.greenhouse.io")
HEADER = ["Company", "Role", "Applied", "Status"]


def _message(subject: str, text: str, day: str, sender: tuple[str, str] = ATS, message_id: str = "") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = Address(sender[0], addr_spec=sender[1])
    msg["To"] = Address("Alex Morgan", addr_spec=ME)
    msg["Subject"] = subject
    msg["Date"] = format_datetime(dt.datetime.fromisoformat(day + "T10:00:00-05:00"))
    msg["Message-ID"] = f"<{message_id or subject.replace(' ', '.') + day}@test.example>"
    msg.set_content(text)
    return msg


def _confirmation(day: str, role: str = "Data Analyst") -> EmailMessage:
    return _message(f"Thank you for applying to Acme - {role}",
                    f"Hi Alex,\n\nThank you for applying for the {role} role at Acme. We received your application.",
                    day)


def _rejection(day: str, role: str | None = "Data Analyst") -> EmailMessage:
    about = f" for the {role} role" if role else ""
    return _message("Your application to Acme",
                    f"Hi Alex,\n\nThank you for your interest in Acme{about}. Unfortunately, we have decided not to "
                    "move forward with your application.", day)


def _interview(day: str) -> EmailMessage:
    return _message("Interview invitation - Acme",
                    "Hi Alex,\n\nWe would like to invite you to an interview for the Data Analyst role at Acme. "
                    "Please pick a time that suits you.", day)


def _alert(day: str) -> EmailMessage:
    return _message("Acme and 12 other companies are hiring for Data Analyst",
                    "New jobs for you: Data Analyst at Acme. Unsubscribe.", day,
                    sender=("LinkedIn Job Alerts", "jobalerts-noreply@linkedin.com"))


def _mbox(path: Path, *messages: EmailMessage) -> Path:
    box = mailbox.mbox(path)
    for message in messages:
        box.add(message)
    box.close()
    return path


def _load(con: duckdb.DuckDBPyConnection, path: Path, **options: Any) -> IngestResult:
    (result,) = ingest_path(con, path, LoadOptions(progress=False, own_addresses=(ME,), **options))
    assert result.ok, result.message
    return result


def _log(con: duckdb.DuckDBPyConnection, tmp_path: Path, *rows: list[str]) -> None:
    path = write_csv(tmp_path / "log.csv", HEADER, [list(row) for row in rows])
    (result,) = ingest_path(con, path, LoadOptions(progress=False))
    assert result.status == "loaded", result.message


def _events(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return con.execute(
        "select a.source, a.company, e.event, e.occurred_on, e.source from events as e join applications as a"
        " using (application_id) order by a.source, e.event, e.occurred_on"
    ).fetchall()


def _accounted(result: IngestResult) -> None:
    assert result.mail is not None
    assert result.mail.read == result.mail.used + sum(result.mail.ignored.values()) + result.mail.refused
    assert result.reconciled
    assert result.rows_read == result.inserted + result.updated + result.unchanged + result.rejected + result.skipped


def test_mail_events_join_the_application_of_the_spreadsheet(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    _log(con, tmp_path, ["Acme Inc.", "Data Analyst", "2026-03-02", "Applied"])
    mbox = _mbox(tmp_path / "all.mbox", _confirmation("2026-03-02"), _interview("2026-03-10"),
                 _rejection("2026-03-20"), _alert("2026-03-05"))
    result = _load(con, mbox)
    _accounted(result)
    assert result.source == "mail"
    assert result.mail is not None
    assert result.mail.applications == {"proposed": 1, "new": 0, "matched": 1, "already_loaded": 0}
    (found,) = result.mail.matched
    assert (found["company"], found["source"], found["mail_company"]) == ("Acme Inc.", "spreadsheet", "Acme")
    assert con.execute("select count(*) from applications").fetchone() == (1,)
    assert _events(con) == [
        ("spreadsheet", "Acme Inc.", "applied", dt.date(2026, 3, 2), "spreadsheet"),
        ("spreadsheet", "Acme Inc.", "interview", dt.date(2026, 3, 10), "mail"),
        ("spreadsheet", "Acme Inc.", "rejected", dt.date(2026, 3, 20), "mail"),
    ]
    outcome = con.execute("select outcome, rejected_at_stage from application_facts(date '2026-06-01', 30)").fetchall()
    assert outcome == [("rejected", "interview")]
    # every mail's decision names the stored application it joined; the alert joins none
    joined = {d["kind"]: d["application_id"] for d in result.mail.decisions}
    stored_id = con.execute("select application_id from applications").fetchone()[0]  # type: ignore[index]
    assert joined == {"applied": stored_id, "interview": stored_id, "rejected": stored_id, "job_alert": None}
    assert all(count == 0 for count in run_data_tests(con).values())


def test_a_rejection_without_its_confirmation_finds_the_spreadsheet_application(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    _log(con, tmp_path, ["ACME", "Data Analyst", "2026-02-20", ""], ["Acme", "Data Analyst", "2025-01-10", ""])
    result = _load(con, _mbox(tmp_path / "r.mbox", _rejection("2026-03-20", role=None)))
    assert result.mail is not None and result.mail.applications["matched"] == 1
    assert result.mail.matched[0]["applied_on"] == "2026-02-20"  # the nearest before, not the older one
    assert con.execute("select count(*) from applications").fetchone() == (2,)


def test_no_match_when_the_role_or_the_dates_disagree(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    _log(con, tmp_path, ["Acme", "Product Manager", "2026-03-02", ""], ["Acme", "Data Analyst", "2025-06-01", ""])
    result = _load(con, _mbox(tmp_path / "c.mbox", _confirmation("2026-03-02")))
    assert result.mail is not None and result.mail.applications == {
        "proposed": 1, "new": 1, "matched": 0, "already_loaded": 0}


def test_an_undated_spreadsheet_event_gets_the_mail_date(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    _log(con, tmp_path, ["Acme", "Data Analyst", "2026-03-02", "Interviewing"])
    assert ("spreadsheet", "Acme", "interview", None, "spreadsheet") in _events(con)
    result = _load(con, _mbox(tmp_path / "i.mbox", _interview("2026-03-12")))
    assert (result.events_inserted, result.events_updated) == (0, 1)
    assert ("spreadsheet", "Acme", "interview", dt.date(2026, 3, 12), "spreadsheet") in _events(con)
    assert all(count == 0 for count in run_data_tests(con).values())


def test_a_rejection_alone_is_an_application_whose_applied_date_is_unknown(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    result = _load(con, _mbox(tmp_path / "r.mbox", _rejection("2026-03-20")))
    assert result.mail is not None and result.mail.applications["new"] == 1
    assert con.execute("select source, company, applied_on from applications").fetchall() == [("mail", "Acme", None)]
    expected = [("mail", "Acme", "applied", None, "mail"), ("mail", "Acme", "rejected", dt.date(2026, 3, 20), "mail")]
    assert sorted(_events(con), key=str) == sorted(expected, key=str)
    # known only because the employer answered: counted in no rate
    assert con.execute("select count(*) from application_facts(date '2026-06-01', 30)").fetchone() == (0,)
    assert all(count == 0 for count in run_data_tests(con).values())
    # a later mailbox with the confirmation gives it its applied date
    _load(con, _mbox(tmp_path / "c.mbox", _confirmation("2026-03-01")))
    assert con.execute("select applied_on from applications").fetchall() == [(dt.date(2026, 3, 1),)]
    assert all(count == 0 for count in run_data_tests(con).values())


def test_corpus_reads_once_and_re_reading_changes_nothing(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    corpus = generate_corpus(7, applications=40)
    mbox = tmp_path / "all.mbox"
    write_mbox(corpus, mbox)
    first = _load(con, mbox)
    _accounted(first)
    assert first.inserted == first.mail.used if first.mail else False
    assert first.skipped_reasons == first.mail.ignored if first.mail else False
    before = table_checksums(con)
    again = _load(con, mbox)
    _accounted(again)
    assert (again.inserted, again.updated, again.events_inserted, again.events_updated) == (0, 0, 0, 0)
    assert again.unchanged == first.inserted
    after = table_checksums(con)
    assert {k: v for k, v in after.items() if not k.startswith("ingest_")} == {
        k: v for k, v in before.items() if not k.startswith("ingest_")}
    assert all(count == 0 for count in run_data_tests(con).values())


def test_only_what_was_extracted_is_stored(con: duckdb.DuckDBPyConnection, tmp_path: Path, db_path: Path) -> None:
    secret = "Zebra-Quartz-7731 is our internal salary band"
    message = _rejection("2026-03-20")
    message.set_content(message.get_content() + "\n" + secret + "\nCall me on +1 555 0100, jane.doe@acme.example")
    message.replace_header("Subject", "Your application to Acme (jane.doe@acme.example)")
    _load(con, _mbox(tmp_path / "p.mbox", message, _alert("2026-03-05")))
    stored = con.execute("select * from mail_messages").fetchall()
    assert len(stored) == 1  # the job alert is not stored at all
    assert "[address]" in str(stored) and "@" not in str(stored).replace("@test.example", "")
    columns = [row[0] for row in con.execute("describe mail_messages").fetchall()]
    assert "body" not in columns and "sender_address" not in columns
    con.execute("checkpoint")
    raw = db_path.read_bytes()
    assert b"Zebra-Quartz" not in raw and b"555 0100" not in raw and b"jane.doe" not in raw


def test_a_review_drops_a_mail_and_changes_a_kind(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    confirmation, rejection = _confirmation("2026-03-02"), _rejection("2026-03-20")
    mbox = _mbox(tmp_path / "r.mbox", confirmation, rejection)
    ids = [str(m["Message-ID"]).strip("<>") for m in (confirmation, rejection)]
    _load(con, mbox)
    assert [e[2] for e in _events(con)] == ["applied", "rejected"]
    # read again, the person says the "rejection" was in fact an interview invitation
    result = _load(con, mbox, mail_overrides={ids[1]: "interview"})
    assert result.updated == 1
    assert [e[2] for e in _events(con)] == ["applied", "interview"]
    assert con.execute("select kind, rule from mail_messages where message_id = ?", [ids[1]]).fetchall() == [
        ("interview", "set-by-you")]
    dropped = _load(con, mbox, dry_run=True, mail_overrides={ids[1]: "dropped"})
    assert dropped.mail is not None and dropped.mail.ignored == {"dropped": 1}


def test_a_failed_write_leaves_the_database_as_it_was(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _log(con, tmp_path, ["Acme", "Data Analyst", "2026-03-02", ""])
    before = table_checksums(con)
    steps = list(match._WRITE_STEPS)
    steps.insert(len(steps) - 1, "select * from no_such_table")
    monkeypatch.setattr(match, "_WRITE_STEPS", tuple(steps))
    (result,) = ingest_path(con, _mbox(tmp_path / "f.mbox", _rejection("2026-03-20")), LoadOptions(progress=False))
    assert result.status == "failed"
    after = table_checksums(con)
    assert {k: v for k, v in after.items() if k != "ingest_runs"} == {
        k: v for k, v in before.items() if k != "ingest_runs"}


def test_unreadable_messages_are_rejected_with_their_number(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    folder = tmp_path / "mail"
    folder.mkdir()
    (folder / "a.eml").write_bytes(_rejection("2026-03-20").as_bytes())
    (folder / "b.eml").write_bytes(b"\x00\x01 not a mail at all")
    result = _load(con, folder)
    _accounted(result)
    assert result.rejected == 1 and result.mail is not None and result.mail.refused == 1
    (reject,) = result.rejects
    assert reject["line"] == 2 and reject["value"] == "b.eml" and reject["reason"]
    assert result.mail.files == [
        {"file": "a.eml", "read": 1, "used": 1, "ignored": {}, "refused": 0},
        {"file": "b.eml", "read": 1, "used": 0, "ignored": {}, "refused": 1},
    ]
    (strict,) = ingest_path(con, folder, LoadOptions(progress=False, strict=True))
    assert strict.status == "refused"


def test_a_zip_of_eml_files_is_one_mail_load(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    archive = tmp_path / "takeout.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("Takeout/Mail/one.eml", _confirmation("2026-03-02").as_bytes())
        out.writestr("Takeout/Mail/two.eml", _rejection("2026-03-20").as_bytes())
        out.writestr("Takeout/Calendar/cal.ics", "BEGIN:VCALENDAR\nEND:VCALENDAR\n")
    result = _load(con, archive)
    assert result.mail is not None and (result.mail.read, result.mail.used) == (2, 2)
    assert con.execute("select count(*) from applications").fetchone() == (1,)


def test_json_entry_keys(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    result = _load(con, _mbox(tmp_path / "j.mbox", _confirmation("2026-03-02"), _alert("2026-03-05")), dry_run=True)
    entry = result.to_json()
    assert entry["source"] == "mail" and entry["status"] == "dry_run"
    assert set(entry["mails"]) == {"read", "used", "ignored", "refused", "files"}
    assert set(entry["classified"][0]) == {"message_id", "date", "sender", "subject", "kind", "rule", "company",
                                           "role", "application_id"}
    assert entry["classified"][1]["company"] is None  # what an alert names is no company of the person's
    assert con.execute("select count(*) from mail_messages").fetchone() == (0,)  # a dry run writes nothing


def test_a_log_loaded_after_the_mail_takes_the_mail_in_when_it_is_read_again(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    mbox = _mbox(tmp_path / "all.mbox", _confirmation("2026-03-02"), _rejection("2026-03-20"),
                 _message("Thank you for applying to Zeta - Engineer",
                          "Hi Alex,\n\nThank you for applying for the Engineer role at Zeta. We received your "
                          "application.", "2026-03-04", sender=("Zeta via Lever", "no-reply@hire.lever.co")))
    _load(con, mbox)
    _log(con, tmp_path, ["Acme Inc.", "Data Analyst", "2026-03-01", "Applied"])
    assert con.execute("select count(*) from applications").fetchone() == (3,)  # the mail's Acme, the log's
    again = _load(con, mbox)
    assert again.mail is not None and again.mail.applications["matched"] == 1
    assert (again.updated, again.unchanged) == (2, 1)  # the two Acme mails now name the log's application
    assert con.execute("select source, company from applications order by source").fetchall() == [
        ("mail", "Zeta"), ("spreadsheet", "Acme Inc.")]
    assert ("spreadsheet", "Acme Inc.", "rejected", dt.date(2026, 3, 20), "mail") in _events(con)
    stored = con.execute("select distinct a.source from mail_messages join applications as a using (application_id)"
                         " where mail_messages.company = 'Acme'").fetchall()
    assert stored == [("spreadsheet",)]
    assert all(count == 0 for count in run_data_tests(con).values())
    before = table_checksums(con)
    _load(con, mbox)  # and reading it once more changes nothing
    after = table_checksums(con)
    assert {k: v for k, v in after.items() if not k.startswith("ingest_")} == {
        k: v for k, v in before.items() if not k.startswith("ingest_")}


def test_a_role_the_mail_cuts_short_still_matches_the_log(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    # the log writes the whole title; the mail's subject stops at the comma
    _log(con, tmp_path, ["Acme", "Data Analyst, Payments Risk", "2026-03-02", ""],
         ["Acme", "Product Manager", "2026-03-02", ""])
    result = _load(con, _mbox(tmp_path / "c.mbox", _confirmation("2026-03-02")))
    assert result.mail is not None and result.mail.applications["matched"] == 1
    assert result.mail.matched[0]["role"] == "Data Analyst, Payments Risk"
