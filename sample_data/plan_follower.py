"""A sample search that follows the weekly plan (issue 20), for `make demo`:

    python -m sample_data.plan_follower --db .demo/bounceback.duckdb [--client plan_follower] [--seed 7]

Sixteen weeks back from today, each Monday the person asks the plan (pipelines/analyse/bandit.py) for
the week's eight applications, on what their log knew that morning, and sends each with the resume
version drawn for it; the draws are kept as `plan --assign` keeps them (table assignments). Version
v2 truly answers 22 % of the time, v1 12 %. An answer comes 3 to 28 days after the application: a
screening call for about a third, a rejection for the rest; answers after today are not in the log.
The log is written as a canonical CSV and loaded like any file, so the Next week page and
`compare --randomised` have randomised sends to read.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import pathlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pipelines.analyse import bandit
from pipelines.analyse.assign import record_draws
from pipelines.load.ingest import ingest_file
from pipelines.store.db import connect

TRUE_RATES = {"v1": 0.12, "v2": 0.22}
WEEKS = 16
PACE = 8
WINDOW = 30
COMPANIES = ("Alder", "Birch", "Cedar", "Dogwood", "Elm", "Fir", "Ginkgo", "Hazel", "Juniper", "Larch", "Maple",
             "Oak", "Pine", "Rowan", "Spruce", "Willow")
KINDS = ("Analytics", "Labs", "Health", "Logistics", "Bank", "Software")
ROLES = ("Data Analyst", "Business Intelligence Analyst", "Analytics Engineer")
CHANNELS = ("job_board", "company_site", "referral")
HEADER = ("client", "application_id", "company", "role", "channel", "resume_version", "applied_on", "status",
          "screen_on", "rejected_on")


@dataclass
class _Sent:
    number: int
    version: str
    applied_on: dt.date
    answer_on: dt.date | None
    answer: str | None  # screen | rejected


def _arms(sent: Sequence[_Sent], day: dt.date) -> list[bandit.Arm]:
    """What the log shows on `day`, as the plan's arms (pipelines/analyse/plan.py counts the same way)."""
    arms = []
    for version in TRUE_RATES:
        mine = [s for s in sent if s.version == version and s.applied_on < day]
        answered = [s for s in mine if s.answer_on is not None and s.answer_on <= day]
        settled = [s for s in mine if (day - s.applied_on).days >= WINDOW]
        pending = [s for s in mine if s not in settled and s not in answered]
        exposure = float(len(settled) + len([s for s in answered if s not in settled]))
        exposure += sum(min((day - s.applied_on).days, WINDOW) / WINDOW for s in pending)
        settled_answered = sum(1 for s in settled if s in answered)
        arms.append(bandit.Arm(version, len(answered), exposure, len(settled), settled_answered))
    return arms


def simulate(seed: int, today: dt.date) -> tuple[list[_Sent], list[tuple[dt.date, list[str], int]]]:
    """The sends and each Monday's draws (day, versions in order, seed)."""
    rng = np.random.default_rng(seed)
    first_monday = today - dt.timedelta(days=today.weekday() + 7 * WEEKS)
    sent: list[_Sent] = []
    draws = []
    for week in range(WEEKS):
        monday = first_monday + dt.timedelta(days=7 * week)
        choice = bandit.plan_choice(_arms(sent, monday), next_n=PACE, pace=PACE, window=WINDOW, draws=20_000)
        week_seed = int(hashlib.sha256(f"{seed}\n{monday}".encode()).hexdigest()[:12], 16)
        versions = bandit.draw_assignments([a.share for a in choice.arms], [a.arm.name for a in choice.arms],
                                           PACE, week_seed)
        draws.append((monday, versions, week_seed))
        for index, version in enumerate(versions):
            applied = monday + dt.timedelta(days=index * 5 // PACE)  # Monday to Friday, in the drawn order
            answered = rng.random() < TRUE_RATES[version]
            answer_on = applied + dt.timedelta(days=int(rng.integers(3, 29))) if answered else None
            answer = ("screen" if rng.random() < 0.35 else "rejected") if answered else None
            sent.append(_Sent(len(sent) + 1, version, applied, answer_on, answer))
    return sent, draws


def write_log(sent: Sequence[_Sent], client: str, today: dt.date, path: pathlib.Path, seed: int) -> None:
    rng = np.random.default_rng(seed + 1)
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for s in sent:
            company = f"{COMPANIES[int(rng.integers(len(COMPANIES)))]} {KINDS[int(rng.integers(len(KINDS)))]}"
            known = s.answer_on is not None and s.answer_on <= today  # an answer after today has not come yet
            status = s.answer if known else "applied"
            out.writerow([client, f"pf-{s.number:04d}", company, ROLES[int(rng.integers(len(ROLES)))],
                          CHANNELS[int(rng.integers(len(CHANNELS)))], s.version, s.applied_on.isoformat(),
                          status, s.answer_on.isoformat() if known and s.answer == "screen" and s.answer_on else "",
                          s.answer_on.isoformat() if known and s.answer == "rejected" and s.answer_on else ""])


def load(db: pathlib.Path, client: str, seed: int, today: dt.date, folder: pathlib.Path,
         file_name: str | None = None) -> int:
    """Simulate, write the log into `folder` (as `file_name`, default CLIENT.csv), load it and keep the
    draws; the applications loaded."""
    sent, draws = simulate(seed, today)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (file_name or f"{client}.csv")
    write_log(sent, client, today, path, seed)
    con = connect(db)
    try:
        result = ingest_file(con, path, client=client)
        if result.status != "loaded":
            raise SystemExit(f"{path}: {result.message}")
        cur = con.cursor()
        cur.execute("begin transaction")
        cur.execute("delete from assignments where client = ?", [client])  # the simulation's draws, all anew
        for day, versions, week_seed in draws:
            record_draws(cur, client, day, versions, week_seed)
        cur.execute("commit")
        return result.inserted
    finally:
        con.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, type=pathlib.Path)
    parser.add_argument("--client", default="plan_follower")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path(".demo/samples"))
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today())
    args = parser.parse_args(argv)
    loaded = load(args.db, args.client, args.seed, args.today, args.out)
    print(f"{args.client}: {loaded} applications sent by the weekly plan, their draws kept")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
