"""What users want from integration services, and which services each feature needs.

A feature works on a VM only when every service it needs is functioning (enabled on the
host and running in the guest). The update-through-Windows-Update feature needs Data
Exchange only where the update matrix says so; :func:`services_needed` answers per guest.

>>> from vmic.rules._features import Feature, services_needed
>>> from vmic import IntegrationService, parse_os
>>> sorted(s.value for s in services_needed(Feature.GUEST_IP_REPORTING, parse_os("Ubuntu")))
['key_value_pair_exchange']
>>> Feature.FILE_COPY.info.title
'Copy files between host and guest (Copy-VMFile)'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import attrs

from vmic.errors import UnsupportedCombinationError
from vmic.model._named import NamedEnum, cut
from vmic.model._services import GuestOnlyService, IntegrationService
from vmic.rules._matrix import UpdateMechanism, UpdateRule, update_rule

if TYPE_CHECKING:
    from vmic.model._operating_system import OperatingSystem

__all__ = ["Feature", "FeatureInfo", "services_needed"]


class Feature(NamedEnum):
    """A capability a VM gets from its integration services."""

    # Members are singletons compared by identity: hash them by identity too, in C
    # (Enum.__hash__ is a Python call, and these are dict keys on every hot path).
    __hash__ = object.__hash__

    GRACEFUL_SHUTDOWN = "graceful_shutdown"
    GUEST_IP_REPORTING = "guest_ip_reporting"
    GUEST_OS_REPORTING = "guest_os_reporting"
    FILE_COPY = "file_copy"
    LIVE_BACKUP = "live_backup"
    POWERSHELL_DIRECT = "powershell_direct"
    TIME_SYNC = "time_sync"
    HEALTH_MONITORING = "health_monitoring"
    WINDOWS_UPDATE_INTEGRATION_SERVICES = "windows_update_integration_services"

    def __repr__(self) -> str:
        return f"Feature.{self.name}"

    @property
    def info(self) -> FeatureInfo:
        """The catalog entry."""
        return _INFO[self]


@attrs.frozen
class FeatureInfo:
    """What a feature is and what it needs.

    Attributes:
        title: One line for a person.
        services: Host-visible services it needs on both sides.
        guest_only: Guest-only services it needs in a Windows guest.
        linux: Whether Linux guests can have the feature.
        symptom: What a user sees when it is broken.
        source: Where the dependency is documented.
    """

    title: str
    services: frozenset[IntegrationService]
    guest_only: frozenset[GuestOnlyService]
    linux: bool
    symptom: str
    source: str

    def __repr__(self) -> str:
        return f"<FeatureInfo {cut(self.title, 60)}>"


_S = IntegrationService
_INFO: Final = {
    Feature.GRACEFUL_SHUTDOWN: FeatureInfo(
        "Shut the guest down cleanly from the host (Stop-VM)",
        frozenset({_S.SHUTDOWN}),
        frozenset(),
        linux=True,
        symptom="Stop-VM can only turn the VM off, like pulling the plug.",
        source="Integration services reference: Shutdown, 'High impact'",
    ),
    Feature.GUEST_IP_REPORTING: FeatureInfo(
        "Guest IP addresses on the host (Get-VMNetworkAdapter IPAddresses)",
        frozenset({_S.KEY_VALUE_PAIR_EXCHANGE}),
        frozenset(),
        linux=True,
        symptom="IPAddresses stays empty; tools waiting for an IP time out.",
        source="KVP intrinsic items NetworkAddressIPv4/IPv6; hashicorp/vagrant#3247, #8551",
    ),
    Feature.GUEST_OS_REPORTING: FeatureInfo(
        "Guest OS name, version and integration services version on the host",
        frozenset({_S.KEY_VALUE_PAIR_EXCHANGE}),
        frozenset(),
        linux=True,
        symptom="The host shows no guest OS and no integration services version.",
        source="KVP intrinsic items OSName, OSVersion, IntegrationServicesVersion",
    ),
    Feature.FILE_COPY: FeatureInfo(
        "Copy files between host and guest (Copy-VMFile)",
        frozenset({_S.GUEST_SERVICE_INTERFACE}),
        frozenset(),
        linux=True,
        symptom="Copy-VMFile fails.",
        source="Integration services reference: Guest Service Interface",
    ),
    Feature.LIVE_BACKUP: FeatureInfo(
        "Back up the running VM with VSS (application-consistent checkpoints)",
        frozenset({_S.VSS}),
        frozenset(),
        linux=True,
        symptom="Backups of the running VM fail or fall back to crash-consistent copies.",
        source="Integration services reference: VSS; Manage doc: hv_vss_daemon",
    ),
    Feature.POWERSHELL_DIRECT: FeatureInfo(
        "PowerShell Direct from the host (Invoke-Command -VMName, Enter-PSSession -VMName)",
        frozenset(),
        frozenset({GuestOnlyService.POWERSHELL_DIRECT}),
        linux=False,
        symptom="Invoke-Command -VMName cannot connect to the VM.",
        source="Integration services reference: PowerShell Direct (Windows 10 / Server 2016+)",
    ),
    Feature.TIME_SYNC: FeatureInfo(
        "Guest clock kept in step with the host",
        frozenset({_S.TIME_SYNCHRONIZATION}),
        frozenset(),
        linux=True,
        symptom="The guest clock drifts.",
        source="Integration services reference: Time Synchronization, 'High impact'",
    ),
    Feature.HEALTH_MONITORING: FeatureInfo(
        "Guest health on the host (Get-VM Status 'Operating normally')",
        frozenset({_S.HEARTBEAT}),
        frozenset(),
        linux=True,
        symptom="Get-VM shows no heartbeat; monitoring cannot tell a hung guest.",
        source="Integration services reference: Heartbeat",
    ),
    Feature.WINDOWS_UPDATE_INTEGRATION_SERVICES: FeatureInfo(
        "Integration services updates through Windows Update",
        frozenset({_S.KEY_VALUE_PAIR_EXCHANGE}),
        frozenset(),
        linux=False,
        symptom="Older guests never receive integration services updates.",
        source="Manage doc update table: 'Requires the Data Exchange integration service'",
    ),
}


def services_needed(
    feature: Feature, guest: OperatingSystem, *, host: OperatingSystem | None = None
) -> frozenset[IntegrationService | GuestOnlyService]:
    """Services *feature* needs on *guest* (empty when the feature does not apply to it).

    Integration services updates through Windows Update need Data Exchange only on the
    guests whose update-table row says so (Windows 8 / Server 2012 and earlier); later
    guests get them regardless.

    Args:
        feature: The feature.
        guest: The guest operating system.
        host: The Hyper-V host, when known. For the Windows Update feature the update
            matrix then answers: the feature applies only where the host's table says
            Windows Update, and needs exactly the row's prerequisites. A pair the matrix
            does not list falls back to the guest-only rule.
    """
    info = feature.info
    if guest.is_linux and not info.linux:
        return frozenset()
    if feature is Feature.WINDOWS_UPDATE_INTEGRATION_SERVICES:
        if host is not None:
            rule = _rule_for(host, guest)
            if rule is not None:
                if rule.mechanism is not UpdateMechanism.WINDOWS_UPDATE:
                    return frozenset()
                return frozenset(rule.prerequisites)
        nt = guest.product.nt_version
        # Windows 8 / Server 2012 (NT 6.2) and earlier read the host version from Data Exchange.
        if nt is None or nt > (6, 2):
            return frozenset()
    return frozenset(info.services | info.guest_only)


def _rule_for(host: OperatingSystem, guest: OperatingSystem) -> UpdateRule | None:
    try:
        return update_rule(host, guest)
    except UnsupportedCombinationError:
        return None
