"""The advisor's pages (Roster, Client review) and access behind a login, with AppTest on real files.

Two signed-in advisors run the same app in one process (so they share every st.cache_data and
st.cache_resource): neither ever receives a byte of the other's clients, whatever the page, the
query string or the order of the sessions.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import data
from pipelines.advisors import clients, roster
from pipelines.analyse.scope import Scope
from pipelines.load.ingest import ingest_file
from pipelines.store.db import connect
from tests.conftest import write_csv
from tests.reliability.access import AUTH_SECRETS
from tests.reliability.access import screen_bytes as _screen
from tests.unit.advisors.test_advisors import AS_OF, HEADER

APP = Path(__file__).resolve().parents[2] / "dashboard" / "streamlit_app.py"
ALL_PAGES = ("overview", "resume", "channels", "timing", "followups", "roster", "client", "data")
ALICE = "alice@example.org"
BOB = "bob@example.org"


pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


@pytest.fixture
def two_advisors(tmp_path: Path) -> Path:
    """alice_client (companies Acme…, resume alpha-cv) for Alice; bob_client (Bobcorp…, bravo-cv) for Bob."""
    path = tmp_path / "shared.duckdb"
    con = connect(path)
    try:
        for client, company, resume in (("alice_client", "Acme", "alpha-cv"), ("bob_client", "Bobcorp", "bravo-cv")):
            rows = [[f"{company} {i}", "Analyst", f"2026-0{1 + i % 8}-1{i % 9}", "rejected" if i % 3 else "applied",
                     "referral" if i % 2 else "job_board", "software", resume] for i in range(40)]  # fmt: skip
            assert ingest_file(con, write_csv(tmp_path / f"{client}.csv", HEADER, rows), client=client).ok
            clients.update_client(con, client, {"display_name": f"{company} seeker", "advisor": client})
            clients.add_note(con, client, f"{company} private note", "2026-10-01")
        clients.grant(con, ALICE, "advisor", "alice_client")
        clients.grant(con, BOB, "advisor", "bob_client")
        clients.grant(con, "carol@example.org", "client", "bob_client")
    finally:
        con.close()
    return path


def _session(monkeypatch: pytest.MonkeyPatch, db: Path, email: str | None, **params: str) -> AppTest:
    monkeypatch.setenv("BOUNCEBACK_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets = json.loads(json.dumps(AUTH_SECRETS))
    at.user = {"is_logged_in": email is not None, **({"email": email} if email else {})}
    at.query_params.update({"as_of": AS_OF.isoformat(), **params})
    return at.run()


def _local(monkeypatch: pytest.MonkeyPatch, db: Path, **params: str) -> AppTest:
    monkeypatch.setenv("BOUNCEBACK_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"as_of": AS_OF.isoformat(), **params})
    return at.run()


def _unescaped(markdown: str) -> str:
    """A markdown text as read on screen: the escapes of ui.md() removed."""
    return re.sub(r"\\(.)", r"\1", markdown)


def _headers(at: AppTest) -> list[str]:
    return [_unescaped(header.value) for header in at.main.header]


def _visit(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, f"{page}: {[e.value for e in at.exception]}"
    return at


# ---------------------------------------------------------------- access


def test_two_advisors_never_see_each_other(monkeypatch: pytest.MonkeyPatch, two_advisors: Path) -> None:
    # Alice first, then Bob, then Alice again: every cache is warm with the other's results by then
    for email, mine, theirs in ((ALICE, b"Acme", b"Bobcorp"), (BOB, b"Bobcorp", b"Acme"), (ALICE, b"Acme", b"Bobcorp")):
        at = _session(monkeypatch, two_advisors, email)
        own_client = b"alice_client" if mine == b"Acme" else b"bob_client"
        other_client = b"bob_client" if mine == b"Acme" else b"alice_client"
        for page in ALL_PAGES:
            _visit(at, page)
            screen = _screen(at)
            assert theirs not in screen and other_client not in screen, f"{email} saw the other's data on {page}"
            assert b"private note" not in screen or mine + b" private note" in screen
        # the pages do show their own client's data (the test can fail)
        _visit(at, "resume")
        assert (b"alpha-cv" if mine == b"Acme" else b"bravo-cv") in _screen(at)
        _visit(at, "roster")
        assert own_client in _screen(at) and mine + b" seeker" in _screen(at)


def test_a_url_naming_another_advisors_client_shows_nothing_of_it(
    monkeypatch: pytest.MonkeyPatch, two_advisors: Path
) -> None:
    at = _session(monkeypatch, two_advisors, ALICE, client="bob_client", resume_version="bravo-cv")
    for page in ALL_PAGES:
        _visit(at, page)
        screen = _screen(at)
        assert b"Bobcorp" not in screen and b"bravo-cv" not in screen, page
    # the sidebar fell back to Alice's own clients
    assert at.query_params.get("client") in (None, "", [])
    assert [option for option in at.sidebar.selectbox(key="filter_client").options] == ["All clients", "Acme seeker"]


def test_signed_out_sees_only_the_sign_in(monkeypatch: pytest.MonkeyPatch, two_advisors: Path) -> None:
    at = _session(monkeypatch, two_advisors, None)
    assert [button.label for button in at.button] == ["Sign in"]
    screen = _screen(at)
    assert b"Acme" not in screen and b"Bobcorp" not in screen and not at.sidebar.selectbox
    # an identity the provider has not verified is not trusted either
    at = _session(monkeypatch, two_advisors, ALICE)
    at.user = {"is_logged_in": True, "email": ALICE, "email_verified": False}
    at.run()
    assert b"Acme" not in _screen(at) and "did not give a verified e-mail" in " ".join(w.value for w in at.warning)


def test_signed_in_without_a_grant_sees_nothing(monkeypatch: pytest.MonkeyPatch, two_advisors: Path) -> None:
    at = _session(monkeypatch, two_advisors, "stranger@example.org")
    assert [title.value for title in at.title] == ["No access yet"]
    screen = _screen(at)
    assert b"Acme" not in screen and b"Bobcorp" not in screen and b"_client" not in screen


def test_a_revoked_grant_takes_effect_at_once(monkeypatch: pytest.MonkeyPatch, two_advisors: Path) -> None:
    at = _session(monkeypatch, two_advisors, ALICE)
    _visit(at, "overview")
    assert b"alice_client" in _screen(at) or b"Acme seeker" in _screen(at)
    with data._connection(str(two_advisors)) as con:  # the dashboard's own connection
        clients.revoke(con, ALICE)
    at.run()
    assert [title.value for title in at.title] == ["No access yet"]


def test_a_client_sees_only_their_own_search(monkeypatch: pytest.MonkeyPatch, two_advisors: Path) -> None:
    at = _session(monkeypatch, two_advisors, "carol@example.org")
    for page in ("overview", "resume", "client", "data"):
        _visit(at, page)
        assert b"Acme" not in _screen(at), page
    with pytest.raises(Exception, match="roster"):  # no roster of other people in the navigation
        at.switch_page("app_pages/roster.py").run()
    _visit(at, "client")
    assert _headers(at) == ["Bobcorp seeker"]
    assert "Against the caseload" not in [subheader.value for subheader in at.subheader]
    assert not [form for form in at.button if form.label in ("Save", "Save note")]  # reads, does not edit
    assert "Bobcorp private note" in [text.value for text in at.text]


# ---------------------------------------------------------------- roster and client review (local user)


def test_the_roster_page_shows_the_caseload_needing_attention_first(
    monkeypatch: pytest.MonkeyPatch, caseload_db: Path
) -> None:
    at = _visit(_local(monkeypatch, caseload_db), "roster")
    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics["Clients"] == "20"
    table = at.dataframe[0].value
    con = connect(caseload_db)
    try:
        expected = roster.roster(con, Scope(as_of=AS_OF)).clients
    finally:
        con.close()
    assert list(table["client"]) == [entry.client for entry in expected]
    assert metrics["Need attention"] == str(sum(entry.needs_attention for entry in expected))
    # the first client needs attention this week, for the roster's own first reason
    assert expected[0].needs_attention and table["attention"].iloc[0] == "needs attention"
    assert expected[0].reasons[0] in table["reasons"].iloc[0]
    assert (table["low"] <= table["rate"]).all() and (table["rate"] <= table["high"]).all()


def test_open_a_client_write_a_note_compare_and_download_the_report(
    monkeypatch: pytest.MonkeyPatch, caseload_db: Path
) -> None:
    at = _local(monkeypatch, caseload_db)
    at.sidebar.selectbox(key="filter_client").select("client_06_omar").run()
    _visit(at, "client")
    assert _headers(at) == ["Omar (client 06)"]
    assert "Against the caseload" in [subheader.value for subheader in at.subheader]
    caseload_spec = next(json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")
                         if "against the caseload" in chart.proto.spec)  # fmt: skip
    assert caseload_spec
    comparison = at.dataframe[0].value
    assert comparison["percentile"].notna().all() and len(comparison) == 5

    at.text_area[0].input("Met today: <b>try</b> referrals at 2 firms")  # a form: sent with its button
    at.button(key="FormSubmitter:add_note-Save note").click().run()
    assert not at.exception
    assert "Met today: <b>try</b> referrals at 2 firms" in [text.value for text in at.text]
    assert "Saved the note." in [success.value for success in at.success]

    at.button(key="report_prepare").click().run()
    downloads = at.get("download_button")
    assert any("Download the report" in button.proto.label for button in downloads)
    src = data.Source(path=str(caseload_db), version=(0, 0, "", 0, clients.LOCAL_VIEWER))
    html = data.report_html(src, data.Filters(as_of=AS_OF, client="client_06_omar"), "client_06_omar")
    assert "Omar (client 06)" in html and "referrals at 2 firms" in html and "<svg" in html


def test_edit_a_client_record(monkeypatch: pytest.MonkeyPatch, caseload_db: Path) -> None:
    at = _local(monkeypatch, caseload_db, client="client_01_vera")
    _visit(at, "client")
    name_input = next(widget for widget in at.text_input if widget.label == "Display name")
    name_input.input("Vera Novak")
    next(box for box in at.selectbox if box.label == "Status").select("paused")
    at.button(key="FormSubmitter:edit_client-Save").click().run()
    assert not at.exception and _headers(at) == ["Vera Novak"]
    con = connect(caseload_db)
    try:
        record = clients.get_client(con, "client_01_vera")
    finally:
        con.close()
    assert (record.display_name, record.status) == ("Vera Novak", "paused")


def test_an_upload_behind_a_login_is_always_one_of_your_clients(two_advisors: Path, tmp_path: Path) -> None:
    """A canonical file naming Bob's client in its `client` column, uploaded by Alice, lands in Alice's
    client; naming Bob's client as the upload's client is refused before anything is read."""
    with data._connection(str(two_advisors)) as con:
        alice = clients.resolve_viewer(con, ALICE)
    src = data.Source(path=str(two_advisors), version=(0, 0, "", 0, alice))
    content = write_csv(
        tmp_path / "sneaky.csv", ["client", "company", "role", "applied_on", "status"],
        [["bob_client", "Sneaky Co", "Analyst", "2026-10-01", "applied"]],
    ).read_bytes()  # fmt: skip
    upload = data.Upload(name="sneaky.csv", file_id="f1", content=content)
    for choices in (data.ImportChoices(client="bob_client"), data.ImportChoices(client=None)):
        with pytest.raises(data.InputError, match="choose one of your clients"):
            data.preview_upload(src, upload, choices)
        with pytest.raises(data.InputError, match="choose one of your clients"):
            data.load_upload(src, upload, choices)
    [report] = data.load_upload(src, upload, data.ImportChoices(client="alice_client"))
    assert report.ok and report.counts["inserted"] == 1
    with data._connection(str(two_advisors)) as con:
        landed = con.execute("select client from applications where company = 'Sneaky Co'").fetchall()
    assert landed == [("alice_client",)]


def test_a_display_name_is_shown_as_written_never_as_markdown(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    hostile = "![t](https://evil.example/p.png) [click](https://evil.example) :red[BIG] # H"
    db = tmp_path / "md.duckdb"
    con = connect(db)
    try:
        clients.add_client(con, "odd", {"display_name": hostile})
    finally:
        con.close()
    at = _visit(_local(monkeypatch, db, client="odd"), "client")
    [header] = at.main.header
    assert _unescaped(header.value) == hostile
    assert not re.search(r"(?<!\\)[\[\]()!:#]", header.value), "an unescaped markdown character"
