"""`make reliability`: every category's long run, then RELIABILITY.md from what they found.

    python -m tests.reliability.report                 # every category, writes RELIABILITY.md
    python -m tests.reliability.report --only fuzz     # one category (make fuzz), report untouched

Exit status 1 when any category broke a promise; the report then lists the failing cases.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

from tests.reliability.common import Summary

ROOT = Path(__file__).resolve().parents[2]
# category -> (module, the long run's case count); each module has run(cases, seed, workdir)
CATEGORIES: dict[str, tuple[str, int]] = {
    "faults": ("tests.reliability.faults", 20),
    "fuzz": ("tests.reliability.fuzz", 1000),
    "hostile": ("tests.reliability.hostile", 0),  # a fixed list of files: every one is tried
    "access": ("tests.reliability.access", 0),  # two users on every page, every hostile string
}
SEED = 20261126


def run_category(name: str, seed: int = SEED, cases: int | None = None) -> tuple[Summary, float]:
    module_name, long_cases = CATEGORIES[name]
    module = importlib.import_module(module_name)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"bounceback-{name}-") as workdir:
        summary = module.run(long_cases if cases is None else cases, seed, Path(workdir))
    return summary, time.perf_counter() - started


def _markdown(results: list[tuple[Summary, float]], when: str) -> str:
    lines = [
        "# Reliability",
        "",
        f"Written by `make reliability` on {when} ({platform.system()}, {platform.machine()}, Python"
        f" {platform.python_version()}). Every category tries hard to break one promise of bounceback;"
        " a category passes when no case broke it. Re-run one category with the command in its section.",
        "",
        "| category | cases | result | seconds |",
        "|---|---|---|---|",
    ]
    for summary, seconds in results:
        lines.append(
            f"| {summary.category} | {summary.cases:,} | {'pass' if summary.passed else 'FAIL'} | {seconds:.0f} |"
        )
    for summary, _ in results:
        lines += ["", f"## {summary.category}", "", f"Reproduce: `{summary.command}`", ""]
        lines += [f"- {name}: {value:,}" if isinstance(value, int) else f"- {name}: {value}"
                  for name, value in summary.figures.items()]  # fmt: skip
        if summary.failures:
            lines += ["", "Failures:", ""] + [f"- {failure}" for failure in summary.failures]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=sorted(CATEGORIES), action="append", help="run only this category")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--cases", type=int, help="override the long run's case count")
    parser.add_argument("--out", type=Path, default=ROOT / "RELIABILITY.md")
    args = parser.parse_args(argv)
    results = []
    for name in args.only or list(CATEGORIES):
        print(f"{name}: running", file=sys.stderr, flush=True)
        summary, seconds = run_category(name, args.seed, args.cases)
        print(f"{name}: {'pass' if summary.passed else 'FAIL'} in {seconds:.0f} s {json.dumps(summary.figures)}",
              file=sys.stderr, flush=True)  # fmt: skip
        for failure in summary.failures[:20]:
            print(f"  {failure}", file=sys.stderr)
        results.append((summary, seconds))
    if not args.only:
        when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        args.out.write_text(_markdown(results, when), encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    return 0 if all(summary.passed for summary, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
