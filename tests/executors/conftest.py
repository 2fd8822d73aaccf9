"""Fixtures for the executor tests: a real OpenSSH ``sshd`` on 127.0.0.1 with throwaway keys.

The server runs ``/usr/sbin/sshd -D -e -f <config>`` on a free port, with a host
key and client keys made by ``ssh-keygen`` in a temporary directory, for the
user running the tests (root in CI). It accepts public-key logins only.
"""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from vmic.executors._ssh import SshExecutor

if TYPE_CHECKING:
    from collections.abc import Iterator

_SSHD_CANDIDATES = ("/usr/sbin/sshd", "/usr/local/sbin/sshd")
_START_SECONDS = 15.0


@dataclass(frozen=True)
class SshServer:
    """A running sshd and the files a client needs to reach it."""

    host: str
    port: int
    username: str
    client_key: Path
    stranger_key: Path
    known_hosts: Path
    wrong_known_hosts: Path
    log: Path

    def executor(self, **options: Any) -> SshExecutor:
        """An executor for this server; keyword arguments override the defaults."""
        settings: dict[str, Any] = {
            "port": self.port,
            "username": self.username,
            "client_keys": [self.client_key],
            "known_hosts": self.known_hosts,
            "use_agent": False,
            "connect_timeout": 10.0,
        }
        settings.update(options)
        return SshExecutor(self.host, **settings)


def _keygen(path: Path) -> str:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "vmic-test", "-f", str(path)],
        check=True,
        capture_output=True,
    )
    key_type, key, *_ = path.with_suffix(".pub").read_text().split()
    return f"{key_type} {key}"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_for_banner(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + _START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"sshd exited with status {process.returncode}:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                if sock.recv(64).startswith(b"SSH-2.0"):
                    return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"sshd did not answer on port {port}:\n{log.read_text()}")


@pytest.fixture(scope="session")
def sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshServer]:
    """Start a throwaway sshd for the whole session."""
    binary = next((c for c in _SSHD_CANDIDATES if Path(c).is_file()), shutil.which("sshd"))
    if binary is None:
        pytest.fail(
            "OpenSSH's sshd is required for the SSH executor tests: "
            "apt-get install -y openssh-server"
        )
    base = tmp_path_factory.mktemp("sshd")
    host_key = base / "host_key"
    host_public = _keygen(host_key)
    client_key = base / "client_key"
    authorized = _keygen(client_key)
    stranger_key = base / "stranger_key"
    _keygen(stranger_key)
    other_host_key = base / "other_host_key"
    other_public = _keygen(other_host_key)
    (base / "authorized_keys").write_text(authorized + "\n")

    port = _free_port()
    known_hosts = base / "known_hosts"
    known_hosts.write_text(f"[127.0.0.1]:{port} {host_public}\n")
    wrong_known_hosts = base / "wrong_known_hosts"
    wrong_known_hosts.write_text(f"[127.0.0.1]:{port} {other_public}\n")

    root = os.geteuid() == 0
    config = base / "sshd_config"
    config.write_text(
        "\n".join(
            [
                "ListenAddress 127.0.0.1",
                f"Port {port}",
                f"HostKey {host_key}",
                f"AuthorizedKeysFile {base / 'authorized_keys'}",
                "PidFile none",
                "StrictModes no",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "MaxSessions 20",
                "LogLevel VERBOSE",
                "PermitRootLogin prohibit-password" if root else "",
                "",
            ]
        )
    )
    if root:
        # The privilege separation directory sshd expects when started as root.
        Path("/run/sshd").mkdir(mode=0o755, parents=True, exist_ok=True)
    log = base / "sshd.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [binary, "-D", "-e", "-f", str(config)],
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=log_file,
        )
    try:
        _wait_for_banner(process, port, log)
        yield SshServer(
            host="127.0.0.1",
            port=port,
            username=getpass.getuser(),
            client_key=client_key,
            stranger_key=stranger_key,
            known_hosts=known_hosts,
            wrong_known_hosts=wrong_known_hosts,
            log=log,
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def ssh_executor(sshd: SshServer) -> Iterator[SshExecutor]:
    """One SSH executor shared by the session's contract tests (as an audit would share one)."""
    with sshd.executor() as executor:
        yield executor
