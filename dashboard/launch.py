"""`bounceback dashboard [--db PATH] [--port N]`: start the Streamlit app on one database.

`bounceback dashboard` runs `python -m dashboard.launch` as a process of its own, so that pipelines
never imports the dashboard or streamlit (tests/unit/test_layers.py).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pipelines.child import run_child
from pipelines.load.guard import MAX_UPLOAD_MB
from pipelines.store.db import DB_ENV_VAR, resolve_db_path

APP = Path(__file__).resolve().parent / "streamlit_app.py"
DEFAULT_PORT = 8501


def command(port: int) -> list[str]:
    """The server's command line: Streamlit's own (`streamlit run APP OPTIONS`), through dashboard/serve.py."""
    return [sys.executable, "-m", "dashboard.serve", "run", str(APP), *options(port)]


def options(port: int) -> list[str]:
    """Streamlit's options. The security options are passed explicitly because .streamlit/config.toml
    is only read when Streamlit starts in the repository root (tests/dashboard/test_config.py checks
    that both say the same)."""
    return [
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.enableXsrfProtection", "true",
        # CORS protection on (Streamlit's default, stated): off, it answers any origin with `*`
        "--server.enableCORS", "true",
        "--server.maxUploadSize", str(MAX_UPLOAD_MB),
        "--client.toolbarMode", "minimal",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip


def run(db_path: str | None, port: int | None) -> int:
    """Run the dashboard until it is stopped; returns Streamlit's exit code (0 after Ctrl+C or SIGTERM)."""
    env = dict(os.environ)
    # resolved here, like every other command, so the app opens exactly the file the user meant
    env[DB_ENV_VAR] = str(resolve_db_path(db_path).resolve())
    port = port or DEFAULT_PORT
    print(f"bounceback dashboard: {env[DB_ENV_VAR]} on http://localhost:{port}", file=sys.stderr)
    # a SIGTERM or Ctrl+C to the launcher stops Streamlit with it: no server left on the port
    return run_child(command(port), env=env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bounceback dashboard")
    parser.add_argument("--db")
    parser.add_argument("--port", type=int)
    args = parser.parse_args(argv)
    return run(args.db, args.port)


if __name__ == "__main__":
    sys.exit(main())
