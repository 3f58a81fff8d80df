"""What every result of the core has in common: one `to_json()`, the object the CLI prints.

A result is a frozen dataclass whose fields are what callers read (the dashboard reads attributes,
never string keys); `to_json()` writes it as the documented JSON of docs/json-output.md, whose keys
are only ever added.
"""

from __future__ import annotations

from typing import Any, Protocol


class JsonResult(Protocol):
    """A result the CLI prints with `--json`."""

    def to_json(self) -> dict[str, Any]: ...


def as_json(result: JsonResult | dict[str, Any]) -> dict[str, Any]:
    """The JSON of a result; a payload that is still a plain dict is its own JSON."""
    return result if isinstance(result, dict) else result.to_json()
