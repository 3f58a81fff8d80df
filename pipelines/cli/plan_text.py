"""`bounceback plan`, as text: the decision per choice, each option's share of next week, the chores."""

from __future__ import annotations

from typing import Any

from pipelines.words import counted


def _pct(value: float) -> str:
    return f"{100 * value:.0f}%"


def _choice(title: str, key: str, decision: dict[str, Any], options: list[dict[str, Any]], recorded: bool,
            next_n: int) -> None:
    print(f"{title}:")
    if not recorded:
        print("  not recorded: your log does not say this, so it is not judged")
        return
    print(f"  {decision['sentence']}")
    for item in options:
        rate = item["rate"]
        print(
            f"    {item[key]}: send {item['send']} of {next_n}; chance of being best {_pct(item['p_best'])};"
            f" answers {_pct(rate['rate'])} ({_pct(rate['low'])}-{_pct(rate['high'])}),"
            f" {counted(item['settled'], 'settled application')}"
        )


def print_plan(payload: dict[str, Any]) -> None:
    if not payload["applications"]:
        print("no applications in this scope: nothing to plan from yet")
        return
    next_n = payload["next"]
    print(f"Next week, {counted(next_n, 'application')}:")
    _choice("Resume version", "version", payload["decision"], payload["resume_versions"],
            payload["resume_versions_recorded"], next_n)
    _choice("Channel", "channel", payload["channel_decision"], payload["channels"], payload["channels_recorded"],
            next_n)
    for title, key, plural in (("Target industry", "industry", "industries"), ("Target role", "role", "roles")):
        if payload[f"{plural}_recorded"]:  # only the targets the client's record lists
            _choice(title, key, payload[f"{key}_decision"], payload[plural], True, next_n)
    due = payload["follow_ups_due"]
    print(f"Follow-ups due: {payload['follow_ups_due_total']:,}")
    for row in due[:5]:
        print(f"  {row['company'] or '?'} - {row['role'] or '?'} (applied {row['applied_on']}): {row['reason']}")
    if payload["referrals_to_ask"]:
        names = ", ".join(item["company"] for item in payload["referrals_to_ask"])
        print(f"Referrals worth asking for (still pending): {names}")
    pace = payload["pace"]
    if pace["per_week"] is None:
        print(f"Pace: {counted(pace['applications_last_4_weeks'], 'application')} so far; aim for"
              f" {pace['target_per_week']:.0f} a week")
    else:
        verdict = "below" if pace["below_target"] else "at or above"
        print(f"Pace: {pace['per_week']:g} a week over the last 4 weeks, {verdict} the {pace['target_per_week']:.0f}"
              " a week to aim for")
    if payload.get("assignments"):
        print("Send them in this order (drawn at random, kept for `compare --randomised`):")
        for item in payload["assignments"]:
            print(f"  {item['number']:>2}. resume version {item['version']}")
