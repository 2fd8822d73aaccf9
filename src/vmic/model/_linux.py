"""How each Linux distribution family packages the Hyper-V guest daemons.

The kernel's ``hv_utils`` driver implements Heartbeat, Shutdown and Time
Synchronization on its own; Key-Value Pair Exchange, VSS and Guest Service
Interface also need a user-space daemon, whose binary, package and systemd unit
are named differently per distribution.

>>> from vmic import IntegrationService
>>> from vmic.model._linux import packaging_for
>>> deb = packaging_for("debian")
>>> deb.unit_for(IntegrationService.KEY_VALUE_PAIR_EXCHANGE)
'hyperv-daemons.hv-kvp-daemon.service'
>>> packaging_for("rhel").daemon_for(IntegrationService.KEY_VALUE_PAIR_EXCHANGE)
'hypervkvpd'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import attrs

from vmic.errors import ConfigurationError
from vmic.model._services import IntegrationService

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["DAEMON_SERVICES", "KERNEL_SERVICES", "LinuxPackaging", "packaging_for"]

#: Services the kernel driver ``hv_utils`` implements without a daemon.
KERNEL_SERVICES: Final = frozenset(
    {
        IntegrationService.HEARTBEAT,
        IntegrationService.SHUTDOWN,
        IntegrationService.TIME_SYNCHRONIZATION,
    }
)
#: Services that need a user-space daemon in the guest as well.
DAEMON_SERVICES: Final = frozenset(
    {
        IntegrationService.KEY_VALUE_PAIR_EXCHANGE,
        IntegrationService.VSS,
        IntegrationService.GUEST_SERVICE_INTERFACE,
    }
)


@attrs.frozen
class LinuxPackaging:
    """Daemon packaging of one distribution family.

    Attributes:
        family: ``"debian"``, ``"ubuntu"``, ``"rhel"``, ``"arch"`` or ``"suse"``.
        packages: Packages that install the daemons.
        package_manager_update: The command that updates kernel and daemons, without
            questions (it runs unattended: a prompt would read end of input and abort).
        daemons: Daemon binary per service.
        units: systemd unit per service (absent: the distribution ships none).
        source: Where these names come from.
        alternatives: Other binaries that implement a service on some releases of the
            family. Linux 6.10 replaced the file-copy daemon ``hv_fcopy_daemon`` with
            ``hv_fcopy_uio_daemon``, so a guest has one or the other.
    """

    family: str
    packages: tuple[str, ...]
    package_manager_update: str
    daemons: Mapping[IntegrationService, str]
    units: Mapping[IntegrationService, str]
    source: str
    alternatives: Mapping[IntegrationService, tuple[str, ...]] = attrs.field(factory=dict)

    def daemon_for(self, service: IntegrationService) -> str | None:
        """The daemon binary for a service, or None when the kernel alone implements it."""
        return self.daemons.get(service)

    def daemon_names_for(self, service: IntegrationService) -> tuple[str, ...]:
        """Every binary that implements *service* in this family, the usual one first."""
        usual = self.daemons.get(service)
        if usual is None:
            return ()
        return (usual, *self.alternatives.get(service, ()))

    def unit_for(self, service: IntegrationService) -> str | None:
        """The systemd unit for a service, or None when there is none."""
        return self.units.get(service)


_KVP, _VSS, _GSI = (
    IntegrationService.KEY_VALUE_PAIR_EXCHANGE,
    IntegrationService.VSS,
    IntegrationService.GUEST_SERVICE_INTERFACE,
)

_PACKAGING: Final = {
    p.family: p
    for p in (
        LinuxPackaging(
            family="debian",
            packages=("hyperv-daemons",),
            package_manager_update="apt-get update && apt-get install -y --only-upgrade "
            "linux-image-amd64 hyperv-daemons",
            daemons={_KVP: "hv_kvp_daemon", _VSS: "hv_vss_daemon", _GSI: "hv_fcopy_daemon"},
            units={
                _KVP: "hyperv-daemons.hv-kvp-daemon.service",
                _VSS: "hyperv-daemons.hv-vss-daemon.service",
                _GSI: "hyperv-daemons.hv-fcopy-daemon.service",
            },
            source="Debian hyperv-daemons (systemctl status output; canonical/cloud-init#505)",
            alternatives={_GSI: ("hv_fcopy_uio_daemon",)},
        ),
        LinuxPackaging(
            family="ubuntu",
            packages=("linux-cloud-tools-virtual", "linux-tools-virtual"),
            package_manager_update="apt-get update && apt-get install -y --only-upgrade "
            "linux-virtual linux-cloud-tools-virtual",
            daemons={_KVP: "hv_kvp_daemon", _VSS: "hv_vss_daemon", _GSI: "hv_fcopy_daemon"},
            units={
                _KVP: "hv-kvp-daemon.service",
                _VSS: "hv-vss-daemon.service",
                _GSI: "hv-fcopy-daemon.service",
            },
            source="Ubuntu linux-cloud-tools-common units; Manage doc ps -ef sample",
            alternatives={_GSI: ("hv_fcopy_uio_daemon",)},
        ),
        LinuxPackaging(
            family="rhel",
            packages=("hyperv-daemons",),
            package_manager_update="dnf upgrade -y kernel hyperv-daemons",
            daemons={_KVP: "hypervkvpd", _VSS: "hypervvssd", _GSI: "hypervfcopyd"},
            units={
                _KVP: "hypervkvpd.service",
                _VSS: "hypervvssd.service",
                _GSI: "hypervfcopyd.service",
            },
            source="microsoft/azurelinux SPECS/hyperv-daemons/hyperv-daemons.spec",
        ),
        LinuxPackaging(
            family="arch",
            packages=("hyperv",),
            package_manager_update="pacman -Syu --needed --noconfirm linux hyperv",
            daemons={_KVP: "hv_kvp_daemon", _VSS: "hv_vss_daemon", _GSI: "hv_fcopy_uio_daemon"},
            units={_KVP: "hv_kvp_daemon.service", _VSS: "hv_vss_daemon.service"},
            source="Arch 'hyperv' package (no unit ships for the fcopy UIO daemon)",
        ),
        LinuxPackaging(
            family="suse",
            packages=("hyperv-tools",),
            package_manager_update="zypper --non-interactive update kernel-default hyperv-tools",
            daemons={_KVP: "hv_kvp_daemon", _VSS: "hv_vss_daemon", _GSI: "hv_fcopy_daemon"},
            units={
                _KVP: "hv_kvp_daemon.service",
                _VSS: "hv_vss_daemon.service",
                _GSI: "hv_fcopy_daemon.service",
            },
            source="generic upstream names (UNCERTAIN for SUSE: no packaging source was read)",
        ),
    )
}


def packaging_for(family: str | None) -> LinuxPackaging:
    """Packaging of a distribution family; None gives the Debian-like upstream names.

    Raises:
        ConfigurationError: The family is not one vmic knows.
    """
    try:
        return _PACKAGING[family or "debian"]
    except KeyError:
        known = ", ".join(sorted(_PACKAGING))
        raise ConfigurationError(
            f"unknown Linux distribution family {family!r}; known: {known}"
        ) from None


def all_packaging() -> tuple[LinuxPackaging, ...]:
    """Every distribution family vmic knows."""
    return tuple(_PACKAGING.values())
