"""What a search's log records: the inputs each part of the diagnosis reads, known or not.

A log that has no Referral column says nothing about referrals: "unknown" is not "no". So before a
part is judged, we ask whether the log records what it reads. A field counts as recorded for a
search when at least one of its applications carries it (a column that is absent, or present but
blank in every row, leaves every value empty, and an export that cannot hold a field, such as
LinkedIn's for outcomes, never fills it):

- outcomes: any answer, rejection, "ghosted" mark, withdrawal or closure in the stage history
  (anything beyond the application itself and follow-ups). A LinkedIn export has none until an
  events file or the dashboard adds them;
- interviews: recorded wherever outcomes are (an interview is a stage of the outcome);
- interview_rounds: the log can tell a second round from the first: its file had an Interview
  rounds column with a value in some row (ingest_runs.mapped_fields), or some
  application reached a second round. Without it, "an interview led on" can only mean an offer;
- channel, resume_version, cover_letter, industry: any application with a value;
- referral: any application with a Referral value, or one whose channel is a referral (a database
  loaded before rules version 3 stored an unknown referral as "no": there only a yes counts, until
  the file is loaded again);
- follow_ups: any follow-up in the stage history (a follow-up column left empty in every row
  cannot be told from no column at all).

It is a property of the whole log, not of a date range or a filter: an empty fortnight does not
make outcomes unrecorded. The map is computed per search (one client) or per client of a caseload,
from one grouped query over `applications` and the stored stage sums.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import duckdb

from pipelines.store.db import translate_errors

FIELDS = (
    "outcomes",
    "interviews",
    "channel",
    "referral",
    "follow_ups",
    "resume_version",
    "cover_letter",
    "industry",
    "interview_rounds",
)

# what to add, in a person's words, when a field is not recorded
HOW_TO_RECORD: dict[str, str] = {
    "outcomes": "record what happened to each application (answers, rejections, interviews) in a Status column,"
    " an events file, or on the Database page",
    "interviews": "record interviews in a Status column or an Interview date column",
    "channel": "add a Channel column (job board, company site, referral, recruiter, one-click …)",
    "referral": "add a Referral column (yes when someone you know referred you)",
    # in words, not as a command: the dashboard shows it too (the command is in docs/importing.md)
    "follow_ups": "add a Followed-up column with the date you followed up (a yes/no column works too: map it"
    " to “followed up on” when you load the file)",
    "resume_version": "add a Resume version column naming the resume each application used",
    "cover_letter": "add a Cover letter column (yes or no)",
    "industry": "add an Industry column",
    "interview_rounds": "add an Interview rounds column (how many rounds each process had)",
}


@dataclass(frozen=True)
class Recorded:
    """Which inputs a search's log records (True) or not (False)."""

    outcomes: bool = False
    interviews: bool = False
    channel: bool = False
    referral: bool = False
    follow_ups: bool = False
    resume_version: bool = False
    cover_letter: bool = False
    industry: bool = False
    interview_rounds: bool = False

    def to_json(self) -> dict[str, bool]:
        return {name: bool(getattr(self, name)) for name in FIELDS}

    def missing(self, *names: str) -> list[str]:
        """The named fields this log does not record, in the order given."""
        return [name for name in names if not getattr(self, name)]


EVERYTHING = Recorded(**{name: True for name in FIELDS})


class RecordedResult:
    """What every analysis of one scope says of itself (the funnel, rates, timing, trend, diagnosis):
    whether any application is in it, and whether its log records outcomes at all. A base of frozen
    dataclasses that declare `applications` and `recorded` as fields; it adds none of its own."""

    applications: int
    recorded: Recorded

    @property
    def no_data(self) -> bool:
        return self.applications == 0

    @property
    def outcomes_recorded(self) -> bool:
        return self.recorded.outcomes


# `recorded_by` groups by one of these (allowlist: no user text becomes SQL)
_KEYS = {None: "''", "client": "a.client"}


def recorded_by(
    cur: duckdb.DuckDBPyConnection,
    client: str | None = None,
    allowed: tuple[str, ...] | None = None,
    by: str | None = None,
) -> dict[Any, Recorded]:
    """The Recorded map per value of `by` (None: one group keyed ''), over the applications of
    `client` (None: every client) that `allowed` lets the viewer see (None: all). A search with no
    applications is absent."""
    conditions = ["true"]
    params: dict[str, Any] = {}
    if client is not None:
        conditions.append("a.client = $client")
        params["client"] = client
    if allowed is not None:
        conditions.append("list_contains($allowed, a.client)")
        params["allowed"] = list(allowed)
    with translate_errors("reading what the log records failed"):
        # the key and the conditions are the constants above; the client names go in as parameters
        rows = cur.execute(
            f"""
            select {_KEYS[by]} as key,
                coalesce(bool_or(s.responded or s.marked_ghosted or s.withdrawn or s.position_closed), false),
                count(a.channel) > 0,
                -- a load before rules version 3 (no mapped_fields) wrote "no" for an unknown referral:
                -- only its yeses count
                coalesce(bool_or(a.referral), false)
                    or count(a.referral) filter (where r.mapped_fields is not null) > 0
                    or coalesce(bool_or(a.channel = 'referral'), false),
                coalesce(bool_or(s.followed_up), false),
                count(a.resume_version) > 0,
                count(a.cover_letter) > 0,
                count(a.industry) > 0,
                coalesce(bool_or(s.interview_rounds >= 2), false)
                    or coalesce(bool_or(list_contains(r.mapped_fields, 'interview_rounds') and s.interviewed), false)
            from applications as a
            left join application_stages as s using (application_id)
            left join ingest_runs as r on r.run_id = a.last_run_id
            where {" and ".join(conditions)}
            group by 1
            """,  # noqa: S608
            params,
        ).fetchall()
    result = {}
    for key, outcomes, channel, referral, follow_ups, resume_version, cover_letter, industry, rounds in rows:
        result[key] = Recorded(
            outcomes=bool(outcomes),
            interviews=bool(outcomes),
            channel=bool(channel),
            referral=bool(referral),
            follow_ups=bool(follow_ups),
            resume_version=bool(resume_version),
            cover_letter=bool(cover_letter),
            industry=bool(industry),
            interview_rounds=bool(rounds),
        )
    return result


def without(recorded: Recorded, *names: str) -> Recorded:
    """A copy with these fields marked not recorded (tests and calibration)."""
    return dataclasses.replace(recorded, **{name: False for name in names})
