"""Apply a fix plan: run the allowed steps through the typed clients, then diagnose again.

:func:`apply_fixes` takes a :class:`~vmic.diagnosis.FixPlan` and one :class:`FixTarget`
per host. Per host it reads the host once and, before anything changes, reaches and reads
every guest it has steps for (the preflight: a VM whose guest cannot be read gets none of
its steps, host side included, and says why). Then it runs the host-side steps of all
its VMs in **one** change command (:meth:`HyperVHost.set_services
<vmic.clients.HyperVHost.set_services>`, VMs selected by id), sent only for the settings
that differ from the host as read and read back in the same round trip, each step's
outcome from that read-back; then each VM's guest-side steps through the guest's
executor (:class:`~vmic.clients.WindowsGuest`, :class:`~vmic.clients.LinuxGuest`), each
after looking whether it is still needed. Then it observes and diagnoses the touched
hosts again, as an audit does, and says per finding whether it is gone.

With ``check=True`` only reading commands are sent: each step says whether it would run.
A step that fails is that step's result; the other steps and VMs go on. A host that
cannot be read is reported as in an audit.
"""

from __future__ import annotations

import contextlib
import functools
import uuid
from typing import TYPE_CHECKING, Any, Final, TypeAlias

import attrs

from vmic.connect import EXIT_FINDINGS, EXIT_OK, EXIT_UNREACHABLE, HostTarget, one_line
from vmic.diagnosis._remedy import FixPlan, FixStep, finding_key
from vmic.diagnosis._results import Diagnosis, Finding, FixKind, GuestView, VMDiagnosis
from vmic.errors import (
    AmbiguousVMError,
    ConfigurationError,
    VerificationError,
    VmicError,
    VMNotFoundError,
)
from vmic.fleet._report import HostResult
from vmic.fleet._runner import _classify, audit
from vmic.model._named import NamedEnum, counted, named
from vmic.model._services import IntegrationService
from vmic.model._status import StartType, WindowsServiceStatus
from vmic.model._validators import tuple_of

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from vmic.clients import HyperVHost, ReadBack
    from vmic.executors._protocol import Executor
    from vmic.model._guest import Guest, GuestUnreachable
    from vmic.model._host import VM, Host

__all__ = [
    "FindingOutcome",
    "FindingResult",
    "FixReport",
    "FixTarget",
    "StepOutcome",
    "StepResult",
    "apply_fixes",
]

_v = attrs.validators


def _callable(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not callable(value):
        raise ConfigurationError(f"FixTarget.{attribute.name} must be callable, not {value!r}")


def _executor(_instance: object, _attribute: object, value: Executor) -> None:
    checked: object = value
    if not callable(getattr(checked, "run", None)):
        raise ConfigurationError(f"FixTarget.executor must be an executor, not {value!r}")


@attrs.frozen(kw_only=True)
class FixTarget:
    """One host to fix: its executor and how its guests are reached.

    Attributes:
        name: The host's name, as in the diagnosis.
        executor: Runs PowerShell on the Hyper-V host.
        guests: Gives the executor of a VM's guest (or None when it cannot be reached).
        timeout: Seconds each command may run (None: the clients' default).
    """

    name: str = attrs.field(validator=_v.instance_of(str))
    executor: Executor = attrs.field(validator=_executor)
    guests: Callable[[VM], Executor | None] | None = attrs.field(default=None, validator=_callable)
    timeout: float | None = attrs.field(default=None)

    def audit_target(self) -> HostTarget:
        """The audit's view of this host.

        The host's executor stays open (the caller closes it); each guest's executor is
        closed once its guest has been read.
        """
        guests = self.guests
        if guests is None:
            target = HostTarget.for_executor(self.executor, name=self.name, timeout=self.timeout)
            return attrs.evolve(target, close=None)
        opened: list[Executor] = []

        def reach(vm: VM) -> Executor | None:
            executor = guests(vm)
            if executor is not None:
                opened.append(executor)
            return executor

        target = HostTarget.for_executor(
            self.executor, name=self.name, guests=reach, timeout=self.timeout
        )
        read = target.observe_guest
        assert read is not None  # noqa: S101 - for_executor was given guests

        def observe_guest(vm: VM) -> Guest | GuestUnreachable | None:
            try:
                return read(vm)
            finally:
                _close_all(opened)

        return attrs.evolve(target, observe_guest=observe_guest, close=None)

    def host_client(self) -> HyperVHost:
        """The host client over the executor."""
        from vmic.clients import HyperVHost  # noqa: PLC0415 - clients load on first use

        if self.timeout is None:
            return HyperVHost(self.executor, name=self.name)
        return HyperVHost(self.executor, name=self.name, timeout=self.timeout)

    def __repr__(self) -> str:
        return f"<FixTarget {named(self.name)}>"


def _close_all(opened: list[Executor]) -> None:
    while opened:
        # Closing must not change a result.
        with contextlib.suppress(Exception):
            opened.pop().close()


class StepOutcome(NamedEnum):
    """What became of one step."""

    DONE = "done"
    """It ran and changed what it should."""
    WOULD_RUN = "would_run"
    """A check run: it would run."""
    NOT_NEEDED = "not_needed"
    """What it would change is already so."""
    SKIPPED = "skipped"
    """The policy does not allow it."""
    MANUAL = "manual"
    """A person must do it; vmic never attempts it."""
    FAILED = "failed"
    """It was attempted (or its host or guest could not be reached) and failed."""

    def __repr__(self) -> str:
        return f"StepOutcome.{self.name}"


class FindingOutcome(NamedEnum):
    """Whether a finding is gone after the steps."""

    RESOLVED = "resolved"
    """A new diagnosis no longer shows it."""
    PRESENT = "present"
    """A new diagnosis still shows it (or no new diagnosis was made: a check run)."""
    UNKNOWN = "unknown"
    """Its host could not be diagnosed again."""

    def __repr__(self) -> str:
        return f"FindingOutcome.{self.name}"


@attrs.frozen(kw_only=True)
class StepResult:
    """One step and what became of it.

    Attributes:
        step: The step.
        outcome: What became of it.
        detail: What was seen or changed, or the error.
    """

    step: FixStep = attrs.field(validator=_v.instance_of(FixStep))
    outcome: StepOutcome = attrs.field(validator=_v.instance_of(StepOutcome))
    detail: str = attrs.field(default="", validator=_v.instance_of(str))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {**self.step.to_dict(), "outcome": self.outcome.value, "detail": self.detail}

    def __repr__(self) -> str:
        return f"<StepResult {named(self.step.vm)} {self.step.side}: {self.outcome}>"


@attrs.frozen(kw_only=True)
class FindingResult:
    """One finding before, and whether it is gone after.

    Attributes:
        finding: The finding as first diagnosed.
        outcome: Resolved, still present, or unknown.
        after: The verdict of its service (or ``"resolved"``) in the new diagnosis.
    """

    finding: Finding = attrs.field(validator=_v.instance_of(Finding))
    outcome: FindingOutcome = attrs.field(validator=_v.instance_of(FindingOutcome))
    after: str = attrs.field(default="", validator=_v.instance_of(str))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            **finding_key(self.finding),
            "before": self.finding.verdict.value,
            "after": self.after,
            "outcome": self.outcome.value,
        }

    def __repr__(self) -> str:
        subject = "" if self.finding.service is None else f" {self.finding.service}"
        cause = self.finding.cause
        return f"<FindingResult {named(self.finding.vm)}{subject}, {cause}: {self.outcome}>"


@attrs.frozen(kw_only=True)
class FixReport:
    """What :func:`apply_fixes` did.

    Attributes:
        plan: The plan it ran.
        check: Whether it was a check run (nothing changed).
        steps: One result per step of the plan, in order.
        findings: One result per finding of the plan, in order.
        failures: Hosts that could not be read or diagnosed again, as in an audit.
        after: The new diagnoses of the touched hosts (empty for a check run).
    """

    plan: FixPlan = attrs.field(validator=_v.instance_of(FixPlan))
    check: bool = attrs.field(validator=_v.instance_of(bool))
    steps: tuple[StepResult, ...] = attrs.field(validator=tuple_of(StepResult))
    findings: tuple[FindingResult, ...] = attrs.field(validator=tuple_of(FindingResult))
    failures: tuple[HostResult, ...] = attrs.field(default=(), validator=tuple_of(HostResult))
    after: tuple[Diagnosis, ...] = attrs.field(default=(), validator=tuple_of(Diagnosis))

    @property
    def remaining(self) -> tuple[FindingResult, ...]:
        """The findings not resolved."""
        return tuple(r for r in self.findings if r.outcome is not FindingOutcome.RESOLVED)

    @property
    def changed(self) -> bool:
        """Whether a step changed something."""
        return any(r.outcome is StepOutcome.DONE for r in self.steps)

    @property
    def exit_status(self) -> int:
        """3 when a host could not be reached, 1 when findings remain, else 0."""
        if self.failures:
            return EXIT_UNREACHABLE
        return EXIT_FINDINGS if self.remaining else EXIT_OK

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "check": self.check,
            "policy": self.plan.policy.to_dict(),
            "changed": self.changed,
            "steps": [r.to_dict() for r in self.steps],
            "findings": [r.to_dict() for r in self.findings],
            "failures": [
                {"host": f.host, "status": f.status.value, "error": f.error} for f in self.failures
            ],
        }

    def __repr__(self) -> str:
        done = sum(1 for r in self.steps if r.outcome is StepOutcome.DONE)
        kind = "check, " if self.check else ""
        return (
            f"<FixReport {kind}{counted(len(self.steps), 'step')} ({done} done), "
            f"{counted(len(self.remaining), 'finding')} left>"
        )


_OBSERVED: Final = GuestView.OBSERVED
#: Seconds each host may take when diagnosed again, unless its target says otherwise.
_TIMEOUT: Final = 60.0
_WINDOWS_KINDS: Final = frozenset(
    {
        FixKind.START_GUEST_SERVICE,
        FixKind.ENABLE_GUEST_SERVICE,
        FixKind.RESTART_GUEST_SERVICE,
    }
)


def apply_fixes(plan: FixPlan, targets: Iterable[FixTarget], *, check: bool = False) -> FixReport:
    """Run the allowed steps of *plan*, host side first, then diagnose the touched hosts again.

    Args:
        plan: The plan (:func:`vmic.plan_fixes`).
        targets: One target per host of the plan (others are ignored).
        check: Change nothing: send only reading commands and say what would run.

    Returns:
        Per step what became of it, per finding whether it is gone.

    Raises:
        vmic.ConfigurationError: *plan* is not a FixPlan, or a target is not a FixTarget.
    """
    if not isinstance(plan, FixPlan):
        raise ConfigurationError(f"apply_fixes() takes a FixPlan, not {plan!r}")
    by_name = _by_name(targets)
    results: dict[int, StepResult] = {}
    failures: list[HostResult] = []
    touched: list[FixTarget] = []
    for index, step in enumerate(plan.steps):
        if not step.allowed:
            outcome = StepOutcome.MANUAL if not step.automatable else StepOutcome.SKIPPED
            results[index] = StepResult(step=step, outcome=outcome, detail=step.why)
    for host in dict.fromkeys(step.host for step in plan.steps):
        runnable = [(i, s) for i, s in enumerate(plan.steps) if s.host == host and s.allowed]
        reach = by_name.get(host)
        if not runnable:
            continue
        if reach is None:
            for index, step in runnable:
                results[index] = StepResult(
                    step=step, outcome=StepOutcome.FAILED, detail=f"no target for host {host!r}"
                )
            continue
        failure = _run_host(reach, runnable, results, check=check)
        if failure is not None:
            failures.append(failure)
        else:
            # Diagnosed again even when every step found its work done (a stale plan).
            touched.append(reach)
    after = _diagnose_again(plan, touched, failures) if not check else []
    findings = _finding_results(plan, after, {t.name for t in touched}, failures)
    ordered = tuple(_settled(results[i], findings) for i in range(len(plan.steps)))
    return FixReport(
        plan=plan,
        check=check,
        steps=ordered,
        findings=findings,
        failures=tuple(failures),
        after=tuple(after),
    )


def _by_name(targets: Iterable[FixTarget]) -> dict[str, FixTarget]:
    by_name: dict[str, FixTarget] = {}
    for target in targets:
        checked: object = target
        if not isinstance(checked, FixTarget):
            raise ConfigurationError(f"apply_fixes() takes FixTarget objects, not {target!r}")
        by_name[target.name] = target
    return by_name


def _diagnose_again(
    plan: FixPlan, touched: list[FixTarget], failures: list[HostResult]
) -> list[Diagnosis]:
    """Observe and diagnose the touched hosts as an audit does; failures join *failures*.

    The features the first diagnosis was asked about are asked about again, so a finding
    that only such a feature raises is not taken for resolved.
    """
    if not touched:
        return []
    features = {
        entry.feature
        for diagnosis in plan.diagnoses
        for vm in diagnosis.vms
        for entry in vm.features
        if entry.requested
    }
    timeout = max((t.timeout for t in touched if t.timeout is not None), default=_TIMEOUT)
    report = audit(
        [target.audit_target() for target in touched],
        timeout=timeout,
        features=sorted(features, key=lambda feature: feature.value),
    )
    after = []
    for result in report.results:
        if result.diagnosis is not None:
            after.append(result.diagnosis)
        else:
            failures.append(result)
    return after


def _settled(result: StepResult, findings: tuple[FindingResult, ...]) -> StepResult:
    """A step left out (manual or by policy) whose findings other steps resolved: not needed."""
    if result.outcome not in {StepOutcome.MANUAL, StepOutcome.SKIPPED}:
        return result
    resolved = {id(r.finding) for r in findings if r.outcome is FindingOutcome.RESOLVED}
    if all(id(finding) in resolved for finding in result.step.findings):
        return attrs.evolve(
            result,
            outcome=StepOutcome.NOT_NEEDED,
            detail="the other steps resolved its findings",
        )
    return result


def _finding_results(
    plan: FixPlan, after: list[Diagnosis], touched: set[str], failures: list[HostResult]
) -> tuple[FindingResult, ...]:
    new = {d.host: d for d in after}
    failed = {f.host for f in failures}
    observed = {
        (d.host, vm.vm) for d in plan.diagnoses for vm in d.vms if vm.guest_view is _OBSERVED
    }
    results = []
    for finding in plan.findings:
        diagnosis = new.get(finding.host)
        if diagnosis is None:
            unknown = finding.host in failed and finding.host in touched
            outcome = FindingOutcome.UNKNOWN if unknown else FindingOutcome.PRESENT
            results.append(
                FindingResult(finding=finding, outcome=outcome, after=finding.verdict.value)
            )
            continue
        was_observed = (finding.host, finding.vm) in observed
        results.append(_compare(finding, diagnosis.vm(finding.vm), was_observed=was_observed))
    return tuple(results)


def _compare(finding: Finding, vm: VMDiagnosis | None, *, was_observed: bool) -> FindingResult:
    """Whether *finding* is still in the new diagnosis *vm* of its VM."""
    if vm is None:
        return FindingResult(finding=finding, outcome=FindingOutcome.UNKNOWN, after="VM not found")
    if any((f.service, f.cause) == (finding.service, finding.cause) for f in vm.findings):
        verdict = finding.verdict.value
        entry = vm.service(finding.service) if finding.service is not None else None
        if entry is not None:
            verdict = entry.verdict.value
        return FindingResult(finding=finding, outcome=FindingOutcome.PRESENT, after=verdict)
    if was_observed and vm.guest_view is not _OBSERVED:
        # The guest that showed the problem could not be asked again: gone is not proven.
        return FindingResult(
            finding=finding, outcome=FindingOutcome.UNKNOWN, after="guest not observed"
        )
    return FindingResult(finding=finding, outcome=FindingOutcome.RESOLVED, after="resolved")


def _run_host(
    target: FixTarget,
    runnable: list[tuple[int, FixStep]],
    results: dict[int, StepResult],
    *,
    check: bool,
) -> HostResult | None:
    """Run one host's steps; a host that cannot be read is returned as an audit failure."""
    client = target.host_client()
    try:
        observation = client.observe()
    except Exception as error:  # noqa: BLE001 - any failure is this host's result
        status, message = _classify(error)
        for index, step in runnable:
            results[index] = StepResult(step=step, outcome=StepOutcome.FAILED, detail=message)
        return HostResult(host=target.name, status=status, error=message)
    # The preflight: every guest with steps to run is reached and read before anything
    # changes. A VM whose guest cannot be read gets none of its steps, host side included.
    guests: dict[str, Executor] = {}
    try:
        guest_steps = [(i, s) for i, s in runnable if s.side.value != "host"]
        for vm_name in dict.fromkeys(s.vm for _, s in guest_steps):
            steps = [s for _, s in guest_steps if s.vm == vm_name]
            try:
                guests[vm_name] = _reach_guest(target, observation, steps)
            except Exception as error:  # noqa: BLE001 - one guest's failure must not stop the others
                for index, step in runnable:
                    if step.vm == vm_name:
                        results[index] = StepResult(
                            step=step,
                            outcome=StepOutcome.FAILED,
                            detail=f"not attempted, nothing changed for {vm_name!r}: the "
                            f"preflight could not read its guest: {_words(error)}",
                        )
        # Host-side steps first (one change command for all of them), then each VM's
        # guest-side steps (guest_steps is in VM order).
        host_steps = [(i, s) for i, s in runnable if s.side.value == "host" and i not in results]
        results.update(_host_steps(client, observation, host_steps, check=check))
        for vm_name in dict.fromkeys(s.vm for _, s in guest_steps):
            for index, step in guest_steps:
                if step.vm == vm_name and index not in results:
                    results[index] = _guarded(
                        step, functools.partial(_guest_step, guests[vm_name], step, check)
                    )
    finally:
        _close_all(list(guests.values()))
    return None


def _reach_guest(target: FixTarget, host: Host, steps: list[FixStep]) -> Executor:
    """The executor of the guest of the VM of *steps*, once the guest has answered a read.

    Raises:
        Exception: Whatever reaching or reading the guest raised (the executor is closed).
    """
    from vmic.clients import LinuxGuest, WindowsGuest  # noqa: PLC0415 - clients load on use

    executor = _guest_executor(target, host, steps[0])
    try:
        if steps[0].fix.kind in _WINDOWS_KINDS:
            WindowsGuest(executor).services()
        else:
            LinuxGuest(executor).observe()
    except BaseException:
        _close_all([executor])
        raise
    return executor


def _words(error: BaseException) -> str:
    if isinstance(error, VmicError):
        return one_line(error)
    return f"{type(error).__name__}: {one_line(error)}"


def _guarded(step: FixStep, run: Callable[[], tuple[StepOutcome, str]]) -> StepResult:
    try:
        outcome, detail = run()
    except Exception as error:  # noqa: BLE001 - a failing step is that step's result
        return StepResult(step=step, outcome=StepOutcome.FAILED, detail=_words(error))
    return StepResult(step=step, outcome=outcome, detail=detail)


#: A host-side step waiting on the change command: its index, the step, its VM's key in
#: the command, the VM, the service and the setting asked.
_Waiting: TypeAlias = tuple[int, FixStep, str, "VM", IntegrationService, bool]


def _host_steps(
    client: HyperVHost, host: Host, steps: list[tuple[int, FixStep]], *, check: bool
) -> dict[int, StepResult]:
    """One host's host-side steps, in **one** change command read back in the same round trip.

    Each step is weighed against the host as read before anything changed (*host*): a
    setting already as asked is not needed, and a check run says what would change. The
    settings that differ, of every VM, go to the host together
    (:meth:`HyperVHost.set_services <vmic.clients.HyperVHost.set_services>`, VMs selected
    by id); each step's outcome comes from the read-back: done, not needed (it became so
    meanwhile), or failed with what the host shows.
    """
    results, wanted, waiting = _weigh(client, host, steps, check=check)
    if not waiting:
        return results
    vms = {key: vm for _index, _step, key, vm, _service, _on in waiting}
    try:
        backs = dict(zip(wanted, _set_services(client, wanted, vms), strict=True))
    except Exception as error:  # noqa: BLE001 - a failed command is its steps' result
        for index, step, *_ in waiting:
            results[index] = StepResult(step=step, outcome=StepOutcome.FAILED, detail=_words(error))
        return results
    label = client.name or "the host"
    for index, step, key, vm, service, on in waiting:
        back = backs[key]
        word = "enabled" if on else "disabled"
        after = back.after.get(service)
        if back.before.get(service) is on:
            outcome, detail = StepOutcome.NOT_NEEDED, f"{service.english_name} is already {word}"
        elif after is on:
            outcome, detail = StepOutcome.DONE, f"{service.english_name} {word}"
        else:
            unmet = VerificationError(label, vm.name, {service: on}, {service: after})
            outcome, detail = StepOutcome.FAILED, _words(unmet)
        results[index] = StepResult(step=step, outcome=outcome, detail=detail)
    return results


def _weigh(
    client: HyperVHost, host: Host, steps: list[tuple[int, FixStep]], *, check: bool
) -> tuple[dict[int, StepResult], dict[str, dict[IntegrationService, bool]], list[_Waiting]]:
    """The host-side steps settled without a change, what the rest ask of each VM, and them."""
    results: dict[int, StepResult] = {}
    wanted: dict[str, dict[IntegrationService, bool]] = {}
    waiting: list[_Waiting] = []
    for index, step in steps:
        try:
            vm, service, on, current = _host_setting(client, host, step)
        except VmicError as error:
            results[index] = StepResult(step=step, outcome=StepOutcome.FAILED, detail=_words(error))
            continue
        word = "enabled" if on else "disabled"
        key = vm.id or vm.name
        claimed = wanted.get(key, {}).get(service)
        if current is on or claimed is on:
            detail = f"{service.english_name} is already {word}"
            results[index] = StepResult(step=step, outcome=StepOutcome.NOT_NEEDED, detail=detail)
        elif claimed is not None:
            detail = f"another step of this run sets {service.english_name} the other way"
            results[index] = StepResult(step=step, outcome=StepOutcome.FAILED, detail=detail)
        elif check:
            results[index] = StepResult(
                step=step, outcome=StepOutcome.WOULD_RUN, detail=f"would be {word}"
            )
        else:
            wanted.setdefault(key, {})[service] = on
            waiting.append((index, step, key, vm, service, on))
    return results, wanted, waiting


def _host_setting(
    client: HyperVHost, host: Host, step: FixStep
) -> tuple[VM, IntegrationService, bool, bool]:
    """The VM of a host-side step, its service, the setting asked, and the setting read.

    Raises:
        vmic.ConfigurationError: The step names no integration service, or its VM is gone
            (or shares its name with another, and the step has no id), or the host lists
            no component for the service.
    """
    service = step.fix.service
    if not isinstance(service, IntegrationService):
        raise ConfigurationError(f"{step.fix.title}: the step names no integration service")
    label = client.name or "the host"
    if step.vm_id is not None:
        found = [vm for vm in host.vms if vm.id == step.vm_id]
    else:
        found = [vm for vm in host.vms if vm.name == step.vm]
    if not found:
        raise VMNotFoundError(label, step.vm, [vm.name for vm in host.vms])
    if len(found) > 1:
        raise AmbiguousVMError(label, step.vm, len(found))
    vm = found[0]
    current = next((r.enabled for r in vm.services if r.service is service), None)
    if current is None:
        raise ConfigurationError(
            f"the host lists no {service.english_name} component for VM {vm.name!r} "
            "(its Hyper-V version predates the service)"
        )
    return vm, service, step.fix.kind is FixKind.ENABLE_ON_HOST, current


def _set_services(
    client: HyperVHost, wanted: dict[str, dict[IntegrationService, bool]], vms: dict[str, VM]
) -> tuple[ReadBack, ...]:
    """The one change command: VMs by id (names may repeat), by name if the host gave none."""
    if all(vm.id is not None for vm in vms.values()):
        return client.set_services({uuid.UUID(str(vms[key].id)): s for key, s in wanted.items()})
    return client.set_services({vms[key].name: state for key, state in wanted.items()})


def _guest_executor(target: FixTarget, host: Host, step: FixStep) -> Executor:
    vm = next(
        (
            v
            for v in host.vms
            if (v.id == step.vm_id if step.vm_id is not None else v.name == step.vm)
        ),
        None,
    )
    if vm is None:
        raise ConfigurationError(f"the host no longer has the VM {step.vm!r}")
    if target.guests is None:
        raise ConfigurationError(f"no access to the guest of {step.vm!r} was given")
    executor = target.guests(vm)
    if executor is None:
        raise ConfigurationError(f"the guest of {step.vm!r} is not reached (guest access off)")
    return executor


def _guest_step(
    executor: Executor,
    step: FixStep,
    check: bool,  # noqa: FBT001 - bound positionally by functools.partial
) -> tuple[StepOutcome, str]:
    kind = step.fix.kind
    if kind in _WINDOWS_KINDS:
        return _windows_step(executor, step, check=check)
    return _linux_step(executor, step, check=check)


def _windows_step(executor: Executor, step: FixStep, *, check: bool) -> tuple[StepOutcome, str]:
    from vmic.clients import WindowsGuest  # noqa: PLC0415 - clients load on first use

    service = step.fix.service
    if service is None:
        raise ConfigurationError(f"{step.fix.title}: the step names no service")
    guest = WindowsGuest(executor)
    name = service.info.windows_service
    record = next((r for r in guest.services() if r.name.casefold() == name.casefold()), None)
    kind = step.fix.kind
    running = record is not None and record.status is WindowsServiceStatus.RUNNING
    disabled = record is not None and record.start_type is StartType.DISABLED
    if kind is not FixKind.RESTART_GUEST_SERVICE and running and not disabled:
        return StepOutcome.NOT_NEEDED, f"{name} is running"
    if check:
        return StepOutcome.WOULD_RUN, f"{name} would be started"
    if kind is FixKind.ENABLE_GUEST_SERVICE and disabled:
        guest.set_startup(service, StartType.MANUAL)
    if kind is FixKind.RESTART_GUEST_SERVICE and running:
        guest.stop(service)
    after = guest.start(service)
    return StepOutcome.DONE, f"{name} {after.status.value}"


def _linux_step(executor: Executor, step: FixStep, *, check: bool) -> tuple[StepOutcome, str]:
    from vmic.clients import LinuxGuest  # noqa: PLC0415 - clients load on first use

    service = step.fix.service
    if not isinstance(service, IntegrationService):
        raise ConfigurationError(f"{step.fix.title}: the step names no daemon")
    guest = LinuxGuest(executor)
    daemon = guest.observe().service(service)
    installed = daemon is not None and daemon.installed
    running = daemon is not None and daemon.running
    if running:
        return StepOutcome.NOT_NEEDED, f"{daemon.name if daemon else service.value} is running"
    install = step.fix.kind is FixKind.INSTALL_DAEMON and not installed
    if check:
        what = f"install {', '.join(step.fix.packages)} and start" if install else "start"
        return StepOutcome.WOULD_RUN, f"would {what} the daemon"
    done = []
    if install:
        packages = guest.install(service)
        done.append(f"installed {', '.join(packages)}")
        daemon = guest.observe().service(service)
        if daemon is not None and daemon.running:
            return StepOutcome.DONE, "; ".join([*done, "the daemon runs"])
    method = guest.start(service)
    done.append(f"started ({method})")
    return StepOutcome.DONE, "; ".join(done)
