"""Hand-made observations for the diagnosis tests: a healthy VM, then one change at a time.

Their shape follows what ``Get-VM``, ``Get-VMIntegrationService``, ``Get-Service -Name vmic*``,
``lsmod``, ``ps -ef`` and ``systemctl show`` report (see tests/data/*/README.md and NOTES.md),
already parsed into vmic's records.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import attrs

from vmic import (
    IntegrationService,
    OperatingSystem,
    OperationalStatus,
    Product,
    StartType,
    WindowsServiceStatus,
    parse_os,
)
from vmic.model._guest import Guest, GuestService, GuestUnreachable
from vmic.model._host import VM, Host
from vmic.model._linux import packaging_for
from vmic.model._linux_records import (
    ModuleStatus,
    SystemdUnit,
    UnitActiveState,
    UnitFileState,
    UnitLoadState,
)
from vmic.model._records import (
    ComponentId,
    GuestServiceRecord,
    IntegrationComponentRecord,
    IntegrationServicesState,
    VirtualMachineRecord,
    VMState,
)
from vmic.model._services import GuestOnlyService

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

HOST = "hv01"
HOST_OS = parse_os("Windows Server 2019")
DAEMON_SERVICES = (
    IntegrationService.KEY_VALUE_PAIR_EXCHANGE,
    IntegrationService.VSS,
    IntegrationService.GUEST_SERVICE_INTERFACE,
)


def vm_id(name: str) -> str:
    """A stable id per VM name."""
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, name)).upper()


def component(
    vm: str,
    service: IntegrationService,
    *,
    enabled: bool | None = None,
    primary: OperationalStatus | None = None,
    secondary: OperationalStatus | None = None,
) -> IntegrationComponentRecord:
    """One host row; by default as a healthy VM shows it (enabled by default → OK)."""
    on = service.info.default_enabled if enabled is None else enabled
    if primary is None:
        primary = OperationalStatus.OK if on else None
    return IntegrationComponentRecord(
        vm_name=vm,
        vm_id=vm_id(vm),
        name=service.english_name,
        enabled=on,
        primary_status=primary,
        secondary_status=secondary,
        component_id=ComponentId(vm_id(vm), service.guid),
    )


def vm(
    name: str,
    *,
    guest_os: str | OperatingSystem | None = "Windows Server 2019",
    state: VMState = VMState.RUNNING,
    is_state: IntegrationServicesState = IntegrationServicesState.UP_TO_DATE,
    overrides: Mapping[IntegrationService, Mapping[str, object]] | None = None,
    guest: Guest | GuestUnreachable | None = None,
) -> VM:
    """A VM as the host sees it, with *guest*; *overrides* change one service's host row."""
    overrides = overrides or {}
    running = state is VMState.RUNNING
    rows = []
    for service in IntegrationService:
        options = dict(overrides.get(service, {}))
        if not running:
            options.setdefault("primary", None)
            enabled = options.get("enabled", service.info.default_enabled)
            row = IntegrationComponentRecord(
                vm_name=name,
                vm_id=vm_id(name),
                name=service.english_name,
                enabled=bool(enabled),
                component_id=ComponentId(vm_id(name), service.guid),
            )
        else:
            row = component(name, service, **options)  # type: ignore[arg-type]
        rows.append(row)
    os_ = parse_os(guest_os) if isinstance(guest_os, str) else guest_os
    record = VirtualMachineRecord(
        name=name,
        id=vm_id(name),
        state=state,
        status="Operating normally" if running else "",
        integration_services_state=is_state,
    )
    return observation(record, rows, guest_os=os_, guest=guest)


def observation(
    record: VirtualMachineRecord,
    components: Iterable[IntegrationComponentRecord],
    *,
    guest_os: OperatingSystem | None = None,
    items: Mapping[str, str] | None = None,
    guest: Guest | GuestUnreachable | None = None,
) -> VM:
    """A VM from the host's records, as the inventory reads one."""
    return VM.from_record(
        record, components, guest_os=guest_os, intrinsic_items=dict(items or {}), guest=guest
    )


def windows_guest(
    *,
    product: OperatingSystem | None = None,
    statuses: Mapping[str, WindowsServiceStatus] | None = None,
    start_types: Mapping[str, StartType] | None = None,
    missing: tuple[str, ...] = (),
) -> Guest:
    """A Windows guest's ``Get-Service -Name vmic*``: every service running, GSI stopped.

    Guest Service Interface is stopped because it is off on the host by default, and
    PowerShell Direct (``vmicvmsession``) is stopped because it starts on demand, as in the
    Manage article's sample.
    """
    statuses = dict(statuses or {})
    start_types = dict(start_types or {})
    records = []
    services = [*IntegrationService, GuestOnlyService.POWERSHELL_DIRECT]
    for service in services:
        name = service.info.windows_service
        if name in missing:
            continue
        if product is not None and not service.is_available_on(product.product):
            continue
        default = WindowsServiceStatus.RUNNING
        if service in {
            IntegrationService.GUEST_SERVICE_INTERFACE,
            GuestOnlyService.POWERSHELL_DIRECT,
        }:
            default = WindowsServiceStatus.STOPPED
        records.append(
            GuestService.from_record(
                GuestServiceRecord(
                    name=name,
                    display_name=service.info.windows_display_names[0],
                    status=statuses.get(name, default),
                    start_type=start_types.get(name, StartType.MANUAL),
                )
            )
        )
    return Guest(os=product, services=records)


def unit(
    name: str, *, file_state: UnitFileState = UnitFileState.ENABLED, active: bool = True
) -> SystemdUnit:
    """``systemctl show`` of one daemon unit."""
    return SystemdUnit(
        name=name,
        load_state=UnitLoadState.MASKED
        if file_state is UnitFileState.MASKED
        else UnitLoadState.LOADED,
        active_state=UnitActiveState.ACTIVE if active else UnitActiveState.INACTIVE,
        sub_state="running" if active else "dead",
        unit_file_state=file_state,
        main_pid=4242 if active else None,
    )


def linux_guest(
    distribution: str = "ubuntu",
    *,
    hv_utils: ModuleStatus = ModuleStatus.LOADED,
    running: Mapping[IntegrationService, bool] | None = None,
    installed: Mapping[IntegrationService, bool] | None = None,
    unit_states: Mapping[IntegrationService, UnitFileState] | None = None,
) -> Guest:
    """A Linux guest: hv_utils loaded, KVP and VSS daemons running, fcopy daemon idle."""
    packaging = packaging_for(distribution)
    running = dict(running or {})
    installed = dict(installed or {})
    unit_states = dict(unit_states or {})
    daemons = []
    for service in DAEMON_SERVICES:
        is_installed = installed.get(service, True)
        default_running = service is not IntegrationService.GUEST_SERVICE_INTERFACE
        is_running = is_installed and running.get(service, default_running)
        unit_name = packaging.unit_for(service)
        systemd = None
        if unit_name is not None and is_installed:
            systemd = unit(
                unit_name,
                file_state=unit_states.get(service, UnitFileState.ENABLED),
                active=is_running,
            )
        daemons.append(
            GuestService(
                service=service,
                name=packaging.daemon_for(service) or service.info.linux_daemons[0],
                installed=is_installed,
                running=is_running,
                unit=systemd,
            )
        )
    system = OperatingSystem(Product.LINUX, distribution=distribution)
    return Guest(os=system, hv_utils=hv_utils, services=daemons)


def with_guest(vm: VM, guest: Guest | GuestUnreachable | None) -> VM:
    """*vm* carrying *guest*."""
    return attrs.evolve(vm, guest=guest)


def with_guests(host: Host, guests: Mapping[str, Guest | GuestUnreachable]) -> Host:
    """*host*, each VM named in *guests* carrying its guest (as an audit attaches them)."""
    return attrs.evolve(
        host, vms=[with_guest(vm, guests[vm.name]) if vm.name in guests else vm for vm in host.vms]
    )


def host(*vms: VM, host_os: OperatingSystem | None = HOST_OS) -> Host:
    """A host with these VMs."""
    return Host(HOST, os=host_os, vms=vms)
