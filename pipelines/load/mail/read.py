"""Reading a mailbox export into messages (issue 19, first step): the reader only, nothing stored.

`read_mail(path)` reads a Google Takeout `.mbox`, one `.eml`, a folder of them (and of .mbox files),
or a `.zip` holding either. Each message becomes a `Mail` (pipelines/load/mail/message.py) or, when
it cannot be read at all, a `Refused` with its source and the reason: nothing is lost, and for each
file the messages read are the messages parsed plus the messages refused.

Privacy: a Mail's `text` (the body) and `sender_address` exist only in memory, for classifying;
they are never stored, and no other address of a message is read. A later step stores the sender's
domain only (docs/mail.md).

Hostile files: a zip goes through the guard (pipelines/load/guard.py: the member count, paths that
climb out, links, zip bombs, encrypted members) before anything is unpacked, and only its .mbox and
.eml members are unpacked, each into a folder of its own, removed afterwards; nested archives and
every other member of an export (a Takeout zip holds other products' data) are never unpacked. A
file over the guard's size limit, a known binary format or a mailbox that is not one is refused
with one line that says so.
"""

from __future__ import annotations

import mailbox
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.errors import InputError
from pipelines.load import guard as safety
from pipelines.load.archives import unpack_member
from pipelines.load.mail.message import Mail, NotAMessage, Source, parse_message

# A mailbox is read message by message, but its index is built over the whole file: the guard's
# limit for one unpacked member bounds it. Gmail refuses messages over 25 MB (attachments in
# base64 grow by a third), so 50 MB for one message is generous.
MAX_MAILBOX_BYTES = safety.MAX_UNPACKED_BYTES
MAX_MESSAGE_BYTES = 50 * 1024**2
MAIL_SUFFIXES = (".mbox", ".eml")
_HEAD_BYTES = 8192


@dataclass(frozen=True)
class Refused:
    """A message (or a whole file) that could not be read, and why, in one line."""

    source: Source
    reason: str


@dataclass(frozen=True)
class MailRead:
    """What `read_mail` read: the messages, the refusals, and the files they came from."""

    mails: tuple[Mail, ...]
    refused: tuple[Refused, ...]
    files: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """Counts and refusals only: never a message's text, address or subject."""
        per_file = []
        for name in self.files:
            parsed = sum(1 for mail in self.mails if mail.source.file == name)
            refused = sum(1 for item in self.refused if item.source.file == name)
            per_file.append({"file": name, "read": parsed + refused, "parsed": parsed, "refused": refused})
        return {
            "read": len(self.mails) + len(self.refused),
            "parsed": len(self.mails),
            "refused": len(self.refused),
            "files": per_file,
            "refusals": [{"source": str(item.source), "reason": item.reason} for item in self.refused],
        }


def _size(size: int) -> str:
    return f"{size / 1024**2:,.1f} MB" if size >= 1024**2 else f"{size:,} bytes"


def _check_head(path: Path, name: str) -> None:
    """Refuse a known binary format, or NUL bytes: mail is text (attachments are base64 inside it)."""
    with path.open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
    what = safety.sniff(head)
    if what is not None:
        raise InputError(f"{name}: it is {what}, not a mailbox or an e-mail message")
    if b"\x00" in head:
        raise InputError(f"{name}: contains NUL bytes, so it is not a mailbox or an e-mail message")


def _check_size(path: Path, name: str, limit: int, what: str) -> None:
    size = path.stat().st_size
    if size > limit:
        raise InputError(f"{name}: {_size(size)} is more than the {_size(limit)} {what} may be; refusing it unread")


def _read_eml(path: Path, name: str) -> Iterator[Mail | Refused]:
    _check_size(path, name, MAX_MESSAGE_BYTES, "one message")
    _check_head(path, name)
    yield _parsed(path.read_bytes(), Source(name))


def _parsed(data: bytes, source: Source) -> Mail | Refused:
    if len(data) > MAX_MESSAGE_BYTES:
        return Refused(source, f"{_size(len(data))}, more than the {_size(MAX_MESSAGE_BYTES)} a message may be")
    try:
        return parse_message(data, source)
    except NotAMessage as e:
        return Refused(source, str(e))
    except Exception as e:
        # the stdlib's email parser meets hostile input in ways no list of exceptions covers; one
        # message that breaks it is refused with the reason, and the mailbox goes on
        return Refused(source, f"the message cannot be parsed ({type(e).__name__}: {str(e)[:200]})")


def _read_mbox(path: Path, name: str) -> Iterator[Mail | Refused]:
    _check_size(path, name, MAX_MAILBOX_BYTES, "a mailbox file")
    _check_head(path, name)
    with path.open("rb") as handle:
        first = handle.readline(1024)
    if not first.startswith(b"From "):
        raise InputError(f"{name}: does not start with a 'From ' line, so it is not an mbox mailbox")
    box = mailbox.mbox(path, create=False)
    try:
        for index, key in enumerate(box.iterkeys()):
            source = Source(name, index)
            try:
                data = box.get_bytes(key)  # without the mbox's own "From " line
            except (OSError, ValueError, KeyError) as e:
                yield Refused(source, f"the message cannot be read from the mailbox ({e})")
                continue
            yield _parsed(data, source)
    finally:
        box.close()  # nothing was changed, so nothing is written back


def _read_file(path: Path, name: str) -> Iterator[Mail | Refused]:
    """The messages of one .mbox or .eml file; the whole file refused (as one item) when it cannot be read."""
    reader = _read_mbox if path.suffix.lower() == ".mbox" else _read_eml
    try:
        yield from reader(path, name)
    except InputError as e:
        yield Refused(Source(name), str(e).removeprefix(f"{name}: "))
    except OSError as e:
        yield Refused(Source(name), f"cannot be read ({e.strerror or e})")


def _is_mail_file(path: Path) -> bool:
    return path.suffix.lower() in MAIL_SUFFIXES and path.is_file() and not path.is_symlink()


@contextmanager
def _unpacked(path: Path) -> Iterator[list[tuple[str, Path]]]:
    """The archive's .mbox and .eml members as (name for reports, unpacked path), removed afterwards.

    The guard decides first, from the zip directory alone (see the module docstring); a member that
    does not unpack raises InputError, and the archive is refused whole.
    """
    folder = Path(tempfile.mkdtemp(prefix="bounceback-mail-"))
    try:
        with safety.open_zip(path) as archive:
            infos = archive.infolist()
            safety.check_archive_members(path.name, infos)
            members = [i for i in infos if not i.is_dir() and i.filename.lower().endswith(MAIL_SUFFIXES)]
            if not members:
                raise InputError(f"{path.name}: no .mbox or .eml file in this archive")
            safety.check_sizes(path.name, members)
            yield [_unpack(path, archive, info, folder / str(number)) for number, info in enumerate(members)]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _unpack(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, folder: Path) -> tuple[str, Path]:
    # under its own base name in a folder of its own, never under a path taken from the archive
    target = folder / safety.member_basename(path.name, info.filename)
    folder.mkdir()
    unpack_member(path, archive, info, target)
    return f"{path.name}: {info.filename}", target


def _each_in_zip(path: Path, files: list[str]) -> Iterator[Mail | Refused]:
    try:
        with _unpacked(path) as members:
            for name, member in members:
                files.append(name)
                yield from _read_file(member, name)
    except InputError as e:
        if path.name not in files:
            files.append(path.name)
        yield Refused(Source(path.name), str(e).removeprefix(f"{path.name}: "))


def each_mail(path: Path | str, files: list[str] | None = None) -> Iterator[Mail | Refused]:
    """The messages of `path`, one at a time (a mailbox of any size in bounded memory); each file
    read is appended to `files` when given, before its messages."""
    path = Path(path)
    files = [] if files is None else files
    if path.is_dir():
        # sorted, so two reads of one folder give the same order; links are not followed out of it
        for found in sorted(p for p in path.rglob("*") if _is_mail_file(p)):
            name = found.relative_to(path).as_posix()
            files.append(name)
            yield from _read_file(found, name)
        return
    if path.suffix.lower() == ".zip":
        yield from _each_in_zip(path, files)
        return
    files.append(path.name)
    if path.suffix.lower() not in MAIL_SUFFIXES:
        yield Refused(Source(path.name), "not a .mbox, .eml or .zip file, nor a folder of them")
        return
    yield from _read_file(path, path.name)


def read_mail(path: Path | str) -> MailRead:
    """Read a mailbox export: a .mbox, one .eml, a folder of them, or a .zip of either."""
    files: list[str] = []
    mails: list[Mail] = []
    refused: list[Refused] = []
    for item in each_mail(path, files):
        if isinstance(item, Mail):
            mails.append(item)
        else:
            refused.append(item)
    return MailRead(mails=tuple(mails), refused=tuple(refused), files=tuple(files))
