"""The `bounceback` command line: `main` runs one command (the console script, `python -m pipelines.cli`).

Every command takes --json and then prints one JSON object on stdout: a documented, stable
contract (docs/json-output.md). Human output otherwise. Progress goes to stderr.
Exit codes: 0 done; 1 refused or failed (bad input, database problem); 2 wrong arguments.

The parser is pipelines/cli/parser.py; each command runs from the module of its concern (loading,
status, analysis, exports, advisors).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

import duckdb

from pipelines.cli import advisors as cli_advisors
from pipelines.cli import analysis
from pipelines.cli.entry import launch_dashboard
from pipelines.cli.exports import run_export, run_sample
from pipelines.cli.loading import run_ingest
from pipelines.cli.output import print_json, silence_stdout
from pipelines.cli.parser import build_parser
from pipelines.cli.status import run_status
from pipelines.errors import BouncebackError
from pipelines.store.db import original_error, storage_failure

Handler = Callable[[argparse.Namespace], int]


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    run = _handlers()[args.command]
    try:
        return run(args)
    except BouncebackError as e:
        _print_error(args, str(e))
        return 1
    except duckdb.Error as e:
        # translated where it enters, normally; a full disk or a file that may not be written can
        # still surface anywhere DuckDB writes (a checkpoint, a spill) and must not end in a traceback
        storage = storage_failure(str(original_error(e)))
        if storage is None:
            raise
        _print_error(args, storage)
        return 1
    except BrokenPipeError:
        # `bounceback rates | head`: the reader has what it wanted; nothing is left undone
        silence_stdout()
        return 0
    except KeyboardInterrupt:
        print("bounceback: interrupted; the file being loaded was rolled back", file=sys.stderr)
        return 130


def _handlers() -> dict[str, Handler]:
    """Each command's runner, by the name the parser gives it."""
    handlers: dict[str, Handler] = {
        "ingest": run_ingest,
        "status": run_status,
        "sample": run_sample,
        "dashboard": _run_dashboard,
        "export": run_export,
    }
    handlers.update(dict.fromkeys(analysis.COMMANDS, analysis.run_analysis))
    handlers.update(dict.fromkeys(cli_advisors.COMMANDS, lambda parsed: cli_advisors.run(parsed, print_json)))
    return handlers


def _print_error(args: argparse.Namespace, message: str) -> None:
    """A refusal: as the JSON object when --json was asked for, else one line on stderr."""
    if getattr(args, "json", False):
        print_json({"ok": False, "error": message})
    else:
        print(f"bounceback: {message}", file=sys.stderr)


def _run_dashboard(args: argparse.Namespace) -> int:
    # reached when called as main([...]) (pipelines/cli/entry.py hands `bounceback dashboard` over sooner)
    options = ["--db", str(args.db)] if args.db else []
    options += ["--port", str(args.port)] if args.port else []
    return launch_dashboard(options)


if __name__ == "__main__":
    sys.exit(main())
