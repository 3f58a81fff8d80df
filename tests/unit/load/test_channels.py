"""Issue 16, item 3: channel words matched without regard to spaces and punctuation, the common
boards and applicant-tracking systems known, and the job URL's host read when no channel is written."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.load.ingest import ingest_file
from tests.conftest import write_csv

WRITTEN = {
    "Company careers site": "company_site", "Built In": "job_board", "USA Jobs": "job_board",
    "Remote Rocketship": "job_board", "Climate Base": "job_board", "The Mom Project": "job_board",
    "Greenhouse": "company_site", "Lever": "company_site", "Workday": "company_site", "Ashby": "company_site",
    "iCIMS": "company_site", "SmartRecruiters": "company_site", "Breezy": "company_site",
    "内部推荐": "referral", "Referred by a friend": "referral", "BUILT-IN": "job_board",
    "Recruiter (inbound)": "recruiter", "Easy Apply": "linkedin_easy_apply", "Something else": "other",
}  # fmt: skip


@pytest.mark.parametrize(("written", "channel"), WRITTEN.items())
def test_channel_words(con: duckdb.DuckDBPyConnection, written: str, channel: str) -> None:
    assert con.execute("select bb_channel(?)", [written]).fetchone()[0] == channel


def test_a_log_of_real_channel_names_has_no_needless_other(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    rows = [[f"Co {i}", "Analyst", f"2026-09-{1 + i % 28:02d}", written, ""] for i, written in enumerate(WRITTEN)]
    rows += [["Acme", "Analyst", "2026-09-02", "", "https://jobs.ashbyhq.com/acme/123"],
             ["Beta", "Analyst", "2026-09-03", "", "https://boards.greenhouse.io/beta/jobs/9"],
             ["Gamma", "Analyst", "2026-09-04", "", "https://www.linkedin.com/jobs/view/77"],
             ["Delta", "Analyst", "2026-09-05", "", "https://delta.example/careers/1"]]  # fmt: skip
    log = write_csv(tmp_path / "log.csv", ["Company", "Position", "Date Applied", "Source", "Job link"], rows)
    result = ingest_file(con, log)
    assert (result.status, result.rejected) == ("loaded", 0)
    stored = dict(con.execute("select company, channel from applications").fetchall())
    for i, channel in enumerate(WRITTEN.values()):
        assert stored[f"Co {i}"] == channel, (i, channel)
    # no channel written: an applicant-tracking system's page is the company's site, a board's is a board
    assert (stored["Acme"], stored["Beta"], stored["Gamma"], stored["Delta"]) == (
        "company_site", "company_site", "job_board", None)  # fmt: skip
