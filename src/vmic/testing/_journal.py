"""What every simulated machine does with a command: record it, wait, fail as told, answer.

Also the kind of executor that reaches a simulated guest (:class:`GuestExecutor`), so that
the machine state below the executors can hand one out without knowing its class.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Protocol

import attrs

from vmic.errors import (
    AuthenticationFailedError,
    ConfigurationError,
    ConnectionFailedError,
    ExecutionError,
    UnknownCommandError,
)
from vmic.executors._command import Command
from vmic.executors._output import redact
from vmic.executors._protocol import Executor
from vmic.executors._result import Result
from vmic.testing._faults import GARBAGE, Fault, FaultKind

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable

    from vmic.testing._shell import Plan

__all__ = ["FaultSlot", "GuestExecutor", "RecordedCommand", "check_latency", "execute"]


@attrs.frozen
class RecordedCommand:
    """One command a simulated machine was sent.

    Attributes:
        target: The machine: the host's name, or ``"<host>/<vm>"`` for a guest.
        command: The command, as sent.
        action: What the machine took it for (``inventory``, ``set-integration-services``,
            ``get-vmintegrationservice``, ``observe-windows``...); None when it did not
            understand it.
        mutating: Whether it may change state (a change command).
        started: When the machine received it (``time.monotonic()``).
        ended: When the machine was done with it, answer or failure
            (``time.monotonic()``; None while it runs). Tests compare these to see
            that commands ran at the same time, never to time them.
        clock: The host's simulated time when the machine received it (None when the
            machine keeps none).
    """

    target: str
    command: Command
    action: str | None
    mutating: bool
    started: float = attrs.field(default=0.0, eq=False, kw_only=True)
    ended: float | None = attrs.field(default=None, eq=False, kw_only=True)
    clock: float | None = attrs.field(default=None, eq=False, kw_only=True)


class GuestExecutor(Executor, Protocol):
    """The executor of a simulated guest: an executor that records what it was sent."""

    @property
    def name(self) -> str:
        """``<host>/<vm>``."""
        ...

    @property
    def commands(self) -> list[RecordedCommand]:
        """Every command the guest was sent, in order."""
        ...


class FaultSlot:
    """A fault and how many more commands it applies to."""

    def __init__(self, fault: Fault | None = None) -> None:
        self.fault: Fault | None = None
        self.left: int | None = None
        self.set(fault)

    def set(self, fault: Fault | None) -> None:
        """Install *fault* (None clears it)."""
        if fault is not None and not isinstance(fault, Fault):
            raise ConfigurationError(f"a fault must be a vmic.testing.Fault, not {fault!r}")
        self.fault = fault
        self.left = None if fault is None else fault.times

    def take(self) -> Fault | None:
        """The fault for the next command, counting it down."""
        fault = self.fault
        if fault is not None and self.left is not None:
            self.left -= 1
            if self.left <= 0:
                self.fault = None
        return fault


def check_latency(value: object) -> float:
    """A latency in seconds, checked.

    Raises:
        vmic.ConfigurationError: Not a non-negative finite number.
    """
    checked: object = value
    if isinstance(checked, bool) or not isinstance(checked, int | float) or not 0 <= checked < 3600:
        raise ConfigurationError(f"latency must be seconds between 0 and 3600, not {value!r}")
    return float(checked)


def execute(
    *,
    lock: threading.RLock,
    journal: list[RecordedCommand],
    target: str,
    command: Command,
    plan: Plan | None,
    latency: float,
    faults: FaultSlot,
    reachable: Callable[[], str | None] = lambda: None,
    clock: Callable[[], float] | None = None,
) -> Result:
    """Run *command* on a simulated machine: record, wait, fail as told, or answer.

    Args:
        lock: The host's lock (held while recording and while the plan runs).
        journal: Where to record the command.
        target: The machine's name in records and messages.
        command: The command.
        plan: What the machine makes of it (None: not understood).
        latency: Seconds to sleep first (outside the lock).
        faults: The machine's fault, if any.
        reachable: Returns why the machine cannot be reached (None when it can).
        clock: Returns the host's simulated time, recorded with the command.
    """
    checked: object = command
    if not isinstance(checked, Command):
        raise ConfigurationError(f"run() takes a vmic.executors.Command, not {command!r}")
    record = RecordedCommand(
        target=target,
        command=command,
        action=None if plan is None else plan.action,
        mutating=plan is not None and plan.mutating,
        started=time.monotonic(),
        clock=None if clock is None else clock(),
    )
    with lock:
        journal.append(record)
        index = len(journal) - 1
    try:
        return _carry_out(
            lock=lock,
            target=target,
            command=command,
            plan=plan,
            latency=latency,
            faults=faults,
            reachable=reachable,
        )
    finally:
        with lock:
            # The journal may have been cleared meanwhile: only this record is replaced.
            if index < len(journal) and journal[index] is record:
                journal[index] = attrs.evolve(record, ended=time.monotonic())


def _carry_out(
    *,
    lock: threading.RLock,
    target: str,
    command: Command,
    plan: Plan | None,
    latency: float,
    faults: FaultSlot,
    reachable: Callable[[], str | None],
) -> Result:
    if latency > 0:
        time.sleep(latency)
    with lock:
        fault = faults.take()
        why = reachable()
    if fault is not None:
        garbage = _raise_fault(fault, target, command)
        return Result(command, stdout=garbage, stderr="", exit_code=0, duration=latency)
    if why is not None:
        raise ConnectionFailedError(f"cannot connect to {target}: {why}")
    if plan is None:
        raise UnknownCommandError(f"{target} does not understand {command.summary()}")
    with lock:
        reply = plan.run()
    secrets = command.secrets
    stdout = redact(reply.stdout, secrets)
    stderr = redact(reply.stderr, secrets)
    if reply.hangs:
        if command.timeout is None:
            raise ExecutionError(
                f"{command.summary()} never finishes on {target} and has no timeout"
            )
        raise command.stopped(stdout=stdout, stderr=stderr)
    return Result(
        command, stdout=stdout, stderr=stderr, exit_code=reply.exit_code, duration=latency
    )


def _raise_fault(fault: Fault, target: str, command: Command) -> str:
    """Raise the error *fault* stands for, or return the garbage it prints."""
    if fault.kind is FaultKind.TIMEOUT:
        raise command.stopped(how="stopped (simulated)")
    if fault.kind is FaultKind.CONNECTION_REFUSED:
        raise ConnectionFailedError(f"cannot connect to {target}: connection refused (simulated)")
    if fault.kind is FaultKind.AUTHENTICATION_FAILED:
        raise AuthenticationFailedError(f"{target} refused the credentials (simulated)")
    return GARBAGE
