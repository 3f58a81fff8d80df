"""The dashboard's router: page config, the shared sidebar of filters, and the pages.

Run it with `bounceback dashboard` (dashboard/launch.py) or
`BOUNCEBACK_DB=path streamlit run dashboard/streamlit_app.py`. Everything else lives in
dashboard/app_pages/ (one module per page), dashboard/data/ and dashboard/charts.py.
"""

from pathlib import Path

import streamlit as st

from dashboard import filters, ui

PAGES = Path(__file__).resolve().parent / "app_pages"

st.set_page_config(page_title="bounceback", page_icon=":material/replay:", layout="wide")
# first: behind a login nothing is drawn, not even the filters, before the person is known
viewer = ui.gate()
# before the pages: every page reads the scope the sidebar sets
filters.sidebar()
ui.definitions()
client_pages = [st.Page(PAGES / "client.py", title="Client review", icon=":material/person:")]
if viewer is None or viewer.sees_caseload:
    # a client sees only their own search: no roster of other people
    client_pages.insert(0, st.Page(PAGES / "roster.py", title="Roster", icon=":material/groups:"))
navigation = st.navigation(
    {
        "Your search": [
            st.Page(PAGES / "overview.py", title="Overview", icon=":material/dashboard:", default=True),
            st.Page(PAGES / "resume.py", title="Resume variants", icon=":material/description:"),
            st.Page(PAGES / "channels.py", title="Channels & industries", icon=":material/hub:"),
            st.Page(PAGES / "timing.py", title="Response times", icon=":material/schedule:"),
            st.Page(PAGES / "followups.py", title="Follow-ups", icon=":material/forward_to_inbox:"),
            st.Page(PAGES / "plan.py", title="Next week", icon=":material/event_upcoming:", url_path="plan"),
        ],
        "Clients": client_pages,
        "Data": [st.Page(PAGES / "data.py", title="Database", icon=":material/database:")],
    }
)
navigation.run()
