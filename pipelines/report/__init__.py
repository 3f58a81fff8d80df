"""The HTML report: one client's search as a self-contained file (the only room that draws charts)."""
