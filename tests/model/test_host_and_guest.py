"""The models of the design: Host, VM, Guest and GuestService, built by hand."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs
import pytest
from hypothesis import given, strategies as st
from packaging.version import Version

from vmic import (
    VM,
    ConfigurationError,
    Guest,
    GuestOnlyService,
    GuestService,
    GuestServiceRecord,
    GuestUnreachable,
    Host,
    IntegrationService,
    InvalidRecordError,
    ModuleStatus,
    OperatingSystem,
    Product,
    StartType,
    SystemdUnit,
    UnknownOperatingSystemError,
    UnknownServiceError,
    VirtualMachineRecord,
    VMState,
    WindowsServiceStatus,
    parse_os,
)
from vmic.model import LinuxTimeSync, WindowsTimeSync
from vmic.model._host import operating_system_of
from vmic.model._linux_records import UnitActiveState, UnitLoadState
from vmic.strategies import hosts, systemd_units

if TYPE_CHECKING:
    from collections.abc import Callable

S = IntegrationService
VM_ID = "7cca7664-91d0-40a9-9769-7809f256f603"


# --- Host ---------------------------------------------------------------------------------------


def test_a_host_takes_its_os_as_text_and_its_vms_as_any_iterable() -> None:
    vms = (VM(name, state="running") for name in ("a", "b"))
    host = Host("hv01", os="Windows Server 2019", vms=vms)
    assert host.os == parse_os("Windows Server 2019")
    assert [vm.name for vm in host.vms] == ["a", "b"]
    assert host.vm("b") is host.vms[1]
    assert host.vm("B") is None  # names are exact
    assert Host("hv01").os is None
    assert Host("hv01").vms == ()


@pytest.mark.parametrize(
    ("host", "shown"),
    [
        (Host("hv01"), "<Host 'hv01': 0 VMs>"),
        (
            Host("hv01", os="2012 R2", vms=[VM("a", state="off")]),
            "<Host 'hv01' Windows Server 2012 R2: 1 VM>",
        ),
        (Host("hv'2", vms=[VM("a", state="off")] * 3), '<Host "hv\'2": 3 VMs>'),
    ],
)
def test_a_host_has_a_short_repr(host: Host, shown: str) -> None:
    assert repr(host) == shown


def test_a_host_refuses_what_it_cannot_hold() -> None:
    with pytest.raises(UnknownOperatingSystemError):
        Host("hv01", os="Windows Server 1999")
    with pytest.raises(TypeError):
        Host("hv01", vms=[Guest()])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        Host(1)  # type: ignore[arg-type]


def test_a_hosts_html_shows_its_vms_and_their_guests_os() -> None:
    vm = VM("web", state="running", guest=Guest(os="Ubuntu 22.04"))
    html = Host("hv01", os="2019", vms=[vm])._repr_html_()
    assert "Windows Server 2019" in html
    assert "Linux (ubuntu 22.04)" in html


# --- VM -----------------------------------------------------------------------------------------


def test_a_vm_mapping_starts_from_hyper_vs_defaults_and_names_services_any_way() -> None:
    settings: dict[S | str, bool] = {"Takt": False, S.VSS: False, "time_synchronization": False}
    vm = VM("app", state="running", services=settings)
    enabled = {record.service: record.enabled for record in vm.services}
    assert enabled == {
        S.GUEST_SERVICE_INTERFACE: False,  # off by default
        S.HEARTBEAT: False,  # the German display name
        S.KEY_VALUE_PAIR_EXCHANGE: True,
        S.SHUTDOWN: True,
        S.TIME_SYNCHRONIZATION: False,  # the value
        S.VSS: False,  # the enum
    }
    assert {r.vm_name for r in vm.services} == {"app"}
    assert all(r.name == r.service.english_name for r in vm.services if r.service is not None)
    assert all(r.component_id is None for r in vm.services)  # no id, so no component id
    assert vm.service("Data Exchange") is vm.service(S.KEY_VALUE_PAIR_EXCHANGE)
    assert [r.enabled for r in VM("b", state="off").services] == [
        s.info.default_enabled for s in IntegrationService
    ]


def test_a_vm_with_an_id_gives_its_records_the_id_and_the_component_ids() -> None:
    vm = VM("app", state="Running", id=VM_ID)
    assert vm.id == VM_ID.upper()
    assert vm.state is VMState.RUNNING
    for record in vm.services:
        assert record.vm_id == VM_ID.upper()
        assert record.component_id is not None
        assert record.component_id.service is record.service


@pytest.mark.parametrize(
    ("services", "error", "words"),
    [
        ({"PowerShell Direct": True}, ConfigurationError, "guest-only service"),
        ({GuestOnlyService.POWERSHELL_DIRECT: True}, ConfigurationError, "guest-only service"),
        ({"Teleport": True}, UnknownServiceError, "Teleport"),
        ({"Heartbeat": "yes"}, ConfigurationError, "True .enabled. or False"),
        ("Heartbeat", ConfigurationError, "records or a mapping"),
    ],
)
def test_a_vm_refuses_services_it_cannot_place(
    services: object, error: type[Exception], words: str
) -> None:
    with pytest.raises(error, match=words):
        VM("app", state="running", services=services)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"state": "runing"}, "state"),
        ({"id": "not-a-guid"}, "id"),
        ({"integration_services_version": "10.0.1.2.3"}, "version"),
        ({"integration_services_version": "ten"}, "integration_services_version"),
    ],
)
def test_a_vm_refuses_what_get_vm_cannot_report(changes: dict[str, str], field: str) -> None:
    options: dict[str, str] = {"state": "running", **changes}
    with pytest.raises((InvalidRecordError, ValueError), match=field):
        VM("app", **options)  # type: ignore[arg-type]


def test_a_vm_keeps_the_hosts_records_and_gives_its_get_vm_record_back() -> None:
    record = VirtualMachineRecord(
        name="db",
        id=VM_ID,
        state=VMState.SAVED,
        status="",
        integration_services_version=Version("10.0.17763.1"),
    )
    listed = VM("db", state="running", id=VM_ID).services[:2]
    vm = VM.from_record(record, listed, intrinsic_items={"OSName": "Windows Server 2019"})
    assert vm.record == record
    assert vm.services == listed  # exactly what the host listed, no defaults added
    assert vm.item("OSName") == "Windows Server 2019"
    assert vm.intrinsic_items == (("OSName", "Windows Server 2019"),)
    assert not vm.running
    assert VM("r", state=VMState.RUNNING_CRITICAL).running


def test_a_vms_os_is_the_hosts_word_first_then_its_guests() -> None:
    guest = Guest(os="Windows Server 2016")
    assert VM("a", state="running", guest=guest).os == parse_os("Windows Server 2016")
    told = VM("a", state="running", guest_os="Windows Server 2019", guest=guest)
    assert told.os == parse_os("Windows Server 2019")
    unreachable = VM("a", state="running", guest=GuestUnreachable(reason="no route"))
    assert unreachable.os is None


def test_a_vm_has_a_short_repr_and_evolves() -> None:
    vm = VM("legacy-win7", state="running", guest=Guest(os="Windows 7"))
    assert repr(vm) == "<VM 'legacy-win7' running, Windows 7>"
    assert repr(VM("x", state="off")) == "<VM 'x' off>"
    lost = attrs.evolve(vm, guest=GuestUnreachable(reason="timed out"))
    assert repr(lost) == "<VM 'legacy-win7' running, guest unreachable>"
    assert lost.services == vm.services
    with pytest.raises(InvalidRecordError, match="guest"):
        attrs.evolve(vm, guest="Windows 7")  # type: ignore[arg-type]


# --- Guest and its services -----------------------------------------------------------------------


def test_a_windows_guest_names_its_services_as_windows_does() -> None:
    guest = Guest(os="Windows 7", services={"Data Exchange": False, "vmicheartbeat": True})
    assert [(s.name, s.service, s.running) for s in guest.services or ()] == [
        ("vmickvpexchange", S.KEY_VALUE_PAIR_EXCHANGE, False),
        ("vmicheartbeat", S.HEARTBEAT, True),
    ]
    assert guest.is_windows
    assert not guest.is_linux
    assert guest.service("vmicheartbeat") is guest.service(S.HEARTBEAT)
    assert guest.service("Heartbeat") is guest.service(S.HEARTBEAT)
    assert guest.service(S.VSS) is None
    assert repr(guest) == "<Guest Windows 7: 2 services>"


@pytest.mark.parametrize(
    ("os_text", "daemon"),
    [("Ubuntu 22.04", "hv_kvp_daemon"), ("Red Hat Enterprise Linux 9", "hypervkvpd")],
)
def test_a_linux_guest_names_its_daemons_as_its_distribution_packages_them(
    os_text: str, daemon: str
) -> None:
    guest = Guest(os=os_text, services={S.KEY_VALUE_PAIR_EXCHANGE: True}, hv_utils="loaded")
    entry = guest.service(S.KEY_VALUE_PAIR_EXCHANGE)
    assert entry is not None
    assert entry.name == daemon
    assert guest.is_linux
    assert guest.hv_utils is ModuleStatus.LOADED
    assert guest.distribution == parse_os(os_text).distribution


@pytest.mark.parametrize(
    ("options", "error", "words"),
    [
        ({"services": {"Heartbeat": True}}, ConfigurationError, "give the guest's os"),
        ({"os": "Ubuntu", "services": {"Heartbeat": True}}, ConfigurationError, "hv_utils driver"),
        (
            {"os": "Ubuntu", "services": {"vmicvmsession": True}},
            ConfigurationError,
            "Windows service",
        ),
        ({"os": "Windows 10", "services": {"Heartbeat": 1}}, ConfigurationError, "True .running."),
        ({"os": "Windows 10", "services": "vmicheartbeat"}, ConfigurationError, "or a mapping"),
        ({"os": "Windows 10", "hv_utils": "loaded"}, InvalidRecordError, "yet hv_utils"),
        ({"os": "Windows 10", "time_sync": LinuxTimeSync()}, InvalidRecordError, "Linux time"),
        ({"os": "Debian 12", "time_sync": WindowsTimeSync()}, InvalidRecordError, "Windows time"),
        ({"os": "Windows 95"}, UnknownOperatingSystemError, "Windows 95"),
        ({"integration_services_version": "six"}, InvalidRecordError, "not a version"),
        ({"hv_utils": "sometimes"}, ValueError, "sometimes"),
    ],
)
def test_a_guest_refuses_what_does_not_fit(
    options: dict[str, object], error: type[Exception], words: str
) -> None:
    with pytest.raises(error, match=words):
        Guest(**options)  # type: ignore[arg-type]


def test_a_guest_keeps_one_familys_facts() -> None:
    windows = GuestService(name="vmicvss", running=True)
    daemon = GuestService(name="hv_vss_daemon", running=True)
    for services in ([windows, daemon], [daemon, windows], [windows, windows, daemon]):
        with pytest.raises(InvalidRecordError, match="beside"):
            Guest(services=services)
    with pytest.raises(InvalidRecordError, match="yet Windows service 'vmicvss'"):
        Guest(os="Ubuntu 22.04", services=[windows])
    with pytest.raises(InvalidRecordError, match="yet daemon 'hv_vss_daemon'"):
        Guest(os="Windows Server 2019", services=[daemon])
    with pytest.raises(InvalidRecordError, match="beside"):
        Guest(services=[windows], init_system="systemd")


def test_without_an_os_a_guest_is_of_the_family_its_facts_show() -> None:
    assert Guest(services=[GuestService(name="vmicvss", running=True)]).is_windows
    assert Guest(hv_utils=ModuleStatus.NOT_LISTED).is_linux
    assert Guest(time_sync=WindowsTimeSync(domain_role=5)).is_windows
    unknown = Guest()
    assert (unknown.is_windows, unknown.is_linux) == (False, False)
    assert repr(unknown) == "<Guest OS unknown>"
    assert unknown.services is None  # not reported, which is not "none installed"
    assert Guest(services=()).services == ()


def test_a_guest_reads_its_version_and_keeps_records_as_given() -> None:
    record = GuestService(name="vmicnew", running=False, status=WindowsServiceStatus.STOPPED)
    assert record.service is None  # a vmic* service vmic does not know
    guest = Guest(
        os="Windows Server 2012 R2",
        services=[record],
        integration_services_version="6.3.9600.18080",
    )
    assert guest.integration_services_version == Version("6.3.9600.18080")
    assert guest.service("VMICNEW") is record
    assert guest.distribution is None


# --- GuestService ---------------------------------------------------------------------------------


def test_a_guest_service_takes_its_service_from_its_name() -> None:
    assert (
        GuestService(name="vmicvmsession", running=False).service
        is GuestOnlyService.POWERSHELL_DIRECT
    )
    assert GuestService(name="hypervkvpd", running=True).service is S.KEY_VALUE_PAIR_EXCHANGE
    assert GuestService(name="x", service="VSS", running=True).service is S.VSS
    shown = GuestServiceRecord(
        name="vmictimesync",
        display_name="Hyper-V Time Synchronization Service",
        status=WindowsServiceStatus.START_PENDING,
        start_type=StartType.MANUAL,
    )
    entry = GuestService.from_record(shown)
    assert (entry.service, entry.installed, entry.running) == (S.TIME_SYNCHRONIZATION, True, True)
    assert (entry.status, entry.start_type) == (shown.status, shown.start_type)
    assert entry.evidence == "Get-Service shows it start pending"
    assert entry.is_windows
    assert not entry.is_linux


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"name": "vmicvss", "service": S.HEARTBEAT, "running": True}, "is IntegrationService.VSS"),
        ({"name": "vmicvss", "installed": False, "running": True}, "cannot run"),
        ({"name": "vmicvss", "running": True, "status": WindowsServiceStatus.PAUSED}, "paused"),
        ({"name": "hv_vss_daemon", "running": True, "start_type": StartType.MANUAL}, "not both"),
        ({"name": "vmicvss", "running": True, "pid": 42}, "not both"),
        ({"name": " ", "running": True}, "needs a name"),
    ],
)
def test_a_guest_service_refuses_a_state_that_cannot_be(
    options: dict[str, object], words: str
) -> None:
    with pytest.raises(InvalidRecordError, match=words):
        GuestService(**options)  # type: ignore[arg-type]


def test_a_daemons_evidence_says_how_running_was_decided() -> None:
    unit = SystemdUnit(
        "hv-kvp-daemon.service", UnitLoadState.LOADED, UnitActiveState.ACTIVE, "running", None, 700
    )
    daemon = GuestService(name="hv_kvp_daemon", running=True, unit=unit, pid=701)
    assert daemon.evidence == (
        "hv-kvp-daemon.service is active (running, MainPID 700); process hv_kvp_daemon "
        "(PID 701) runs outside the unit"
    )
    assert GuestService(name="hv_vss_daemon", running=False).evidence == "no hv_vss_daemon process"
    assert GuestService(name="hypervvssd", running=True, service_status=0).evidence == (
        "service status exit code 0"
    )


# --- the operating system a rule asks about -------------------------------------------------------


def test_a_model_stands_for_its_operating_system() -> None:
    system = parse_os("Windows 7")
    assert operating_system_of(system, what="the guest") is system
    assert operating_system_of("Windows 7", what="the guest") == system
    assert operating_system_of(Guest(os=system), what="the guest") is system
    assert operating_system_of(VM("v", state="off", guest_os=system), what="the guest") is system
    assert operating_system_of(Host("h", os=system), what="the host") is system
    with pytest.raises(ConfigurationError, match=r"the host \(Host 'h'\) has no known operating"):
        operating_system_of(Host("h"), what="the host")
    with pytest.raises(ConfigurationError, match=r"the guest has no known operating system"):
        operating_system_of(Guest(), what="the guest")
    with pytest.raises(ConfigurationError, match="not int"):
        operating_system_of(7, what="the guest")
    assert OperatingSystem(Product.LINUX) == operating_system_of(Guest(os="Linux"), what="g")


@pytest.mark.parametrize(
    "guest",
    [
        None,
        GuestUnreachable(reason="no answer"),
        Guest(os="Windows Server 2019", services={"Heartbeat": True}),
    ],
    ids=["none", "unreachable", "guest"],
)
def test_a_vm_with_its_guest_is_what_evolve_makes(guest: Guest | GuestUnreachable | None) -> None:
    # An audit attaches each guest without checking the VM's other fields again.
    vm = VM(
        "web01",
        state="running",
        id="C34988D1-7153-5CB0-A1D4-F2FB94667661",
        services={"Guest Service Interface": True},
        intrinsic_items={"OSName": "Windows Server 2019 Datacenter"},
        guest_os="Windows Server 2019",
    )
    attached = vm._with_guest(guest)
    assert attached == attrs.evolve(vm, guest=guest)
    assert attached.guest is guest


def test_attaching_something_that_is_no_guest_is_refused() -> None:
    vm = VM("web01", state="running")
    with pytest.raises(InvalidRecordError, match="expected a Guest"):
        vm._with_guest("not a guest")  # type: ignore[arg-type]


DAEMON_ENTRIES = st.fixed_dictionaries(
    {
        "service": st.sampled_from(list(IntegrationService)),
        "name": st.sampled_from(
            (
                *("hv_kvp_daemon", "hypervkvpd", "hv_vss_daemon", "hv_fcopy_uio_daemon"),
                *("hypervvssd", "vmicvss", "VMICx", "my_kvp", " ", ""),
            )
        ),
        "installed": st.booleans(),
        "running": st.booleans(),
        "unit": st.none() | systemd_units(),
        "path": st.none() | st.sampled_from(["/usr/sbin/hv_kvp_daemon", "/opt/x"]),
        "pid": st.none() | st.integers(1, 5000),
        "service_status": st.none() | st.integers(0, 3),
    }
)


def _built(build: Callable[[], GuestService]) -> GuestService | str:
    try:
        return build()
    except InvalidRecordError as error:
        return str(error)


@given(fields=DAEMON_ENTRIES)
def test_a_daemons_entry_is_the_one_the_checked_constructor_builds(fields: dict[str, Any]) -> None:
    # The Linux client builds its daemons' entries with the name's checks worked out once
    # per name and service: each entry, or its refusal, must be the checked constructor's.
    expected = _built(lambda: GuestService(**fields))
    order = ("service", "name", "installed", "running", "unit", "path", "pid", "service_status")
    arguments = [fields[name] for name in order]
    assert _built(lambda: GuestService._of_daemon(*arguments)) == expected


@given(
    entries=st.lists(DAEMON_ENTRIES, max_size=3),
    windows=st.booleans(),
    os=st.sampled_from(["Ubuntu 22.04", "Windows Server 2022", "Linux"]),
    modules=st.sampled_from([None, *ModuleStatus]),
    time_sync=st.sampled_from([None, LinuxTimeSync(ptp_hyperv=True)]),
)
def test_a_linux_guest_is_the_one_the_checked_constructor_builds(
    entries: list[dict[str, Any]],
    windows: bool,
    os: str,
    modules: ModuleStatus | None,
    time_sync: LinuxTimeSync | None,
) -> None:
    # The Linux client builds its guest without weighing its facts again when its daemons'
    # entries leave nothing to weigh: each guest, or its refusal, is the checked constructor's.
    built_entries = [_built(lambda f=f: GuestService(**f)) for f in entries]  # type: ignore[misc]
    services = [entry for entry in built_entries if isinstance(entry, GuestService)]
    if windows:
        services.append(GuestService(name="vmicvss", running=True))
    records = tuple(services)
    system = parse_os(os)
    fields = (system, modules, modules, None, records, time_sync)

    def checked() -> Guest:
        return Guest(
            os=system,
            hv_utils=modules,
            hv_vmbus=modules,
            services=records,
            time_sync=time_sync,
        )

    try:
        expected: Guest | str = checked()
    except InvalidRecordError as error:
        expected = str(error)
    try:
        guest: Guest | str = Guest._of_linux(*fields)
    except InvalidRecordError as error:
        guest = str(error)
    assert guest == expected


@given(hosts())
def test_the_clients_fast_constructors_build_what_the_checked_ones_build(host: Host) -> None:
    assert Host._parsed(host.name, host.os, host.vms) == host
    for vm in host.vms:
        items = dict(vm.intrinsic_items)
        parsed = VM._parsed(vm.record, vm.services, items, vm.guest_os)
        assert parsed == attrs.evolve(vm, guest=None)
        assert parsed._with_guest(vm.guest) == vm
        assert parsed.intrinsic_items == VM("x", state="off", intrinsic_items=items).intrinsic_items
