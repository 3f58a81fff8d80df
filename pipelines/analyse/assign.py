"""`bounceback plan --assign`: draw the resume version of each of the next N applications, and keep
the draws (table assignments), so that the applications sent with them can be compared without the
channel, the week or the mood deciding which version went where (docs/plan.md, randomised sends).

The draw is seeded by the client and the day: the same plan drawn again the same day gives the same
list, and replaces that day's set rather than adding a second one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import duckdb

from pipelines.analyse import bandit
from pipelines.analyse.plan import Plan
from pipelines.errors import InputError
from pipelines.store.db import rollback, translate_errors

FIELD = "resume_version"


def _seed(client: str, day: str) -> int:
    return int(hashlib.sha256(f"{client}\n{day}".encode()).hexdigest()[:12], 16)


def _only_client(cur: duckdb.DuckDBPyConnection) -> str:
    clients = [row[0] for row in cur.execute("select distinct client from applications order by 1 limit 2").fetchall()]
    if len(clients) != 1:
        raise InputError("--assign draws for one search: name it with --client")
    return str(clients[0])


def record_draws(cur: duckdb.DuckDBPyConnection, client: str, day: dt.date, versions: list[str], seed: int) -> None:
    """Keep one day's draws (in the caller's transaction), replacing that day's set."""
    cur.execute("delete from assignments where client = ? and drawn_on = ? and field = ?", [client, day, FIELD])
    cur.execute(
        "insert into assignments select $client, $day, unnest(cast($numbers as integer[])), $field,"
        " unnest(cast($values as varchar[])), $seed",
        {"client": client, "day": day, "numbers": list(range(1, len(versions) + 1)), "field": FIELD,
         "values": versions, "seed": seed},
    )


def assign(con: duckdb.DuckDBPyConnection, made: Plan) -> list[dict[str, Any]]:
    """Draw and record the versions of the plan's next N applications: [{"number", "version"}]."""
    choice = made.choices[FIELD]
    if not choice.recorded or len(choice.choice.arms) < 2:
        raise InputError("--assign needs a log that records at least two resume versions and their outcomes")
    cur = con.cursor()
    client = made.scope.client or _only_client(cur)
    day = made.scope.as_of.isoformat()
    seed = _seed(client, day)
    names = [arm.arm.name for arm in choice.choice.arms]
    drawn = bandit.draw_assignments([arm.share for arm in choice.choice.arms], names, made.next_n, seed)
    with translate_errors("recording the draws failed"):
        cur.execute("begin transaction")
        try:
            record_draws(cur, client, made.scope.as_of, drawn, seed)
            cur.execute("commit")
        except BaseException:
            rollback(cur)
            raise
    return [{"number": number, "version": version} for number, version in enumerate(drawn, start=1)]
