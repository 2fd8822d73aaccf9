"""The executor interface: run a command and return its result; close when done.

Any object with matching ``run`` and ``close`` methods (and context-manager
support) is an executor; there is no base class to inherit, although
:class:`vmic.executors._closing.Closing` gives ``close`` (a no-op) and the
``with`` support in one line. Whoever builds an executor closes it, so nobody
has to ask whether it can be closed.

>>> from vmic.executors import LocalExecutor
>>> isinstance(LocalExecutor(), Executor)
True
>>> with LocalExecutor() as local:
...     isinstance(local, Executor)
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from types import TracebackType
    from typing import Self

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
            vmic.CommandTimeoutError: The command (connecting and logging in
                included) outlived ``command.timeout`` and was stopped.
            vmic.ConnectionFailedError: The target could not be reached.
            vmic.AuthenticationFailedError: The target refused the credentials.
            vmic.ExecutionError: The command could not be run for another reason.
        """
        ...

    def close(self) -> None:
        """Release what the executor holds (connections, threads); safe to call twice."""
        ...

    def __enter__(self) -> Self:
        """Return the executor itself."""
        ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the executor, whatever happened in the ``with`` block."""
        ...
