"""Seeded sample job searches ("personas") with known, planted failures.

See ``sample_data/README.md`` for what each persona plants and what the truth files contain.
"""

from sample_data.generator import (
    COLUMNS,
    PERSONAS,
    WINDOW_DAYS,
    generate,
    generate_caseload,
    table_to_csv_bytes,
    write_csv,
    write_sample,
)

__all__ = [
    "COLUMNS",
    "PERSONAS",
    "WINDOW_DAYS",
    "generate",
    "generate_caseload",
    "table_to_csv_bytes",
    "write_csv",
    "write_sample",
]
