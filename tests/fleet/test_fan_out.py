"""One round trip per host: the host asks its Windows guests; other guests are asked at once.

Counts and orderings from the lab's recorded commands, never wall-clock times.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from vmic.clients import HyperVHost, _scripts
from vmic.clients._host import DIRECT_NOT_AVAILABLE
from vmic.connect import HostTarget
from vmic.errors import ConfigurationError
from vmic.executors import Credential, Secret
from vmic.fleet import HostStatus, audit
from vmic.model import Guest, GuestUnreachable, Host
from vmic.testing import FakeHyperVHost, Fault

if TYPE_CHECKING:
    from vmic.testing import RecordedCommand

ACCOUNT = Credential("lab\\admin", "s3cret-Pa55")


def _host(windows: int = 0, linux: int = 0, *, latency: float = 0.0) -> FakeHyperVHost:
    host = FakeHyperVHost("HV-FAN", latency=latency)
    for index in range(windows):
        host.add_vm(f"win{index}", "Windows Server 2022")
    for index in range(linux):
        host.add_vm(f"lin{index}", "Ubuntu 22.04")
    return host


def _target(host: FakeHyperVHost, *, fan_out: Credential | None = ACCOUNT) -> HostTarget:
    return HostTarget.for_executor(
        host,
        guests=lambda vm: host.guest_executor(vm.name),
        timeout=5.0,
        fan_out=fan_out,
    )


def _guests(host: Host) -> dict[str, Guest | GuestUnreachable]:
    """The guests the host's own command attached to its VMs, by VM name."""
    return {vm.name: vm.guest for vm in host.vms if vm.guest is not None}


def _guest_commands(host: FakeHyperVHost) -> dict[str, list[RecordedCommand]]:
    return {vm.name: list(vm.guest_executor().commands) for vm in host.vms}


def test_ten_windows_guests_take_one_host_command_and_none_to_the_guests() -> None:
    host = _host(windows=10)
    report = audit([_target(host)])
    (result,) = report.results
    assert result.status is HostStatus.OK
    assert [c.action for c in host.commands] == ["inventory-guests"]
    assert all(not commands for commands in _guest_commands(host).values())
    assert result.diagnosis is not None
    views = {vm.vm: vm.guest_view.value for vm in result.diagnosis.vms}
    assert len(views) == 10
    assert set(views.values()) == {"observed"}


def test_without_the_account_each_guest_is_asked_on_its_own() -> None:
    host = _host(windows=3)
    audit([_target(host, fan_out=None)])
    assert [c.action for c in host.commands] == ["inventory"]
    assert all(len(commands) == 1 for commands in _guest_commands(host).values())


def test_the_account_travels_as_parameters_never_in_the_script() -> None:
    host = _host(windows=2)
    HyperVHost(host).observe_with_guests(ACCOUNT, guest_timeout=7, throttle=3)
    (recorded,) = host.commands
    command = recorded.command
    assert command.script == _scripts.script("host-inventory-guests").text
    assert command.parameters["VmicUser"] == "lab\\admin"
    password = command.parameters["VmicPassword"]
    assert isinstance(password, Secret)
    assert password.reveal() == "s3cret-Pa55"
    assert command.parameters["VmicGuestScript"] == _scripts.script("windows-observe").text
    assert command.parameters["VmicThrottle"] == "3"
    assert float(str(command.parameters["VmicGuestTimeout"])) == 7
    assert "s3cret" not in repr(command)
    assert "s3cret" not in command.summary()


def test_a_failing_guest_becomes_unreachable_with_its_reason_and_the_others_are_read() -> None:
    host = _host(windows=4)
    host.vm("win1").guest_fault = Fault.timeout()
    host.vm("win2").guest_fault = Fault.authentication()
    host.vm("win3").guest_fault = Fault.garbage()
    guests = _guests(HyperVHost(host).observe_with_guests(ACCOUNT, guest_timeout=2))
    assert isinstance(guests["win0"], Guest)
    timed_out, refused, garbled = guests["win1"], guests["win2"], guests["win3"]
    assert isinstance(timed_out, GuestUnreachable)
    assert "no answer within 2s" in timed_out.reason
    assert isinstance(refused, GuestUnreachable)
    assert "credential" in refused.reason
    assert isinstance(garbled, GuestUnreachable)
    assert "vmic output" in garbled.reason
    assert len(host.commands) == 1


def test_a_guest_slower_than_its_deadline_is_unreachable_the_others_are_not() -> None:
    host = _host(windows=2)
    host.vm("win0").guest_latency = 0.5
    guests = _guests(HyperVHost(host).observe_with_guests(ACCOUNT, guest_timeout=0.01))
    slow = guests["win0"]
    assert isinstance(slow, GuestUnreachable)
    assert "no answer within 0.01s" in slow.reason
    assert isinstance(guests["win1"], Guest)


def test_guests_that_are_off_or_linux_are_left_to_the_other_path() -> None:
    host = _host(windows=1, linux=2)
    host.add_vm("stopped", "Windows Server 2022", running=False)
    guests = _guests(HyperVHost(host).observe_with_guests(ACCOUNT))
    assert set(guests) == {"win0"}


def test_a_2012_r2_guest_reports_powershell_direct_not_available_not_failed() -> None:
    host = _host(windows=1)
    host.add_vm("legacy", "Windows Server 2012 R2")
    guests = _guests(HyperVHost(host).observe_with_guests(ACCOUNT))
    legacy = guests["legacy"]
    assert isinstance(legacy, GuestUnreachable)
    assert legacy.reason.startswith(DIRECT_NOT_AVAILABLE)
    assert "not available for this guest" in legacy.reason
    assert "Windows Server 2012 R2 Datacenter 6.3.9600" in legacy.reason  # its KVP OSVersion
    assert "failed" not in legacy.reason
    assert not isinstance(guests["win0"], GuestUnreachable)  # a 2022 guest is asked
    (recorded,) = host.commands
    # The host decides from the OSVersion it already has: the guest is never tried.
    assert "$vmicMajor -lt 10" in recorded.command.script


def test_a_windows_guest_whose_version_the_host_does_not_know_yet_is_still_tried() -> None:
    host = _host()
    legacy = host.add_vm("legacy", "Windows Server 2012 R2")
    legacy.disable_on_host("Key-Value Pair Exchange")  # no OSName, no OSVersion
    guests = _guests(HyperVHost(host).observe_with_guests(ACCOUNT))
    reason = guests["legacy"]
    assert isinstance(reason, GuestUnreachable)
    assert reason.reason.startswith("PowerShell Direct: ")  # tried, and it failed


def test_linux_guests_beside_fanned_windows_guests_are_asked_at_the_same_time() -> None:
    host = _host(windows=2, linux=3, latency=0.2)
    (result,) = audit([_target(host)]).results
    assert result.status is HostStatus.OK
    assert [c.action for c in host.commands] == ["inventory-guests"]
    commands = _guest_commands(host)
    assert all(not commands[f"win{index}"] for index in range(2))
    linux = [record for index in range(3) for record in commands[f"lin{index}"]]
    assert len(linux) == 3
    # Every guest command started before any of them ended: they overlapped.
    ends = [record.ended for record in linux]
    assert None not in ends
    assert max(record.started for record in linux) < min(end for end in ends if end is not None)


def test_guests_asked_one_by_one_do_not_overlap_without_concurrency() -> None:
    # The control for the test above: one guest at a time would not overlap.
    host = _host(linux=1, latency=0.05)
    audit([_target(host, fan_out=None)])
    (record,) = host.vm("lin0").guest_executor().commands
    assert record.ended is not None
    assert record.started < record.ended


@pytest.mark.parametrize(("option", "value"), [("guest_timeout", 0), ("throttle", 0)])
def test_fan_out_options_are_checked(option: str, value: int) -> None:
    host = _host(windows=1)
    with pytest.raises(ConfigurationError, match=option):
        HyperVHost(host).observe_with_guests(ACCOUNT, **{option: value})
    assert host.commands == []


def test_guests_of_one_host_are_asked_at_most_sixteen_at_a_time() -> None:
    host = _host(linux=20, latency=0.1)
    audit([_target(host, fan_out=None)])
    records = [r for vm in host.vms for r in vm.guest_executor().commands]
    assert len(records) == 20
    events = sorted(
        [(r.started, 1) for r in records] + [(r.ended or 0.0, -1) for r in records],
        key=lambda event: (event[0], event[1]),
    )
    running = most = 0
    for _, change in events:
        running += change
        most = max(most, running)
    assert 1 < most <= 16


def test_doctor_notes_the_vm_names_a_fanned_out_host_reports() -> None:
    from vmic.cli._doctor import _recording_names  # noqa: PLC0415 - the CLI's helper

    host = _host(windows=2)
    seen: list[str] = []
    report = audit([_recording_names(_target(host), seen)], vm="win1")
    assert sorted(seen) == ["win0", "win1"]
    (result,) = report.results
    assert result.diagnosis is not None
    assert [vm.vm for vm in result.diagnosis.vms] == ["win1"]
    assert [c.action for c in host.commands] == ["inventory-guests"]


def test_the_guests_deadline_lies_within_the_host_commands() -> None:
    host = _host(windows=1)
    HyperVHost(host, timeout=10).observe_with_guests(ACCOUNT, guest_timeout=60)
    HyperVHost(host, timeout=10).observe_with_guests(ACCOUNT, guest_timeout=3)
    first, second = (c.command for c in host.commands)
    assert first.timeout == second.timeout == 10
    assert float(str(first.parameters["VmicGuestTimeout"])) == 8
    assert float(str(second.parameters["VmicGuestTimeout"])) == 3
