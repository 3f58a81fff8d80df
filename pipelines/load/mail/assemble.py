"""Mails grouped into proposed applications (issue 19): `assemble(mails)` classifies and extracts each
mail (classify.py, company.py) and links the application-kind mails into applications and events.

Nothing is stored: the result is a proposal for the person to review. Mails are taken in date order
(ties in read order); each one is decided once, by the first rule below that applies:

1. An ignored kind (job_alert, recruiter_outreach, application_viewed, newsletter, not_job) never
   creates or joins an application, even when it names a company applied to; its reason is its kind.
2. An application-kind mail without a date cannot be placed in time: reason "no_date".
3. A reply (In-Reply-To / References naming an earlier mail's message id) whose company is unknown
   takes the company (and, when it names none, the role) of the mail it answers; when that mail is
   in an application of the same company, the reply joins that application.
4. A mail whose company is still unknown: the person's own withdrawal (written to a recruiter, whose
   address is not read) joins the one open application with the role it names; several, or no role
   named: the one open application an earlier mail of which came from the person it greets ("Hi
   Jordan" and a mail from Jordan Lee). Any other such mail is unusable: reason "no_company".
5. The company's applications that started on or before the mail's date and whose role agrees
   (the same role when both know it; a side without a role agrees with any) are the candidates.
   - An event of the same kind on a candidate within a day (the mail's date at most one calendar
     day from that event's) is the same event, notified twice (an ATS and LinkedIn, an invite after
     the recruiter's mail, a forward, a reply): the mail joins that application, no new event.
   - A confirmation (`applied`; LinkedIn's and Indeed's "application sent" are confirmations too)
     otherwise starts a new application, applied on the mail's date.
   - Any other kind joins the company's open application (no rejection, withdrawal or offer yet),
     the most recent one; when none is open, the most recent one; and with no candidate at all (a
     rejection without its confirmation, or a role the company's applications do not have) it starts
     an application whose applied date is unknown (None).
   An application without a role takes the role of the first later mail that names one.

The person's review (`overrides`, message id -> kind, or DROPPED) comes before rule 1: a changed kind
is decided by rule "set-by-you" and then placed like any mail of that kind; a dropped mail is in no
application, its reason "dropped".

Dates are the mail's own local date (as its Date header writes it). An application's key is stable:
"mail-" and a hash of its company key, its role when it started and its first date (a counter added
on the rare tie). Counts: read = used + sum(ignored.values()), where `ignored` counts each unused
mail under its reason: its kind for the ignored kinds, "no_date" or "no_company" for an application-
kind mail that could not be used.

Privacy (docs/mail.md): `to_json` gives the sender's domain only, never an address (addresses written
in a subject, as calendar invitations do, are replaced by "[address]"), and never a body.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipelines.load.mail.classify import IGNORED_KINDS, Classified, classify
from pipelines.load.mail.company import Extracted, extract
from pipelines.load.mail.message import Mail
from pipelines.vocabulary import APPLIED

CLASSIFIED_LIMIT = 1000  # decisions given by to_json
CLOSING_KINDS = frozenset({"rejected", "withdrawn", "offer"})
NO_DATE = "no_date"
NO_COMPANY = "no_company"
DROPPED = "dropped"  # the person dropped the mail when reviewing (an override, and its reason)
SET_BY_YOU = "set-by-you"  # the rule of a kind the person chose when reviewing
_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_GREETING = re.compile(r"^\s*(?:hi|hello|dear|hey)\s+([^\W\d_]+)", re.IGNORECASE | re.MULTILINE)


def shown_subject(subject: str) -> str:
    """A subject as shown and stored: an address written in it (calendar invitations do) as "[address]"."""
    return _ADDRESS.sub("[address]", subject)


@dataclass(frozen=True)
class ProposedEvent:
    """One event of a proposed application: its kind, its date, the mail that shows it and the rule."""

    kind: str
    on: dt.date
    message_id: str
    rule: str


@dataclass(frozen=True)
class ProposedApplication:
    key: str
    company: str
    role: str | None
    applied_on: dt.date | None
    events: tuple[ProposedEvent, ...]  # in date order, the confirmation (when there is one) first
    mails: tuple[str, ...]  # message ids of every mail used, duplicates included


@dataclass(frozen=True)
class MailDecision:
    """What was decided about one mail. `reason` says why it is in no application (None when it is)."""

    message_id: str
    date: dt.datetime | None
    sender_domain: str
    subject: str
    kind: str
    rule: str
    company: str | None
    role: str | None
    application_key: str | None
    reason: str | None

    def to_json(self, application_id: str | None, company_of_ignored: bool = True) -> dict[str, Any]:
        """The decision as the JSON's `classified` gives it: the sender's domain, the subject with its
        addresses hidden; `application_id` as the caller names it (the proposal's key, or the stored id).
        company_of_ignored False: no company or role for an ignored kind (what an alert names is not
        the person's)."""
        shown = company_of_ignored or self.kind not in IGNORED_KINDS
        return {
            "message_id": self.message_id,
            "date": self.date.isoformat() if self.date is not None else None,
            "sender": self.sender_domain,
            "subject": shown_subject(self.subject),
            "kind": self.kind,
            "rule": self.rule,
            "company": self.company if shown else None,
            "role": self.role if shown else None,
            "application_id": application_id,
        }


@dataclass(frozen=True)
class Assembled:
    applications: tuple[ProposedApplication, ...]
    decisions: tuple[MailDecision, ...]  # in read order
    read: int
    used: int
    ignored: dict[str, int]  # reason (an ignored kind, "no_date", "no_company") -> mails

    def to_json(self) -> dict[str, Any]:
        """Counts, the first CLASSIFIED_LIMIT decisions and the applications: never an address or a body."""
        return {
            "mails": {"read": self.read, "used": self.used, "ignored": dict(sorted(self.ignored.items()))},
            "classified": [d.to_json(d.application_key) for d in self.decisions[:CLASSIFIED_LIMIT]],
            "applications": [
                {
                    "application_id": a.key,
                    "company": a.company,
                    "role": a.role,
                    "applied_on": a.applied_on.isoformat() if a.applied_on is not None else None,
                    "events": [{"kind": e.kind, "on": e.on.isoformat(), "message_id": e.message_id, "rule": e.rule}
                               for e in a.events],
                    "mails": list(a.mails),
                }
                for a in self.applications
            ],
        }


@dataclass
class _Open:
    """An application being assembled (mutable while the mails are read)."""

    key: str
    company: str
    company_key: str
    role: str | None
    started: dt.date
    applied_on: dt.date | None
    events: list[ProposedEvent] = field(default_factory=list)
    mails: list[str] = field(default_factory=list)
    senders: set[str] = field(default_factory=set)  # senders' first names, in memory only (rule 4)

    def closed(self) -> bool:
        return any(event.kind in CLOSING_KINDS for event in self.events)

    def frozen(self) -> ProposedApplication:
        events = tuple(sorted(self.events, key=lambda e: (e.on, e.kind != APPLIED)))
        return ProposedApplication(self.key, self.company, self.role, self.applied_on, events, tuple(self.mails))


def _same_role(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a.casefold() == b.casefold()


def _first_name(name: str) -> str:
    words = name.split()
    return words[0].casefold() if words else ""


class _Assembler:
    def __init__(self) -> None:
        self.apps: list[_Open] = []
        self.by_company: dict[str, list[_Open]] = {}  # company key -> its applications, in the order made
        self.by_mail: dict[str, _Open] = {}  # message id -> its application
        self.facts: dict[str, Extracted] = {}  # message id -> its company and role (after rule 3)
        self.keys: Counter[str] = Counter()

    def _new(self, company: str, company_key: str, role: str | None, on: dt.date, applied: bool) -> _Open:
        base = "mail-" + hashlib.sha256(f"{company_key}\n{role or ''}\n{on.isoformat()}".encode()).hexdigest()[:16]
        self.keys[base] += 1
        key = base if self.keys[base] == 1 else f"{base}-{self.keys[base]}"
        app = _Open(key, company, company_key, role, on, on if applied else None)
        self.apps.append(app)
        self.by_company.setdefault(company_key, []).append(app)
        return app

    def _parent(self, mail: Mail) -> str | None:
        for message_id in (*mail.in_reply_to, *reversed(mail.references)):
            if message_id in self.facts and message_id != mail.message_id:
                return message_id
        return None

    def _by_role(self, mail: Mail, role: str | None) -> _Open | None:
        """Rule 4: the person's withdrawal, naming no company: the one open application with its role,
        narrowed (or, without a role, found) by the person it greets having written to it before."""
        found = [app for app in self.apps if not app.closed()
                 and (role is None or (app.role is not None and app.role.casefold() == role.casefold()))]
        if role is None or len(found) > 1:
            greeted = {m.group(1).casefold() for m in _GREETING.finditer(mail.text)}
            found = [app for app in found if app.senders & greeted]
        return found[0] if len(found) == 1 else None

    def place(self, mail: Mail, verdict: Classified, facts: Extracted) -> tuple[Extracted, _Open | None, str | None]:
        """The mail's company and role (after rule 3), its application, and the reason when it has none."""
        parent = self._parent(mail)
        parent_app = None
        if facts.company_key is None and parent is not None:
            inherited = self.facts[parent]
            facts = Extracted(inherited.company, inherited.company_key, facts.role or inherited.role,
                              (*facts.how, "company:reply"))
            parent_app = self.by_mail.get(parent)
        self.facts[mail.message_id] = facts
        if verdict.ignored:
            return facts, None, verdict.kind
        if mail.date is None:
            return facts, None, NO_DATE
        on = mail.date.date()
        if facts.company_key is None or facts.company is None:
            app = self._by_role(mail, facts.role) if verdict.kind == "withdrawn" else None
            if app is None:
                return facts, None, NO_COMPANY
            facts = Extracted(app.company, app.company_key, facts.role, (*facts.how, "company:role"))
            self.facts[mail.message_id] = facts
            self._add(app, mail, verdict, facts, on)
            return facts, app, None
        if parent_app is not None and parent_app.company_key == facts.company_key:
            self._add(parent_app, mail, verdict, facts, on)
            return facts, parent_app, None
        candidates = [app for app in self.by_company.get(facts.company_key, ()) if app.started <= on
                      and _same_role(app.role, facts.role)]
        app = next((app for app in reversed(candidates)
                    if any(e.kind == verdict.kind and abs((e.on - on).days) <= 1 for e in app.events)), None)
        if app is None and verdict.kind != APPLIED and candidates:
            still_open = [app for app in candidates if not app.closed()]
            app = max(still_open or candidates, key=lambda a: a.started)
        if app is None:
            app = self._new(facts.company, facts.company_key, facts.role, on, verdict.kind == APPLIED)
        self._add(app, mail, verdict, facts, on)
        return facts, app, None

    def _add(self, app: _Open, mail: Mail, verdict: Classified, facts: Extracted, on: dt.date) -> None:
        app.mails.append(mail.message_id)
        self.by_mail[mail.message_id] = app
        if app.role is None and facts.role is not None:
            app.role = facts.role
        if verdict.kind != "withdrawn":  # the person's own name is not a recruiter's
            app.senders.add(_first_name(mail.sender_name))
        if any(e.kind == verdict.kind and abs((e.on - on).days) <= 1 for e in app.events):
            return  # the same event, notified twice
        app.events.append(ProposedEvent(verdict.kind, on, mail.message_id, verdict.rule))


def _order(mails: Sequence[Mail]) -> list[int]:
    def key(index: int) -> tuple[int, float, int]:
        when = mails[index].date
        return (0, when.timestamp(), index) if when is not None else (1, 0.0, index)

    return sorted(range(len(mails)), key=key)


def _reviewed(verdict: Classified, wanted: str | None) -> Classified:
    """The verdict after the person's review: dropped, or of the kind they chose."""
    if wanted == DROPPED:
        return Classified(verdict.kind, verdict.rule, True)
    if wanted is None or wanted == verdict.kind:
        return verdict
    return Classified(wanted, SET_BY_YOU, wanted in IGNORED_KINDS)


def assemble(mails: Iterable[Mail], own_addresses: Iterable[str] = (),
             own_domains: Iterable[str] = (), overrides: Mapping[str, str] | None = None) -> Assembled:
    """Classify, extract and group `mails` into proposed applications (the rules: module docstring).

    overrides: message id -> a kind (APPLICATION_KINDS or IGNORED_KINDS) or DROPPED, from the review."""
    mails = tuple(mails)
    overrides = overrides or {}
    addresses = tuple(a.lower() for a in own_addresses)
    domains = frozenset(d.lower().lstrip("@") for d in own_domains)
    # the person's own address's domain is never a company (company.py); for classify it stays an
    # address only, since "gmail.com" as an own domain would make every Gmail sender the person
    company_domains = domains | {a.rpartition("@")[2] for a in addresses if "@" in a}
    assembler = _Assembler()
    decided: dict[int, MailDecision] = {}
    reasons: Counter[str] = Counter()
    placed: dict[int, _Open] = {}
    for index in _order(mails):
        mail = mails[index]
        wanted = overrides.get(mail.message_id)
        verdict = _reviewed(classify(mail, own_addresses=addresses, own_domains=domains), wanted)
        facts, app, reason = assembler.place(mail, verdict, extract(mail, company_domains))
        if wanted == DROPPED:
            reason = DROPPED
        if app is not None:
            placed[index] = app
        else:
            reasons[reason or NO_COMPANY] += 1
        decided[index] = MailDecision(mail.message_id, mail.date, mail.sender_domain, mail.subject, verdict.kind,
                                      verdict.rule, facts.company, facts.role, app.key if app else None, reason)
    decisions = [decided[index] for index in range(len(mails))]
    applications = tuple(app.frozen() for app in sorted(assembler.apps, key=lambda a: (a.started, a.key)))
    return Assembled(applications, tuple(decisions), len(mails), len(placed), dict(reasons))
