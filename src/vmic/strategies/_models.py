"""Strategies for hosts, their VMs and guests: :func:`hosts`, :func:`vms`, :func:`guests`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Literal

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from vmic.errors import (
    UnknownOperatingSystemError,
)
from vmic.model._guest import Guest, GuestService, GuestUnreachable
from vmic.model._host import VM, Host
from vmic.model._linux import DAEMON_SERVICES, InitSystem, all_packaging, packaging_for
from vmic.model._linux_records import (
    MAX_PID,
    ModuleStatus,
    SystemdUnit,
    UnitActiveState,
    UnitFileState,
    UnitLoadState,
)
from vmic.model._locales import (
    LOCALES,
    integration_service_name,
    status_description,
)
from vmic.model._operating_system import OperatingSystem, OSFamily, Product, parse_os
from vmic.model._records import (
    ComponentId,
    GuestServiceRecord,
    IntegrationComponentRecord,
    IntegrationServicesState,
    VMState,
)
from vmic.model._services import IntegrationService
from vmic.model._time_sync import PTP_REFCLOCK, VMIC_SOURCE, LinuxTimeSync, WindowsTimeSync
from vmic.rules._semantics import (
    TRACKED_SERVICES,
)

if TYPE_CHECKING:
    from vmic.model._linux import LinuxPackaging
    from vmic.model._status import OperationalStatus

from vmic.strategies._common import (
    _DISTRIBUTIONS,
    _check_distribution,
    _check_locale,
    _guids,
    _json_texts,
    table_cell_texts,
)
from vmic.strategies._linux import _KVP_ITEM_NAMES, _descriptions
from vmic.strategies._rules import operating_systems
from vmic.strategies._vocabularies import (
    integration_services,
    operational_statuses,
    products,
    start_types,
    windows_service_statuses,
)
from vmic.strategies._windows import _system_versions

# --- Observations ---------------------------------------------------------------------------

_KVP: Final = IntegrationService.KEY_VALUE_PAIR_EXCHANGE
_OTHER_ITEMS: Final = tuple(name for name in _KVP_ITEM_NAMES if not name.startswith("OS"))
_EDITIONS: Final = ("", " Datacenter", " Standard", " Enterprise", " Pro")
_LINUX_OS_NAMES: Final = (
    "Ubuntu 22.04.4 LTS",
    "Debian GNU/Linux 12 (bookworm)",
    "Red Hat Enterprise Linux 9.4 (Plow)",
    "CentOS Linux 7 (Core)",
    "Arch Linux",
    "SUSE Linux Enterprise Server 15 SP5",
    "Fedora Linux 40 (Server Edition)",
)


def _guest_os_of(items: dict[str, str]) -> OperatingSystem | None:
    """The guest OS the ``OSName`` and ``OSVersion`` items name, read as the inventory reads it."""
    name, version = items.get("OSName"), items.get("OSVersion")
    if name is None or not name.strip():
        return None
    try:
        return parse_os(name, version=version)
    except UnknownOperatingSystemError:
        return None


@st.composite
def _intrinsic_items(draw: st.DrawFn) -> dict[str, str]:
    """Intrinsic KVP items of a guest that reported: its OS (mostly) and a few others."""
    items = draw(
        st.dictionaries(st.sampled_from(_OTHER_ITEMS), _json_texts(max_size=16), max_size=3)
    )
    if draw(st.integers(0, 4)) == 0:
        return items
    product = draw(products())
    if product is Product.LINUX:
        items["OSName"] = draw(st.sampled_from(_LINUX_OS_NAMES))
        items["OSVersion"] = draw(st.sampled_from(["3.10.0", "5.15.0", "6.1.0", "6.8.0"]))
        return items
    major, minor = product.nt_version or (0, 0)
    items["OSName"] = product.display_name + draw(st.sampled_from(_EDITIONS))
    items["OSVersion"] = f"{major}.{minor}.{draw(st.integers(0, 30000))}"
    return items


def _description(status: OperationalStatus | None, locale: str) -> str:
    return "" if status is None else status_description(status, locale)


#: A guest's family: the vocabulary its services come from.
Family = Literal["windows", "linux"]
_FAMILIES: Final[tuple[Family, ...]] = ("windows", "linux")


def _check_family(family: object) -> None:
    if family is not None and family not in _FAMILIES:
        raise InvalidArgument(f"family must be 'windows', 'linux' or None, not {family!r}")


@st.composite
def _vm(draw: st.DrawFn, *, name: str, vm_id: str, locale: str, with_guests: bool) -> VM:
    state = draw(st.sampled_from(VMState))
    chosen = draw(st.sets(integration_services()))
    components = []
    for service in IntegrationService:  # in the host's order
        if service not in chosen:
            continue
        # A host describes the statuses it reports, in its language, and nothing else.
        primary = draw(st.none() | operational_statuses())
        secondary = draw(st.none() | operational_statuses())
        components.append(
            IntegrationComponentRecord(
                vm_name=name,
                vm_id=vm_id,
                name=integration_service_name(service, locale),
                enabled=draw(st.booleans()),
                primary_status=primary,
                primary_status_description=_description(primary, locale),
                secondary_status=secondary,
                secondary_status_description=_description(secondary, locale),
                component_id=ComponentId(vm_id, service.guid),
                service=service,
            )
        )
    # The host sees a guest's intrinsic items only through an enabled Data Exchange.
    exchanging = any(c.service is _KVP and c.enabled for c in components)
    items = draw(_intrinsic_items()) if exchanging and draw(st.booleans()) else {}
    guest_os = _guest_os_of(items)
    guest = None
    if with_guests and state in {VMState.RUNNING, VMState.RUNNING_CRITICAL}:
        # A running VM's guest answered (of the OS the host knows, if it knows one), could
        # not be asked, or was not asked.
        guest = draw(st.none() | guest_unreachables() | _guest_of(guest_os))
    return VM(
        name,
        state=state,
        id=vm_id,
        status=draw(st.sampled_from(["Operating normally", ""]) | _json_texts()),
        integration_services_version=draw(st.none() | _system_versions()),
        integration_services_state=draw(st.sampled_from(IntegrationServicesState)),
        services=components,
        intrinsic_items=items,
        guest_os=guest_os,
        guest=guest,
    )


def _guest_of(system: OperatingSystem | None) -> st.SearchStrategy[Guest]:
    """Guests that run *system* (any guest, when it is not known)."""
    if system is None:
        return guests()
    if system.is_linux:
        return _linux_guest(system.distribution, system)
    return _windows_guest(system)


def vms(*, locale: str | None = None, with_guests: bool = True) -> st.SearchStrategy[VM]:
    """One VM as a host sees it, with its guest, consistent as a host reports it.

    The VM has an id; its services (host-side records) carry its name and id, one per
    service (a subset of the six, in the host's order), named and described as a host in
    one language shows them. Intrinsic items appear only while Data Exchange is enabled,
    and ``guest_os`` is what their ``OSName`` and ``OSVersion`` name. A running VM's guest
    is a :func:`guests` value of the family ``guest_os`` names (and that OS), a
    :class:`~vmic.GuestUnreachable`, or None; a VM that does not run has none. The
    ``Get-VM`` record (:attr:`vmic.VM.record`) round-trips through
    ``format_get_vm(form="json")``, the services through
    ``format_vm_integration_services(form="json", locale=None)``.

    Args:
        locale: The host's display language; default: any vmic knows.
        with_guests: Whether running VMs may carry a guest.
    """
    _check_locale(locale)

    @st.composite
    def build(draw: st.DrawFn) -> VM:
        shown_in = locale if locale is not None else draw(st.sampled_from(LOCALES))
        name = draw(_json_texts(min_size=1))
        return draw(_vm(name=name, vm_id=draw(_guids()), locale=shown_in, with_guests=with_guests))

    return build()


def _host_names() -> st.SearchStrategy[str]:
    return st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,14}(\.[a-z]{2,8}){0,2}", fullmatch=True)


def hosts(
    *,
    locale: str | None = None,
    max_vms: int = 4,
    with_guests: bool = True,
    unique_names: bool = False,
) -> st.SearchStrategy[Host]:
    """Hyper-V hosts: a name, an OS (or None) and VMs as :func:`vms` draws them.

    The VMs have distinct ids (names repeat now and then, as Hyper-V allows), and every
    host-side record is named in the host's one display language.

    Args:
        locale: The host's display language; default: any vmic knows.
        max_vms: The most VMs a host has.
        with_guests: Whether running VMs may carry a guest.
        unique_names: Whether every VM has a name of its own.
    """
    _check_locale(locale)

    @st.composite
    def build(draw: st.DrawFn) -> Host:
        shown_in = locale if locale is not None else draw(st.sampled_from(LOCALES))
        names = draw(st.lists(_json_texts(min_size=1), unique=True, max_size=max_vms))
        if len(names) > 1 and not unique_names and draw(st.integers(0, 4)) == 0:
            names[-1] = names[0]  # two VMs of one name
        ids = draw(st.lists(_guids(), unique=True, min_size=len(names), max_size=len(names)))
        machines = [
            draw(_vm(name=name, vm_id=vm_id, locale=shown_in, with_guests=with_guests))
            for name, vm_id in zip(names, ids, strict=True)
        ]
        return Host(
            draw(_host_names()),
            os=draw(st.none() | operating_systems(hosts_only=True)),
            vms=machines,
        )

    return build()


@st.composite
def _windows_guest(draw: st.DrawFn, system: OperatingSystem | None = None) -> Guest:
    windows = st.one_of(
        operating_systems(family=OSFamily.WINDOWS_CLIENT),
        operating_systems(family=OSFamily.WINDOWS_SERVER),
    )
    if system is None:
        system = draw(st.none() | windows)
    catalog = [(s.info.windows_service, s.info.windows_display_names) for s in TRACKED_SERVICES]
    # A guest that named no OS shows itself Windows by its services.
    chosen = draw(st.sets(st.sampled_from(catalog), min_size=1 if system is None else 0))
    records = [
        GuestService.from_record(
            GuestServiceRecord(
                name=name,
                display_name=draw(st.sampled_from(display_names)),
                status=draw(windows_service_statuses()),
                start_type=draw(st.none() | start_types()),
            )
        )
        for name, display_names in catalog
        if (name, display_names) in chosen
    ]
    time_sync = st.builds(
        WindowsTimeSync,
        domain_role=st.none() | st.integers(0, 5),
        vmic_provider_enabled=st.none() | st.booleans(),
        source=st.sampled_from(["", VMIC_SOURCE, "Local CMOS Clock", "dc01.example.test"]),
    )
    return Guest(
        os=system,
        services=records if system is None else draw(st.just(records) | st.none()),
        integration_services_version=draw(st.none() | _system_versions()),
        time_sync=draw(st.none() | time_sync),
    )


_DAEMON_ORDER: Final = (
    IntegrationService.KEY_VALUE_PAIR_EXCHANGE,
    IntegrationService.VSS,
    IntegrationService.GUEST_SERVICE_INTERFACE,
)


@st.composite
def _daemon_unit(draw: st.DrawFn, name: str, *, running: bool) -> SystemdUnit:
    """A daemon's unit: an active unit has a running process, a missing one no state."""
    load_state = draw(st.sampled_from(UnitLoadState))
    if load_state is UnitLoadState.NOT_FOUND:
        return SystemdUnit(name, load_state, UnitActiveState.INACTIVE, "dead")
    file_state = draw(st.none() | st.sampled_from(UnitFileState))
    description = draw(st.just("Hyper-V daemon") | _descriptions())
    if running and draw(st.booleans()):
        return SystemdUnit(
            name,
            load_state,
            UnitActiveState.ACTIVE,
            "running",
            file_state,
            draw(st.integers(1, MAX_PID)),
            description,
        )
    stopped = draw(st.sampled_from([UnitActiveState.INACTIVE, UnitActiveState.FAILED]))
    sub_state = "dead" if stopped is UnitActiveState.INACTIVE else "failed"
    return SystemdUnit(name, load_state, stopped, sub_state, file_state, None, description)


@st.composite
def _daemon(
    draw: st.DrawFn, service: IntegrationService, packaging: LinuxPackaging
) -> GuestService:
    daemon = packaging.daemon_for(service)
    if daemon is None:  # pragma: no cover - every family packages the three daemons
        raise InvalidArgument(f"{packaging.family} has no daemon for {service!r}")
    running = draw(st.booleans())
    unit_name = packaging.unit_for(service)
    unit = None
    if unit_name is not None and draw(st.booleans()):
        unit = draw(_daemon_unit(unit_name, running=running))
    loaded = unit is not None and unit.load_state is UnitLoadState.LOADED
    return GuestService(
        service=service,
        name=daemon,
        installed=running or loaded or draw(st.booleans()),
        running=running,
        unit=unit,
    )


def _packaging_of(draw: st.DrawFn, distribution: str | None) -> LinuxPackaging:
    if distribution is not None:
        return packaging_for(distribution)
    # A guest of unknown family: the daemon names of whichever Linux family it runs.
    return draw(st.sampled_from([p for p in all_packaging() if p.provides == DAEMON_SERVICES]))


@st.composite
def _linux_guest(
    draw: st.DrawFn, distribution: str | None, system: OperatingSystem | None = None
) -> Guest:
    family = distribution
    if family is None:
        family = draw(st.none() | st.sampled_from(_DISTRIBUTIONS))
    packaging = _packaging_of(draw, family)
    daemons = [draw(_daemon(s, packaging)) for s in _DAEMON_ORDER]
    time_sync = st.builds(
        LinuxTimeSync,
        ptp_hyperv=st.booleans(),
        chrony=st.lists(st.sampled_from([PTP_REFCLOCK, "pool 2.debian.pool.ntp.org iburst"])),
        daemons=st.lists(st.sampled_from(["chronyd", "ntpd", "systemd-timesyncd"]), unique=True),
    )
    return Guest(
        os=system or OperatingSystem(Product.LINUX, distribution=family),
        services=draw(st.just(daemons) | st.none()),
        hv_utils=draw(st.sampled_from(ModuleStatus)),
        hv_vmbus=draw(st.none() | st.sampled_from(ModuleStatus)),
        init_system=draw(st.none() | st.sampled_from(InitSystem)),
        time_sync=draw(st.none() | time_sync),
    )


def guest_services(
    *, family: Family | None = None, distribution: str | None = None
) -> st.SearchStrategy[GuestService]:
    """One integration service as a guest implements it: a Windows service or a daemon.

    A Windows service is what one ``Get-Service`` row shows (running as its status says);
    a daemon is named, with its unit, as the distribution packages it (a loaded unit means
    it is installed; an active one, that it runs).

    Args:
        family: ``"windows"`` or ``"linux"``; default: either.
        distribution: The Linux family whose names to use; default: any.
    """
    _check_family(family)
    _check_distribution(distribution)
    windows = (
        st.sampled_from(TRACKED_SERVICES)
        .flatmap(
            lambda service: st.builds(
                GuestServiceRecord,
                name=st.just(service.info.windows_service),
                display_name=st.sampled_from(service.info.windows_display_names),
                status=windows_service_statuses(),
                start_type=st.none() | start_types(),
            )
        )
        .map(GuestService.from_record)
    )

    @st.composite
    def daemon(draw: st.DrawFn) -> GuestService:
        service = draw(st.sampled_from(sorted(DAEMON_SERVICES, key=_DAEMON_ORDER.index)))
        return draw(_daemon(service, _packaging_of(draw, distribution)))

    if family == "windows":
        return windows
    if family == "linux" or distribution is not None:
        return daemon()
    return windows | daemon()


def guests(
    *, family: Family | None = None, distribution: str | None = None
) -> st.SearchStrategy[Guest]:
    """What a guest reports, consistent by construction: its services match its family.

    A Windows guest: a Windows OS (or none known), its ``vmic*`` services as
    ``Get-Service`` shows them (each under its catalog name, with one of its display
    names), an integration-services version and a time posture, each sometimes unknown. A
    Linux guest: Linux with its distribution (or none known), one daemon per daemon-backed
    service in the order ``LinuxGuest.observe`` gives them, named as that distribution
    packages them, ``hv_utils`` and sometimes ``hv_vmbus``, the service manager and a time
    posture. Either may have its services unreported (None).

    Args:
        family: ``"windows"`` or ``"linux"``; default: either.
        distribution: The Linux guest's family (implies ``"linux"``); default: any, or
            unknown.
    """
    _check_family(family)
    _check_distribution(distribution)
    if family == "windows" and distribution is not None:
        msg = "a distribution names a Linux guest, not a Windows one"
        raise InvalidArgument(msg)
    linux = _linux_guest(distribution)
    if family == "windows":
        return _windows_guest()
    if family == "linux" or distribution is not None:
        return linux
    return _windows_guest() | linux


_REASONS: Final = (
    "WinRM refused the connection",
    "authentication failed",
    "the VM is not running",
    "no route to host",
    "timed out after 60 s",
)


def guest_unreachables() -> st.SearchStrategy[GuestUnreachable]:
    """Why a guest could not be asked: a short reason."""
    reasons = st.sampled_from(_REASONS) | table_cell_texts(min_size=1, max_size=40)
    return st.builds(GuestUnreachable, reason=reasons)
