r"""Time-sync posture: the set-ups that make a guest's clock drift or follow the wrong master.

Called once per VM by the engine with what the host and the guest reported; finds the
causes (and verdicts) only when the guest reported its time posture (the ``time`` /
``time-sync`` sections of the guest checks). What each cause says and how it is fixed is
in the Cause table (:mod:`vmic.diagnosis._causes`), like every other cause.

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
- Linux: the Hyper-V PTP clock, chrony's ``refclock PHC /dev/ptp_hyperv poll 3 dpoll -2
  offset 0 stratum 2`` line and ``makestep 1.0 -1`` are Microsoft's "Time sync for Linux VMs
  in Azure" (MicrosoftDocs/azure-docs ``articles/virtual-machines/linux/time-sync.md``
  @00771b6, ms.date 04/26/2023). Where each distribution keeps chrony's configuration and
  what its service is called are the packaging facts' (:mod:`vmic.model._linux_data`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmic.diagnosis._causes import Clue
from vmic.diagnosis._results import Verdict
from vmic.model._time_sync import VMIC_SOURCE, LinuxTimeSync, WindowsTimeSync
from vmic.rules._causes import Cause

if TYPE_CHECKING:
    from vmic.model._guest import Guest
    from vmic.model._records import IntegrationComponentRecord

__all__ = ["time_sync_clues"]


def time_sync_clues(
    component: IntegrationComponentRecord | None, guest: Guest | None
) -> tuple[tuple[Clue, Verdict], ...]:
    """The time-sync causes of one VM with their verdicts (none when no posture was reported).

    Args:
        component: The host's record of the VM's Time Synchronization
            (``vm.service(IntegrationService.TIME_SYNCHRONIZATION)``), the engine's already.
        guest: What the VM's guest reported, when it was observed.

    Each clue's ``reason`` is the evidence the explanation quotes.
    """
    host_on = component is not None and component.enabled
    posture = None if guest is None else guest.time_sync
    if isinstance(posture, WindowsTimeSync):
        return _windows(posture, host_on=host_on)
    if isinstance(posture, LinuxTimeSync):
        return _linux(posture, host_on=host_on)
    return ()


def _windows(posture: WindowsTimeSync, *, host_on: bool) -> tuple[tuple[Clue, Verdict], ...]:
    clues: list[tuple[Clue, Verdict]] = []
    provider = (
        "absent (on by default)"
        if posture.vmic_provider_enabled is None
        else ("1" if posture.vmic_provider_enabled else "0")
    )
    source = posture.source or "nothing"
    if posture.is_domain_controller and host_on and posture.provider_on:
        evidence = (
            f"Win32_ComputerSystem.DomainRole is {posture.domain_role} (a domain controller); "
            f"Time Synchronization is enabled on the host; VMICTimeProvider Enabled is "
            f"{provider}; w32tm /query /source: {source!r}"
        )
        clues.append((Clue(Cause.TIME_SYNC_DC_FROM_HOST, reason=evidence), Verdict.FUNCTIONING))
    elif posture.is_domain_member and not posture.is_domain_controller and posture.source_is_host:
        evidence = (
            f"Win32_ComputerSystem.DomainRole is {posture.domain_role} (domain member); "
            f"w32tm /query /source: {VMIC_SOURCE!r}"
        )
        clues.append((Clue(Cause.TIME_SYNC_MEMBER_FROM_HOST, reason=evidence), Verdict.FUNCTIONING))
    if not host_on and (posture.source_is_local or posture.source_is_host):
        evidence = f"Time Synchronization is disabled on the host; w32tm /query /source: {source!r}"
        clues.append((Clue(Cause.TIME_SYNC_NO_SOURCE, reason=evidence), Verdict.NOT_FUNCTIONING))
    return tuple(clues)


def _linux(posture: LinuxTimeSync, *, host_on: bool) -> tuple[tuple[Clue, Verdict], ...]:
    clues: list[tuple[Clue, Verdict]] = []
    chrony = "chronyd" in posture.daemons or bool(posture.chrony)
    if host_on and posture.ptp_hyperv and not posture.ptp_refclock:
        sources = (
            "chrony's sources: " + "; ".join(posture.chrony)
            if posture.chrony
            else "chrony is not configured"
            if not chrony
            else "chrony has no sources"
        )
        evidence = f"Time Synchronization is enabled on the host; /dev/ptp_hyperv exists; {sources}"
        clues.append((Clue(Cause.TIME_SYNC_NO_PTP_REFCLOCK, reason=evidence), Verdict.FUNCTIONING))
    if not host_on and not posture.any_source:
        evidence = (
            "Time Synchronization is disabled on the host; running time daemons: "
            + (", ".join(posture.daemons) or "none")
            + "; chrony sources: "
            + ("; ".join(posture.chrony) or "none")
        )
        clues.append((Clue(Cause.TIME_SYNC_NO_SOURCE, reason=evidence), Verdict.NOT_FUNCTIONING))
    return tuple(clues)
