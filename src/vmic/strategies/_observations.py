"""Strategies for observations of hosts and guests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from vmic.errors import (
    UnknownOperatingSystemError,
)
from vmic.model._linux import DAEMON_SERVICES, all_packaging, packaging_for
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
from vmic.model._observations import (
    GuestObservation,
    GuestUnreachable,
    HostObservation,
    LinuxDaemonObservation,
    LinuxGuestObservation,
    VMObservation,
    WindowsGuestObservation,
)
from vmic.model._operating_system import OperatingSystem, OSFamily, Product, parse_os
from vmic.model._records import (
    ComponentId,
    GuestServiceRecord,
    IntegrationComponentRecord,
    IntegrationServicesState,
    VirtualMachineRecord,
    VMState,
)
from vmic.model._services import IntegrationService
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


@st.composite
def _vm_observation(draw: st.DrawFn, *, name: str, vm_id: str, locale: str) -> VMObservation:
    vm = VirtualMachineRecord(
        name=name,
        id=vm_id,
        state=draw(st.sampled_from(VMState)),
        status=draw(st.sampled_from(["Operating normally", ""]) | _json_texts()),
        integration_services_version=draw(st.none() | _system_versions()),
        integration_services_state=draw(st.sampled_from(IntegrationServicesState)),
    )
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
    return VMObservation(
        vm=vm, components=components, intrinsic_items=items, guest_os=_guest_os_of(items)
    )


def vm_observations(*, locale: str | None = None) -> st.SearchStrategy[VMObservation]:
    """The host's view of one VM, consistent as a host reports it.

    The VM has an id; its components carry its name and id, one per service (a subset
    of the six, in the host's order), named and described as a host in one language
    shows them. Intrinsic items appear only while Data Exchange is enabled, and
    ``guest_os`` is what their ``OSName`` and ``OSVersion`` name. The VM record
    round-trips through ``format_get_vm(form="json")``, the components through
    ``format_vm_integration_services(form="json", locale=None)``.

    Args:
        locale: The host's display language; default: any vmic knows.
    """
    _check_locale(locale)

    @st.composite
    def build(draw: st.DrawFn) -> VMObservation:
        shown_in = locale if locale is not None else draw(st.sampled_from(LOCALES))
        name = draw(_json_texts(min_size=1))
        return draw(_vm_observation(name=name, vm_id=draw(_guids()), locale=shown_in))

    return build()


def _host_names() -> st.SearchStrategy[str]:
    return st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,14}(\.[a-z]{2,8}){0,2}", fullmatch=True)


def host_observations(
    *, locale: str | None = None, max_vms: int = 4
) -> st.SearchStrategy[HostObservation]:
    """Inventories of a Hyper-V host: its OS (or None) and VMs as :func:`vm_observations` draws.

    The VMs have distinct names and ids, and every component is named in the host's one
    display language.

    Args:
        locale: The host's display language; default: any vmic knows.
        max_vms: The most VMs a host has.
    """
    _check_locale(locale)

    @st.composite
    def build(draw: st.DrawFn) -> HostObservation:
        shown_in = locale if locale is not None else draw(st.sampled_from(LOCALES))
        names = draw(st.lists(_json_texts(min_size=1), unique=True, max_size=max_vms))
        ids = draw(st.lists(_guids(), unique=True, min_size=len(names), max_size=len(names)))
        vms = [
            draw(_vm_observation(name=name, vm_id=vm_id, locale=shown_in))
            for name, vm_id in zip(names, ids, strict=True)
        ]
        return HostObservation(
            host=draw(_host_names()),
            host_os=draw(st.none() | operating_systems(hosts_only=True)),
            vms=vms,
        )

    return build()


def windows_guest_observations() -> st.SearchStrategy[WindowsGuestObservation]:
    """What a Windows guest reports: a version, its ``vmic*`` services, a Windows OS.

    Each service appears once, under its catalog name, with one of its display names;
    the services round-trip through ``format_get_service(form="json")``.
    """
    catalog = [(s.info.windows_service, s.info.windows_display_names) for s in TRACKED_SERVICES]

    @st.composite
    def build(draw: st.DrawFn) -> WindowsGuestObservation:
        chosen = draw(st.sets(st.sampled_from(catalog)))
        services = [
            GuestServiceRecord(
                name=name,
                display_name=draw(st.sampled_from(display_names)),
                status=draw(windows_service_statuses()),
                start_type=draw(st.none() | start_types()),
            )
            for name, display_names in catalog
            if (name, display_names) in chosen
        ]
        windows = st.one_of(
            operating_systems(family=OSFamily.WINDOWS_CLIENT),
            operating_systems(family=OSFamily.WINDOWS_SERVER),
        )
        return WindowsGuestObservation(
            integration_services_version=draw(st.none() | _system_versions()),
            services=services,
            guest_os=draw(st.none() | windows),
        )

    return build()


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
def _daemon_observation(
    draw: st.DrawFn, service: IntegrationService, packaging: LinuxPackaging
) -> LinuxDaemonObservation:
    daemon = packaging.daemon_for(service)
    if daemon is None:  # pragma: no cover - every family packages the three daemons
        raise InvalidArgument(f"{packaging.family} has no daemon for {service!r}")
    running = draw(st.booleans())
    unit_name = packaging.unit_for(service)
    unit = None
    if unit_name is not None and draw(st.booleans()):
        unit = draw(_daemon_unit(unit_name, running=running))
    loaded = unit is not None and unit.load_state is UnitLoadState.LOADED
    return LinuxDaemonObservation(
        service=service,
        daemon=daemon,
        installed=loaded or draw(st.booleans()),
        running=running,
        unit=unit,
    )


def _packaging_of(draw: st.DrawFn, distribution: str | None) -> LinuxPackaging:
    if distribution is not None:
        return packaging_for(distribution)
    # A guest of unknown family: the daemon names of whichever Linux family it runs.
    return draw(st.sampled_from([p for p in all_packaging() if p.provides == DAEMON_SERVICES]))


def linux_daemon_observations(
    *, distribution: str | None = None
) -> st.SearchStrategy[LinuxDaemonObservation]:
    """One Hyper-V daemon: its binary and unit named as the distribution packages them.

    A loaded unit means the daemon is installed; an active unit, that it runs.

    Args:
        distribution: The family whose names to use; default: any.
    """
    _check_distribution(distribution)

    @st.composite
    def build(draw: st.DrawFn) -> LinuxDaemonObservation:
        service = draw(st.sampled_from(sorted(DAEMON_SERVICES, key=_DAEMON_ORDER.index)))
        return draw(_daemon_observation(service, _packaging_of(draw, distribution)))

    return build()


def linux_guest_observations(
    *, distribution: str | None = None
) -> st.SearchStrategy[LinuxGuestObservation]:
    """What a Linux guest reports: ``hv_utils`` and one entry per daemon-backed service.

    The daemons come in the order ``LinuxGuest.observe`` gives them, named as the
    guest's distribution packages them (as one family's, when the guest's is unknown).

    Args:
        distribution: The guest's family; default: any, or unknown (None).
    """
    _check_distribution(distribution)

    @st.composite
    def build(draw: st.DrawFn) -> LinuxGuestObservation:
        family = distribution
        if family is None:
            family = draw(st.none() | st.sampled_from(_DISTRIBUTIONS))
        packaging = _packaging_of(draw, family)
        return LinuxGuestObservation(
            distribution=family,
            hv_utils=draw(st.sampled_from(ModuleStatus)),
            daemons=[draw(_daemon_observation(s, packaging)) for s in _DAEMON_ORDER],
        )

    return build()


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


def guest_observations() -> st.SearchStrategy[GuestObservation]:
    """What a Windows or Linux guest reported, or why it could not be asked."""
    return st.one_of(windows_guest_observations(), linux_guest_observations(), guest_unreachables())
