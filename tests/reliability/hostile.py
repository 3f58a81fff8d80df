"""`python -m tests.reliability.report --only hostile`: every hostile file refused before parsing.

The promise (issue 9, "Hostile files"): a file built to hurt whatever reads it is refused with one
line that names it and says what is wrong, before any parser reads it, whether it comes from the
command line (pipelines.load.ingest.ingest_path) or from the dashboard's upload (dashboard.data), and

- no parser ran: readers' staging functions (CSV through DuckDB, XLSX through python-calamine,
  JSON Lines) are wrapped for the run and count their calls, which must stay at 0;
- the database's data is exactly as it was (a refusal is noted in the run log, by design);
- nothing was written outside the temporary folder (tempfile.tempdir points into the work folder
  for the run, so every temporary file is there, and must be gone afterwards), not even by a
  member name that climbs out of it, and no uploaded file was ever given to duckdb.connect;
- each refusal takes seconds at most (thousands of members, a member declaring 3 GB: refused unread).

The files are a fixed list (cases=0 means "all of them"; a positive number tries the first ones).
Two controls, a benign workbook and a benign LinkedIn export built by the same code, must load:
they show that the builders make readable files, so each refusal is the hostile part's doing.

    python -m tests.reliability.hostile --keep /tmp/hostile   # run, and keep the files to look at
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import importlib
import io
import logging
import sqlite3
import stat
import struct
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from pipelines.load import guard as safety
from pipelines.load import readers
from pipelines.load.ingest import ingest_path
from pipelines.store.db import connect
from tests.reliability.common import Summary, database_checksum

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data" / "healthy.csv"
RUN_LOG_TABLES = ("ingest_runs", "ingest_rejects", "ingest_skips")  # a refusal is recorded there, by design
CASE_SECONDS = 10.0  # "handled quickly": a refusal reads directories and first bytes only
ESCAPED = "escaped-by-bounceback-hostile"  # the file a traversal member would create outside the folder
PARSERS = ("_stage_csv", "_stage_xlsx", "_stage_jsonl")
JOB_CSV = (
    b'"Application Date","Contact Email","Contact Phone Number","Company Name","Job Title","Job Url",'
    b'"Resume Name","Question And Answers"\n'
    b'"11/13/23, 9:42 AM","me@example.com"," +1 555 0100","Acme","Data Analyst",'
    b'"https://www.linkedin.com/jobs/view/101","cv.pdf",""\n'
)


# --- workbooks, written part by part so every byte of the XML is ours --------------------------------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml"'
    ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml"'
    ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"'
    ' Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Log" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"'
    ' Target="worksheets/sheet1.xml"/></Relationships>'
)
ROWS = [["company", "role", "applied_on"], ["Acme", "Data Analyst", "2025-01-06"], ["Beta", "Engineer", "2025-01-09"]]


def _cell(column: int, row: int, text: str) -> str:
    return f'<c r="{"ABC"[column]}{row}" t="inlineStr"><is><t>{text}</t></is></c>'


def sheet_xml(prolog: str = "", first_cell: str | None = None, padding: str = "") -> str:
    """A worksheet with ROWS; `prolog` goes between the XML declaration and the root element,
    `first_cell` replaces the first data cell's text, `padding` goes inside <sheetData>."""
    rows = [[first_cell or ROWS[1][0], *ROWS[1][1:]] if i == 1 else row for i, row in enumerate(ROWS)]
    cells = "".join(
        f'<row r="{r + 1}">' + "".join(_cell(c, r + 1, text) for c, text in enumerate(row)) + "</row>"
        for r, row in enumerate(rows)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f"{prolog}"
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{padding}{cells}</sheetData></worksheet>"
    )


def write_workbook(path: Path, sheet: str | bytes | None = None, extra: dict[str, bytes] | None = None) -> Path:
    parts: dict[str, str | bytes] = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": sheet if sheet is not None else sheet_xml(),
        **(extra or {}),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def patch_directory(path: Path, member: str, *, file_size: int | None = None, flags: int | None = None) -> Path:
    """Rewrite what the zip's directory (and the member's local header) says about `member`:
    the lie a hand-made bomb tells. The data itself is left as it is."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for signature, size_at, flags_at, name_at in ((b"PK\x01\x02", 24, 8, 46), (b"PK\x03\x04", 22, 6, 30)):
        at = data.find(signature)
        while at != -1:
            if data[at + name_at : at + name_at + len(name)] == name:
                if file_size is not None:
                    struct.pack_into("<L", data, at + size_at, file_size)
                if flags is not None:
                    struct.pack_into("<H", data, at + flags_at, flags)
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))
    return path


def billion_laughs() -> str:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]  # 10^9 "lol"s once expanded
    return sheet_xml(prolog=f"<!DOCTYPE worksheet [{''.join(entities)}]>\n", first_cell="&lol9;")


def external_entity() -> str:
    return sheet_xml(prolog='<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n', first_cell="&xxe;")


# --- LinkedIn exports -----------------------------------------------------------------------------


def write_export(path: Path, members: list[tuple[str | zipfile.ZipInfo, bytes]], job_file: bool = True) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        if job_file:
            archive.writestr("Jobs/Job Applications.csv", JOB_CSV)
        archive.writestr("Connections.csv", "First Name,Last Name\nAda,Lovelace\n")
        for name, data in members:
            archive.writestr(name, data)
    return path


def symlink_member(name: str, target: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3  # Unix: the mode bits below are read
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def duckdb_file(path: Path) -> Path:
    scratch = path.with_name(path.name + ".building")
    con = duckdb.connect(str(scratch))
    con.execute("create table secrets as select 'hunter2' as password")
    con.close()
    scratch.rename(path)
    return path


def sqlite_file(path: Path) -> Path:
    scratch = path.with_name(path.name + ".building")
    with contextlib.closing(sqlite3.connect(scratch)) as con:
        con.execute("create table t (x)")
        con.commit()
    scratch.rename(path)
    return path


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"


# --- the list ------------------------------------------------------------------------------------


@dataclass
class Case:
    name: str  # the file's name, as uploaded
    build: Callable[[Path], Path | bytes]  # writes the file at the path given (or returns an upload's bytes)
    expect: str  # a piece of the refusal (from pipelines/load/guard.py)
    upload_only: bool = False  # an oversize upload: only the dashboard path sees the bytes


def _bytes(data: Callable[[], bytes]) -> Callable[[Path], Path]:
    def build(path: Path) -> Path:
        path.write_bytes(data())
        return path

    return build


def _many_members(count: int) -> Callable[[Path], Path]:
    def build(path: Path) -> Path:
        return write_export(path, [(f"Messages/{i:05d}.csv", b"a\n") for i in range(count)])

    return build


def _declared_members(path: Path) -> Path:
    # a small archive whose end record claims 60,000 members: refused before its directory is read
    write_export(path, [])
    data = bytearray(path.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 60_000, 60_000)
    path.write_bytes(bytes(data))
    return path


def _nested(path: Path) -> Path:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Job Applications.csv", JOB_CSV)
    return write_export(path, [("Jobs/Job Applications_2.csv", inner.getvalue())], job_file=False)


def _export_bomb(path: Path) -> Path:
    # 8 MB of one repeated byte: deflate makes it ~8 KB (1,000:1)
    return write_export(path, [("Jobs/Job Applications_2.csv", JOB_CSV.split(b"\n", 1)[0] + b"\n" + b"x" * (8 << 20))])


def _encrypted(path: Path) -> Path:
    return patch_directory(write_export(path, []), "Jobs/Job Applications.csv", flags=0x1)


def _upload_too_big(_: Path) -> bytes:
    return b"company,role,applied_on\n" + b"x" * safety.MAX_UPLOAD_BYTES


def _sparse(path: Path) -> Path:
    """5 KB that would be read as a rectangle of 17 billion cells (found in review: it aborted the process)."""
    return write_workbook(path, sheet_xml(padding='<row r="1048576"><c r="XFD1048576"/></row>'))


def _workbook_bomb(path: Path) -> Path:
    return write_workbook(path, sheet_xml(padding=" " * (8 << 20)))  # 8 MB of spaces: ~1,000:1


def _declared_huge(path: Path) -> Path:
    return patch_directory(write_workbook(path), "xl/worksheets/sheet1.xml", file_size=3 * 1024**3)


def _lying_sizes(path: Path) -> Path:
    # the directory says 900 bytes: every size and ratio check passes, the data inflates to 5 MB
    write_workbook(path, sheet_xml(padding=" " * (5 << 20)))
    return patch_directory(path, "xl/worksheets/sheet1.xml", file_size=900)


def _utf16_doctype(path: Path) -> Path:
    # the same entity trick, in UTF-16: a search for the ASCII bytes "<!DOCTYPE" would miss it
    text = billion_laughs().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    return write_workbook(path, b"\xff\xfe" + text.encode("utf-16-le"))


def _hidden_doctype(path: Path) -> Path:
    # 100 KB of comments before the DOCTYPE: past the head that is searched
    comments = "<!-- padding -->\n" * 6_000
    return write_workbook(path, sheet_xml(prolog=comments + "<!DOCTYPE worksheet [<!ENTITY a 'b'>]>\n"))


def _many_parts(path: Path) -> Path:
    return write_workbook(path, extra={f"xl/media/image{i}.bin": b"\x00" for i in range(5_000)})


def _gzip_csv() -> bytes:
    return gzip.compress(SAMPLE.read_bytes(), mtime=0)


def _pdf() -> bytes:
    return PDF


def _png() -> bytes:
    return PNG


CASES: list[Case] = [
    # XLSX: zip bombs and XML entity tricks
    Case("zip-bomb.xlsx", _workbook_bomb, "refusing a possible zip bomb"),
    Case("declared-3GB.xlsx", _declared_huge, "would unpack to 3.0 GB"),
    Case("lying-sizes.xlsx", _lying_sizes, "inflates to more than the 900 bytes"),
    Case("billion-laughs.xlsx", lambda p: write_workbook(p, billion_laughs()), "DOCTYPE or ENTITY"),
    Case("external-entity.xlsx", lambda p: write_workbook(p, external_entity()), "DOCTYPE or ENTITY"),
    Case("utf16-entities.xlsx", _utf16_doctype, "DOCTYPE or ENTITY"),
    Case("hidden-doctype.xlsx", _hidden_doctype, "before its first element"),
    Case("5000-parts.xlsx", _many_parts, "5,005 members, more than"),
    Case("sparse.xlsx", _sparse, "cells (more than 20,000,000"),
    # content that is not what the extension says
    Case("database.csv", duckdb_file, "is a DuckDB database"),
    Case("database.jsonl", duckdb_file, "is a DuckDB database"),
    Case("database.xlsx", duckdb_file, "not an XLSX workbook"),
    Case("sqlite.csv", sqlite_file, "is an SQLite database"),
    Case("report.xlsx", _bytes(_pdf), "not an XLSX workbook: it is a PDF document"),
    Case("report.csv", _bytes(_pdf), "is a PDF document"),
    Case("photo.csv", _bytes(_png), "is a PNG image"),
    Case("archive.csv", lambda p: write_export(p, []), "a zip archive is not a CSV, XLSX or JSON Lines file"),
    Case("archive.jsonl", lambda p: write_export(p, []), "a zip archive is not a CSV, XLSX or JSON Lines file"),
    Case("log.csv", _bytes(_gzip_csv), "is a gzip archive"),
    Case("notes.xlsx", _bytes(SAMPLE.read_bytes), "not an XLSX workbook"),
    Case("export.zip", _bytes(SAMPLE.read_bytes), "has a .zip extension but is not a zip archive"),
    Case("binary.csv", _bytes(lambda: bytes(range(256)) * 4), "contains NUL bytes"),
    # LinkedIn exports
    Case("traversal.zip", lambda p: write_export(p, [(f"../../{ESCAPED}.csv", JOB_CSV)]), "path traversal"),
    Case(
        "traversal-job.zip",
        lambda p: write_export(p, [(f"../../{ESCAPED}/Job Applications.csv", JOB_CSV)], job_file=False),
        "path traversal",
    ),
    Case(
        "absolute.zip", lambda p: write_export(p, [(f"/tmp/{ESCAPED}/Job Applications.csv", JOB_CSV)]), "path traversal"
    ),
    Case("backslash.zip", lambda p: write_export(p, [(f"..\\..\\{ESCAPED}.csv", JOB_CSV)]), "path traversal"),
    Case("drive.zip", lambda p: write_export(p, [(f"C:/{ESCAPED}/Job Applications.csv", JOB_CSV)]), "path traversal"),
    Case(
        "symlink.zip",
        lambda p: write_export(p, [(symlink_member("Jobs/Job Applications_2.csv", "/etc/passwd"), b"/etc/passwd")]),
        "symbolic link",
    ),
    Case("5000-members.zip", _many_members(5_000), "5,002 members, more than"),
    Case("declared-60000.zip", _declared_members, "60,000 members"),
    Case("nested.zip", _nested, "a zip archive is not a CSV, XLSX or JSON Lines file"),
    Case("bomb.zip", _export_bomb, "refusing a possible zip bomb"),
    Case("encrypted.zip", _encrypted, "is encrypted"),
    # the dashboard's upload limit (the server refuses it first; the same limit where the bytes arrive)
    Case("oversize.csv", _upload_too_big, f"over the upload limit of {safety.MAX_UPLOAD_MB} MB", upload_only=True),
]
CONTROLS: list[Case] = [
    Case("control.xlsx", write_workbook, ""),
    Case("control.zip", lambda p: write_export(p, []), ""),
]


# --- the run -------------------------------------------------------------------------------------


@dataclass
class Watch:
    """What the wrapped functions saw during one case."""

    parser_calls: list[str] = field(default_factory=list)
    connected: list[str] = field(default_factory=list)


@contextlib.contextmanager
def watched(tmp: Path, watch: Watch) -> Iterator[None]:
    """Parsers counted, duckdb.connect's paths recorded, temporary files kept in `tmp`; all undone after."""
    saved: list[tuple[Any, str, Any]] = []

    def wrap(owner: Any, name: str, before: Callable[..., None]) -> None:
        original = getattr(owner, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            before(*args, **kwargs)
            return original(*args, **kwargs)

        saved.append((owner, name, original))
        setattr(owner, name, wrapper)

    for parser in PARSERS:
        wrap(readers, parser, lambda *_a, _p=parser, **_k: watch.parser_calls.append(_p))
    wrap(duckdb, "connect", lambda database=":memory:", *_a, **_k: watch.connected.append(str(database)))
    saved_tempdir = tempfile.tempdir
    tempfile.tempdir = str(tmp)
    try:
        yield
    finally:
        tempfile.tempdir = saved_tempdir
        for owner, name, original in reversed(saved):
            setattr(owner, name, original)


def _tree(folder: Path, skip: Path) -> set[str]:
    return {str(path) for path in folder.rglob("*") if skip not in path.parents and path != skip}


def _escaped(workdir: Path) -> list[str]:
    """Files a traversal member would have created: anywhere in the work folder, or next to it,
    or at the top of the temporary folders and the file system."""
    found = [str(path) for path in workdir.rglob(f"{ESCAPED}*")]
    for folder in {workdir.parent, Path(tempfile.gettempdir()), Path("/tmp"), Path("/"), Path.cwd()}:
        with contextlib.suppress(OSError):
            found += [str(path) for path in folder.glob(f"{ESCAPED}*")]
    return sorted(set(found))


def _upload(con: duckdb.DuckDBPyConnection, name: str, content: bytes) -> list[Any]:
    """The dashboard's own upload path (write to a temporary folder, load, remove), for real."""
    return _dashboard_data()._ingest_upload(con, name, content, _dashboard_data().ImportChoices(), dry_run=False)


def _dashboard_data() -> Any:
    """dashboard.data, imported without Streamlit's "no runtime" warnings (this is no app run)."""
    if "dashboard.data" not in sys.modules:
        from streamlit import logger

        level = logging.getLogger("streamlit").getEffectiveLevel()
        logger.set_log_level("error")
        try:
            importlib.import_module("dashboard.data")
        finally:
            logger.set_log_level(level)
    return sys.modules["dashboard.data"]


def _outcomes(con: duckdb.DuckDBPyConnection, path: Path, content: bytes | None, case: Case) -> dict[str, Any]:
    """(route -> [(status, message)]) for the command-line path and the upload path."""
    routes: dict[str, list[tuple[str, str | None]]] = {}
    if not case.upload_only:
        routes["command line"] = [(r.status, r.message) for r in ingest_path(con, path)]
    upload = content if content is not None else path.read_bytes()
    routes["upload"] = [(r.status, r.message) for r in _upload(con, case.name, upload)]
    return routes


def _check_case(case: Case, routes: dict[str, list[tuple[str, str | None]]], control: bool) -> list[str]:
    """What broke the promise in the outcomes: a hostile file not refused by the safety check in
    one line naming it, or a control that did not load."""
    problems = []
    for route, outcomes in routes.items():
        for status, message in outcomes:
            if control:
                if status != "loaded":
                    problems.append(f"{case.name} ({route}): the control did not load: {status}: {message}")
                continue
            # a member of an export is refused under its own name (Job Applications_2.csv: ...)
            named = case.name in (message or "") or (case.name.endswith(".zip") and ".csv: " in (message or ""))
            if status != "refused":
                problems.append(f"{case.name} ({route}): {status}, not refused ({message})")
            elif not message or case.expect not in message:
                problems.append(f"{case.name} ({route}): refused, but not by the safety check: {message!r}")
            elif "\n" in message or not named:
                problems.append(f"{case.name} ({route}): the refusal is not one line naming the file: {message!r}")
    return problems


def run(cases: int, seed: int, workdir: Path, keep: Path | None = None) -> Summary:
    """Try every hostile file (or the first `cases`) on both paths; `seed` is unused (a fixed list)."""
    del seed
    chosen = CASES if cases <= 0 else CASES[:cases]
    summary = Summary(category="hostile", command="python -m tests.reliability.report --only hostile")
    files = workdir / "files"
    tmp = workdir / "tmp"
    files.mkdir()
    tmp.mkdir()
    db = workdir / "bounceback.duckdb"
    con = connect(db)
    ingest_path(con, SAMPLE)
    con.close()
    baseline: dict[str, tuple[int, str]] = {}
    tried = refused = outside = 0
    slowest = 0.0
    for case in [*CONTROLS, *chosen]:
        control = case in CONTROLS
        if not control and not baseline:
            baseline = _data(database_checksum(db))  # after the controls, which load data
        path = files / case.name
        built = case.build(path)
        content = built if isinstance(built, bytes) else None
        before = _tree(workdir, tmp)
        watch = Watch()
        started = time.perf_counter()
        con = connect(db)
        try:
            with watched(tmp, watch):
                routes = _outcomes(con, path, content, case)
        except Exception as e:  # a crash is a broken promise too: report it and go on
            routes = {"any": [("crashed", f"{type(e).__name__}: {e}")]}
        finally:
            con.close()
        seconds = time.perf_counter() - started
        problems = _check_case(case, routes, control)
        if not control:
            tried += 1
            if not problems and not watch.parser_calls:
                refused += 1  # by the safety check, on every path, with no parser run
            if watch.parser_calls:
                problems.append(f"{case.name}: a parser ran before the refusal: {', '.join(watch.parser_calls)}")
            if seconds > CASE_SECONDS:
                problems.append(f"{case.name}: took {seconds:.1f} s to refuse (limit {CASE_SECONDS:.0f} s)")
            slowest = max(slowest, seconds)
        opened = [p for p in watch.connected if Path(p).name == case.name or str(tmp) in p or str(files) in p]
        if opened:
            problems.append(f"{case.name}: duckdb.connect was given an uploaded file: {opened}")
        leftovers = [str(p) for p in tmp.iterdir()]
        written = sorted(p for p in _tree(workdir, tmp) - before if not Path(p).name.startswith(db.name))
        written += _escaped(workdir)
        if leftovers:
            problems.append(f"{case.name}: temporary files left behind: {leftovers}")
        if written:
            outside += len(written)
            problems.append(f"{case.name}: written outside the temporary folder: {written}")
        if not control and _data(database_checksum(db)) != baseline:
            problems.append(f"{case.name}: the database's data changed")
        summary.failures += problems
        if keep is None and content is None:
            path.unlink(missing_ok=True)
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        for path in files.iterdir():
            path.replace(keep / path.name)
    summary.cases = tried
    summary.figures = {
        "hostile files tried": tried,
        "refused before parsing": refused,
        "written outside temp": outside,
        "slowest refusal (s)": round(slowest, 2),
    }
    return summary


def _data(checksums: dict[str, tuple[int, str]]) -> dict[str, tuple[int, str]]:
    return {table: value for table, value in checksums.items() if table not in RUN_LOG_TABLES}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", type=Path, help="keep the hostile files in this folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bounceback-hostile-") as workdir:
        summary = run(0, 0, Path(workdir), keep=args.keep)
    for failure in summary.failures:
        print(failure, file=sys.stderr)
    print(summary.figures)
    return 0 if summary.passed else 1


if __name__ == "__main__":
    sys.exit(main())
