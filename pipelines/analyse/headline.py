"""The sentence a chart's title states: what the numbers say, and no more than the evidence allows.

Each chart answers one question and says the answer in its title ("Applications through referral are
answered 3× as often as those through job board"). The sentences are written here, from the numbers
the analyses give, so that every face states the same claim under the same rule:

- a difference is claimed only between two groups that each have enough settled applications (not
  `small`) and whose 95 % intervals do not overlap (widened to the Bonferroni level when the two are
  the extremes of more than two groups); otherwise the title says plainly that nothing
  stands out yet, or that there is too little to compare. Wrong-but-confident is the worst a title
  can be: "no channel stands out yet" is a finding too;
- a group whose rate is null (too early, nothing settled, no outcomes recorded) is left out;
- a ratio is rounded the way a person says it ("twice", "1.5×", "3×"), never "2.87×": the interval
  behind it is wide, and two decimals would pretend otherwise;
- counts are counts ("12 of 80"), percentages whole ("15 %").

Nothing here reads the database: the inputs are the analyses' own numbers (docs/definitions.md, "Chart
titles").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

from pipelines.words import counted


@dataclass(frozen=True)
class GroupRate:
    """One group's rate as a title reads it: its name as shown, the rate with its 95 % interval, the
    denominator (None for the Kaplan-Meier response rate, which has none) and the small-group flag."""

    name: str
    rate: float | None
    low: float | None = None
    high: float | None = None
    n: int | None = None
    small: bool = False

    @classmethod
    def of(cls, name: str, rate: Mapping[str, Any] | None, small: bool) -> GroupRate:
        """From an analysis' interval dict ({"rate", "low", "high", "n"}; "n" may be absent)."""
        rate = rate or {}
        n = rate.get("n")
        return cls(name, rate.get("rate"), rate.get("low"), rate.get("high"), None if n is None else int(n), small)


@dataclass(frozen=True)
class GroupWait:
    """One group's median days to an event (a first answer, a rejection), its 95 % interval (a bound
    None: not reached) and the small-group flag."""

    name: str
    median: float | None
    low: float | None = None
    high: float | None = None
    small: bool = False
    undated: int = 0  # the group's events without a date: counted, but not on the curve


@dataclass(frozen=True)
class Headline:
    """A title's sentence, and whether it claims a difference (then between `best` and `worst`, `ratio`
    the rounded one it states; None when the lower rate is 0)."""

    sentence: str
    claim: bool = False
    best: str | None = None
    worst: str | None = None
    ratio: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {"sentence": self.sentence, "claim": self.claim, "best": self.best, "worst": self.worst,
                "ratio": self.ratio}  # fmt: skip


@dataclass(frozen=True)
class Wording:
    """How a title names a breakdown: the noun ("channel"), its plural, and how an application relates
    to one of its groups (`subject`, "through {}": "applications through referral")."""

    noun: str
    plural: str
    subject: str

    def of(self, name: str) -> str:
        return self.subject.format(name)


WORDINGS: dict[str, Wording] = {
    "channel": Wording("channel", "channels", "through {}"),
    "industry": Wording("industry", "industries", "in {}"),
    "role": Wording("role", "roles", "for {}"),
    "resume_version": Wording("resume version", "resume versions", "with resume {}"),
    # the follow-up comparison's two groups are named in full ("followed up by day 14")
    "follow_up": Wording("group", "groups", "{}"),
}
# what a rate counts, as the verb of "Applications through referral ___ 3× as often as ..."
VERBS: dict[str, str] = {
    "response": "are answered",
    "response_settled": "are answered",
    "callback": "reach a screen or interview",
    "interview": "reach an interview",
    "offer": "get an offer",
}
TOO_FEW = "too few to judge"


def percent(rate: float | None) -> str:
    """A rate as a whole percentage, "15 %"; a rate that rounds to 0 or 100 without being it says so."""
    if rate is None:
        return "–"
    value = rate * 100
    if 0 < value < 0.5:
        return "under 1 %"
    if 99.5 <= value < 100:
        return "over 99 %"
    return f"{value:.0f} %"


def days(value: float) -> str:
    return "1 day" if round(value) == 1 else f"{value:.0f} days"


def rounded_ratio(ratio: float) -> float:
    """A ratio as said aloud: tenths below 2 (1.5), halves below 5 (2.5, 3), whole numbers above."""
    if ratio < 1.95:
        return round(ratio, 1)
    if ratio < 5:
        return round(ratio * 2) / 2
    return float(round(ratio))


def ratio_words(ratio: float) -> str:
    """The ratio in words: "twice as often as", "1.5× as often as", "slightly more often than"."""
    said = rounded_ratio(ratio)
    if said < 1.15:
        return "slightly more often than"
    if said == 2:
        return "twice as often as"
    return f"{said:g}× as often as"


def successes(rate: float, n: int) -> int:
    """The count behind a share of `n` (the analyses give successes / n as the rate)."""
    return round(rate * n)


def count_text(
    rate: float | None, n: int | None, small: bool, low: float | None = None, high: float | None = None
) -> str:
    """What a rate bar's end says: "12 of 80 (15 %, 9–24 %)", and for a small group only its counts and
    that they are too few, "1 of 1 — too few to judge" (a percentage of one invites a reading)."""
    if rate is None or not n:
        return ""
    text = f"{successes(rate, n):,} of {n:,}"
    if small:
        return f"{text} — {TOO_FEW}"
    if low is None or high is None:
        return f"{text} ({percent(rate)})"
    # the bounds plainly rounded: "under 1–24 %" would read worse than "0–24 %"
    return f"{text} ({percent(rate)}, {low * 100:.0f}–{high * 100:.0f} %)"


def answered_text(responses: int, applications: int, small: bool) -> str:
    """The Kaplan-Meier response rate has no denominator of its own: its bar says the counts so far."""
    text = f"{responses:,} of {applications:,} answered so far"
    return f"{text} — {TOO_FEW}" if small else text


def _widened(group: GroupRate, factor: float) -> tuple[float, float] | None:
    """The group's interval with each half stretched by `factor` (its 95 % interval at factor 1)."""
    if group.rate is None or group.low is None or group.high is None:
        return None
    return group.rate - (group.rate - group.low) * factor, group.rate + (group.high - group.rate) * factor


def _apart(one: GroupRate, other: GroupRate, pairs: int = 1) -> bool:
    """Whether two intervals are apart (neither touches the other); an unknown bound is no evidence.

    With more than two groups the title picks the extremes out of `pairs` possible pairs: each 95 %
    interval is widened to the Bonferroni level for that many (z of 1 - 0.025 / pairs over z of 0.975),
    so fifteen roles of one true rate do not yield a "3× as often" between two of them by chance."""
    factor = NormalDist().inv_cdf(1 - 0.025 / max(pairs, 1)) / NormalDist().inv_cdf(0.975)
    first, second = _widened(one, factor), _widened(other, factor)
    if first is None or second is None:
        return False
    return first[0] > second[1] or second[0] > first[1]


def step_text(count: int, step: Mapping[str, Any] | None, window: int) -> str:
    """What a funnel bar says: its count, and the step from the stage before, honest about the window:
    "13 (52 % of the stage before: 12 of the 23 that have had 30 days)"."""
    if step is None:
        return f"{count:,}"
    rate, n = step.get("rate"), step.get("n")
    if (rate is None or not n) and not count:
        return "0"  # nobody got here, and nobody at the stage before could have yet: nothing more to say
    if rate is None or not n:
        return f"{count:,} (no step yet: none at the stage before has had {window} days)"
    before = f"{successes(rate, n):,} of the {n:,} that have had {window} days"
    return f"{count:,} ({percent(rate)} of the stage before: {before})"


def compare_rates(groups: Sequence[GroupRate], wording: Wording, metric: str = "response") -> Headline:
    """Which group does best, claimed only when the evidence carries it: the highest and the lowest rate
    among the groups with enough settled applications, when their 95 % intervals do not overlap."""
    noun, plural = wording.noun, wording.plural
    rated = [group for group in groups if group.rate is not None]
    if not rated:
        return Headline(f"No {noun} has a rate yet")
    if len(groups) == 1:
        return Headline(f"Only one {noun} in view ({rated[0].name}): nothing to compare it with")
    if len(rated) == 1:
        return Headline(f"Only one {noun} has a rate yet ({rated[0].name}): nothing to compare it with")
    enough = [group for group in rated if not group.small]
    if len(enough) < 2:
        return Headline(f"Too few settled applications to compare {plural} yet")
    best = max(enough, key=lambda group: group.rate or 0.0)
    worst = min(enough, key=lambda group: group.rate or 0.0)
    pairs = len(enough) * (len(enough) - 1) // 2
    if best is worst or not _apart(best, worst, pairs):
        overlap = (
            "the 95 % intervals overlap"
            if pairs == 1
            else f"with {len(enough)} {plural} compared, the gap between the highest and the lowest could be chance"
        )
        return Headline(f"No {noun} stands out yet: {overlap}")
    verb = VERBS.get(metric, VERBS["response"])
    rates = f"({percent(best.rate)} against {percent(worst.rate)})"
    subject = f"Applications {wording.of(best.name)} {verb}"
    if not worst.rate:
        return Headline(f"{subject} far more often than those {wording.of(worst.name)} {rates}", True, best.name,
                        worst.name)  # fmt: skip
    ratio = (best.rate or 0.0) / worst.rate
    sentence = f"{subject} {ratio_words(ratio)} those {wording.of(worst.name)} {rates}"
    return Headline(sentence, True, best.name, worst.name, rounded_ratio(ratio))


def trend_headline(weeks: Sequence[GroupRate], window: int) -> Headline:
    """The weekly response rate in one sentence: a change only when the first and the last week with
    enough settled applications have intervals apart; else the range those weeks span."""
    rated = [week for week in weeks if week.rate is not None]
    if not rated:
        return Headline(f"Response rate by week: no week yet has had the whole {window} days")
    enough = [week for week in rated if not week.small]
    if not enough:
        return Headline("Response rate by week: every week has too few settled applications to read a trend")
    if len(enough) == 1:
        return Headline(f"Response rate by week: {percent(enough[0].rate)} in the one week with enough settled"
                        " applications")  # fmt: skip
    first, last = enough[0], enough[-1]
    if _apart(first, last):
        moved = "rose" if (last.rate or 0.0) > (first.rate or 0.0) else "fell"
        sentence = (f"Response rate by week {moved} from {percent(first.rate)} (week of {first.name}) to"
                    f" {percent(last.rate)} (week of {last.name})")  # fmt: skip
        return Headline(sentence, True, last.name if moved == "rose" else first.name)
    low = min(week.rate or 0.0 for week in enough)
    high = max(week.rate or 0.0 for week in enough)
    return Headline(f"Response rate by week: from {percent(low)} to {percent(high)} in the {len(enough)} weeks"
                    " with enough settled applications")  # fmt: skip


def funnel_headline(applications: int, answered: int, interviews: int, offers: int) -> Headline:
    """The funnel in one sentence: "12 of 80 applications were answered; 2 reached an interview"."""
    sentence = f"{answered:,} of {counted(applications, 'application')} {'was' if answered == 1 else 'were'} answered"
    if interviews:
        sentence += f"; {interviews:,} reached an interview"
        if offers:
            sentence += f" and {offers:,} got an offer"
    else:
        sentence += "; none has reached an interview yet"
    return Headline(sentence)


# how an application ended, as the verb of "85 of 180 applications ___" (singular, plural)
ENDINGS: dict[str, tuple[str, str]] = {
    "no_response": ("got no response", "got no response"),
    "pending": ("is still waiting for an answer", "are still waiting for an answer"),
    "rejected": ("was rejected", "were rejected"),
    "withdrawn": ("was withdrawn", "were withdrawn"),
    "position_closed": ("ended with the position closed", "ended with the position closed"),
    "no_further_answer": ("heard nothing more after an answer", "heard nothing more after an answer"),
    "still_open": ("is still open", "are still open"),
    "declined": ("was an offer you declined", "were offers you declined"),
    "accepted": ("ended in an accepted offer", "ended in an accepted offer"),
}


def _ending(count: int, ending: str) -> str:
    singular, plural = ENDINGS.get(ending, (f"ended {ending}", f"ended {ending}"))
    return f"{count:,} {singular if count == 1 else plural}"


def endings_headline(outcomes: Mapping[str, int], applications: int) -> Headline:
    """How the applications ended (the funnel's `outcomes`), the two most common ends first, and an
    accepted offer always named: "Of 180 applications, 85 got no response and 58 are still waiting for
    an answer; 2 ended in an accepted offer". An answer or an offer still in progress is "still open"."""
    counts: dict[str, int] = {}
    for outcome, count in outcomes.items():
        ending = "still_open" if outcome in ("in_progress", "offer") else outcome
        counts[ending] = counts.get(ending, 0) + count
    ranked = sorted(((count, ending) for ending, count in counts.items() if count), key=lambda row: -row[0])
    if not ranked:
        return Headline(f"No ending recorded yet for {counted(applications, 'application')}")
    named = [_ending(count, ending) for count, ending in ranked[:2]]
    sentence = f"Of {counted(applications, 'application')}, {' and '.join(named)}"
    accepted = counts.get("accepted", 0)
    if accepted and "accepted" not in (ending for _, ending in ranked[:2]):
        sentence += f"; {_ending(accepted, 'accepted')}"
    return Headline(sentence)


# what a wait is for: (done: "half ___ within", not done: "fewer than half ___", compared: "applications
# ___ soonest", and for one group: "no channel ___ clearly sooner")
WAITS: dict[str, tuple[str, str, str, str]] = {
    "first_response": ("got a first answer", "have had an answer so far", "get a first answer", "gets answers"),
    "rejection": ("were rejected", "have been rejected so far", "are rejected", "is rejected"),
}


def wait_headline(groups: Sequence[GroupWait], kind: str, wording: Wording | None = None) -> Headline:
    """Half of the applications got a first answer within N days (the Kaplan-Meier median), or fewer
    than half ever did; grouped, a group is named quicker only when its interval lies below another's.
    Events without a date are not on the curves: the sentence says how many there are."""
    headline = _wait(groups, kind, wording)
    undated = sum(group.undated for group in groups)
    if not undated:
        return headline
    noun, plural = UNDATED[kind]
    verb = "is" if undated == 1 else "are"
    aside = f"{counted(undated, noun, plural)} without a date {verb} not on the curve"
    return Headline(f"{headline.sentence} ({aside})", headline.claim, headline.best, headline.worst)


# the events a curve cannot place, by kind: (singular, plural)
UNDATED: dict[str, tuple[str, str]] = {
    "first_response": ("answer", "answers"),
    "rejection": ("rejection", "rejections"),
}


def _wait(groups: Sequence[GroupWait], kind: str, wording: Wording | None) -> Headline:
    done, not_done, compared, one_compared = WAITS[kind]
    if not groups:
        return Headline(f"Nothing to time yet: no application {not_done}")
    if wording is None or len(groups) == 1:
        median = groups[0].median
        if median is None:
            return Headline(f"Fewer than half of your applications {not_done}")
        return Headline(f"Half of your applications {done} within {days(median)}")
    enough = [group for group in groups if not group.small]
    if len(enough) < 2:
        return Headline(f"Too few settled applications to compare {wording.plural} yet")
    timed = [group for group in enough if group.median is not None]
    if not timed:
        return Headline(f"Fewer than half of the applications in each {wording.noun} {not_done}")
    if len(timed) == 1:
        # one median among groups that have not reached theirs: a fact about each, not a measured gap
        only = timed[0]
        return Headline(f"Half of the applications {wording.of(only.name)} {done} within {days(only.median or 0.0)};"
                        f" in the other {wording.plural} with enough settled applications, fewer than half"
                        f" {not_done}")  # fmt: skip
    fast = min(timed, key=lambda group: group.median or 0.0)
    slow = max(timed, key=lambda group: group.median or 0.0)
    if fast.high is None or slow.low is None or fast.high >= slow.low or fast is slow:
        return Headline(f"No {wording.noun} {one_compared} clearly sooner: the 95 % intervals overlap")
    sentence = (f"Applications {wording.of(fast.name)} {compared} soonest: half within {days(fast.median or 0.0)},"
                f" against {days(slow.median or 0.0)} for those {wording.of(slow.name)}")  # fmt: skip
    return Headline(sentence, True, fast.name, slow.name)
