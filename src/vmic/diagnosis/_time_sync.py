r"""Time-sync posture: the set-ups that make a guest's clock drift or follow the wrong master.

Called once per VM by the engine with what the host and the guest reported; returns
findings only when the guest reported its time posture (the ``time`` / ``time-sync``
sections of the guest checks).

Sources:

- Domain controllers: Microsoft, "Virtualizing domain controllers with Hyper-V",
  ``WindowsServerDocs/identity/ad-ds/get-started/virtual-dc/virtualized-domain-controllers-
  hyper-v.md`` @038f5a79 (ms.date 06/09/2023), section "Time service and
  synchronization": disable time synchronization between the host and a guest that is a
  DC, so that the DC synchronizes with the domain hierarchy (uncheck **Time
  synchronization** in the VM's Integration Services). The guest-side alternative, setting
  ``HKLM\SYSTEM\CurrentControlSet\Services\W32Time\TimeProviders\VMICTimeProvider\Enabled`` to
  0, keeps the host's correction after a restore from saved state while w32tm stops using the
  host as a running source (the Hyper-V team's position quoted in Microsoft's AD time
  troubleshooting notes, found through the code search; not re-verified on a current page).
- Linux: the Hyper-V PTP clock and chrony's ``refclock PHC /dev/ptp_hyperv poll 3 dpoll -2
  offset 0`` line are Microsoft's Azure Linux time-sync guidance ("Time sync for Linux VMs
  in Azure"); UNVERIFIED here against the page's current revision.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import attrs

from vmic.diagnosis import _fixes
from vmic.diagnosis._results import Finding, Fix, Verdict
from vmic.executors._command import Shell
from vmic.executors._scripting import posix_quote
from vmic.model._observations import LinuxGuestObservation, WindowsGuestObservation
from vmic.model._services import IntegrationService
from vmic.model._time_sync import VMIC_SOURCE
from vmic.rules._causes import Cause
from vmic.rules._plans import StepRole, StepSide

if TYPE_CHECKING:
    from vmic.model._observations import GuestObservation, VMObservation
    from vmic.model._time_sync import LinuxTimeSync, WindowsTimeSync

__all__ = ["PTP_REFCLOCK", "time_sync_findings"]

_TIME: Final = IntegrationService.TIME_SYNCHRONIZATION
_PROVIDER_KEY: Final = (
    r"HKLM\SYSTEM\CurrentControlSet\Services\W32Time\TimeProviders\VMICTimeProvider"
)
#: The chrony line that makes chrony read the Hyper-V PTP clock.
PTP_REFCLOCK: Final = "refclock PHC /dev/ptp_hyperv poll 3 dpoll -2 offset 0"
_DOMAIN_HIERARCHY: Final = (
    f"reg add {_PROVIDER_KEY} /v Enabled /t REG_DWORD /d 0 /f",
    "w32tm /config /syncfromflags:DOMHIER /update",
    "Restart-Service -Name w32time",
    "w32tm /resync /force",
    "w32tm /query /source",
)


def time_sync_findings(
    vm: VMObservation, guest: GuestObservation | None, *, host: str
) -> tuple[Finding, ...]:
    """The time-sync findings of one VM (empty when the guest did not report its posture)."""
    component = vm.component(_TIME)
    host_on = component is not None and component.enabled
    if isinstance(guest, WindowsGuestObservation) and guest.time_sync is not None:
        return _windows(vm, guest.time_sync, host, host_on=host_on)
    if isinstance(guest, LinuxGuestObservation) and guest.time_sync is not None:
        return _linux(vm, guest.time_sync, host, host_on=host_on)
    return ()


def _finding(
    vm: VMObservation, host: str, cause: Cause, verdict: Verdict, evidence: str, *fixes: Fix
) -> Finding:
    return Finding(
        host=host,
        vm=vm.name,
        service=_TIME,
        cause=cause,
        verdict=verdict,
        explanation=f"{cause.description} Evidence: {evidence}.",
        fixes=fixes,
    )


def _disable_on_host(vm: VMObservation) -> Fix:
    return attrs.evolve(
        _fixes.disable_on_host(vm.name, vm.vm.id, _TIME),
        detail="Microsoft, 'Virtualizing domain controllers with Hyper-V' (Time service and "
        "synchronization): the DC then synchronizes with the domain hierarchy.",
    )


def _windows(
    vm: VMObservation, posture: WindowsTimeSync, host: str, *, host_on: bool
) -> tuple[Finding, ...]:
    findings: list[Finding] = []
    provider = (
        "absent (on by default)"
        if posture.vmic_provider_enabled is None
        else ("1" if posture.vmic_provider_enabled else "0")
    )
    if posture.is_domain_controller and host_on and posture.provider_on:
        guest_fix = Fix(
            side=StepSide.GUEST,
            title="Stop w32tm using the host's provider and follow the domain hierarchy",
            commands=_DOMAIN_HIERARCHY,
            shell=Shell.POWERSHELL,
            role=StepRole.ALTERNATIVE,
            detail="Keeps the host's one-off correction after a restore from saved state; on "
            "the forest root PDC emulator configure an external NTP source instead of DOMHIER "
            "(w32tm /config /manualpeerlist:<servers> /syncfromflags:MANUAL /reliable:YES "
            "/update).",
        )
        findings.append(
            _finding(
                vm,
                host,
                Cause.TIME_SYNC_DC_FROM_HOST,
                Verdict.FUNCTIONING,
                f"Win32_ComputerSystem.DomainRole is {posture.domain_role} (a domain "
                f"controller); Time Synchronization is enabled on the host; VMICTimeProvider "
                f"Enabled is {provider}; w32tm /query /source: {posture.source or 'nothing'!r}",
                _disable_on_host(vm),
                guest_fix,
            )
        )
    elif posture.is_domain_member and not posture.is_domain_controller and posture.source_is_host:
        findings.append(
            _finding(
                vm,
                host,
                Cause.TIME_SYNC_MEMBER_FROM_HOST,
                Verdict.FUNCTIONING,
                f"Win32_ComputerSystem.DomainRole is {posture.domain_role} (domain member); "
                f"w32tm /query /source: {VMIC_SOURCE!r}",
                Fix(
                    side=StepSide.GUEST,
                    title="Let w32tm follow the domain hierarchy (if the host's time is not "
                    "the domain's)",
                    commands=_DOMAIN_HIERARCHY,
                    shell=Shell.POWERSHELL,
                    detail="A report, not necessarily a fault: fine while the host itself "
                    "follows the domain's time.",
                ),
            )
        )
    if not host_on and (posture.source_is_local or posture.source_is_host):
        findings.append(
            _finding(
                vm,
                host,
                Cause.TIME_SYNC_NO_SOURCE,
                Verdict.NOT_FUNCTIONING,
                f"Time Synchronization is disabled on the host; w32tm /query /source: "
                f"{posture.source or 'nothing'!r}",
                Fix(
                    side=StepSide.GUEST,
                    title="Give w32tm a source: the domain hierarchy, or NTP servers",
                    commands=_DOMAIN_HIERARCHY[1:],
                    shell=Shell.POWERSHELL,
                    detail="Outside a domain: w32tm /config /manualpeerlist:<servers> "
                    "/syncfromflags:MANUAL /update. Or enable Time Synchronization on the host.",
                ),
            )
        )
    return tuple(findings)


def _linux(
    vm: VMObservation, posture: LinuxTimeSync, host: str, *, host_on: bool
) -> tuple[Finding, ...]:
    findings: list[Finding] = []
    chrony = "chronyd" in posture.daemons or bool(posture.chrony)
    if host_on and posture.ptp_hyperv and not posture.ptp_refclock:
        conf = "/etc/chrony/chrony.conf or /etc/chrony.conf"
        findings.append(
            _finding(
                vm,
                host,
                Cause.TIME_SYNC_NO_PTP_REFCLOCK,
                Verdict.FUNCTIONING,
                "Time Synchronization is enabled on the host; /dev/ptp_hyperv exists; "
                + (
                    "chrony's sources: " + "; ".join(posture.chrony)
                    if posture.chrony
                    else "chrony is not configured"
                    if not chrony
                    else "chrony has no sources"
                ),
                Fix(
                    side=StepSide.GUEST,
                    title="Let chrony read the Hyper-V PTP clock",
                    commands=(
                        (
                            f"printf '%s\\n' {posix_quote(PTP_REFCLOCK)} | "
                            "sudo tee -a /etc/chrony/chrony.conf"
                        ),
                        "sudo systemctl restart chronyd || sudo systemctl restart chrony",
                        "chronyc sources",
                    ),
                    shell=Shell.POSIX,
                    detail=f"An advisory: add the line to {conf} (the path depends on the "
                    "distribution); install chrony first if the guest has none.",
                ),
            )
        )
    if not host_on and not posture.any_source:
        findings.append(
            _finding(
                vm,
                host,
                Cause.TIME_SYNC_NO_SOURCE,
                Verdict.NOT_FUNCTIONING,
                "Time Synchronization is disabled on the host; running time daemons: "
                + (", ".join(posture.daemons) or "none")
                + "; chrony sources: "
                + ("; ".join(posture.chrony) or "none"),
                Fix(
                    side=StepSide.GUEST,
                    title="Give the guest a network time source (chrony with server/pool lines)",
                    commands=(
                        "sudo systemctl enable --now chronyd || sudo systemctl enable --now chrony",
                        "chronyc sources",
                    ),
                    shell=Shell.POSIX,
                    detail="Or enable Time Synchronization for the VM on the host.",
                ),
            )
        )
    return tuple(findings)
