"""What a simulated machine answers: the reply and plan types, parameters, generic commands.

Besides the Hyper-V and guest commands, a simulated host or guest understands a
handful of shell one-liners: exit with a status, write given text to either
stream, write a lot of text, and hang. They are what the executor contract suite
(``tests/executors``) runs against every executor, the simulated ones included.
Values come from the command's parameters, as on a real shell.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Final

import attrs

from vmic.clients._scripts import END, ERROR_EXIT, marker
from vmic.errors import UnknownCommandError
from vmic.executors._command import Secret, Shell

if TYPE_CHECKING:
    from collections.abc import Callable

    from vmic.executors._command import Command

__all__ = [
    "POSIX_ECHO",
    "POSIX_EXIT",
    "POSIX_FLOOD",
    "POSIX_HANG",
    "POSIX_WRITE",
    "PS_ECHO",
    "PS_EXIT",
    "PS_FLOOD",
    "PS_HANG",
    "PS_WRITE",
    "Plan",
    "Reply",
    "answer_primitive",
    "error_reply",
    "flag",
    "integer",
    "names",
    "number",
    "plain_text",
    "sections",
    "text",
]

_NEWLINE: Final = "\n"


@attrs.frozen
class Reply:
    """What a simulated machine answers to one command.

    Attributes:
        stdout: Standard output.
        stderr: Standard error.
        exit_code: Exit status.
        hangs: The command never finishes (the executor raises its timeout error).
    """

    stdout: str = ""
    stderr: str = ""
    exit_code: int = 0
    hangs: bool = False


@attrs.frozen
class Plan:
    """A command the lab understood: what it is, and how to carry it out.

    Attributes:
        action: A short name for the recorded command (``inventory``,
            ``get-vmintegrationservice``...).
        mutating: Whether carrying it out may change the simulated state.
        run: Carries it out (under the host's lock) and returns the reply.
        latency: Seconds the command takes beyond the machine's own latency (a host
            asking its guests waits for them).
    """

    action: str
    mutating: bool
    run: Callable[[], Reply]
    latency: float = 0.0


POSIX_EXIT: Final = 'exit "$Code"'
POSIX_WRITE: Final = "printf '%s' \"$Out\"\nprintf '%s' \"$Err\" >&2"
POSIX_ECHO: Final = "printf '%s' \"$Value\""
POSIX_FLOOD: Final = (
    'head -c "$Out" /dev/zero | tr "\\000" x\nhead -c "$Err" /dev/zero | tr "\\000" y >&2'
)
POSIX_HANG: Final = 'echo started\necho $$ > "$PidFile"\nsleep 600 &\necho $! >> "$PidFile"\nwait'

PS_EXIT: Final = "exit $Code"
PS_WRITE: Final = "[Console]::Out.Write($Out)\n[Console]::Error.Write($Err)"
PS_ECHO: Final = "[Console]::Out.Write($Value)"
PS_FLOOD: Final = "[Console]::Out.Write('x' * $Out)\n[Console]::Error.Write('y' * $Err)"
PS_HANG: Final = "'started'\nSet-Content -Path $PidFile -Value $PID\nStart-Sleep -Seconds 600"


def text(command: Command, name: str) -> str:
    """A string parameter (a secret's plain text; output redaction hides it again).

    Raises:
        vmic.UnknownCommandError: The parameter is missing or not text.
    """
    value = command.parameters.get(name)
    if isinstance(value, Secret):
        return value.reveal()
    if not isinstance(value, str):
        raise UnknownCommandError(f"{command.summary()} needs a text parameter {name!r}")
    return value


def sections(*parts: tuple[str, str]) -> str:
    """The output of a vmic script: each ``(name, body)`` as a section, then the end line."""
    lines: list[str] = []
    for name, body in parts:
        lines.append(marker(name))
        if body:
            lines.append(body.rstrip("\r\n"))
    lines.append(END)
    return _NEWLINE.join(lines) + _NEWLINE


def error_reply(word: str, detail: str = "") -> Reply:
    """What a vmic script answers when it cannot do its work: an ``error`` section."""
    body = word if not detail else f"{word}\n{detail}"
    return Reply(stdout=sections(("error", body)), exit_code=ERROR_EXIT)


def plain_text(command: Command, name: str) -> str:
    """A string parameter that is not a secret.

    Raises:
        vmic.UnknownCommandError: The parameter is missing, a secret, or not text.
    """
    value = command.parameters.get(name)
    if isinstance(value, Secret) or not isinstance(value, str):
        raise UnknownCommandError(f"{command.summary()} needs a text parameter {name!r}")
    return value


def names(command: Command, name: str) -> tuple[str, ...]:
    """A list parameter (one string counts as a list of one).

    Raises:
        vmic.UnknownCommandError: The parameter is missing or not a list of text.
    """
    value = command.parameters.get(name)
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, tuple):
        raise UnknownCommandError(f"{command.summary()} needs the list parameter {name!r}")
    return tuple(str(item) for item in value)


def number(command: Command, name: str, *, least: float = -math.inf) -> float:
    """A number parameter, given as a number or as its text, and at least *least*.

    Raises:
        vmic.UnknownCommandError: The parameter is missing, not a finite number, or too small.
    """
    value = command.parameters.get(name)
    found = math.nan
    if isinstance(value, int | float) and not isinstance(value, bool):
        found = float(value)
    elif isinstance(value, str):
        try:
            found = float(value)
        except ValueError:
            found = math.nan
    if not math.isfinite(found) or found < least:
        raise UnknownCommandError(f"{command.summary()} needs a number parameter {name!r}")
    return found


def flag(command: Command, name: str) -> bool:
    """A boolean parameter.

    Raises:
        vmic.UnknownCommandError: The parameter is missing or not a boolean.
    """
    value = command.parameters.get(name)
    if not isinstance(value, bool):
        raise UnknownCommandError(f"{command.summary()} needs a boolean parameter {name!r}")
    return value


def integer(command: Command, name: str) -> int:
    """An integer parameter.

    Raises:
        vmic.UnknownCommandError: The parameter is missing or not an integer.
    """
    value = command.parameters.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise UnknownCommandError(f"{command.summary()} needs an integer parameter {name!r}")
    return value


def answer_primitive(command: Command) -> Reply | None:
    """The reply to a generic command, or None when *command* is not one."""
    script = command.script
    if command.shell is Shell.POSIX:
        exit_, write, echo, flood, hang = (
            POSIX_EXIT,
            POSIX_WRITE,
            POSIX_ECHO,
            POSIX_FLOOD,
            POSIX_HANG,
        )
    else:
        exit_, write, echo, flood, hang = PS_EXIT, PS_WRITE, PS_ECHO, PS_FLOOD, PS_HANG
    if script == exit_:
        return Reply(exit_code=integer(command, "Code") & 0xFF)
    if script == write:
        return Reply(stdout=text(command, "Out"), stderr=text(command, "Err"))
    if script == echo:
        return Reply(stdout=text(command, "Value"))
    if script == flood:
        return Reply(stdout="x" * integer(command, "Out"), stderr="y" * integer(command, "Err"))
    if script == hang:
        return Reply(stdout="started\n", hangs=True)
    return None
