"""Seeded generator of realistic job-search application logs with known, planted failures.

Every persona is a small parametric model of one job seeker:

* each application gets a channel, a resume version and an industry, drawn independently from
  the persona's shares, and an up-front decision whether the seeker will follow up;
* its probability of getting *any* reply is
  ``min(RESPONSE_CAP, channel_base * resume_multiplier * industry_multiplier * follow_up_boost)``;
* a reply arrives 1..28 days after applying (never later), so "replied within the 30-day window"
  has exactly that probability, which is what the truth file reports;
* a reply is either a rejection or a callback (screen, screen + assessment, assessment, or an
  interview invitation straight away), followed by 1-3 interview rounds, an offer and a decision;
* anything dated after ``as_of`` has not happened yet, so recent applications are still pending.

The truth is computed by enumerating the small discrete grid (channel x resume version x
industry x follow-up), never by simulation, so it is exact. Everything is vectorised with numpy:
there is no Python loop over applications (only over personas / persona variants).
"""

from __future__ import annotations

import dataclasses
import datetime
import itertools
import json
import math
import pathlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.load.ingest import CANONICAL_COLUMNS
from pipelines.vocabulary import SAVED, STATUS_NAMES

# --------------------------------------------------------------------------------------------
# Canonical vocabulary
# --------------------------------------------------------------------------------------------

# The canonical format is owned by the loader; the generator writes exactly its columns, in order.
COLUMNS: tuple[str, ...] = CANONICAL_COLUMNS
DATE_COLUMNS: tuple[str, ...] = tuple(name for name in COLUMNS if name.endswith("_on"))

PERSONAS: tuple[str, ...] = (
    "healthy",
    "spray_and_pray",
    "resume_gap",
    "wrong_industry",
    "interview_stall",
    "no_follow_up",
    "advisor_caseload",
)
# The personas an advisor's clients are drawn from (everything except the caseload itself).
SINGLE_PERSONAS: tuple[str, ...] = PERSONAS[:-1]

CHANNELS: tuple[str, ...] = (
    "referral",
    "job_board",
    "company_site",
    "recruiter",
    "linkedin_easy_apply",
    "agency",
    "other",
)
INDUSTRIES: tuple[str, ...] = (
    "software",
    "finance",
    "healthcare",
    "retail",
    "education",
    "government",
    "manufacturing",
    "nonprofit",
    "media",
    "consulting",
)
SENIORITIES: tuple[str, ...] = ("entry", "mid", "senior", "lead")
# The statuses a simulated log writes: the vocabulary's (pipelines/vocabulary.py), but never a bare
# "response" (a reply is a rejection or a callback, and the status says which) nor "saved" (every row
# is an application). Rows hold indexes into this tuple, always looked up by name (STATUSES.index).
STATUSES: tuple[str, ...] = tuple(status for status in STATUS_NAMES if status not in ("response", SAVED))
PLANTED_AREAS: tuple[str, ...] = (
    "none",
    "strategy",
    "resume",
    "network",
    "targets",
    "interviews",
    "follow_up",
)

# --------------------------------------------------------------------------------------------
# Model constants shared by the simulation and the truth (keep them in one place so the two
# cannot drift apart).
# --------------------------------------------------------------------------------------------

WINDOW_DAYS = 30
RESPONSE_CAP = 0.95
# Reply delay: a lognormal (median ~8 days) discretised onto 1..28 days. Because it never exceeds
# 28 days, every reply of an application at least 30 days old has already been observed.
RESPONSE_DELAY_MAX_DAYS = 28
RESPONSE_DELAY_MEDIAN_DAYS = 8.0
RESPONSE_DELAY_SIGMA = 0.65
FOLLOW_UP_DAYS = (7, 14)  # inclusive: a follow-up is sent 7..14 days after applying
STAGE_GAP_DAYS = (3, 14)  # inclusive: days between consecutive stages of a process
DECISION_GAP_DAYS = (1, 7)  # inclusive: days between an offer and accepting / declining it
# Withdrawals and closures of unanswered applications start after the last possible follow-up
# day, so a logged follow-up never post-dates them (that keeps the logged-follow-up truth exact).
WITHDRAW_WITHOUT_REPLY_DAYS = (15, 45)
CLOSE_WITHOUT_REPLY_DAYS = (15, 60)
# Real logs are inconsistent: people mark only some long-silent applications as "ghosted".
GHOSTED_LABEL_SHARE = 0.6
WEEKEND_TO_FRIDAY_SHARE = 0.7  # people apply mostly on weekdays
NOTE_SHARE = 0.08
CALLBACK_PATHS: tuple[str, ...] = ("screen", "screen_then_assessment", "assessment", "interview")
_PATH_SCREEN, _PATH_SCREEN_ASSESSMENT, _PATH_ASSESSMENT, _PATH_INTERVIEW = range(4)
MAX_INTERVIEW_ROUNDS = 3
_NEVER = np.int64(10**9)  # a day number far beyond any as_of: "this event does not happen"
_EPOCH = datetime.date(1970, 1, 1)


def _discretised_lognormal_delay_pmf() -> np.ndarray:
    """Probability of a reply arriving d days after applying, for d = 1..28 (sums to 1)."""
    mu = math.log(RESPONSE_DELAY_MEDIAN_DAYS)

    def cdf(x: float) -> float:
        return 0.5 * (1.0 + math.erf((math.log(x) - mu) / (RESPONSE_DELAY_SIGMA * math.sqrt(2.0))))

    edges = [0.0] + [d + 0.5 for d in range(1, RESPONSE_DELAY_MAX_DAYS + 1)]
    masses = np.array(
        [(cdf(hi) if hi > 0 else 0.0) - (cdf(lo) if lo > 0 else 0.0) for lo, hi in itertools.pairwise(edges)]
    )
    return masses / float(masses.sum())


RESPONSE_DELAY_DAYS = np.arange(1, RESPONSE_DELAY_MAX_DAYS + 1)
RESPONSE_DELAY_PMF = _discretised_lognormal_delay_pmf()

# --------------------------------------------------------------------------------------------
# Cosmetic vocabularies (do not influence any probability)
# --------------------------------------------------------------------------------------------

_COMPANY_PREFIXES: tuple[str, ...] = (
    "Northwind", "Bluefin", "Cedar", "Summit", "Harbor", "Ridgeway", "Maple", "Ironwood",
    "Lakeshore", "Pinecrest", "Granite", "Brightwater", "Copperline", "Evergreen", "Foxglove",
    "Highland", "Juniper", "Kestrel", "Lumen", "Meridian", "Oakridge", "Prairie", "Redstone",
    "Silverleaf", "Tidewater", "Westbrook", "Alder", "Birchwood", "Clearview", "Driftwood",
)  # fmt: skip
_COMPANY_SUFFIXES: dict[str, tuple[str, ...]] = {
    "software": ("Labs", "Software", "Systems", "Technologies"),
    "finance": ("Capital", "Financial", "Bank", "Insurance"),
    "healthcare": ("Health", "Medical Center", "Clinics", "Health Partners"),
    "retail": ("Outfitters", "Market", "Retail Group", "Home Goods"),
    "education": ("Academy", "Learning", "College", "Public Schools"),
    "government": ("County", "City Council", "Transit Authority", "Water District"),
    "manufacturing": ("Manufacturing", "Industries", "Fabrication", "Components"),
    "nonprofit": ("Foundation", "Alliance", "Community Trust", "Food Bank"),
    "media": ("Media", "Studios", "Press", "Broadcasting"),
    "consulting": ("Consulting", "Advisors", "Partners", "Strategy Group"),
}
_SUFFIXES_PER_INDUSTRY = 4
# Companies are numbered industry-major so a company always belongs to the same industry.
_COMPANY_NAMES: tuple[str, ...] = tuple(
    f"{prefix} {suffix}"
    for industry in INDUSTRIES
    for prefix in _COMPANY_PREFIXES
    for suffix in _COMPANY_SUFFIXES[industry]
)
_COMPANIES_PER_INDUSTRY = len(_COMPANY_PREFIXES) * _SUFFIXES_PER_INDUSTRY
_JOB_URL_PREFIXES: tuple[str, ...] = tuple(
    "https://jobs.example.com/" + name.lower().replace(" ", "-") + "/" for name in _COMPANY_NAMES
)

# A seeker applies within one family of roles ("track"); seniority adds the usual prefix.
_ROLE_TRACKS: tuple[tuple[str, ...], ...] = (
    ("Data Analyst", "Business Intelligence Analyst", "Analytics Engineer", "Data Scientist"),
    ("Software Engineer", "Backend Engineer", "Full Stack Developer", "Platform Engineer"),
    ("Marketing Specialist", "Content Strategist", "Growth Marketer", "Product Marketing Manager"),
    ("Project Manager", "Program Coordinator", "Operations Analyst", "Scrum Master"),
    ("UX Designer", "Product Designer", "UX Researcher", "Visual Designer"),
    ("Financial Analyst", "Accountant", "FP&A Analyst", "Risk Analyst"),
    ("Customer Success Manager", "Support Specialist", "Account Manager", "Implementation Specialist"),
)
_TITLES_PER_TRACK = 4
_SENIORITY_TITLE_PREFIX: tuple[str, ...] = ("Junior ", "", "Senior ", "Lead ")
# Role names are numbered (track, title, seniority)-major for a single vectorised lookup.
_ROLE_NAMES: tuple[str, ...] = tuple(
    prefix + title for track in _ROLE_TRACKS for title in track for prefix in _SENIORITY_TITLE_PREFIX
)

_CITIES: tuple[str, ...] = (
    "Austin, TX", "Chicago, IL", "Denver, CO", "Atlanta, GA", "Seattle, WA", "Boston, MA",
    "Minneapolis, MN", "Raleigh, NC", "Phoenix, AZ", "Columbus, OH", "Portland, OR", "Pittsburgh, PA",
)  # fmt: skip
_REMOTE = "Remote"
_LOCATIONS: tuple[str, ...] = (*_CITIES, _REMOTE)
_LOCATION_HOME_SHARE, _LOCATION_REMOTE_SHARE = 0.55, 0.30  # the rest: another city

# Free-text notes are independent of outcomes on purpose: they must not leak the answer.
_NOTES: tuple[str, ...] = (
    "Hybrid, 3 days in office",
    "Salary range posted",
    "Contract-to-hire",
    "Asked for portfolio link",
    'Recruiter said "strong fit"',
    "Found via alumni newsletter",
    "Relocation offered",
    "Tailored summary section",
    "Posting reopened, applied again",
    "Team lead is a former colleague",
)

_CLIENT_FIRST_NAMES: tuple[str, ...] = (
    "ana", "ben", "chloe", "dev", "elena", "farah", "gus", "hana", "ivan", "jade", "kofi", "lena",
    "mateo", "nia", "omar", "priya", "quinn", "rosa", "sam", "tariq", "uma", "vera", "wei",
    "ximena", "yusuf", "zoe", "aisha", "bruno", "carmen", "diego", "emeka", "fatima",
)  # fmt: skip

# --------------------------------------------------------------------------------------------
# Persona parameters
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class PersonaParams:
    """All knobs of one persona. Shares are probabilities over the matching vocabulary."""

    persona: str
    id_prefix: str
    default_applications: int
    search_span_days: int
    channel_share: tuple[float, ...]  # over CHANNELS
    channel_base_response: tuple[float, ...]  # over CHANNELS
    resume_versions: tuple[str, ...]
    resume_share: tuple[float, ...]
    resume_multiplier: tuple[float, ...]
    industry_share: tuple[float, ...]  # over INDUSTRIES
    industry_multiplier: tuple[float, ...]  # over INDUSTRIES
    follow_up_probability: float
    follow_up_boost: float
    callback_given_response: float
    callback_path_share: tuple[float, ...]  # over CALLBACK_PATHS
    screen_pass: float
    assessment_pass: float
    withdraw_before_interview: float  # after passing a screen / assessment
    interview_rounds_share: tuple[float, ...]  # rounds required: 1, 2, 3
    interview_round_pass: float
    offer_given_rounds_passed: float
    accept_given_offer: float
    withdraw_without_reply: float  # share of never-answered applications the seeker withdraws
    close_without_reply: float  # share of never-answered applications whose posting closes
    cover_letter_share: float
    planted_failure: dict[str, Any]

    def validate(self) -> None:
        for name in (
            "channel_share",
            "resume_share",
            "industry_share",
            "callback_path_share",
            "interview_rounds_share",
        ):
            total = sum(getattr(self, name))
            if not math.isclose(total, 1.0, abs_tol=1e-9):
                raise ValueError(f"{self.persona}: {name} sums to {total}, not 1")
        if self.planted_failure["area"] not in PLANTED_AREAS:
            raise ValueError(f"{self.persona}: unknown planted area {self.planted_failure['area']!r}")


_BASE_CHANNEL_SHARE = (0.20, 0.25, 0.22, 0.10, 0.13, 0.05, 0.05)
# Cold applications answer 12-22 %, referrals and recruiter-sourced roles several times more,
# one-click easy-apply barely at all.
_BASE_CHANNEL_RESPONSE = (0.50, 0.14, 0.18, 0.30, 0.06, 0.22, 0.12)
_BASE_INDUSTRY_SHARE = (0.14, 0.12, 0.12, 0.08, 0.10, 0.08, 0.08, 0.08, 0.08, 0.12)
# Mild, realistic differences (government and media are a little slower to answer).
_BASE_INDUSTRY_MULTIPLIER = (1.0, 0.95, 1.05, 1.1, 1.0, 0.9, 1.05, 1.0, 0.9, 1.0)

_HEALTHY = PersonaParams(
    persona="healthy",
    id_prefix="hp",
    default_applications=150,
    search_span_days=90,
    channel_share=_BASE_CHANNEL_SHARE,
    channel_base_response=_BASE_CHANNEL_RESPONSE,
    resume_versions=("v1", "v2", "v3-data"),
    resume_share=(0.30, 0.35, 0.35),
    resume_multiplier=(1.0, 1.0, 1.0),
    industry_share=_BASE_INDUSTRY_SHARE,
    industry_multiplier=_BASE_INDUSTRY_MULTIPLIER,
    follow_up_probability=0.5,
    follow_up_boost=1.4,
    callback_given_response=0.55,
    callback_path_share=(0.55, 0.15, 0.10, 0.20),
    screen_pass=0.6,
    assessment_pass=0.6,
    withdraw_before_interview=0.04,
    interview_rounds_share=(0.30, 0.45, 0.25),
    interview_round_pass=0.65,
    offer_given_rounds_passed=0.6,
    accept_given_offer=0.7,
    withdraw_without_reply=0.02,
    close_without_reply=0.03,
    cover_letter_share=0.5,
    planted_failure={
        "area": "none",
        "detail": "No planted failure: balanced channels with ~20% referrals, equally effective "
        "resume versions, industries answer alike, normal interview conversion, follows up on "
        "about half of the applications.",
    },
)

_SPRAY_CHANNEL_SHARE = (0.02, 0.12, 0.07, 0.03, 0.72, 0.02, 0.02)
_SPRAY_EASY_APPLY_RESPONSE = 0.04
_SPRAY_AND_PRAY = dataclasses.replace(
    _HEALTHY,
    persona="spray_and_pray",
    id_prefix="sp",
    default_applications=250,
    search_span_days=60,
    channel_share=_SPRAY_CHANNEL_SHARE,
    channel_base_response=tuple(
        _SPRAY_EASY_APPLY_RESPONSE if channel == "linkedin_easy_apply" else rate
        for channel, rate in zip(CHANNELS, _BASE_CHANNEL_RESPONSE, strict=True)
    ),
    resume_versions=("v1", "v2"),
    resume_share=(0.85, 0.15),
    resume_multiplier=(1.0, 1.0),
    follow_up_probability=0.1,
    cover_letter_share=0.03,
    planted_failure={
        "area": "strategy",
        "detail": "High-volume one-click applying: 72% of applications are LinkedIn Easy Apply "
        "(base response 4%), only 2% go through referrals, almost no cover letters or follow-ups.",
        "channel": "linkedin_easy_apply",
        "channel_share": 0.72,
        "channel_base_response": _SPRAY_EASY_APPLY_RESPONSE,
        "referral_share": 0.02,
    },
)

_RESUME_GAP_WORSE_MULTIPLIER = 0.25


def _resume_gap(variant: int) -> PersonaParams:
    versions = ("v1", "v2")
    worse = variant % len(versions)
    better = 1 - worse
    multipliers = tuple(_RESUME_GAP_WORSE_MULTIPLIER if k == worse else 1.0 for k in range(2))
    return dataclasses.replace(
        _HEALTHY,
        persona="resume_gap",
        id_prefix="rg",
        default_applications=180,
        search_span_days=100,
        resume_versions=versions,
        resume_share=(0.5, 0.5),
        resume_multiplier=multipliers,
        planted_failure={
            "area": "resume",
            "detail": f"Resume {versions[worse]} gets {_RESUME_GAP_WORSE_MULTIPLIER:.0%} of the "
            f"replies {versions[better]} gets; both are used across the same channel mix "
            "(the version is assigned independently of channel and industry).",
            "resume_version": versions[worse],
            "multiplier": _RESUME_GAP_WORSE_MULTIPLIER,
            "better_resume_version": versions[better],
        },
    )


_WRONG_INDUSTRY_CANDIDATES = ("finance", "healthcare", "government", "media", "consulting")
_WRONG_INDUSTRY_SHARE = 0.40
_WRONG_INDUSTRY_MULTIPLIER = 0.03


def _wrong_industry(variant: int) -> PersonaParams:
    silent = _WRONG_INDUSTRY_CANDIDATES[variant % len(_WRONG_INDUSTRY_CANDIDATES)]
    silent_index = INDUSTRIES.index(silent)
    others_total = sum(s for k, s in enumerate(_BASE_INDUSTRY_SHARE) if k != silent_index)
    # The rest of the search keeps its usual proportions, squeezed into the remaining 60 %.
    shares = tuple(
        _WRONG_INDUSTRY_SHARE if k == silent_index else s / others_total * (1 - _WRONG_INDUSTRY_SHARE)
        for k, s in enumerate(_BASE_INDUSTRY_SHARE)
    )
    multipliers = tuple(_WRONG_INDUSTRY_MULTIPLIER if k == silent_index else 1.0 for k in range(len(INDUSTRIES)))
    return dataclasses.replace(
        _HEALTHY,
        persona="wrong_industry",
        id_prefix="wi",
        default_applications=160,
        industry_share=shares,
        industry_multiplier=multipliers,
        resume_versions=("v1", "v2"),
        resume_share=(0.5, 0.5),
        resume_multiplier=(1.0, 1.0),
        planted_failure={
            "area": "targets",
            "detail": f"{_WRONG_INDUSTRY_SHARE:.0%} of applications target {silent}, which almost "
            f"never answers (multiplier {_WRONG_INDUSTRY_MULTIPLIER}); other industries answer normally.",
            "industry": silent,
            "multiplier": _WRONG_INDUSTRY_MULTIPLIER,
            "share": _WRONG_INDUSTRY_SHARE,
        },
    )


_STALL_ROUND_PASS = 0.04
_STALL_OFFER = 0.05
_INTERVIEW_STALL = dataclasses.replace(
    _HEALTHY,
    persona="interview_stall",
    id_prefix="is",
    default_applications=200,
    search_span_days=120,
    resume_versions=("v1", "v2-tailored"),
    resume_share=(0.4, 0.6),
    resume_multiplier=(1.0, 1.0),
    callback_given_response=0.65,
    interview_round_pass=_STALL_ROUND_PASS,
    offer_given_rounds_passed=_STALL_OFFER,
    planted_failure={
        "area": "interviews",
        "detail": "Replies and screens are healthy, but interviews almost never convert: each "
        f"round is passed with probability {_STALL_ROUND_PASS} and an offer follows the last "
        f"round with probability {_STALL_OFFER}.",
        "interview_round_pass": _STALL_ROUND_PASS,
        "offer_given_rounds_passed": _STALL_OFFER,
    },
)

_NO_FOLLOW_UP_BOOST = 1.6
_NO_FOLLOW_UP_BASE_SCALE = 0.8
# Rarely, not never: the log still has a follow-up column to read (a log with no follow-up at all
# cannot be told from one that does not record them).
_NO_FOLLOW_UP_PROBABILITY = 0.05
_NO_FOLLOW_UP = dataclasses.replace(
    _HEALTHY,
    persona="no_follow_up",
    id_prefix="nf",
    default_applications=140,
    channel_base_response=tuple(rate * _NO_FOLLOW_UP_BASE_SCALE for rate in _BASE_CHANNEL_RESPONSE),
    resume_versions=("v1", "v2"),
    resume_share=(0.55, 0.45),
    resume_multiplier=(1.0, 1.0),
    follow_up_probability=_NO_FOLLOW_UP_PROBABILITY,
    follow_up_boost=_NO_FOLLOW_UP_BOOST,
    planted_failure={
        "area": "follow_up",
        "detail": f"Rarely follows up (on {_NO_FOLLOW_UP_PROBABILITY:.0%} of applications), although in "
        f"this model a follow-up multiplies the reply probability by {_NO_FOLLOW_UP_BOOST}; base reply "
        f"rates are otherwise healthy-like (x{_NO_FOLLOW_UP_BASE_SCALE}).",
        "follow_up_probability": _NO_FOLLOW_UP_PROBABILITY,
        "follow_up_boost": _NO_FOLLOW_UP_BOOST,
    },
)

# How many distinct variants of a persona exist (which version / industry is the bad one).
# Variant 0 is the one used for the single-persona files; caseload clients draw a variant.
_VARIANT_COUNT: dict[str, int] = {"resume_gap": 2, "wrong_industry": len(_WRONG_INDUSTRY_CANDIDATES)}


def persona_params(persona: str, variant: int = 0) -> PersonaParams:
    """The parameters of a single-client persona (not ``advisor_caseload``)."""
    if persona == "healthy":
        params = _HEALTHY
    elif persona == "spray_and_pray":
        params = _SPRAY_AND_PRAY
    elif persona == "resume_gap":
        params = _resume_gap(variant)
    elif persona == "wrong_industry":
        params = _wrong_industry(variant)
    elif persona == "interview_stall":
        params = _INTERVIEW_STALL
    elif persona == "no_follow_up":
        params = _NO_FOLLOW_UP
    else:
        raise ValueError(f"unknown single-client persona {persona!r}; valid: {', '.join(SINGLE_PERSONAS)}")
    params.validate()
    return params


# --------------------------------------------------------------------------------------------
# The response model (used by both the simulation and the truth)
# --------------------------------------------------------------------------------------------


def _response_probability(
    params: PersonaParams,
    channel: np.ndarray,
    resume: np.ndarray,
    industry: np.ndarray,
    will_follow_up: np.ndarray,
) -> np.ndarray:
    """P(any reply) for index arrays of equal (or broadcastable) shape."""
    raw: npt.NDArray[np.float64] = (
        np.asarray(params.channel_base_response)[channel]
        * np.asarray(params.resume_multiplier)[resume]
        * np.asarray(params.industry_multiplier)[industry]
        * np.where(will_follow_up, params.follow_up_boost, 1.0)
    )
    return np.minimum(raw, RESPONSE_CAP)


def _interview_given_callback(params: PersonaParams) -> float:
    """P(reaching a first interview round | callback), over the callback paths."""
    screen_share, screen_assess_share, assess_share, direct_share = params.callback_path_share
    stay = 1.0 - params.withdraw_before_interview  # only after a screen/assessment was passed
    return (
        screen_share * params.screen_pass * stay
        + screen_assess_share * params.screen_pass * params.assessment_pass * stay
        + assess_share * params.assessment_pass * stay
        + direct_share
    )


def _offer_given_interview(params: PersonaParams) -> float:
    """P(offer | first interview round reached): pass every required round, then get the offer."""
    pass_all_rounds = sum(
        share * params.interview_round_pass**rounds
        for rounds, share in enumerate(params.interview_rounds_share, start=1)
    )
    return pass_all_rounds * params.offer_given_rounds_passed


def _probability_follow_up_precedes_reply() -> float:
    """P(follow-up day < reply delay) with follow-up day uniform on 7..14, independent of delay."""
    follow_up_days = np.arange(FOLLOW_UP_DAYS[0], FOLLOW_UP_DAYS[1] + 1)
    later_reply = [RESPONSE_DELAY_PMF[day < RESPONSE_DELAY_DAYS].sum() for day in follow_up_days]
    return float(np.mean(later_reply))


# --------------------------------------------------------------------------------------------
# Truth (exact enumeration)
# --------------------------------------------------------------------------------------------


def _stage_rates(response: float, params: PersonaParams) -> dict[str, float]:
    callback = response * params.callback_given_response
    interview = callback * _interview_given_callback(params)
    return {
        "response": response,
        "callback": callback,
        "interview": interview,
        "offer": interview * _offer_given_interview(params),
    }


def _persona_truth(params: PersonaParams) -> dict[str, Any]:
    """Truth of one persona, independent of seed / as_of / size."""
    follow_share = np.array([1.0 - params.follow_up_probability, params.follow_up_probability])
    factor_shares = [
        np.asarray(params.channel_share),
        np.asarray(params.resume_share),
        np.asarray(params.industry_share),
        follow_share,
    ]
    grid = np.meshgrid(
        np.arange(len(CHANNELS)),
        np.arange(len(params.resume_versions)),
        np.arange(len(INDUSTRIES)),
        np.array([False, True]),
        indexing="ij",
    )
    probability = _response_probability(params, *grid)  # shape (channel, resume, industry, follow)

    def expected(shares: Sequence[np.ndarray], values: np.ndarray) -> float:
        weights = np.einsum("a,b,c,d->abcd", *shares)
        return float((weights * values).sum())

    def group_response(axis: int, index: int) -> float:
        # Factors are independent, so conditioning on one just fixes it and keeps the others.
        shares = list(factor_shares)
        shares[axis] = np.eye(len(factor_shares[axis]))[index]
        return expected(shares, probability)

    def group(axis: int, index: int) -> dict[str, float]:
        return {
            "share": float(factor_shares[axis][index]),
            **_stage_rates(group_response(axis, index), params),
        }

    labels = [CHANNELS, params.resume_versions, INDUSTRIES, ("no", "yes")]
    by: dict[str, dict[str, dict[str, float]]] = {
        name: {label: group(axis, k) for k, label in enumerate(labels[axis])}
        for axis, name in enumerate(("channel", "resume_version", "industry", "followed_up"))
    }

    # What a settled log shows: a follow-up is only written when it was sent before the reply
    # (or there was no reply). Early repliers of would-be followers land in the "no" group.
    precedes = _probability_follow_up_precedes_reply()
    no_follow = [factor_shares[0], factor_shares[1], factor_shares[2], np.array([1.0, 0.0])]
    with_follow = [factor_shares[0], factor_shares[1], factor_shares[2], np.array([0.0, 1.0])]
    fu = params.follow_up_probability
    logged_yes_share = fu * expected(with_follow, (1 - probability) + probability * precedes)
    logged_yes_replies = fu * expected(with_follow, probability * precedes)
    logged_no_share = (1 - fu) + fu * expected(with_follow, probability * (1 - precedes))
    logged_no_replies = (1 - fu) * expected(no_follow, probability) + fu * expected(
        with_follow, probability * (1 - precedes)
    )
    followed_up_logged = {
        "yes": {
            "share": logged_yes_share,
            **_stage_rates(logged_yes_replies / logged_yes_share if logged_yes_share else 0.0, params),
        },
        "no": {"share": logged_no_share, **_stage_rates(logged_no_replies / logged_no_share, params)},
    }

    # An honest way to measure the follow-up effect from a log: take applications still
    # unanswered on the last possible follow-up day (the landmark). By then every would-be
    # follower has a logged follow-up, so the groups are the intentions, and what remains is
    # the chance of a later reply.
    landmark = FOLLOW_UP_DAYS[1]
    late = float(RESPONSE_DELAY_PMF[landmark < RESPONSE_DELAY_DAYS].sum())
    follow_up_landmark: dict[str, Any] = {"day": landmark}
    for label, shares in (("no", no_follow), ("yes", with_follow)):
        still_waiting = expected(shares, 1 - probability * (1 - late))
        follow_up_landmark[label] = {
            "share_of_waiting": (fu if label == "yes" else 1 - fu) * still_waiting,
            "response_after_landmark": expected(shares, probability * late) / still_waiting,
        }
    waiting_total = follow_up_landmark["no"]["share_of_waiting"] + follow_up_landmark["yes"]["share_of_waiting"]
    for label in ("no", "yes"):
        follow_up_landmark[label]["share_of_waiting"] /= waiting_total

    planted = dict(params.planted_failure)
    return {
        "persona": params.persona,
        "window_days": WINDOW_DAYS,
        "planted_failure": planted,
        "rates": _stage_rates(expected(factor_shares, probability), params),
        "by": by,
        "by_logged": {"followed_up": followed_up_logged},
        "follow_up_landmark": follow_up_landmark,
        "params": _params_for_truth(params),
    }


def _params_for_truth(params: PersonaParams) -> dict[str, Any]:
    return {
        "search_span_days": params.search_span_days,
        "default_applications": params.default_applications,
        "channel_share": dict(zip(CHANNELS, params.channel_share, strict=True)),
        "channel_base_response": dict(zip(CHANNELS, params.channel_base_response, strict=True)),
        "resume_version_share": dict(zip(params.resume_versions, params.resume_share, strict=True)),
        "resume_version_multiplier": dict(zip(params.resume_versions, params.resume_multiplier, strict=True)),
        "industry_share": dict(zip(INDUSTRIES, params.industry_share, strict=True)),
        "industry_multiplier": dict(zip(INDUSTRIES, params.industry_multiplier, strict=True)),
        "response_cap": RESPONSE_CAP,
        "follow_up": {
            "probability": params.follow_up_probability,
            "boost": params.follow_up_boost,
            "days_after_applying": list(FOLLOW_UP_DAYS),
        },
        "response_delay_days": {
            "min": 1,
            "max": RESPONSE_DELAY_MAX_DAYS,
            "median_approx": RESPONSE_DELAY_MEDIAN_DAYS,
            "pmf": [float(p) for p in RESPONSE_DELAY_PMF],
        },
        "stages": {
            "callback_given_response": params.callback_given_response,
            "callback_path_share": dict(zip(CALLBACK_PATHS, params.callback_path_share, strict=True)),
            "screen_pass": params.screen_pass,
            "assessment_pass": params.assessment_pass,
            "withdraw_before_interview": params.withdraw_before_interview,
            "interview_rounds_share": {
                str(rounds): share for rounds, share in enumerate(params.interview_rounds_share, 1)
            },
            "interview_round_pass": params.interview_round_pass,
            "offer_given_rounds_passed": params.offer_given_rounds_passed,
            "accept_given_offer": params.accept_given_offer,
            "interview_given_callback": _interview_given_callback(params),
            "offer_given_interview": _offer_given_interview(params),
            "stage_gap_days": list(STAGE_GAP_DAYS),
        },
        "withdraw_without_reply": params.withdraw_without_reply,
        "close_without_reply": params.close_without_reply,
        "ghosted_label_share": GHOSTED_LABEL_SHARE,
        "cover_letter_share": params.cover_letter_share,
    }


_DEFINITIONS = {
    "rates": "True per-application probabilities for a settled application (applied at least "
    "window_days before as_of), marginalised over the persona's channel/resume/industry/follow-up "
    "mix. response = any reply (rejections included) within the window; it is exact because "
    "replies always arrive 1..28 days after applying. callback = the reply is a screen, "
    "assessment or interview invitation (its stage date equals responded_on), so it is exact "
    "within the window too. interview / offer are the eventual probabilities of reaching a first "
    "interview round / an offer; later stages can take longer than the window, so in a log they "
    "may still be in progress at as_of.",
    "by": "Same rates per group, averaged exactly over the other factors. followed_up is the "
    "seeker's decision at application time (the model's follow-up intention).",
    "by_logged": "followed_up as it appears in a settled log: followed_up_on is written only "
    "when the follow-up (day 7..14) came strictly before the reply, so early replies of would-be "
    "followers are logged as not followed up.",
    "follow_up_landmark": "Applications with no reply by day `day` after applying (the last "
    "possible follow-up day): share of them in each follow-up group and their true probability "
    "of a reply after that day. The yes/no ratio reflects the follow-up boost without the "
    "early-reply bias of by_logged.",
    "non_replies": "Withdrawals and position closures without a reply happen only to "
    "applications that would never have been answered; counting them as non-responses matches "
    "the truth exactly.",
}


# --------------------------------------------------------------------------------------------
# Simulation
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Clients:
    """Per-client cosmetic attributes; arrays are indexed by the client's position in a group."""

    search_span_days: np.ndarray
    role_track: np.ndarray
    home_city: np.ndarray
    seniority: np.ndarray


def _draw_clients(rng: np.random.Generator, count: int, span_days: np.ndarray) -> _Clients:
    return _Clients(
        search_span_days=span_days,
        role_track=rng.integers(0, len(_ROLE_TRACKS), count),
        home_city=rng.integers(0, len(_CITIES), count),
        # Most job seekers in these logs are mid-career; a few are entry or senior/lead.
        seniority=rng.choice(len(SENIORITIES), count, p=[0.2, 0.45, 0.25, 0.1]),
    )


def _uniform_days(rng: np.random.Generator, bounds: tuple[int, int], shape: int | tuple[int, ...]) -> np.ndarray:
    return rng.integers(bounds[0], bounds[1] + 1, shape, dtype=np.int64)


def _revealed(day: np.ndarray, as_of_day: int) -> np.ndarray:
    return day <= as_of_day


def _simulate(
    params: PersonaParams,
    rng: np.random.Generator,
    as_of_day: int,
    client_of_row: np.ndarray,
    clients: _Clients,
    last_day: int | None = None,
) -> dict[str, Any]:
    """Simulate one persona variant for many rows at once. Day numbers are days since 1970-01-01.

    Applications are spread over each client's span ending on ``as_of_day``. With ``last_day``
    (one client only, ``generate_search``) they are spread over the span ending on that day
    instead, the first and last day of it each get the first two rows, and events are still
    revealed up to ``as_of_day``; the random draws are the same either way."""
    n = len(client_of_row)

    # --- what was applied to, and when -----------------------------------------------------
    channel = rng.choice(len(CHANNELS), n, p=params.channel_share)
    resume = rng.choice(len(params.resume_versions), n, p=params.resume_share)
    industry = rng.choice(len(INDUSTRIES), n, p=params.industry_share)
    age = rng.integers(0, clients.search_span_days[client_of_row], dtype=np.int64)
    applied = (as_of_day if last_day is None else last_day) - age
    weekday = (applied + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    to_friday = (weekday >= 5) & (rng.random(n) < WEEKEND_TO_FRIDAY_SHARE)
    applied = applied - np.where(to_friday, weekday - 4, 0)
    if last_day is not None:  # a fixed calendar: first and last day taken, nothing outside them
        first_day = last_day - int(clients.search_span_days[0]) + 1
        applied = np.maximum(applied, first_day)
        applied[:2] = (first_day, last_day)[:n]

    # --- first reply -------------------------------------------------------------------------
    # The follow-up decision is made up front so its boost can be part of the reply probability.
    will_follow_up = rng.random(n) < params.follow_up_probability
    responds = rng.random(n) < _response_probability(params, channel, resume, industry, will_follow_up)
    delay = rng.choice(RESPONSE_DELAY_DAYS, n, p=RESPONSE_DELAY_PMF).astype(np.int64)
    reply = np.where(responds, applied + delay, _NEVER)
    follow_up_day = _uniform_days(rng, FOLLOW_UP_DAYS, n)
    # Nobody chases an application that already got an answer: log the follow-up only if it
    # was sent strictly before the reply.
    followed_up = np.where(will_follow_up & (~responds | (follow_up_day < delay)), applied + follow_up_day, _NEVER)

    # --- callback paths ----------------------------------------------------------------------
    callback = responds & (rng.random(n) < params.callback_given_response)
    path = rng.choice(len(CALLBACK_PATHS), n, p=params.callback_path_share)
    screen_pass = rng.random(n) < params.screen_pass
    assessment_pass = rng.random(n) < params.assessment_pass
    gap = _uniform_days(rng, STAGE_GAP_DAYS, (n, 3 + MAX_INTERVIEW_ROUNDS))
    has_screen = callback & ((path == _PATH_SCREEN) | (path == _PATH_SCREEN_ASSESSMENT))
    # A stage date is the day the seeker learns they reached it; the first one is the reply.
    screen_on = np.where(has_screen, reply, _NEVER)
    assessment_on = np.select(
        [
            callback & (path == _PATH_ASSESSMENT),
            callback & (path == _PATH_SCREEN_ASSESSMENT) & screen_pass,
        ],
        [reply, screen_on + gap[:, 0]],
        _NEVER,
    )
    passed_pre_interview = callback & np.select(
        [path == _PATH_SCREEN, path == _PATH_SCREEN_ASSESSMENT, path == _PATH_ASSESSMENT],
        [screen_pass, screen_pass & assessment_pass, assessment_pass],
        True,
    )
    last_pre_interview = np.where(path == _PATH_SCREEN, screen_on, assessment_on)
    rejected_before_interview = np.where(has_screen & ~screen_pass, screen_on + gap[:, 1], assessment_on + gap[:, 1])
    # Withdrawing needs something to withdraw from: only after a passed screen/assessment.
    withdraws_before_interview = (
        passed_pre_interview & (path != _PATH_INTERVIEW) & (rng.random(n) < params.withdraw_before_interview)
    )
    interviews = passed_pre_interview & ~withdraws_before_interview

    # --- interview rounds, offer, decision ---------------------------------------------------
    first_round = np.where(path == _PATH_INTERVIEW, reply, last_pre_interview + gap[:, 2])
    rounds_required = rng.choice(np.arange(1, MAX_INTERVIEW_ROUNDS + 1), n, p=params.interview_rounds_share)
    round_index = np.arange(MAX_INTERVIEW_ROUNDS)
    fails_round = (rng.random((n, MAX_INTERVIEW_ROUNDS)) >= params.interview_round_pass) & (
        round_index < rounds_required[:, None]
    )
    failed_a_round = fails_round.any(axis=1)
    rounds_reached = np.where(failed_a_round, fails_round.argmax(axis=1) + 1, rounds_required)
    round_days = first_round[:, None] + np.concatenate(
        [np.zeros((n, 1), dtype=np.int64), np.cumsum(gap[:, 3 : 3 + MAX_INTERVIEW_ROUNDS - 1], axis=1)],
        axis=1,
    )
    last_round = np.take_along_axis(round_days, (rounds_reached - 1)[:, None], axis=1)[:, 0]
    outcome_day = last_round + gap[:, 3 + MAX_INTERVIEW_ROUNDS - 1]
    offered = interviews & ~failed_a_round & (rng.random(n) < params.offer_given_rounds_passed)
    accepts = rng.random(n) < params.accept_given_offer
    decision_day = np.where(offered, outcome_day, _NEVER) + _uniform_days(rng, DECISION_GAP_DAYS, n)

    # --- applications that never get a reply ------------------------------------------------
    fate = rng.random(n)
    withdraws_unanswered = ~responds & (fate < params.withdraw_without_reply)
    closes_unanswered = (
        ~responds
        & (fate >= params.withdraw_without_reply)
        & (fate < params.withdraw_without_reply + params.close_without_reply)
    )

    # --- event dates (before applying the as_of cut) ----------------------------------------
    interview_on = np.where(interviews, first_round, _NEVER)
    offer_on = np.where(offered, outcome_day, _NEVER)
    rejected_on = np.select(
        [responds & ~callback, callback & ~passed_pre_interview, interviews & ~offered],
        [reply, rejected_before_interview, outcome_day],
        _NEVER,
    )
    withdrawn_on = np.select(
        [withdraws_before_interview, withdraws_unanswered],
        [last_pre_interview + gap[:, 2], applied + _uniform_days(rng, WITHDRAW_WITHOUT_REPLY_DAYS, n)],
        _NEVER,
    )
    closed_on = np.where(closes_unanswered, applied + _uniform_days(rng, CLOSE_WITHOUT_REPLY_DAYS, n), _NEVER)
    accepted_on = np.where(offered & accepts, decision_day, _NEVER)
    declined_on = np.where(offered & ~accepts, decision_day, _NEVER)
    attended_rounds = (
        (round_index < rounds_reached[:, None]) & interviews[:, None] & _revealed(round_days, as_of_day)
    ).sum(axis=1)

    dates = {
        "applied_on": applied,
        "responded_on": reply,
        "screen_on": screen_on,
        "assessment_on": np.where(callback, assessment_on, _NEVER),
        "interview_on": interview_on,
        "offer_on": offer_on,
        "accepted_on": accepted_on,
        "declined_on": declined_on,
        "rejected_on": rejected_on,
        "withdrawn_on": withdrawn_on,
        "closed_on": closed_on,
        "followed_up_on": followed_up,
    }
    revealed = {name: _revealed(day, as_of_day) for name, day in dates.items()}

    # --- current status: the latest revealed event wins -------------------------------------
    # Assign in chronological order of the process so later stages overwrite earlier ones;
    # terminal events come last and each application has at most one of them.
    long_silent = (as_of_day - applied) >= WINDOW_DAYS
    status = np.where(
        long_silent & (rng.random(n) < GHOSTED_LABEL_SHARE),
        STATUSES.index("ghosted"),
        STATUSES.index("applied"),
    )
    for column, label in (
        ("screen_on", "screen"),
        ("assessment_on", "assessment"),
        ("interview_on", "interview"),
        ("offer_on", "offer"),
        ("rejected_on", "rejected"),
        ("withdrawn_on", "withdrawn"),
        ("closed_on", "position_closed"),
        ("accepted_on", "accepted"),
        ("declined_on", "declined"),
    ):
        status = np.where(revealed[column], STATUSES.index(label), status)

    # --- cosmetics ---------------------------------------------------------------------------
    company = industry * _COMPANIES_PER_INDUSTRY + rng.integers(0, _COMPANIES_PER_INDUSTRY, n)
    seniority = np.clip(
        clients.seniority[client_of_row] + rng.choice([-1, 0, 1], n, p=[0.15, 0.7, 0.15]),
        0,
        len(SENIORITIES) - 1,
    )
    title = rng.integers(0, _TITLES_PER_TRACK, n)
    role = (clients.role_track[client_of_row] * _TITLES_PER_TRACK + title) * len(SENIORITIES) + seniority
    where_located = rng.random(n)
    location = np.select(
        [
            where_located < _LOCATION_HOME_SHARE,
            where_located < _LOCATION_HOME_SHARE + _LOCATION_REMOTE_SHARE,
        ],
        [clients.home_city[client_of_row], len(_CITIES)],  # index len(_CITIES) is "Remote"
        rng.integers(0, len(_CITIES), n),
    )
    note = np.where(rng.random(n) < NOTE_SHARE, rng.integers(0, len(_NOTES), n), -1)

    return {
        "channel": channel,
        "resume": resume,
        "industry": industry,
        "company": company,
        "role": role,
        "location": location,
        "seniority": seniority,
        "cover_letter": rng.random(n) < params.cover_letter_share,
        "posting_number": rng.integers(100_000, 10_000_000, n),
        "status": status,
        "interview_rounds": attended_rounds,
        "round_days": round_days,  # (n, MAX_INTERVIEW_ROUNDS): the first `interview_rounds` were attended
        "note": note,
        "dates": dates,
        "revealed": revealed,
    }


def _permute(simulated: dict[str, Any], order: np.ndarray) -> dict[str, Any]:
    """Reorder every per-row array of a simulation result (cheap on numpy, unlike on strings)."""
    return {
        key: {name: column[order] for name, column in value.items()} if isinstance(value, dict) else value[order]
        for key, value in simulated.items()
    }


def _take_strings(vocabulary: Sequence[str], index: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    """Vectorised lookup of strings by index (optionally null where ``missing``)."""
    indices = pa.array(index, mask=missing)
    return pa.array(vocabulary, type=pa.string()).take(indices)


def _date_array(day: np.ndarray, revealed: np.ndarray) -> pa.Array:
    return pa.array(np.where(revealed, day, 0).astype(np.int32), mask=~revealed).cast(pa.date32())


def _group_table(params: PersonaParams, simulated: dict[str, Any], client_index: np.ndarray) -> pa.Table:
    """Canonical columns of one simulated group, plus a helper ``_client_index`` column."""
    dates, revealed = simulated["dates"], simulated["revealed"]
    company = pa.array(_COMPANY_NAMES, type=pa.string()).take(pa.array(simulated["company"]))
    job_url = pc.binary_join_element_wise(
        _take_strings(_JOB_URL_PREFIXES, simulated["company"]),
        pc.cast(pa.array(simulated["posting_number"]), pa.string()),
        "",
    )
    is_referral = simulated["channel"] == CHANNELS.index("referral")
    columns: dict[str, pa.Array] = {
        "_client_index": pa.array(client_index, type=pa.int64()),
        "company": company,
        "role": _take_strings(_ROLE_NAMES, simulated["role"]),
        "industry": _take_strings(INDUSTRIES, simulated["industry"]),
        "channel": _take_strings(CHANNELS, simulated["channel"]),
        "resume_version": _take_strings(params.resume_versions, simulated["resume"]),
        "cover_letter": _take_strings(("no", "yes"), simulated["cover_letter"].astype(np.int64)),
        "referral": _take_strings(("no", "yes"), is_referral.astype(np.int64)),
        "location": _take_strings(_LOCATIONS, simulated["location"]),
        "seniority": _take_strings(SENIORITIES, simulated["seniority"]),
        "job_url": job_url,
        "status": _take_strings(STATUSES, simulated["status"]),
        "notes": _take_strings(_NOTES, np.maximum(simulated["note"], 0), simulated["note"] < 0),
    }
    for name in DATE_COLUMNS:
        columns[name] = _date_array(dates[name], revealed[name])
    rounds = simulated["interview_rounds"]
    columns["interview_rounds"] = pa.array(rounds.astype(np.int32), mask=rounds == 0)
    return pa.table(columns)


def _finish_table(groups: list[pa.Table], client_labels: Sequence[str], client_id_prefixes: Sequence[str]) -> pa.Table:
    """Sort rows like a log (per client, by application date), number them, add client columns."""
    table = pa.concat_tables(groups)
    client_index = table.column("_client_index").to_numpy()
    applied = table.column("applied_on").cast(pa.int32()).to_numpy()
    # lexsort is stable, so ties keep their (seeded) generation order.
    order = np.lexsort((applied, client_index))
    if not np.array_equal(order, np.arange(len(order))):  # skip the costly string reshuffle
        table = table.take(pa.array(order))
        client_index = client_index[order]
    row = np.arange(len(client_index))
    first_row_of_client = np.searchsorted(client_index, client_index, side="left")
    sequence = row - first_row_of_client + 1
    width = max(4, len(str(int(sequence.max())))) if len(sequence) else 4
    application_id = pc.binary_join_element_wise(
        _take_strings(client_id_prefixes, client_index),
        pc.utf8_lpad(pc.cast(pa.array(sequence), pa.string()), width, "0"),
        "",
    )
    extra = {
        "client": _take_strings(client_labels, client_index),
        "application_id": application_id,
    }
    return pa.table({name: extra[name] if name in extra else table.column(name) for name in COLUMNS})


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------

_CASELOAD_DEFAULT_CLIENTS = 20
_CASELOAD_DEFAULT_APPLICATIONS = 100
_CASELOAD_SPAN_JITTER = (0.8, 1.2)  # clients started their searches at different times


def _check_persona(persona: str) -> None:
    if persona not in PERSONAS:
        raise ValueError(f"unknown persona {persona!r}; valid personas: {', '.join(PERSONAS)}")


def _check_count(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")


def _day_number(day: datetime.date) -> int:
    return (day - _EPOCH).days


def generate(
    persona: str,
    *,
    seed: int = 0,
    as_of: datetime.date,
    applications: int | None = None,
) -> tuple[pa.Table, dict[str, Any]]:
    """Return (table of canonical rows, truth dict).

    ``applications=None`` uses the persona's default (120-250; ``advisor_caseload``: 20 clients
    x 100). For ``advisor_caseload``, ``applications`` is the number per client. An unknown
    persona raises ``ValueError`` naming the valid ones.
    """
    _check_persona(persona)
    if persona == "advisor_caseload":
        per_client = _CASELOAD_DEFAULT_APPLICATIONS if applications is None else applications
        return generate_caseload(_CASELOAD_DEFAULT_CLIENTS, seed=seed, as_of=as_of, applications_per_client=per_client)
    params = persona_params(persona)
    count = params.default_applications if applications is None else applications
    _check_count("applications", count)
    rng = np.random.default_rng(seed)
    clients = _draw_clients(rng, 1, np.array([params.search_span_days]))
    client_of_row = np.zeros(count, dtype=np.int64)
    simulated = _simulate(params, rng, _day_number(as_of), client_of_row, clients)
    simulated = _permute(simulated, np.argsort(simulated["dates"]["applied_on"], kind="stable"))
    table = _finish_table([_group_table(params, simulated, client_of_row)], ["me"], [f"{params.id_prefix}-"])
    truth = {
        **_persona_truth(params),
        "seed": seed,
        "as_of": as_of.isoformat(),
        "applications": count,
        "client": "me",
        "definitions": _DEFINITIONS,
    }
    return table, truth


SEARCH_EXTRA_COLUMNS: tuple[str, ...] = ("status_on", "interview_dates")


def generate_search(
    params: PersonaParams,
    *,
    seed: int | Sequence[int],
    first_applied_on: datetime.date,
    last_applied_on: datetime.date,
    as_of: datetime.date,
    applications: int,
    client: str = "me",
    id_prefix: str | None = None,
) -> pa.Table:
    """One search on a fixed calendar, as its log stood on ``as_of`` (simulations that look at a
    search week by week: benchmarks/calibrate.py).

    ``applications`` are spread over ``first_applied_on`` .. ``last_applied_on`` (one on each of
    those two days); ``as_of`` may be later than the last application (a quiet tail: answers keep
    coming) or earlier (the log so far: only the applications made by then, and what happened to
    them by then). The same seed and calendar give the same search whatever ``as_of`` is.

    The rows are COLUMNS plus SEARCH_EXTRA_COLUMNS, which date what the canonical columns leave
    undated, so that reading the log as of an earlier date shows only what had happened by then:
    ``status_on`` is the day a ``ghosted`` mark was made (once the application had had the
    window), ``interview_dates`` every attended round's date (a list; ``interview_on`` is the
    first). No truth file: ``persona_params`` and the truth of ``generate`` describe the model."""
    params.validate()
    _check_count("applications", applications)
    if applications < 2 or last_applied_on < first_applied_on:
        raise ValueError("a search on a calendar needs 2+ applications and first_applied_on <= last_applied_on")
    rng = np.random.default_rng(seed)
    span = (last_applied_on - first_applied_on).days + 1
    clients = _draw_clients(rng, 1, np.array([span]))
    client_of_row = np.zeros(applications, dtype=np.int64)
    as_of_day = _day_number(as_of)
    simulated = _simulate(params, rng, as_of_day, client_of_row, clients, last_day=_day_number(last_applied_on))
    # sorted by date; the log as it stood on as_of holds only the applications made by then
    order = np.argsort(simulated["dates"]["applied_on"], kind="stable")
    order = order[simulated["dates"]["applied_on"][order] <= as_of_day]
    simulated = _permute(simulated, order)
    applied = simulated["dates"]["applied_on"]
    prefix = f"{params.id_prefix}-" if id_prefix is None else id_prefix
    table = _finish_table([_group_table(params, simulated, client_of_row[order])], [client], [prefix])
    ghosted = simulated["status"] == STATUSES.index("ghosted")
    marked = applied + WINDOW_DAYS  # <= as_of: a ghosted mark needs an application that old
    rounds = simulated["interview_rounds"]
    attended = np.arange(MAX_INTERVIEW_ROUNDS) < rounds[:, None]
    offsets = np.concatenate([[0], np.cumsum(rounds)]).astype(np.int32)
    round_dates = pa.array(simulated["round_days"][attended].astype(np.int32)).cast(pa.date32())
    table = table.append_column(
        "status_on", pa.array(np.where(ghosted, marked, 0).astype(np.int32), mask=~ghosted).cast(pa.date32())
    ).append_column("interview_dates", pa.ListArray.from_arrays(pa.array(offsets), round_dates))
    return table


def _assign_personas(rng: np.random.Generator, clients: int) -> np.ndarray:
    """Persona index per client: whole shuffled rounds of all personas, so any 12+ clients
    include every persona at least twice; then shuffled so neighbours differ."""
    rounds = -(-clients // len(SINGLE_PERSONAS))
    sequence = np.concatenate([rng.permutation(len(SINGLE_PERSONAS)) for _ in range(rounds)])
    return rng.permutation(sequence[:clients])


def generate_caseload(
    clients: int,
    *,
    seed: int = 0,
    as_of: datetime.date,
    applications_per_client: int,
) -> tuple[pa.Table, dict[str, Any]]:
    """An advisor's caseload: ``clients`` job seekers, each drawn from one of the single-client
    personas (with a random variant, e.g. which resume version or industry is the bad one),
    each with exactly ``applications_per_client`` applications."""
    _check_count("clients", clients)
    _check_count("applications_per_client", applications_per_client)
    rng = np.random.default_rng(seed)
    persona_of_client = _assign_personas(rng, clients)
    variant_count = np.array([_VARIANT_COUNT.get(persona, 1) for persona in SINGLE_PERSONAS])
    variant_of_client = rng.integers(0, variant_count[persona_of_client])
    width = max(2, len(str(clients)))
    # Distinct names while they last; the number keeps labels unique in big caseloads anyway.
    first_names = rng.choice(_CLIENT_FIRST_NAMES, clients, replace=clients > len(_CLIENT_FIRST_NAMES))
    client_labels = [f"client_{k + 1:0{width}d}_{name}" for k, name in enumerate(first_names)]
    id_prefixes = [f"c{k + 1:0{width}d}-" for k in range(clients)]
    jitter = rng.uniform(*_CASELOAD_SPAN_JITTER, clients)

    groups: list[pa.Table] = []
    truth_cache: dict[tuple[int, int], dict[str, Any]] = {}
    group_keys = sorted(set(zip(persona_of_client.tolist(), variant_of_client.tolist(), strict=True)))
    for group_number, (persona_index, variant) in enumerate(group_keys):
        params = persona_params(SINGLE_PERSONAS[persona_index], variant)
        truth_cache[(persona_index, variant)] = _persona_truth(params)
        members = np.flatnonzero((persona_of_client == persona_index) & (variant_of_client == variant))
        # Each group gets its own stream so adding a group never shifts another group's rows.
        group_rng = np.random.default_rng(np.random.SeedSequence([seed, group_number]))
        spans = np.maximum(np.rint(params.search_span_days * jitter[members]).astype(np.int64), 1)
        cosmetics = _draw_clients(group_rng, len(members), spans)
        local_client = np.repeat(np.arange(len(members)), applications_per_client)
        simulated = _simulate(params, group_rng, _day_number(as_of), local_client, cosmetics)
        groups.append(_group_table(params, simulated, members[local_client]))

    table = _finish_table(groups, client_labels, id_prefixes)
    client_truths = {
        label: {
            **truth_cache[(int(p), int(v))],
            "client": label,
            "applications": applications_per_client,
            "variant": int(v),
        }
        for label, p, v in zip(client_labels, persona_of_client, variant_of_client, strict=True)
    }
    # Pool per (persona, variant) rather than per client: identical truths, far fewer terms.
    clients_per_group = {key: 0 for key in truth_cache}
    for key in zip(persona_of_client.tolist(), variant_of_client.tolist(), strict=True):
        clients_per_group[key] += 1
    pooled = _pool_truths(
        [(count * applications_per_client, truth_cache[key]) for key, count in clients_per_group.items()]
    )
    persona_counts = {persona: int((persona_of_client == k).sum()) for k, persona in enumerate(SINGLE_PERSONAS)}
    truth = {
        "persona": "advisor_caseload",
        "seed": seed,
        "as_of": as_of.isoformat(),
        "window_days": WINDOW_DAYS,
        "applications": clients * applications_per_client,
        "planted_failure": {
            "area": "mixed",
            "detail": "Each client has their own persona and planted failure; see clients.",
            "by_client": {label: t["planted_failure"]["area"] for label, t in client_truths.items()},
        },
        "rates": pooled["rates"],
        "by": pooled["by"],
        "params": {
            "clients": clients,
            "applications_per_client": applications_per_client,
            "persona_counts": persona_counts,
            "search_span_jitter": list(_CASELOAD_SPAN_JITTER),
        },
        "clients": client_truths,
        "definitions": {
            **_DEFINITIONS,
            "caseload": "Top-level rates and by are pooled over all clients' applications "
            "(weighted by each client's applications and group shares).",
        },
    }
    return table, truth


def _pool_truths(weighted_truths: Sequence[tuple[int, Mapping[str, Any]]]) -> dict[str, Any]:
    """Pool persona truths weighted by their number of applications (exact, since each is)."""
    stages = ("response", "callback", "interview", "offer")
    total = sum(n for n, _ in weighted_truths)
    rates = {s: sum(n * t["rates"][s] for n, t in weighted_truths) / total for s in stages}
    by: dict[str, dict[str, dict[str, float | None]]] = {}
    for factor in ("channel", "resume_version", "industry", "followed_up"):
        labels = sorted({label for _, t in weighted_truths for label in t["by"][factor]})
        by[factor] = {}
        for label in labels:
            groups = [(n, t["by"][factor][label]) for n, t in weighted_truths if label in t["by"][factor]]
            weight = sum(n * g["share"] for n, g in groups)
            pooled: dict[str, float | None] = {"share": weight / total}
            for stage in stages:
                pooled[stage] = sum(n * g["share"] * g[stage] for n, g in groups) / weight if weight else None
            by[factor][label] = pooled
    return {"rates": rates, "by": by}


# --------------------------------------------------------------------------------------------
# CSV output
# --------------------------------------------------------------------------------------------


def _csv_field(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Render one column as CSV text: ISO dates, plain integers, RFC 4180 quoting, '' for null."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_string(column.type):
        needs_quotes = pc.match_substring_regex(column, r'[",\r\n]')
        quoted = pc.binary_join_element_wise('"', pc.replace_substring(column, '"', '""'), '"', "")
        text = pc.if_else(needs_quotes, quoted, column)
    else:  # date32 casts to YYYY-MM-DD, integers to digits
        text = pc.cast(column, pa.string())
    return pc.fill_null(text, "")


def table_to_csv_bytes(table: pa.Table, columns: Sequence[str] = COLUMNS) -> bytes:
    """The canonical CSV (UTF-8, comma, header, '\\n' line endings, empty cell for unknown)."""
    if tuple(table.column_names) != tuple(columns):
        raise ValueError(f"table columns {table.column_names} are not the expected columns {list(columns)}")
    header = ",".join(columns)
    if table.num_rows == 0:
        return (header + "\n").encode()
    lines = pc.binary_join_element_wise(*[_csv_field(table.column(name)) for name in columns], ",")
    return ("\n".join([header, *lines.to_pylist()]) + "\n").encode("utf-8")


def write_csv(table: pa.Table, out: pathlib.Path) -> None:
    pathlib.Path(out).write_bytes(table_to_csv_bytes(table))


def truth_to_json(truth: Mapping[str, Any]) -> str:
    return json.dumps(truth, indent=2, sort_keys=True) + "\n"


def write_sample(
    persona: str,
    out: pathlib.Path,
    *,
    seed: int = 0,
    as_of: datetime.date,
    applications: int | None = None,
) -> dict[str, Any]:
    """Write the CSV to ``out`` and the truth JSON to ``out.with_suffix('.truth.json')``;
    return the truth dict."""
    out = pathlib.Path(out)
    table, truth = generate(persona, seed=seed, as_of=as_of, applications=applications)
    write_csv(table, out)
    out.with_suffix(".truth.json").write_text(truth_to_json(truth), encoding="utf-8")
    if persona == "advisor_caseload":
        clients = caseload_clients(table)
        out.with_suffix(".clients.csv").write_bytes(table_to_csv_bytes(clients, clients.column_names))
    return truth


CASELOAD_ADVISOR = "Sam Rivera"


def caseload_clients(table: pa.Table) -> pa.Table:
    """The caseload's client records (`bounceback clients import`): a display name from the label,
    one advisor, the first application as the start, the most frequent roles and industries as
    targets (two each). Grouped by DuckDB over the Arrow table: a 10,000-client caseload is fast."""
    import duckdb

    con = duckdb.connect()
    con.register("caseload", table)
    return con.sql(
        """
        with ranked as (
            select client, kind, value,
                   row_number() over (partition by client, kind order by count(*) desc, value) as place
            from (select client, 'role' as kind, role as value from caseload
                  union all select client, 'industry', industry from caseload)
            where value is not null and value <> ''
            group by client, kind, value
        )
        select c.client,
               upper(split_part(c.client, '_', 3)[1]) || split_part(c.client, '_', 3)[2:]
                   || ' (client ' || split_part(c.client, '_', 2) || ')' as display_name,
               $advisor as advisor,
               cast(min(c.applied_on) as varchar) as started_on,
               (select string_agg(value, '; ' order by place) from ranked r
                where r.client = c.client and r.kind = 'role' and place <= 2) as target_roles,
               (select string_agg(value, '; ' order by place) from ranked r
                where r.client = c.client and r.kind = 'industry' and place <= 2) as target_industries,
               'active' as status
        from caseload as c
        group by c.client
        order by c.client
        """,
        params={"advisor": CASELOAD_ADVISOR},
    ).to_arrow_table()
