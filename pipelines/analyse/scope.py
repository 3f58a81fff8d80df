"""Which applications an analysis covers: the Scope, the --by / --where fields (an allowlist), the
window and group-size constants, and what a filter can offer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import duckdb

from pipelines.errors import InputError
from pipelines.sqltext import Sql, compose, fixed, join
from pipelines.store.db import translate_errors

DEFAULT_WINDOW = 30
SMALL_GROUP = 10  # settled applications below this: the group is flagged, its verdicts are weak

# --by / --where fields: name -> SQL over the facts table (an allowlist: no user text becomes SQL)
GROUP_FIELDS: dict[str, Sql] = {
    "resume_version": fixed("resume_version"),
    "channel": fixed("channel"),
    "industry": fixed("industry"),
    "role": fixed("role"),
    "seniority": fixed("seniority"),
    "cover_letter": fixed("cover_letter"),
    "referral": fixed("referral"),
    "followed_up": fixed("followed_up"),
    "location": fixed("location"),
    "company": fixed("company"),
    "client": fixed("client"),
    "source": fixed("source"),
    "applied_week": fixed("cast(date_trunc('week', applied_on) as date)"),
    "applied_month": fixed("cast(date_trunc('month', applied_on) as date)"),
}
BOOLEAN_FIELDS = {"cover_letter", "referral", "followed_up"}
FUNNEL_STAGES = ("applied", "responded", "screen", "interview", "offer", "accepted")
METRICS = ("response", "callback", "interview", "offer")
# an answer (or an offer) followed by nothing for this many days has ended: outcome no_further_answer
# (pipelines/store/sql/models/application_facts.sql holds the same number;
# tests/unit/analyse/test_analytics.py checks both)
STALE_DAYS = 60
MAX_VARIANTS = 12  # compare: the variants with the most settled applications; the rest are counted


@dataclass
class Scope:
    """Which applications, seen from which date."""

    as_of: dt.date = field(default_factory=dt.date.today)
    window: int = DEFAULT_WINDOW
    client: str | None = None
    applied_from: dt.date | None = None
    applied_to: dt.date | None = None
    where: dict[str, str] = field(default_factory=dict)
    # the clients the viewer may see (pipelines/advisors/clients.py Viewer.clients); None: every client
    allowed: tuple[str, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        # field by field, not asdict: that deep-copies `allowed`, thousands of clients for a roster,
        # and who may see what is not part of the result anyway
        def iso(value: dt.date | None) -> str | None:
            return value.isoformat() if value else None

        return {"as_of": iso(self.as_of), "window": self.window, "client": self.client,
                "applied_from": iso(self.applied_from), "applied_to": iso(self.applied_to),
                "where": dict(self.where)}  # fmt: skip


def check_fields(names: list[str], option: str) -> list[str]:
    unknown = [name for name in names if name not in GROUP_FIELDS]
    if unknown:
        raise InputError(f"{option}: unknown field {unknown[0]!r} (fields: {', '.join(GROUP_FIELDS)})")
    if len(set(names)) != len(names):
        raise InputError(f"{option}: a field is named twice")
    return names


def _where_value(name: str, text: str) -> Any:
    if name in BOOLEAN_FIELDS:
        folded = text.strip().lower()
        if folded in ("yes", "y", "true", "1"):
            return True
        if folded in ("no", "n", "false", "0"):
            return False
        raise InputError(f"--where {name}={text}: {name} is yes or no")
    if name in ("applied_week", "applied_month"):
        try:
            return dt.date.fromisoformat(text)
        except ValueError as e:
            raise InputError(f"--where {name}={text}: expected the period's first day, YYYY-MM-DD") from e
    return text


def _whose(scope: Scope) -> tuple[list[Sql], dict[str, Any]]:
    """The conditions (and their parameters) on whose applications a scope covers: its client, and
    only the clients its viewer may see. Parameters include $as_of."""
    conditions = [fixed("true")]
    params: dict[str, Any] = {"as_of": scope.as_of}
    if scope.client is not None:
        conditions.append(fixed("client = $client"))
        params["client"] = scope.client
    if scope.allowed is not None:
        conditions.append(fixed("list_contains($allowed, client)"))
        params["allowed"] = list(scope.allowed)
    return conditions, params


def field_values(con: duckdb.DuckDBPyConnection, scope: Scope, fields: tuple[str, ...]) -> dict[str, list[str]]:
    """The values each text field takes among the scope's applications (client, visible clients,
    applied by as-of): what a filter can offer. Read from `applications` directly, one cheap
    distinct per field, not from the facts."""
    check_fields(list(fields), "fields")
    conditions, params = _whose(scope)
    conditions.append(fixed("applied_on <= $as_of"))
    whose = join(conditions, " and ")
    values: dict[str, list[str]] = {}
    cur = con.cursor()
    with translate_errors("reading the applications failed"):
        for name in fields:
            query = compose(
                "select distinct cast({column} as varchar) from applications"
                " where {whose} and {column} is not null order by 1",
                column=GROUP_FIELDS[name],
                whose=whose,
            )
            rows = cur.execute(query, params).fetchall()
            values[name] = [row[0] for row in rows]
    return values
