"""Why an integration service, or a VM's integration as a whole, does not work.

The vocabulary shared by the diagnosis (which finds causes), the simulated lab (which
plants them) and reports (which print them). ``.value`` is a stable snake_case string.
"""

from __future__ import annotations

from typing import Final

from vmic.model._named import NamedEnum

__all__ = ["Cause"]


class Cause(NamedEnum):
    """A cause the diagnosis can name."""

    # Members are singletons compared by identity: hash them by identity too, in C
    # (Enum.__hash__ is a Python call, and these are dict keys on every hot path).
    __hash__ = object.__hash__

    DISABLED_ON_HOST = "disabled_on_host"
    GUEST_SERVICE_STOPPED = "guest_service_stopped"
    GUEST_STARTUP_DISABLED = "guest_startup_disabled"
    GUEST_SERVICE_MISSING = "guest_service_missing"
    NOT_AVAILABLE_ON_GUEST_OS = "not_available_on_guest_os"
    INTEGRATION_SERVICES_OUTDATED = "integration_services_outdated"
    NO_CONTACT = "no_contact"
    LOST_COMMUNICATION = "lost_communication"
    COMPONENT_ERROR = "component_error"
    KERNEL_DRIVER_MISSING = "kernel_driver_missing"
    DAEMON_NOT_INSTALLED = "daemon_not_installed"
    DAEMON_NOT_RUNNING = "daemon_not_running"
    NOT_PACKAGED = "not_packaged"
    DATA_EXCHANGE_REQUIRED_FOR_UPDATES = "data_exchange_required_for_updates"
    VM_NOT_RUNNING = "vm_not_running"
    GUEST_UNREACHABLE = "guest_unreachable"
    HOST_UNREACHABLE = "host_unreachable"
    # Time-sync posture (issue 14; words and fixes in vmic.diagnosis._time_sync).
    TIME_SYNC_DC_FROM_HOST = "time_sync_dc_from_host"
    TIME_SYNC_MEMBER_FROM_HOST = "time_sync_member_from_host"
    TIME_SYNC_NO_PTP_REFCLOCK = "time_sync_no_ptp_refclock"
    TIME_SYNC_NO_SOURCE = "time_sync_no_source"

    def __repr__(self) -> str:
        return f"Cause.{self.name}"

    @property
    def description(self) -> str:
        """One sentence for a person."""
        return _TEXT[self]

    @property
    def label(self) -> str:
        """The display name (``str()``): a few words, ``"disabled on host"``."""
        return _LABELS.get(self) or super().label

    @property
    def needs_guest_change(self) -> bool:
        """Whether only a change in the guest removes it: enabling the service on the host cannot.

        An operation that may enable a service on the host first (``vmic copy
        --enable-service``) refuses before changing anything when the service's cause is one
        of these.
        """
        return self in _GUEST_CHANGE


#: Display names that are not the value in words.
_LABELS: Final = {
    Cause.TIME_SYNC_DC_FROM_HOST: "domain controller takes time from the host",
    Cause.TIME_SYNC_MEMBER_FROM_HOST: "domain member takes time from the host",
    Cause.TIME_SYNC_NO_PTP_REFCLOCK: "chrony does not read the PTP clock",
    Cause.TIME_SYNC_NO_SOURCE: "no time source",
}

#: Causes that a host setting cannot remove: the guest's OS, its installed services or
#: daemons, or a guest service's startup type must change (Hyper-V starts a stopped Windows
#: service, and a Linux file-copy daemon's device appears, once the host enables the service).
_GUEST_CHANGE: Final = frozenset(
    {
        Cause.NOT_AVAILABLE_ON_GUEST_OS,
        Cause.GUEST_SERVICE_MISSING,
        Cause.GUEST_STARTUP_DISABLED,
        Cause.KERNEL_DRIVER_MISSING,
        Cause.DAEMON_NOT_INSTALLED,
        Cause.NOT_PACKAGED,
    }
)

_TEXT: Final = {
    Cause.DISABLED_ON_HOST: "The service is disabled in the VM's settings on the Hyper-V host.",
    Cause.GUEST_SERVICE_STOPPED: "The service is stopped inside the guest.",
    Cause.GUEST_STARTUP_DISABLED: (
        "The guest service's startup type is Disabled, so Hyper-V cannot start it."
    ),
    Cause.GUEST_SERVICE_MISSING: "The guest has no such service installed.",
    Cause.NOT_AVAILABLE_ON_GUEST_OS: "The guest operating system predates this service.",
    Cause.INTEGRATION_SERVICES_OUTDATED: (
        "The guest's integration services are older than the host's (ProtocolMismatch)."
    ),
    Cause.NO_CONTACT: "The guest service is not installed or has not been contacted yet.",
    Cause.LOST_COMMUNICATION: "The guest service stopped responding.",
    Cause.COMPONENT_ERROR: "The host reports an error for this integration component.",
    Cause.KERNEL_DRIVER_MISSING: "The Linux kernel driver hv_utils is neither loaded nor built in.",
    Cause.DAEMON_NOT_INSTALLED: "The Linux daemon this service needs is not installed.",
    Cause.DAEMON_NOT_RUNNING: "The Linux daemon this service needs is not running.",
    Cause.NOT_PACKAGED: (
        "The guest's distribution release packages no daemon for this service, so it cannot "
        "work with the distribution's own packages."
    ),
    Cause.DATA_EXCHANGE_REQUIRED_FOR_UPDATES: (
        "Data Exchange is off, and this guest gets integration services updates from Windows "
        "Update only when it is on."
    ),
    Cause.VM_NOT_RUNNING: "The VM is not running, so no guest service can work.",
    Cause.GUEST_UNREACHABLE: "The guest could not be asked; only the host's view is known.",
    Cause.HOST_UNREACHABLE: "The Hyper-V host could not be reached.",
    Cause.TIME_SYNC_DC_FROM_HOST: (
        "A domain controller takes its time from the Hyper-V host (Time Synchronization and "
        "the guest's VMICTimeProvider are both on) instead of the domain hierarchy."
    ),
    Cause.TIME_SYNC_MEMBER_FROM_HOST: (
        "A domain member's Windows Time service uses the Hyper-V host as its source, not the "
        "domain hierarchy."
    ),
    Cause.TIME_SYNC_NO_PTP_REFCLOCK: (
        "The guest has the Hyper-V PTP clock (/dev/ptp_hyperv), but chrony does not read it."
    ),
    Cause.TIME_SYNC_NO_SOURCE: (
        "Time Synchronization is off on the host and the guest has no other time source."
    ),
}
