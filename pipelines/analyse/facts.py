"""The facts every analysis reads: the temp table `facts` of a scope's applications (loaded once and
shared by several analyses through Prepared and its Memo), what the log records, and the small
result helpers the analyses share.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import duckdb

from pipelines import sqltext
from pipelines.analyse import stats
from pipelines.analyse.recorded import Recorded, recorded_by
from pipelines.analyse.scope import GROUP_FIELDS, Scope, _where_value, _whose, check_fields
from pipelines.errors import InputError
from pipelines.rows import one_value
from pipelines.sqltext import Sql, compose, fixed, join
from pipelines.store.db import translate_errors

if TYPE_CHECKING:
    from pipelines.analyse.measures import Measures
    from pipelines.analyse.rates import RateGroup


# facts every analysis reads; the text fields only when grouped by (a narrow table is quicker)
BASE_COLUMNS = (
    "application_id", "applied_on", "age_days", "responded", "days_to_first_response", "called_back",
    "interviewed", "interview_rounds", "last_interview_on", "offered", "accepted", "followed_up", "first_follow_up_on",
    "rejected_on", "closed_on", "last_event_on", "undated_response", "outcome", "settled",
)  # fmt: skip
TEXT_COLUMNS = ("resume_version", "channel", "industry", "role", "seniority", "cover_letter", "referral",
                "location", "company", "client", "source")  # fmt: skip
FACT_COLUMNS = frozenset((*BASE_COLUMNS, *TEXT_COLUMNS))  # the columns `facts` may select


@dataclass
class Memo:
    """Results that depend on one Prepared's facts only, computed once for all its analyses."""

    recorded: dict[Any, Recorded] | None = None
    recorded_by_client: dict[Any, Recorded] | None = None
    measures: Measures | None = None
    overall: RateGroup | None = None


@dataclass
class Prepared:
    """Facts loaded once on one cursor, for several analyses of the same scope (see analyse_all)."""

    cur: duckdb.DuckDBPyConnection
    scope: Scope
    total: int
    columns: frozenset[str]
    # results that depend on these facts only (the overall rates), computed once for all analyses
    memo: Memo = field(default_factory=Memo)


def prepare(con: duckdb.DuckDBPyConnection, scope: Scope, fields: tuple[str, ...] = TEXT_COLUMNS) -> Prepared:
    cur = con.cursor()
    total = load_facts(cur, scope, fields)
    return Prepared(cur=cur, scope=scope, total=total, columns=frozenset(fields))


def _facts(
    con: duckdb.DuckDBPyConnection, scope: Scope, prepared: Prepared | None, fields: list[str]
) -> tuple[duckdb.DuckDBPyConnection, int]:
    """The facts for one analysis: the prepared ones when they fit, else freshly loaded."""
    needed = {name for name in fields if name in TEXT_COLUMNS}
    if prepared is not None and prepared.scope == scope and needed <= prepared.columns:
        return prepared.cur, prepared.total
    cur = con.cursor()
    return cur, load_facts(cur, scope, tuple(needed))


def load_facts(cur: duckdb.DuckDBPyConnection, scope: Scope, fields: tuple[str, ...] = TEXT_COLUMNS) -> int:
    """Temp table `facts`: the scope's applications as of its date, with the base columns and the
    text `fields` asked for. Returns how many applications there are."""
    if scope.window < 1:
        raise InputError("--window must be at least 1 day")
    conditions, params = _scope_conditions(scope)
    columns = sqltext.names([*BASE_COLUMNS, *(name for name in TEXT_COLUMNS if name in fields)], FACT_COLUMNS)
    query = compose(
        """
            create or replace temp table facts as
            select {columns},
                -- answered within the window (an undated answer is taken to be within it)
                responded and (undated_response or coalesce(days_to_first_response <= $window, true))
                    as answered_in_window,
                case
                    when accepted then 5 when offered then 4 when interviewed then 3 when called_back then 2
                    when responded then 1 else 0
                end as funnel_level
            from application_facts(cast($as_of as date), $window)
            where {conditions}
            """,
        columns=columns,
        conditions=join(conditions, " and "),
    )
    with translate_errors("reading the applications failed"):
        cur.execute(query, params)
        return int(one_value(cur.execute("select count(*) from facts")))


def _scope_conditions(scope: Scope) -> tuple[list[Sql], dict[str, Any]]:
    """The conditions (and their parameters, $as_of and $window included) on which applications
    the scope's facts hold: whose, applied when, and the --where values (each a parameter)."""
    check_fields(list(scope.where), "--where")
    conditions, params = _whose(scope)
    params["window"] = scope.window
    if scope.applied_from is not None:
        conditions.append(fixed("applied_on >= $applied_from"))
        params["applied_from"] = scope.applied_from
    if scope.applied_to is not None:
        conditions.append(fixed("applied_on <= $applied_to"))
        params["applied_to"] = scope.applied_to
    for index, (name, text) in enumerate(scope.where.items()):
        conditions.append(compose("{field} is not distinct from $where{index}", field=GROUP_FIELDS[name], index=index))
        params[f"where{index}"] = _where_value(name, text)
    return conditions, params


def _rate(successes: int, n: int) -> dict[str, Any]:
    low, high = stats.wilson_interval(successes, n)
    return {"rate": successes / n if n else None, "low": low if n else None, "high": high if n else None, "n": n}


def _empty(scope: Scope, **extra: Any) -> dict[str, Any]:
    return {"scope": scope.to_json(), "applications": 0, "no_data": True, **extra}


def _unrecorded(rate: dict[str, Any]) -> dict[str, Any]:
    """A rate the log cannot tell (no outcomes recorded): null, with its denominator kept."""
    return {**rate, "rate": None, "low": None, "high": None}


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def recorded_map(
    cur: duckdb.DuckDBPyConnection, scope: Scope, prepared: Prepared | None, by_client: bool = False
) -> dict[Any, Recorded]:
    """What the scope's log records (pipelines/analyse/recorded.py): keyed '' for the whole scope, or by
    client. Once per prepared facts."""
    memo = prepared.memo if prepared is not None and cur is prepared.cur else None
    if memo is not None:
        remembered = memo.recorded_by_client if by_client else memo.recorded
        if remembered is not None:
            return remembered
    found = recorded_by(cur, client=scope.client, allowed=scope.allowed, by="client" if by_client else None)
    if memo is not None:
        if by_client:
            memo.recorded_by_client = found
        else:
            memo.recorded = found
    return found


def _recorded_overall(cur: duckdb.DuckDBPyConnection, scope: Scope, prepared: Prepared | None) -> Recorded:
    return recorded_map(cur, scope, prepared).get("", Recorded())


def _recorded_keys(recorded: Recorded) -> dict[str, Any]:
    return {"recorded": recorded.to_json(), "outcomes_recorded": recorded.outcomes}
