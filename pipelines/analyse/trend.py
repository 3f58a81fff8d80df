"""Applications, responses and rates per applied week or month, with intervals."""

from __future__ import annotations

from typing import Any

import duckdb

from pipelines.analyse.facts import Prepared, _empty, _facts, _recorded_keys, _recorded_overall
from pipelines.analyse.rates import _rates_rows
from pipelines.analyse.scope import Scope
from pipelines.errors import InputError


def trend(
    con: duckdb.DuckDBPyConnection, scope: Scope, every: str = "week", prepared: Prepared | None = None
) -> dict[str, Any]:
    """Applications, responses and rates per applied week or month, with intervals."""
    if every not in ("week", "month"):
        raise InputError(f"--every: expected week or month, not {every!r}")
    cur, total = _facts(con, scope, prepared, [])
    recorded = _recorded_overall(cur, scope, prepared)
    if total == 0:
        return _empty(scope, every=every, periods=[], **_recorded_keys(recorded))
    rows = _rates_rows(cur, [f"applied_{every}"], scope.window, recorded)
    periods = [{"period": row.pop("group")[f"applied_{every}"], **row} for row in rows]
    periods.sort(key=lambda row: row["period"])
    return {"scope": scope.to_json(), "applications": total, "no_data": False, "every": every, "periods": periods,
            **_recorded_keys(recorded)}  # fmt: skip
