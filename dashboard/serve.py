"""`python -m dashboard.serve run APP OPTIONS`: Streamlit's own command line (`streamlit run`), with the
dashboard's modules imported on a thread while the browser loads the page.

A fresh server imports a page's modules only when the first browser session runs it: pandas, Altair,
duckdb, the analyses and scipy.special, about a second on these machines, added to the first paint.
Between the server answering and the browser's first run lies a second or more of the browser loading
Streamlit's own scripts; the imports are done in that time instead (docs/performance.md, first paint).
They start once the server listens: sooner, they would slow its own start as much as they save.
Python's import lock makes a page that starts sooner wait for a module being imported, never import
it twice.
"""

from __future__ import annotations

import itertools
import socket
import sys
import threading
import time

WAIT_FOR_SERVER_S = 30.0


def _port(argv: list[str]) -> int:
    for name, value in itertools.pairwise(argv):
        if name == "--server.port":
            return int(value)
    return 8501


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _import_the_pages_modules(port: int) -> None:
    deadline = time.monotonic() + WAIT_FOR_SERVER_S
    while not _listening(port) and time.monotonic() < deadline:
        time.sleep(0.05)
    import scipy.special  # noqa: F401  (the analyses import it when they first compute)

    import dashboard.charts
    import dashboard.data
    import dashboard.filters
    import dashboard.ui  # noqa: F401


def main() -> None:
    port = _port(sys.argv)
    threading.Thread(target=_import_the_pages_modules, args=(port,), name="bounceback-imports", daemon=True).start()
    from streamlit.web.cli import main as streamlit

    # the same command line string as `python -m streamlit` shows the server
    streamlit(prog_name="streamlit")


if __name__ == "__main__":
    main()
