"""Issue 9, part 5: two signed-in advisors on every page and download, and hostile strings through
every door (tests/reliability/access.py; `make reliability` runs the same and reports it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability import access

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


def test_no_leak_between_advisors_and_every_hostile_string_kept_verbatim(tmp_path: Path) -> None:
    summary = access.run(0, 0, tmp_path)
    assert summary.failures == []
    assert summary.figures["leaks found"] == 0
    # every page as each of the three sessions, with and without a URL naming the other's client
    assert summary.figures["pages seen as each user"] == 3 * 2 * len(access.PAGES)
    assert summary.figures["hostile strings tried"] == len(access.HOSTILE)
