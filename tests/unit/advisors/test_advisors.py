"""Advisors: client records, notes, access grants and the viewer's scope, the roster and the caseload
comparison, and their CLI commands (pipelines/advisors/clients.py, pipelines/advisors/roster.py,
pipelines/cli/advisors.py)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.advisors import clients, outcomes, roster
from pipelines.advisors.clients import LOCAL_VIEWER, Viewer
from pipelines.analyse import analytics
from pipelines.analyse.scope import Scope
from pipelines.cli.commands import main
from pipelines.cli.status import database_status
from pipelines.errors import InputError
from pipelines.load.ingest import ingest_file
from pipelines.store.db import connect, data_tests
from tests.conftest import SAMPLE_DIR, write_csv

AS_OF = dt.date(2026, 11, 1)
CASELOAD = SAMPLE_DIR / "advisor_caseload.csv"
CASELOAD_TRUTH = json.loads((SAMPLE_DIR / "advisor_caseload.truth.json").read_text(encoding="utf-8"))
ALICE_EMAIL = "alice@example.org"
HEADER = ["company", "role", "applied_on", "status", "channel", "industry", "resume_version"]


@pytest.fixture(scope="module")
def caseload_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("caseload") / "caseload.duckdb"
    con = connect(path)
    try:
        assert ingest_file(con, CASELOAD).status == "loaded"
        assert main(["clients", "import", str(CASELOAD.with_suffix(".clients.csv")), "--db", str(path)]) == 0
    finally:
        con.close()
    return path


def _two_clients(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """alice_client (Acme...) and bob_client (Bobcorp...), each with a few applications."""
    for client, company in (("alice_client", "Acme"), ("bob_client", "Bobcorp")):
        rows = [[f"{company} {i}", "Analyst", f"2026-0{1 + i % 8}-1{i % 9}", "rejected" if i % 3 else "applied",
                 "referral", "software", "v1"] for i in range(12)]  # fmt: skip
        result = ingest_file(con, write_csv(tmp_path / f"{client}.csv", HEADER, rows), client=client)
        assert result.status == "loaded", result.message
    clients.grant(con, " Alice@Example.org ", "advisor", "alice_client")
    clients.grant(con, "bob@example.org", "advisor", "bob_client")


def _assert_data_tests_pass(con: duckdb.DuckDBPyConnection) -> None:
    for name, sql in data_tests():
        assert con.execute(sql).fetchall() == [], name


# ---------------------------------------------------------------- client records


def test_a_load_registers_its_clients(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    _two_clients(con, tmp_path)
    records = {entry.client: entry for entry in clients.list_clients(con)}
    assert set(records) == {"alice_client", "bob_client"}
    assert records["alice_client"].display_name == "alice_client"
    assert records["alice_client"].started_on == "2026-01-10"  # the first application
    assert records["alice_client"].status == "active"
    _assert_data_tests_pass(con)


def test_add_update_and_validate_client_records(con: duckdb.DuckDBPyConnection) -> None:
    added = clients.add_client(
        con, " newbie ", {"display_name": "New Bie", "advisor": "Sam", "started_on": "2026-10-01"}
    )
    assert added.client == "newbie" and added.started_on == "2026-10-01" and added.status == "active"
    updated = clients.update_client(
        con, "newbie", {"status": "placed", "target_roles": "Data analyst", "advisor": None}
    )
    assert (updated.status, updated.target_roles, updated.advisor) == ("placed", "Data analyst", None)
    with pytest.raises(InputError, match="exists already"):
        clients.add_client(con, "newbie", {})
    with pytest.raises(InputError, match="not one of active"):
        clients.update_client(con, "newbie", {"status": "hired!"})
    with pytest.raises(InputError, match="not a date"):
        clients.update_client(con, "newbie", {"started_on": "31/12/2026"})
    with pytest.raises(InputError, match="unknown client field 'client'"):
        clients.update_client(con, "newbie", {"client": "renamed"})  # the id is not editable: SQL names allowlisted
    with pytest.raises(InputError, match="display name is empty"):
        clients.update_client(con, "newbie", {"display_name": "  "})
    with pytest.raises(InputError, match="no client 'ghost'"):
        clients.update_client(con, "ghost", {"status": "paused"})


def test_import_is_all_or_nothing(con: duckdb.DuckDBPyConnection) -> None:
    rows = [{"client": "a", "display_name": "A"}, {"client": "b", "status": "nonsense"}]
    with pytest.raises(InputError, match="line 3: status"):
        clients.import_clients(con, rows)
    assert clients.list_clients(con) == []
    assert clients.import_clients(con, rows[:1]) == {"added": 1, "updated": 0}
    assert clients.import_clients(con, [{"client": "a", "advisor": "Sam"}]) == {"added": 0, "updated": 1}
    # a blank cell is "not given": the paused client stays paused, a new one gets the defaults
    clients.update_client(con, "a", {"status": "paused"})
    blank = [{"client": "a", "status": "", "display_name": " "}, {"client": "c", "status": "", "display_name": ""}]
    assert clients.import_clients(con, blank) == {"added": 1, "updated": 1}
    records = {entry.client: entry for entry in clients.list_clients(con)}
    assert (records["a"].status, records["a"].display_name, records["a"].advisor) == ("paused", "A", "Sam")
    assert (records["c"].status, records["c"].display_name) == ("active", "c")


def test_hostile_text_is_stored_verbatim(con: duckdb.DuckDBPyConnection) -> None:
    hostile = "x'); drop table applications;-- <script>alert(1)</script>"
    clients.add_client(con, hostile, {"display_name": hostile, "advisor": hostile})
    clients.add_note(con, hostile, hostile)
    assert clients.get_client(con, hostile).display_name == hostile
    assert clients.list_notes(con, hostile)[0].body == hostile
    assert con.execute("select count(*) from applications").fetchone() == (0,)


# ---------------------------------------------------------------- notes


def test_notes_are_dated_and_newest_first(con: duckdb.DuckDBPyConnection) -> None:
    clients.add_client(con, "c", {})
    clients.add_note(con, "c", "first meeting", "2026-09-01")
    clients.add_note(con, "c", "second meeting", dt.date(2026, 10, 1))
    clients.add_note(con, "c", "same day, written later", "2026-10-01")
    notes = clients.list_notes(con, "c")
    assert [note.body for note in notes] == ["same day, written later", "second meeting", "first meeting"]
    assert notes[-1].noted_on == "2026-09-01" and notes[-1].author == "local"
    with pytest.raises(InputError, match="empty"):
        clients.add_note(con, "c", "   ")
    with pytest.raises(InputError, match="longer than"):
        clients.add_note(con, "c", "x" * (clients.MAX_NOTE + 1))
    with pytest.raises(InputError, match="in the future"):
        clients.add_note(con, "c", "next week's meeting", dt.date.today() + dt.timedelta(days=1))


# ---------------------------------------------------------------- access


def test_viewers_from_the_access_table(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    _two_clients(con, tmp_path)
    alice = clients.resolve_viewer(con, "ALICE@example.org")
    assert alice == Viewer("alice@example.org", "advisor", ("alice_client",), ("alice_client",))
    assert clients.resolve_viewer(con, "stranger@example.org") == Viewer("stranger@example.org", "none", (), ())
    clients.grant(con, "boss@example.org", "admin")
    assert clients.resolve_viewer(con, "boss@example.org").clients is None
    clients.grant(con, "carol@example.org", "client", "bob_client")
    carol = clients.resolve_viewer(con, "carol@example.org")
    assert carol == Viewer("carol@example.org", "client", ("bob_client",), ())
    assert not carol.may_edit("bob_client") and not carol.compares("bob_client")
    assert clients.grant(con, "alice@example.org", "advisor", "alice_client")["granted"] is False  # no duplicate
    with pytest.raises(InputError, match="without --client"):
        clients.grant(con, "x@example.org", "admin", "bob_client")
    with pytest.raises(InputError, match="no client"):
        clients.grant(con, "x@example.org", "advisor", "typo_client")
    assert clients.revoke(con, "bob@example.org")["revoked"] == 1
    assert clients.resolve_viewer(con, "bob@example.org").clients == ()
    _assert_data_tests_pass(con)


def _everything_alice_can_read(con: duckdb.DuckDBPyConnection, alice: Viewer, tmp_path: Path) -> str:
    """Every read path a viewer has, as one text."""
    scope = Scope(as_of=AS_OF, allowed=alice.clients)
    parts: list[Any] = [
        [record.to_json() for record in clients.list_clients(con, alice)],
        database_status(con, tmp_path / "db", alice).to_json(),
        analytics.rates(con, scope, ["company", "client"]).to_json(),
        analytics.followups(con, scope).to_json(),
        roster.roster(con, scope, alice).to_json(),
        outcomes.applications_without_outcome(con, None, 1000, alice),
    ]
    out = tmp_path / "export.csv"
    outcomes.export_csv(con, out, None, alice)
    return json.dumps(parts, default=str) + out.read_text(encoding="utf-8")


def test_a_viewer_reads_only_their_clients(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    _two_clients(con, tmp_path)
    alice = clients.resolve_viewer(con, "alice@example.org")
    seen = _everything_alice_can_read(con, alice, tmp_path)
    assert "Acme" in seen and "alice_client" in seen
    assert "Bobcorp" not in seen and "bob_client" not in seen
    # asking for Bob's client by name gets the answer a client that does not exist gets
    for attempt in (
        lambda: clients.get_client(con, "bob_client", alice),
        lambda: clients.list_notes(con, "bob_client", alice),
        lambda: clients.add_note(con, "bob_client", "hello", None, alice),
        lambda: clients.update_client(con, "bob_client", {"status": "closed"}, alice),
        lambda: roster.against_caseload(con, Scope(as_of=AS_OF), "bob_client", alice),
    ):
        with pytest.raises(InputError, match="no client 'bob_client'"):
            attempt()
    assert analytics.rates(con, Scope(as_of=AS_OF, client="bob_client", allowed=alice.clients), []).no_data
    bob_app = con.execute("select application_id from applications where client = 'bob_client' limit 1").fetchone()[0]
    with pytest.raises(InputError, match="no application"):
        outcomes.record_event(con, bob_app, "offer", AS_OF, viewer=alice)
    # a viewer with no grants sees nothing at all
    nobody = Viewer("x@example.org", "none", ())
    assert clients.list_clients(con, nobody) == []
    assert analytics.funnel(con, Scope(as_of=AS_OF, allowed=())).no_data
    assert database_status(con, tmp_path / "db", nobody).applications == 0


def test_only_an_admin_adds_clients(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """Adding a client is granting it: an advisor could otherwise claim an id before its data arrives,
    or learn from the refusal that another advisor's client exists."""
    _two_clients(con, tmp_path)
    alice = clients.resolve_viewer(con, ALICE_EMAIL)
    for client in ("bob_client", "not_yet_loaded", "me"):
        with pytest.raises(InputError, match=r"^only an admin adds clients"):
            clients.add_client(con, client, {}, alice)
    with pytest.raises(InputError, match=r"^only an admin adds clients"):
        clients.import_clients(con, [{"client": "bob_client", "display_name": "mine now"}], alice)
    assert clients.get_client(con, "bob_client").display_name == "bob_client"
    admin = Viewer("boss@example.org", "admin", None, None)
    assert clients.add_client(con, "fresh", {"display_name": None}, admin).display_name == "fresh"
    assert clients.resolve_viewer(con, ALICE_EMAIL).clients == ("alice_client",)


def test_the_role_is_per_client(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """Carol advises alice_client and is herself the client bob_client: she edits the first only."""
    _two_clients(con, tmp_path)
    clients.grant(con, "carol@example.org", "advisor", "alice_client")
    clients.grant(con, "carol@example.org", "client", "bob_client")
    carol = clients.resolve_viewer(con, "carol@example.org")
    assert carol.clients == ("alice_client", "bob_client") and carol.advised == ("alice_client",)
    clients.add_note(con, "alice_client", "advising note", None, carol)
    for attempt in (
        lambda: clients.add_note(con, "bob_client", "a note on myself", None, carol),
        lambda: clients.update_client(con, "bob_client", {"status": "placed"}, carol),
    ):
        with pytest.raises(InputError, match="only the client's advisor"):
            attempt()
    assert [entry.client for entry in roster.roster(con, Scope(as_of=AS_OF), carol).clients] == ["alice_client"]
    assert not roster.against_caseload(con, Scope(as_of=AS_OF), "bob_client", carol).available


def test_a_mapping_confirmed_for_one_client_is_not_used_for_another(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    header = ["company", "role", "applied_on", "status"]
    rows = [["Acme", "Analyst", "2026-10-01", "Rejected"], ["Beta", "Analyst", "2026-10-02", "Rejected"]]
    bob = ingest_file(
        con, write_csv(tmp_path / "bob.csv", header, rows), client="bob", status_map={"Rejected": "offer"}
    )
    assert bob.ok
    alice = ingest_file(con, write_csv(tmp_path / "alice.csv", header, rows), client="alice")
    assert alice.ok and not any("mapping you confirmed" in note for note in alice.notes)
    outcomes_by_client = dict(
        con.execute("select client, list(distinct outcome) from application_facts(date '2026-11-01', 30) group by 1")
        .fetchall()
    )  # fmt: skip
    assert outcomes_by_client == {"bob": ["offer"], "alice": ["rejected"]}
    again = ingest_file(con, write_csv(tmp_path / "bob2.csv", header, rows[:1]), client="bob")
    assert any("mapping you confirmed" in note for note in again.notes)  # remembered for Bob himself


# ---------------------------------------------------------------- roster


def _documented_needs_attention(entry: roster.RosterEntry) -> bool:
    """A decision for the advisor this week (docs/advisors.md, "Roster"), written out independently: active,
    no accepted offer, and a failing part, a stalled search or ten follow-ups due this week."""
    piling = entry.follow_ups_due_this_week >= 10
    return entry.status == "active" and not entry.accepted_offers and bool(entry.failing or entry.stalled or piling)


def _documented_key(entry: roster.RosterEntry) -> tuple[Any, ...]:
    """The needs-attention ordering of docs/advisors.md, written out independently of pipelines/advisors/roster.py."""
    status_rank = ["active", "paused", "placed", "closed"].index(entry.status)
    return (status_rank, not _documented_needs_attention(entry), -len(entry.failing), not entry.stalled,
            -len(entry.at_risk), -entry.follow_ups_due, entry.display_name.lower())  # fmt: skip


def test_the_roster_orders_the_sample_caseload_as_documented(caseload_db: Path) -> None:
    con = connect(caseload_db)
    try:
        result = roster.roster(con, Scope(as_of=AS_OF))
    finally:
        con.close()
    entries = result.clients
    assert len(entries) == 20 and [entry.rank for entry in entries] == list(range(1, 21))
    assert [_documented_key(entry) for entry in entries] == sorted(_documented_key(entry) for entry in entries)
    # needing attention first; at risk alone never escalates; an accepted offer never needs attention
    assert [entry.needs_attention for entry in entries] == [_documented_needs_attention(e) for e in entries]
    attention = [entry.needs_attention for entry in entries]
    assert attention == sorted(attention, reverse=True) and result.needs_attention == sum(attention)
    assert any(entry.at_risk and not entry.needs_attention for entry in entries)
    assert any(entry.accepted_offers and (entry.failing or entry.at_risk) and not entry.needs_attention
               for entry in entries)  # fmt: skip
    # every failing verdict is the client's planted failure
    planted = CASELOAD_TRUTH["planted_failure"]["by_client"]
    failing = [entry for entry in entries if entry.failing]
    assert failing
    assert all(entry.failing == [planted[entry.client]] for entry in failing)
    assert all(planted[entry.client] != "none" for entry in failing)
    for entry in entries:
        rate = entry.response_rate
        assert rate["rate"] is not None and rate["low"] <= rate["rate"] <= rate["high"]
        assert entry.applications == 100 and entry.furthest_stage in analytics.FUNNEL_STAGES
        assert entry.advisor == "Sam Rivera" and entry.days_since_last_application is not None


def test_stalled_new_and_placed_clients_in_the_roster(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    rows = [[f"Co {i}", "Analyst", f"2026-08-{1 + i:02d}", "applied", "job_board", "retail", "v1"] for i in range(12)]
    ingest_file(con, write_csv(tmp_path / "stalled.csv", HEADER, rows), client="stalled")
    ingest_file(con, write_csv(tmp_path / "done.csv", HEADER, rows), client="done")
    clients.update_client(con, "done", {"status": "placed"})
    clients.add_client(con, "newcomer", {"display_name": "A newcomer"})
    entries = roster.roster(con, Scope(as_of=AS_OF)).clients
    by_name = {entry.client: entry for entry in entries}
    assert by_name["stalled"].stalled and by_name["stalled"].days_since_last_application == 81
    assert "no application for 81 days" in by_name["stalled"].reasons
    assert by_name["newcomer"].reasons == ["no applications up to 2026-11-01"]
    assert by_name["newcomer"].applications == 0
    assert by_name["newcomer"].response_rate == {"rate": None, "low": None, "high": None}
    assert entries[-1].client == "done" and not entries[-1].needs_attention
    assert by_name["done"].reasons == ["status: placed"]
    assert [entry.client for entry in roster.roster(con, Scope(as_of=AS_OF), advisor="nobody").clients] == []


def test_a_client_against_the_caseload(caseload_db: Path) -> None:
    con = connect(caseload_db)
    try:
        result = roster.against_caseload(con, Scope(as_of=AS_OF), "client_07_bruno")
        everyone = analytics.rates(con, Scope(as_of=AS_OF), ["client"])
        two = ("client_06_omar", "client_07_bruno")
        alone = roster.against_caseload(con, Scope(as_of=AS_OF), "client_07_bruno", Viewer("a@x", "advisor", two, two))
        as_client = roster.against_caseload(con, Scope(as_of=AS_OF), "client_07_bruno",
                                            Viewer("b@x", "client", ("client_07_bruno",)))  # fmt: skip
    finally:
        con.close()
    assert result.available and result.caseload_clients == 19 and result.compared_clients == 19
    rates = {group.group["client"]: group.response_rate["rate"] for group in everyone.groups}
    own = rates.pop("client_07_bruno")
    response = next(row for row in result.rates if row.metric == "response")
    assert response.rate == pytest.approx(own)
    expected = 100 * (sum(r < own for r in rates.values()) + sum(r == own for r in rates.values()) / 2) / 19
    assert response.percentile == pytest.approx(expected)
    assert response.distribution["min"] == pytest.approx(min(rates.values()))
    assert response.distribution["max"] == pytest.approx(max(rates.values()))
    # too few others: no percentile, and the reason says so; a client is never compared with others
    assert not alone.available and "a percentile needs 5" in alone.reason
    assert all(row.percentile is None for row in alone.rates)
    assert not as_client.available and as_client.rates == []


# ---------------------------------------------------------------- CLI


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    code = main([*argv, "--json"])
    payload = json.loads(capsys.readouterr().out)
    assert (code == 0) == payload["ok"], payload
    return payload


def test_cli_clients_notes_access(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    db = ["--db", str(db_path)]
    added = _json(capsys, "clients", "add", "vera", "--name", "Vera N", "--advisor", "Sam", "--started-on",
                  "2026-06-01", "--roles", "CSM", "--industries", "software", *db)  # fmt: skip
    assert added["client"]["display_name"] == "Vera N" and added["client"]["target_industries"] == "software"
    updated = _json(capsys, "clients", "update", "vera", "--advisor", "", "--status", "paused", *db)
    assert updated["client"]["advisor"] is None and updated["client"]["status"] == "paused"
    assert [entry["client"] for entry in _json(capsys, "clients", "list", *db)["clients"]] == ["vera"]
    note = _json(capsys, "notes", "add", "--client", "vera", "--text", "=1+2 first meeting", "--on", "2026-10-02", *db)
    assert note["note"]["body"] == "=1+2 first meeting" and note["note"]["noted_on"] == "2026-10-02"
    assert len(_json(capsys, "notes", "list", "--client", "vera", *db)["notes"]) == 1
    granted = _json(capsys, "access", "grant", "Sam@Example.org", "--role", "advisor", "--client", "vera", *db)
    assert granted == {"ok": True, "principal": "sam@example.org", "role": "advisor", "client": "vera", "granted": True}
    assert _json(capsys, "access", "list", *db)["grants"][0]["principal"] == "sam@example.org"
    assert _json(capsys, "access", "revoke", "sam@example.org", *db)["revoked"] == 1
    refused = _json(capsys, "notes", "add", "--client", "nobody", "--text", "x", *db)
    assert refused == {"ok": False, "error": "no client 'nobody' (see `bounceback clients list`)"}
    assert main(["clients", "update", "vera", "--status", "gone", *db]) == 1
    assert "not one of active" in capsys.readouterr().err


def test_cli_clients_import_names_a_bad_column(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    bad = write_csv(tmp_path / "clients.csv", ["client", "nickname"], [["a", "b"]])
    assert main(["clients", "import", str(bad), "--db", str(db_path)]) == 1
    assert "unknown column 'nickname'" in capsys.readouterr().err
    missing = write_csv(tmp_path / "noid.csv", ["display_name"], [["b"]])
    assert main(["clients", "import", str(missing), "--db", str(db_path)]) == 1
    assert "missing column: client" in capsys.readouterr().err


def test_cli_roster(capsys: pytest.CaptureFixture[str], caseload_db: Path) -> None:
    payload = _json(capsys, "roster", "--db", str(caseload_db), "--as-of", AS_OF.isoformat())
    assert len(payload["clients"]) == 20 and payload["clients"][0]["rank"] == 1
    assert set(payload["clients"][0]) >= {"client", "display_name", "advisor", "status", "applications",
        "last_activity_on", "days_since_last_application", "response_rate", "small", "furthest_stage", "worst_part",
        "failing", "at_risk", "follow_ups_due", "stalled", "needs_attention", "reasons", "rank",
        "follow_ups_due_this_week", "follow_ups_piling", "accepted_offers", "recorded"}  # fmt: skip
    assert payload["follow_ups_piling"] == 10
    inputs = {"outcomes", "channel", "referral", "follow_ups"}
    assert all(set(entry["recorded"]) >= inputs for entry in payload["clients"])
    assert main(["roster", "--db", str(caseload_db), "--as-of", AS_OF.isoformat()]) == 0
    human = capsys.readouterr().out
    assert human.startswith("20 clients,") and "failing: targets" in human
    assert _json(capsys, "roster", "--db", str(caseload_db), "--advisor", "Nobody")["clients"] == []


def test_a_big_roster_reports_its_progress_on_stderr(capsys: pytest.CaptureFixture[str], caseload_db: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    from pipelines.cli import advisors as cli_advisors

    calls: list[tuple[int, int]] = []
    con = connect(caseload_db)
    try:
        roster.roster(con, Scope(as_of=AS_OF), progress=lambda done, total: calls.append((done, total)))
    finally:
        con.close()
    assert calls == [(done, 20) for done in range(1, 21)]
    monkeypatch.setattr(cli_advisors, "PROGRESS_FROM", 10)
    assert main(["roster", "--db", str(caseload_db), "--as-of", AS_OF.isoformat(), "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["ok"]
    assert captured.err.splitlines() == [f"diagnosed {done} of 20 clients" for done in range(2, 21, 2)]


def test_cli_export_of_an_unknown_client_is_an_error(capsys: pytest.CaptureFixture[str], caseload_db: Path,
                                                     tmp_path: Path) -> None:  # fmt: skip
    out = tmp_path / "x.csv"
    assert main(["export", "--db", str(caseload_db), "--client", "client_99_nobody", "--out", str(out)]) == 1
    assert "no client 'client_99_nobody'" in capsys.readouterr().err and not out.exists()


def test_an_export_of_another_advisors_client_is_refused_not_empty(con: duckdb.DuckDBPyConnection,
                                                                   tmp_path: Path) -> None:  # fmt: skip
    _two_clients(con, tmp_path)
    alice = clients.resolve_viewer(con, "alice@example.org")
    for export in (lambda: outcomes.export_csv(con, io.StringIO(), "bob_client", alice),
                   lambda: outcomes.export_parquet(con, tmp_path / "pq", "bob_client", alice)):  # fmt: skip
        with pytest.raises(InputError, match="no client 'bob_client'"):
            export()
    assert not (tmp_path / "pq").exists()
    written = io.StringIO()
    assert outcomes.export_csv(con, written, "alice_client", alice) == 12 and "Acme 0" in written.getvalue()


def test_the_migration_registers_clients_of_an_older_database(tmp_path: Path) -> None:
    """A database from before migration 0004 gets a client record for every client it holds."""
    from pipelines.store.db import migrations

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create table schema_version (version integer primary key, name varchar, applied_at timestamp)")
    for version, name, sql in migrations():
        if version < 4:
            con.execute(sql)
            con.execute("insert into schema_version values (?, ?, current_timestamp)", [version, name])
    con.execute(
        "insert into applications (application_id, client, source, source_key, applied_on, content_hash)"
        " values ('a1', 'old_client', 'canonical', 'k1', date '2025-03-04', 'h'),"
        " ('a2', 'old_client', 'canonical', 'k2', date '2025-01-02', 'h')"
    )
    con.close()
    con = connect(path)  # migrates
    try:
        assert clients.list_clients(con)[0].to_json() | {"created_at": None, "updated_at": None} == {
            "client": "old_client", "display_name": "old_client", "advisor": None, "started_on": "2025-01-02",
            "target_roles": None, "target_industries": None, "status": "active", "created_at": None,
            "updated_at": None}  # fmt: skip
        assert LOCAL_VIEWER.may_see("old_client")
    finally:
        con.close()


def test_cli_report(capsys: pytest.CaptureFixture[str], caseload_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports" / "omar.html"
    payload = _json(capsys, "report", "--client", "client_06_omar", "--out", str(out), "--db", str(caseload_db),
                    "--as-of", AS_OF.isoformat())  # fmt: skip
    assert payload == {"ok": True, "out": str(out), "client": "client_06_omar", "bytes": out.stat().st_size}
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.count("<svg") >= 4 and "Omar (client 06)" in html
    refused = _json(capsys, "report", "--client", "nobody", "--out", str(tmp_path / "x.html"), "--db", str(caseload_db))
    assert refused["ok"] is False and "no client 'nobody'" in refused["error"]
    wrong = _json(capsys, "report", "--client", "client_06_omar", "--out", str(tmp_path / "x.pdf"),
                  "--db", str(caseload_db))  # fmt: skip
    assert wrong["ok"] is False and "HTML file" in wrong["error"]
    assert not (tmp_path / "x.html").exists() and not (tmp_path / "x.pdf").exists()


def test_follow_ups_due_agree_between_roster_and_followups(caseload_db: Path) -> None:
    con = connect(caseload_db)
    try:
        entries = roster.roster(con, Scope(as_of=AS_OF)).clients
        for entry in entries[:5]:
            found = analytics.followups(con, Scope(as_of=AS_OF, client=entry.client), due_limit=10)
            assert found.due_total == entry.follow_ups_due and len(found.due) == min(10, entry.follow_ups_due)
    finally:
        con.close()
    assert max(entry.follow_ups_due for entry in entries[:5]) > 10  # the limit is exercised


def test_the_roster_verdicts_are_the_clients_own_diagnosis(caseload_db: Path) -> None:
    """The roster cuts each client's facts from one load of the caseload: its verdicts must be exactly
    those of the client's own diagnosis (what the Client review and Overview pages show)."""
    from pipelines.analyse import diagnosis

    con = connect(caseload_db)
    try:
        entries = roster.roster(con, Scope(as_of=AS_OF)).clients
        for entry in entries:
            own = diagnosis.diagnose(con, Scope(as_of=AS_OF, client=entry.client)).to_json()["findings"]
            assert entry.failing == [f["area"] for f in own if f["verdict"] == "failing"], entry.client
            assert entry.at_risk == [f["area"] for f in own if f["verdict"] == "at risk"], entry.client
            worst = own[0] if own[0]["verdict"] in ("failing", "at risk") else None
            assert entry.worst_part == (None if worst is None else {"area": worst["area"],
                                                                       "verdict": worst["verdict"]})  # fmt: skip
    finally:
        con.close()
