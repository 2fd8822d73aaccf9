"""A small simulated estate with realistic problems, for demonstrations and tests.

:func:`demo_lab` builds two hosts: ``HV01`` (English, Windows Server 2019) and
``HV-BERLIN`` (German, Windows Server 2022), with Windows and Linux guests. Some
VMs carry one planted problem each, listed in :attr:`DemoLab.planted` with the
:class:`~vmic.rules._causes.Cause` a diagnosis should name; the others are healthy
(Guest Service Interface is off everywhere, as Hyper-V creates VMs: that is its
default, not a problem).

Every problem is one that lasts: a Windows service stopped in the guest while the
host has it enabled would heal at the next :meth:`~vmic.testing.FakeHyperVHost.settle`,
so none is planted.

>>> lab = demo_lab()
>>> [host.name for host in lab.hosts]
['HV01', 'HV-BERLIN']
>>> from vmic.fleet import audit
>>> audit(lab)  # both sides of every VM, in one call
<AuditReport 2 hosts (0 not audited), 11 VMs (5 healthy), 7 findings in ...s>
>>> for problem in lab.planted[:2]:
...     print(problem)
HV01/sql01: vss -> guest_startup_disabled
HV01/legacy-win7: key_value_pair_exchange -> disabled_on_host
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from vmic.errors import ConfigurationError
from vmic.model._services import GuestOnlyService, IntegrationService
from vmic.model._status import StartType
from vmic.rules._causes import Cause
from vmic.testing._host import FakeHyperVHost

if TYPE_CHECKING:
    from collections.abc import Callable

    from vmic.connect import HostTarget
    from vmic.executors._protocol import Executor
    from vmic.model._host import VM

__all__ = ["DemoLab", "PlantedProblem", "demo_lab"]

_KVP = IntegrationService.KEY_VALUE_PAIR_EXCHANGE
_VSS = IntegrationService.VSS
_TIMESYNC = IntegrationService.TIME_SYNCHRONIZATION


@attrs.frozen
class PlantedProblem:
    """A problem the lab planted on purpose.

    Attributes:
        host: The host's name.
        vm: The VM's name.
        service: The service affected, or None for a problem of the whole VM.
        cause: What a diagnosis should name.
    """

    host: str
    vm: str
    service: IntegrationService | GuestOnlyService | None
    cause: Cause

    def __str__(self) -> str:
        what = "vm" if self.service is None else self.service.value
        return f"{self.host}/{self.vm}: {what} -> {self.cause.value}"


@attrs.frozen
class DemoLab:
    """The hosts of :func:`demo_lab` and what was planted in them.

    Attributes:
        hosts: The simulated hosts (each an executor).
        planted: Every planted problem, host by host, VM by VM.
        healthy: ``(host, vm)`` of every VM with no planted problem.
    """

    hosts: tuple[FakeHyperVHost, ...]
    planted: tuple[PlantedProblem, ...]
    healthy: tuple[tuple[str, str], ...]

    def host(self, name: str) -> FakeHyperVHost:
        """The host with this name.

        Raises:
            vmic.ConfigurationError: No host has it.
        """
        for host in self.hosts:
            if host.name == name:
                return host
        known = ", ".join(host.name for host in self.hosts)
        raise ConfigurationError(f"the lab has no host {name!r}; its hosts: {known}")

    def guest_executor(self, host_name: str, vm_name: str) -> Executor:
        """The executor of one VM's guest.

        Raises:
            vmic.ConfigurationError: No such host, or no such VM on it.
        """
        return self.host(host_name).guest_executor(vm_name)

    def targets(self, *, host: str | None = None, timeout: float | None = None) -> list[HostTarget]:
        """Audit targets for the lab's hosts (or the one named *host*), guests included.

        ``vmic.fleet.audit(lab)`` takes the lab itself and asks for these: a two-sided audit
        of the lab in one call.

        Args:
            host: Only this host.
            timeout: Seconds each command may run (None: the clients' default).

        Raises:
            vmic.ConfigurationError: The lab has no host of that name.
        """
        from vmic.connect import HostTarget  # noqa: PLC0415 - the audit's view, on use

        chosen = self.hosts if host is None else (self.host(host),)
        return [
            HostTarget.for_executor(
                fake, name=fake.name, guests=self.guest_reach(fake.name), timeout=timeout
            )
            for fake in chosen
        ]

    def guest_reach(self, host_name: str) -> Callable[[VM], Executor | None]:
        """How an audit or a fix reaches each VM's guest on the host: its guest executor.

        Raises:
            vmic.ConfigurationError: The lab has no host of that name.
        """
        host = self.host(host_name)

        def reach(vm: VM) -> Executor | None:
            executor: Executor = host.guest_executor(vm.name)
            return executor

        return reach

    def problems(self, host_name: str, vm_name: str) -> tuple[PlantedProblem, ...]:
        """The problems planted in one VM (empty for a healthy one)."""
        return tuple(p for p in self.planted if (p.host, p.vm) == (host_name, vm_name))


def demo_lab(*, latency: float = 0.0) -> DemoLab:
    """Build the demonstration estate (fresh state on every call).

    ``HV01`` (en-US, Windows Server 2019):

    - ``dc01`` Windows Server 2019, ``web02`` Windows Server 2022, ``web01`` Ubuntu
      22.04: healthy;
    - ``sql01`` Windows Server 2016: ``vmicvss`` stopped with startup type Disabled in
      the guest, so Hyper-V cannot start it and live backup is broken;
    - ``legacy-win7`` Windows 7 (with WMF 5.1 installed: Windows 7 ships PowerShell 2.0):
      Data Exchange disabled on the host; on a 2016-or-later host this guest gets
      integration services updates through Windows Update only with Data Exchange on;
    - ``app2012r2`` Windows Server 2012 R2: integration services of the 2012 R2 release,
      older than the host's (``ProtocolMismatch``, "Update required");
    - ``rhel-db`` Red Hat Enterprise Linux 9: the KVP daemon ``hypervkvpd`` not installed.

    ``HV-BERLIN`` (de-DE, Windows Server 2022):

    - ``dc02`` Windows Server 2022, ``web03`` Ubuntu 20.04: healthy;
    - ``fs01`` Windows Server 2019: Time Synchronization ("Zeitsynchronisierung")
      disabled on the host;
    - ``ubuntu-backup`` Ubuntu 22.04: the VSS daemon installed but not running.

    Args:
        latency: Seconds every command takes, on every host and guest.
    """
    planted: list[PlantedProblem] = []

    hv01 = FakeHyperVHost("HV01", host_os="Windows Server 2019", locale="en-US", latency=latency)
    hv01.add_vm("dc01", "Windows Server 2019")
    sql01 = hv01.add_vm("sql01", "Windows Server 2016")
    sql01.set_startup(_VSS, StartType.DISABLED)
    sql01.stop_service(_VSS)
    planted.append(PlantedProblem("HV01", "sql01", _VSS, Cause.GUEST_STARTUP_DISABLED))
    win7 = hv01.add_vm("legacy-win7", "Windows 7")
    # Windows 7 ships PowerShell 2.0; this one has WMF 5.1, as Microsoft's WMF page advises.
    win7.powershell_version = "5.1"
    win7.disable_on_host(_KVP)
    planted.append(PlantedProblem("HV01", "legacy-win7", _KVP, Cause.DISABLED_ON_HOST))
    planted.append(
        PlantedProblem("HV01", "legacy-win7", _KVP, Cause.DATA_EXCHANGE_REQUIRED_FOR_UPDATES)
    )
    app = hv01.add_vm("app2012r2", "Windows Server 2012 R2")
    app.make_outdated()
    planted.append(PlantedProblem("HV01", "app2012r2", None, Cause.INTEGRATION_SERVICES_OUTDATED))
    rhel = hv01.add_vm("rhel-db", "Red Hat Enterprise Linux 9")
    rhel.remove_daemon(_KVP)
    planted.append(PlantedProblem("HV01", "rhel-db", _KVP, Cause.DAEMON_NOT_INSTALLED))
    hv01.add_vm("web01", "Ubuntu 22.04 LTS")
    hv01.add_vm("web02", "Windows Server 2022")
    # A file on the host, for Copy-VMFile (vmic copy) demonstrations.
    hv01.host_files["C:\\Deploy\\settings.json"] = b'{"environment": "test"}\n'

    berlin = FakeHyperVHost(
        "HV-BERLIN", host_os="Windows Server 2022", locale="de-DE", latency=latency
    )
    berlin.add_vm("dc02", "Windows Server 2022")
    fs01 = berlin.add_vm("fs01", "Windows Server 2019")
    fs01.disable_on_host(_TIMESYNC)
    planted.append(PlantedProblem("HV-BERLIN", "fs01", _TIMESYNC, Cause.DISABLED_ON_HOST))
    backup = berlin.add_vm("ubuntu-backup", "Ubuntu 22.04 LTS")
    backup.stop_service(_VSS, method="signal")
    planted.append(PlantedProblem("HV-BERLIN", "ubuntu-backup", _VSS, Cause.DAEMON_NOT_RUNNING))
    berlin.add_vm("web03", "Ubuntu 20.04 LTS")

    hosts = (hv01, berlin)
    for host in hosts:
        host.settle()
    sick = {(p.host, p.vm) for p in planted}
    healthy = tuple(
        (host.name, vm.name)
        for host in hosts
        for vm in host.vms
        if (host.name, vm.name) not in sick
    )
    return DemoLab(hosts=hosts, planted=tuple(planted), healthy=healthy)
