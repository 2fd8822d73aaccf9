r"""How a failure to reach or read a host is told: one line, and one exit status.

The exit statuses live here, below both the audit and the CLI, because both need
them: :attr:`vmic.audit.AuditReport.exit_status` answers with them for monitoring,
and the CLI ends every command with them. Keeping them beside the connections
(whose failures decide most of them) means neither has to import the other.

* :data:`EXIT_OK` (0): done, every VM functions;
* :data:`EXIT_FAILED` (1): findings (``doctor``/``audit``), or an operation that ran
  and failed (a non-zero exit, a change that did not take effect);
* :data:`EXIT_USAGE` (2): bad input from the user (options, inventory, names);
* :data:`EXIT_UNREACHABLE` (3): a host could not be reached *or read*: refused
  connection, rejected credentials, timeout, or output vmic cannot parse. Garbage
  from a host is not a usage error, and it is the same outcome whichever command
  met it (``enable`` as ``doctor`` and ``audit``, which report it as ``bad_output``);
* :data:`EXIT_INTERNAL` (70): a bug in vmic.

>>> one_line(ValueError("first line\nsecond line"))
'first line ...'
>>> from vmic.errors import ConnectionFailedError
>>> exit_status_for(ConnectionFailedError("refused"))
3
"""

from __future__ import annotations

from typing import Final

from vmic.errors import (
    CommandTimeoutError,
    ConnectionFailedError,
    ExecutionError,
    ParseError,
)

__all__ = [
    "EXIT_FAILED",
    "EXIT_FINDINGS",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "EXIT_UNREACHABLE",
    "EXIT_USAGE",
    "exit_status_for",
    "one_line",
]

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
#: The same status as :data:`EXIT_FAILED`, under the name the audit uses.
EXIT_FINDINGS: Final = EXIT_FAILED
EXIT_USAGE: Final = 2
EXIT_UNREACHABLE: Final = 3
EXIT_INTERNAL: Final = 70
_LIMIT: Final = 300


def exit_status_for(error: BaseException) -> int:
    """The exit status a command that ended with *error* returns (see the module docstring)."""
    if isinstance(error, ConnectionFailedError | CommandTimeoutError | ParseError):
        return EXIT_UNREACHABLE
    if isinstance(error, ExecutionError):
        return EXIT_FAILED
    return EXIT_USAGE


def one_line(error: BaseException, *, limit: int | None = _LIMIT) -> str:
    """The first line of an error's message (`` ...`` marks lines left out), cut to *limit*.

    Args:
        error: Any exception; an empty message gives the exception's type name.
        limit: The longest text returned, in characters; None keeps the line whole (for
            data that is kept, such as a guest's reason; a terminal line is cut).
    """
    text = str(error).strip() or type(error).__name__
    first, *rest = text.splitlines()
    first = first.rstrip()
    more = " ..." if rest else ""
    if limit is not None and len(first) + len(more) > limit:
        return first[: max(limit - 3, 0)] + "..."
    return first + more
