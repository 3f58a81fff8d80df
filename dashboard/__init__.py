"""The Streamlit dashboard (built in the dashboard issue). Reads data only through `pipelines`."""
