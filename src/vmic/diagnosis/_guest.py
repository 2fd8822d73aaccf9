"""Diagnose a Linux machine as a Hyper-V guest, from inside it (no host access).

:func:`diagnose_linux_guest` turns one Linux :class:`~vmic.model._guest.Guest` into
findings: not on Hyper-V at all (no ``hv_vmbus``: one finding, and no daemon
failures that would only be noise), the ``hv_utils`` driver missing, and each daemon not
installed or not running, with the fix commands of the guest's distribution release
(:mod:`vmic.model._linux`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from vmic.diagnosis import _fixes
from vmic.diagnosis._evidence import unit_state
from vmic.errors import ConfigurationError
from vmic.model._linux import InitSystem, packaging_for
from vmic.model._linux_records import ModuleStatus
from vmic.model._named import counted, cut
from vmic.model._services import IntegrationService

if TYPE_CHECKING:
    from vmic.diagnosis._results import Fix
    from vmic.model._guest import Guest, GuestService
    from vmic.model._linux import LinuxPackaging

__all__ = ["GuestFinding", "GuestReport", "diagnose_linux_guest"]

_PRESENT = frozenset({ModuleStatus.LOADED, ModuleStatus.BUILT_IN})


@attrs.frozen
class GuestFinding:
    """One problem of the guest.

    Attributes:
        cause: ``not_on_hyperv``, ``kernel_driver_missing``, ``daemon_not_installed`` or
            ``daemon_not_running``.
        subject: What it is about (``hv_vmbus``, a daemon's name).
        explanation: What is wrong, quoting the evidence.
        fixes: What to run in the guest.
    """

    cause: str
    subject: str
    explanation: str
    fixes: tuple[Fix, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "cause": self.cause,
            "subject": self.subject,
            "explanation": self.explanation,
            "fixes": [{"title": f.title, "commands": list(f.commands)} for f in self.fixes],
        }

    def __repr__(self) -> str:
        return f"<GuestFinding {cut(self.subject, 40)}: {self.cause}>"


@attrs.frozen
class GuestReport:
    """The diagnosis of one Linux guest.

    Attributes:
        observation: What the guest showed.
        findings: The problems found (empty: healthy).
        notes: Remarks that are no problem (no service manager, a daemon the release
            does not package).
        sources: Where the facts behind the report come from (a package file, a
            changelog), and which facts about this distribution no source showed
            ("Unverified for this distribution: ..."); said once for the whole report.
    """

    observation: Guest
    findings: tuple[GuestFinding, ...]
    notes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    @property
    def healthy(self) -> bool:
        """Whether nothing was found."""
        return not self.findings

    def daemon_rows(self) -> list[dict[str, Any]]:
        """One plain row per daemon: binary, unit and the state it was read from."""
        seen = self.observation
        packaging = packaging_for(seen.distribution, seen.distribution_version)
        rows = []
        for entry in seen.services or ():
            unit = entry.unit
            rows.append(
                {
                    "service": None if entry.service is None else entry.service.value,
                    "daemon": entry.name,
                    "installed": entry.installed,
                    "running": entry.running,
                    # The unit the package ships, even when no service manager was asked.
                    "unit": unit.name if unit is not None else _packaged_unit(packaging, entry),
                    "load_state": unit.load_state.systemd_name if unit is not None else None,
                    "active_state": unit.active_state.systemd_name if unit is not None else None,
                    "sub_state": unit.sub_state if unit is not None else None,
                    "main_pid": unit.main_pid if unit is not None else None,
                    "path": entry.path,
                    "pid": entry.pid,
                    "evidence": entry.evidence,
                }
            )
        return rows

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        seen = self.observation
        return {
            "healthy": self.healthy,
            "distribution": seen.distribution,
            "distribution_version": seen.distribution_version,
            "init_system": seen.init_system.value if seen.init_system is not None else None,
            "hv_vmbus": seen.hv_vmbus.value if seen.hv_vmbus is not None else None,
            "hv_utils": seen.hv_utils.value if seen.hv_utils is not None else None,
            "daemons": self.daemon_rows(),
            "findings": [finding.to_dict() for finding in self.findings],
            "notes": list(self.notes),
            "sources": list(self.sources),
        }

    def __repr__(self) -> str:
        return f"<GuestReport {self.observation.os}: {counted(len(self.findings), 'finding')}>"


def _packaged_unit(packaging: LinuxPackaging, entry: GuestService) -> str | None:
    """The unit the package ships for the daemon, even when no service manager was asked."""
    if not isinstance(entry.service, IntegrationService):
        return None
    return packaging.unit_for(entry.service, entry.name)


def diagnose_linux_guest(observation: Guest) -> GuestReport:
    """The findings of a Linux guest, as seen from inside it.

    Raises:
        ConfigurationError: The guest is not a Linux guest, or its ``hv_utils`` state was
            not read (as :meth:`vmic.LinuxGuest.observe` reads it).
    """
    if observation.is_windows or observation.hv_utils is None:
        msg = "a Linux guest's own diagnosis needs its hv_utils state (LinuxGuest.observe)"
        raise ConfigurationError(msg)
    packaging = packaging_for(observation.distribution, observation.distribution_version)
    notes: list[str] = []
    # Said once for the report (never in each finding): what no source showed, and where
    # the facts of the notes come from.
    sources: list[str] = []
    if observation.distribution is None:
        notes.append("Distribution unknown: package and unit names are Debian's.")
    if not packaging.verified:
        sources.append(_fixes.unverified_words(packaging).strip(" ()"))
    for service, missing in packaging.not_packaged.items():
        # The guest cannot tell whether the host enables the service: a note, not a finding.
        if observation.service(service) is None:
            notes.append(f"{missing.reason}.")
            sources.append(missing.source)
    if observation.init_system is InitSystem.NONE:
        notes.append(
            "No service manager runs (PID 1 is not systemd, OpenRC or rc.d, as in a "
            "container): daemon state comes from the process list."
        )
    if observation.hv_vmbus is not None and observation.hv_vmbus not in _PRESENT:
        finding = GuestFinding(
            cause="not_on_hyperv",
            subject="hv_vmbus",
            explanation="not running on Hyper-V: no hv_vmbus (lsmod does not list it and "
            "/sys/bus/vmbus has no devices), so the Hyper-V daemons have nothing to serve",
        )
        return GuestReport(observation, (finding,), tuple(notes), tuple(sources))
    findings: list[GuestFinding] = []
    if observation.hv_utils is ModuleStatus.ABSENT:
        findings.append(
            GuestFinding(
                cause="kernel_driver_missing",
                subject="hv_utils",
                explanation="The hv_utils kernel driver is neither loaded nor built in: "
                "Heartbeat, Shutdown, Time Synchronization and the daemons' channels are down",
                fixes=(_fixes.load_hv_utils(),),
            )
        )
    for entry in observation.services or ():
        findings.extend(_daemon_findings(observation, entry))
    return GuestReport(observation, tuple(findings), tuple(notes), tuple(sources))


def _daemon_findings(observation: Guest, entry: GuestService) -> list[GuestFinding]:
    packaging = packaging_for(observation.distribution, observation.distribution_version)
    if not isinstance(entry.service, IntegrationService):
        return []  # not a daemon vmic knows the service of: nothing to say about it
    if not entry.installed:
        return [
            GuestFinding(
                cause="daemon_not_installed",
                subject=entry.name,
                explanation=f"{entry.name} is not installed; on "
                f"{packaging.name or packaging.family} it comes from "
                f"{', '.join(packaging.packages) or 'the base system'}.",
                fixes=(_fixes.install_daemon(packaging, entry.service),),
            )
        ]
    if entry.running:
        return []
    if entry.service is IntegrationService.GUEST_SERVICE_INTERFACE and entry.unit is None:
        # Guest Service Interface is off on the host by default, and the file-copy daemon
        # only runs while its device exists: idle without a unit to say otherwise is normal.
        return []
    if (
        entry.service is IntegrationService.GUEST_SERVICE_INTERFACE
        and entry.unit is not None
        and entry.unit.active_state.systemd_name == "inactive"
    ):
        return []  # its unit is bound to the device, which exists only while GSI is enabled
    fix = _fixes.start_daemon(
        packaging,
        entry.service,
        daemon=entry.name,
        unit=entry.unit,
        unit_state=unit_state(entry.unit).value,
    )
    return [
        GuestFinding(
            cause="daemon_not_running",
            subject=entry.name,
            explanation=f"{entry.name} is installed but not running: {entry.evidence}.",
            fixes=(fix,),
        )
    ]
