"""Grouping mail into proposed applications (issue 19): pipelines/load/mail/assemble.py, on hand-made mail."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

import pytest

from pipelines.load.mail.assemble import Assembled, assemble
from pipelines.load.mail.message import Mail, Source, parse_message

ME = "me@example.com"
_COUNT = iter(range(1, 10_000))


ATS = ("Acme via Greenhouse", "no-reply@acme.greenhouse.io")


def _mail(subject: str, text: str, day: str, sender: tuple[str, str] = ATS, *,
          reply_to: str | None = None, message_id: str | None = None) -> Mail:
    msg = EmailMessage()
    msg["From"] = Address(sender[0], addr_spec=sender[1])
    msg["To"] = Address("Alex Morgan", addr_spec=ME)
    msg["Subject"] = subject
    msg["Date"] = format_datetime(dt.datetime.fromisoformat(day + "T10:00:00-05:00"))
    msg["Message-ID"] = f"<{message_id or f'm{next(_COUNT)}'}@test.example>"
    if reply_to is not None:
        msg["In-Reply-To"] = f"<{reply_to}@test.example>"
        msg["References"] = f"<{reply_to}@test.example>"
    msg.set_content(text)
    return parse_message(msg.as_bytes(), Source("test.mbox", 0))


def _confirmation(day: str, role: str = "Data Analyst") -> Mail:
    return _mail(f"Thank you for applying to Acme - {role}",
                 f"Hi Alex,\n\nThank you for applying for the {role} role at Acme. We received your application.",
                 day)


def _rejection(day: str, role: str | None = "Data Analyst") -> Mail:
    about = f" for the {role} role" if role else ""
    return _mail("Your application to Acme",
                 f"Hi Alex,\n\nThank you for your interest in Acme{about}. Unfortunately, we have decided not to "
                 "move forward with your application.", day)


def _assemble(*mails: Mail) -> Assembled:
    return assemble(mails, own_addresses=(ME,))


def test_confirmation_then_rejection_is_one_application_with_two_events() -> None:
    result = _assemble(_confirmation("2026-05-04"), _rejection("2026-05-20"))
    (app,) = result.applications
    assert app.company == "Acme" and app.role == "Data Analyst"
    assert app.applied_on == dt.date(2026, 5, 4)
    assert [(e.kind, e.on) for e in app.events] == [("applied", dt.date(2026, 5, 4)),
                                                    ("rejected", dt.date(2026, 5, 20))]
    assert result.read == result.used == 2 and result.ignored == {}
    assert {d.application_key for d in result.decisions} == {app.key}


def test_rejection_alone_starts_an_application_without_applied_date() -> None:
    (app,) = _assemble(_rejection("2026-05-20")).applications
    assert app.applied_on is None and [e.kind for e in app.events] == ["rejected"]


def test_two_roles_at_one_company_are_two_applications() -> None:
    result = _assemble(_confirmation("2026-05-04", "Data Analyst"), _confirmation("2026-05-06", "Data Engineer"),
                       _rejection("2026-05-20", "Data Analyst"))
    analyst, engineer = result.applications
    assert (analyst.role, engineer.role) == ("Data Analyst", "Data Engineer")
    assert [e.kind for e in analyst.events] == ["applied", "rejected"]
    assert [e.kind for e in engineer.events] == ["applied"]
    assert analyst.key != engineer.key


def test_a_role_less_mail_joins_the_most_recent_open_application() -> None:
    result = _assemble(_confirmation("2026-05-04", "Data Analyst"), _confirmation("2026-05-06", "Data Engineer"),
                       _rejection("2026-05-20", None))
    assert [[e.kind for e in app.events] for app in result.applications] == [["applied"], ["applied", "rejected"]]


def test_a_reply_without_company_joins_through_in_reply_to() -> None:
    screen = _mail("Quick call about the Data Analyst role at Acme",
                   "Hi Alex,\n\nCould we set up a short phone screen this week about the Data Analyst role?\n\nJordan",
                   "2026-05-10", ("Jordan Lee", "jordan@acme.example"), message_id="screen1")
    reply = _mail("Re: Quick call", "Thanks, Thursday works. I'll send an invite.\n\n> Could we set up a short phone "
                  "screen this week?", "2026-05-11", ("Jordan", "jordan.lee@gmail.com"), reply_to="screen1")
    result = _assemble(_confirmation("2026-05-04"), screen, reply)
    (app,) = result.applications
    assert [e.kind for e in app.events] == ["applied", "screen"]
    decision = next(d for d in result.decisions if d.message_id == reply.message_id)
    assert decision.kind == "screen" and decision.company == "Acme" and decision.application_key == app.key
    assert len(app.mails) == 3


def test_duplicate_notifications_are_one_event() -> None:
    first = _rejection("2026-05-20")
    again = dataclasses.replace(first, message_id="copy@test.example",
                                date=(first.date or dt.datetime.now(dt.UTC)) + dt.timedelta(hours=20))
    result = _assemble(_confirmation("2026-05-04"), first, again)
    (app,) = result.applications
    assert [e.kind for e in app.events] == ["applied", "rejected"]
    assert app.mails == (result.decisions[0].message_id, first.message_id, "copy@test.example")
    # a second rejection a week later is a second event (a second process), not a duplicate
    later = dataclasses.replace(first, message_id="later@test.example",
                                date=(first.date or dt.datetime.now(dt.UTC)) + dt.timedelta(days=7))
    assert len(_assemble(_confirmation("2026-05-04"), first, later).applications[0].events) == 3


def test_a_job_alert_naming_an_applied_company_joins_nothing() -> None:
    alert = _mail("Data Analyst at Acme and 9 more jobs", "Acme is hiring: Data Analyst.\n12 new jobs match your "
                  "preferences.\nUnsubscribe", "2026-05-12", ("LinkedIn Job Alerts", "jobalerts-noreply@linkedin.com"))
    result = _assemble(_confirmation("2026-05-04"), alert)
    (app,) = result.applications
    assert len(app.events) == 1 and alert.message_id not in app.mails
    decision = result.decisions[1]
    assert decision.kind == "job_alert" and decision.application_key is None and decision.reason == "job_alert"
    assert result.ignored == {"job_alert": 1} and result.read == result.used + sum(result.ignored.values())


def test_an_application_mail_without_company_is_counted_as_unusable() -> None:
    lost = _mail("Update", "Unfortunately, we will not be moving forward with your application.", "2026-05-20",
                 ("", "x9@gmail.com"))
    result = _assemble(lost)
    assert result.applications == () and result.decisions[0].kind == "rejected"
    assert result.ignored == {"no_company": 1} and result.used == 0


def test_to_json_has_no_address_and_no_body() -> None:
    invite = _mail("Invitation: Interview: Alex Morgan / Acme (me@example.com)",
                   "Hi Alex, we would like to invite you to an interview for the Data Analyst role. secret-body-words",
                   "2026-05-15", ("Jordan Lee", "jordan.lee@acme.example"))
    result = _assemble(_confirmation("2026-05-04"), invite, _rejection("2026-05-20"))
    text = json.dumps(result.to_json())
    for forbidden in (ME, "jordan.lee@acme.example", "no-reply@acme.greenhouse.io", "secret-body-words",
                      "Unfortunately", "Thank you for applying for"):
        assert forbidden not in text
    data = result.to_json()
    assert data["mails"] == {"read": 3, "used": 3, "ignored": {}}
    row = data["classified"][1]
    assert set(row) == {"message_id", "date", "sender", "subject", "kind", "rule", "company", "role",
                        "application_id"}
    assert row["sender"] == "acme.example" and row["kind"] == "interview"


def test_results_are_frozen_and_keys_stable() -> None:
    mails = (_confirmation("2026-05-04"), _rejection("2026-05-20"))
    first, second = _assemble(*mails), _assemble(*mails)
    assert first.applications[0].key == second.applications[0].key
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.applications[0].company = "x"  # type: ignore[misc]
