"""The report's text: escaping, numbers, rates with their intervals, group labels, tables, times.

Every value that comes from the data or from people goes onto the page through `esc`; a cell of
`table` is text already made by these helpers.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from typing import Any

from pipelines.analyse import analytics

MAX_TABLE_ROWS = 50  # rows per table (breakdowns, follow-ups), so one odd field cannot fill 40 pages
DASH = "–"
TOO_EARLY = "too early"
NOT_RECORDED = analytics.NO_OUTCOMES


def esc(value: Any, empty: str = DASH) -> str:
    """Escaped text for the page; nothing (None, NaN, blank) is shown as a dash, never as "None"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return empty
    text = str(value).strip()
    return html.escape(text, quote=True) if text else empty


def finite(value: Any) -> float | None:
    """The value as a float, or None when there is none (None, NaN, infinite)."""
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) or math.isinf(number) else number


def percent(value: Any) -> str:
    """A share as a whole percent, "22%"; a dash when there is none."""
    number = finite(value)
    return DASH if number is None else f"{number:.0%}"


def rate_text(rate: dict[str, Any] | None, empty: str = DASH) -> str:
    """The rate and its 95 % interval, "22% (15–32%)"; `empty` when there is no rate yet."""
    if not rate or finite(rate.get("rate")) is None:
        return empty
    low, high = finite(rate.get("low")), finite(rate.get("high"))
    if low is None or high is None:
        return percent(rate["rate"])
    return f"{percent(rate['rate'])} ({percent(low)}{DASH}{percent(high)})"


def group_label(value: Any) -> str:
    """A group's name as shown (not escaped); a blank group is "(blank)"."""
    return "(blank)" if value is None or str(value).strip() == "" else str(value)


def table(headers: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> str:
    """A table from already-escaped cells; `numeric` columns are right-aligned."""
    numeric = numeric or set()
    head = "".join(f'<th scope="col"{" class=num" if i in numeric else ""}>{h}</th>' for i, h in enumerate(headers))
    cells = [
        "".join(f"<td{' class=num' if i in numeric else ''}>{cell}</td>" for i, cell in enumerate(row)) for row in rows
    ]
    body = "".join(f"<tr>{row}</tr>" for row in cells)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def when(moment: dt.datetime) -> str:
    """When, as "2026-11-01 09:30 UTC": minutes are enough, and the zone says whose clock."""
    zone = f" {moment.tzname()}" if moment.tzinfo is not None and moment.tzname() else ""
    return esc(moment.strftime("%Y-%m-%d %H:%M") + zone)
