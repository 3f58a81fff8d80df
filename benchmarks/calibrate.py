"""Calibrate the diagnosis by simulation: searches drawn by coin-flip luck, looked at every week.

    python -m benchmarks.calibrate [--runs 1000] [--scenarios healthy,resume_gap,...] [--json]

Issue 15, "calibration you measure yourselves". Each scenario is `runs` seeded searches on one
calendar: the first application on START (a Monday), the last one a whole number of weeks later,
and nothing applied in the two weeks after it. Every search is looked at weekly, from week 8 (as of
the first application + 56 days) to two weeks after the last application, as its log stood on that
day: all searches of a scenario are clients of one DuckDB file, and each look diagnoses all of them
at once (`diagnosis.diagnose_each` with the look as the as-of date). Every event of the simulated
logs carries its date (a `ghosted` mark the day the application had had the window, each interview
round its own date), so a look sees only what had happened by then.

Scenarios and goals (exit code 1 when one is missed):

- `healthy`, the null: every channel, resume version, industry and cover letter answers 20 %
  (nothing to find), otherwise the healthy persona's funnel; ~8 applications a week for 20 weeks.
  Share of searches ever failing at any look <= 5 %; ever failing or at risk <= 25 %.
- planted failures, each persona of the generator with its default size and span (rounded to whole
  weeks), and `network` (the healthy persona with ~2 % referrals): the planted part named failing or
  at risk at the last look in >= 80 % of searches; printed with the median week it is first named.
- missing columns: the null's searches (the same seeds) without the `channel` column, without
  `referral` (and the referred applications' channel left blank, so referrals are recorded
  nowhere), without `followed_up_on`, and without outcomes (no status, stage dates or rounds: only
  applied dates, like a LinkedIn export). The null's two goals, and no failing or at-risk verdict,
  at any look, on a part whose input is missing (0 %).
- `healthy_persona`: the generator's own healthy persona (channels answer 6-50 %, follow-ups
  help), for information only.

Then issue 20's weekly plan against 50/50 (benchmarks/plan_sim.py: `min(runs, 500)` searches per
pace and setting, `--plan-searches` to change, 0 to skip); its goals are reported, never part of the
exit code.

Printed per scenario: the figures, their goals and a per-part breakdown of the verdicts at the last
look. `--json` prints the report as JSON instead (progress then goes to stderr). A small version
runs in the tests (tests/unit/analyse/test_diagnosis.py, tests/unit/analyse/test_calibrate.py).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import math
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from benchmarks import plan_sim
from pipelines.analyse import diagnosis
from pipelines.analyse.scope import Scope
from pipelines.load.ingest import ingest_file
from pipelines.store.db import connect
from sample_data.generator import (
    CHANNELS,
    DATE_COLUMNS,
    PersonaParams,
    generate_search,
    persona_params,
    table_to_csv_bytes,
)

DEFAULT_RUNS = 1000
START = dt.date(2026, 1, 5)  # a Monday: every scenario's first application
FIRST_LOOK_WEEK = 8  # the first look: as of the first application + 56 days
QUIET_WEEKS = 2  # the last look: two weeks after the last application
FLAGGED = ("failing", "at risk")
NOT_RECORDED = "not recorded"

# Which inputs (pipelines/analyse/recorded.py field names) each part reads: a part's input is missing when
# none of its own fields is recorded, or when outcomes are not (every part reads outcomes).
PART_READS: dict[str, tuple[str, ...]] = {
    "strategy": ("channel",),
    "resume": ("resume_version", "cover_letter"),
    "network": ("referral",),
    "targets": ("industry",),
    "interviews": ("outcomes",),
    "follow_up": ("follow_ups",),
}
GOALS = {
    "ever_failing": ("<=", 0.05),
    "ever_flagged": ("<=", 0.25),
    "named_last": (">=", 0.80),
    "missing_flagged": ("<=", 0.0),
}


def parts_missing(missing: Sequence[str]) -> list[str]:
    """The parts whose input a log without these fields lacks."""
    if "outcomes" in missing:
        return list(diagnosis.AREAS)
    return [part for part in diagnosis.AREAS if all(name in missing for name in PART_READS[part])]


# ---------------------------------------------------------------- the scenarios


def _null_params() -> PersonaParams:
    """Nothing to find: every channel, version, industry and letter answers 20 %."""
    healthy = persona_params("healthy")
    return dataclasses.replace(
        healthy,
        persona="healthy_null",
        id_prefix="hn",
        default_applications=160,
        search_span_days=141,
        channel_base_response=(0.20,) * len(healthy.channel_base_response),
        resume_multiplier=(1.0,) * len(healthy.resume_multiplier),
        industry_multiplier=(1.0,) * len(healthy.industry_multiplier),
        follow_up_boost=1.0,
        planted_failure={"area": "none", "detail": "Every channel, resume version, industry and cover letter"
                         " answers 20 %; follow-ups change nothing; the healthy persona's funnel."},
    )  # fmt: skip


NETWORK_REFERRAL_SHARE = 0.02


def _network_params() -> PersonaParams:
    """The healthy persona with ~2 % referrals: the share moved to job boards and company sites."""
    healthy = persona_params("healthy")
    shares = list(healthy.channel_share)
    referral, board, site = (CHANNELS.index(c) for c in ("referral", "job_board", "company_site"))
    moved = shares[referral] - NETWORK_REFERRAL_SHARE
    total = shares[board] + shares[site]
    for channel in (board, site):
        shares[channel] += moved * healthy.channel_share[channel] / total
    shares[referral] = NETWORK_REFERRAL_SHARE
    return dataclasses.replace(
        healthy,
        persona="network",
        id_prefix="nw",
        channel_share=tuple(shares),
        planted_failure={"area": "network", "detail": f"The healthy persona with {NETWORK_REFERRAL_SHARE:.0%} of"
                         " applications through referrals (the rest moved to job boards and company sites).",
                         "referral_share": NETWORK_REFERRAL_SHARE},
    )  # fmt: skip


@dataclasses.dataclass(frozen=True)
class Scenario:
    name: str
    kind: str  # null | planted | missing | info
    description: str
    params: Callable[[int], PersonaParams]  # per run (a persona's variants take turns)
    applications: int
    weeks: int  # the last application this many weeks after the first
    planted: str | None = None  # the part a planted failure is in
    missing: tuple[str, ...] = ()  # the inputs (recorded.py fields) the log lacks
    seeds: str = ""  # whose searches: the missing-column variants are the null's own searches

    @property
    def seed_name(self) -> str:
        return self.seeds or self.name


def _persona(persona: str) -> Callable[[int], PersonaParams]:
    variants = {"resume_gap": 2, "wrong_industry": 5}.get(persona, 1)
    return lambda run: persona_params(persona, run % variants)


def _weeks(span_days: int) -> int:
    """A persona's span (applications on span_days days) in whole weeks from first to last."""
    return max(FIRST_LOOK_WEEK - QUIET_WEEKS, round((span_days - 1) / 7))


def _planted(persona: str, part: str, what: str) -> Scenario:
    params = persona_params(persona)
    return Scenario(persona, "planted", what, _persona(persona), params.default_applications,
                    _weeks(params.search_span_days), planted=part)  # fmt: skip


_NULL = _null_params()
_NETWORK = _network_params()
_HEALTHY = persona_params("healthy")
NULL_WEEKS = 20
SCENARIOS: tuple[Scenario, ...] = (
    Scenario("healthy", "null", "nothing to find: every channel, resume version, industry and letter answers 20 %",
             lambda run: _NULL, _NULL.default_applications, NULL_WEEKS),
    _planted("resume_gap", "resume", "one resume version answers at 0.25x the other"),
    _planted("wrong_industry", "targets", "40 % of applications to an industry that answers at 0.03x"),
    Scenario("network", "planted", f"the healthy persona with {NETWORK_REFERRAL_SHARE:.0%} referrals",
             lambda run: _NETWORK, _NETWORK.default_applications, _weeks(_NETWORK.search_span_days),
             planted="network"),
    _planted("interview_stall", "interviews", "interviews almost never lead to a next round or an offer"),
    _planted("no_follow_up", "follow_up", "follows up on 5 % of applications; a follow-up would help 1.6x"),
    _planted("spray_and_pray", "strategy", "72 % one-click applications, which answer 4 %"),
    Scenario("no_channel", "missing", "the null's searches without the channel column",
             lambda run: _NULL, _NULL.default_applications, NULL_WEEKS, missing=("channel",), seeds="healthy"),
    Scenario("no_referral", "missing", "without the referral column, and referred applications' channel blank",
             lambda run: _NULL, _NULL.default_applications, NULL_WEEKS, missing=("referral",), seeds="healthy"),
    Scenario("no_follow_ups", "missing", "without the followed_up_on column",
             lambda run: _NULL, _NULL.default_applications, NULL_WEEKS, missing=("follow_ups",), seeds="healthy"),
    Scenario("no_outcomes", "missing", "no status, stage dates or rounds: only applied dates (a LinkedIn export)",
             lambda run: _NULL, _NULL.default_applications, NULL_WEEKS,
             missing=("outcomes", "interviews", "follow_ups"), seeds="healthy"),
    Scenario("healthy_persona", "info", "the generator's healthy persona (informational, no goal)",
             lambda run: _HEALTHY, _HEALTHY.default_applications, _weeks(_HEALTHY.search_span_days)),
)  # fmt: skip
BY_NAME = {scenario.name: scenario for scenario in SCENARIOS}


def calendar(scenario: Scenario) -> tuple[dt.date, dt.date, list[dt.date]]:
    """(first application, last application, the looks): weekly from week 8 to two weeks after."""
    last = START + dt.timedelta(weeks=scenario.weeks)
    looks = [START + dt.timedelta(weeks=week) for week in range(FIRST_LOOK_WEEK, scenario.weeks + QUIET_WEEKS + 1)]
    return START, last, looks


def client_name(scenario: Scenario, run: int) -> str:
    return f"{scenario.name}-{run:04d}"


def search_table(scenario: Scenario, run: int, as_of: dt.date | None = None) -> pa.Table:
    """Search `run` of a scenario as its log stood on `as_of` (default: the last look), with every
    column the scenario's log has; interview rounds as several dates in `interview_on`."""
    first, last, looks = calendar(scenario)
    seed = [zlib.crc32(scenario.seed_name.encode()), run]
    table = generate_search(scenario.params(run), seed=seed, first_applied_on=first, last_applied_on=last,
                            as_of=as_of or looks[-1], applications=scenario.applications,
                            client=client_name(scenario, run), id_prefix=f"r{run}-")  # fmt: skip
    dates = pc.cast(table.column("interview_dates"), pa.list_(pa.string()))
    rounds = pc.if_else(pc.greater(pc.list_value_length(dates), 0), pc.binary_join(dates, "; "), None)
    table = table.set_column(table.schema.get_field_index("interview_on"), "interview_on", rounds)
    table = table.drop_columns(["interview_dates"])
    return without_missing(table, scenario.missing)


def without_missing(table: pa.Table, missing: Sequence[str]) -> pa.Table:
    """The log without the columns that record `missing` (recorded.py field names)."""
    drop: list[str] = []
    if "channel" in missing:
        drop.append("channel")
    if "referral" in missing:
        # recorded nowhere: no referral column, and no channel saying so either
        channel = table.column("channel")
        blank = pc.if_else(pc.equal(channel, "referral"), pa.scalar(None, pa.string()), channel)
        table = table.set_column(table.schema.get_field_index("channel"), "channel", blank)
        drop.append("referral")
    if "follow_ups" in missing:
        drop.append("followed_up_on")
    if "outcomes" in missing:
        drop += ["status", "status_on", "interview_rounds", *(name for name in DATE_COLUMNS if name != "applied_on")]
    return table.drop_columns([name for name in dict.fromkeys(drop) if name in table.column_names])


def load(scenario: Scenario, runs: int, folder: Path) -> Any:
    """All searches of a scenario as clients of one DuckDB file; the open connection."""
    tables = [search_table(scenario, run) for run in range(runs)]
    path = folder / f"{scenario.name}.csv"
    table = pa.concat_tables(tables)
    path.write_bytes(table_to_csv_bytes(table, table.column_names))
    con = connect(folder / f"{scenario.name}.duckdb")
    result = ingest_file(con, path, progress=False)
    if result.status != "loaded" or result.rejected:
        raise RuntimeError(f"{scenario.name}: the load {result.status}, {result.rejected} rejected: {result.message}")
    return con


# ---------------------------------------------------------------- looking week by week


def look(scenario: Scenario, runs: int, folder: Path) -> dict[str, Any]:
    """Every search at every look: verdicts[run][look][part], the top finding at the last look,
    and the `recorded` map of each search at the last look (when the diagnosis gives one)."""
    first, _, looks = calendar(scenario)
    con = load(scenario, runs, folder)
    clients = [client_name(scenario, run) for run in range(runs)]
    verdicts = np.empty((runs, len(looks), len(diagnosis.AREAS)), dtype=object)
    top: list[str | None] = [None] * runs
    recorded: list[dict[str, bool] | None] = [None] * runs
    try:
        for k, day in enumerate(looks):
            results = diagnosis.diagnose_each(con, Scope(as_of=day, allowed=None))
            for run, client in enumerate(clients):
                result = results.get(client)
                findings = {f.area: f.verdict for f in result.findings} if result else {}
                for p, part in enumerate(diagnosis.AREAS):
                    verdicts[run, k, p] = findings.get(part, "absent")
                if k == len(looks) - 1 and result:
                    head = result.findings[0]
                    top[run] = head.area if head.verdict in FLAGGED else None
                    recorded[run] = result.recorded.to_json()
    finally:
        con.close()
    return {"verdicts": verdicts, "looks": looks, "weeks": [(day - first).days // 7 for day in looks],
            "top": top, "recorded": recorded}  # fmt: skip


def _goal(figure: str, value: float) -> dict[str, Any]:
    op, bound = GOALS[figure]
    met = value <= bound + 1e-12 if op == "<=" else value >= bound - 1e-12
    return {"figure": figure, "value": value, "goal": f"{op} {bound:g}", "met": bool(met)}


def _median_week(first_named: list[float]) -> float | None:
    """The median week a part is first named, counting searches never named as later than any
    look; None when more than half never are."""
    median = float(np.median(first_named)) if first_named else math.inf
    return None if math.isinf(median) else median


def figures(scenario: Scenario, seen: dict[str, Any]) -> dict[str, Any]:
    verdicts: np.ndarray = seen["verdicts"]
    runs = verdicts.shape[0]
    flagged = np.isin(verdicts, FLAGGED)
    failing = verdicts == "failing"
    # every verdict the diagnosis has, and any other one seen ("absent": a part missing from a result)
    seen_verdicts = list(dict.fromkeys([*diagnosis.VERDICTS, NOT_RECORDED, *sorted(set(verdicts.ravel()))]))
    last = verdicts[:, -1, :]
    report: dict[str, Any] = {
        "scenario": scenario.name,
        "kind": scenario.kind,
        "description": scenario.description,
        "searches": runs,
        "applications_per_search": scenario.applications,
        "first_applied_on": calendar(scenario)[0].isoformat(),
        "last_applied_on": calendar(scenario)[1].isoformat(),
        "looks": [day.isoformat() for day in seen["looks"]],
        "look_weeks": seen["weeks"],
        "ever_failing": float(failing.any(axis=(1, 2)).mean()),
        "ever_flagged": float(flagged.any(axis=(1, 2)).mean()),
        "failing_last": float(failing[:, -1, :].any(axis=1).mean()),
        "flagged_last": float(flagged[:, -1, :].any(axis=1).mean()),
        "by_part_last_look": {
            part: {v: float((last[:, p] == v).mean()) for v in seen_verdicts} for p, part in enumerate(diagnosis.AREAS)
        },
        "by_part_ever_flagged": {
            part: float(flagged[:, :, p].any(axis=1).mean()) for p, part in enumerate(diagnosis.AREAS)
        },
    }  # fmt: skip
    goals: list[dict[str, Any]] = []
    if scenario.kind in ("null", "missing"):
        goals += [_goal("ever_failing", report["ever_failing"]), _goal("ever_flagged", report["ever_flagged"])]
    if scenario.planted:
        p = diagnosis.AREAS.index(scenario.planted)
        named = flagged[:, :, p]
        first_named = [seen["weeks"][int(np.argmax(row))] if row.any() else math.inf for row in named]
        others = [q for q in range(len(diagnosis.AREAS)) if q != p]
        report.update({
            "planted_part": scenario.planted,
            "named_last": float(named[:, -1].mean()),
            "failing_last_planted": float(failing[:, -1, p].mean()),
            "named_ever": float(named.any(axis=1).mean()),
            "median_week_first_named": _median_week(first_named),
            "top_last": float(np.mean([t == scenario.planted for t in seen["top"]])),
            "other_part_failing_ever": float(failing[:, :, others].any(axis=(1, 2)).mean()),
        })  # fmt: skip
        goals.append(_goal("named_last", report["named_last"]))
    if scenario.missing:
        parts = parts_missing(scenario.missing)
        idx = [diagnosis.AREAS.index(part) for part in parts]
        report.update({
            "missing_inputs": list(scenario.missing),
            "missing_parts": parts,
            "missing_flagged": float(flagged[:, :, idx].any(axis=(1, 2)).mean()),
            # informational until every diagnosis marks them: the missing parts say "not recorded"
            "missing_not_recorded_last": float((last[:, idx] == NOT_RECORDED).all(axis=1).mean()),
        })  # fmt: skip
        maps = seen["recorded"]
        if all(m is not None for m in maps):
            report["recorded_says_missing"] = float(np.mean(
                [all(not m.get(name, True) for name in scenario.missing) for m in maps]))  # fmt: skip
        goals.append(_goal("missing_flagged", report["missing_flagged"]))
    report["goals"] = goals
    report["meets_goals"] = all(goal["met"] for goal in goals)
    return report


def run_scenario(scenario: Scenario, runs: int, folder: Path) -> dict[str, Any]:
    started = time.perf_counter()
    report = figures(scenario, look(scenario, runs, folder))
    report["seconds"] = round(time.perf_counter() - started, 1)
    return report


# ---------------------------------------------------------------- the report


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _goal_text(goal: dict[str, Any]) -> str:
    op, bound = GOALS[goal["figure"]]
    return f"goal {'≤' if op == '<=' else '≥'} {bound:.0%} {'met' if goal['met'] else 'MISSED'}"


def describe(report: dict[str, Any]) -> list[str]:
    goals = {goal["figure"]: goal for goal in report["goals"]}

    def line(label: str, figure: str) -> str:
        text = f"    {label:<44}{_pct(report[figure]):>7}"
        return text + (f"   {_goal_text(goals[figure])}" if figure in goals else "")

    weeks = report["look_weeks"]
    lines = [
        f"{report['scenario']} ({report['kind']}): {report['description']}",
        f"    {report['searches']} searches of {report['applications_per_search']} applications,"
        f" {report['first_applied_on']} to {report['last_applied_on']};"
        f" {len(weeks)} weekly looks, weeks {weeks[0]}-{weeks[-1]} ({report['seconds']} s)",
    ]
    if report["kind"] in ("null", "missing", "info"):
        lines += [line("ever failing, at any look", "ever_failing"),
                  line("ever failing or at risk, at any look", "ever_flagged")]  # fmt: skip
    if report.get("planted_part"):
        week = report["median_week_first_named"]
        lines += [
            line(f"{report['planted_part']} named failing or at risk, last look", "named_last"),
            line(f"{report['planted_part']} failing, last look", "failing_last_planted"),
            line(f"{report['planted_part']} named at any look", "named_ever"),
            f"    {'median week first named':<44}{'never' if week is None else f'{week:g}':>7}",
            line(f"{report['planted_part']} the top finding, last look", "top_last"),
            line("another part failing, at any look", "other_part_failing_ever"),
        ]
    if report.get("missing_parts"):
        lines += [
            line(f"failing/at risk on {', '.join(report['missing_parts'])}, any look", "missing_flagged"),
            line("those parts 'not recorded', last look", "missing_not_recorded_last"),
        ]
        if "recorded_says_missing" in report:
            lines.append(line(f"recorded map: {', '.join(report['missing_inputs'])} not recorded",
                              "recorded_says_missing"))  # fmt: skip
    lines.append("    ever failing or at risk, by part: " + ", ".join(
        f"{part} {share:.1%}" for part, share in report["by_part_ever_flagged"].items()))  # fmt: skip
    lines.append("    verdicts at the last look (share of searches):")
    for part, shares in report["by_part_last_look"].items():
        lines.append(f"      {part:<11}" + "  ".join(f"{v} {share:5.1%}" for v, share in shares.items()))
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help=f"searches per scenario ({DEFAULT_RUNS})")
    parser.add_argument("--scenarios", default=",".join(BY_NAME), help="comma-separated (default: all)")
    parser.add_argument("--plan-searches", type=int, default=None,
                        help="searches per pace and setting of the plan simulation"
                        f" (min(runs, {plan_sim.DEFAULT_SEARCHES})); 0 skips it")  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    plan_searches = min(args.runs, plan_sim.DEFAULT_SEARCHES) if args.plan_searches is None else args.plan_searches
    names = [name.strip() for name in args.scenarios.split(",") if name.strip()]
    unknown = [name for name in names if name not in BY_NAME]
    if unknown or args.runs < 1:
        parser.error(f"unknown scenario {unknown[0]!r} (scenarios: {', '.join(BY_NAME)})" if unknown else "--runs >= 1")
    progress = sys.stderr if args.json else sys.stdout
    print(f"Calibration: {args.runs} searches per scenario, each looked at weekly from week {FIRST_LOOK_WEEK}"
          f" to {QUIET_WEEKS} weeks after its last application.", file=progress, flush=True)  # fmt: skip
    started = time.perf_counter()
    reports = []
    with tempfile.TemporaryDirectory(prefix="bounceback-calibrate-") as folder:
        for name in names:
            report = run_scenario(BY_NAME[name], args.runs, Path(folder))
            reports.append(report)
            if args.json:
                print(f"{name}: {report['seconds']} s", file=progress, flush=True)
            else:
                print("\n".join(describe(report)), file=progress, flush=True)
    plan: dict[str, Any] | None = None
    if plan_searches > 0:
        plan = plan_sim.run(plan_searches)
        if args.json:
            print(f"plan: {plan['seconds']} s", file=progress, flush=True)
        else:
            print("\n".join(plan_sim.describe(plan)), file=progress, flush=True)
    missed = [f"{r['scenario']} {g['figure']}" for r in reports for g in r["goals"] if not g["met"]]
    seconds = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps({"runs": args.runs, "first_look_week": FIRST_LOOK_WEEK, "quiet_weeks": QUIET_WEEKS,
                          "window": Scope().window, "goals": {k: f"{op} {b:g}" for k, (op, b) in GOALS.items()},
                          "scenarios": reports, "plan": plan, "missed": missed, "meets_goals": not missed,
                          "seconds": seconds},
                         indent=2))  # fmt: skip
    else:
        print(f"\n{'all goals met' if not missed else f'{len(missed)} goals missed: ' + '; '.join(missed)}"
              f"{'' if plan is None else ' (the plan goals are reported above, apart)'} ({seconds} s)")  # fmt: skip
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
