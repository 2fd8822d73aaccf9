"""Why a connection failed, in a few words, and what to check: one line for a person.

The libraries under the executors report a refused connection as a chain of wrapped
exceptions (requests' ``ConnectionError`` around urllib3's ``MaxRetryError`` around a
``NewConnectionError`` around the socket's ``ConnectionRefusedError``), whose text runs
to several hundred characters. :func:`unreachable` reads the chain for the socket's own
reason and says it once, with the host, the port, the transport and the likely fix::

    cannot reach 192.0.2.1:5986 (WinRM over HTTPS): connection refused - is the WinRM
    HTTPS listener configured? (HTTP on 5985: --no-tls)

The whole chain stays on the error as ``detail`` (``--debug`` shows it).
"""

from __future__ import annotations

import errno
import re
import socket
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["Reason", "failure_reason", "unreachable"]

#: A failure's kind and its words: ``("refused", "connection refused")``.
Reason = tuple[str, str]

# The kinds, most telling first: a name that does not resolve explains a timeout after it.
_ERRNOS: Final = {
    errno.ECONNREFUSED: ("refused", "connection refused"),
    errno.ECONNRESET: ("reset", "the connection was reset"),
    errno.EHOSTUNREACH: ("unreachable", "no route to host"),
    errno.ENETUNREACH: ("unreachable", "network unreachable"),
    errno.ETIMEDOUT: ("timeout", "no answer (timed out)"),
}
_ORDER: Final = ("name", "refused", "reset", "unreachable", "timeout")
# urllib3 says how long it waited: "(read timeout=1)", "(connect timeout=30)".
_WAITED_RE: Final = re.compile(r"(?:read|connect) timeout=([0-9]+(?:\.[0-9]+)?)\)")
#: The port each transport listens on unless told otherwise.
DEFAULT_PORTS: Final = {"WinRM over HTTPS": 5986, "WinRM over HTTP": 5985, "SSH": 22}


def _chain(error: BaseException) -> Iterator[BaseException]:
    """*error* and every exception it wraps (causes, contexts, ``reason``, exception args)."""
    seen: set[int] = set()
    stack = [error]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        inner = [current.__cause__, current.__context__, getattr(current, "reason", None)]
        inner.extend(current.args)
        stack.extend(item for item in inner if isinstance(item, BaseException))


def _reason_of(error: BaseException) -> Reason | None:
    if isinstance(error, socket.gaierror):
        return ("name", "the name does not resolve")
    if isinstance(error, ConnectionRefusedError):
        return _ERRNOS[errno.ECONNREFUSED]
    if isinstance(error, ConnectionResetError):
        return _ERRNOS[errno.ECONNRESET]
    if isinstance(error, OSError) and error.errno in _ERRNOS:
        return _ERRNOS[error.errno]
    if isinstance(error, TimeoutError) or type(error).__name__ in {
        "ConnectTimeout",
        "ConnectTimeoutError",
        "ReadTimeout",
        "ReadTimeoutError",
    }:
        return _ERRNOS[errno.ETIMEDOUT]
    return None


def failure_reason(error: BaseException) -> Reason | None:
    """The network reason behind *error*, read from its whole chain, or None when none shows.

    >>> import requests
    >>> wrapped = requests.ConnectionError(ConnectionRefusedError(111, "Connection refused"))
    >>> failure_reason(wrapped)
    ('refused', 'connection refused')
    """
    found = [reason for reason in map(_reason_of, _chain(error)) if reason is not None]
    if not found:
        return None
    return min(found, key=lambda reason: _ORDER.index(reason[0]))


# What to check, by kind; a refused connection depends on the transport (below).
_HINTS: Final = {
    "name": "check the host name (or give its address)",
    "timeout": "is the host up, and does a firewall let the port through? (--timeout waits longer)",
    "unreachable": "check the address and the network path to it",
    "reset": "is {transport} what listens on port {port}?",
}
_LISTENERS: Final = {
    "SSH": "is sshd running there?",
    "WinRM over HTTPS": "is the WinRM HTTPS listener configured?",
    "WinRM over HTTP": "is WinRM listening there (winrm quickconfig)?",
}


def _hint(kind: str, transport: str, port: int) -> str:
    if kind in _HINTS:
        return _HINTS[kind].format(transport=transport, port=port)
    hint = _LISTENERS.get(transport, f"is {transport} listening there?")
    if transport == "WinRM over HTTPS" and port == DEFAULT_PORTS[transport]:
        hint += " (HTTP on 5985: --no-tls)"
    return hint


def unreachable(
    where: str,
    transport: str,
    port: int,
    error: BaseException,
    fallback: str,
    *,
    waited: float | None = None,
) -> str:
    """The one line that says a host could not be reached, why, and what to check.

    Args:
        where: ``host:port``.
        transport: ``"WinRM over HTTPS"``, ``"WinRM over HTTP"`` or ``"SSH"``.
        port: The port (the hint names the other WinRM port when it is the default).
        error: What the library raised.
        fallback: The words to use when the chain shows no network reason.
        waited: The seconds it waited for an answer, said when it timed out (default: what
            the library's message says, if it says).

    >>> unreachable("192.0.2.1:22", "SSH", 22, ConnectionRefusedError(111, "x"), "")
    'cannot reach 192.0.2.1:22 (SSH): connection refused \u2014 is sshd running there?'
    """
    reason = failure_reason(error)
    if reason is None:
        return f"cannot reach {where} ({transport}): {fallback}"
    kind, words = reason
    if kind == "timeout":
        if waited is None:
            said = (_WAITED_RE.search(str(link)) for link in _chain(error))
            waited = next((float(found.group(1)) for found in said if found), None)
        if waited is not None:
            words = f"no answer within {waited:g}s"
    return f"cannot reach {where} ({transport}): {words} \u2014 {_hint(kind, transport, port)}"
