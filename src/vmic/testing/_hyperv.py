"""A simulated Hyper-V host's state: the machine and its VMs.

:class:`HyperVState` is everything the host's commands read and change: the machine
(:class:`~vmic.testing._machine.HostMachine`) and the VMs on it, each created with a
freshly installed, settled guest. The executor that answers commands,
:class:`~vmic.testing.FakeHyperVHost`, is this state with a dispatcher on top.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from packaging.version import InvalidVersion, Version

from vmic.errors import AmbiguousVMError, ConfigurationError, VMNotFoundError
from vmic.executors._checks import check_text
from vmic.model._operating_system import OperatingSystem, parse_os
from vmic.model._services import GuestOnlyService
from vmic.rules._semantics import VMIntegration
from vmic.testing._machine import HostMachine
from vmic.testing._vm import FakeVM, resolve_service

if TYPE_CHECKING:
    from collections.abc import Iterable

    from vmic.rules._semantics import KernelDriver
    from vmic.testing._vm import ServiceLike

__all__ = ["HyperVState"]


class HyperVState(HostMachine):
    """A simulated Hyper-V host and its VMs (the arguments are those of :class:`HostMachine`)."""

    def _init_state(self) -> None:
        self._vms: list[FakeVM] = []
        self.rendered_texts: dict[object, str] = {}
        """Texts rendered from this host's state, by everything they are made from."""

    @property
    def vms(self) -> tuple[FakeVM, ...]:
        """The VMs, in the order they were added."""
        with self.lock:
            return tuple(self._vms)

    def add_vm(
        self,
        name: str,
        guest_os: str | OperatingSystem = "Windows Server 2019",
        *,
        enabled: Iterable[ServiceLike] | None = None,
        installed: bool = True,
        running: bool = True,
        kernel_driver: KernelDriver | None = None,
        vm_id: uuid.UUID | str | None = None,
        integration_services_version: str | Version | None = None,
    ) -> FakeVM:
        """Create a VM with a freshly installed, settled guest.

        Args:
            name: The VM's name (any text; Hyper-V even allows two VMs the same name).
            guest_os: The guest, as text for :func:`vmic.parse_os` (``"Ubuntu 22.04"``,
                ``"Red Hat Enterprise Linux 9"``, ``"Windows Server 2012 R2"``) or a model.
            enabled: Services enabled on the host (default: Hyper-V's, all but Guest
                Service Interface).
            installed: Whether the guest has its integration services (Windows) or
                daemons (Linux) installed.
            running: Whether the VM is on.
            kernel_driver: Linux: the state of ``hv_utils`` (default: loaded).
            vm_id: The VM's id (default: derived from the host and VM names).
            integration_services_version: What a Windows guest's integration services
                report (default: current for its Windows version).

        Raises:
            vmic.ConfigurationError: A bad name (empty, or with a NUL or an unpaired
                surrogate), id or option.
            vmic.UnknownOperatingSystemError: *guest_os* names no known system.
        """
        checked: object = name
        if not isinstance(checked, str) or not checked:
            raise ConfigurationError(f"a VM name must be a non-empty string, not {name!r}")
        # A NUL or an unpaired surrogate cannot reach PowerShell or the outputs intact.
        check_text(name, what="VM name")
        parsed = guest_os if isinstance(guest_os, OperatingSystem) else parse_os(guest_os)
        services = None if enabled is None else [resolve_service(s) for s in enabled]
        integration = VMIntegration.new(
            parsed,
            enabled=services,  # type: ignore[arg-type] # guest-only services are refused inside
            installed=installed,
            kernel_driver=kernel_driver,
        )
        direct = integration.state(GuestOnlyService.POWERSHELL_DIRECT).guest
        if direct is not None and direct.running:
            # vmicvmsession starts on demand: idle, it is stopped (the specification's sample).
            integration = integration.stop_in_guest(GuestOnlyService.POWERSHELL_DIRECT)
        with self.lock:
            index = len(self._vms)
            if vm_id is None:
                same = sum(1 for vm in self._vms if vm.name == name)
                vm_id = uuid.uuid5(uuid.NAMESPACE_URL, f"vmic-lab:{self.name}:{name}:{same}")
            elif not isinstance(vm_id, uuid.UUID):
                try:
                    vm_id = uuid.UUID(str(vm_id))
                except ValueError:
                    raise ConfigurationError(f"{vm_id!r} is not a VM id (a GUID)") from None
            if any(vm.id == vm_id for vm in self._vms):
                raise ConfigurationError(f"host {self.name!r} already has a VM with id {vm_id}")
            vm = FakeVM(
                self,
                name,
                parsed,
                vm_id=vm_id,
                integration=integration,
                running=running,
                integration_services_version=None
                if integration_services_version is None
                else _version(integration_services_version),
                os_text=guest_os if isinstance(guest_os, str) else "",
                index=index,
            )
            self._vms.append(vm)
            return vm

    def vm(self, name: str | uuid.UUID) -> FakeVM:
        """The VM with exactly this name (or this id).

        Raises:
            VMNotFoundError: No VM has it.
            AmbiguousVMError: Several VMs have the name.
        """
        with self.lock:
            if isinstance(name, uuid.UUID):
                found = [vm for vm in self._vms if vm.id == name]
            else:
                found = [vm for vm in self._vms if vm.name == name]
            if not found:
                raise VMNotFoundError(self.name, str(name), (vm.name for vm in self._vms))
            if len(found) > 1:
                raise AmbiguousVMError(self.name, str(name), len(found))
            return found[0]

    def settle(self) -> None:
        """Let time pass: every VM applies what Hyper-V and its guest do on their own."""
        with self.lock:
            for vm in self._vms:
                vm.settle()

    def selected(self, name: str | None) -> list[FakeVM]:
        """The VMs named exactly *name* (every VM for None), as the scripts select them."""
        with self.lock:
            if name is None:
                return list(self._vms)
            return [vm for vm in self._vms if vm.name == name]


def _version(value: str | Version) -> Version:
    try:
        return value if isinstance(value, Version) else Version(str(value))
    except InvalidVersion:
        raise ConfigurationError(f"{value!r} is not a version") from None
