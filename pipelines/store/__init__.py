"""Storage: the DuckDB file, its migrations and SQL models, the connection the dashboard shares."""
