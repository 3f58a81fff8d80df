"""SQL text built from fixed templates and allowlisted names, never from values.

Every value (a date, a client, a header, a path) goes into a query as a parameter (`?`, `$name`). What
cannot be a parameter is a name: a column, a list of columns, a table in a fixed set, or a condition made
of such pieces. Those are built here, and only here:

- `fixed("...")` marks text written in the code as SQL;
- `name(x, allowed)` / `names(xs, allowed)` accept only names in the caller's allowlist that look like
  identifiers (`a`, `a.b`), so nothing read from a file or a user can become SQL text;
- `compose(template, part=...)` fills a template written in the code with such parts (or integers); a
  plain `str` is refused, so a value cannot slip in by accident;
- `join(parts, sep)` joins parts with a separator from a fixed set;
- `placeholders(n)` writes `?, ?, ...`;
- `read(package, file)` reads a `.sql` file shipped with the code.

Ruff's S608 (string-built SQL) is on for the whole core: the f-strings it would flag live nowhere else.
"""

from __future__ import annotations

import re
import string
from collections.abc import Collection, Iterable
from importlib import resources
from typing import Literal, LiteralString

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?")
_FORMATTER = string.Formatter()

Separator = Literal[", ", " and ", " or ", "\n", ",\n", " union all ", "\nunion all\n", " ", ""]


class Sql(str):
    """SQL text made by this module (a template, a name from an allowlist, or parts of those)."""

    __slots__ = ()


def fixed(text: LiteralString) -> Sql:
    """Text written in the code, marked as SQL so it can be a part of `compose`."""
    return Sql(text)


def name(value: str, allowed: Collection[str]) -> Sql:
    """`value` as SQL text, if it is in `allowed` and looks like an identifier; ValueError otherwise."""
    if value not in allowed or not _IDENTIFIER.fullmatch(value):
        raise ValueError(f"{value!r} is not an allowed name here (allowed: {', '.join(sorted(allowed))})")
    return Sql(value)


def names(values: Iterable[str], allowed: Collection[str], sep: Separator = ", ") -> Sql:
    """Several allowlisted names joined by `sep` (a column list)."""
    return join((name(value, allowed) for value in values), sep)


def join(parts: Iterable[Sql], sep: Separator = ", ") -> Sql:
    """Parts made by this module joined by one of the fixed separators."""
    pieces = list(parts)
    for piece in pieces:
        _check_part(piece, "a joined part")
    return Sql(sep.join(pieces))


def placeholders(count: int) -> Sql:
    """`?, ?, ...` for `count` positional parameters."""
    if count < 1:
        raise ValueError("a list of parameters needs at least one")
    return Sql(", ".join("?" for _ in range(count)))


def compose(template: LiteralString, /, **parts: Sql | int) -> Sql:
    """`template` (text written in the code) with each `{field}` replaced by its part.

    A part is SQL made by this module or an integer; a plain string is refused, so no value read at run
    time becomes SQL text. Every field of the template must be given, and every part used.
    """
    fields = {field for _, field, _, _ in _FORMATTER.parse(template) if field is not None}
    if fields != set(parts):
        missing, unused = sorted(fields - set(parts)), sorted(set(parts) - fields)
        raise ValueError(f"template parts do not match: missing {missing}, unused {unused}")
    for key, part in parts.items():
        if not (isinstance(part, int) and not isinstance(part, bool)):
            _check_part(part, f"part {key!r}")
    return Sql(template.format(**parts))


def read(package: str, file: str) -> Sql:
    """A `.sql` file shipped in `package` (e.g. `pipelines.store.sql.queries`)."""
    if not file.endswith(".sql") or "/" in file:
        raise ValueError(f"{file!r} is not a .sql file name")
    return Sql(resources.files(package).joinpath(file).read_text(encoding="utf-8"))


def _check_part(part: object, what: str) -> None:
    if not isinstance(part, Sql):
        raise TypeError(f"{what} must be SQL built by pipelines.sqltext, not {type(part).__name__}")
