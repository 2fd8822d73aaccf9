"""HyperVHost against the simulated host: one round trip, GUID matching, desired state."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from hypothesis import given, strategies as st

from vmic import (
    VM,
    AuthenticationFailedError,
    CommandFailedError,
    CommandTimeoutError,
    ConfigurationError,
    ConnectionFailedError,
    Host,
    IntegrationService,
    OperationalStatus,
    ParseError,
    Product,
    UnknownServiceError,
)
from vmic.clients import (
    AmbiguousVMError,
    Change,
    HyperVHost,
    VerificationError,
    VMNotFoundError,
    _scripts,
)
from vmic.clients._host import _fanned_guests
from vmic.clients._sections import load_json
from vmic.executors import Command, Result
from vmic.executors._closing import Closing
from vmic.model._records import IntegrationServicesState, VMState
from vmic.testing import FakeHyperVHost, Fault

GSI = IntegrationService.GUEST_SERVICE_INTERFACE
HEARTBEAT = IntegrationService.HEARTBEAT
KVP = IntegrationService.KEY_VALUE_PAIR_EXCHANGE
TIMESYNC = IntegrationService.TIME_SYNCHRONIZATION
VSS = IntegrationService.VSS


def _lab(count: int, **options: object) -> FakeHyperVHost:
    lab = FakeHyperVHost("HV01", **options)  # type: ignore[arg-type]
    systems = ("Windows Server 2019", "Ubuntu 22.04", "Windows Server 2012 R2", "Windows 10")
    for index in range(count):
        lab.add_vm(f"vm{index:04d}", systems[index % len(systems)])
    return lab


# --- one round trip ---------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 200])
def test_integration_services_is_one_command_for_any_host_size(count: int) -> None:
    lab = _lab(count)
    observed = HyperVHost(lab).integration_services()
    assert len(lab.commands) == 1
    assert lab.commands[0].action == "inventory"
    assert not lab.commands[0].mutating
    assert [vm.name for vm in observed] == [f"vm{index:04d}" for index in range(count)]
    assert all(len(vm.services) == len(IntegrationService) for vm in observed)


@pytest.mark.parametrize("count", [1, 200])
def test_observe_is_one_command_and_carries_every_vm(count: int) -> None:
    lab = _lab(count)
    observation = HyperVHost(lab).observe()
    assert len(lab.commands) == 1
    assert len(observation.vms) == count
    by_name = {vm.name: vm for vm in lab.vms}
    for entry in observation.vms:
        fake = by_name[entry.name]
        assert entry.id == str(fake.id).upper()
        assert entry.guest_os is not None
        assert entry.guest_os.product is fake.guest_os.product
        assert {c.service for c in entry.services} == set(IntegrationService)
        for component in entry.services:
            assert component.service is not None
            assert component.enabled is bool(fake.integration.state(component.service).host_enabled)


def test_observe_reports_host_os_and_name() -> None:
    lab = FakeHyperVHost("HV-2022", host_os="Windows Server 2022")
    lab.add_vm("dc01")
    client = HyperVHost(lab)
    before = client.name
    observation = client.observe()
    # The client reads the model itself: the Host you could also build by hand.
    assert type(observation) is Host
    assert all(type(vm) is VM and vm.guest is None for vm in observation.vms)
    assert repr(observation) == "<Host 'HV-2022' Windows Server 2022 (build 20348): 1 VM>"
    assert (before, observation.name, client.name) == (None, "HV-2022", "HV-2022")
    assert observation.os is not None
    assert observation.os.product is Product.WINDOWS_SERVER_2022


def test_a_given_name_wins_over_the_reported_one() -> None:
    lab = _lab(1)
    assert HyperVHost(lab, name="hv01.contoso.com").observe().name == "hv01.contoso.com"


def test_empty_host_observes_no_vms() -> None:
    lab = FakeHyperVHost("HV01")
    assert HyperVHost(lab).observe().vms == ()
    assert HyperVHost(lab).vms() == ()


def test_vms_reports_get_vm_records() -> None:
    lab = _lab(2)
    lab.vm("vm0001").power_off()
    records = HyperVHost(lab).vms()
    assert [r.name for r in records] == ["vm0000", "vm0001"]
    assert records[0].state is VMState.RUNNING
    assert records[1].state is VMState.OFF
    assert records[0].integration_services_state is IntegrationServicesState.UP_TO_DATE
    assert str(records[0].integration_services_version) == "10.0.17763.1"


def test_integration_services_of_one_vm() -> None:
    lab = _lab(3)
    (entry,) = HyperVHost(lab).integration_services("vm0002")
    assert entry.name == "vm0002"
    assert len(lab.commands) == 1
    assert lab.commands[0].command.parameters["VMName"] == "vm0002"


def test_guest_intrinsic_items_and_guest_os() -> None:
    lab = FakeHyperVHost("HV01")
    lab.add_vm("legacy", "Windows Server 2012 R2")
    lab.add_vm("web", "Red Hat Enterprise Linux 9")
    client = HyperVHost(lab)
    items = client.guest_intrinsic_items("legacy")
    assert items["OSName"] == "Windows Server 2012 R2 Datacenter"
    assert items["OSVersion"] == "6.3.9600"
    assert items["IntegrationServicesVersion"] == "6.3.9600.19456"
    # The lab's guests take documentation addresses (RFC 5737), never a real network's.
    assert items["NetworkAddressIPv4"].startswith(("192.0.2.", "198.51.100.", "203.0.113."))
    guest = client.guest_os("web")
    assert guest is not None
    assert guest.is_linux
    assert guest.distribution == "rhel"


def test_intrinsic_items_are_empty_while_data_exchange_is_off() -> None:
    lab = FakeHyperVHost("HV01")
    lab.add_vm("win7", "Windows 7").disable_on_host(KVP)
    client = HyperVHost(lab)
    assert client.guest_intrinsic_items("win7") == {}
    assert client.guest_os("win7") is None
    (entry,) = client.integration_services("win7")
    assert entry.integration_services_version is None
    assert entry.integration_services_state is IntegrationServicesState.UNKNOWN


def test_outdated_guest_reports_protocol_mismatch() -> None:
    lab = FakeHyperVHost("HV01")
    lab.add_vm("old", "Windows Server 2012 R2").make_outdated()
    (entry,) = HyperVHost(lab).integration_services("old")
    assert entry.integration_services_state is IntegrationServicesState.UPDATE_REQUIRED
    assert str(entry.integration_services_version) == "6.3.9600.16384"
    enabled = [c for c in entry.services if c.enabled]
    assert enabled
    assert {c.secondary_status for c in enabled} == {OperationalStatus.PROTOCOL_MISMATCH}


# --- German host ------------------------------------------------------------------------------


def test_german_host_end_to_end() -> None:
    lab = FakeHyperVHost("HV-BERLIN", host_os="Windows Server 2022", locale="de-DE")
    lab.add_vm("fs01", "Windows Server 2019")
    client = HyperVHost(lab)
    (entry,) = client.integration_services("fs01")
    names = {c.service: c.name for c in entry.services}
    assert names[HEARTBEAT] == "Takt"
    assert names[TIMESYNC] == "Zeitsynchronisierung"
    assert names[GSI] == "Gastdienstschnittstelle"
    # English names, German names and GUIDs all name the same services.
    assert client.disable("fs01", "Time Synchronization") == (
        Change("fs01", TIMESYNC, True, False),
    )
    assert client.enable("fs01", "Gastdienstschnittstelle") == (Change("fs01", GSI, False, True),)
    assert client.apply("fs01", {TIMESYNC.guid: True, "VSS": True}) == (
        Change("fs01", TIMESYNC, False, True),
    )
    state = lab.vm("fs01").integration
    assert state.state(TIMESYNC).host_enabled is True
    assert state.state(GSI).host_enabled is True
    # The change script carries GUIDs, never display names.
    sets = [c.command for c in lab.commands if c.action == "set-integration-services"]
    assert sets
    for command in sets:
        for joined in (*command.parameters["Enable"], *command.parameters["Disable"]):  # type: ignore[misc]
            for value in filter(None, str(joined).split(",")):
                assert value in {s.guid for s in IntegrationService}


def test_german_status_descriptions_are_read_as_statuses() -> None:
    lab = FakeHyperVHost("HV-BERLIN", locale="de-DE")
    vm = lab.add_vm("rhel", "Red Hat Enterprise Linux 9")
    vm.remove_daemon(KVP)
    (entry,) = HyperVHost(lab).integration_services("rhel")
    kvp = entry.service(KVP)
    assert kvp is not None
    assert kvp.primary_status is OperationalStatus.NO_CONTACT
    assert kvp.primary_status_description == "Kein Kontakt"


# --- changes ----------------------------------------------------------------------------------


def test_enable_sends_one_change_command_and_returns_what_changed() -> None:
    lab = _lab(2)
    client = HyperVHost(lab)
    changes = client.enable("vm0000", GSI, VSS)
    assert changes == (Change("vm0000", GSI, False, True),)
    assert [c.action for c in lab.commands] == ["set-integration-services"]
    assert lab.commands[0].mutating
    assert lab.vm("vm0000").integration.state(GSI).host_enabled is True
    assert lab.vm("vm0001").integration.state(GSI).host_enabled is False
    assert str(changes[0]) == "enable Guest Service Interface on vm0000"


def test_enable_for_many_vms_is_one_change_command() -> None:
    lab = _lab(4)
    client = HyperVHost(lab)
    changes = client.enable(["vm0000", "vm0002"], GSI)
    assert changes == (Change("vm0000", GSI, False, True), Change("vm0002", GSI, False, True))
    assert [c.action for c in lab.commands] == ["set-integration-services"]
    assert lab.commands[0].command.parameters["VMs"] == ("vm0000", "vm0002")
    assert [vm.integration.state(GSI).host_enabled for vm in lab.vms] == [True, False, True, False]
    assert client.disable(("vm0000", "vm0001"), GSI) == (Change("vm0000", GSI, True, False),)
    assert len(lab.commands) == 2


def test_a_missing_vm_among_many_changes_nothing() -> None:
    lab = _lab(2)
    client = HyperVHost(lab)
    with pytest.raises(VMNotFoundError, match="'nope'"):
        client.enable(["vm0000", "nope"], GSI)
    assert lab.vm("vm0000").integration.state(GSI).host_enabled is False
    with pytest.raises(ConfigurationError):
        client.enable([], GSI)
    with pytest.raises(ConfigurationError):
        client.enable(["vm0000", ""], GSI)


def test_apply_to_many_vms_reads_once_and_changes_once() -> None:
    lab = _lab(3)
    lab.vm("vm0001").disable_on_host(TIMESYNC)
    client = HyperVHost(lab)
    wanted = {GSI: True, TIMESYNC: True}
    assert client.apply(["vm0000", "vm0001"], wanted, check=True) == (
        Change("vm0000", GSI, False, True),
        Change("vm0001", GSI, False, True),
        Change("vm0001", TIMESYNC, False, True),
    )
    assert [c.mutating for c in lab.commands] == [False]
    changes = client.apply(["vm0000", "vm0001"], wanted)
    assert len(changes) == 3
    assert [c.action for c in lab.commands[1:]] == ["inventory", "set-integration-services"]
    assert client.apply(["vm0000", "vm0001"], wanted) == ()
    assert lab.vm("vm0002").integration.state(GSI).host_enabled is False


def test_set_services_selects_by_id_and_reads_back_before_and_after() -> None:
    lab = _lab(3)
    client = HyperVHost(lab)
    first, second = lab.vm("vm0000"), lab.vm("vm0002")
    wanted: dict[uuid.UUID, dict[IntegrationService | str, bool]] = {
        first.id: {GSI: True, VSS: True},
        second.id: {"Heartbeat": False},
    }
    back = client.set_services(wanted)
    assert [b.vm for b in back] == ["vm0000", "vm0002"]
    assert [b.vm_id for b in back] == [str(first.id).upper(), str(second.id).upper()]
    assert back[0].changes == (Change("vm0000", GSI, False, True),)
    assert back[1].changes == (Change("vm0002", HEARTBEAT, True, False),)
    assert back[0].before[GSI] is False
    assert back[0].after[GSI] is True
    assert all(not b.unmet for b in back)
    (recorded,) = lab.commands
    assert recorded.command.parameters["Select"] == "id"
    assert recorded.command.parameters["VMs"] == (str(first.id).upper(), str(second.id).upper())
    assert client.set_services({}) == ()
    with pytest.raises(VMNotFoundError):
        client.set_services({uuid.UUID(int=5): {GSI: True}})
    with pytest.raises(ConfigurationError):
        client.set_services({first.id: {GSI: True}, "vm0001": {GSI: True}})  # type: ignore[arg-type]


def test_set_services_reports_what_did_not_take_without_raising() -> None:
    class Stuck(Closing):
        """A host whose change command changes nothing."""

        def __init__(self) -> None:
            self.lab = _lab(1)

        def run(self, command: Command) -> Result:
            if "VMs" not in command.parameters:
                return self.lab.run(command)
            frozen = dict(command.parameters) | {"Enable": ("",), "Disable": ("",)}
            return self.lab.run(Command(command.shell, command.script, parameters=frozen))

    client = HyperVHost(Stuck())
    (back,) = client.set_services({"vm0000": {GSI: True}})
    assert back.unmet == (GSI,)
    assert back.changes == ()
    with pytest.raises(VerificationError, match="Guest Service Interface is disabled"):
        client.enable("vm0000", GSI)


def test_disable_then_enable_round_trip() -> None:
    lab = _lab(1)
    client = HyperVHost(lab)
    assert client.disable("vm0000", "Shutdown") == (
        Change("vm0000", IntegrationService.SHUTDOWN, True, False),
    )
    assert client.disable("vm0000", "Shutdown") == ()
    assert client.enable("vm0000", "shutdown") == (
        Change("vm0000", IntegrationService.SHUTDOWN, False, True),
    )


def test_apply_on_a_compliant_vm_sends_no_change_command() -> None:
    lab = _lab(1)
    client = HyperVHost(lab)
    desired = {s: s.info.default_enabled for s in IntegrationService}
    assert client.apply("vm0000", desired) == ()
    assert [c.action for c in lab.commands] == ["inventory"]
    assert not any(c.mutating for c in lab.commands)


def test_apply_changes_only_what_differs_then_is_idempotent() -> None:
    lab = _lab(1)
    client = HyperVHost(lab)
    desired = {GSI: True, VSS: False, HEARTBEAT: True}
    changes = client.apply("vm0000", desired)
    assert changes == (Change("vm0000", GSI, False, True), Change("vm0000", VSS, True, False))
    change_commands = [c for c in lab.commands if c.mutating]
    assert len(change_commands) == 1
    parameters = change_commands[0].command.parameters
    assert parameters["Enable"] == (GSI.guid,)
    assert parameters["Disable"] == (VSS.guid,)
    lab.commands.clear()
    assert client.apply("vm0000", desired) == ()
    assert not any(c.mutating for c in lab.commands)


def test_apply_check_changes_nothing_and_reports_the_plan() -> None:
    lab = _lab(1)
    client = HyperVHost(lab)
    before = lab.vm("vm0000").integration
    planned = client.apply("vm0000", {GSI: True, KVP: False}, check=True)
    assert planned == (Change("vm0000", GSI, False, True), Change("vm0000", KVP, True, False))
    assert lab.vm("vm0000").integration == before
    assert not any(c.mutating for c in lab.commands)


def test_a_change_that_does_not_take_effect_is_a_clear_error() -> None:
    lab = _lab(1)
    lab.vm("vm0000").freeze_host_setting(GSI)
    client = HyperVHost(lab)
    with pytest.raises(VerificationError) as info:
        client.enable("vm0000", GSI)
    error = info.value
    assert error.expected == {GSI: True}
    assert error.actual == {GSI: False}
    assert str(error) == (
        "the change to VM 'vm0000' on host 'HV01' did not take effect: "
        "Guest Service Interface is disabled, expected enabled"
    )
    with pytest.raises(VerificationError):
        client.apply("vm0000", {GSI: True, VSS: False})
    # The unfrozen part of the change went through.
    assert lab.vm("vm0000").integration.state(VSS).host_enabled is False


def test_apply_refuses_bad_desired_states() -> None:
    client = HyperVHost(_lab(1))
    with pytest.raises(ConfigurationError, match=r"True .* or False"):
        client.apply("vm0000", {GSI: "yes"})  # type: ignore[arg-type]
    with pytest.raises(UnknownServiceError):
        client.apply("vm0000", {"Teleportation": True})
    with pytest.raises(ConfigurationError, match="guest-only"):
        client.enable("vm0000", "vmicvmsession")
    mixed: dict[IntegrationService | str, bool] = {GSI: True, "Guest Service Interface": False}
    with pytest.raises(ConfigurationError, match="twice"):
        client.apply("vm0000", mixed)


def test_enable_with_no_services_sends_nothing() -> None:
    lab = _lab(1)
    assert HyperVHost(lab).enable("vm0000") == ()
    assert lab.commands == []


# --- VM names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "web*",
        "o'brien",
        "o\u2019brien",
        'say "hi"',
        "$(Remove-VM -Name *)",
        "web01; Stop-VM",
        "tab\there",
        "名前",
    ],
)
def test_names_are_exact_and_never_touch_other_vms(name: str) -> None:
    lab = FakeHyperVHost("HV01")
    others = ["web01", "web", "WEB*", "obrien", "o'brien2", "say hi", "name"]
    for other in others:
        lab.add_vm(other)
    lab.add_vm(name)
    client = HyperVHost(lab)
    assert client.enable(name, GSI) == (Change(name, GSI, False, True),)
    assert lab.vm(name).integration.state(GSI).host_enabled is True
    for other in others:
        assert lab.vm(other).integration.state(GSI).host_enabled is False
    (entry,) = client.integration_services(name)
    assert entry.name == name
    for recorded in lab.commands:
        assert name not in recorded.command.script
        parameters = recorded.command.parameters
        assert parameters.get("VMName", parameters.get("VMs")) in {name, (name,)}


def test_a_missing_vm_is_not_found() -> None:
    lab = _lab(1)
    client = HyperVHost(lab)
    with pytest.raises(VMNotFoundError, match="'VM0000'"):
        client.integration_services("VM0000")
    with pytest.raises(VMNotFoundError):
        client.enable("vm*", GSI)
    with pytest.raises(VMNotFoundError):
        client.apply("nope", {GSI: True})
    with pytest.raises(ConfigurationError):
        client.guest_os("")


def test_duplicate_names_are_ambiguous() -> None:
    lab = FakeHyperVHost("HV01")
    lab.add_vm("twin")
    lab.add_vm("twin", vm_id=uuid.UUID("7cca7664-91d0-40a9-9769-7809f256f603"))
    client = HyperVHost(lab)
    assert len(client.observe().vms) == 2
    with pytest.raises(AmbiguousVMError, match="2 VMs named 'twin'"):
        client.enable("twin", GSI)
    with pytest.raises(AmbiguousVMError):
        client.guest_intrinsic_items("twin")
    assert all(vm.integration.state(GSI).host_enabled is False for vm in lab.vms)


# --- failures ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.timeout(), CommandTimeoutError),
        (Fault.refused(), ConnectionFailedError),
        (Fault.authentication(), AuthenticationFailedError),
        (Fault.garbage(), ParseError),
    ],
)
def test_host_faults_reach_the_caller_as_vmic_errors(fault: Fault, error: type[Exception]) -> None:
    lab = _lab(1, fault=fault)
    with pytest.raises(error):
        HyperVHost(lab).observe()
    with pytest.raises(error):
        HyperVHost(lab).enable("vm0000", GSI)
    assert len(lab.commands) == 2


def test_a_failing_command_shows_its_output() -> None:
    lab = _lab(1)
    client = HyperVHost(lab)

    class Broken(Closing):
        def run(self, command: Command) -> Result:
            return Result(
                command, stdout="", stderr="Hyper-V module not found", exit_code=1, duration=0
            )

    with pytest.raises(CommandFailedError, match="Hyper-V module not found"):
        HyperVHost(Broken()).observe()
    with pytest.raises(CommandFailedError, match="Hyper-V module not found"):
        HyperVHost(Broken()).enable("vm0000", GSI)
    assert client.observe().vms


def test_output_cut_short_is_a_parse_error() -> None:
    lab = _lab(1)
    full = lab.run(_scripts.script("host-inventory").command()).stdout
    cut = full[: len(full) // 2]

    class Cut(Closing):
        def run(self, command: Command) -> Result:
            return Result(command, stdout=cut, stderr="", exit_code=0, duration=0)

    with pytest.raises(ParseError, match="no complete vmic output"):
        HyperVHost(Cut()).observe()


@pytest.mark.parametrize(
    ("detail", "error"),
    [
        ("0 0", VMNotFoundError),
        ("3 0", AmbiguousVMError),
        ("\u00b2 0", ParseError),
        ("0 \u00b2", ParseError),
        ("1 0", ParseError),
        ("0 1", ParseError),
        ("0", ParseError),
        ("many", ParseError),
        ("", ParseError),
    ],
)
def test_the_vm_count_a_change_reports_is_read_strictly(
    detail: str, error: type[Exception]
) -> None:
    # A count that is no count must not pass for "not found", nor escape as a ValueError.
    class Refusing(Closing):
        def run(self, command: Command) -> Result:
            stdout = f"<<vmic:error>>\nvm-count {detail}\n<<vmic:end>>\n"
            return Result(command, stdout=stdout, stderr="", exit_code=3, duration=0)

    with pytest.raises(error) as info:
        HyperVHost(Refusing()).enable("vm0000", GSI)
    assert type(info.value) is error


def test_fault_for_a_number_of_commands_then_recovery() -> None:
    lab = _lab(1, fault=Fault.refused(times=2))
    client = HyperVHost(lab)
    for _ in range(2):
        with pytest.raises(ConnectionFailedError):
            client.observe()
    assert len(client.observe().vms) == 1
    assert lab.fault is None


# Whitespace of JSON's and of Python's (which JSON refuses), then what may stand between.
_SPACES = st.text(st.sampled_from(" \t\n\r\x0b\f\xa0"), max_size=3)
_INSIDE = st.one_of(_SPACES, st.sampled_from(["[]", "{}", "0", "[", "]"]))


@given(_SPACES, st.sampled_from(["[", "{", ""]), _INSIDE, st.sampled_from(["]", "}", ""]), _SPACES)
def test_load_json_reads_an_empty_array_as_json_loads_does(
    before: str, opening: str, inside: str, closing: str, after: str
) -> None:
    # load_json answers an empty array itself: only JSON's whitespace around and inside
    # the brackets makes one; anything else goes to json.loads and its errors.
    text = before + opening + inside + closing + after
    try:
        expected = json.loads(text)
    except json.JSONDecodeError as error:
        message = f"the 'guests' section is not valid JSON: {error.msg}"
        with pytest.raises(ParseError, match=re.escape(message)):
            load_json(text, section="guests")
    else:
        assert load_json(text, section="guests") == expected
        if expected == []:
            assert _fanned_guests(text) == {}  # a host whose guests are all Linux
