"""Follow-ups: does following up pay (measured without the selection bias), and who is due one now."""

import datetime as dt

import streamlit as st

from dashboard import charts, data, filters, glossary, ui

st.title("Follow-ups")
src = ui.open_source()
ui.show_flash()
scope = filters.current()
result = ui.require(src, ui.fetch(data.followups, src, scope))
ui.scope_caption(scope, src)

st.subheader("Does following up pay?")
effect, effect_frame = result.effect, result.effect_frame  # both None together
if effect is None or effect_frame is None:
    st.info(
        "With a response window of 14 days or less there is nothing to measure: replies after day 14 fall outside it."
    )
else:
    if effect_frame["rate"].notna().any():
        st.altair_chart(charts.rate_bars(effect_frame, title=result.effect_title, axis_title="answered after day 14"))
    else:
        st.info("Not measurable yet: no application has been unanswered on day 14 and had the whole window.")
    p_value = "–" if effect.p_value is None else f"{effect.p_value:.3f}"
    st.caption(
        f"Among settled applications still unanswered on day {effect.landmark_day}: those followed up by then "
        f"against those not (Fisher's exact test p = {p_value}). Follow-ups without a date, not placed: "
        f"{effect.undated_follow_ups}."
    )

st.subheader("Due now")
due = result.due
if due.empty:
    st.success("Nothing is due a follow-up.")
else:
    if result.due_total > len(due):
        st.caption(f"The {len(due)} most urgent of {result.due_total} applications due a follow-up.")
    names = ui.fetch(data.display_names, src)
    due = due.assign(client=[ui.client_name(client, names) for client in due["client"]])  # by name, not id
    # the application's id stays in the frame for the actions below, never on screen
    shown_columns = [name for name in due.columns if name != "application_id"]
    ui.table(
        due,
        hide_index=True,
        column_order=shown_columns,
        column_config=glossary.columns(shown_columns),
    )
    if scope.as_of < dt.date.today():
        # an event recorded today happened after this view's date: it will not show until the view moves on
        st.warning(
            f"This view is as of {scope.as_of:%Y-%m-%d}. What you record today counts from today: set the"
            " as-of date to today (sidebar) to see it here."
        )
    st.markdown("**Done something about one?**")
    ui.followup_actions(src, due, key="due")
