"""The dashboard: Streamlit AppTest on real database files, and its configuration."""
