"""Tests of the seeded mailbox corpus (sample_data.mail_corpus) and its truth."""

from __future__ import annotations

import datetime
import email
import json
import mailbox
import os
import subprocess
import sys
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from sample_data import mail_corpus
from sample_data.mail_corpus import APPLICATION_KINDS, IGNORED_KINDS, KINDS, Corpus, generate_corpus
from sample_data.mail_templates import ATS_FAMILIES


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return generate_corpus(7)


@pytest.fixture(scope="module")
def written(corpus: Corpus, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("mail")
    mail_corpus.write_mbox(corpus, folder / "mail.mbox")
    mail_corpus.write_truth(corpus, folder / "mail.truth.json")
    return folder


def _parsed(path: Path) -> list[EmailMessage]:
    box = mailbox.mbox(path)
    try:
        messages = []
        for key in box.iterkeys():
            message = email.message_from_bytes(box.get_bytes(key), policy=policy.default)
            assert isinstance(message, EmailMessage)
            messages.append(message)
        return messages
    finally:
        box.close()


def _truth(folder: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((folder / "mail.truth.json").read_text(encoding="utf-8"))
    return loaded


def test_same_seed_gives_byte_identical_files_and_another_seed_differs(written: Path, tmp_path: Path) -> None:
    again = generate_corpus(7)
    mail_corpus.write_mbox(again, tmp_path / "mail.mbox")
    mail_corpus.write_truth(again, tmp_path / "mail.truth.json")
    assert (tmp_path / "mail.mbox").read_bytes() == (written / "mail.mbox").read_bytes()
    assert (tmp_path / "mail.truth.json").read_bytes() == (written / "mail.truth.json").read_bytes()
    other = generate_corpus(8)
    mail_corpus.write_mbox(other, tmp_path / "other.mbox")
    mail_corpus.write_truth(other, tmp_path / "other.truth.json")
    assert (tmp_path / "other.mbox").read_bytes() != (written / "mail.mbox").read_bytes()
    assert (tmp_path / "other.truth.json").read_bytes() != (written / "mail.truth.json").read_bytes()


def test_output_does_not_depend_on_the_process(written: Path, tmp_path: Path) -> None:
    # A fresh interpreter with another hash seed must write the same bytes (no set/dict-order or clock use).
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-m", "sample_data.mail_corpus", "--seed", "7", "--out", str(tmp_path)],
                   check=True, env=env, capture_output=True, cwd=Path(__file__).resolve().parents[2], timeout=120)
    assert (tmp_path / "mail.mbox").read_bytes() == (written / "mail.mbox").read_bytes()
    assert (tmp_path / "mail.truth.json").read_bytes() == (written / "mail.truth.json").read_bytes()


def test_truth_json_is_stable(written: Path) -> None:
    text = (written / "mail.truth.json").read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=1, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("seed", [0, 1, 7, 123])
def test_default_size_has_at_least_400_mails(seed: int) -> None:
    built = generate_corpus(seed)
    assert len(built.mails) >= 400
    assert len(built.messages) == len(built.mails)
    assert len(built.applications) == 120


def test_families_kinds_languages_and_formats_are_all_present(corpus: Corpus) -> None:
    families = {mail.family for mail in corpus.mails}
    assert len(families - {"me"}) >= 12
    assert {family.key for family in ATS_FAMILIES} <= families
    assert {"linkedin", "indeed", "recruiter", "calendar", "newsletter", "not_job"} <= families
    assert {mail.kind for mail in corpus.mails} == set(KINDS)
    assert {"de", "fr", "es", "ja"} <= {mail.language for mail in corpus.mails}
    assert {"plain", "html", "alternative", "calendar"} <= {mail.body_format for mail in corpus.mails}
    assert {"new", "reply", "forward"} <= {mail.thread for mail in corpus.mails}
    subjects = [mail.subject for mail in corpus.mails]
    assert any("ご応募" in s for s in subjects) or any("【" in s for s in subjects)
    assert any(s.startswith("Fwd: ") for s in subjects) and any(s.startswith("Re: ") for s in subjects)


def test_tricky_mails_are_there(corpus: Corpus) -> None:
    applied_to = {app.company for app in corpus.applications}
    alerts = [mail for mail in corpus.mails if mail.kind == "job_alert"]
    assert any(mail.company in applied_to for mail in alerts)
    assert any(mail.company is not None and mail.company not in applied_to for mail in alerts)
    assert any("interview" in mail.subject.lower() for mail in corpus.mails if mail.kind == "newsletter")
    # Some rejections arrive with no confirmation before them; some applications start on LinkedIn.
    assert any(app.events and app.events[0][0] == "rejected" for app in corpus.applications)
    assert any(app.channel == "linkedin" and app.applied_on for app in corpus.applications)
    # Some application mail never names the role (the truth's role is then None).
    assert any(mail.role is None for mail in corpus.mails if mail.application_id)
    displays = {str(message["From"].addresses[0].display_name) for message in corpus.messages}
    assert any(name.endswith(" Inc.") for name in displays) and any(name.isupper() for name in displays)
    assert not any("Careers Careers" in name or "Team Hiring" in name for name in displays)


def test_every_mail_parses_back_with_its_subject_and_id(corpus: Corpus, written: Path) -> None:
    parsed = _parsed(written / "mail.mbox")
    truth = _truth(written)["mails"]
    assert len(parsed) == len(truth) == len(corpus.mails)
    for message, mail in zip(parsed, truth, strict=True):
        assert message["Subject"] == mail["subject"]
        assert message["Message-ID"] == mail["message_id"]
        assert message["X-Gmail-Labels"]
        assert message.get_body(preferencelist=("plain", "html")) is not None
        types = {part.get_content_type() for part in message.walk()}
        if mail["body_format"] == "html":
            assert "text/html" in types and "text/plain" not in types
        if mail["body_format"] == "calendar":
            assert "text/calendar" in types
            assert "BEGIN:VCALENDAR" in message.get_body(preferencelist=("calendar",)).get_content()
    ids = [mail["message_id"] for mail in truth]
    assert len(set(ids)) == len(ids)


def test_replies_point_at_their_parent(written: Path) -> None:
    parsed = _parsed(written / "mail.mbox")
    ids = {message["Message-ID"] for message in parsed}
    replies = [message for message in parsed if message["In-Reply-To"]]
    assert replies
    assert all(message["In-Reply-To"] in ids for message in replies)


def test_truth_links_mails_to_applications(corpus: Corpus) -> None:
    apps = {app.application_id: app for app in corpus.applications}
    for mail in corpus.mails:
        if mail.kind in IGNORED_KINDS:
            assert mail.application_id is None and mail.event is None
            continue
        assert mail.kind in APPLICATION_KINDS
        assert mail.application_id in apps and mail.event is not None
        app = apps[mail.application_id]
        assert mail.company == app.company
        assert mail.role in (None, app.role)
        assert app.events[mail.event][0] == mail.kind
        assert datetime.datetime.fromisoformat(mail.date).date().isoformat() >= app.events[mail.event][1]
    for app in corpus.applications:
        dates = [day for _kind, day in app.events]
        assert dates == sorted(dates)
        assert all(day <= corpus.as_of.isoformat() for day in dates)
        assert app.applied_on == (app.events[0][1] if app.events and app.events[0][0] == "applied" else None)
    # Each event is evidenced by a mail dated that very day.
    evidenced = {(m.application_id, m.event, m.date[:10]) for m in corpus.mails if m.application_id}
    for app in corpus.applications:
        for index, (_kind, day) in enumerate(app.events):
            assert (app.application_id, index, day) in evidenced


def test_mails_are_in_date_order_and_none_after_as_of(corpus: Corpus) -> None:
    moments = [datetime.datetime.fromisoformat(mail.date) for mail in corpus.mails]
    assert moments == sorted(moments)
    assert all(moment.date() <= corpus.as_of for moment in moments)


def test_eml_folder_and_small_corpus(tmp_path: Path) -> None:
    small = generate_corpus(3, applications=5)
    mail_corpus.write_eml_folder(small, tmp_path / "eml")
    files = sorted((tmp_path / "eml").glob("*.eml"))
    assert len(files) == len(small.mails)
    first = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert first["Message-ID"] == small.mails[0].message_id
    with pytest.raises(ValueError, match="at least 1"):
        generate_corpus(3, applications=0)


def test_cli_writes_mbox_and_truth(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert mail_corpus.main(["--seed", "7", "--applications", "20", "--out", str(tmp_path)]) == 0
    assert "mails about 20 applications" in capsys.readouterr().out
    truth = _truth(tmp_path)
    assert truth["seed"] == 7 and len(truth["applications"]) == 20
    assert len(_parsed(tmp_path / "mail.mbox")) == len(truth["mails"])
