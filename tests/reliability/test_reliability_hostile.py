"""Hostile files (issue 9): the whole list from tests/reliability/hostile.py, and pipelines/load/guard.py
one check at a time, with the legitimate files each check must still let through."""

from __future__ import annotations

import codecs
import struct
import tempfile
import zipfile
from pathlib import Path

import duckdb
import pytest

from dashboard import data
from pipelines.errors import InputError
from pipelines.load import archives
from pipelines.load import guard as safety
from pipelines.load.ingest import ingest_path
from tests.conftest import SAMPLE_DIR
from tests.reliability import hostile

SAMPLE = SAMPLE_DIR / "healthy.csv"


# --- the whole list ------------------------------------------------------------------------------


def test_every_hostile_file_is_refused_before_parsing(tmp_path: Path) -> None:
    summary = hostile.run(0, 0, tmp_path)
    assert summary.passed, "\n".join(summary.failures)
    assert summary.cases == len(hostile.CASES) >= 30
    assert summary.figures["refused before parsing"] == summary.figures["hostile files tried"] == summary.cases
    assert summary.figures["written outside temp"] == 0


def test_the_run_notices_a_parser_that_ran(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the check itself can fail: with the safety check gone, the PDF reaches the CSV reader
    monkeypatch.setattr(safety, "check_file", lambda path: None)
    monkeypatch.setattr(hostile, "CASES", [case for case in hostile.CASES if case.name == "report.csv"])
    summary = hostile.run(0, 0, tmp_path)
    assert any("a parser ran before the refusal: _stage_csv" in failure for failure in summary.failures)


# --- what a file is -----------------------------------------------------------------------------


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("head", "what"),
    [
        (hostile.PDF, "a PDF document"),
        (hostile.PNG, "a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
        (b"SQLite format 3\x00\x10\x00", "an SQLite database"),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "a gzip archive"),
        (b"PK\x03\x04\x14\x00", "a zip archive"),
        (b"PK\x05\x06" + b"\x00" * 18, "an empty zip archive"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
            "an old-style Office file (an Excel 97-2003 .xls or a password-protected workbook)",
        ),
        # text that merely looks like a signature in places is not one
        (b"company,DUCK,role\n", None),
        (b"%PD,company\n", None),
        (b"", None),
    ],
)
def test_sniff(head: bytes, what: str | None) -> None:
    assert safety.sniff(head) == what


def test_a_real_duckdb_file_is_recognised(tmp_path: Path) -> None:
    path = hostile.duckdb_file(tmp_path / "log.csv")
    assert safety.sniff(path.read_bytes()[:64]) == "a DuckDB database"
    before = path.read_bytes()
    with pytest.raises(InputError, match=r"^log\.csv: is a DuckDB database"):
        safety.check_file(path)
    assert path.read_bytes() == before and not list(tmp_path.glob("log.csv.wal"))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("log.csv", b"company,role,applied_on\nAcme,Dev,2025-01-06\n"),
        ("bom.csv", codecs.BOM_UTF8 + b"company,role\nA,B\n"),
        ("utf16.csv", codecs.BOM_UTF16_LE + "company\trole\nAcme\tDev\n".encode("utf-16-le")),
        ("utf16-no-bom.csv", "company,role\nAcme,Dev\n".encode("utf-16-le")),
        ("utf16-be.csv", "company,role\nAcme,Dev\n".encode("utf-16-be")),
        ("ansi.csv", "company,role\nCafé,Dév\n".encode("cp1252")),
        ("log.jsonl", b'{"company": "Acme"}\n'),
        ("log.txt", b"company;role\nA;B\n"),
        ("empty.csv", b""),
    ],
)
def test_text_files_pass(tmp_path: Path, name: str, content: bytes) -> None:
    safety.check_file(_write(tmp_path / name, content))


def test_real_workbooks_pass_whatever_their_extension(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["company", "role", "applied_on"])
    workbook.active.append(["Acme", "Dev", "2025-01-06"])
    workbook.create_sheet("Notes").append(["x" * 1000] * 50)
    workbook.save(tmp_path / "log.xlsx")
    safety.check_file(tmp_path / "log.xlsx")
    # content first: a workbook saved as .csv is read as the workbook it is
    (tmp_path / "log.xlsx").rename(tmp_path / "log.csv")
    safety.check_file(tmp_path / "log.csv")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("log.csv", b"Acme,Dev\x00,2025\n", "log.csv: line 1: contains NUL bytes"),
        ("log.csv", b"a,b\n1,2\n" + bytes(range(32)) * 8, "log.csv: line 3: contains NUL bytes"),
        ("log.xlsx", b"company,role\n", "log.xlsx: has an Excel extension but is not an XLSX workbook"),
        ("log.xls", hostile.PDF, "log.xls: has an Excel extension but is not an XLSX workbook: it is a PDF document"),
        ("log.zip", b"company,role\n", "log.zip: has a .zip extension but is not a zip archive"),
        ("log.zip", b"PK\x05\x06" + b"\x00" * 18, "log.zip: is an empty zip archive: there is nothing in it to read"),
        ("log.jsonl", b"PK\x03\x04 not really", "log.jsonl: a zip archive is not a CSV, XLSX or JSON Lines file"),
        ("log.xlsx", b"PK\x03\x04 not really", "log.xlsx: not a readable XLSX workbook (no zip directory at its end)"),
    ],
)
def test_files_that_are_not_what_they_say(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    with pytest.raises(InputError) as refused:
        safety.check_file(_write(tmp_path / name, content))
    assert str(refused.value).startswith(message) and "\n" not in str(refused.value)


def test_a_zip_that_is_not_a_workbook_is_not_one_whatever_its_extension(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "log.xlsx", "w") as archive:
        archive.writestr("Jobs/Job Applications.csv", hostile.JOB_CSV)
    with pytest.raises(InputError, match=r"not an XLSX workbook: a zip archive without xl/workbook\.xml"):
        safety.check_file(tmp_path / "log.xlsx")


# --- zip archives -------------------------------------------------------------------------------


def _zip(path: Path, members: int, comment_bytes: int = 0) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(members):
            info = zipfile.ZipInfo(f"m{i}.csv")
            info.comment = b"c" * comment_bytes
            archive.writestr(info, b"a\n")
    return path


def test_member_count_limit(tmp_path: Path) -> None:
    safety.open_zip(_zip(tmp_path / "ok.zip", safety.MAX_ZIP_MEMBERS)).close()
    with pytest.raises(InputError, match=r"has 2,001 members, more than the 2,000"):
        safety.open_zip(_zip(tmp_path / "many.zip", safety.MAX_ZIP_MEMBERS + 1))


def test_a_directory_too_big_for_its_member_count_is_not_read(tmp_path: Path) -> None:
    # 40 members, each with a 60 KB comment: the directory is what costs time and memory to read
    with pytest.raises(InputError, match=r"has a 2\.3 MB directory"):
        safety.open_zip(_zip(tmp_path / "comments.zip", 40, comment_bytes=60_000))


def _zip_openings(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The archives zipfile is asked to read from here on (opening one reads its whole directory)."""
    opened: list[object] = []
    real = zipfile.ZipFile

    def spy(file: object, mode: str = "r", *args: object, **kwargs: object) -> zipfile.ZipFile:
        if mode == "r":
            opened.append(file)
        return real(file, mode, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(zipfile, "ZipFile", spy)
    return opened


def test_the_count_is_known_before_the_directory_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # refused from the end record alone: zipfile never reads the 60,000 entries it claims (the time
    # that takes is `make bench`'s)
    path = hostile._declared_members(tmp_path / "lies.zip")
    opened = _zip_openings(monkeypatch)
    with pytest.raises(InputError, match="60,000 members"):
        safety.open_zip(path)
    assert opened == []
    safety.open_zip(_zip(tmp_path / "ok.zip", 3)).close()  # the spy sees an archive that is opened
    assert opened == [tmp_path / "ok.zip"]


def _info(name: str, file_size: int, compress_size: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.file_size, info.compress_size = file_size, compress_size
    return info


def test_size_and_ratio_limits() -> None:
    mb = 1 << 20
    safety.check_sizes("ok.zip", [_info("small.xml", 900_000, 9)])  # 100,000:1, but under 1 MB
    safety.check_sizes("ok.zip", [_info("sheet.xml", 500 * mb, 5 * mb)])  # exactly 100:1
    with pytest.raises(InputError, match=r"^bomb\.zip: sheet\.xml is compressed 101:1 \(more than 100:1\)"):
        safety.check_sizes("bomb.zip", [_info("sheet.xml", 505 * mb, 5 * mb)])
    with pytest.raises(InputError, match=r"would unpack to 2\.0 GB, more than 2\.0 GB"):
        safety.check_sizes("big.zip", [_info("sheet.xml", safety.MAX_UNPACKED_BYTES + 1, 1 << 30)])
    with pytest.raises(InputError, match=r"would unpack to more than 2\.0 GB in all"):
        safety.check_sizes("many.zip", [_info(f"s{i}.xml", 700 * mb, 70 * mb) for i in range(3)])


@pytest.mark.parametrize(
    ("member", "base"),
    [
        ("Jobs/Job Applications.csv", "Job Applications.csv"),
        ("Job Applications_2.csv", "Job Applications_2.csv"),
        ("Jobs\\Saved Jobs.csv", "Saved Jobs.csv"),
        ("a/./b.csv", "b.csv"),
        ("..data/x.csv", "x.csv"),
    ],
)
def test_member_names_that_stay_inside(member: str, base: str) -> None:
    assert safety.member_basename("export.zip", member) == base


@pytest.mark.parametrize(
    "member",
    ["../x.csv", "../../x", "Jobs/../../x.csv", "/etc/x.csv", "\\\\server\\x.csv", "..\\x.csv", "C:/x.csv", "c:x.csv"],
)
def test_member_names_that_climb_out_are_refused(member: str) -> None:
    with pytest.raises(InputError, match=r"^export\.zip: member .* points outside the archive's folder"):
        safety.member_basename("export.zip", member)


@pytest.mark.parametrize("member", ["Jobs/", "Jobs/.", "Jobs/a\nb.csv", "x" * 250 + ".csv"])
def test_member_names_no_file_can_have_are_refused(member: str) -> None:
    with pytest.raises(InputError, match="a name no file can have"):
        safety.member_basename("export.zip", member)


# --- workbooks ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "head",
    [
        b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "b">]><x/>',
        b'<?xml version="1.0"?><!doctype x><x/>',
        b"<x/>\n<!ENTITY a 'b'>",
        codecs.BOM_UTF16_LE + '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x><x/>'.encode("utf-16-le"),
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x><x/>'.encode("utf-16-be"),
    ],
)
def test_doctype_and_entity_declarations_are_refused(head: bytes) -> None:
    with pytest.raises(InputError, match=r"^book\.xlsx: sheet\.xml: declares an XML DOCTYPE or ENTITY"):
        safety._check_xml_head(head, complete=True, where="book.xlsx: sheet.xml")


def test_utf32_xml_is_refused() -> None:
    with pytest.raises(InputError, match="UTF-32"):
        safety._check_xml_head("<x/>".encode("utf-32"), complete=True, where="book.xlsx: sheet.xml")


@pytest.mark.parametrize(
    ("head", "complete"),
    [
        (b'<?xml version="1.0"?>\n<!-- a comment -->\n<worksheet>' + b"<row/>" * 20_000, False),
        (b"\xef\xbb\xbf<worksheet>" + b" " * 70_000, False),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 70_000, False),  # an image in the workbook: not XML
        (b'<?xml version="1.0"?>', True),
    ],
)
def test_ordinary_xml_heads_pass(head: bytes, complete: bool) -> None:
    safety._check_xml_head(head[: safety.XML_HEAD_BYTES], complete=complete, where="book.xlsx: sheet.xml")


@pytest.mark.parametrize(
    "head",
    [
        b'<?xml version="1.0"?>' + b"<!-- pad -->" * 6_000,  # comments all the way past the head
        b" " * 70_000,  # white space all the way
        b'<?xml version="1.0"?>\n<?pi ' + b"x" * 70_000,  # an instruction that never ends in the head
    ],
)
def test_a_prolog_longer_than_the_head_is_refused(head: bytes) -> None:
    with pytest.raises(InputError, match="before its first element"):
        safety._check_xml_head(head[: safety.XML_HEAD_BYTES], complete=False, where="book.xlsx: sheet.xml")


def test_stored_member_whose_sizes_disagree_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/workbook.xml", hostile.WORKBOOK)
        archive.writestr("xl/worksheets/sheet1.xml", hostile.sheet_xml())
    hostile.patch_directory(path, "xl/worksheets/sheet1.xml", file_size=10)
    with pytest.raises(InputError, match="its sizes in the zip directory do not match its data"):
        safety.check_file(path)


# --- LinkedIn exports ----------------------------------------------------------------------------


def test_an_export_unpacks_only_inside_a_temporary_folder_removed_afterwards(tmp_path: Path) -> None:
    export = hostile.write_export(tmp_path / "export.zip", [("Jobs\\Job Applications_2.csv", hostile.JOB_CSV)])
    with archives.unpacked(export) as unpacked:
        assert unpacked.refusal is None
        # a `\` between folders (some Windows tools) is a folder, not part of the name
        assert [m.name for m in unpacked.members] == ["Jobs/Job Applications.csv", "Jobs\\Job Applications_2.csv"]
        folders = {m.path.parent.parent for m in unpacked.members}
        assert len(folders) == 1
        (folder,) = folders
        assert folder.parent == Path(tempfile.gettempdir()) and folder.name.startswith("bounceback-zip-")
        assert [m.path.name for m in unpacked.members] == ["Job Applications.csv", "Job Applications_2.csv"]
    assert not folder.exists()
    assert list(tmp_path.iterdir()) == [export]


def test_thousands_of_members_are_refused_quickly(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    # quickly: before zipfile reads the directory of 10,002 entries (the time it takes is `make
    # bench`'s)
    export = hostile._many_members(10_000)(tmp_path / "export.zip")
    opened = _zip_openings(monkeypatch)
    (result,) = ingest_path(con, export)
    assert result.status == "refused" and "10,002 members" in (result.message or "")
    assert opened == []  # nor unpacked: that opens it


def test_a_damaged_job_file_is_a_refusal_not_a_crash(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    export = hostile.write_export(tmp_path / "export.zip", [])
    content = bytearray(export.read_bytes())
    at = content.find(b"PK\x03\x04") + 30 + len("Jobs/Job Applications.csv") + 2
    content[at : at + 8] = b"\xff" * 8  # the deflate stream of the first member
    export.write_bytes(bytes(content))
    (result,) = ingest_path(con, export)
    assert result.status == "refused"
    assert result.message.startswith("export.zip: Jobs/Job Applications.csv cannot be unpacked")


def test_a_zip_named_csv_is_not_unpacked(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    # before: any zip that was not a workbook was unpacked as a LinkedIn export, whatever its name
    path = hostile.write_export(tmp_path / "log.csv", [])
    assert not archives.is_archive(path)
    (result,) = ingest_path(con, path)
    assert result.status == "refused" and "a zip archive is not a CSV, XLSX or JSON Lines file" in result.message
    # with no extension, nothing says it is anything else: the export it is
    (result,) = ingest_path(con, path.rename(tmp_path / "Basic_LinkedInDataExport"))
    assert result.status == "loaded" and result.inserted == 1


# --- uploads ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("my log.csv", "my log.csv"),
        ("../../etc/passwd.csv", "passwd.csv"),
        ("C:\\Users\\me\\log.csv", "log.csv"),
        ("C:log.csv", "C_log.csv"),
        ("log.csv:hidden", "log.csv_hidden"),
        ("nul\x00byte.csv", "nul_byte.csv"),
        ("..", "upload"),
        ("x" * 300 + ".xlsx", "x" * 115 + ".xlsx"),
    ],
)
def test_uploads_are_written_only_inside_a_temporary_folder(
    sent: str, kept: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Path] = []

    def recording_ingest_path(con: duckdb.DuckDBPyConnection, path: Path, options: object) -> list:
        seen.append(path)
        assert path.read_bytes() == b"company,role\n"
        return []

    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    monkeypatch.setattr(data.upload, "ingest_path", recording_ingest_path)
    data._ingest_upload(None, sent, b"company,role\n", data.ImportChoices(), dry_run=True)  # type: ignore[arg-type]
    (path,) = seen
    assert path.name == kept
    assert path.parent.parent == temporary and path.parent.name.startswith("bounceback-upload-")
    assert list(temporary.iterdir()) == []  # removed afterwards
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tmp"]


def test_an_uploaded_database_is_never_opened_as_one(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = hostile.duckdb_file(tmp_path / "secrets.duckdb").read_bytes()
    opened: list[str] = []
    real_connect = duckdb.connect

    def recording_connect(database: str = ":memory:", *args: object, **kwargs: object) -> duckdb.DuckDBPyConnection:
        opened.append(str(database))
        return real_connect(database, *args, **kwargs)

    monkeypatch.setattr(duckdb, "connect", recording_connect)
    before = con.execute("select database_name from duckdb_databases() order by 1").fetchall()
    for name in ("log.csv", "log.duckdb", "log.db", "log"):
        (report,) = data._ingest_upload(con, name, content, data.ImportChoices(), dry_run=False)
        assert report.status == "refused" and "is a DuckDB database" in report.message
    assert opened == []
    assert con.execute("select database_name from duckdb_databases() order by 1").fetchall() == before


def test_an_upload_over_the_limit_is_refused_before_it_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(safety, "MAX_UPLOAD_BYTES", 1000)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(data.upload, "ingest_path", lambda *args: pytest.fail("the upload was read"))
    (report,) = data._ingest_upload(None, "big.csv", b"x" * 1001, data.ImportChoices(), dry_run=True)  # type: ignore[arg-type]
    assert report.status == "refused"
    assert report.message == f"big.csv: 1,001 bytes is over the upload limit of {safety.MAX_UPLOAD_MB} MB"
    assert list(tmp_path.iterdir()) == []


def _as_zip64(path: Path) -> Path:
    """The archive rewritten with a zip64 end record, as some writers always do, even for small files."""
    data = path.read_bytes()
    end = data.rfind(b"PK\x05\x06")
    _, _, _, _, entries, size, offset, _ = struct.unpack_from("<4s4H2LH", data, end)
    record = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, entries, entries, size, offset)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, end, 1)
    end_record = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    path.write_bytes(data[:end] + record + locator + end_record)
    return path


def test_zip64_end_records_are_read(tmp_path: Path) -> None:
    path = _as_zip64(_zip(tmp_path / "small.zip", 3))
    with zipfile.ZipFile(path) as archive:
        assert len(archive.infolist()) == 3  # a valid zip64 archive, as zipfile reads it
    assert safety._directory_extent(path) == (3, 3 * (46 + len("m0.csv")))
    safety.open_zip(path).close()
    with pytest.raises(InputError, match="2,001 members"):
        safety.open_zip(_as_zip64(_zip(tmp_path / "many.zip", safety.MAX_ZIP_MEMBERS + 1)))
