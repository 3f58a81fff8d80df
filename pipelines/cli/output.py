"""What every command prints the same way: its one JSON object, and nothing once the reader has gone."""

from __future__ import annotations

import json
import os
import sys
from typing import Any


def print_json(payload: dict[str, Any]) -> None:
    """The command's one JSON object on stdout (the contract of docs/json-output.md)."""
    print(json.dumps(payload, indent=2, default=str, ensure_ascii=False))


def silence_stdout() -> None:
    """The reader of our output went away: later prints go nowhere instead of raising again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
