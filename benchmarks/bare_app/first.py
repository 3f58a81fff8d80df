"""The bare app's default page: one bar chart of 80 rows."""

import altair as alt
import pandas as pd
import streamlit as st

st.title("First chart")
frame = pd.DataFrame({"week": range(80), "applications": [(week * 7) % 23 for week in range(80)]})
st.altair_chart(alt.Chart(frame).mark_bar().encode(x="week:O", y="applications:Q"))
