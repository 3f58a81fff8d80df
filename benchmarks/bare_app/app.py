"""The bare Streamlit app that benchmarks/first_paint.py holds the dashboard against: st.navigation
with two pages, each drawing one small Altair chart, and nothing else (no database, no filters).

    python -m streamlit run benchmarks/bare_app/app.py
"""

from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent

# the dashboard's page config, so both lay out the same wide page
st.set_page_config(page_title="bare", layout="wide")
st.navigation(
    [
        st.Page(HERE / "first.py", title="First chart", default=True),
        st.Page(HERE / "second.py", title="Second chart"),
    ]
).run()
