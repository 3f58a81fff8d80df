"""The analysis commands: funnel, rates, timing, compare, trend, followups, diagnose and plan.

Each reads the database within one scope (the day looked from, the window, the filters) and prints
its payload as JSON or as text (pipelines/cli/analysis_text.py).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

import duckdb

from pipelines.analyse import analytics, diagnosis
from pipelines.analyse.assign import assign
from pipelines.analyse.plan import plan as weekly_plan
from pipelines.analyse.scope import Scope
from pipelines.cli import analysis_text
from pipelines.cli.output import print_json
from pipelines.cli.plan_text import print_plan
from pipelines.errors import InputError
from pipelines.load.columns import parse_assignments
from pipelines.results import JsonResult, as_json
from pipelines.store.db import connect, connect_memory, resolve_db_path

COMMANDS = ("funnel", "rates", "timing", "compare", "trend", "followups", "diagnose", "plan")

Printer = Callable[[dict[str, Any]], None]


def run_analysis(args: argparse.Namespace) -> int:
    """Run one analysis command (args.command, one of COMMANDS)."""
    scope = _scope(args)
    db_path = resolve_db_path(args.db)
    # read-write: an older database is upgraded, and its SQL models refreshed, before reading it
    con = connect(db_path) if db_path.exists() else connect_memory()
    try:
        result, human = _analyse(con, args, scope)
    finally:
        con.close()
    payload = as_json(result)
    if args.json:
        print_json({"ok": True, **payload})
    else:
        human(payload)
    return 0


def _analyse(
    con: duckdb.DuckDBPyConnection, args: argparse.Namespace, scope: Scope
) -> tuple[JsonResult | dict[str, Any], Printer]:
    """The command's payload, and the printer of its human output."""
    if args.command in ("funnel", "rates"):
        return _funnel_or_rates(con, args, scope)
    if args.command == "timing":
        return analytics.timing(con, scope, _fields(args.by)), analysis_text.print_timing
    if args.command == "compare":
        payload = analytics.compare(con, scope, args.by, args.metric, tuple(_fields(args.adjust_for)),
                                    randomised=args.randomised)
        return payload, analysis_text.print_compare
    if args.command == "trend":
        return analytics.trend(con, scope, args.every), analysis_text.print_trend
    if args.command == "followups":
        return analytics.followups(con, scope), analysis_text.print_followups
    if args.command == "plan":
        if not 1 <= args.next_n <= 500:
            raise InputError("--next must be between 1 and 500 applications")
        made = weekly_plan(con, scope, args.next_n)
        if args.assign:
            made = dataclasses.replace(made, assignments=assign(con, made))
        return made, print_plan
    return diagnosis.diagnose(con, scope), analysis_text.print_diagnose


def _funnel_or_rates(
    con: duckdb.DuckDBPyConnection, args: argparse.Namespace, scope: Scope
) -> tuple[JsonResult | dict[str, Any], Printer]:
    # the headline numbers above the table, from the same load of the facts
    by = _fields(args.by) if args.command == "rates" else []
    prepared = analytics.prepare(con, scope, tuple(analytics.check_fields(by, "--by")))
    measures = analytics.measures(con, scope, prepared).to_json()
    if args.command == "funnel":
        return analytics.funnel(con, scope, prepared), functools.partial(analysis_text.print_funnel, measures=measures)
    return analytics.rates(con, scope, by, prepared), functools.partial(analysis_text.print_rates, measures=measures)


def _scope(args: argparse.Namespace) -> Scope:
    return Scope(
        as_of=args.as_of or dt.date.today(),
        window=args.window,
        client=args.client,
        applied_from=args.applied_from,
        applied_to=args.applied_to,
        where=parse_assignments(args.where, "--where", name_first=True),
    )


def _fields(text: str) -> list[str]:
    """FIELD[,FIELD] as a list, blanks dropped."""
    return [name.strip() for name in text.split(",") if name.strip()]
