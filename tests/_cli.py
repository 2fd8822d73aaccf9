"""Running the ``vmic`` command in tests: as a real subprocess, or in process."""

from __future__ import annotations

import socket
import subprocess
import sys
from typing import TYPE_CHECKING

from vmic.cli import main

if TYPE_CHECKING:
    import pytest


def run(*argv: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run the CLI in a real subprocess, as a user would: (status, stdout, stderr)."""
    done = subprocess.run(
        [sys.executable, "-m", "vmic", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    return done.returncode, done.stdout, done.stderr


def in_process(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the CLI in this process: (status, stdout, stderr)."""
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port
