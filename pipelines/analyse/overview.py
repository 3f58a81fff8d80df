"""The overview set on one load of the facts: the measures, the funnel, a rate table per field, timing."""

from __future__ import annotations

from typing import Any

import duckdb

from pipelines.analyse.facts import TEXT_COLUMNS, Prepared, prepare
from pipelines.analyse.funnel import funnel
from pipelines.analyse.measures import measures
from pipelines.analyse.rates import rates
from pipelines.analyse.scope import Scope
from pipelines.analyse.timing import timing

RATE_FIELDS = ("resume_version", "channel", "industry")  # the overview's rate tables


def analyse_all(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    rate_fields: tuple[str, ...] = RATE_FIELDS,
    prepared: Prepared | None = None,
) -> dict[str, Any]:
    """The overview set on one load of the facts: the measures, funnel, a rate table per field, timing."""
    if prepared is None or prepared.scope != scope or not set(rate_fields) <= prepared.columns:
        prepared = prepare(con, scope, tuple(name for name in rate_fields if name in TEXT_COLUMNS))
    return {
        "measures": measures(con, scope, prepared).to_json(),
        "funnel": funnel(con, scope, prepared),
        "rates": {name: rates(con, scope, [name], prepared) for name in rate_fields},
        "timing": timing(con, scope, [], prepared),
    }
