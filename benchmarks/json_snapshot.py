"""The `--json` of every CLI command on every sample persona and the caseload, to keep a move honest.

    python -m benchmarks.json_snapshot write DIR     # before a restructure
    python -m benchmarks.json_snapshot compare DIR   # after it: byte for byte, floats within 1e-12

The snapshot keeps each object's keys in the order the command printed them, and `compare` checks
that order too: a move that reorders keys changes the printed bytes.

Issue 17 moves the code into rooms without changing behaviour; this is the proof. Each persona is
loaded into a fresh database and every read command runs on it with a fixed --as-of. What varies
from run to run by nature (the database's path, timestamps, seconds taken, the folder the files
were written to) is replaced by a fixed token before writing, so two runs of the same code agree.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import sys
import tempfile
from pathlib import Path
from typing import Any

from pipelines.cli.commands import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_data"
PERSONAS = ("healthy", "interview_stall", "no_follow_up", "resume_gap", "spray_and_pray", "wrong_industry")
AS_OF = "2026-11-01"
FLOAT_TOLERANCE = 1e-12
VOLATILE_KEYS = frozenset(
    {"seconds", "started_at", "finished_at", "saved_at", "generated_at", "created_at", "updated_at"}
)
READS = [
    ["status"],
    ["funnel"],
    *(["rates", "--by", by] for by in ("channel", "resume_version", "industry", "cover_letter", "referral")),
    *(["timing", "--by", by] for by in ("channel", "resume_version")),
    *(["compare", "--by", by] for by in ("resume_version", "industry", "cover_letter")),
    ["trend", "--every", "week"],
    ["trend", "--every", "month"],
    ["followups"],
    ["diagnose"],
]
CASELOAD_READS = [
    ["roster"],
    ["clients", "list"],
    ["diagnose", "--client", "client_01_vera"],
    ["report", "--client", "client_01_vera"],
]


def _run(args: list[str]) -> Any:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main([*args, "--json"])
    return {"exit": code, "output": json.loads(out.getvalue()) if out.getvalue().strip() else None}


def _steady(value: Any, folder: str) -> Any:
    """The output with what varies by nature replaced by fixed tokens."""
    if isinstance(value, dict):
        return {k: "<volatile>" if k in VOLATILE_KEYS else _steady(v, folder) for k, v in value.items()}
    if isinstance(value, list):
        return [_steady(v, folder) for v in value]
    if isinstance(value, str):
        # the samples' folder is where the checkout is: the same files anywhere
        return value.replace(folder, "<tmp>").replace(str(SAMPLES), "<samples>")
    return value


def _commands(db: Path, reads: list[list[str]], out: Path) -> list[list[str]]:
    with_db = []
    for read in reads:
        args = [*read, "--db", str(db)]
        if read[0] not in ("status", "clients"):
            args += ["--as-of", AS_OF]
        if read[0] == "report":
            args += ["--out", str(out / "report.html")]
        with_db.append(args)
    return with_db


def snapshot() -> dict[str, Any]:
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name in (*PERSONAS, "advisor_caseload"):
            db = folder / f"{name}.duckdb"
            load = ["ingest", str(SAMPLES / f"{name}.csv"), "--db", str(db)]
            if name == "advisor_caseload":
                results[f"{name}/clients import"] = _run(
                    ["clients", "import", str(SAMPLES / f"{name}.clients.csv"), "--db", str(db)]
                )
            results[f"{name}/ingest"] = _run(load)
            results[f"{name}/ingest again"] = _run(load)
            reads = CASELOAD_READS if name == "advisor_caseload" else READS
            for args in _commands(db, reads, folder):
                results[f"{name}/{' '.join(a for a in args if not a.startswith(str(folder)))}"] = _run(args)
        # the keys are 'persona/command', never a volatile key: only the outputs are made steady
        return {key: _steady(output, str(folder)) for key, output in results.items()}


def _differences(before: Any, after: Any, where: str = "") -> list[str]:
    if isinstance(before, float) and isinstance(after, float):
        same = (math.isnan(before) and math.isnan(after)) or abs(before - after) <= FLOAT_TOLERANCE
        return [] if same else [f"{where}: {before!r} -> {after!r}"]
    if type(before) is not type(after):
        return [f"{where}: {before!r} -> {after!r}"]
    if isinstance(before, dict):
        found = [f"{where}: keys {list(before)} -> {list(after)}"] if list(before) != list(after) else []
        found += [f"{where}.{k}: only before" for k in before.keys() - after.keys()]
        found += [f"{where}.{k}: only after" for k in after.keys() - before.keys()]
        for key in before.keys() & after.keys():
            found += _differences(before[key], after[key], f"{where}.{key}")
        return found
    if isinstance(before, list):
        if len(before) != len(after):
            return [f"{where}: {len(before)} items -> {len(after)}"]
        return [
            d for i, (b, a) in enumerate(zip(before, after, strict=True)) for d in _differences(b, a, f"{where}[{i}]")
        ]
    return [] if before == after else [f"{where}: {before!r} -> {after!r}"]


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("write", "compare"))
    parser.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    target = args.folder / "cli_json.json"
    current = snapshot()
    if args.action == "write":
        args.folder.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(current, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {len(current)} command outputs to {target}")
        return 0
    before = json.loads(target.read_text(encoding="utf-8"))
    found = _differences(before, json.loads(json.dumps(current)))
    for line in found[:200]:
        print(line)
    print(f"{len(current)} command outputs compared: {len(found)} differences")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(run())
