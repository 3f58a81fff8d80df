"""The checker of forbidden words finds what it should, and passes plain text."""

from __future__ import annotations

from tests.dashboard.plain import forbidden


def test_forbidden_tokens_are_found() -> None:
    assert forbidden(["Worst part: None"]) and forbidden(["rate NaN"]) and forbidden(["p_holm 0.2"])
    assert forbidden(["0.07792207792207792 answered"]) and forbidden(["at risk: follow_up"])


def test_plain_text_passes() -> None:
    assert forbidden(["12 of 80 answered (15 %, 9–24 %)", "Follow-ups: at risk", "3.5 days", "2026-11-01"]) == []
