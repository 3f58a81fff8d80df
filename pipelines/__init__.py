"""bounceback's data work: reading and loading logs, the analytics, the diagnosis, the advisor's side, the report.

Never imports streamlit: the dashboard reads through this package, not the other way round.
"""

__version__ = "0.1.0"
