"""Context from outside the person's log: what published studies measured, to read their own numbers by.

Shown as context only, always marked "for comparison", never used by a verdict: a verdict compares the
person's own channels, versions and industries with each other (pipelines/analyse/diagnosis), because a
study's applicants, jobs and years are not theirs. Each figure is cited, with what it does and does not
say, in docs/published.md; tests/unit/analyse/test_published.py keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Published:
    """One published finding, in a person's words, with where it comes from."""

    key: str
    sentence: str  # starts "For comparison, …" so it can never be read as the person's own number
    source: str  # author, year, title: enough to find it
    url: str

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "sentence": self.sentence, "source": self.source, "url": self.url}


RESPONSE = Published(
    key="response",
    sentence=(
        "For comparison, published studies that sent thousands of matched fictitious resumes to job ads saw"
        " about 8 in 100 called back (9.7 % and 6.5 %, depending only on the name at the top of the resume)."
    ),
    source=(
        "Bertrand & Mullainathan (2004), “Are Emily and Greg More Employable than Lakisha and Jamal?”,"
        " American Economic Review 94(4); about 5,000 resumes to Boston and Chicago job ads"
    ),
    url="https://www.aeaweb.org/articles?id=10.1257/0002828042002561",
)

REFERRALS = Published(
    key="referrals",
    sentence=(
        "For comparison, in one recruiting platform's data of over four million candidates, 1 in 16 referred"
        " candidates was hired, against 1 in 152 who applied through the careers site or a job posting."
    ),
    source=(
        "Lever's recruiting metrics report, as reported by HR Dive (2016), “Why employee referral success"
        " rates continue to impress”"
    ),
    url="https://www.hrdive.com/news/why-employee-referral-success-rates-continue-to-impress/427587/",
)

ALL: tuple[Published, ...] = (RESPONSE, REFERRALS)
