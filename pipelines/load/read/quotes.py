"""Which bytes of a CSV text are inside quoted cells, found without a loop over the quotes.

A byte is inside a quoted cell when the number of counted quotes before it is odd (see
counted_quotes for which quotes count). On that rule rest the line-end rewrite (CR and CRLF row ends
made LF, line breaks inside cells kept), the end of the header row, and the blank lines DuckDB counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np

from pipelines.load.read import chunks

# What can stand before a quote that opens a quoted cell: a delimiter (not known yet where this is
# used, so any of the four), a line end, or another quote.
_BEFORE_OPENING_QUOTE = np.zeros(256, dtype=bool)
_BEFORE_OPENING_QUOTE[list(b',;\t|\r\n"')] = True


def counted_quotes(data: bytes) -> Iterator[tuple[int, np.ndarray]]:
    """Per chunk of `data`: its offset, and a mask of the quotes that open or close a quoted cell.

    A byte is inside a quoted cell when the number of counted quotes before it is odd ("" escapes
    come in pairs, so they never flip the parity). Like DuckDB, a quote counts when it opens a cell
    (right after a delimiter or a line end) or stands inside one (a closing quote, a "" pair); any
    other quote is text (`12" screen`, `Robert "Bob" Smith` in an unquoted cell). Counting those too
    turned every later line end inside-out, and the file was refused.

    A quote after an ordinary character counts exactly when the counted parity before it is odd.
    That parity is all-quotes parity XOR dropped-quotes parity, and after each such quote the
    dropped parity is the opposite of the all-quotes parity before it (dropped or not), so every
    decision is vectorised: no loop over quotes.
    """
    array = np.frombuffer(data, dtype=np.uint8)
    seen = 0  # parity of all the quotes before the chunk
    dropped = 0  # parity of the quotes dropped before the next quote after an ordinary character
    for start in range(0, len(array), chunks.SIZE):
        chunk = array[start : start + chunks.SIZE]
        quotes = chunk == ord('"')
        positions = np.flatnonzero(quotes)
        if len(positions):
            before = positions + start - 1
            after_ordinary = np.zeros(len(positions), dtype=bool)
            has_before = before >= 0
            after_ordinary[has_before] = ~_BEFORE_OPENING_QUOTE[array[before[has_before]]]
            ordinary = np.flatnonzero(after_ordinary)
            if len(ordinary):
                seen_before = (ordinary + seen) & 1  # parity of all quotes before each one
                dropped_before = np.empty(len(ordinary), dtype=np.int64)
                dropped_before[0] = dropped
                dropped_before[1:] = 1 - seen_before[:-1]
                text = (seen_before ^ dropped_before) == 0  # outside a quoted cell: just text
                quotes[positions[ordinary[text]]] = False
                dropped = 1 - int(seen_before[-1])
            seen = (seen + len(positions)) & 1
        yield start, quotes


def quote_parity_before(data: bytes, offsets: list[int]) -> list[int]:
    """For each byte offset (ascending): 1 when it is inside a quoted cell (see counted_quotes)."""
    result = []
    index = 0
    inside = 0
    for start, counted in counted_quotes(data):
        end = start + len(counted)
        if index < len(offsets) and offsets[index] < end:
            # cumsum in uint8 wraps at 256, which keeps the parity (the only bit read)
            running = np.cumsum(counted, dtype=np.uint8)
            while index < len(offsets) and offsets[index] < end:
                at = offsets[index] - start
                before = int(running[at - 1]) if at > 0 else 0
                result.append((inside + before) & 1)
                index += 1
        inside = (inside + int(np.count_nonzero(counted))) & 1
    return result + [inside] * (len(offsets) - len(result))


def line_ends_outside_quotes_to_lf(data: bytes) -> bytes:
    # Vectorised with numpy, a chunk at a time: see counted_quotes for which bytes are inside a
    # quoted cell. Same rule as header_end and blank_lines_before.
    array = np.frombuffer(data, dtype=np.uint8)
    parts = []
    inside = 0  # parity of the counted quotes before the chunk
    for start, quotes in counted_quotes(data):
        chunk = array[start : start + chunks.SIZE]
        # cumsum in uint8 wraps at 256, which keeps the parity (the only bit read)
        outside = (np.cumsum(quotes, dtype=np.uint8) & 1) == inside
        carriage = (chunk == ord("\r")) & outside
        if carriage.any():
            following = array[start + 1 : start + len(chunk) + 1]
            before_lf = np.zeros(len(chunk), dtype=bool)
            before_lf[: len(following)] = following == ord("\n")
            chunk = chunk.copy()
            chunk[carriage & ~before_lf] = ord("\n")  # lone CR -> LF
            chunk = chunk[~(carriage & before_lf)]  # CRLF -> LF
        parts.append(chunk.tobytes())
        inside = (inside + int(np.count_nonzero(quotes))) & 1
    return b"".join(parts)


def header_end(data: bytes) -> int:
    """Offset of the LF that ends the header row (quotes closed); the first MB at most."""
    limit = min(len(data), 1 << 20)
    head = data[:limit]
    line_ends = [match.start() for match in re.finditer(b"\n", head)]
    for position, inside in zip(line_ends, quote_parity_before(head, line_ends), strict=True):
        if not inside:
            return position
    return limit


def blank_lines_before(data: bytes, offsets: list[int]) -> list[int]:
    """For each byte offset (ascending), how many blank lines outside quotes come before it.

    DuckDB counts blank lines in its reject line numbers; our numbering does not.
    Only called when a file has structural rejects and blank lines, so a Python loop over the
    blank lines is fine.
    """
    candidates = [match.start() + 1 for match in re.finditer(rb"\n(?=\r?\n)", data)]
    parities = quote_parity_before(data, candidates)
    blanks = [position for position, inside in zip(candidates, parities, strict=True) if not inside]
    result = []
    index = 0
    for offset in offsets:
        while index < len(blanks) and blanks[index] < offset:
            index += 1
        result.append(index)
    return result
