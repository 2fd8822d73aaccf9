"""What each cause says and how it is fixed: one table beside the diagnosis engine.

The engine (:mod:`vmic.diagnosis._engine`) decides the verdicts and which findings a VM
has; for each finding it hands this table a :class:`Clue` (the facts it found) and the
VM's :class:`Case`, and takes the explanation and the fixes from the cause's
:class:`CauseEntry`. Adding a cause means one :class:`~vmic.rules._causes.Cause` member
and one entry in :data:`CAUSES` (plus the simulated lab, if it must plant it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Protocol

import attrs

from vmic.diagnosis import _fixes
from vmic.diagnosis._evidence import unit_state
from vmic.diagnosis._results import Fix, service_name, status_words
from vmic.executors._command import Shell
from vmic.executors._scripting import posix_quote
from vmic.model._linux import InitSystem, packaging_for
from vmic.model._services import GuestOnlyService, IntegrationService
from vmic.model._time_sync import CHRONY_MAKESTEP, PTP_REFCLOCK
from vmic.rules._causes import Cause
from vmic.rules._plans import StepRole, StepSide

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from vmic.diagnosis._evidence import GuestEvidence
    from vmic.diagnosis._results import Service, ServiceDiagnosis
    from vmic.model._guest import Guest, GuestService, GuestUnreachable
    from vmic.model._host import VM
    from vmic.model._linux import ChronyFacts, LinuxPackaging, NotPackaged
    from vmic.model._operating_system import OperatingSystem
    from vmic.rules._features import Feature
    from vmic.rules._matrix import UpdateRule
    from vmic.rules._plans import UpdatePlan

__all__ = [
    "CAUSES",
    "Case",
    "CauseEntry",
    "Clue",
    "explanation_for",
    "fixes_for",
    "sources_for",
]


class Case(Protocol):
    """What the table reads about the VM under diagnosis (the engine's working state)."""

    @property
    def vm(self) -> VM:
        """The host's view of the VM."""
        ...

    @property
    def guest(self) -> Guest | GuestUnreachable | None:
        """What the guest reported, when it was asked and the VM runs."""
        ...

    @property
    def guest_os(self) -> OperatingSystem | None:
        """The guest's operating system, when known."""
        ...

    @property
    def host_os(self) -> OperatingSystem | None:
        """The host's operating system, when known."""
        ...

    @property
    def packaging(self) -> LinuxPackaging | None:
        """The Linux guest's packaging, or None for a guest not known to run Linux."""
        ...

    @property
    def needed(self) -> frozenset[Service]:
        """The services the features asked for need."""
        ...

    def plan(self) -> tuple[UpdatePlan | None, str]:
        """The update plan for the VM, or None and why there is none."""
        ...

    def windows_guest(self) -> bool:
        """Whether the guest runs (or may run) Windows."""
        ...


@attrs.frozen
class Clue:
    """The facts the engine found behind one finding.

    Attributes:
        cause: The cause.
        entry: The service's diagnosis, or None for a cause of the whole VM.
        evidence: What the guest showed of the service.
        broken: The features the finding breaks.
        affected: For a cause of the whole VM, the services it touches.
        reason: Why the guest could not be asked.
        plan: The update plan the finding carries, when the engine made one.
        why_no_plan: Why there is no plan, when there is none.
        update_required: Whether ``Get-VM`` shows ``Update required``.
        rule: The update-matrix answer behind the finding.
    """

    cause: Cause
    entry: ServiceDiagnosis | None = None
    evidence: GuestEvidence | None = None
    broken: tuple[Feature, ...] = ()
    affected: tuple[ServiceDiagnosis, ...] = ()
    reason: str = ""
    plan: UpdatePlan | None = None
    why_no_plan: str = ""
    update_required: bool = False
    rule: UpdateRule | None = None

    @property
    def service_entry(self) -> ServiceDiagnosis:
        """The service's diagnosis, for causes that concern one service."""
        if self.entry is None:
            msg = f"{self.cause!r} needs the service's diagnosis"
            raise ValueError(msg)
        return self.entry


@attrs.frozen
class CauseEntry:
    """How one cause is told and fixed.

    Attributes:
        explain: Builds the explanation of a finding with this cause.
        fixes: Builds the fixes of a finding with this cause.
        sources: Builds where the facts behind the finding come from, and which of them no
            source showed (research notes: kept out of the explanation, shown once).
    """

    explain: Callable[[Case, Clue], str]
    fixes: Callable[[Case, Clue], tuple[Fix, ...]]
    sources: Callable[[Case, Clue], tuple[str, ...]] = attrs.field(default=lambda _case, _clue: ())


# --- shared pieces --------------------------------------------------------------------------


def _impact(clue: Clue) -> str:
    """What the user loses: the symptoms of the features lost, else the catalog's impact."""
    service = clue.service_entry.service
    return " ".join(feature.info.symptom for feature in clue.broken) or (
        service.info.impact_text
        if isinstance(service, IntegrationService)
        else service.info.description
    )


def _packaging(case: Case) -> LinuxPackaging:
    return case.packaging or packaging_for(None)


def _linux_service(clue: Clue) -> IntegrationService:
    service = clue.service_entry.service
    if not isinstance(service, IntegrationService):
        msg = f"{clue.cause!r} concerns Linux daemons, not {service!r}"
        raise TypeError(msg)
    return service


def _upgrade(service: Service) -> Fix:
    first = " or ".join(p.display_name for p in service.info.added_in)
    return Fix(
        side=StepSide.GUEST,
        title=f"Upgrade the guest to {first} or later",
        detail=f"{service_name(service)} does not exist on older guests.",
        automatable=False,
    )


def _plan_or_reinstall(case: Case, _clue: Clue) -> tuple[Fix, ...]:
    plan, why_not = case.plan()
    if plan is not None:
        return _fixes.plan_fixes(plan, case.vm.name, case.vm.id)
    return (
        Fix(
            side=StepSide.GUEST,
            title="Reinstall the guest's integration services",
            detail=why_not,
            automatable=False,
        ),
    )


def _host_visible(
    build: Callable[[Case, Clue, IntegrationService], tuple[Fix, ...]],
) -> Callable[[Case, Clue], tuple[Fix, ...]]:
    """Fixes for an integration service, by *build*.

    A guest-only service (PowerShell Direct) is repaired by updating or reinstalling
    the guest's integration services instead.
    """

    def fixes(case: Case, clue: Clue) -> tuple[Fix, ...]:
        service = clue.service_entry.service
        if isinstance(service, GuestOnlyService):
            return _plan_or_reinstall(case, clue)
        return build(case, clue, service)

    return fixes


def _daemon_name(
    evidence: GuestEvidence | None, packaging: LinuxPackaging, service: IntegrationService
) -> str:
    if evidence is not None and evidence.daemon is not None:
        return evidence.daemon.name
    return packaging.daemon_for(service) or service.info.linux_daemons[0]


def _daemon_start(
    packaging: LinuxPackaging, service: IntegrationService, daemon: GuestService | None
) -> Fix:
    unit = daemon.unit if daemon is not None else None
    state = unit_state(unit).value if daemon is not None else "enabled"
    return _fixes.start_daemon(
        packaging,
        service,
        daemon=daemon.name if daemon is not None else None,
        unit=unit,
        unit_state=state,
    )


def _description_only(_case: Case, clue: Clue) -> str:
    return clue.cause.description


def _no_fixes(_case: Case, _clue: Clue) -> tuple[Fix, ...]:
    return ()


# --- one service's causes -------------------------------------------------------------------


def _explain_disabled_on_host(case: Case, clue: Clue) -> str:
    name, vm = clue.service_entry.name, case.vm.name
    return f"{name} is disabled in the settings of VM {vm!r} on the Hyper-V host. {_impact(clue)}"


def _fix_disabled_on_host(case: Case, _clue: Clue, service: IntegrationService) -> tuple[Fix, ...]:
    return (_fixes.enable_on_host(case.vm.name, case.vm.id, service),)


def _explain_guest_service_stopped(_case: Case, clue: Clue) -> str:
    entry = clue.service_entry
    return (
        f"The guest service {entry.service.info.windows_service} is stopped. Hyper-V starts it "
        f"again on its own while {entry.name} is enabled on the host; if it stays stopped, "
        f"start it. {_impact(clue)}"
    )


def _fix_guest_service_stopped(
    _case: Case, _clue: Clue, service: IntegrationService
) -> tuple[Fix, ...]:
    return (
        _fixes.start_windows_service(
            service.info.windows_service, enable_startup=False, service=service
        ),
    )


def _explain_guest_startup_disabled(_case: Case, clue: Clue) -> str:
    entry = clue.service_entry
    return (
        f"The guest service {entry.service.info.windows_service} has startup type Disabled, so "
        f"Hyper-V cannot start it although {entry.name} is enabled on the host. {_impact(clue)}"
    )


def _fix_guest_startup_disabled(_case: Case, clue: Clue) -> tuple[Fix, ...]:
    # The same for PowerShell Direct: its service must be allowed to start on demand.
    service = clue.service_entry.service
    name = service.info.windows_service
    return (_fixes.start_windows_service(name, enable_startup=True, service=service),)


def _explain_guest_service_missing(_case: Case, clue: Clue) -> str:
    return (
        f"The guest has no {clue.service_entry.service.info.windows_service} service: its "
        f"integration services are missing or damaged. {_impact(clue)}"
    )


def _explain_not_available(case: Case, clue: Clue) -> str:
    entry = clue.service_entry
    first = " or ".join(p.display_name for p in entry.service.info.added_in)
    os_name = case.guest_os.name if case.guest_os is not None else "this guest"
    extra = (
        " It is enabled on the host, where it can only report errors." if entry.host_enabled else ""
    )
    return f"{os_name} guests cannot have {entry.name}: it needs {first} or later.{extra}"


def _fix_not_available(case: Case, clue: Clue) -> tuple[Fix, ...]:
    entry = clue.service_entry
    service = entry.service
    if isinstance(service, GuestOnlyService):
        return (_upgrade(service),)
    fixes = (
        [_fixes.disable_on_host(case.vm.name, case.vm.id, service)] if entry.host_enabled else []
    )
    if service in case.needed:
        fixes.append(_upgrade(service))
    return tuple(fixes)


def _explain_contact(_case: Case, clue: Clue) -> str:
    entry = clue.service_entry
    seen = f" The guest shows it {clue.evidence.text}." if clue.evidence is not None else ""
    return (
        f"{clue.cause.description} The host reports {status_words(entry)} for {entry.name}.{seen} "
        f"{_impact(clue)}"
    )


def _fix_contact(case: Case, clue: Clue, service: IntegrationService) -> tuple[Fix, ...]:
    if not case.windows_guest():
        packaging = _packaging(case)
        daemon = clue.evidence.daemon if clue.evidence is not None else None
        if packaging.daemon_for(service) is not None:
            return (_daemon_start(packaging, service, daemon),)
        return (_fixes.load_hv_utils(),)
    return (_fixes.restart_windows_service(service.info.windows_service, service=service),)


def _explain_daemon_not_installed(case: Case, clue: Clue) -> str:
    packaging = _packaging(case)
    daemon = _daemon_name(clue.evidence, packaging, _linux_service(clue))
    return (
        f"{clue.service_entry.name} needs the {daemon} daemon in the guest, and it is not "
        f"installed; on {packaging.name or packaging.family} it comes from "
        f"{', '.join(packaging.packages) or 'the base system'}. {_impact(clue)}"
    )


def _fix_daemon_not_installed(
    case: Case, _clue: Clue, service: IntegrationService
) -> tuple[Fix, ...]:
    return (_fixes.install_daemon(_packaging(case), service),)


def _explain_daemon_not_running(case: Case, clue: Clue) -> str:
    packaging = _packaging(case)
    service = _linux_service(clue)
    daemon = _daemon_name(clue.evidence, packaging, service)
    seen = clue.evidence.daemon if clue.evidence is not None else None
    unit = packaging.unit_for(service, daemon)
    unit_words = f" (unit {unit})" if unit else ""
    seen_words = f": {seen.evidence}" if seen is not None else ""
    return (
        f"{clue.service_entry.name} needs the {daemon} daemon{unit_words}, which is installed "
        f"but not running{seen_words}; Hyper-V does not restart Linux daemons. {_impact(clue)}"
    )


def _fix_daemon_not_running(case: Case, clue: Clue, service: IntegrationService) -> tuple[Fix, ...]:
    daemon = clue.evidence.daemon if clue.evidence is not None else None
    return (_daemon_start(_packaging(case), service, daemon),)


def _missing(case: Case, clue: Clue) -> NotPackaged:
    service = _linux_service(clue)
    missing = clue.evidence.missing if clue.evidence is not None else None
    found = missing or _packaging(case).missing(service)
    if found is None:
        msg = f"{clue.cause!r} needs a service its distribution does not package"
        raise ValueError(msg)
    return found


def _explain_not_packaged(case: Case, clue: Clue) -> str:
    missing = _missing(case, clue)
    entry = clue.service_entry
    on_host = (
        " It is enabled on the host, where it can only report errors."
        if (entry.host_enabled)
        else ""
    )
    return f"{missing.reason}.{on_host} {_impact(clue)}"


#: What replaces a service the guest cannot have, by service (Copy-VMFile's alternatives).
_INSTEAD: Final = {
    IntegrationService.GUEST_SERVICE_INTERFACE: (
        "Copy files into the guest another way",
        (
            "Copy-VMFile needs the guest's file-copy daemon. Copy over SSH (scp, sftp), from "
            "a network share, or from an ISO or VHDX attached to the VM instead."
        ),
    ),
}


def _fix_not_packaged(case: Case, clue: Clue, service: IntegrationService) -> tuple[Fix, ...]:
    missing = _missing(case, clue)
    fixes: list[Fix] = []
    instead = _INSTEAD.get(service)
    if instead is not None:
        fixes.append(
            Fix(side=StepSide.GUEST, title=instead[0], detail=instead[1], automatable=False)
        )
    if missing.build:
        daemon = "hv_fcopy_uio_daemon" if service is _GSI else "the daemon"
        fixes.append(
            Fix(
                side=StepSide.GUEST,
                title=f"Or build {daemon} yourself",
                detail=missing.build[:1].upper() + missing.build[1:] + ". The distribution "
                "does not support a daemon built this way.",
                role=StepRole.ALTERNATIVE,
                automatable=False,
            )
        )
    if clue.service_entry.host_enabled:
        fixes.append(
            attrs.evolve(
                _fixes.disable_on_host(case.vm.name, case.vm.id, service),
                role=StepRole.ALTERNATIVE,
                detail="If nothing needs it: enabled, it can only report errors for this guest.",
            )
        )
    return tuple(fixes)


# --- time-sync posture ---------------------------------------------------------------------
# Sources: Microsoft, "Virtualizing domain controllers with Hyper-V" @038f5a79 (ms.date
# 06/09/2023), "Time service and synchronization"; the chrony lines are Microsoft's "Time sync
# for Linux VMs in Azure" @00771b6 (ms.date 04/26/2023). See vmic.diagnosis._time_sync.

_TIME_SYNCHRONIZATION: Final = IntegrationService.TIME_SYNCHRONIZATION
_GSI: Final = IntegrationService.GUEST_SERVICE_INTERFACE
_PROVIDER_KEY: Final = (
    r"HKLM\SYSTEM\CurrentControlSet\Services\W32Time\TimeProviders\VMICTimeProvider"
)
_DOMAIN_HIERARCHY: Final = (
    f"reg add {_PROVIDER_KEY} /v Enabled /t REG_DWORD /d 0 /f",
    "w32tm /config /syncfromflags:DOMHIER /update",
    "Restart-Service -Name w32time",
    "w32tm /resync /force",
    "w32tm /query /source",
)


def _explain_with_evidence(_case: Case, clue: Clue) -> str:
    return f"{clue.cause.description} Evidence: {clue.reason}."


def _fix_dc_from_host(case: Case, _clue: Clue) -> tuple[Fix, ...]:
    host_side = attrs.evolve(
        _fixes.disable_on_host(case.vm.name, case.vm.id, IntegrationService.TIME_SYNCHRONIZATION),
        detail="Microsoft, 'Virtualizing domain controllers with Hyper-V' (Time service and "
        "synchronization): the DC then synchronizes with the domain hierarchy.",
    )
    guest_side = Fix(
        side=StepSide.GUEST,
        title="Stop w32tm using the host's provider and follow the domain hierarchy",
        commands=_DOMAIN_HIERARCHY,
        shell=Shell.POWERSHELL,
        role=StepRole.ALTERNATIVE,
        detail="Keeps the host's one-off correction after a restore from saved state; on the "
        "forest root PDC emulator configure an external NTP source instead of DOMHIER "
        "(w32tm /config /manualpeerlist:<servers> /syncfromflags:MANUAL /reliable:YES /update).",
    )
    return (host_side, guest_side)


def _fix_member_from_host(_case: Case, _clue: Clue) -> tuple[Fix, ...]:
    return (
        Fix(
            side=StepSide.GUEST,
            title="Let w32tm follow the domain hierarchy (if the host's time is not the domain's)",
            commands=_DOMAIN_HIERARCHY,
            shell=Shell.POWERSHELL,
            detail="A report, not necessarily a fault: fine while the host itself follows the "
            "domain's time.",
        ),
    )


def _chrony(case: Case) -> ChronyFacts:
    chrony = _packaging(case).chrony
    if chrony is None:  # pragma: no cover - every packaging row knows chrony
        chrony = packaging_for(None).chrony
    assert chrony is not None  # noqa: S101 - the Debian row knows it
    return chrony


def _restart_chrony(case: Case, chrony: ChronyFacts) -> tuple[str, ...]:
    service = posix_quote(chrony.service)
    init = _packaging(case).init
    if init is InitSystem.OPENRC:
        return (f"sudo rc-service {service} restart",)
    if init is InitSystem.SYSTEMD:
        return (f"sudo systemctl restart {service}",)
    return ()


def _chrony_words(chrony: ChronyFacts) -> str:
    return f"{chrony.path} and the service {chrony.service}"


def _fix_no_ptp_refclock(case: Case, _clue: Clue) -> tuple[Fix, ...]:
    chrony = _chrony(case)
    lines = " ".join(posix_quote(line) for line in (PTP_REFCLOCK, CHRONY_MAKESTEP))
    return (
        Fix(
            side=StepSide.GUEST,
            title="Let chrony read the Hyper-V PTP clock",
            commands=(
                f"printf '%s\\n' {lines} | sudo tee -a {posix_quote(chrony.path)}",
                *_restart_chrony(case, chrony),
                "chronyc sources",
            ),
            shell=Shell.POSIX,
            detail="An advisory. The lines are Microsoft's ('Time sync for Linux VMs in Azure'): "
            "the host's clock as stratum 2, and a step whenever the clock is off by more than a "
            f"second (replace an earlier makestep line). Here: {_chrony_words(chrony)}; install "
            "chrony first if the guest has none.",
        ),
    )


def _enable_chrony(case: Case, chrony: ChronyFacts) -> tuple[str, ...]:
    service = posix_quote(chrony.service)
    init = _packaging(case).init
    if init is InitSystem.OPENRC:
        return (f"sudo rc-update add {service} default", f"sudo rc-service {service} start")
    if init is InitSystem.SYSTEMD:
        return (f"sudo systemctl enable --now {service}",)
    return ()


def _fix_no_time_source(case: Case, _clue: Clue) -> tuple[Fix, ...]:
    if not case.windows_guest():
        return (
            Fix(
                side=StepSide.GUEST,
                title="Give the guest a network time source (chrony with server/pool lines)",
                commands=(
                    *_enable_chrony(case, _chrony(case)),
                    "chronyc sources",
                ),
                shell=Shell.POSIX,
                detail="Or enable Time Synchronization for the VM on the host. Here: "
                f"{_chrony_words(_chrony(case))}.",
            ),
        )
    return (
        Fix(
            side=StepSide.GUEST,
            title="Give w32tm a source: the domain hierarchy, or NTP servers",
            commands=_DOMAIN_HIERARCHY[1:],
            shell=Shell.POWERSHELL,
            detail="Outside a domain: w32tm /config /manualpeerlist:<servers> "
            "/syncfromflags:MANUAL /update. Or enable Time Synchronization on the host.",
        ),
    )


# --- causes of the whole VM -----------------------------------------------------------------


def _explain_kernel_driver_missing(_case: Case, clue: Clue) -> str:
    names = ", ".join(service_name(entry.service) for entry in clue.affected)
    return (
        f"{Cause.KERNEL_DRIVER_MISSING.description} Every integration service of a Linux "
        f"guest runs over it; not working here: {names}."
    )


def _fix_kernel_driver_missing(_case: Case, _clue: Clue) -> tuple[Fix, ...]:
    return (_fixes.load_hv_utils(),)


def _explain_outdated(case: Case, clue: Clue) -> str:
    evidence = []
    if clue.affected:
        shown = ", ".join(f"{e.name} ({status_words(e)})" for e in clue.affected)
        evidence.append(f"the host reports {shown}")
    if clue.update_required:
        evidence.append("Get-VM shows IntegrationServicesState 'Update required'")
    version = case.vm.integration_services_version
    if version is not None:
        evidence.append(f"the guest's integration services are version {version}")
    explanation = (
        f"{Cause.INTEGRATION_SERVICES_OUTDATED.description} Evidence: " + "; ".join(evidence) + "."
    )
    if clue.plan is not None:
        return (
            explanation
            + f" On this host the guest gets updates through {clue.plan.rule.mechanism.label}."
        )
    return explanation + f" No update plan: {clue.why_no_plan}."


def _fix_outdated(case: Case, clue: Clue) -> tuple[Fix, ...]:
    if clue.plan is not None:
        return _fixes.plan_fixes(clue.plan, case.vm.name, case.vm.id)
    return (
        Fix(
            side=StepSide.GUEST,
            title="Update the guest's integration services",
            detail=f"{clue.why_no_plan}; 'vmic plan --host <host OS> --guest <guest OS>' "
            "prints the steps once both are known.",
            automatable=False,
        ),
    )


def _explain_data_exchange_required(case: Case, clue: Clue) -> str:
    rule = clue.rule
    if rule is None or case.guest_os is None or case.host_os is None:
        return Cause.DATA_EXCHANGE_REQUIRED_FOR_UPDATES.description
    label = rule.row.guest_label if rule.row is not None else case.guest_os.name
    return (
        f"{Cause.DATA_EXCHANGE_REQUIRED_FOR_UPDATES.description} The update matrix row for "
        f"{label} guests on a {case.host_os.name} host says Windows Update requires the Data "
        "Exchange integration service."
    )


def _fix_with_plan(case: Case, clue: Clue) -> tuple[Fix, ...]:
    if clue.plan is None:
        return ()
    return _fixes.plan_fixes(clue.plan, case.vm.name, case.vm.id)


def _explain_guest_unreachable(_case: Case, clue: Clue) -> str:
    return (
        f"{Cause.GUEST_UNREACHABLE.description} ({clue.reason}) The verdicts for this VM "
        "rest on the host's view alone."
    )


def _fix_guest_unreachable(case: Case, _clue: Clue) -> tuple[Fix, ...]:
    how = (
        "Windows guests are asked through PowerShell Direct from the host: the guest must "
        "run Windows 10 / Server 2016 or later with vmicvmsession enabled, and vmic needs a "
        "guest account."
        if case.windows_guest()
        else "Linux guests are asked over SSH at the address Data Exchange reports: the "
        "guest must accept vmic's key or account."
    )
    return (
        Fix(
            side=StepSide.GUEST,
            title="Give vmic access to the guest",
            detail=how,
            automatable=False,
        ),
    )


# --- sources: where the facts behind a finding come from (research notes) ------------------


def _rule_sources(_case: Case, clue: Clue) -> tuple[str, ...]:
    """The update-matrix row (or general statement) the finding rests on."""
    return () if clue.rule is None else (str(clue.rule.provenance),)


def _packaging_sources(case: Case, _clue: Clue) -> tuple[str, ...]:
    """Where the guest distribution's package, daemon and unit names come from."""
    if case.windows_guest():
        return ()
    packaging = _packaging(case)
    where = packaging.name or packaging.family
    found = [f"Package, daemon and unit names for {where}: {packaging.source}"]
    if not packaging.verified:
        found.append(_fixes.unverified_words(packaging).strip(" ()"))
    return tuple(found)


def _not_packaged_sources(case: Case, clue: Clue) -> tuple[str, ...]:
    return (_missing(case, clue).source, *_packaging_sources(case, clue)[1:])


def _chrony_sources(case: Case, _clue: Clue) -> tuple[str, ...]:
    """Where chrony's configuration file and service name come from, on a Linux guest."""
    if case.windows_guest():
        return ()
    chrony = _chrony(case)
    found = [f"chrony's configuration and service for this distribution: {chrony.source}"]
    if not chrony.verified:
        found.append("Unverified for this distribution: chrony's configuration path and service")
    return tuple(found)


# --- the table ------------------------------------------------------------------------------

_CONTACT: Final = CauseEntry(_explain_contact, _host_visible(_fix_contact), _packaging_sources)

#: For each cause, how a finding with it is explained and fixed.
CAUSES: Final[Mapping[Cause, CauseEntry]] = {
    Cause.DISABLED_ON_HOST: CauseEntry(
        _explain_disabled_on_host, _host_visible(_fix_disabled_on_host)
    ),
    Cause.GUEST_SERVICE_STOPPED: CauseEntry(
        _explain_guest_service_stopped, _host_visible(_fix_guest_service_stopped)
    ),
    Cause.GUEST_STARTUP_DISABLED: CauseEntry(
        _explain_guest_startup_disabled, _fix_guest_startup_disabled
    ),
    Cause.GUEST_SERVICE_MISSING: CauseEntry(_explain_guest_service_missing, _plan_or_reinstall),
    Cause.NOT_AVAILABLE_ON_GUEST_OS: CauseEntry(_explain_not_available, _fix_not_available),
    Cause.INTEGRATION_SERVICES_OUTDATED: CauseEntry(
        _explain_outdated, _fix_outdated, _rule_sources
    ),
    Cause.NO_CONTACT: _CONTACT,
    Cause.LOST_COMMUNICATION: _CONTACT,
    Cause.COMPONENT_ERROR: _CONTACT,
    Cause.KERNEL_DRIVER_MISSING: CauseEntry(
        _explain_kernel_driver_missing, _fix_kernel_driver_missing, _packaging_sources
    ),
    Cause.DAEMON_NOT_INSTALLED: CauseEntry(
        _explain_daemon_not_installed,
        _host_visible(_fix_daemon_not_installed),
        _packaging_sources,
    ),
    Cause.DAEMON_NOT_RUNNING: CauseEntry(
        _explain_daemon_not_running, _host_visible(_fix_daemon_not_running), _packaging_sources
    ),
    Cause.NOT_PACKAGED: CauseEntry(
        _explain_not_packaged, _host_visible(_fix_not_packaged), _not_packaged_sources
    ),
    Cause.DATA_EXCHANGE_REQUIRED_FOR_UPDATES: CauseEntry(
        _explain_data_exchange_required, _fix_with_plan, _rule_sources
    ),
    # Not raised by the diagnosis today: the plain words serve.
    Cause.VM_NOT_RUNNING: CauseEntry(_description_only, _no_fixes),
    Cause.GUEST_UNREACHABLE: CauseEntry(_explain_guest_unreachable, _fix_guest_unreachable),
    Cause.HOST_UNREACHABLE: CauseEntry(_description_only, _no_fixes),
    # Time-sync posture (found by vmic.diagnosis._time_sync; the clue's reason is the evidence).
    Cause.TIME_SYNC_DC_FROM_HOST: CauseEntry(_explain_with_evidence, _fix_dc_from_host),
    Cause.TIME_SYNC_MEMBER_FROM_HOST: CauseEntry(_explain_with_evidence, _fix_member_from_host),
    Cause.TIME_SYNC_NO_PTP_REFCLOCK: CauseEntry(
        _explain_with_evidence, _fix_no_ptp_refclock, _chrony_sources
    ),
    Cause.TIME_SYNC_NO_SOURCE: CauseEntry(
        _explain_with_evidence, _fix_no_time_source, _chrony_sources
    ),
}


def explanation_for(case: Case, clue: Clue) -> str:
    """The explanation of a finding with *clue*'s cause."""
    return CAUSES[clue.cause].explain(case, clue)


def fixes_for(case: Case, clue: Clue) -> tuple[Fix, ...]:
    """The fixes of a finding with *clue*'s cause."""
    return CAUSES[clue.cause].fixes(case, clue)


def sources_for(case: Case, clue: Clue) -> tuple[str, ...]:
    """Where the facts behind a finding with *clue*'s cause come from (may be empty)."""
    return CAUSES[clue.cause].sources(case, clue)
