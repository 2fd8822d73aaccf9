"""Fix plans: one step per fix, merged across findings, allowed or not by the policy."""

from __future__ import annotations

import pytest

import vmic
from vmic.cli._connection import lab_fix_targets
from vmic.diagnosis import (
    Diagnosis,
    FixKind,
    FixPlan,
    FixPolicy,
    StepPermission,
    plan_fixes,
)
from vmic.fleet import audit
from vmic.rules import Cause, StepSide
from vmic.testing import DemoLab, demo_lab


def _diagnoses(lab: DemoLab) -> list[Diagnosis]:
    targets = [t.audit_target() for t in lab_fix_targets(lab)]
    return [r.diagnosis for r in audit(targets).results if r.diagnosis is not None]


@pytest.fixture(scope="module")
def lab_plan() -> tuple[DemoLab, FixPlan]:
    lab = demo_lab()
    return lab, plan_fixes(_diagnoses(lab))


def test_every_planted_problem_has_a_step(lab_plan: tuple[DemoLab, FixPlan]) -> None:
    lab, plan = lab_plan
    served = {(f.host, f.vm, f.service, f.cause) for step in plan.steps for f in step.findings}
    for problem in lab.planted:
        assert (problem.host, problem.vm, problem.service, problem.cause) in served, problem


def test_a_shared_step_is_planned_once_for_both_findings(
    lab_plan: tuple[DemoLab, FixPlan],
) -> None:
    _, plan = lab_plan
    enable = [
        s for s in plan.steps if s.vm == "legacy-win7" and s.fix.kind is FixKind.ENABLE_ON_HOST
    ]
    assert len(enable) == 1
    assert {f.cause for f in enable[0].findings} == {
        Cause.DISABLED_ON_HOST,
        Cause.DATA_EXCHANGE_REQUIRED_FOR_UPDATES,
    }


def test_host_steps_come_before_guest_steps_of_a_vm(lab_plan: tuple[DemoLab, FixPlan]) -> None:
    _, plan = lab_plan
    sides = [s.side for s in plan.steps if s.vm == "legacy-win7"]
    assert sides[0] is StepSide.HOST
    assert StepSide.GUEST in sides


def test_default_policy_leaves_installs_and_manual_steps_out(
    lab_plan: tuple[DemoLab, FixPlan],
) -> None:
    _, plan = lab_plan
    by_kind = {(s.vm, s.fix.kind): s for s in plan.steps}
    install = by_kind["rhel-db", FixKind.INSTALL_DAEMON]
    assert install.permission is StepPermission.POLICY
    assert install.needs_install
    assert "allow_install" in install.why
    update = by_kind["app2012r2", FixKind.UPDATE_INTEGRATION_SERVICES]
    assert update.permission is StepPermission.MANUAL
    assert update.needs_restart
    assert not update.automatable
    assert by_kind["sql01", FixKind.ENABLE_GUEST_SERVICE].allowed
    assert by_kind["fs01", FixKind.ENABLE_ON_HOST].allowed


def test_policies_allow_and_forbid_by_side() -> None:
    diagnoses = _diagnoses(demo_lab())
    installs = plan_fixes(diagnoses, allow_install=True)
    assert any(s.allowed and s.fix.kind is FixKind.INSTALL_DAEMON for s in installs)
    hosts_only = plan_fixes(diagnoses, allow=FixPolicy(guest=False))
    assert {s.side for s in hosts_only.allowed} == {StepSide.HOST}
    nothing = plan_fixes(diagnoses, allow=FixPolicy(host=False, guest=False))
    assert nothing.allowed == ()
    # Manual steps stay manual whatever is allowed.
    everything = plan_fixes(diagnoses, allow=FixPolicy(install=True, restart=True))
    assert any(s.permission is StepPermission.MANUAL for s in everything)


def test_typed_actions_carry_the_service_of_the_finding(
    lab_plan: tuple[DemoLab, FixPlan],
) -> None:
    _, plan = lab_plan
    for step in plan.steps:
        if step.automatable:
            assert step.fix.service is not None
            assert step.fix.service in {f.service for f in step.findings}


def test_a_healthy_diagnosis_plans_nothing() -> None:
    plan = plan_fixes(Diagnosis(host="hv01"))
    assert len(plan) == 0
    assert plan.to_dict() == {
        "policy": {"host": True, "guest": True, "install": False, "restart": False},
        "steps": [],
        "findings": [],
    }


def test_plan_json_names_each_step_and_its_findings(lab_plan: tuple[DemoLab, FixPlan]) -> None:
    _, plan = lab_plan
    data = plan.to_dict()
    assert len(data["steps"]) == len(plan.steps)
    first = data["steps"][0]
    assert first["findings"]
    assert first["permission"] in {"allowed", "policy", "manual"}


def test_bad_input_is_a_configuration_error() -> None:
    with pytest.raises(vmic.ConfigurationError, match="Diagnosis"):
        plan_fixes(["not a diagnosis"])  # type: ignore[list-item]
    with pytest.raises(vmic.ConfigurationError, match="FixPolicy"):
        plan_fixes(Diagnosis(host="h"), allow={"install": True})  # type: ignore[arg-type]


def test_the_root_face_exports_the_fix_api() -> None:
    assert vmic.plan_fixes is plan_fixes
    assert vmic.FixPlan is FixPlan
    from vmic.fleet import apply_fixes  # noqa: PLC0415 - checking the face

    assert vmic.apply_fixes is apply_fixes
