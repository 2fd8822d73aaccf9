"""The executor interface: one method that runs a command and returns its result.

Any object with a matching ``run`` method is an executor; there is no base
class to inherit. Executors that hold a connection are also context managers
and have ``close()``.

>>> from vmic.executors import LocalExecutor
>>> isinstance(LocalExecutor(), Executor)
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from vmic.executors._command import Command
    from vmic.executors._result import Result

__all__ = ["Executor"]


@runtime_checkable
class Executor(Protocol):
    """Runs commands somewhere: this machine, a Hyper-V host, a guest."""

    def run(self, command: Command) -> Result:
        """Run *command* to completion and return its result.

        A non-zero exit status is not an error here: the result carries it, and
        :meth:`Result.check` turns it into one.

        Raises:
            vmic.CommandTimeoutError: The command outlived ``command.timeout`` and
                was stopped.
            vmic.ConnectionFailedError: The target could not be reached.
            vmic.AuthenticationFailedError: The target refused the credentials.
            vmic.ExecutionError: The command could not be run for another reason.
        """
        ...
