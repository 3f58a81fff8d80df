"""The bare app's second page: one line chart of 80 rows (another spec than the first page's, so
Streamlit draws a new chart on a switch instead of updating the old one's data)."""

import altair as alt
import pandas as pd
import streamlit as st

st.title("Second chart")
frame = pd.DataFrame({"week": range(80), "answers": [(week * 5) % 17 for week in range(80)]})
st.altair_chart(alt.Chart(frame).mark_line().encode(x="week:Q", y="answers:Q"))
