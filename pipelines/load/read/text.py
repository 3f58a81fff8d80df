"""A text file (CSV, JSON Lines) made ready for DuckDB: UTF-8 bytes with row ends it reads.

Line endings: DuckDB reads all-LF and all-CRLF files but refuses a file mixing them, and an old-Mac
CR file escapes the independent row count, so any other mix is rewritten to LF row ends first. Line
breaks inside quoted cells are kept byte for byte (a pasted CRLF stays CRLF), except inside the
header row (see normalise_line_endings). When the bytes had to change, DuckDB reads a temporary
UTF-8 copy, so line numbers and rejects come from the same parser as for a file read as it is.
"""

from __future__ import annotations

import codecs
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipelines.load.read.encoding import to_utf8
from pipelines.load.read.quotes import header_end, line_ends_outside_quotes_to_lf


def read_text(path: Path) -> tuple[bytes, list[str], int, bool]:
    """The file as UTF-8 bytes with LF row ends where needed (see the module docstring).

    Returns (data, notes, size of the file in bytes, whether data differs from the file's bytes).
    """
    # The whole file in memory: the checks (encoding, quotes, line counts) are C-speed scans over
    # bytes; a 1,000,000-row log is about 150 MB, well inside the memory budget. When the text
    # had to be rewritten, only the rewritten copy is kept.
    raw = path.read_bytes()
    size = len(raw)
    data, notes = to_utf8(raw, path.name)
    data = normalise_line_endings(data)
    rewritten = data is not raw
    del raw
    return data, notes, size, rewritten


def normalise_line_endings(data: bytes) -> bytes:
    """`data` with every row ending outside quoted cells made LF, when DuckDB needs that.

    DuckDB 2.0's read_csv reads an all-LF or all-CRLF file, but stops with "state machine reached
    an invalid state" on a file mixing LF and CRLF rows, and reads an old-Mac CR file without the
    independent row count of the CSV staging (delimited.py) being able to check it. It also takes its
    newline style from the first CR or LF byte, inside quotes or not: a header cell with a line break
    in it (Alt+Enter in Excel) of another style than the rows makes it read no rows at all, silently.

    So: files with no CR, and files whose every CR and LF pair up as CRLF, are returned as they are
    (the same object). Otherwise CRLF and lone CR outside quotes become LF; inside quoted cells the
    bytes are kept (a pasted CRLF or CR stays in the value), except in the header row, where they
    become LF too so that the first line break DuckDB sees is the LF of the row ends.
    """
    carriage_returns = data.count(b"\r")
    if not carriage_returns:
        return data
    crlf = data.count(b"\r\n")
    if carriage_returns == crlf == data.count(b"\n"):
        return data
    if data.find(b'"') == -1:
        return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    result = line_ends_outside_quotes_to_lf(data)
    end = header_end(result)
    if result.find(b"\r", 0, end) != -1:
        result = result[:end].replace(b"\r\n", b"\n").replace(b"\r", b"\n") + result[end:]
    return result


@contextmanager
def utf8_copy(path: Path, data: bytes, rewritten: bool) -> Iterator[Path]:
    """The path DuckDB should read: the file itself, or a temporary UTF-8 copy of `data`."""
    if not rewritten:
        yield path
        return
    handle = tempfile.NamedTemporaryFile(prefix="bounceback-", suffix=".csv", delete=False)  # noqa: SIM115 - removed below
    copy = Path(handle.name)
    try:
        with handle:
            handle.write(data)
        yield copy
    finally:
        copy.unlink(missing_ok=True)


def without_leading_blank_lines(data: bytes) -> bytes:
    """`data` without the blank lines before its header (the same object when there are none).

    DuckDB takes the first line as the header, blank or not: a blank one gave a file of no columns
    (refused with a Binder Error). Blank lines are not counted anywhere else either.
    """
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    if data[start : start + 1] not in (b"\r", b"\n"):
        return data
    return data[start:].lstrip(b"\r\n")
