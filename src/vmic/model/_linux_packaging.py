"""The record types of the Linux (and FreeBSD) daemon facts: one row per release range.

The rows themselves are data in :mod:`vmic.model._linux_data`; the lookups over them
(:func:`vmic.model._linux.packaging_for`) sit above both. Nothing here knows a
distribution.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

import attrs

from vmic.errors import ConfigurationError
from vmic.model._named import NamedEnum
from vmic.model._services import IntegrationService

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "DAEMON_SERVICES",
    "KERNEL_SERVICES",
    "ChronyFacts",
    "InitSystem",
    "LinuxPackaging",
    "NotPackaged",
    "PsFormat",
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


class InitSystem(NamedEnum):
    """The service manager that starts the daemons (``.value`` is stable)."""

    SYSTEMD = "systemd"
    OPENRC = "openrc"
    RC_D = "rc.d"
    """FreeBSD's ``rc`` with ``devd``: the Hyper-V daemons have no ``rc.d`` script there."""
    NONE = "none"
    """No service manager runs (a container, or PID 1 is not an init system)."""


class PsFormat(NamedEnum):
    """Which ``ps`` printed a listing (``.value`` is stable).

    Sources: procps ``ps -ef`` (the specification's sample); FreeBSD ``bin/ps/ps.c``
    ``dfmt[] = "pid,tt,state,time,command"`` (freebsd/freebsd-src); BusyBox
    ``procps/ps.c`` ``DEFAULT_O_STR`` ``"pid,user" IF_FEATURE_PS_TIME(",time") ",args"``,
    which accepts and ignores ``-e`` and ``-f`` (mirror/busybox @00c1811).
    """

    PROCPS = "procps"
    """``UID PID PPID C STIME TTY TIME CMD`` (``ps -ef`` of Linux's procps)."""
    BSD = "bsd"
    """``PID TT STAT TIME COMMAND`` (FreeBSD's ``ps``)."""
    BUSYBOX = "busybox"
    """``PID USER TIME COMMAND`` (BusyBox's ``ps``, Alpine's)."""

    def __repr__(self) -> str:
        return f"PsFormat.{self.name}"


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
class NotPackaged:
    """A daemon-backed service a distribution release ships no daemon for.

    Attributes:
        reason: Why, in a sentence a person can act on.
        source: The package file or changelog entry that shows it.
        build: How to get a daemon all the same (``""``: there is none to build).
    """

    reason: str = attrs.field(validator=_non_empty)
    source: str = attrs.field(validator=_non_empty)
    build: str = ""


@attrs.frozen
class ChronyFacts:
    """Where a distribution keeps chrony's configuration, and what its service is called.

    Attributes:
        path: The main configuration file (``/etc/chrony/chrony.conf`` on Debian).
        service: The service name (``chrony`` on Debian, ``chronyd`` on RHEL and SUSE).
        source: The package file that shows both.
        verified: Whether a package of this distribution was read for them.
    """

    path: str = attrs.field(validator=_non_empty)
    service: str = attrs.field(validator=_non_empty)
    source: str = attrs.field(validator=_non_empty)
    verified: bool = True


@attrs.frozen
class LinuxPackaging:
    """Daemon packaging of one distribution release range.

    Attributes:
        family: This row's key (``"debian"``, ``"debian-10"``, ``"fedora"``...).
        packages: Packages that install the daemons (empty: part of the base system).
        package_manager_update: The command that updates kernel and daemons, without
            questions (it runs unattended: a prompt would read end of input and abort).
        daemons: Daemon binary per service (the services the package provides).
        units: Service-manager name per service: a systemd unit or an OpenRC service
            (absent: the distribution ships none).
        source: Where these facts come from (package, version and file).
        alternatives: Other binaries that implement a service on some releases (SUSE ships
            both ``hv_fcopy_daemon`` and Linux 6.10's ``hv_fcopy_uio_daemon``).
        name: How the release range reads in text (``"Debian 11 and later"``).
        distributions: The ``/etc/os-release`` ``ID`` values this row covers.
        versions: First and last major release covered (None: open-ended).
        init: The service manager the package's services are written for.
        install: The package manager's unattended install command.
        directory: Where the daemon binaries are installed.
        unit_by_daemon: Units named after an alternative binary (SUSE's
            ``hv_fcopy_uio_daemon.service``).
        not_packaged: Daemon-backed services this release ships no daemon for, and why
            (Debian 13 has no file-copy daemon).
        started_by: What starts the daemons when there is no unit (FreeBSD's ``devd``).
        chrony: Where chrony's configuration lives, and its service name.
        ps: Which ``ps`` the distribution's base system has (procps, BusyBox, FreeBSD's).
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
    not_packaged: Mapping[IntegrationService, NotPackaged] = attrs.field(factory=dict)
    started_by: str = ""
    chrony: ChronyFacts | None = None
    ps: PsFormat = PsFormat.PROCPS
    unverified: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        both = set(self.daemons) & set(self.not_packaged)
        if both:
            names = ", ".join(sorted(service.value for service in both))
            raise ConfigurationError(
                f"{self.family}: a service cannot have a daemon and none at once ({names})"
            )

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

    def missing(self, service: IntegrationService) -> NotPackaged | None:
        """Why this release ships no daemon for *service*, or None when it ships one."""
        return self.not_packaged.get(service)

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
