"""What vmic observed on a host and in its guests: the input of the diagnosis.

Clients (:class:`vmic.HyperVHost`, :class:`vmic.WindowsGuest`, :class:`vmic.LinuxGuest`)
produce these from real or simulated machines; :func:`vmic.diagnose` reads them. They are
plain frozen data, so observations can also be built by hand, saved and diagnosed later.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

import attrs

from vmic.model._linux import InitSystem
from vmic.model._linux_records import ModuleStatus, SystemdUnit
from vmic.model._operating_system import OperatingSystem
from vmic.model._records import (
    GuestServiceRecord,
    IntegrationComponentRecord,
    VirtualMachineRecord,
)
from vmic.model._services import IntegrationService
from vmic.model._time_sync import LinuxTimeSync, WindowsTimeSync

if TYPE_CHECKING:
    from collections.abc import Iterable

    from packaging.version import Version

__all__ = [
    "GuestObservation",
    "GuestUnreachable",
    "HostObservation",
    "LinuxDaemonObservation",
    "LinuxGuestObservation",
    "VMObservation",
    "WindowsGuestObservation",
]

_v = attrs.validators


def _components(
    value: Iterable[IntegrationComponentRecord],
) -> tuple[IntegrationComponentRecord, ...]:
    return tuple(value)


def _vms(value: Iterable[VMObservation]) -> tuple[VMObservation, ...]:
    return tuple(value)


def _services(value: Iterable[GuestServiceRecord]) -> tuple[GuestServiceRecord, ...]:
    return tuple(value)


def _daemons(value: Iterable[LinuxDaemonObservation]) -> tuple[LinuxDaemonObservation, ...]:
    return tuple(value)


def _items(value: object) -> tuple[tuple[str, str], ...]:
    """Normalize KVP items (a mapping or pairs) to sorted pairs, so observations hash."""
    pairs = value.items() if isinstance(value, dict) else value
    return tuple(sorted((str(k), str(v)) for k, v in pairs))  # type: ignore[attr-defined]


@attrs.frozen(kw_only=True)
class VMObservation:
    """The host's view of one VM.

    Attributes:
        vm: What ``Get-VM`` reports.
        components: What ``Get-VMIntegrationService`` reports, one record per service.
        intrinsic_items: The guest's KVP intrinsic items as the host sees them (``OSName``,
            ``OSVersion``, ``IntegrationServicesVersion``, ``NetworkAddressIPv4``...), empty
            when Data Exchange is off or the guest never reported.
        guest_os: The guest OS read from the intrinsic items, when they name one.
    """

    vm: VirtualMachineRecord = attrs.field(validator=_v.instance_of(VirtualMachineRecord))
    components: tuple[IntegrationComponentRecord, ...] = attrs.field(converter=_components)
    intrinsic_items: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_items)
    guest_os: OperatingSystem | None = attrs.field(
        default=None, validator=_v.optional(_v.instance_of(OperatingSystem))
    )

    @property
    def name(self) -> str:
        """The VM's name."""
        return self.vm.name

    def component(self, service: IntegrationService) -> IntegrationComponentRecord | None:
        """The host's record of *service* for this VM, matched by component GUID."""
        for record in self.components:
            if record.service is service:
                return record
        return None

    def item(self, key: str) -> str | None:
        """One intrinsic KVP item, or None."""
        return dict(self.intrinsic_items).get(key)


@attrs.frozen(kw_only=True)
class HostObservation:
    """Everything one inventory round trip to a Hyper-V host returned.

    Attributes:
        host: The host's name as vmic reached it.
        host_os: The host's operating system, when known.
        vms: One observation per VM, in the host's order.
    """

    host: str = attrs.field(validator=_v.instance_of(str))
    host_os: OperatingSystem | None = attrs.field(
        default=None, validator=_v.optional(_v.instance_of(OperatingSystem))
    )
    vms: tuple[VMObservation, ...] = attrs.field(default=(), converter=_vms)

    def vm(self, name: str) -> VMObservation | None:
        """The VM with exactly this name, or None."""
        for observation in self.vms:
            if observation.vm.name == name:
                return observation
        return None

    def __repr__(self) -> str:
        return f"<HostObservation {self.host!r}: {len(self.vms)} VMs>"

    def _repr_html_(self) -> str:
        from vmic.render import observation_fragment  # noqa: PLC0415 - only in notebooks

        return observation_fragment(_observation_view(self))


def _component_view(record: IntegrationComponentRecord) -> dict[str, str]:
    status = record.primary_status
    words = "enabled" if record.enabled else "disabled"
    if status is not None:
        words += f", {status.value}"
    if not record.enabled:
        state = "off"
    elif status is None or status.value == "ok":
        state = "on"
    else:
        state = "other"
    name = record.name if record.service is None else record.service.english_name
    return {"name": name, "state": state, "text": words}


def _observation_view(host: HostObservation) -> dict[str, object]:
    """The plain data :func:`vmic.render.observation_fragment` shows."""
    return {
        "host": host.host,
        "host_os": None if host.host_os is None else str(host.host_os),
        "vms": [
            {
                "vm": vm.name,
                "state": vm.vm.state.value,
                "guest_os": None if vm.guest_os is None else str(vm.guest_os),
                "services": [_component_view(c) for c in vm.components],
            }
            for vm in host.vms
        ],
    }


@attrs.frozen(kw_only=True)
class WindowsGuestObservation:
    """What a Windows guest reported about its integration services.

    Attributes:
        integration_services_version: From ``REG QUERY ... /v IntegrationServicesVersion``
            (None when the value is missing).
        services: The ``vmic*`` services from ``Get-Service``.
        guest_os: The guest's own operating system (``Win32_OperatingSystem``), when it
            reported one; the host knows it only through Data Exchange.
        time_sync: Where its clock takes time from, when the guest reported it.
    """

    integration_services_version: Version | None = None
    services: tuple[GuestServiceRecord, ...] = attrs.field(default=(), converter=_services)
    guest_os: OperatingSystem | None = attrs.field(
        default=None, validator=_v.optional(_v.instance_of(OperatingSystem))
    )
    time_sync: WindowsTimeSync | None = attrs.field(
        default=None, validator=_v.optional(_v.instance_of(WindowsTimeSync))
    )

    def service(self, name: str) -> GuestServiceRecord | None:
        """The record of the Windows service *name* (``vmicheartbeat``...), or None."""
        lowered = name.lower()
        for record in self.services:
            if record.name.lower() == lowered:
                return record
        return None


@attrs.frozen(kw_only=True)
class LinuxDaemonObservation:
    """One Hyper-V daemon in a Linux guest.

    Attributes:
        service: The integration service the daemon implements.
        daemon: The binary name on this distribution (``hv_kvp_daemon``, ``hypervkvpd``...).
        installed: Whether the binary is present (``compgen -c hv_``, its path, or the unit).
        running: Whether it runs: the service manager's word first (systemd ``ActiveState``
            and ``MainPID``, OpenRC / ``rc.d`` status), the process list otherwise.
        unit: The systemd unit's state, when systemd is present and ships one.
        path: Where the binary was found, when its path was checked.
        pid: The PID of its process in ``ps -ef``, if one runs (corroboration).
        service_status: Exit code of the OpenRC / ``rc.d`` ``status`` command (0: started).
    """

    service: IntegrationService = attrs.field(validator=_v.instance_of(IntegrationService))
    daemon: str = attrs.field(validator=_v.instance_of(str))
    installed: bool = attrs.field(validator=_v.instance_of(bool))
    running: bool = attrs.field(validator=_v.instance_of(bool))
    unit: SystemdUnit | None = attrs.field(
        default=None, validator=_v.optional(_v.instance_of(SystemdUnit))
    )
    path: str | None = attrs.field(default=None, validator=_v.optional(_v.instance_of(str)))
    pid: int | None = attrs.field(default=None, validator=_v.optional(_v.instance_of(int)))
    service_status: int | None = attrs.field(
        default=None, validator=_v.optional(_v.instance_of(int))
    )

    @property
    def evidence(self) -> str:
        """How *running* was decided (unit, state, PID), in words the diagnosis quotes."""
        return _daemon_evidence(self)


def _daemon_evidence(entry: LinuxDaemonObservation) -> str:
    """How "running" was decided, in words the diagnosis quotes."""
    unit = entry.unit
    if unit is not None and unit.load_state.systemd_name != "not-found":
        words = (
            f"{unit.name} is {unit.active_state.systemd_name} ({unit.sub_state}"
            + (f", MainPID {unit.main_pid}" if unit.main_pid else "")
            + ")"
        )
        if unit.load_state.systemd_name != "loaded":
            words += f", {unit.load_state.systemd_name}"
        if entry.pid is not None and entry.pid != unit.main_pid:
            words += f"; process {entry.daemon} (PID {entry.pid}) runs outside the unit"
        return words
    if entry.service_status is not None:
        return f"service status exit code {entry.service_status}"
    if entry.pid is not None:
        return f"process {entry.daemon} (PID {entry.pid})"
    return f"no {entry.daemon} process"


@attrs.frozen(kw_only=True)
class LinuxGuestObservation:
    """What a Linux guest reported.

    Attributes:
        distribution: The distribution (``/etc/os-release`` ``ID``), when known.
        hv_utils: Whether the ``hv_utils`` driver is loaded, built in, or absent.
        daemons: One entry per daemon-backed service (Key-Value Pair Exchange, VSS, Guest
            Service Interface).
        distribution_version: Its release (``VERSION_ID``), when known.
        init_system: The service manager running as PID 1 (``NONE``: none, as in a
            container); None when not read.
        hv_vmbus: Whether the VMBus driver is there: absent means not on Hyper-V. None when
            not read.
        time_sync: Where its clock takes time from, when the guest reported it.
    """

    distribution: str | None = None
    hv_utils: ModuleStatus = attrs.field(validator=_v.instance_of(ModuleStatus))
    daemons: tuple[LinuxDaemonObservation, ...] = attrs.field(default=(), converter=_daemons)
    distribution_version: str | None = attrs.field(
        default=None, validator=_v.optional(_v.instance_of(str))
    )
    init_system: InitSystem | None = attrs.field(
        default=None, validator=_v.optional(_v.instance_of(InitSystem))
    )
    hv_vmbus: ModuleStatus | None = attrs.field(
        default=None, validator=_v.optional(_v.instance_of(ModuleStatus))
    )
    time_sync: LinuxTimeSync | None = attrs.field(
        default=None, validator=_v.optional(_v.instance_of(LinuxTimeSync))
    )

    def daemon(self, service: IntegrationService) -> LinuxDaemonObservation | None:
        """The daemon entry for *service*, or None (kernel-only services have none)."""
        for entry in self.daemons:
            if entry.service is service:
                return entry
        return None


@attrs.frozen(kw_only=True)
class GuestUnreachable:
    """The guest could not be asked; the diagnosis falls back to the host side only.

    Attributes:
        reason: Why, in words a person can act on (no secrets).
    """

    reason: str = attrs.field(validator=_v.instance_of(str))


#: What a guest reported, or why it could not be asked.
GuestObservation: TypeAlias = WindowsGuestObservation | LinuxGuestObservation | GuestUnreachable
