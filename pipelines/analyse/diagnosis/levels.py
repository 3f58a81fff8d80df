"""The diagnosis's parts and verdicts, and the levels each part is judged by (see the package docstring)."""

from __future__ import annotations

from pipelines.analyse import analytics

AREAS = ("strategy", "resume", "network", "targets", "interviews", "follow_up")
VERDICTS = ("failing", "at risk", "working", "not enough data", "not recorded")
# failing: the chance that a search with nothing wrong is ever called failing in any part, at any
# look, is at most SEARCH_FAIL_ALPHA, split evenly over the six parts (an evidence ratio of 120 to 1,
# "decisive" on Jeffreys' scale). At risk: an evidence ratio of 3.3 to 1 within the part ("substantial"),
# a warning to check again, not a guarantee: `make calibrate` measures how often a healthy search
# meets one over a whole search of weekly looks.
SEARCH_FAIL_ALPHA = 0.05
TESTED_PARTS = 6
FAIL_P = SEARCH_FAIL_ALPHA / TESTED_PARTS
RISK_P = 0.3
MIN_SETTLED = 20  # settled applications before the overall strategy can be judged
MIN_GROUP = 10  # settled applications a group needs to be compared
ONE_CLICK = "linkedin_easy_apply"
ONE_CLICK_SHARE = 0.4  # above this share, one-click applying is the search's main channel
REFERRAL_SHARE = 0.1
LOW_PACE_PER_WEEK = 2.0  # applications a week over the last 4 weeks
FOLLOW_UP_SHARE = 0.2  # followed up within two weeks on fewer than this share of silent applications
INTERVIEW_SETTLE_DAYS = 14  # an interview older than this has had time to lead somewhere
MIN_INTERVIEWS = 5
# Interviews are judged against published funnels, not against the stage before (a funnel narrows
# by nature). Treegarden's 2026 benchmarks (citing HRPanda and Pin Recruitment funnel data): 35-55 %
# of first interviews lead to a second, 15-25 % of interviewed candidates get an offer. A log that
# records rounds is judged on "led to a next round or an offer" against a floor of 35 % (the low end
# of the first step); one that records no second round, on offers against 15 % (the low end).
INTERVIEW_FLOOR_ROUNDS = 0.35
INTERVIEW_FLOOR_OFFERS = 0.15
MAX_VARIANTS = analytics.MAX_VARIANTS
COMPANIES_NAMED = 5  # companies named in an action


def verdict_of(p: float) -> str:
    """The verdict an always-valid p-value supports on its own: failing, at risk or working."""
    return "failing" if p < FAIL_P else "at risk" if p < RISK_P else "working"
