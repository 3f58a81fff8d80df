"""Issue 19's goals for reading a mailbox, measured on the seeded corpus (sample_data/mail_corpus.py).

    python -m benchmarks.mail_eval [--seed 7] [--applications 120] [--json]

Generates the corpus, writes its mbox to a temporary folder, reads it (`read_mail`) and assembles it
(`pipelines.load.mail.assemble`) with the person's address (me@example.com), then scores against
the corpus's truth (mails matched by message id without its <>):

- per kind (all 12), precision and recall, and the confusion matrix (rows truth, columns predicted);
- company accuracy: application-kind mails (by the truth) whose company key, after assembling
  (a reply takes its thread's company), is the truth company's `normalise`d key;
- applications exact: of the true applications with at least one mail, the share reconstructed with
  exactly their true events (the same kinds on the same dates, applied included). A proposed
  application stands for the true application most of its mails belong to (by the truth); a true
  application counts when exactly one proposed application stands for it and its events are equal;
- ignored kinds (by the truth) that created or joined an application.

Goals: kind accuracy >= 97 %, company >= 95 %, applications exact >= 90 %, no ignored-kind mail in an
application. A report, like `make calibrate` without its exit code: the exit code is always 0.
Seed 7 is kept for this evaluation; the tests run seed 11 (tests/integration/test_mail_eval.py).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipelines.load.mail.assemble import Assembled, assemble
from pipelines.load.mail.company import normalise
from pipelines.load.mail.read import read_mail
from pipelines.vocabulary import MAIL_APPLICATION_KINDS, MAIL_IGNORED_KINDS
from sample_data.mail_corpus import ME, Corpus, generate_corpus, write_mbox

KINDS: tuple[str, ...] = MAIL_APPLICATION_KINDS + MAIL_IGNORED_KINDS
GOALS: dict[str, tuple[str, float]] = {  # figure -> (how it compares, goal)
    "kind_accuracy": (">=", 0.97),
    "company_accuracy": (">=", 0.95),
    "applications_exact": (">=", 0.90),
    "ignored_in_application": ("==", 0),
}


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def score(corpus: Corpus, assembled: Assembled) -> dict[str, Any]:
    """The figures and goals of one corpus against what was assembled from its mbox."""
    truth = {item.message_id.strip("<>"): item for item in corpus.mails}
    decisions = [d for d in assembled.decisions if d.message_id in truth]
    pairs = [(truth[d.message_id].kind, d.kind) for d in decisions]
    confusion = Counter(pairs)
    per_kind = {}
    for kind in KINDS:
        hits = confusion[(kind, kind)]
        predicted = sum(n for (_, got), n in confusion.items() if got == kind)
        actual = sum(n for (want, _), n in confusion.items() if want == kind)
        per_kind[kind] = {"precision": _ratio(hits, predicted), "recall": _ratio(hits, actual), "support": actual}
    application_mails = [d for d in decisions if truth[d.message_id].kind in MAIL_APPLICATION_KINDS]
    company_hits = sum(1 for d in application_mails if d.company is not None
                       and normalise(d.company) == normalise(truth[d.message_id].company or ""))
    ignored_in_application = sum(1 for d in decisions
                                 if truth[d.message_id].kind in MAIL_IGNORED_KINDS and d.application_key is not None)
    # proposed application -> the true application most of its mails belong to
    stands_for: dict[str, list[str]] = defaultdict(list)
    for made in assembled.applications:
        votes = Counter(truth[m].application_id or "" for m in made.mails if m in truth and truth[m].application_id)
        if votes:
            stands_for[votes.most_common(1)[0][0]].append(made.key)
    proposed = {app.key: app for app in assembled.applications}
    with_mail = {item.application_id for item in corpus.mails if item.application_id}
    true_apps = [app for app in corpus.applications if app.application_id in with_mail]
    exact, missed = 0, []
    for app in true_apps:
        keys = stands_for.get(app.application_id, [])
        events = sorted(app.events)
        got = sorted((e.kind, e.on.isoformat()) for e in proposed[keys[0]].events) if len(keys) == 1 else None
        if got == events:
            exact += 1
        else:
            missed.append({"application_id": app.application_id, "company": app.company, "true": events,
                           "proposed": [sorted((e.kind, e.on.isoformat()) for e in proposed[k].events) for k in keys]})
    figures: dict[str, Any] = {
        "kind_accuracy": _ratio(_hits(confusion), len(pairs)),
        "company_accuracy": _ratio(company_hits, len(application_mails)),
        "applications_exact": _ratio(exact, len(true_apps)),
        "ignored_in_application": ignored_in_application,
    }
    goals = {}
    for name, (how, goal) in GOALS.items():
        value = figures[name]
        met = value is not None and (value >= goal if how == ">=" else value == goal)
        goals[name] = {"value": value, "goal": goal, "compare": how, "met": met}
    return {
        "seed": corpus.seed,
        "mails": {"truth": len(truth), "read": assembled.read, "used": assembled.used,
                  "ignored": dict(sorted(assembled.ignored.items()))},
        "applications": {"true_with_mail": len(true_apps), "proposed": len(assembled.applications), "exact": exact},
        "company_mails": len(application_mails),
        "per_kind": per_kind,
        "confusion": {want: {got: confusion[(want, got)] for got in KINDS} for want in KINDS},
        "goals": goals,
        "missed_applications": missed,
    }


def _hits(confusion: Counter[tuple[str, str]]) -> int:
    return sum(n for (want, got), n in confusion.items() if want == got)


def evaluate(seed: int = 7, applications: int = 120) -> dict[str, Any]:
    """Generate, write, read, assemble and score one corpus."""
    corpus = generate_corpus(seed, applications)
    with tempfile.TemporaryDirectory(prefix="bounceback-mail-eval-") as folder:
        path = Path(folder) / "mail.mbox"
        write_mbox(corpus, path)
        read = read_mail(path)
    assembled = assemble(read.mails, own_addresses=(ME,))
    result = score(corpus, assembled)
    result["mails"]["refused"] = len(read.refused)
    return result


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f} %"


def report(result: dict[str, Any]) -> str:
    lines = [f"Mail evaluation, corpus seed {result['seed']}", ""]
    mails = result["mails"]
    lines.append(f"mails: {mails['truth']} in the corpus, {mails['read']} read, {mails['used']} used; ignored: "
                 + ", ".join(f"{kind} {n}" for kind, n in mails["ignored"].items()))
    apps = result["applications"]
    lines.append(f"applications: {apps['true_with_mail']} true (with mail), {apps['proposed']} proposed, "
                 f"{apps['exact']} exact")
    lines += ["", f"{'kind':<20}{'precision':>10}{'recall':>10}{'support':>9}"]
    for kind, row in result["per_kind"].items():
        lines.append(f"{kind:<20}{_percent(row['precision']):>10}{_percent(row['recall']):>10}{row['support']:>9}")
    short = {kind: kind[:6] for kind in KINDS}
    short.update(application_viewed="viewed", recruiter_outreach="outrch", newsletter="news", assessment="assess")
    lines += ["", "confusion (rows truth, columns predicted)",
              f"{'':<20}" + "".join(f"{short[k]:>7}" for k in KINDS)]
    for want, row in result["confusion"].items():
        lines.append(f"{want:<20}" + "".join(f"{row[got] or '.':>7}" for got in KINDS))
    lines += ["", "goals"]
    for name, goal in result["goals"].items():
        shown = (_percent(goal["value"]) if name != "ignored_in_application" else str(goal["value"]))
        target = f"{goal['compare']} {_percent(goal['goal']) if name != 'ignored_in_application' else goal['goal']}"
        lines.append(f"  {name:<24}{shown:>9}  goal {target:<9} {'met' if goal['met'] else 'MISSED'}")
    if result["missed_applications"]:
        lines += ["", "applications not reconstructed exactly (true events / proposed)"]
        for miss in result["missed_applications"][:20]:
            lines.append(f"  {miss['application_id']} {miss['company']}: {miss['true']} / {miss['proposed']}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--applications", type=int, default=120)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    result = evaluate(args.seed, args.applications)
    if args.json:
        json.dump(result, sys.stdout, indent=1, sort_keys=True)
        print()
    else:
        print(report(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
