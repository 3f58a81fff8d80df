"""The layer rules, checked (issue 17): the core never imports a face, pages never run SQL.

Each core module is imported in a fresh interpreter and `sys.modules` is read afterwards, so an
import anywhere down the chain counts, not only the module's own import lines.
"""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import pipelines

ROOT = Path(__file__).resolve().parents[2]
# what draws or serves: only the HTML report may draw charts (altair, vl-convert) in the core
FACES = ("streamlit", "dashboard", "plotly")
CHARTS = ("altair", "vl_convert")
# the modules allowed to reach a face or a chart library, and which
ALLOWED: dict[str, tuple[str, ...]] = {
    "pipelines.report.html": CHARTS,
    # the CLI's `report` command writes the report; its `dashboard` command starts a separate process
    "pipelines.cli.commands": CHARTS,
}


def _core_modules() -> list[str]:
    return sorted(
        info.name
        for info in pkgutil.walk_packages(pipelines.__path__, "pipelines.")
        # SQL folders hold no code; `python -m pipelines.cli` runs the command line when imported
        if ".sql" not in info.name and not info.name.endswith("__main__")
    )


def _modules_after_import(module: str) -> set[str]:
    code = f"import json, sys; import {module}; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return set(json.loads(done.stdout))


def _loaded_after_import(module: str) -> set[str]:
    return {name.split(".")[0] for name in _modules_after_import(module)}


# the rooms of pipelines/ a room may not reach (docs/architecture.md): storage knows nothing of what
# is stored for, and the analysis reads only what the database holds, never the loading
ROOMS_BELOW: dict[str, tuple[str, ...]] = {
    "store": ("load", "analyse", "advisors", "report", "cli"),
    "load": ("analyse", "advisors", "report", "cli"),
    "analyse": ("load", "advisors", "report", "cli"),
    "advisors": ("report", "cli"),
    "report": ("cli",),
}


@pytest.mark.parametrize("module", [m for m in _core_modules() if m.split(".")[1] in ROOMS_BELOW])
def test_each_room_uses_only_the_rooms_above_it(module: str) -> None:
    room = module.split(".")[1]
    reached = {name.split(".")[1] for name in _modules_after_import(module) if name.startswith("pipelines.")}
    assert not reached & set(ROOMS_BELOW[room]), f"{module} reaches {sorted(reached & set(ROOMS_BELOW[room]))}"


@pytest.mark.parametrize("module", _core_modules())
def test_the_core_imports_no_face(module: str) -> None:
    loaded = _loaded_after_import(module)
    forbidden = {*FACES, *CHARTS} - set(ALLOWED.get(module, ()))
    assert not loaded & forbidden, f"{module} loads {sorted(loaded & forbidden)}"


def _sql_calls(path: Path) -> list[str]:
    """Calls that run SQL (`.execute(`, `.sql(`, `.query(` on anything) and duckdb imports."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("execute", "executemany", "sql", "query", "fetchall", "fetchone")
        ):
            found.append(f"{path.name}:{node.lineno} .{node.func.attr}(")
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [f"{path.name}:{node.lineno} import {name}" for name in names if name.split(".")[0] == "duckdb"]
    return found


PAGE_FILES = sorted((ROOT / "dashboard" / "app_pages").glob("*.py")) + [
    ROOT / "dashboard" / name for name in ("streamlit_app.py", "charts.py", "filters.py", "ui.py", "upload.py",
                                             "mail_review.py")
]


@pytest.mark.parametrize("path", PAGE_FILES, ids=lambda path: path.name)
def test_pages_run_no_sql(path: Path) -> None:
    assert _sql_calls(path) == []


def test_the_check_finds_sql_and_faces(tmp_path: Path) -> None:
    # the checks above can fail: a page that runs SQL is found, and a module importing streamlit too
    page = tmp_path / "page.py"
    page.write_text("import duckdb\ncon = duckdb.connect()\ncon.execute('select 1')\n", encoding="utf-8")
    assert sorted(_sql_calls(page)) == ["page.py:1 import duckdb", "page.py:3 .execute("]
    assert "streamlit" in _loaded_after_import("streamlit")
