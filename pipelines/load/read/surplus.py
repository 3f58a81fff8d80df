"""The refusal of a CSV row with far more fields than its header, made before DuckDB reads the file."""

from __future__ import annotations

import numpy as np

from pipelines.errors import InputError
from pipelines.load.read import chunks
from pipelines.load.read.quotes import counted_quotes

# DuckDB records one reject per field beyond the header's columns, each with a copy of its row (up
# to 10 KB): 80,000 surplus fields on one 160 KB line took 19 s, and a few MB of them would take
# hours. A row that far from its header is not a row of this table, so such a file is refused first.
MAX_SURPLUS_FIELDS = 1_000  # in one row


def check_surplus_fields(data: bytes, delimiter: str, width: int, name: str) -> None:
    """Refuse a file with a row of more than MAX_SURPLUS_FIELDS fields beyond `width`.

    A first pass counts delimiters per text line, quotes ignored (cheap, and an upper bound for a
    row on one line: a quoted delimiter counts as a field); only when it finds too many does the
    exact pass, per row with quoted cells respected, decide.
    """
    if data.count(delimiter.encode()) <= width - 1 + MAX_SURPLUS_FIELDS:
        return  # not enough delimiters in the whole file for one such row
    if surplus_fields(data, ord(delimiter), width, rows=False) is None:
        return
    found = surplus_fields(data, ord(delimiter), width, rows=True)
    if found is not None:
        line, fields = found
        raise InputError(
            f"{name}: line {line} has {fields:,} fields where the header has {width} columns; is the"
            f" delimiter {delimiter!r} right, and does each row end its line? Fix the file and import again"
        )


def surplus_fields(data: bytes, delimiter: int, width: int, rows: bool) -> tuple[int, int] | None:
    """(line, fields) of the first widest row when it has over MAX_SURPLUS_FIELDS fields beyond `width`.

    rows=False: per text line, quotes ignored (an upper bound for one-line rows; `line` is then the
    text line). rows=True: per row, quoted cells respected (see counted_quotes), `line` as everywhere,
    and a row whose surplus fields are all empty and at its end (`A,B,C,,,,`) has none: DuckDB reads
    it at no cost, and no value is lost.
    """
    array = np.frombuffer(data, dtype=np.uint8)
    size = chunks.SIZE
    steps = counted_quotes(data) if rows else ((start, None) for start in range(0, len(array), size))
    inside = 0  # parity of the counted quotes before the chunk
    # of the row the chunk starts in: delimiters, bytes, delimiters after its last other byte
    carried_fields = carried_length = carried_trailing = 0
    lines_before = 0  # rows (non-blank) or text lines before the chunk
    widest = (0, 0)  # (fields, line)
    for start, quotes in steps:
        chunk = array[start : start + size]
        if quotes is None:
            is_delimiter, is_end = chunk == delimiter, chunk == ord("\n")
        else:
            # cumsum in uint8 wraps at 256, which keeps the parity (the only bit read)
            outside = (np.cumsum(quotes, dtype=np.uint8) & 1) == inside
            is_delimiter, is_end = (chunk == delimiter) & outside, (chunk == ord("\n")) & outside
            inside = (inside + int(np.count_nonzero(quotes))) & 1
        ends = np.flatnonzero(is_end)
        if start + len(chunk) == len(array) and (not len(ends) or ends[-1] != len(chunk) - 1):
            ends = np.append(ends, len(chunk))  # the last row, without a line end
        delimiters = np.flatnonzero(is_delimiter)
        content = np.flatnonzero(~is_delimiter & ~is_end & (chunk != ord("\r"))) if rows else None
        if not len(ends):
            carried_fields += len(delimiters)
            carried_length += len(chunk)
            if content is not None:
                carried_trailing = _trailing(delimiters, content, -1, len(chunk), carried_trailing)
            continue
        delimiters_before_end = np.searchsorted(delimiters, ends)
        per_row = np.diff(delimiters_before_end, prepend=0)
        per_row[0] += carried_fields
        lengths = np.diff(ends, prepend=-1) - 1
        lengths[0] += carried_length
        surplus = per_row + 1 - width
        if content is not None:
            starts = np.concatenate(([-1], ends[:-1]))
            last = np.searchsorted(content, ends) - 1  # the row's last byte that is not a delimiter
            anchor = content[np.maximum(last, 0)] if len(content) else np.zeros(len(ends), dtype=np.int64)
            has_content = (last >= 0) & (anchor > starts)
            after_content = delimiters_before_end - np.searchsorted(delimiters, anchor + 1)
            whole_row = per_row - np.where(np.arange(len(ends)) == 0, carried_fields, 0)
            trailing = np.where(has_content, after_content, whole_row)
            if not has_content[0]:
                trailing[0] += carried_trailing
            surplus[per_row - trailing < width] = 0  # the surplus fields are all empty, at the row's end
            # blank lines are no rows (an empty line, or a lone CR before its LF)
            counted = (lengths > 1) | ((lengths == 1) & (array[np.maximum(start + ends - 1, 0)] != ord("\r")))
            carried_trailing = _trailing(delimiters, content, int(ends[-1]), len(chunk), 0)
        else:
            counted = np.ones(len(ends), dtype=bool)
        numbers = lines_before + np.cumsum(counted)
        at = int(np.argmax(surplus))  # the first of the widest rows
        if surplus[at] > 0 and per_row[at] + 1 > widest[0]:
            widest = (int(per_row[at]) + 1, int(numbers[at]))
        lines_before = int(numbers[-1])
        carried_fields = len(delimiters) - int(delimiters_before_end[-1])
        carried_length = max(len(chunk) - int(ends[-1]) - 1, 0)
    fields, line = widest
    return (line, fields) if fields - width > MAX_SURPLUS_FIELDS else None


def _trailing(delimiters: np.ndarray, content: np.ndarray, after: int, end: int, carried: int) -> int:
    """Delimiters after the last content byte in (after, end) of a chunk; `carried` plus all of them
    when the span holds no content byte (the row's trailing run began in an earlier chunk)."""
    in_span = delimiters[(delimiters > after) & (delimiters < end)]
    last = content[(content > after) & (content < end)]
    if len(last):
        return int(np.count_nonzero(in_span > last[-1]))
    return carried + len(in_span)
