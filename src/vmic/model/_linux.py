"""How each Linux (and FreeBSD) distribution packages the Hyper-V guest daemons.

The kernel's ``hv_utils`` driver implements Heartbeat, Shutdown and Time
Synchronization on its own; Key-Value Pair Exchange, VSS and Guest Service
Interface also need a user-space daemon, whose binary, package, path and service
(systemd unit, OpenRC service, ``rc.d`` script) are named differently per
distribution *and release*. The facts live in :mod:`vmic.model._linux_data`, one row
per distribution and release range, each with its source; what no package source
showed is listed in the row's ``unverified``.

>>> from vmic import IntegrationService
>>> from vmic.model._linux import packaging_for
>>> KVP = IntegrationService.KEY_VALUE_PAIR_EXCHANGE
>>> packaging_for("debian", "12").unit_for(KVP)
'hv-kvp-daemon.service'
>>> packaging_for("debian", "10").unit_for(KVP)
'hyperv-daemons.hv-kvp-daemon.service'
>>> packaging_for("fedora", "41").daemon_for(KVP), packaging_for("fedora", "41").unit_for(KVP)
('hv_kvp_daemon', 'hypervkvpd.service')
>>> packaging_for("sles", "15").paths_for(KVP)
('/usr/lib/hyper-v/bin/hv_kvp_daemon',)
"""

from __future__ import annotations

import enum
import re
from typing import TYPE_CHECKING, Final

import attrs

from vmic.errors import ConfigurationError
from vmic.model._services import IntegrationService

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "DAEMON_SERVICES",
    "KERNEL_SERVICES",
    "InitSystem",
    "LinuxPackaging",
    "all_packaging",
    "known_distributions",
    "packaging_for",
]

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


class InitSystem(enum.Enum):
    """The service manager that starts the daemons (``.value`` is stable)."""

    SYSTEMD = "systemd"
    OPENRC = "openrc"
    RC_D = "rc.d"
    """FreeBSD's ``/etc/rc.d`` scripts with ``rc.conf`` knobs."""
    NONE = "none"
    """No service manager runs (a container, or PID 1 is not an init system)."""


def _non_empty(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not str(value).strip():
        raise ConfigurationError(f"a packaging row needs a non-empty {attribute.name}")


_MAJOR: Final = re.compile(r"\s*(\d{1,4})")


def _major(version: str | None) -> int | None:
    if version is None:
        return None
    match = _MAJOR.match(version)
    return int(match.group(1)) if match else None


@attrs.frozen
class LinuxPackaging:
    """Daemon packaging of one distribution release range.

    Attributes:
        family: This row's key (``"debian"``, ``"debian-10"``, ``"fedora"``...).
        packages: Packages that install the daemons (empty: part of the base system).
        package_manager_update: The command that updates kernel and daemons, without
            questions (it runs unattended: a prompt would read end of input and abort).
        daemons: Daemon binary per service (the services the package provides).
        units: Service-manager name per service: a systemd unit, an OpenRC service or an
            ``rc.d`` script (absent: the distribution ships none).
        source: Where these facts come from (package, version and file).
        alternatives: Other binaries that implement a service on some releases. Linux 6.10
            replaced the file-copy daemon ``hv_fcopy_daemon`` with ``hv_fcopy_uio_daemon``.
        name: How the release range reads in text (``"Debian 11 and later"``).
        distributions: The ``/etc/os-release`` ``ID`` values this row covers.
        versions: First and last major release covered (None: open-ended).
        init: The service manager the package's services are written for.
        install: The package manager's unattended install command.
        directory: Where the daemon binaries are installed.
        unit_by_daemon: Units named after an alternative binary (SUSE's
            ``hv_fcopy_uio_daemon.service``).
        unverified: Facts of this row that no package source showed; the diagnosis says
            so instead of presenting them as certain.
    """

    family: str
    packages: tuple[str, ...]
    package_manager_update: str
    daemons: Mapping[IntegrationService, str]
    units: Mapping[IntegrationService, str]
    source: str = attrs.field(validator=_non_empty)
    alternatives: Mapping[IntegrationService, tuple[str, ...]] = attrs.field(factory=dict)
    name: str = ""
    distributions: tuple[str, ...] = ()
    versions: tuple[int | None, int | None] = (None, None)
    init: InitSystem = InitSystem.SYSTEMD
    install: str = "apt-get install -y"
    directory: str = "/usr/sbin"
    unit_by_daemon: Mapping[str, str] = attrs.field(factory=dict)
    unverified: tuple[str, ...] = ()

    @property
    def provides(self) -> frozenset[IntegrationService]:
        """The daemon-backed services this package provides (KVP, VSS, file copy)."""
        return frozenset(self.daemons)

    @property
    def verified(self) -> bool:
        """Whether every fact of this row was read from a package source."""
        return not self.unverified

    def covers(self, distribution: str, version: str | None) -> bool:
        """Whether this row describes *distribution* at *version* (None: any release)."""
        if distribution not in self.distributions:
            return False
        major = _major(version)
        if major is None:
            return True
        first, last = self.versions
        return (first is None or major >= first) and (last is None or major <= last)

    def daemon_for(self, service: IntegrationService) -> str | None:
        """The daemon binary for a service, or None when the kernel alone implements it."""
        return self.daemons.get(service)

    def daemon_names_for(self, service: IntegrationService) -> tuple[str, ...]:
        """Every binary that implements *service* here, the usual one first."""
        usual = self.daemons.get(service)
        if usual is None:
            return ()
        return (usual, *self.alternatives.get(service, ()))

    def paths_for(self, service: IntegrationService) -> tuple[str, ...]:
        """Where each binary of :meth:`daemon_names_for` is installed."""
        return tuple(f"{self.directory}/{name}" for name in self.daemon_names_for(service))

    def unit_for(self, service: IntegrationService, daemon: str | None = None) -> str | None:
        """The service-manager name for a service (of *daemon*, when it has its own)."""
        if daemon is not None and daemon in self.unit_by_daemon:
            return self.unit_by_daemon[daemon]
        return self.units.get(service)

    def all_units(self) -> tuple[str, ...]:
        """Every unit or service name of this row."""
        return tuple(dict.fromkeys((*self.units.values(), *self.unit_by_daemon.values())))


def _rows() -> tuple[LinuxPackaging, ...]:
    from vmic.model._linux_data import PACKAGING_ROWS  # noqa: PLC0415 - data after the class

    return PACKAGING_ROWS


_BY_FAMILY: Final = {row.family: row for row in _rows()}


def known_distributions() -> frozenset[str]:
    """Every ``/etc/os-release`` ``ID`` some row covers."""
    return frozenset(d for row in _BY_FAMILY.values() for d in row.distributions)


def packaging_for(distribution: str | None, version: str | None = None) -> LinuxPackaging:
    """The packaging of a distribution release; None gives Debian's current names.

    Args:
        distribution: An ``/etc/os-release`` ``ID`` (``"fedora"``, ``"sles"``...) or a row
            key (``"rhel"``, ``"suse"``, ``"debian-10"``).
        version: The release (``VERSION_ID``: ``"12"``, ``"22.04"``, ``"9.4"``); None takes
            the first row the table lists for the distribution (its current release).

    Raises:
        ConfigurationError: The distribution is not one vmic knows.
    """
    key = distribution or "debian"
    for row in _BY_FAMILY.values():
        if row.covers(key, version):
            return row
    if key in _BY_FAMILY:
        return _BY_FAMILY[key]
    for row in _BY_FAMILY.values():  # a release outside every range: the current row
        if key in row.distributions:
            return row
    known = ", ".join(sorted(known_distributions() | set(_BY_FAMILY)))
    raise ConfigurationError(
        f"unknown Linux distribution {distribution!r}; known: {known}"
    ) from None


def all_packaging() -> tuple[LinuxPackaging, ...]:
    """Every row vmic knows, in table order."""
    return tuple(_BY_FAMILY.values())
