"""The Linux guest client: ``hv_utils``, the Hyper-V daemons and the KVP pools.

:class:`LinuxGuest` runs POSIX ``sh`` in a Linux guest (SSH, or locally) and makes the
checks of the specification's Linux section in one round trip: ``lsmod`` (is
``hv_utils`` loaded?), ``ps -ef`` (which daemons run?), ``compgen -c`` (which
daemons are installed?), plus the kernel's ``modules.builtin`` (a driver compiled
into the kernel is never listed by ``lsmod``) and ``systemctl show`` for the units.

Daemon binaries and units are named per distribution (``hv_kvp_daemon`` and
``hv-kvp-daemon.service`` on Ubuntu, ``hypervkvpd`` and ``hypervkvpd.service`` on
RHEL...); see :mod:`vmic.model.packaging_for`. The distribution is read from
``/etc/os-release`` unless given.

Hyper-V never restarts a Linux daemon: one that is stopped stays stopped.

>>> from vmic.testing import FakeHyperVHost
>>> lab = FakeHyperVHost("HV01")
>>> _ = lab.add_vm("web01", "Ubuntu 22.04 LTS")
>>> guest = LinuxGuest(lab.guest_executor("web01"))
>>> guest.hv_utils()
ModuleStatus.LOADED
>>> [(d.daemon, d.running) for d in guest.daemons()]
[('hv_kvp_daemon', True), ('hv_vss_daemon', True), ('hv_fcopy_daemon', False)]
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import TYPE_CHECKING, Final

from vmic.clients import _scripts
from vmic.clients._sections import error_reason, read_result
from vmic.errors import (
    ConfigurationError,
    GuestCommandError,
    ParseError,
    UnknownOperatingSystemError,
)
from vmic.executors._command import Command, ParameterValue, Shell
from vmic.model._linux import DAEMON_SERVICES, all_packaging, packaging_for
from vmic.model._linux_records import KvpPool, UnitLoadState, daemon_service
from vmic.model._observations import LinuxDaemonObservation, LinuxGuestObservation
from vmic.model._operating_system import parse_os
from vmic.model._services import IntegrationService
from vmic.parsers._kvp import parse_kvp_pool
from vmic.parsers._linux import (
    parse_compgen,
    parse_lsmod,
    parse_modules_builtin,
    parse_ps,
    parse_systemctl_show,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from vmic.executors._protocol import Executor
    from vmic.model._linux import LinuxPackaging
    from vmic.model._linux_records import KvpRecord, ModuleStatus, SystemdUnit

__all__ = ["LinuxGuest", "parse_os_release"]

#: Seconds a guest command may run by default.
DEFAULT_TIMEOUT: Final = 120.0

_RELEASE_LINE: Final = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)")
# The order the specification lists the daemons in: KVP, VSS, file copy.
_SERVICE_ORDER: Final = (
    IntegrationService.KEY_VALUE_PAIR_EXCHANGE,
    IntegrationService.VSS,
    IntegrationService.GUEST_SERVICE_INTERFACE,
)


def parse_os_release(text: str) -> dict[str, str]:
    r"""The variables of an ``/etc/os-release`` file (quotes and escapes removed).

    Lines that are not ``KEY=VALUE`` (comments, blanks) are skipped.

    >>> parse_os_release('NAME="Ubuntu"\nID=ubuntu\n# comment\n')
    {'NAME': 'Ubuntu', 'ID': 'ubuntu'}
    """
    values: dict[str, str] = {}
    for line in text.splitlines():
        match = _RELEASE_LINE.fullmatch(line.strip())
        if match is None:
            continue
        value = match.group(2).strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        values[match.group(1)] = value
    return values


def release_family(release: Mapping[str, str]) -> str | None:
    """The distribution family (``"ubuntu"``, ``"rhel"``...) an os-release names, or None."""
    candidates = [
        release.get("NAME", ""),
        release.get("PRETTY_NAME", ""),
        release.get("ID", ""),
        *release.get("ID_LIKE", "").split(),
    ]
    for candidate in candidates:
        if not candidate:
            continue
        try:
            found = parse_os(candidate)
        except UnknownOperatingSystemError:
            continue
        if found.is_linux and found.distribution is not None:
            return found.distribution
    return None


def _all_units() -> tuple[str, ...]:
    return tuple(
        dict.fromkeys(unit for packaging in all_packaging() for unit in packaging.units.values())
    )


def _daemon_service(daemon: IntegrationService | str) -> IntegrationService:
    if isinstance(daemon, IntegrationService):
        service = daemon
    elif isinstance(daemon, str):
        found = daemon_service(daemon.strip())
        service = found if found is not None else IntegrationService.lookup(daemon)
    else:
        raise ConfigurationError(f"a daemon must be a service or a daemon name, not {daemon!r}")
    if service not in DAEMON_SERVICES:
        raise ConfigurationError(
            f"{service.english_name} has no daemon in a Linux guest: the kernel driver "
            "hv_utils implements it"
        )
    return service


class LinuxGuest:
    """A Linux guest, reached through an executor that runs POSIX ``sh`` in it.

    Args:
        executor: Runs ``sh`` in the guest.
        distribution: The distribution family (``"ubuntu"``, ``"debian"``, ``"rhel"``,
            ``"arch"``, ``"suse"``); default: read from ``/etc/os-release``.
        sudo: Run the daemon actions through ``sudo -n`` (the account is not root).
        timeout: Seconds each command may run.

    Raises:
        vmic.ConfigurationError: *distribution* is not a family vmic knows.
    """

    def __init__(
        self,
        executor: Executor,
        *,
        distribution: str | None = None,
        sudo: bool = False,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> None:
        if distribution is not None:
            packaging_for(distribution)
        self._executor = executor
        self._distribution = distribution
        self._detected = distribution is not None
        self._sudo = bool(sudo)
        self._timeout = timeout

    def __repr__(self) -> str:
        return f"LinuxGuest({self._executor!r}, distribution={self._distribution!r})"

    @property
    def distribution(self) -> str | None:
        """The distribution family: as given, else as last read from the guest (None before)."""
        return self._distribution

    def _run(
        self,
        script: str,
        *,
        what: str,
        required: tuple[str, ...] = (),
        **parameters: ParameterValue,
    ) -> dict[str, str]:
        result = self._executor.run(
            Command(Shell.POSIX, script, parameters=parameters, timeout=self._timeout)
        )
        return read_result(result, required=required, what=what)

    # --- reading ------------------------------------------------------------------------------

    def observe(self) -> LinuxGuestObservation:
        """What the guest shows of its integration services, in one command.

        ``hv_utils``; the daemons of Key-Value Pair Exchange, VSS and Guest Service
        Interface (installed? running? unit?); the distribution.

        Raises:
            vmic.ExecutionError: The command could not run, or failed.
            vmic.ParseError: The guest's output could not be read.
        """
        units = (
            tuple(packaging_for(self._distribution).units.values())
            if self._distribution is not None
            else _all_units()
        )
        sections = self._run(
            _scripts.LINUX_OBSERVE,
            what="the Linux guest check",
            required=("os-release", "lsmod", "ps", "compgen"),
            Units=units,
        )
        if not self._detected:
            self._distribution = release_family(parse_os_release(sections["os-release"]))
            self._detected = True
        modules = parse_lsmod(sections["lsmod"])
        builtin = parse_modules_builtin(sections["builtin"]) if "builtin" in sections else None
        processes = parse_ps(sections["ps"])
        commands = parse_compgen(sections["compgen"])
        shown = sections.get("systemctl", "")
        unit_list = parse_systemctl_show(shown, units=units) if shown.strip() else ()
        by_unit = {unit.name: unit for unit in unit_list}
        running = {p.daemon for p in processes if p.daemon is not None}
        available = set(commands.names)
        entries = [self._daemon(service, available, running, by_unit) for service in _SERVICE_ORDER]
        daemons = tuple(entry for entry in entries if entry is not None)
        return LinuxGuestObservation(
            distribution=self._distribution,
            hv_utils=modules.status("hv_utils", builtin=builtin),
            daemons=daemons,
        )

    def _daemon(
        self,
        service: IntegrationService,
        available: set[str],
        running: set[str],
        units: dict[str, SystemdUnit],
    ) -> LinuxDaemonObservation | None:
        candidates: list[LinuxPackaging]
        if self._distribution is not None:
            candidates = [packaging_for(self._distribution)]
        else:
            # Unknown distribution: the family whose daemon is there, else upstream names.
            candidates = [*all_packaging(), packaging_for(None)]
            present = [
                p
                for p in candidates
                if any(name in available | running for name in p.daemon_names_for(service))
            ]
            candidates = present or [packaging_for(None)]
        packaging = candidates[0]
        names = packaging.daemon_names_for(service)
        if not names:
            return None
        # The binary this guest has (newer kernels ship another file-copy daemon), else the
        # usual one, reported as not installed.
        daemon = next((name for name in names if name in available | running), names[0])
        unit_name = packaging.unit_for(service)
        unit = units.get(unit_name) if unit_name is not None else None
        loaded = unit is not None and unit.load_state is UnitLoadState.LOADED
        return LinuxDaemonObservation(
            service=service,
            daemon=daemon,
            installed=daemon in available or loaded,
            running=daemon in running,
            unit=unit,
        )

    def hv_utils(self) -> ModuleStatus:
        """Whether the ``hv_utils`` driver is loaded, built into the kernel, or absent.

        ``NOT_LISTED`` when ``lsmod`` does not list it and the kernel's
        ``modules.builtin`` could not be read.
        """
        return self.observe().hv_utils

    def daemons(self) -> tuple[LinuxDaemonObservation, ...]:
        """The daemons of this distribution, with their binary and unit names and state."""
        return self.observe().daemons

    def kvp_pools(self) -> dict[KvpPool, tuple[KvpRecord, ...]]:
        """The records of each KVP pool file that exists (``/var/lib/hyperv/.kvp_pool_N``).

        Empty when the KVP daemon never ran (it creates the files).

        Raises:
            vmic.KvpPoolError: A pool file is malformed.
            vmic.ParseError: The output could not be read.
        """
        sections = self._run(_scripts.LINUX_KVP_POOLS, what="reading the KVP pools")
        pools: dict[KvpPool, tuple[KvpRecord, ...]] = {}
        for pool in KvpPool:
            text = sections.get(f"pool-{pool.value}")
            if text is None:
                continue
            try:
                data = base64.b64decode("".join(text.split()), validate=True)
            except (binascii.Error, ValueError):
                raise ParseError(f"{pool.path} did not arrive as Base64", source=text) from None
            pools[pool] = parse_kvp_pool(data)
        return pools

    # --- changing -----------------------------------------------------------------------------

    def start(self, daemon: IntegrationService | str) -> str:
        """Start a daemon: ``systemctl start`` when systemd has its unit, else run it as root.

        Args:
            daemon: The service (Key-Value Pair Exchange, VSS, Guest Service Interface)
                or its daemon's name on any distribution (``hv_kvp_daemon``, ``hypervkvpd``).

        Returns:
            How it was started: ``"systemd"`` or ``"exec"``.

        Raises:
            GuestCommandError: The daemon is not installed.
            vmic.CommandFailedError: systemd or the daemon refused (a masked unit...).
            vmic.ConfigurationError: The service has no daemon (kernel only).
        """
        return self._act(_scripts.LINUX_START, daemon, "start")

    def stop(self, daemon: IntegrationService | str) -> str:
        """Stop a daemon: ``systemctl stop`` when systemd has its unit, else SIGTERM by pid.

        Hyper-V does not start it again.

        Returns:
            How it was stopped: ``"systemd"`` or ``"signal"``.

        Raises:
            GuestCommandError: The daemon is not installed.
            vmic.CommandFailedError: systemd or ``kill`` refused.
            vmic.ConfigurationError: The service has no daemon (kernel only).
        """
        return self._act(_scripts.LINUX_STOP, daemon, "stop")

    def _act(self, script: str, daemon: IntegrationService | str, verb: str) -> str:
        service = _daemon_service(daemon)
        packaging = self._packaging()
        names = packaging.daemon_names_for(service)
        if not names:  # pragma: no cover - every family names the three daemons
            raise ConfigurationError(f"{packaging.family} has no daemon for {service.english_name}")
        name = names[0]
        if len(names) > 1:
            # Which of the binaries this guest has decides what to start or signal.
            entry = self.observe().daemon(service)
            if entry is not None and entry.installed:
                name = entry.daemon
        sections = self._run(
            script,
            what=f"{verb} {name}",
            required=("method",),
            Daemon=name,
            Unit=packaging.unit_for(service) or "",
            Sudo=self._sudo,
        )
        reason = error_reason(sections)
        if reason is not None:
            raise GuestCommandError(
                f"cannot {verb} {name}: it is not installed in this {packaging.family} guest "
                f"(package {', '.join(packaging.packages)})"
                if reason[0] == "not-installed"
                else f"cannot {verb} {name}: the guest refused ({reason[0]})",
                target=name,
                reason=reason[0],
            )
        return sections["method"].strip()

    def _packaging(self) -> LinuxPackaging:
        if not self._detected:
            sections = self._run(
                _scripts.LINUX_RELEASE, what="reading /etc/os-release", required=("os-release",)
            )
            self._distribution = release_family(parse_os_release(sections["os-release"]))
            self._detected = True
        return packaging_for(self._distribution)
