"""Checks a file passes before any parser reads it: hostile files are refused on sight.

A log file reaches bounceback from a browser upload or a LinkedIn export, so it may be built to
hurt: a zip bomb (an XLSX is a zip archive), an XML entity trick inside a workbook (billion laughs,
external entities), an archive whose member names climb out of the folder it is unpacked into, or
simply a file that is not what its extension says (a PDF renamed .xlsx, a DuckDB database renamed
.csv). Everything here reads only bounded amounts: the first bytes of the file, the zip's
directory (whose size is checked before it is read) and, for a workbook, each member's data once,
inflated with a cap and never kept. Nothing is parsed as XML and nothing is unpacked to disk.

Every refusal is one InputError line naming the file and what is wrong with it.
"""

from __future__ import annotations

import codecs
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from pipelines.errors import InputError

# The dashboard's upload limit, in Streamlit's megabytes (its server multiplies by 1024 * 1024).
# .streamlit/config.toml, dashboard/launch.py and the upload widget all use this one number;
# tests/dashboard/test_config.py checks that they agree. A 1,000,000-row log is about 150 MB as CSV.
MAX_UPLOAD_MB = 200
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024

# Zip archives (XLSX workbooks and LinkedIn exports). An Excel workbook has a few dozen members and
# a LinkedIn export a few dozen files; thousands are an attack on the time it takes to list them.
MAX_ZIP_MEMBERS = 2_000
_MAX_DIRECTORY_BYTES = MAX_ZIP_MEMBERS * 1024  # a directory entry is ~100 bytes; 1 KB is generous
# Excel's 1,048,576-row limit keeps a real sheet's XML well under this.
MAX_UNPACKED_BYTES = 2 * 1024**3  # per member and for all the members read, in total
# Deflate reaches ~1,000:1 on repeated bytes; real sheets and CSV files compress 5-30:1. Small
# members are exempt: a 1,000:1 ratio on 100 KB costs nothing. (Apache POI uses the same 100:1.)
MAX_RATIO = 100
_RATIO_FLOOR_BYTES = 1 << 20
# XML members: a DOCTYPE can only come before the first element; this much is read to find it.
XML_HEAD_BYTES = 64 * 1024
_HEAD_BYTES = 8192  # read of a file's first bytes for the content checks

_ZIP_LOCAL = b"PK\x03\x04"
_ZIP_EMPTY = b"PK\x05\x06"
_ZIP_SPANNED = b"PK\x07\x08"
_END_RECORD = struct.Struct("<4s4H2LH")  # end of central directory (22 bytes, then the comment)
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_END = struct.Struct("<4sQ2H2L4Q")  # zip64 end of central directory (56 bytes)
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
WORKBOOK_PART = "xl/workbook.xml"  # python-calamine reads the workbook from this part only

# First bytes of formats that are never a job log; the DuckDB and SQLite ones matter most: a
# database file uploaded as a "CSV" must never be opened as a database.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "an old-style Office file (an Excel 97-2003 .xls or a password-protected workbook)",
    ),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x28\xb5\x2f\xfd", "a Zstandard archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "a program (ELF executable)"),
)
_DRIVE = re.compile(r"^[A-Za-z]:")
# A sheet is read as one rectangle from A1 to its last cell: a tiny file with one value in XFD1048576
# would ask for 17 billion cells. The rectangle's size is read from the cell references (and any
# dimension or range) in the sheet's XML before it is read. 20 million cells is Excel's full height
# at 19 columns, far beyond a job log.
MAX_SHEET_CELLS = 20_000_000
_WORKSHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.IGNORECASE)
_CELL_REFERENCE = re.compile(rb'\b(?:r|ref)="\$?([A-Z]{0,3})\$?([0-9]{1,7})(?::\$?([A-Z]{0,3})\$?([0-9]{1,7}))?"')
_DECLARATIONS = tuple(
    text.encode(encoding) for text in ("<!doctype", "<!entity") for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
_PROLOG_ITEM = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->)", re.DOTALL)


def _size(size: int) -> str:
    if size >= 1024**3:
        return f"{size / 1024**3:.1f} GB"
    return f"{size / 1024**2:.1f} MB" if size >= 1024**2 else f"{size:,} bytes"


# ------------------------------------------------------------------------------------ what a file is


def sniff(head: bytes) -> str | None:
    """What the first bytes say the file is ("a PDF document"), or None for anything else."""
    if head.startswith(_ZIP_LOCAL):
        return "a zip archive"
    if head.startswith(_ZIP_EMPTY):
        return "an empty zip archive"  # nothing but the end record
    if head.startswith(_ZIP_SPANNED):
        return "one part of a split zip archive"
    # DuckDB: an 8-byte checksum, then "DUCK", then the storage version (a small integer, so NUL
    # bytes), which no text file has
    if head[8:12] == b"DUCK" and b"\x00" in head[12:20]:
        return "a DuckDB database"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "a WebP image"
    if head[:3] == b"BZh" and head[4:10] == b"1AY&SY":
        return "a bzip2 archive"
    for signature, what in _SIGNATURES:
        if head.startswith(signature):
            return what
    return None


def _binary(head: bytes) -> bool:
    """NUL bytes that cannot be UTF-16 text: the same test the CSV reader makes on the whole file
    (pipelines/load/read/encoding.py refuses such a file too), made here on the first bytes before it is read."""
    if b"\x00" not in head or head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    sample = head[:1024]
    sample = sample[: len(sample) // 2 * 2]
    if len(sample) >= 4:
        for low, high in ((sample[0::2], sample[1::2]), (sample[1::2], sample[0::2])):
            if low.count(0) == 0 and high.count(0) * 10 >= len(high) * 9:
                return False  # mostly-ASCII UTF-16 without a byte order mark: the reader decides
    return True


def check_file(path: Path) -> None:
    """Refuse `path` when its content is hostile or is not what its extension says.

    Called by readers.detect_kind() before anything reads the file. An XLSX must be a zip
    workbook that passes check_workbook(); a zip workbook under another extension is read as
    XLSX (content first), any other zip is refused (an export archive is only ever a .zip, see
    archives.is_archive), and so is a .zip that is not one; text files (CSV, JSON Lines) must
    not be a known binary format nor hold NUL bytes that cannot be UTF-16.
    """
    with path.open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
    suffix = path.suffix.lower()
    what = sniff(head)
    if head.startswith(_ZIP_LOCAL):
        try:
            archive = open_zip(path)
        except UnreadableZip as e:
            if suffix in EXCEL_SUFFIXES:
                raise InputError(f"{path.name}: not a readable XLSX workbook ({e.reason})") from e
            raise InputError(f"{path.name}: a zip archive is not a CSV, XLSX or JSON Lines file") from e
        with archive:
            if not _has_workbook(archive):
                if suffix in EXCEL_SUFFIXES:
                    raise InputError(
                        f"{path.name}: has an Excel extension but is not an XLSX workbook: a zip archive without"
                        f" {WORKBOOK_PART} in it"
                    )
                raise InputError(f"{path.name}: a zip archive is not a CSV, XLSX or JSON Lines file")
            check_workbook(path, archive)
        return
    if suffix in EXCEL_SUFFIXES:
        found = f": it is {what}" if what else ""
        raise InputError(f"{path.name}: has an Excel extension but is not an XLSX workbook{found}")
    if suffix == ".zip":
        if what is not None and what.endswith("zip archive"):
            raise InputError(f"{path.name}: is {what}: there is nothing in it to read")
        found = f": it is {what}" if what else ""
        raise InputError(f"{path.name}: has a .zip extension but is not a zip archive{found}")
    if what is not None:
        nul = " (it contains NUL bytes)" if b"\x00" in head else ""
        raise InputError(
            f"{path.name}: is {what}{nul}, not a CSV, XLSX or JSON Lines file - was it given the wrong extension?"
        )
    if _binary(head):
        # worded like the CSV reader's own refusal, with the line of the first NUL byte
        first_nul = head.find(b"\x00")
        line = head.count(b"\n", 0, first_nul) + head.count(b"\r", 0, first_nul) - head.count(b"\r\n", 0, first_nul) + 1
        raise InputError(
            f"{path.name}: line {line}: contains NUL bytes, so it is not a text file (CSV or JSON Lines) - was a"
            " binary file given the wrong extension?"
        )


def _has_workbook(archive: zipfile.ZipFile) -> bool:
    return any(info.filename.lower() == WORKBOOK_PART for info in archive.infolist())


# ------------------------------------------------------------------------------------ zip archives


class UnreadableZip(InputError):
    """Not a zip archive zipfile can read (as opposed to one refused for what it holds)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path.name}: not a readable zip archive ({reason})")
        self.reason = reason


def _directory_extent(path: Path) -> tuple[int, int] | None:
    """(entries, bytes) of the zip's central directory as its end record declares them, or None
    when there is no end record. Read from the last 64 KB only: this is how many entries and how
    much directory zipfile would read, known before it reads them."""
    with path.open("rb") as handle:
        size = handle.seek(0, 2)
        tail_size = min(size, _END_RECORD.size + 0xFFFF)  # the record, then a comment of up to 64 KB
        handle.seek(size - tail_size)
        tail = handle.read(tail_size)
    # the same search zipfile makes: the last end-record signature (a comment may hold another)
    at = tail.rfind(_ZIP_EMPTY)
    if at < 0 or len(tail) - at < _END_RECORD.size:
        return None
    _, _, _, _, entries, directory_bytes, _, _ = _END_RECORD.unpack_from(tail, at)
    if entries == 0xFFFF or directory_bytes == 0xFFFFFFFF:
        # zip64: the real figures are in the zip64 end record just before its locator, which is
        # just before the end record (zipfile looks there too)
        locator = at - 20
        record = locator - _ZIP64_END.size
        if record >= 0 and tail[locator : locator + 4] == _ZIP64_LOCATOR and tail[record : record + 4] == b"PK\x06\x06":
            fields = _ZIP64_END.unpack_from(tail, record)
            entries, directory_bytes = fields[7], fields[8]
    return entries, directory_bytes


def open_zip(path: Path) -> zipfile.ZipFile:
    """`path` opened as a zip archive once its directory is known to be small enough to read.

    Refuses an archive that declares more than MAX_ZIP_MEMBERS members (or a directory too big
    for that many), and one zipfile cannot read. The caller closes the archive.
    """
    extent = _directory_extent(path)
    if extent is None:
        raise UnreadableZip(path, "no zip directory at its end")
    entries, directory_bytes = extent
    if entries > MAX_ZIP_MEMBERS or directory_bytes > _MAX_DIRECTORY_BYTES:
        count = f"{entries:,} members" if entries > MAX_ZIP_MEMBERS else f"a {_size(directory_bytes)} directory"
        raise InputError(_too_many(path, count))
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as e:
        raise UnreadableZip(path, str(e)) from e
    # the directory zipfile read was bounded by its size; this is the count it really held
    if len(archive.infolist()) > MAX_ZIP_MEMBERS:
        members = len(archive.infolist())
        archive.close()
        raise InputError(_too_many(path, f"{members:,} members"))
    return archive


def _too_many(path: Path, count: str) -> str:
    return (
        f"{path.name}: the zip archive has {count}, more than the {MAX_ZIP_MEMBERS:,} members a workbook or a"
        " LinkedIn export could have; refusing it unread"
    )


def check_sizes(name: str, members: Iterable[zipfile.ZipInfo]) -> None:
    """Refuse members that would unpack too big or too suspiciously well, from the zip directory alone.

    Per member: at most MAX_UNPACKED_BYTES, and at most MAX_RATIO times its compressed size once
    it is over 1 MB; all of them together: at most MAX_UNPACKED_BYTES. Encrypted members are
    refused too (neither Excel nor LinkedIn encrypts members; only a password would open them).
    """
    total = 0
    for info in members:
        if info.flag_bits & 0x1:
            raise InputError(f"{name}: {info.filename} is encrypted; a job log needs no password")
        if info.file_size > MAX_UNPACKED_BYTES:
            raise InputError(
                f"{name}: {info.filename} would unpack to {_size(info.file_size)}, more than"
                f" {_size(MAX_UNPACKED_BYTES)}; refusing a possible zip bomb"
            )
        if info.file_size > _RATIO_FLOOR_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise InputError(
                f"{name}: {info.filename} is compressed {ratio:,}:1 (more than {MAX_RATIO}:1); refusing a"
                " possible zip bomb"
            )
        total += info.file_size
        if total > MAX_UNPACKED_BYTES:
            raise InputError(
                f"{name}: its members would unpack to more than {_size(MAX_UNPACKED_BYTES)} in all; refusing a"
                " possible zip bomb"
            )


def is_symlink(info: zipfile.ZipInfo) -> bool:
    """A member stored as a symbolic link (Unix mode bits in the high half of external_attr)."""
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


def member_basename(name: str, member: str) -> str:
    """The last part of a member's path: the only part used to unpack it (into its own folder).

    Refuses names that are absolute, start with a drive letter or climb up (`..`), with `\\`
    taken as a separator like `/` (some Windows tools write it). A LinkedIn export has none.
    """
    parts = member.replace("\\", "/")
    if parts.startswith("/") or _DRIVE.match(parts) or ".." in parts.split("/"):
        raise InputError(
            f"{name}: member {member!r} points outside the archive's folder (a path traversal); refusing the archive"
        )
    base = parts.rsplit("/", 1)[-1]
    if base in ("", ".") or any(ord(char) < 32 for char in base) or len(base.encode("utf-8")) > 200:
        raise InputError(f"{name}: member {member!r} has a name no file can have; refusing the archive")
    return base


def check_archive_members(name: str, members: Iterable[zipfile.ZipInfo]) -> None:
    """Refuse an export archive with a member that could be unpacked outside its folder or as a link.

    Every member is checked, not only the job files bounceback unpacks: a real export has no such
    member, so one is a sign the archive was made to attack whatever unpacks it.
    """
    for info in members:
        # a folder entry ends in `/`: its own name is the part before that
        member_basename(name, info.filename.removesuffix("/") if info.is_dir() else info.filename)
        if is_symlink(info):
            raise InputError(f"{name}: member {info.filename!r} is a symbolic link; refusing the archive")


# ------------------------------------------------------------------------------------ XLSX workbooks


def check_workbook(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse a workbook that is a zip bomb or holds an XML entity trick, before python-calamine reads it.

    The directory's sizes go through check_sizes(); then each member's data is inflated once with
    a cap (never kept): one that inflates to more than its directory entry says is refused (the
    directory would have lied to the checks), and the first XML_HEAD_BYTES of each XML member are
    searched for a DOCTYPE or ENTITY declaration, which Excel never writes.
    """
    infos = archive.infolist()
    check_sizes(path.name, infos)
    with path.open("rb") as handle:
        for info in infos:
            if info.is_dir():
                continue
            where = f"{path.name}: {info.filename}"
            extent = _SheetExtent() if _WORKSHEET.match(info.filename) else None
            head = _member_head(handle, info, where, extent)
            _check_xml_head(head, complete=info.file_size <= len(head), where=where)
            if extent is not None:
                extent.check(where)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


class _SheetExtent:
    """The last row and column a sheet's XML names (cells, rows, dimension, merged ranges), fed
    chunk by chunk as the member inflates (a reference cut between two chunks is seen whole)."""

    def __init__(self) -> None:
        self.rows = self.columns = 0
        self._tail = b""

    def feed(self, chunk: bytes) -> None:
        data = self._tail + chunk
        for match in _CELL_REFERENCE.finditer(data):
            for letters, digits in ((match[1], match[2]), (match[3], match[4])):
                if digits:
                    self.rows = max(self.rows, int(digits))
                if letters:
                    self.columns = max(self.columns, _column_number(letters))
        self._tail = data[-64:]  # longer than any reference: one cut at the end is matched next time

    def check(self, where: str) -> None:
        cells = self.rows * max(self.columns, 1)
        if cells > MAX_SHEET_CELLS:
            raise InputError(
                f"{where}: the sheet reaches row {self.rows:,} and column {self.columns:,}, {cells:,} cells"
                f" (more than {MAX_SHEET_CELLS:,}, which no job log needs: a stray value far down or to the"
                " right?); delete it, or save the used range as CSV"
            )


def _member_head(handle: BinaryIO, info: zipfile.ZipInfo, where: str, extent: _SheetExtent | None = None) -> bytes:
    """The first XML_HEAD_BYTES of a member, after inflating all of it with a cap of its declared size
    (every inflated chunk goes to `extent` too, when given)."""
    if info.header_offset < 0:  # a damaged directory: Python's zipfile computes offsets before the file's start
        raise InputError(f"{where}: the zip directory points before the file's start; not a readable XLSX workbook")
    handle.seek(info.header_offset)
    local = handle.read(30)
    if len(local) < 30 or local[:4] != _ZIP_LOCAL:
        raise InputError(f"{where}: the zip directory points at no member data; not a readable XLSX workbook")
    name_length, extra_length = struct.unpack_from("<HH", local, 26)
    handle.seek(info.header_offset + 30 + name_length + extra_length)
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != info.file_size:
            raise InputError(f"{where}: its sizes in the zip directory do not match its data; refusing the workbook")
        if extent is None:
            return handle.read(min(info.file_size, XML_HEAD_BYTES))
        head, left = b"", info.file_size
        while left > 0 and (chunk := handle.read(min(left, 1 << 20))):
            left -= len(chunk)
            head = head or chunk[:XML_HEAD_BYTES]
            extent.feed(chunk)
        return head
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise InputError(
            f"{where}: compressed with zip method {info.compress_type}, which Excel never uses; refusing the workbook"
        )
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    inflated_head = bytearray()
    produced = 0
    left = info.compress_size
    try:
        while not inflater.eof:
            if inflater.unconsumed_tail:
                chunk = inflater.unconsumed_tail
            elif left > 0:
                chunk = handle.read(min(left, 1 << 20))
                if not chunk:
                    break  # truncated: the reader will say the workbook is damaged
                left -= len(chunk)
            else:
                break
            out = inflater.decompress(chunk, 1 << 20)  # at most 1 MB at a time, whatever the input
            produced += len(out)
            if extent is not None:
                extent.feed(out)
            if produced > info.file_size:
                raise InputError(
                    f"{where}: inflates to more than the {info.file_size:,} bytes its zip directory declares;"
                    " refusing a possible zip bomb"
                )
            if len(inflated_head) < XML_HEAD_BYTES:
                inflated_head += out[: XML_HEAD_BYTES - len(inflated_head)]
    except zlib.error as e:
        raise InputError(f"{where}: damaged compressed data ({e}); not a readable XLSX workbook") from e
    return bytes(inflated_head)


def _check_xml_head(head: bytes, complete: bool, where: str) -> None:
    """Refuse a DOCTYPE or ENTITY declaration in the head of an XML member (in any of the encodings
    an XML parser reads without being told), or a prolog too long to see the end of."""
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"<\x00\x00\x00", b"\x00\x00\x00<")):
        raise InputError(f"{where}: XML in UTF-32, which Excel never writes; refusing the workbook")
    if any(declaration in head.lower() for declaration in _DECLARATIONS):
        raise InputError(
            f"{where}: declares an XML DOCTYPE or ENTITY (the way billion-laughs and external-entity attacks"
            " start), which Excel never writes; refusing the workbook"
        )
    text = _xml_text(head)
    if text is None or complete:
        return  # not XML (an image, a binary part), or all of it was searched above
    position = 0
    while match := _PROLOG_ITEM.match(text, position):
        position = match.end()
    rest = text[position:].lstrip()
    if not rest or rest.startswith(("<?", "<!")):
        raise InputError(
            f"{where}: more than {XML_HEAD_BYTES // 1024} KB of XML before its first element (where a DOCTYPE"
            " could hide); refusing the workbook"
        )


def _xml_text(head: bytes) -> str | None:
    """The head decoded as the XML parser would, or None when it does not start like XML."""
    if head.startswith(codecs.BOM_UTF8):
        text = head[3:].decode("utf-8", errors="replace")
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or head[:1] == b"\x00" or head[1:2] == b"\x00":
        encoding = "utf-16-le" if head.startswith(codecs.BOM_UTF16_LE) or head[1:2] == b"\x00" else "utf-16-be"
        text = head[: len(head) // 2 * 2].decode(encoding, errors="replace").lstrip("\ufeff")
    else:
        text = head.decode("utf-8", errors="replace")
    start = text.lstrip()[:1]
    # white space only: a prolog padded to hide what follows it, checked like XML
    return text if start in ("<", "") else None


# ------------------------------------------------------------------------------------ uploads


def check_upload_size(name: str, size: int) -> None:
    """Refuse an upload over the limit (Streamlit refuses it first; this is the same limit, kept
    where the bytes arrive in case the server was started with another setting)."""
    if size > MAX_UPLOAD_BYTES:
        raise InputError(f"{name}: {_size(size)} is over the upload limit of {MAX_UPLOAD_MB} MB")
