"""The one exception family of bounceback.

Everything the user can cause (a bad file, a locked database) surfaces as a BouncebackError with a
message that fits on one line and says what to do. duckdb.Error is translated where it enters
(`raise ... from e`), so callers never need to know about DuckDB's exception classes.
"""

from __future__ import annotations


class BouncebackError(Exception):
    """Base class: the message is meant for the user, as is."""


class InputError(BouncebackError):
    """The input file (or an argument) cannot be used; nothing was written."""


class DatabaseError(BouncebackError):
    """The database could not be opened, read or written."""
