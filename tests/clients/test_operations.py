"""HyperVHost.wait, copy_file and shutdown against the simulated lab (simulated time)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from vmic import (
    ConfigurationError,
    ConnectionFailedError,
    OperationError,
    PreflightError,
    UnsafeValueError,
    VmicError,
    WaitTimeoutError,
)
from vmic.clients import Explanation, HyperVHost, WaitFor, host_explanation
from vmic.diagnosis import explainer
from vmic.model._services import IntegrationService
from vmic.rules._causes import Cause
from vmic.testing import FakeHyperVHost, Fault, demo_lab

if TYPE_CHECKING:
    from vmic.model import VM

_KVP = IntegrationService.KEY_VALUE_PAIR_EXCHANGE
_GSI = IntegrationService.GUEST_SERVICE_INTERFACE


def _host() -> tuple[FakeHyperVHost, HyperVHost]:
    lab = demo_lab().host("HV01")
    return lab, HyperVHost(lab)


# --- wait -------------------------------------------------------------------------------------


def test_waiting_for_the_ip_of_a_guest_without_its_kvp_daemon_names_the_cause() -> None:
    lab, host = _host()
    why = explainer(guest=lab.guest_executor("rhel-db"))
    with pytest.raises(WaitTimeoutError) as info:
        host.wait("rhel-db", "ip", timeout=30, explain=why)
    error = info.value
    assert isinstance(error, VmicError)
    assert isinstance(error, TimeoutError)
    assert error.cause is Cause.DAEMON_NOT_INSTALLED
    assert "daemon not installed" in str(error)  # the cause in words (error.cause has it)
    assert "hypervkvpd" in error.reason
    assert error.elapsed == 30
    assert lab.clock.now == 30  # simulated: the test did not sleep


def test_without_the_guest_the_host_alone_says_no_contact() -> None:
    _, host = _host()
    with pytest.raises(WaitTimeoutError) as info:
        host.wait("rhel-db", WaitFor.address(), timeout=2)
    assert info.value.cause is Cause.NO_CONTACT


def test_waiting_for_the_heartbeat_of_a_healthy_vm_succeeds_in_one_command() -> None:
    lab, host = _host()
    before = len(lab.commands)
    result = host.wait("dc01", WaitFor.heartbeat(), timeout=2)
    assert result.values == ("Ok",)
    assert result.polls == 1
    assert [c.action for c in lab.commands[before:]] == ["wait"]


def test_an_address_is_returned_and_filtered_by_version_and_prefix() -> None:
    lab, host = _host()
    vm = lab.vm("web01")
    assert host.wait("web01", "ipv4", timeout=1).addresses == (vm.ipv4,)
    assert host.wait("web01", "ipv6", timeout=1).addresses == (vm.ipv6,)
    with pytest.raises(WaitTimeoutError):
        host.wait("web01", WaitFor.address(prefix="10."), timeout=1)  # not the lab's range


def test_the_host_polls_with_back_off_until_the_guest_side_appears() -> None:
    lab, host = _host()
    rhel = lab.vm("rhel-db")
    lab.clock.call_later(5, lambda: rhel.install_daemon(_KVP))
    result = host.wait("rhel-db", "ip", timeout=60, poll=1, max_poll=8)
    # Looks at 0, 1, 3 and 7 seconds: the daemon came at 5.
    assert (result.seconds, result.polls) == (7, 4)
    assert result.addresses == (rhel.ipv4, rhel.ipv6)


def test_back_off_stops_at_the_deadline() -> None:
    lab, host = _host()
    with pytest.raises(WaitTimeoutError) as info:
        host.wait("rhel-db", "ip", timeout=10, poll=1, max_poll=2)
    assert info.value.elapsed == 10
    assert lab.clock.now == 10


def test_kvp_works_but_no_address_is_reported() -> None:
    lab, host = _host()
    vm = lab.vm("dc01")
    vm.set_intrinsic_item("NetworkAddressIPv4", None)
    vm.set_intrinsic_item("NetworkAddressIPv6", None)
    with pytest.raises(WaitTimeoutError) as info:
        host.wait("dc01", "ip", timeout=3)
    assert info.value.cause is None
    assert "reports no an address" not in info.value.reason
    assert "no DHCP lease" in info.value.reason


def test_a_vm_that_is_off_is_the_reason() -> None:
    lab, host = _host()
    lab.vm("dc01").power_off()
    with pytest.raises(WaitTimeoutError) as info:
        host.wait("dc01", "heartbeat", timeout=3)
    assert info.value.cause is Cause.VM_NOT_RUNNING


def test_a_heartbeat_disabled_on_the_host_is_the_reason() -> None:
    lab, host = _host()
    lab.vm("dc01").disable_on_host(IntegrationService.HEARTBEAT)
    with pytest.raises(WaitTimeoutError) as info:
        host.wait("dc01", "heartbeat", timeout=3)
    assert info.value.cause is Cause.DISABLED_ON_HOST


def test_a_kvp_item_the_guest_writes_is_waited_for() -> None:
    lab, host = _host()
    vm = lab.vm("web01")
    lab.clock.call_later(4, lambda: vm.guest_items.update({"BuildDone": "yes"}))
    assert host.wait("web01", "kvp:BuildDone", timeout=20).values == ("yes",)
    with pytest.raises(WaitTimeoutError):
        host.wait("web01", WaitFor.kvp("builddone"), timeout=2)  # names are exact


@pytest.mark.parametrize("until", ["", "kvp:", "heartbeats", "ip6"])
def test_bad_wait_targets_are_refused(until: str) -> None:
    _, host = _host()
    with pytest.raises(ConfigurationError):
        host.wait("dc01", until, timeout=1)


def test_bad_timeouts_are_refused() -> None:
    _, host = _host()
    for timeout in (0, -1, float("nan"), float("inf"), True):
        with pytest.raises(ConfigurationError):
            host.wait("dc01", "heartbeat", timeout=timeout)


# --- copy -------------------------------------------------------------------------------------

_SOURCE = "C:\\Deploy\\settings.json"


def test_copy_refuses_while_guest_service_interface_is_off() -> None:
    lab, host = _host()
    with pytest.raises(PreflightError, match="Guest Service Interface") as info:
        host.copy_file("dc01", _SOURCE, "C:\\Temp\\settings.json")
    assert info.value.cause is Cause.DISABLED_ON_HOST
    assert lab.vm("dc01").files == {}
    assert "copy-vmfile" not in [c.action for c in lab.commands]


def test_copy_enables_the_service_when_asked_and_the_file_is_in_the_guest() -> None:
    lab, host = _host()
    result = host.copy_file("dc01", _SOURCE, "C:\\Temp\\", enable_service=True)
    assert result.enabled_service
    assert result.bytes == len(lab.host_files[_SOURCE])
    assert "enabled Guest Service Interface" in str(result)
    assert lab.vm("dc01").read_file("c:\\temp\\SETTINGS.json") == lab.host_files[_SOURCE]
    assert lab.vm("dc01").integration.state(_GSI).host_enabled


def test_copy_keeps_an_existing_file_unless_overwrite_and_needs_create_path() -> None:
    lab, host = _host()
    lab.vm("web01").enable_on_host(_GSI)
    host.copy_file("web01", _SOURCE, "/tmp/settings.json")
    with pytest.raises(OperationError, match="exists"):
        host.copy_file("web01", _SOURCE, "/tmp/settings.json")
    host.copy_file("web01", _SOURCE, "/tmp/settings.json", overwrite=True)
    with pytest.raises(OperationError, match="cannot find the path"):
        host.copy_file("web01", _SOURCE, "/opt/app/conf/settings.json")
    host.copy_file("web01", _SOURCE, "/opt/app/conf/settings.json", create_path=True)
    assert set(lab.vm("web01").files) == {"/tmp/settings.json", "/opt/app/conf/settings.json"}
    with pytest.raises(OperationError, match="no file"):
        host.copy_file("web01", "C:\\missing.txt", "/tmp/x")


def test_copy_refuses_when_the_guest_side_is_missing_and_says_why() -> None:
    lab, host = _host()
    vm = lab.vm("web01")
    vm.enable_on_host(_GSI)
    vm.remove_daemon(_GSI)
    with pytest.raises(PreflightError) as info:
        host.copy_file(
            "web01", _SOURCE, "/tmp/x", explain=explainer(guest=lab.guest_executor("web01"))
        )
    assert info.value.cause is Cause.DAEMON_NOT_INSTALLED
    assert vm.files == {}


def _changes(lab: FakeHyperVHost) -> list[str | None]:
    return [c.action for c in lab.commands if c.mutating]


def test_copy_with_enable_service_refuses_a_windows_7_guest_before_changing_anything() -> None:
    # Windows 7 cannot have Guest Service Interface: the preflight asks the guest first.
    lab, host = _host()
    why = explainer(guest=lab.guest_executor("legacy-win7"))
    with pytest.raises(PreflightError) as info:
        host.copy_file("legacy-win7", _SOURCE, "C:\\Temp", enable_service=True, explain=why)
    assert info.value.cause is Cause.NOT_AVAILABLE_ON_GUEST_OS
    assert "Nothing was changed" in str(info.value)
    assert _changes(lab) == []
    assert not lab.vm("legacy-win7").integration.state(_GSI).host_enabled


def test_copy_with_enable_service_checks_the_source_before_enabling() -> None:
    lab, host = _host()
    with pytest.raises(OperationError, match="no file"):
        host.copy_file("dc01", "C:\\missing.txt", "C:\\Temp", enable_service=True)
    assert _changes(lab) == []
    assert not lab.vm("dc01").integration.state(_GSI).host_enabled


def test_a_copy_refused_after_enabling_disables_the_service_again_and_says_so() -> None:
    # Asked from the host alone, Windows 7's guest side is unknown until the service is on.
    lab, host = _host()
    with pytest.raises(PreflightError) as info:
        host.copy_file("legacy-win7", _SOURCE, "C:\\Temp", enable_service=True)
    assert not lab.vm("legacy-win7").integration.state(_GSI).host_enabled
    assert _changes(lab) == ["set-integration-services", "set-integration-services"]
    assert info.value.__notes__ == [
        "Guest Service Interface was enabled on HV01 for this copy, and has been disabled again"
    ]


def test_when_the_undo_fails_the_note_says_what_is_left_and_the_command() -> None:
    lab, host = _host()

    asked: list[str] = []

    def the_host_goes_away(observation: VM, service: IntegrationService) -> Explanation:
        asked.append(observation.name)
        if len(asked) == 2:  # once the service is on: the copy and the undo cannot reach it
            lab.fault = Fault.refused()
        return host_explanation(observation, service)

    with pytest.raises(ConnectionFailedError) as info:
        host.copy_file("dc01", _SOURCE, "C:\\Temp", enable_service=True, explain=the_host_goes_away)
    (note,) = info.value.__notes__
    assert "Guest Service Interface was enabled on HV01 for this copy and is still enabled" in note
    assert note.endswith("to turn it off: vmic disable --vm=dc01 guest_service_interface")
    assert lab.vm("dc01").integration.state(_GSI).host_enabled
    assert lab.vm("dc01").files == {}


def test_a_successful_copy_says_the_service_stays_on_and_how_to_turn_it_off() -> None:
    _, host = _host()
    result = host.copy_file("dc01", _SOURCE, "C:\\Temp\\", enable_service=True)
    assert str(result).endswith(
        "Guest Service Interface stays enabled (to turn it off: vmic disable --vm=dc01 "
        "guest_service_interface)"
    )


def test_copy_refuses_paths_with_nul() -> None:
    _, host = _host()
    with pytest.raises(UnsafeValueError):
        host.copy_file("dc01", "C:\\a\x00b", "C:\\Temp\\x", enable_service=True)
    with pytest.raises(UnsafeValueError):
        host.copy_file("dc01", _SOURCE, "C:\\Temp\\\x00", enable_service=True)


# --- shutdown ---------------------------------------------------------------------------------


def test_shutdown_is_clean_when_the_service_works() -> None:
    lab, host = _host()
    result = host.shutdown("web02", timeout=60)
    assert not result.turned_off
    assert not result.forced
    assert not lab.vm("web02").running
    assert result.after == "Off"
    assert "cleanly" in str(result)
    assert lab.vm("web02").power_log == ("Stop-VM",)


def test_shutdown_refuses_when_the_service_is_disabled() -> None:
    lab, host = _host()
    lab.vm("dc01").disable_on_host(IntegrationService.SHUTDOWN)
    with pytest.raises(PreflightError, match="Shutdown") as info:
        host.shutdown("dc01", timeout=60)
    assert info.value.cause is Cause.DISABLED_ON_HOST
    assert lab.vm("dc01").running


def test_turn_off_cuts_the_power_only_after_the_timeout_and_says_so() -> None:
    lab, host = _host()
    lab.vm("dc01").disable_on_host(IntegrationService.SHUTDOWN)
    result = host.shutdown("dc01", timeout=45, turn_off=True)
    assert result.turned_off
    assert result.seconds == 45
    assert lab.clock.now == 45
    assert not lab.vm("dc01").running
    assert "TURNED OFF" in str(result)
    assert "Shutdown is disabled" in result.reason
    assert lab.vm("dc01").power_log == ("Stop-VM", "Stop-VM -TurnOff")


def test_force_asks_a_locked_guest_to_shut_down_cleanly_before_any_turn_off() -> None:
    lab, host = _host()
    locked = lab.vm("web02")
    locked.locked = True  # the guest is locked: it refuses a plain Stop-VM
    result = host.shutdown("web02", timeout=60, force=True, turn_off=True)
    assert (result.after, result.forced, result.turned_off) == ("Off", True, False)
    assert "cleanly (Stop-VM -Force)" in str(result)
    assert locked.power_log == ("Stop-VM -Force",)  # no -TurnOff was needed
    recorded = [c for c in lab.commands if c.action == "stop-vm"][-1].command
    assert (recorded.parameters["Force"], recorded.parameters["TurnOff"]) == (True, True)
    # The script asks with -Force:$Force before its only -TurnOff, which waits for the timeout.
    code = recorded.script.split("#>", 1)[1]
    assert code.index("Stop-VM -VM $vmicVm -Force:$Force") < code.index("-TurnOff")
    assert code.count("-TurnOff") == 1


def test_a_locked_guest_refuses_a_plain_shutdown_and_turn_off_is_the_power_cut() -> None:
    lab, host = _host()
    lab.vm("web02").locked = True
    with pytest.raises(WaitTimeoutError, match=r"locked.*force=True / --force") as info:
        host.shutdown("web02", timeout=30)
    assert "Stop-VM failed: The virtual machine is locked" in info.value.reason
    assert lab.vm("web02").running
    result = host.shutdown("web02", timeout=30, turn_off=True)
    assert result.turned_off
    assert lab.vm("web02").power_log == ("Stop-VM", "Stop-VM", "Stop-VM -TurnOff")


def test_a_guest_too_slow_to_shut_down_times_out_without_force() -> None:
    lab, host = _host()
    lab.vm("web02").shutdown_seconds = 500
    with pytest.raises(WaitTimeoutError, match="still Running"):
        host.shutdown("web02", timeout=30)
    assert lab.vm("web02").running


def test_shutdown_of_a_vm_already_off_does_nothing() -> None:
    lab, host = _host()
    lab.vm("web02").power_off()
    assert host.shutdown("web02", timeout=5).already_off
    assert "stop-vm" not in [c.action for c in lab.commands]
