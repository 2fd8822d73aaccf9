"""Unit tests of the both-sides enablement rules (vmic.rules._semantics).

Each test names the rule it checks; the specification's sentence is quoted where the
rule comes from "Manage Hyper-V Integration Services" (2020, and its newer revision).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs
import pytest

from vmic import (
    VM,
    Guest,
    GuestOnlyService,
    IntegrationService,
    InvalidTransitionError,
    OperatingSystem,
    Product,
    StartType,
    UnknownOperatingSystemError,
    UnknownServiceError,
    VmicError,
    WindowsServiceStatus,
)
from vmic.errors import ConfigurationError
from vmic.model._linux import DAEMON_SERVICES, KERNEL_SERVICES
from vmic.rules._semantics import (
    SERVICE_START_TYPES,
    TRACKED_SERVICES,
    GuestStatus,
    KernelDriver,
    LinuxDaemonService,
    LinuxKernelService,
    Reaction,
    Reason,
    ServiceState,
    UnitState,
    VMIntegration,
    WindowsGuestService,
)

if TYPE_CHECKING:
    import enum

GSI = IntegrationService.GUEST_SERVICE_INTERFACE
HEARTBEAT = IntegrationService.HEARTBEAT
KVP = IntegrationService.KEY_VALUE_PAIR_EXCHANGE
SHUTDOWN = IntegrationService.SHUTDOWN
TIMESYNC = IntegrationService.TIME_SYNCHRONIZATION
VSS = IntegrationService.VSS
PSDIRECT = GuestOnlyService.POWERSHELL_DIRECT
RDV = GuestOnlyService.REMOTE_DESKTOP_VIRTUALIZATION

WS2019 = OperatingSystem(Product.WINDOWS_SERVER_2019)
WS2008R2 = OperatingSystem(Product.WINDOWS_SERVER_2008_R2)
UBUNTU = OperatingSystem(Product.LINUX, distribution="ubuntu")
ARCH = OperatingSystem(Product.LINUX, distribution="arch")


def windows() -> VMIntegration:
    return VMIntegration.new(WS2019)


def linux() -> VMIntegration:
    return VMIntegration.new(UBUNTU)


# --- defaults --------------------------------------------------------------------------------


def test_new_vm_enables_every_service_but_guest_service_interface() -> None:
    # "All integration services except 'Hyper-V Guest Service Interface' are turned on by
    # default in Windows guest operating systems."
    vm = windows()
    enabled = {s for s in IntegrationService if vm.state(s).host_enabled}
    assert enabled == set(IntegrationService) - {GSI}
    assert vm.state(GSI).reasons == (Reason.DISABLED_ON_HOST, Reason.NOT_RUNNING_IN_GUEST)


def test_new_vm_runs_what_is_enabled_and_is_settled() -> None:
    for guest_os in (WS2019, WS2008R2, UBUNTU, ARCH):
        vm = VMIntegration.new(guest_os)
        assert vm.pending == ()
        assert vm.settle() is vm
        for state in vm.states:
            if state.host_enabled and state.available:
                assert state.functioning, state


def test_new_vm_tracks_every_service_in_catalog_order() -> None:
    vm = linux()
    assert tuple(state.service for state in vm.states) == TRACKED_SERVICES
    assert TRACKED_SERVICES[:6] == tuple(IntegrationService)
    assert set(TRACKED_SERVICES[6:]) == set(GuestOnlyService)


def test_new_accepts_guest_os_text() -> None:
    assert VMIntegration.new("Windows Server 2019") == VMIntegration.new(WS2019)
    with pytest.raises(UnknownOperatingSystemError):
        VMIntegration.new("Windows Server 1999")


def test_new_accepts_the_models() -> None:
    # A guest stands for its OS; a VM for its guest's OS and its host's settings.
    assert VMIntegration.new(Guest(os="Windows Server 2019")) == VMIntegration.new(WS2019)
    vm = VM("web", state="running", services={"Data Exchange": False}, guest_os=UBUNTU)
    from_vm = VMIntegration.new(vm)
    assert from_vm.guest_os == UBUNTU
    assert from_vm.state(KVP).reasons == (Reason.DISABLED_ON_HOST, Reason.DAEMON_NOT_RUNNING)
    assert from_vm.state(HEARTBEAT).functioning
    assert not from_vm.state(GSI).host_enabled  # as the VM's defaults have it
    # What is said outright wins over the VM's settings.
    assert VMIntegration.new(vm, enabled=[KVP]).state(KVP).functioning
    with pytest.raises(ConfigurationError, match="no known operating system"):
        VMIntegration.new(VM("x", state="off"))


def test_new_with_explicit_enabled_set() -> None:
    vm = VMIntegration.new(WS2019, enabled=[GSI, HEARTBEAT])
    assert {s for s in IntegrationService if vm.state(s).host_enabled} == {GSI, HEARTBEAT}
    assert vm.state(GSI).functioning
    assert vm.state(KVP).reasons == (Reason.DISABLED_ON_HOST, Reason.NOT_RUNNING_IN_GUEST)


def test_new_rejects_bad_options() -> None:
    with pytest.raises(ConfigurationError, match="Linux guests only"):
        VMIntegration.new(WS2019, kernel_driver=KernelDriver.LOADED)
    with pytest.raises(ConfigurationError, match="guest-only"):
        VMIntegration.new(WS2019, enabled=[PSDIRECT])  # type: ignore[list-item]
    with pytest.raises(UnknownServiceError):
        VMIntegration.new(WS2019, enabled=["Heartbeat"])  # type: ignore[list-item]
    with pytest.raises(UnknownServiceError, match="'Heartbeat'"):
        VMIntegration.new(WS2019, enabled="Heartbeat")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="KernelDriver"):
        VMIntegration.new(UBUNTU, kernel_driver="loaded")  # type: ignore[arg-type]


def test_new_without_integration_services_installed() -> None:
    vm = VMIntegration.new(WS2019, installed=False)
    assert vm.state(KVP).reasons == (Reason.NOT_INSTALLED_IN_GUEST,)
    assert vm.state(PSDIRECT).reasons == (Reason.NOT_INSTALLED_IN_GUEST,)
    assert vm.state(KVP).guest == WindowsGuestService(
        status=GuestStatus.NOT_INSTALLED, start_type=StartType.MANUAL
    )
    vm = VMIntegration.new(UBUNTU, installed=False)
    assert vm.state(KVP).reasons == (Reason.DAEMON_NOT_INSTALLED,)
    # Kernel services need no package: hv_utils alone makes them work.
    assert vm.state(HEARTBEAT).functioning


# --- older guests ----------------------------------------------------------------------------


def test_2008_r2_guest_cannot_have_guest_service_interface() -> None:
    # "Earlier guest operating systems will not have all available services. For example,
    # Windows Server 2008 R2 guests cannot have the 'Hyper-V Guest Service Interface'."
    vm = VMIntegration.new(WS2008R2)
    assert not vm.state(GSI).available
    with pytest.raises(InvalidTransitionError) as caught:
        vm.start_in_guest(GSI)
    assert str(caught.value) == (
        "cannot start Guest Service Interface: Windows Server 2008 R2 guests do not have it "
        "(it needs Windows Server 2012 R2 or Windows 8.1 or later)"
    )


def test_host_can_still_enable_a_service_the_guest_lacks() -> None:
    # Get-VMIntegrationService lists all six rows for every VM; enabling one the guest
    # predates is accepted by the host but never makes it work.
    vm = VMIntegration.new(WS2008R2).enable(GSI)
    assert vm.state(GSI).host_enabled is True
    assert vm.state(GSI).reasons == (Reason.NOT_AVAILABLE_ON_GUEST_OS,)
    assert vm.disable(GSI).state(GSI).reasons == (
        Reason.DISABLED_ON_HOST,
        Reason.NOT_AVAILABLE_ON_GUEST_OS,
    )


@pytest.mark.parametrize("product", [p for p in Product if p is not Product.LINUX])
def test_availability_follows_the_catalog(product: Product) -> None:
    # The catalog's own table of which guests predate which service is tested in
    # test_services_catalog; here every tracked service of every Windows guest agrees with it.
    vm = VMIntegration.new(OperatingSystem(product))
    for service in (*IntegrationService, *GuestOnlyService):
        assert vm.state(service).available is service.is_available_on(product), service
    assert vm.state(HEARTBEAT).available


def test_guest_only_services_on_unavailable_guests_raise_with_reason() -> None:
    vm = VMIntegration.new(OperatingSystem(Product.WINDOWS_8_1))
    with pytest.raises(InvalidTransitionError, match=r"needs Windows Server 2016 or Windows 10"):
        vm.stop_in_guest(PSDIRECT)
    with pytest.raises(InvalidTransitionError, match="is a Windows guest service"):
        linux().install_in_guest(PSDIRECT)
    with pytest.raises(InvalidTransitionError, match="Windows guest service"):
        linux().set_start_type(PSDIRECT, StartType.MANUAL)


# --- Windows: the specification's rules -------------------------------------------------------


def test_both_sides_must_be_on() -> None:
    # "Each service you want to use must be enabled in both the host and guest in order
    # to function."
    vm = windows()
    assert vm.state(KVP).functioning
    assert not vm.disable(KVP).state(KVP).functioning
    assert not vm.stop_in_guest(KVP).state(KVP).functioning


def test_enabling_on_the_host_starts_the_guest_service() -> None:
    # "When you enable a service in the host, it automatically starts running in the guest."
    vm = windows()
    assert not vm.state(GSI).running
    enabled = vm.enable(GSI)
    assert enabled.state(GSI).running
    assert enabled.state(GSI).functioning
    assert enabled.state(GSI).reasons == ()


def test_disabling_on_the_host_stops_the_guest_service() -> None:
    # "The corresponding service in the guest operating system will stop or start
    # automatically when you change its state in Hyper-V."
    vm = windows().disable(VSS)
    state = vm.state(VSS)
    assert not state.running
    assert state.pending is None
    assert state.reasons == (Reason.DISABLED_ON_HOST, Reason.NOT_RUNNING_IN_GUEST)


def test_starting_in_the_guest_while_disabled_on_the_host_stops_again() -> None:
    # "If you start a service in the guest operating system but it is disabled in Hyper-V,
    # the service will stop."
    vm = windows().start_in_guest(GSI)
    state = vm.state(GSI)
    assert state.running
    assert state.pending is Reaction.STOP
    assert not state.functioning
    assert state.reasons == (Reason.DISABLED_ON_HOST, Reason.PENDING_STOP)
    settled = vm.settle()
    assert not settled.state(GSI).running
    assert settled.pending == ()


def test_stopping_in_the_guest_while_enabled_is_restarted_by_hyperv() -> None:
    # "If you stop a service in the guest operating system that is enabled in Hyper-V,
    # Hyper-V will eventually start it again."
    vm = windows().stop_in_guest(SHUTDOWN)
    state = vm.state(SHUTDOWN)
    assert state.pending is Reaction.RESTART
    assert state.reasons == (Reason.NOT_RUNNING_IN_GUEST, Reason.PENDING_RESTART)
    assert vm.settle().state(SHUTDOWN).functioning


def test_disabled_startup_type_keeps_hyperv_from_starting_the_service() -> None:
    # "If you disable the service in the guest, Hyper-V will be unable to start it."
    vm = windows().set_start_type(TIMESYNC, StartType.DISABLED).stop_in_guest(TIMESYNC)
    state = vm.state(TIMESYNC)
    assert state.pending is None
    assert state.reasons == (Reason.NOT_RUNNING_IN_GUEST, Reason.STARTUP_DISABLED_IN_GUEST)
    assert vm.settle() is vm
    # Turning it off and on at the host does not start it either.
    cycled = vm.disable(TIMESYNC).enable(TIMESYNC).settle()
    assert not cycled.state(TIMESYNC).running
    assert Reason.STARTUP_DISABLED_IN_GUEST in cycled.state(TIMESYNC).reasons


def test_start_service_fails_for_a_disabled_startup_type() -> None:
    vm = windows().set_start_type(KVP, StartType.DISABLED).stop_in_guest(KVP)
    with pytest.raises(InvalidTransitionError) as caught:
        vm.start_in_guest(KVP)
    assert str(caught.value) == (
        "cannot start Key-Value Pair Exchange in the guest: its startup type is Disabled "
        "(set it to Manual or Automatic first)"
    )


def test_disabling_the_startup_type_does_not_stop_a_running_service() -> None:
    vm = windows().set_start_type(KVP, StartType.DISABLED)
    assert vm.state(KVP).running
    assert vm.state(KVP).functioning


def test_reenabling_the_startup_type_lets_hyperv_start_it_again() -> None:
    vm = windows().set_start_type(KVP, StartType.DISABLED).stop_in_guest(KVP)
    vm = vm.set_start_type(KVP, StartType.AUTOMATIC)
    assert vm.state(KVP).pending is Reaction.RESTART
    assert vm.settle().state(KVP).functioning


@pytest.mark.parametrize("start_type", [StartType.BOOT, StartType.SYSTEM])
def test_driver_start_types_are_refused(start_type: StartType) -> None:
    with pytest.raises(InvalidTransitionError, match="Automatic, Manual or Disabled"):
        windows().set_start_type(KVP, start_type)


def test_windows_services_report_get_service_status() -> None:
    vm = windows().stop_in_guest(VSS)
    vss = vm.state(VSS).guest
    heartbeat = vm.state(HEARTBEAT).guest
    assert isinstance(vss, WindowsGuestService)
    assert isinstance(heartbeat, WindowsGuestService)
    assert vss.service_status is WindowsServiceStatus.STOPPED
    assert heartbeat.service_status is WindowsServiceStatus.RUNNING
    absent = WindowsGuestService(status=GuestStatus.NOT_INSTALLED, start_type=StartType.MANUAL)
    assert absent.service_status is None


def test_repeated_host_transitions_change_nothing() -> None:
    vm = windows().stop_in_guest(KVP)
    # Enabling an enabled service is a no-op: the pending restart stays pending.
    assert vm.enable(KVP) is vm
    disabled = vm.disable(HEARTBEAT)
    assert disabled.disable(HEARTBEAT) is disabled


def test_repeated_guest_transitions_change_nothing() -> None:
    vm = windows()
    assert vm.start_in_guest(KVP) is vm
    stopped = vm.stop_in_guest(KVP)
    assert stopped.stop_in_guest(KVP) is stopped


def test_transitions_do_not_mutate() -> None:
    vm = windows()
    before = attrs.evolve(vm)
    vm.disable(KVP).stop_in_guest(VSS).set_start_type(SHUTDOWN, StartType.DISABLED)
    vm.uninstall_in_guest().settle()
    assert vm == before
    assert vm.state(KVP).functioning


def test_windows_install_and_uninstall() -> None:
    vm = windows().set_start_type(KVP, StartType.DISABLED).uninstall_in_guest()
    assert all(not s.installed for s in vm.states if s.available)
    assert vm.state(HEARTBEAT).reasons == (Reason.NOT_INSTALLED_IN_GUEST,)
    with pytest.raises(InvalidTransitionError, match="not installed in the guest"):
        vm.start_in_guest(HEARTBEAT)
    with pytest.raises(InvalidTransitionError, match="not installed in the guest"):
        vm.set_start_type(HEARTBEAT, StartType.MANUAL)
    # "After the installation finishes, all integration services are available for use."
    installed = vm.install_in_guest()
    assert installed.pending == ()
    for state in installed.states:
        assert state.functioning is bool(state.host_enabled is not False and state.available)
    # A fresh install resets the startup type.
    kvp = installed.state(KVP).guest
    assert isinstance(kvp, WindowsGuestService)
    assert kvp.start_type is StartType.MANUAL


def test_install_leaves_installed_services_alone() -> None:
    vm = windows().stop_in_guest(KVP).set_start_type(KVP, StartType.DISABLED)
    assert vm.install_in_guest() == vm
    one = vm.uninstall_in_guest(VSS)
    assert not one.state(VSS).installed
    assert one.state(HEARTBEAT).installed
    assert one.install_in_guest(VSS).state(VSS).functioning


# --- guest-only services ---------------------------------------------------------------------


def test_guest_only_services_have_no_host_side() -> None:
    vm = windows()
    assert vm.state(PSDIRECT).host_enabled is None
    with pytest.raises(InvalidTransitionError, match="guest-only service"):
        vm.enable(PSDIRECT)
    with pytest.raises(InvalidTransitionError, match="guest-only service"):
        vm.disable(RDV)


def test_stopping_powershell_direct_turns_it_off_and_nothing_restarts_it() -> None:
    # "to turn off Windows PowerShell Direct, run: Stop-Service -Name vmicvmsession"
    vm = windows().stop_in_guest(PSDIRECT)
    assert vm.state(PSDIRECT).reasons == (Reason.NOT_RUNNING_IN_GUEST,)
    assert vm.settle() is vm
    assert vm.start_in_guest(PSDIRECT).state(PSDIRECT).functioning


# --- Linux -----------------------------------------------------------------------------------


def test_linux_kernel_services_have_no_daemon() -> None:
    vm = linux()
    for service in KERNEL_SERVICES:
        assert isinstance(vm.state(service).guest, LinuxKernelService)
        with pytest.raises(InvalidTransitionError, match="kernel driver hv_utils implements it"):
            vm.stop_in_guest(service)
        with pytest.raises(InvalidTransitionError, match="update the kernel package"):
            vm.install_in_guest(service)
    for service in DAEMON_SERVICES:
        assert isinstance(vm.state(service).guest, LinuxDaemonService)


def test_linux_kernel_services_need_hv_utils() -> None:
    vm = linux().unload_kernel_driver()
    assert vm.kernel_driver is KernelDriver.NOT_LOADED
    for service in KERNEL_SERVICES:
        assert vm.state(service).reasons == (Reason.KERNEL_DRIVER_MISSING,)
    # The daemons lose their device and exit.
    assert vm.state(KVP).reasons == (Reason.KERNEL_DRIVER_MISSING, Reason.DAEMON_NOT_RUNNING)
    reloaded = vm.load_kernel_driver()
    assert reloaded.kernel_driver is KernelDriver.LOADED
    assert reloaded == linux()


def test_built_in_hv_utils_cannot_be_unloaded() -> None:
    vm = VMIntegration.new(UBUNTU, kernel_driver=KernelDriver.BUILT_IN)
    assert vm.state(HEARTBEAT).functioning
    assert vm.load_kernel_driver() is vm
    with pytest.raises(InvalidTransitionError, match="built into this Linux"):
        vm.unload_kernel_driver()


def test_kernel_driver_transitions_are_linux_only() -> None:
    assert windows().kernel_driver is None
    with pytest.raises(InvalidTransitionError, match="not a Linux guest"):
        windows().load_kernel_driver()
    with pytest.raises(InvalidTransitionError, match="not a Linux guest"):
        windows().unload_kernel_driver()


def test_linux_vm_without_hv_utils() -> None:
    vm = VMIntegration.new(UBUNTU, kernel_driver=KernelDriver.NOT_LOADED)
    assert vm.unload_kernel_driver() is vm
    assert vm.state(KVP).reasons == (Reason.KERNEL_DRIVER_MISSING, Reason.DAEMON_NOT_RUNNING)
    # Loading the driver brings up the devices of the enabled services only.
    loaded = vm.load_kernel_driver()
    assert loaded.state(KVP).functioning
    assert not loaded.state(GSI).running


def test_hyperv_does_not_restart_a_linux_daemon() -> None:
    # The specification's Linux example kills hv_kvp_daemon and starts it again by hand.
    vm = linux().stop_in_guest(KVP)
    assert vm.state(KVP).pending is None
    assert vm.state(KVP).reasons == (Reason.DAEMON_NOT_RUNNING,)
    assert vm.settle() is vm
    assert vm.start_in_guest(KVP).state(KVP).functioning


def test_enabling_on_the_host_starts_a_device_bound_daemon() -> None:
    # udev SYSTEMD_WANTS pulls the unit in when the VMBus device appears.
    vm = linux().enable(GSI)
    assert vm.state(GSI).functioning


@pytest.mark.parametrize("unit", [UnitState.DISABLED, UnitState.MASKED, UnitState.NO_UNIT])
def test_enabling_does_not_start_a_daemon_nothing_pulls_in(unit: UnitState) -> None:
    vm = linux().set_unit_state(GSI, unit).enable(GSI)
    assert vm.state(GSI).reasons == (Reason.DAEMON_NOT_RUNNING,)
    # Running it by hand still works (the specification starts hv_kvp_daemon by hand).
    assert vm.start_in_guest(GSI).state(GSI).functioning


@pytest.mark.parametrize("unit", list(UnitState))
def test_disabling_on_the_host_stops_a_daemon_whatever_its_unit(unit: UnitState) -> None:
    vm = linux().set_unit_state(KVP, unit)
    assert vm.state(KVP).running  # changing the unit does not stop it
    disabled = vm.disable(KVP)
    assert not disabled.state(KVP).running
    assert disabled.state(KVP).reasons == (Reason.DISABLED_ON_HOST, Reason.DAEMON_NOT_RUNNING)


def test_starting_a_daemon_while_disabled_on_the_host_stops_again() -> None:
    vm = linux().start_in_guest(GSI)
    assert vm.state(GSI).pending is Reaction.STOP
    assert vm.state(GSI).reasons == (Reason.DISABLED_ON_HOST, Reason.PENDING_STOP)
    assert not vm.settle().state(GSI).running


def test_starting_a_daemon_without_hv_utils_stops_again() -> None:
    vm = VMIntegration.new(UBUNTU, kernel_driver=KernelDriver.NOT_LOADED).start_in_guest(KVP)
    # A running daemon is not enough: its kernel half (hv_utils) is missing.
    assert vm.state(KVP).running
    assert not vm.state(KVP).functioning
    assert vm.state(KVP).reasons == (Reason.KERNEL_DRIVER_MISSING, Reason.PENDING_STOP)
    assert not vm.settle().state(KVP).running


def test_linux_daemon_install_follows_distribution_packaging() -> None:
    vm = VMIntegration.new(ARCH, installed=False)
    assert vm.state(GSI).reasons == (Reason.DISABLED_ON_HOST, Reason.DAEMON_NOT_INSTALLED)
    with pytest.raises(InvalidTransitionError, match="not installed in the guest"):
        vm.start_in_guest(KVP)
    with pytest.raises(InvalidTransitionError, match="not installed in the guest"):
        vm.set_unit_state(KVP, UnitState.MASKED)
    installed = vm.enable(GSI).install_in_guest()
    # Arch's hyperv package ships a unit for each daemon (hv_fcopy_daemon.service too).
    kvp, gsi = installed.state(KVP).guest, installed.state(GSI).guest
    assert isinstance(kvp, LinuxDaemonService)
    assert isinstance(gsi, LinuxDaemonService)
    assert (kvp.unit, gsi.unit) == (UnitState.ENABLED, UnitState.ENABLED)
    assert installed.state(KVP).functioning
    # An enabled unit starts the daemon on install, as the package's preset does.
    assert installed.state(GSI).functioning


def test_linux_daemon_uninstall() -> None:
    vm = linux().uninstall_in_guest(VSS)
    assert vm.state(VSS).reasons == (Reason.DAEMON_NOT_INSTALLED,)
    assert vm.state(VSS).guest == LinuxDaemonService(
        driver=KernelDriver.LOADED, status=GuestStatus.NOT_INSTALLED, unit=UnitState.NO_UNIT
    )
    assert vm.install_in_guest(VSS) == linux()
    # Uninstalling everything touches only the daemons.
    bare = linux().uninstall_in_guest()
    assert {s.service for s in bare.states if s.functioning} == set(KERNEL_SERVICES)


def test_unit_and_start_type_are_platform_specific() -> None:
    with pytest.raises(InvalidTransitionError, match="use set_start_type"):
        windows().set_unit_state(KVP, UnitState.MASKED)
    with pytest.raises(InvalidTransitionError, match="use set_unit_state"):
        linux().set_start_type(KVP, StartType.DISABLED)
    with pytest.raises(InvalidTransitionError, match="UnitState"):
        linux().set_unit_state(KVP, "masked")  # type: ignore[arg-type]
    with pytest.raises(InvalidTransitionError, match="no daemon"):
        linux().set_unit_state(HEARTBEAT, UnitState.MASKED)


# --- reasons and errors ----------------------------------------------------------------------


@pytest.mark.parametrize("enum_type", [GuestStatus, KernelDriver, UnitState, Reaction, Reason])
def test_vocabularies_are_snake_case_with_short_reprs(enum_type: type[enum.Enum]) -> None:
    for member in enum_type:
        assert member.value == member.name.lower()
        assert repr(member) == f"{enum_type.__name__}.{member.name}"


def test_kernel_service_is_installed_and_running_with_its_driver() -> None:
    for driver in KernelDriver:
        side = LinuxKernelService(driver=driver)
        assert side.installed is side.running is driver.present
    assert [d for d in KernelDriver if not d.present] == [KernelDriver.NOT_LOADED]


def test_reason_vocabulary() -> None:
    for reason in Reason:
        assert reason.value == reason.name.lower()
        assert reason.description.endswith(".")
        assert repr(reason) == f"Reason.{reason.name}"
    assert {r.value for r in Reaction} == {"restart", "stop"}


def test_bad_service_arguments_raise_vmic_errors() -> None:
    vm = windows()
    for bad in ("Heartbeat", None, 3, ["list"]):
        with pytest.raises(UnknownServiceError):
            vm.state(bad)  # type: ignore[arg-type]
        with pytest.raises(VmicError):
            vm.enable(bad)  # type: ignore[arg-type]
        with pytest.raises(VmicError):
            vm.start_in_guest(bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidTransitionError):
        vm.set_start_type(KVP, "disabled")  # type: ignore[arg-type]
    with pytest.raises(InvalidTransitionError):
        vm.set_start_type(KVP, ["unhashable"])  # type: ignore[arg-type]


# --- model validation ------------------------------------------------------------------------


WINDOWS_SIDE = WindowsGuestService(status=GuestStatus.RUNNING, start_type=StartType.MANUAL)
KERNEL_SIDE = LinuxKernelService(driver=KernelDriver.LOADED)
DAEMON_SIDE = LinuxDaemonService(
    driver=KernelDriver.LOADED, status=GuestStatus.RUNNING, unit=UnitState.ENABLED
)


def test_service_state_cross_field_rules() -> None:
    with pytest.raises(ConfigurationError, match="no host-side setting"):
        ServiceState(service=PSDIRECT, host_enabled=True, guest=WINDOWS_SIDE)
    with pytest.raises(ConfigurationError, match="only in Windows guests"):
        ServiceState(service=PSDIRECT, host_enabled=None, guest=KERNEL_SIDE)
    with pytest.raises(ConfigurationError, match="must be a bool"):
        ServiceState(service=KVP, host_enabled=None, guest=WINDOWS_SIDE)
    with pytest.raises(ConfigurationError, match="use LinuxDaemonService"):
        ServiceState(service=KVP, host_enabled=True, guest=KERNEL_SIDE)
    with pytest.raises(ConfigurationError, match="use LinuxKernelService"):
        ServiceState(service=HEARTBEAT, host_enabled=True, guest=DAEMON_SIDE)
    with pytest.raises(ValueError, match="start_type"):
        WindowsGuestService(status=GuestStatus.RUNNING, start_type=StartType.BOOT)


def test_vm_integration_cross_field_rules() -> None:
    states = list(windows().states)
    with pytest.raises(ConfigurationError, match="in that order"):
        VMIntegration(guest_os=WS2019, states=states[::-1])
    with pytest.raises(ConfigurationError, match="not available on Windows Server 2008 R2"):
        VMIntegration(guest_os=WS2008R2, states=states)
    with pytest.raises(ConfigurationError, match="does not fit a Linux"):
        VMIntegration(
            guest_os=UBUNTU,
            states=[
                *states[:6],
                ServiceState(service=PSDIRECT, host_enabled=None, guest=None),
                ServiceState(service=RDV, host_enabled=None, guest=None),
            ],
        )
    mixed = list(linux().states)
    mixed[0] = attrs.evolve(
        mixed[0],
        guest=LinuxDaemonService(
            driver=KernelDriver.NOT_LOADED, status=GuestStatus.STOPPED, unit=UnitState.ENABLED
        ),
    )
    with pytest.raises(ConfigurationError, match="same hv_utils state"):
        VMIntegration(guest_os=UBUNTU, states=mixed)
    assert VMIntegration(guest_os=UBUNTU, states=iter(linux().states)) == linux()


def test_start_types_constant() -> None:
    assert set(SERVICE_START_TYPES) == {StartType.AUTOMATIC, StartType.MANUAL, StartType.DISABLED}
