r"""An executor for tests: canned responses by script, every call recorded.

It understands only the scripts it was given. Any other command raises
:class:`vmic.UnknownCommandError`, so a test cannot pass by accident because
the code under test sent something unexpected.

>>> from vmic.executors import Command, Shell
>>> fake = FakeExecutor()
>>> fake.on("hostname", FakeResponse(stdout="HV01\n"))
>>> fake.run(Command(Shell.POWERSHELL, "hostname")).stdout
'HV01\n'
>>> [c.script for c in fake.calls]
['hostname']
>>> fake.run(Command(Shell.POSIX, "rm -rf /"))
Traceback (most recent call last):
...
vmic.errors.UnknownCommandError: the fake executor has no response for posix: 'rm -rf /'
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, TypeAlias

import attrs

from vmic.errors import UnknownCommandError
from vmic.executors._closing import Closing
from vmic.executors._command import Command, Shell
from vmic.executors._output import LOG, redact
from vmic.executors._result import Result

if TYPE_CHECKING:
    import re

__all__ = ["FakeExecutor", "FakeResponse", "Responder"]


@attrs.frozen
class FakeResponse:
    """What the fake answers to one command.

    Attributes:
        stdout: Standard output to report.
        stderr: Standard error to report.
        exit_code: Exit status to report.
        duration: Simulated run time in seconds (the fake never sleeps). When it
            exceeds the command's timeout the fake raises the timeout error a real
            executor would, carrying this response's output as partial output.
    """

    stdout: str = ""
    stderr: str = ""
    exit_code: int = 0
    duration: float = 0.0


Responder: TypeAlias = FakeResponse | Callable[[Command], FakeResponse]
"""A canned response, or a function computing one from the command (to echo parameters)."""


@attrs.frozen
class _Rule:
    pattern: str | re.Pattern[str]
    shell: Shell | None
    responder: Responder

    def matches(self, command: Command) -> bool:
        if self.shell is not None and command.shell is not self.shell:
            return False
        if isinstance(self.pattern, str):
            return command.script == self.pattern
        return self.pattern.fullmatch(command.script) is not None


class FakeExecutor(Closing):
    """An :class:`~vmic.executors.Executor` that answers from a table and records calls.

    Args:
        responses: Initial table of exact script text to response.

    Attributes:
        calls: Every command run, in order (including ones that raised).
    """

    def __init__(self, responses: Mapping[str, Responder] | None = None) -> None:
        self._rules: list[_Rule] = []
        self._lock = threading.Lock()
        self.calls: list[Command] = []
        for script, responder in (responses or {}).items():
            self.on(script, responder)

    def __repr__(self) -> str:
        return f"FakeExecutor({len(self._rules)} responses, {len(self.calls)} calls)"

    def on(
        self,
        script: str | re.Pattern[str],
        response: Responder,
        *,
        shell: Shell | None = None,
    ) -> None:
        """Answer *response* to commands whose script is *script*.

        Args:
            script: The exact script text, or a compiled pattern that must match
                the whole script.
            response: A :class:`FakeResponse`, or a function of the command returning one.
            shell: Match only commands for this shell (default: any).

        Exact texts are tried before patterns; among patterns, the first
        registered wins.
        """
        rule = _Rule(script, shell, response)
        with self._lock:
            if isinstance(script, str):
                self._rules.insert(0, rule)
            else:
                self._rules.append(rule)

    def run(self, command: Command) -> Result:
        """Record *command* and answer it from the table.

        Raises:
            vmic.UnknownCommandError: No response matches the command.
            vmic.CommandTimeoutError: (:class:`CommandTimeoutError`) the response's
                simulated duration exceeds the command's timeout.
        """
        with self._lock:
            self.calls.append(command)
            rule = next((r for r in self._rules if r.matches(command)), None)
        if rule is None:
            raise UnknownCommandError(f"the fake executor has no response for {command.summary()}")
        responder = rule.responder
        response = responder if isinstance(responder, FakeResponse) else responder(command)
        secrets = command.secrets
        stdout = redact(response.stdout, secrets)
        stderr = redact(response.stderr, secrets)
        LOG.debug("fake run: %s", command.summary())
        if command.timeout is not None and response.duration > command.timeout:
            raise command.stopped(stdout=stdout, stderr=stderr)
        return Result(
            command,
            stdout=stdout,
            stderr=stderr,
            exit_code=response.exit_code,
            duration=response.duration,
        )
