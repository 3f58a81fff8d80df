"""Reading a mailbox export (issue 19, first step): pipelines/load/mail/.

Every fixture is written here with the stdlib (email.message, email.mime, mailbox); no real mail
is copied.
"""

from __future__ import annotations

import datetime as dt
import mailbox
import zipfile
from email.header import Header
from email.message import EmailMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

import pytest

from pipelines.load.mail import Mail, MailRead, read_mail
from pipelines.load.mail import body as mail_body
from pipelines.load.mail import read as mail_read

DATE = "Tue, 14 Jan 2025 09:30:00 +0100"


def _message(subject: str = "Your application", body: str = "Thank you for applying.", **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = headers.pop("sender", '"Acme Talent" <jobs@Mail.Acme.example>')
    message["To"] = "me@example.org"
    message["Subject"] = subject
    message["Date"] = headers.pop("date", DATE)
    message["Message-ID"] = headers.pop("message_id", "<abc123@mail.acme.example>")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def _eml(folder: Path, name: str, message: EmailMessage | MIMEMultipart | MIMEText | bytes) -> Path:
    path = folder / name
    path.write_bytes(message if isinstance(message, bytes) else message.as_bytes())
    return path


def _only(read: MailRead) -> Mail:
    assert not read.refused, read.refused
    assert len(read.mails) == 1
    return read.mails[0]


def _mbox(path: Path, messages: list[EmailMessage | MIMEMultipart | bytes]) -> Path:
    box = mailbox.mbox(path)
    for message in messages:
        box.add(message)
    box.close()
    return path


def test_plain_text(tmp_path: Path) -> None:
    mail = _only(
        read_mail(
            _eml(
                tmp_path,
                "one.eml",
                _message(In_Reply_To="<first@x.example>", References="<zero@x.example> <first@x.example>"),
            )
        )
    )
    assert mail.message_id == "abc123@mail.acme.example" and not mail.id_is_hash
    assert mail.date == dt.datetime(2025, 1, 14, 8, 30, tzinfo=dt.UTC)
    assert mail.date.tzinfo is not None
    assert (mail.sender_name, mail.sender_address, mail.sender_domain) == (
        "Acme Talent",
        "jobs@Mail.Acme.example",
        "mail.acme.example",
    )
    assert mail.subject == "Your application"
    assert mail.text == "Thank you for applying."
    assert mail.in_reply_to == ("first@x.example",)
    assert mail.references == ("zero@x.example", "first@x.example")
    assert mail.calendar is None and mail.labels == () and mail.problems == ()
    assert str(mail.source) == "one.eml"


HTML = """<html><head><title>Hidden title</title><style>.x { color: red }</style></head>
<body><script>var secret = "do not read";</script><p>Dear&nbsp;applicant,</p>
<p>We&#39;d like to   <b>invite</b> you &amp; talk.</p><br/>Caf&eacute;</body></html>"""


def test_html_only_loses_scripts_and_styles(tmp_path: Path) -> None:
    message = _message()
    message.set_content(HTML, subtype="html")
    text = _only(read_mail(_eml(tmp_path, "html.eml", message))).text
    assert text == "Dear applicant,\nWe'd like to invite you & talk.\nCafé"
    for hidden in ("color", "secret", "Hidden title", "<"):
        assert hidden not in text


def test_alternative_prefers_plain(tmp_path: Path) -> None:
    message = _message(body="the plain words")
    message.add_alternative("<p>the html words</p>", subtype="html")
    assert _only(read_mail(_eml(tmp_path, "alt.eml", message))).text == "the plain words"


@pytest.mark.parametrize("cte", ["quoted-printable", "base64"])
def test_transfer_encodings(tmp_path: Path, cte: str) -> None:
    message = _message()
    body = "Entretien confirmé — à bientôt. " + "long line " * 20
    message.set_content(body, cte=cte)
    raw = message.as_bytes()
    assert ("confirmé".encode() in raw) is False  # really encoded on the way in
    assert _only(read_mail(_eml(tmp_path, "enc.eml", raw))).text == body.strip()


def test_encoded_subjects(tmp_path: Path) -> None:
    utf8 = _eml(
        tmp_path,
        "a.eml",
        _message().as_bytes().replace(b"Subject: Your application", b"Subject: =?utf-8?q?Entretien_confirm=C3=A9?="),
    )
    assert _only(read_mail(utf8)).subject == "Entretien confirmé"
    japanese = "面接のご案内"
    for charset in ("iso-2022-jp", "shift_jis"):
        raw = (
            _message()
            .as_bytes()
            .replace(b"Subject: Your application", b"Subject: " + Header(japanese, charset).encode().encode("ascii"))
        )
        assert _only(read_mail(_eml(tmp_path, f"{charset}.eml", raw))).subject == japanese


def test_latin1_and_japanese_bodies(tmp_path: Path) -> None:
    latin = MIMEText("Café à Paris", "plain", "iso-8859-1")
    latin["From"], latin["Subject"], latin["Date"] = "hr@firm.example", "x", DATE
    assert b"Caf\xe9" in latin.as_bytes() or b"=E9" in latin.as_bytes()
    assert _only(read_mail(_eml(tmp_path, "latin.eml", latin))).text == "Café à Paris"
    japanese = MIMEText("面接の日程", "plain", "shift_jis")
    japanese["From"], japanese["Subject"], japanese["Date"] = "hr@firm.example", "x", DATE
    japanese["Message-ID"] = "<sjis@firm.example>"
    mail = _only(read_mail(_eml(tmp_path, "sjis.eml", japanese)))
    assert mail.text == "面接の日程" and mail.problems == ()


def test_undecodable_part_is_replaced_and_noted(tmp_path: Path) -> None:
    raw = (
        b"From: hr@firm.example\r\nSubject: x\r\nDate: " + DATE.encode() + b"\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=shift_jis\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        b"ok \x81\x39\xff end\r\n"  # not shift_jis: a lead byte without its trail, then 0xff
    )
    mail = _only(read_mail(_eml(tmp_path, "bad.eml", raw)))
    assert mail.text.startswith("ok ") and mail.text.endswith(" end") and "\ufffd" in mail.text
    assert any("not valid shift_jis" in problem for problem in mail.problems)


def test_ascii_declared_utf8_body(tmp_path: Path) -> None:
    raw = (
        b"From: hr@firm.example\r\nSubject: x\r\nDate: " + DATE.encode() + b"\r\n"
        b"Content-Type: text/plain; charset=us-ascii\r\n\r\nconfirm\xc3\xa9\r\n"
    )
    mail = _only(read_mail(_eml(tmp_path, "u.eml", raw)))
    assert mail.text == "confirmé" and any("but is UTF-8" in p for p in mail.problems)


ICS = (
    'BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nDTSTART;TZID="Europe/Paris":20250120T100000\r\n'
    "SUMMARY;LANGUAGE=en:Interview with Acme\\, round 2 \r\n with the team\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def test_calendar_invitation(tmp_path: Path) -> None:
    message = MIMEMultipart("mixed")
    message["From"], message["Subject"], message["Date"] = "cal@acme.example", "Invitation", DATE
    message.attach(MIMEText("You are invited."))
    message.attach(MIMEText(ICS, "calendar", "utf-8"))
    mail = _only(read_mail(_eml(tmp_path, "cal.eml", message)))
    assert mail.calendar is not None
    assert mail.calendar.summary == "Interview with Acme, round 2 with the team"
    assert mail.calendar.start == "20250120T100000"
    assert mail.text == "You are invited."


def test_gmail_labels_with_quotes_and_commas(tmp_path: Path) -> None:
    labels = 'Inbox,Important,"Jobs, 2025","Say ""hi""",Category Updates, Opened'
    mail = _only(read_mail(_eml(tmp_path, "l.eml", _message(X_Gmail_Labels=labels))))
    assert mail.labels == ("Inbox", "Important", "Jobs, 2025", 'Say "hi"', "Category Updates", "Opened")


def test_missing_message_id_is_a_stable_hash(tmp_path: Path) -> None:
    message = _message()
    del message["Message-ID"]
    path = _eml(tmp_path, "noid.eml", message)
    first, again = _only(read_mail(path)), _only(read_mail(path))
    assert first.id_is_hash and first.message_id.startswith("sha256:")
    assert first.message_id == again.message_id
    assert any("no Message-ID" in problem for problem in first.problems)
    other = _message(subject="Another subject")
    del other["Message-ID"]
    assert _only(read_mail(_eml(tmp_path, "other.eml", other))).message_id != first.message_id


def test_unparsable_date(tmp_path: Path) -> None:
    # written as bytes: EmailMessage itself would write an unreadable date as an empty header
    raw = _message().as_bytes().replace(DATE.encode(), b"sometime next week")
    mail = _only(read_mail(_eml(tmp_path, "d.eml", raw)))
    assert mail.date is None and "the Date header is not a date" in mail.problems


def test_folder_of_eml(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    (folder / "sub").mkdir(parents=True)
    _eml(folder, "b.eml", _message(subject="second", message_id="<b@x>"))
    _eml(folder / "sub", "a.eml", _message(subject="third", message_id="<c@x>"))
    _eml(folder, "a.eml", _message(subject="first", message_id="<a@x>"))
    (folder / "notes.txt").write_text("not mail")
    read = read_mail(folder)
    assert read.files == ("a.eml", "b.eml", "sub/a.eml")
    assert [mail.subject for mail in read.mails] == ["first", "second", "third"]


def test_mbox_and_a_zip_of_it(tmp_path: Path) -> None:
    messages: list[EmailMessage | MIMEMultipart | bytes] = [
        _message(subject=f"mail {number}", message_id=f"<{number}@x>") for number in range(3)
    ]
    messages.insert(1, b"this line is not a header at all\n\njust words\n")  # a message with no headers
    path = _mbox(tmp_path / "All mail Including Spam and Trash.mbox", messages)
    read = read_mail(path)
    assert [mail.subject for mail in read.mails] == ["mail 0", "mail 1", "mail 2"]
    assert [mail.source.index for mail in read.mails] == [0, 2, 3]
    assert len(read.refused) == 1 and read.refused[0].source.index == 1
    assert "no mail headers" in read.refused[0].reason
    archive = tmp_path / "takeout.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        handle.write(path, "Takeout/Mail/All mail Including Spam and Trash.mbox")
        handle.writestr("Takeout/archive_browser.html", "<html></html>")
    zipped = read_mail(archive)
    assert zipped.files == ("takeout.zip: Takeout/Mail/All mail Including Spam and Trash.mbox",)
    assert [mail.message_id for mail in zipped.mails] == ["0@x", "1@x", "2@x"]
    counts = zipped.to_json()
    assert (counts["read"], counts["parsed"], counts["refused"]) == (4, 3, 1)
    assert counts["files"][0]["read"] == counts["files"][0]["parsed"] + counts["files"][0]["refused"]


def test_zip_without_mail_and_hostile_zip(tmp_path: Path) -> None:
    empty = tmp_path / "nothing.zip"
    with zipfile.ZipFile(empty, "w") as handle:
        handle.writestr("readme.txt", "hello")
    read = read_mail(empty)
    assert read.refused[0].reason == "no .mbox or .eml file in this archive" and read.files == ("nothing.zip",)
    climbing = tmp_path / "climb.zip"
    with zipfile.ZipFile(climbing, "w") as handle:
        handle.writestr("../../evil.eml", _message().as_bytes())
    assert "path traversal" in read_mail(climbing).refused[0].reason


def test_garbage_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "png.eml").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (tmp_path / "noise.mbox").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "words.mbox").write_text("just some words\nand more\n")
    (tmp_path / "text.eml").write_text("no headers here, only words\n")
    read = read_mail(tmp_path)
    assert not read.mails
    reasons = {str(item.source): item.reason for item in read.refused}
    assert reasons == {
        "noise.mbox": "contains NUL bytes, so it is not a mailbox or an e-mail message",
        "png.eml": "it is a PNG image, not a mailbox or an e-mail message",
        "text.eml": "no mail headers (From, Date, Subject, Message-ID), so it is not an e-mail message",
        "words.mbox": "does not start with a 'From ' line, so it is not an mbox mailbox",
    }
    assert read_mail(tmp_path / "nothing.pdf").refused[0].reason.startswith("not a .mbox")


def test_size_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _mbox(tmp_path / "big.mbox", [_message(body="x" * 5000)])
    monkeypatch.setattr(mail_read, "MAX_MAILBOX_BYTES", 1000)
    refused = read_mail(path).refused
    assert len(refused) == 1 and "more than the 1,000 bytes a mailbox file may be" in refused[0].reason
    monkeypatch.setattr(mail_body, "MAX_TEXT_CHARS", 100)
    mail = _only(read_mail(_eml(tmp_path, "long.eml", _message(body="word " * 1000))))
    assert len(mail.text) == 100 and "the text was cut at 100 characters" in mail.problems


def test_read_is_parsed_plus_refused_and_json_holds_no_text(tmp_path: Path) -> None:
    _mbox(tmp_path / "box.mbox", [_message(body="secret words"), b"garbage\n"])
    _eml(tmp_path, "one.eml", _message(body="more secret words"))
    (tmp_path / "bad.eml").write_bytes(b"\x00\x01binary")
    read = read_mail(tmp_path)
    payload = read.to_json()
    assert payload["read"] == payload["parsed"] + payload["refused"] == 4
    assert {entry["file"]: (entry["read"], entry["parsed"], entry["refused"]) for entry in payload["files"]} == {
        "bad.eml": (1, 0, 1),
        "box.mbox": (2, 1, 1),
        "one.eml": (1, 1, 0),
    }
    assert "secret" not in str(payload) and "acme" not in str(payload).lower()


def test_zip_of_eml_files(tmp_path: Path) -> None:
    archive = tmp_path / "mails.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        handle.writestr("mails/one.eml", _message(subject="one", message_id="<1@x>").as_bytes())
        handle.writestr("mails/two.eml", _message(subject="two", message_id="<2@x>").as_bytes())
        handle.writestr("mails/nested.zip", b"PK\x03\x04 never unpacked")
    read = read_mail(archive)
    assert read.files == ("mails.zip: mails/one.eml", "mails.zip: mails/two.eml")
    assert [mail.subject for mail in read.mails] == ["one", "two"] and not read.refused


def test_a_message_that_breaks_the_parser_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(data: bytes, source: object) -> Mail:
        raise IndexError("list index out of range")

    path = _mbox(tmp_path / "box.mbox", [_message(), _message()])
    monkeypatch.setattr(mail_read, "parse_message", broken)
    read = read_mail(path)
    assert not read.mails and len(read.refused) == 2
    assert read.refused[0].reason == "the message cannot be parsed (IndexError: list index out of range)"
    assert str(read.refused[1].source) == "box.mbox, message 2"
