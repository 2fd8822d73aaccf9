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
>>> [(d.name, d.running) for d in guest.daemons()]
[('hv_kvp_daemon', True), ('hv_vss_daemon', True), ('hv_fcopy_daemon', False)]
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
import shlex
from typing import TYPE_CHECKING, Final, NamedTuple

from vmic.clients._scripts import script
from vmic.clients._sections import error_reason, read_result
from vmic.errors import (
    ConfigurationError,
    GuestCommandError,
    ParseError,
    UnknownOperatingSystemError,
)
from vmic.model._guest import Guest, GuestService
from vmic.model._kvp_exchange import GuestKvpItems, check_item
from vmic.model._linux import DAEMON_SERVICES, InitSystem, all_packaging, packaging_for
from vmic.model._linux_records import (
    KvpPool,
    ModuleStatus,
    UnitActiveState,
    UnitLoadState,
    daemon_service,
    module_status,
)
from vmic.model._operating_system import OperatingSystem, Product, parse_os
from vmic.model._services import IntegrationService
from vmic.model._time_sync import LinuxTimeSync
from vmic.parsers._kvp import parse_kvp_pool
from vmic.parsers._linux import (
    compgen_names,
    daemon_pids,
    loaded_module_names,
    parse_modules_builtin,
    parse_systemctl_show,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from vmic.executors._command import Command, ParameterValue
    from vmic.executors._protocol import Executor
    from vmic.model._linux import LinuxPackaging
    from vmic.model._linux_records import KvpRecord, SystemdUnit

__all__ = ["LinuxGuest", "parse_os_release", "parse_time_sync", "release_os"]

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


def release_os(release: Mapping[str, str]) -> OperatingSystem | None:
    """The distribution and release an os-release names (``ID``, ``ID_LIKE``, ``VERSION_ID``).

    >>> str(release_os({"ID": "fedora", "VERSION_ID": "41"}))
    'Linux (fedora 41)'
    >>> str(release_os({"ID": "linuxmint", "ID_LIKE": "ubuntu debian", "VERSION_ID": "21.3"}))
    'Linux (ubuntu)'
    """
    version = release.get("VERSION_ID", "").strip() or None
    own = release.get("ID", "").strip().lower()
    candidates = [own, *release.get("ID_LIKE", "").lower().split()]
    for candidate in candidates:
        try:
            packaging_for(candidate)
        except ConfigurationError:
            continue
        # A derivative's VERSION_ID is its own, not its parent's.
        keep = version if candidate == own else None
        try:
            return OperatingSystem(Product.LINUX, distribution=candidate, distribution_version=keep)
        except (ValueError, TypeError):
            return OperatingSystem(Product.LINUX, distribution=candidate)
    for text in (release.get("PRETTY_NAME", ""), release.get("NAME", "")):
        if not text:
            continue
        try:
            found = parse_os(text)
        except UnknownOperatingSystemError:
            continue
        if found.is_linux and found.distribution is not None:
            return found
    return None


def release_family(release: Mapping[str, str]) -> str | None:
    """The distribution (``/etc/os-release`` ``ID`` vmic knows) an os-release names, or None."""
    found = release_os(release)
    return found.distribution if found is not None else None


# An audit asks every Linux guest of a distribution the same: the command, which holds no
# credential, is built (and its parameters checked) once per distribution, release and
# timeout.
@functools.lru_cache(maxsize=256)
def _observe_command(
    distribution: str | None, version: str | None, timeout: float
) -> tuple[Command, tuple[str, ...]]:
    """The check's command, and the systemd units it asks about."""
    if distribution is not None:
        known = packaging_for(distribution, version)
        units, services = known.all_units(), known.all_units()
        paths = tuple(p for service in _SERVICE_ORDER for p in known.paths_for(service))
    else:
        units, services, paths = _all_units(), _all_units(), _all_paths()
    systemd_units = tuple(u for u in units if u.endswith(".service"))
    command = script("linux-observe").command(
        {
            "Units": systemd_units,
            "Paths": paths,
            "Services": tuple(u for u in services if not u.endswith(".service")),
        },
        timeout=timeout,
    )
    return command, systemd_units


def _all_units() -> tuple[str, ...]:
    return tuple(
        dict.fromkeys(unit for packaging in all_packaging() for unit in packaging.all_units())
    )


def _all_paths() -> tuple[str, ...]:
    return tuple(
        dict.fromkeys(
            path
            for packaging in all_packaging()
            for service in _SERVICE_ORDER
            for path in packaging.paths_for(service)
        )
    )


# A guest's packaging depends on its distribution and release only: looked up once per
# distinct pair (bounded; an unknown distribution raises each time).
_known_packaging: Final = functools.lru_cache(maxsize=64)(packaging_for)


class _DaemonFiles(NamedTuple):
    """How a distribution release packages one service's daemon, by vmic's facts."""

    service: IntegrationService
    packaging: LinuxPackaging
    #: The binaries that implement it, the usual one first (none: kernel only, or not
    #: packaged).
    names: tuple[str, ...]
    #: Each binary's path, as the check lists them (None: none listed), and its unit.
    files: Mapping[str, tuple[str | None, str | None]]


def _daemon_files(packaging: LinuxPackaging, service: IntegrationService) -> _DaemonFiles:
    names, paths = packaging.daemon_names_for(service), packaging.paths_for(service)
    files = {
        name: (
            next((path for path in paths if path.rsplit("/", 1)[-1] == name), None),
            packaging.unit_for(service, name),
        )
        for name in names
    }
    return _DaemonFiles(service, packaging, names, files)


@functools.lru_cache(maxsize=64)
def _known_daemons(distribution: str, version: str | None) -> tuple[_DaemonFiles, ...]:
    """A known distribution's daemons, in the specification's order (KVP, VSS, file copy).

    They depend on vmic's packaging facts for the distribution and release only: worked out
    once per distinct pair (bounded; an unknown distribution raises each time).
    """
    packaging = packaging_for(distribution, version)
    return tuple(_daemon_files(packaging, service) for service in _SERVICE_ORDER)


@functools.lru_cache(maxsize=64)
def _linux_os(distribution: str | None, version: str | None) -> OperatingSystem:
    """A Linux guest's OS with its distribution and release as far as the model holds them.

    Built (and checked) once per distinct pair and shared: the record is frozen. Bounded.
    """
    for release in (version, None):
        try:
            return OperatingSystem(
                Product.LINUX, distribution=distribution, distribution_version=release
            )
        except (ValueError, TypeError):
            continue
    return OperatingSystem(Product.LINUX)


_INIT_SYSTEMS: Final = {init.value: init for init in InitSystem}


def _service_status(text: str) -> dict[str, int]:
    status: dict[str, int] = {}
    for line in text.splitlines():
        name, _, code = line.strip().rpartition(" ")
        if name and code.isdigit():
            status[name] = int(code)
    return status


def _vmbus(status: ModuleStatus, sections: Mapping[str, str]) -> ModuleStatus:
    """hv_vmbus as lsmod says, corrected by ``/sys/bus/vmbus`` (present only on Hyper-V)."""
    seen = sections.get("vmbus", "").strip()
    if status is ModuleStatus.LOADED or status is ModuleStatus.BUILT_IN or not seen:
        return status
    return ModuleStatus.BUILT_IN if seen == "present" else ModuleStatus.ABSENT


def _unit_runs(unit: SystemdUnit) -> bool:
    state = unit.active_state
    return (state is UnitActiveState.ACTIVE or state is UnitActiveState.RELOADING) and (
        unit.main_pid is not None or unit.sub_state == "running"
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


def _guessed_daemon(service: IntegrationService, present: set[str]) -> _DaemonFiles:
    """Unknown distribution: the row whose daemon for *service* is there, else upstream's."""
    candidates = [
        packaging
        for packaging in all_packaging()
        if any(name in present for name in packaging.daemon_names_for(service))
    ]
    return _daemon_files(candidates[0] if candidates else packaging_for(None), service)


def _daemon_entry(known: _DaemonFiles, seen: _Seen) -> GuestService | None:
    """One service's daemon entry, from what the distribution ships and the guest showed."""
    service, names = known.service, known.names
    if not names:
        if known.packaging.missing(service) is None:
            return None
        # Not packaged: a daemon built by hand still counts while it runs.
        names = tuple(name for name in seen.processes if daemon_service(name) is service)
        if not names:
            return None
    # The binary this guest has (newer kernels ship another file-copy daemon), else the
    # usual one, reported as not installed.
    present = seen.present
    daemon = names[0]
    for name in names:  # a loop, not next() over a generator: this runs per daemon and guest
        if name in present:
            daemon = name
            break
    path, unit_name = known.files.get(daemon) or (None, known.packaging.unit_for(service, daemon))
    unit = seen.units.get(unit_name) if unit_name is not None else None
    loaded = unit is not None and unit.load_state is UnitLoadState.LOADED
    pid = seen.processes.get(daemon)
    status = seen.status.get(unit_name) if unit_name is not None else None
    if loaded and unit is not None:
        # The unit's word first; a process of the daemon started outside the unit runs too.
        running = _unit_runs(unit) or pid is not None
    elif status is not None:
        running = status == 0
    else:
        running = pid is not None
    found = path in seen.paths
    return GuestService._of_daemon(
        service,
        daemon,
        # A daemon that runs is there, wherever its binary is (one built by hand, say).
        running or daemon in seen.available or found or loaded,
        running,
        unit,
        path if found else None,
        pid,
        status,
    )


class _Seen:
    """What one observation found, for deciding each daemon's entry.

    A plain class (built once per guest; nothing else reads it), not an attrs one.
    """

    __slots__ = ("available", "paths", "present", "processes", "status", "units")

    def __init__(
        self,
        available: set[str],
        paths: set[str],
        processes: dict[str, int],
        units: dict[str, SystemdUnit],
        status: dict[str, int],
    ) -> None:
        self.available = available
        self.paths = paths
        #: The PID of each daemon's process, by daemon.
        self.processes = processes
        self.units = units
        self.status = status
        #: Every daemon name found: listed by compgen, running, or at a path checked.
        #: (One union over the three, not a set per part: this runs for every guest.)
        self.present = available.union(processes, [path.rpartition("/")[2] for path in paths])


class LinuxGuest:
    """A Linux guest, reached through an executor that runs POSIX ``sh`` in it.

    Args:
        executor: Runs ``sh`` in the guest.
        distribution: The distribution (``/etc/os-release`` ``ID``: ``"ubuntu"``,
            ``"fedora"``, ``"sles"``...); default: read from ``/etc/os-release``.
        version: Its release (``VERSION_ID``); default: read with the distribution.
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
        version: str | None = None,
        sudo: bool = False,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> None:
        if distribution is not None:
            _known_packaging(distribution, version)  # raises for a distribution vmic lacks
        self._executor = executor
        self._distribution = distribution
        self._version = version
        self._detected = distribution is not None
        self._sudo = bool(sudo)
        self._timeout = timeout

    def __repr__(self) -> str:
        return f"LinuxGuest({self._executor!r}, distribution={self._distribution!r})"

    @property
    def distribution(self) -> str | None:
        """The distribution: as given, else as last read from the guest (None before)."""
        return self._distribution

    @property
    def version(self) -> str | None:
        """The distribution's release: as given, else as last read (None before or unknown)."""
        return self._version

    def _run(
        self,
        name: str,
        *,
        what: str,
        required: tuple[str, ...] = (),
        **parameters: ParameterValue,
    ) -> dict[str, str]:
        result = self._executor.run(script(name).command(parameters, timeout=self._timeout))
        return read_result(result, required=required, what=what)

    # --- reading ------------------------------------------------------------------------------

    def observe(self) -> Guest:
        """What the guest shows of its integration services, in one command.

        ``hv_utils``; the daemons of Key-Value Pair Exchange, VSS and Guest Service
        Interface (installed? running? unit?); the distribution.

        Raises:
            vmic.ExecutionError: The command could not run, or failed.
            vmic.ParseError: The guest's output could not be read.
        """
        command, systemd_units = _observe_command(self._distribution, self._version, self._timeout)
        sections = read_result(
            self._executor.run(command),
            required=("os-release", "lsmod", "ps", "compgen"),
            what="the Linux guest check",
        )
        if not self._detected:
            found = release_os(parse_os_release(sections["os-release"]))
            if found is not None:
                self._distribution = found.distribution
                self._version = found.distribution_version
            self._detected = True
        modules = loaded_module_names(sections["lsmod"])
        builtin = parse_modules_builtin(sections["builtin"]) if "builtin" in sections else None
        processes = daemon_pids(sections["ps"])
        commands = compgen_names(sections["compgen"])
        shown = sections.get("systemctl", "")
        unit_list = parse_systemctl_show(shown, units=systemd_units) if shown.strip() else ()
        init_word = sections.get("init", "").strip()
        seen = _Seen(
            available=commands,
            paths={path for path in map(str.strip, sections.get("paths", "").splitlines()) if path},
            processes=processes,
            units={unit.name: unit for unit in unit_list},
            status=_service_status(sections.get("service-status", "")),
        )
        return Guest._of_linux(
            self._os(),
            module_status(modules, "hv_utils", builtin=builtin),
            _vmbus(module_status(modules, "hv_vmbus", builtin=builtin), sections),
            _INIT_SYSTEMS.get(init_word),
            self._daemons(seen),
            parse_time_sync(sections["time-sync"]) if "time-sync" in sections else None,
        )

    def _os(self) -> OperatingSystem:
        """The guest's OS: Linux, with the distribution and release when they fit the model.

        A distribution given as a packaging row key (``"debian-10"``) or a release that is
        no plain version is kept only as far as the model holds it.
        """
        return _linux_os(self._distribution, self._version)

    def _daemons(self, seen: _Seen) -> tuple[GuestService, ...]:
        """The entry of each daemon this distribution has, in the specification's order."""
        if self._distribution is not None:
            known = _known_daemons(self._distribution, self._version)
        else:
            known = tuple(_guessed_daemon(service, seen.present) for service in _SERVICE_ORDER)
        entries: list[GuestService] = []
        for files in known:  # a loop, not generators: this runs for every guest
            entry = _daemon_entry(files, seen)
            if entry is not None:
                entries.append(entry)
        return tuple(entries)

    def _daemon(self, service: IntegrationService, seen: _Seen) -> GuestService | None:
        """The entry of one service's daemon (None: this distribution has none for it)."""
        if self._distribution is not None:
            packaging = _known_packaging(self._distribution, self._version)
            return _daemon_entry(_daemon_files(packaging, service), seen)
        return _daemon_entry(_guessed_daemon(service, seen.present), seen)

    def hv_utils(self) -> ModuleStatus:
        """Whether the ``hv_utils`` driver is loaded, built into the kernel, or absent.

        ``NOT_LISTED`` when ``lsmod`` does not list it and the kernel's
        ``modules.builtin`` could not be read.
        """
        status = self.observe().hv_utils
        assert status is not None  # noqa: S101 - observe always reads it
        return status

    def daemons(self) -> tuple[GuestService, ...]:
        """The daemons of this distribution, with their binary and unit names and state."""
        return self.observe().services or ()

    def kvp_pools(self) -> dict[KvpPool, tuple[KvpRecord, ...]]:
        """The records of each KVP pool file that exists (``/var/lib/hyperv/.kvp_pool_N``).

        Empty when the KVP daemon never ran (it creates the files).

        Raises:
            vmic.KvpPoolError: A pool file is malformed.
            vmic.ParseError: The output could not be read.
        """
        sections = self._run("linux-kvp-pools", what="reading the KVP pools")
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
            vmic.ConfigurationError: The service has no daemon (kernel only), or the
                distribution release packages none for it.
        """
        return self._act("linux-start", daemon, "start")

    def install(self, daemon: IntegrationService | str) -> tuple[str, ...]:
        """Install the package that provides a daemon, with the distribution's install command.

        The command and the package names come from the distribution's facts
        (:func:`vmic.model.packaging_for`, ``install`` and ``packages``); each word is
        bound as data, never spliced into the script. The package manager's output goes
        to stderr. A package already installed is left as it is (every supported
        manager treats it so).

        Args:
            daemon: The service (Key-Value Pair Exchange, VSS, Guest Service Interface)
                or its daemon's name.

        Returns:
            The packages asked for.

        Raises:
            vmic.ConfigurationError: The distribution ships the daemon in its base
                system (no package to install), packages no daemon for the service at all
                (Debian 13's file copy), or the service has no daemon.
            vmic.CommandFailedError: The package manager failed.
        """
        service = _daemon_service(daemon)
        packaging = self._packaging()
        missing = packaging.missing(service)
        if missing is not None:
            raise ConfigurationError(f"{missing.reason} ({missing.source})")
        if not packaging.packages:
            where = packaging.name or packaging.family
            raise ConfigurationError(
                f"{where} ships the daemon of {service.english_name} in its base system; "
                "there is no package to install"
            )
        words = (*shlex.split(packaging.install), *packaging.packages)
        self._run(
            "linux-install",
            what=f"installing {', '.join(packaging.packages)}",
            required=("installed",),
            Install=words,
            Sudo=self._sudo,
        )
        return packaging.packages

    def stop(self, daemon: IntegrationService | str) -> str:
        """Stop a daemon: ``systemctl stop`` when systemd has its unit, else SIGTERM by pid.

        Hyper-V does not start it again.

        Returns:
            How it was stopped: ``"systemd"`` or ``"signal"``.

        Raises:
            GuestCommandError: The daemon is not installed.
            vmic.CommandFailedError: systemd or ``kill`` refused.
            vmic.ConfigurationError: The service has no daemon (kernel only), or the
                distribution release packages none for it.
        """
        return self._act("linux-stop", daemon, "stop")

    def _act(self, which: str, daemon: IntegrationService | str, verb: str) -> str:
        service = _daemon_service(daemon)
        packaging = self._packaging()
        names = packaging.daemon_names_for(service)
        missing = packaging.missing(service)
        if not names:
            why = missing.reason if missing is not None else "no daemon is known"
            raise ConfigurationError(f"cannot {verb} {service.english_name}: {why}")
        name = names[0]
        target = name
        if len(names) > 1 or packaging.directory not in {"/usr/sbin", "/usr/bin"}:
            # Which of the binaries this guest has decides what to start or signal; a
            # binary off PATH (SUSE) is run by its path.
            entry = self.observe().service(service)
            if entry is not None and entry.installed:
                name = target = entry.name
                target = entry.path or name
        sections = self._run(
            which,
            what=f"{verb} {name}",
            required=("method",),
            Daemon=target,
            Unit=packaging.unit_for(service, name) or "",
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
                "linux-release", what="reading /etc/os-release", required=("os-release",)
            )
            found = release_os(parse_os_release(sections["os-release"]))
            if found is not None:
                self._distribution = found.distribution
                self._version = found.distribution_version
            self._detected = True
        return packaging_for(self._distribution, self._version)

    # --- Key-Value Pair Exchange (issue 14) ------------------------------------------------

    def kvp_items(self) -> GuestKvpItems:
        """The items of the five KVP pools (0 external ... 4 auto-internal), in one command.

        Pools the daemon has not created are empty.

        Raises:
            vmic.KvpPoolError: A pool file is malformed.
            vmic.ParseError: The output could not be read.
        """
        pools = self.kvp_pools()

        def items(pool: KvpPool) -> dict[str, str]:
            return {record.key: record.value for record in pools.get(pool, ())}

        return GuestKvpItems(
            external=items(KvpPool.EXTERNAL),
            guest=items(KvpPool.GUEST),
            auto=items(KvpPool.AUTO),
            parameters=items(KvpPool.AUTO_EXTERNAL),
            auto_internal=items(KvpPool.AUTO_INTERNAL),
        )

    def kvp_publish(self, key: str, value: str) -> str:
        """Publish *key* = *value* to the host: add or replace its record in pool 1.

        The pool file is rewritten under ``hv_kvp_daemon``'s whole-file ``fcntl`` write lock,
        by ``python3`` in the guest (as root with ``sudo=True``); key and value travel as
        arguments, never as code. The host sees the item when it next enumerates the guest's
        items, which the daemon answers from the file.

        Returns:
            ``"added"`` or ``"replaced"``.

        Raises:
            vmic.KvpItemError: The key or value cannot be stored (too long, NUL, empty key).
            GuestCommandError: No pool file (the daemon never ran), no python3, or the file is
                malformed.
        """
        key, value = check_item(key, value)
        sections = self._run(
            "linux-kvp-publish",
            what="publishing a KVP item",
            required=("result",),
            PoolFile=KvpPool.GUEST.path,
            Key=key,
            Value=value,
            Sudo=self._sudo,
        )
        reason = error_reason(sections)
        if reason is not None:
            why = _KVP_PUBLISH_REASONS.get(reason[0], f"the guest refused ({reason[0]})")
            raise GuestCommandError(
                f"cannot publish a KVP item: {why}", target=KvpPool.GUEST.path, reason=reason[0]
            )
        return sections["result"].strip()


# --- Key-Value Pair Exchange and time sync (issue 14) ----------------------------------------

_KVP_PUBLISH_REASONS: Final = {
    "no-pool": "the KVP daemon has never run in this guest, so /var/lib/hyperv/.kvp_pool_1 "
    "does not exist; install and start it (vmic: LinuxGuest.start('hv_kvp_daemon'))",
    "no-python": "the guest has no python3, which vmic uses to take the daemon's fcntl lock",
    "too-long": "the guest refused the item's size",
    "corrupt": "/var/lib/hyperv/.kvp_pool_1 does not end on a 2560-byte record boundary",
}


def parse_time_sync(text: str) -> LinuxTimeSync:
    r"""The ``time-sync`` section of the Linux guest check.

    Lines: ``ptp /dev/ptp_hyperv``, ``chrony <directive ...>``, ``timesyncd <NTP=...>``,
    ``daemon <name>``; others are ignored.

    >>> posture = parse_time_sync("ptp /dev/ptp_hyperv\nchrony pool 2.pool.ntp.org\ndaemon chronyd")
    >>> posture.ptp_hyperv, posture.chrony, posture.ptp_refclock, posture.network_source
    (True, ('pool 2.pool.ntp.org',), False, True)
    """
    ptp = False
    chrony: list[str] = []
    timesyncd: list[str] = []
    daemons: list[str] = []
    for line in text.splitlines():
        word, _, rest = line.strip().partition(" ")
        rest = rest.strip()
        if word == "ptp" and rest == "/dev/ptp_hyperv":
            ptp = True
        elif word == "chrony" and rest:
            chrony.append(rest)
        elif word == "timesyncd" and rest:
            timesyncd.append(rest)
        elif word == "daemon" and rest:
            daemons.append(rest)
    return LinuxTimeSync._parsed(ptp, tuple(chrony), tuple(timesyncd), tuple(daemons))
