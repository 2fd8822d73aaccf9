r"""Where a guest's clock takes its time from: what the time-sync diagnosis reads.

A Windows guest's Windows Time service (``w32time``) can take time from the Hyper-V host
through the ``VMICTimeProvider`` time provider
(``HKLM\SYSTEM\CurrentControlSet\Services\W32Time\TimeProviders\VMICTimeProvider``,
value ``Enabled``); ``w32tm /query /source`` names the source in use. A Linux guest's
kernel exposes the host's clock as a PTP device (``/dev/ptp_hyperv``), which chrony reads
with a ``refclock PHC`` line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import attrs

from vmic.model._named import counted, named
from vmic.model._slots import filler

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "CHRONY_MAKESTEP",
    "DC_DOMAIN_ROLES",
    "MEMBER_DOMAIN_ROLES",
    "PTP_REFCLOCK",
    "VMIC_SOURCE",
    "LinuxTimeSync",
    "WindowsTimeSync",
]

#: The chrony line that makes chrony read the Hyper-V PTP clock, treated as stratum 2 (Microsoft,
#: "Time sync for Linux VMs in Azure", MicrosoftDocs/azure-docs
#: ``articles/virtual-machines/linux/time-sync.md`` @00771b6, ms.date 04/26/2023, "chrony").
PTP_REFCLOCK: Final = "refclock PHC /dev/ptp_hyperv poll 3 dpoll -2 offset 0 stratum 2"
#: The page's ``makestep``: step the clock whenever it is off by more than a second.
CHRONY_MAKESTEP: Final = "makestep 1.0 -1"
#: ``Win32_ComputerSystem.DomainRole`` of a domain controller (4 backup, 5 primary).
DC_DOMAIN_ROLES: Final = frozenset({4, 5})
#: ``Win32_ComputerSystem.DomainRole`` of a domain member (1 workstation, 3 server).
MEMBER_DOMAIN_ROLES: Final = frozenset({1, 3})
#: What ``w32tm /query /source`` prints while the Hyper-V provider is the source.
VMIC_SOURCE: Final = "VM IC Time Synchronization Provider"


@attrs.frozen(kw_only=True)
class WindowsTimeSync:
    r"""A Windows guest's time posture (read in the same round trip as its services).

    Attributes:
        domain_role: ``Win32_ComputerSystem.DomainRole`` (0 standalone workstation ...
            5 primary domain controller); None when not read.
        vmic_provider_enabled: ``VMICTimeProvider\Enabled`` (None: the value is absent;
            Windows then treats the provider as enabled).
        source: ``w32tm /query /source``, trimmed ("" when it printed nothing).
    """

    domain_role: int | None = None
    vmic_provider_enabled: bool | None = None
    source: str = ""

    @property
    def is_domain_controller(self) -> bool:
        """Whether the guest is a domain controller."""
        return self.domain_role in DC_DOMAIN_ROLES

    @property
    def is_domain_member(self) -> bool:
        """Whether the guest is joined to a domain (a controller or a member)."""
        return self.domain_role in DC_DOMAIN_ROLES | MEMBER_DOMAIN_ROLES

    @property
    def provider_on(self) -> bool:
        """Whether ``VMICTimeProvider`` is on (an absent value counts as on)."""
        return self.vmic_provider_enabled is not False

    @property
    def source_is_host(self) -> bool:
        """Whether w32tm takes its time from the Hyper-V host right now."""
        return self.source.strip().casefold() == VMIC_SOURCE.casefold()

    @property
    def source_is_local(self) -> bool:
        """Whether w32tm has no source but the local clock."""
        return self.source.strip().casefold() in {"local cmos clock", "free-running system clock"}

    def __repr__(self) -> str:
        return f"<WindowsTimeSync role {self.domain_role}, source {named(self.source)}>"


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class LinuxTimeSync:
    """A Linux guest's time posture.

    Attributes:
        ptp_hyperv: Whether ``/dev/ptp_hyperv`` exists.
        chrony: The ``server``/``pool``/``peer``/``refclock`` lines of chrony's
            configuration, stripped.
        timesyncd: The ``NTP=``/``FallbackNTP=`` lines of ``systemd-timesyncd``'s.
        daemons: The time daemons running (``chronyd``, ``ntpd``, ``systemd-timesyncd``).
    """

    ptp_hyperv: bool = False
    chrony: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    timesyncd: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    daemons: tuple[str, ...] = attrs.field(default=(), converter=_strings)

    @classmethod
    def _parsed(
        cls,
        ptp_hyperv: bool,  # noqa: FBT001 - private; positional, as it runs per guest
        chrony: tuple[str, ...],
        timesyncd: tuple[str, ...],
        daemons: tuple[str, ...],
    ) -> LinuxTimeSync:
        # For the Linux client's parser only, which passes a bool and tuples of strings: the
        # converters would only copy the tuples. This runs for every Linux guest of an audit.
        return _FILL_LINUX_TIME_SYNC(ptp_hyperv, chrony, timesyncd, daemons)

    @property
    def ptp_refclock(self) -> bool:
        """Whether chrony reads the Hyper-V PTP clock."""
        return any(
            line.split()[:2] == ["refclock", "PHC"] and "/dev/ptp_hyperv" in line.split()
            for line in self.chrony
        )

    @property
    def network_source(self) -> bool:
        """Whether a daemon runs with a network time source configured."""
        chrony = "chronyd" in self.daemons and any(
            line.split()[0] in {"server", "pool", "peer"} for line in self.chrony if line.split()
        )
        timesyncd = "systemd-timesyncd" in self.daemons
        return chrony or timesyncd or "ntpd" in self.daemons

    @property
    def any_source(self) -> bool:
        """Whether the guest has a time source besides the host (``ptp_hyperv`` is the host's)."""
        return self.network_source

    def __repr__(self) -> str:
        ptp = "PTP clock" if self.ptp_hyperv else "no PTP clock"
        return f"<LinuxTimeSync {ptp}, {counted(len(self.daemons), 'time daemon')}>"


_FILL_LINUX_TIME_SYNC: Final = filler(LinuxTimeSync, "ptp_hyperv", "chrony", "timesyncd", "daemons")
