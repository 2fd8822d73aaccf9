"""The Hyper-V host client: inventory and host-side settings of integration services.

:class:`HyperVHost` runs PowerShell on a Hyper-V host through any
:class:`~vmic.executors.Executor` (PSRP, SSH, local, or the simulated host of
:mod:`vmic.testing`):

- :meth:`HyperVHost.observe` reads every VM, its integration components, its guest's
  intrinsic KVP items and the host's OS in **one** round trip, whatever the number of VMs;
- :meth:`HyperVHost.enable`, :meth:`HyperVHost.disable` and :meth:`HyperVHost.apply`
  change the host setting of services and read it back in the same round trip.

Services are matched by their component GUID, never by the name the host shows, so
a German host ("Takt", "Zeitsynchronisierung") works unchanged. VMs are matched by
their exact name (``web*`` is a name, not a pattern).

>>> from vmic.testing import FakeHyperVHost
>>> lab = FakeHyperVHost("HV01")
>>> _ = lab.add_vm("DemoVM", "Windows Server 2019")
>>> host = HyperVHost(lab)
>>> [c.service.value for c in host.enable("DemoVM", "Guest Service Interface")]
['guest_service_interface']
>>> host.apply("DemoVM", {"Guest Service Interface": True})
()
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

import attrs

from vmic.clients import _scripts
from vmic.clients._inventory import (
    INVENTORY_SECTIONS,
    inventory_from_sections,
    parse_components,
)
from vmic.clients._sections import error_reason, read_result
from vmic.errors import (
    AmbiguousVMError,
    ConfigurationError,
    ParseError,
    UnknownServiceError,
    VerificationError,
    VMNotFoundError,
)
from vmic.executors._command import Command, Shell
from vmic.model._services import GuestOnlyService, IntegrationService, guest_service_for

if TYPE_CHECKING:
    from collections.abc import Iterable

    from vmic.executors._protocol import Executor
    from vmic.executors._result import Result
    from vmic.model._observations import HostObservation, VMObservation
    from vmic.model._operating_system import OperatingSystem
    from vmic.model._records import IntegrationComponentRecord, VirtualMachineRecord

__all__ = ["Change", "DesiredState", "HyperVHost", "ServiceLike"]

#: Seconds a host command may run by default (an inventory of a large host takes a while).
DEFAULT_TIMEOUT: Final = 300.0

#: What names a service: the enum, or any name :meth:`IntegrationService.lookup` knows
#: (English, localized, Windows service name, GUID...).
ServiceLike = IntegrationService | str

#: A desired host setting per service (True: enabled), keyed by enum or by name.
DesiredState = (
    Mapping[IntegrationService, bool] | Mapping[str, bool] | Mapping[IntegrationService | str, bool]
)


@attrs.frozen
class Change:
    """One host setting that a change command flipped (or, with ``check=True``, would flip).

    Attributes:
        vm: The VM's name.
        service: The integration service.
        before: Whether it was enabled before.
        after: Whether it is (or would be) enabled after.
    """

    vm: str
    service: IntegrationService
    before: bool
    after: bool

    def __str__(self) -> str:
        verb = "enable" if self.after else "disable"
        return f"{verb} {self.service.english_name} on {self.vm}"


def _service(value: object) -> IntegrationService:
    if isinstance(value, IntegrationService):
        return value
    if isinstance(value, GuestOnlyService):
        raise ConfigurationError(
            f"{value.info.windows_service} is a guest-only service: the host has no setting "
            "for it (start or stop it in the guest instead)"
        )
    if isinstance(value, str):
        guest_side = guest_service_for(value)
        if isinstance(guest_side, GuestOnlyService):
            return _service(guest_side)
        return IntegrationService.lookup(value)
    raise UnknownServiceError(repr(value))


def _check_vm_name(vm: object) -> str:
    if not isinstance(vm, str) or not vm:
        raise ConfigurationError(f"a VM name must be a non-empty string, not {vm!r}")
    return vm


class HyperVHost:
    """A Hyper-V host, reached through an executor that runs PowerShell there.

    Args:
        executor: Runs PowerShell on the host (elevated, with the Hyper-V module).
        name: The host's name in observations and messages; default: the name the
            host reports (``$env:COMPUTERNAME``), once known.
        timeout: Seconds each command may run.
    """

    def __init__(
        self,
        executor: Executor,
        *,
        name: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> None:
        if name is not None and not isinstance(name, str):
            raise ConfigurationError(f"name must be a string, not {name!r}")
        self._executor = executor
        self._name = name
        self._timeout = timeout

    def __repr__(self) -> str:
        return f"HyperVHost({self._executor!r}, name={self._name!r})"

    @property
    def name(self) -> str | None:
        """The host's name: as given, else as the host last reported it (None before)."""
        return self._name

    @property
    def executor(self) -> Executor:
        """The executor commands go through."""
        return self._executor

    # --- reading ---------------------------------------------------------------------------

    def observe(self) -> HostObservation:
        """Every VM with its integration components, guest intrinsic items and guest OS.

        One command, whatever the number of VMs.

        Raises:
            vmic.ExecutionError: The command could not run, or failed.
            vmic.ParseError: The host's output could not be read.
        """
        result = self._executor.run(
            Command(Shell.POWERSHELL, _scripts.HOST_INVENTORY, timeout=self._timeout)
        )
        return self._read_inventory(result)

    def _observe_vm(self, vm: str) -> VMObservation:
        name = _check_vm_name(vm)
        result = self._executor.run(
            Command(
                Shell.POWERSHELL,
                _scripts.HOST_INVENTORY_VM,
                parameters={"VMName": name},
                timeout=self._timeout,
            )
        )
        observation = self._read_inventory(result)
        if not observation.vms:
            raise VMNotFoundError(self._label, name)
        if len(observation.vms) > 1:
            raise AmbiguousVMError(self._label, name, len(observation.vms))
        return observation.vms[0]

    def _read_inventory(self, result: Result) -> HostObservation:
        sections = read_result(result, required=INVENTORY_SECTIONS, what="the host inventory")
        observation = inventory_from_sections(sections, name=self._name)
        if self._name is None and observation.host:
            self._name = observation.host
        return observation

    @property
    def _label(self) -> str:
        # The host's name for messages: given, reported, or the executor's own.
        named = getattr(self._executor, "name", None)
        return self._name or (named if isinstance(named, str) else repr(self._executor))

    def vms(self) -> tuple[VirtualMachineRecord, ...]:
        """What ``Get-VM`` reports for every VM (name, id, state, integration services version).

        Raises:
            vmic.ExecutionError: The command could not run, or failed.
            vmic.ParseError: The host's output could not be read.
        """
        return tuple(observation.vm for observation in self.observe().vms)

    def integration_services(self, vm: str | None = None) -> tuple[VMObservation, ...]:
        """The integration services of every VM (or of the VM named exactly *vm*).

        Each entry holds the VM's ``Get-VM`` record (version and integration services
        state) and its components (enabled, statuses), in one round trip.

        Raises:
            VMNotFoundError: *vm* was given and no VM has exactly that name.
            AmbiguousVMError: Several VMs have that name.
            vmic.ExecutionError: The command could not run, or failed.
            vmic.ParseError: The host's output could not be read.
        """
        if vm is None:
            return self.observe().vms
        return (self._observe_vm(vm),)

    def guest_intrinsic_items(self, vm: str) -> dict[str, str]:
        """The guest's intrinsic KVP items as the host sees them (empty when Data Exchange is off).

        ``OSName``, ``OSVersion``, ``IntegrationServicesVersion``, ``NetworkAddressIPv4``...
        from ``Msvm_KvpExchangeComponent.GuestIntrinsicExchangeItems``.

        Raises:
            VMNotFoundError: No VM has exactly that name.
            AmbiguousVMError: Several VMs have that name.
        """
        return dict(self._observe_vm(vm).intrinsic_items)

    def guest_os(self, vm: str) -> OperatingSystem | None:
        """The guest OS its intrinsic KVP items name, or None when it has not reported one.

        Raises:
            VMNotFoundError: No VM has exactly that name.
            AmbiguousVMError: Several VMs have that name.
        """
        return self._observe_vm(vm).guest_os

    # --- changing ----------------------------------------------------------------------------

    def enable(self, vm: str, *services: ServiceLike) -> tuple[Change, ...]:
        """``Enable-VMIntegrationService`` for *services* on the VM named exactly *vm*.

        Services already enabled are left alone. The state is read back in the same
        command and checked.

        Returns:
            The settings that changed (empty when all were already enabled).

        Raises:
            VMNotFoundError: No VM has exactly that name.
            AmbiguousVMError: Several VMs have that name.
            VerificationError: A service is not enabled afterwards.
            vmic.UnknownServiceError: A name is not a service.
        """
        return self._set(vm, {_service(s): True for s in services})

    def disable(self, vm: str, *services: ServiceLike) -> tuple[Change, ...]:
        """``Disable-VMIntegrationService`` for *services* on the VM named exactly *vm*.

        See :meth:`enable`.
        """
        return self._set(vm, {_service(s): False for s in services})

    def apply(self, vm: str, desired: DesiredState, *, check: bool = False) -> tuple[Change, ...]:
        """Bring the host settings of the VM named exactly *vm* to *desired*.

        The current settings are read first; a change command is sent only when some
        differ, and it changes only those, then reads back and verifies. Services not in
        *desired* are left as they are.

        Args:
            vm: The VM's exact name.
            desired: Whether each service should be enabled.
            check: Change nothing; return what would change.

        Returns:
            The settings that changed (or would change), in catalog order.

        Raises:
            VMNotFoundError: No VM has exactly that name.
            AmbiguousVMError: Several VMs have that name.
            VerificationError: After the change, a setting is not as asked.
            vmic.UnknownServiceError: A key is not a service.
            vmic.ConfigurationError: A value is not a bool.
        """
        wanted = _desired(desired)
        current = self._observe_vm(vm)
        planned = _plan(current.name, current.components, wanted)
        if check or not planned:
            return planned
        return self._set(vm, {change.service: change.after for change in planned})

    def _set(self, vm: str, wanted: dict[IntegrationService, bool]) -> tuple[Change, ...]:
        name = _check_vm_name(vm)
        if not wanted:
            return ()
        result = self._executor.run(
            Command(
                Shell.POWERSHELL,
                _scripts.HOST_SET_SERVICES,
                parameters={
                    "VMName": name,
                    "Enable": tuple(s.guid for s, on in wanted.items() if on),
                    "Disable": tuple(s.guid for s, on in wanted.items() if not on),
                },
                timeout=self._timeout,
            )
        )
        sections = read_result(result, required=("before", "after"), what="the change command")
        reason = error_reason(sections)
        if reason is not None:
            self._raise_vm_error(name, reason)
        before = _settings(parse_components(sections["before"]))
        after = _settings(parse_components(sections["after"]))
        actual = {service: after.get(service) for service in wanted}
        if any(actual[service] is not on for service, on in wanted.items()):
            raise VerificationError(self._label, name, wanted, actual)
        return tuple(
            Change(name, service, before[service], after[service])
            for service in IntegrationService
            if service in before and service in after and before[service] != after[service]
        )

    def _raise_vm_error(self, vm: str, reason: tuple[str, str]) -> None:
        word, detail = reason
        # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
        count = int(detail) if detail.isascii() and detail.isdigit() else None
        if word == "vm-count" and count == 0:
            raise VMNotFoundError(self._label, vm)
        if word == "vm-count" and count is not None and count > 1:
            raise AmbiguousVMError(self._label, vm, count)
        raise ParseError(f"the change command reported {word!r} {detail!r}")


def _desired(desired: DesiredState) -> dict[IntegrationService, bool]:
    checked: object = desired
    if not isinstance(checked, Mapping):
        raise ConfigurationError(f"desired must map services to booleans, not {desired!r}")
    wanted: dict[IntegrationService, bool] = {}
    for key, value in checked.items():
        service = _service(key)
        if not isinstance(value, bool):
            raise ConfigurationError(
                f"desired[{key!r}] must be True (enabled) or False (disabled), not {value!r}"
            )
        if wanted.get(service, value) is not value:
            raise ConfigurationError(f"desired names {service.english_name} twice, differently")
        wanted[service] = value
    return wanted


def _settings(records: Iterable[IntegrationComponentRecord]) -> dict[IntegrationService, bool]:
    return {r.service: r.enabled for r in records if r.service is not None}


def _plan(
    vm: str,
    components: Iterable[IntegrationComponentRecord],
    wanted: dict[IntegrationService, bool],
) -> tuple[Change, ...]:
    current = _settings(components)
    changes = []
    for service in IntegrationService:
        if service not in wanted:
            continue
        if service not in current:
            raise ConfigurationError(
                f"the host lists no {service.english_name} component for VM {vm!r} "
                "(its Hyper-V version predates the service)"
            )
        if current[service] is not wanted[service]:
            changes.append(Change(vm, service, current[service], wanted[service]))
    return tuple(changes)
