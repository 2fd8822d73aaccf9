"""Progress on long commands: on stderr, only on a terminal, never with -q; audit --save says
which run it saved.

The real CLI runs with its stderr on a pseudo-terminal (stdout stays a pipe, as when output
is redirected): the line is drawn there with its elapsed time, and stdout is untouched.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from tests._cli import run

if TYPE_CHECKING:
    from pathlib import Path


def _with_terminal_stderr(*argv: str) -> tuple[int, str, str]:
    """Run vmic with stderr on a pseudo-terminal: (status, stdout, what the terminal got)."""
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "vmic", *argv],
            stdout=subprocess.PIPE,
            stderr=follower,
            stdin=subprocess.DEVNULL,
            timeout=120,
            check=False,
            env={**os.environ, "COLUMNS": "100", "NO_COLOR": "1"},
        )
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: everything was read
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        if follower != -1:
            os.close(follower)
        os.close(leader)
    return done.returncode, done.stdout.decode(), b"".join(chunks).decode()


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (("doctor", "--lab", "demo"), "vmic doctor ["),
        (("fix", "--lab", "demo", "--check"), "vmic fix: checking 4 steps, then diagnosing again"),
        (("audit", "--lab", "demo"), "vmic audit ["),
        (
            ("wait", "--lab", "demo", "--vm", "dc01", "--for", "heartbeat", "--timeout", "5"),
            "vmic wait: dc01: waiting for heartbeat ...",
        ),
        (("shutdown", "--lab", "demo", "--vm", "web02"), "vmic shutdown: web02: shutting down"),
    ],
)
def test_long_commands_show_progress_with_elapsed_time_on_a_terminal(
    argv: tuple[str, ...], says: str
) -> None:
    _, out, terminal = _with_terminal_stderr(*argv)
    assert says in terminal
    assert "elapsed" in terminal
    assert "elapsed" not in out  # stdout gets the result only
    assert "\r" not in out
    _, _, quiet = _with_terminal_stderr(*argv, "-q")
    assert "elapsed" not in quiet


def test_no_progress_without_a_terminal() -> None:
    status, _, err = run("doctor", "--lab", "demo")
    assert (status, err) == (1, "")


def test_audit_save_names_the_run_it_saved(tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    for number in (1, 2):
        status, out, err = run("audit", "--lab", "demo", "--save", "--db", str(db))
        assert status == 1
        assert err == f"vmic: saved run {number} to {db} (vmic history, vmic diff)\n"
        assert "saved run" not in out
    _, _, err = run("audit", "--lab", "demo", "--save", "--db", str(db), "-q")
    assert err == ""
