"""The executor contract, written once and run against every backend.

A *backend* pairs an executor with a *dialect*: how to say "exit with 3",
"print this parameter", "print 8 MiB" or "hang" in the language that executor
runs. The tests in ``test_contract.py`` speak only through this interface, so a
new executor joins the suite by adding one factory to :data:`BACKENDS` (a
simulated Hyper-V host, for instance, would provide PowerShell scripts its
simulator understands).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import pytest

from vmic.executors import (
    Command,
    Executor,
    FakeExecutor,
    FakeResponse,
    LocalExecutor,
    Secret,
    Shell,
)
from vmic.testing import FakeHyperVHost, _shell as lab_shell

if TYPE_CHECKING:
    from pathlib import Path


class Backend(Protocol):
    """An executor and the commands that exercise it."""

    name: str
    executor: Executor
    observes_processes: bool
    """True when :meth:`hang` records real process ids the test can watch."""

    def exit_with(self, code: int) -> Command:
        """A command that exits with *code*."""
        ...

    def write(self, stdout: str, stderr: str) -> Command:
        """A command that writes exactly these texts (taken as parameters) to its streams."""
        ...

    def echo(self, value: str | Secret) -> Command:
        """A command that writes exactly the value of parameter ``Value`` to stdout."""
        ...

    def flood(self, stdout_bytes: int, stderr_bytes: int) -> Command:
        """A command that writes this many ``x`` bytes to stdout and ``y`` bytes to stderr."""
        ...

    def hang(self, *, timeout: float, pid_file: Path) -> Command:
        """A command that prints ``started``, records its process ids, then never finishes."""
        ...


@dataclass
class PosixBackend:
    """POSIX ``sh`` scripts, for LocalExecutor and SshExecutor alike."""

    name: str
    executor: Executor
    observes_processes: bool = True

    def exit_with(self, code: int) -> Command:
        return Command(Shell.POSIX, 'exit "$Code"', parameters={"Code": code})

    def write(self, stdout: str, stderr: str) -> Command:
        return Command(
            Shell.POSIX,
            "printf '%s' \"$Out\"\nprintf '%s' \"$Err\" >&2",
            parameters={"Out": stdout, "Err": stderr},
        )

    def echo(self, value: str | Secret) -> Command:
        return Command(Shell.POSIX, "printf '%s' \"$Value\"", parameters={"Value": value})

    def flood(self, stdout_bytes: int, stderr_bytes: int) -> Command:
        return Command(
            Shell.POSIX,
            'head -c "$Out" /dev/zero | tr "\\000" x\nhead -c "$Err" /dev/zero | tr "\\000" y >&2',
            parameters={"Out": stdout_bytes, "Err": stderr_bytes},
        )

    def hang(self, *, timeout: float, pid_file: Path) -> Command:
        return Command(
            Shell.POSIX,
            'echo started\necho $$ > "$PidFile"\nsleep 600 &\necho $! >> "$PidFile"\nwait',
            parameters={"PidFile": str(pid_file)},
            timeout=timeout,
        )


class FakeBackend:
    """The fake executor, programmed with what a shell would answer."""

    name = "fake"
    observes_processes = False

    def __init__(self) -> None:
        self.fake = FakeExecutor()
        self.executor: Executor = self.fake
        self.fake.on(
            "exit-with",
            lambda c: FakeResponse(exit_code=_int(c.parameters["Code"])),
        )
        self.fake.on(
            "write",
            lambda c: FakeResponse(stdout=_text(c, "Out"), stderr=_text(c, "Err")),
        )
        self.fake.on("echo", lambda c: FakeResponse(stdout=_text(c, "Value")))
        self.fake.on(
            re.compile(r"flood"),
            lambda c: FakeResponse(
                stdout="x" * _int(c.parameters["Out"]), stderr="y" * _int(c.parameters["Err"])
            ),
        )
        self.fake.on("hang", FakeResponse(stdout="started\n", duration=float("inf")))

    def exit_with(self, code: int) -> Command:
        return Command(Shell.POSIX, "exit-with", parameters={"Code": code})

    def write(self, stdout: str, stderr: str) -> Command:
        return Command(Shell.POSIX, "write", parameters={"Out": stdout, "Err": stderr})

    def echo(self, value: str | Secret) -> Command:
        return Command(Shell.POSIX, "echo", parameters={"Value": value})

    def flood(self, stdout_bytes: int, stderr_bytes: int) -> Command:
        return Command(Shell.POSIX, "flood", parameters={"Out": stdout_bytes, "Err": stderr_bytes})

    def hang(self, *, timeout: float, pid_file: Path) -> Command:
        return Command(Shell.POSIX, "hang", parameters={"PidFile": str(pid_file)}, timeout=timeout)


def _int(value: object) -> int:
    assert isinstance(value, int)
    return value


def _text(command: Command, name: str) -> str:
    value = command.parameters[name]
    if isinstance(value, Secret):
        return value.reveal()
    assert isinstance(value, str)
    return value


BackendFactory = Callable[[pytest.FixtureRequest], Backend]


def _fake(_: pytest.FixtureRequest) -> Backend:
    return FakeBackend()


def _local_posix(_: pytest.FixtureRequest) -> Backend:
    return PosixBackend("local-posix", LocalExecutor())


def _ssh_posix(request: pytest.FixtureRequest) -> Backend:
    executor = request.getfixturevalue("ssh_executor")
    assert isinstance(executor, Executor)
    return PosixBackend("ssh-posix", executor)


@dataclass
class LabPowerShellBackend:
    """The simulated lab's PowerShell machines (a Hyper-V host, a Windows guest).

    They understand the generic one-liners of :mod:`vmic.testing._shell`, the same way
    a PowerShell would run them.
    """

    name: str
    executor: Executor
    observes_processes: bool = False

    def exit_with(self, code: int) -> Command:
        return Command(Shell.POWERSHELL, lab_shell.PS_EXIT, parameters={"Code": code})

    def write(self, stdout: str, stderr: str) -> Command:
        return Command(
            Shell.POWERSHELL, lab_shell.PS_WRITE, parameters={"Out": stdout, "Err": stderr}
        )

    def echo(self, value: str | Secret) -> Command:
        return Command(Shell.POWERSHELL, lab_shell.PS_ECHO, parameters={"Value": value})

    def flood(self, stdout_bytes: int, stderr_bytes: int) -> Command:
        return Command(
            Shell.POWERSHELL,
            lab_shell.PS_FLOOD,
            parameters={"Out": stdout_bytes, "Err": stderr_bytes},
        )

    def hang(self, *, timeout: float, pid_file: Path) -> Command:
        return Command(
            Shell.POWERSHELL,
            lab_shell.PS_HANG,
            parameters={"PidFile": str(pid_file)},
            timeout=timeout,
        )


def _lab() -> FakeHyperVHost:
    lab = FakeHyperVHost("HV-CONTRACT", locale="de-DE")
    lab.add_vm("win", "Windows Server 2022")
    lab.add_vm("linux", "Ubuntu 22.04")
    return lab


def _lab_host(_: pytest.FixtureRequest) -> Backend:
    return LabPowerShellBackend("lab-host", _lab())


def _lab_windows_guest(_: pytest.FixtureRequest) -> Backend:
    return LabPowerShellBackend("lab-windows-guest", _lab().guest_executor("win"))


def _lab_linux_guest(_: pytest.FixtureRequest) -> Backend:
    # The lab's Linux guests answer the very sh scripts PosixBackend sends.
    executor = _lab().guest_executor("linux")
    return PosixBackend("lab-linux-guest", executor, observes_processes=False)


BACKENDS: dict[str, BackendFactory] = {
    "fake": _fake,
    "lab-host": _lab_host,
    "lab-linux-guest": _lab_linux_guest,
    "lab-windows-guest": _lab_windows_guest,
    "local-posix": _local_posix,
    "ssh-posix": _ssh_posix,
}
"""Every backend the contract runs against; add a factory here to add an executor."""
