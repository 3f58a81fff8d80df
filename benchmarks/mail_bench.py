"""`make bench`'s mail row: 10,000 mails read and loaded, as a ratio to reading the same mbox with
the stdlib's `mailbox` alone (goal <= 3x).

    python -m benchmarks.harness --only mail [--repeats 3]

The mbox is the seeded corpus of sample_data/mail_corpus.py (seed 7, as benchmarks/mail_eval.py),
generated once per run into a temporary folder and removed after. Each side runs in its own worker
process (benchmarks/harness.py's `--worker`), clocked inside the process after its imports, so
the ratio is of the work on the mails, not of what each side imports; the process walls are
reported too. Rounds alternate the sides so the machine's drift hits them alike; each figure is the
median of `--repeats` rounds.

- baseline: `for message in mailbox.mbox(path)`, each message's subject and payload touched (the
  stdlib's default parse, compat32): the goal's denominator;
- second baseline: the same with `email.policy.default` and `get_body(("plain", "html"))`, as the
  product parses;
- measured: `ingest_path(con, path, LoadOptions(source="mail", progress=False))` into a fresh DuckDB
  file (connect included): read, classify, assemble, match, write;
- re-read: the same mbox again into the same database, in a fresh process (changes nothing).

One more run of the measured side under cProfile gives the top 15 by cumulative time and the
self time by area (builtins such as DuckDB's `execute` or a regex search charged to the file that
called them). Nothing here asserts on timing.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import math
import pstats
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

SEED = 7
MAILS = 10_000
MAILS_PER_APPLICATION = 3.7  # a little under the corpus's ~3.8: enough applications for >= MAILS
SMOKE_APPLICATIONS = 40
GOAL = 3.0

# area -> path fragments of the files whose self time counts there (first match wins)
AREAS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("read/parse: pipelines/load/mail/read.py, message.py, body.py",
     ("pipelines/load/mail/read.py", "pipelines/load/mail/message.py", "pipelines/load/mail/body.py")),
    ("classify.py (+ rules.py)", ("pipelines/load/mail/classify.py", "pipelines/load/mail/rules.py")),
    ("company.py", ("pipelines/load/mail/company.py",)),
    ("assemble.py", ("pipelines/load/mail/assemble.py",)),
    ("load.py (its SQL included)", ("pipelines/load/mail/load.py",)),
    ("match.py (its SQL included)", ("pipelines/load/mail/match.py",)),
    ("stdlib email/mailbox/html.parser (the parse itself)", ("/email/", "/mailbox.py", "/html/parser.py")),
    ("other pipelines code", ("pipelines/",)),
)  # fmt: skip


# ---------------------------------------------------------------- workers (each runs in its own process)


def _mailbox_read(path: str, how: str) -> dict[str, Any]:
    """The stdlib alone: every message of the mbox parsed and touched. `how`: "plain" (mailbox's own
    parse, compat32) or "policy" (email.policy.default and get_body, as the product parses)."""
    import email
    import email.policy
    import mailbox

    def plain() -> int:
        count = 0
        for message in mailbox.mbox(path, create=False):
            message.get("subject")
            message.get_payload()
            count += 1
        return count

    def policy() -> int:
        def factory(handle: Any) -> Any:
            return email.message_from_binary_file(handle, policy=email.policy.default)

        count = 0
        parsed: Iterable[Any] = mailbox.mbox(path, factory=factory, create=False)  # EmailMessages, not mboxMessages
        for message in parsed:
            message["subject"]
            body = message.get_body(("plain", "html"))
            if body is not None:
                body.get_content()
            count += 1
        return count

    read = {"plain": plain, "policy": policy}[how]
    started = time.perf_counter()
    mails = read()
    return {"read": time.perf_counter() - started, "mails": mails}


def _counts(con: Any) -> dict[str, int]:
    tables = [row[0] for row in con.execute("select table_name from duckdb_tables() order by 1").fetchall()]
    # the names are the database's own tables
    return {table: con.execute(f'select count(*) from "{table}"').fetchone()[0] for table in tables}  # noqa: S608


def _ingest_once(path: str, db: str) -> tuple[float, Any, Any]:
    from pipelines.load.ingest import LoadOptions, ingest_path
    from pipelines.store.db import connect

    started = time.perf_counter()
    con = connect(db)
    (result,) = ingest_path(con, path, LoadOptions(source="mail", progress=False))
    seconds = time.perf_counter() - started
    if result.status != "loaded":
        raise RuntimeError(f"the mail load of {path} was {result.status}: {result.message}")
    return seconds, result, con


def _result(result: Any) -> dict[str, Any]:
    keys = ("rows_read", "inserted", "updated", "unchanged", "rejected", "skipped", "events_inserted", "events_updated")
    return {key: getattr(result, key) for key in keys}


def _mail_ingest(path: str, db: str) -> dict[str, Any]:
    """`ingest_path` of the mbox (source mail) into `db`, its connection included; the tables'
    row counts before and after (outside the clock), so a re-read can show it changed nothing."""
    import duckdb

    before: dict[str, int] = {}
    if Path(db).exists():
        with duckdb.connect(db, read_only=True) as peek:
            before = _counts(peek)
    seconds, result, con = _ingest_once(path, db)
    after = _counts(con)
    con.close()
    return {"load": seconds, "result": _result(result), "before": before, "after": after}


def _charged(stats: pstats.Stats) -> dict[str, float]:
    """Self time per file, a builtin's (file "~": DuckDB's execute, a regex search) charged to its callers."""
    per_file: dict[str, float] = {}
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    for (file, _line, _name), (_cc, _nc, tottime, _ct, callers) in raw.items():
        if file != "~" or not callers:
            per_file[file] = per_file.get(file, 0.0) + tottime
            continue
        calls = sum(value[0] for value in callers.values()) or 1
        for (caller_file, _l, _n), value in callers.items():
            per_file[caller_file] = per_file.get(caller_file, 0.0) + tottime * value[0] / calls
    return per_file


OTHER = "everything else (stdlib, duckdb's Python side, imports)"


def _areas(per_file: dict[str, float]) -> tuple[dict[str, float], dict[str, float]]:
    """Self time by area, and the files of the two catch-all areas that took the most."""
    areas: dict[str, float] = {name: 0.0 for name, _ in AREAS}
    areas[OTHER] = 0.0
    rest: dict[str, float] = {}
    for file, seconds in per_file.items():
        normal = file.replace("\\", "/")
        name = next((area for area, parts in AREAS if any(part in normal for part in parts)), None)
        areas[name or OTHER] += seconds
        if name in (None, "other pipelines code"):
            rest[normal] = seconds
    biggest = dict(sorted(rest.items(), key=lambda item: -item[1])[:8])
    return ({name: round(seconds, 3) for name, seconds in areas.items()},
            {file: round(seconds, 3) for file, seconds in biggest.items()})  # fmt: skip


def _mail_profile(path: str, db: str) -> dict[str, Any]:
    """The measured side once under cProfile: top 15 by cumulative time, and self time by area."""
    from pipelines.load.ingest import LoadOptions, ingest_path  # noqa: F401  (imports outside the profile)
    from pipelines.store.db import connect  # noqa: F401

    profile = cProfile.Profile()
    profile.enable()
    _ingest_once(path, db)[2].close()
    profile.disable()
    text = io.StringIO()
    stats = pstats.Stats(profile, stream=text)
    total = max(stats.total_tt, 1e-9)  # type: ignore[attr-defined]
    stats.sort_stats("cumulative").print_stats(15)
    top = [line for line in text.getvalue().splitlines() if line.strip()]
    areas, rest = _areas(_charged(stats))
    return {"profiled_s": round(total, 3), "top": top, "areas": areas, "rest": rest}


def _mail_corpus(path: str, smoke: str) -> dict[str, Any]:
    """The seeded mbox of >= 10,000 mails (a few hundred with --smoke) written to `path`, made in a
    process of its own: the corpus in memory (over 1 GB) is gone before anything is measured."""
    from sample_data.mail_corpus import generate_corpus, write_mbox

    applications = SMOKE_APPLICATIONS if smoke == "yes" else math.ceil(MAILS / MAILS_PER_APPLICATION)
    corpus = generate_corpus(SEED, applications=applications)
    if smoke != "yes" and len(corpus.messages) < MAILS:
        raise RuntimeError(f"{applications} applications made {len(corpus.messages)} mails, fewer than {MAILS:,}")
    write_mbox(corpus, Path(path))
    return {"mails": len(corpus.messages), "applications": applications}


WORKERS: dict[str, Callable[..., dict[str, Any]]] = {
    "mail_corpus": _mail_corpus, "mail_mailbox": _mailbox_read, "mail_ingest": _mail_ingest,
    "mail_profile": _mail_profile,
}  # fmt: skip


# ---------------------------------------------------------------- the orchestration (in harness's process)


def rows(
    args: argparse.Namespace,
    run: Callable[..., dict[str, Any]],
    row: Callable[..., dict[str, Any]],
    step: Callable[[str], None],
) -> list[dict[str, Any]]:
    """The mail row and its companions; `run`, `row` and `step` are the harness's own."""
    folder = Path(tempfile.mkdtemp(prefix="bench-mail-"))
    try:
        step("mail: generating the seeded mbox")
        mbox = str(folder / "mail.mbox")
        made = run("mail_corpus", mbox, "yes" if args.smoke else "no")
        return _measure(args, run, row, step, folder, mbox, made["mails"], made["applications"])
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _fresh(db: Path) -> str:
    db.unlink(missing_ok=True)
    Path(f"{db}.wal").unlink(missing_ok=True)
    return str(db)


def _measure(
    args: argparse.Namespace,
    run: Callable[..., dict[str, Any]],
    row: Callable[..., dict[str, Any]],
    step: Callable[[str], None],
    folder: Path,
    mbox: str,
    mails: int,
    applications: int,
) -> list[dict[str, Any]]:
    db = folder / "mail.duckdb"
    timings: dict[str, list[float]] = {"plain": [], "policy": [], "load": [], "reread": []}
    walls: dict[str, list[float]] = {name: [] for name in timings}
    last: dict[str, Any] = {}
    for attempt in range(args.repeats):
        step(f"mail round {attempt + 1} of {args.repeats}")
        for how in ("plain", "policy"):
            result = run("mail_mailbox", mbox, how)
            if result["mails"] != mails:
                raise RuntimeError(f"mailbox read {result['mails']} mails of {mails}")
            timings[how].append(result["read"])
            walls[how].append(result["wall"])
        loaded = run("mail_ingest", mbox, _fresh(db))
        timings["load"].append(loaded["load"])
        walls["load"].append(loaded["wall"])
        again = run("mail_ingest", mbox, str(db))
        timings["reread"].append(again["load"])
        walls["reread"].append(again["wall"])
        last = {"load": loaded, "reread": again}
    median = {name: statistics.median(values) for name, values in timings.items()}
    wall = {name: round(statistics.median(values), 2) for name, values in walls.items()}
    before, after = last["reread"]["before"], last["reread"]["after"]
    # a re-read records its run (ingest_runs, and the run's skips): anything else changing is a change
    changed = {table: [before.get(table), after[table]] for table in after if before.get(table) != after[table]}
    data_changed = {table: counts for table, counts in changed.items() if table not in ("ingest_runs", "ingest_skips")}
    reread = last["reread"]["result"]
    idempotent = not data_changed and not any(reread[key] for key in ("inserted", "updated", "events_inserted",
                                                                 "events_updated"))  # fmt: skip

    step("mail: one profiled load")
    profile = run("mail_profile", mbox, _fresh(db))

    ratio = median["load"] / median["plain"]
    policy_ratio = median["load"] / median["policy"]
    out = [
        row(f"mail: {mails:,} mails read and loaded (ingest_path) / plain `mailbox` read (goal's baseline)",
            round(ratio, 2), "x", f"<= {GOAL:g}", ratio <= GOAL, mails=mails, applications=applications, seed=SEED,
            load_s=round(median["load"], 3), mailbox_s=round(median["plain"], 3), process_wall_s=wall,
            loaded=last["load"]["result"], tables=last["load"]["after"]),
        row("mail: the same load / `mailbox` with email.policy.default and get_body (as the product parses)",
            round(policy_ratio, 2), "x", "-", None, policy_s=round(median["policy"], 3)),
        row(f"mail: re-read of the same {mails:,} mails into the same database (changes nothing)",
            round(median["reread"], 3), "s", "-", None, idempotent=idempotent, reread=reread,
            tables_changed=changed),  # row counts before, after
        row("mail: the load under cProfile (once), self time by area", profile["profiled_s"], "s", "-", None,
            areas=profile["areas"], biggest_elsewhere=profile["rest"], top=profile["top"]),
    ]  # fmt: skip
    for area, seconds in profile["areas"].items():
        step(f"  profile: {seconds:7.3f} s  {area}")
    verdict = "met" if ratio <= GOAL else "missed"
    step(f"mail: {mails:,} mails, load {median['load']:.2f} s, plain mailbox {median['plain']:.2f} s -> {ratio:.2f}x"
         f" (goal <= {GOAL:g}x: {verdict}); policy.default {median['policy']:.2f} s -> {policy_ratio:.2f}x;"
         f" re-read {median['reread']:.2f} s ({'changes nothing' if idempotent else 'CHANGED the database'})")
    return out
