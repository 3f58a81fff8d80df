"""One message read into a `Mail`: only what the product keeps, or needs in memory for a moment.

Kept later (by the step that stores mail): the message id, the date, the sender's domain, the
subject, the labels, the invitation and the thread ids. Held in memory only, for classifying, and
never stored: `text` and `sender_address`, and no other address of the message is read at all.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from email import policy, utils
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.parser import BytesParser

from pipelines.load.mail.body import Invitation, body_text, invitation

HASHED_ID_PREFIX = "sha256:"  # a made-up id can never equal a real one: real ids hold an '@'
_ID = re.compile(r"<([^<>\s]+)>")
_HEADER_NAMES = ("from", "date", "subject", "message-id", "to", "received", "mime-version")


class NotAMessage(ValueError):
    """The bytes hold no mail message at all; the reason is one plain line."""


@dataclass(frozen=True)
class Source:
    """Where a message came from, for error reports: its file and its position in a mailbox (from 0)."""

    file: str
    index: int | None = None

    def __str__(self) -> str:
        return self.file if self.index is None else f"{self.file}, message {self.index + 1:,}"


@dataclass(frozen=True)
class Mail:
    """One message. `text` and `sender_address` are for memory only: never stored (docs/mail.md)."""

    message_id: str  # without its <>; HASHED_ID_PREFIX + a hash when the message has none
    id_is_hash: bool  # True when message_id was made from the date, the sender and the subject
    date: dt.datetime | None  # time-zone aware; None when the Date header is missing or unreadable
    sender_name: str
    sender_address: str
    sender_domain: str  # lower case
    subject: str
    labels: tuple[str, ...]
    text: str
    calendar: Invitation | None
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    source: Source
    problems: tuple[str, ...]


def _header(message: EmailMessage, name: str, problems: list[str]) -> str:
    """A header's decoded value (RFC 2047 words decoded), or "" when it is missing or unreadable."""
    try:
        value = message.get(name)
        return "" if value is None else " ".join(str(value).split())
    except (ValueError, TypeError, LookupError, AttributeError) as e:
        # the header classes of email.policy.default raise on some malformed headers
        problems.append(f"the {name} header cannot be read ({type(e).__name__})")
        return ""


def _raw_headers(message: EmailMessage) -> dict[str, str]:
    """Each header's first value as written (unfolded), by lower-case name. policy.default gives an
    unreadable Date as "", and the reason for refusing it, and the hash of a message without an id,
    need what was written; the ids are read from it too (a parsed header costs more than the regex)."""
    found: dict[str, str] = {}
    for key, value in message.raw_items():
        found.setdefault(key.lower(), " ".join(str(value).split()))
    return found


def _decoded_raw(value: str, name: str, problems: list[str]) -> str:
    """A raw header's RFC 2047 words decoded (only parsed when it has some)."""
    if "=?" not in value:
        return value
    try:
        return " ".join(str(make_header(decode_header(value))).split())
    except (ValueError, TypeError, LookupError, HeaderParseError) as e:
        problems.append(f"the {name} header cannot be read ({type(e).__name__})")
        return ""


def _date(raw: str, problems: list[str]) -> dt.datetime | None:
    if not raw:
        problems.append("no Date header")
        return None
    try:
        when = utils.parsedate_to_datetime(raw)
    except (ValueError, TypeError, IndexError, OverflowError):
        problems.append("the Date header is not a date")
        return None
    if when.tzinfo is None:  # "-0000": the sender did not know its zone (RFC 5322, 3.3)
        problems.append("the Date header has no time zone; read as UTC")
        when = when.replace(tzinfo=dt.UTC)
    return when


def _sender(message: EmailMessage, problems: list[str]) -> tuple[str, str]:
    """The first From address: (display name, address)."""
    try:
        header = message.get("from")
        addresses = getattr(header, "addresses", ())
        if addresses:
            return str(addresses[0].display_name), str(addresses[0].addr_spec)
        name, address = utils.parseaddr(str(header or ""))
    except (ValueError, TypeError, LookupError, AttributeError, IndexError) as e:
        problems.append(f"the From header cannot be read ({type(e).__name__})")
        return "", ""
    return name, address


def labels(value: str) -> tuple[str, ...]:
    """Gmail's X-Gmail-Labels: comma-separated, a label holding a comma or a quote written in quotes."""
    if not value:
        return ()
    fields = next(csv.reader([value], skipinitialspace=True), [])
    return tuple(label.strip() for label in fields if label.strip())


def ids(value: str) -> tuple[str, ...]:
    return tuple(_ID.findall(value))


def _message_id(raw: str, date: str, address: str, subject: str) -> tuple[str, bool]:
    found = ids(raw)
    if found:
        return found[0], False
    if raw.strip():
        return raw.strip(), False  # an id without its <>: still the sender's own id
    # the same message reads to the same id every time, so a re-read finds it again
    key = "\n".join((date, address.lower(), subject)).encode("utf-8", errors="replace")
    return HASHED_ID_PREFIX + hashlib.sha256(key).hexdigest()[:32], True


def _looks_like_mail(message: EmailMessage) -> bool:
    return any(name in message for name in _HEADER_NAMES)


def parse_message(data: bytes, source: Source) -> Mail:
    """`data` (one message's bytes) as a Mail; NotAMessage when it has no mail header at all."""
    message = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(message, EmailMessage)  # policy.default's message factory
    if not _looks_like_mail(message):
        raise NotAMessage("no mail headers (From, Date, Subject, Message-ID), so it is not an e-mail message")
    problems: list[str] = []
    raw = _raw_headers(message)
    raw_date = raw.get("date", "")
    name, address = _sender(message, problems)
    subject = _header(message, "subject", problems)
    message_id, hashed = _message_id(raw.get("message-id", ""), raw_date, address, subject)
    if hashed:
        problems.append("no Message-ID; the id is a hash of the date, the sender and the subject")
    date = _date(raw_date, problems)
    label_header = _decoded_raw(raw.get("x-gmail-labels", ""), "X-Gmail-Labels", problems)
    in_reply_to = ids(raw.get("in-reply-to", ""))
    references = ids(raw.get("references", ""))
    text = body_text(message, problems)
    calendar = invitation(message, problems)
    if message.defects or any(part.defects for part in message.walk()):
        problems.append("the message's structure is damaged; what could be read was read")
    return Mail(
        message_id=message_id,
        id_is_hash=hashed,
        date=date,
        sender_name=name,
        sender_address=address,
        sender_domain=address.rpartition("@")[2].strip().lower() if "@" in address else "",
        subject=subject,
        labels=labels(label_header),
        text=text,
        calendar=calendar,
        in_reply_to=in_reply_to,
        references=references,
        source=source,
        problems=tuple(problems),
    )
