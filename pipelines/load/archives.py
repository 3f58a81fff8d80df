"""Export archives: a LinkedIn data export arrives as one .zip holding dozens of files.

Only its job files are read: `Jobs/Job Applications.csv` (large exports split it into
`Job Applications_1.csv`, `_2`, ...) and `Jobs/Saved Jobs.csv` (saved, not applied: every row is
skipped, and the load says so). With or without the `Jobs/` folder. Everything else in the export
(connections, messages, profile) is personal data bounceback has no use for: never unpacked.
"""

from __future__ import annotations

import errno
import lzma
import re
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.errors import InputError
from pipelines.load import guard as safety

JOB_FILE = re.compile(r"(?:^|/)(job applications(?:_\d+)?|saved jobs)\.csv$", re.IGNORECASE)
MAX_MEMBER_BYTES = safety.MAX_UNPACKED_BYTES  # a zip bomb is not a job log
MAX_JOB_FILES = 200  # LinkedIn splits a long history into a handful of files, not hundreds


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
    """A .zip (or a zip with no extension at all) that is not an XLSX workbook (XLSX files are
    zip archives too).

    A zip archive named log.csv is refused as a file that is not what its extension says
    (pipelines/load/guard.py), not unpacked. A zip that is too big to list or cannot be read counts
    as an archive, so that unpacked() refuses it with the reason."""
    if not path.is_file() or path.suffix.lower() not in (".zip", ""):
        return False
    with path.open("rb") as handle:
        if handle.read(4) != b"PK\x03\x04":
            return False
    try:
        archive = safety.open_zip(path)
    except InputError:
        return True
    with archive:
        return not any(info.filename.lower() == safety.WORKBOOK_PART for info in archive.infolist())


def _job_name(name: str) -> bool:
    # some Windows tools write `\` between folders; the export's own files use `/`
    return JOB_FILE.search(name.replace("\\", "/")) is not None


def _member_order(name: str) -> tuple[int, int, str]:
    """Applications before saved jobs; split files in their number order (_2 before _10)."""
    match = re.search(r"_(\d+)\.csv$", name, re.IGNORECASE)
    saved = "saved jobs" in name.lower()
    return (1 if saved else 0, int(match.group(1)) if match else 0, name)


@contextmanager
def unpacked(path: Path) -> Iterator[Unpacked]:
    """The archive's job files, unpacked into a temporary folder removed afterwards.

    A hostile or unreadable archive yields no members and a one-line `refusal` (the load reports
    it as refused): more than safety.MAX_ZIP_MEMBERS members, a member name that climbs out of the
    folder or a symbolic link anywhere in it, or job files that would unpack too big or with a
    zip-bomb ratio (checked from the zip directory before anything is unpacked). Each job file is
    written as `<folder>/<number>/<its base name>`, never under a path taken from the archive.
    A job file that is itself a zip (or any other binary) is refused when it is read, like a file
    given on the command line: nested archives are never unpacked.
    """
    result = Unpacked()
    try:
        archive = safety.open_zip(path)
    except InputError as e:
        result.refusal = str(e)
        yield result
        return
    folder = Path(tempfile.mkdtemp(prefix="bounceback-zip-"))
    try:
        with archive:
            try:
                _unpack(path, archive, folder, result)
            except InputError as e:
                result.members.clear()
                result.refusal = str(e)
        yield result
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _unpack(path: Path, archive: zipfile.ZipFile, folder: Path, result: Unpacked) -> None:
    infos = archive.infolist()
    safety.check_archive_members(path.name, infos)
    files = [info for info in infos if not info.is_dir()]
    jobs = sorted((info for info in files if _job_name(info.filename)), key=lambda i: _member_order(i.filename))
    result.other_files = [info.filename for info in files if not _job_name(info.filename)]
    if not jobs:
        result.refusal = (
            f"{path.name}: no job applications in this archive (expected Jobs/Job Applications.csv "
            "of a LinkedIn data export)"
        )
        return
    if len(jobs) > MAX_JOB_FILES:
        raise InputError(f"{path.name}: {len(jobs):,} job application files; a LinkedIn export has a handful")
    safety.check_sizes(path.name, jobs)
    root = folder.resolve()
    for number, info in enumerate(jobs):
        # each member in its own folder, under its own base name: error messages name the file
        target = folder / str(number) / safety.member_basename(path.name, info.filename)
        if not target.resolve().is_relative_to(root):  # member_basename already makes this impossible
            raise InputError(f"{path.name}: member {info.filename!r} points outside the archive's folder")
        target.parent.mkdir()
        unpack_member(path, archive, info, target)
        result.members.append(Member(name=info.filename, path=target))


def unpack_member(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> None:
    """One member of a zip the guard has checked (sizes, paths, links), written to `target`, a new file.

    A damaged, encrypted or oddly compressed member raises InputError naming it; the disk's own errors
    (full, read-only, forbidden) are not the archive's fault and propagate."""
    try:
        # zipfile stops at the size the directory declares (checked by the guard) and checks the CRC
        with archive.open(info) as source, target.open("xb") as sink:
            shutil.copyfileobj(source, sink, 1 << 20)
    except (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, RuntimeError, NotImplementedError) as e:
        raise InputError(f"{path.name}: {info.filename} cannot be unpacked ({e})") from e
    except OSError as e:
        # a damaged directory (an offset before the file's start: EINVAL) or bzip2 data (no errno)
        if e.errno not in (None, errno.EINVAL):
            raise
        raise InputError(f"{path.name}: {info.filename} cannot be unpacked, the archive is damaged ({e})") from e
