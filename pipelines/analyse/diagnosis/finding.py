"""A part's finding, the words its numbers are told in, and the finding of a part the log does not record."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipelines.analyse import stats
from pipelines.analyse.measures import Measures
from pipelines.analyse.recorded import HOW_TO_RECORD, Recorded, RecordedResult
from pipelines.analyse.scope import Scope


@dataclass(frozen=True)
class Finding:
    area: str
    verdict: str
    evidence: dict[str, Any]  # {"sentence": ..., numbers ...}
    action: str
    strength: float = 0.0  # orders findings of one verdict: the smaller the p-value, the higher
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        # the evidence as it is (built fresh for each finding), not a deep copy: a roster turns tens
        # of thousands of findings into JSON
        return {"area": self.area, "verdict": self.verdict, "evidence": self.evidence, "action": self.action}


@dataclass(frozen=True)
class Diagnosis(RecordedResult):
    """The six findings of one search, the most severe first, and what its log records."""

    scope: Scope
    applications: int
    recorded: Recorded
    findings: tuple[Finding, ...]
    # the headline numbers: diagnose() adds them; diagnose_each() (a whole caseload) does not
    measures: Measures | None = None

    def top(self) -> Finding | None:
        """The most severe finding, if there is any."""
        return self.findings[0] if self.findings else None

    def to_json(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "scope": self.scope.to_json(),
            "applications": self.applications,
            "no_data": self.no_data,
            "recorded": self.recorded.to_json(),
            "outcomes_recorded": self.outcomes_recorded,
            "findings": [finding.to_json() for finding in self.findings],
        }
        if self.measures is not None:
            payload["measures"] = self.measures.to_json()
        return payload


# ---------------------------------------------------------------- wording


def percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.0%}"


def share_text(k: int, n: int, what: str = "answered") -> str:
    """The share as "k of n answered (rate, low–high of its 95 % interval)", the way every part tells one."""
    low, high = stats.wilson_interval(k, n)
    return f"{k} of {n} {what} ({percent(k / n if n else None)}, {percent(low)}–{percent(high)})"


def per_week(pace: float) -> str:
    # 0.25, not 0.2: two decimals where one would round a quarter away
    return f"{pace:.2f}".rstrip("0").rstrip(".") if pace < 1 else f"{pace:.1f}"


# ---------------------------------------------------------------- what the log does not record

# the inputs each part reads (pipelines/analyse/recorded.py); every part reads outcomes
PART_INPUTS: dict[str, tuple[str, ...]] = {
    "strategy": ("outcomes", "channel"),
    "resume": ("outcomes", "resume_version", "cover_letter"),
    "network": ("outcomes", "referral"),
    "targets": ("outcomes", "industry"),
    "interviews": ("outcomes", "interviews"),
    "follow_up": ("outcomes", "follow_ups"),
}


def not_recorded(area: str, missing: list[str], sentence: str) -> Finding:
    """The finding of a part whose inputs the log does not record: not judged, and how to record them."""
    how = "; ".join(HOW_TO_RECORD[name] for name in missing)
    return Finding(area, "not recorded", {"sentence": sentence, "missing": missing}, how[0].upper() + how[1:] + ".")


NO_OUTCOMES = (
    "Your log records no outcomes (no answer, rejection, interview or 'no answer' mark on any application), so"
    " no rate can be judged: no outcomes recorded."
)
