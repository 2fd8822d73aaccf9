"""Concrete fix commands: VMs selected exactly, services by component GUID, values quoted.

Host commands select the VM by id when the host reported it (``Get-VM -Id``), else by
an ordinal comparison of the exact name (``Get-VM -Name`` would expand wildcards), and
the integration service by the GUID at the end of its component ``Id`` (display names
are localized). Every value is quoted with :func:`vmic.executors._scripting.ps_quote` or
:func:`~vmic.executors._scripting.posix_quote`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from vmic.diagnosis._results import Fix, FixKind
from vmic.errors import UnsafeValueError
from vmic.executors._command import Shell
from vmic.executors._scripting import VmSelector, posix_quote, ps_quote
from vmic.model._linux import InitSystem
from vmic.model._services import GuestOnlyService, IntegrationService
from vmic.rules._plans import PlanStep, StepAction, StepRole, StepSide, UpdatePlan

if TYPE_CHECKING:
    from vmic.model._linux import LinuxPackaging
    from vmic.model._linux_records import SystemdUnit

__all__ = [
    "disable_on_host",
    "enable_on_host",
    "install_daemon",
    "load_hv_utils",
    "plan_fixes",
    "restart_windows_service",
    "start_daemon",
    "start_vm",
    "start_windows_service",
    "unverified_words",
    "vm_selection",
]

# A plan's example commands name the VM with this placeholder, alone or as the value of
# a -VMName or -Name parameter (vmic.rules._plans).
_VM_PLACEHOLDER: Final = "'<VMName>'"
_VM_SLOT_RE: Final = re.compile(r"(?:(-VMName|-Name) )?" + re.escape(_VM_PLACEHOLDER))


def vm_selection(vm_name: str, vm_id: str | None) -> str:
    r"""A PowerShell pipeline start that yields exactly the VM (by id, else by exact name).

    The text is :meth:`VmSelector.pipeline <vmic.executors.VmSelector.pipeline>` with the
    name or id written in as a quoted literal, for a person to run.

    >>> print(vm_selection("web*", None))  # doctest: +ELLIPSIS
    Hyper-V\Get-VM | Where-Object { ...($_.Name, 'web*', ...::Ordinal) }

    Raises:
        vmic.ConfigurationError: The name is empty or *vm_id* is not a GUID.
        UnsafeValueError: The name holds a NUL or an unpaired surrogate.
    """
    selector = VmSelector.by_id(vm_id) if vm_id is not None else VmSelector.by_name(vm_name)
    return selector.pipeline(literal=True)


def _toggle(vm_name: str, vm_id: str | None, service: IntegrationService, verb: str) -> str:
    return (
        f"{vm_selection(vm_name, vm_id)} | Hyper-V\\Get-VMIntegrationService | "
        f"Where-Object {{ $_.Id -like {ps_quote('*' + chr(92) + service.guid)} }} | "
        f"Hyper-V\\{verb}-VMIntegrationService"
    )


def enable_on_host(vm_name: str, vm_id: str | None, service: IntegrationService) -> Fix:
    """Enable *service* for the VM on the Hyper-V host, selected by component GUID."""
    return Fix(
        side=StepSide.HOST,
        title=f"Enable {service.english_name} for the VM on the Hyper-V host",
        commands=(_toggle(vm_name, vm_id, service, "Enable"),),
        shell=Shell.POWERSHELL,
        kind=FixKind.ENABLE_ON_HOST,
        service=service,
        detail="Once it is enabled, Hyper-V starts a Windows guest's service on its own; a "
        "Linux guest's daemon starts through its systemd unit, where the distribution ships one.",
    )


def disable_on_host(vm_name: str, vm_id: str | None, service: IntegrationService) -> Fix:
    """Disable *service* for the VM on the Hyper-V host, selected by component GUID."""
    return Fix(
        side=StepSide.HOST,
        title=f"Disable {service.english_name} for the VM on the Hyper-V host",
        commands=(_toggle(vm_name, vm_id, service, "Disable"),),
        shell=Shell.POWERSHELL,
        kind=FixKind.DISABLE_ON_HOST,
        service=service,
    )


def start_vm(vm_name: str, vm_id: str | None) -> Fix:
    """Start the VM on the host."""
    return Fix(
        side=StepSide.HOST,
        title="Start the VM",
        commands=(f"{vm_selection(vm_name, vm_id)} | Hyper-V\\Start-VM",),
        shell=Shell.POWERSHELL,
        kind=FixKind.START_VM,
    )


def start_windows_service(
    name: str, *, enable_startup: bool, service: IntegrationService | GuestOnlyService | None = None
) -> Fix:
    """Start a Windows guest service, first setting its startup type back to Manual if asked.

    Args:
        name: The Windows service's name (``vmicvss``).
        enable_startup: Set its startup type to Manual first.
        service: The integration service it belongs to (the typed action's subject).
    """
    commands = [f"Start-Service -Name {ps_quote(name)}"]
    if enable_startup:
        # Manual is the integration services' own startup type: Hyper-V starts them on demand.
        commands.insert(0, f"Set-Service -Name {ps_quote(name)} -StartupType Manual")
    title = (
        f"Set {name}'s startup type to Manual and start it in the guest"
        if enable_startup
        else f"Start {name} in the guest"
    )
    return Fix(
        side=StepSide.GUEST,
        title=title,
        commands=tuple(commands),
        shell=Shell.POWERSHELL,
        detail="Run in an elevated PowerShell session inside the guest.",
        kind=FixKind.ENABLE_GUEST_SERVICE if enable_startup else FixKind.START_GUEST_SERVICE,
        service=service,
    )


def restart_windows_service(name: str, *, service: IntegrationService | None = None) -> Fix:
    """Restart a Windows guest service that stopped answering the host."""
    return Fix(
        side=StepSide.GUEST,
        title=f"Restart {name} in the guest",
        commands=(f"Restart-Service -Name {ps_quote(name)}",),
        shell=Shell.POWERSHELL,
        detail="If the host still reports no contact afterwards, update the guest's "
        "integration services.",
        kind=FixKind.RESTART_GUEST_SERVICE,
        service=service,
    )


def load_hv_utils() -> Fix:
    """Load the ``hv_utils`` kernel module in a Linux guest."""
    return Fix(
        side=StepSide.GUEST,
        title="Load the hv_utils kernel driver in the guest",
        commands=("sudo modprobe hv_utils", "lsmod | grep hv_utils"),
        shell=Shell.POSIX,
        detail="If modprobe finds no module, the running kernel has no Hyper-V utilities "
        "driver: install the distribution's kernel for Hyper-V and reboot.",
        kind=FixKind.LOAD_DRIVER,
    )


def unverified_words(packaging: LinuxPackaging) -> str:
    """A sentence saying which of the distribution's facts no package source showed, or ""."""
    if packaging.verified:
        return ""
    return f" (Unverified for this distribution: {'; '.join(packaging.unverified)}.)"


def _enable_commands(packaging: LinuxPackaging, unit: str, unit_state: str) -> tuple[str, ...]:
    """Commands that start (and enable at boot) the service *unit* under its init system."""
    quoted = posix_quote(unit)
    if packaging.init is InitSystem.OPENRC:
        return (f"sudo rc-update add {quoted} default", f"sudo rc-service {quoted} start")
    if unit_state == "masked":
        return (f"sudo systemctl unmask {quoted}", f"sudo systemctl enable --now {quoted}")
    if unit_state == "disabled":
        return (f"sudo systemctl enable --now {quoted}",)
    return (f"sudo systemctl start {quoted}",)


def _status_command(packaging: LinuxPackaging, unit: str) -> str:
    quoted = posix_quote(unit)
    if packaging.init is InitSystem.OPENRC:
        return f"rc-service {quoted} status"
    return f"systemctl status {quoted}"


def install_daemon(packaging: LinuxPackaging, service: IntegrationService) -> Fix:
    """Install the package that provides the daemon of *service* on this distribution."""
    daemon = packaging.daemon_for(service) or "the daemon"
    unit = packaging.unit_for(service)
    where = packaging.name or packaging.family
    if not packaging.packages:
        return Fix(
            side=StepSide.GUEST,
            title=f"Restore {daemon} from the base system of the guest",
            detail=f"{where} ships {daemon} in its base system.",
            automatable=False,
        )
    packages = " ".join(posix_quote(p) for p in packaging.packages)
    commands = [f"sudo {packaging.install} {packages}"]
    if unit is not None:
        commands.extend(_enable_commands(packaging, unit, "disabled"))
    return Fix(
        side=StepSide.GUEST,
        title=f"Install {', '.join(packaging.packages)} (provides {daemon}) in the guest",
        commands=tuple(commands),
        shell=Shell.POSIX,
        detail=f"Package and unit names for {where}.",
        kind=FixKind.INSTALL_DAEMON,
        service=service,
        packages=packaging.packages,
    )


def start_daemon(
    packaging: LinuxPackaging,
    service: IntegrationService,
    *,
    daemon: str | None,
    unit: SystemdUnit | None,
    unit_state: str,
) -> Fix:
    """Start the daemon of *service*: through its service manager, else by running it as root.

    Args:
        packaging: The distribution release's packaging.
        service: The service.
        daemon: The daemon binary the guest has (default: the distribution's name).
        unit: The unit the guest reported, if any.
        unit_state: ``"masked"``, ``"disabled"``, ``"enabled"`` or ``"no_unit"``.
    """
    binary = daemon or packaging.daemon_for(service) or "hv_kvp_daemon"
    unit_name = unit.name if unit is not None else packaging.unit_for(service, binary)
    systemd = packaging.init is InitSystem.SYSTEMD
    if unit_name is None or (systemd and unit_state == "no_unit"):
        path = next((p for p in packaging.paths_for(service) if p.endswith(f"/{binary}")), binary)
        # pgrep -x is in FreeBSD's base system and in procps and BusyBox; pidof is not.
        check = f"pgrep -x {posix_quote(binary)}"
        if packaging.started_by:
            why = (
                f"{packaging.started_by}; started by hand it runs until the next reboot, "
                "when devd starts it again."
            )
        else:
            why = (
                "This distribution ships no service for it; start it from the boot scripts "
                "to keep it running after a reboot."
            )
        return Fix(
            side=StepSide.GUEST,
            title=f"Start {binary} as root in the guest",
            commands=(f"sudo {posix_quote(path)}", check),
            shell=Shell.POSIX,
            detail=why[:1].upper() + why[1:],
            kind=FixKind.START_DAEMON,
            service=service,
        )
    commands = _enable_commands(packaging, unit_name, unit_state)
    return Fix(
        side=StepSide.GUEST,
        title=f"Start {binary} ({unit_name}) in the guest",
        commands=(*commands, _status_command(packaging, unit_name)),
        shell=Shell.POSIX,
        detail="If it does not start, the status command names the condition that failed; "
        "Hyper-V does not restart Linux daemons on its own.",
        kind=FixKind.START_DAEMON,
        service=service,
    )


def _concrete(command: str, vm_name: str, vm_id: str | None) -> str:
    """Fill a plan's example command in for one VM.

    The command is read once, as literal text and VM slots: ``-VMName '<VMName>'`` and
    ``-Name '<VMName>'`` become ``-VM (<exact selection>)``, a bare ``'<VMName>'`` the
    quoted name. The parts are then joined, so nothing inserted (a name may itself hold
    ``'<VMName>'``) is ever read again as a slot.
    """
    selection = f"-VM ({vm_selection(vm_name, vm_id)})"
    parts: list[str] = []
    position = 0
    for slot in _VM_SLOT_RE.finditer(command):
        parts.append(command[position : slot.start()])
        parts.append(selection if slot.group(1) else _name_literal(vm_name, vm_id))
        position = slot.end()
    parts.append(command[position:])
    return "".join(parts)


def _name_literal(vm_name: str, vm_id: str | None) -> str:
    """The VM's name as a PowerShell value: quoted, or read from the VM by its id.

    A name no literal can carry (one with NUL) is read back from the VM the host
    identified, so the command still names exactly that VM.
    """
    try:
        return ps_quote(vm_name)
    except UnsafeValueError:
        if vm_id is None:
            raise
        return f"({vm_selection(vm_name, vm_id)}).Name"


# The plan steps that update the guest's integration services (and may restart it).
_UPDATE_KINDS: Final = dict.fromkeys(
    (
        StepAction.WINDOWS_UPDATE,
        StepAction.APPLY_CAB_ONLINE,
        StepAction.APPLY_CAB_OFFLINE,
        StepAction.INSERT_SETUP_DISK,
        StepAction.CONFIGURATION_MANAGER,
        StepAction.UPDATE_LINUX_PACKAGES,
    ),
    FixKind.UPDATE_INTEGRATION_SERVICES,
)


def _step_fix(step: PlanStep, vm_name: str, vm_id: str | None) -> Fix:
    if step.action is StepAction.ENABLE_DATA_EXCHANGE:
        fix = enable_on_host(vm_name, vm_id, IntegrationService.KEY_VALUE_PAIR_EXCHANGE)
        return Fix(
            side=fix.side,
            title=step.title,
            commands=fix.commands,
            shell=fix.shell,
            role=step.role,
            detail=step.detail,
            kind=fix.kind,
            service=fix.service,
        )
    if step.action is StepAction.START_VM:
        fix = start_vm(vm_name, vm_id)
        return Fix(
            side=fix.side,
            title=step.title,
            commands=fix.commands,
            shell=fix.shell,
            role=step.role,
            detail=step.detail,
            kind=fix.kind,
        )
    commands = tuple(_concrete(c, vm_name, vm_id) for c in step.commands)
    shell: Shell | None = None
    if commands:
        linux = step.action is StepAction.UPDATE_LINUX_PACKAGES
        shell = Shell.POSIX if linux else Shell.POWERSHELL
        if linux:
            commands = tuple(f"sudo sh -c {posix_quote(c)}" for c in commands)
    return Fix(
        side=step.side,
        title=step.title,
        commands=commands,
        shell=shell,
        role=step.role,
        automatable=step.automatable,
        detail=step.detail,
        kind=_UPDATE_KINDS.get(step.action),
    )


def plan_fixes(plan: UpdatePlan, vm_name: str, vm_id: str | None) -> tuple[Fix, ...]:
    """The steps of an update plan as fixes for one VM (required steps first, in order)."""
    order = {StepRole.REQUIRED: 0, StepRole.ALTERNATIVE: 1, StepRole.FALLBACK: 2}
    steps = sorted(plan.steps, key=lambda step: order[step.role])
    return tuple(_step_fix(step, vm_name, vm_id) for step in steps)
