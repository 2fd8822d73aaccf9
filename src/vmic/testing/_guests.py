"""The executors that reach a simulated VM's guest.

A Windows guest answers PowerShell: vmic's Windows guest scripts and the specification's
``REG QUERY``, ``Get-Service -Name vm*``, ``Start-Service``/``Stop-Service``. A Linux guest
answers ``sh``: vmic's Linux guest scripts and ``lsmod``, ``ps -ef | grep hv``,
``compgen -c hv_``, ``sudo kill -15 `pidof hv_kvp_daemon```, ``sudo hv_kvp_daemon``. Both
raise :class:`vmic.UnknownCommandError` for anything else, and
:class:`vmic.ConnectionFailedError` while the VM is off (see
:mod:`vmic.testing._dispatch`).

>>> from vmic.testing import FakeHyperVHost
>>> from vmic.executors import Command, Shell
>>> lab = FakeHyperVHost("HV01")
>>> _ = lab.add_vm("web01", "Ubuntu 22.04")
>>> guest = lab.guest_executor("web01")
>>> for line in guest.run(Command(Shell.POSIX, "lsmod | grep hv_utils")).stdout.splitlines():
...     print(line[:40])
hv_utils               20480  0
hv_vmbus               61440  7 hv_ballo
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmic.executors._closing import Closing
from vmic.executors._command import Command
from vmic.testing._dispatch import plan_guest
from vmic.testing._journal import execute

if TYPE_CHECKING:
    from vmic.executors._result import Result
    from vmic.testing._journal import RecordedCommand
    from vmic.testing._vm import FakeVM

__all__ = ["FakeGuestExecutor"]


class FakeGuestExecutor(Closing):
    """The executor of one simulated VM's guest (see :meth:`FakeHyperVHost.guest_executor`).

    Attributes:
        commands: Every command the guest was sent, in order.
    """

    def __init__(self, vm: FakeVM) -> None:
        self._vm = vm
        self.commands: list[RecordedCommand] = []

    def __repr__(self) -> str:
        return f"FakeGuestExecutor({self.name!r})"

    @property
    def name(self) -> str:
        """``<host>/<vm>``."""
        return f"{self._vm.host.name}/{self._vm.name}"

    @property
    def vm(self) -> FakeVM:
        """The VM whose guest this is."""
        return self._vm

    def run(self, command: Command) -> Result:
        """Answer *command* as the guest would.

        Raises:
            vmic.UnknownCommandError: The guest does not understand the command.
            vmic.ConnectionFailedError: The VM is off, or a refused-connection fault.
            vmic.CommandTimeoutError: A timeout fault, or a command that never ends.
            vmic.AuthenticationFailedError: An authentication fault.
        """
        vm = self._vm
        host = vm.host
        checked: object = command
        with host.lock:
            plan = plan_guest(vm, command) if isinstance(checked, Command) else None
        latency = vm.guest_latency
        return execute(
            lock=host.lock,
            journal=self.commands,
            target=self.name,
            command=command,
            plan=plan,
            latency=host.latency if latency is None else latency,
            faults=vm.guest_faults,
            reachable=lambda: None if vm.running else "the VM is off",
            clock=lambda: host.clock.now,
        )
