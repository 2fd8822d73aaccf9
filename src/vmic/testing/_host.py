"""A simulated Hyper-V host: an executor that answers like the real thing.

:class:`FakeHyperVHost` holds VMs with Windows or Linux guests and answers, with
realistic output rendered by the project's own formatters in the host's display
language:

- the scripts vmic sends (``vmic scripts`` lists them), recognised by the name their first
  lines declare, with every value read from the command's parameters, held to the
  documented contracts of the cmdlets they call (see :mod:`vmic.testing._dispatch`);
- the commands of the specification as a person types them
  (``Get-VMIntegrationService -VMName "DemoVM"``, ``Enable-VMIntegrationService ...``);
- a few generic shell commands (exit, write, hang) the executor contract uses.

Anything else raises :class:`vmic.UnknownCommandError` naming the command. Every
command is recorded in :attr:`FakeHyperVHost.commands`, including those that fail.
:meth:`FakeHyperVHost.guest_executor` hands out an executor for each VM's guest,
which sees the same state as the host.

>>> from vmic.clients import HyperVHost
>>> from vmic.executors import Command, Shell
>>> lab = FakeHyperVHost("HV-BERLIN", locale="de-DE")
>>> _ = lab.add_vm("DemoVM", "Windows Server 2019")
>>> typed = Command(Shell.POWERSHELL, 'Get-VMIntegrationService -VMName "DemoVM"')
>>> for line in lab.run(typed).stdout.splitlines()[3:6]:
...     print(line[:53].rstrip())
DemoVM Gastdienstschnittstelle            False   OK
DemoVM Takt                               True    OK
DemoVM Austausch von Schlüsselwertepaaren True    OK
>>> len(HyperVHost(lab).observe().vms), [c.action for c in lab.commands]
(1, ['get-vmintegrationservice', 'inventory'])
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmic.executors._closing import Closing
from vmic.executors._command import Command
from vmic.testing._dispatch import plan_host
from vmic.testing._guests import FakeGuestExecutor
from vmic.testing._hyperv import HyperVState
from vmic.testing._journal import RecordedCommand, execute

if TYPE_CHECKING:
    import uuid

    from vmic.executors._result import Result

__all__ = ["FakeHyperVHost", "RecordedCommand"]


class FakeHyperVHost(HyperVState, Closing):
    """A simulated Hyper-V host, usable wherever an :class:`~vmic.executors.Executor` is.

    It takes the arguments of :class:`~vmic.testing._machine.HostMachine`: the host's name,
    ``host_os``, ``locale``, ``powershell`` (``"5.1"`` or ``"7"``), ``latency`` and
    ``fault``.
    """

    def __repr__(self) -> str:
        return (
            f"FakeHyperVHost({self.name!r}, {len(self.vms)} VMs, locale={self.locale!r}, "
            f"powershell={self.powershell!r})"
        )

    def guest_executor(self, vm_name: str | uuid.UUID) -> FakeGuestExecutor:
        """The executor that reaches the guest of the VM with exactly this name (or id).

        Windows guests answer PowerShell, Linux guests ``sh``; both see the same VM
        state as the host. The same executor is returned on every call.

        Raises:
            VMNotFoundError: No VM has the name.
            AmbiguousVMError: Several VMs have the name.
        """
        vm = self.vm(vm_name)
        with self.lock:
            executor = vm.executor
            if not isinstance(executor, FakeGuestExecutor):
                executor = vm.executor = FakeGuestExecutor(vm)
            return executor

    def run(self, command: Command) -> Result:
        """Answer *command* as the Hyper-V host would.

        Raises:
            vmic.UnknownCommandError: The host does not understand the command.
            vmic.CommandTimeoutError: A timeout fault, or a command that never ends.
            vmic.ConnectionFailedError: A refused-connection fault.
            vmic.AuthenticationFailedError: An authentication fault.
        """
        checked: object = command
        with self.lock:
            plan = plan_host(self, command) if isinstance(checked, Command) else None
        return execute(
            lock=self.lock,
            journal=self.commands,
            target=self.name,
            command=command,
            plan=plan,
            latency=self.latency + (0.0 if plan is None else plan.latency),
            faults=self.faults,
            clock=lambda: self.clock.now,
        )
