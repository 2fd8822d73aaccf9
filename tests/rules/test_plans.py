"""Update plans follow the matrix, the VM's state and the Data Exchange prerequisite."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from vmic import (
    IntegrationService,
    OperatingSystem,
    Product,
    StepAction,
    StepRole,
    UpdatePlan,
    plan_update,
    strategies as vst,
)
from vmic.diagnosis._fixes import install_daemon
from vmic.model._linux import InitSystem, LinuxPackaging, all_packaging


def _actions(plan: UpdatePlan) -> list[tuple[str, str]]:
    return [(s.action.value, s.role.value) for s in plan.steps]


def test_data_exchange_is_enabled_first_where_it_is_a_prerequisite() -> None:
    plan = plan_update("Windows Server 2019", "Windows 7", data_exchange_enabled=False)
    assert _actions(plan) == [
        ("enable_data_exchange", "required"),
        ("windows_update", "required"),
        ("apply_cab_online", "fallback"),
    ]
    enable = plan.steps[0]
    # Selected by component id, so a German or Chinese host works unchanged.
    assert IntegrationService.KEY_VALUE_PAIR_EXCHANGE.guid in enable.commands[0]
    assert "Key-Value Pair Exchange" not in enable.commands[0]


def test_no_enable_step_when_data_exchange_is_already_on() -> None:
    plan = plan_update("Windows Server 2019", "Windows 7")
    assert _actions(plan)[0] == ("windows_update", "required")


def test_no_enable_step_where_data_exchange_is_not_a_prerequisite() -> None:
    plan = plan_update("Windows 10", "Windows 8.1", data_exchange_enabled=False)
    assert _actions(plan) == [("windows_update", "required")]


def test_cab_fallback_is_offline_when_the_vm_is_off() -> None:
    plan = plan_update("Windows Server 2016", "Windows Server 2012", vm_running=False)
    assert _actions(plan) == [
        ("start_vm", "required"),
        ("windows_update", "required"),
        ("apply_cab_offline", "fallback"),
    ]
    offline = plan.steps[-1]
    assert any("Mount-VHD" in c for c in offline.commands)
    assert any("Add-WindowsPackage" in c and "-Path" in c for c in offline.commands)


@pytest.mark.parametrize(
    ("guest", "cab", "command"),
    [
        # 2013 blog post: the 6.2 cab is for Windows 8 / Server 2012, the 6.x cab for
        # Windows 7 and earlier; the wrong one fails its version check.
        ("Windows Server 2012", "windows6.2-", "Add-WindowsPackage -Online -PackagePath '"),
        ("Windows 8", "windows6.2-", "Add-WindowsPackage -Online -PackagePath '"),
        # Windows 7 / Server 2008 R2 have dism.exe but not DISM's PowerShell cmdlets.
        ("Windows 7", "windows6.x-", "dism.exe /Online /Add-Package '/PackagePath:"),
        ("Windows Server 2008 R2 SP1", "windows6.x-", "dism.exe /Online /Add-Package "),
    ],
)
def test_online_cab_fits_the_guest(guest: str, cab: str, command: str) -> None:
    plan = plan_update("Windows Server 2019", guest)
    online = plan.steps[-1]
    assert online.action is StepAction.APPLY_CAB_ONLINE
    (line,) = online.commands
    assert line.startswith(command)
    assert cab in line
    assert cab in online.detail
    assert online.automatable


@pytest.mark.parametrize("vm_running", [True, False])
def test_vista_gets_its_cab_by_hand(vm_running: bool) -> None:
    # Vista has neither DISM nor its cmdlets, and is too old for offline servicing.
    plan = plan_update("Windows Server 2016", "Windows Vista SP2", vm_running=vm_running)
    fallback = plan.steps[-1]
    assert fallback.action is StepAction.APPLY_CAB_ONLINE
    assert fallback.role is StepRole.FALLBACK
    assert fallback.commands == ()
    assert not fallback.automatable
    assert "pkgmgr" in fallback.detail
    assert "windows6.x-" in fallback.detail


def test_offline_cab_fits_the_guest() -> None:
    plan = plan_update("Windows Server 2016", "Windows 8", vm_running=False)
    offline = plan.steps[-1]
    assert offline.action is StepAction.APPLY_CAB_OFFLINE
    assert any("windows6.2-" in c for c in offline.commands)


def test_setup_disk_for_running_vms_on_old_hosts_is_not_automatable() -> None:
    plan = plan_update("Windows Server 2012 R2", "Windows Server 2012")
    first = plan.steps[0]
    assert first.action is StepAction.INSERT_SETUP_DISK
    assert not first.automatable
    assert first.requires_restart
    assert not plan.automatable
    alternatives = {s.action for s in plan.steps if s.role is StepRole.ALTERNATIVE}
    assert alternatives == {StepAction.APPLY_CAB_OFFLINE, StepAction.CONFIGURATION_MANAGER}
    config_manager = next(s for s in plan.steps if s.action is StepAction.CONFIGURATION_MANAGER)
    assert config_manager.requires_restart


def test_offline_vhdx_is_the_main_path_for_a_stopped_vm() -> None:
    plan = plan_update("Windows 8.1", "Windows 7", vm_running=False)
    assert _actions(plan)[0] == ("apply_cab_offline", "required")
    assert plan.automatable


@pytest.mark.parametrize(
    ("host", "guest"),
    [
        ("Windows Server 2012 R2", "Windows XP SP3"),  # too old for offline servicing
        ("Windows Server 2012", "Windows 8.1"),  # newer than the host that would patch it
    ],
)
def test_offline_servicing_is_not_offered_where_it_cannot_work(host: str, guest: str) -> None:
    plan = plan_update(host, guest, vm_running=False)
    assert StepAction.APPLY_CAB_OFFLINE not in {s.action for s in plan.steps}
    assert _actions(plan)[:2] == [("start_vm", "required"), ("insert_setup_disk", "required")]


@pytest.mark.parametrize(
    ("guest", "package", "command"),
    [
        ("Ubuntu 22.04", "linux-cloud-tools-virtual", "apt-get"),
        ("Red Hat Enterprise Linux 9", "hyperv-daemons", "yum"),
        ("Fedora Linux 41", "hyperv-daemons", "dnf"),
        ("Arch Linux", "hyperv", "pacman"),
        ("Linux", "hyperv-daemons", "apt-get"),
    ],
)
def test_linux_updates_through_the_distributions_package_manager(
    guest: str, package: str, command: str
) -> None:
    plan = plan_update("Windows Server 2016", guest)
    (step,) = plan.steps
    assert step.action is StepAction.UPDATE_LINUX_PACKAGES
    assert package in step.detail
    assert step.commands[0].startswith(command)
    assert step.requires_restart


# What keeps each package manager from asking: a question read from a non-terminal
# gets end of input, and the tool aborts.
UNATTENDED = {
    "apt-get": "-y",
    "dnf": "-y",
    "yum": "-y",
    "tdnf": "-y",
    "pacman": "--noconfirm",
    "zypper": "--non-interactive",
    # apk asks only when given --interactive; freebsd-update's fetch refuses a non-terminal
    # unless told it is not cron.
    "freebsd-update": "--not-running-from-cron",
}


@pytest.mark.parametrize("packaging", all_packaging(), ids=lambda p: p.family)
def test_linux_package_commands_run_unattended(packaging: LinuxPackaging) -> None:
    update = packaging.package_manager_update
    install = install_daemon(packaging, IntegrationService.KEY_VALUE_PAIR_EXCHANGE).commands
    for command in (update, *install[:1]):
        for part in command.removeprefix("sudo ").split("&&"):
            tool = part.split()[0]
            if part.split()[1:2] == ["update"] and tool == "apt-get":
                continue  # refreshing the package lists asks nothing
            if tool == "apk":
                assert "--interactive" not in part.split(), command
                continue
            assert UNATTENDED[tool] in part.split(), command
    if packaging.init is InitSystem.RC_D:
        return  # FreeBSD: no Linux guest to plan for
    first, last = packaging.versions
    release = first if first is not None else last
    guest = OperatingSystem(
        Product.LINUX,
        distribution=packaging.distributions[0],
        distribution_version=None if release is None else str(release),
    )
    plan = plan_update("Windows Server 2016", guest)
    assert plan.steps[0].commands == (update,)
    assert plan.automatable


@given(vst.matrix_pairs(), st.booleans())
def test_plans_are_consistent_with_their_rule(
    pair: tuple[OperatingSystem, OperatingSystem], vm_running: bool
) -> None:
    host, guest = pair
    plan = plan_update(host, guest, vm_running=vm_running, data_exchange_enabled=False)
    assert plan.steps
    assert plan.steps[0].role is StepRole.REQUIRED
    actions = [s.action for s in plan.steps]
    assert (StepAction.ENABLE_DATA_EXCHANGE in actions) is bool(plan.rule.prerequisites)
    assert (StepAction.WINDOWS_UPDATE in actions) is (plan.rule.mechanism.value == "windows_update")
    if StepAction.ENABLE_DATA_EXCHANGE in actions:
        assert actions[0] is StepAction.ENABLE_DATA_EXCHANGE
    fallbacks = [s for s in plan.steps if s.role is StepRole.FALLBACK]
    assert bool(fallbacks) is (plan.rule.fallback is not None)
