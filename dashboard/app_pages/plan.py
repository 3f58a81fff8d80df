"""Next week: which resume version and which channel to send the next applications with (Thompson
sampling's shares, and a decision that stays valid however often you look), and the week's chores."""

import streamlit as st

from dashboard import charts, data, filters, glossary, ui

DEFAULT_NEXT = 10
CALLOUT_ICONS = {"winner": ":material/check_circle:", "no difference worth testing": ":material/balance:"}

st.title("Next week")
src = ui.open_source()
scope = filters.current()
# the plan is made for the number chosen below: read before the input is drawn, so that an empty
# database shows its empty state alone
next_n = int(st.session_state.get("plan_next", DEFAULT_NEXT))
result = ui.require(src, ui.fetch(data.plan, src, scope, next_n))
ui.scope_caption(scope, src)
st.number_input(
    "Applications next week",
    min_value=1,
    max_value=data.MAX_NEXT,
    value=DEFAULT_NEXT,
    step=1,
    key="plan_next",
    help="How many applications you mean to send next week: the plan shares them out between the options.",
)


def choice(view: data.ChoiceView, heading: str, noun: str) -> None:
    """One choice: the decision as a callout, then each option's numbers (and their intervals drawn)."""
    st.subheader(heading)
    if not view.recorded:
        # never a verdict on what the log does not hold: what to add instead
        st.info(ui.md(view.reason), icon=":material/visibility_off:")
        return
    if view.state == "winner":
        st.success(ui.md(view.sentence), icon=CALLOUT_ICONS["winner"])
    else:
        st.info(ui.md(view.sentence), icon=CALLOUT_ICONS.get(view.state, ":material/science:"))
    options = data.as_text(view.options, percent=("p_best",))
    labels = {
        "option": noun,
        "p_best": "Chance of being best",
        "send": f"Send (of the next {result.next_n})",
        "shown": "Answer rate (95 % interval)",
        "settled": "Settled applications",
    }
    if view.options["randomised"].fillna(0).gt(0).any():
        # sends whose version was drawn (plan --assign): what `compare --randomised` compares
        labels["randomised"] = "Sent as drawn"
    ui.table(
        options,
        hide_index=True,
        column_order=list(labels),
        column_config={name: st.column_config.Column(words) for name, words in labels.items()},
    )
    if view.options["rate"].notna().any():
        title = f"Answer rate of each {noun.lower()}, with its 95 % interval"
        st.altair_chart(charts.option_intervals(view.options, title=title))


choice(result.resume, "Which resume version", "Version")
choice(result.channel, "Which channel", "Channel")
for noun, view in result.targets:  # the target industries and roles the client's record lists
    choice(view, f"Which target {noun.lower()}", noun)
if result.resume.recorded or result.channel.recorded:
    st.caption(
        "Chance of being best: how likely each option answers most often, given the answers so far. The next"
        " applications are shared out by it, with some for every option while it is still being tested."
    )

st.subheader("This week's chores")
st.markdown("**Follow-ups due**")
due = result.due
if due.empty:
    st.success("Nothing is due a follow-up.")
else:
    if result.due_total > len(due):
        st.caption(f"The {len(due)} most urgent of {result.due_total}; the Follow-ups page lists them all.")
    names = ui.fetch(data.display_names, src)
    several = due["client"].nunique() > 1
    due = due.assign(client=[ui.client_name(str(client), names) for client in due["client"]])
    shown = (
        ["company", "role", "client", "applied_on", "reason"]
        if several
        else ["company", "role", "applied_on", "reason"]
    )
    ui.table(due, hide_index=True, column_order=shown, column_config=glossary.columns(shown))
st.markdown("**Referrals worth asking for**")
if result.referrals.empty:
    st.caption("No application is waiting for an answer without a referral.")
else:
    st.caption("Still waiting for an answer, and not sent through someone you know: a referral now can still help.")
    shown = ["company", "role", "applied_on"]
    ui.table(result.referrals, hide_index=True, column_order=shown, column_config=glossary.columns(shown))
st.markdown("**Pace**")
if result.below_target:
    st.warning(ui.md(result.pace), icon=":material/speed:")
else:
    st.markdown(ui.md(result.pace))
