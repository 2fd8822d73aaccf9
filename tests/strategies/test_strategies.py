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
from hypothesis import given, settings, strategies as st
from hypothesis.errors import InvalidArgument

from vmic import (
    HOSTS,
    Cause,
    ComponentId,
    Feature,
    GuestOnlyService,
    GuestServiceRecord,
    GuestUnreachable,
    HostObservation,
    IntegrationComponentRecord,
    IntegrationService,
    IntegrationServicesState,
    KvpPool,
    KvpRecord,
    LinuxDaemonObservation,
    LinuxGuestObservation,
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
    VMObservation,
    VMState,
    WindowsGuestObservation,
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
from vmic.model._observations import GuestObservation
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
        from hypothesis import given, settings, strategies as st
        import vmic
        from vmic.parsers import format_lsmod, parse_lsmod
        assert "vmic.strategies" in sys.modules  # loaded by hypothesis' entry point
        seen = []
        @settings(max_examples=25, database=None)
        @given(
            st.from_type(vmic.OperatingSystem),
            st.from_type(vmic.VMObservation),
            st.from_type(vmic.ModuleList),
            st.from_type(vmic.UpdatePlan),
        )
        def check(os, vm, listing, plan):
            assert isinstance(os, vmic.OperatingSystem)
            assert all(c.vm_id == vm.vm.id for c in vm.components)
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
        from hypothesis import given, settings, strategies as st
        import vmic
        @settings(max_examples=10, database=None)
        @given(st.from_type(vmic.VMObservation))
        def check(vm):
            assert all(c.vm_id == vm.vm.id for c in vm.components)
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
    # observations
    VMObservation,
    HostObservation,
    WindowsGuestObservation,
    LinuxDaemonObservation,
    LinuxGuestObservation,
    GuestUnreachable,
    # semantics
    ServiceState,
    VMIntegration,
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@settings(max_examples=10)
@given(data=st.data())
def test_from_type_draws_instances(model: type[object], data: st.DataObject) -> None:
    assert isinstance(data.draw(st.from_type(model)), model)


@settings(max_examples=30)
@given(st.from_type(GuestObservation))  # type: ignore[arg-type]  # a union alias, not a class
def test_from_type_draws_any_guest_observation(guest: object) -> None:
    assert isinstance(guest, WindowsGuestObservation | LinuxGuestObservation | GuestUnreachable)


@pytest.mark.parametrize(
    ("make", "options"),
    [
        (vst.integration_component_records, {"form": "csv"}),
        (vst.integration_component_records, {"locale": "xx-XX"}),
        (vst.guest_service_records, {"form": "list"}),
        (vst.virtual_machine_records, {"form": "list"}),
        (vst.vm_observations, {"locale": "en"}),
        (vst.host_observations, {"locale": "en"}),
        (vst.linux_guest_observations, {"distribution": "gentoo"}),
        (vst.linux_daemon_observations, {"distribution": "gentoo"}),
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


# --- Observations: consistency and round trips -----------------------------------------------


def _check_vm(observation: VMObservation) -> None:
    vm = observation.vm
    assert vm.id is not None
    services = [c.service for c in observation.components]
    assert services == [s for s in IntegrationService if s in services]  # once each, in order
    names = []
    for component in observation.components:
        service = component.service
        assert service is not None
        assert (component.vm_name, component.vm_id) == (vm.name, vm.id)
        assert component.component_id == ComponentId(vm.id, service.guid)
        names.append((component.name, service))
    # Named in one language, the host's.
    assert any(
        all(name == integration_service_name(s, loc) for name, s in names) for loc in LOCALES
    )
    kvp = observation.component(IntegrationService.KEY_VALUE_PAIR_EXCHANGE)
    if kvp is None or not kvp.enabled:
        assert observation.intrinsic_items == ()
    assert observation.guest_os == guest_os_from_items(dict(observation.intrinsic_items))


@settings(max_examples=100)
@given(st.from_type(VMObservation))
def test_vm_observations_are_consistent(observation: VMObservation) -> None:
    _check_vm(observation)
    vm_text = format_get_vm([observation.vm], form="json")
    assert parse_get_vm(vm_text) == (observation.vm,)
    text = format_vm_integration_services(observation.components, form="json", locale=None)
    assert parse_vm_integration_services(text) == observation.components


@settings(max_examples=50)
@given(vst.vm_observations(locale="de-DE"))
def test_vm_observations_in_a_locale(observation: VMObservation) -> None:
    for component in observation.components:
        assert component.service is not None
        assert component.name == integration_service_name(component.service, "de-DE")


def _inventory_sections(host: HostObservation) -> dict[str, str]:
    """What the inventory script prints for this host (its OS left out)."""
    vms = [vm.vm for vm in host.vms]
    components = [c for vm in host.vms for c in vm.components]
    kvp = [{"VMId": vm.vm.id, "Items": dict(vm.intrinsic_items)} for vm in host.vms]
    return {
        "host": json.dumps({"ComputerName": host.host, "Caption": None, "Version": None}),
        "vms": format_get_vm(vms, form="json"),
        "components": format_vm_integration_services(components, form="json", locale=None),
        "kvp": json.dumps(kvp),
    }


@settings(max_examples=60)
@given(st.from_type(HostObservation))
def test_host_observations_read_back_from_the_inventory(host: HostObservation) -> None:
    for vm in host.vms:
        _check_vm(vm)
    assert len({vm.name for vm in host.vms}) == len(host.vms)
    assert len({vm.vm.id for vm in host.vms}) == len(host.vms)
    assert host.host_os is None or host.host_os.is_hyperv_host
    # The inventory pairs components and items with VMs by id, and reads the guest OS from
    # the items: it must rebuild the same observation.
    read = inventory_from_sections(_inventory_sections(host), name=None)
    assert read == attrs.evolve(host, host_os=None)


@settings(max_examples=30)
@given(vst.host_observations(max_vms=1))
def test_host_observations_respect_max_vms(host: HostObservation) -> None:
    assert len(host.vms) <= 1


_WINDOWS_SERVICE_NAMES = {s.info.windows_service for s in (*IntegrationService, *GuestOnlyService)}
_AUTO = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Virtual Machine\\Auto"


@given(st.from_type(WindowsGuestObservation))
def test_windows_guest_observations_are_consistent(guest: WindowsGuestObservation) -> None:
    names = [record.name for record in guest.services]
    assert len(set(names)) == len(names)
    assert set(names) <= _WINDOWS_SERVICE_NAMES
    for record in guest.services:
        assert record.service is not None
        assert record.display_name in record.service.info.windows_display_names
    assert guest.guest_os is None or guest.guest_os.is_windows
    text = format_get_service(guest.services, form="json")
    assert parse_get_service(text) == guest.services
    version = guest.integration_services_version
    if version is not None:
        value = RegistryValue(_AUTO, "IntegrationServicesVersion", "REG_SZ", str(version))
        assert parse_integration_services_version(format_reg_query([value])) == version


def _check_daemon(entry: LinuxDaemonObservation, distribution: str | None) -> None:
    assert daemon_service(entry.daemon) is entry.service
    if distribution is not None:
        packaging = packaging_for(distribution)
        assert entry.daemon == packaging.daemon_for(entry.service)
        if entry.unit is not None:
            assert entry.unit.name == packaging.unit_for(entry.service)
    unit = entry.unit
    if unit is None:
        return
    assert unit_service(unit.name) is entry.service
    if unit.load_state is UnitLoadState.LOADED:
        assert entry.installed
    if unit.active_state is UnitActiveState.ACTIVE:
        assert entry.running
        assert unit.main_pid is not None
    assert parse_systemctl_show(format_systemctl_show([unit])) == (unit,)


@given(st.from_type(LinuxGuestObservation))
def test_linux_guest_observations_are_consistent(guest: LinuxGuestObservation) -> None:
    assert [d.service for d in guest.daemons] == [
        IntegrationService.KEY_VALUE_PAIR_EXCHANGE,
        IntegrationService.VSS,
        IntegrationService.GUEST_SERVICE_INTERFACE,
    ]
    for entry in guest.daemons:
        _check_daemon(entry, guest.distribution)


@given(st.from_type(LinuxDaemonObservation))
def test_linux_daemon_observations_are_consistent(entry: LinuxDaemonObservation) -> None:
    assert entry.service in DAEMON_SERVICES
    _check_daemon(entry, None)


@settings(max_examples=50)
@given(vst.linux_guest_observations(distribution="rhel"))
def test_linux_guest_observations_of_one_distribution(guest: LinuxGuestObservation) -> None:
    assert guest.distribution == "rhel"
    for entry in guest.daemons:
        _check_daemon(entry, "rhel")


@given(st.from_type(GuestUnreachable))
def test_unreachable_guests_give_a_one_line_reason(guest: GuestUnreachable) -> None:
    assert guest.reason.strip()
    assert len(guest.reason.splitlines()) == 1
