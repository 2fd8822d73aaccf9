"""Applying fix plans against the simulated lab: check runs, idempotence, partial failures."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

import vmic
from vmic.cli._connection import lab_fix_targets
from vmic.diagnosis import Diagnosis, FixKind, FixPolicy, plan_fixes
from vmic.executors import Command, Shell
from vmic.fleet import FindingOutcome, FixReport, FixTarget, StepOutcome, apply_fixes, audit
from vmic.model import IntegrationService
from vmic.rules import Cause
from vmic.testing import DemoLab, Fault, demo_lab

if TYPE_CHECKING:
    from vmic.testing import RecordedCommand


def _targets(lab: DemoLab) -> list[FixTarget]:
    return lab_fix_targets(lab)


def _recorded(lab: DemoLab) -> list[RecordedCommand]:
    host_commands = [c for host in lab.hosts for c in host.commands]
    guest_commands = [
        c for host in lab.hosts for vm in host.vms for c in vm.guest_executor().commands
    ]
    return host_commands + guest_commands


def _mutating(lab: DemoLab) -> list[RecordedCommand]:
    return [c for c in _recorded(lab) if c.mutating]


def _diagnoses(lab: DemoLab) -> list[Diagnosis]:
    report = audit([t.audit_target() for t in _targets(lab)])
    return [r.diagnosis for r in report.results if r.diagnosis is not None]


def _fix(lab: DemoLab, *, check: bool = False, install: bool = True) -> FixReport:
    plan = plan_fixes(_diagnoses(lab), allow_install=install)
    return apply_fixes(plan, _targets(lab), check=check)


def test_a_check_run_sends_no_mutating_command_and_says_what_would_run() -> None:
    lab = demo_lab()
    report = _fix(lab, check=True)
    assert _mutating(lab) == []
    assert report.check
    assert not report.changed
    outcomes = {(r.step.vm, r.step.fix.kind): r.outcome for r in report.steps}
    assert outcomes["sql01", FixKind.ENABLE_GUEST_SERVICE] is StepOutcome.WOULD_RUN
    assert outcomes["rhel-db", FixKind.INSTALL_DAEMON] is StepOutcome.WOULD_RUN
    assert outcomes["app2012r2", FixKind.UPDATE_INTEGRATION_SERVICES] is StepOutcome.MANUAL
    assert len(report.remaining) == len(lab.planted)
    assert report.exit_status == 1


def test_applying_resolves_every_automatable_problem_and_a_second_run_changes_nothing() -> None:
    lab = demo_lab()
    report = _fix(lab)
    assert report.changed
    resolved = {
        (r.finding.vm, r.finding.cause)
        for r in report.findings
        if r.outcome is FindingOutcome.RESOLVED
    }
    manual = {(p.vm, p.cause) for p in lab.planted if p.vm == "app2012r2"}
    assert resolved == {(p.vm, p.cause) for p in lab.planted} - manual
    assert [(r.finding.vm, r.finding.cause) for r in report.remaining] == [
        ("app2012r2", Cause.INTEGRATION_SERVICES_OUTDATED)
    ]
    assert report.exit_status == 1
    # The new diagnosis made in the same run shows only what needs a person.
    assert [(f.vm, f.cause) for d in report.after for f in d.findings] == [
        ("app2012r2", Cause.INTEGRATION_SERVICES_OUTDATED)
    ]
    mutated = len(_mutating(lab))
    second = _fix(lab)
    assert len(_mutating(lab)) == mutated
    assert not second.changed
    assert {r.outcome for r in second.steps} == {StepOutcome.MANUAL}


def test_a_stale_plan_finds_every_step_already_done() -> None:
    lab = demo_lab()
    plan = plan_fixes(_diagnoses(lab), allow_install=True)
    apply_fixes(plan, _targets(lab))
    mutated = len(_mutating(lab))
    again = apply_fixes(plan, _targets(lab))
    assert len(_mutating(lab)) == mutated
    ran = [r for r in again.steps if r.step.allowed]
    assert ran
    assert {r.outcome for r in ran} == {StepOutcome.NOT_NEEDED}
    # The hosts were diagnosed again, so the findings are known to be gone.
    assert [(r.finding.vm, r.outcome) for r in again.remaining] == [
        ("app2012r2", FindingOutcome.PRESENT)
    ]


def test_without_allow_install_the_install_is_skipped_and_its_finding_remains() -> None:
    lab = demo_lab()
    report = _fix(lab, install=False)
    install = next(r for r in report.steps if r.step.fix.kind is FixKind.INSTALL_DAEMON)
    assert install.outcome is StepOutcome.SKIPPED
    assert not any(c.action == "install-packages" for c in _recorded(lab))
    assert ("rhel-db", Cause.DAEMON_NOT_INSTALLED) in {
        (r.finding.vm, r.finding.cause) for r in report.remaining
    }


def test_a_step_that_fails_on_one_vm_does_not_stop_the_others() -> None:
    lab = demo_lab()
    plan = plan_fixes(_diagnoses(lab), allow_install=True)
    lab.host("HV01").vm("sql01").guest_fault = Fault.refused()
    report = apply_fixes(plan, _targets(lab))
    sql = next(r for r in report.steps if r.step.vm == "sql01")
    assert sql.outcome is StepOutcome.FAILED
    assert "refused" in sql.detail.lower()
    others = [r for r in report.steps if r.step.allowed and r.step.vm != "sql01"]
    assert {r.outcome for r in others} == {StepOutcome.DONE}
    assert ("sql01", Cause.GUEST_STARTUP_DISABLED) not in {
        (r.finding.vm, r.finding.cause)
        for r in report.findings
        if r.outcome is FindingOutcome.RESOLVED
    }


def test_a_host_that_fails_is_reported_as_in_an_audit() -> None:
    lab = demo_lab()
    plan = plan_fixes(_diagnoses(lab), allow_install=True)
    lab.host("HV-BERLIN").fault = Fault.refused()
    report = apply_fixes(plan, _targets(lab))
    assert [(f.host, f.status.value) for f in report.failures] == [("HV-BERLIN", "unreachable")]
    assert report.exit_status == 3
    berlin = [r for r in report.steps if r.step.host == "HV-BERLIN" and r.step.allowed]
    assert {r.outcome for r in berlin} == {StepOutcome.FAILED}
    hv01 = [r for r in report.steps if r.step.host == "HV01" and r.step.allowed]
    assert {r.outcome for r in hv01} == {StepOutcome.DONE}


def test_a_host_without_a_target_fails_its_steps() -> None:
    lab = demo_lab()
    plan = plan_fixes(_diagnoses(lab))
    report = apply_fixes(plan, _targets(lab)[:1])
    berlin = [r for r in report.steps if r.step.host == "HV-BERLIN" and r.step.allowed]
    assert berlin
    assert all(r.outcome is StepOutcome.FAILED and "no target" in r.detail for r in berlin)


def test_the_install_goes_through_the_distributions_command_as_data() -> None:
    lab = demo_lab()
    _fix(lab)
    installs = [c for c in _recorded(lab) if c.action == "install-packages"]
    assert len(installs) == 1
    command: Command = installs[0].command
    assert command.shell is Shell.POSIX
    assert command.parameters["Install"] == ("yum", "install", "-y", "hyperv-daemons")
    assert "hyperv-daemons" not in command.script
    assert installs[0].target == "HV01/rhel-db"


def _vm_id(lab: DemoLab, host: str, vm: str) -> str:
    return str(lab.host(host).vm(vm).id).upper()


def test_host_changes_select_the_vm_exactly() -> None:
    lab = demo_lab()
    _fix(lab)
    changes = [c for c in _recorded(lab) if c.mutating and c.target in {"HV01", "HV-BERLIN"}]
    # By id, which no other VM has (names may repeat on a host).
    assert {(c.command.parameters["Select"], c.command.parameters["VMs"]) for c in changes} == {
        ("id", (_vm_id(lab, "HV01", "legacy-win7"),)),
        ("id", (_vm_id(lab, "HV-BERLIN", "fs01"),)),
    }


def test_one_change_command_per_host_for_all_its_vms_with_outcomes_per_finding() -> None:
    lab = demo_lab()
    hv01 = lab.host("HV01")
    for name in ("dc01", "web02"):
        hv01.vm(name).disable_on_host(IntegrationService.HEARTBEAT)
    hv01.vm("dc01").disable_on_host(IntegrationService.VSS)
    hv01.settle()
    plan = plan_fixes(_diagnoses(lab), allow_install=True)
    host_steps = [s for s in plan.steps if s.host == "HV01" and s.side.value == "host"]
    assert {s.vm for s in host_steps} == {"legacy-win7", "dc01", "web02"}
    assert len(host_steps) == 4
    report = apply_fixes(plan, _targets(lab))
    # The lab's recorded commands: one change command per host, every VM of it in it.
    changes = [(c.target, c.command) for c in _recorded(lab) if c.mutating and "/" not in c.target]
    assert [target for target, _ in changes] == ["HV01", "HV-BERLIN"]
    selected = changes[0][1].parameters["VMs"]
    assert isinstance(selected, tuple)
    assert sorted(selected) == sorted(
        _vm_id(lab, "HV01", name) for name in ("legacy-win7", "dc01", "web02")
    )
    # Each step and each finding has its own outcome, as when each step ran alone.
    done = {(r.step.vm, r.detail) for r in report.steps if r.step in host_steps}
    assert done == {
        ("legacy-win7", "Key-Value Pair Exchange enabled"),
        ("dc01", "Heartbeat enabled"),
        ("dc01", "VSS enabled"),
        ("web02", "Heartbeat enabled"),
    }
    assert {r.outcome for r in report.steps if r.step in host_steps} == {StepOutcome.DONE}
    gone = {
        (r.finding.vm, r.finding.service) for r in report.findings if r.outcome.value == "resolved"
    }
    assert {("dc01", IntegrationService.VSS), ("web02", IntegrationService.HEARTBEAT)} <= gone
    # A check run of the same plan sends no change and says what each step would do.
    again = demo_lab()
    for name in ("dc01", "web02"):
        again.host("HV01").vm(name).disable_on_host(IntegrationService.HEARTBEAT)
    checked = apply_fixes(plan_fixes(_diagnoses(again)), _targets(again), check=True)
    assert _mutating(again) == []
    assert {r.detail for r in checked.steps if r.step.side.value == "host"} == {"would be enabled"}


def test_a_host_side_step_whose_setting_did_not_take_fails_alone() -> None:
    lab = demo_lab()
    plan = plan_fixes(_diagnoses(lab))
    # The host accepts the command but keeps Time Synchronization off on fs01.
    lab.host("HV-BERLIN").vm("fs01").freeze_host_setting(IntegrationService.TIME_SYNCHRONIZATION)
    report = apply_fixes(plan, _targets(lab))
    fs01 = next(r for r in report.steps if r.step.vm == "fs01" and r.step.side.value == "host")
    assert fs01.outcome is StepOutcome.FAILED
    assert "Time Synchronization is disabled, expected enabled" in fs01.detail
    win7 = next(r for r in report.steps if r.step.vm == "legacy-win7")
    assert win7.outcome is StepOutcome.DONE


def test_bad_arguments_are_configuration_errors() -> None:
    with pytest.raises(vmic.ConfigurationError, match="FixPlan"):
        apply_fixes("plan", [])  # type: ignore[arg-type]
    plan = plan_fixes(Diagnosis(host="h"))
    with pytest.raises(vmic.ConfigurationError, match="FixTarget"):
        apply_fixes(plan, ["target"])  # type: ignore[list-item]
    with pytest.raises(vmic.ConfigurationError, match="callable"):
        FixTarget(name="h", executor=demo_lab().hosts[0], guests="x")  # type: ignore[arg-type]


def test_report_json_shows_before_and_after() -> None:
    lab = demo_lab()
    data = _fix(lab).to_dict()
    win7 = [f for f in data["findings"] if f["vm"] == "legacy-win7"]
    assert {(f["before"], f["after"], f["outcome"]) for f in win7} == {
        ("not_functioning", "resolved", "resolved")
    }
    assert data["changed"] is True


def test_a_vm_named_like_a_pattern_is_fixed_alone() -> None:
    from vmic.testing import FakeHyperVHost  # noqa: PLC0415 - this test's own host

    host = FakeHyperVHost("HV01")
    for name in ("web*", "web01", "webx"):
        vm = host.add_vm(name, "Windows Server 2019")
        if name == "web*":
            vm.disable_on_host(IntegrationService.TIME_SYNCHRONIZATION)
    host.settle()
    target = FixTarget(name="HV01", executor=host, guests=None)
    diagnosis = audit([target.audit_target()]).results[0].diagnosis
    assert diagnosis is not None
    report = apply_fixes(plan_fixes(diagnosis), [target])
    assert [r.outcome for r in report.steps] == [StepOutcome.DONE]
    assert report.exit_status == 0
    changes = [c for c in host.commands if c.mutating]
    assert [c.command.parameters["VMs"] for c in changes] == [(str(host.vm("web*").id).upper(),)]
    for name in ("web01", "webx"):
        assert host.vm(name).integration.state(IntegrationService.TIME_SYNCHRONIZATION).host_enabled


def test_features_asked_about_are_asked_about_again() -> None:
    from vmic.rules import Feature  # noqa: PLC0415 - this test's own feature

    lab = demo_lab()
    targets = _targets(lab)
    report = audit([t.audit_target() for t in targets], features=[Feature.FILE_COPY])
    diagnoses = [r.diagnosis for r in report.results if r.diagnosis is not None]
    # With file copy asked about, Guest Service Interface (off everywhere) is a finding;
    # host changes are not allowed, so it must still be there after the guest steps.
    plan = plan_fixes(diagnoses, allow=FixPolicy(host=False))
    applied = apply_fixes(plan, targets)
    assert applied.changed
    gsi = [
        r
        for r in applied.findings
        if r.finding.service is IntegrationService.GUEST_SERVICE_INTERFACE
    ]
    assert gsi
    assert {r.outcome for r in gsi} == {FindingOutcome.PRESENT}


def test_a_target_needs_an_executor() -> None:
    with pytest.raises(vmic.ConfigurationError, match="executor"):
        FixTarget(name="h", executor="hv01")  # type: ignore[arg-type]
