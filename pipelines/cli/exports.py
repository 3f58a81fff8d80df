"""The commands that write files other than the database: `bounceback export` and `bounceback sample`."""

from __future__ import annotations

import argparse
import datetime as dt

from pipelines.advisors.clients import get_client
from pipelines.cli.output import print_json
from pipelines.errors import BouncebackError
from pipelines.store.db import connect, resolve_db_path
from pipelines.words import counted


def run_export(args: argparse.Namespace) -> int:
    """The loaded applications as CSV or XLSX (--out), or every table as Parquet (--parquet)."""
    from pipelines.advisors import outcomes

    if args.parquet is not None:
        return _export_parquet(args)
    suffix = args.out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise BouncebackError(f"--out {args.out}: the file must end in .csv or .xlsx")
    db_path = resolve_db_path(args.db)
    con = connect(db_path)
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        writer = outcomes.export_csv if suffix == ".csv" else outcomes.export_xlsx
        if args.client is not None:
            get_client(con, args.client)  # a typo is an error, not an empty file
        rows = writer(con, args.out, args.client)
    finally:
        con.close()
    payload = {"ok": True, "out": str(args.out), "format": suffix[1:], "client": args.client, "applications": rows}
    if args.json:
        print_json(payload)
    else:
        print(f"wrote {counted(rows, 'application')} to {args.out} (cells that read like formulas start with a quote)")
    return 0


def _export_parquet(args: argparse.Namespace) -> int:
    from pipelines.advisors import outcomes

    con = connect(resolve_db_path(args.db))
    try:
        if args.client is not None:
            get_client(con, args.client)
        tables = outcomes.export_parquet(con, args.parquet, args.client)
    finally:
        con.close()
    payload = {"ok": True, "out": str(args.parquet), "format": "parquet", "client": args.client,
               "applications": tables["applications"], "tables": tables}  # fmt: skip
    if args.json:
        print_json(payload)
    else:
        written = ", ".join(f"{name} {rows:,}" for name, rows in tables.items())
        print(f"wrote Parquet, partitioned by client, to {args.parquet}: {written} rows")
    return 0


def run_sample(args: argparse.Namespace) -> int:
    """A generated job search (a persona) as CSV, with its true rates beside it (.truth.json)."""
    from sample_data.generator import PERSONAS, write_sample

    if args.persona not in PERSONAS:
        raise BouncebackError(f"unknown persona {args.persona!r} (expected one of: {', '.join(PERSONAS)})")
    if args.applications is not None and args.applications < 1:
        raise BouncebackError("--applications must be at least 1")
    as_of = args.as_of or dt.date.today()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    truth = write_sample(args.persona, args.out, seed=args.seed, as_of=as_of, applications=args.applications)
    payload = {
        "persona": args.persona,
        "seed": args.seed,
        "as_of": as_of.isoformat(),
        "out": str(args.out),
        "truth": str(args.out.with_suffix(".truth.json")),
        "applications": truth.get("applications"),
    }
    if args.json:
        print_json(payload)
    else:
        print(
            f"wrote {counted(payload['applications'], 'application')} ({args.persona}, seed {args.seed}, "
            f"as of {payload['as_of']}) to {args.out}; true rates in {payload['truth']}"
        )
    return 0
