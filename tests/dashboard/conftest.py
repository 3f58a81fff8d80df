"""Fixtures the dashboard's tests share."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.cli.commands import main
from pipelines.load.ingest import ingest_file
from pipelines.store.db import connect
from tests.conftest import SAMPLE_DIR
from tests.unit.advisors.test_advisors import CASELOAD


@pytest.fixture
def caseload_db(tmp_path: Path) -> Path:
    """The advisor caseload sample loaded, with its client records."""
    path = tmp_path / "caseload.duckdb"
    con = connect(path)
    try:
        assert ingest_file(con, CASELOAD).ok
    finally:
        con.close()
    assert main(["clients", "import", str(SAMPLE_DIR / "advisor_caseload.clients.csv"), "--db", str(path)]) == 0
    return path
