"""A command that runs another process as its whole job (`bounceback dashboard` runs the launcher, the
launcher runs Streamlit) and must stop with it.

`subprocess.run` leaves the child running when the parent is sent SIGTERM: `kill <pid>` of
`bounceback dashboard` would stop the launcher and leave Streamlit serving the port and holding the
database. `run_child` passes SIGTERM, SIGINT and SIGHUP on to the child and waits for it, so stopping
the outer process stops the server.
"""

from __future__ import annotations

import signal
import subprocess
from types import FrameType

FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def run_child(argv: list[str], env: dict[str, str] | None = None) -> int:
    """Run `argv` until it ends, passing the stop signals we receive on to it; its exit code, with a
    stop we passed on counted as a normal end (0)."""
    child = subprocess.Popen(argv, env=env)  # noqa: S603 (the callers' fixed argv, no shell)
    passed_on: set[int] = set()

    def pass_on(signum: int, _frame: FrameType | None) -> None:
        # Ctrl+C in a terminal reaches the child too (same process group); once more does no harm
        if child.poll() is None:
            passed_on.add(signum)
            child.send_signal(signum)

    previous = {sig: signal.signal(sig, pass_on) for sig in FORWARDED}
    try:
        code = child.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    # killed by the signal we passed on, or ended on it: stopped as asked
    return 0 if passed_on and (code == 0 or -code in passed_on) else code
