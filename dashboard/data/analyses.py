"""The cached analyses the pages show: status, filter values, overview, rates, compare, timing, follow-ups,
the weekly plan.

Each is an `st.cache_data` function keyed by (database path, content version with the viewer, scope
as plain values), and a public function of the same name that takes a Source and the Filters.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.data.connection import MAX_CACHED, Filters, Source, Version, _connection, _scope, _viewer_of
from dashboard.data.frames import (
    GROUP_CHOICES,
    NO_APPLICATIONS_LABEL,
    RATE_KEYS,
    WHERE_FIELDS,
    _curve_frame,
    _endings_frame,
    _group_label,
    _headlines,
    _label,
    _rate_columns,
    _rates_frame,
    _reliability,
    not_recorded,
)
from dashboard.data.views import CompareView, FollowupsView, OverviewView, RatesView, TimingView
from pipelines.analyse import analytics, bandit, diagnosis, headline
from pipelines.analyse.plan import DEFAULT_NEXT
from pipelines.analyse.plan import plan as weekly_plan
from pipelines.analyse.plan import sentence as plan_sentence
from pipelines.analyse.recorded import HOW_TO_RECORD, Recorded, recorded_by
from pipelines.analyse.scope import Scope
from pipelines.cli.status import DatabaseStatus, database_status
from pipelines.words import counted

MAX_NEXT = 50  # the most applications a week the plan is made for


@st.cache_data(show_spinner=False, max_entries=MAX_CACHED)
def _status(path: str, version: Version) -> DatabaseStatus:
    with _connection(path) as con:
        return database_status(con, Path(path), _viewer_of(version))


def status(src: Source) -> DatabaseStatus:
    """`bounceback status` for this database: counts, clients, last loads."""
    return _status(src.path, src.version)


@st.cache_data(show_spinner=False, max_entries=MAX_CACHED)
def _filter_options(
    path: str, version: Version, as_of: dt.date, window: int, client: str | None
) -> dict[str, list[str]]:
    scope = Scope(as_of=as_of, window=window, client=client, allowed=_viewer_of(version).clients)
    # a blank value is not offered: `where` compares text, and blank is not a text
    with _connection(path) as con:
        return analytics.field_values(con, scope, tuple(WHERE_FIELDS))


def filter_options(src: Source, as_of: dt.date, window: int, client: str | None) -> dict[str, list[str]]:
    """The values the channel / industry / resume filters can take for this client and date."""
    return _filter_options(src.path, src.version, as_of, window, client)


@st.cache_data(show_spinner=False, max_entries=MAX_CACHED)
def _overview(path: str, version: Version, key: tuple[Any, ...]) -> OverviewView | None:
    # one load of the facts for every part of the page (pipelines/analyse/diagnosis/run.py overview)
    with _connection(path) as con:
        everything = diagnosis.overview(con, _scope(key, version))
    funnel = everything.funnel
    if funnel.no_data:
        return None
    timing = everything.timing.groups[0]
    findings = everything.diagnosis.findings
    window = funnel.scope.window
    funnel_rows = []
    for stage in funnel.stages:
        step = _rate_columns(stage.step_conversion)
        funnel_rows.append(
            {
                "stage": stage.stage,
                "label": stage.label,
                "count": stage.count,
                "share": stage.share_of_applied,
                "step_rate": step["rate"],
                "step_low": step["low"],
                "step_high": step["high"],
                "step_n": step["n"],
                "shown": headline.step_text(stage.count, stage.step_conversion, window),
            }
        )
    trend = _trend_frame(everything.trend.periods)
    weeks = [
        headline.GroupRate.of(_week_name(period.period), period.response_rate, period.small)
        for period in everything.trend.periods
    ]
    measures = everything.measures
    first = timing.first_response
    return OverviewView(
        # the headline numbers and their labels (analytics.measures): the cards and the funnel agree
        measures=measures,
        step_conversion_label=funnel.step_conversion_label,
        median_days=first.median_days,
        median_low=first.median_low,
        median_high=first.median_high,
        ghosting_rate=timing.ghosting_rate,
        findings=findings,
        funnel=pd.DataFrame(funnel_rows),
        outcomes=funnel.outcomes,
        trend=trend,
        funnel_title=headline.funnel_headline(
            measures.applications, measures.answered, measures.interviews, measures.offers
        ).sentence,
        endings=_endings_frame(funnel),
        endings_title=headline.endings_headline(funnel.outcomes, funnel.applications).sentence,
        trend_title=headline.trend_headline(weeks, window).sentence,
    )


def _week_name(period: str) -> str:
    """A week as a title names it: "5 Jan 2026" (its Monday)."""
    day = dt.date.fromisoformat(period)
    return f"{day.day} {day:%b %Y}"


_TREND_COLUMNS = ["week", "period", "rate", "low", "high", "n", "applications", "settled", "pending", "reliability"]


def _trend_frame(periods: Iterable[analytics.Period]) -> pd.DataFrame:
    """The weekly trend with a row for every week between the first and the last: a week nobody applied
    in is a row with no rate (and no applications), so a line drawn through the weeks breaks over a gap
    instead of joining the weeks on either side as if the months between had been alike."""
    rows = [
        {
            "week": pd.Timestamp(period.period),
            "period": period.period,
            **_rate_columns(period.response_rate),
            "applications": period.applications,
            "settled": period.settled,
            "pending": period.pending,
            "reliability": _reliability(period.small),
        }
        for period in periods
    ]
    frame = pd.DataFrame(rows, columns=_TREND_COLUMNS)
    if frame.empty:
        return frame
    # the weeks start on Mondays (date_trunc('week')): every 7 days from the first is a week
    weeks = pd.date_range(frame["week"].min(), frame["week"].max(), freq="7D")
    filled = frame.set_index("week").reindex(weeks).rename_axis("week").reset_index()
    quiet = filled["applications"].isna()
    filled.loc[quiet, "period"] = filled.loc[quiet, "week"].dt.strftime("%Y-%m-%d")
    counts = ["applications", "settled", "pending"]
    filled[counts] = filled[counts].fillna(0).astype(int)
    filled.loc[quiet, "reliability"] = NO_APPLICATIONS_LABEL
    return filled[_TREND_COLUMNS]


def overview(src: Source, filters: Filters) -> OverviewView | None:
    """Headline numbers, the six diagnosis findings (most severe first), funnel, how the applications
    ended, weekly trend, and each chart's title; None when no application is in scope."""
    return _overview(src.path, src.version, filters.key())


@st.cache_data(show_spinner=False, max_entries=MAX_CACHED)
def _rates(path: str, version: Version, key: tuple[Any, ...], by: str) -> RatesView | None:
    with _connection(path) as con:
        result = analytics.rates(con, _scope(key, version), [by])
    if result.no_data or result.overall is None:
        return None
    return RatesView(
        applications=result.applications,
        outcomes_recorded=result.outcomes_recorded,
        small_group_threshold=result.small_group_threshold,
        rates=_rates_frame(result.groups, "group"),
        overall=_rates_frame((result.overall,), "group"),
        headlines=_headlines(result.groups, by),
        recorded=result.recorded,
    )


@st.cache_data(show_spinner=False, max_entries=MAX_CACHED)
def _cross_rates(path: str, version: Version, key: tuple[Any, ...], rows: str, columns: str) -> pd.DataFrame:
    with _connection(path) as con:
        result = analytics.rates(con, _scope(key, version), [rows, columns])
    records = []
    for entry in result.groups:
        entry_rates = entry.rates()
        for metric, rate_key in RATE_KEYS.items():
            records.append(
                {
                    rows: _label(entry.group[rows]),
                    columns: _label(entry.group[columns]),
                    "metric": metric,
                    **_rate_columns(entry_rates[rate_key]),
                    "applications": entry.applications,
                    "settled": entry.settled,
                    "reliability": _reliability(entry.small),
                }
            )
    return pd.DataFrame(
        records, columns=[rows, columns, "metric", "rate", "low", "high", "n", "applications", "settled", "reliability"]
    )


def cross_rates(src: Source, filters: Filters, rows: str, columns: str) -> pd.DataFrame:
    """Rates for every (rows, columns) pair, long format with a `metric` column (a heatmap's data)."""
    if rows not in GROUP_CHOICES or columns not in GROUP_CHOICES:
        raise ValueError(f"unknown breakdown {rows!r} x {columns!r}")
    return _cross_rates(src.path, src.version, filters.key(), rows, columns)


def rates(src: Source, filters: Filters, by: str) -> RatesView | None:
    """Rates per value of `by` in long format (`metric` column: response, callback, ...); None: no data."""
    if by not in GROUP_CHOICES:
        raise ValueError(f"unknown breakdown {by!r}")
    return _rates(src.path, src.version, filters.key(), by)


@st.cache_data(show_spinner=False, max_entries=MAX_CACHED)
def _compare(path: str, version: Version, key: tuple[Any, ...], by: str, metric: str) -> CompareView | None:
    with _connection(path) as con:
        result = analytics.compare(con, _scope(key, version), by, metric)
    if result.no_data:
        return None
    variants = pd.DataFrame(
        [
            {
                "variant": _label(v.variant),
                **_rate_columns(v.rate),
                "applications": v.applications,
                "settled": v.settled,
                "successes": v.successes,
                "prob_best": v.prob_best,
                "reliability": _reliability(v.small),
            }
            for v in result.variants
        ],
        columns=[
            "variant",
            "rate",
            "low",
            "high",
            "n",
            "applications",
            "settled",
            "successes",
            "prob_best",
            "reliability",
        ],
    )
    pairs = pd.DataFrame(
        [
            {
                "a": _label(p.a),
                "b": _label(p.b),
                "difference": p.difference,
                "p_value": p.p_value,
                "p_holm": p.p_holm,
                "adjusted_odds_ratio": (p.adjusted or {}).get("odds_ratio"),
                "adjusted_p": (p.adjusted or {}).get("p_value"),
                "needed_per_variant": None if p.needed_per_variant is None else p.needed_per_variant.per_variant,
                "warning": p.warning,
            }
            for p in result.pairs
        ],
        columns=[
            "a",
            "b",
            "difference",
            "p_value",
            "p_holm",
            "adjusted_odds_ratio",
            "adjusted_p",
            "needed_per_variant",
            "warning",
        ],
    )
    # numbers stay numbers when none is known (a column of None would be text, and read "None")
    numbers = ["difference", "p_value", "p_holm", "adjusted_odds_ratio", "adjusted_p", "needed_per_variant"]
    pairs = _numbers(pairs, numbers)
    return CompareView(
        applications=result.applications,
        adjusted_for=list(result.adjusted_for),
        variants_omitted=result.variants_omitted,
        variants=variants,
        pairs=pairs,
        warnings=[p.warning for p in result.pairs if p.warning],
    )


def compare(src: Source, filters: Filters, by: str, metric: str = "response") -> CompareView | None:
    """Variants of `by` compared on settled applications: tests, P(best), adjustment, warnings."""
    if by not in GROUP_CHOICES or metric not in analytics.METRICS:
        raise ValueError(f"unknown comparison {by!r} / {metric!r}")
    return _compare(src.path, src.version, filters.key(), by, metric)


def _numbers(frame: pd.DataFrame, names: Iterable[str]) -> pd.DataFrame:
    """These columns as floats: a column whose every value is None stays a number column (NaN), not text."""
    return frame.astype({name: "float64" for name in names if name in frame.columns})


_TIMING_NUMBERS = (
    "median_days_to_response",
    "median_low",
    "median_high",
    "median_days_to_rejection",
    "ghosting_rate",
    "ghosting_low",
    "ghosting_high",
)


@st.cache_data(show_spinner=False, max_entries=MAX_CACHED)
def _timing(path: str, version: Version, key: tuple[Any, ...], by: str | None) -> TimingView | None:
    with _connection(path) as con:
        result = analytics.timing(con, _scope(key, version), [by] if by else [])
    if result.no_data:
        return None
    summary, curves = [], []
    waits: dict[str, list[headline.GroupWait]] = {"first_response": [], "rejection": []}
    for entry in result.groups:
        label = "all applications" if not by else _group_label(entry.group)
        first, rejection, ghosting = entry.first_response, entry.rejection, entry.ghosting_rate
        for kind, days_to, undated in (
            ("first_response", first, entry.undated_responses),
            ("rejection", rejection, entry.undated_rejections),
        ):
            waits[kind].append(
                headline.GroupWait(
                    label, days_to.median_days, days_to.median_low, days_to.median_high, entry.small, undated
                )
            )
        summary.append(
            {
                "group": label,
                "applications": entry.applications,
                "reliability": _reliability(entry.small),
                "median_days_to_response": first.median_days,
                "median_low": first.median_low,
                "median_high": first.median_high,
                "median_days_to_rejection": rejection.median_days,
                "ghosting_rate": ghosting["rate"],
                "ghosting_low": ghosting["low"],
                "ghosting_high": ghosting["high"],
                "settled": ghosting["n"],
                "undated_responses": entry.undated_responses,
                "undated_rejections": entry.undated_rejections,
            }
        )
        curves.append(_curve_frame(label, "first_response", first.curve, entry.small))
        curves.append(_curve_frame(label, "rejection", rejection.curve, entry.small))
    non_empty = [frame for frame in curves if not frame.empty]
    return TimingView(
        applications=result.applications,
        outcomes_recorded=result.outcomes_recorded,
        summary=_numbers(pd.DataFrame(summary), _TIMING_NUMBERS),
        curves=pd.concat(non_empty, ignore_index=True) if non_empty else _curve_frame("", "", None, False),
        titles={
            kind: headline.wait_headline(groups, kind, headline.WORDINGS[by] if by else None).sentence
            for kind, groups in waits.items()
        },
    )


def timing(src: Source, filters: Filters, by: str | None = None) -> TimingView | None:
    """Kaplan-Meier curves (days to first response, to rejection) and medians, per group of `by`."""
    if by is not None and by not in GROUP_CHOICES:
        raise ValueError(f"unknown breakdown {by!r}")
    return _timing(src.path, src.version, filters.key(), by)


@st.cache_data(show_spinner=False, max_entries=MAX_CACHED)
def _followups(path: str, version: Version, key: tuple[Any, ...]) -> FollowupsView | None:
    with _connection(path) as con:
        result = analytics.followups(con, _scope(key, version))
    if result.no_data:
        return None
    effect = result.effect
    effect_frame = None
    effect_title = ""
    if effect is not None:
        groups = (("followed up by day 14", effect.followed_up), ("not followed up", effect.not_followed_up))
        effect_frame = pd.DataFrame(
            [
                {
                    "group": name,
                    **_rate_columns(rate),
                    "reliability": _reliability(effect.small),
                    "shown": headline.count_text(
                        rate.get("rate"), rate.get("n"), effect.small, rate.get("low"), rate.get("high")
                    ),
                }
                for name, rate in groups
            ]
        )
        effect_title = headline.compare_rates(
            [headline.GroupRate.of(name, rate, effect.small) for name, rate in groups],
            headline.WORDINGS["follow_up"],
            "response_settled",
        ).sentence
    due = pd.DataFrame(
        [row.to_json() for row in result.due],
        columns=[
            "priority",
            "company",
            "role",
            "client",
            "applied_on",
            "age_days",
            "last_interview_on",
            "reason",
            "application_id",
        ],
    )
    return FollowupsView(
        applications=result.applications,
        effect=effect,
        effect_frame=effect_frame,
        due=due,
        due_total=result.due_total,
        effect_title=effect_title,
    )


def followups(src: Source, filters: Filters) -> FollowupsView | None:
    """Whether following up pays (landmark comparison) and the applications due a follow-up now."""
    return _followups(src.path, src.version, filters.key())


# ---------------------------------------------------------------- the weekly plan (issue 20)

_OPTION_COLUMNS = ["option", "p_best", "send", "rate", "low", "high", "settled", "answered", "randomised", "shown"]
_DUE_COLUMNS = ["company", "role", "client", "applied_on", "reason"]
_REFERRAL_COLUMNS = ["company", "role", "applied_on", "age_days"]


@dataclass(frozen=True)
class ChoiceView:
    """One choice of the plan (resume version, channel): whether the log records it (`reason`: why
    not, with what to add, when it does not), the decision in one sentence, and one row per option:
    its chance of being best, how many of the next applications to send with it, its answer rate with
    the 95 % interval (`shown`: "18 % (9–30 %)"), settled applications."""

    recorded: bool
    state: str
    sentence: str
    options: pd.DataFrame
    reason: str = ""


@dataclass(frozen=True)
class PlanView:
    """The week's plan: the two choices, the follow-ups due (the most urgent; `due_total` in all), the
    pending applications a referral could still help, and the pace against its target in a sentence."""

    applications: int
    next_n: int
    resume: ChoiceView
    channel: ChoiceView
    due: pd.DataFrame
    due_total: int
    referrals: pd.DataFrame
    pace: str
    below_target: bool
    # the person's listed target industries and roles (advisor's client record), each a choice of its
    # own when listed and recorded: (title noun, its view)
    targets: tuple[tuple[str, ChoiceView], ...] = ()


def _choice_view(
    entries: list[dict[str, Any]], recorded: bool, decision: bandit.Decision, what: str, reason: str
) -> ChoiceView:
    """A choice's options as rows (`what`: "version" or "channel", the key naming each) and its decision."""
    rows = []
    for entry in entries:
        rate = entry.get("rate") or {}
        shown = headline.percent(rate.get("rate"))
        if rate.get("low") is not None and rate.get("high") is not None:
            low, high = headline.percent(rate["low"]).removesuffix(" %"), headline.percent(rate["high"])
            shown = f"{shown} ({low}–{high})"
        rows.append({"option": _label(entry[what]), "p_best": entry.get("p_best"), "send": entry.get("send"),
                     "rate": rate.get("rate"), "low": rate.get("low"), "high": rate.get("high"),
                     "settled": entry.get("settled"), "answered": entry.get("answered"),
                     "randomised": entry.get("randomised"), "shown": shown})
    options = _numbers(pd.DataFrame(rows, columns=_OPTION_COLUMNS), ("p_best", "rate", "low", "high"))
    # the option in words in the sentence too (`company_site` reads "company site")
    named = dataclasses.replace(decision, version=None if decision.version is None else _label(decision.version))
    return ChoiceView(recorded=recorded, state=decision.state, sentence=plan_sentence(named, what),
                      options=options, reason="" if recorded else reason)


def _plan_reason(known: Recorded | None, field: str) -> str:
    """Why a choice is not judged, with what to add: no outcomes at all, or no column for the choice."""
    if known is not None and not known.outcomes:
        return (f"Your log records no answer, rejection or interview, so no {headline.WORDINGS[field].noun} can be"
                f" judged better than another. Next: {HOW_TO_RECORD['outcomes']}.")
    return not_recorded(field)


def _pace_sentence(pace: dict[str, Any]) -> str:
    recent, per_week, target = pace["applications_last_4_weeks"], pace["per_week"], pace["target_per_week"]
    if per_week is None:
        return (f"{counted(recent, 'application')} so far, in less than four weeks of searching; the target is"
                f" {target:g} a week.")
    if pace["below_target"]:
        return (f"{per_week:g} applications a week over the last four weeks ({recent} in all), below the target"
                f" of {target:g} a week.")
    return (f"{per_week:g} applications a week over the last four weeks ({recent} in all): at or above the target"
            f" of {target:g} a week.")


@st.cache_data(show_spinner=False, max_entries=MAX_CACHED)
def _plan(path: str, version: Version, key: tuple[Any, ...], next_n: int) -> PlanView | None:
    scope = _scope(key, version)
    with _connection(path) as con:
        result = weekly_plan(con, scope, next_n=next_n)
        known = recorded_by(con.cursor(), scope.client, scope.allowed).get("") if result.applications else None
    if result.applications == 0:
        return None
    payload = result.to_json()
    due = pd.DataFrame(payload["follow_ups_due"], columns=_DUE_COLUMNS)
    return PlanView(
        applications=result.applications,
        next_n=next_n,
        resume=_choice_view(payload["resume_versions"], payload["resume_versions_recorded"], result.decision,
                            "version", _plan_reason(known, "resume_version")),
        channel=_choice_view(payload["channels"], payload["channels_recorded"],
                             result.choices["channel"].choice.decision, "channel", _plan_reason(known, "channel")),
        due=due,
        due_total=payload["follow_ups_due_total"],
        referrals=pd.DataFrame(payload["referrals_to_ask"], columns=_REFERRAL_COLUMNS),
        pace=_pace_sentence(payload["pace"]),
        below_target=bool(payload["pace"]["below_target"]),
        targets=tuple(
            (noun, _choice_view(payload[plural], True, result.choices[name].choice.decision, name, ""))
            for name, plural, noun in (("industry", "industries", "Industry"), ("role", "roles", "Role"))
            if payload[f"{plural}_recorded"]
        ),
    )


def plan(src: Source, filters: Filters, next_n: int = DEFAULT_NEXT) -> PlanView | None:
    """What to send next week (issue 20): per choice the shares of the next `next_n` applications and the
    decision, the follow-ups due, referrals worth asking for, the pace; None when no application is in scope."""
    if not 1 <= next_n <= MAX_NEXT:
        raise ValueError(f"next_n must be 1 to {MAX_NEXT}, not {next_n!r}")
    return _plan(src.path, src.version, filters.key(), int(next_n))
