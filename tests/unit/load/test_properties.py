"""Property tests: whatever rows a user writes, counts reconcile and a re-import changes nothing."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from pipelines.load.ingest import ingest_file
from pipelines.store.db import connect, run_data_tests
from tests.conftest import table_checksums, write_csv

HEADER = ["company", "role", "applied_on", "status", "channel", "rejected_on", "referral", "notes"]

# A bare carriage return is a line break in CSV (old Mac files), and Python's csv writer leaves it
# unquoted when lines end in \n, so the written file would not hold the rows generated here.
text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"), max_size=30)
maybe_date = st.one_of(
    st.none(),
    st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2026, 1, 1)).map(dt.date.isoformat),
    st.sampled_from(["", "N/A", "soon", "2025-02-30", "31/12/2025", "2025-01-05 10:30:00"]),
)
status = st.sampled_from(["", "applied", "Rejected", "interview", "ghosted", "saved", "offer", "weird", " OFFER "])
channel = st.sampled_from(["", "referral", "LinkedIn", "Easy Apply", "company site", "carrier pigeon"])
yes_no = st.sampled_from(["", "yes", "no", "Y", "maybe"])
row = st.tuples(
    st.one_of(st.none(), text, st.sampled_from(["Acme", "acme", "Beta"])),
    st.one_of(st.none(), text, st.just("Analyst")),
    maybe_date,
    status,
    channel,
    maybe_date,
    yes_no,
    text,
)


@given(rows=st.lists(row, min_size=1, max_size=25), quote_all=st.booleans(), crlf=st.booleans())
def test_counts_reconcile_and_reimport_is_a_no_op(rows: list[tuple], quote_all: bool, crlf: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = write_csv(
            Path(folder) / "log.csv", HEADER, rows, quote_all=quote_all, line_ending="\r\n" if crlf else "\n"
        )
        con = connect(Path(folder) / "db.duckdb")
        try:
            first = ingest_file(con, path)
            if first.status == "refused":
                # only whole-file reasons may refuse: nothing usable at all
                assert first.rejected == first.rows_read or "no readable dates" in (first.message or "")
                return
            assert first.status == "loaded", first.message
            assert first.rows_read == len(rows)
            assert first.rows_read == (
                first.inserted + first.updated + first.unchanged + first.rejected + first.skipped
            )
            before = table_checksums(con)
            second = ingest_file(con, path)
            assert (second.inserted, second.updated) == (0, 0)
            assert second.unchanged == first.inserted
            after = table_checksums(con)
            assert before["applications"] == after["applications"]
            assert before["events"] == after["events"]
            assert all(count == 0 for count in run_data_tests(con).values())
        finally:
            con.close()
