"""How each Linux (and FreeBSD) distribution packages the Hyper-V guest daemons.

The kernel's ``hv_utils`` driver implements Heartbeat, Shutdown and Time
Synchronization on its own; Key-Value Pair Exchange, VSS and Guest Service
Interface also need a user-space daemon, whose binary, package, path and service
(systemd unit, OpenRC service, ``rc.d`` script) are named differently per
distribution *and release*. The record types live in :mod:`vmic.model._linux_packaging`,
the facts in :mod:`vmic.model._linux_data` (one row per distribution and release range,
each with its source; what no package source showed is listed in the row's
``unverified``), and this module, above both, looks them up.

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

from typing import Final

from vmic.errors import ConfigurationError
from vmic.model._linux_data import PACKAGING_ROWS
from vmic.model._linux_packaging import (
    DAEMON_SERVICES,
    KERNEL_SERVICES,
    ChronyFacts,
    InitSystem,
    LinuxPackaging,
    NotPackaged,
)

__all__ = [
    "DAEMON_SERVICES",
    "KERNEL_SERVICES",
    "ChronyFacts",
    "InitSystem",
    "LinuxPackaging",
    "NotPackaged",
    "all_packaging",
    "known_distributions",
    "packaging_for",
]

_BY_FAMILY: Final = {row.family: row for row in PACKAGING_ROWS}


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
