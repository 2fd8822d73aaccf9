"""The guest side of a VM: :class:`Guest`, its services (:class:`GuestService`), or why not.

A guest is what the operating system inside a VM reports about its integration services:
its OS, the Windows services or Linux/FreeBSD daemons that implement them and their
state, the integration-services version it reports, where its clock takes time from, and
on Linux the kernel facts (``hv_utils``, ``hv_vmbus``, the service manager). The clients
:class:`vmic.WindowsGuest` and :class:`vmic.LinuxGuest` read one from a real or simulated
guest; it can also be written by hand:

>>> from vmic import Guest, IntegrationService
>>> guest = Guest(os="Windows 7", services={"Data Exchange": False, "Heartbeat": True})
>>> guest
<Guest Windows 7: 2 services>
>>> kvp = guest.service(IntegrationService.KEY_VALUE_PAIR_EXCHANGE)
>>> kvp.name, kvp.running
('vmickvpexchange', False)
>>> Guest(os="Ubuntu 22.04", services={"VSS": True}).service("VSS").name
'hv_vss_daemon'

:class:`GuestUnreachable` stands for a guest that could not be asked.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Final

import attrs
from packaging.version import InvalidVersion, Version

from vmic.errors import ConfigurationError, InvalidRecordError, UnknownServiceError
from vmic.model._linux import InitSystem, packaging_for
from vmic.model._linux_records import ModuleStatus, SystemdUnit, daemon_service
from vmic.model._named import named
from vmic.model._operating_system import OperatingSystem, parse_os
from vmic.model._services import GuestOnlyService, IntegrationService, guest_service_for
from vmic.model._slots import filler
from vmic.model._status import StartType, WindowsServiceStatus
from vmic.model._time_sync import LinuxTimeSync, WindowsTimeSync

if TYPE_CHECKING:
    from vmic.model._records import GuestServiceRecord

__all__ = [
    "WINDOWS_RUNNING",
    "Guest",
    "GuestService",
    "GuestUnreachable",
    "as_os",
    "as_version",
    "guest_only_service_named",
]

_v = attrs.validators

#: ``Get-Service`` statuses in which a Windows service counts as running.
WINDOWS_RUNNING: Final = frozenset(
    {
        WindowsServiceStatus.RUNNING,
        WindowsServiceStatus.START_PENDING,
        WindowsServiceStatus.CONTINUE_PENDING,
    }
)

#: A service of either vocabulary, as a guest implements it.
_Service = IntegrationService | GuestOnlyService


def as_os(value: OperatingSystem | str | None) -> OperatingSystem | None:
    """An operating system from a model or any text :func:`vmic.parse_os` reads (None stays).

    Raises:
        UnknownOperatingSystemError: The text names no known operating system.
    """
    if value is None or isinstance(value, OperatingSystem):
        return value
    return parse_os(value)


def as_version(value: Version | str | None) -> Version | None:
    """A version from a :class:`packaging.version.Version` or its text (None stays).

    Raises:
        InvalidRecordError: The text is no version.
    """
    if value is None or isinstance(value, Version):
        return value
    try:
        return Version(value)
    except (InvalidVersion, TypeError):
        raise InvalidRecordError(
            field="integration_services_version", value=value, reason="not a version"
        ) from None


def guest_only_service_named(name: str) -> GuestOnlyService | None:
    """The guest-only service *name* names: its Windows service, value or display name."""
    key = " ".join(name.replace("_", " ").split()).casefold()
    for service in GuestOnlyService:
        info = service.info
        names = (info.windows_service, service.value.replace("_", " "), *info.windows_display_names)
        if key in {n.casefold() for n in names}:
            return service
    return None


def _service_of(value: _Service | str | None) -> _Service | None:
    """A service from either enumeration, or from any name vmic reads for it."""
    if value is None or isinstance(value, IntegrationService | GuestOnlyService):
        return value
    if not isinstance(value, str):
        raise UnknownServiceError(repr(value))
    return (
        guest_service_for(value)
        or guest_only_service_named(value)
        or IntegrationService.lookup(value)
    )


def _named_service(record: GuestService) -> _Service | None:
    """The service the record's name belongs to: a Windows service or a daemon binary."""
    name: object = record.name
    if not isinstance(name, str):
        return None
    return guest_service_for(name) or daemon_service(name)


def _check_name(record: GuestService, attribute: attrs.Attribute[str], name: str) -> None:
    if not name.strip():
        raise InvalidRecordError(field="name", value=name, reason="a guest service needs a name")


def _check_service(
    record: GuestService, attribute: attrs.Attribute[_Service | None], service: _Service | None
) -> None:
    named = _named_service(record)
    if named is not None and service is not named:
        raise InvalidRecordError(
            field="service", value=service, reason=f"{record.name!r} is {named!r}"
        )


def _check_guest_service(record: GuestService) -> None:
    """The cross-field rules: one family's evidence, and a state that can be."""
    if record.is_windows and record.is_linux:
        raise InvalidRecordError(
            field="name",
            value=record.name,
            reason="a guest service is a Windows service or a daemon, not both (status, "
            "start_type and display_name are a Windows service's; unit, path, pid and "
            "service_status a daemon's)",
        )
    if record.running and not record.installed:
        raise InvalidRecordError(
            field="running", value=True, reason="a service that is not installed cannot run"
        )
    if record.status is not None and (record.status in WINDOWS_RUNNING) is not record.running:
        raise InvalidRecordError(
            field="running",
            value=record.running,
            reason=f"Get-Service shows it {record.status.value}",
        )


@attrs.frozen(kw_only=True)
class GuestService:
    """One integration service as the guest implements it: a Windows service or a daemon.

    A Windows guest implements each service as a ``vmic*`` service (``Get-Service``); a
    Linux or FreeBSD guest implements Key-Value Pair Exchange, VSS and Guest Service
    Interface as daemons (the other services live in the ``hv_utils`` driver).

    Attributes:
        name: The Windows service name (``vmickvpexchange``) or the daemon's binary
            (``hv_kvp_daemon``, ``hypervkvpd``...).
        service: The integration service; derived from *name* when not given (None for a
            ``vmic*`` service vmic does not know, as a newer Windows may add).
        installed: Whether it is there at all.
        running: Whether it runs.
        status: Windows: ``Get-Service`` ``Status`` (None when not shown).
        start_type: Windows: ``StartType`` (None when not shown).
        display_name: Windows: ``DisplayName`` ("" when not shown).
        unit: Linux: the systemd unit's state, when systemd is present and ships one.
        path: Linux: where the binary was found, when its path was checked.
        pid: Linux: the PID of its process in ``ps -ef``, if one runs (corroboration).
        service_status: Linux: exit code of the OpenRC / ``rc.d`` ``status`` command.

    Raises:
        InvalidRecordError: *service* is not the one *name* belongs to, Windows and daemon
            evidence are mixed, or the state cannot be (running but not installed, a
            status that says otherwise).
    """

    name: str = attrs.field(validator=[_v.instance_of(str), _check_name])
    service: _Service | None = attrs.field(
        default=attrs.Factory(_named_service, takes_self=True),
        converter=_service_of,
        validator=_check_service,
    )
    installed: bool = attrs.field(default=True, validator=_v.instance_of(bool))
    running: bool = attrs.field(validator=_v.instance_of(bool))
    status: WindowsServiceStatus | None = attrs.field(
        default=None, validator=_v.optional(_v.instance_of(WindowsServiceStatus))
    )
    start_type: StartType | None = attrs.field(
        default=None, validator=_v.optional(_v.instance_of(StartType))
    )
    display_name: str = attrs.field(default="", validator=_v.instance_of(str))
    unit: SystemdUnit | None = attrs.field(
        default=None, validator=_v.optional(_v.instance_of(SystemdUnit))
    )
    path: str | None = attrs.field(default=None, validator=_v.optional(_v.instance_of(str)))
    pid: int | None = attrs.field(default=None, validator=_v.optional(_v.instance_of(int)))
    service_status: int | None = attrs.field(
        default=None, validator=_v.optional(_v.instance_of(int))
    )

    def __attrs_post_init__(self) -> None:
        _check_guest_service(self)

    @classmethod
    def from_record(cls, record: GuestServiceRecord) -> GuestService:
        """The guest service one ``Get-Service`` row shows (installed, since it is listed)."""
        if cls is GuestService:
            return _guest_service_of(record)
        return cls._of_record(record)

    @classmethod
    def _of_record(cls, record: GuestServiceRecord) -> GuestService:
        return cls(
            name=record.name,
            service=record.service,
            running=record.status in WINDOWS_RUNNING,
            status=record.status,
            start_type=record.start_type,
            display_name=record.display_name,
        )

    @classmethod
    def _of_daemon(  # noqa: PLR0917 - private; positional, as it runs per daemon
        cls,
        service: IntegrationService,
        name: str,
        installed: bool,  # noqa: FBT001 - positional for speed, private
        running: bool,  # noqa: FBT001
        unit: SystemdUnit | None,
        path: str | None,
        pid: int | None,
        service_status: int | None,
    ) -> GuestService:
        """A Linux daemon's entry, its name's checks worked out once per name and service.

        For the Linux client, which passes values of the fields' types (its parsers' records
        and numbers, booleans it computed): of the checks, those that depend on the name
        and the service (a name, the service it belongs to, no Windows service's name) are
        run once per distinct pair; that a service which is not installed cannot run, each
        time. Anything else goes through the checked constructor, which says what is wrong.
        """
        if not _daemon_name_fits(name, service) or (running and not installed):
            return cls(
                name=name,
                service=service,
                installed=installed,
                running=running,
                unit=unit,
                path=path,
                pid=pid,
                service_status=service_status,
            )
        return _FILL_GUEST_SERVICE(
            name, service, installed, running, None, None, "", unit, path, pid, service_status
        )

    @property
    def is_windows(self) -> bool:
        """Whether it is a Windows service, by its name or its Windows evidence."""
        return (
            self.status is not None
            or self.start_type is not None
            or bool(self.display_name)
            or isinstance(self.service, GuestOnlyService)
            or guest_service_for(self.name) is not None
            or self.name.lower().startswith("vmic")
        )

    @property
    def is_linux(self) -> bool:
        """Whether it is a Linux/FreeBSD daemon, by its name or its daemon evidence."""
        return (
            self.unit is not None
            or self.path is not None
            or self.pid is not None
            or self.service_status is not None
            or daemon_service(self.name) is not None
        )

    @property
    def evidence(self) -> str:
        """How *running* was decided, in words the diagnosis quotes."""
        if self.status is not None:
            return f"Get-Service shows it {self.status.value.replace('_', ' ')}"
        unit = self.unit
        if unit is not None and unit.load_state.systemd_name != "not-found":
            words = (
                f"{unit.name} is {unit.active_state.systemd_name} ({unit.sub_state}"
                + (f", MainPID {unit.main_pid}" if unit.main_pid else "")
                + ")"
            )
            if unit.load_state.systemd_name != "loaded":
                words += f", {unit.load_state.systemd_name}"
            if self.pid is not None and self.pid != unit.main_pid:
                words += f"; process {self.name} (PID {self.pid}) runs outside the unit"
            return words
        if self.service_status is not None:
            return f"service status exit code {self.service_status}"
        if self.pid is not None:
            return f"process {self.name} (PID {self.pid})"
        if self.is_linux:
            return f"no {self.name} process"
        return "running" if self.running else "not running"

    def __repr__(self) -> str:
        state = "running" if self.running else "installed" if self.installed else "not installed"
        return f"<GuestService {named(self.name)} ({self.service}): {state}>"


_FILL_GUEST_SERVICE: Final = filler(
    GuestService,
    "name",
    "service",
    "installed",
    "running",
    "status",
    "start_type",
    "display_name",
    "unit",
    "path",
    "pid",
    "service_status",
)


# Every Windows guest lists the same few services in the same few states: each distinct row
# becomes a (checked, frozen) GuestService once and is shared after that. Bounded.
@functools.lru_cache(maxsize=1024)
def _guest_service_of(record: GuestServiceRecord) -> GuestService:
    return GuestService._of_record(record)


@functools.lru_cache(maxsize=256)
def _daemon_name_fits(name: str, service: IntegrationService) -> bool:
    """Whether a daemon's entry with this name and service passes the name's checks.

    Those are the checks of :class:`GuestService` that depend on nothing else: a name,
    the service it belongs to, and no Windows service's name (a daemon's evidence beside
    it would mix the two families). Bounded: a fleet has a few daemon names.
    """
    named = guest_service_for(name) or daemon_service(name)
    windows = guest_service_for(name) is not None or name.lower().startswith("vmic")
    return bool(name.strip()) and (named is None or named is service) and not windows


def _module_status(value: ModuleStatus | str | None) -> ModuleStatus | None:
    return value if value is None or isinstance(value, ModuleStatus) else ModuleStatus(value)


def _init_system(value: InitSystem | str | None) -> InitSystem | None:
    return value if value is None or isinstance(value, InitSystem) else InitSystem(value)


#: What :class:`Guest` accepts for its services: the records, or running (True/False) by
#: service (an enumeration member or any name vmic reads; a mapping's key type is invariant,
#: so each usual key type is listed).
ServicesLike = (
    Iterable[GuestService]
    | Mapping[str, bool]
    | Mapping[IntegrationService, bool]
    | Mapping[GuestOnlyService, bool]
    | Mapping[_Service | str, bool]
    | None
)


def _services(value: ServicesLike, os: OperatingSystem | None) -> tuple[GuestService, ...] | None:
    if value is None:
        return None
    given: object = value
    if isinstance(given, str | bytes):
        # A lone name would otherwise be read one character at a time.
        raise ConfigurationError(
            f"services must be GuestService records or a mapping, not {value!r}"
        )
    if not isinstance(value, Mapping):
        return tuple(value)
    if os is None:
        msg = (
            "give the guest's os to name its services by mapping (a Windows service or a "
            "daemon), or pass GuestService records"
        )
        raise ConfigurationError(msg)
    records = []
    for key, running in value.items():
        service = _service_of(key)
        if service is None:  # pragma: no cover - _service_of raises for unknown names
            raise UnknownServiceError(repr(key))
        if not isinstance(running, bool):
            raise ConfigurationError(
                f"services[{key!r}] must be True (running) or False (stopped), not {running!r}"
            )
        records.append(
            GuestService(name=_usual_name(service, os), service=service, running=running)
        )
    return tuple(records)


def _usual_name(service: _Service, os: OperatingSystem) -> str:
    """The name a guest of *os* gives *service*: its Windows service or its daemon."""
    if os.is_windows:
        return service.info.windows_service
    if isinstance(service, GuestOnlyService):
        raise ConfigurationError(f"{service.info.windows_service} is a Windows service only")
    packaging = packaging_for(os.distribution, os.distribution_version)
    daemon = packaging.daemon_for(service)
    if daemon is None:
        raise ConfigurationError(
            f"{service.english_name} has no daemon on {os}: the hv_utils driver implements it"
        )
    return daemon


def _check_services(
    guest: Guest,
    attribute: attrs.Attribute[tuple[GuestService, ...] | None],
    services: tuple[GuestService, ...] | None,
) -> None:
    given: object = services
    if given is None:
        return
    if not isinstance(given, tuple) or not all(isinstance(r, GuestService) for r in given):
        raise InvalidRecordError(
            field="services", value=services, reason="expected GuestService records or None"
        )


def _facts(guest: Guest) -> tuple[str | None, str | None]:
    """What in *guest* is Windows-only, and what Linux-only (None: nothing)."""
    windows = linux = None
    for record in guest.services or ():
        # A record is never both (GuestService refuses mixed evidence), so a Windows service
        # is not weighed as a daemon: a Windows guest's services each cost one look at their
        # Get-Service status. The first record of each family is the one named.
        if record.is_windows:
            windows = windows or f"Windows service {record.name!r}"
        elif linux is None and record.is_linux:
            linux = f"daemon {record.name!r}"
    if isinstance(guest.time_sync, WindowsTimeSync):
        windows = windows or "a Windows time posture"
    if isinstance(guest.time_sync, LinuxTimeSync):
        linux = linux or "a Linux time posture"
    for field in ("hv_utils", "hv_vmbus", "init_system"):
        if getattr(guest, field) is not None:
            linux = linux or field
    return windows, linux


# The defaults repeat __init__'s, so that readers (cattrs) know which keys may be absent.
@attrs.frozen(init=False)
class Guest:
    """The guest side of a VM: what its operating system reports about integration services.

    Build one by hand with any keyword (all optional), or read one with
    :class:`vmic.WindowsGuest` / :class:`vmic.LinuxGuest`.

    Attributes:
        os: The guest's operating system (for Linux and FreeBSD: its distribution and
            release), when known; text is read with :func:`vmic.parse_os`.
        services: Every integration service the guest has, as Windows services or
            daemons; a service it does not list is not installed. None when the guest's
            services were not reported (then only the host side is judged). Given as a
            mapping of service (any name vmic reads) to running, the records are named
            as a guest of *os* names them (``os`` is then required).
        integration_services_version: The integration-services version the guest
            reports (Windows: the registry's ``IntegrationServicesVersion``).
        time_sync: Where its clock takes time from, when the guest reported it.
        hv_utils: Linux: whether the ``hv_utils`` driver is loaded, built in, or absent
            (None: not read).
        hv_vmbus: Linux: whether the VMBus driver is there; absent means not on
            Hyper-V (None: not read).
        init_system: Linux: the service manager running as PID 1 (``NONE``: none, as in
            a container); None when not read.

    Raises:
        InvalidRecordError: Windows and Linux facts are mixed, or they contradict *os*.
        ConfigurationError: *services* is a mapping without an *os* to name them by.
        UnknownOperatingSystemError: *os* is text that names no known system.
    """

    os: OperatingSystem | None = attrs.field(
        default=None, validator=_v.optional(_v.instance_of(OperatingSystem))
    )
    services: tuple[GuestService, ...] | None = attrs.field(default=None, validator=_check_services)
    integration_services_version: Version | None = attrs.field(
        default=None, validator=_v.optional(_v.instance_of(Version))
    )
    time_sync: WindowsTimeSync | LinuxTimeSync | None = attrs.field(
        default=None, validator=_v.optional(_v.instance_of((WindowsTimeSync, LinuxTimeSync)))
    )
    hv_utils: ModuleStatus | None = attrs.field(
        default=None, validator=_v.optional(_v.instance_of(ModuleStatus))
    )
    hv_vmbus: ModuleStatus | None = attrs.field(
        default=None, validator=_v.optional(_v.instance_of(ModuleStatus))
    )
    init_system: InitSystem | None = attrs.field(
        default=None, validator=_v.optional(_v.instance_of(InitSystem))
    )

    def __init__(
        self,
        *,
        os: OperatingSystem | str | None = None,
        services: ServicesLike = None,
        integration_services_version: Version | str | None = None,
        time_sync: WindowsTimeSync | LinuxTimeSync | None = None,
        hv_utils: ModuleStatus | str | None = None,
        hv_vmbus: ModuleStatus | str | None = None,
        init_system: InitSystem | str | None = None,
    ) -> None:
        system = as_os(os)
        self.__attrs_init__(
            os=system,
            services=_services(services, system),
            integration_services_version=as_version(integration_services_version),
            time_sync=time_sync,
            hv_utils=_module_status(hv_utils),
            hv_vmbus=_module_status(hv_vmbus),
            init_system=_init_system(init_system),
        )

    def __attrs_post_init__(self) -> None:
        windows, linux = _facts(self)
        if windows is not None and linux is not None:
            raise InvalidRecordError(
                field="services", value=self.services, reason=f"{windows} beside {linux}"
            )
        if self.os is not None and self.os.is_linux and windows is not None:
            raise InvalidRecordError(field="os", value=str(self.os), reason=f"yet {windows}")
        if self.os is not None and self.os.is_windows and linux is not None:
            raise InvalidRecordError(field="os", value=str(self.os), reason=f"yet {linux}")

    @classmethod
    def _of_linux(  # noqa: PLR0917 - private; positional, as it runs per guest
        cls,
        os: OperatingSystem,
        hv_utils: ModuleStatus | None,
        hv_vmbus: ModuleStatus | None,
        init_system: InitSystem | None,
        services: tuple[GuestService, ...],
        time_sync: LinuxTimeSync | None,
    ) -> Guest:
        """A Linux guest as the Linux client read it, without its facts weighed again.

        For the Linux client, which passes values of the fields' types: a Linux OS, a Linux
        time posture and daemons' entries. When every entry's name passed the daemon name's
        checks (so none is a Windows service's), no Windows fact is left to clash with the
        Linux ones; otherwise the checked constructor weighs them and says what is wrong.
        """
        # A loop, not all() over a generator: this runs for every guest of an audit.
        checked = os.is_linux
        for record in services if checked else ():
            if not (
                isinstance(record.service, IntegrationService)
                and record.status is None
                and record.start_type is None
                and not record.display_name
                and _daemon_name_fits(record.name, record.service)
            ):
                checked = False
                break
        if not checked:
            return cls(
                os=os,
                hv_utils=hv_utils,
                hv_vmbus=hv_vmbus,
                init_system=init_system,
                services=services,
                time_sync=time_sync,
            )
        return _FILL_GUEST(os, services, None, time_sync, hv_utils, hv_vmbus, init_system)

    @property
    def is_linux(self) -> bool:
        """Whether the guest runs Linux or FreeBSD: by its OS, else by its Linux facts."""
        if self.os is not None:
            return self.os.is_linux
        return _facts(self)[1] is not None

    @property
    def is_windows(self) -> bool:
        """Whether the guest runs Windows: by its OS, else by its Windows facts."""
        if self.os is not None:
            return self.os.is_windows
        return _facts(self)[0] is not None

    @property
    def distribution(self) -> str | None:
        """Linux: the distribution (``/etc/os-release`` ``ID``), when known."""
        return None if self.os is None else self.os.distribution

    @property
    def distribution_version(self) -> str | None:
        """Linux: its release (``VERSION_ID``), when known."""
        return None if self.os is None else self.os.distribution_version

    def service(self, key: _Service | str) -> GuestService | None:
        """The guest's record of a service, or None when it does not list it.

        Args:
            key: The service (either enumeration), the record's own name
                (``vmicheartbeat``, ``hv_kvp_daemon``), or any name vmic reads for it.

        Raises:
            UnknownServiceError: *key* names no service.
        """
        records = self.services or ()
        if type(key) is IntegrationService:
            # The diagnosis asks by member, several times per service and VM: a plain loop,
            # no generator and no lookup of the key.
            for record in records:
                if record.service is key:
                    return record
            return None
        if isinstance(key, str):
            lowered = key.strip().lower()
            for record in records:
                if record.name.lower() == lowered:
                    return record
        wanted = _service_of(key)
        return next((record for record in records if record.service is wanted), None)

    def __repr__(self) -> str:
        system = "OS unknown" if self.os is None else str(self.os)
        if self.services is None:
            return f"<Guest {system}>"
        count = len(self.services)
        return f"<Guest {system}: {count} service{'' if count == 1 else 's'}>"


_FILL_GUEST: Final = filler(
    Guest,
    "os",
    "services",
    "integration_services_version",
    "time_sync",
    "hv_utils",
    "hv_vmbus",
    "init_system",
)


@attrs.frozen(kw_only=True)
class GuestUnreachable:
    """The guest could not be asked; the diagnosis falls back to the host side only.

    Attributes:
        reason: Why, in words a person can act on (no secrets).
    """

    reason: str = attrs.field(validator=_v.instance_of(str))
