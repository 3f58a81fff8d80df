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


class DatabaseBusy(DatabaseError):
    """Another process holds the database file (DuckDB lets one process at a time write it): a load
    from the command line while the dashboard reads, or the other way round. It passes: retry."""


class StorageError(DatabaseError):
    """The database's disk is full, or its file or folder may not be written.

    Not the input's fault, and nothing later in the same command can succeed until the user fixes
    it: a command stops at the first one. Every message starts with STORAGE_PREFIX, because a load
    that failed keeps only its message (IngestResult.message), and the command line must still tell
    this failure from a bad file (`is_storage_failure`).
    """


STORAGE_PREFIX = "cannot write the database"


def is_storage_failure(message: str | None) -> bool:
    """True for the message of a StorageError (see there)."""
    return message is not None and message.startswith(STORAGE_PREFIX)
