"""What an executor returns: the frozen outcome of one :class:`~vmic.executors.Command`.

A :class:`Result` is deliberately not usable as a condition. ``if result:``
would read as "did it succeed?" but an object is always true, so the class
hides ``__bool__`` from type checkers (mypy's ``truthy-bool`` check then flags
``if result:``) and raises :class:`TypeError` at run time. Ask :attr:`Result.ok`
or call :meth:`Result.check` instead.

>>> from vmic.executors import Command, Shell
>>> r = Result(Command(Shell.POSIX, "false"), stdout="", stderr="", exit_code=1, duration=0.01)
>>> r.ok
False
>>> bool(r)
Traceback (most recent call last):
...
TypeError: a Result is neither true nor false; use result.ok or result.check()
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import attrs

from vmic.errors import CommandFailedError
from vmic.executors._command import Command
from vmic.executors._output import render_tails

__all__ = ["Result"]

_REPR_CHARS: Final = 60


def _short(text: str) -> str:
    if len(text) <= _REPR_CHARS:
        return repr(text)
    return f"{text[:_REPR_CHARS]!r}...({len(text)} chars)"


@attrs.frozen(repr=False)
class Result:
    """The outcome of a command that ran to completion (whatever its exit status).

    Attributes:
        command: The command that ran.
        stdout: Its standard output, decoded as UTF-8 (undecodable bytes become
            U+FFFD); values of the command's :class:`~vmic.executors.Secret`
            parameters are replaced by ``***``.
        stderr: Its standard error, treated the same way. For PSRP this is the
            rendered error and warning streams.
        exit_code: The exit status. A process killed by signal *N* reports
            ``128 + N``, as a POSIX shell does.
        duration: Wall-clock seconds the executor spent on the command.
    """

    command: Command = attrs.field(validator=attrs.validators.instance_of(Command))
    stdout: str = attrs.field(kw_only=True, validator=attrs.validators.instance_of(str))
    stderr: str = attrs.field(kw_only=True, validator=attrs.validators.instance_of(str))
    exit_code: int = attrs.field(kw_only=True, validator=attrs.validators.instance_of(int))
    duration: float = attrs.field(kw_only=True, converter=float)

    @property
    def ok(self) -> bool:
        """True when the exit status is 0."""
        return self.exit_code == 0

    @property
    def failed(self) -> bool:
        """True when the exit status is not 0."""
        return self.exit_code != 0

    def check(self) -> Result:
        """Return this result if it succeeded, or raise.

        Raises:
            vmic.CommandFailedError: The exit status is not 0. The error carries
                this result as ``.result`` and its message shows the command
                summary, the exit status and the last lines of both streams.
        """
        if self.ok:
            return self
        message = f"command exited with status {self.exit_code}: {self.command.summary()}"
        raise CommandFailedError(message + render_tails(self.stdout, self.stderr), self)

    def __repr__(self) -> str:
        return (
            f"Result(command={self.command.summary()!r}, exit_code={self.exit_code}, "
            f"duration={self.duration:.3f}, stdout={_short(self.stdout)}, "
            f"stderr={_short(self.stderr)})"
        )

    if not TYPE_CHECKING:
        # Hidden from type checkers on purpose, see the module docstring.
        def __bool__(self):  # noqa: ANN204 - annotated, mypy would see it
            msg = "a Result is neither true nor false; use result.ok or result.check()"
            raise TypeError(msg)
