"""From observations to the enablement model of :mod:`vmic.rules` (the enablement model).

The diagnosis does not restate when a service works: it turns what a guest reported
into the guest side of a :class:`~vmic.rules._semantics.ServiceState` and asks that
state for its :class:`~vmic.rules._semantics.Reason` list. This module is the
translation, plus a short description of the evidence for reports.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Final

import attrs

from vmic.model._linux_records import (
    ModuleStatus,
    SystemdUnit,
    UnitFileState,
    UnitLoadState,
)
from vmic.model._slots import filler
from vmic.model._status import OperationalStatus, StartType
from vmic.rules._semantics import (
    SERVICE_START_TYPES,
    GuestStatus,
    KernelDriver,
    LinuxDaemonService,
    LinuxKernelService,
    UnitState,
    WindowsGuestService,
)

if TYPE_CHECKING:
    from vmic.model._guest import Guest, GuestService
    from vmic.model._linux import LinuxPackaging, NotPackaged
    from vmic.model._operating_system import OperatingSystem
    from vmic.model._records import IntegrationComponentRecord
    from vmic.model._services import GuestOnlyService, IntegrationService
    from vmic.rules._semantics import GuestSide

__all__ = [
    "GuestEvidence",
    "driver_state",
    "linux_evidence",
    "unit_state",
    "windows_evidence",
]

# Host statuses that say the guest side of a service answers.
_CONTACT: Final = frozenset(
    {OperationalStatus.OK, OperationalStatus.DEGRADED, OperationalStatus.PROTOCOL_MISMATCH}
)
# Host statuses that say the guest side does not answer at all.
_SILENT: Final = frozenset(
    {
        OperationalStatus.NO_CONTACT,
        OperationalStatus.LOST_COMMUNICATION,
        OperationalStatus.COMMUNICATION_FAILED,
        OperationalStatus.COMMUNICATION_TIMED_OUT,
    }
)


@attrs.frozen
class GuestEvidence:
    """The guest side of one service as the guest reported it.

    Attributes:
        side: The guest side for the semantics model; None when this guest cannot have
            the service.
        text: What the guest showed, in a few words.
        daemon: The daemon entry of a Linux guest, when the service has one.
        missing: Why the Linux guest's distribution release packages no daemon for the
            service, when it packages none and the guest runs none.
    """

    side: GuestSide | None
    text: str
    daemon: GuestService | None = None
    missing: NotPackaged | None = None


def windows_evidence(
    service: IntegrationService | GuestOnlyService,
    guest: Guest,
    guest_os: OperatingSystem | None,
    record: GuestService | None,
) -> GuestEvidence | None:
    """The guest side of *service* in a Windows guest (None: its services were not reported).

    A service the guest lists counts whatever the catalog says about its OS; a missing
    one is "not available" when the guest's OS predates it, else "not installed".
    *record* is the guest's record of the service (``guest.service(service)``).
    """
    if guest.services is None:
        return None
    return _windows_side(service, record, guest_os)


# A few services in a few states, on a few systems: each distinct case is worked out once.
@functools.lru_cache(maxsize=1024, typed=True)
def _windows_side(
    service: IntegrationService | GuestOnlyService,
    record: GuestService | None,
    guest_os: OperatingSystem | None,
) -> GuestEvidence:
    name = service.info.windows_service
    if record is None or not record.installed:
        if guest_os is not None and not service.is_available_on(guest_os.product):
            return GuestEvidence(None, f"{name}: not on {guest_os.name}")
        return GuestEvidence(
            WindowsGuestService(status=GuestStatus.NOT_INSTALLED, start_type=StartType.MANUAL),
            "not installed",
        )
    start_type = record.start_type
    known_start = start_type if start_type in SERVICE_START_TYPES else None
    status = GuestStatus.RUNNING if record.running else GuestStatus.STOPPED
    if record.status is not None:
        text = record.status.value.replace("_", " ")
    else:
        text = "running" if record.running else "stopped"
    if known_start is StartType.DISABLED:
        text += ", startup disabled"
    side = WindowsGuestService(status=status, start_type=known_start or StartType.MANUAL)
    return GuestEvidence(side, text)


def driver_state(
    guest: Guest, components: tuple[IntegrationComponentRecord, ...]
) -> tuple[KernelDriver, str]:
    """The state of ``hv_utils``, using the host's statuses when ``lsmod`` cannot tell.

    ``lsmod`` does not list a driver compiled into the kernel. When the module is merely
    not listed (or was not read at all), the host decides: contact on any enabled service
    means the driver is there (built in); enabled services that all lack contact mean it
    is not.
    """
    status = guest.hv_utils
    if status is ModuleStatus.LOADED:
        return KernelDriver.LOADED, "hv_utils loaded"
    if status is ModuleStatus.BUILT_IN:
        return KernelDriver.BUILT_IN, "hv_utils built in"
    if status is ModuleStatus.ABSENT:
        return KernelDriver.NOT_LOADED, "hv_utils absent"
    word = "not read" if status is None else "not listed"
    statuses = [c.primary_status for c in components if c.enabled and c.primary_status]
    if any(s in _CONTACT for s in statuses):
        return KernelDriver.BUILT_IN, f"hv_utils {word} (built in: the host has contact)"
    if statuses and all(s in _SILENT for s in statuses):
        return KernelDriver.NOT_LOADED, f"hv_utils {word} and the host has no contact"
    return KernelDriver.BUILT_IN, f"hv_utils {word} (taken as built in)"


# Enum members read for every service of every Linux VM. On Python 3.11 reading a member off
# its enum class goes through the enum metaclass's ``__getattr__`` hook, several times the
# cost of a module global, so the paths below read these names.
_NOT_FOUND: Final = UnitLoadState.NOT_FOUND
_LOAD_MASKED: Final = UnitLoadState.MASKED
_FILE_MASKED: Final = UnitFileState.MASKED
_FILE_MASKED_RUNTIME: Final = UnitFileState.MASKED_RUNTIME
_FILE_DISABLED: Final = UnitFileState.DISABLED
_NO_UNIT: Final = UnitState.NO_UNIT
_MASKED: Final = UnitState.MASKED
_DISABLED: Final = UnitState.DISABLED
_ENABLED: Final = UnitState.ENABLED
_NOT_INSTALLED: Final = GuestStatus.NOT_INSTALLED
_RUNNING: Final = GuestStatus.RUNNING
_STOPPED: Final = GuestStatus.STOPPED


def unit_state(unit: SystemdUnit | None) -> UnitState:
    """How systemd treats a daemon's unit, from ``systemctl show``."""
    if unit is None or unit.load_state is _NOT_FOUND:
        return _NO_UNIT
    file_state = unit.unit_file_state
    if (
        unit.load_state is _LOAD_MASKED
        or file_state is _FILE_MASKED
        or file_state is _FILE_MASKED_RUNTIME
    ):
        return _MASKED
    if file_state is _FILE_DISABLED:
        return _DISABLED
    return _ENABLED


# The guest sides of the semantics model are frozen and few (one per combination of three
# small enumerations): each is built, and checked, once and shared.
@functools.lru_cache(maxsize=64)
def _kernel_side(driver: KernelDriver) -> LinuxKernelService:
    return LinuxKernelService(driver=driver)


@functools.lru_cache(maxsize=256)
def _daemon_side(driver: KernelDriver, status: GuestStatus, unit: UnitState) -> LinuxDaemonService:
    return LinuxDaemonService(driver=driver, status=status, unit=unit)


# A kernel-only service's evidence is the driver's state and its words (a handful of fixed
# texts from driver_state): the same record for the three such services of every Linux VM.
@functools.lru_cache(maxsize=64)
def _kernel_evidence(driver: KernelDriver, driver_text: str) -> GuestEvidence:
    return GuestEvidence(_kernel_side(driver), driver_text)


# GuestEvidence has no converter or validator: filling its slots builds what __init__ builds,
# without the call through __init__ (a daemon's evidence is made for every daemon-backed
# service of every Linux VM).
_FILL_EVIDENCE: Final = filler(GuestEvidence, "side", "text", "daemon", "missing")


def linux_evidence(
    service: IntegrationService,
    guest: Guest,
    driver: KernelDriver,
    driver_text: str,
    packaging: LinuxPackaging,
    *,
    entry: GuestService | None,
) -> GuestEvidence | None:
    """The guest side of *service* in a Linux guest (kernel-only or daemon-backed).

    None when the guest did not report what it rests on: ``hv_utils`` for a kernel-only
    service, its daemons for the others. *entry* is the guest's record of the service
    (``guest.service(service)``).
    """
    if entry is None:
        return _unlisted(service, guest, driver, driver_text, packaging)
    if guest.services is None:
        return None
    unit = unit_state(entry.unit)
    installed = entry.installed
    if not installed:
        status, words = _NOT_INSTALLED, "not installed"
    elif entry.running:
        status, words = _RUNNING, "running"
    else:
        status, words = _STOPPED, "not running"
    if (unit is _MASKED or unit is _DISABLED) and installed:
        words += f" (unit {unit.value})"
    side = _daemon_side(driver, status, unit)
    return _FILL_EVIDENCE(side, f"{entry.name} {words}", entry, None)


def _unlisted(
    service: IntegrationService,
    guest: Guest,
    driver: KernelDriver,
    driver_text: str,
    packaging: LinuxPackaging,
) -> GuestEvidence | None:
    """:func:`linux_evidence` for a service the guest lists no daemon for."""
    missing = packaging.missing(service)
    if missing is not None:
        return GuestEvidence(None, "no daemon packaged", missing=missing)
    daemon_name = packaging.daemon_for(service)
    if daemon_name is None:
        if guest.hv_utils is None:
            return None
        return _kernel_evidence(driver, driver_text)
    if guest.services is None:
        return None
    side = _daemon_side(driver, _NOT_INSTALLED, _NO_UNIT)
    return GuestEvidence(side, f"{daemon_name} not installed")
