"""The simulated Hyper-V host as a machine: its settings, its lock, its time, its files.

This is the bottom of the lab's machine state: what every VM of the host sees of it (the
host's name, display language and PowerShell, the lock every change takes, the simulated
clock, the DNS domain and network of its guests). The VMs (:mod:`vmic.testing._vm`) sit on
it; :class:`~vmic.testing.FakeHyperVHost` adds the VMs and the executor on top.
"""

from __future__ import annotations

import threading
import zlib
from typing import TYPE_CHECKING, Final

from vmic.errors import ConfigurationError
from vmic.executors._checks import check_text
from vmic.model._locales import check_locale
from vmic.model._operating_system import OperatingSystem, parse_os
from vmic.testing._clock import SimulatedClock
from vmic.testing._guest_data import HOST_CAPTIONS, PRODUCT_BUILDS
from vmic.testing._journal import FaultSlot, check_latency

if TYPE_CHECKING:
    import uuid

    from vmic.parsers._json import PowerShellVersion
    from vmic.testing._faults import Fault
    from vmic.testing._journal import GuestExecutor, RecordedCommand

__all__ = ["HostMachine"]

_POWERSHELL_VERSIONS: Final = ("5.1", "7")
#: TEST-NET-1, -2 and -3 (RFC 5737), as integers: the lab's guests take addresses in one.
_DOCUMENTATION_NETWORKS: Final = (0xC0000200, 0xC6336400, 0xCB007100)


class HostMachine:
    """A simulated Hyper-V host's own settings and the things all its VMs share.

    Args:
        name: The host's computer name.
        host_os: The host's operating system (a Hyper-V host: Windows 8 or later,
            Windows Server 2012 or later).
        locale: The host's display language (``"en-US"``, ``"de-DE"``, ``"fr-FR"``...):
            service names and status descriptions are shown in it.
        powershell: The PowerShell that answers: ``"5.1"`` (Windows PowerShell, every
            Hyper-V host's default remoting endpoint) or ``"7"``; its output layout, its JSON
            and the language it accepts follow.
        latency: Seconds every command takes (the commands sleep that long).
        fault: A fault every command meets (see :class:`~vmic.testing.Fault`).

    Raises:
        vmic.ConfigurationError: An empty host name or one with a NUL or an unpaired
            surrogate, an unknown locale or PowerShell version, a host OS that cannot run
            Hyper-V, or a negative latency.
    """

    def __init__(
        self,
        name: str = "HV01",
        *,
        host_os: str | OperatingSystem = "Windows Server 2019",
        locale: str = "en-US",
        powershell: PowerShellVersion = "5.1",
        latency: float = 0.0,
        fault: Fault | None = None,
    ) -> None:
        checked: object = name
        if not isinstance(checked, str) or not checked.strip():
            raise ConfigurationError(f"a host name must be a non-empty string, not {name!r}")
        # The name reaches the simulated outputs as UTF-8: refuse what has no encoding.
        self._name = check_text(name, what="host name")
        parsed = host_os if isinstance(host_os, OperatingSystem) else parse_os(host_os)
        if not parsed.is_hyperv_host:
            raise ConfigurationError(f"{parsed} cannot be a Hyper-V host")
        self._host_os = parsed
        self._locale = check_locale(locale)
        if powershell not in _POWERSHELL_VERSIONS:
            raise ConfigurationError(f"powershell must be '5.1' or '7', not {powershell!r}")
        self._powershell: PowerShellVersion = powershell
        self._latency = check_latency(latency)
        self.faults = FaultSlot(fault)
        """The fault the host's commands meet, counted down."""
        self.lock = threading.RLock()
        """The lock every state change and every recorded command takes."""
        self.commands: list[RecordedCommand] = []
        """Every command the host was sent, in order (guest commands are on the guests)."""
        self.domain = "contoso.com"
        """The DNS domain of the host and its guests."""
        # Guests' addresses come from the documentation ranges (RFC 5737), never a real network.
        self.subnet = _DOCUMENTATION_NETWORKS[zlib.crc32(name.encode("utf-8")) % 3]
        """The guests' IPv4 network (one of the RFC 5737 documentation networks)."""
        self.clock = SimulatedClock()
        """The lab's simulated time: waits advance it instead of sleeping."""
        self.host_files: dict[str, bytes] = {}
        """Files on the host, by path: what ``Copy-VMFile`` can copy into a guest."""
        self._init_state()

    def _init_state(self) -> None:
        """Set up what a subclass keeps besides the machine (its VMs): nothing here."""

    @property
    def name(self) -> str:
        """The host's computer name."""
        return self._name

    @property
    def host_os(self) -> OperatingSystem:
        """The host's operating system."""
        return self._host_os

    @property
    def locale(self) -> str:
        """The host's display language."""
        return self._locale

    @property
    def powershell(self) -> PowerShellVersion:
        """The PowerShell that answers (``"5.1"`` or ``"7"``)."""
        return self._powershell

    @property
    def latency(self) -> float:
        """Seconds every command takes; settable."""
        return self._latency

    @latency.setter
    def latency(self, value: float) -> None:
        self._latency = check_latency(value)

    @property
    def fault(self) -> Fault | None:
        """The fault commands meet (None: they work); settable, None clears it."""
        return self.faults.fault

    @fault.setter
    def fault(self, value: Fault | None) -> None:
        with self.lock:
            self.faults.set(value)

    @property
    def caption(self) -> tuple[str, str]:
        """The host's ``Win32_OperatingSystem`` caption and version."""
        product = self._host_os.product
        nt = product.nt_version or (0, 0)
        build = self._host_os.build or PRODUCT_BUILDS[product.value]
        return HOST_CAPTIONS[product.value], f"{nt[0]}.{nt[1]}.{build}"

    def guest_executor(self, vm_name: str | uuid.UUID) -> GuestExecutor:
        """The executor that reaches the guest of the VM with exactly this name (or id).

        Raises:
            NotImplementedError: Always here; :class:`~vmic.testing.FakeHyperVHost`
                hands the executors out.
        """
        raise NotImplementedError(f"{type(self).__name__} has no guests to reach ({vm_name!r})")
