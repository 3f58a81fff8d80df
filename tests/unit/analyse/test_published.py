"""The figures shown "for comparison" stay marked as such, and stay cited in docs/published.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.analyse.published import ALL, Published

DOCS = Path(__file__).resolve().parents[3] / "docs" / "published.md"


@pytest.mark.parametrize("item", ALL, ids=lambda item: item.key)
def test_each_figure_is_marked_as_context_and_cited_in_the_docs(item: Published) -> None:
    # the quotes are markdown block quotes, folded over lines
    lines = DOCS.read_text(encoding="utf-8").splitlines()
    docs = " ".join(" ".join(line.removeprefix(">").strip() for line in lines).split())
    assert item.sentence.startswith("For comparison, ")
    # the sentence on screen is the one the docs quote, and the docs give its source
    assert item.sentence in docs
    assert item.url in docs
    assert item.to_json()["sentence"] == item.sentence


def test_keys_are_unique() -> None:
    assert len({item.key for item in ALL}) == len(ALL)
