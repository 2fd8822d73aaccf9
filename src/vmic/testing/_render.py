"""What a simulated VM shows: its state turned into the records the parsers' formatters print.

Host side (one ``Get-VMIntegrationService`` row per service):

- VM off: no status;
- service disabled on the host: ``OK`` (the specification's sample shows the disabled
  Guest Service Interface as ``OK``);
- service working in the guest: ``OK``; Heartbeat adds a secondary ``OK`` (as in the
  sample); outdated guest integration services add ``ProtocolMismatch`` instead;
- enabled but the guest side installed and not running: ``Lost Communication``;
- enabled and the guest side missing (not installed, too old, no daemon, no
  ``hv_utils``): ``No Contact`` (a German host shows "Kein Kontakt" for a Linux guest
  without the KVP daemon, reference notes section 3).

``Get-VM`` shows the integration services version and state only while Data
Exchange works (the host learns them through it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from vmic.errors import ConfigurationError
from vmic.model._linux import DAEMON_SERVICES, KERNEL_SERVICES, InitSystem, packaging_for
from vmic.model._linux_packaging import PsFormat
from vmic.model._linux_records import (
    KvpPool,
    KvpRecord,
    LoadedModule,
    ProcessRecord,
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
    RegistryValue,
    VirtualMachineRecord,
    VMState,
)
from vmic.model._services import IntegrationService
from vmic.model._status import OperationalStatus
from vmic.rules._semantics import (
    KernelDriver,
    LinuxDaemonService,
    UnitState,
    WindowsGuestService,
)
from vmic.testing._guest_data import (
    BASE_BUILTIN_MODULES,
    BUILTIN_HV_MODULES,
    HV_MODULES,
    KVP_HELPERS,
    OS_NAME_OVERRIDES,
    PRODUCT_BUILDS,
    UNIT_DESCRIPTIONS,
    WINDOWS_EDITIONS,
)

if TYPE_CHECKING:
    from vmic.model._linux import LinuxPackaging
    from vmic.testing._vm import FakeVM

__all__ = [
    "REGISTRY_KEY",
    "builtin_modules",
    "command_names",
    "component_records",
    "guest_service_records",
    "host_parameters",
    "intrinsic_items",
    "kvp_pools",
    "loaded_modules",
    "os_caption",
    "processes",
    "registry_values",
    "systemd_units",
    "vm_record",
]

#: The key the specification's ``REG QUERY`` reads, as ``reg.exe`` prints it.
REGISTRY_KEY: Final = "HKEY_LOCAL_MACHINE\\Software\\Microsoft\\Virtual Machine\\Auto"

_KVP: Final = IntegrationService.KEY_VALUE_PAIR_EXCHANGE
_UIO_DAEMON: Final = "hv_fcopy_uio_daemon"
#: Linux 6.10 replaced hv_fcopy_daemon with hv_fcopy_uio_daemon.
_UIO_KERNEL: Final = (6, 10)
#: Directories on a default PATH, where ``compgen -c`` finds a binary.
_ON_PATH: Final = frozenset({"/usr/sbin", "/usr/bin", "/sbin", "/bin"})
#: What Linux's hv_kvp driver reports as IntegrationServicesVersion (HV_DRV_VERSION).
_LINUX_IS_VERSION: Final = "3.1"


def _statuses(
    vm: FakeVM, service: IntegrationService
) -> tuple[OperationalStatus | None, OperationalStatus | None]:
    if not vm.running:
        return None, None
    state = vm.integration.state(service)
    if state.host_enabled is False:
        return OperationalStatus.OK, None
    if state.functioning:
        if vm.outdated:
            return OperationalStatus.OK, OperationalStatus.PROTOCOL_MISMATCH
        secondary = OperationalStatus.OK if service is IntegrationService.HEARTBEAT else None
        return OperationalStatus.OK, secondary
    guest = state.guest
    if guest is not None and guest.installed:
        return OperationalStatus.LOST_COMMUNICATION, None
    return OperationalStatus.NO_CONTACT, None


def component_records(vm: FakeVM) -> list[IntegrationComponentRecord]:
    """The VM's six ``Get-VMIntegrationService`` rows (English text; formatters localize)."""
    vm_id = str(vm.id).upper()
    integration = vm.integration
    rows = []
    for service in IntegrationService:
        primary, secondary = _statuses(vm, service)
        # Built from the catalog and the lab's own state, so right by construction (the
        # id's GUID is the service's, the VM id a GUID): the records' checks, which cost
        # more than writing the row, are not run again on every answer.
        rows.append(
            IntegrationComponentRecord._unchecked(
                vm_name=vm.name,
                vm_id=vm_id,
                name=service.english_name,
                enabled=bool(integration.state(service).host_enabled),
                primary_status=primary,
                primary_status_description="" if primary is None else "OK",
                secondary_status=secondary,
                secondary_status_description="" if secondary is None else "OK",
                component_id=ComponentId._unchecked(vm_id, service.guid),
                service=service,
            )
        )
    return rows


def vm_record(vm: FakeVM) -> VirtualMachineRecord:
    """The VM's ``Get-VM`` record."""
    version = vm.integration_services_version if vm.kvp_works() else None
    if version is None:
        state = IntegrationServicesState.UNKNOWN
    elif vm.outdated:
        state = IntegrationServicesState.UPDATE_REQUIRED
    else:
        state = IntegrationServicesState.UP_TO_DATE
    return VirtualMachineRecord(
        name=vm.name,
        id=str(vm.id).upper(),
        state=VMState.RUNNING if vm.running else VMState.OFF,
        status="Operating normally",
        integration_services_version=version,
        integration_services_state=state,
    )


def _windows_os_name(vm: FakeVM) -> str:
    product = vm.guest_os.product
    override = OS_NAME_OVERRIDES.get(product.value)
    if override is not None:
        return override
    return f"{product.display_name} {WINDOWS_EDITIONS[product.family.value]}"


def _os_version(vm: FakeVM) -> str:
    nt = vm.guest_os.product.nt_version or (0, 0)
    build = vm.guest_os.build or PRODUCT_BUILDS.get(vm.guest_os.product.value, 0)
    return f"{nt[0]}.{nt[1]}.{build}"


def os_caption(vm: FakeVM) -> tuple[str, str]:
    """A Windows guest's ``Win32_OperatingSystem`` caption and version."""
    return f"Microsoft {_windows_os_name(vm)}", _os_version(vm)


def intrinsic_items(vm: FakeVM) -> dict[str, str]:
    """The guest's intrinsic KVP items, empty while Data Exchange does not work."""
    if not vm.kvp_works():
        return {}
    if vm.guest_os.is_windows:
        nt = vm.guest_os.product.nt_version or (0, 0)
        server = vm.guest_os.product.family.value == "windows_server"
        items = {
            "FullyQualifiedDomainName": vm.fqdn,
            "IntegrationServicesVersion": str(vm.integration_services_version or ""),
            "NetworkAddressIPv4": vm.ipv4,
            "NetworkAddressIPv6": vm.ipv6,
            "OSBuildNumber": _os_version(vm).rsplit(".", 1)[-1],
            "OSMajorVersion": str(nt[0]),
            "OSMinorVersion": str(nt[1]),
            "OSName": _windows_os_name(vm),
            "OSPlatformId": "2",
            "OSVersion": _os_version(vm),
            "ProcessorArchitecture": "9",
            "ProductType": "3" if server else "1",
            "ServicePackMajor": str(vm.guest_os.service_pack or 0),
            "ServicePackMinor": "0",
        }
    else:
        release = vm.release
        assert release is not None  # noqa: S101 - every Linux FakeVM has a release
        items = {
            "FullyQualifiedDomainName": vm.fqdn,
            "IntegrationServicesVersion": _LINUX_IS_VERSION,
            "NetworkAddressIPv4": vm.ipv4,
            "NetworkAddressIPv6": vm.ipv6,
            "OSBuildNumber": release.kernel,
            "OSName": release.name,
            "OSMajorVersion": release.version_id,
            "OSVersion": release.kernel.split("-", 1)[0],
            "ProcessorArchitecture": "x86_64",
        }
    for key, value in vm.extra_items().items():
        if value is None:
            items.pop(key, None)
        else:
            items[key] = value
    return dict(sorted(items.items()))


# --- Windows guest ----------------------------------------------------------------------------


def guest_service_records(vm: FakeVM) -> list[GuestServiceRecord]:
    """``Get-Service -Name vmic*`` in a Windows guest, sorted by name as Get-Service sorts."""
    records = []
    for state in vm.integration.states:
        guest = state.guest
        if not isinstance(guest, WindowsGuestService) or not guest.installed:
            continue
        service = state.service
        info = service.info
        status = guest.service_status
        assert status is not None  # noqa: S101 - installed services have one
        records.append(
            GuestServiceRecord.shared(
                info.windows_service, info.windows_display_names[0], status, guest.start_type
            )
        )
    return sorted(records, key=lambda record: record.name)


def registry_values(vm: FakeVM) -> list[RegistryValue]:
    """What ``REG QUERY ... /v IntegrationServicesVersion`` lists (empty: value missing)."""
    installed = any(
        isinstance(state.guest, WindowsGuestService) and state.guest.installed
        for state in vm.integration.states
        if isinstance(state.service, IntegrationService)
    )
    version = vm.integration_services_version
    if not installed or version is None:
        return []
    return [RegistryValue(REGISTRY_KEY, "IntegrationServicesVersion", "REG_SZ", str(version))]


# --- Linux guest ------------------------------------------------------------------------------


def loaded_modules(vm: FakeVM) -> list[LoadedModule]:
    """What ``lsmod`` lists (newest first)."""
    driver = vm.kernel_driver()
    if driver is KernelDriver.BUILT_IN:
        return []
    modules = []
    for name, size, users in HV_MODULES:
        if name == "hv_utils" and driver is not KernelDriver.LOADED:
            continue
        kept = tuple(u for u in users if u != "hv_utils" or driver is KernelDriver.LOADED)
        modules.append(LoadedModule(name, size, len(kept), kept))
    return modules


def builtin_modules(vm: FakeVM) -> list[str]:
    """The lines of the running kernel's ``modules.builtin``."""
    lines = list(BASE_BUILTIN_MODULES)
    if vm.kernel_driver() is KernelDriver.BUILT_IN:
        lines.extend(BUILTIN_HV_MODULES)
    return sorted(lines)


def lab_packaging(vm: FakeVM) -> LinuxPackaging:
    """The packaging facts of this guest's distribution and release (the lab's only source)."""
    release = vm.release
    guest_os = vm.guest_os
    if release is not None:
        try:
            return packaging_for(release.id, release.version_id or None)
        except ConfigurationError:
            pass  # a release a test made up: the daemons of the OS the VM was made with
    return packaging_for(guest_os.distribution, guest_os.distribution_version)


def lab_daemon(vm: FakeVM, service: IntegrationService) -> str | None:
    """The binary this guest has for *service*: a kernel 6.10 or later has the UIO file copy."""
    names = lab_packaging(vm).daemon_names_for(service)
    if not names:
        return None
    release = vm.release
    if release is not None and release.kernel_version >= _UIO_KERNEL and _UIO_DAEMON in names:
        return _UIO_DAEMON
    return names[0]


def lab_unit(vm: FakeVM, service: IntegrationService) -> str | None:
    """The unit (or service) name of *service*'s daemon on this guest."""
    return lab_packaging(vm).unit_for(service, lab_daemon(vm, service))


def daemon_path(vm: FakeVM, daemon: str) -> str:
    """Where *daemon* is installed (and runs from) on this guest."""
    release = vm.release
    directory = release.daemon_directory if release is not None else "/usr/sbin"
    return f"{directory}/{daemon}"


def installed_paths(vm: FakeVM, asked: tuple[str, ...]) -> list[str]:
    """Which of the binary paths asked for exist on this guest (its installed daemons)."""
    packaging = lab_packaging(vm)
    present = set()
    for state in vm.integration.states:
        guest = state.guest
        service = state.service
        if isinstance(guest, LinuxDaemonService) and guest.installed:
            assert isinstance(service, IntegrationService)  # noqa: S101 - daemons serve these
            daemon = lab_daemon(vm, service)
            if daemon is not None:
                present.add(f"{packaging.directory}/{daemon}")
    return [path for path in asked if path in present]


def init_system(vm: FakeVM) -> InitSystem:
    """The service manager this guest runs (the one its packaging is written for)."""
    return lab_packaging(vm).init


def service_status(vm: FakeVM, names: tuple[str, ...]) -> list[tuple[str, int]]:
    """``rc-service NAME status`` exit codes (0 started, 3 stopped, 1 unknown service)."""
    by_name = {
        unit: service for service in DAEMON_SERVICES if (unit := lab_unit(vm, service)) is not None
    }
    codes = []
    for name in names:
        service = by_name.get(name)
        guest = vm.integration.state(service).guest if service is not None else None
        if service is None or not isinstance(guest, LinuxDaemonService) or not guest.installed:
            codes.append((name, 1))
        else:
            codes.append((name, 0 if vm.daemon_process(service) is not None else 3))
    return codes


def _process_row(layout: PsFormat, pid: int, ppid: int, command: str) -> ProcessRecord:
    """One process as *layout*'s ``ps`` shows it (the columns it does not print are None)."""
    if layout is PsFormat.BSD:
        tty, state = ("u0", "R+") if ppid == _SHELL_PID else ("-", "Ss")
        return ProcessRecord(None, pid, None, None, tty, "0:00.01", command, cpu=None, state=state)
    if layout is PsFormat.BUSYBOX:
        return ProcessRecord("root", pid, None, None, None, "0:00", command, cpu=None)
    if ppid == _SHELL_PID:
        return ProcessRecord("root", pid, ppid, "21:20", "pts/0", "00:00:00", command)
    return ProcessRecord("root", pid, ppid, "Jul11", "?", "00:00:00", command)


#: The system processes of each ``ps`` layout's guests: (pid, ppid, command).
_SYSTEM_PROCESSES: Final = {
    PsFormat.PROCPS: ((1, 0, "/sbin/init"), (2, 0, "[kthreadd]")),
    PsFormat.BSD: ((0, 0, "[kernel]"), (1, 0, "/sbin/init")),
    PsFormat.BUSYBOX: ((1, 0, "/sbin/init"), (2, 0, "[kthreadd]")),
}
_SERVICE_PROCESSES: Final = {
    PsFormat.PROCPS: (
        (412, 1, "/lib/systemd/systemd-journald"),
        (804, 1, "sshd: /usr/sbin/sshd -D"),
    ),
    # devd starts FreeBSD's Hyper-V daemons (sbin/devd/hyperv.conf).
    PsFormat.BSD: ((412, 1, "/sbin/devd"), (804, 1, "sshd: /usr/sbin/sshd [listener]")),
    PsFormat.BUSYBOX: ((412, 1, "/sbin/syslogd -t"), (804, 1, "sshd: /usr/sbin/sshd")),
}
_SHELL_PID: Final = 804


def processes(vm: FakeVM, *, extra: tuple[str, ...] = ()) -> list[ProcessRecord]:
    """The process list in the guest's own ``ps`` layout: system processes, kernel threads, daemons.

    Args:
        vm: The VM.
        extra: Commands of transient processes to list last (the ``ps`` itself).
    """
    packaging = lab_packaging(vm)
    layout = packaging.ps
    rows = [_process_row(layout, *row) for row in _SYSTEM_PROCESSES[layout]]
    driver = vm.kernel_driver()
    if driver is not None and layout is not PsFormat.BSD:  # Linux kernel threads
        rows += [
            _process_row(layout, 236, 2, "[hv_vmbus_con]"),
            _process_row(layout, 237, 2, "[hv_vmbus_ctl]"),
        ]
    rows += [_process_row(layout, *row) for row in _SERVICE_PROCESSES[layout]]
    for state in vm.integration.states:
        service = state.service
        if not isinstance(service, IntegrationService) or service in KERNEL_SERVICES:
            continue
        found = vm.daemon_process(service)
        daemon = lab_daemon(vm, service)
        if found is None or daemon is None:
            continue
        pid, method = found
        # systemd units run the daemons in the foreground (-n); devd and OpenRC do not.
        foreground = method == "systemd" and packaging.init is InitSystem.SYSTEMD
        command = daemon_path(vm, daemon) + (" -n" if foreground else "")
        rows.append(_process_row(layout, pid, 1, command))
    rows.extend(_process_row(layout, vm.take_pid(), _SHELL_PID, command) for command in extra)
    return rows


def command_names(vm: FakeVM) -> list[str]:
    """The commands ``compgen -c hv_; compgen -c hyperv`` finds (installed daemons, helpers)."""
    packaging = lab_packaging(vm)
    names: list[str] = []
    for state in vm.integration.states:
        guest = state.guest
        service = state.service
        if not isinstance(guest, LinuxDaemonService) or not guest.installed:
            continue
        assert isinstance(service, IntegrationService)  # noqa: S101 - daemons serve these
        daemon = lab_daemon(vm, service)
        if daemon is not None and packaging.directory in _ON_PATH:
            names.append(daemon)
        if service is _KVP and packaging.family in {"debian", "debian-10", "ubuntu"}:
            names.extend(KVP_HELPERS)
    hv = sorted(name for name in names if name.startswith("hv_"))
    hyperv = sorted(name for name in names if name.startswith("hyperv"))
    return hv + hyperv


def systemd_units(vm: FakeVM, names: tuple[str, ...]) -> list[SystemdUnit]:
    """``systemctl show`` of each unit asked for, in the order asked."""
    by_unit = {
        unit: service for service in DAEMON_SERVICES if (unit := lab_unit(vm, service)) is not None
    }
    units = []
    for name in names:
        service = by_unit.get(name)
        guest = vm.integration.state(service).guest if service is not None else None
        if (
            service is None
            or not isinstance(guest, LinuxDaemonService)
            or not guest.installed
            or guest.unit is UnitState.NO_UNIT
        ):
            units.append(
                SystemdUnit(
                    name=name,
                    load_state=UnitLoadState.NOT_FOUND,
                    active_state=UnitActiveState.INACTIVE,
                    sub_state="dead",
                    description=name,
                )
            )
            continue
        found = vm.daemon_process(service)
        by_systemd = found is not None and found[1] == "systemd"
        masked = guest.unit is UnitState.MASKED
        units.append(
            SystemdUnit(
                name=name,
                load_state=UnitLoadState.MASKED if masked else UnitLoadState.LOADED,
                active_state=UnitActiveState.ACTIVE if by_systemd else UnitActiveState.INACTIVE,
                sub_state="running" if by_systemd else "dead",
                unit_file_state=UnitFileState(guest.unit.value),
                main_pid=found[0] if by_systemd and found is not None else None,
                description=UNIT_DESCRIPTIONS[service.value],
            )
        )
    return units


def host_parameters(vm: FakeVM) -> list[KvpRecord]:
    r"""What the host says about itself in pool 3 / ``Guest\Parameters``.

    HostName, PhysicalHostName, PhysicalHostNameFullyQualified and VirtualMachineName are
    documented (Virtual PC/Virtual Server ``IVMGuestOS::GetParameter``, MicrosoftDocs/win32);
    HostSystemOSMajor/Minor come from Microsoft's 2014 virtualization blog on Windows
    Update applicability. VirtualMachineId and the HostingSystem* names are what the
    ``hyperkv`` pool-3 reader prints (docs/peer-systems reference); UNVERIFIED against a
    Microsoft page, and their values here are illustrative.
    """
    host = vm.host
    nt = host.host_os.product.nt_version or (0, 0)
    return [
        KvpRecord("HostName", host.name),
        KvpRecord("PhysicalHostName", host.name),
        KvpRecord("PhysicalHostNameFullyQualified", f"{host.name.lower()}.{host.domain}"),
        KvpRecord("VirtualMachineName", vm.name),
        KvpRecord("HostSystemOSMajor", str(nt[0])),
        KvpRecord("HostSystemOSMinor", str(nt[1])),
        KvpRecord("VirtualMachineId", str(vm.id).upper()),
        KvpRecord("HostingSystemOsMajor", str(nt[0])),
        KvpRecord("HostingSystemOsMinor", str(nt[1])),
        KvpRecord("HostingSystemEditionId", "8"),
    ]


def kvp_pools(vm: FakeVM) -> dict[KvpPool, list[KvpRecord]]:
    r"""The pool files under ``/var/lib/hyperv``: they exist once the KVP daemon has run.

    Pool 3 (``Guest\Parameters``) holds what the host says about itself; pool 0 what the
    host sent and pool 1 what the guest published (see :class:`~vmic.testing._vm.KvpState`).
    """
    guest = vm.integration.state(_KVP).guest
    if not isinstance(guest, LinuxDaemonService) or not guest.installed:
        return {}
    vm.sync_kvp()
    pools: dict[KvpPool, list[KvpRecord]] = {pool: [] for pool in KvpPool}
    pools[KvpPool.EXTERNAL] = [KvpRecord(k, v) for k, v in vm.kvp.external.items()]
    pools[KvpPool.GUEST] = [KvpRecord(k, v) for k, v in vm.kvp.guest_items.items()]
    pools[KvpPool.AUTO_EXTERNAL] = host_parameters(vm)
    return pools
