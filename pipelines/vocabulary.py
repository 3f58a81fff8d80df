"""The events an application goes through, its stages and its ends: the one list of them in Python.

Migration 0001 (pipelines/store/sql/migrations/0001_initial.sql) writes the same rows into the table
`event_types`, which the SQL reads; tests/unit/store/test_vocabulary.py checks that the table and
this list are equal, row for row and in order, so that neither can change alone. Everything else in
Python that names the events (what can be recorded, what a status can say) derives from this list.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EventType:
    """One row of `event_types`, its fields in the table's column order."""

    event: str
    stage_rank: int | None  # position in the funnel this event proves was reached; None: not a stage
    counts_as_response: bool  # an answer from the employer (a rejection is an answer)
    is_terminal: bool  # ends the application
    description: str


EVENT_TYPES: tuple[EventType, ...] = (
    EventType("applied", 0, False, False, "the application was sent"),
    EventType("response", 1, True, False, "any reply from the employer"),
    EventType("screen", 2, True, False, "a screening call or recruiter conversation"),
    EventType("assessment", 3, True, False, "a test, take-home or coding challenge"),
    EventType("interview", 4, True, False, "an interview round (round says which)"),
    EventType("offer", 5, True, False, "an offer was made"),
    EventType("accepted", 6, True, True, "the offer was accepted"),
    EventType("declined", 5, True, True, "the offer was declined by the applicant"),
    EventType("rejected", 1, True, True, "the employer said no"),
    EventType("withdrawn", None, False, True, "the applicant withdrew"),
    EventType("position_closed", None, False, True, "the position was closed or the posting removed"),
    EventType("follow_up", None, False, False, "the applicant followed up with the employer"),
    EventType("ghosted", None, False, False, "the applicant marked it as never answered"),
)

EVENTS: tuple[str, ...] = tuple(event_type.event for event_type in EVENT_TYPES)

# the application itself: its event comes with the application (its applied date), never on its own
APPLIED = "applied"

# a status for a job kept to apply to later: no application, so no event of `event_types`
SAVED = "saved"

# a follow-up is something the applicant did, not where the application stands: no status says it
FOLLOW_UP = "follow_up"

# the events a person (or a file's events) can add after the application itself
RECORDABLE_EVENTS: tuple[str, ...] = tuple(event for event in EVENTS if event != APPLIED)

# what a status can say: still waiting (applied), any stage or end, or saved (not an application)
STATUS_NAMES: tuple[str, ...] = (*(event for event in EVENTS if event != FOLLOW_UP), SAVED)

# what a mail can be (pipelines/load/mail/classify.py): the kinds that are events of an application
# (each one of `EVENTS`), and the kinds that are read and ignored, never an application
MAIL_APPLICATION_KINDS: tuple[str, ...] = ("applied", "rejected", "screen", "assessment", "interview", "offer",
                                           "withdrawn")  # fmt: skip
MAIL_IGNORED_KINDS: tuple[str, ...] = ("job_alert", "recruiter_outreach", "application_viewed", "newsletter", "not_job")
