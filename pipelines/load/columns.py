"""What kind of file this is, and which of its columns mean what.

Sources: our canonical format, a personal spreadsheet (any shape), a LinkedIn data export
(`Job Applications.csv`, and `Saved Jobs.csv` which holds no applications), a Huntr board export,
a Simplify export, a JobSync export, a JustAJobApp export (one row per e-mail, reshaped into
applications by pipelines/load/trackers.py), and an events file (outcomes added to loaded applications).

Headers are compared as tokens: case, spaces and punctuation do not matter (`Date sent` =
`date_sent` = `DATE-SENT`). Each field lists its spellings in order of preference; when two columns
could be the field, the better spelling wins (`Application site` beats `Website` for the channel),
and the loser is listed as not used.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# RECORDABLE_EVENTS (the events a person or an events file can add) and STATUS_NAMES (what a status
# can say) are the vocabulary's, equal to table event_types; the load's callers import them from here
from pipelines.vocabulary import RECORDABLE_EVENTS as RECORDABLE_EVENTS
from pipelines.vocabulary import STATUS_NAMES as STATUS_NAMES

# field -> header spellings (as tokens), best first. The first spelling is the canonical name.
FIELD_SYNONYMS: dict[str, tuple[str, ...]] = {
    "client": ("client", "client_name", "candidate"),
    # not a bare `ID`: in a personal sheet it is often a row number, and re-sorting the sheet would
    # then swap two applications' histories
    "application_id": ("application_id", "app_id", "application_number"),
    "company": ("company", "company_name", "employer", "organization", "organisation", "firm"),
    "role": ("role", "position", "role_name", "job_title", "title", "job", "position_title", "job_position"),
    "industry": ("industry", "company_type", "sector", "industry_sector", "field"),
    "channel": (
        "channel",
        "source_channel",
        "application_site",
        "job_source",
        "source",
        "applied_via",
        "applied_through",
        "application_method",
        "platform",
        "job_board",
        "website",
        "site",
    ),
    "resume_version": (
        "resume_version",
        "cv_version",
        "resume",
        "cv",
        "resume_used",
        "cv_used",
        "resume_name",
        "resume_variant",
        "customized_resume",
        "tailored_resume",
    ),
    "cover_letter": ("cover_letter", "cover_letter_sent", "cl"),
    "referral": ("referral", "referred", "linkedin_connection", "referred_by", "referrer", "connection"),
    "one_click": ("one_click", "easy_application", "easy_apply", "quick_apply", "linkedin_easy_apply"),
    "location": ("location", "job_location", "city"),
    "seniority": ("seniority", "level", "job_level", "seniority_level"),
    "job_url": ("job_url", "url", "link", "job_link", "posting_url", "listing_url"),
    "applied_on": (
        "applied_on",
        "date_applied",
        "applied_date",
        "application_date",
        "date_sent",
        "date_of_application",
        "applied",
        "date_submitted",
        "submitted_on",
        "sent",
        "date",
    ),
    "status": (
        "status",
        "response",
        "result",
        "outcome",
        "current_status",
        "application_status",
        "stage",
    ),
    "status_on": ("status_on", "status_date", "date_of_status", "last_updated", "last_update", "updated"),
    "responded_on": (
        "responded_on",
        "date_of_1st_response",
        "date_of_first_response",
        "response_date",
        "first_response_date",
        "first_response",
        "reply_date",
    ),
    "screen_on": (
        "screen_on",
        "phone_screen",
        "phone_screen_date",
        "screen",
        "phone",
        "recruiter",
        "recruiter_call",
        "hr_call",
        "phone_interview",
    ),
    "assessment_on": (
        "assessment_on",
        "coding_challenge",
        "assessment",
        "take_home",
        "online_assessment",
        "challenge",
        "test",
    ),
    "interview_on": (
        "interview_on",
        "date_interview",
        "interview_date",
        "date_of_interview",
        "interview_dates",
        "interview",
        "onsite",
    ),
    "interview_rounds": ("interview_rounds", "rounds", "number_of_interviews", "interview_count"),
    "offer_on": ("offer_on", "offer_date", "date_offer", "job_offer", "offer"),
    "accepted_on": ("accepted_on", "accepted_date", "date_accepted"),
    "declined_on": ("declined_on", "declined_date", "date_declined"),
    "rejected_on": ("rejected_on", "rejection_date", "rejected_date", "date_rejected", "date_of_rejection"),
    "withdrawn_on": ("withdrawn_on", "withdrawn_date", "date_withdrawn"),
    "closed_on": ("closed_on", "position_closed_on"),
    "followed_up_on": (
        "followed_up_on",
        "follow_up_on",
        "follow_up_date",
        "date_followed_up",
        "followed_up",
        "follow_up",
    ),
    "notes": ("notes", "note", "comments", "comment", "remarks"),
}

# The canonical applications format: these columns, in this order (template, samples, docs/canonical-format.md).
CANONICAL_COLUMNS: tuple[str, ...] = (
    "client",
    "application_id",
    "company",
    "role",
    "industry",
    "channel",
    "resume_version",
    "cover_letter",
    "referral",
    "location",
    "seniority",
    "job_url",
    "applied_on",
    "status",
    "responded_on",
    "screen_on",
    "assessment_on",
    "interview_on",
    "interview_rounds",
    "offer_on",
    "accepted_on",
    "declined_on",
    "rejected_on",
    "withdrawn_on",
    "closed_on",
    "followed_up_on",
    "notes",
)

# stage date columns -> the event they record
STAGE_DATE_EVENTS: dict[str, str] = {
    "responded_on": "response",
    "screen_on": "screen",
    "assessment_on": "assessment",
    "offer_on": "offer",
    "accepted_on": "accepted",
    "declined_on": "declined",
    "rejected_on": "rejected",
    "withdrawn_on": "withdrawn",
    "closed_on": "position_closed",
    "followed_up_on": "follow_up",
}
DATE_FIELDS: tuple[str, ...] = ("applied_on", "status_on", *STAGE_DATE_EVENTS, "interview_on")

# The user's own contact details in exports: never stored, not even in a row's raw fields.
PERSONAL_COLUMNS = frozenset(
    {
        "contact_email",
        "contact_phone_number",
        "creatoruseremail",
        "creatoruserfirstname",
        "creatoruserlastname",
        "creator_user_email",
        "creator_user_first_name",
        "creator_user_last_name",
    }
)

# Free text of an export that quotes what the applicant typed (LinkedIn's answers to the application's
# questions: phone, e-mail, ...), and a tracker's contact column (the Google Sheets template's
# `Contact`: a recruiter's name, often with their e-mail and phone). Kept in the row's raw fields,
# every e-mail address and phone number removed: the product needs neither.
FREE_TEXT_COLUMNS = frozenset(
    {
        "question_and_answers", "questions_and_answers",
        "contact", "contacts", "contact_info", "contact_details", "contact_person", "contact_name",
        "point_of_contact", "poc", "hr_contact", "hiring_manager", "recruiter", "recruiter_name",
        "recruiter_contact", "recruiter_email", "recruiter_phone", "email", "e_mail", "emails",
    }
)  # fmt: skip

EVENT_FIELDS: dict[str, tuple[str, ...]] = {
    "client": ("client",),
    "application_id": ("application_id", "id", "app_id"),
    "company": ("company", "company_name", "employer"),
    "role": ("role", "job_title", "title", "position"),
    "applied_on": ("applied_on", "applied", "date_applied", "applied_date", "application_date"),
    "event": ("event", "stage", "outcome"),
    "occurred_on": ("occurred_on", "date", "on", "event_date"),
    "round": ("round",),
    "detail": ("detail", "details", "notes", "note"),
}

# every field a column can be read as, an application's or an event's: the names the load's SQL
# writes as column names and as the column of a reject (the allowlist of pipelines.sqltext.name)
FIELD_NAMES: frozenset[str] = frozenset({*FIELD_SYNONYMS, *EVENT_FIELDS})


@dataclass(frozen=True)
class SourceSpec:
    """How one kind of file becomes applications."""

    name: str
    # field -> header spellings for this source, best first (exports: their exact column names)
    fields: dict[str, tuple[str, ...]]
    # field -> text every row gets (an export's channel, say), normalised like a written value
    constants: dict[str, str] = field(default_factory=dict)
    date_order: str | None = None  # an export's fixed day/month order
    # a stage column whose values hold no date at all is not a date column (`Recruiter: Jane`)
    unmap_dateless: bool = False
    # resume names are file names: only case and white space may be folded, never punctuation
    notes: tuple[str, ...] = ()
    skip_every_row: str | None = None  # a file of the export that holds no applications
    key_by_url: bool = False  # identity includes the job URL (company and title can be blank)
    # the export's own status words the vocabulary does not know (text -> status); a --status-map wins
    status_words: dict[str, str] = field(default_factory=dict)


# the stage date columns besides interview_on, by the event each records (STAGE_DATE_EVENTS without
# follow-ups: no tracker's status says "followed up")
_STAGE_COLUMN_EVENTS = {name: event for name, event in STAGE_DATE_EVENTS.items() if event != "follow_up"}


def header_token(name: str) -> str:
    """Header comparison key: case, spaces and punctuation do not matter ('Applied On ' = applied_on)."""
    out = []
    for char in name.strip().lower():
        out.append(char if char.isalnum() else "_")
    return "_".join(part for part in "".join(out).split("_") if part)


SPECS: dict[str, SourceSpec] = {
    "canonical": SourceSpec(name="canonical", fields=FIELD_SYNONYMS),
    "spreadsheet": SourceSpec(name="spreadsheet", fields=FIELD_SYNONYMS, unmap_dateless=True),
    "linkedin": SourceSpec(
        name="linkedin",
        fields={
            "company": ("company_name",),
            "role": ("job_title",),
            "job_url": ("job_url",),
            "resume_version": ("resume_name",),
            "applied_on": ("application_date",),
        },
        constants={"channel": "LinkedIn Easy Apply"},
        date_order="mdy",
        key_by_url=True,
        notes=(
            "LinkedIn export: every row is an application sent through LinkedIn (Easy Apply); outcomes come "
            "from an events file or the dashboard",
            "your contact e-mail and phone number in the export are not stored",
        ),
    ),
    "linkedin_saved": SourceSpec(
        name="linkedin_saved",
        fields={"company": ("company_name",), "role": ("job_title",), "job_url": ("job_url",)},
        skip_every_row="LinkedIn saved job, not an application",
    ),
    "huntr": SourceSpec(
        name="huntr",
        fields={
            "application_id": ("id",),
            "company": ("companyname",),
            "role": ("title",),
            "location": ("location",),
            "job_url": ("url",),
            # the earliest createdAt of a card held on several boards (pipelines/load/trackers.py adds it)
            "applied_on": ("earliest_createdat", "createdat"),
            "status": ("listname",),
            "status_on": ("lastmovedat",),
            # the stages the card reached on its other boards (pipelines/load/trackers.py)
            "interview_on": ("interview_on_another_board",),
            **{name: (f"{event}_on_another_board",) for name, event in _STAGE_COLUMN_EVENTS.items()},
        },
        notes=(
            "Huntr export: the card's list is its status, dated by lastMovedAt; Huntr has no applied date, "
            "so the card's creation date stands in for it",
        ),
    ),
    "simplify": SourceSpec(
        name="simplify",
        fields={
            "company": ("company_name",),
            "role": ("job_title",),
            "location": ("location",),
            "job_url": ("job_url",),
            "applied_on": ("applied_date",),
            "status": ("status",),
            "status_on": ("status_date",),
            "notes": ("notes",),
        },
    ),
    "jobsync": SourceSpec(
        name="jobsync",
        fields={
            "company": ("company",),
            "role": ("jobtitle",),
            "location": ("location", "locations"),
            "channel": ("jobsource",),
            "applied_on": ("applieddate",),
            "status": ("status",),
        },
        date_order="mdy",  # written YYYY-MM-DD; the order is never needed
        # JobSync's own statuses: Draft (saved), Applied, Interview, Offer, Rejected, Expired (the
        # posting closed) and Archived, which records no outcome: still waiting, as far as we know
        status_words={"Archived": "applied"},
        notes=(
            "JobSync export: a job not applied for (applied: No) is a saved job, not an application; appliedDate"
            " is the applied date, JobSource the channel",
        ),
    ),
    # the columns pipelines/load/trackers.py writes for a JustAJobApp export, one row per application
    "justajobapp": SourceSpec(
        name="justajobapp",
        fields={
            "application_id": ("application",),
            "company": ("company_name",),
            "role": ("job_title",),
            "applied_on": ("applied_on",),
            "status": ("status",),
            "status_on": ("status_on",),
            **{name: (name,) for name in ("interview_on", *_STAGE_COLUMN_EVENTS)},
        },
        date_order="mdy",  # the dates are written YYYY-MM-DD by the reshaping
    ),
}
SOURCES = (
    "auto", "spreadsheet", "canonical", "linkedin", "huntr", "simplify", "events", "jobsync", "justajobapp", "mail",
)


def detect_source(header: list[str]) -> str:
    """The file's kind, from its header alone."""
    tokens = {header_token(name) for name in header}
    if {"application_date", "company_name", "job_title", "resume_name"} <= tokens:
        return "linkedin"
    if {"saved_date", "job_url", "job_title", "company_name"} <= tokens and "application_date" not in tokens:
        return "linkedin_saved"
    if {"listname", "createdat"} <= tokens and tokens & {"boardname", "lastmovedat", "rootdomain"}:
        return "huntr"
    if {"applied_date", "status_date", "company_name", "job_title"} <= tokens and tokens & {"archived", "job_url"}:
        return "simplify"
    if {"createdat", "applied", "applieddate", "company", "jobtitle", "status"} <= tokens:
        return "jobsync"
    # one row per e-mail; the Subject and Sender columns tell it from a log with an application status
    if {"company_name", "application_status", "received_at", "job_title"} <= tokens and tokens & {"subject", "sender"}:
        return "justajobapp"
    # an events file names an event per row; a log with a `Stage` column is still a log
    if "status" not in tokens and ("event" in tokens or ("stage" in tokens and tokens & {"occurred_on", "event_date"})):
        return "events"
    canonical_names = {*CANONICAL_COLUMNS, "status_on", "one_click"}
    if tokens <= canonical_names:
        return "canonical"
    return "spreadsheet"


@dataclass
class ColumnMapping:
    mapped: dict[str, str]  # field -> header name as written
    ignored: list[str]  # header names not used (kept in raw)
    dropped: list[str] = field(default_factory=list)  # personal data: not stored at all
    indexes: dict[str, int] = field(default_factory=dict, repr=False)
    overridden: dict[str, str | None] = field(default_factory=dict)  # header -> field (None: ignore)

    def to_json(self) -> dict[str, object]:
        return {"mapped": self.mapped, "ignored": self.ignored, "dropped": self.dropped}


def map_columns(
    header: list[str],
    fields: dict[str, tuple[str, ...]],
    overrides: dict[str, str | None] | None = None,
    *,
    lenient: bool = False,
) -> ColumnMapping:
    """Choose a column for each field: overrides first, then the best spelling present.

    overrides: header name (as written, or its token) -> field, or None to leave the column unused.
    lenient: an override naming a column the file does not have is passed over instead of refused.
    """
    tokens = [header_token(name) for name in header]
    indexes: dict[str, int] = {}
    claimed: set[int] = set()
    dropped = [name for name, token in zip(header, tokens, strict=True) if token in PERSONAL_COLUMNS]
    claimed.update(i for i, token in enumerate(tokens) if token in PERSONAL_COLUMNS)
    for column_name, target in (overrides or {}).items():
        # lenient: one mapping for all the files of an archive, each holding only some of its columns
        if lenient and column_name not in header and header_token(column_name) not in tokens:
            continue
        index = _find_header(header, tokens, column_name)
        claimed.add(index)
        if target is not None:
            indexes[target] = index
    for name, spellings in fields.items():
        if name in indexes:
            continue
        best: tuple[int, int] | None = None
        for index, token in enumerate(tokens):
            if index in claimed or token not in spellings:
                continue
            rank = (spellings.index(token), index)
            best = rank if best is None or rank < best else best
        if best is not None:
            indexes[name] = best[1]
            claimed.add(best[1])
    mapped = {name: header[index] for name, index in sorted(indexes.items(), key=lambda item: item[1])}
    ignored = [name for index, name in enumerate(header) if index not in indexes.values() and name not in dropped]
    return ColumnMapping(
        mapped=mapped,
        ignored=ignored,
        dropped=dropped,
        indexes=dict(sorted(indexes.items(), key=lambda item: item[1])),
        overridden=dict(overrides or {}),
    )


MAP_COLUMNS_LISTED = 30  # the columns a --map refusal lists


def _find_header(header: list[str], tokens: list[str], column_name: str) -> int:
    from pipelines.errors import InputError

    if column_name in header:
        return header.index(column_name)
    token = header_token(column_name)
    if token in tokens:
        return tokens.index(token)
    # a file can have thousands of columns, or a pasted page as a header cell: the message stays short
    # and one line: a header cell's line breaks (Alt+Enter in Excel) become spaces
    names = [" ".join(name.split()) for name in header[:MAP_COLUMNS_LISTED]]
    shown = [name if len(name) <= 40 else name[:37] + "..." for name in names]
    more = f" and {len(header) - len(shown):,} more" if len(header) > len(shown) else ""
    raise InputError(f"--map: no column {column_name!r} in the file (columns: {', '.join(shown)}{more})")


def parse_assignments(values: list[str] | None, option: str, name_first: bool = False) -> dict[str, str]:
    """`--map "Application site=channel"` -> {"Application site": "channel"} (later ones win).

    The text (a header, a status) may hold "=", the name after it never does: split at the last
    "=". With `name_first` (`--where FIELD=VALUE`) the name comes first: split at the first."""
    from pipelines.errors import InputError

    parsed: dict[str, str] = {}
    for value in values or []:
        left, sep, right = value.partition("=") if name_first else value.rpartition("=")
        if not sep or not left.strip():
            example = f"{option} channel=referral" if name_first else f'{option} "Application site=channel"'
            expected = "FIELD=VALUE" if name_first else "TEXT=NAME"
            raise InputError(f'{option} {value!r}: expected "{expected}", e.g. {example}')
        parsed[left.strip()] = right.strip()
    return parsed


def column_overrides(
    assignments: dict[str, str], fields: dict[str, tuple[str, ...]] | None = None
) -> dict[str, str | None]:
    """Check `--map` targets: a known field, or empty / `ignore` to leave the column unused."""
    from pipelines.errors import InputError

    known = set(fields or FIELD_SYNONYMS)
    result: dict[str, str | None] = {}
    claimed: dict[str, str] = {}
    for column_name, target in assignments.items():
        name = header_token(target)
        if name in ("", "ignore", "none", "skip"):
            result[column_name] = None
        elif name in known:
            if name in claimed:
                raise InputError(f"--map: both {claimed[name]!r} and {column_name!r} are mapped to {name}; choose one")
            claimed[name] = column_name
            result[column_name] = name
        else:
            raise InputError(
                f"--map {column_name}={target}: unknown field {target!r} (fields: {', '.join(sorted(known))}, ignore)"
            )
    return result
