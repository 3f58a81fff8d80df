"""What one mail says about a job search (issue 19): `classify(mail)` gives its kind and the rule that decided.

Kinds that evidence an application: applied, rejected, screen, assessment, interview, offer, withdrawn.
Kinds that never create one (`ignored`): job_alert, recruiter_outreach, application_viewed,
newsletter, not_job. When no rule is sure, the answer is not_job: a missed mail costs one event,
a wrong one invents an application.

Precedence (the first rule that decides wins):

1. Forwarded mail (a "Forwarded message" block) is read as the mail it forwards, with that mail's
   sender and subject; the forwarder's own note is not read.
2. Mail the person sent (their addresses or domains, or Gmail's "Sent" label): withdrawn when it
   withdraws an application, else not_job ("own-mail"): their own replies are not events.
3. A calendar invitation: screen when its summary names a phone screen or recruiter call,
   interview when it names any interview; another event (a dinner) goes on to the rules below.
4. The sender's family: a job board's alert mailbox is job_alert, LinkedIn's InMail relay is
   recruiter_outreach, a coding-test vendor (HackerRank, Codility, ...) is assessment.
5. Bulk mail (an unsubscribe link, a webinar) from a sender that is no tracking system or job
   board, outside a thread: job_alert when it lists jobs, else newsletter.
6. Phrases, tried in this order on the subject and the new text of the mail, then (for a reply
   whose new text says nothing) on the quoted text: application viewed, job alert, recruiter
   outreach (not from a tracking system), rejection, "unfortunately" about an application (not a
   reschedule), offer, assessment, screen, interview, confirmation. Rejection before confirmation:
   a rejection also thanks for the application; confirmation last, since every later step repeats
   "your application". A confirmation from an unknown sender needs a job word ("thank you for
   applying" is also said for flats and library cards).
7. Otherwise not_job ("no-rule").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from pipelines.load.mail import rules
from pipelines.load.mail.body import Invitation
from pipelines.load.mail.message import Mail
from pipelines.vocabulary import MAIL_APPLICATION_KINDS, MAIL_IGNORED_KINDS

APPLICATION_KINDS = MAIL_APPLICATION_KINDS
IGNORED_KINDS = MAIL_IGNORED_KINDS

_PREFIX = re.compile(r"^\s*(?:(?:re|fwd?|aw|wg|tr|rv|sv|vs)\s*(?:\[\d+\])?\s*[:：]\s*)+", re.IGNORECASE)
# Where the quoted original of a reply begins, as the common mail programs write it.
_QUOTE_START = re.compile(
    r"^(?:>|on .{4,200} wrote:|am .{4,200} schrieb|le .{4,200} a écrit|el .{4,200} escribió|-{2,} ?original message"
    r" ?-{2,}|from: .+\n(?:sent|date): )",
    re.IGNORECASE | re.MULTILINE,
)
_FORWARD = re.compile(
    r"^(?:-{3,} ?forwarded message ?-{3,}|begin forwarded message:|-{3,} ?weitergeleitete nachricht ?-{3,}"
    r"|-{3,} ?message transféré ?-{3,}|-{3,} ?mensaje reenviado ?-{3,}|-{3,} ?転送されたメッセージ ?-{3,})\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_FORWARD_HEADER = re.compile(r"^(from|von|de|subject|betreff|objet|asunto|件名|差出人)\s*[:：]\s*(.*)$",
                             re.IGNORECASE)
_QUOTES = str.maketrans("\u2018\u2019\u201c\u201d", "''\"\"")
_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass(frozen=True)
class Classified:
    """A mail's kind, the id of the rule that decided it, and whether the kind creates no application."""

    kind: str
    rule: str
    ignored: bool


@dataclass(frozen=True)
class _View:
    """What the rules read of a mail (a forward is read as the mail it forwards)."""

    address: str  # lower case
    domain: str
    subject: str  # without Re: / Fwd: prefixes
    new: str  # folded text written in this mail
    quoted: str  # folded text quoted from earlier mail in the thread
    calendar: Invitation | None
    in_thread: bool


def _verdict(kind: str, rule: str) -> Classified:
    return Classified(kind, rule, kind in IGNORED_KINDS)


def fold(text: str) -> str:
    """Lower case, one space between words, straight quotes, full-width forms made plain (NFKC)."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.translate(_QUOTES)
    return " ".join(text.split())


def _family(domain: str, table: dict[str, str]) -> str | None:
    """The family of a domain or of any domain it is a subdomain of ("talent.icims.com" is icims)."""
    parts = domain.split(".")
    for start in range(len(parts) - 1):
        family = table.get(".".join(parts[start:]))
        if family is not None:
            return family
    return None


def _split_reply(text: str) -> tuple[str, str]:
    found = _QUOTE_START.search(text)
    if found is None:
        return text, ""
    return text[: found.start()], text[found.start():]


def _forwarded_view(mail: Mail) -> _View | None:
    """The forwarded mail inside `mail`, read from the header block the mail program wrote above it."""
    marker = _FORWARD.search(mail.text)
    if marker is None:
        return None
    lines = mail.text[marker.end():].lstrip("\n").splitlines()
    sender, subject, body_start = "", _PREFIX.sub("", mail.subject), 0
    for index, line in enumerate(lines):
        if not line.strip():
            body_start = index + 1
            break
        header = _FORWARD_HEADER.match(line.strip())
        if header is None:
            continue
        name = header.group(1).lower()
        if name in ("from", "von", "de", "差出人"):
            sender = header.group(2)
        else:
            subject = _PREFIX.sub("", header.group(2))
    found = _ADDRESS.search(sender)
    address = found.group(0).lower() if found else ""
    new, quoted = _split_reply("\n".join(lines[body_start:]))
    return _View(address, address.rpartition("@")[2], fold(subject), fold(new), fold(quoted), None, False)


def _own_view(mail: Mail) -> _View:
    new, quoted = _split_reply(mail.text)
    return _View(mail.sender_address.lower(), mail.sender_domain, fold(_PREFIX.sub("", mail.subject)), fold(new),
                 fold(quoted), mail.calendar, bool(mail.in_reply_to or mail.references))


def _is_own(view: _View, mail: Mail, own_addresses: frozenset[str], own_domains: frozenset[str]) -> bool:
    if view.address and (view.address in own_addresses or view.domain in own_domains):
        return True
    return "sent" in (label.lower() for label in mail.labels)


def classify(mail: Mail, own_addresses: Iterable[str] = (), own_domains: Iterable[str] = ()) -> Classified:
    """The kind of one mail, by the rules in this module's docstring, tried in that order."""
    addresses = frozenset(a.lower() for a in own_addresses)
    domains = frozenset(d.lower().lstrip("@") for d in own_domains)
    forwarded = _forwarded_view(mail)
    if forwarded is not None:
        # the forwarded mail was sent by someone else; the person's forward of their own mail is theirs
        if forwarded.address and (forwarded.address in addresses or forwarded.domain in domains):
            return _own_mail(forwarded)
        return _received(forwarded)
    view = _own_view(mail)
    if _is_own(view, mail, addresses, domains):
        return _own_mail(view)
    return _received(view)


def _own_mail(view: _View) -> Classified:
    if rules.WITHDRAWAL.search(view.subject + " " + view.new):
        return _verdict("withdrawn", "own-withdrawal-phrase")
    return _verdict("not_job", "own-mail")


def _calendar(invitation: Invitation) -> Classified | None:
    summary = fold(invitation.summary)
    if rules.SCREEN_SUMMARY.search(summary):
        return _verdict("screen", "calendar-screen")
    if rules.INTERVIEW_SUMMARY.search(summary):
        return _verdict("interview", "calendar-interview")
    return None


def _received(view: _View) -> Classified:
    if view.calendar is not None:
        decided = _calendar(view.calendar)
        if decided is not None:
            return decided
    local = view.address.partition("@")[0]
    board = _family(view.domain, rules.BOARD_DOMAINS)
    if board is not None and (local in rules.ALERT_LOCAL_PARTS or local.split("-")[0] in rules.ALERT_LOCAL_PARTS):
        return _verdict("job_alert", f"{board}-alert-sender")
    if view.address in rules.OUTREACH_ADDRESSES:
        return _verdict("recruiter_outreach", "linkedin-inmail-sender")
    vendor = _family(view.domain, rules.ASSESSMENT_DOMAINS)
    if vendor is not None:
        return _verdict("assessment", f"{vendor}-sender")
    known = board is not None or _family(view.domain, rules.ATS_DOMAINS) is not None
    if not known and not view.in_thread and rules.BULK.search(view.new):
        if _phrase(rules.PHRASES[1], view.subject + " " + view.new, known=False):
            return _verdict("job_alert", "bulk-job-alert-phrase")
        return _verdict("newsletter", "bulk-mail")
    for text in (view.subject + " " + view.new, view.quoted):
        for rule in rules.PHRASES:
            if _phrase(rule, text, known):
                return _verdict(rule.kind, rule.rule)
    return _verdict("not_job", "no-rule")


def _phrase(rule: rules.PhraseRule, text: str, known: bool) -> bool:
    """Whether `rule` decides `text`; `known` when the sender is a tracking system or a job board."""
    if not text.strip() or not rule.pattern.search(text):
        return False
    if rule.kind == "recruiter_outreach":
        return not known  # a tracking system writes about applications, never cold
    if rule.rule == "rejection-unfortunately":
        return bool(rules.JOB_CONTEXT.search(text)) and not rules.RESCHEDULE.search(text)
    if rule.kind == "rejected" and not known and rules.NOT_JOB_CONTEXT.search(text):
        # "we will not be moving forward with your request": a bank's, a landlord's, unless about a job
        return bool(rules.JOB_CONTEXT.search(text))
    if rule.kind == "applied":
        return known or bool(rules.JOB_CONTEXT.search(text))
    if rule.kind in ("screen", "assessment", "interview") and rules.CONDITIONAL_STEP.search(text):
        # a confirmation promising the step later: let the confirmation rule decide
        return not any(other.kind == "applied" and other.pattern.search(text) for other in rules.PHRASES)
    return True
