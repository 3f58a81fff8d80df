"""Issue 9, faults: a load killed at any moment, a full disk, or a database that may not be written
loses nothing and leaves nothing half-written.

Kills: a database already holding an earlier load is copied once per case; `bounceback ingest` of a
large file starts on the copy and gets SIGKILL at a seeded moment spread over the whole load (from
the interpreter's start to the commit, and some during the close after it). The copy must then open
the way bounceback opens it (no repair step exists), pass the data tests, and hold exactly what it
held before: every table's checksum equals the one taken before the load. A kill that lands after
the commit must leave exactly a completed load instead. Afterwards the same file loads to the end on
a killed copy, equal to a clean load, and loading it once more changes nothing.

Storage: the disk filling up (the log written to /dev/full; the file size limit reached, also while
creating a database) and a database file or folder that may not be written each end the command with
one line on stderr, exit status 1, no traceback, and the database as it was.

    python -m tests.reliability.report --only faults            # the long run (20 kills)
    python -m tests.reliability.report --only faults --cases 5 --seed 7
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import json
import os
import pty
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from pipelines.store.db import connect, run_data_tests
from tests.reliability.common import Summary, database_checksum, user_tables

ROOT = Path(__file__).resolve().parents[2]
COMMAND = "python -m tests.reliability.report --only faults"
AS_OF = dt.date(2026, 1, 1)
# One load of 200,000 rows takes several seconds on a small machine, and 20 kills of it (with the
# checks after each) stay within a few minutes.
LOAD_ROWS = 200_000
UPDATED_ROWS = 40_000  # rows of the load the database already holds, with other notes: updated by it
OTHER_ROWS = 20_000  # another client's rows in the database, which the load must not touch


# ---------------------------------------------------------------------------------------------
# the inputs


@dataclass
class Bench:
    """The files every case starts from."""

    load_csv: Path  # the large file each case loads
    small_csv: Path  # its first rows: enough to need writing, quick to read (the storage failures)
    base_db: Path  # the database before the load (an earlier load already in it)
    base_sums: dict[str, tuple[int, str]]  # database_checksum(base_db)
    base_fast: dict[str, tuple[int, int]]  # _digests(base_db)
    clean_stable: dict[str, tuple[int, int]]  # _digests(a clean load's result, stable=True)
    load_seconds: float  # the clean load, process start to exit
    phases: dict[str, float]  # when the clean load began each phase (its progress lines), seconds
    write_at: float | None  # when it reported its rows checked: its transaction begins
    commit_at: float | None  # when it reported its commit (None: no progress lines)


def _bounceback(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipelines.cli", *args]


def _write_inputs(workdir: Path, load_rows: int, seed: int) -> tuple[Path, Path, Path]:
    """The load (a generated search), its first rows, and the earlier file: part of the load with
    other notes, so the load updates rows as well as inserting them, and another client's rows it
    must not touch."""
    from sample_data.generator import write_sample

    load_csv, other_csv, earlier_csv = workdir / "load.csv", workdir / "other.csv", workdir / "earlier.csv"
    small_csv = workdir / "small.csv"
    write_sample("healthy", load_csv, seed=seed, as_of=AS_OF, applications=load_rows)
    other_rows = min(OTHER_ROWS, max(load_rows // 10, 100))
    write_sample("healthy", other_csv, seed=seed + 1, as_of=AS_OF, applications=other_rows)
    con = duckdb.connect()
    try:
        con.execute(
            "copy (select * replace ('written before the load' as notes)"
            "      from (from read_csv($load, all_varchar = true) limit $updated)"
            "      union all select * replace ('other' as client) from read_csv($other, all_varchar = true))"
            f" to '{earlier_csv}' (header)",  # our own temporary path
            {"load": str(load_csv), "other": str(other_csv), "updated": min(UPDATED_ROWS, load_rows // 5)},
        )
        con.execute(
            f"copy (from read_csv($load, all_varchar = true) limit 5000) to '{small_csv}' (header)",
            {"load": str(load_csv)},
        )
    finally:
        con.close()
    return load_csv, small_csv, earlier_csv


def _ingest(csv: Path, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _bounceback("ingest", str(csv), "--db", str(db), "--json"),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=1800,
        check=False,
    )


def _loaded(done: subprocess.CompletedProcess[str]) -> dict[str, int] | str:
    """The counts of a finished `ingest --json`, or what went wrong."""
    try:
        payload = json.loads(done.stdout)
        file = payload["files"][0]
    except (ValueError, KeyError, IndexError):
        return f"exit {done.returncode}: {(done.stderr or done.stdout).strip()[-300:]}"
    if done.returncode != 0 or not payload.get("ok"):
        return f"exit {done.returncode}: {file.get('status')}: {file.get('message')}"
    return {name: int(file[name]) for name in ("inserted", "updated", "unchanged", "rejected")}


def _digests(path: Path, *, stable: bool = False) -> dict[str, tuple[int, int]]:
    """Row count and an order-independent sum of row hashes per table: a second for 300,000 rows,
    where the checksum of common.py takes several. Opened the way bounceback opens it.

    stable: without the timestamp columns, which differ between two runs of the same load (when it
    ran, when a client was first seen), so that a completed load compares equal to a clean one."""
    con = connect(path)
    try:
        cur = con.cursor()
        sums = {}
        for table in user_tables(con):
            columns = [
                name
                for name, kind in cur.execute(
                    "select column_name, data_type from duckdb_columns() where database_name = current_database()"
                    " and schema_name = 'main' and table_name = ? order by column_index",
                    [table],
                ).fetchall()
                if not (stable and kind.startswith("TIMESTAMP"))
            ]
            if not columns:
                continue
            quoted = ", ".join(f'"{name}"' for name in columns)  # names from the catalogue, quoted
            row = cur.execute(f'select count(*), coalesce(sum(hash({quoted})::hugeint), 0) from "{table}"').fetchone()
            sums[table] = (int(row[0]), int(row[1]))
        return sums
    finally:
        con.close()


def prepare(workdir: Path, load_rows: int = LOAD_ROWS, seed: int = 0) -> Bench:
    """Generate the files, make the database before the load, and time one clean load."""
    workdir.mkdir(parents=True, exist_ok=True)
    load_csv, small_csv, earlier_csv = _write_inputs(workdir, load_rows, seed)
    base_db = workdir / "before.duckdb"
    earlier = _loaded(_ingest(earlier_csv, base_db))
    if isinstance(earlier, str):
        raise RuntimeError(f"the earlier load failed: {earlier}")
    clean_db = workdir / "clean.duckdb"
    shutil.copyfile(base_db, clean_db)
    clean = Load(load_csv, clean_db)
    if clean.finish(timeout=1800) != 0:
        raise RuntimeError(f"the clean load failed: {clean.stderr_text()[-500:]}")
    phases = clean.phases()
    commit_at = phases.get(AFTER_COMMIT)
    bench = Bench(
        load_csv=load_csv,
        small_csv=small_csv,
        base_db=base_db,
        base_sums=database_checksum(base_db),
        base_fast=_digests(base_db),
        clean_stable=_digests(clean_db, stable=True),
        load_seconds=clean.seconds,
        phases=phases,
        write_at=phases.get(WRITING) if commit_at is not None else None,
        commit_at=commit_at,
    )
    _remove_database(clean_db)
    return bench


def _remove_database(db: Path) -> None:
    for path in (db, Path(f"{db}.wal")):
        path.unlink(missing_ok=True)
    shutil.rmtree(f"{db}.tmp", ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# kills

# The load's progress lines (on a terminal's stderr) mark its phases: the last line seen when the
# kill landed names the phase it interrupted.
STARTING, READING, CHECKING, WRITING, AFTER_COMMIT = (
    "starting (interpreter, opening the database)",
    "reading the file",
    "checking the rows",
    "writing (the one transaction, up to its commit)",
    "after the commit (closing, checkpoint)",
)
UNKNOWN = "unknown (the load printed no progress lines)"


def _phase_of(line: str) -> str | None:
    text = line.split(": ", 1)[-1]
    if " inserted, " in text:
        return AFTER_COMMIT
    if text.startswith("checked"):
        return WRITING
    if text.startswith("read "):
        return CHECKING
    if text.startswith("reading"):
        return READING
    return None


class Load:
    """One `bounceback ingest` in a child process, its progress lines timed as they arrive.

    Its stderr is a terminal (a pty), as when someone runs it by hand: the load then prints its
    progress lines whatever the file's size, and they name the phase a kill interrupted."""

    def __init__(self, csv: Path, db: Path) -> None:
        self.lines: list[tuple[float, str]] = []
        self._progress = threading.Condition()
        self._ended = False
        self.started = time.perf_counter()
        self.seconds = 0.0
        terminal, child_side = pty.openpty()
        self.process = subprocess.Popen(
            _bounceback("ingest", str(csv), "--db", str(db)),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=child_side,
            cwd=ROOT,
        )
        os.close(child_side)
        self._reader = threading.Thread(target=self._read, args=(terminal,), daemon=True)
        self._reader.start()

    def _wait_for(self, phase: str) -> None:
        """Until this load reports `phase`, or ends without it (a load that hangs: ten minutes)."""
        with self._progress:
            self._progress.wait_for(lambda: phase in self.phases() or self._ended, timeout=600)

    def _read(self, terminal: int) -> None:
        try:
            self._read_lines(terminal)
        finally:
            with self._progress:
                self._ended = True
                self._progress.notify_all()

    def _read_lines(self, terminal: int) -> None:
        with open(terminal, "rb", buffering=0) as stream:
            pending = b""
            while True:
                try:
                    chunk = stream.read(4096)
                except OSError:  # EIO: the child, the terminal's last user, has gone
                    break
                if not chunk:
                    break
                pending += chunk
                *complete, pending = pending.split(b"\n")
                seen = time.perf_counter() - self.started
                with self._progress:
                    self.lines += [(seen, line.decode(errors="replace").rstrip("\r")) for line in complete]
                    self._progress.notify_all()

    def stderr_text(self) -> str:
        return "\n".join(line for _, line in self.lines)

    def finish(self, timeout: float) -> int:
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self.seconds = time.perf_counter() - self.started
        self._reader.join()
        return code

    def phases(self) -> dict[str, float]:
        """Phase -> when its progress line arrived."""
        seen: dict[str, float] = {}
        for at, line in self.lines:
            phase = _phase_of(line)
            if phase is not None:
                seen.setdefault(phase, at)
        return seen

    def kill_at(self, moment: float, phases: dict[str, float] | None = None) -> float | None:
        """SIGKILL `moment` seconds after the start; the moment it landed, or None when the load
        had already ended by then.

        phases (when a clean load began each phase): the moment is taken from the start of the
        phase it falls in, as this load reports it, so that a machine slower or faster than during
        the clean load still sees the kill in the same phase."""
        anchors = [(at, phase) for phase, at in (phases or {}).items() if at <= moment]
        anchor_at, anchor = max(anchors) if anchors else (0.0, None)
        if anchor is not None:
            self._wait_for(anchor)
        here = self.phases().get(anchor, 0.0) if anchor is not None else 0.0  # when this load reached it
        delay = self.started + here + (moment - anchor_at) - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        if self.process.poll() is not None:
            self.finish(timeout=0)
            return None
        landed = time.perf_counter() - self.started
        os.kill(self.process.pid, signal.SIGKILL)
        self.finish(timeout=60)
        return landed

    def phase(self, at: float) -> str:
        phases = [_phase_of(line) for seen, line in self.lines if seen <= at]
        return next((phase for phase in reversed(phases) if phase is not None), STARTING)


@dataclass
class KillOutcome:
    moment: float  # planned, seconds after the process started
    landed: float | None  # when the SIGKILL was sent; None: the load had already finished
    phase: str
    result: str  # unchanged | complete | finished | unopenable | changed
    detail: str = ""
    rows_lost: int = 0


def amid_the_write(rng: random.Random, bench: Bench) -> float:
    """A moment inside the load's transaction, with data written but not committed: early enough
    in it that a machine somewhat faster than during the clean load is still writing."""
    if bench.write_at is None or bench.commit_at is None:
        return rng.uniform(0.5, 0.8) * bench.load_seconds
    return bench.write_at + rng.uniform(0.15, 0.6) * (bench.commit_at - bench.write_at)


def _plan_moments(rng: random.Random, cases: int, bench: Bench) -> list[tuple[float, bool]]:
    """(seconds after the start, meant to land before the commit): `cases` moments spread evenly
    over the time before the commit, one at the very start, one amid the write and one just before
    the commit report; then a few during the close after the commit (a checkpoint rewriting the file)."""
    before = bench.commit_at if bench.commit_at is not None else bench.load_seconds
    moments = [((i + rng.random()) / cases * before, True) for i in range(cases)]
    if cases >= 3:
        moments[0] = (rng.uniform(0.0, 0.05), True)  # the interpreter has barely started
        moments[1] = (amid_the_write(rng, bench), True)  # a transaction in flight, whatever `cases`
        moments[-1] = (before * rng.uniform(0.97, 1.0), True)  # the commit itself, or just before
    if bench.commit_at is not None:
        after = max(bench.load_seconds - bench.commit_at, 0.0)
        extra = max(1, cases // 5)
        moments += [(bench.commit_at + (j + rng.random()) / extra * after, False) for j in range(extra)]
    return moments


def verify_after_kill(db: Path, bench: Bench) -> tuple[str, str, int]:
    """(result, detail, rows lost) of a database after a kill."""
    try:
        fast = _digests(db)  # opens it as bounceback does: a database that needed repair fails here
        con = connect(db)
        try:
            broken = {name: count for name, count in run_data_tests(con).items() if count}
        finally:
            con.close()
    except Exception as e:  # whatever it is, this case failed: say what it was
        return "unopenable", f"{type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}", 0
    if broken:
        return "changed", f"data tests fail: {broken}", _rows_lost(db, bench.base_db)
    if fast == bench.base_fast:
        sums = database_checksum(db)
        if sums == bench.base_sums:
            return "unchanged", "", 0
        differ = sorted(
            name for name in sums.keys() | bench.base_sums.keys() if sums.get(name) != bench.base_sums.get(name)
        )
        return "changed", f"checksum differs in {differ}", _rows_lost(db, bench.base_db)
    stable = _digests(db, stable=True)
    if stable == bench.clean_stable:
        return "complete", "", 0
    differ = sorted(
        name for name in stable.keys() | bench.clean_stable.keys() if stable.get(name) != bench.clean_stable.get(name)
    )
    counts = {name: (bench.base_fast.get(name, (0, 0))[0], fast.get(name, (0, 0))[0]) for name in differ}
    return (
        "changed",
        f"neither the state before nor a completed load: (rows before, after) {counts}",
        _rows_lost(db, bench.base_db),
    )


def _rows_lost(db: Path, base_db: Path) -> int:
    """Applications and events of the database before the load that are missing from `db`."""
    con = duckdb.connect(str(db))
    try:
        con.execute(f"attach '{base_db}' as before (read_only)")  # our own temporary path
        row = con.execute(
            "select (select count(*) from before.applications anti join applications using (application_id))"
            " + (select count(*) from before.events anti join events using (event_id))"
        ).fetchone()
        return int(row[0])
    finally:
        con.close()


def _copy_database(source: Path, target: Path) -> None:
    _remove_database(target)
    for suffix in ("", ".wal"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")


def _kill_once(bench: Bench, moment: float, db: Path, raw_copy: Path) -> KillOutcome:
    """One case: the load on a fresh copy of the database before it, killed at `moment`. A kill
    during the write leaves its database, untouched by the checks, in `raw_copy` (for the re-run)."""
    _remove_database(db)
    shutil.copyfile(bench.base_db, db)
    load = Load(bench.load_csv, db)
    landed = load.kill_at(moment, bench.phases)
    if landed is None:
        result, detail, lost = verify_after_kill(db, bench)
        if result == "complete":
            return KillOutcome(moment, None, "finished", "finished")
        return KillOutcome(moment, None, "finished", "changed", f"finished without the whole load: {detail}", lost)
    phase = load.phase(landed) if bench.commit_at is not None else UNKNOWN
    if phase in (WRITING, UNKNOWN):
        _copy_database(db, raw_copy)
    result, detail, lost = verify_after_kill(db, bench)
    if result == "complete" and phase not in (WRITING, AFTER_COMMIT, UNKNOWN):
        # a completed load can only follow a kill that came after the commit began
        result, detail = "changed", f"complete although killed while {phase}"
    return KillOutcome(moment, landed, phase, result, detail, lost)


def run_kills(bench: Bench, cases: int, seed: int, workdir: Path) -> tuple[list[KillOutcome], Path | None]:
    """Kill loads until `cases` kills landed before the commit (or too many tries); the outcomes,
    and the database of a kill during the write that left it unchanged, kept for the re-run."""
    rng = random.Random(seed)
    queue = collections.deque(_plan_moments(rng, cases, bench))
    before = bench.commit_at if bench.commit_at is not None else bench.load_seconds
    outcomes: list[KillOutcome] = []
    db, raw, kept = workdir / "killed.duckdb", workdir / "killed-raw.duckdb", workdir / "killed-kept.duckdb"
    tries = 2 * len(queue) + 5
    while queue and len(outcomes) < tries:
        moment, meant_before = queue.popleft()
        _remove_database(raw)
        outcome = _kill_once(bench, moment, db, raw)
        outcomes.append(outcome)
        if outcome.result == "unchanged" and raw.exists():
            _copy_database(raw, kept)
        elif meant_before and outcome.result in ("complete", "finished"):
            # the machine was slower or faster than the clean load: a new moment, well before the commit
            queue.append((rng.uniform(0.0, 0.9 * before), True))
        if not queue and not kept.exists() and len(outcomes) < tries:
            queue.append((amid_the_write(rng, bench), False))  # the re-run needs a kill amid the write
        _remove_database(db)
    _remove_database(raw)
    return outcomes, kept if kept.exists() else None


def rerun_after_kill(bench: Bench, db: Path | None) -> tuple[str, str, list[str]]:
    """Load the file to the end on a database killed mid-load, then once more: (figure, figure, failures)."""
    if db is None:
        return "not run: no kill left the database unchanged", "not run", ["no killed database to re-run on"]
    failures = []
    first = _loaded(_ingest(bench.load_csv, db))
    if isinstance(first, str):
        return f"FAILED: {first}", "not run", [f"re-run after a kill failed: {first}"]
    if _digests(db, stable=True) != bench.clean_stable:
        failures.append("re-run after a kill: the database differs from a clean load")
    rerun = f"{first['inserted']:,} inserted, {first['updated']:,} updated; " + (
        "equal to a clean load" if not failures else "DIFFERS from a clean load"
    )
    again = _loaded(_ingest(bench.load_csv, db))
    if isinstance(again, str):
        return rerun, f"FAILED: {again}", [*failures, f"loading the same file again failed: {again}"]
    after = _digests(db, stable=True)
    differ = [
        name for name in bench.clean_stable if name != "ingest_runs" and after.get(name) != bench.clean_stable[name]
    ]
    runs = after.get("ingest_runs", (0, 0))[0] - bench.clean_stable.get("ingest_runs", (0, 0))[0]
    if differ or again["inserted"] or again["updated"] or runs != 1:
        failures.append(f"loading the same file again changed the data: {differ}, {again}, {runs} runs added")
    reimport = f"{again['inserted']:,} inserted, {again['updated']:,} updated, {again['unchanged']:,} unchanged; " + (
        "data unchanged" if not differ else f"CHANGED {differ}"
    )
    return rerun, reimport, failures


# ---------------------------------------------------------------------------------------------
# a full disk, a database that may not be written


@dataclass
class StorageCase:
    """One storage failure: what the command printed, and whether the database stayed as it was."""

    name: str
    expected: str  # words the one line must contain
    returncode: int | None = None
    stdout: str = ""
    stderr: str = ""
    unchanged: bool | None = None
    detail: str = ""
    skipped: str | None = None  # why this check cannot run on this machine

    def problems(self) -> list[str]:
        if self.skipped:
            return []
        lines = self.stderr.strip().splitlines()
        found = []
        if self.returncode != 1:
            found.append(f"exit status {self.returncode}, expected 1")
        if "Traceback" in self.stderr:
            found.append("a traceback")
        if len(lines) != 1:
            found.append(f"{len(lines)} lines on stderr, expected one")
        elif not lines[0].startswith("bounceback: cannot write the database") or self.expected not in lines[0]:
            found.append(f"not the expected line (with {self.expected!r}): {lines[0][:300]!r}")
        if self.stdout.strip():
            found.append(f"output on stdout: {self.stdout.strip()[:200]!r}")
        if not self.unchanged:
            found.append(f"the database changed: {self.detail}")
        return found

    def figure(self) -> str:
        if self.skipped:
            return f"skipped: {self.skipped}"
        problems = self.problems()
        return "one line, exit 1, database unchanged" if not problems else "FAILED: " + "; ".join(problems)


def _data_state(db: Path) -> dict[str, tuple[int, str]]:
    """The checksum of every table, except that a failed load may be noted in ingest_runs (when
    the note still fits on the disk): runs other than failed ones must stay as they were."""
    sums = database_checksum(db)
    con = connect(db)
    try:
        row = (
            con.cursor()
            .execute(
                "select count(*), coalesce(md5(string_agg(t::varchar, '|' order by t::varchar)), '')"
                " from ingest_runs as t where status <> 'failed'"
            )
            .fetchone()
        )
    finally:
        con.close()
    sums["ingest_runs"] = (int(row[0]), str(row[1]))
    return sums


# The command under a file size limit: writes past it fail with EFBIG ("File too large") instead of
# killing the process with SIGXFSZ, as on a disk that is full. Set in the child itself (no preexec_fn,
# which is unsafe with threads), before anything of bounceback is imported.
_LIMITED = (
    "import resource, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN);"
    " resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}));"
    " from pipelines.cli.commands import main; sys.exit(main(sys.argv[1:]))"
)


def run_cli(args: list[str], file_size_limit: int | None = None) -> subprocess.CompletedProcess[str]:
    if file_size_limit is None:
        command = _bounceback(*args)
    else:
        command = [sys.executable, "-c", _LIMITED.format(limit=file_size_limit), *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=600, check=False)


@contextlib.contextmanager
def locked_against_writing(path: Path) -> Iterator[str | None]:
    """Make the file or folder `path` unwritable for the duration; yields None, or why that cannot
    be done here. A normal user: its mode. Root, whom modes do not stop: the immutable attribute
    (chattr +i; ext4, xfs, btrfs), checked to refuse a write before it is relied on."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield None
        finally:
            path.chmod(mode)
        return
    chattr = shutil.which("chattr")
    if chattr is None:
        yield "running as root (file modes do not stop root) and chattr is not installed"
        return
    done = subprocess.run([chattr, "+i", str(path)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        yield f"running as root (file modes do not stop root) and chattr +i fails here: {done.stderr.strip()}"
        return
    try:
        probe = path / "write-probe" if path.is_dir() else path
        try:
            with probe.open("ab"):
                pass
        except OSError:
            yield None
        else:
            if probe != path:
                probe.unlink()
            yield "chattr +i does not stop writing on this file system"
    finally:
        subprocess.run([chattr, "-i", str(path)], capture_output=True, check=False)


@contextlib.contextmanager
def _log_on_dev_full(db: Path) -> Iterator[str | None]:
    """The database's log (<db>.wal) is /dev/full, where every write fails with the kernel's own
    ENOSPC: a disk that is full when the load commits."""
    if not Path("/dev/full").exists():
        yield "no /dev/full on this system"
        return
    wal = Path(f"{db}.wal")
    wal.symlink_to("/dev/full")
    try:
        yield None
    finally:
        wal.unlink()


def _storage_case(
    case: StorageCase,
    db: Path,
    args: list[str],
    *,
    file_size_limit: int | None = None,
    during: contextlib.AbstractContextManager[str | None] | None = None,
) -> StorageCase:
    """Run the command (inside `during`, which yields why it cannot be done here, or None); fill in
    what it printed and whether `db` kept its data."""
    before = _data_state(db) if db.exists() else None
    with during or contextlib.nullcontext() as impossible:
        if impossible:
            case.skipped = impossible
            return case
        done = run_cli(args, file_size_limit)
    case.returncode, case.stdout, case.stderr = done.returncode, done.stdout, done.stderr
    if before is not None:
        after = _data_state(db)
        case.unchanged = after == before
        if not case.unchanged:
            case.detail = f"tables {sorted(name for name in after if after[name] != before.get(name))}"
    return case


def _ingest_onto_a_copy(case: StorageCase, base_db: Path, db: Path, csv: Path, **how: Any) -> StorageCase:
    """`bounceback ingest csv` onto a copy of the base database at `db` (see _storage_case for `how`)."""
    shutil.copyfile(base_db, db)
    _storage_case(case, db, ["ingest", str(csv), "--db", str(db), "--quiet"], **how)
    _remove_database(db)
    return case


def storage_disk_full(base_db: Path, csv: Path, workdir: Path) -> StorageCase:
    case = StorageCase("disk full while committing (the log on /dev/full)", "no space left on the device")
    db = workdir / "full.duckdb"
    return _ingest_onto_a_copy(case, base_db, db, csv, during=_log_on_dev_full(db))


def storage_size_limit(base_db: Path, csv: Path, workdir: Path) -> StorageCase:
    """EFBIG: every file may grow to 1 MB only (the log, the database's new blocks, spilled data)."""
    case = StorageCase("file size limit reached while loading (ulimit -f)", "largest size allowed")
    return _ingest_onto_a_copy(case, base_db, workdir / "limited.duckdb", csv, file_size_limit=1_000_000)


def storage_new_database(csv: Path, workdir: Path) -> StorageCase:
    """A new database on a disk that fills up while its tables are created; afterwards (with room
    again) it opens without repair."""
    case = StorageCase("disk full while creating the database", "largest size allowed")
    db = workdir / "new.duckdb"
    _remove_database(db)
    _storage_case(case, db, ["ingest", str(csv), "--db", str(db), "--quiet"], file_size_limit=20_000)
    later = run_cli(["status", "--db", str(db), "--json"])
    case.unchanged = later.returncode == 0
    if not case.unchanged:
        case.detail = f"it does not open afterwards: {later.stderr.strip()[:300] or later.stdout.strip()[:300]}"
    _remove_database(db)
    return case


def storage_read_only_file(base_db: Path, csv: Path, workdir: Path) -> StorageCase:
    case = StorageCase("database file may not be written", "(bounceback opens it for writing)")
    db = workdir / "locked.duckdb"
    return _ingest_onto_a_copy(case, base_db, db, csv, during=locked_against_writing(db))


def storage_read_only_folder(base_db: Path, csv: Path, workdir: Path) -> StorageCase:
    case = StorageCase("database folder may not be written (its log cannot be created)", "creating its log")
    folder = workdir / "locked-folder"
    folder.mkdir(exist_ok=True)
    db = folder / "bounceback.duckdb"
    shutil.copyfile(base_db, db)
    _storage_case(case, db, ["ingest", str(csv), "--db", str(db), "--quiet"], during=locked_against_writing(folder))
    shutil.rmtree(folder, ignore_errors=True)
    return case


def storage_checks(bench: Bench, workdir: Path) -> list[StorageCase]:
    workdir.mkdir(parents=True, exist_ok=True)
    small = bench.small_csv
    return [
        storage_disk_full(bench.base_db, small, workdir),
        # the whole load: in the long run it grows the database file itself, not only its log
        storage_size_limit(bench.base_db, bench.load_csv, workdir),
        storage_new_database(small, workdir),
        storage_read_only_file(bench.base_db, small, workdir),
        storage_read_only_folder(bench.base_db, small, workdir),
    ]


# ---------------------------------------------------------------------------------------------


def run(cases: int, seed: int, workdir: Path, *, load_rows: int = LOAD_ROWS) -> Summary:
    """`cases` SIGKILLs that land before the commit (plus a few after it), the re-run, and the
    storage failures; every broken promise is a line of `failures`."""
    summary = Summary("faults", COMMAND)
    bench = prepare(workdir / "inputs", load_rows, seed)
    outcomes, kept = run_kills(bench, cases, seed, workdir)
    killed = [o for o in outcomes if o.landed is not None]
    before_commit = [o for o in killed if o.result == "unchanged"]
    summary.cases = len(killed)
    for outcome in outcomes:
        if outcome.result not in ("unchanged", "complete", "finished"):
            when = f"at {outcome.landed:.2f} s ({outcome.phase})" if outcome.landed is not None else "(finished)"
            summary.failures.append(
                f"seed {seed}, kill planned at {outcome.moment:.3f} s {when}: {outcome.result}: {outcome.detail}"
            )
    if len(before_commit) < cases:
        summary.failures.append(
            f"seed {seed}: only {len(before_commit)} of {cases} kills landed before the commit and left it unchanged"
        )
    rerun, reimport, rerun_failures = rerun_after_kill(bench, kept)
    summary.failures += rerun_failures
    storage = storage_checks(bench, workdir / "storage")
    for case in storage:
        summary.failures += [f"{case.name}: {problem}" for problem in case.problems()]

    moments = [o.landed for o in killed if o.landed is not None]
    phases = collections.Counter(o.phase for o in killed)
    summary.figures = {
        "rows per load": load_rows,
        "clean load (process start to exit)": f"{bench.load_seconds:.1f} s"
        + (f", commit reported at {bench.commit_at:.1f} s" if bench.commit_at is not None else ""),
        "kills injected": len(killed),
        "kills that landed mid-load (before the commit)": sum(o.result != "complete" for o in killed),
        "kills after the commit (the whole load kept)": sum(o.result == "complete" for o in killed),
        "loads that finished before their kill (not counted)": sum(o.landed is None for o in outcomes),
        "kill moments": f"{min(moments):.2f} s .. {max(moments):.2f} s after the process started" if moments else "-",
        "kills by phase": "; ".join(f"{phase}: {count}" for phase, count in phases.most_common()),
        "databases opened without repair (and passing the data tests)": sum(o.result != "unopenable" for o in killed),
        "data unchanged (every table's checksum as before the load)": len(before_commit),
        "data equal to a completed load (kills after the commit)": sum(o.result == "complete" for o in killed),
        "rows lost": sum(o.rows_lost for o in outcomes),
        "re-run after a kill": rerun,
        "the same file loaded once more": reimport,
        **{f"storage: {case.name}": case.figure() for case in storage},
    }
    return summary
