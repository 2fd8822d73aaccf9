"""A remediation plan: the diagnosis's fixes as ordered steps, each allowed or not by a policy.

:func:`plan_fixes` turns one or more :class:`~vmic.diagnosis.Diagnosis` objects into a
:class:`FixPlan`: per host, per VM, the steps of each finding's required fixes (host
side first, then the guest), merged where two findings share a step (enabling Data
Exchange fixes "disabled on the host" and "needed for updates" at once). Each step says
whether vmic can carry it out through a typed client API (:class:`~vmic.diagnosis.FixKind`)
and whether the :class:`FixPolicy` allows it; manual steps (insert the setup disk,
install updates through Windows Update) are listed and never attempted.
:func:`vmic.apply_fixes` runs the plan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import attrs

from vmic.diagnosis._results import Diagnosis, Finding, Fix, FixKind, service_name, vmic_command
from vmic.errors import ConfigurationError
from vmic.model._named import NamedEnum, counted, cut, named
from vmic.model._validators import tuple_of
from vmic.rules._plans import StepRole, StepSide

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

__all__ = ["FixPlan", "FixPolicy", "FixStep", "StepPermission", "plan_fixes"]

_v = attrs.validators

#: The kinds vmic carries out, and the side each runs on.
RUNNABLE: Final = {
    FixKind.ENABLE_ON_HOST: StepSide.HOST,
    FixKind.DISABLE_ON_HOST: StepSide.HOST,
    FixKind.START_GUEST_SERVICE: StepSide.GUEST,
    FixKind.ENABLE_GUEST_SERVICE: StepSide.GUEST,
    FixKind.RESTART_GUEST_SERVICE: StepSide.GUEST,
    FixKind.START_DAEMON: StepSide.GUEST,
    FixKind.INSTALL_DAEMON: StepSide.GUEST,
}
#: Kinds that install or update packages (allowed only with ``allow_install``).
_INSTALLS: Final = frozenset({FixKind.INSTALL_DAEMON, FixKind.UPDATE_INTEGRATION_SERVICES})
#: Kinds after which the guest may have to restart (allowed only with ``allow_restart``).
_RESTARTS: Final = frozenset({FixKind.UPDATE_INTEGRATION_SERVICES})


@attrs.frozen(kw_only=True)
class FixPolicy:
    """What :func:`vmic.apply_fixes` may change.

    Attributes:
        host: Change host settings (enable or disable a service for a VM).
        guest: Start guest services and daemons, and change their startup type.
        install: Install or update packages in guests.
        restart: Do steps after which a guest restarts.
    """

    host: bool = attrs.field(default=True, validator=_v.instance_of(bool))
    guest: bool = attrs.field(default=True, validator=_v.instance_of(bool))
    install: bool = attrs.field(default=False, validator=_v.instance_of(bool))
    restart: bool = attrs.field(default=False, validator=_v.instance_of(bool))

    def to_dict(self) -> dict[str, bool]:
        """A JSON-ready dict."""
        return attrs.asdict(self)


class StepPermission(NamedEnum):
    """Whether a step may run."""

    ALLOWED = "allowed"
    """vmic runs it."""
    POLICY = "policy"
    """vmic could run it; the policy does not allow it."""
    MANUAL = "manual"
    """A person must do it (or vmic has no typed action for it)."""

    def __repr__(self) -> str:
        return f"StepPermission.{self.name}"


@attrs.frozen(kw_only=True)
class FixStep:
    """One step of a plan, for one VM.

    Attributes:
        host: The host's name.
        vm: The VM's name.
        vm_id: The VM's id, when the host reported it.
        fix: The fix (side, title, commands, typed action).
        findings: The findings it works on (several when they share the step).
        permission: Whether it runs, and if not, why.
        why: Words for a step that does not run (the policy flag, or "manual").
    """

    host: str = attrs.field(validator=_v.instance_of(str))
    vm: str = attrs.field(validator=_v.instance_of(str))
    vm_id: str | None = attrs.field(default=None, validator=_v.optional(_v.instance_of(str)))
    fix: Fix = attrs.field(validator=_v.instance_of(Fix))
    findings: tuple[Finding, ...] = attrs.field(validator=tuple_of(Finding))
    permission: StepPermission = attrs.field(validator=_v.instance_of(StepPermission))
    why: str = attrs.field(default="", validator=_v.instance_of(str))

    @property
    def side(self) -> StepSide:
        """Who acts."""
        return self.fix.side

    @property
    def automatable(self) -> bool:
        """Whether vmic can carry it out (whatever the policy)."""
        return self.permission is not StepPermission.MANUAL

    @property
    def allowed(self) -> bool:
        """Whether vmic runs it under the plan's policy."""
        return self.permission is StepPermission.ALLOWED

    @property
    def needs_install(self) -> bool:
        """Whether it installs or updates packages."""
        return self.fix.kind in _INSTALLS

    @property
    def needs_restart(self) -> bool:
        """Whether the guest may have to restart after it."""
        return self.fix.kind in _RESTARTS

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "host": self.host,
            "vm": self.vm,
            "vm_id": self.vm_id,
            "side": self.side.value,
            "title": self.fix.title,
            "kind": None if self.fix.kind is None else self.fix.kind.value,
            "service": None if self.fix.service is None else self.fix.service.value,
            "commands": list(self.fix.commands),
            "shell": None if self.fix.shell is None else self.fix.shell.value,
            "vmic": vmic_command(self.fix, self.vm),
            "automatable": self.automatable,
            "needs_install": self.needs_install,
            "needs_restart": self.needs_restart,
            "permission": self.permission.value,
            "why": self.why,
            "findings": [finding_key(finding) for finding in self.findings],
        }

    def __repr__(self) -> str:
        allowed = "" if self.allowed else f" ({self.permission})"
        return f"<FixStep {named(self.vm)} {self.side}: {cut(self.fix.title, 50)}{allowed}>"


def finding_key(finding: Finding) -> dict[str, Any]:
    """What names a finding across two diagnoses: host, VM, service and cause."""
    return {
        "host": finding.host,
        "vm": finding.vm,
        "service": None if finding.service is None else finding.service.value,
        "cause": finding.cause.value,
    }


@attrs.frozen(kw_only=True)
class FixPlan:
    """The ordered steps that fix the findings of one or more diagnoses.

    Attributes:
        diagnoses: The diagnoses the plan was made from.
        steps: The steps, host by host, VM by VM, host side before the guest.
        policy: What the plan may change.
    """

    diagnoses: tuple[Diagnosis, ...] = attrs.field(validator=tuple_of(Diagnosis))
    steps: tuple[FixStep, ...] = attrs.field(validator=tuple_of(FixStep))
    policy: FixPolicy = attrs.field(validator=_v.instance_of(FixPolicy))

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every finding the plan is about, in order."""
        return tuple(f for diagnosis in self.diagnoses for f in diagnosis.findings)

    @property
    def allowed(self) -> tuple[FixStep, ...]:
        """The steps vmic runs."""
        return tuple(step for step in self.steps if step.allowed)

    def __iter__(self) -> Iterator[FixStep]:
        return iter(self.steps)

    def __len__(self) -> int:
        return len(self.steps)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "policy": self.policy.to_dict(),
            "steps": [step.to_dict() for step in self.steps],
            "findings": [finding_key(finding) for finding in self.findings],
        }

    def __repr__(self) -> str:
        steps, findings = counted(len(self.steps), "step"), counted(len(self.findings), "finding")
        return f"<FixPlan {steps} for {findings}, {len(self.allowed)} allowed>"


def _permission(fix: Fix, policy: FixPolicy) -> tuple[StepPermission, str]:
    side = RUNNABLE.get(fix.kind) if fix.kind is not None else None
    if side is None or not fix.automatable or fix.side is not side:
        return StepPermission.MANUAL, "manual: a person must do this step"
    if fix.kind in _RESTARTS and not policy.restart:
        return StepPermission.POLICY, "restarts the guest (allow_restart, --allow-restart)"
    if fix.kind in _INSTALLS and not policy.install:
        return StepPermission.POLICY, "installs packages (allow_install, --allow-install)"
    if side is StepSide.HOST and not policy.host:
        return StepPermission.POLICY, "changes host settings (not allowed)"
    if side is StepSide.GUEST and not policy.guest:
        return StepPermission.POLICY, "changes the guest (not allowed)"
    return StepPermission.ALLOWED, ""


def _same(one: Fix, other: Fix) -> bool:
    """Two fixes that do the same thing (one step fixes both findings)."""
    if one.kind is not None and one.kind in RUNNABLE:
        return (one.kind, one.service, one.packages) == (other.kind, other.service, other.packages)
    return (one.side, one.title, one.commands) == (other.side, other.title, other.commands)


def _merged(findings: tuple[Finding, ...]) -> list[tuple[Fix, list[Finding]]]:
    """One VM's required fixes, each once with the findings it serves; host side first."""
    merged: list[tuple[Fix, list[Finding]]] = []
    for finding in findings:
        for fix in finding.fixes:
            if fix.role is not StepRole.REQUIRED:
                continue
            for known, served in merged:
                if _same(known, fix):
                    served.append(finding)
                    break
            else:
                merged.append((fix, [finding]))
    return sorted(merged, key=lambda item: item[0].side is not StepSide.HOST)


def plan_fixes(
    diagnosis: Diagnosis | Iterable[Diagnosis],
    *,
    allow: FixPolicy | None = None,
    allow_install: bool = False,
    allow_restart: bool = False,
) -> FixPlan:
    """The steps that fix the findings of *diagnosis*, in the order they should run.

    Only required fixes become steps (alternatives and fallbacks stay in the diagnosis
    for a person to choose). Per VM, host-side steps come first: enabling a service on
    the host is what starts a Windows guest's side of it.

    Args:
        diagnosis: One host's diagnosis, or several.
        allow: The policy (default: host settings and guest services, no installs, no
            restarts).
        allow_install: Shorthand: allow package installs (with the default policy).
        allow_restart: Shorthand: allow steps that restart a guest (with the default policy).

    Raises:
        vmic.ConfigurationError: *diagnosis* is not a Diagnosis (or several), or *allow*
            is not a FixPolicy.
    """
    diagnoses = (diagnosis,) if isinstance(diagnosis, Diagnosis) else tuple(diagnosis)
    for entry in diagnoses:
        if not isinstance(entry, Diagnosis):
            raise ConfigurationError(f"plan_fixes() takes Diagnosis objects, not {entry!r}")
    if allow is None:
        allow = FixPolicy(install=bool(allow_install), restart=bool(allow_restart))
    elif not isinstance(allow, FixPolicy):
        raise ConfigurationError(f"allow must be a FixPolicy, not {allow!r}")
    steps: list[FixStep] = []
    for entry in diagnoses:
        for vm in entry.vms:
            for fix, findings in _merged(vm.findings):
                permission, why = _permission(fix, allow)
                steps.append(
                    FixStep(
                        host=entry.host,
                        vm=vm.vm,
                        vm_id=vm.vm_id,
                        fix=fix,
                        findings=tuple(findings),
                        permission=permission,
                        why=why,
                    )
                )
    return FixPlan(diagnoses=diagnoses, steps=tuple(steps), policy=allow)


def step_label(step: FixStep) -> str:
    """``"<vm>: <title>"`` for one-line listings."""
    return f"{step.vm}: {step.fix.title}"


def finding_label(finding: Finding) -> str:
    """``"<vm>: <service>: <cause>"`` for one-line listings."""
    what = "" if finding.service is None else f"{service_name(finding.service)}: "
    return f"{finding.vm}: {what}{finding.cause.label}"
