"""Analytics on real DuckDB files: definitions, censoring, Simpson's paradox, personas, properties."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import duckdb
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.analyse import analytics
from pipelines.analyse.recorded import FIELDS
from pipelines.analyse.scope import Scope
from pipelines.cli.commands import main
from pipelines.load.ingest import ingest_file
from pipelines.store.db import connect, refresh_application_stages
from tests.conftest import sample_files, write_csv

AS_OF = dt.date(2026, 11, 1)
HEADER = ["application_id", "company", "role", "channel", "resume_version", "industry", "applied_on", "status",
          "responded_on"]  # fmt: skip


def _load(con: duckdb.DuckDBPyConnection, path: Path, rows: list[list[object]]) -> None:
    result = ingest_file(con, write_csv(path, HEADER, rows))
    assert result.status == "loaded" and result.rejected == 0, (result.message, result.rejects[:3])


def _simpson_rows() -> list[list[object]]:
    """Referral A 8/10, B 70/100; cold A 20/100, B 1/10: pooled B looks better, within channels A is."""
    rows: list[list[object]] = []
    applied = AS_OF - dt.timedelta(days=90)
    for channel, variant, answered, total in (
        ("referral", "A", 8, 10),
        ("referral", "B", 70, 100),
        ("job_board", "A", 20, 100),
        ("job_board", "B", 1, 10),
    ):
        for i in range(total):
            replied = i < answered
            rows.append(
                [
                    f"{channel}-{variant}-{i}",
                    f"Co {channel} {variant} {i}",
                    "Analyst",
                    channel,
                    variant,
                    "tech",
                    applied.isoformat(),
                    "rejected" if replied else "ghosted",
                    (applied + dt.timedelta(days=5)).isoformat() if replied else None,
                ]
            )
    return rows


def test_compare_warns_about_simpsons_paradox(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    _load(con, tmp_path / "simpson.csv", _simpson_rows())
    result = analytics.compare(con, Scope(as_of=AS_OF), by="resume_version", adjust_for=("channel",))
    rates = {v.variant: v.rate["rate"] for v in result.variants}
    assert rates["A"] == pytest.approx(28 / 110) and rates["B"] == pytest.approx(71 / 110)
    (pair,) = result.pairs
    assert {pair.a, pair.b} == {"A", "B"}
    assert pair.adjusted is not None
    odds = pair.adjusted["odds_ratio"]
    a_vs_b = odds if pair.a == "A" else 1 / odds
    assert a_vs_b == pytest.approx(1.909, abs=1e-3)
    assert pair.warning is not None and "Simpson" in pair.warning
    best = {v.variant: v.prob_best for v in result.variants}
    assert best["B"] > 0.99  # on the raw numbers B is best: the warning is what keeps this honest


def test_censoring_aware_rate_recovers_the_true_rate(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    # a true 30-day response rate of 0.30, applications spread evenly over the last 60 days
    rng = np.random.default_rng(7)
    n = 4000
    ages = rng.integers(0, 60, n)
    answers = rng.random(n) < 0.30
    delays = rng.integers(1, 29, n)
    rows = []
    for i in range(n):
        applied = AS_OF - dt.timedelta(days=int(ages[i]))
        seen = bool(answers[i]) and delays[i] <= ages[i]
        responded = (applied + dt.timedelta(days=int(delays[i]))).isoformat() if seen else None
        rows.append([f"s{i}", f"Co{i}", "R", "job_board", "v1", "tech", applied.isoformat(),
                     "response" if seen else "applied", responded])  # fmt: skip
    _load(con, tmp_path / "censored.csv", rows)
    overall = analytics.rates(con, Scope(as_of=AS_OF), []).overall
    assert overall is not None
    naive = overall.responses / overall.applications
    assert naive == pytest.approx(0.22, abs=0.03)  # what counting pending as failures would say
    assert overall.response_rate["rate"] == pytest.approx(0.30, abs=0.03)
    assert overall.response_rate["low"] < 0.30 < overall.response_rate["high"]
    assert overall.response_rate_settled["rate"] == pytest.approx(0.30, abs=0.04)


@pytest.mark.parametrize("path", sample_files(), ids=lambda p: p.stem)
def test_personas_estimates_cover_the_true_rates(db_path: Path, path: Path) -> None:
    truth = json.loads(path.with_suffix(".truth.json").read_text(encoding="utf-8"))
    con = connect(db_path)
    assert ingest_file(con, path).status == "loaded"
    scope = Scope(as_of=dt.date.fromisoformat(truth["as_of"]), window=truth["window_days"])
    covered = checked = 0
    for field_name, groups in truth["by"].items():
        if field_name == "followed_up":
            continue  # the logged follow-up is biased by design; see test_followups_landmark
        result = analytics.rates(con, scope, [field_name])
        for row in result.groups:
            value = row.group[field_name]
            expected = groups.get(str(value))
            if expected is None or row.settled < 30:
                continue
            for metric, rate in (("response", row.response_rate), ("callback", row.callback_rate)):
                checked += 1
                covered += rate["low"] <= expected[metric] <= rate["high"]
    con.close()
    assert checked >= 4
    assert covered / checked >= 0.8, f"{covered}/{checked} intervals cover the true rate"


def test_followups_landmark_covers_the_true_effect_across_personas(tmp_path: Path) -> None:
    covered = checked = 0
    for path in sample_files():
        truth = json.loads(path.with_suffix(".truth.json").read_text(encoding="utf-8"))
        if "follow_up_landmark" not in truth:
            continue  # the caseload mixes personas: no single landmark truth
        con = connect(tmp_path / f"{path.stem}.duckdb")
        ingest_file(con, path)
        effect = analytics.followups(con, Scope(as_of=dt.date.fromisoformat(truth["as_of"]))).effect
        con.close()
        assert effect is not None and effect.landmark_day == truth["follow_up_landmark"]["day"]
        for ours, theirs in ((effect.followed_up, "yes"), (effect.not_followed_up, "no")):
            if ours["n"] >= 30:
                checked += 1
                expected = truth["follow_up_landmark"][theirs]["response_after_landmark"]
                covered += ours["low"] <= expected <= ours["high"]
    assert checked >= 6
    assert covered / checked >= 0.8, f"{covered}/{checked} intervals cover the true landmark rate"


@pytest.mark.parametrize("command", ["funnel", "rates", "timing", "compare", "trend", "followups"])
def test_every_command_on_an_empty_database(capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str) -> None:
    db = tmp_path / "empty.duckdb"
    connect(db).close()
    assert main([command, "--db", str(db), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["ok"] is True and payload["no_data"] is True and payload["applications"] == 0
    assert main([command, "--db", str(db)]) == 0
    assert "no data" in capsys.readouterr().out


@pytest.mark.parametrize("command", ["funnel", "rates", "timing", "compare", "trend", "followups"])
def test_every_command_on_every_persona_with_filters(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    db = tmp_path / "p.duckdb"
    con = connect(db)
    for path in sample_files():
        ingest_file(con, path, client=path.stem if path.stem != "advisor_caseload" else None)
    con.close()
    base = [command, "--db", str(db), "--as-of", "2026-11-01", "--json"]
    for extra in ([], ["--client", "resume_gap"], ["--from", "2026-09-01", "--to", "2026-10-15"],
                  ["--where", "channel=referral", "--where", "referral=yes"], ["--client", "nobody"]):  # fmt: skip
        assert main(base + extra) == 0, extra
        payload = json.loads(capsys.readouterr().out)
        assert payload["no_data"] is (extra == ["--client", "nobody"])
    text = json.dumps(payload)
    assert "NaN" not in text and "Infinity" not in text


def test_filters_narrow_the_scope(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    _load(con, tmp_path / "s.csv", _simpson_rows())
    everything = analytics.funnel(con, Scope(as_of=AS_OF)).applications
    referral = analytics.funnel(con, Scope(as_of=AS_OF, where={"channel": "referral"})).applications
    assert (everything, referral) == (220, 110)
    with pytest.raises(Exception, match="unknown field 'colour'"):
        analytics.rates(con, Scope(as_of=AS_OF, where={"colour": "red"}), [])


def _random_rows(draw: st.DrawFn) -> list[list[object]]:
    n = draw(st.integers(1, 40))
    rows = []
    for i in range(n):
        age = draw(st.integers(0, 90))
        applied = AS_OF - dt.timedelta(days=age)
        status = draw(st.sampled_from(["applied", "rejected", "interview", "offer", "ghosted", "screen", "accepted"]))
        delay = draw(st.integers(0, 40))
        responded = applied + dt.timedelta(days=delay) if status != "applied" and delay <= age else None
        if responded is None and status != "applied":
            status = "ghosted"
        rows.append([f"r{i}", f"Co{i}", "R", draw(st.sampled_from(["referral", "job_board", "company_site"])),
                     draw(st.sampled_from(["v1", "v2", None])), "tech", applied.isoformat(), status,
                     responded.isoformat() if responded else None])  # fmt: skip
    return rows


# each example builds two databases: a third of the profile's examples (40 -> 13; thorough: 333)
@settings(max_examples=max(10, settings().max_examples // 3))
@given(st.data())
def test_properties_of_rates_and_funnel(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    rows = data.draw(st.composite(_random_rows)())
    folder = tmp_path_factory.mktemp("prop")
    con = connect(folder / "a.duckdb")
    _load(con, folder / "a.csv", rows)
    scope = Scope(as_of=AS_OF)
    result = analytics.rates(con, scope, ["channel", "resume_version"])
    funnel = analytics.funnel(con, scope)
    assert sum(group.applications for group in result.groups) == result.applications == len(rows)
    assert result.overall is not None
    for row in [result.overall, *result.groups]:
        for rate in (row.response_rate, row.response_rate_settled, row.callback_rate, row.interview_rate,
                     row.offer_rate):  # fmt: skip
            if rate["rate"] is None:
                continue
            assert 0 <= rate["low"] <= rate["rate"] <= rate["high"] <= 1
    counts = [stage.count for stage in funnel.stages]
    assert counts == sorted(counts, reverse=True)
    con.close()
    # the same rows in another order, in another database: the same numbers
    shuffled = list(rows)
    random.Random(1).shuffle(shuffled)
    other = connect(folder / "b.duckdb")
    _load(other, folder / "b.csv", shuffled)
    again = analytics.rates(other, scope, ["channel", "resume_version"])
    assert _comparable(again) == _comparable(result)
    # re-importing the same file changes nothing
    ingest_file(other, folder / "b.csv")
    assert _comparable(analytics.rates(other, scope, ["channel", "resume_version"])) == _comparable(result)
    other.close()


def _comparable(result: analytics.Rates) -> str:
    payload = result.to_json()
    groups = sorted(payload["groups"], key=lambda g: json.dumps(g["group"], sort_keys=True))
    return json.dumps({"overall": payload["overall"], "groups": groups}, sort_keys=True)


RECORDED_KEYS = {"recorded", "outcomes_recorded"}
CONTRACT = {
    "funnel": {"stages", "flows", "outcomes", "step_conversion_label", "stale_days"} | RECORDED_KEYS,
    "rates": {"by", "overall", "groups", "small_group_threshold"} | RECORDED_KEYS,
    "timing": {"by", "groups"} | RECORDED_KEYS,
    "compare": {"by", "metric", "adjusted_for", "variants", "variants_omitted", "pairs"},
    "trend": {"every", "periods"} | RECORDED_KEYS,
    "followups": {"effect", "due", "due_total"},
}
RATE_KEYS = {"rate", "low", "high", "n"}


def test_json_contract_of_the_analytics_commands(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "c.duckdb"
    con = connect(db)
    ingest_file(con, next(p for p in sample_files() if p.stem == "resume_gap"))
    con.close()
    payloads = {}
    for command, keys in CONTRACT.items():
        assert main([command, "--db", str(db), "--as-of", "2026-11-01", "--json", *(
            ["--by", "resume_version"] if command in ("rates", "timing") else [])]) == 0  # fmt: skip
        payload = json.loads(capsys.readouterr().out)
        assert set(payload) == {"ok", "scope", "applications", "no_data"} | keys, command
        assert set(payload["scope"]) == {"as_of", "window", "client", "applied_from", "applied_to", "where"}
        payloads[command] = payload
    stage = payloads["funnel"]["stages"][1]
    assert set(stage) == {"stage", "count", "share_of_applied", "step_conversion", "label"}
    assert set(stage["step_conversion"]) == RATE_KEYS
    group = payloads["rates"]["groups"][0]
    assert set(group) == {"group", "applications", "responses", "pending", "settled", "small", "response_rate",
                          "response_rate_settled", "callback_rate", "interview_rate", "offer_rate",
                          "outcomes_recorded"}  # fmt: skip
    assert set(payloads["rates"]["recorded"]) == set(FIELDS)
    assert all(payloads[command]["outcomes_recorded"] is True for command in ("funnel", "rates", "timing", "trend"))
    assert set(group["response_rate"]) == {"rate", "low", "high", "method", "followed_days"}
    timing_group = payloads["timing"]["groups"][0]
    assert {"ghosting_rate", "outcomes_recorded"} <= set(timing_group)
    assert set(timing_group["first_response"]) == {"median_days", "median_low", "median_high", "curve"}
    pair = payloads["compare"]["pairs"][0]
    assert set(pair) == {"a", "b", "difference", "p_value", "p_holm", "adjusted", "needed_per_variant", "warning"}
    assert set(pair["adjusted"]) == {"odds_ratio", "ci_low", "ci_high", "p_value", "strata_used"}
    assert set(payloads["compare"]["variants"][0]) == {"variant", "applications", "settled", "successes", "small",
                                                      "rate", "prob_best"}  # fmt: skip
    assert "period" in payloads["trend"]["periods"][0]
    assert set(payloads["followups"]["effect"]) == {"landmark_day", "followed_up", "not_followed_up", "p_value",
                                                   "small", "undated_follow_ups"}  # fmt: skip
    assert set(payloads["followups"]["due"][0]) == {"application_id", "client", "company", "role", "applied_on",
                                                   "age_days", "last_interview_on", "reason", "priority"}  # fmt: skip


def _canonical(con: duckdb.DuckDBPyConnection, path: Path, header: list[str], rows: list[list[object]]) -> None:
    result = ingest_file(con, write_csv(path, header, rows))
    assert result.status == "loaded" and result.rejected == 0, (result.message, result.rejects[:3])


def _days_ago(days: int) -> str:
    return (AS_OF - dt.timedelta(days=days)).isoformat()


def test_a_group_too_recent_for_the_window_has_no_rate_yet(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    rows = [[f"C{i}", "R", _days_ago(i % 10), "applied" if i % 3 else "rejected", None if i % 3 else _days_ago(0)]
            for i in range(30)]  # fmt: skip
    _canonical(con, tmp_path / "recent.csv", ["company", "role", "applied_on", "status", "rejected_on"], rows)
    overall = analytics.rates(con, Scope(as_of=AS_OF), []).overall
    assert overall is not None
    assert overall.response_rate["rate"] is None and overall.response_rate["followed_days"] < 30
    assert overall.pending == 20


def test_undated_replies_withdrawals_and_yes_no_follow_ups(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    header = [
        "company",
        "role",
        "applied_on",
        "status",
        "interview_on",
        "rejected_on",
        "withdrawn_on",
        "followed_up_on",
    ]
    rows = [
        # an interview without a date, then a dated rejection on day 60: answered within the window
        ["Undated", "R", _days_ago(90), "rejected", "y", _days_ago(30), None, None],
        # withdrawn on day 1, never answered: not ghosted, censored on day 1 for the rejection clock
        *[[f"W{i}", "R", _days_ago(90), "withdrawn", None, None, _days_ago(89), None] for i in range(10)],
        *[[f"J{i}", "R", _days_ago(90), "rejected", None, _days_ago(50), None, None] for i in range(10)],
        # followed up, date unknown
        *[[f"F{i}", "R", _days_ago(90), "applied", None, None, None, "yes"] for i in range(5)],
    ]
    _canonical(con, tmp_path / "mixed.csv", header, rows)
    scope = Scope(as_of=AS_OF)
    undated = analytics.rates(con, scope, ["company"])
    by_company = {g.group["company"]: g for g in undated.groups}
    assert by_company["Undated"].response_rate_settled["rate"] == 1.0
    timing = analytics.timing(con, scope, []).groups[0]
    assert timing.rejection.median_days == 40  # withdrawn applications do not wait for a rejection
    assert timing.ghosting_rate["rate"] == pytest.approx(5 / 26)  # only the five never answered
    effect = analytics.followups(con, scope).effect
    assert effect is not None and effect.undated_follow_ups == 5 and effect.followed_up["n"] == 0
    assert analytics.followups(con, Scope(as_of=AS_OF, window=14)).effect is None


def test_compare_gives_no_chance_to_a_variant_without_evidence_and_no_warning_for_noise(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    header = ["company", "role", "channel", "resume_version", "applied_on", "status", "responded_on"]
    rows = []
    for i in range(40):
        variant, channel = ("v1", "referral") if i < 20 else ("v2", "job_board")
        answered = i % 4 == 0
        rows.append([f"C{i}", "R", channel if i % 5 else "company_site", variant, _days_ago(60),
                     "rejected" if answered else "ghosted", _days_ago(55) if answered else None])  # fmt: skip
    rows += [[f"N{i}", "R", "referral", "v3", _days_ago(2), "applied", None] for i in range(5)]
    _canonical(con, tmp_path / "cmp.csv", header, rows)
    result = analytics.compare(con, Scope(as_of=AS_OF), by="resume_version")
    chances = {v.variant: v.prob_best for v in result.variants}
    assert chances["v3"] is None and chances["v1"] == pytest.approx(0.5, abs=0.02)
    assert all(pair.warning is None for pair in result.pairs)


def test_funnel_steps_are_among_settled_applications(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    rows = [[f"S{i}", "R", _days_ago(60), "rejected" if i < 5 else "ghosted", _days_ago(50) if i < 5 else None]
            for i in range(10)]  # fmt: skip
    rows += [[f"P{i}", "R", _days_ago(3), "applied", None] for i in range(10)]
    _canonical(con, tmp_path / "f.csv", ["company", "role", "applied_on", "status", "rejected_on"], rows)
    responded = analytics.funnel(con, Scope(as_of=AS_OF)).stages[1]
    assert responded.step_conversion is not None
    assert responded.count == 5 and responded.step_conversion["rate"] == 0.5  # not 5/20


STAGE_HEADER = ["company", "role", "applied_on", "status", "interview_on", "offer_on", "rejected_on"]


def test_an_answer_followed_by_nothing_for_60_days_ends_as_no_further_answer(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    stale, fresh = analytics.STALE_DAYS, analytics.STALE_DAYS - 1
    assert stale == 60  # docs/definitions.md, "Definitions", says 60 days
    rows = [
        ["Stale interview", "R", _days_ago(100), "interview", _days_ago(stale), None, None],
        ["Fresh interview", "R", _days_ago(100), "interview", _days_ago(fresh), None, None],
        ["Stale offer", "R", _days_ago(120), "offer", _days_ago(100), _days_ago(stale + 5), None],
        ["Fresh offer", "R", _days_ago(120), "offer", _days_ago(100), _days_ago(10), None],
        ["Old rejection", "R", _days_ago(120), "rejected", None, None, _days_ago(100)],
        # no event has a date: the applied date is the last news
        ["Undated, stale", "R", _days_ago(stale), "interview", None, None, None],
        ["Undated, fresh", "R", _days_ago(fresh), "interview", None, None, None],
    ]
    _canonical(con, tmp_path / "stale.csv", STAGE_HEADER, rows)
    outcomes = dict(con.execute(f"select company, outcome from application_facts(date '{AS_OF}', 30)").fetchall())
    assert outcomes == {
        "Stale interview": "no_further_answer", "Fresh interview": "in_progress",
        "Stale offer": "no_further_answer", "Fresh offer": "offer", "Old rejection": "rejected",
        "Undated, stale": "no_further_answer", "Undated, fresh": "in_progress",
    }  # fmt: skip
    result = analytics.funnel(con, Scope(as_of=AS_OF))
    assert result.outcomes["no_further_answer"] == 3 and result.stale_days == 60
    assert result.to_json()["stale_days"] == 60
    ends = {(flow["from"], flow["to"]): flow["count"] for flow in result.flows}
    # the Sankey ends them in "no further answer", never "still open"
    assert ends[("interview", "no_further_answer")] == 2 and ends[("offer", "no_further_answer")] == 1
    assert ends[("interview", "still open")] == 2 and ends[("offer", "still open")] == 1
    # an application that has gone quiet is no longer due a "no news since the interview" follow-up
    due = {item.company for item in analytics.followups(con, Scope(as_of=AS_OF)).due}
    assert "Stale interview" not in due and "Fresh interview" in due
    # the stored stage sums do not depend on the as-of date: 30 days earlier, the interview was
    # recent news, and the later offer had not come yet (its interview was 70 days old)
    earlier = dict(
        con.execute(
            f"select company, outcome from application_facts(date '{AS_OF - dt.timedelta(days=30)}', 30)"
        ).fetchall()
    )
    assert earlier["Stale interview"] == "in_progress" and earlier["Fresh offer"] == "no_further_answer"


def test_a_log_without_outcomes_has_no_rates(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """A LinkedIn export records applications only: its rates are unknown, not 0 %, and nobody was
    ghosted 100 % of the time."""
    rows = [[f"C{i}", "R", _days_ago(5 + i * 3), "applied", None, None, None] for i in range(40)]
    _canonical(con, tmp_path / "linkedin-like.csv", STAGE_HEADER, rows)
    scope = Scope(as_of=AS_OF)
    measured = analytics.measures(con, scope)
    assert measured.outcomes_recorded is False and measured.applications == 40
    assert measured.response_rate["rate"] is None and measured.response_rate_settled["rate"] is None
    assert measured.answered_share is None and measured.to_json()["outcomes_recorded"] is False
    overall = analytics.rates(con, scope, [])
    assert overall.outcomes_recorded is False and overall.recorded.outcomes is False
    assert overall.to_json()["outcomes_recorded"] is False and overall.to_json()["recorded"]["outcomes"] is False
    assert overall.overall is not None
    for key in ("response_rate", "response_rate_settled", "callback_rate", "interview_rate", "offer_rate"):
        assert overall.overall.rates()[key]["rate"] is None, key
    assert overall.overall.response_rate_settled["n"] == overall.overall.settled > 0
    ghosting = analytics.timing(con, scope, []).groups[0].ghosting_rate
    assert ghosting["rate"] is None and ghosting["n"] > 0
    funnel = analytics.funnel(con, scope)
    assert funnel.outcomes_recorded is False and funnel.to_json()["outcomes_recorded"] is False
    assert [stage.share_of_applied for stage in funnel.stages] == [1.0, None, None, None, None, None]
    assert all(stage.step_conversion is not None and stage.step_conversion["rate"] is None
               for stage in funnel.stages[1:])  # fmt: skip
    assert all(period.response_rate["rate"] is None for period in analytics.trend(con, scope).periods)
    # one recorded rejection: the log records outcomes, and the rates are numbers again
    _canonical(con, tmp_path / "one.csv", STAGE_HEADER, [["Late", "R", _days_ago(50), "rejected", None, None,
                                                          _days_ago(45)]])  # fmt: skip
    again = analytics.rates(con, scope, [])
    assert again.outcomes_recorded is True
    assert again.overall is not None and again.overall.response_rate_settled["rate"] > 0


def test_measures_of_each_client_equal_their_own(db_path: Path) -> None:
    con = connect(db_path)
    result = ingest_file(con, next(p for p in sample_files() if p.stem == "advisor_caseload"))
    assert result.status == "loaded"
    # one client's log without outcomes: their rates are null, the others' are not
    con.execute(
        "delete from events where event <> 'applied' and application_id in"
        " (select application_id from applications where client = 'client_01_vera')"
    )
    refresh_application_stages(con.cursor())
    scope = Scope(as_of=AS_OF)
    each = analytics.measures_each(con, scope)
    assert len(each) == 20
    for client, found in each.items():
        own = analytics.measures(con, Scope(as_of=AS_OF, client=client))
        assert found.to_json() == own.to_json(), client
    assert each["client_01_vera"].outcomes_recorded is False
    assert each["client_01_vera"].response_rate["rate"] is None
    by_client = {g.group["client"]: g for g in analytics.rates(con, scope, ["client"]).groups}
    assert by_client["client_01_vera"].response_rate_settled["rate"] is None
    assert by_client["client_02_ivan"].response_rate_settled["rate"] is not None
    con.close()


def test_both_response_rates_place_an_undated_answer_alike(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """An answer without a date counts as one within the window (its day is unknown), also when a
    later answer is dated (a sheet's "Rejected" beside a reply date 50 days on): the headline and the
    settled-only rate agree on it. A reply dated day 50 alone is answered, but not within 30 days."""
    header = ["company", "role", "applied_on", "status", "responded_on"]
    rows = [["Undated then dated", "R", _days_ago(80), "rejected", _days_ago(30)],
            ["Late", "R", _days_ago(80), "response", _days_ago(30)]]  # fmt: skip
    rows += [[f"Silent {i}", "R", _days_ago(80), "ghosted", None] for i in range(8)]
    _canonical(con, tmp_path / "late.csv", header, rows)
    measured = analytics.measures(con, Scope(as_of=AS_OF))
    assert measured.answered == 2 and measured.answered_share == 0.2
    # every application has had the window: the Kaplan-Meier rate is the settled share
    assert measured.response_rate_settled["rate"] == 0.1
    assert measured.response_rate["rate"] == pytest.approx(0.1)
