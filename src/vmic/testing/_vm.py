"""One simulated VM: its guest, both sides of its integration services, and what it reports.

A :class:`FakeVM` is the handle :meth:`FakeHyperVHost.add_vm
<vmic.testing.FakeHyperVHost.add_vm>` returns. Its methods change the VM the way a
person in the guest (or at the console) would; the host's commands change it the
way Hyper-V would. Both go through the enablement model of
:mod:`vmic.rules` (the enablement model) (:class:`~vmic.rules._semantics.VMIntegration`), so the
simulation behaves as the specification says:

- enabling a service on the host starts it in the guest;
- a Windows service stopped in the guest while the host has it enabled is started
  again by Hyper-V when the host :meth:`settles <vmic.testing.FakeHyperVHost.settle>`,
  unless its startup type is Disabled;
- a service started in the guest while the host has it disabled stops again;
- Hyper-V never restarts a Linux daemon;
- older guests lack newer services (a Windows Server 2008 R2 guest has no Guest
  Service Interface).

A VM also holds both sides of its Key-Value Pair Exchange (:class:`KvpState`): the host's
items (``HostExchangeItems``) reach the guest's ``External`` key / pool 0, and the guest's
``Guest`` key / pool 1 reaches the host's ``GuestExchangeItems``, only while Data Exchange
works (the VM runs, the host has Key-Value Pair Exchange enabled and the guest's
``vmickvpexchange`` service or KVP daemon runs); otherwise each side keeps what it last had.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from typing import TYPE_CHECKING, Final

import attrs
from packaging.version import InvalidVersion, Version

from vmic.errors import ConfigurationError, InvalidTransitionError
from vmic.model._linux import DAEMON_SERVICES, packaging_for
from vmic.model._linux_records import daemon_service
from vmic.model._services import GuestOnlyService, IntegrationService, guest_service_for
from vmic.model._time_sync import PTP_REFCLOCK
from vmic.rules._semantics import (
    KernelDriver,
    LinuxDaemonService,
    UnitState,
    VMIntegration,
    WindowsGuestService,
)
from vmic.testing._guest_data import (
    INTEGRATION_SERVICES_VERSIONS,
    LINUX_KERNELS,
    LINUX_RELEASES,
    OUTDATED_VERSIONS,
    PRODUCT_BUILDS,
    WINDOWS_POWERSHELL,
)
from vmic.testing._journal import FaultSlot, check_latency

if TYPE_CHECKING:
    import uuid
    from collections.abc import Callable

    from vmic.model._operating_system import OperatingSystem
    from vmic.model._status import StartType
    from vmic.rules._semantics import Service
    from vmic.testing._faults import Fault
    from vmic.testing._journal import GuestExecutor
    from vmic.testing._machine import HostMachine

__all__ = ["FakeVM", "GuestClock", "KvpState", "LinuxRelease", "ServiceLike"]

#: A service given to a :class:`FakeVM` method: the enum, or any name vmic knows for it
#: (``"vmicvss"``, ``"hypervkvpd"``, ``"Takt"``...).
ServiceLike = IntegrationService | GuestOnlyService | str

_VERSION_IN_TEXT: Final = re.compile(r"\b(\d{1,4}(?:\.\d{1,4})?)\b")
_HOST_LABEL: Final = re.compile(r"[^a-z0-9-]+")
_KVP: Final = IntegrationService.KEY_VALUE_PAIR_EXCHANGE


@attrs.frozen
class LinuxRelease:
    """What a Linux guest's ``/etc/os-release`` and ``uname -r`` say.

    Attributes:
        name: ``NAME``.
        version_id: ``VERSION_ID`` ("" when the distribution has none).
        id: ``ID``.
        id_like: ``ID_LIKE`` ("" when none).
        kernel: The kernel release (``uname -r``).
        daemon_directory: Where the daemons run from (Ubuntu: the versioned
            ``/usr/lib/linux-tools/<kernel>``).
    """

    name: str
    version_id: str
    id: str
    id_like: str
    kernel: str
    daemon_directory: str

    @classmethod
    def for_family(cls, family: str | None, text: str = "") -> LinuxRelease:
        """The release of a distribution; a version in *text* replaces the default.

        The daemon directory comes from the packaging facts of that release.
        """
        os_id = family or "debian"
        if os_id not in LINUX_RELEASES:
            # A row key or ID_LIKE name (suse): the first distribution of its row the lab has.
            row = packaging_for(os_id)
            os_id = next((d for d in row.distributions if d in LINUX_RELEASES), "debian")
        name, version_id, like, kernel = LINUX_RELEASES[os_id]
        match = _VERSION_IN_TEXT.search(text)
        if match is not None:
            version_id = match.group(1)
        major = version_id.split(".")[0].split("-")[0]
        kernel = LINUX_KERNELS.get((os_id, version_id), LINUX_KERNELS.get((os_id, major), kernel))
        directory = packaging_for(os_id, version_id or None).directory
        if os_id == "ubuntu":
            # Ubuntu runs them from the versioned linux-tools directory (the Manage doc's ps).
            directory = f"/usr/lib/linux-tools/{kernel}"
        return cls(name, version_id, os_id, like, kernel, directory)

    @property
    def kernel_version(self) -> tuple[int, int]:
        """The kernel's (major, minor) from ``uname -r``."""
        parts = self.kernel.split("-")[0].split(".")
        return int(parts[0]), int(parts[1])

    def os_release(self) -> str:
        """The text of ``/etc/os-release``."""
        pretty = f"{self.name} {self.version_id}".strip()
        lines = [f'NAME="{self.name}"']
        if self.version_id:
            lines.append(f'VERSION_ID="{self.version_id}"')
        lines.append(f"ID={self.id}")
        if self.id_like:
            lines.append(f'ID_LIKE="{self.id_like}"')
        lines.append(f'PRETTY_NAME="{pretty}"')
        return "".join(line + "\n" for line in lines)


@attrs.define
class KvpState:
    """Both sides of one VM's KVP items (mutable; the host's lock guards it).

    Attributes:
        host_items: What the host sent (``HostExchangeItems``).
        external: What the guest holds of them (``External`` / pool 0).
        guest_items: What the guest published (``Guest`` / pool 1).
        published: What the host holds of them (``GuestExchangeItems``).
    """

    host_items: dict[str, str] = attrs.field(factory=dict)
    external: dict[str, str] = attrs.field(factory=dict)
    guest_items: dict[str, str] = attrs.field(factory=dict)
    published: dict[str, str] = attrs.field(factory=dict)


@attrs.define
class GuestClock:
    r"""Where a simulated guest's clock takes its time from (settable by tests).

    Attributes:
        domain_role: Windows: ``Win32_ComputerSystem.DomainRole`` (2 standalone server,
            3 member server, 5 primary domain controller...).
        vmic_provider: Windows: ``VMICTimeProvider\Enabled`` (None: the value is absent).
        ntp_source: Windows: what ``w32tm /query /source`` names when the host's provider is
            not in use ("" = ``Local CMOS Clock``).
        ptp_hyperv: Linux: whether ``/dev/ptp_hyperv`` exists.
        chrony: Linux: chrony's source lines.
        daemons: Linux: the time daemons running.
    """

    domain_role: int = 2
    vmic_provider: bool | None = True
    ntp_source: str = "time.windows.com,0x8"
    ptp_hyperv: bool = True
    chrony: tuple[str, ...] = ("pool 2.pool.ntp.org iburst", PTP_REFCLOCK)
    daemons: tuple[str, ...] = ("chronyd",)


def resolve_service(service: ServiceLike) -> Service:
    """The service a value names: the enum itself, a Windows service, a daemon, or any name.

    Raises:
        vmic.UnknownServiceError: Nothing matches.
    """
    if isinstance(service, IntegrationService | GuestOnlyService):
        return service
    if not isinstance(service, str):
        raise ConfigurationError(f"a service must be a service or its name, not {service!r}")
    found = guest_service_for(service) or daemon_service(service.strip())
    return found if found is not None else IntegrationService.lookup(service)


def _default_version(guest_os: OperatingSystem, *, outdated: bool) -> Version | None:
    nt = guest_os.product.nt_version
    if nt is None:
        return None
    table = OUTDATED_VERSIONS if outdated else INTEGRATION_SERVICES_VERSIONS
    known = table.get(nt)
    if known is not None:
        return Version(known)
    build = guest_os.build or PRODUCT_BUILDS.get(guest_os.product.value, 0)
    return Version(f"{nt[0]}.{nt[1]}.{build}.{1 if nt[0] >= 10 else 0}")


class FakeVM:
    """A simulated VM and its guest. Created by :meth:`FakeHyperVHost.add_vm`.

    Every method is safe to call from several threads; each takes the host's lock.
    """

    def __init__(
        self,
        host: HostMachine,
        name: str,
        guest_os: OperatingSystem,
        *,
        vm_id: uuid.UUID,
        integration: VMIntegration,
        running: bool,
        integration_services_version: Version | None,
        os_text: str,
        index: int,
    ) -> None:
        self._host = host
        self._name = name
        self._guest_os = guest_os
        self._id = vm_id
        self._integration = integration
        self._running = running
        self._outdated = False
        self._version = integration_services_version or _default_version(guest_os, outdated=False)
        self._release = (
            LinuxRelease.for_family(guest_os.distribution, os_text) if guest_os.is_linux else None
        )
        self._frozen: set[IntegrationService] = set()
        self._extra_items: dict[str, str | None] = {}
        self._pids: dict[IntegrationService, int] = {}
        self._methods: dict[IntegrationService, str] = {}
        self._next_pid = 1200 + 7 * index
        self._index = index
        self.guest_faults = FaultSlot()
        """The fault this VM's guest meets, counted down (see :attr:`guest_fault`)."""
        self._guest_latency: float | None = None
        self._files: dict[str, tuple[str, bytes]] = {}
        self._directories: set[str] = set()
        self.guest_items: dict[str, str] = {}
        """KVP items the guest itself writes (host sees them while Data Exchange works)."""
        self.shutdown_seconds = 5.0
        """Simulated seconds a clean shutdown takes, from ``Stop-VM`` to Off."""
        self.kvp = KvpState()
        """Both sides of the VM's KVP items (see :mod:`vmic.testing._kvp`)."""
        self.clock = GuestClock()
        """Where the guest's clock takes its time from; tests change it to plant cases."""
        self.executor: GuestExecutor | None = None
        """The executor that reaches the guest, once the host has handed one out."""
        self.locked = False
        """The guest is locked or has unsaved work: it refuses a shutdown unless forced
        (``Stop-VM -Force``)."""
        self.power_log: tuple[str, ...] = ()
        """What the host did to the VM's power, in order (``Stop-VM -Force``,
        ``Stop-VM -TurnOff``...)."""
        shipped = WINDOWS_POWERSHELL.get(guest_os.product.value) if guest_os.is_windows else None
        self._powershell = None if shipped is None else _shipped_version(shipped)
        self._sync_processes()

    def __repr__(self) -> str:
        power = "running" if self._running else "off"
        return f"FakeVM({self._name!r}, {self._guest_os}, {power})"

    # --- what it is ---------------------------------------------------------------------------

    @property
    def guest_fault(self) -> Fault | None:
        """A fault this VM's guest executor meets (None: it works); settable."""
        return self.guest_faults.fault

    @guest_fault.setter
    def guest_fault(self, value: Fault | None) -> None:
        with self._host.lock:
            self.guest_faults.set(value)

    @property
    def guest_latency(self) -> float | None:
        """Seconds every guest command takes (None: the host's latency); settable."""
        return self._guest_latency

    @guest_latency.setter
    def guest_latency(self, value: float | None) -> None:
        self._guest_latency = None if value is None else check_latency(value)

    @property
    def name(self) -> str:
        """The VM's name."""
        return self._name

    @property
    def id(self) -> uuid.UUID:
        """The VM's id."""
        return self._id

    @property
    def host(self) -> HostMachine:
        """The host the VM runs on."""
        return self._host

    @property
    def guest_os(self) -> OperatingSystem:
        """The guest operating system."""
        return self._guest_os

    @property
    def integration(self) -> VMIntegration:
        """Both sides of every integration service, as the enablement model holds them."""
        with self._host.lock:
            return self._integration

    @property
    def running(self) -> bool:
        """Whether the VM is powered on."""
        return self._running

    @property
    def outdated(self) -> bool:
        """Whether the guest's integration services are older than the host's."""
        return self._outdated

    @property
    def integration_services_version(self) -> Version | None:
        """The version a Windows guest's integration services report (None for Linux)."""
        return self._version if self._guest_os.is_windows else None

    @property
    def release(self) -> LinuxRelease | None:
        """What a Linux guest's ``/etc/os-release`` says (None for Windows)."""
        return self._release

    @property
    def hostname(self) -> str:
        """The guest's host name (its fully qualified name's first label)."""
        label = _HOST_LABEL.sub("-", self._name.lower()).strip("-")
        return label or f"vm{self._index}"

    @property
    def fqdn(self) -> str:
        """The guest's fully qualified domain name."""
        return f"{self.hostname}.{self._host.domain}"

    @property
    def ipv4(self) -> str:
        """The guest's IPv4 address."""
        return str(ipaddress.IPv4Address(self._host.subnet + 10 + self._index % 240))

    @property
    def ipv6(self) -> str:
        """The guest's link-local IPv6 address."""
        return str(ipaddress.IPv6Address((0xFE80 << 112) + (self._id.int & (2**64 - 1))))

    @property
    def powershell_version(self) -> Version | None:
        """The Windows PowerShell a Windows guest runs (None for Linux); settable.

        By default the version its Windows ships (Windows 7 SP1 and Windows Server 2008 R2
        SP1: 2.0); setting it is installing a newer Windows Management Framework.
        """
        return self._powershell

    @powershell_version.setter
    def powershell_version(self, value: str | Version) -> None:
        if not self._guest_os.is_windows:
            raise ConfigurationError(f"a {self._guest_os} guest has no Windows PowerShell")
        self._powershell = _version(value)

    def guest_executor(self) -> GuestExecutor:
        """The executor that reaches this VM's guest (one per VM, recording its commands)."""
        return self._host.guest_executor(self._id)

    # --- Key-Value Pair Exchange ------------------------------------------------------------

    def kvp_works(self) -> bool:
        """Whether Data Exchange moves items right now."""
        return self._running and bool(self.integration.state(_KVP).functioning)

    def sync_kvp(self) -> None:
        """Move items both ways, if Data Exchange works."""
        if self.kvp_works():
            self.kvp.external = dict(self.kvp.host_items)
            self.kvp.published = dict(self.kvp.guest_items)

    # --- host side ----------------------------------------------------------------------------

    def enable_on_host(self, *services: ServiceLike) -> None:
        """Turn services on in the VM's settings (as ``Enable-VMIntegrationService``)."""
        for service in services:
            resolved = resolve_service(service)
            self._change(functools.partial(VMIntegration.enable, service=resolved))

    def disable_on_host(self, *services: ServiceLike) -> None:
        """Turn services off in the VM's settings (as ``Disable-VMIntegrationService``)."""
        for service in services:
            resolved = resolve_service(service)
            self._change(functools.partial(VMIntegration.disable, service=resolved))

    def freeze_host_setting(self, *services: ServiceLike) -> None:
        """Make the host ignore changes to these services' settings, silently.

        ``Enable-/Disable-VMIntegrationService`` then succeed without effect, so a
        client's read-back finds the old setting (a lost change, as a policy that
        reverts settings would cause).
        """
        with self._host.lock:
            for service in services:
                resolved = resolve_service(service)
                if not isinstance(resolved, IntegrationService):
                    raise ConfigurationError(f"{resolved!r} has no host setting")
                self._frozen.add(resolved)

    def host_set(self, service: IntegrationService, enabled: bool) -> bool:  # noqa: FBT001
        """What a host command does: change one setting; False when it is frozen."""
        with self._host.lock:
            if service in self._frozen:
                return False
            if enabled:
                self._change(lambda vm: vm.enable(service))
            else:
                self._change(lambda vm: vm.disable(service))
            return True

    # --- guest side ---------------------------------------------------------------------------

    def stop_service(self, service: ServiceLike, *, method: str = "systemd") -> None:
        """Stop a service in the guest (``Stop-Service``; a Linux daemon: ``kill`` or systemd).

        A Windows service the host has enabled is started again at the next settle,
        unless its startup type is Disabled; a Linux daemon stays stopped.

        Raises:
            vmic.InvalidTransitionError: The guest lacks the service, it is not installed,
                or it is a Linux kernel service.
        """
        resolved = resolve_service(service)
        self._change(lambda vm: vm.stop_in_guest(resolved), service=resolved, method=method)

    def start_service(self, service: ServiceLike, *, method: str = "systemd") -> None:
        """Start a service in the guest (``Start-Service``; a Linux daemon: systemd or by hand).

        A service the host has disabled stops again at the next settle.

        Raises:
            vmic.InvalidTransitionError: The guest lacks the service, it is not installed,
                its startup type is Disabled, or it is a Linux kernel service.
        """
        resolved = resolve_service(service)
        self._change(lambda vm: vm.start_in_guest(resolved), service=resolved, method=method)

    def set_startup(self, service: ServiceLike, start_type: StartType) -> None:
        """Set a Windows service's startup type (``Set-Service -StartupType``).

        Raises:
            vmic.InvalidTransitionError: Not a Windows guest, or the service is not installed.
        """
        resolved = resolve_service(service)
        self._change(lambda vm: vm.set_start_type(resolved, start_type))

    def set_unit(self, service: ServiceLike, unit: UnitState) -> None:
        """``systemctl enable|disable|mask`` a Linux daemon's unit.

        Raises:
            vmic.InvalidTransitionError: Not a Linux daemon, or not installed.
        """
        resolved = resolve_service(service)
        self._change(lambda vm: vm.set_unit_state(resolved, unit))

    def remove_daemon(self, service: ServiceLike) -> None:
        """Uninstall a Linux daemon (its package); the daemon stops if it ran.

        Raises:
            vmic.InvalidTransitionError: Not a Linux daemon service.
        """
        resolved = self._daemon(service, "remove")
        self._change(lambda vm: vm.uninstall_in_guest(resolved))

    def install_daemon(self, service: ServiceLike) -> None:
        """Install a Linux daemon; it starts if the host has the service enabled.

        Raises:
            vmic.InvalidTransitionError: Not a Linux daemon service.
        """
        resolved = self._daemon(service, "install")
        self._change(lambda vm: vm.install_in_guest(resolved))

    def unload_kernel_driver(self) -> None:
        """``rmmod hv_utils``: every channel closes and the daemons exit.

        Raises:
            vmic.InvalidTransitionError: Not Linux, or the driver is built in.
        """
        self._change(lambda vm: vm.unload_kernel_driver())

    def load_kernel_driver(self) -> None:
        """``modprobe hv_utils``.

        Raises:
            vmic.InvalidTransitionError: Not Linux.
        """
        self._change(lambda vm: vm.load_kernel_driver())

    def uninstall_integration_services(self) -> None:
        """Remove the integration services from a Windows guest (every ``vmic*`` service).

        Raises:
            vmic.InvalidTransitionError: Not a Windows guest.
        """
        self._windows_only("uninstall integration services from")
        self._change(lambda vm: vm.uninstall_in_guest())

    def install_integration_services(self) -> None:
        """Install the integration services in a Windows guest.

        Raises:
            vmic.InvalidTransitionError: Not a Windows guest.
        """
        self._windows_only("install integration services in")
        self._change(lambda vm: vm.install_in_guest())

    def make_outdated(self, version: str | Version | None = None) -> None:
        """Give the guest integration services older than the host's.

        The host then reports ``ProtocolMismatch`` as the secondary status of the
        services that work, and ``Get-VM`` shows "Update required".

        Args:
            version: The old version the guest reports (default: the release version of
                its Windows family, such as 6.3.9600.16384 for 2012 R2).
        """
        with self._host.lock:
            self._outdated = True
            if version is not None:
                self._version = Version(str(version))
            elif self._guest_os.is_windows:
                self._version = _default_version(self._guest_os, outdated=True)

    def update_integration_services(self, version: str | Version | None = None) -> None:
        """Bring the guest's integration services up to date (the host's version)."""
        with self._host.lock:
            self._outdated = False
            self._version = (
                Version(str(version))
                if version is not None
                else _default_version(self._guest_os, outdated=False)
            )

    def set_release(self, release: LinuxRelease) -> None:
        """Change what a Linux guest's ``/etc/os-release`` and ``uname -r`` say.

        Raises:
            vmic.ConfigurationError: The guest is not Linux.
        """
        if self._release is None:
            raise ConfigurationError(f"a {self._guest_os} guest has no /etc/os-release")
        with self._host.lock:
            self._release = release

    def set_intrinsic_item(self, key: str, value: str | None) -> None:
        """Override one intrinsic KVP item the guest reports (None: do not report it)."""
        with self._host.lock:
            self._extra_items[key] = value

    # --- power --------------------------------------------------------------------------------

    def power_off(self) -> None:
        """Turn the VM off: no guest answers, the host shows no status."""
        with self._host.lock:
            self._running = False

    def power_on(self) -> None:
        """Start the VM: the guest boots, its services start as they are configured to."""
        with self._host.lock:
            self._running = True
            self._integration = _booted(self._integration)
            self._sync_processes()

    # --- files (Copy-VMFile) ---------------------------------------------------------------------

    @property
    def files(self) -> dict[str, bytes]:
        """The files copied into the guest, by the path they were written to."""
        with self._host.lock:
            return dict(self._files.values())

    def read_file(self, path: str) -> bytes:
        """A file copied into the guest (a Windows guest ignores the path's case).

        Raises:
            vmic.ConfigurationError: The guest has no such file.
        """
        with self._host.lock:
            found = self._files.get(self.path_key(path))
        if found is None:
            raise ConfigurationError(f"the guest of {self._name!r} has no file {path!r}")
        return found[1]

    def add_directory(self, path: str) -> None:
        """Create a directory (and its parents) in the guest."""
        with self._host.lock:
            while self.path_key(path) not in self._all_directories():
                self._directories.add(self.path_key(path))
                parent = self.parent_of(path)
                if parent == path:
                    break
                path = parent

    def path_key(self, path: str) -> str:
        """The key of *path* in the guest's file system (a Windows guest ignores case)."""
        return path.lower() if self._guest_os.is_windows else path

    def parent_of(self, path: str) -> str:
        """The directory *path* is in, in the guest's path syntax."""
        separator = "\\" if self._guest_os.is_windows else "/"
        head, _, _ = path.rstrip(separator).rpartition(separator)
        if self._guest_os.is_windows and len(head) == 2 and head.endswith(":"):
            return head + "\\"
        return head or separator

    def _all_directories(self) -> set[str]:
        if self._guest_os.is_windows:
            base = {"c:\\", "c:\\windows", "c:\\windows\\temp", "c:\\users", "c:\\temp"}
        else:
            # Paths inside the simulated guest, never touched on this machine.
            base = {"/", "/tmp", "/root", "/home", "/etc", "/opt", "/var", "/var/tmp"}  # noqa: S108
        return base | self._directories

    def receive_file(
        self, path: str, data: bytes, *, name: str, create_path: bool, overwrite: bool
    ) -> str | None:
        """What the guest side of ``Copy-VMFile`` does; returns why it failed (None: copied).

        An existing directory at *path* takes the file under *name*.
        """
        with self._host.lock:
            separator = "\\" if self._guest_os.is_windows else "/"
            if self.path_key(path.rstrip(separator) or path) in self._all_directories():
                path = path.rstrip(separator) + separator + name
            key = self.path_key(path)
            parent = self.parent_of(path)
            if self.path_key(parent) not in self._all_directories():
                if not create_path:
                    return "The system cannot find the path specified. (0x80070003)"
                self.add_directory(parent)
            if key in self._files and not overwrite:
                return "The file exists. (0x80070050)"
            self._files[key] = (path, data)
            return None

    # --- time ---------------------------------------------------------------------------------

    def settle(self) -> None:
        """Apply what Hyper-V and the guest do some time later (:meth:`VMIntegration.settle`)."""
        self._change(lambda vm: vm.settle())

    # --- internals ----------------------------------------------------------------------------

    def _windows_only(self, action: str) -> None:
        if not self._guest_os.is_windows:
            raise InvalidTransitionError(f"cannot {action} a {self._guest_os} guest")

    def _daemon(self, service: ServiceLike, action: str) -> IntegrationService:
        resolved = resolve_service(service)
        if not self._guest_os.is_linux or resolved not in DAEMON_SERVICES:
            raise InvalidTransitionError(
                f"cannot {action} a daemon for {resolved!r} in a {self._guest_os} guest"
            )
        assert isinstance(resolved, IntegrationService)  # noqa: S101 - DAEMON_SERVICES holds these
        return resolved

    def _change(
        self,
        transform: Callable[[VMIntegration], VMIntegration],
        *,
        service: Service | None = None,
        method: str | None = None,
    ) -> None:
        with self._host.lock:
            self._integration = transform(self._integration)
            started = None
            if isinstance(service, IntegrationService) and method is not None:
                started = (service, method)
            self._sync_processes(started)

    def _sync_processes(self, started: tuple[IntegrationService, str] | None = None) -> None:
        """Give every running daemon a process id, forget those of stopped ones.

        Args:
            started: The daemon an action just started, and how (``systemd``/``exec``).
        """
        for state in self._integration.states:
            guest = state.guest
            service = state.service
            if not isinstance(guest, LinuxDaemonService) or not isinstance(
                service, IntegrationService
            ):
                continue
            if guest.running and service not in self._pids:
                self._pids[service] = self._next_pid
                self._next_pid += 1
                method = "systemd" if guest.unit is UnitState.ENABLED else "exec"
                if started is not None and started[0] is service:
                    method = started[1]
                self._methods[service] = method
            elif not guest.running:
                self._pids.pop(service, None)
                self._methods.pop(service, None)

    def daemon_process(self, service: IntegrationService) -> tuple[int, str] | None:
        """The pid of a running daemon and how it was started (``systemd`` or ``exec``)."""
        pid = self._pids.get(service)
        if pid is None:
            return None
        return pid, self._methods.get(service, "systemd")

    def daemon_for_pid(self, pid: int) -> IntegrationService | None:
        """The daemon service running as *pid*, if any."""
        for service, known in self._pids.items():
            if known == pid:
                return service
        return None

    def take_pid(self) -> int:
        """A fresh process id (for the transient processes a command shows)."""
        self._next_pid += 1
        return self._next_pid + 7000

    def windows_service(self, name: str) -> WindowsGuestService | None:
        """The guest side of the Windows service *name* (``vmicvss``), if installed."""
        found = guest_service_for(name)
        if found is None:
            return None
        guest = self._integration.state(found).guest
        if isinstance(guest, WindowsGuestService) and guest.installed:
            return guest
        return None

    def extra_items(self) -> dict[str, str | None]:
        """The intrinsic items overridden with :meth:`set_intrinsic_item`."""
        return dict(self._extra_items)

    def kernel_driver(self) -> KernelDriver | None:
        """The state of ``hv_utils`` (None for Windows)."""
        return self._integration.kernel_driver


def _booted(integration: VMIntegration) -> VMIntegration:
    """What a boot does: settle, and start Linux daemons whose unit is enabled."""
    booted = integration.settle()
    for state in booted.states:
        guest = state.guest
        if (
            isinstance(guest, LinuxDaemonService)
            and guest.installed
            and not guest.running
            and guest.unit is UnitState.ENABLED
            and guest.driver.present
            and state.host_enabled
        ):
            try:
                booted = booted.start_in_guest(state.service)
            except InvalidTransitionError:  # pragma: no cover - excluded by the checks above
                continue
    return booted


@functools.cache
def _shipped_version(text: str) -> Version:
    """One Version object per version a Windows ships, shared by every VM of the lab."""
    return Version(text)


def _version(value: str | Version) -> Version:
    try:
        return value if isinstance(value, Version) else Version(str(value))
    except InvalidVersion:
        raise ConfigurationError(f"{value!r} is not a version") from None
