"""Seeded corpus of job-search mail (a Google Takeout-like mailbox) with the truth for every mail.

``generate_corpus(seed)`` plans a job search (companies, roles, applied dates and each application's
stages, as in ``sample_data.generator``) and writes the mail a seeker would really receive about it:
tracking-system confirmations and rejections from a dozen vendors, recruiters writing personally,
calendar invites, LinkedIn / Indeed notifications, and the noise around them (job alerts naming
companies already applied to, "5 interview tips" newsletters, everyday mail). The truth says, for
every mail, which kind it is and which application it belongs to, and for every application which
events the mailbox evidences. A mailbox reader can be scored against it.

Determinism: one ``random.Random(seed)``, tuples iterated in a fixed order, no clock, and hand-made
Message-IDs and mbox ``From_`` lines (the stdlib would put the hostname and current time there).

    .venv/bin/python -m sample_data.mail_corpus --seed 7 --out DIR   # DIR/mail.mbox, DIR/mail.truth.json
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import html
import json
import mailbox
import pathlib
import random
import re
from collections.abc import Sequence
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from pipelines.vocabulary import MAIL_APPLICATION_KINDS, MAIL_IGNORED_KINDS
from sample_data import mail_templates as tpl

ME_NAME = "Alex Morgan"
ME_FIRST = "Alex"
ME = "me@example.com"
COACH = "coach@example.org"  # the seeker forwards some mail to a career coach

# the product's own vocabulary: the corpus's truth speaks the classifier's words
APPLICATION_KINDS = MAIL_APPLICATION_KINDS
IGNORED_KINDS = MAIL_IGNORED_KINDS
KINDS: tuple[str, ...] = APPLICATION_KINDS + IGNORED_KINDS
LOCALES: tuple[str, ...] = ("de", "fr", "es", "ja")
# Fixed UTC offsets, so a mail's local date (the truth's event date) never depends on tz data.
UTC_OFFSET: dict[str, int] = {"en": -5, "de": 1, "fr": 1, "es": 1, "ja": 9}


@dataclasses.dataclass(frozen=True)
class Company:
    name: str  # the normalised name the truth uses
    slug: str
    domain: str
    locale: str
    ats: str  # the tracking-system family it uses
    ats_address: str
    variants: tuple[str, ...]  # how its mail spells it


@dataclasses.dataclass(frozen=True)
class MailTruth:
    message_id: str
    kind: str
    company: str | None
    role: str | None
    application_id: str | None
    event: int | None  # index into the application's events (replies / forwards repeat an event)
    family: str
    date: str
    language: str
    body_format: str  # plain, html, alternative, calendar
    thread: str  # new, reply, forward
    subject: str


@dataclasses.dataclass(frozen=True)
class ApplicationTruth:
    application_id: str
    company: str
    role: str
    applied_on: str | None  # None when no mail shows the application itself
    events: tuple[tuple[str, str], ...]
    channel: str
    ats: str


@dataclasses.dataclass(frozen=True)
class Corpus:
    seed: int
    as_of: datetime.date
    messages: tuple[EmailMessage, ...]
    mails: tuple[MailTruth, ...]
    applications: tuple[ApplicationTruth, ...]


@dataclasses.dataclass
class _Spec:
    """One mail before rendering: its content and its truth."""

    when: datetime.datetime
    kind: str
    family: str
    subject: str
    body: str
    sender: tuple[str, str]
    to: tuple[str, str] = (ME_NAME, ME)
    company: str | None = None
    role: str | None = None
    application_id: str | None = None
    event: int | None = None
    language: str = "en"
    thread: str = "new"
    parent: int | None = None  # index of the mail this one replies to / forwards
    calendar: str | None = None


@dataclasses.dataclass
class _App:
    """A planned application, with what the mail templates need to know about it."""

    application_id: str
    company: Company
    role: str
    applied: datetime.date
    channel: str
    recruiter: tuple[str, str, str]  # display name, mailbox local part, title
    req: str
    events: list[tuple[str, datetime.date]] = dataclasses.field(default_factory=list)


def _companies(rng: random.Random, count: int) -> list[Company]:
    names = [stem + kind for stem in tpl.COMPANY_STEMS for kind in tpl.COMPANY_KINDS]
    picked = rng.sample(names, min(count, len(names)))
    companies = []
    for index, name in enumerate(picked):
        # Every 8th company writes in one of four languages, so each language is present.
        locale = LOCALES[(index // 8) % len(LOCALES)] if index % 8 == 3 else "en"
        ats = tpl.ATS_FAMILIES[index % len(tpl.ATS_FAMILIES)]
        slug = name.lower().replace(" ", "")
        variants = [v.format(name=name, upper=name.upper()) for v in tpl.COMPANY_VARIANTS]
        if locale != "en":
            variants.append(tpl.LOCAL_SUFFIX[locale].format(name=name))
        address = rng.choice(ats.addresses).format(slug=slug)
        companies.append(Company(name, slug, f"{slug}.example", locale, ats.key, address, tuple(variants)))
    return companies


def _plan(rng: random.Random, app: _App, as_of: datetime.date) -> None:
    """The application's true events; anything after as_of has not happened yet."""
    day = app.applied
    planned: list[tuple[str, int]] = []
    if app.channel != "none":
        planned.append(("applied", 0))
    outcome = rng.random()
    if outcome < 0.42:
        if rng.random() < 0.05:
            planned.append(("withdrawn", rng.randint(20, 45)))
    elif outcome < 0.84:
        planned.append(("rejected", rng.randint(2, 30)))
    else:
        stages = ["screen"] if rng.random() < 0.75 else []
        stages += ["assessment"] if rng.random() < 0.4 else []
        stages += ["interview"] * rng.choice((1, 1, 2, 2, 3))
        final = rng.random()
        stages.append("offer" if final < 0.35 else "rejected" if final < 0.9 else "withdrawn")
        planned += [(stage, rng.randint(2, 14)) for stage in stages]
    for kind, gap in planned:
        day += datetime.timedelta(days=gap)
        if day > as_of:
            break
        app.events.append((kind, day))


def _applications(rng: random.Random, count: int, companies: Sequence[Company], as_of: datetime.date) -> list[_App]:
    applied_companies = companies[: max(len(tpl.ATS_FAMILIES), min(len(companies), count * 3 // 4))]
    taken: set[tuple[str, str]] = set()
    apps = []
    for index in range(count):
        company = applied_companies[index % len(applied_companies)]
        role = rng.choice(tpl.ROLES)
        for _ in tpl.ROLES:  # a second role at the same company, unless every role is taken there
            if (company.name, role) not in taken:
                break
            role = tpl.ROLES[(tpl.ROLES.index(role) + 1) % len(tpl.ROLES)]
        taken.add((company.name, role))
        channel = rng.choices(("ats", "linkedin", "indeed", "none"), weights=(65, 20, 9, 6))[0]
        first, last = rng.choice(tpl.FIRST_NAMES), rng.choice(tpl.LAST_NAMES)
        recruiter = (f"{first} {last}", f"{first}.{last}".lower(), rng.choice(tpl.RECRUITER_TITLES))
        applied = as_of - datetime.timedelta(days=rng.randint(1, 200))
        app = _App(f"app-{index + 1:03d}", company, role, applied, channel, recruiter, f"R{rng.randint(10000, 99999)}")
        _plan(rng, app, as_of)
        apps.append(app)
    return apps


def _when(rng: random.Random, day: datetime.date, locale: str = "en") -> datetime.datetime:
    # Office hours, so adding a few hours for a forward never changes the local date.
    offset = datetime.timezone(datetime.timedelta(hours=UTC_OFFSET[locale]))
    return datetime.datetime(day.year, day.month, day.day, rng.randint(7, 18), rng.randint(0, 59),
                             rng.randint(0, 59), tzinfo=offset)


def _fill(template: tpl.Template, values: dict[str, str]) -> tuple[str, str, bool]:
    """Subject, body, and whether the mail names the role (else the truth's role is None)."""
    subject, body = template
    mentions_role = "{role}" in subject or "{role}" in body
    return subject.format(**values), body.format(**values), mentions_role


def _names_company(template: tpl.Template) -> bool:
    return "{company}" in template[0] or "{company}" in template[1]


# How a date and hour are written in each language (strftime names would be English everywhere).
WHEN_FORMAT: dict[str, str] = {"en": "{d:%A, %d %B} at {h}:00", "de": "{d:%d.%m.%Y} um {h}:00 Uhr",
                               "fr": "{d:%d/%m/%Y} à {h}h00", "es": "{d:%d/%m/%Y} a las {h}:00",
                               "ja": "{d:%Y年%m月%d日} {h}:00"}


def _values(rng: random.Random, app: _App, host: str, day: datetime.date) -> dict[str, str]:
    later = day + datetime.timedelta(days=rng.randint(2, 6))
    return {
        "company": rng.choice(app.company.variants), "role": app.role, "first": ME_FIRST,
        "recruiter": app.recruiter[0], "rfirst": app.recruiter[0].split()[0], "rtitle": app.recruiter[2],
        "req": app.req,
        "when": WHEN_FORMAT[app.company.locale].format(d=later, h=rng.choice((10, 11, 14, 15, 16))),
        "link": f"https://{host}/c/{rng.getrandbits(40):010x}", "n": str(rng.randint(3, 40)),
    }


def _sender_family(rng: random.Random, app: _App, kind: str, after_callback: bool) -> str:
    if kind == "applied":
        return {"ats": app.company.ats, "linkedin": "linkedin", "indeed": "indeed"}[app.channel]
    if kind == "rejected":
        if after_callback:
            return "recruiter" if rng.random() < 0.6 else app.company.ats
        if app.channel in ("linkedin", "indeed") and rng.random() < 0.5:
            return app.channel
        return app.company.ats
    if kind == "assessment":
        return rng.choices(("hackerrank", "codility", app.company.ats, "recruiter"), weights=(3, 2, 3, 2))[0]
    if kind == "interview":
        return rng.choices(("recruiter", app.company.ats, "calendar"), weights=(45, 30, 25))[0]
    if kind == "screen":
        return "recruiter" if rng.random() < 0.6 else app.company.ats
    return "me" if kind == "withdrawn" else "recruiter"


def _templates(family: str, kind: str, locale: str) -> tuple[tuple[tpl.Template, ...], str]:
    """The template pool for a mail, and its language."""
    localisable = family in tpl.ATS_TEMPLATES or family == "recruiter"
    if locale != "en" and localisable and kind in tpl.LOCALISED[locale]:
        return tpl.LOCALISED[locale][kind], locale
    if family in ("linkedin", "linkedin_jobs", "linkedin_inmail"):
        return tpl.LINKEDIN_TEMPLATES[kind], "en"
    if family in ("indeed", "indeed_alerts"):
        return tpl.INDEED_TEMPLATES[kind], "en"
    if family in tpl.VENDOR_TEMPLATES:
        return tpl.VENDOR_TEMPLATES[family], "en"
    if family in tpl.ATS_TEMPLATES and kind in tpl.ATS_TEMPLATES[family]:
        return tpl.ATS_TEMPLATES[family][kind], "en"
    return tpl.SHARED_TEMPLATES[kind], "en"


def _address(family: str, app: _App | None, company: Company | None, extra: dict[str, str]) -> tuple[str, str]:
    fam = tpl.FAMILIES[family]
    fields: dict[str, str] = {}
    if company is not None:
        fields.update(company=company.name, slug=company.slug, domain=company.domain)
    if app is not None:
        fields.update(recruiter=app.recruiter[0], rmail=app.recruiter[1])
    fields.update(extra)  # e.g. the company as this mail spells it ("ACME", "Acme Careers")
    if company is not None and family == company.ats:
        return fam.display.format(**fields), company.ats_address
    return fam.display.format(**fields), fam.addresses[0].format(**fields)


def _calendar(rng: random.Random, app: _App, when: datetime.datetime, organiser: str) -> str:
    start = (when + datetime.timedelta(days=rng.randint(2, 6))).astimezone(datetime.UTC).replace(minute=0, second=0)
    stamp = f"{when.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}"
    lines = (
        "BEGIN:VCALENDAR", "PRODID:-//Google Inc//Google Calendar 70.9054//EN", "VERSION:2.0",
        "CALSCALE:GREGORIAN", "METHOD:REQUEST", "BEGIN:VEVENT", f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
        f"DTEND:{start + datetime.timedelta(hours=1):%Y%m%dT%H%M%SZ}", f"DTSTAMP:{stamp}",
        f"ORGANIZER;CN={app.recruiter[0]}:mailto:{organiser}", f"UID:{rng.getrandbits(64):016x}@google.com",
        f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;CN={ME}:mailto:{ME}",
        f"SUMMARY:Interview: {ME_NAME} / {app.company.name}", "STATUS:CONFIRMED", "END:VEVENT", "END:VCALENDAR",
    )
    return "\r\n".join(lines) + "\r\n"


def _event_mail(rng: random.Random, app: _App, event: int, after_callback: bool) -> _Spec:
    kind, day = app.events[event]
    family = _sender_family(rng, app, kind, after_callback)
    when = _when(rng, day, app.company.locale)
    # "Acme Careers Careers" would give the generator away: suffixed variants only where the display has none.
    plain_display = tpl.FAMILIES[family].display == "{company}"
    spellings = [v for v in app.company.variants if plain_display or not v.endswith(("Careers", "Talent Team"))]
    sender = _address(family, app, app.company, {"company": rng.choice(spellings)})
    spec = _Spec(when, kind, family, "", "", sender, company=app.company.name, application_id=app.application_id,
                 event=event)
    values = _values(rng, app, sender[1].split("@")[1], day)
    if family == "calendar":
        spec.subject = (f"Invitation: Interview: {ME_NAME} / {app.company.name} @ {values['when']} "
                        f"({ME})")
        spec.body = f"You have been invited to the following event.\n\nInterview for {app.role}\n{values['link']}"
        spec.role = app.role
        spec.calendar = _calendar(rng, app, when, sender[1])
        return spec
    pool, spec.language = _templates(family, kind, app.company.locale)
    spec.subject, spec.body, mentions_role = _fill(rng.choice(pool), values)
    spec.role = app.role if mentions_role else None
    if family == "me":
        spec.sender, spec.to = (ME_NAME, ME), _address("recruiter", app, app.company, {})
    return spec


def _reply(rng: random.Random, parent: _Spec, parent_index: int) -> _Spec:
    # The recruiter answers on the same thread the next morning; Gmail keeps the quoted original.
    quoted = "\n".join("> " + line for line in parent.body.splitlines())
    body = f"Hi {ME_FIRST},\n\nThanks for getting back to me - that works. I'll send the details shortly.\n\n{quoted}"
    when = parent.when + datetime.timedelta(days=1)
    return dataclasses.replace(parent, when=when, subject="Re: " + parent.subject, body=body, thread="reply",
                               parent=parent_index, calendar=None, family="recruiter", language=parent.language)


def _forward(parent: _Spec, parent_index: int) -> _Spec:
    header = (f"---------- Forwarded message ---------\nFrom: {parent.sender[0]} <{parent.sender[1]}>\n"
              f"Date: {format_datetime(parent.when)}\nSubject: {parent.subject}\nTo: {ME_NAME} <{ME}>\n\n")
    body = "What do you make of this one?\n\n" + header + parent.body
    return dataclasses.replace(parent, when=parent.when + datetime.timedelta(hours=3), subject="Fwd: " + parent.subject,
                               body=body, thread="forward", parent=parent_index, calendar=None, family="me",
                               sender=(ME_NAME, ME), to=("Coach", COACH))


def _application_mails(rng: random.Random, app: _App, specs: list[_Spec]) -> None:
    after_callback = False
    for event, (kind, _day) in enumerate(app.events):
        spec = _event_mail(rng, app, event, after_callback)
        spec_index = len(specs)
        specs.append(spec)
        after_callback = after_callback or kind in ("screen", "assessment", "interview")
        if kind in ("screen", "interview") and spec.family == "recruiter" and rng.random() < 0.35:
            specs.append(_reply(rng, spec, spec_index))
        if kind == "interview" and spec.family != "calendar" and rng.random() < 0.3:
            invite = dataclasses.replace(spec, event=event)
            invite.family = "calendar"
            invite.sender = _address("calendar", app, app.company, {})
            invite.when = spec.when + datetime.timedelta(hours=2)
            invite.subject = f"Invitation: Interview: {ME_NAME} / {app.company.name} ({ME})"
            invite.body = f"You have been invited to the following event.\n\nInterview for {app.role}"
            invite.role, invite.language = app.role, "en"
            invite.calendar = _calendar(rng, app, invite.when, invite.sender[1])
            specs.append(invite)
        if spec.family != "me" and rng.random() < 0.06:
            specs.append(_forward(spec, spec_index))
    if app.channel == "linkedin" and app.events and rng.random() < 0.4:
        day = app.events[0][1] + datetime.timedelta(days=rng.randint(1, 6))
        _ignored_mail(rng, specs, "application_viewed", "linkedin", day, app)


def _ignored_mail(rng: random.Random, specs: list[_Spec], kind: str, family: str, day: datetime.date,
                  app: _App) -> None:
    """A mail that belongs to no application, even when it names a company applied to."""
    if kind == "recruiter_outreach":  # someone new, not the application's own recruiter
        first, last = rng.choice(tpl.FIRST_NAMES), rng.choice(tpl.LAST_NAMES)
        app = dataclasses.replace(app, recruiter=(f"{first} {last}", f"{first[0]}{last}".lower(),
                                                  rng.choice(tpl.RECRUITER_TITLES)))
    sender = _address(family, app, app.company, {"agency": rng.choice(tpl.AGENCIES)})
    values = _values(rng, app, sender[1].split("@")[1], day)
    pool = tpl.OUTREACH_TEMPLATES if family == "agency" else _templates(family, kind, "en")[0]
    template = rng.choice(pool)
    subject, body, mentions_role = _fill(template, values)
    specs.append(_Spec(_when(rng, day), kind, family, subject, body, sender,
                       company=app.company.name if _names_company(template) else None,
                       role=app.role if mentions_role else None))


def _noise(rng: random.Random, apps: Sequence[_App], companies: Sequence[Company], as_of: datetime.date,
           specs: list[_Spec]) -> None:
    count = len(apps)
    applied_to = {app.company.name for app in apps}
    others = [company for company in companies if company.name not in applied_to] or list(companies)

    def day() -> datetime.date:
        return as_of - datetime.timedelta(days=rng.randint(0, 200))

    def alert_app() -> _App:
        # Half the alerts name a company already applied to: the tricky case for a reader.
        if rng.random() < 0.5:
            return rng.choice(apps)
        base = rng.choice(apps)
        return dataclasses.replace(base, company=rng.choice(others), role=rng.choice(tpl.ROLES))

    plan = (("job_alert", "linkedin_jobs", count // 3), ("job_alert", "indeed_alerts", count // 5),
            ("recruiter_outreach", "agency", count // 10), ("recruiter_outreach", "linkedin_inmail", count // 12))
    for kind, family, number in plan:
        for _ in range(max(number, 1)):
            _ignored_mail(rng, specs, kind, family, day(), alert_app())
    for _ in range(max(count // 3, 1)):
        name, address = rng.choice(tpl.NEWSLETTERS)
        subject = rng.choice(tpl.NEWSLETTER_SUBJECTS)
        body = tpl.NEWSLETTER_BODY.format(link=f"https://{address.split('@')[1]}/u/{rng.getrandbits(32):08x}")
        specs.append(_Spec(_when(rng, day()), "newsletter", "newsletter", subject, body, (name, address)))
    for _ in range(max(count // 2, 1)):
        name, address, subject, body = rng.choice(tpl.NOT_JOB)
        values = {"n": str(rng.randint(100000, 999999)), "first": ME_FIRST}
        specs.append(_Spec(_when(rng, day()), "not_job", "not_job", subject.format(**values), body.format(**values),
                           (name, address)))


def _html(body: str, footer: str) -> str:
    paragraphs = []
    for paragraph in body.split("\n\n"):
        text = html.escape(paragraph).replace("\n", "<br>")
        text = re.sub(r"(https://[^\s<]+)", r'<a href="\1">\1</a>', text)
        paragraphs.append(f"<p>{text}</p>")
    if footer:
        paragraphs.append(f'<p style="color:#888888;font-size:11px">{html.escape(footer)}</p>')
    return ('<!DOCTYPE html><html><head><meta charset="utf-8"></head>'
            '<body style="font-family:Arial,sans-serif"><div>' + "".join(paragraphs) + "</div></body></html>\n")


def _body_format(spec: _Spec) -> str:
    if spec.calendar is not None:
        return "calendar"
    return {"plain": "plain", "html": "html", "alt": "alternative"}[tpl.FAMILIES[spec.family].style]


def _render(rng: random.Random, spec: _Spec, message_id: str, parent_id: str | None, thread_id: int) -> EmailMessage:
    family = tpl.FAMILIES[spec.family]
    msg = EmailMessage(policy=policy.default)
    # Takeout's From_ line: a Gmail message number and the time in UTC, never the export time.
    stamp = spec.when.astimezone(datetime.UTC)
    msg.set_unixfrom(f"From {thread_id + 1}@xxx {stamp:%a %b %d %H:%M:%S +0000 %Y}")
    labels = family.label if family.label in ("Sent", "Inbox") else "Inbox," + family.label
    msg["X-GM-THRID"] = str(thread_id)
    msg["X-Gmail-Labels"] = labels + (",Opened" if rng.random() < 0.7 and labels != "Sent" else "")
    msg["From"] = Address(spec.sender[0], addr_spec=spec.sender[1])
    msg["To"] = Address(spec.to[0], addr_spec=spec.to[1])
    msg["Subject"] = spec.subject
    msg["Date"] = format_datetime(spec.when)
    msg["Message-ID"] = message_id
    if parent_id is not None and spec.thread == "reply":
        msg["In-Reply-To"] = parent_id
        msg["References"] = parent_id
    text = spec.body + (f"\n\n-- \n{family.footer}\n" if family.footer else "\n")
    body_format = _body_format(spec)
    if body_format == "html":
        msg.set_content(_html(spec.body, family.footer), subtype="html")
    else:
        msg.set_content(text)
    if body_format in ("alternative", "calendar"):
        msg.add_alternative(_html(spec.body, family.footer), subtype="html")
    if spec.calendar is not None:
        # As Google Calendar sends it: a text/calendar alternative plus an invite.ics attachment.
        msg.add_alternative(spec.calendar, subtype="calendar", params={"method": "REQUEST"})
        msg.add_attachment(spec.calendar.encode(), maintype="application", subtype="ics", filename="invite.ics")
    # The stdlib draws MIME boundaries from the global random module; Gmail-like seeded ones instead.
    for part in msg.walk():
        if part.is_multipart():
            part.set_boundary(f"0000000000{rng.getrandbits(64):016x}")
    return msg


def _message_id(rng: random.Random, spec: _Spec) -> str:
    if spec.sender[1] == ME:
        return f"<CA{rng.getrandbits(96):024x}@mail.gmail.com>"
    return f"<{rng.getrandbits(64):016x}.{rng.getrandbits(20):05x}@{spec.sender[1].split('@')[1]}>"


def generate_corpus(seed: int, applications: int = 120, as_of: datetime.date = datetime.date(2026, 11, 1)) -> Corpus:
    """A seeded mailbox about ``applications`` job applications, with the truth for every mail."""
    if applications < 1:
        raise ValueError("applications must be at least 1")
    rng = random.Random(seed)
    companies = _companies(rng, applications * 3 // 4 + 20)
    apps = _applications(rng, applications, companies, as_of)
    specs: list[_Spec] = []
    for app in apps:
        _application_mails(rng, app, specs)
    _noise(rng, apps, companies, as_of, specs)
    # The export is taken on as_of: a reply due the day after is not in it.
    order = sorted((i for i in range(len(specs)) if specs[i].when.date() <= as_of), key=lambda i: (specs[i].when, i))
    ids: dict[int, str] = {}
    threads: dict[int, int] = {}
    messages, mails = [], []
    for number, index in enumerate(order):
        spec = specs[index]
        ids[index] = _message_id(rng, spec)
        parent = spec.parent
        threads[index] = threads[parent] if spec.thread == "reply" and parent is not None else 1_800_000_000 + number
        parent_id = ids.get(parent) if parent is not None else None
        messages.append(_render(rng, spec, ids[index], parent_id, threads[index]))
        mails.append(MailTruth(ids[index], spec.kind, spec.company, spec.role, spec.application_id, spec.event,
                               spec.family, spec.when.isoformat(), spec.language, _body_format(spec), spec.thread,
                               spec.subject))
    truths = tuple(
        ApplicationTruth(app.application_id, app.company.name, app.role,
                         next((d.isoformat() for k, d in app.events if k == "applied"), None),
                         tuple((k, d.isoformat()) for k, d in app.events), app.channel, app.company.ats)
        for app in apps
    )
    return Corpus(seed, as_of, tuple(messages), tuple(mails), truths)


def truth_dict(corpus: Corpus) -> dict[str, Any]:
    counts: dict[str, dict[str, int]] = {"kind": {}, "family": {}, "language": {}, "body_format": {}}
    for mail in corpus.mails:
        for key in counts:
            value = getattr(mail, key)
            counts[key][value] = counts[key].get(value, 0) + 1
    return {
        "seed": corpus.seed,
        "as_of": corpus.as_of.isoformat(),
        "address": ME,
        "application_kinds": list(APPLICATION_KINDS),
        "ignored_kinds": list(IGNORED_KINDS),
        "counts": counts,
        "mails": [dataclasses.asdict(mail) for mail in corpus.mails],
        "applications": [dataclasses.asdict(app) for app in corpus.applications],
        "definitions": {
            "kind": "what the mail is about; ignored kinds belong to no application even when they name its company",
            "company": "the normalised company name (mail may write 'ACME', 'Acme Inc.', 'Acme Careers')",
            "role": "the role when the mail names it, else null",
            "event": "index into the application's events; replies, forwards and invites repeat an event",
            "applied_on": "the confirmation's date, null when no mail shows the application itself",
            "events": "(kind, local date of the mail that first shows it); silent applications have none after applied",
        },
    }


def write_truth(corpus: Corpus, path: pathlib.Path) -> None:
    text = json.dumps(truth_dict(corpus), sort_keys=True, indent=1, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


def write_mbox(corpus: Corpus, path: pathlib.Path) -> None:
    """A Google Takeout-like mbox (X-Gmail-Labels, X-GM-THRID), replacing any file at path."""
    path.unlink(missing_ok=True)
    box = mailbox.mbox(path, create=True)
    try:
        for message in corpus.messages:
            box.add(message)
        box.flush()
    finally:
        box.close()


def write_eml_folder(corpus: Corpus, folder: pathlib.Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for number, message in enumerate(corpus.messages, start=1):
        (folder / f"{number:04d}.eml").write_bytes(message.as_bytes(policy=policy.default))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--applications", type=int, default=120)
    parser.add_argument("--as-of", type=datetime.date.fromisoformat, default=datetime.date(2026, 11, 1))
    parser.add_argument("--out", type=pathlib.Path, required=True)
    parser.add_argument("--eml", action="store_true", help="also write DIR/eml/NNNN.eml")
    args = parser.parse_args(argv)
    corpus = generate_corpus(args.seed, args.applications, args.as_of)
    args.out.mkdir(parents=True, exist_ok=True)
    write_mbox(corpus, args.out / "mail.mbox")
    write_truth(corpus, args.out / "mail.truth.json")
    if args.eml:
        write_eml_folder(corpus, args.out / "eml")
    print(f"{len(corpus.mails)} mails about {len(corpus.applications)} applications -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
