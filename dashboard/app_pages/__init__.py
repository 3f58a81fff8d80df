"""Dashboard pages: each module is a script run by st.navigation (dashboard/streamlit_app.py)."""
