"""`bounceback dashboard` stops its server when it is stopped: SIGTERM or SIGINT to the command leaves
no Streamlit serving the port (issue 18). A real process tree: the command, the launcher, Streamlit."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

STARTUP_SECONDS = 120  # Streamlit's cold start on a busy 2-core machine: a bound, not a measurement


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serving(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def _until(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.25)
    return False


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stopping_the_command_stops_the_server(tmp_path: Path, stop: signal.Signals) -> None:
    port = _free_port()
    command = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "dashboard", "--db", str(tmp_path / "x.duckdb"), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert _until(lambda: _serving(port), STARTUP_SECONDS), "the dashboard never answered"
        command.send_signal(stop)
        assert command.wait(timeout=60) == 0
        # nothing left serving the port once the command has ended
        assert _until(lambda: not _serving(port), 30), "Streamlit kept serving after its command stopped"
        with socket.socket() as again:
            # free to listen on again, as a server would (SO_REUSEADDR: our own health checks leave
            # connections in TIME_WAIT; a port some process still listens on is refused all the same)
            again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            again.bind(("127.0.0.1", port))
            again.listen()
    finally:
        if command.poll() is None:
            command.kill()
