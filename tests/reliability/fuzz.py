"""`make fuzz`: generated and mutated input files, each loaded into a copy of a database that holds data.

The promise (issue 9, "Nothing lost"): whatever bytes arrive, a load either

- completes with every row accounted for (read = inserted + updated + unchanged + rejected + skipped,
  each reject with its line and reason, the data tests passing), or
- is refused with a one-line message that says why, and the data is exactly as it was.

Never an unhandled exception, never a partial load, never a hang.

Cases come from two families, each case drawn from its own seed (`seed:index`), so any case can be
replayed alone:

- generated: random encodings, delimiters, quoting, ragged rows, NUL bytes, 1 MB cells, formula
  strings, thousands of columns, JSON Lines oddities, binary noise, empty/BOM-only/header-only files;
- mutated: a well-formed file of every supported format (canonical CSV, messy spreadsheet,
  LinkedIn export, Huntr, Simplify, events file, JSON Lines, XLSX, LinkedIn export zip) with
  structural mutations (column swaps, header mangling, duplicated/deleted rows, odd cells) and
  byte-level ones (flips, truncation, inserted bytes, line duplication/deletion, re-encoding).

Each case also gets random load options (--strict, --dry-run, --date-order, --client, --map,
--status-map). What is checked, beyond the counts adding up: every reject names its line and reason
(and its column, unless the whole row could not be split), the rows rejected are the lines the
rejects name, no line is both rejected and skipped, the stored run, rejects and skips say what the
result says, the applications added are the ones counted, the data tests pass, a dry run changes
nothing, and a well-formed file's rows (counted as it was written) are all read.

Cases run in worker subprocesses (one per core, at most two): the parent gives each case a time
limit and kills a worker that exceeds it (after asking it for its stacks), so a hang or a crash is
reported as a failure and the run goes on. A failing case's input is kept in <workdir>/failures,
and copied to $BOUNCEBACK_FUZZ_KEEP when that is set (`make fuzz` works in a temporary folder).

    python -m tests.reliability.fuzz --seed 20261126 --case 417 --keep /tmp/case   # replay one case
    python -m tests.reliability.fuzz --cases 50                                    # a short run
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import csv
import datetime as dt
import io
import json
import os
import queue
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback
import zipfile
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from tests.reliability.common import Summary, database_checksum

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DIR = ROOT / "sample_data"
CASE_TIMEOUT_SECONDS = 60.0  # a small file that takes longer than this to load or refuse has hung
RUN_LOG_TABLES = ("ingest_runs", "ingest_rejects", "ingest_skips")  # a refusal is recorded there, by design
MAX_MESSAGE_CHARS = 1000  # a message may list the fields bounceback knows, never a whole cell or header
# whole-row rejects (the row could not be split into fields): they name no column, by design
ROW_LEVEL_REASONS = {
    "fewer fields than the header has columns",
    "more fields than the header has columns",
    "a quoted field has text after its closing quote",
    "text that is not valid UTF-8",
    "line is not valid JSON",
    "line is JSON but not an object",
    "cells to the right of the last header column",
}

# --- value pools --------------------------------------------------------------------------------

COMPANIES = ["Acme", "acme", "ACME ", "Beta Corp", "Brightwater Health Partners", "Zoë & Co", "株式会社テスト",
             "O'Reilly", "Smith, Jones", 'The "Best" Co', "  padded  ", "Take2", "Ünïcödé GmbH", "مؤسسة",
             ""]  # fmt: skip
ROLES = ["Data Analyst", "Analyst", "Engineer", "Ingénieur", "Dev\nOps", "🚀 Rocket Scientist", "Senior, Lead",
         "BI Developer", "", "Role;with;semis", "Pipe|Role", "Tab\tRole"]  # fmt: skip
DATES = ["2025-01-06", "1/6/2025", "06/01/2025", "13/01/2025", "2025-02-30", "Jan 6, 2025", "6 Jan 2025",
         "2025-01-06 10:30:00", "11/13/23, 9:42 AM", "45000", "", "N/A", "yesterday", "2099-01-01", "1900-01-01",
         "2025-1-6", "20250106", "2025/01/06", "0000-00-00", "9999-12-31", "12/2/2021 & 12/9/2021", "-1",
         "1e10", "8-Jul", "Before 2025-01-24", "2025-01-31T23:30:00+05:00", "y", "no", "13/13/2025",
         "2024-02-29", "2023-02-29", "31.12.2024", "  2025-03-04  ", "2025-03-04\n2025-03-05"]  # fmt: skip
STATUSES = ["applied", "Rejected", "interview", "ghosted", "saved", "offer", "weird", " OFFER ", "Inter + Rejec",
            "Phone screen", "", "null", "N/A", "Wishlist", "Rejected 😢", "accepted", "declined", "withdrawn",
            "Position Removed", "reeejected", "=1+1"]  # fmt: skip
FORMULAS = ["=1+1", '=HYPERLINK("http://example.invalid","x")', "+1 555 0100", "-2+3", "@SUM(A1:A2)",
            "=cmd|' /C calc'!A0", "\t=1+1", "=", "+", "-", "@", "=DATE(2025,1,6)", "-2025-01-06",
            "+2025-01-06", "=TODAY()", "@2025-01-06", "=A1&\"x\"", "==", "=\n1"]  # fmt: skip
WEIRD = ["\u202eevil", "\ufeffbom", "\u2028", "e\u0301", "\U0001f600", " ", "\t", "'", '"', ",", ";", "|",
         "\\", "\\N", "NULL", "None", "nan", "true", "1e309", "-0", "0x10", "%s", "{}", "[]", "$.a",
         "'; drop table applications; --", "\r", "\r\n", "a\"b", '"quoted"', "x" * 300, "\x1b[31m", "\x7f",
         "\u00a0", "Ω≈ç√∫", "𝓤𝓷𝓲𝓬𝓸𝓭𝓮"]  # fmt: skip
YES_NO = ["yes", "no", "y", "n", "TRUE", "FALSE", "maybe", "", "1", "0", "Jane Roe"]
ROUNDS = ["0", "1", "2", "51", "-1", "two", "1.5", "", "999999999999999999999"]
EXTENSIONS = [".csv", ".csv", ".csv", ".txt", ".tsv", "", ".CSV", ".json", ".jsonl", ".xlsx", ".dat"]

CANONICAL_HEADER = ["client", "application_id", "company", "role", "industry", "channel", "resume_version",
                    "cover_letter", "referral", "location", "seniority", "job_url", "applied_on", "status",
                    "responded_on", "screen_on", "assessment_on", "interview_on", "interview_rounds", "offer_on",
                    "accepted_on", "declined_on", "rejected_on", "withdrawn_on", "closed_on", "followed_up_on",
                    "notes"]  # fmt: skip
SPREADSHEET_HEADER = ["Company", "Position", "Website", "Application site", "Company Type", "Date sent",
                      "Easy Application?", "Response?", "Date Interview", "Date of 1st Response", "Paid? ",
                      "LinkedIn_Connection", "Recruiter", "CV_Version"]  # fmt: skip
LINKEDIN_HEADER = ["Application Date", "Contact Email", "Contact Phone Number", "Company Name", "Job Title",
                   "Job Url", "Resume Name", "Question And Answers"]  # fmt: skip
SAVED_HEADER = ["Saved Date", "Job Url", "Job Title", "Company Name"]
HUNTR_HEADER = ["id", "createdAt", "title", "salary", "location", "url", "rootDomain", "htmlDescription", "deadline",
                "color", "lastMovedAt", "boardId", "boardName", "listId", "listName", "companyId", "companyName",
                "companyDomain", "creatorUserId", "creatorUserFirstName", "creatorUserLastName",
                "creatorUserEmail"]  # fmt: skip
SIMPLIFY_HEADER = ["Job Title", "Company Name", "Location", "Job URL", "Applied Date", "Status", "Status Date",
                   "Archived", "Date Archived", "Notes"]  # fmt: skip
EVENTS_HEADER = ["application_id", "event", "occurred_on", "round", "detail"]
JUNK_HEADERS = ["", " ", "column", "Column", "???", "日付", "a,b", 'say "hi"', "x" * 200, "=SUM(A1)", "\ufeffcompany",
                "company ", "COMPANY", "date", "Date", "status", "id", "event", "stage", "line", "c0", "rowid",
                "$.key", "a.b", "a\"b", "a\\b", "null"]  # fmt: skip


def _text(rng: random.Random, max_len: int = 20) -> str:
    """Random printable-ish text from several scripts (no surrogates, no NUL: those are their own cases)."""
    ranges = [(0x20, 0x7E), (0xA0, 0x17F), (0x370, 0x3FF), (0x400, 0x4FF), (0x590, 0x6FF), (0x3040, 0x30FF),
              (0x4E00, 0x4FFF), (0x1F300, 0x1F64F), (0x2000, 0x206F)]  # fmt: skip
    chars = []
    for _ in range(rng.randint(0, max_len)):
        low, high = rng.choice(ranges)
        chars.append(chr(rng.randint(low, high)))
    return "".join(chars)


def _field_of(column: str) -> str | None:
    from pipelines.load.columns import FIELD_SYNONYMS, header_token

    token = header_token(column)
    for name, spellings in FIELD_SYNONYMS.items():
        if token in spellings:
            return name
    return None


def _value(rng: random.Random, column: str, weird: float = 0.15) -> str:
    """A cell for `column`: mostly the kind of value the column means, sometimes anything at all."""
    roll = rng.random()
    if roll < weird / 3:
        return rng.choice(FORMULAS)
    if roll < weird * 2 / 3:
        return rng.choice(WEIRD)
    if roll < weird:
        return _text(rng)
    name = _field_of(column)
    if name is not None and (name.endswith("_on") or name == "applied_on"):
        return rng.choice(DATES[:12]) if rng.random() < 0.7 else rng.choice(DATES)
    pools: dict[str | None, list[str]] = {
        "company": COMPANIES,
        "role": ROLES,
        "status": STATUSES,
        "cover_letter": YES_NO,
        "referral": YES_NO,
        "one_click": YES_NO,
        "interview_rounds": ROUNDS,
    }
    if name in pools:
        return rng.choice(pools[name])
    return _text(rng) if rng.random() < 0.5 else rng.choice(COMPANIES + ROLES)


def _random_header(rng: random.Random) -> list[str]:
    """A header that maps (canonical or spreadsheet-like), partly maps, or not at all."""
    from pipelines.load.columns import FIELD_SYNONYMS

    shape = rng.random()
    if shape < 0.4:
        header = ["company", "role", "applied_on", "status", *rng.sample(CANONICAL_HEADER, rng.randint(0, 8))]
    elif shape < 0.7:
        header = [rng.choice(spellings).replace("_", rng.choice([" ", "_", "-", ""])).title()
                  for spellings in rng.sample(list(FIELD_SYNONYMS.values()), rng.randint(2, 12))]  # fmt: skip
    elif shape < 0.9:
        header = list(SPREADSHEET_HEADER)
    else:
        header = [rng.choice(JUNK_HEADERS) if rng.random() < 0.5 else _text(rng, 8) for _ in range(rng.randint(1, 8))]
    rng.shuffle(header)
    return header


def _random_rows(rng: random.Random, header: Sequence[str], count: int | None = None) -> list[list[str]]:
    count = rng.randint(0, 30) if count is None else count
    return [[_value(rng, column) for column in header] for _ in range(count)]


def _csv_text(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    delimiter: str = ",",
    newline: str = "\n",
    quote_all: bool = False,
) -> str:
    """Well-formed CSV. Not csv.writer: it leaves a lone CR unquoted when rows end in LF, and a bare CR
    is a line break to every reader, so the file would not hold the rows it was given."""

    def field(value: object) -> str:
        text = "" if value is None else str(value)
        if quote_all or any(char in text for char in (delimiter, '"', "\r", "\n")):
            return '"' + text.replace('"', '""') + '"'
        return text

    def line(values: Sequence[object]) -> str:
        if len(values) == 1 and field(values[0]) == "":
            return '""' + newline  # one empty field, not a blank line
        return delimiter.join(field(value) for value in values) + newline

    return line(header) + "".join(line(row) for row in rows)


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16-le", "utf-16-be", "utf-16-le+bom", "utf-16-be+bom", "cp1252", "latin-1",
             "utf-8+invalid", "utf-8+cp1252", "utf-32"]  # fmt: skip


def _encode(rng: random.Random, text: str, encoding: str) -> bytes:
    """`text` in `encoding`; characters the encoding lacks become '?' (as an ANSI save does)."""
    if encoding.endswith("+bom"):
        base = encoding.removesuffix("+bom")
        bom = codecs.BOM_UTF16_LE if base == "utf-16-le" else codecs.BOM_UTF16_BE
        return bom + text.encode(base, errors="surrogatepass")
    if encoding == "utf-8+invalid":
        data = bytearray(text.encode("utf-8"))
        for _ in range(rng.randint(1, 5)):
            data.insert(rng.randint(0, len(data)), rng.choice([0x80, 0xC3, 0xE2, 0xFF, 0xFE, 0xC0, 0xF5, 0xED]))
        return bytes(data)
    if encoding == "utf-8+cp1252":  # an ANSI-saved half appended to a UTF-8 half
        middle = len(text) // 2
        return text[:middle].encode("utf-8") + text[middle:].encode("cp1252", errors="replace")
    return text.encode(encoding, errors="replace")


def _write_xlsx(
    rng: random.Random, header: Sequence[object], rows: Sequence[Sequence[object]]
) -> tuple[bytes, int | None]:
    """An XLSX workbook, cells typed as a spreadsheet would hold them (dates, numbers, booleans, text),
    and its data rows: the rows with a cell that is not empty (None when the header row is empty)."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if rng.random() < 0.3:  # the first sheet with data is read: an empty one first
        sheet.title = "Notes"
        sheet = workbook.create_sheet(rng.choice(["Applications", "Sheet 2", "日本", "'quoted'"]))
    if rng.random() < 0.2:
        sheet.append([])
    sheet.append(list(header))
    filled = 0
    for row in rows:
        cells = [_typed_cell(rng, value) for value in row]
        sheet.append(cells)
        # a formula (openpyxl writes a leading = as one) has no value until Excel computes it
        filled += any(cell not in (None, "") and not (isinstance(cell, str) and cell.startswith("=")) for cell in cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    # openpyxl stamps the save time into the workbook and its zip: fixed, so a case is the same bytes
    # on every run (a byte flip at offset N must hit the same byte when the case is replayed)
    with zipfile.ZipFile(buffer) as archive:
        members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    stamp = rb"\g<1>2024-01-02T03:04:05Z\g<2>"
    members = [(name, re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", stamp, data)) for name, data in members]
    return _zip_bytes(members), filled if any(name not in (None, "") for name in header) else None


def _typed_cell(rng: random.Random, value: object) -> object:
    if not isinstance(value, str):
        return value
    text = "".join(ch for ch in value if ch in "\t\n\r" or ord(ch) >= 0x20)  # XML cannot hold control bytes
    with contextlib.suppress(ValueError):
        day = dt.date.fromisoformat(text)
        if rng.random() < 0.6:
            return dt.datetime(day.year, day.month, day.day, rng.choice([0, 0, 9]), 0)
    roll = rng.random()
    if roll < 0.05:
        return rng.choice([1.5, 45000, -1, 10**20, 0.1 + 0.2, True, False, float("inf")])
    if roll < 0.08:
        return None
    if text.startswith("=") and rng.random() < 0.5:
        return "'" + text  # openpyxl writes a leading = as a formula
    return text


def _zip_bytes(members: Sequence[tuple[str, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip of `members`, byte for byte the same on every run (fixed member times)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 2, 3, 4, 6)), data, compress_type=compression)
    return buffer.getvalue()


# --- cases --------------------------------------------------------------------------------------


@dataclass
class Case:
    index: int
    seed: int
    family: str  # generated | mutated
    kind: str  # e.g. generated/quoting, mutated/xlsx
    name: str  # the file's name (its extension matters)
    data: bytes
    options: dict[str, Any] = field(default_factory=dict)  # LoadOptions fields
    steps: list[str] = field(default_factory=list)  # what was done to the file, for the report
    rows: int | None = None  # data rows in the file, when it is well formed (see Generated)

    @property
    def label(self) -> str:
        steps = f" [{', '.join(self.steps)}]" if self.steps else ""
        return f"case {self.index} ({self.kind}{steps}, {self.name!r}, {len(self.data):,} bytes)"


class Generated(NamedTuple):
    name: str  # the file's name
    data: bytes
    steps: list[str]  # what was done, for the report
    # data rows a reader must find in the file (blank lines are not rows), when the file is well formed
    rows: int | None = None


READ_AS_TEXT = {"", ".csv", ".txt", ".tsv", ".dat"}  # extensions read as CSV (not JSON Lines, not XLSX)
TEXT_SAFE_ENCODINGS = {"utf-8", "utf-8-sig", "utf-16-le", "utf-16-be", "utf-16-le+bom", "utf-16-be+bom", "cp1252",
                       "latin-1"}  # fmt: skip


def _csv_rows(header: Sequence[object], rows: Sequence[Sequence[object]]) -> int | None:
    """Rows of a CSV file written by _csv_text: a row of no fields is written as a blank line.

    None for a one-column file: there a blank line is also a row of one empty field, and DuckDB
    reads it so (as a blank row, skipped).
    """
    return sum(1 for row in rows if len(row) > 0) if len(header) > 1 else None


def _gen_encoding(rng: random.Random) -> Generated:
    header = _random_header(rng)
    encoding = rng.choice(ENCODINGS)
    rows = _random_rows(rng, header)
    text = _csv_text(header, rows, newline=rng.choice(["\n", "\r\n"]))
    delimiter_note = []
    if encoding.startswith("utf-16") and rng.random() < 0.5:  # Excel's Unicode text: TAB-delimited
        rows = _random_rows(rng, header)
        text = _csv_text(header, rows, delimiter="\t", newline="\r\n")
        delimiter_note = ["tab"]
    name = "log" + rng.choice(EXTENSIONS)
    read_whole = encoding in TEXT_SAFE_ENCODINGS and Path(name).suffix in READ_AS_TEXT
    expected = _csv_rows(header, rows) if read_whole else None
    return Generated(name, _encode(rng, text, encoding), [encoding, *delimiter_note], expected)


def _gen_delimiter(rng: random.Random) -> Generated:
    header = _random_header(rng)
    delimiter = rng.choice([",", ";", "\t", "|"])
    rows = _random_rows(rng, header)
    for row in rows:  # delimiters of every kind inside values
        if row and rng.random() < 0.3:
            row[rng.randrange(len(row))] += rng.choice([",", ";", "\t", "|", ", ;|"])
    text = _csv_text(header, rows, delimiter=delimiter, quote_all=rng.random() < 0.3)
    steps = [repr(delimiter)]
    expected: int | None = _csv_rows(header, rows)
    if rng.random() < 0.3:  # header in one delimiter, rows in another
        other = rng.choice([",", ";", "\t", "|"])
        head, _, rest = text.partition("\n")
        text = head + "\n" + rest.replace(delimiter, other)
        steps.append(f"rows {other!r}")
        if other != delimiter:  # a quote is then no longer at the start of a field: rows are ambiguous
            expected = None
    return Generated("log" + rng.choice(EXTENSIONS[:5]), text.encode("utf-8"), steps, expected)


def _gen_quoting(rng: random.Random) -> Generated:
    header = _random_header(rng)
    rows = _random_rows(rng, header, rng.randint(1, 25))
    for row in rows:  # line breaks and quotes inside values (written quoted, correctly)
        if row and rng.random() < 0.4:
            row[rng.randrange(len(row))] += rng.choice(["\n", "\r\n", "\r", '"', '""', "\n\n", 'say "hi"\nbye'])
    lines = _csv_text(header, rows, quote_all=rng.random() < 0.3, newline=rng.choice(["\n", "\r\n"])).split("\n")
    hazards = []
    for _ in range(rng.randint(1, 3)):
        hazard = rng.choice(["unbalanced", "inside", "after", "header", "eof", "escaped", "single"])
        hazards.append(hazard)
        target = rng.randrange(len(lines))
        line = lines[target]
        if hazard == "unbalanced":
            position = rng.randint(0, len(line))
            line = line[:position] + '"' + line[position:]
        elif hazard == "inside":  # a quote inside an unquoted field
            line = line.replace(",", ',ab"c', 1)
        elif hazard == "after":  # text after a closing quote
            line = '"x"y,' + line
        elif hazard == "header":
            target = 0
            line = '"multi\nline header",' + lines[0]
        elif hazard == "eof":
            target = len(lines) - 1
            line = line + '"never closed'
        elif hazard == "escaped":
            line = line.replace(",", ',"a\\"b",', 1)
        else:
            line = line.replace(",", ",'single,quoted',", 1)
        lines[target] = line
    return Generated("log.csv", "\n".join(lines).encode("utf-8"), hazards)


def _gen_ragged(rng: random.Random) -> Generated:
    header = _random_header(rng)
    rows = _random_rows(rng, header, rng.randint(1, 30))
    steps = []
    for row in rows:
        roll = rng.random()
        if roll < 0.2 and row:
            del row[rng.randrange(len(row)) :]
            steps.append("short")
        elif roll < 0.4:
            row.extend(_value(rng, "notes") for _ in range(rng.randint(1, 4)))
            steps.append("long")
        elif roll < 0.5:
            row[:] = [""] * len(row)
            steps.append("empty fields")
    newline = rng.choice(["\n", "\r\n", "\r"])
    # record by record, so that extra lines go between rows, never inside a quoted cell
    records = [_csv_text(header, [], newline=newline)] + [_csv_text([], [row], newline=newline)[len(newline) :]
                                                          for row in rows]  # fmt: skip
    expected = _csv_rows(header, rows)
    if rng.random() < 0.5:  # blank lines, and lines of white space or bare delimiters (those are rows)
        for _ in range(rng.randint(1, 4)):
            extra = rng.choice(["\n", "\r\n", "   \n", "\t\n", ",,,\n"])
            records.insert(rng.randint(1, len(records)), extra)
            if expected is not None:
                expected += extra.strip("\r\n") != ""
        steps.append("blank lines")
    text = "".join(records)
    if rng.random() < 0.3:
        text = text.rstrip("\r\n")
        steps.append("no final newline")
    return Generated("log.csv", text.encode("utf-8"), sorted(set(steps)), expected)


def _gen_nul(rng: random.Random) -> Generated:
    header = _random_header(rng)
    data = bytearray(_csv_text(header, _random_rows(rng, header, rng.randint(1, 20))).encode("utf-8"))
    where = rng.choice(["random", "cell", "end", "start", "utf16-like"])
    if where == "random":
        for _ in range(rng.randint(1, 10)):
            data.insert(rng.randint(0, len(data)), 0)
    elif where == "cell":
        at = data.find(b",", len(data) // 2)
        data[at + 1 : at + 1] = b"a\x00b"
    elif where == "end":
        data += b"\x00" * rng.randint(1, 100)
    elif where == "start":
        data[0:0] = b"\x00"
    else:  # every other byte NUL but with a few stray ASCII pairs: UTF-16 detection must not guess wrong
        data = bytearray(bytes(data).decode("utf-8").encode("utf-16-le", errors="surrogatepass"))
        for _ in range(rng.randint(1, 4)):
            position = rng.randrange(1, len(data), 2)
            data[position] = rng.choice([0x41, 0x0A, 0x2C, 0x00])
    return Generated("log" + rng.choice([".csv", ".jsonl", ".txt"]), bytes(data), [where])


def _gen_big_cell(rng: random.Random) -> Generated:
    header = ["company", "role", "applied_on", "notes"] if rng.random() < 0.7 else _random_header(rng)
    rows = _random_rows(rng, header, rng.randint(1, 6))
    size = rng.choice([1 << 20, (1 << 20) + 1, 2 << 20])
    filler = rng.choice(["x", "é", "ab,c", "a\nb", "\u4e00", '"', " "])
    big = (filler * (size // len(filler.encode()) + 1))[: size // len(filler.encode())]
    where = rng.choice(["cell", "header", "unquoted", "jsonl"])
    if where == "header":
        header = [*header, big]
        rows = [[*row, "x"] for row in rows]
    else:
        row = rng.choice(rows)
        row[rng.randrange(len(row))] = big
    if where == "jsonl":
        text = "\n".join(json.dumps(dict(zip(header, row, strict=False)), ensure_ascii=False) for row in rows) + "\n"
        return Generated("log.jsonl", text.encode("utf-8"), [where, f"{size:,} bytes"], len(rows))
    text = _csv_text(header, rows)
    if where == "unquoted":
        text = text.replace('"', "")
    expected = None if where == "unquoted" else _csv_rows(header, rows)
    return Generated("log.csv", text.encode("utf-8"), [where, f"{size:,} bytes", repr(filler)], expected)


def _gen_formula(rng: random.Random) -> Generated:
    header = _random_header(rng)
    if rng.random() < 0.2:
        header[rng.randrange(len(header))] = rng.choice(FORMULAS)
    rows = _random_rows(rng, header, rng.randint(1, 20))
    for row in rows:
        for position in range(len(row)):
            if rng.random() < 0.4:
                row[position] = rng.choice(FORMULAS)
    fmt = rng.choice(["csv", "jsonl", "xlsx"])
    if fmt == "jsonl":
        text = "\n".join(json.dumps(dict(zip(header, row, strict=True))) for row in rows)
        return Generated("log.jsonl", text.encode("utf-8"), [fmt], len(rows))
    if fmt == "xlsx":
        data, expected = _write_xlsx(rng, header, rows)
        return Generated("log.xlsx", data, [fmt], expected)
    text = _csv_text(header, rows, quote_all=rng.random() < 0.5)
    return Generated("log.csv", text.encode("utf-8"), [fmt], _csv_rows(header, rows))


def _gen_wide(rng: random.Random) -> Generated:
    width = rng.choice([1000, 2000, 5000])
    known = ["company", "role", "applied_on", "status"]
    names = [f"col {i}" if rng.random() < 0.9 else rng.choice(JUNK_HEADERS) for i in range(width - len(known))]
    header = names[: width // 2] + known + names[width // 2 :]
    rows = [[_value(rng, column, weird=0.02) if rng.random() < 0.1 else "" for column in header]
            for _ in range(rng.randint(0, 5))]  # fmt: skip
    fmt = rng.choice(["csv", "csv", "jsonl", "xlsx"])
    if fmt == "jsonl":
        text = "\n".join(json.dumps(dict(zip(header, row, strict=True))) for row in rows)
        return Generated("wide.jsonl", text.encode("utf-8"), [f"{width} columns", fmt], len(rows))
    if fmt == "xlsx":
        data, expected = _write_xlsx(rng, header, rows)
        return Generated("wide.xlsx", data, [f"{width} columns", fmt], expected)
    text = _csv_text(header, rows)
    return Generated("wide.csv", text.encode("utf-8"), [f"{width} columns", fmt], _csv_rows(header, rows))


def _gen_empty(rng: random.Random) -> Generated:
    contents = [b"", b" ", b"\n", b"\r\n", b"\r", b"\n\n\n", b"\t \r\n", codecs.BOM_UTF8, codecs.BOM_UTF16_LE,
                codecs.BOM_UTF16_BE, codecs.BOM_UTF8 + b"\n", codecs.BOM_UTF16_LE + "\r\n".encode("utf-16-le"),
                codecs.BOM_UTF8 * 2, b"\xff", b"\x00", b",", b",,,\n", b'""', b'"', b"{}", b"[]", b"null\n",
                codecs.BOM_UTF32_LE, b"PK\x03\x04", b"PK\x05\x06" + b"\x00" * 18]  # fmt: skip
    data = rng.choice(contents)
    name = "empty" + rng.choice([".csv", ".jsonl", ".xlsx", ".zip", ".txt", ""])
    return Generated(name, data, [repr(data[:12])])


def _gen_header_only(rng: random.Random) -> Generated:
    header = _random_header(rng)
    delimiter = rng.choice([",", ";", "\t", "|"])
    text = _csv_text(header, [], delimiter=delimiter, newline=rng.choice(["\n", "\r\n", "\r"]))
    roll = rng.random()
    expected = 0 if len(header) > 1 else None  # see _csv_rows on one-column files
    if roll < 0.3:
        text = text.rstrip("\r\n")
    elif roll < 0.5:
        text += "\n" * rng.randint(1, 5)
    elif roll < 0.6:
        text += delimiter * (len(header) - 1) + "\n"  # one row, all blank (a blank line for one column)
        expected = 1 if len(header) > 1 else None
    encoding = rng.choice(["utf-8", "utf-8-sig", "utf-16-le+bom", "cp1252"])
    name = "header" + rng.choice([".csv", ".csv", ".txt"])
    if rng.random() < 0.2:
        return Generated("header.xlsx", _write_xlsx(rng, header, [])[0], ["xlsx"])
    return Generated(name, _encode(rng, text, encoding), [encoding, repr(delimiter)], expected)


def _gen_jsonl(rng: random.Random) -> Generated:
    header = _random_header(rng)
    lines = []
    for row in _random_rows(rng, header, rng.randint(0, 20)):
        roll = rng.random()
        record: dict[str, Any] = dict(zip(header, row, strict=True))
        if roll < 0.08:
            lines.append(rng.choice(["[1, 2]", "42", '"text"', "null", "true", "{", "{'a': 1}", "{}", "}{", "[]"]))
            continue
        if roll < 0.2:
            record[rng.choice(['a"b', "a\\b", "$.x", "a.b", "", " ", "日付", "\u0000k", "company"])] = _text(rng)
        if roll < 0.3:
            record[rng.choice(header)] = rng.choice([None, 1, 1.5, 10**30, True, [1, "a"], {"x": {"y": 1}}, "\u0000"])
        text = json.dumps(record, ensure_ascii=rng.random() < 0.5)
        if roll > 0.95:
            text = text.replace("}", ', "company": "dup key"}', 1)
        lines.append(text)
    separator = rng.choice(["\n", "\r\n", "\r", "\n\n"])
    name = "log" + rng.choice([".jsonl", ".ndjson", ".json"])
    return Generated(name, separator.join(lines).encode("utf-8"), [repr(separator)], len(lines))


def _gen_noise(rng: random.Random) -> Generated:
    size = rng.choice([1, 16, 1000, 65536])
    kind = rng.choice(["random", "printable", "high", "zip-like", "utf16"])
    if kind == "random":
        data = rng.randbytes(size)
    elif kind == "printable":
        data = bytes(rng.choice(b'abc,;\t|"\r\n 0123456789-/') for _ in range(size))
    elif kind == "high":
        data = bytes(rng.randint(0x80, 0xFF) for _ in range(size))
    elif kind == "zip-like":
        data = b"PK\x03\x04" + rng.randbytes(size)
    else:
        data = codecs.BOM_UTF16_LE + rng.randbytes(size | 1)  # an odd length: a cut-off code unit
    return Generated("noise" + rng.choice(EXTENSIONS), data, [kind])


GENERATORS: dict[str, Callable[[random.Random], Generated]] = {
    "encoding": _gen_encoding,
    "delimiter": _gen_delimiter,
    "quoting": _gen_quoting,
    "ragged": _gen_ragged,
    "nul": _gen_nul,
    "big-cell": _gen_big_cell,
    "formula": _gen_formula,
    "wide": _gen_wide,
    "empty": _gen_empty,
    "header-only": _gen_header_only,
    "jsonl": _gen_jsonl,
    "noise": _gen_noise,
}

# --- well-formed files of every format, and their mutations ----------------------------------------


def _sample_rows(rng: random.Random, count: int) -> tuple[list[str], list[list[str]]]:
    """Rows of the committed persona searches: the base database holds some of them already."""
    with (SAMPLE_DIR / "healthy.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)
    start = rng.randint(0, len(rows) - count)
    return header, [list(row) for row in rows[start : start + count]]


def _base_canonical(rng: random.Random) -> tuple[list[str], list[list[str]]]:
    return _sample_rows(rng, rng.randint(1, 40))


def _base_spreadsheet(rng: random.Random) -> tuple[list[str], list[list[str]]]:
    rows = []
    for i in range(rng.randint(1, 25)):
        day = dt.date(2021, 11, 1) + dt.timedelta(days=rng.randint(0, 60))
        rows.append([rng.choice(COMPANIES[:8]) + f" {i % 7}", rng.choice(ROLES[:4]),
                     rng.choice(["Linkedin", "Dice", "-"]), rng.choice(["Company Site", "Linkedin", "OtterJobs"]),
                     rng.choice(["Retail", "Finance ", "Software"]), f"{day.month}/{day.day}/{day.year}",
                     rng.choice(["y", "n", "Yes"]), rng.choice(["Rejected", "Ghosted", "Inter + Rejec", "Offer", ""]),
                     rng.choice(["", f"{day.month}/{min(day.day + 3, 28)}/{day.year}"]), "", "",
                     rng.choice(["y", "N", ""]), rng.choice(["", "Jane Roe"]), rng.choice(["v1", "v2"])])  # fmt: skip
    return list(SPREADSHEET_HEADER), rows


def _base_linkedin(rng: random.Random) -> tuple[list[str], list[list[str]]]:
    rows = []
    for i in range(rng.randint(1, 20)):
        day = dt.date(2023, 11, 1) + dt.timedelta(days=rng.randint(0, 90))
        rows.append([f"{day.month}/{day.day}/{day.year % 100}, {rng.randint(1, 12)}:{rng.randint(0, 59):02d} "
                     f"{rng.choice(['AM', 'PM'])}", "me@example.com", " +1 555 0100", rng.choice(COMPANIES[:6]),
                     rng.choice(ROLES[:4]), f"https://www.linkedin.com/jobs/view/{100 + i}",
                     rng.choice(["resume (2).pdf", "firstname_final.pdf"]),
                     rng.choice(["", "<p>Why?</p> : Yes | Sponsorship? : No"])])  # fmt: skip
    return list(LINKEDIN_HEADER), rows


def _base_huntr(rng: random.Random) -> tuple[list[str], list[list[str]]]:
    rows = []
    for i in range(rng.randint(1, 15)):
        created = dt.datetime(2022, 2, 1, 10) + dt.timedelta(days=rng.randint(0, 30), minutes=rng.randint(0, 999))
        moved = created + dt.timedelta(days=rng.randint(0, 20))
        card = f"h{i}"
        rows.append([card, str(created), rng.choice(ROLES[:4]), "-", "Remote", f"https://jobs.example/{card}",
                     "example.com", "<p>We are hiring</p>", "-", "#ffffff", str(moved), "b1", "Job Search 2022", "l1",
                     rng.choice(["Applied", "Interview", "Wishlist", "Rejected 😢", "Offer", "Phone Screen"]),
                     "c" + card, rng.choice(COMPANIES[:6]), "-", "u1", "Pat", "Doe", "pat@example.com"])  # fmt: skip
    return list(HUNTR_HEADER), rows


def _base_simplify(rng: random.Random) -> tuple[list[str], list[list[str]]]:
    rows = []
    for i in range(rng.randint(1, 15)):
        day = dt.date(2024, 3, 1) + dt.timedelta(days=rng.randint(0, 30))
        later = day + dt.timedelta(days=rng.randint(0, 30))
        rows.append([rng.choice(ROLES[:4]), rng.choice(COMPANIES[:6]) + f" {i}", "NYC", f"https://s.example/{i}",
                     rng.choice([day.isoformat(), "N/A"]), rng.choice(["APPLIED", "interviewing", "SAVED", "Rejected",
                     "GHOSTED", "OFFER"]), later.isoformat(), rng.choice(["false", "true"]), "N/A", ""])  # fmt: skip
    return list(SIMPLIFY_HEADER), rows


def _base_events(rng: random.Random) -> tuple[list[str], list[list[str]]]:
    header, apps = _sample_rows(rng, rng.randint(1, 15))
    at_id, at_day = header.index("application_id"), header.index("applied_on")
    rows = []
    for app in apps:
        day = dt.date.fromisoformat(app[at_day]) + dt.timedelta(days=rng.randint(0, 20))
        event = rng.choice(["screen", "interview", "rejected", "offer", "follow_up", "ghosted", "applied", "party"])
        rows.append([app[at_id], event, day.isoformat(), rng.choice(["", "1", "2"]), rng.choice(["", "went well"])])
    return list(EVENTS_HEADER), rows


BASES: dict[str, Callable[[random.Random], tuple[list[str], list[list[str]]]]] = {
    "canonical": _base_canonical,
    "spreadsheet": _base_spreadsheet,
    "linkedin": _base_linkedin,
    "huntr": _base_huntr,
    "simplify": _base_simplify,
    "events": _base_events,
    "jsonl": _base_canonical,
    "xlsx": lambda rng: rng.choice([_base_canonical, _base_spreadsheet, _base_simplify])(rng),
    "linkedin-zip": _base_linkedin,
}


def _mutate_table(rng: random.Random, header: list[str], rows: list[list[str]]) -> list[str]:
    """Structural mutations, in place: the shapes real files get from people and other tools."""
    steps = []
    for _ in range(rng.randint(0, 3)):
        mutation = rng.choice(["swap-columns", "mangle-header", "duplicate-rows", "delete-rows", "shuffle-rows",
                               "odd-cells", "drop-column", "add-column", "blank-rows", "ragged-row"])  # fmt: skip
        steps.append(mutation)
        width = len(header)
        if mutation == "swap-columns" and width > 1:
            i, j = rng.sample(range(width), 2)
            scope = rng.choice(["all", "header", "rows"])
            if scope in ("all", "header"):
                header[i], header[j] = header[j], header[i]
            if scope in ("all", "rows"):
                for row in rows:
                    if len(row) > max(i, j):
                        row[i], row[j] = row[j], row[i]
            steps[-1] += f"({scope})"
        elif mutation == "mangle-header" and header:
            i = rng.randrange(width)
            how = rng.choice(["upper", "spaces", "junk", "blank", "duplicate", "unicode", "bom", "newline", "formula"])
            header[i] = {
                "upper": header[i].upper(),
                "spaces": f"  {header[i].replace('_', ' ')}  ",
                "junk": rng.choice(JUNK_HEADERS),
                "blank": "",
                "duplicate": header[rng.randrange(width)],
                "unicode": header[i].replace("a", "а").replace("o", "ο"),  # Cyrillic a, Greek o
                "bom": "\ufeff" + header[i],
                "newline": header[i] + "\n(date)",
                "formula": "=" + header[i],
            }[how]
            steps[-1] += f"({how})"
        elif mutation == "duplicate-rows" and rows:
            for _ in range(rng.randint(1, 3)):
                rows.insert(rng.randint(0, len(rows)), list(rng.choice(rows)))
        elif mutation == "delete-rows" and rows:
            del rows[rng.randrange(len(rows))]
        elif mutation == "shuffle-rows":
            rng.shuffle(rows)
        elif mutation == "odd-cells" and rows:
            for _ in range(rng.randint(1, 6)):
                row = rng.choice(rows)
                if row:
                    row[rng.randrange(len(row))] = rng.choice([*FORMULAS, *WEIRD, *DATES, *STATUSES, _text(rng)])
        elif mutation == "drop-column" and width > 1:
            i = rng.randrange(width)
            del header[i]
            for row in rows:
                if len(row) > i:
                    del row[i]
        elif mutation == "add-column":
            header.insert(rng.randint(0, width), rng.choice([*JUNK_HEADERS, *CANONICAL_HEADER]))
            for row in rows:
                row.insert(min(len(row), rng.randint(0, width)), _text(rng, 8))
        elif mutation == "blank-rows":
            rows.insert(rng.randint(0, len(rows)), [""] * width)
        elif mutation == "ragged-row" and rows:
            row = rng.choice(rows)
            if rng.random() < 0.5 and row:
                row.pop()
            else:
                row.append("extra")
    return steps


INTERESTING_BYTES = [b'"', b",", b";", b"\t", b"\n", b"\r", b"\r\n", b"\x00", b"\xff", b"\xfe", b"\xc3", b"\xe2\x82",
                     codecs.BOM_UTF8, b"\\", b"{", b"}", b'""', b"\x1a", b"\x0b", b"\x0c", b"\x85", b"\xc2\x85",
                     b"\xe2\x80\xa8", b"=", b"\x80"]  # fmt: skip


def _mutate_bytes(rng: random.Random, data: bytes, count: int | None = None) -> tuple[bytes, list[str]]:
    """Byte-level mutations: what a bad disk, a cut download or a careless editor does."""
    out = bytearray(data)
    steps = []
    for _ in range(rng.randint(1, 3) if count is None else count):
        mutation = rng.choice(["flip", "truncate", "insert", "duplicate-line", "delete-line", "swap-lines",
                               "line-endings", "set-byte"])  # fmt: skip
        steps.append(mutation)
        if not out:
            break
        if mutation == "flip":
            for _ in range(rng.randint(1, 8)):
                position = rng.randrange(len(out))
                out[position] ^= 1 << rng.randrange(8)
        elif mutation == "set-byte":
            position = rng.randrange(len(out))
            out[position] = rng.randrange(256)
        elif mutation == "truncate":
            out = out[: rng.randrange(len(out))]
        elif mutation == "insert":
            position = rng.randint(0, len(out))
            out[position:position] = rng.choice(INTERESTING_BYTES) * rng.choice([1, 1, 2, 7])
        else:
            lines = bytes(out).split(b"\n")
            if mutation == "duplicate-line":
                i = rng.randrange(len(lines))
                lines.insert(rng.randint(0, len(lines)), lines[i])
            elif mutation == "delete-line" and len(lines) > 1:
                del lines[rng.randrange(len(lines))]
            elif mutation == "swap-lines" and len(lines) > 1:
                i, j = rng.sample(range(len(lines)), 2)
                lines[i], lines[j] = lines[j], lines[i]
            elif mutation == "line-endings":
                ending = rng.choice([b"\r\n", b"\r", b"\n\r"])
                lines = [line + (ending[:-1] if ending != b"\n\r" else b"") if rng.random() < 0.5 else line
                         for line in lines]  # fmt: skip
            out = bytearray(b"\n".join(lines))
    return bytes(out), steps


def _mutated(rng: random.Random, fmt: str) -> Generated:
    header, rows = BASES[fmt](rng)
    steps = _mutate_table(rng, header, rows)
    byte_level = rng.random() < 0.6
    if fmt == "xlsx":
        data, expected = _write_xlsx(rng, header, rows)
        if byte_level:
            data, extra = _mutate_xlsx(rng, data)
            steps += extra
            expected = None
        return Generated("log" + rng.choice([".xlsx", ".xlsx", ".xlsm", ".csv"]), data, steps, expected)
    if fmt == "jsonl":
        lines = []
        for row in rows:
            record = {name: (value if value != "" or rng.random() < 0.5 else None)
                      for name, value in zip(header, row, strict=False)}  # fmt: skip
            lines.append(json.dumps(record, ensure_ascii=rng.random() < 0.5))
        data = "\n".join(lines).encode("utf-8")
        name = "log.jsonl"
        expected: int | None = len(rows)
    else:
        quote_all = fmt.startswith("linkedin") or rng.random() < 0.2
        text = _csv_text(header, rows, quote_all=quote_all, newline=rng.choice(["\n", "\r\n"]))
        encoding = "utf-8" if rng.random() < 0.8 else rng.choice(ENCODINGS)
        if encoding != "utf-8":
            steps.append(encoding)
        data = _encode(rng, text, encoding)
        names = {"linkedin": "Job Applications.csv", "linkedin-zip": "Job Applications.csv", "huntr": "huntr.csv",
                 "simplify": "simplify.csv", "events": "events.csv"}  # fmt: skip
        name = names.get(fmt, "log.csv")
        expected = _csv_rows(header, rows) if encoding in TEXT_SAFE_ENCODINGS else None
    if byte_level and not (fmt == "linkedin-zip" and rng.random() < 0.5):
        data, extra = _mutate_bytes(rng, data)
        steps += extra
        expected = None
    if fmt != "linkedin-zip":
        return Generated(name, data, steps, expected)
    return _linkedin_zip(rng, data, steps)


def _linkedin_zip(rng: random.Random, applications: bytes, steps: list[str]) -> Generated:
    folder = rng.choice(["Jobs/", "", "jobs/", "Basic/Jobs/"])
    members = []
    if rng.random() < 0.3:  # a large export splits the file
        lines = applications.split(b"\n")
        middle = max(2, len(lines) // 2)
        members += [(f"{folder}Job Applications_1.csv", b"\n".join(lines[:middle])),
                    (f"{folder}Job Applications_2.csv", b"\n".join(lines[:1] + lines[middle:]))]  # fmt: skip
        steps.append("split")
    else:
        members.append((f"{folder}{rng.choice(['Job Applications.csv', 'job applications.CSV'])}", applications))
    if rng.random() < 0.7:
        saved_row = ["11/1/23, 9:00 AM", "https://www.linkedin.com/jobs/view/9", "Engineer", "Omega"]
        saved = _csv_text(SAVED_HEADER, [saved_row])
        members.append((f"{folder}Saved Jobs.csv", saved.encode("utf-8")))
    members += [("Connections.csv", b"First Name,Last Name\nAda,Lovelace\n"), ("Profile.csv", b"First Name\nMe\n")]
    rng.shuffle(members)
    compression = rng.choice([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
    data = _zip_bytes(members, compression)
    if rng.random() < 0.25:  # the archive itself damaged
        data, extra = _mutate_bytes(rng, data, count=1)
        steps += [f"zip {step}" for step in extra]
    return Generated(rng.choice(["Basic_LinkedInDataExport.zip", "export.ZIP", "export"]), data, steps)


def _mutate_xlsx(rng: random.Random, data: bytes) -> tuple[bytes, list[str]]:
    """A damaged workbook: the zip's bytes, or the XML of one of its parts (re-zipped, so the zip is sound)."""
    if rng.random() < 0.3:
        mutated, steps = _mutate_bytes(rng, data, count=1)
        return mutated, [f"zip {step}" for step in steps]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    parts = [i for i, (name, _) in enumerate(members) if name.startswith("xl/")]
    target = rng.choice(parts)
    name, content = members[target]
    if rng.random() < 0.3 and name.startswith("xl/worksheets/sheet"):
        # a cell's text replaced by a value of another type, or a cell reference rewritten
        text = content.decode("utf-8", errors="replace")
        text = text.replace('t="s"', rng.choice(['t="n"', 't="b"', 't="e"', 't="str"', 't="d"']), 1)
        content = text.encode("utf-8")
        steps = [f"{name}: cell type"]
    else:
        content, inner = _mutate_bytes(rng, content)
        steps = [f"{name}: {step}" for step in inner]
    members[target] = (name, content)
    return _zip_bytes(members), steps


FORMATS = list(BASES)
# the schedule of case kinds: every generator and every format, mutations twice as often
SCHEDULE = [f"generated/{name}" for name in GENERATORS] + [f"mutated/{fmt}" for fmt in FORMATS] * 2


def case_seed(seed: int, index: int) -> int:
    return random.Random(f"{seed}:{index}").getrandbits(48)


def make_case(seed: int, index: int) -> Case:
    """Case `index` of the run seeded `seed`: the same bytes every time."""
    own_seed = case_seed(seed, index)
    rng = random.Random(own_seed)
    kind = SCHEDULE[index % len(SCHEDULE)]
    family, name = kind.split("/")
    made = GENERATORS[name](rng) if family == "generated" else _mutated(rng, name)
    options: dict[str, Any] = {}
    roll = rng.random()
    if roll < 0.08:
        options["strict"] = True
    elif roll < 0.14:
        options["dry_run"] = True
    elif roll < 0.20:
        options["date_order"] = rng.choice(["mdy", "dmy"])
    elif roll < 0.25:
        options["client"] = rng.choice(["someone else", "me", "Zoë"])
    elif roll < 0.29:  # --map: a loaded file remembers it for its header
        column = rng.choice(["company", "Company Name", "Date sent", "Position", "notes", "Status", "nope"])
        options["column_map"] = {column: rng.choice(["company", "role", "applied_on", "notes", "ignore", "bogus"])}
    elif roll < 0.33:
        text = rng.choice(["weird", "Wishlist", "=1+1", ""])
        options["status_map"] = {text: rng.choice(["rejected", "pending", "?"])}
    return Case(index, own_seed, family, kind, made.name, made.data, options, made.steps, made.rows)


# --- the base database ------------------------------------------------------------------------------


def build_base_database(path: Path) -> None:
    """A database that already holds data of every format, so fuzzed loads update and meet it."""
    from pipelines.load.ingest import ingest_path
    from pipelines.store.db import connect

    rng = random.Random(0)
    folder = path.parent / "base-inputs"
    folder.mkdir(parents=True, exist_ok=True)
    with (SAMPLE_DIR / "healthy.csv").open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))[:61]
    files = {
        "healthy.csv": _csv_text(header, rows),
        "Job Applications.csv": _csv_text(*_base_linkedin(rng), quote_all=True),
        "huntr.csv": _csv_text(*_base_huntr(rng)),
        "simplify.csv": _csv_text(*_base_simplify(rng)),
        "my log.csv": _csv_text(*_base_spreadsheet(rng)),
        "events.csv": _csv_text(*_base_events(rng)),
    }
    con = connect(path)
    try:
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8", newline="")
            for result in ingest_path(con, folder / name):
                if result.status != "loaded":
                    raise RuntimeError(f"the fuzz base database could not load {name}: {result.message}")
    finally:
        con.close()
    shutil.rmtree(folder)


# --- one case: load it and judge the outcome ------------------------------------------------------------


def _data_tables(checksum: dict[str, tuple[int, str]]) -> dict[str, tuple[int, str]]:
    return {table: value for table, value in checksum.items() if table not in RUN_LOG_TABLES}


def _message_problem(message: str | None) -> str | None:
    if not message or not message.strip():
        return "refused without a message"
    if "\n" in message or "\r" in message:
        return f"refusal message spans lines: {message[:200]!r}"
    if len(message) > MAX_MESSAGE_CHARS:
        return f"refusal message of {len(message)} characters: {message[:200]!r}..."
    if "unexpected error" in message or "Traceback" in message:
        return f"refusal message is a bug report: {message!r}"
    return None


def check_case(case: Case, base: Path, base_checksum: dict[str, tuple[int, str]], folder: Path,
               ingest: Callable[..., Any] | None = None) -> dict[str, Any]:  # fmt: skip
    """Load `case` into a copy of `base` and judge the outcome against the promise.

    Returns the outcome as JSON-able facts; `problems` lists every way the promise broke.
    `ingest` replaces pipelines.load.ingest.ingest_path (the tests use it to prove a broken loader is caught).
    """
    from pipelines.errors import BouncebackError, InputError
    from pipelines.load.ingest import LoadOptions, ingest_path
    from pipelines.store.db import connect, run_data_tests

    ingest = ingest or ingest_path
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    db = folder / "case.duckdb"
    shutil.copyfile(base, db)
    inputs = folder / "input"
    inputs.mkdir()
    path = inputs / case.name
    path.write_bytes(case.data)
    problems: list[str] = []
    outcome: dict[str, Any] = {"index": case.index, "kind": case.kind, "family": case.family, "rows_read": 0,
                               "rows_lost": 0, "statuses": [], "messages": []}  # fmt: skip
    started = time.perf_counter()
    con = connect(db)
    results: list[Any] = []
    try:
        try:
            results = list(ingest(con, path, LoadOptions(**case.options)))
        except InputError as e:  # refused before any result (an unreadable archive)
            outcome["statuses"].append("refused")
            outcome["messages"].append(str(e))
            if problem := _message_problem(str(e)):
                problems.append(problem)
        except BouncebackError as e:
            problems.append(f"{type(e).__name__} escaped: {e}")
        except Exception as e:
            frames = traceback.extract_tb(e.__traceback__)
            ours = [frame for frame in frames if f"{os.sep}pipelines{os.sep}" in frame.filename] or frames
            at = " <- ".join(f"{Path(frame.filename).name}:{frame.lineno}" for frame in [frames[-1], ours[-1]])
            problems.append(f"unhandled {type(e).__name__}: {str(e)[:200]} (at {at})")
        outcome["seconds"] = round(time.perf_counter() - started, 3)
        cur = con.cursor()
        applications_before = base_checksum["applications"][0]
        inserted_applications = 0
        for result in results:
            outcome["statuses"].append(result.status)
            outcome["messages"].append(result.message)
            problems += _judge_result(cur, result)
            if case.rows is not None and (miscount := _miscounted(result, case.rows)):
                problems.append(miscount)
                outcome["rows_lost"] += abs(case.rows - result.rows_read)
            if result.status == "loaded":
                outcome["rows_read"] += result.rows_read
                outcome["rows_lost"] += _rows_lost(cur, result)
                if result.source != "events":
                    inserted_applications += result.inserted
        if not results and not outcome["statuses"] and not problems:
            problems.append("ingest returned no result at all")
        failed_tests = {name: count for name, count in run_data_tests(con).items() if count}
        if failed_tests:
            problems.append(f"data tests fail: {failed_tests}")
        applications_after = cur.execute("select count(*) from applications").fetchone()[0]
        if applications_after != applications_before + inserted_applications:
            problems.append(
                f"applications went from {applications_before} to {applications_after}, "
                f"but the loads say {inserted_applications} inserted"
            )
    finally:
        con.close()
    after = database_checksum(db)
    statuses = set(outcome["statuses"])
    if statuses <= {"refused", "failed"} and _data_tables(after) != _data_tables(base_checksum):
        changed = sorted(t for t in _data_tables(after) if after[t] != base_checksum.get(t))
        problems.append(f"refused, yet the data changed: {changed}")
    if case.options.get("dry_run") and after != base_checksum:  # not even a refusal is recorded
        changed = sorted(t for t in after if after[t] != base_checksum.get(t))
        problems.append(f"dry run, yet the database changed: {changed}")
    outcome["outcome"] = "loaded" if "loaded" in statuses else ("dry_run" if "dry_run" in statuses else "refused")
    outcome["problems"] = problems
    shutil.rmtree(folder, ignore_errors=True)
    return outcome


def _judge_result(cur: Any, result: Any) -> list[str]:
    """One file's result: refused cleanly, or loaded with every row accounted for and recorded."""
    problems = []
    where = f"{Path(result.file).name}: " if "!" in result.file else ""
    if result.status in ("refused", "failed"):
        if result.status == "failed":
            problems.append(f"{where}load failed (not a refusal): {result.message}")
        elif problem := _message_problem(result.message):
            problems.append(where + problem)
        return problems
    if result.status not in ("loaded", "dry_run"):
        return [f"{where}unknown status {result.status!r}"]
    accounted = result.inserted + result.updated + result.unchanged + result.rejected + result.skipped
    if accounted != result.rows_read or not result.reconciled:
        problems.append(f"{where}does not reconcile: read {result.rows_read}, accounted for {accounted}")
    for reject in result.rejects:
        if not isinstance(reject.get("line"), int) or reject["line"] < 1:
            problems.append(f"{where}reject without a line: {reject}")
        if not reject.get("reason"):
            problems.append(f"{where}reject without a reason: {reject}")
        if reject.get("column") is None and reject.get("reason") not in ROW_LEVEL_REASONS:
            problems.append(f"{where}reject without a column: {reject}")
    if len(result.rejects) < 1000:
        lines = {reject["line"] for reject in result.rejects}
        if len(lines) != result.rejected:
            problems.append(f"{where}{result.rejected} rows rejected, but rejects name {len(lines)} lines")
    if result.status == "loaded":
        row = cur.execute(
            "select status, rows_read, inserted, updated, unchanged, rejected, skipped"
            " from ingest_runs where run_id = ?",
            [result.run_id],
        ).fetchone()
        expected = ("loaded", result.rows_read, result.inserted, result.updated, result.unchanged, result.rejected,
                    result.skipped)  # fmt: skip
        if row != expected:
            problems.append(f"{where}run recorded as {row}, the result says {expected}")
        # a row is rejected or skipped or neither: two outcomes for one line means two rows got one number
        shared = cur.execute(
            "select count(*) - count(distinct line) + (select count(*) from ingest_rejects as r"
            " where r.run_id = $run and r.line in (select line from ingest_skips where run_id = $run))"
            " from ingest_skips where run_id = $run",
            {"run": result.run_id},
        ).fetchone()[0]
        if shared:
            problems.append(f"{where}{shared} lines are named twice among the rejects and skips of the run")
    return problems


def _miscounted(result: Any, rows: int) -> str | None:
    """A well-formed file's rows, counted by the generator, against what the load read."""
    read = result.status in ("loaded", "dry_run") or (result.status == "refused" and result.rows_read > 0)
    if read and result.rows_read != rows:
        return f"read {result.rows_read} rows, but the file holds {rows}"
    if rows and "header but no data rows" in (result.message or ""):
        return f"refused as holding no data rows, but the file holds {rows}"
    return None


def _rows_lost(cur: Any, result: Any) -> int:
    """Rows read that the stored record does not account for: rows with a reject, skips, and the counts."""
    rejected_lines, skips = cur.execute(
        "select (select count(distinct line) from ingest_rejects where run_id = $run),"
        " (select count(*) from ingest_skips where run_id = $run)",
        {"run": result.run_id},
    ).fetchone()
    return abs(result.rows_read - (rejected_lines + skips + result.inserted + result.updated + result.unchanged))


# --- running many cases in workers ------------------------------------------------------------------


def _worker_main(workdir: Path, seed: int, number: int) -> int:
    """Read case numbers on stdin, answer one JSON line each on stdout."""
    import faulthandler

    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # anything else printed (Python or C) goes to the log, never into the answers
    faulthandler.enable()
    with contextlib.suppress(AttributeError, ValueError):
        faulthandler.register(signal.SIGUSR1, all_threads=True)  # the parent asks for stacks before a kill
    base = workdir / "base.duckdb"
    base_checksum = {k: tuple(v) for k, v in json.loads((workdir / "base.json").read_text()).items()}
    for line in sys.stdin:
        index = int(line)
        try:
            case = make_case(seed, index)
            outcome = check_case(case, base, base_checksum, workdir / f"worker-{number}")  # type: ignore[arg-type]
            outcome["label"] = case.label
        except Exception as e:  # the harness itself: still reported, as a failure
            outcome = {"index": index, "problems": [f"fuzz harness error: {type(e).__name__}: {e}"],
                       "label": f"case {index}", "kind": "?", "family": "?", "outcome": "error"}  # fmt: skip
            traceback.print_exc()
        out.write(json.dumps(outcome, default=str) + "\n")
        out.flush()
    return 0


@dataclass
class _Worker:
    process: subprocess.Popen[str]
    log: Path
    index: int | None = None
    since: float = 0.0


def _start_worker(command: list[str], log: Path, answers: queue.Queue[tuple[_Worker, str | None]]) -> _Worker:
    with log.open("a") as sink:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=sink, text=True,
                                   cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    worker = _Worker(process, log)

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            answers.put((worker, line))
        answers.put((worker, None))

    threading.Thread(target=read, daemon=True).start()
    return worker


def _stop(worker: _Worker, stacks: bool) -> str:
    """End a worker this run started (by its own process id); return the tail of its log."""
    if stacks and worker.process.poll() is None and hasattr(signal, "SIGUSR1"):
        with contextlib.suppress(ProcessLookupError):
            worker.process.send_signal(signal.SIGUSR1)
            time.sleep(0.5)
    worker.process.kill()
    worker.process.wait()
    text = worker.log.read_text(errors="replace") if worker.log.exists() else ""
    frames = [line.strip() for line in text.splitlines() if line.strip().startswith("File ")]
    return " <- ".join(frames[-3:][::-1]) if frames else text.strip().splitlines()[-1:][0] if text.strip() else ""


def run_cases(
    indexes: Sequence[int],
    seed: int,
    workdir: Path,
    *,
    workers: int = 2,
    timeout: float = CASE_TIMEOUT_SECONDS,
    command: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Every case's outcome (in index order); hangs and crashed workers become outcomes with a problem.

    `command` replaces the worker command line (the tests use one that hangs or dies).
    """
    answers: queue.Queue[tuple[_Worker, str | None]] = queue.Queue()
    pending = deque(indexes)
    outcomes: dict[int, dict[str, Any]] = {}
    slots: list[_Worker | None] = []
    started: list[_Worker] = []

    def start(number: int) -> _Worker:
        argv = command or [sys.executable, "-m", "tests.reliability.fuzz", "--worker", str(workdir), "--seed",
                           str(seed), "--number", str(number)]  # fmt: skip
        started.append(_start_worker(argv, workdir / f"worker-{number}.log", answers))
        return started[-1]

    def assign(number: int, worker: _Worker) -> None:
        if not pending:
            worker.index = None
            assert worker.process.stdin is not None
            with contextlib.suppress(OSError):
                worker.process.stdin.close()
            slots[number] = None
            return
        worker.index = pending.popleft()
        worker.since = time.monotonic()
        assert worker.process.stdin is not None
        try:
            worker.process.stdin.write(f"{worker.index}\n")
            worker.process.stdin.flush()
        except OSError:
            pass  # a worker that died: its end of file arrives and the case is reported

    def lost(number: int, worker: _Worker, outcome: str, problem: str) -> None:
        assert worker.index is not None
        index = worker.index
        outcomes[index] = {"index": index, "problems": [problem], "outcome": outcome, "label": f"case {index}",
                           "kind": make_case_kind(index), "family": make_case_kind(index).split("/")[0]}  # fmt: skip
        replacement = start(number)
        slots[number] = replacement
        assign(number, replacement)

    try:
        for number in range(max(1, min(workers, len(indexes)))):
            slots.append(start(number))
            assign(number, slots[number])  # type: ignore[arg-type]
        while any(slot is not None for slot in slots):
            try:
                worker, line = answers.get(timeout=1.0)
            except queue.Empty:
                now = time.monotonic()
                for number, slot in enumerate(slots):
                    if slot is not None and slot.index is not None and now - slot.since > timeout:
                        where = _stop(slot, stacks=True)
                        lost(number, slot, "hang", f"hang: no outcome after {timeout:.0f} s (stack: {where})")
                continue
            if worker not in slots:
                continue  # a worker already replaced (killed for a hang)
            number = slots.index(worker)
            if line is None:
                if worker.index is not None:
                    code = worker.process.wait()
                    where = _stop(worker, stacks=False)
                    lost(number, worker, "error", f"worker died (exit code {code}) during the case: {where}")
                continue
            outcome = json.loads(line)
            outcomes[outcome["index"]] = outcome
            assign(number, worker)
    finally:
        for worker in started:  # only the processes this run started, each by its own id
            if worker.process.poll() is None:
                with contextlib.suppress(OSError):
                    worker.process.stdin.close()  # type: ignore[union-attr]
                try:
                    worker.process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    worker.process.kill()
                    worker.process.wait()
    return [outcomes[index] for index in indexes if index in outcomes]


def run(cases: int, seed: int, workdir: Path, *, workers: int | None = None, timeout: float = CASE_TIMEOUT_SECONDS,
        command: list[str] | None = None) -> Summary:  # fmt: skip
    """`cases` fuzzed files against a base database in `workdir`; failing inputs are kept in workdir/failures."""
    from pipelines.store.db import connect

    workdir.mkdir(parents=True, exist_ok=True)
    build_base_database(workdir / "base.duckdb")
    connect(workdir / "base.duckdb").close()  # checkpointed: copies of the file are the whole database
    (workdir / "base.json").write_text(json.dumps(database_checksum(workdir / "base.duckdb")))
    workers = workers or min(2, os.cpu_count() or 1)
    outcomes = run_cases(range(cases), seed, workdir, workers=workers, timeout=timeout, command=command)
    summary = Summary(category="fuzz", command="make fuzz", cases=cases)
    failures_dir = workdir / "failures"
    keep = os.environ.get("BOUNCEBACK_FUZZ_KEEP")
    for outcome in outcomes:
        if not outcome["problems"]:
            continue
        case = make_case(seed, outcome["index"])
        failures_dir.mkdir(exist_ok=True)
        kept = failures_dir / f"case-{case.index}-{case.name or 'noname'}"
        kept.write_bytes(case.data)
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(kept, Path(keep) / kept.name)
        summary.failures.append(
            f"{case.label}, options {case.options}: {'; '.join(outcome['problems'])} "
            f"(replay: python -m tests.reliability.fuzz --seed {seed} --case {case.index} --keep DIR)"
        )
    families = Counter(make_case_kind(index).split("/")[0] for index in range(cases))
    kinds = Counter(make_case_kind(index) for index in range(cases))
    done = [o for o in outcomes if "seconds" in o]
    slowest = max(done, key=lambda o: o["seconds"], default=None)
    summary.figures = {
        "generated cases": families["generated"],
        "mutated cases": families["mutated"],
        "cases per kind": ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items())),
        "loaded": sum(o.get("outcome") == "loaded" for o in outcomes),
        "refused": sum(o.get("outcome") == "refused" for o in outcomes),
        "dry runs": sum(o.get("outcome") == "dry_run" for o in outcomes),
        "rows read": sum(o.get("rows_read", 0) for o in outcomes),
        "rows lost": sum(o.get("rows_lost", 0) for o in outcomes),
        "failures": len(summary.failures),
        "hangs": sum(o.get("outcome") == "hang" for o in outcomes),
        "slowest case": f"case {slowest['index']} ({slowest['kind']}) {slowest['seconds']:.1f} s" if slowest else "-",
    }
    return summary


def make_case_kind(index: int) -> str:
    return SCHEDULE[index % len(SCHEDULE)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--case", type=int, action="append", help="replay this case (in this process)")
    parser.add_argument("--cases", type=int, default=50, help="run this many cases (in workers)")
    parser.add_argument("--keep", type=Path, help="write the replayed case's input file here")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--number", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return _worker_main(args.worker, args.seed, args.number)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="bounceback-fuzz-") as folder:
        workdir = Path(folder)
        if not args.case:
            summary = run(args.cases, args.seed, workdir)
            print(json.dumps(summary.figures, indent=2))
            print("\n".join(summary.failures))
            return 0 if summary.passed else 1
        build_base_database(workdir / "base.duckdb")
        base_checksum = database_checksum(workdir / "base.duckdb")
        failed = False
        for index in args.case:
            case = make_case(args.seed, index)
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                (args.keep / case.name).write_bytes(case.data)
            outcome = check_case(case, workdir / "base.duckdb", base_checksum, workdir / "case")
            print(case.label, case.options)
            print(json.dumps(outcome, indent=2, default=str))
            failed = failed or bool(outcome["problems"])
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
