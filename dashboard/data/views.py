"""What each page is handed: the analyses laid out as tables, as typed, frozen objects.

A page reads `result.trend`, not `result["trend"]`: a renamed field is an error mypy reports in every
page that reads it, not a KeyError found only when a test happens to render that page. Each analysis
with no application in scope is `None` instead of an object (ui.require says why and stops the page).

The frames keep the columns the charts (dashboard/charts.py) expect; the core's results pass through as
they are (the measures, the findings, a follow-up effect).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from pipelines.analyse.diagnosis import Finding
from pipelines.analyse.followups import FollowUpEffect
from pipelines.analyse.headline import Headline
from pipelines.analyse.measures import Measures
from pipelines.analyse.recorded import Recorded


@dataclass(frozen=True)
class OverviewView:
    """Headline numbers (`measures`: analytics.Measures), findings, funnel, endings, weekly trend;
    each chart's title as a sentence from its data (pipelines/analyse/headline.py).

    `trend` has a row for every week from the first application's to the last one's: a week without
    applications has a null rate, so its line breaks there instead of running straight across."""

    measures: Measures
    step_conversion_label: str
    median_days: float | None
    median_low: float | None
    median_high: float | None
    ghosting_rate: dict[str, Any]
    findings: tuple[Finding, ...]
    funnel: pd.DataFrame
    outcomes: dict[str, Any]
    trend: pd.DataFrame
    funnel_title: str = ""
    endings: pd.DataFrame | None = None  # how the applications ended, by the furthest stage reached
    endings_title: str = ""
    trend_title: str = ""

    @property
    def rated_weeks(self) -> bool:
        """Whether any week has a response rate (else the trend has only its volume to show)."""
        return bool(self.trend["rate"].notna().any())

    @property
    def outcomes_recorded(self) -> bool:
        return self.measures.outcomes_recorded

    @property
    def applications(self) -> int:
        return self.measures.applications


@dataclass(frozen=True)
class RatesView:
    """Rates per value of one field in long format (`metric` column), and the overall row; per measure,
    the sentence its chart states (`headline(metric)`), and what the log records."""

    applications: int
    outcomes_recorded: bool
    small_group_threshold: int
    rates: pd.DataFrame
    overall: pd.DataFrame
    headlines: dict[str, Headline] | None = None
    recorded: Recorded | None = None

    def headline(self, metric: str) -> str:
        headlines = self.headlines or {}
        return headlines[metric].sentence if metric in headlines else ""


@dataclass(frozen=True)
class CompareView:
    """Variants compared on settled applications: the variants, the tested pairs and their warnings."""

    applications: int
    adjusted_for: list[str]
    variants_omitted: int
    variants: pd.DataFrame
    pairs: pd.DataFrame
    warnings: list[str]


@dataclass(frozen=True)
class TimingView:
    """Medians per group (`summary`) and the Kaplan-Meier curves of both kinds (`curves`), and each kind's
    title (`titles`: first_response, rejection) as a sentence from the medians."""

    applications: int
    outcomes_recorded: bool
    summary: pd.DataFrame
    curves: pd.DataFrame
    titles: dict[str, str] | None = None

    def title(self, kind: str) -> str:
        return (self.titles or {}).get(kind, "")


@dataclass(frozen=True)
class FollowupsView:
    """The landmark comparison (`effect`, None when the window leaves nothing to measure) and who is due."""

    applications: int
    effect: FollowUpEffect | None
    effect_frame: pd.DataFrame | None
    due: pd.DataFrame
    due_total: int
    # the comparison's title: a difference only when the intervals are apart (pipelines/analyse/headline.py)
    effect_title: str = ""


@dataclass(frozen=True)
class RosterView:
    """Every visible client as a table row, needing attention first, and the order's steps."""

    clients: int
    needs_attention: int
    ordering: list[str]
    stall_days: int
    table: pd.DataFrame


@dataclass(frozen=True)
class CaseloadView:
    """A client's key rates beside the distribution over the advisor's other clients."""

    client: str
    advisor: str | None
    available: bool
    reason: str | None
    compared_clients: int
    caseload_clients: int
    table: pd.DataFrame


@dataclass(frozen=True)
class MailReview:
    """A mailbox's dry run (or load) for its review: the counts, the proposed applications, the matches
    with the ones already stored, and every mail as read (`mails`: one row per mail, in read order)."""

    read: int
    used: int  # mails in an application
    ignored: dict[str, int]  # reason (an ignored kind, no_date, no_company, dropped) -> mails
    refused: int
    applications: dict[str, int]  # proposed, new, matched, already_loaded
    matched: list[dict[str, Any]]  # a proposed application and the stored one it is
    mails: pd.DataFrame  # message_id, date, from, subject, kind, company, role, decided by, in application


@dataclass(frozen=True)
class FileReport:
    """One uploaded file's load (or dry run) laid out for the Database page: the importer's words as the
    page says them (what to choose here, not which flag to type), its tables, and the user's values as
    written."""

    file: str | None
    status: str  # loaded | refused | failed | dry_run
    message: str | None
    source: str | None
    client: str | None
    run_id: int | None
    counts: dict[str, int]  # rows_read, inserted, updated, unchanged, rejected, skipped
    events_inserted: int
    events_updated: int
    reconciled: bool
    reconciliation: str  # "N rows read = ... inserted + ...", numbers only
    mapping: pd.DataFrame  # column -> field as the importer chose it
    channels: pd.DataFrame  # the file's channel values and what each is read as
    channel_column: str | None
    value_maps: list[dict[str, Any]]
    dropped: list[str]  # personal columns not stored at all
    dates: pd.DataFrame
    statuses: pd.DataFrame
    unclassified: dict[str, int]  # status texts not understood -> rows
    rejects: pd.DataFrame  # the first rejected rows: line, column, value, reason
    skipped_reasons: dict[str, int]
    notes: list[str | None]
    mail: MailReview | None = None  # a mailbox's load (source mail): what its review shows

    @property
    def ok(self) -> bool:
        return self.status in ("loaded", "dry_run")
