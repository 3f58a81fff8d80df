"""bb_classify_status: free-text spreadsheet statuses -> {status, via, how} (sql/models/normalise_status.sql)."""

from __future__ import annotations

import random
import string
from collections.abc import Iterator

import duckdb
import pytest

from pipelines.store.db import connect

# (text as a job seeker wrote it, status, via)
CASES: list[tuple[str | None, str | None, str | None]] = [
    # ghosted: the employer never answered
    ("Ghosted", "ghosted", None),
    ("ghosted 👻", "ghosted", None),
    ("No response", "ghosted", None),
    ("No reply", "ghosted", None),
    ("no answer", "ghosted", None),
    ("Never heard back", "ghosted", None),
    ("didn't hear back", "ghosted", None),
    ("Ghosted after interview", "ghosted", "interview"),
    # rejected
    ("Rejected", "rejected", None),
    ("reeejected", "rejected", None),
    ("Rejection :(", "rejected", None),
    ("Not Selected", "rejected", None),
    ("rejcted", "rejected", None),
    ("Unsuccessful", "rejected", None),
    ("Not moving forward", "rejected", None),
    ("Inter + Rejec", "rejected", "interview"),
    ("Inter + Rejcted", "rejected", "interview"),
    ("Rejected after onsite", "rejected", "interview"),
    ("Rejected after phone screen", "rejected", "screen"),
    ("Final round - no offer", "rejected", "interview"),
    ("Rejected (no interview)", "rejected", None),
    ("Offer rescinded", "rejected", "offer"),
    # position_closed, including postings that were probably never real
    ("Position Removed", "position_closed", None),
    ("Position closed", "position_closed", None),
    ("Job filled", "position_closed", None),
    ("Posting removed", "position_closed", None),
    ("Suspected Ghost Job", "position_closed", None),
    ("ghost job", "position_closed", None),
    # offer and what became of it
    ("Accepted!", "accepted", None),
    ("Hired", "accepted", None),
    ("Offer accepted", "accepted", "offer"),
    ("Offer", "offer", None),
    ("Offer received 🎉", "offer", None),
    ("Declined offer", "declined", "offer"),
    ("Offer declined", "declined", "offer"),
    # screen
    ("Phone screen", "screen", None),
    ("HR call", "screen", None),
    ("Recruiter call", "screen", None),
    ("Screening", "screen", None),
    # interview
    ("1st round", "interview", None),
    ("First round", "interview", None),
    ("2nd round", "interview", None),
    ("Final round", "interview", None),
    ("Onsite", "interview", None),
    ("On-site", "interview", None),
    ("Interview", "interview", None),
    ("Interviewing", "interview", None),
    ("intervew", "interview", None),
    ("Interview after phone screen", "interview", "screen"),
    # assessment
    ("Take-home", "assessment", None),
    ("Coding challenge", "assessment", None),
    ("Assessment", "assessment", None),
    ("HackerRank test", "assessment", None),
    # withdrawn
    ("Withdrew", "withdrawn", None),
    ("Withdrawn", "withdrawn", None),
    ("Withdrew application", "withdrawn", None),
    ("Not interested", "withdrawn", None),
    # still pending
    ("TBD", "applied", None),
    ("ongoing", "applied", None),
    ("Pending", "applied", None),
    ("Applied", "applied", None),
    ("Submitted", "applied", None),
    ("In review", "applied", None),
    ("Under review", "applied", None),
    ("Waiting", "applied", None),
    ("Other", "applied", None),
    ("Unknown", "applied", None),
    ("", "applied", None),
    ("   ", "applied", None),
    (None, "applied", None),
    ("N/A", "applied", None),
    ("-", "applied", None),
    ("—", "applied", None),
    # saved jobs, not applications
    ("Wishlist", "saved", None),
    ("Saved", "saved", None),
    ("Bookmarked", "saved", None),
    ("Interested", "saved", None),
    ("Not applied yet", "saved", None),
    # Simplify's export
    ("SAVED", "saved", None),
    ("APPLIED", "applied", None),
    ("SCREEN", "screen", None),
    ("INTERVIEWING", "interview", None),
    ("OFFER", "offer", None),
    ("REJECTED", "rejected", None),
    ("WITHDRAWN", "withdrawn", None),
    ("GHOSTED", "ghosted", None),
    ("ACCEPTED", "accepted", None),
    # response
    ("Response", "response", None),
    ("Responded", "response", None),
    ("Replied", "response", None),
    # unclassifiable: reported, never guessed
    ("Waitlisted", None, None),
    ("waitlist", None, None),
    ("blue", None, None),
    ("asdf", None, None),
    ("see notes", None, None),
    ("maybe", None, None),
    ("selected", None, None),  # two edits from 'rejected', but not a typo of it
    ("filed", None, None),  # one edit from 'filled', but a word of its own
    ("No interview", None, None),
    # Misreadings that flipped an outcome. Someone else hired is a rejection, not a hire.
    ("Closed - hired someone else", "rejected", None),
    ("Hired someone else", "rejected", None),
    ("They hired another candidate", "rejected", None),
    ("Went with another candidate", "rejected", None),
    ("Position filled by someone else", "rejected", None),
    ("Not hired", "rejected", None),
    # accepting an interview is an interview
    ("Accepted interview", "interview", None),
    ("Accepted invitation to interview", "interview", None),
    ("Interview accepted", "interview", None),
    ("Accepted invitation", None, None),  # to what?
    # accepting a job elsewhere withdraws from this one
    ("Withdrew - accepted another offer", "withdrawn", None),
    ("Accepted elsewhere", "withdrawn", None),
    ("Accepted another offer", "withdrawn", None),
    ("Took another job", "withdrawn", None),
    ("Accepted an offer elsewhere after onsite", "withdrawn", "interview"),
    # who declined what: the employer (rejected), the applicant an interview (withdrawn) or an offer
    ("Company declined", "rejected", None),
    ("They declined", "rejected", None),
    ("Declined by company", "rejected", None),
    ("Recruiter declined", "rejected", None),
    ("Employer declined me", "rejected", None),
    ("Declined to interview", "withdrawn", None),
    ("I declined the interview", "withdrawn", None),
    ("Turned down offer", "declined", "offer"),
    ("Declined", "declined", None),
    ("Turned down", "declined", None),
    ("Declined after interview", None, None),  # who declined?
    ("Declined by me", None, None),
    ("Turned down after onsite", None, None),
    # an offer not got, or only hoped for, is no offer
    ("Didn't get the offer", "rejected", None),
    ("Did not get offer", "rejected", None),
    ("Did not get the job", "rejected", None),
    ("Didn't pass the OA", "rejected", "assessment"),
    ("Waiting for offer", "applied", None),
    ("Maybe offer", None, None),
    ("Hoping for an offer", None, None),
    ("Awaiting response", "applied", None),
    ("Waiting for offer after final round", "interview", None),
    # 'yet': still pending
    ("No offer yet", "applied", None),
    ("Not yet", "applied", None),
    ("No response yet", "applied", None),
    ("Nothing yet", "applied", None),
    ("Haven't heard back yet", "applied", None),
    ("No offer yet after final round", "interview", None),
    ("Not rejected yet", "applied", None),
    ("Not rejected", None, None),
    ("Not setected", None, None),  # not corrected to "not rejected"
    ("No offer", "rejected", None),
    # signing
    ("Signed NDA", None, None),
    ("Signed offer", "accepted", "offer"),
    ("Signed contract", "accepted", None),
    # failing
    ("Failed OA", "rejected", "assessment"),
    ("Failed assessment", "rejected", "assessment"),
    ("Failed the coding test", "rejected", "assessment"),
    ("Failed interview", "rejected", "interview"),
    ("Failed", "rejected", None),
    # the employer withdrawing the job closed it
    ("They withdrew the posting", "position_closed", None),
    ("Posting withdrawn", "position_closed", None),
    ("Job withdrawn", "position_closed", None),
    ("Withdrawn by employer", "position_closed", None),
    ("Withdrawn by company", "position_closed", None),
    ("Role cancelled", "position_closed", None),
    ("Position cancelled", "position_closed", None),
    ("Hiring freeze", "position_closed", None),
    ("Offer withdrawn", "rejected", "offer"),
    # a rescinded offer is a rejection, even an accepted one
    ("Rescinded", "rejected", "offer"),
    ("Offer accepted, then rescinded", "rejected", "offer"),
    # negation: a word with no/not/never/... among the three words before it does not count
    ("Never got an interview", None, None),
    ("Did not hear back", "ghosted", None),
    ("Rejected, never got an interview", "rejected", None),
    ("Offer not accepted yet", "offer", None),
    ("Expected offer", None, None),  # 'expected' is two edits from 'accepted', but a word of its own
    # a misspelling inside such a phrase is corrected, so the phrase still counts
    ("Hired somone else", "rejected", None),
    ("Acceptd interview", "interview", None),
    ("Accepted anotehr offer", "withdrawn", None),
    ("Sigend offer", "accepted", "offer"),
    ("Offer rescnded", "rejected", "offer"),
]

# what the statuses of the canonical format (bb_status in normalise.sql) mean
CANONICAL_WORDS = [
    "applied", "pending", "submitted", "sent", "waiting", "open",
    "response", "responded", "replied", "answered",
    "screen", "screening", "phone_screen", "recruiter_screen", "hr_call",
    "assessment", "test", "take_home", "coding_challenge", "challenge",
    "interview", "interviewing", "interviewed", "onsite",
    "offer", "offered", "offer_received",
    "accepted", "hired", "offer_accepted",
    "declined", "offer_declined", "turned_down",
    "rejected", "rejection", "not_selected", "denied",
    "withdrawn", "withdrew", "withdraw",
    "position_closed", "closed", "position_removed", "posting_removed", "job_closed", "filled", "position_filled",
    "ghosted", "no_response", "no_reply", "no_answer", "ghost",
    "saved", "wishlist", "bookmarked", "interested", "to_apply", "not_applied",
]  # fmt: skip


@pytest.fixture(scope="module")
def shared_con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """Like conftest's `con` (a database file opened with connect), shared by the parametrised
    tables below: bb_classify_status only reads, and a fresh database per row would add seconds."""
    connection = connect(tmp_path_factory.mktemp("classify") / "bounceback.duckdb")
    yield connection
    connection.close()


def classify(con: duckdb.DuckDBPyConnection, text: str | None) -> dict[str, str | None]:
    return con.cursor().execute("select bb_classify_status(?)", [text]).fetchone()[0]


def classify_all(con: duckdb.DuckDBPyConnection, texts: list[str | None]) -> list[dict[str, str | None]]:
    """One query over a table, as the loader runs it, in the order given."""
    cur = con.cursor()
    cur.execute(
        "create or replace temp table status_texts as select unnest(?) as n, unnest(?::varchar[]) as text",
        [list(range(len(texts))), texts],
    )
    rows = cur.execute("select bb_classify_status(text) from status_texts order by n").fetchall()
    return [row[0] for row in rows]


@pytest.mark.parametrize(("text", "status", "via"), CASES)
def test_classifies_free_text_status(
    shared_con: duckdb.DuckDBPyConnection, text: str | None, status: str | None, via: str | None
) -> None:
    result = classify(shared_con, text)
    assert (result["status"], result["via"]) == (status, via), result
    if status is None:
        assert result["how"] is None


@pytest.mark.parametrize(
    ("text", "how"),
    [
        ("", "blank"),
        (None, "blank"),
        ("N/A", "blank"),
        ("-", "blank"),
        ("Rejected", "exact"),
        (" position closed ", "exact"),
        ("GHOSTED", "exact"),
        ("Not Selected", "keyword"),
        ("Inter + Rejec", "keyword"),
        ("TBD", "keyword"),
        ("rejcted", "typo"),
        ("intervew", "typo"),
        ("reeejected", "typo"),
        ("Inter + Rejcted", "typo"),
        ("asdf", None),
        ("Declined after interview", None),
        ("Declined the intervew", "typo"),
        ("Offer declnied", "typo"),
    ],
)
def test_says_how_it_classified(shared_con: duckdb.DuckDBPyConnection, text: str | None, how: str | None) -> None:
    assert classify(shared_con, text)["how"] == how


def test_case_spacing_punctuation_and_emoji_do_not_matter(con: duckdb.DuckDBPyConnection) -> None:
    texts = [text for text, _, _ in CASES if text and text.strip()]
    variants = [f"  {text.upper()}  " for text in texts] + [f"{text.lower()}!! 🙂" for text in texts]
    expected = classify_all(con, texts)
    assert classify_all(con, variants) == expected + expected


def test_agrees_with_the_canonical_status_words(con: duckdb.DuckDBPyConnection) -> None:
    results = classify_all(con, CANONICAL_WORDS)
    canonical = con.cursor().execute("select w, bb_status(w) from unnest(?) as t(w)", [CANONICAL_WORDS]).fetchall()
    assert len(canonical) == len(CANONICAL_WORDS)
    assert {w: r["status"] for w, r in zip(CANONICAL_WORDS, results, strict=True)} == dict(canonical)


def test_every_status_it_can_give_is_in_the_event_vocabulary(con: duckdb.DuckDBPyConnection) -> None:
    cur = con.cursor()
    events = {row[0] for row in cur.execute("select event from event_types").fetchall()}
    known = events | {"applied", "saved"}
    stages_sql = "select event from event_types where stage_rank > 0 and not is_terminal"
    stages = {row[0] for row in cur.execute(stages_sql).fetchall()}
    assert stages == {"response", "screen", "assessment", "interview", "offer"}
    # what the cases produce ...
    results = classify_all(con, [text for text, _, _ in CASES])
    assert {r["status"] for r in results} - {None} <= known
    assert {r["via"] for r in results} - {None} <= stages
    # ... and everything any rule could produce
    # (a rule with status null stops the search: the text is left unclassified)
    rule_statuses = {row[0] for row in cur.execute("select unnest(bb_status_rules()).status").fetchall()} - {None}
    rule_vias = {row[0] for row in cur.execute("select unnest(bb_status_rules()).via").fetchall()} - {None}
    names = set(cur.execute("select bb_status_names()").fetchone()[0])
    assert rule_statuses <= known, rule_statuses - known
    assert rule_vias <= stages, rule_vias - stages
    assert names <= known, names - known


def test_thousands_of_distinct_values_in_one_query(con: duckdb.DuckDBPyConnection) -> None:
    rng = random.Random(20250101)
    words = [text for text, _, _ in CASES if text] + ["after", "the", "2nd", "call", "🎉", "x"]
    texts: set[str] = set()
    while len(texts) < 5000:
        if rng.random() < 0.5:
            alphabet = string.ascii_letters + string.digits + " -!/"
            texts.add("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30))))
        else:
            texts.add(" ".join(rng.choice(words) for _ in range(rng.randint(1, 4))))
    generated = sorted(texts)
    cases = [text for text, _, _ in CASES]
    results = classify_all(con, generated + cases)
    assert len(results) == len(generated) + len(cases)
    assert {r["how"] for r in results} <= {"blank", "exact", "keyword", "typo", None}
    assert all((r["status"] is None) == (r["how"] is None) for r in results)
    # classified in bulk, the cases come out as they do one at a time
    assert [(r["status"], r["via"]) for r in results[len(generated) :]] == [(s, v) for _, s, v in CASES]
