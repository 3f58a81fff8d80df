"""A file's bytes as UTF-8 text, or a refusal that says why they are not text.

UTF-8 (with or without BOM) is taken as it is. UTF-16 (with a BOM, or without one when the NUL-byte
pattern is unambiguous) and files with no valid multi-byte UTF-8 sequence at all (read as
Windows-1252) are transcoded, a chunk at a time. A file mixing UTF-8 with invalid bytes is refused
with the line of the first bad byte, and so are empty and binary files.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable

from pipelines.errors import InputError
from pipelines.load.read import chunks


def _windows_1252_table() -> str:
    # cp1252 leaves 0x81 0x8D 0x8F 0x90 0x9D undefined; Windows itself (and every browser) reads
    # them as the Latin-1 control characters of the same number, so a stray one never refuses a file.
    chars = []
    for byte in range(256):
        try:
            chars.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            chars.append(chr(byte))
    return "".join(chars)


_WINDOWS_1252 = _windows_1252_table()


def line_of(data: bytes, offset: int) -> int:
    """Text line (1-based) of a byte offset, counting LF, CRLF and lone CR as one break each."""
    return data.count(b"\n", 0, offset) + data.count(b"\r", 0, offset) - data.count(b"\r\n", 0, offset) + 1


def _utf16_without_bom(data: bytes) -> str | None:
    """utf-16-le / utf-16-be when the first KB can only be UTF-16 text, else None.

    Text that is mostly ASCII has a NUL in every high byte and none in the low bytes. A few
    non-Latin-1 characters (a euro sign) are allowed to break the pattern; control characters are
    not, so arrays of small binary integers (also NUL every other byte) stay refused.
    """
    sample = data[:1024]
    sample = sample[: len(sample) // 2 * 2]
    if len(sample) < 4:
        return None
    for encoding, low, high in (("utf-16-le", sample[0::2], sample[1::2]), ("utf-16-be", sample[1::2], sample[0::2])):
        if low.count(0) == 0 and high.count(0) * 10 >= len(high) * 9:
            text = sample.decode(encoding, errors="replace")
            if not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text):
                return encoding
    return None


def _transcode(data: bytes, decode: Callable[[memoryview, bool], str]) -> bytes:
    """UTF-8 bytes of `data`, decoded a chunk at a time: never a whole-file str (up to 4 bytes a character)."""
    view = memoryview(data)
    size = chunks.SIZE
    parts = [
        decode(view[start : start + size], start + size >= len(data)).encode("utf-8")
        for start in range(0, len(data), size)
    ]
    return b"".join(parts)


def _from_utf16(data: bytes, encoding: str, skip: int, name: str) -> bytes:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        return _transcode(data[skip:], decoder.decode)
    except UnicodeDecodeError as e:
        # The failing offset inside the chunk is approximate by the few bytes the decoder carried
        # over; decoding the prefix leniently gives a line that is right for the user.
        text = data[skip:].decode(encoding, errors="replace")
        bad = text.find("\ufffd")
        prefix = text[: bad if bad != -1 else len(text)]
        line = prefix.count("\n") + prefix.count("\r") - prefix.count("\r\n") + 1
        raise InputError(
            f"{name}: line {line}: is not valid UTF-16 text; "
            "save the file as UTF-8 (CSV UTF-8 in Excel) and import again"
        ) from e


def first_non_utf8(data: bytes) -> int | None:
    """Offset of the first byte that is not part of valid UTF-8, or None."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    size = chunks.SIZE
    for start in range(0, len(data), size):
        chunk = data[start : start + size]
        try:
            decoder.decode(chunk, final=start + size >= len(data))
        except UnicodeDecodeError as e:
            # e.object is what the decoder held back from the previous chunk (an incomplete
            # sequence, at most 3 bytes) followed by this chunk.
            return start - (len(e.object) - len(chunk)) + e.start
    return None


def has_utf8_multibyte(data: bytes) -> bool:
    """Whether `data` holds at least one valid multi-byte UTF-8 sequence (a non-ASCII character).

    A lenient decode turns each invalid byte run into U+FFFD, so a valid sequence shows up as a
    non-ASCII character that is not U+FFFD; a U+FFFD written in the file itself is looked for as bytes.
    """
    if data.find("\ufffd".encode()) != -1:
        return True
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    size = chunks.SIZE
    for start in range(0, len(data), size):
        text = decoder.decode(data[start : start + size], final=start + size >= len(data))
        if len(text) - len(text.encode("ascii", "ignore")) > text.count("\ufffd"):
            return True
    return False


def to_utf8(data: bytes, name: str) -> tuple[bytes, list[str]]:
    """The file's text as UTF-8 bytes (the same object when it already is), and notes on how it was read.

    Refuses empty and binary files, and files that mix UTF-8 with bytes that are not UTF-8 (the
    line of the first bad byte is given): those cannot be read as any one encoding.
    """
    notes: list[str] = []
    if len(data) == 0:
        raise InputError(f"{name}: the file is empty")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" save: UTF-16 with a BOM, usually TAB-delimited.
        encoding = "utf-16-le" if data.startswith(codecs.BOM_UTF16_LE) else "utf-16-be"
        text = _from_utf16(data, encoding, 2, name)
        notes.append(f"read as UTF-16 {encoding[-2:].upper()}")
    elif data.find(b"\x00") != -1 and (guessed := _utf16_without_bom(data)):
        text = _from_utf16(data, guessed, 0, name)
        notes.append(f"read as UTF-16 {guessed[-2:].upper()} (no byte order mark)")
    else:
        text = data
        bad = first_non_utf8(data) if data.find(b"\x00") == -1 else None  # binary: refused below
        if bad is not None:
            if has_utf8_multibyte(data):
                raise InputError(
                    f"{name}: line {line_of(data, bad)}: byte 0x{data[bad]:02x} is not UTF-8 text; "
                    "save the file as UTF-8 (CSV UTF-8 in Excel) and import again"
                )
            # Not one valid multi-byte UTF-8 sequence anywhere: an ANSI save from Excel or Notepad on
            # Windows. (Latin-1 is the same but for 0x80-0x9F, where cp1252 has the euro sign and
            # smart quotes.)
            text = _transcode(data, lambda chunk, _final: codecs.charmap_decode(chunk, "strict", _WINDOWS_1252)[0])
            notes.append("read as Windows-1252 (not UTF-8)")
    nul = text.find(b"\x00")
    if nul != -1:
        raise InputError(
            f"{name}: line {line_of(text, nul)}: contains NUL bytes, so it is not a "
            "text file (CSV or JSON Lines) - was a binary file given the wrong extension?"
        )
    whitespace = b" \t\r\n\xef\xbb\xbf"
    # Only a file that starts with 64 KB of white space needs the whole-file look.
    if not text[: 1 << 16].strip(whitespace) and not text.strip(whitespace):
        raise InputError(f"{name}: the file is empty")
    return text, notes
