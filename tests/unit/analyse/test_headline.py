"""pipelines.analyse.headline: a chart's title claims a difference only when the evidence carries it."""

from __future__ import annotations

import json

import pytest

from pipelines.analyse import headline
from pipelines.analyse.headline import GroupRate, GroupWait, Headline

CHANNEL = headline.WORDINGS["channel"]


def _rate(name: str, rate: float | None, low: float | None, high: float | None, small: bool = False) -> GroupRate:
    return GroupRate(name, rate, low, high, 40, small)


# ---------------------------------------------------------------- comparing groups


def test_overlapping_intervals_claim_nothing() -> None:
    found = headline.compare_rates([_rate("referral", 0.40, 0.25, 0.55), _rate("job board", 0.20, 0.10, 0.30)], CHANNEL)
    assert found == Headline("No channel stands out yet: the 95 % intervals overlap")
    assert not found.claim and found.ratio is None


def test_intervals_that_only_touch_claim_nothing() -> None:
    found = headline.compare_rates([_rate("referral", 0.5, 0.3, 0.7), _rate("job board", 0.1, 0.0, 0.3)], CHANNEL)
    assert not found.claim


def test_the_extremes_of_many_groups_need_more_than_two_groups_would() -> None:
    # referral 30 % (22-38 %) and job board 12 % (8-16.5 %): apart at 95 %, a claim between two channels
    pair = [_rate("referral", 0.30, 0.22, 0.38), _rate("job board", 0.12, 0.08, 0.165)]
    assert headline.compare_rates(pair, CHANNEL).claim
    # the same two as the highest and lowest of six: picked out of 15 pairs, the gap could be chance
    middle = [_rate(name, 0.2, 0.15, 0.25) for name in ("agency", "recruiter", "company site", "other")]
    found = headline.compare_rates([*pair, *middle], CHANNEL)
    assert not found.claim
    assert found.sentence == (
        "No channel stands out yet: with 6 channels compared, the gap between the highest and the lowest could be"
        " chance"
    )
    # far enough apart, the claim holds among six too
    wide = [_rate("referral", 0.50, 0.42, 0.58), _rate("job board", 0.10, 0.06, 0.14), *middle]
    assert headline.compare_rates(wide, CHANNEL).claim


def test_a_small_group_is_never_compared() -> None:
    # the referral's 100 % is one application: however far apart, it makes no claim
    groups = [_rate("referral", 1.0, 0.8, 1.0, small=True), _rate("job board", 0.10, 0.05, 0.15)]
    found = headline.compare_rates(groups, CHANNEL)
    assert found == Headline("Too few settled applications to compare channels yet")


def test_a_small_extreme_group_does_not_stop_a_claim_between_two_large_ones() -> None:
    groups = [
        _rate("agency", 1.0, 0.2, 1.0, small=True),
        _rate("referral", 0.60, 0.45, 0.73),
        _rate("job board", 0.20, 0.12, 0.30),
    ]
    found = headline.compare_rates(groups, CHANNEL)
    assert found.claim and (found.best, found.worst) == ("referral", "job board")


def test_a_clear_gap_is_claimed_with_its_ratio_rounded() -> None:
    groups = [_rate("job board", 0.20, 0.12, 0.30), _rate("referral", 0.60, 0.45, 0.73)]
    found = headline.compare_rates(groups, CHANNEL)
    assert found.claim and found.ratio == 3
    assert found.sentence == (
        "Applications through referral are answered 3× as often as those through job board (60 % against 20 %)"
    )


@pytest.mark.parametrize(
    ("best", "worst", "words", "ratio"),
    [
        (0.45, 0.30, "1.5× as often as", 1.5),
        (0.40, 0.20, "twice as often as", 2.0),
        (0.574, 0.20, "3× as often as", 3.0),  # 2.87: said as 3, not 2.87
        (0.50, 0.20, "2.5× as often as", 2.5),
        (0.86, 0.10, "9× as often as", 9.0),
        (0.202, 0.20, "slightly more often than", 1.0),
    ],
)
def test_ratios_are_said_as_a_person_says_them(best: float, worst: float, words: str, ratio: float) -> None:
    # intervals made narrow enough to be apart: the wording is what is tested here
    groups = [_rate("a", best, best - 5e-4, best + 5e-4), _rate("b", worst, worst - 5e-4, worst + 5e-4)]
    found = headline.compare_rates(groups, headline.WORDINGS["resume_version"])
    assert found.claim and words in found.sentence and found.ratio == ratio
    assert found.sentence.startswith("Applications with resume a ")


def test_a_rate_of_zero_is_far_below_without_a_ratio() -> None:
    found = headline.compare_rates([_rate("referral", 0.62, 0.45, 0.77), _rate("job board", 0.0, 0.0, 0.08)], CHANNEL)
    assert found.claim and found.ratio is None
    assert "far more often than those through job board (62 % against 0 %)" in found.sentence


def test_groups_without_a_rate_are_left_out() -> None:
    groups = [_rate("new", None, None, None), _rate("referral", 0.6, 0.45, 0.73), _rate("job board", 0.2, 0.12, 0.3)]
    assert headline.compare_rates(groups, CHANNEL).worst == "job board"
    only = [_rate("new", None, None, None), _rate("referral", 0.6, 0.45, 0.73)]
    assert headline.compare_rates(only, CHANNEL).sentence == (
        "Only one channel has a rate yet (referral): nothing to compare it with"
    )
    assert headline.compare_rates([_rate("new", None, None, None)], CHANNEL).sentence == "No channel has a rate yet"
    assert headline.compare_rates([_rate("other", 1.0, 0.6, 1.0, small=True)], CHANNEL).sentence == (
        "Only one channel in view (other): nothing to compare it with"
    )


def test_the_verb_follows_the_measure() -> None:
    groups = [_rate("referral", 0.6, 0.45, 0.73), _rate("job board", 0.2, 0.12, 0.3)]
    assert "reach an interview 3× as often" in headline.compare_rates(groups, CHANNEL, "interview").sentence
    assert (
        "in finance get an offer"
        in headline.compare_rates(
            [_rate("finance", 0.6, 0.45, 0.73), _rate("retail", 0.2, 0.12, 0.3)], headline.WORDINGS["industry"], "offer"
        ).sentence
    )


def test_a_group_rate_reads_an_analysis_interval() -> None:
    assert GroupRate.of("v1", {"rate": 0.5, "low": 0.3, "high": 0.7, "n": 12}, False) == GroupRate(
        "v1", 0.5, 0.3, 0.7, 12, False
    )
    # the Kaplan-Meier response rate has no denominator, and a missing rate none at all
    assert GroupRate.of("v1", {"rate": 0.5, "low": 0.3, "high": 0.7}, True).n is None
    assert GroupRate.of("v1", None, True).rate is None


# ---------------------------------------------------------------- words on the bars


def test_numbers_read_like_a_person_writes_them() -> None:
    assert headline.percent(0.153) == "15 %"
    assert headline.percent(0.001) == "under 1 %"
    assert headline.percent(0.999) == "over 99 %"
    assert headline.percent(1.0) == "100 %" and headline.percent(0.0) == "0 %" and headline.percent(None) == "–"
    assert headline.count_text(0.75, 4, False) == "3 of 4 (75 %)"
    assert headline.count_text(0.15, 80, False, 0.09, 0.244) == "12 of 80 (15 %, 9–24 %)"
    assert headline.count_text(0.0, 40, False, 0.0, 0.088) == "0 of 40 (0 %, 0–9 %)"
    assert headline.count_text(1.0, 1, True) == "1 of 1 — too few to judge"
    assert headline.count_text(None, 4, False) == "" and headline.count_text(0.0, 0, True) == ""
    assert headline.answered_text(12, 40, False) == "12 of 40 answered so far"


def test_a_funnel_step_says_its_count_and_its_window() -> None:
    assert headline.step_text(180, None, 30) == "180"
    step = {"rate": 12 / 23, "low": 0.3, "high": 0.7, "n": 23}
    assert headline.step_text(13, step, 30) == "13 (52 % of the stage before: 12 of the 23 that have had 30 days)"
    assert headline.step_text(2, {"rate": None, "n": 0}, 30) == (
        "2 (no step yet: none at the stage before has had 30 days)"
    )
    assert headline.step_text(0, {"rate": None, "n": 0}, 30) == "0"


# ---------------------------------------------------------------- trend, funnel, endings, waits


def test_the_trend_claims_a_change_only_between_intervals_apart() -> None:
    assert headline.trend_headline([], 30).sentence == "Response rate by week: no week yet has had the whole 30 days"
    small = [GroupRate("5 Jan 2026", 0.5, 0.1, 0.9, 4, True)]
    assert "too few settled applications" in headline.trend_headline(small, 30).sentence
    weeks = [
        GroupRate("5 Jan 2026", 0.10, 0.04, 0.25, 20, False),
        GroupRate("12 Jan 2026", None, None, None, 0, True),  # a gap week: no rate
        GroupRate("19 Jan 2026", 0.30, 0.15, 0.50, 20, False),
    ]
    found = headline.trend_headline(weeks, 30)
    assert not found.claim
    assert found.sentence == "Response rate by week: from 10 % to 30 % in the 2 weeks with enough settled applications"
    weeks[-1] = GroupRate("19 Jan 2026", 0.60, 0.45, 0.73, 40, False)
    found = headline.trend_headline(weeks, 30)
    assert found.claim
    assert found.sentence == "Response rate by week rose from 10 % (week of 5 Jan 2026) to 60 % (week of 19 Jan 2026)"


def test_the_funnel_in_one_sentence() -> None:
    assert headline.funnel_headline(80, 12, 2, 0).sentence == (
        "12 of 80 applications were answered; 2 reached an interview"
    )
    assert headline.funnel_headline(80, 12, 2, 1).sentence.endswith("2 reached an interview and 1 got an offer")
    assert headline.funnel_headline(1, 1, 0, 0).sentence == (
        "1 of 1 application was answered; none has reached an interview yet"
    )


def test_the_endings_name_the_most_common_and_an_accepted_offer() -> None:
    outcomes = {"no_response": 85, "pending": 58, "rejected": 25, "accepted": 2, "in_progress": 3, "offer": 1}
    assert headline.endings_headline(outcomes, 174).sentence == (
        "Of 174 applications, 85 got no response and 58 are still waiting for an answer; 2 ended in an accepted offer"
    )
    # an answer or an offer still in progress: one "still open" end
    found = headline.endings_headline({"in_progress": 3, "offer": 2, "rejected": 1}, 6)
    assert found.sentence == "Of 6 applications, 5 are still open and 1 was rejected"


def test_the_wait_says_the_median_or_that_fewer_than_half_got_there() -> None:
    assert headline.wait_headline([GroupWait("all", 9.0, 7.0, 12.0)], "first_response").sentence == (
        "Half of your applications got a first answer within 9 days"
    )
    assert headline.wait_headline([GroupWait("all", None)], "first_response").sentence == (
        "Fewer than half of your applications have had an answer so far"
    )
    assert headline.wait_headline([GroupWait("all", 1.0, 1.0, 2.0)], "rejection").sentence == (
        "Half of your applications were rejected within 1 day"
    )
    # answers without a date are counted apart: the title says so rather than read them as silence
    undated = headline.wait_headline([GroupWait("all", None, undated=27)], "first_response")
    assert undated.sentence == (
        "Fewer than half of your applications have had an answer so far (27 answers without a date are not on"
        " the curve)"
    )


def test_grouped_waits_name_a_quicker_group_only_when_its_interval_is_below() -> None:
    apart = [GroupWait("referral", 4.0, 2.0, 6.0), GroupWait("job board", 15.0, 11.0, 20.0)]
    found = headline.wait_headline(apart, "first_response", CHANNEL)
    assert found.claim
    assert found.sentence == (
        "Applications through referral get a first answer soonest: half within 4 days, against 15 days for"
        " those through job board"
    )
    overlapping = [GroupWait("referral", 4.0, 2.0, 12.0), GroupWait("job board", 15.0, 11.0, 20.0)]
    assert headline.wait_headline(overlapping, "first_response", CHANNEL).sentence == (
        "No channel gets answers clearly sooner: the 95 % intervals overlap"
    )
    one = [GroupWait("referral", 4.0, 2.0, 6.0), GroupWait("job board", None, 11.0, None)]
    assert headline.wait_headline(one, "first_response", CHANNEL).sentence == (
        "Half of the applications through referral got a first answer within 4 days; in the other channels with"
        " enough settled applications, fewer than half have had an answer so far"
    )
    none = [GroupWait("referral", None), GroupWait("job board", None)]
    assert headline.wait_headline(none, "rejection", CHANNEL).sentence == (
        "Fewer than half of the applications in each channel have been rejected so far"
    )
    small = [GroupWait("referral", 4.0, 2.0, 6.0, small=True), GroupWait("job board", 15.0, 11.0, 20.0)]
    assert headline.wait_headline(small, "first_response", CHANNEL).sentence == (
        "Too few settled applications to compare channels yet"
    )


def test_a_headline_is_json() -> None:
    found = headline.compare_rates([_rate("a", 0.6, 0.45, 0.73), _rate("b", 0.2, 0.12, 0.3)], CHANNEL)
    assert json.loads(json.dumps(found.to_json())) == {
        "sentence": found.sentence,
        "claim": True,
        "best": "a",
        "worst": "b",
        "ratio": 3.0,
    }
