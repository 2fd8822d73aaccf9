"""Running the ``vmic`` command in tests: as a real subprocess, or in process."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import threading
from typing import TYPE_CHECKING

from vmic.cli import main

if TYPE_CHECKING:
    from collections.abc import Iterator

    import pytest

    from vmic.testing import DemoLab


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
    """Run the CLI in this process: (status, stdout, stderr).

    A usage error ends argparse with ``SystemExit``; its code is the status, as in a shell.
    """
    try:
        status = main(list(argv))
    except SystemExit as exit_:
        status = exit_.code if isinstance(exit_.code, int) else 1
    out, err = capsys.readouterr()
    return status, out, err


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@contextlib.contextmanager
def silent_port() -> Iterator[int]:
    """A port on 127.0.0.1 that accepts connections and never says a word."""
    held: list[socket.socket] = []
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)

        def accept() -> None:
            with contextlib.suppress(OSError):  # the server closed: done
                while True:
                    held.append(server.accept()[0])

        thread = threading.Thread(target=accept, name="silent-port", daemon=True)
        thread.start()
        try:
            yield server.getsockname()[1]
        finally:
            server.shutdown(socket.SHUT_RDWR)
            for connection in held:
                connection.close()
    thread.join()


def hold_lab(monkeypatch: pytest.MonkeyPatch) -> DemoLab:
    """One demo lab that every ``--lab demo`` of the calling test works on (state persists)."""
    from vmic.cli import _connection  # noqa: PLC0415 - the CLI's one place that builds labs
    from vmic.testing import demo_lab  # noqa: PLC0415

    held = demo_lab()
    monkeypatch.setattr(_connection, "_lab", lambda _name: held)
    return held


#: The acceptance policy of issue 25: Guest Service Interface on for Windows Server
#: 2016-2022 guests, Time Synchronization on for fs01.
ACCEPTANCE_POLICY = """\
[[rule]]
name = "file copy on servers"
guest_os_from = "Windows Server 2016"
guest_os_to = "Windows Server 2022"
services = { guest_service_interface = "on" }

[[rule]]
vms = ["fs01"]
services = { time_synchronization = "on" }
"""
