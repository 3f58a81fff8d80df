"""Export archives: a LinkedIn data export arrives as one .zip holding dozens of files.

Only its job files are read: `Jobs/Job Applications.csv` (large exports split it into
`Job Applications_1.csv`, `_2`, ...) and `Jobs/Saved Jobs.csv` (saved, not applied: every row is
skipped, and the load says so). With or without the `Jobs/` folder. Everything else in the export
(connections, messages, profile) is personal data bounceback has no use for: never unpacked.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.errors import InputError

JOB_FILE = re.compile(r"(?:^|/)(job applications(?:_\d+)?|saved jobs)\.csv$", re.IGNORECASE)
MAX_MEMBER_BYTES = 2 * 1024**3  # a zip bomb is not a job log


@dataclass
class Member:
    name: str  # path inside the archive
    path: Path  # where it was unpacked


@dataclass
class Unpacked:
    members: list[Member] = field(default_factory=list)
    other_files: list[str] = field(default_factory=list)
    refusal: str | None = None


def is_archive(path: Path) -> bool:
    """A .zip that is not an XLSX workbook (XLSX files are zip archives too)."""
    if not path.is_file() or path.suffix.lower() in {".xlsx", ".xlsm"}:
        return False
    with path.open("rb") as handle:
        if handle.read(4) != b"PK\x03\x04":
            return False
    if not zipfile.is_zipfile(path):
        return False
    with zipfile.ZipFile(path) as archive:
        return "xl/workbook.xml" not in archive.namelist()


def _member_order(name: str) -> tuple[int, int, str]:
    """Applications before saved jobs; split files in their number order (_2 before _10)."""
    match = re.search(r"_(\d+)\.csv$", name, re.IGNORECASE)
    saved = "saved jobs" in name.lower()
    return (1 if saved else 0, int(match.group(1)) if match else 0, name)


@contextmanager
def unpacked(path: Path) -> Iterator[Unpacked]:
    """The archive's job files, unpacked into a temporary folder removed afterwards."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as e:
        raise InputError(f"{path.name}: not a readable zip archive ({e})") from e
    folder = Path(tempfile.mkdtemp(prefix="bounceback-zip-"))
    try:
        with archive:
            infos = [info for info in archive.infolist() if not info.is_dir()]
            jobs = sorted(
                (info for info in infos if JOB_FILE.search(info.filename)), key=lambda i: _member_order(i.filename)
            )
            result = Unpacked(other_files=[info.filename for info in infos if not JOB_FILE.search(info.filename)])
            if not jobs:
                result.refusal = (
                    f"{path.name}: no job applications in this archive (expected Jobs/Job Applications.csv "
                    "of a LinkedIn data export)"
                )
            for number, info in enumerate(jobs):
                if info.file_size > MAX_MEMBER_BYTES:
                    raise InputError(f"{path.name}: {info.filename} is larger than 2 GB unpacked; not a job log")
                # each member in its own folder, under its own name: error messages name the file
                target = folder / str(number) / Path(info.filename).name
                target.parent.mkdir()
                with archive.open(info) as source, target.open("wb") as sink:
                    shutil.copyfileobj(source, sink, 1 << 20)
                result.members.append(Member(name=info.filename, path=target))
            yield result
    finally:
        shutil.rmtree(folder, ignore_errors=True)
