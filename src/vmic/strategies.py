"""Hypothesis strategies for vmic's public models, for property-based tests in your own suite.

Installing vmic registers these with hypothesis, so ``st.from_type(vmic.OperatingSystem)``
works without importing this module: once both vmic and hypothesis are imported, whichever
came first (through the ``hypothesis`` entry point, which loads nothing of vmic by itself).
Importing this module registers them as well (for runs with ``HYPOTHESIS_NO_PLUGINS`` set).

Every value is valid: its constructor accepts it. Where :mod:`vmic.parsers` has a formatter
for a model, the values also round-trip: formatting them and parsing the text gives them
back. Each strategy's docstring names the formatter and the options it is shaped for
(a table cannot carry a line break, a host shows service names in its own language...).
Observations are consistent: a VM's components carry that VM's name and id, one per service.

>>> from hypothesis import given
>>> from vmic import strategies as vst
>>> @given(vst.operating_systems(hosts_only=True))
... def test_hosts(os):
...     assert os.is_hyperv_host
>>> test_hosts()
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final, Literal

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from packaging.version import Version

from vmic.errors import (
    InvalidTransitionError,
    UnknownOperatingSystemError,
    UnsupportedCombinationError,
)
from vmic.model._linux import DAEMON_SERVICES, KERNEL_SERVICES, all_packaging, packaging_for
from vmic.model._linux_records import (
    MAX_PID,
    MAX_SIZE,
    CommandList,
    KvpRecord,
    LoadedModule,
    ModuleList,
    ModuleStatus,
    ProcessRecord,
    SystemdUnit,
    UnitActiveState,
    UnitFileState,
    UnitLoadState,
    module_name,
)
from vmic.model._locales import (
    ELLIPSES,
    LOCALES,
    integration_service_name,
    service_for_name,
    status_description,
    status_for_description,
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
from vmic.model._operating_system import HOSTS, OperatingSystem, OSFamily, Product, parse_os
from vmic.model._records import (
    GUID_PATTERN,
    REGISTRY_TYPES,
    ComponentId,
    GuestServiceRecord,
    IntegrationComponentRecord,
    IntegrationServicesState,
    RegistryValue,
    VirtualMachineRecord,
    VMState,
)
from vmic.model._services import GuestOnlyService, IntegrationService
from vmic.model._status import OperationalStatus, StartType, WindowsServiceStatus
from vmic.rules._causes import Cause
from vmic.rules._features import Feature
from vmic.rules._matrix import UpdateRule, update_rule, update_tables
from vmic.rules._plans import PlanStep, UpdatePlan, plan_update
from vmic.rules._semantics import (
    TRACKED_SERVICES,
    GuestSide,
    KernelDriver,
    LinuxDaemonService,
    LinuxKernelService,
    Service,
    ServiceState,
    UnitState,
    VMIntegration,
    WindowsGuestService,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from vmic.model._linux import LinuxPackaging

__all__ = [
    "causes",
    "command_lists",
    "component_ids",
    "features",
    "guest_observations",
    "guest_only_services",
    "guest_operating_systems",
    "guest_service_records",
    "guest_unreachables",
    "host_observations",
    "integration_component_records",
    "integration_services",
    "kvp_records",
    "linux_daemon_observations",
    "linux_guest_observations",
    "loaded_modules",
    "matrix_pairs",
    "module_lists",
    "operating_systems",
    "operational_statuses",
    "plan_steps",
    "process_records",
    "products",
    "registry_values",
    "service_states",
    "start_types",
    "systemd_units",
    "table_cell_texts",
    "update_plans",
    "update_rules",
    "virtual_machine_records",
    "vm_integrations",
    "vm_observations",
    "windows_guest_observations",
    "windows_service_statuses",
]

#: How a Windows record is rendered: a PowerShell table, or ``ConvertTo-Json``.
_Form = Literal["json", "table"]

_DISTRIBUTIONS: Final = ("ubuntu", "debian", "rhel", "arch", "suse")
_FORMS: Final = ("json", "table")
_GUID_RE: Final = re.compile(GUID_PATTERN, re.IGNORECASE)


def _check_form(form: str) -> None:
    if form not in _FORMS:
        raise InvalidArgument(f"form={form!r}; expected one of {_FORMS}")


def _check_locale(locale: str | None) -> None:
    if locale is not None and locale not in LOCALES:
        raise InvalidArgument(f"locale={locale!r}; vmic knows {', '.join(LOCALES)}")


def _check_distribution(distribution: str | None) -> None:
    if distribution is not None and distribution not in _DISTRIBUTIONS:
        raise InvalidArgument(
            f"distribution={distribution!r}; expected one of {', '.join(_DISTRIBUTIONS)}"
        )


# --- Text -----------------------------------------------------------------------------------


def _line_chars() -> st.SearchStrategy[str]:
    # One line of printable text: no control characters, line or paragraph separators, lone
    # surrogates, private use or unassigned code points, nor the byte-order mark parsers drop.
    # Wide CJK and combining characters are welcome.
    return st.characters(
        exclude_categories=("Cc", "Cs", "Zl", "Zp", "Co", "Cn"), exclude_characters="\ufeff"
    )


def table_cell_texts(*, min_size: int = 0, max_size: int = 24) -> st.SearchStrategy[str]:
    """Text a table cell shows unchanged: one line, no outer spaces, no trailing ellipsis."""
    return st.text(_line_chars(), min_size=min_size, max_size=max_size).filter(
        lambda s: s == s.strip() and not s.endswith(ELLIPSES)
    )


def _json_texts(*, min_size: int = 0, max_size: int = 24) -> st.SearchStrategy[str]:
    """Any text JSON carries: line breaks, NULs and other control characters included."""
    return st.text(min_size=min_size, max_size=max_size)


def _guids() -> st.SearchStrategy[str]:
    """GUIDs in upper case, as records keep them."""
    return st.uuids().map(lambda u: str(u).upper())


# --- Vocabularies ---------------------------------------------------------------------------


def products(
    *, hosts_only: bool = False, family: OSFamily | None = None
) -> st.SearchStrategy[Product]:
    """Operating-system products (optionally only Hyper-V hosts, or one family)."""
    choices = [
        p for p in (HOSTS if hosts_only else tuple(Product)) if family is None or p.family is family
    ]
    return st.sampled_from(choices)


def integration_services() -> st.SearchStrategy[IntegrationService]:
    """The six host-visible integration services."""
    return st.sampled_from(IntegrationService)


def guest_only_services() -> st.SearchStrategy[GuestOnlyService]:
    """The guest-only Windows services (PowerShell Direct, Remote Desktop Virtualization)."""
    return st.sampled_from(GuestOnlyService)


def operational_statuses() -> st.SearchStrategy[OperationalStatus]:
    """Every ``VMIntegrationComponentOperationalStatus``."""
    return st.sampled_from(OperationalStatus)


def windows_service_statuses() -> st.SearchStrategy[WindowsServiceStatus]:
    """Every Windows service status."""
    return st.sampled_from(WindowsServiceStatus)


def start_types() -> st.SearchStrategy[StartType]:
    """Every Windows service start type."""
    return st.sampled_from(StartType)


def features() -> st.SearchStrategy[Feature]:
    """Every feature users want from integration services."""
    return st.sampled_from(Feature)


def causes() -> st.SearchStrategy[Cause]:
    """Every cause the diagnosis can name."""
    return st.sampled_from(Cause)


# --- Operating systems, the update matrix and update plans -----------------------------------


def operating_systems(
    *, hosts_only: bool = False, family: OSFamily | None = None
) -> st.SearchStrategy[OperatingSystem]:
    """Operating systems with plausible service packs, builds and distributions."""

    @st.composite
    def build(draw: st.DrawFn) -> OperatingSystem:
        product = draw(products(hosts_only=hosts_only, family=family))
        if product is Product.LINUX:
            distribution = draw(st.none() | st.sampled_from(_DISTRIBUTIONS))
            return OperatingSystem(product, distribution=distribution)
        service_pack = draw(st.none() | st.integers(0, 3))
        build_number = draw(st.none() | st.integers(0, 30000))
        return OperatingSystem(product, service_pack=service_pack, build=build_number)

    return build()


def guest_operating_systems() -> st.SearchStrategy[OperatingSystem]:
    """Every guest product without extra detail; Linux with or without a distribution."""
    windows = st.sampled_from([p for p in Product if p is not Product.LINUX]).map(OperatingSystem)
    linux = st.sampled_from((None, *_DISTRIBUTIONS)).map(
        lambda family: OperatingSystem(Product.LINUX, distribution=family)
    )
    return st.one_of(windows, linux)


def matrix_pairs() -> st.SearchStrategy[tuple[OperatingSystem, OperatingSystem]]:
    """(host, guest) pairs that a table of the update matrix lists."""
    cells = [
        (OperatingSystem(host), OperatingSystem(row.guest))
        for table in update_tables()
        for host in table.hosts
        for row in table.rows
    ]
    return st.sampled_from(cells)


def _answered(pair: tuple[OperatingSystem, OperatingSystem]) -> bool:
    """Whether a source answers the pair (newer hosts support only the guests their page lists)."""
    try:
        update_rule(*pair)
    except UnsupportedCombinationError:
        return False
    return True


def _answered_pairs() -> st.SearchStrategy[tuple[OperatingSystem, OperatingSystem]]:
    """(host, guest) pairs the matrix answers: its tables' cells and the general statement."""
    general = st.tuples(
        st.sampled_from([p for p in HOSTS if OperatingSystem(p).is_hyperv_host]),
        products(),
    ).map(lambda pair: (OperatingSystem(pair[0]), OperatingSystem(pair[1])))
    newer = general.filter(
        lambda pair: all(pair[0].product not in t.hosts for t in update_tables())
    ).filter(_answered)
    return st.one_of(matrix_pairs(), newer)


def update_rules() -> st.SearchStrategy[UpdateRule]:
    """Rules the matrix answers, from table rows and from the general statement."""
    return _answered_pairs().map(lambda pair: update_rule(*pair))


def update_plans() -> st.SearchStrategy[UpdatePlan]:
    """Plans :func:`vmic.plan_update` makes for pairs the matrix answers, in any VM state.

    A Linux guest is named with or without its distribution (which picks the packages).
    """

    @st.composite
    def build(draw: st.DrawFn) -> UpdatePlan:
        host, guest = draw(_answered_pairs())
        if guest.is_linux:
            distribution = draw(st.none() | st.sampled_from(_DISTRIBUTIONS))
            guest = OperatingSystem(Product.LINUX, distribution=distribution)
        return plan_update(
            host,
            guest,
            vm_running=draw(st.booleans()),
            data_exchange_enabled=draw(st.booleans()),
        )

    return build()


def plan_steps() -> st.SearchStrategy[PlanStep]:
    """Steps of the plans :func:`update_plans` draws."""
    return update_plans().flatmap(lambda plan: st.sampled_from(plan.steps))


# --- Windows records ------------------------------------------------------------------------


def component_ids(
    *, vm_id: str | None = None, service: IntegrationService | None = None
) -> st.SearchStrategy[ComponentId]:
    """Component ids; ``str()`` and ``parse_component_id`` give them back.

    Args:
        vm_id: The VM's id (any case); default: any.
        service: The service whose component GUID to use; default: mostly a known
            service's, sometimes a GUID vmic does not know.
    """
    if vm_id is not None and _GUID_RE.fullmatch(vm_id) is None:
        raise InvalidArgument(f"vm_id={vm_id!r} is not a GUID")
    vm_ids = _guids() if vm_id is None else st.just(vm_id)
    if service is not None:
        guids: st.SearchStrategy[str] = st.just(service.guid)
    else:
        guids = st.sampled_from([s.guid for s in IntegrationService]) | _guids()
    return st.builds(ComponentId, vm_ids, guids)


def _names_none(text: str) -> bool:
    """Whether *text* is no service's name in any language (a component vmic does not know)."""
    return service_for_name(text) is None


def _names_of(service: IntegrationService) -> list[str]:
    return [service.english_name, *service.info.localized_names.values()]


def _table_status(draw: st.DrawFn, locale: str) -> tuple[OperationalStatus | None, str]:
    """A status and its description as a table carries them: read back from the text."""
    status = draw(st.none() | operational_statuses())
    if status is not None:
        return status, status_description(status, locale)
    free = table_cell_texts(max_size=30).filter(lambda s: status_for_description(s) is None)
    return None, draw(st.just("") | free)


def _json_status(draw: st.DrawFn, locale: str | None) -> tuple[OperationalStatus | None, str]:
    """A status and its description as JSON carries them: apart, so any description goes."""
    status = draw(st.none() | operational_statuses())
    if status is not None and locale is not None:
        return status, status_description(status, locale)
    if status is None:
        return None, draw(_json_texts())
    known = sorted({status_description(status, loc) for loc in LOCALES})
    return status, draw(st.sampled_from(known) | _json_texts())


@st.composite
def _table_component(draw: st.DrawFn, locale: str) -> IntegrationComponentRecord:
    service = draw(st.none() | integration_services())
    if service is not None:
        name = integration_service_name(service, locale)
    else:
        name = draw(table_cell_texts(max_size=20).filter(_names_none))
    primary, primary_text = _table_status(draw, locale)
    secondary, secondary_text = _table_status(draw, locale)
    return IntegrationComponentRecord(
        vm_name=draw(table_cell_texts(max_size=16)),
        name=name,
        enabled=draw(st.booleans()),
        primary_status=primary,
        primary_status_description=primary_text,
        secondary_status=secondary,
        secondary_status_description=secondary_text,
        service=service,
    )


@st.composite
def _json_component(draw: st.DrawFn, locale: str | None) -> IntegrationComponentRecord:
    vm_id = draw(st.none() | _guids())
    component_id = draw(st.none() | component_ids(vm_id=vm_id))
    if component_id is not None:
        service = component_id.service
    else:
        service = draw(st.none() | integration_services())
    if service is None:
        # Without an id the parser recognizes the service by its name: keep it unknown.
        anything = _json_texts()
        name = draw(anything if component_id is not None else anything.filter(_names_none))
    elif locale is not None:
        name = integration_service_name(service, locale)
    else:
        known = st.sampled_from(_names_of(service))
        # With an id, the name can be anything (a language vmic has no names for).
        name = draw(known | _json_texts() if component_id is not None else known)
    primary, primary_text = _json_status(draw, locale)
    secondary, secondary_text = _json_status(draw, locale)
    return IntegrationComponentRecord(
        vm_name=draw(_json_texts()),
        vm_id=vm_id,
        name=name,
        enabled=draw(st.booleans()),
        primary_status=primary,
        primary_status_description=primary_text,
        secondary_status=secondary,
        secondary_status_description=secondary_text,
        component_id=component_id,
        service=service,
    )


def integration_component_records(
    *, form: _Form = "json", locale: str | None = None
) -> st.SearchStrategy[IntegrationComponentRecord]:
    """``Get-VMIntegrationService`` rows that ``format_vm_integration_services`` renders exactly.

    They round-trip through ``format_vm_integration_services(records, form=form,
    locale=locale)`` and ``parse_vm_integration_services``.

    Args:
        form: ``"json"``: any text, ids (``ConvertTo-Json``). ``"table"``: one-line cells
            without outer spaces or a trailing ellipsis, no ids (the table shows none), and
            statuses that read back from their descriptions.
        locale: Names and descriptions as a host in this display language shows them. None:
            each record's text as recorded; a table's texts are then those of a host in a
            known language (any, per record), a JSON record's anything.
    """
    _check_form(form)
    _check_locale(locale)
    if form == "json":
        return _json_component(locale)
    if locale is not None:
        return _table_component(locale)
    return st.sampled_from(LOCALES).flatmap(_table_component)


_GUEST_SERVICE_NAMES: Final = tuple(
    sorted(
        {
            *(s.info.windows_service for s in (*IntegrationService, *GuestOnlyService)),
            "VMTools",
            "vmms",
        }
    )
)
_GUEST_DISPLAY_NAMES: Final = tuple(
    sorted(
        {
            name
            for s in (*IntegrationService, *GuestOnlyService)
            for name in s.info.windows_display_names
        }
    )
)


def guest_service_records(*, form: _Form = "json") -> st.SearchStrategy[GuestServiceRecord]:
    """``Get-Service`` records that ``format_get_service`` renders exactly.

    They round-trip through ``format_get_service(records, form=form, autosize=True)`` and
    ``parse_get_service``.

    Args:
        form: ``"json"``: any text, a start type, never cut. ``"table"``: one-line cells
            without outer spaces, no start type (the table shows none), display names
            possibly cut by the table.
    """
    _check_form(form)
    statuses = windows_service_statuses()
    if form == "json":
        return st.builds(
            GuestServiceRecord,
            name=st.sampled_from(_GUEST_SERVICE_NAMES) | _json_texts(),
            display_name=st.sampled_from(_GUEST_DISPLAY_NAMES) | _json_texts(),
            status=statuses,
            start_type=st.none() | start_types(),
        )
    return st.builds(
        GuestServiceRecord,
        name=st.sampled_from(_GUEST_SERVICE_NAMES) | table_cell_texts(),
        display_name=table_cell_texts(max_size=40),
        status=statuses,
        display_name_truncated=st.booleans(),
    )


def _system_versions() -> st.SearchStrategy[Version]:
    """Versions a ``System.Version`` holds: two to four parts below 2**31."""
    return st.lists(st.integers(0, 2**31 - 1), min_size=2, max_size=4).map(
        lambda parts: Version(".".join(map(str, parts)))
    )


def virtual_machine_records(*, form: _Form = "json") -> st.SearchStrategy[VirtualMachineRecord]:
    """``Get-VM`` records that ``format_get_vm`` renders exactly.

    They round-trip through ``format_get_vm(records, form=form)`` and ``parse_get_vm``.

    Args:
        form: ``"json"``: any text. ``"table"``: one-line cells without outer spaces.
    """
    _check_form(form)
    text = _json_texts() if form == "json" else table_cell_texts(max_size=20)
    return st.builds(
        VirtualMachineRecord,
        name=text,
        id=st.none() | _guids(),
        state=st.sampled_from(VMState),
        status=text,
        integration_services_version=st.none() | _system_versions(),
        integration_services_state=st.sampled_from(IntegrationServicesState),
    )


_HIVE_NAMES: Final = ("HKEY_LOCAL_MACHINE", "HKEY_CURRENT_USER", "HKEY_USERS", "HKLM", "HKCU")
_AUTO_KEY: Final = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Virtual Machine\\Auto"


def _registry_words() -> st.SearchStrategy[str]:
    # reg.exe separates name, type and data by runs of spaces: no part may hold a type name.
    return table_cell_texts(min_size=1, max_size=20).filter(
        lambda s: not any(word in REGISTRY_TYPES for word in s.split())
    )


def registry_values() -> st.SearchStrategy[RegistryValue]:
    r"""Values ``REG QUERY`` prints so that they read back the same.

    They round-trip through ``format_reg_query`` and ``parse_reg_query``. Some are the
    ``IntegrationServicesVersion`` a Windows guest keeps under ``HKLM\...\Virtual Machine\Auto``.
    """

    @st.composite
    def build(draw: st.DrawFn) -> RegistryValue:
        path = draw(st.lists(_registry_words().filter(lambda s: "\\" not in s), max_size=4))
        key = "\\".join([draw(st.sampled_from(_HIVE_NAMES)), *path])
        data = draw(st.just("") | _registry_words())
        kind = draw(st.sampled_from(sorted(REGISTRY_TYPES)))
        return RegistryValue(key, draw(_registry_words()), kind, data)

    version = _system_versions().map(
        lambda v: RegistryValue(_AUTO_KEY, "IntegrationServicesVersion", "REG_SZ", str(v))
    )
    return build() | version


# --- Linux records --------------------------------------------------------------------------

_HYPERV_MODULES: Final = (
    "hv_utils",
    "hv_vmbus",
    "hv_balloon",
    "hv_netvsc",
    "hv_storvsc",
    "hyperv_keyboard",
    "hid_hyperv",
    "hyperv_fb",
    "hyperv_drm",
)


def _module_names() -> st.SearchStrategy[str]:
    return st.sampled_from(_HYPERV_MODULES) | st.from_regex(
        r"[A-Za-z0-9_][A-Za-z0-9_-]{0,24}", fullmatch=True
    )


def loaded_modules() -> st.SearchStrategy[LoadedModule]:
    """Modules as ``lsmod`` lists them; see :func:`module_lists` for a whole listing."""
    return st.builds(
        LoadedModule,
        _module_names(),
        st.integers(0, MAX_SIZE),
        st.none() | st.integers(0, MAX_PID),
        st.lists(_module_names(), max_size=4).map(tuple),
    )


def module_lists(*, max_size: int = 8) -> st.SearchStrategy[ModuleList]:
    """Module listings, no module twice.

    They round-trip through ``format_lsmod`` and ``parse_lsmod``.

    Args:
        max_size: The most modules a listing holds.
    """
    modules = st.lists(loaded_modules(), unique_by=lambda m: module_name(m.name), max_size=max_size)
    return modules.map(lambda found: ModuleList(tuple(found)))


def _words() -> st.SearchStrategy[str]:
    # One column of ps: printable, without whitespace.
    return st.text(
        st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"), exclude_characters="\ufeff"),
        min_size=1,
        max_size=10,
    ).filter(lambda s: not any(c.isspace() for c in s))


def _command_lines() -> st.SearchStrategy[str]:
    free = (
        st.text(
            st.characters(
                exclude_categories=("Cc", "Cs", "Zl", "Zp"),
                exclude_characters="\ufeff",
                include_characters="\t",
            ),
            min_size=1,
            max_size=40,
        )
        .map(str.strip)
        .filter(bool)
    )
    daemons = sorted({d for p in all_packaging() for d in p.daemons.values()})
    known = st.sampled_from(
        [
            "[hv_vmbus_con]",
            "[hv_balloon]",
            "/usr/lib/linux-tools/3.13.0-32-generic/hv_kvp_daemon",
            "/usr/sbin/hypervvssd -n",
            "grep --color=auto hv",
            *(f"/usr/sbin/{daemon} -n" for daemon in daemons),
        ]
    )
    return free | known


def process_records() -> st.SearchStrategy[ProcessRecord]:
    """``ps -ef`` lines, Hyper-V daemons and kernel threads among them.

    They round-trip through ``format_ps`` and ``parse_ps(text, keep_grep=True)``.
    """
    return st.builds(
        ProcessRecord,
        user=st.sampled_from(["root", "daemon"]) | _words(),
        pid=st.integers(0, MAX_PID),
        ppid=st.integers(0, MAX_PID),
        start=_words(),
        tty=st.just("?") | _words(),
        time=st.from_regex(r"(?:[0-9]{1,9}-)?[0-9]{2,9}:[0-5][0-9]:[0-5][0-9]", fullmatch=True),
        command=_command_lines(),
        cpu=st.integers(0, MAX_PID),
    )


def command_lists() -> st.SearchStrategy[CommandList]:
    """``compgen -c`` listings; they round-trip through ``format_compgen`` and ``parse_compgen``."""
    daemons = sorted({d for p in all_packaging() for d in p.daemons.values()})
    free = (
        st.text(
            st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"), exclude_characters="\ufeff"),
            min_size=1,
            max_size=20,
        )
        .map(str.strip)
        .filter(bool)
    )
    names = st.lists(st.sampled_from(daemons) | free, max_size=10)
    return names.map(lambda found: CommandList(tuple(found)))


def _unit_names() -> st.SearchStrategy[str]:
    units = sorted({u for p in all_packaging() for u in p.units.values()})
    return st.sampled_from(units) | st.from_regex(r"[A-Za-z0-9:_.\\@-]{1,30}", fullmatch=True)


def _sub_states() -> st.SearchStrategy[str]:
    return st.sampled_from(["running", "dead", "exited", "failed"]) | st.from_regex(
        r"[a-z][a-z0-9-]{0,15}", fullmatch=True
    )


def _descriptions() -> st.SearchStrategy[str]:
    return st.text(
        st.characters(
            exclude_categories=("Cc", "Cs", "Zl", "Zp"),
            exclude_characters="\ufeff",
            include_characters="\t",
        ),
        max_size=40,
    )


def systemd_units() -> st.SearchStrategy[SystemdUnit]:
    """``systemctl show`` blocks.

    They round-trip through ``format_systemctl_show`` and ``parse_systemctl_show``.
    """
    return st.builds(
        SystemdUnit,
        name=_unit_names(),
        load_state=st.sampled_from(UnitLoadState),
        active_state=st.sampled_from(UnitActiveState),
        sub_state=_sub_states(),
        unit_file_state=st.none() | st.sampled_from(UnitFileState),
        main_pid=st.none() | st.integers(1, MAX_PID),
        description=_descriptions(),
    )


_KVP_ITEM_NAMES: Final = (
    "FullyQualifiedDomainName",
    "IntegrationServicesVersion",
    "NetworkAddressIPv4",
    "NetworkAddressIPv6",
    "OSBuildNumber",
    "OSName",
    "OSVersion",
    "ProcessorArchitecture",
    "HostName",
    "VirtualMachineName",
)


def kvp_records() -> st.SearchStrategy[KvpRecord]:
    """KVP pool records; they round-trip through ``format_kvp_pool`` and ``parse_kvp_pool``."""
    # Anything UTF-8 encodes except the NUL that ends a field. At most 4 bytes a character:
    # 127 characters always fit a key's 511 bytes, 511 characters a value's 2047.
    chars = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
    return st.builds(
        KvpRecord,
        key=st.sampled_from(_KVP_ITEM_NAMES) | st.text(chars, max_size=127),
        value=st.text(chars, max_size=511),
    )


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


# --- Integration semantics ------------------------------------------------------------------

_STEPS: Final[tuple[Callable[[VMIntegration, Service], VMIntegration], ...]] = (
    VMIntegration.enable,
    VMIntegration.disable,
    VMIntegration.start_in_guest,
    VMIntegration.stop_in_guest,
    lambda vm, s: vm.set_start_type(s, StartType.DISABLED),
    lambda vm, s: vm.set_start_type(s, StartType.AUTOMATIC),
    lambda vm, s: vm.set_unit_state(s, UnitState.MASKED),
    lambda vm, s: vm.set_unit_state(s, UnitState.ENABLED),
    VMIntegration.install_in_guest,
    VMIntegration.uninstall_in_guest,
    lambda vm, _s: vm.load_kernel_driver(),
    lambda vm, _s: vm.unload_kernel_driver(),
    lambda vm, _s: vm.settle(),
)


def vm_integrations(*, settled: bool = False) -> st.SearchStrategy[VMIntegration]:
    """VMs reachable from ``VMIntegration.new`` through random transitions.

    Args:
        settled: Apply Hyper-V's pending reactions at the end (nothing left pending).
    """

    @st.composite
    def build(draw: st.DrawFn) -> VMIntegration:
        guest_os = draw(guest_operating_systems())
        driver = draw(st.sampled_from(KernelDriver)) if guest_os.is_linux else None
        vm = VMIntegration.new(
            guest_os,
            enabled=draw(st.none() | st.sets(st.sampled_from(IntegrationService))),
            installed=draw(st.booleans()),
            kernel_driver=driver,
        )
        steps = st.tuples(st.sampled_from(_STEPS), st.sampled_from(TRACKED_SERVICES))
        for step, service in draw(st.lists(steps, max_size=12)):
            try:
                vm = step(vm, service)
            except InvalidTransitionError:
                continue
        return vm.settle() if settled else vm

    return build()


def service_states() -> st.SearchStrategy[ServiceState]:
    """Any valid per-service state, reachable by transitions or not."""

    @st.composite
    def build(draw: st.DrawFn) -> ServiceState:
        service = draw(st.sampled_from(TRACKED_SERVICES))
        windows: st.SearchStrategy[GuestSide] = st.builds(WindowsGuestService)
        if isinstance(service, GuestOnlyService):
            side = draw(st.one_of(st.none(), windows))
            return ServiceState(service=service, host_enabled=None, guest=side)
        linux: st.SearchStrategy[GuestSide] = (
            st.builds(LinuxKernelService)
            if service in KERNEL_SERVICES
            else st.builds(LinuxDaemonService)
        )
        guest = draw(st.one_of(st.none(), windows, linux))
        return ServiceState(service=service, host_enabled=draw(st.booleans()), guest=guest)

    return build()


# --- Registration ---------------------------------------------------------------------------


def _register_strategies() -> None:
    """Make ``st.from_type`` use these strategies for vmic's types."""
    register = st.register_type_strategy
    register(Product, products())
    register(OperatingSystem, operating_systems())
    register(IntegrationService, integration_services())
    register(GuestOnlyService, guest_only_services())
    register(OperationalStatus, operational_statuses())
    register(WindowsServiceStatus, windows_service_statuses())
    register(StartType, start_types())
    register(Feature, features())
    register(Cause, causes())
    register(UpdateRule, update_rules())
    register(UpdatePlan, update_plans())
    register(PlanStep, plan_steps())
    register(ComponentId, component_ids())
    register(IntegrationComponentRecord, integration_component_records())
    register(GuestServiceRecord, guest_service_records())
    register(VirtualMachineRecord, virtual_machine_records())
    register(RegistryValue, registry_values())
    register(LoadedModule, loaded_modules())
    register(ModuleList, module_lists())
    register(ProcessRecord, process_records())
    register(CommandList, command_lists())
    register(SystemdUnit, systemd_units())
    register(KvpRecord, kvp_records())
    register(VMObservation, vm_observations())
    register(HostObservation, host_observations())
    register(WindowsGuestObservation, windows_guest_observations())
    register(LinuxDaemonObservation, linux_daemon_observations())
    register(LinuxGuestObservation, linux_guest_observations())
    register(GuestUnreachable, guest_unreachables())
    register(ServiceState, service_states())
    register(VMIntegration, vm_integrations())


_register_strategies()
