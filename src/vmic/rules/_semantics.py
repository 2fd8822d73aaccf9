"""Both-sides enablement: when an integration service works, and how its state changes.

An integration service works only when it is enabled on the Hyper-V host *and* its
guest side is present and running. :class:`VMIntegration` holds that state for one
virtual machine, every transition returns a new instance, and :meth:`VMIntegration.settle`
applies the reactions Hyper-V performs on its own some time later.

>>> from vmic import IntegrationService
>>> from vmic.rules._semantics import VMIntegration
>>> vm = VMIntegration.new("Windows Server 2019")
>>> kvp = IntegrationService.KEY_VALUE_PAIR_EXCHANGE
>>> vm.state(kvp).functioning
True
>>> stopped = vm.stop_in_guest(kvp)
>>> stopped.state(kvp).reasons
(Reason.NOT_RUNNING_IN_GUEST, Reason.PENDING_RESTART)
>>> stopped.settle().state(kvp).functioning
True

The rules, and where each comes from, are described in ``docs/semantics.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, TypeAlias

import attrs

from vmic.errors import ConfigurationError, InvalidTransitionError, UnknownServiceError
from vmic.model._host import VM, operating_system_of
from vmic.model._linux import DAEMON_SERVICES, KERNEL_SERVICES, packaging_for
from vmic.model._named import NamedEnum, counted
from vmic.model._operating_system import OperatingSystem
from vmic.model._services import GuestOnlyService, IntegrationService
from vmic.model._status import StartType, WindowsServiceStatus

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from vmic.model._guest import Guest

__all__ = [
    "SERVICE_START_TYPES",
    "TRACKED_SERVICES",
    "GuestSide",
    "GuestStatus",
    "KernelDriver",
    "LinuxDaemonService",
    "LinuxKernelService",
    "Reaction",
    "Reason",
    "Service",
    "ServiceState",
    "UnitState",
    "VMIntegration",
    "WindowsGuestService",
]

#: Any service a VM tracks: one of the six host-visible rows, or a guest-only Windows service.
Service: TypeAlias = IntegrationService | GuestOnlyService


class GuestStatus(NamedEnum):
    """Whether a Windows service or a Linux daemon is installed and running in the guest."""

    NOT_INSTALLED = "not_installed"
    STOPPED = "stopped"
    RUNNING = "running"

    def __repr__(self) -> str:
        return f"GuestStatus.{self.name}"


class KernelDriver(NamedEnum):
    """State of the Linux kernel driver ``hv_utils``, which carries every service's channel."""

    LOADED = "loaded"
    """Loaded as a module (listed by ``lsmod``)."""
    BUILT_IN = "built_in"
    """Compiled into the kernel: never listed by ``lsmod`` and cannot be unloaded."""
    NOT_LOADED = "not_loaded"
    """A module that is not loaded (unloaded, blacklisted, or never probed)."""

    def __repr__(self) -> str:
        return f"KernelDriver.{self.name}"

    @property
    def present(self) -> bool:
        """Whether the driver is active (loaded or built in)."""
        return self is not KernelDriver.NOT_LOADED


class UnitState(NamedEnum):
    """How systemd treats a Linux daemon's unit (``systemctl is-enabled``)."""

    ENABLED = "enabled"
    """Pulled in by its VMBus device (udev ``SYSTEMD_WANTS``) and bound to it (``BindsTo=``)."""
    DISABLED = "disabled"
    """Installed, but nothing starts it automatically."""
    MASKED = "masked"
    """systemd refuses to start it; only running the binary by hand starts the daemon."""
    NO_UNIT = "no_unit"
    """The packaging ships no unit (the Arch file-copy daemon); the daemon is run by hand."""

    def __repr__(self) -> str:
        return f"UnitState.{self.name}"


class Reaction(NamedEnum):
    """What Hyper-V (or the guest) will eventually do on its own; :meth:`VMIntegration.settle`."""

    RESTART = "restart"
    STOP = "stop"

    def __repr__(self) -> str:
        return f"Reaction.{self.name}"


class Reason(NamedEnum):
    """Why a service is not functioning. ``.value`` is the stable snake_case name."""

    DISABLED_ON_HOST = "disabled_on_host"
    NOT_AVAILABLE_ON_GUEST_OS = "not_available_on_guest_os"
    NOT_INSTALLED_IN_GUEST = "not_installed_in_guest"
    NOT_RUNNING_IN_GUEST = "not_running_in_guest"
    STARTUP_DISABLED_IN_GUEST = "startup_disabled_in_guest"
    KERNEL_DRIVER_MISSING = "kernel_driver_missing"
    DAEMON_NOT_INSTALLED = "daemon_not_installed"
    DAEMON_NOT_RUNNING = "daemon_not_running"
    PENDING_RESTART = "pending_restart"
    PENDING_STOP = "pending_stop"

    def __repr__(self) -> str:
        return f"Reason.{self.name}"

    @property
    def description(self) -> str:
        """One sentence for a person."""
        return _REASON_TEXT[self]


_REASON_TEXT: Final = {
    Reason.DISABLED_ON_HOST: "The service is disabled in the VM's settings on the Hyper-V host.",
    Reason.NOT_AVAILABLE_ON_GUEST_OS: "The guest operating system predates the service.",
    Reason.NOT_INSTALLED_IN_GUEST: "The service is not installed in the guest.",
    Reason.NOT_RUNNING_IN_GUEST: "The service is stopped in the guest.",
    Reason.STARTUP_DISABLED_IN_GUEST: (
        "The guest service's startup type is Disabled, so Hyper-V cannot start it."
    ),
    Reason.KERNEL_DRIVER_MISSING: (
        "The Linux kernel driver hv_utils is neither loaded nor built in."
    ),
    Reason.DAEMON_NOT_INSTALLED: "The Linux user-space daemon the service needs is not installed.",
    Reason.DAEMON_NOT_RUNNING: (
        "The Linux daemon is not running; Hyper-V does not restart it, start it by hand."
    ),
    Reason.PENDING_RESTART: "Hyper-V will start the guest service again on its own.",
    Reason.PENDING_STOP: "The guest service is running but will stop on its own.",
}

#: Start types a Windows service can have (Boot and System are for drivers).
SERVICE_START_TYPES: Final = (StartType.AUTOMATIC, StartType.MANUAL, StartType.DISABLED)
_UNIT_STATES: Final = tuple(UnitState)
_KERNEL_DRIVERS: Final = tuple(KernelDriver)


@attrs.frozen(cache_hash=True)
class WindowsGuestService:
    """Guest side of a service in a Windows guest: a Windows service (``vmic...``).

    Attributes:
        status: Installed and running, installed and stopped, or not installed.
        start_type: Startup type; Disabled keeps Hyper-V from starting the service.
    """

    status: GuestStatus = attrs.field(validator=attrs.validators.instance_of(GuestStatus))
    start_type: StartType = attrs.field(validator=attrs.validators.in_(SERVICE_START_TYPES))

    @property
    def installed(self) -> bool:
        """Whether the service exists in the guest."""
        return self.status is not GuestStatus.NOT_INSTALLED

    @property
    def running(self) -> bool:
        """Whether the service is running."""
        return self.status is GuestStatus.RUNNING

    @property
    def service_status(self) -> WindowsServiceStatus | None:
        """What ``Get-Service`` shows as ``Status`` (None: the service does not exist)."""
        if self.status is GuestStatus.NOT_INSTALLED:
            return None
        return WindowsServiceStatus.RUNNING if self.running else WindowsServiceStatus.STOPPED


@attrs.frozen(cache_hash=True)
class LinuxKernelService:
    """Guest side of Heartbeat, Shutdown or Time Synchronization in a Linux guest.

    The kernel driver ``hv_utils`` implements these services on its own.

    Attributes:
        driver: State of ``hv_utils`` (the same for every service of the VM).
    """

    driver: KernelDriver = attrs.field(validator=attrs.validators.instance_of(KernelDriver))

    @property
    def installed(self) -> bool:
        """Whether the driver is active (there is nothing else to install)."""
        return self.driver.present

    @property
    def running(self) -> bool:
        """Whether the driver is active."""
        return self.driver.present


@attrs.frozen(cache_hash=True)
class LinuxDaemonService:
    """Guest side of Key-Value Pair Exchange, VSS or Guest Service Interface in a Linux guest.

    These need ``hv_utils`` and a user-space daemon (``hv_kvp_daemon``, ``hypervvssd``...).

    Attributes:
        driver: State of ``hv_utils`` (the same for every service of the VM).
        status: Whether the daemon is installed and running.
        unit: How systemd treats the daemon's unit.
    """

    driver: KernelDriver = attrs.field(validator=attrs.validators.instance_of(KernelDriver))
    status: GuestStatus = attrs.field(validator=attrs.validators.instance_of(GuestStatus))
    unit: UnitState = attrs.field(validator=attrs.validators.instance_of(UnitState))

    @property
    def installed(self) -> bool:
        """Whether the daemon is installed."""
        return self.status is not GuestStatus.NOT_INSTALLED

    @property
    def running(self) -> bool:
        """Whether the daemon is running."""
        return self.status is GuestStatus.RUNNING


#: The guest side of one service, by platform and mechanism.
GuestSide: TypeAlias = WindowsGuestService | LinuxKernelService | LinuxDaemonService

_GUEST_SIDES: Final = (WindowsGuestService, LinuxKernelService, LinuxDaemonService)


def _name(service: Service) -> str:
    if isinstance(service, IntegrationService):
        return service.english_name
    return service.info.windows_display_names[0]


def _check_sides_fit(state: ServiceState, attribute: object, service: Service) -> None:
    """Cross-field rule: the host flag and the guest variant must fit the service.

    Attached to ``service``; attrs runs validators once every field is set.
    """
    problem = _mismatch(state, service)
    if problem is not None:
        raise ConfigurationError(f"{_name(service)} {problem}")


def _mismatch(state: ServiceState, service: Service) -> str | None:
    guest = state.guest
    if isinstance(service, GuestOnlyService):
        if state.host_enabled is not None:
            return "has no host-side setting: host_enabled must be None"
        fits = guest is None or isinstance(guest, WindowsGuestService)
        return None if fits else "exists only in Windows guests"
    if state.host_enabled is None:
        return "is a host-visible service: host_enabled must be a bool"
    if isinstance(guest, LinuxKernelService) and service not in KERNEL_SERVICES:
        return "needs a daemon in a Linux guest: use LinuxDaemonService"
    if isinstance(guest, LinuxDaemonService) and service not in DAEMON_SERVICES:
        return "has no daemon in a Linux guest: use LinuxKernelService"
    return None


@attrs.frozen
class ServiceState:
    """Both sides of one service of one VM.

    Attributes:
        service: Which service.
        host_enabled: Whether the VM's settings enable it on the host (``Enabled`` of
            ``Get-VMIntegrationService``); None for guest-only services, which have no
            host-side setting.
        guest: The guest side, or None when the guest operating system cannot have the
            service (it predates it, or it is a Windows service in a Linux guest).
    """

    service: Service = attrs.field(
        validator=[
            attrs.validators.instance_of((IntegrationService, GuestOnlyService)),
            _check_sides_fit,
        ]
    )
    host_enabled: bool | None = attrs.field(
        validator=attrs.validators.optional(attrs.validators.instance_of(bool))
    )
    guest: GuestSide | None = attrs.field(
        validator=attrs.validators.optional(attrs.validators.instance_of(_GUEST_SIDES))
    )

    @property
    def available(self) -> bool:
        """Whether the guest operating system can have the service at all."""
        return self.guest is not None

    @property
    def installed(self) -> bool:
        """Whether the guest side is installed (Linux daemon services: the daemon)."""
        return self.guest is not None and self.guest.installed

    @property
    def running(self) -> bool:
        """Whether the guest side is running.

        Windows: the service. Linux daemon services: the daemon. Linux kernel services:
        whether ``hv_utils`` is active, whatever the host setting.
        """
        return self.guest is not None and self.guest.running

    @property
    def functioning(self) -> bool:
        """Whether the service works: on at the host (when it has a host side) and in the guest."""
        guest = self.guest
        if self.host_enabled is False or guest is None:
            return False
        if isinstance(guest, LinuxDaemonService):
            return guest.driver.present and guest.running
        return guest.running

    @property
    def pending(self) -> Reaction | None:
        """The reaction that will happen on its own, if any.

        - Windows, enabled on the host, installed, stopped, startup type not Disabled:
          Hyper-V starts it again (:attr:`Reaction.RESTART`).
        - Windows, disabled on the host, running: it stops (:attr:`Reaction.STOP`).
        - Linux daemon running while its channel is gone (disabled on the host, or
          ``hv_utils`` not active): the daemon exits (:attr:`Reaction.STOP`).
        - Nothing else: Hyper-V never restarts a Linux daemon.
        """
        guest = self.guest
        if isinstance(guest, LinuxDaemonService):
            channel = self.host_enabled is True and guest.driver.present
            return Reaction.STOP if guest.running and not channel else None
        if not isinstance(guest, WindowsGuestService) or self.host_enabled is None:
            return None
        if self.host_enabled:
            startable = guest.start_type is not StartType.DISABLED
            restart = guest.status is GuestStatus.STOPPED and startable
            return Reaction.RESTART if restart else None
        return Reaction.STOP if guest.running else None

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """Every condition that keeps the service from functioning, host side first.

        Empty exactly when :attr:`functioning` is true. A pending reaction is listed last.
        """
        found: list[Reason] = []
        if self.host_enabled is False:
            found.append(Reason.DISABLED_ON_HOST)
        guest = self.guest
        if guest is None:
            found.append(Reason.NOT_AVAILABLE_ON_GUEST_OS)
        elif isinstance(guest, WindowsGuestService):
            found.extend(_windows_reasons(guest))
        else:
            if not guest.driver.present:
                found.append(Reason.KERNEL_DRIVER_MISSING)
            if isinstance(guest, LinuxDaemonService):
                if not guest.installed:
                    found.append(Reason.DAEMON_NOT_INSTALLED)
                elif not guest.running:
                    found.append(Reason.DAEMON_NOT_RUNNING)
        pending = self.pending
        if pending is not None:
            found.append(_PENDING_REASON[pending])
        return tuple(found)

    def __repr__(self) -> str:
        host = "enabled" if self.host_enabled else "disabled"
        works = "functioning" if self.functioning else "not functioning"
        return f"<ServiceState {self.service}: {host} on the host, {works}>"


_PENDING_REASON: Final = {
    Reaction.RESTART: Reason.PENDING_RESTART,
    Reaction.STOP: Reason.PENDING_STOP,
}


def _windows_reasons(guest: WindowsGuestService) -> tuple[Reason, ...]:
    if guest.status is GuestStatus.NOT_INSTALLED:
        return (Reason.NOT_INSTALLED_IN_GUEST,)
    if guest.status is GuestStatus.RUNNING:
        return ()
    if guest.start_type is StartType.DISABLED:
        return (Reason.NOT_RUNNING_IN_GUEST, Reason.STARTUP_DISABLED_IN_GUEST)
    return (Reason.NOT_RUNNING_IN_GUEST,)


# --- guest reactions (pure functions over one guest side) -------------------------------------


def _started_by_hyperv(guest: WindowsGuestService) -> WindowsGuestService:
    """Hyper-V starts a stopped Windows service unless its startup type is Disabled."""
    if guest.status is GuestStatus.STOPPED and guest.start_type is not StartType.DISABLED:
        return attrs.evolve(guest, status=GuestStatus.RUNNING)
    return guest


def _pulled_in_by_device(guest: LinuxDaemonService) -> LinuxDaemonService:
    """A stopped daemon whose unit is enabled starts once its VMBus device exists (udev)."""
    if (
        guest.status is GuestStatus.STOPPED
        and guest.unit is UnitState.ENABLED
        and guest.driver.present
    ):
        return attrs.evolve(guest, status=GuestStatus.RUNNING)
    return guest


def _channel_opened(guest: GuestSide) -> GuestSide:
    """The host enabled the service (or hv_utils came up): what starts in the guest."""
    if isinstance(guest, WindowsGuestService):
        return _started_by_hyperv(guest)
    if isinstance(guest, LinuxDaemonService):
        return _pulled_in_by_device(guest)
    return guest


def _channel_closed(guest: GuestSide) -> GuestSide:
    """The host disabled the service (or hv_utils went away): what stops in the guest."""
    if isinstance(guest, WindowsGuestService | LinuxDaemonService) and guest.running:
        return attrs.evolve(guest, status=GuestStatus.STOPPED)
    return guest


def _settled(state: ServiceState) -> ServiceState:
    pending = state.pending
    guest = state.guest
    if pending is None or not isinstance(guest, WindowsGuestService | LinuxDaemonService):
        return state
    status = GuestStatus.RUNNING if pending is Reaction.RESTART else GuestStatus.STOPPED
    return attrs.evolve(state, guest=attrs.evolve(guest, status=status))


def _installed(
    guest: WindowsGuestService | LinuxDaemonService, *, host_enabled: bool | None, unit: UnitState
) -> WindowsGuestService | LinuxDaemonService:
    """Fresh install of a guest side that was not installed; others are left alone."""
    if guest.installed:
        return guest
    if isinstance(guest, WindowsGuestService):
        running = host_enabled is not False
        status = GuestStatus.RUNNING if running else GuestStatus.STOPPED
        return WindowsGuestService(status=status, start_type=StartType.MANUAL)
    fresh = attrs.evolve(guest, status=GuestStatus.STOPPED, unit=unit)
    return _pulled_in_by_device(fresh) if host_enabled else fresh


def _uninstalled(
    guest: WindowsGuestService | LinuxDaemonService,
) -> WindowsGuestService | LinuxDaemonService:
    if isinstance(guest, WindowsGuestService):
        return attrs.evolve(guest, status=GuestStatus.NOT_INSTALLED)
    return attrs.evolve(guest, status=GuestStatus.NOT_INSTALLED, unit=UnitState.NO_UNIT)


# --- the VM -----------------------------------------------------------------------------------

#: Every service a VM tracks, in this order: the six host-visible ones, then the guest-only ones.
TRACKED_SERVICES: Final[tuple[Service, ...]] = (*IntegrationService, *GuestOnlyService)
_INDEX: Final[dict[Service, int]] = {service: i for i, service in enumerate(TRACKED_SERVICES)}


def _check_states(vm: VMIntegration, attribute: object, states: tuple[ServiceState, ...]) -> None:
    """Cross-field rule: one state per tracked service, each fitting the guest OS."""
    services = tuple(state.service for state in states)
    if services != TRACKED_SERVICES:
        expected = ", ".join(service.value for service in TRACKED_SERVICES)
        raise ConfigurationError(f"states must hold one state each for {expected}, in that order")
    product = vm.guest_os.product
    drivers: set[KernelDriver] = set()
    for state in states:
        available = state.service.is_available_on(product)
        if state.available != available:
            adjective = "available" if available else "not available"
            raise ConfigurationError(
                f"{_name(state.service)} is {adjective} on {vm.guest_os} guests: "
                "its guest side must " + ("be set" if available else "be None")
            )
        guest = state.guest
        if guest is None:
            continue
        if vm.guest_os.is_linux == isinstance(guest, WindowsGuestService):
            raise ConfigurationError(
                f"{_name(state.service)}: the guest side does not fit a {vm.guest_os} guest"
            )
        if not isinstance(guest, WindowsGuestService):
            drivers.add(guest.driver)
    if len(drivers) > 1:
        shown = ", ".join(sorted(driver.value for driver in drivers))
        raise ConfigurationError(
            f"every service of a Linux guest must show the same hv_utils state, not {shown}"
        )


def _packaged_unit(guest_os: OperatingSystem, service: Service) -> UnitState:
    """The unit a Linux daemon package gives a service: enabled when the distribution ships one."""
    if not guest_os.is_linux or not isinstance(service, IntegrationService):
        return UnitState.NO_UNIT
    row = packaging_for(guest_os.distribution, guest_os.distribution_version)
    # FreeBSD's devd starts the daemons as systemd's enabled units would (sbin/devd/hyperv.conf).
    started = row.unit_for(service) is not None or bool(row.started_by)
    return UnitState.ENABLED if started else UnitState.NO_UNIT


def _not_packaged(guest_os: OperatingSystem, service: Service) -> bool:
    """Whether the Linux guest's distribution release ships no daemon for *service*."""
    if not guest_os.is_linux or not isinstance(service, IntegrationService):
        return False
    row = packaging_for(guest_os.distribution, guest_os.distribution_version)
    return row.missing(service) is not None


def _to_states(states: Iterable[ServiceState]) -> tuple[ServiceState, ...]:
    return tuple(states)


@attrs.frozen
class VMIntegration:
    """The integration services of one VM, host and guest side, with the spec's transitions.

    Build one with :meth:`new`. Every transition returns a new instance; the original is
    unchanged. Host-side transitions apply the guest's immediate reaction; reactions the
    specification calls eventual stay pending (:attr:`ServiceState.pending`) until
    :meth:`settle`.

    Attributes:
        guest_os: The guest operating system.
        states: One :class:`ServiceState` per service of :data:`TRACKED_SERVICES`, in that order.
    """

    guest_os: OperatingSystem = attrs.field(validator=attrs.validators.instance_of(OperatingSystem))
    states: tuple[ServiceState, ...] = attrs.field(
        converter=_to_states,
        validator=[
            attrs.validators.deep_iterable(attrs.validators.instance_of(ServiceState)),
            _check_states,
        ],
    )

    @classmethod
    def new(
        cls,
        guest_os: OperatingSystem | str | Guest | VM,
        *,
        enabled: Iterable[IntegrationService] | None = None,
        installed: bool = True,
        kernel_driver: KernelDriver | None = None,
    ) -> VMIntegration:
        """A VM as Hyper-V creates it, settled.

        Args:
            guest_os: The guest, as an operating system or as text for
                :func:`vmic.parse_os`; or a :class:`~vmic.Guest` (its OS) or a
                :class:`~vmic.VM` (its guest's OS, and the services its host enables).
            enabled: Services enabled on the host; None gives the VM's own settings for
                a VM, else Hyper-V's defaults (every service except Guest Service
                Interface).
            installed: Whether the guest side is installed: the integration services of a
                Windows guest, the daemons of a Linux guest (units as its distribution
                packages them).
            kernel_driver: Linux only: the state of ``hv_utils`` (default: loaded).

        Raises:
            ConfigurationError: ``kernel_driver`` was given for a Windows guest, or
                ``enabled`` names a guest-only service.
            UnknownServiceError: ``enabled`` holds something that is not a service.
            UnknownOperatingSystemError: ``guest_os`` text names no known system.
            ConfigurationError: A Guest or VM whose operating system is not known.
        """
        os_ = operating_system_of(guest_os, what="the guest")
        if enabled is None and isinstance(guest_os, VM):
            enabled = [r.service for r in guest_os.services if r.enabled and r.service]
        on = _enabled_set(enabled)
        if os_.is_windows and kernel_driver is not None:
            raise ConfigurationError(
                f"kernel_driver applies to Linux guests only, not to {os_} guests"
            )
        driver = kernel_driver if kernel_driver is not None else KernelDriver.LOADED
        if driver not in _KERNEL_DRIVERS:
            raise ConfigurationError(f"kernel_driver must be a KernelDriver, not {driver!r}")
        states: list[ServiceState] = []
        for service in TRACKED_SERVICES:
            host = service in on if isinstance(service, IntegrationService) else None
            guest: GuestSide | None = None
            if not service.is_available_on(os_.product):
                guest = None
            elif os_.is_windows:
                guest = WindowsGuestService(
                    status=GuestStatus.NOT_INSTALLED, start_type=StartType.MANUAL
                )
            elif service in KERNEL_SERVICES:
                guest = LinuxKernelService(driver=driver)
            else:
                guest = LinuxDaemonService(
                    driver=driver, status=GuestStatus.NOT_INSTALLED, unit=UnitState.NO_UNIT
                )
            states.append(ServiceState(service=service, host_enabled=host, guest=guest))
        bare = cls(guest_os=os_, states=tuple(states))
        # A new VM is a bare one whose guest then installs its integration services.
        return bare.install_in_guest() if installed else bare

    # --- queries -------------------------------------------------------------------------------

    def state(self, service: Service) -> ServiceState:
        """Both sides of one service.

        Raises:
            UnknownServiceError: ``service`` is not an :class:`IntegrationService` or
                :class:`GuestOnlyService`.
        """
        try:
            return self.states[_INDEX[service]]
        except (KeyError, TypeError):
            raise UnknownServiceError(repr(service)) from None

    @property
    def kernel_driver(self) -> KernelDriver | None:
        """State of ``hv_utils`` in a Linux guest; None for Windows guests."""
        for state in self.states:
            if isinstance(state.guest, LinuxKernelService | LinuxDaemonService):
                return state.guest.driver
        return None

    @property
    def pending(self) -> tuple[ServiceState, ...]:
        """States with a reaction still to happen (empty after :meth:`settle`)."""
        return tuple(state for state in self.states if state.pending is not None)

    # --- host side ----------------------------------------------------------------------------

    def enable(self, service: Service) -> VMIntegration:
        """``Enable-VMIntegrationService``: turn the service on at the host.

        The guest side starts at once: a stopped Windows service whose startup type is
        not Disabled, or an installed Linux daemon whose unit is enabled (its VMBus device
        appears and pulls the unit in). Enabling an enabled service changes nothing. A
        service the guest cannot have can still be enabled; it simply never functions.

        Raises:
            InvalidTransitionError: ``service`` is guest-only (it has no host setting).
            UnknownServiceError: ``service`` is not a service.
        """
        state = self._host_visible(service, "enable")
        if state.host_enabled:
            return self
        guest = None if state.guest is None else _channel_opened(state.guest)
        return self._with(attrs.evolve(state, host_enabled=True, guest=guest))

    def disable(self, service: Service) -> VMIntegration:
        """``Disable-VMIntegrationService``: turn the service off at the host.

        The guest side stops at once (a Windows service, or a Linux daemon, which is
        bound to its VMBus device and exits when the device goes away).

        Raises:
            InvalidTransitionError: ``service`` is guest-only (it has no host setting).
            UnknownServiceError: ``service`` is not a service.
        """
        state = self._host_visible(service, "disable")
        if state.host_enabled is False:
            return self
        guest = None if state.guest is None else _channel_closed(state.guest)
        return self._with(attrs.evolve(state, host_enabled=False, guest=guest))

    # --- guest side ---------------------------------------------------------------------------

    def start_in_guest(self, service: Service) -> VMIntegration:
        """``Start-Service`` in a Windows guest; ``systemctl start`` or running the daemon in Linux.

        Starting while the host has the service disabled leaves a pending stop.

        Raises:
            InvalidTransitionError: The guest lacks the service, it is not installed, its
                startup type is Disabled (Windows), or it is a Linux kernel service.
            UnknownServiceError: ``service`` is not a service.
        """
        state, guest = self._guest_process(service, "start")
        if guest.running:
            return self
        if isinstance(guest, WindowsGuestService) and guest.start_type is StartType.DISABLED:
            raise InvalidTransitionError(
                f"cannot start {_name(service)} in the guest: its startup type is Disabled "
                "(set it to Manual or Automatic first)"
            )
        return self._with(
            attrs.evolve(state, guest=attrs.evolve(guest, status=GuestStatus.RUNNING))
        )

    def stop_in_guest(self, service: Service) -> VMIntegration:
        """``Stop-Service`` in a Windows guest; ``kill`` or ``systemctl stop`` in Linux.

        A Windows service enabled on the host is left with a pending restart (unless its
        startup type is Disabled); a Linux daemon stays stopped.

        Raises:
            InvalidTransitionError: The guest lacks the service, it is not installed, or it
                is a Linux kernel service.
            UnknownServiceError: ``service`` is not a service.
        """
        state, guest = self._guest_process(service, "stop")
        if not guest.running:
            return self
        return self._with(
            attrs.evolve(state, guest=attrs.evolve(guest, status=GuestStatus.STOPPED))
        )

    def set_start_type(self, service: Service, start_type: StartType) -> VMIntegration:
        """``Set-Service -StartupType`` in a Windows guest. Does not start or stop the service.

        Raises:
            InvalidTransitionError: Not a Windows guest, the guest lacks the service, it is
                not installed, or ``start_type`` is not Automatic, Manual or Disabled.
            UnknownServiceError: ``service`` is not a service.
        """
        if start_type not in SERVICE_START_TYPES:
            raise InvalidTransitionError(
                "a service's startup type must be Automatic, Manual or Disabled, "
                f"not {start_type!r}"
            )
        state, guest = self._guest_process(service, "set the startup type of")
        if not isinstance(guest, WindowsGuestService):
            raise InvalidTransitionError(
                f"{self.guest_os} guests have no startup type for {_name(service)}: "
                "use set_unit_state for a Linux daemon"
            )
        return self._with(attrs.evolve(state, guest=attrs.evolve(guest, start_type=start_type)))

    def set_unit_state(self, service: Service, unit: UnitState) -> VMIntegration:
        """``systemctl enable|disable|mask|unmask`` for a Linux daemon. Does not start or stop it.

        Raises:
            InvalidTransitionError: Not a Linux daemon service, or the daemon is not installed.
            UnknownServiceError: ``service`` is not a service.
        """
        if unit not in _UNIT_STATES:
            raise InvalidTransitionError(f"unit must be a UnitState, not {unit!r}")
        state, guest = self._guest_process(service, "change the unit of")
        if not isinstance(guest, LinuxDaemonService):
            raise InvalidTransitionError(
                f"{self.guest_os} guests have no systemd unit for {_name(service)}: "
                "use set_start_type for a Windows service"
            )
        return self._with(attrs.evolve(state, guest=attrs.evolve(guest, unit=unit)))

    def install_in_guest(self, service: Service | None = None) -> VMIntegration:
        """Install the guest side: Windows integration services, or a Linux daemon package.

        None installs everything the guest can have (Windows: the integration services
        setup installs every service at once; Linux: all three daemons). A fresh install
        starts what the host has enabled: Windows services get startup type Manual; a
        Linux daemon gets its distribution's unit (enabled) and starts if the unit exists
        and ``hv_utils`` is active. Already-installed services are left as they are.

        Raises:
            InvalidTransitionError: The guest lacks the service, or it is a Linux kernel
                service (part of the kernel, not a package).
            UnknownServiceError: ``service`` is not a service.
        """
        changed = [
            attrs.evolve(
                state,
                guest=_installed(
                    guest,
                    host_enabled=state.host_enabled,
                    unit=_packaged_unit(self.guest_os, state.service),
                ),
            )
            for state, guest in self._installable(service, "install")
        ]
        return self._with(*changed)

    def uninstall_in_guest(self, service: Service | None = None) -> VMIntegration:
        """Remove the guest side (None: everything :meth:`install_in_guest` would install).

        Raises:
            InvalidTransitionError: The guest lacks the service, or it is a Linux kernel service.
            UnknownServiceError: ``service`` is not a service.
        """
        changed = [
            attrs.evolve(state, guest=_uninstalled(guest))
            for state, guest in self._installable(service, "uninstall")
        ]
        return self._with(*changed)

    def load_kernel_driver(self) -> VMIntegration:
        """``modprobe hv_utils`` in a Linux guest.

        The VMBus devices of the enabled services appear, and daemons whose unit is
        enabled start. Loading an active driver changes nothing.

        Raises:
            InvalidTransitionError: The guest is not Linux.
        """
        driver = self._linux_driver("load")
        if driver.present:
            return self
        return self._map_linux(
            KernelDriver.LOADED,
            lambda state, guest: _channel_opened(guest) if state.host_enabled else guest,
        )

    def unload_kernel_driver(self) -> VMIntegration:
        """``rmmod hv_utils`` in a Linux guest: every channel closes and running daemons exit.

        Raises:
            InvalidTransitionError: The guest is not Linux, or ``hv_utils`` is built in.
        """
        driver = self._linux_driver("unload")
        if driver is KernelDriver.BUILT_IN:
            raise InvalidTransitionError(
                f"cannot unload hv_utils: it is built into this {self.guest_os} guest's kernel"
            )
        if driver is KernelDriver.NOT_LOADED:
            return self
        return self._map_linux(
            KernelDriver.NOT_LOADED, lambda _state, guest: _channel_closed(guest)
        )

    def settle(self) -> VMIntegration:
        """Apply every pending reaction: what Hyper-V and the guest do some time later.

        A stopped Windows service enabled on the host starts again unless its startup
        type is Disabled; a service running while its host side is off (or, on Linux,
        while ``hv_utils`` is not active) stops. Settling a settled VM changes nothing.
        """
        if not self.pending:
            return self
        return attrs.evolve(self, states=tuple(_settled(state) for state in self.states))

    # --- internals ----------------------------------------------------------------------------

    def _with(self, *changed: ServiceState) -> VMIntegration:
        states = list(self.states)
        for state in changed:
            states[_INDEX[state.service]] = state
        return attrs.evolve(self, states=tuple(states))

    def _unavailable(self, service: Service, action: str) -> InvalidTransitionError:
        name = _name(service)
        if self.guest_os.is_linux:
            why = "it is a Windows guest service"
        else:
            first = " or ".join(p.display_name for p in service.info.added_in)
            why = f"it needs {first} or later"
        return InvalidTransitionError(
            f"cannot {action} {name}: {self.guest_os} guests do not have it ({why})"
        )

    def _host_visible(self, service: Service, action: str) -> ServiceState:
        state = self.state(service)
        if not isinstance(service, IntegrationService):
            raise InvalidTransitionError(
                f"cannot {action} {_name(service)} on the host: it is a guest-only service "
                "with no host-side setting (Get-VMIntegrationService does not list it)"
            )
        return state

    def _guest_process(
        self, service: Service, action: str
    ) -> tuple[ServiceState, WindowsGuestService | LinuxDaemonService]:
        """The state and guest side of a service that has a process to act on."""
        state = self.state(service)
        guest = state.guest
        if guest is None:
            raise self._unavailable(service, action)
        if isinstance(guest, LinuxKernelService):
            raise InvalidTransitionError(
                f"cannot {action} {_name(service)} in a Linux guest: it has no daemon, the "
                "kernel driver hv_utils implements it (load or unload the driver instead)"
            )
        if not guest.installed:
            raise InvalidTransitionError(
                f"cannot {action} {_name(service)}: it is not installed in the guest"
            )
        return state, guest

    def _installable(
        self, service: Service | None, action: str
    ) -> list[tuple[ServiceState, WindowsGuestService | LinuxDaemonService]]:
        """The states (and guest sides) that install/uninstall acts on."""
        if service is None:
            # A daemon the distribution does not package cannot come with the package.
            return [
                (state, state.guest)
                for state in self.states
                if isinstance(state.guest, WindowsGuestService | LinuxDaemonService)
                and not _not_packaged(self.guest_os, state.service)
            ]
        state = self.state(service)
        guest = state.guest
        if guest is None:
            raise self._unavailable(service, action)
        if action == "install" and _not_packaged(self.guest_os, service):
            raise InvalidTransitionError(
                f"cannot install {_name(service)}: {self.guest_os} packages no daemon for it"
            )
        if isinstance(guest, LinuxKernelService):
            raise InvalidTransitionError(
                f"cannot {action} {_name(service)} in a Linux guest: the kernel driver "
                "hv_utils implements it (update the kernel package instead)"
            )
        return [(state, guest)]

    def _linux_driver(self, action: str) -> KernelDriver:
        driver = self.kernel_driver
        if driver is None:
            raise InvalidTransitionError(
                f"cannot {action} hv_utils: {self.guest_os} is not a Linux guest"
            )
        return driver

    def _map_linux(
        self, driver: KernelDriver, react: Callable[[ServiceState, GuestSide], GuestSide]
    ) -> VMIntegration:
        """Set the driver state on every Linux service, then apply the guest's reaction."""
        changed = [
            attrs.evolve(state, guest=react(state, attrs.evolve(state.guest, driver=driver)))
            for state in self.states
            if isinstance(state.guest, LinuxKernelService | LinuxDaemonService)
        ]
        return self._with(*changed)

    def __repr__(self) -> str:
        working = sum(1 for state in self.states if state.functioning)
        services = counted(len(self.states), "service")
        return f"<VMIntegration {self.guest_os}: {working} of {services} working>"


def _enabled_set(enabled: Iterable[object] | None) -> frozenset[IntegrationService]:
    if enabled is None:
        return frozenset(s for s in IntegrationService if s.info.default_enabled)
    if isinstance(enabled, str | bytes):
        # A lone name would otherwise be read one character at a time.
        raise UnknownServiceError(repr(enabled))
    result: set[IntegrationService] = set()
    for item in enabled:
        if isinstance(item, GuestOnlyService):
            raise ConfigurationError(
                f"{_name(item)} is a guest-only service: it cannot be enabled on the host"
            )
        if not isinstance(item, IntegrationService):
            raise UnknownServiceError(repr(item))
        result.add(item)
    return frozenset(result)
