"""Strategy diagnosis: the six parts of a job search, each judged with evidence and a next step.

Verdicts: failing, at risk, working, not enough data, not recorded.

- **not recorded**: the log does not record what the part reads (no Referral column, no outcomes at
  all, ...; pipelines/analyse/recorded.py). Unknown is not "no": the part is not judged, and its action
  says what to add. A search with no recorded outcomes gets no rate verdict at all.
- **failing** needs evidence that stays valid however often the person looks: an always-valid test
  (pipelines/analyse/stats.py: a mixture SPRT for two groups, an exact mixture likelihood ratio against a
  published reference for interviews) at FAIL_P. The search-wide budget SEARCH_FAIL_ALPHA is split
  over the parts that test (Bonferroni) and over the groups within a part (Holm), so a healthy
  search is called failing anywhere, at any look, at most that often.
- **at risk**: the same tests at the looser RISK_P, or a habit that is plainly off (fewer than 2
  applications a week, under 10 % through referrals, follow-ups on under 20 % of silent
  applications). Shown, never escalated on its own.
- **working**: judged, and nothing found; **not enough data**: recorded, but too little to judge.

Calibrated by simulation, looked at every week: `make calibrate` (benchmarks/calibrate.py).
"""

from pipelines.analyse.diagnosis.decide import decide
from pipelines.analyse.diagnosis.finding import PART_INPUTS, Diagnosis, Finding
from pipelines.analyse.diagnosis.gather import (
    LETTER_IN,
    LETTER_OUT,
    ONE_CLICK_IN,
    ONE_CLICK_OUT,
    REFERRAL_IN,
    REFERRAL_OUT,
    RESUME_ADJUST_FOR,
    Counts,
    Split,
    gather,
)
from pipelines.analyse.diagnosis.levels import (
    AREAS,
    FAIL_P,
    FOLLOW_UP_SHARE,
    INTERVIEW_FLOOR_OFFERS,
    INTERVIEW_FLOOR_ROUNDS,
    INTERVIEW_SETTLE_DAYS,
    LOW_PACE_PER_WEEK,
    MAX_VARIANTS,
    MIN_GROUP,
    MIN_INTERVIEWS,
    MIN_SETTLED,
    ONE_CLICK,
    ONE_CLICK_SHARE,
    REFERRAL_SHARE,
    RISK_P,
    SEARCH_FAIL_ALPHA,
    TESTED_PARTS,
    VERDICTS,
)
from pipelines.analyse.diagnosis.run import FIELDS, FullOverview, diagnose, diagnose_each, overview, top_finding

# every public name of the one module this package was (callers use `diagnosis.diagnose`, ...)
__all__ = [
    "AREAS",
    "FAIL_P",
    "FIELDS",
    "FOLLOW_UP_SHARE",
    "INTERVIEW_FLOOR_OFFERS",
    "INTERVIEW_FLOOR_ROUNDS",
    "INTERVIEW_SETTLE_DAYS",
    "LETTER_IN",
    "LETTER_OUT",
    "LOW_PACE_PER_WEEK",
    "MAX_VARIANTS",
    "MIN_GROUP",
    "MIN_INTERVIEWS",
    "MIN_SETTLED",
    "ONE_CLICK",
    "ONE_CLICK_IN",
    "ONE_CLICK_OUT",
    "ONE_CLICK_SHARE",
    "PART_INPUTS",
    "REFERRAL_IN",
    "REFERRAL_OUT",
    "REFERRAL_SHARE",
    "RESUME_ADJUST_FOR",
    "RISK_P",
    "SEARCH_FAIL_ALPHA",
    "TESTED_PARTS",
    "VERDICTS",
    "Counts",
    "Diagnosis",
    "Finding",
    "FullOverview",
    "Split",
    "decide",
    "diagnose",
    "diagnose_each",
    "gather",
    "overview",
    "top_finding",
]
