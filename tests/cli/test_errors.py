"""Errors in one plain line: host, port, transport, the reason and the likely fix.

A host that cannot be reached is told as ``cannot reach HOST:PORT (TRANSPORT): REASON -
HINT``, never as the library's chain (urllib3's ``HTTPSConnectionPool(...) Max retries
exceeded``); ``--debug`` adds that chain on a line of its own. The real CLI runs against a
closed port on 127.0.0.1; the default-port hint is checked on the wording function itself.
"""

from __future__ import annotations

import errno
import socket

import pytest
import requests

from tests._cli import closed_port, run
from vmic.executors._network import failure_reason, unreachable

_NOISE = ("HTTPSConnectionPool", "HTTPConnectionPool", "Max retries", "NewConnectionError")


@pytest.mark.parametrize(
    ("options", "transport", "hint"),
    [
        ((), "WinRM over HTTPS", "is the WinRM HTTPS listener configured?"),
        (("--no-tls",), "WinRM over HTTP", "is WinRM listening there"),
        (("--transport", "ssh"), "SSH", "is sshd running there?"),
    ],
)
@pytest.mark.parametrize("command", [("doctor",), ("enable", "--vm", "web01", "vss")])
def test_an_unreachable_host_is_one_plain_line(
    options: tuple[str, ...], transport: str, hint: str, command: tuple[str, ...]
) -> None:
    port = closed_port()
    argv = (*command, "--host", "127.0.0.1", "--port", str(port), *options)
    status, out, err = run(*argv, "--no-keyring", "--no-prompt", "--timeout", "5")
    assert (status, out) == (3, "")
    line = f"vmic: error: cannot reach 127.0.0.1:{port} ({transport}): connection refused \u2014 "
    assert err == f"{line}{hint}\n" or (err.startswith(line) and hint in err), err
    assert len(err.splitlines()) == 1
    assert not any(noise in err for noise in _NOISE)


def test_debug_keeps_the_librarys_own_words() -> None:
    port = closed_port()
    argv = ("enable", "--vm", "web01", "vss", "--host", "127.0.0.1", "--port", str(port))
    status, _, err = run(*argv, "--no-keyring", "--no-prompt", "--timeout", "5", "--debug")
    assert status == 3
    detail = [line for line in err.splitlines() if line.startswith("vmic: debug: detail: ")]
    assert len(detail) == 1
    assert "Max retries" in detail[0]  # the whole chain, for whoever needs it
    (error,) = [line for line in err.splitlines() if line.startswith("vmic: error: ")]
    assert "Max retries" not in error


def _refused() -> requests.ConnectionError:
    """What requests raises for a refused connection: the socket's error, wrapped twice."""
    inner = ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")
    middle = OSError("Failed to establish a new connection")
    middle.__cause__ = inner
    return requests.ConnectionError(middle)


def test_the_default_https_port_hints_at_http() -> None:
    assert unreachable("192.0.2.1:5986", "WinRM over HTTPS", 5986, _refused(), "x") == (
        "cannot reach 192.0.2.1:5986 (WinRM over HTTPS): connection refused \u2014 is the "
        "WinRM HTTPS listener configured? (HTTP on 5985: --no-tls)"
    )


@pytest.mark.parametrize(
    ("error", "kind", "words"),
    [
        (socket.gaierror(-2, "Name or service not known"), "name", "the name does not resolve"),
        (TimeoutError("timed out"), "timeout", "no answer (timed out)"),
        (OSError(errno.EHOSTUNREACH, "No route"), "unreachable", "no route to host"),
        (ConnectionResetError(errno.ECONNRESET, "reset"), "reset", "the connection was reset"),
    ],
)
def test_the_reason_is_read_from_the_chain(error: BaseException, kind: str, words: str) -> None:
    wrapped = requests.ConnectionError(error)
    assert failure_reason(wrapped) == (kind, words)
    line = unreachable("hv01.example.test:22", "SSH", 22, wrapped, "fallback")
    assert line.startswith(f"cannot reach hv01.example.test:22 (SSH): {words} \u2014 ")


def test_without_a_network_reason_the_first_line_is_said() -> None:
    line = unreachable("hv01:22", "SSH", 22, ValueError("odd"), "the peer spoke HTTP")
    assert line == "cannot reach hv01:22 (SSH): the peer spoke HTTP"
