"""The human output of the analysis commands (funnel, rates, timing, compare, trend, followups, diagnose).

Each printer takes the command's JSON payload (docs/json-output.md), so the text says only what the
JSON says. A log without outcomes says so, and what to do, instead of showing rates of 0 %.
"""

from __future__ import annotations

from typing import Any

from pipelines.analyse import analytics

# the diagnosis's areas (pipelines/analyse/diagnosis), as the human output names them
AREA_LABELS = {
    "strategy": "Overall strategy",
    "resume": "Resume and cover letter",
    "network": "Network",
    "targets": "Target industries and roles",
    "interviews": "Interviews",
    "follow_up": "Follow-up",
}


def _pct(rate: dict[str, Any] | None) -> str:
    if not rate or rate.get("rate") is None:
        return "-"
    return f"{rate['rate']:.0%} [{rate['low']:.0%}-{rate['high']:.0%}]"


def _measure_lines(measures: dict[str, Any]) -> list[str]:
    """The headline numbers (analytics.Measures.to_json), each on a line after its definition."""
    labels = measures["labels"]
    recorded = measures["outcomes_recorded"]

    def outcome(text: str) -> str:
        return text if recorded else analytics.NO_OUTCOMES

    share = measures["answered_share"]
    settled = measures["response_rate_settled"]
    km = measures["response_rate"]
    km_text = _pct(km) if km["rate"] is not None else "too early (no application has had the whole window yet)"
    lines = [
        f"{labels['applications']}: {measures['applications']:,}",
        f"{labels['answered']}: "
        + outcome(f"{measures['answered']:,}" + ("" if share is None else f" ({share:.0%} of applications)")),
        f"{labels['response_rate']}: " + outcome(km_text),
        f"{labels['response_rate_settled']}: "
        + outcome(f"{_pct(settled)} (of {settled['n']:,})" if settled["rate"] is not None else "-"),
        f"{labels['callbacks']}: " + outcome(f"{measures['callbacks']:,}"),
        f"{labels['interviews']}: " + outcome(f"{measures['interviews']:,}"),
        f"{labels['offers']}: " + outcome(f"{measures['offers']:,}"),
        f"{labels['pending']}: " + outcome(f"{measures['pending']:,}"),
    ]
    if not recorded:
        lines.append(analytics.NO_OUTCOMES_NEXT)
    return lines


def _print_measures(measures: dict[str, Any] | None) -> None:
    if measures is None or not measures["applications"]:
        return
    for line in _measure_lines(measures):
        print(line)
    print()


def _group_label(group: dict[str, Any]) -> str:
    return ", ".join("(blank)" if value is None else str(value) for value in group.values())


def _print_no_data(payload: dict[str, Any]) -> bool:
    if payload["no_data"]:
        print("no data: no applications match (load some with `bounceback ingest FILE`, or widen the filters)")
    return bool(payload["no_data"])


def _not_recorded_line(payload: dict[str, Any]) -> bool:
    """A log without outcomes: say so, and what to do, instead of rates of 0 %."""
    if payload.get("outcomes_recorded", True):
        return False
    print(f"{analytics.NO_OUTCOMES}: {analytics.NO_OUTCOMES_NEXT}")
    return True


def print_funnel(payload: dict[str, Any], measures: dict[str, Any] | None = None) -> None:
    if _print_no_data(payload):
        return
    _print_measures(measures)
    recorded = payload["outcomes_recorded"]
    width = max(len(stage["label"]) for stage in payload["stages"])
    for stage in payload["stages"]:
        if stage["stage"] != "applied" and not recorded:
            print(f"{stage['label']:>{width}}: {analytics.NO_OUTCOMES}")
            continue
        step = stage.get("step_conversion")
        steps = f"  step {_pct(step)} of {step['n']:,}" if step is not None and step["rate"] is not None else ""
        share = "" if stage["stage"] == "applied" else f"  ({stage['share_of_applied']:.0%} of applications)"
        print(f"{stage['label']:>{width}}: {stage['count']:>8,}{share}{steps}")
    if recorded:
        print(f"step: {payload['step_conversion_label'].removeprefix('Step conversion: ')}")
        print("outcomes: " + ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in payload["outcomes"].items()))
        print(f"(no further answer: an answer or offer followed by nothing for {payload['stale_days']} days or more)")
    elif measures is None:
        _not_recorded_line(payload)


def print_rates(payload: dict[str, Any], measures: dict[str, Any] | None = None) -> None:
    if _print_no_data(payload):
        return
    _print_measures(measures)
    if not payload["outcomes_recorded"]:
        if measures is None:
            _not_recorded_line(payload)
        return  # the headline numbers said so, and what to do
    rows = [payload["overall"], *payload["groups"]]
    print(f"{'group':<28} {'apps':>7} {'pending':>7}  {'response (censoring-aware)':<27} {'settled-only':<22}"
          f" {'callback':<20} {'interview':<20} {'offer':<20}")  # fmt: skip
    for row in rows:
        label = "ALL" if row is payload["overall"] else _group_label(row["group"])
        flag = " (small)" if row["small"] else ""
        flag += "" if row["outcomes_recorded"] else " (no outcomes recorded)"
        print(
            f"{(label + flag)[:28]:<28} {row['applications']:>7,} {row['pending']:>7,}  "
            f"{_pct(row['response_rate']):<27} {_pct(row['response_rate_settled']):<22} "
            f"{_pct(row['callback_rate']):<20} {_pct(row['interview_rate']):<20} {_pct(row['offer_rate']):<20}"
        )
    window = payload["scope"]["window"]
    print(f"response (censoring-aware): answered within {window} days, recent applications counted for the days"
          f" they have had; settled-only, callback, interview, offer: among applications that have had {window}"
          " days")  # fmt: skip
    print(f"(small): fewer than {payload['small_group_threshold']} settled applications; read with care")


def print_timing(payload: dict[str, Any]) -> None:
    if _print_no_data(payload) or _not_recorded_line(payload):
        return
    for row in payload["groups"]:
        first, rejection = row["first_response"], row["rejection"]

        def median(part: dict[str, Any]) -> str:
            if part["median_days"] is None:
                return "not reached"
            low = "?" if part["median_low"] is None else f"{part['median_low']:g}"
            high = "?" if part["median_high"] is None else f"{part['median_high']:g}"
            return f"{part['median_days']:g} days [{low}-{high}]"

        print(
            f"{_group_label(row['group'])}: median first response {median(first)}, median to rejection "
            f"{median(rejection)}, ghosting {_pct(row['ghosting_rate'])}" + (" (small)" if row["small"] else "")
        )


def print_compare(payload: dict[str, Any]) -> None:
    if payload.get("randomised"):
        print(f"randomised sends only: {payload['randomised_note']}")
    if _print_no_data(payload):
        return
    print(f"{payload['metric']} rate by {payload['by']} (settled applications):")
    for variant in payload["variants"]:
        flag = " (small)" if variant["small"] else ""
        print(
            f"  {'(blank)' if variant['variant'] is None else variant['variant']!s:<24}"
            f" {variant['successes']:>5}/{variant['settled']:<6} {_pct(variant['rate']):<20}"
            f" P(best) {'-' if variant['prob_best'] is None else format(variant['prob_best'], '.3f')}{flag}"
        )
    for pair in payload["pairs"]:
        p = "-" if pair["p_value"] is None else f"p={pair['p_value']:.3g}, Holm {pair['p_holm']:.3g}"
        a, b = ("(blank)" if v is None else v for v in (pair["a"], pair["b"]))
        print(f"  {a} vs {b}: Fisher {p}")
        if pair["needed_per_variant"]:
            need = pair["needed_per_variant"]
            print(f"    to tell them apart (80% power): {need['per_variant']:,} settled applications per variant")
        if pair["warning"]:
            print(f"    WARNING: {pair['warning']}")


def print_trend(payload: dict[str, Any]) -> None:
    if _print_no_data(payload):
        return
    # without outcomes, a period shows only its applications (the line above said why)
    outcomes_missing = _not_recorded_line(payload)
    for row in payload["periods"]:
        if outcomes_missing:
            print(f"{row['period']}: {row['applications']:>6,} applied")
            continue
        print(
            f"{row['period']}: {row['applications']:>6,} applied, {row['responses']:>5,} answered, "
            f"{row['pending']:>5,} pending, response rate {_pct(row['response_rate'])}"
            + (" (small)" if row["small"] else "")
        )


def print_followups(payload: dict[str, Any]) -> None:
    if _print_no_data(payload):
        return
    effect = payload["effect"]
    if effect is None:
        print("the follow-up effect needs a response window longer than 14 days (--window)")
    else:
        _print_effect(effect)
    if not payload["due"]:
        print("nothing due for a follow-up")
    for item in payload["due"]:
        print(f"  {item['company'] or '?'} - {item['role'] or '?'} (applied {item['applied_on']}): {item['reason']}")


def _print_effect(effect: dict[str, Any]) -> None:
    print(
        f"unanswered on day {effect['landmark_day']}, then answered: followed up {_pct(effect['followed_up'])}"
        f" (n={effect['followed_up']['n']}), not followed up {_pct(effect['not_followed_up'])}"
        f" (n={effect['not_followed_up']['n']})" + (" (small)" if effect["small"] else "")
    )


def print_diagnose(payload: dict[str, Any]) -> None:
    if payload["no_data"]:
        print("no applications yet: load your log with `bounceback ingest FILE` to get a diagnosis")
    else:
        _print_measures(payload.get("measures"))
    for finding in payload["findings"]:
        print(f"{finding['verdict'].upper():<16} {AREA_LABELS[finding['area']]}")
        print(f"    {finding['evidence']['sentence']}")
        print(f"    next: {finding['action']}")
