"""bounceback's data work: reading, normalising, loading, and (later) metrics and diagnosis.

Never imports streamlit: the dashboard reads through this package, not the other way round.
"""

__version__ = "0.1.0"
