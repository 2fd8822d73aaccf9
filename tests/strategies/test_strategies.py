"""vmic's hypothesis strategies, and their registration through the entry point.

Every public model resolves through ``st.from_type``; what it draws is valid, consistent
and reads back through the matching formatter and parser.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from typing import TYPE_CHECKING, Any

import attrs
import pytest
from hypothesis import find, given, settings, strategies as st
from hypothesis.errors import InvalidArgument

from vmic import (
    HOSTS,
    VM,
    Cause,
    ComponentId,
    Feature,
    Guest,
    GuestOnlyService,
    GuestService,
    GuestServiceRecord,
    GuestUnreachable,
    Host,
    IntegrationComponentRecord,
    IntegrationService,
    IntegrationServicesState,
    KvpPool,
    KvpRecord,
    LoadedModule,
    ModuleList,
    ModuleStatus,
    OperatingSystem,
    OperationalStatus,
    OSFamily,
    PlanStep,
    ProcessRecord,
    Product,
    RegistryValue,
    ServiceState,
    StartType,
    SystemdUnit,
    UpdatePlan,
    UpdateRule,
    VirtualMachineRecord,
    VMIntegration,
    VMState,
    WindowsServiceStatus,
    plan_update,
    strategies as vst,
)
from vmic.clients._inventory import guest_os_from_items, inventory_from_sections
from vmic.model._linux import DAEMON_SERVICES, packaging_for
from vmic.model._linux_records import (
    CommandList,
    UnitActiveState,
    UnitFileState,
    UnitLoadState,
    daemon_service,
    unit_service,
)
from vmic.model._locales import LOCALES, integration_service_name
from vmic.parsers import (
    format_compgen,
    format_get_service,
    format_get_vm,
    format_kvp_pool,
    format_lsmod,
    format_ps,
    format_reg_query,
    format_systemctl_show,
    format_vm_integration_services,
    parse_compgen,
    parse_component_id,
    parse_get_service,
    parse_get_vm,
    parse_integration_services_version,
    parse_kvp_pool,
    parse_lsmod,
    parse_ps,
    parse_reg_query,
    parse_systemctl_show,
    parse_vm_integration_services,
)
from vmic.policy import Policy, Rule, Selector

if TYPE_CHECKING:
    from collections.abc import Callable

# --- Registration ---------------------------------------------------------------------------


def _run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **env},
    )


def test_entry_point_registers_types_in_a_fresh_interpreter() -> None:
    # A user's suite never imports vmic.strategies: the entry point must do it.
    done = _run(
        """
        import sys
        from hypothesis import find, given, settings, strategies as st
        import vmic
        from vmic.parsers import format_lsmod, parse_lsmod
        assert "vmic.strategies" in sys.modules  # loaded by hypothesis' entry point
        seen = []
        @settings(max_examples=25, database=None)
        @given(
            st.from_type(vmic.OperatingSystem),
            st.from_type(vmic.VM),
            st.from_type(vmic.ModuleList),
            st.from_type(vmic.UpdatePlan),
        )
        def check(os, vm, listing, plan):
            assert isinstance(os, vmic.OperatingSystem)
            assert all(c.vm_id == vm.id for c in vm.services)
            assert parse_lsmod(format_lsmod(listing.modules)) == listing
            assert plan.steps
            seen.append(os)
        check()
        print(len(seen))
        """
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 0


def test_importing_the_strategies_before_hypothesis_works() -> None:
    # Importing hypothesis runs the entry point while vmic.strategies is half imported.
    done = _run(
        """
        import vmic.strategies
        from hypothesis import find, given, settings, strategies as st
        import vmic
        @settings(max_examples=10, database=None)
        @given(st.from_type(vmic.VM))
        def check(vm):
            assert all(c.vm_id == vm.id for c in vm.services)
        check()
        print("ok")
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_importing_the_strategies_registers_them_without_plugins() -> None:
    done = _run(
        """
        import sys
        from hypothesis import find, settings, strategies as st
        assert "vmic.strategies" not in sys.modules  # no entry points were run
        import vmic, vmic.strategies
        rule = find(st.from_type(vmic.UpdateRule), lambda r: True, settings=settings(database=None))
        assert rule.host.is_hyperv_host
        print("ok")
        """,
        HYPOTHESIS_NO_PLUGINS="1",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_importing_the_strategies_stays_light() -> None:
    done = _run(
        """
        import sys
        import vmic.strategies
        heavy = sorted(
            m for m in sys.modules
            if m.startswith(("vmic.testing", "vmic.clients", "vmic.executors", "vmic.diagnosis",
                             "vmic.fleet", "vmic.cli", "asyncssh", "pypsrp"))
        )
        print(heavy)
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


MODELS: list[Any] = [
    # vocabularies
    Product,
    IntegrationService,
    GuestOnlyService,
    OperationalStatus,
    WindowsServiceStatus,
    StartType,
    Feature,
    Cause,
    VMState,
    IntegrationServicesState,
    ModuleStatus,
    UnitLoadState,
    UnitActiveState,
    UnitFileState,
    KvpPool,
    # operating systems, rules, plans
    OperatingSystem,
    UpdateRule,
    UpdatePlan,
    PlanStep,
    # Windows records
    ComponentId,
    IntegrationComponentRecord,
    GuestServiceRecord,
    VirtualMachineRecord,
    RegistryValue,
    # Linux records
    LoadedModule,
    ModuleList,
    ProcessRecord,
    CommandList,
    SystemdUnit,
    KvpRecord,
    # hosts, VMs and guests
    Host,
    VM,
    Guest,
    GuestService,
    GuestUnreachable,
    # semantics
    ServiceState,
    VMIntegration,
    # policies
    Policy,
    Rule,
    Selector,
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@settings(max_examples=10)
@given(data=st.data())
def test_from_type_draws_instances(model: type[object], data: st.DataObject) -> None:
    assert isinstance(data.draw(st.from_type(model)), model)


def test_from_type_examples_of_the_models_work_as_in_a_users_session() -> None:
    # .example() is for interactive use (hypothesis warns inside tests): a fresh interpreter.
    done = _run(
        """
        from hypothesis import strategies as st
        import vmic
        host = st.from_type(vmic.Host).example()
        guest = st.from_type(vmic.Guest).example()
        assert isinstance(host, vmic.Host) and isinstance(guest, vmic.Guest)
        vmic.diagnose(host)
        print(type(host).__name__, type(guest).__name__)
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["Host", "Guest"]


@pytest.mark.parametrize(
    ("make", "options"),
    [
        (vst.integration_component_records, {"form": "csv"}),
        (vst.integration_component_records, {"locale": "xx-XX"}),
        (vst.guest_service_records, {"form": "list"}),
        (vst.virtual_machine_records, {"form": "list"}),
        (vst.vms, {"locale": "en"}),
        (vst.hosts, {"locale": "en"}),
        (vst.guests, {"distribution": "gentoo"}),
        (vst.guests, {"family": "freebsd"}),
        (vst.guests, {"family": "windows", "distribution": "rhel"}),
        (vst.guest_services, {"distribution": "gentoo"}),
        (vst.guest_services, {"family": "solaris"}),
        (vst.component_ids, {"vm_id": "not-a-guid"}),
    ],
)
def test_invalid_options_are_refused(
    make: Callable[..., st.SearchStrategy[object]], options: dict[str, str]
) -> None:
    with pytest.raises(InvalidArgument):
        make(**options)


# --- Operating systems, rules and plans ------------------------------------------------------


@given(st.from_type(UpdateRule))
def test_from_type_builds_update_rules(rule: UpdateRule) -> None:
    assert isinstance(rule, UpdateRule)
    assert rule.host.is_hyperv_host


@given(vst.operating_systems(hosts_only=True))
def test_hosts_only(os: OperatingSystem) -> None:
    assert os.product in HOSTS


@given(vst.operating_systems(family=OSFamily.LINUX))
def test_family_filter(os: OperatingSystem) -> None:
    assert os.service_pack is None
    assert os.is_linux


@settings(max_examples=100)
@given(st.from_type(UpdatePlan))
def test_update_plans_are_what_plan_update_makes(plan: UpdatePlan) -> None:
    assert plan.steps
    again = plan_update(
        plan.rule.host,
        plan.rule.guest,
        vm_running=plan.vm_running,
        data_exchange_enabled=plan.data_exchange_enabled,
    )
    assert again == plan


@settings(max_examples=50)
@given(st.from_type(PlanStep), st.from_type(Feature), st.from_type(Cause))
def test_steps_features_and_causes(step: PlanStep, feature: Feature, cause: Cause) -> None:
    assert step.title
    assert feature.info.title
    assert cause.description


# --- Windows records: round trips -----------------------------------------------------------


@given(st.from_type(ComponentId))
def test_component_ids_round_trip(cid: ComponentId) -> None:
    assert parse_component_id(str(cid)) == cid


@given(
    vst.component_ids(vm_id="7cca7664-91d0-40a9-9769-7809f256f603", service=IntegrationService.VSS)
)
def test_component_ids_with_a_vm_and_a_service(cid: ComponentId) -> None:
    assert cid.vm_id == "7CCA7664-91D0-40A9-9769-7809F256F603"
    assert cid.service is IntegrationService.VSS


@pytest.mark.parametrize("powershell", ["5.1", "7"])
@given(records=st.lists(st.from_type(IntegrationComponentRecord), max_size=6))
def test_components_round_trip_as_json(
    powershell: Any, records: list[IntegrationComponentRecord]
) -> None:
    text = format_vm_integration_services(records, form="json", locale=None, powershell=powershell)
    assert list(parse_vm_integration_services(text)) == records


@pytest.mark.parametrize(
    ("form", "locale"),
    [("json", "de-DE"), ("json", "zh-CN"), ("table", None), ("table", "en-US"), ("table", "fr-FR")],
)
@given(data=st.data())
def test_components_round_trip_in_each_form(
    form: Any, locale: str | None, data: st.DataObject
) -> None:
    records = data.draw(
        st.lists(vst.integration_component_records(form=form, locale=locale), max_size=6)
    )
    if form == "table":
        assert all(r.component_id is None and r.vm_id is None for r in records)
    text = format_vm_integration_services(records, form=form, locale=locale)
    assert list(parse_vm_integration_services(text)) == records


@settings(max_examples=50)
@given(records=st.lists(vst.integration_component_records(locale="it-IT"), max_size=6))
def test_components_in_a_locale_are_named_in_it(
    records: list[IntegrationComponentRecord],
) -> None:
    for record in records:
        if record.service is not None:
            assert record.name == integration_service_name(record.service, "it-IT")


@pytest.mark.parametrize(("powershell", "names"), [("5.1", False), ("7", True)])
@given(records=st.lists(st.from_type(GuestServiceRecord), max_size=6))
def test_guest_services_round_trip_as_json(
    powershell: Any, names: bool, records: list[GuestServiceRecord]
) -> None:
    text = format_get_service(records, form="json", powershell=powershell, enums_as_strings=names)
    assert list(parse_get_service(text)) == records


@pytest.mark.parametrize("powershell", ["5.1", "7"])
@given(records=st.lists(vst.guest_service_records(form="table"), max_size=6))
def test_guest_services_round_trip_as_a_table(
    powershell: Any, records: list[GuestServiceRecord]
) -> None:
    assert all(r.start_type is None for r in records)
    text = format_get_service(records, powershell=powershell, autosize=True)
    assert list(parse_get_service(text)) == records


@pytest.mark.parametrize("form", ["json", "table"])
@given(data=st.data())
def test_virtual_machines_round_trip(form: Any, data: st.DataObject) -> None:
    vms = (
        st.from_type(VirtualMachineRecord)
        if form == "json"
        else vst.virtual_machine_records(form="table")
    )
    records = data.draw(st.lists(vms, max_size=6))
    assert list(parse_get_vm(format_get_vm(records, form=form))) == records


@given(values=st.lists(st.from_type(RegistryValue), max_size=6))
def test_registry_values_round_trip(values: list[RegistryValue]) -> None:
    assert list(parse_reg_query(format_reg_query(values))) == values


# --- Linux records: round trips -------------------------------------------------------------


@given(st.from_type(ModuleList), st.booleans())
def test_module_lists_round_trip(listing: ModuleList, header: bool) -> None:
    assert parse_lsmod(format_lsmod(listing.modules, header=header)) == listing


@given(st.from_type(LoadedModule))
def test_loaded_modules_round_trip(module: LoadedModule) -> None:
    listing = parse_lsmod(format_lsmod([module]))
    assert listing.modules == (module,)
    assert listing.get(module.name) == module


@settings(max_examples=20)
@given(vst.module_lists(max_size=2))
def test_module_lists_respect_their_size(listing: ModuleList) -> None:
    assert len(listing.modules) <= 2


@given(st.lists(st.from_type(ProcessRecord), max_size=6))
def test_processes_round_trip(processes: list[ProcessRecord]) -> None:
    assert list(parse_ps(format_ps(processes), keep_grep=True)) == processes


@given(st.from_type(CommandList))
def test_command_lists_round_trip(commands: CommandList) -> None:
    assert parse_compgen(format_compgen(commands.names)) == commands


@given(st.lists(st.from_type(SystemdUnit), max_size=5))
def test_systemd_units_round_trip(units: list[SystemdUnit]) -> None:
    assert list(parse_systemctl_show(format_systemctl_show(units))) == units


@given(st.lists(st.from_type(KvpRecord), max_size=4))
def test_kvp_records_round_trip(records: list[KvpRecord]) -> None:
    assert list(parse_kvp_pool(format_kvp_pool(records))) == records


# --- Hosts, VMs and guests: consistency and round trips --------------------------------------


def _check_vm(vm: VM) -> None:
    assert vm.id is not None
    services = [c.service for c in vm.services]
    assert services == [s for s in IntegrationService if s in services]  # once each, in order
    names = []
    for component in vm.services:
        service = component.service
        assert service is not None
        assert (component.vm_name, component.vm_id) == (vm.name, vm.id)
        assert component.component_id == ComponentId(vm.id, service.guid)
        names.append((component.name, service))
    # Named in one language, the host's.
    assert any(
        all(name == integration_service_name(s, loc) for name, s in names) for loc in LOCALES
    )
    kvp = vm.service(IntegrationService.KEY_VALUE_PAIR_EXCHANGE)
    if kvp is None or not kvp.enabled:
        assert vm.intrinsic_items == ()
    assert vm.guest_os == guest_os_from_items(dict(vm.intrinsic_items))
    # Only a running VM's guest answers; one that answered runs the OS the host knows.
    if not vm.running:
        assert vm.guest is None
    if isinstance(vm.guest, Guest) and vm.guest_os is not None:
        assert vm.guest.os == vm.guest_os
        _check_guest(vm.guest)


@settings(max_examples=100)
@given(st.from_type(VM))
def test_vms_are_consistent(vm: VM) -> None:
    _check_vm(vm)
    vm_text = format_get_vm([vm.record], form="json")
    assert parse_get_vm(vm_text) == (vm.record,)
    text = format_vm_integration_services(vm.services, form="json", locale=None)
    assert parse_vm_integration_services(text) == vm.services


@settings(max_examples=50)
@given(vst.vms(locale="de-DE"))
def test_vms_in_a_locale(vm: VM) -> None:
    for component in vm.services:
        assert component.service is not None
        assert component.name == integration_service_name(component.service, "de-DE")


def _inventory_sections(host: Host) -> dict[str, str]:
    """What the inventory script prints for this host (its OS left out)."""
    vms = [vm.record for vm in host.vms]
    components = [c for vm in host.vms for c in vm.services]
    kvp = [{"VMId": vm.id, "Items": dict(vm.intrinsic_items)} for vm in host.vms]
    return {
        "host": json.dumps({"ComputerName": host.name, "Caption": None, "Version": None}),
        "vms": format_get_vm(vms, form="json"),
        "components": format_vm_integration_services(components, form="json", locale=None),
        "kvp": json.dumps(kvp),
    }


@settings(max_examples=60)
@given(st.from_type(Host))
def test_hosts_read_back_from_the_inventory(host: Host) -> None:
    for vm in host.vms:
        _check_vm(vm)
    assert len({vm.id for vm in host.vms}) == len(host.vms)
    assert host.os is None or host.os.is_hyperv_host
    # The inventory pairs components and items with VMs by id (names may repeat), and reads
    # the guest OS from the items: it must rebuild the same host, guests aside.
    read = inventory_from_sections(_inventory_sections(host), name=None)
    bare = [attrs.evolve(vm, guest=None) for vm in host.vms]
    assert read == attrs.evolve(host, os=None, vms=bare)


@settings(max_examples=30)
@given(vst.hosts(max_vms=1))
def test_hosts_respect_max_vms(host: Host) -> None:
    assert len(host.vms) <= 1


@settings(max_examples=30)
@given(vst.hosts(unique_names=True, with_guests=False))
def test_hosts_options(host: Host) -> None:
    assert len({vm.name for vm in host.vms}) == len(host.vms)
    assert all(vm.guest is None for vm in host.vms)


def test_hosts_draw_vms_that_share_a_name_and_vms_with_each_kind_of_guest() -> None:
    # find() raises when no example satisfies the condition.
    many = settings(max_examples=2000, database=None)
    find(vst.hosts(), lambda h: len({vm.name for vm in h.vms}) < len(h.vms), settings=many)
    find(vst.vms(), lambda vm: isinstance(vm.guest, Guest), settings=many)
    find(vst.vms(), lambda vm: isinstance(vm.guest, GuestUnreachable), settings=many)


_WINDOWS_SERVICE_NAMES = {s.info.windows_service for s in (*IntegrationService, *GuestOnlyService)}
_AUTO = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Virtual Machine\\Auto"


def _check_windows_guest(guest: Guest) -> None:
    assert guest.os is None or guest.os.is_windows
    assert (guest.hv_utils, guest.hv_vmbus, guest.init_system) == (None, None, None)
    records = guest.services or ()
    names = [record.name for record in records]
    assert len(set(names)) == len(names)
    assert set(names) <= _WINDOWS_SERVICE_NAMES
    for record in records:
        assert record.service is not None
        assert record.status is not None
        assert record.installed
        assert record.display_name in record.service.info.windows_display_names
    shown = tuple(
        GuestServiceRecord(
            name=r.name, display_name=r.display_name, status=r.status, start_type=r.start_type
        )
        for r in records
        if r.status is not None
    )
    text = format_get_service(shown, form="json")
    assert tuple(GuestService.from_record(r) for r in parse_get_service(text)) == records
    version = guest.integration_services_version
    if version is not None:
        value = RegistryValue(_AUTO, "IntegrationServicesVersion", "REG_SZ", str(version))
        assert parse_integration_services_version(format_reg_query([value])) == version


def _check_daemon(entry: GuestService, distribution: str | None) -> None:
    service = entry.service
    assert isinstance(service, IntegrationService)
    assert daemon_service(entry.name) is service
    if distribution is not None:
        packaging = packaging_for(distribution)
        assert entry.name == packaging.daemon_for(service)
        if entry.unit is not None:
            assert entry.unit.name == packaging.unit_for(service)
    unit = entry.unit
    if unit is None:
        return
    assert unit_service(unit.name) is service
    if unit.load_state is UnitLoadState.LOADED:
        assert entry.installed
    if unit.active_state is UnitActiveState.ACTIVE:
        assert entry.running
        assert unit.main_pid is not None
    assert parse_systemctl_show(format_systemctl_show([unit])) == (unit,)


def _check_linux_guest(guest: Guest) -> None:
    assert guest.os is not None
    assert guest.os.is_linux
    assert guest.hv_utils is not None
    if guest.services is None:
        return
    assert [d.service for d in guest.services] == [
        IntegrationService.KEY_VALUE_PAIR_EXCHANGE,
        IntegrationService.VSS,
        IntegrationService.GUEST_SERVICE_INTERFACE,
    ]
    for entry in guest.services:
        _check_daemon(entry, guest.distribution)


def _check_guest(guest: Guest) -> None:
    # Consistent by construction: one family's services, and the OS of that family.
    assert guest.is_windows is not guest.is_linux
    if guest.is_windows:
        _check_windows_guest(guest)
    else:
        _check_linux_guest(guest)


@settings(max_examples=100)
@given(st.from_type(Guest))
def test_guests_are_consistent_with_their_family(guest: Guest) -> None:
    _check_guest(guest)


@settings(max_examples=50)
@given(vst.guests(family="windows"), vst.guests(family="linux"))
def test_guests_of_one_family(windows: Guest, linux: Guest) -> None:
    assert windows.is_windows
    _check_windows_guest(windows)
    assert linux.is_linux
    _check_linux_guest(linux)


@given(st.from_type(GuestService))
def test_guest_services_are_windows_services_or_daemons(entry: GuestService) -> None:
    assert entry.is_windows is not entry.is_linux
    if entry.is_linux:
        assert entry.service in DAEMON_SERVICES
        _check_daemon(entry, None)
    else:
        assert entry.name in _WINDOWS_SERVICE_NAMES


@settings(max_examples=50)
@given(vst.guests(distribution="rhel"))
def test_guests_of_one_distribution(guest: Guest) -> None:
    assert guest.distribution == "rhel"
    for entry in guest.services or ():
        _check_daemon(entry, "rhel")


@given(st.from_type(GuestUnreachable))
def test_unreachable_guests_give_a_one_line_reason(guest: GuestUnreachable) -> None:
    assert guest.reason.strip()
    assert len(guest.reason.splitlines()) == 1
