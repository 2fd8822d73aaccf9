"""Applying a policy to hosts: one read and one change per host, verified; and its properties."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings

import vmic
from vmic import IntegrationService, PolicyError
from vmic.cli._connection import lab_fix_targets
from vmic.executors import Command, Result
from vmic.executors._closing import Closing
from vmic.fleet import FixTarget, PolicyOutcome, apply_policy, plan_policy
from vmic.fleet._policy import read_host
from vmic.policy import Policy, Rule, Selector
from vmic.rules._support import unusable_reason
from vmic.strategies import hosts, policies
from vmic.testing import DemoLab, Fault, demo_lab

if TYPE_CHECKING:
    from vmic.testing import FakeHyperVHost, RecordedCommand

GSI = IntegrationService.GUEST_SERVICE_INTERFACE
TIMESYNC = IntegrationService.TIME_SYNCHRONIZATION
VSS = IntegrationService.VSS

# The acceptance policy: Guest Service Interface on for Windows Server 2016-2022 guests,
# Time Synchronization on for fs01.
ACCEPTANCE = Policy(
    [
        Rule(
            {GSI: True},
            Selector(
                guest_os_from=vmic.parse_os("Windows Server 2016"),
                guest_os_to=vmic.parse_os("Windows Server 2022"),
            ),
            name="file copy on servers",
        ),
        Rule({TIMESYNC: True}, Selector(vms=("fs01",))),
    ]
)
LAB_VMS = [vm.name for host in demo_lab().hosts for vm in host.vms]
LAB_HOSTS = [host.name for host in demo_lab().hosts]


def _host_commands(lab: DemoLab) -> list[RecordedCommand]:
    return [command for host in lab.hosts for command in host.commands]


def _mutating(lab: DemoLab) -> list[RecordedCommand]:
    guests = [c for h in lab.hosts for vm in h.vms for c in vm.guest_executor().commands]
    return [c for c in (*_host_commands(lab), *guests) if c.mutating]


def test_the_acceptance_policy_on_the_demo_lab() -> None:
    lab = demo_lab()
    targets = lab_fix_targets(lab)
    check = apply_policy(ACCEPTANCE, targets, check=True)
    assert check.exit_status == 1
    pending = [(r.vm, r.service) for r in check.pending]
    assert pending == [
        ("dc01", GSI),
        ("sql01", GSI),
        ("web02", GSI),
        ("dc02", GSI),
        ("fs01", GSI),
        ("fs01", TIMESYNC),
    ]
    assert {r.outcome for r in check.results} == {PolicyOutcome.WOULD_CHANGE}
    assert _mutating(lab) == []
    applied = apply_policy(ACCEPTANCE, targets)
    assert applied.exit_status == 0
    assert [(r.vm, r.service, r.outcome) for r in applied.results] == [
        (vm, service, PolicyOutcome.CHANGED) for vm, service in pending
    ]
    assert all((r.before, r.after) == (False, True) for r in applied.results)
    for host in lab.hosts:
        changes = [c for c in host.commands if c.mutating]
        assert [c.action for c in changes] == ["set-integration-services"]
    assert lab.host("HV-BERLIN").vm("fs01").integration.state(TIMESYNC).host_enabled
    again = apply_policy(ACCEPTANCE, targets, check=True)
    assert again.exit_status == 0
    assert {r.outcome for r in again.results} == {PolicyOutcome.COMPLIANT}


def test_each_host_is_read_once_and_changed_once() -> None:
    lab = demo_lab()
    every_vm = Policy([Rule({GSI: True, VSS: False})])
    apply_policy(every_vm, lab_fix_targets(lab))
    for host in lab.hosts:
        assert [c.action for c in host.commands] == ["inventory", "set-integration-services"]
        (change,) = (c for c in host.commands if c.mutating)
        # Every VM of the host, selected by id: one command for all of them.
        assert change.command.parameters["Select"] == "id"
        assert len(change.command.parameters["VMs"]) == len(host.vms)  # type: ignore[arg-type]


def test_a_service_legacy_win7_cannot_use_is_reported_and_left_off() -> None:
    lab = demo_lab()
    policy = Policy([Rule({GSI: True}, Selector(vms=("legacy-win7",)))])
    report = apply_policy(policy, lab_fix_targets(lab))
    (result,) = report.results
    assert result.outcome is PolicyOutcome.NOT_APPLICABLE
    assert "Windows 7 predates Guest Service Interface" in result.detail
    assert report.exit_status == 0
    assert lab.host("HV01").vm("legacy-win7").integration.state(GSI).host_enabled is False
    # The host cannot say what the guest is (Data Exchange is off): the guest was asked.
    assert lab.host("HV01").vm("legacy-win7").guest_executor().commands
    assert _mutating(lab) == []


def test_without_guest_access_a_guest_the_host_cannot_name_is_taken_at_the_policys_word() -> None:
    lab = demo_lab()
    hv01 = lab.host("HV01")
    target = FixTarget(name="HV01", executor=hv01)
    host = read_host(target)
    assert host.vm("legacy-win7") is not None
    assert host.vm("legacy-win7").os is None  # type: ignore[union-attr]
    policy = Policy([Rule({GSI: True}, Selector(vms=("legacy-win7",)))])
    (result,) = apply_policy(policy, [target], check=True).results
    assert result.outcome is PolicyOutcome.WOULD_CHANGE


def test_rules_by_group_select_the_hosts_the_inventory_puts_in_it() -> None:
    lab = demo_lab()
    policy = Policy([Rule({VSS: False}, Selector(groups=("berlin",)))])
    groups = {"HV01": ("all",), "HV-BERLIN": ("all", "berlin")}
    report = apply_policy(policy, lab_fix_targets(lab), check=True, groups=groups)
    assert {r.host for r in report.results} == {"HV-BERLIN"}
    assert plan_policy(policy, [read_host(t) for t in lab_fix_targets(lab)]).results == ()


def test_an_unreachable_host_is_a_failure_and_the_others_go_on() -> None:
    lab = demo_lab()
    lab.host("HV01").fault = Fault.refused()
    report = apply_policy(ACCEPTANCE, lab_fix_targets(lab))
    assert [(f.host, f.status.value) for f in report.failures] == [("HV01", "unreachable")]
    assert {r.host for r in report.results} == {"HV-BERLIN"}
    assert {r.outcome for r in report.results} == {PolicyOutcome.CHANGED}
    assert report.exit_status == 3


class _Change(Closing):
    """A lab host whose change command is sent on to *answer* instead."""

    def __init__(self, host: FakeHyperVHost, answer: str) -> None:
        self.host = host
        self.answer = answer

    def run(self, command: Command) -> Result:
        if "VMs" not in command.parameters:
            return self.host.run(command)
        if self.answer == "refused":
            msg = "connection reset"
            raise vmic.ConnectionFailedError(msg)
        parameters = dict(command.parameters)
        if self.answer == "stuck":
            parameters["Enable"] = parameters["Disable"] = ("",) * len(parameters["VMs"])  # type: ignore[arg-type]
        else:  # a VM gone between the read and the change
            parameters["VMs"] = ("00000000-0000-0000-0000-000000000001",) * len(
                parameters["VMs"]  # type: ignore[arg-type]
            )
        return self.host.run(Command(command.shell, command.script, parameters=parameters))


@pytest.mark.parametrize(
    ("answer", "detail", "status"),
    [
        ("stuck", "still off after the change", 1),
        ("gone", "has no VM named exactly", 1),
        ("refused", "connection reset", 3),
    ],
)
def test_a_change_that_does_not_take_is_failed(answer: str, detail: str, status: int) -> None:
    lab = demo_lab()
    target = FixTarget(name="HV-BERLIN", executor=_Change(lab.host("HV-BERLIN"), answer))
    report = apply_policy(ACCEPTANCE, [target])
    assert {r.outcome for r in report.results} == {PolicyOutcome.FAILED}
    assert all(detail in r.detail for r in report.results)
    assert report.exit_status == status
    assert bool(report.failures) is (status == 3)
    assert not report.compliant


def test_plan_policy_compares_hosts_as_read_without_sending_anything() -> None:
    host = vmic.Host(
        "hv01",
        os="Windows Server 2019",
        vms=[
            vmic.VM("a", state="running", guest=vmic.Guest(os="Windows Server 2019")),
            vmic.VM("b", state="off", services={"vss": False}),
        ],
    )
    policy = Policy([Rule({VSS: True, GSI: False})])
    report = plan_policy(policy, [host])
    assert [(r.vm, r.service, r.outcome) for r in report.results] == [
        ("a", GSI, PolicyOutcome.COMPLIANT),
        ("a", VSS, PolicyOutcome.COMPLIANT),
        ("b", GSI, PolicyOutcome.COMPLIANT),
        ("b", VSS, PolicyOutcome.WOULD_CHANGE),
    ]
    assert report.vm_compliance() == {("hv01", None, "a"): True, ("hv01", None, "b"): False}
    assert report.check
    assert report.exit_status == 1
    assert "2 VMs: 3 compliant, 1 would change" in report.headline()


def test_a_vm_of_an_old_configuration_lacks_the_component_and_is_not_applicable() -> None:
    old = vmic.VM("old", state="off", services=[])
    report = plan_policy(Policy([Rule({GSI: True})]), [vmic.Host("hv", vms=[old])])
    (result,) = report.results
    assert result.outcome is PolicyOutcome.NOT_APPLICABLE
    assert "lists no Guest Service Interface component" in result.detail


def test_vms_of_one_name_are_changed_apart_by_id() -> None:
    from vmic.testing import FakeHyperVHost  # noqa: PLC0415 - this test's own host

    fake = FakeHyperVHost("HV01")
    first = fake.add_vm("twin", "Windows Server 2019")
    second = fake.add_vm("twin", "Windows 7")
    first.disable_on_host(VSS)
    policy = Policy([Rule({VSS: True, GSI: True}, Selector(vms=("twin",)))])
    report = apply_policy(policy, [FixTarget(name="HV01", executor=fake)])
    assert [(r.vm_id, r.service, r.outcome) for r in report.results] == [
        (str(first.id).upper(), GSI, PolicyOutcome.CHANGED),
        (str(first.id).upper(), VSS, PolicyOutcome.CHANGED),
        (str(second.id).upper(), GSI, PolicyOutcome.NOT_APPLICABLE),
        (str(second.id).upper(), VSS, PolicyOutcome.COMPLIANT),
    ]
    assert second.integration.state(GSI).host_enabled is False


def test_bad_arguments_are_configuration_errors() -> None:
    with pytest.raises(vmic.ConfigurationError, match="Policy"):
        apply_policy("policy", [])  # type: ignore[arg-type]
    with pytest.raises(vmic.ConfigurationError, match="FixTarget"):
        apply_policy(ACCEPTANCE, ["target"])  # type: ignore[list-item]
    with pytest.raises(vmic.ConfigurationError, match="concurrency"):
        apply_policy(ACCEPTANCE, [], concurrency=0)
    with pytest.raises(vmic.ConfigurationError, match="Policy"):
        plan_policy({"rule": []}, [])  # type: ignore[arg-type]
    assert not issubclass(PolicyError, vmic.ExecutionError)


def test_the_report_renders_in_every_format() -> None:
    report = apply_policy(ACCEPTANCE, lab_fix_targets(demo_lab()), check=True)
    table = report.render("table")
    assert "would change" in table
    assert table.rstrip().endswith("Not compliant (check: nothing changed).")
    assert report.render("csv").splitlines()[0] == (
        "host,vm,service,desired,before,after,outcome,rule,detail"
    )
    assert "| host |" in report.render("markdown")
    assert '"schema_version": 1' in report.render("json")
    with pytest.raises(vmic.ConfigurationError):
        report.render("html")
    assert repr(report) == "<PolicyReport check 6 would change>"


# --- properties ---------------------------------------------------------------------------


_LAB_POLICIES = policies(vm_names=LAB_VMS, host_names=LAB_HOSTS)
_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(_LAB_POLICIES)
def test_applying_twice_changes_nothing_the_second_time(policy: Policy) -> None:
    lab = demo_lab()
    targets = lab_fix_targets(lab)
    first = apply_policy(policy, targets)
    assert PolicyOutcome.FAILED not in {r.outcome for r in first.results}
    changes = len(_mutating(lab))
    second = apply_policy(policy, targets)
    assert len(_mutating(lab)) == changes
    assert {r.outcome for r in second.results} <= {
        PolicyOutcome.COMPLIANT,
        PolicyOutcome.NOT_APPLICABLE,
    }
    assert second.exit_status == 0


@_SETTINGS
@given(_LAB_POLICIES)
def test_check_mode_sends_no_mutating_command(policy: Policy) -> None:
    lab = demo_lab()
    report = apply_policy(policy, lab_fix_targets(lab), check=True)
    assert _mutating(lab) == []
    assert PolicyOutcome.CHANGED not in {r.outcome for r in report.results}
    assert all(r.after is None for r in report.results if r.outcome is PolicyOutcome.WOULD_CHANGE)


@_SETTINGS
@given(_LAB_POLICIES)
def test_applying_never_turns_on_a_service_the_guest_cannot_use(policy: Policy) -> None:
    lab = demo_lab()
    report = apply_policy(policy, lab_fix_targets(lab))
    for result in report.results:
        if result.outcome is PolicyOutcome.NOT_APPLICABLE:
            assert result.after == result.before
    for host in lab.hosts:
        for vm in host.vms:
            for service in IntegrationService:
                if unusable_reason(host.host_os, vm.guest_os, service) is not None:
                    was = service.info.default_enabled
                    setting = vm.integration.state(service).host_enabled
                    assert setting is was or not setting  # turned off, maybe; never on


@settings(max_examples=100, deadline=None)
@given(policies(vm_names=("vm-0",)), hosts())
def test_the_resolved_state_never_asks_on_of_a_service_the_guest_cannot_use(
    policy: Policy, host: vmic.Host
) -> None:
    for desired in policy.resolve(host):
        vm = next(vm for vm in host.vms if vm.name == desired.vm and vm.id == desired.vm_id)
        for wanted in desired.services:
            unusable = vm.os is not None and unusable_reason(host.os, vm.os, wanted.service)
            if wanted.on and unusable:
                assert not wanted.applicable
            else:
                assert wanted.applicable
