"""The advisor's side: clients and access, the roster, outcomes recorded by hand and the export."""
