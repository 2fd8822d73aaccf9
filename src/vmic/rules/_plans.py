"""Update plans: the ordered steps that bring a guest's integration services up to date.

>>> from vmic import plan_update
>>> plan = plan_update("Windows Server 2019", "Windows 7", data_exchange_enabled=False)
>>> [step.action.value for step in plan.steps]
['enable_data_exchange', 'windows_update', 'apply_cab_online']
>>> [step.role.value for step in plan.steps]
['required', 'required', 'fallback']
>>> plan = plan_update("Windows Server 2012 R2", "Windows Server 2012")
>>> plan.steps[0].action.value, plan.steps[0].automatable
('insert_setup_disk', False)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import attrs

from vmic.model._host import VM, operating_system_of
from vmic.model._linux import packaging_for
from vmic.model._named import NamedEnum, counted, cut
from vmic.model._services import IntegrationService
from vmic.rules._matrix import UpdateMechanism, UpdateRule, update_rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from vmic.model._operating_system import OperatingSystem
    from vmic.rules._matrix import OSOrModel

__all__ = ["PlanStep", "StepAction", "StepRole", "StepSide", "UpdatePlan", "plan_update"]


class StepAction(NamedEnum):
    """What a step does."""

    ENABLE_DATA_EXCHANGE = "enable_data_exchange"
    START_VM = "start_vm"
    WINDOWS_UPDATE = "windows_update"
    APPLY_CAB_ONLINE = "apply_cab_online"
    APPLY_CAB_OFFLINE = "apply_cab_offline"
    INSERT_SETUP_DISK = "insert_setup_disk"
    CONFIGURATION_MANAGER = "configuration_manager"
    UPDATE_LINUX_PACKAGES = "update_linux_packages"


class StepRole(NamedEnum):
    """How a step relates to the others."""

    REQUIRED = "required"
    """Part of the main path, in order."""
    ALTERNATIVE = "alternative"
    """Replaces the main path's step of the same kind, when the main path does not fit."""
    FALLBACK = "fallback"
    """Used only when a prerequisite can't be met."""


class StepSide(NamedEnum):
    """Where the step is carried out."""

    HOST = "host"
    GUEST = "guest"
    CONSOLE = "console"
    """Interactively, in Hyper-V Manager / Virtual Machine Connection."""
    MANAGEMENT = "management"
    """From a management system (Configuration Manager)."""


@attrs.frozen
class PlanStep:
    """One step of an update plan.

    Attributes:
        action: What the step does.
        role: Required, alternative or fallback.
        side: Where it runs.
        title: One line for a person.
        detail: Why and how, in a few sentences.
        commands: Example commands (placeholders in ``<angle brackets>``).
        automatable: Whether it can run unattended (``False``: someone must do it by hand).
        requires_restart: Whether the guest must restart afterwards.
    """

    action: StepAction
    role: StepRole
    side: StepSide
    title: str
    detail: str
    commands: tuple[str, ...] = ()
    automatable: bool = True
    requires_restart: bool = False

    def __repr__(self) -> str:
        return f"<PlanStep {self.role} {self.side}: {cut(self.title, 60)}>"


@attrs.frozen
class UpdatePlan:
    """The rule for a host and guest plus the steps that follow from it and the VM's state.

    Attributes:
        rule: The update-matrix answer the plan follows.
        vm_running: Whether the plan assumes a running VM.
        data_exchange_enabled: Whether Data Exchange was said to be enabled on the host.
        steps: Ordered steps.
    """

    rule: UpdateRule
    vm_running: bool
    data_exchange_enabled: bool
    steps: tuple[PlanStep, ...]

    @property
    def automatable(self) -> bool:
        """Whether every required step can run unattended."""
        return all(s.automatable for s in self.steps if s.role is StepRole.REQUIRED)

    @property
    def requires_restart(self) -> bool:
        """Whether a required step restarts the guest."""
        return any(s.requires_restart for s in self.steps if s.role is StepRole.REQUIRED)

    def _repr_html_(self) -> str:
        """The plan: its rule, then its steps in order with their commands (Jupyter)."""
        from vmic import render  # noqa: PLC0415 - only in notebooks

        steps = [
            {
                "role": step.role.value,
                "side": step.side.value,
                "title": step.title,
                "detail": step.detail,
                "commands": list(step.commands),
                "automatable": step.automatable,
                "requires_restart": step.requires_restart,
            }
            for step in self.steps
        ]
        return render.plan_html(self.rule._html_items(), steps)

    def __repr__(self) -> str:
        rule = self.rule
        return f"<UpdatePlan {rule.guest} on {rule.host}: {counted(len(self.steps), 'step')}>"


_KVP_GUID: Final = IntegrationService.KEY_VALUE_PAIR_EXCHANGE.guid
# Locale-proof: select Data Exchange by its component id, never by its (localized) name.
_ENABLE_KVP: Final = (
    "Get-VMIntegrationService -VMName '<VMName>' | "
    f"Where-Object {{ $_.Id -like '*\\{_KVP_GUID}' }} | Enable-VMIntegrationService"
)
# The offline method needs Windows 7 / Server 2008 R2 or later in the VHD (2013 blog post).
_OFFLINE_MIN_NT: Final = (6, 1)
# DISM's PowerShell cmdlets (Add-WindowsPackage) ship with Windows 8 / Server 2012 and later.
_DISM_CMDLETS_MIN_NT: Final = (6, 2)


def _cab(guest: OperatingSystem) -> str:
    """The KB3071740 cab for *guest* (2013 blog post): one per guest generation.

    "Windows6.x-HyperVIntegrationServices-x64.cab corresponds with Windows 7 and earlier
    guests", "Windows6.2-... with Windows 8 and Server 2012 guests"; the wrong one fails
    its version check.
    """
    generation = "6.2" if guest.product.nt_version == (6, 2) else "6.x"
    return f"<path>\\windows{generation}-hypervintegrationservices-<arch>.cab"


def _offline_cab_commands(cab: str) -> tuple[str, ...]:
    """Offline servicing of a VHD/VHDX with DISM's cmdlets on the host (2013, 2015 posts)."""
    return (
        "Stop-VM -Name '<VMName>'",
        "$disk = (Mount-VHD -Path '<VHDX path>' -Passthru).DiskNumber",
        (
            "$letter = (Get-Disk $disk | Get-Partition | Get-Volume).DriveLetter "
            "| Select-Object -Last 1"
        ),
        f"Add-WindowsPackage -PackagePath '{cab}' -Path ($letter + ':\\')",
        "Dismount-VHD -Path '<VHDX path>'",
    )


def _enable_data_exchange() -> PlanStep:
    return PlanStep(
        action=StepAction.ENABLE_DATA_EXCHANGE,
        role=StepRole.REQUIRED,
        side=StepSide.HOST,
        title="Enable the Data Exchange (Key-Value Pair Exchange) integration service",
        detail="Windows Update offers integration services to this guest only when Data Exchange "
        "is enabled: it reads the host version the service publishes in the guest.",
        commands=(_ENABLE_KVP,),
    )


def _windows_update() -> PlanStep:
    return PlanStep(
        action=StepAction.WINDOWS_UPDATE,
        role=StepRole.REQUIRED,
        side=StepSide.GUEST,
        title="Install the important updates from Windows Update (or WSUS) in the guest",
        detail="Integration services updates arrive as important updates; the guest must be "
        "set up to receive them. Restart the guest when Windows Update asks.",
        requires_restart=True,
    )


def _cab_steps(guest: OperatingSystem, *, vm_running: bool, role: StepRole) -> Iterator[PlanStep]:
    cab = _cab(guest)
    nt = guest.product.nt_version
    if not vm_running and nt is not None and nt >= _OFFLINE_MIN_NT:
        yield PlanStep(
            action=StepAction.APPLY_CAB_OFFLINE,
            role=role,
            side=StepSide.HOST,
            title="Apply the integration services cab (KB3071740) to the VM's VHD/VHDX offline",
            detail="With the VM off, mount its virtual disk on the host, add the cab with "
            "Add-WindowsPackage and dismount it. A VM that is running is not patched.",
            commands=_offline_cab_commands(cab),
        )
        return
    # Running, or too old to be serviced offline (the plan starts the VM first).
    commands: tuple[str, ...] = ()
    if nt is not None and nt >= _DISM_CMDLETS_MIN_NT:
        how = "add it with DISM's Add-WindowsPackage"
        commands = (f"Add-WindowsPackage -Online -PackagePath '{cab}'",)
    elif nt is not None and nt >= _OFFLINE_MIN_NT:
        how = "add it with dism.exe (this guest has no DISM PowerShell cmdlets)"
        commands = (f"dism.exe /Online /Add-Package '/PackagePath:{cab}'",)
    else:
        how = (
            "add it from an elevated prompt with Package Manager (pkgmgr /ip /m:<cab>): this "
            "guest has neither DISM nor its PowerShell cmdlets"
        )
    yield PlanStep(
        action=StepAction.APPLY_CAB_ONLINE,
        role=role,
        side=StepSide.GUEST,
        title="Apply the integration services cab (KB3071740) inside the running guest",
        detail=f"Download {cab.rsplit(chr(92), 1)[-1]} for the guest's architecture from "
        f"KB3071740, {how}, then restart the guest.",
        commands=commands,
        automatable=bool(commands),
        requires_restart=True,
    )


def _disk_steps(
    host: OperatingSystem, guest: OperatingSystem, *, vm_running: bool
) -> Iterator[PlanStep]:
    nt, host_nt = guest.product.nt_version, host.product.nt_version
    # Offline servicing needs Windows 7 / Server 2008 R2 or later in the disk, and a host
    # at least as new as the guest it patches (2013 blog post).
    offline_ok = nt is not None and host_nt is not None and _OFFLINE_MIN_NT <= nt <= host_nt
    setup_disk = PlanStep(
        action=StepAction.INSERT_SETUP_DISK,
        role=StepRole.REQUIRED,
        side=StepSide.CONSOLE,
        title="Insert the Integration Services Setup Disk from Virtual Machine Connection",
        detail="In Hyper-V Manager, connect to the VM and choose Action > Insert Integration "
        "Services Setup Disk; start the installation in the guest if it does not start by "
        "itself. For a running VM this can't be automated or done in a PowerShell session.",
        automatable=False,
        requires_restart=True,
    )
    offline = PlanStep(
        action=StepAction.APPLY_CAB_OFFLINE,
        role=StepRole.REQUIRED if not vm_running else StepRole.ALTERNATIVE,
        side=StepSide.HOST,
        title="Install integration services into the offline VHD/VHDX",
        detail="Use the cab under %windir%\\vmguest\\support\\<arch> on the host "
        "(Windows6.x-... for Windows 7 / Server 2008 R2, Windows6.2-... for Windows 8 / "
        "Server 2012) and add it to the mounted disk; the host must be newer than the guest.",
        commands=_offline_cab_commands("<vmguest support cab>"),
    )
    if not vm_running and offline_ok:
        yield offline
        yield attrs.evolve(setup_disk, role=StepRole.ALTERNATIVE)
    else:
        if not vm_running:
            yield PlanStep(
                action=StepAction.START_VM,
                role=StepRole.REQUIRED,
                side=StepSide.HOST,
                title="Start the VM",
                detail=f"Offline installation needs Windows 7 / Windows Server 2008 R2 or later "
                f"in the virtual disk and a host at least as new as the guest; {guest.name} on "
                f"{host.name} must be updated while running.",
                commands=("Start-VM -Name '<VMName>'",),
            )
        yield setup_disk
        if offline_ok:
            yield offline
    yield PlanStep(
        action=StepAction.CONFIGURATION_MANAGER,
        role=StepRole.ALTERNATIVE,
        side=StepSide.MANAGEMENT,
        title="Deploy integration services with Configuration Manager and DISM",
        detail="Automates the installation on running VMs; each VM must restart at the end.",
        requires_restart=True,
    )


def _linux_steps(guest: OperatingSystem) -> Iterator[PlanStep]:
    packaging = packaging_for(guest.distribution, guest.distribution_version)
    which = guest.distribution or "Debian-like (distribution not given)"
    yield PlanStep(
        action=StepAction.UPDATE_LINUX_PACKAGES,
        role=StepRole.REQUIRED,
        side=StepSide.GUEST,
        title="Update the kernel and the Hyper-V daemon package with the package manager",
        detail=f"Integration services are built into the Linux kernel; the user-space daemons "
        f"come from {', '.join(packaging.packages)} on {which}. Restart into the new kernel.",
        commands=(packaging.package_manager_update,),
        requires_restart=True,
    )


def plan_update(
    host: OSOrModel,
    guest: OSOrModel,
    *,
    vm_running: bool | None = None,
    data_exchange_enabled: bool | None = None,
) -> UpdatePlan:
    """Plan how to bring a guest's integration services up to date.

    Args:
        host: The Hyper-V host: an operating system, its name, or a :class:`~vmic.Host`.
        guest: The guest operating system (for Linux, name the distribution to get its
            package names: ``"Ubuntu 22.04"``), a :class:`~vmic.Guest`, or a
            :class:`~vmic.VM` (which also says whether it runs and whether Data Exchange
            is enabled for it).
        vm_running: Whether the VM is running now; None: the VM's own state, else yes.
        data_exchange_enabled: Whether Data Exchange is enabled on the host for this VM;
            None: the VM's own setting (yes when the host lists none), else yes.

    Returns:
        The rule and its ordered steps.

    Raises:
        UnknownOperatingSystemError: A text names no known operating system.
        ConfigurationError: A model whose operating system is not known.
        UnsupportedCombinationError: The matrix does not list this pair.
    """
    host_os = operating_system_of(host, what="the host")
    guest_os = operating_system_of(guest, what="the guest")
    if isinstance(guest, VM):
        kvp = guest.service(IntegrationService.KEY_VALUE_PAIR_EXCHANGE)
        if vm_running is None:
            vm_running = guest.running
        if data_exchange_enabled is None:
            data_exchange_enabled = kvp is None or kvp.enabled
    vm_running = True if vm_running is None else vm_running
    data_exchange_enabled = True if data_exchange_enabled is None else data_exchange_enabled
    rule = update_rule(host_os, guest_os)
    steps: list[PlanStep] = []
    if rule.mechanism is UpdateMechanism.PACKAGE_MANAGER:
        steps.extend(_linux_steps(guest_os))
    elif rule.mechanism is UpdateMechanism.INTEGRATION_SERVICES_DISK:
        steps.extend(_disk_steps(host_os, guest_os, vm_running=vm_running))
    else:
        if IntegrationService.KEY_VALUE_PAIR_EXCHANGE in rule.prerequisites and not (
            data_exchange_enabled
        ):
            steps.append(_enable_data_exchange())
        if not vm_running:
            steps.append(
                PlanStep(
                    action=StepAction.START_VM,
                    role=StepRole.REQUIRED,
                    side=StepSide.HOST,
                    title="Start the VM",
                    detail="Windows Update runs inside the running guest.",
                    commands=("Start-VM -Name '<VMName>'",),
                )
            )
        steps.append(_windows_update())
        if rule.fallback is UpdateMechanism.DOWNLOAD_CENTER_CAB:
            steps.extend(_cab_steps(guest_os, vm_running=vm_running, role=StepRole.FALLBACK))
    return UpdatePlan(
        rule=rule,
        vm_running=vm_running,
        data_exchange_enabled=data_exchange_enabled,
        steps=tuple(steps),
    )
