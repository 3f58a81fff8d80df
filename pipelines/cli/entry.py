"""The `bounceback` command's entry (the console script and `python -m pipelines.cli`).

`bounceback dashboard` needs none of the data commands: it goes straight to the dashboard's launcher
without importing them (duckdb, pandas and every command's module: about a third of a second of the
dashboard's first paint, docs/performance.md). Every other command runs through pipelines/cli/commands.py.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from pipelines.child import run_child


def launch_dashboard(options: Sequence[str]) -> int:
    """Run the dashboard's launcher with `options` (--db, --port) until it is stopped.

    A process of its own: the core never imports the dashboard (tests/unit/test_layers.py). Stopping
    this process (Ctrl+C, kill) stops the launcher and so the server (pipelines/child.py)."""
    return run_child([sys.executable, "-m", "dashboard.launch", *options])


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["dashboard"] and not {"-h", "--help"} & set(args):
        # the launcher checks the options itself (its parser is `bounceback dashboard`'s)
        return launch_dashboard(args[1:])
    from pipelines.cli.commands import main as run_command

    return run_command(args)
