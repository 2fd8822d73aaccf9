"""Diagnose a host's VMs from what the host and (when reachable) each guest reported.

:func:`diagnose` is pure: it reads a :class:`~vmic.model._host.Host` (each VM with its
guest when known) and returns a
:class:`~vmic.diagnosis._results.Diagnosis`; it never runs a command. The rules it
applies come from the rules layer:

- whether a service works, and why not: :class:`vmic.rules._semantics.ServiceState`
  and its :class:`~vmic.rules._semantics.Reason` list (both sides must be on);
- what the host's statuses mean: ``NoContact``, ``LostCommunication``, ``Degraded``
  and ``ProtocolMismatch`` (integration services older than the host's);
- how to update integration services, and whether Data Exchange must be on for it:
  :func:`vmic.rules._plans.plan_update` and :func:`vmic.rules._matrix.update_rule`;
- package, daemon and unit names: :func:`vmic.model._linux.packaging_for`;
- which features need which services: :mod:`vmic.rules._features`.

The engine decides verdicts and which findings a VM has; what each cause says and how
it is fixed is one table beside it (``vmic.diagnosis._causes``).

Healthy means no finding. A service off in its default state (Guest Service
Interface) is reported as :attr:`Verdict.OFF_BY_DEFAULT`, not as a finding, unless a
feature passed in ``features`` needs it. PowerShell Direct is reported, but raises
findings only when ``features`` asks for it: the Manage article itself turns it off by
stopping ``vmicvmsession``, and the service starts on demand, so "stopped" is normal.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final, cast

from vmic.diagnosis._causes import Clue, explanation_for, fixes_for, sources_for
from vmic.diagnosis._evidence import (
    GuestEvidence,
    driver_state,
    linux_evidence,
    windows_evidence,
)
from vmic.diagnosis._results import (
    Diagnosis,
    FeatureDiagnosis,
    Finding,
    GuestView,
    ServiceDiagnosis,
    Verdict,
    VMDiagnosis,
)
from vmic.diagnosis._time_sync import time_sync_clues
from vmic.errors import (
    ConfigurationError,
    UnknownOperatingSystemError,
    UnsupportedCombinationError,
    VMNotFoundError,
)
from vmic.model._guest import Guest, GuestUnreachable, as_os
from vmic.model._linux import LinuxPackaging, packaging_for
from vmic.model._records import IntegrationServicesState
from vmic.model._services import GuestOnlyService, IntegrationService
from vmic.model._status import OperationalStatus
from vmic.rules._causes import Cause
from vmic.rules._features import Feature, services_needed
from vmic.rules._matrix import update_rule
from vmic.rules._plans import UpdatePlan, plan_update
from vmic.rules._semantics import (
    LinuxDaemonService,
    Reason,
    ServiceState,
    UnitState,
    WindowsGuestService,
)
from vmic.rules._support import unavailable_reason

if TYPE_CHECKING:
    from vmic.diagnosis._results import Service
    from vmic.model._guest import GuestService
    from vmic.model._host import VM, Host
    from vmic.model._operating_system import OperatingSystem
    from vmic.model._records import IntegrationComponentRecord
    from vmic.rules._semantics import GuestSide

__all__ = ["DIAGNOSED_SERVICES", "diagnose", "diagnose_vm"]

_TIME_SYNCHRONIZATION: Final = IntegrationService.TIME_SYNCHRONIZATION


# The services a guest that runs no Windows is diagnosed on: the host-visible ones.
_HOST_VISIBLE: Final[tuple[IntegrationService, ...]] = tuple(IntegrationService)
#: The services a diagnosis reports on, in this order (PowerShell Direct is Windows only).
DIAGNOSED_SERVICES: Final[tuple[Service, ...]] = (
    *_HOST_VISIBLE,
    GuestOnlyService.POWERSHELL_DIRECT,
)
# Causes that say the guest cannot have the service: a finding only while the host enables
# it or a requested feature needs it.
_UNAVAILABLE: Final = frozenset({Cause.NOT_AVAILABLE_ON_GUEST_OS, Cause.NOT_PACKAGED})
_CAUSE_OF_REASON: Final = {
    Reason.DISABLED_ON_HOST: Cause.DISABLED_ON_HOST,
    Reason.NOT_AVAILABLE_ON_GUEST_OS: Cause.NOT_AVAILABLE_ON_GUEST_OS,
    Reason.NOT_INSTALLED_IN_GUEST: Cause.GUEST_SERVICE_MISSING,
    Reason.NOT_RUNNING_IN_GUEST: Cause.GUEST_SERVICE_STOPPED,
    Reason.STARTUP_DISABLED_IN_GUEST: Cause.GUEST_STARTUP_DISABLED,
    Reason.KERNEL_DRIVER_MISSING: Cause.KERNEL_DRIVER_MISSING,
    Reason.DAEMON_NOT_INSTALLED: Cause.DAEMON_NOT_INSTALLED,
    Reason.DAEMON_NOT_RUNNING: Cause.DAEMON_NOT_RUNNING,
}
# What a host status says when the guest side itself looks fine: (verdict, cause).
_HOST_STATUS: Final[dict[OperationalStatus, tuple[Verdict, Cause | None]]] = {
    OperationalStatus.OK: (Verdict.FUNCTIONING, None),
    OperationalStatus.DEGRADED: (Verdict.DEGRADED, Cause.INTEGRATION_SERVICES_OUTDATED),
    OperationalStatus.PROTOCOL_MISMATCH: (Verdict.DEGRADED, Cause.INTEGRATION_SERVICES_OUTDATED),
    OperationalStatus.NON_RECOVERABLE_ERROR: (
        Verdict.NOT_FUNCTIONING,
        Cause.INTEGRATION_SERVICES_OUTDATED,
    ),
    OperationalStatus.NO_CONTACT: (Verdict.NOT_FUNCTIONING, Cause.NO_CONTACT),
    OperationalStatus.LOST_COMMUNICATION: (Verdict.NOT_FUNCTIONING, Cause.LOST_COMMUNICATION),
    OperationalStatus.COMMUNICATION_TIMED_OUT: (
        Verdict.NOT_FUNCTIONING,
        Cause.LOST_COMMUNICATION,
    ),
    OperationalStatus.COMMUNICATION_FAILED: (Verdict.NOT_FUNCTIONING, Cause.LOST_COMMUNICATION),
    OperationalStatus.ERROR: (Verdict.NOT_FUNCTIONING, Cause.COMPONENT_ERROR),
    OperationalStatus.APPLICATION_CRITICAL: (Verdict.DEGRADED, Cause.COMPONENT_ERROR),
    # "Disabled" while Enabled is true: the two fields disagree; neither can be trusted.
    OperationalStatus.DISABLED: (Verdict.UNKNOWN, None),
}
_SEVERITY: Final = {
    Verdict.UNKNOWN: 0,
    Verdict.FUNCTIONING: 1,
    Verdict.DEGRADED: 2,
    Verdict.NOT_FUNCTIONING: 3,
}
# Causes with one root for the whole VM: reported once, with service None.
_VM_WIDE: Final = frozenset({Cause.KERNEL_DRIVER_MISSING, Cause.INTEGRATION_SERVICES_OUTDATED})
_BLOCKING: Final = frozenset(
    {Verdict.NOT_FUNCTIONING, Verdict.NOT_AVAILABLE, Verdict.OFF_BY_DEFAULT}
)
# The same verdicts recur across a fleet's VMs (most services function; one kind of guest
# fails the same way everywhere): each distinct verdict is built, and checked by its
# validators, once and then shared, as the records are frozen. Typed, so that 1 and True
# are told apart; bounded, whatever the fleet.
_service_diagnosis: Final = functools.lru_cache(maxsize=4096, typed=True)(ServiceDiagnosis)
# A Linux guest's packaging row, by its distribution and release (a table scan otherwise,
# for every Linux VM); an unknown distribution raises, and is not remembered.
_packaging_for: Final = functools.lru_cache(maxsize=256)(packaging_for)
_feature_diagnosis: Final = functools.lru_cache(maxsize=4096, typed=True)(FeatureDiagnosis)

# Enum members read for every VM. On Python 3.11 reading a member off its enum class goes
# through the enum metaclass's ``__getattr__`` hook, several times the cost of a module
# global, so the per-VM paths read these names.
_KERNEL_DRIVER_MISSING: Final = Cause.KERNEL_DRIVER_MISSING
_OUTDATED: Final = Cause.INTEGRATION_SERVICES_OUTDATED
_UPDATE_REQUIRED: Final = IntegrationServicesState.UPDATE_REQUIRED
_KVP: Final = IntegrationService.KEY_VALUE_PAIR_EXCHANGE
_OBSERVED: Final = GuestView.OBSERVED
_UNREACHABLE_VIEW: Final = GuestView.UNREACHABLE
_NOT_OBSERVED: Final = GuestView.NOT_OBSERVED


class _Systems:
    """A guest's and a host's operating systems, as one key of the engine's caches.

    The verdict caches are asked for every service of every VM. Keyed on the two
    :class:`~vmic.model._operating_system.OperatingSystem` records, each lookup would hash
    both (attrs' hash runs in Python) and, as every audit reads its records afresh, compare
    them field by field. One _Systems per distinct pair (:func:`_systems`, bounded) is
    hashed and compared by identity instead; a pair built again after the bound dropped it
    only misses the entries of the old one.
    """

    __slots__ = ("guest_os", "host_os")

    def __init__(self, guest_os: OperatingSystem | None, host_os: OperatingSystem | None) -> None:
        self.guest_os = guest_os
        self.host_os = host_os


_systems: Final = functools.lru_cache(maxsize=256)(_Systems)


def diagnose(
    host: Host,
    *,
    vm: str | None = None,
    features: Iterable[Feature] = (),
) -> Diagnosis:
    """Diagnose every VM of a host (or one VM) from the host's and the guests' reports.

    Args:
        host: The host and its VMs, each with its guest when known
            (``HyperVHost.observe()``, an audit, or built by hand). A VM whose guest
            is None is diagnosed from the host side only.
        vm: Diagnose only the VM with exactly this name (the first, if several share it).
        features: Features you rely on. A service off by default (Guest Service
            Interface) is a finding only when one of them needs it; PowerShell Direct
            raises findings only when asked for.

    Returns:
        The diagnosis, one entry per VM in the host's order.

    Raises:
        vmic.errors.VMNotFoundError: *vm* names no VM of this host.
        ConfigurationError: *features* holds something that is not a Feature.
    """
    chosen = host.vms
    if vm is not None:
        found = host.vm(vm)
        if found is None:
            raise VMNotFoundError(host.name, vm, (entry.name for entry in host.vms))
        chosen = (found,)
    wanted = _features(features)
    results = tuple(_VMCase(entry, host.name, host.os, wanted).run() for entry in chosen)
    return Diagnosis._built(host.name, host.os, results)


def _features(features: Iterable[Feature]) -> frozenset[Feature]:
    checked: object = features
    if isinstance(checked, Feature) or not isinstance(checked, Iterable):
        msg = "features must be an iterable of vmic.rules._features.Feature"
        raise ConfigurationError(msg)
    wanted = set()
    for feature in checked:
        if not isinstance(feature, Feature):
            known = ", ".join(f.value for f in Feature)
            raise ConfigurationError(f"{feature!r} is not a Feature; known: {known}")
        wanted.add(feature)
    return frozenset(wanted)


def diagnose_vm(
    vm: VM,
    *,
    host: str = "",
    host_os: OperatingSystem | str | None = None,
    features: Iterable[Feature] = (),
) -> VMDiagnosis:
    """Diagnose one VM, with its guest when known; see :func:`diagnose` for the arguments.

    Args:
        vm: The VM, as the host sees it, with what its guest reported (``vm.guest``).
        host: The host's name (for findings).
        host_os: The host's operating system, for update plans.
        features: Features you rely on.

    Returns:
        The VM's diagnosis.
    """
    return _VMCase(vm, host, as_os(host_os), _features(features)).run()


class _VMCase:
    """The working state of one VM's diagnosis."""

    def __init__(
        self,
        vm: VM,
        host: str,
        host_os: OperatingSystem | None,
        features: frozenset[Feature],
    ) -> None:
        self.vm = vm
        self.host = host
        self.host_os = host_os
        self.requested = features
        self.running = vm.running
        # A guest that is not running has nothing to report, whatever the VM holds.
        self.guest = vm.guest if self.running else None
        self.guest_os = _guest_os(vm, self.guest)
        self._systems = _systems(self.guest_os, host_os)
        # Asked for every service and every cause: worked out once per VM.
        self._report = self.guest if isinstance(self.guest, Guest) else None
        # The guest's record of each service, as Guest.service finds it (the first one
        # listed), looked up once per VM rather than once per service.
        self._records: dict[Service, GuestService] = {}
        if self._report is not None:
            for record in self._report.services or ():
                if record.service is not None:
                    self._records.setdefault(record.service, record)
        self._windows = self._is_windows_guest()
        # The host's record of each service, as VM.service finds it (the first one).
        self._components: dict[IntegrationService, IntegrationComponentRecord] = {}
        for component in vm.services:
            if component.service is not None:
                self._components.setdefault(component.service, component)
        self.notes: list[str] = []
        self.findings: list[Finding] = []
        self.packaging = self._packaging()
        self.needed = self._needed_by_request()

    # --- the whole VM ---------------------------------------------------------------------

    def run(self) -> VMDiagnosis:
        view, detail = self._view()
        report = self._report
        windows = self._windows
        driver = None
        if report is not None and not windows:
            driver = driver_state(report, self.vm.services)
            if driver[1].startswith(("hv_utils not listed", "hv_utils not read")):
                self.notes.append(driver[1])
        services: list[ServiceDiagnosis] = []
        evidence_by_service: dict[Service, GuestEvidence | None] = {}
        # Once per service of every VM: the guest's kind is settled above, not per service.
        if windows:
            for service in DIAGNOSED_SERVICES:
                evidence = self._evidence(service)
                evidence_by_service[service] = evidence
                entry = (
                    self._judge_host_visible(service, evidence)
                    if service.__class__ is IntegrationService
                    else self._judge_guest_only(cast("GuestOnlyService", service), evidence)
                )
                services.append(entry)
        else:
            # Any other guest has the host-visible services only; a Linux report's evidence
            # is read here, with the VM's driver and packaging row, not per service.
            records, packaging = self._records, self.packaging
            kernel, kernel_text = driver if driver is not None else (None, "")
            for service in _HOST_VISIBLE:
                evidence = None
                if kernel is not None:
                    # Set together with the driver's state: a report, and a packaging row.
                    assert report is not None  # noqa: S101
                    assert packaging is not None  # noqa: S101
                    evidence = linux_evidence(
                        service, report, kernel, kernel_text, packaging, entry=records.get(service)
                    )
                evidence_by_service[service] = evidence
                services.append(self._judge_host_visible(service, evidence))
        feature_entries = _feature_entries(
            windows, tuple([entry.verdict for entry in services]), self._systems, self.requested
        )
        # Most services of most VMs have no cause: only those with one can raise a
        # service's or a VM-wide finding (Data Exchange's rests on its host setting).
        causing = [entry for entry in services if entry.causes]
        if causing:
            self._service_findings(causing, evidence_by_service, feature_entries)
        self._data_exchange_finding(services, feature_entries)
        self._vm_wide_findings(causing, feature_entries)
        for clue, verdict in time_sync_clues(self._components.get(_TIME_SYNCHRONIZATION), report):
            self._add_finding(clue, service=_TIME_SYNCHRONIZATION, verdict=verdict)
        if view is _UNREACHABLE_VIEW:
            self._unreachable_finding(detail)
        if not self.running:
            self.notes.append(
                f"The VM is {self.vm.state.value.replace('_', ' ')}: the guest side of its "
                "services cannot work or be checked until it runs."
            )
        return VMDiagnosis._built(
            host=self.host,
            vm=self.vm.name,
            vm_id=self.vm.id,
            state=self.vm.state,
            guest_os=self.guest_os,
            guest_view=view,
            guest_detail=detail,
            services=tuple(services),
            features=feature_entries,
            findings=tuple(self.findings),
            notes=tuple(self.notes),
        )

    def _view(self) -> tuple[GuestView, str]:
        if isinstance(self.guest, GuestUnreachable):
            return _UNREACHABLE_VIEW, self.guest.reason
        if self.guest is None:
            if not self.running:
                return _NOT_OBSERVED, "the VM is not running"
            return _NOT_OBSERVED, "the guest was not asked"
        return _OBSERVED, ""

    def guest_report(self) -> Guest | None:
        """What the guest reported, when it was asked, answered and the VM runs."""
        return self._report

    def windows_guest(self) -> bool:
        """Whether the guest runs Windows (by its report, else by its OS; unknown: yes)."""
        return self._windows

    def _is_windows_guest(self) -> bool:
        report = self._report
        if report is not None:
            windows = report.is_windows
            if windows or report.is_linux:
                return windows
        return self.guest_os is None or self.guest_os.is_windows

    def linux_report(self) -> Guest | None:
        """The guest's report, when the guest runs Linux (or FreeBSD)."""
        report = self.guest_report()
        if report is None or self.windows_guest():
            return None
        return report

    def _packaging(self) -> LinuxPackaging | None:
        if self.windows_guest():
            return None
        family, version = None, None
        report = self.guest_report()
        if report is not None:
            family, version = report.distribution, report.distribution_version
        if family is None and self.guest_os is not None:
            family, version = self.guest_os.distribution, self.guest_os.distribution_version
        return _packaging_for(family, version)

    def _needed_by_request(self) -> frozenset[Service]:
        if not self.requested:
            return frozenset()
        return frozenset(s for feature in self.requested for s in self._needs(feature))

    def _needs(self, feature: Feature) -> tuple[Service, ...]:
        return _feature_needs(feature, self.guest_os, self.host_os)

    # --- one service ----------------------------------------------------------------------

    def _evidence(self, service: Service) -> GuestEvidence | None:
        """A Windows guest's side of *service* (None: the guest was not observed)."""
        guest = self._report
        if guest is None:
            return None
        return windows_evidence(service, guest, self.guest_os, self._records.get(service))

    def _judge_host_visible(
        self, service: IntegrationService, evidence: GuestEvidence | None
    ) -> ServiceDiagnosis:
        component = self._components.get(service)
        if component is None:
            return _service_diagnosis(
                service=service,
                verdict=Verdict.UNKNOWN,
                guest_state=evidence.text if evidence is not None else "",
                **_guest_fields(evidence),
                host_status="not listed by the host",
            )
        if evidence is not None:
            observed, side, guest_text = True, evidence.side, evidence.text
            not_packaged = evidence.missing is not None
        else:
            observed, side, guest_text = False, None, ""
            packaging = self.packaging
            not_packaged = packaging is not None and packaging.missing(service) is not None
        entry, notes = _host_visible_verdict(
            service,
            component.enabled,
            component.primary_status,
            component.secondary_status,
            observed,
            side,
            guest_text,
            not_packaged,
            self._systems,
            self.running,
            service in self.needed,
        )
        if notes:
            self.notes.extend(notes)
        return entry

    def _judge_guest_only(
        self, service: GuestOnlyService, evidence: GuestEvidence | None
    ) -> ServiceDiagnosis:
        if not self.running or evidence is None:
            if self.guest_os is not None and not service.is_available_on(self.guest_os.product):
                return _service_diagnosis(
                    service=service,
                    verdict=Verdict.NOT_AVAILABLE,
                    causes=(Cause.NOT_AVAILABLE_ON_GUEST_OS,),
                )
            return _service_diagnosis(service=service, verdict=Verdict.UNKNOWN)
        if evidence.side is None:
            return _service_diagnosis(
                service=service,
                verdict=Verdict.NOT_AVAILABLE,
                causes=(Cause.NOT_AVAILABLE_ON_GUEST_OS,),
                guest_state=evidence.text,
                **_guest_fields(evidence),
            )
        causes = _causes(_reasons(service, evidence.side, enabled=None))
        if causes == [Cause.GUEST_SERVICE_STOPPED]:
            # Started on demand: stopped between sessions is its normal state.
            return _service_diagnosis(
                service=service,
                verdict=Verdict.FUNCTIONING,
                guest_state=evidence.text + " (starts on demand)",
                **_guest_fields(evidence),
            )
        return _service_diagnosis(
            service=service,
            verdict=Verdict.NOT_FUNCTIONING if causes else Verdict.FUNCTIONING,
            causes=tuple(causes),
            guest_state=evidence.text,
            **_guest_fields(evidence),
        )

    # --- features -------------------------------------------------------------------------

    # --- findings -------------------------------------------------------------------------

    def _broken_by(
        self, features: tuple[FeatureDiagnosis, ...], service: Service | None
    ) -> tuple[Feature, ...]:
        lost = {Verdict.NOT_FUNCTIONING, Verdict.NOT_AVAILABLE}
        return tuple(
            entry.feature
            for entry in features
            if entry.verdict in lost and (service is None or service in entry.blocking)
        )

    def _service_findings(
        self,
        services: list[ServiceDiagnosis],
        evidence: dict[Service, GuestEvidence | None],
        features: tuple[FeatureDiagnosis, ...],
    ) -> None:
        for entry in services:
            service = entry.service
            if isinstance(service, GuestOnlyService) and service not in self.needed:
                continue
            for cause in entry.causes:
                if cause in _VM_WIDE:
                    continue
                if cause in _UNAVAILABLE and not entry.host_enabled and service not in self.needed:
                    continue
                clue = Clue(
                    cause,
                    entry=entry,
                    evidence=evidence.get(service),
                    broken=self._broken_by(features, service),
                )
                self._add_finding(clue, service=service, verdict=entry.verdict)

    def _data_exchange_finding(
        self, services: list[ServiceDiagnosis], features: tuple[FeatureDiagnosis, ...]
    ) -> None:
        kvp = _KVP
        entry = next((e for e in services if e.service is kvp), None)
        if entry is None or entry.host_enabled is not False:
            return
        if self.host_os is None or self.guest_os is None:
            return
        try:
            rule = update_rule(self.host_os, self.guest_os)
        except UnsupportedCombinationError:
            return
        if kvp not in rule.prerequisites:
            return
        plan = plan_update(
            self.host_os, self.guest_os, vm_running=self.running, data_exchange_enabled=False
        )
        clue = Clue(
            Cause.DATA_EXCHANGE_REQUIRED_FOR_UPDATES,
            entry=entry,
            broken=self._broken_by(features, kvp),
            plan=plan,
            rule=rule,
        )
        self._add_finding(clue, service=kvp, verdict=entry.verdict)

    def _vm_wide_findings(
        self, services: list[ServiceDiagnosis], features: tuple[FeatureDiagnosis, ...]
    ) -> None:
        driver_missing = tuple(e for e in services if _KERNEL_DRIVER_MISSING in e.causes)
        if driver_missing:
            clue = Clue(
                Cause.KERNEL_DRIVER_MISSING,
                affected=driver_missing,
                broken=self._broken_by(features, None),
            )
            self._add_finding(clue, service=None, verdict=Verdict.NOT_FUNCTIONING)
        outdated = [e for e in services if _OUTDATED in e.causes]
        update_required = self.vm.integration_services_state is _UPDATE_REQUIRED
        if outdated or update_required:
            self._outdated_finding(outdated, update_required=update_required)

    def _outdated_finding(self, outdated: list[ServiceDiagnosis], *, update_required: bool) -> None:
        plan, why_not = self.plan()
        worst = max((e.verdict for e in outdated), key=lambda v: _SEVERITY.get(v, 0), default=None)
        clue = Clue(
            Cause.INTEGRATION_SERVICES_OUTDATED,
            affected=tuple(outdated),
            update_required=update_required,
            plan=plan,
            why_no_plan=why_not,
        )
        verdict = worst if worst is Verdict.NOT_FUNCTIONING else Verdict.DEGRADED
        self._add_finding(clue, service=None, verdict=verdict)

    def plan(self) -> tuple[UpdatePlan | None, str]:
        if self.host_os is None:
            return None, "the host's operating system is not known"
        if self.guest_os is None:
            return None, "the guest's operating system is not known (Data Exchange reports it)"
        kvp = self.vm.service(IntegrationService.KEY_VALUE_PAIR_EXCHANGE)
        try:
            plan = plan_update(
                self.host_os,
                self.guest_os,
                vm_running=self.running,
                data_exchange_enabled=kvp is None or kvp.enabled,
            )
        except (UnsupportedCombinationError, UnknownOperatingSystemError) as error:
            return None, str(error)
        return plan, ""

    def _unreachable_finding(self, reason: str) -> None:
        clue = Clue(Cause.GUEST_UNREACHABLE, reason=reason)
        self._add_finding(clue, service=None, verdict=Verdict.UNKNOWN)

    def _add_finding(self, clue: Clue, *, service: Service | None, verdict: Verdict) -> None:
        """Record a finding; its words and fixes come from the cause table."""
        self.findings.append(
            Finding(
                host=self.host,
                vm=self.vm.name,
                service=service,
                cause=clue.cause,
                verdict=verdict,
                explanation=explanation_for(self, clue),
                fixes=fixes_for(self, clue),
                features=clue.broken,
                plan=clue.plan,
                sources=sources_for(self, clue),
            )
        )


# The verdict on a host-visible service depends on a dozen small values (the component's
# state, the guest side's, the guest's and host's systems), and the same few combinations
# recur on every VM of a fleet: each is worked out once, with the notes it leaves. Untyped:
# its flags are bools (the component's is checked as one), and no two of its other
# arguments of different types compare equal, so the types would only double the key.
@functools.lru_cache(maxsize=4096)
# Positional only: the cache's key is then the arguments' tuple as given (keywords cost a
# third more per call, on a path taken for every service of every VM).
def _host_visible_verdict(  # noqa: PLR0917 - see above
    service: IntegrationService,
    enabled: bool,  # noqa: FBT001
    primary: OperationalStatus | None,
    secondary: OperationalStatus | None,
    observed: bool,  # noqa: FBT001
    side: GuestSide | None,
    guest_text: str,
    not_packaged: bool,  # noqa: FBT001
    systems: _Systems,
    running: bool,  # noqa: FBT001
    needed: bool,  # noqa: FBT001
    /,
) -> tuple[ServiceDiagnosis, tuple[str, ...]]:
    """A host-visible service's diagnosis, and the notes it adds to the VM's.

    Args:
        service: The service.
        enabled: Whether the host enables it.
        primary: The host's primary status for it.
        secondary: The host's secondary status for it.
        observed: Whether the guest reported its side (*side*, *guest_text*).
        side: The guest side for the semantics model (None: the guest cannot have it).
        guest_text: What the guest showed, in a few words.
        not_packaged: Whether the Linux guest's release ships no daemon for it.
        systems: The guest's and the host's operating systems, when known.
        running: Whether the VM runs.
        needed: Whether a requested feature needs the service.
    """
    guest_os, host_os = systems.guest_os, systems.host_os
    notes: list[str] = []
    if observed:
        reasons = list(_reasons(service, side, enabled=enabled))
    else:
        reasons = [] if enabled else [Reason.DISABLED_ON_HOST]
        if guest_os is not None and not service.is_available_on(guest_os.product):
            reasons.append(Reason.NOT_AVAILABLE_ON_GUEST_OS)
        elif guest_os is not None and guest_os.is_linux:
            # The distribution's supported-guests page may say the guest can't have it.
            why = unavailable_reason(host_os, guest_os, service)
            if why is not None:
                notes.append(why)
                reasons.append(Reason.NOT_AVAILABLE_ON_GUEST_OS)
    causes = _causes(reasons, side)
    if not_packaged:
        # Nothing to install or start: the distribution release has no daemon for it.
        verdict, causes = Verdict.NOT_AVAILABLE, [Cause.NOT_PACKAGED]
        causes.extend(_outdated_by_host(primary, secondary, running=running, enabled=enabled))
    elif Cause.NOT_AVAILABLE_ON_GUEST_OS in causes:
        verdict, causes = Verdict.NOT_AVAILABLE, [Cause.NOT_AVAILABLE_ON_GUEST_OS]
        causes.extend(_outdated_by_host(primary, secondary, running=running, enabled=enabled))
    elif Cause.DISABLED_ON_HOST in causes and not service.info.default_enabled and not needed:
        # Off as by default and not relied on: what its guest side looks like does not matter.
        verdict, causes = Verdict.OFF_BY_DEFAULT, []
        notes.append(
            f"{service.english_name} is off, as it is by default; enable it on the host "
            "to use the features that need it."
        )
    elif causes:
        verdict = Verdict.NOT_FUNCTIONING
        causes.extend(_outdated_by_host(primary, secondary, running=running, enabled=enabled))
    elif not running:
        verdict = Verdict.UNKNOWN
    else:
        verdict, host_causes = _host_verdict(primary, secondary, observed=observed)
        causes = list(host_causes)
    entry = _service_diagnosis(
        service=service,
        verdict=verdict,
        causes=tuple(causes),
        host_enabled=enabled,
        host_status=_statuses_text(primary, secondary),
        guest_state=guest_text,
        **_side_fields(side),
        host_primary_status=primary,
        host_secondary_status=secondary,
    )
    return entry, tuple(notes)


def _outdated_by_host(
    primary: OperationalStatus | None,
    secondary: OperationalStatus | None,
    *,
    running: bool,
    enabled: bool,
) -> list[Cause]:
    """Out-of-date integration services, when the host's statuses say so.

    They are a fact about the VM whatever else is wrong with the service (not available
    on this guest, not working); the host's contact statuses, though, are explained by
    the guest side, so only the outdated cause is taken from them here.
    """
    if not (running and enabled):
        return []
    _, host_causes = _host_verdict(primary, secondary, observed=True)
    return [c for c in host_causes if c is Cause.INTEGRATION_SERVICES_OUTDATED]


def _guest_os(vm: VM, guest: Guest | GuestUnreachable | None) -> OperatingSystem | None:
    """The guest's OS: the host's word (Data Exchange), else what the running guest said."""
    if vm.guest_os is not None:
        return vm.guest_os
    return guest.os if isinstance(guest, Guest) else None


@functools.lru_cache(maxsize=4096)
def _feature_needs(
    feature: Feature, guest_os: OperatingSystem | None, host_os: OperatingSystem | None
) -> tuple[Service, ...]:
    """The services *feature* needs on this guest and host, in report order (memoized)."""
    if guest_os is None:
        if feature is Feature.WINDOWS_UPDATE_INTEGRATION_SERVICES:
            return ()
        info = feature.info
        wanted: frozenset[Service] = frozenset(info.services | info.guest_only)
    else:
        wanted = services_needed(feature, guest_os, host=host_os)
    return tuple(service for service in DIAGNOSED_SERVICES if service in wanted)


@functools.lru_cache(maxsize=1024, typed=True)
def _reasons(
    service: Service, side: GuestSide | None, *, enabled: bool | None
) -> tuple[Reason, ...]:
    """Why the service does not work, by the semantics model (a few dozen distinct cases)."""
    return tuple(ServiceState(service, enabled, side).reasons)


def _causes(reasons: Iterable[Reason], side: GuestSide | None = None) -> list[Cause]:
    """The causes behind *reasons*, without those that are only consequences of another."""
    causes = [_CAUSE_OF_REASON[r] for r in reasons if r in _CAUSE_OF_REASON]
    if Cause.GUEST_STARTUP_DISABLED in causes:
        # Stopped is the consequence; the startup type is what to fix.
        causes.remove(Cause.GUEST_SERVICE_STOPPED)
    if Cause.KERNEL_DRIVER_MISSING in causes and Cause.DAEMON_NOT_RUNNING in causes:
        # A daemon exits when its channel closes: the driver is the cause to fix.
        causes.remove(Cause.DAEMON_NOT_RUNNING)
    if Cause.DISABLED_ON_HOST in causes:
        # Disabling a service on the host stops its guest side, and enabling it starts the
        # guest side again (a Windows service unless its startup type is Disabled; a Linux
        # daemon whose unit its VMBus device pulls in): stopped is then no cause of its own.
        if Cause.GUEST_SERVICE_STOPPED in causes:
            causes.remove(Cause.GUEST_SERVICE_STOPPED)
        pulled_in = isinstance(side, LinuxDaemonService) and side.unit is UnitState.ENABLED
        if Cause.DAEMON_NOT_RUNNING in causes and pulled_in:
            causes.remove(Cause.DAEMON_NOT_RUNNING)
    return causes


@functools.lru_cache(maxsize=256)
def _statuses_text(primary: OperationalStatus | None, secondary: OperationalStatus | None) -> str:
    return " / ".join(s.value for s in (primary, secondary) if s)


@functools.lru_cache(maxsize=4096)
def _feature_entries(
    windows: bool,  # noqa: FBT001 - positional, as a cache's key
    judged: tuple[Verdict, ...],
    systems: _Systems,
    requested: frozenset[Feature],
) -> tuple[FeatureDiagnosis, ...]:
    """Each feature's verdict from its services' verdicts (the same few cases fleet-wide).

    *judged* are the verdicts of :data:`DIAGNOSED_SERVICES` for a Windows guest, else of the
    host-visible services, in that order.
    """
    guest_os, host_os = systems.guest_os, systems.host_os
    verdict_of = dict(zip(DIAGNOSED_SERVICES if windows else _HOST_VISIBLE, judged, strict=True))
    entries = []
    for feature in Feature:
        needs = _feature_needs(feature, guest_os, host_os)
        verdicts = [(s, verdict_of[s]) for s in needs if s in verdict_of]
        if not verdicts:
            continue
        blocking = tuple(s for s, verdict in verdicts if verdict in _BLOCKING)
        entries.append(
            _feature_diagnosis(
                feature=feature,
                verdict=_feature_verdict([verdict for _, verdict in verdicts]),
                needs=needs,
                blocking=blocking,
                requested=feature in requested,
            )
        )
    return tuple(entries)


def _guest_fields(evidence: GuestEvidence | None) -> dict[str, Any]:
    """The guest side as data, beside its words (``guest_state``)."""
    return _side_fields(evidence.side if evidence is not None else None)


def _side_fields(side: GuestSide | None) -> dict[str, Any]:
    if side is None:
        return {}
    start_type = side.start_type if isinstance(side, WindowsGuestService) else None
    return {
        "guest_installed": side.installed,
        "guest_running": side.running,
        "guest_start_type": start_type,
    }


@functools.lru_cache(maxsize=256)
def _host_verdict(
    primary: OperationalStatus | None, secondary: OperationalStatus | None, *, observed: bool
) -> tuple[Verdict, tuple[Cause, ...]]:
    judged = [
        _HOST_STATUS.get(status, (Verdict.UNKNOWN, None))
        for status in (primary, secondary)
        if status is not None
    ]
    causes = tuple(dict.fromkeys(cause for _, cause in judged if cause is not None))
    if not judged:
        return (Verdict.FUNCTIONING if observed else Verdict.UNKNOWN), causes
    verdict = max((v for v, _ in judged), key=_SEVERITY.__getitem__)
    if verdict is Verdict.UNKNOWN and observed:
        return Verdict.FUNCTIONING, causes
    return verdict, causes


def _feature_verdict(verdicts: list[Verdict]) -> Verdict:
    if any(v in {Verdict.NOT_FUNCTIONING, Verdict.NOT_AVAILABLE} for v in verdicts):
        if all(v in {Verdict.NOT_AVAILABLE, Verdict.FUNCTIONING} for v in verdicts):
            return Verdict.NOT_AVAILABLE
        return Verdict.NOT_FUNCTIONING
    for verdict in (Verdict.OFF_BY_DEFAULT, Verdict.UNKNOWN, Verdict.DEGRADED):
        if verdict in verdicts:
            return verdict
    return Verdict.FUNCTIONING
