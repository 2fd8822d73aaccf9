"""LabMemory: the change commands a lab received, replayed on a fresh lab to the same state."""

from __future__ import annotations

import pytest

from vmic import StartType
from vmic.clients import HyperVHost, LinuxGuest, WindowsGuest
from vmic.clients._scripts import script
from vmic.errors import ConfigurationError, DataExchangeDisabledError, WaitTimeoutError
from vmic.executors import Secret
from vmic.model import IntegrationService
from vmic.testing import DemoLab, LabChange, LabMemory, demo_lab


def _replayed(lab: DemoLab) -> DemoLab:
    memory = LabMemory.of(lab, name="demo")
    fresh = demo_lab()
    LabMemory.from_json(memory.to_json(), source="test", lab="demo").apply(fresh)
    return fresh


def _state(lab: DemoLab) -> list[object]:
    """What the host and guests report: every VM's services both sides, and KVP items."""
    seen: list[object] = []
    for host in lab.hosts:
        client = HyperVHost(host)
        seen.append(client.observe())
        for vm in host.vms:
            seen.append(client.kvp_items(vm.name).to_dict())
            executor = host.guest_executor(vm.name)
            if vm.running:
                guest = WindowsGuest(executor) if vm.guest_os.is_windows else LinuxGuest(executor)
                seen.append(guest.observe())
    return seen


def test_host_and_guest_changes_replay_to_the_same_state() -> None:
    lab = demo_lab()
    hv01 = HyperVHost(lab.host("HV01"))
    hv01.enable("legacy-win7", "Key-Value Pair Exchange")
    hv01.disable("dc01", "VSS")
    hv01.kvp_set("web01", "role", "web")
    WindowsGuest(lab.guest_executor("HV01", "sql01")).set_startup("vmicvss", StartType.MANUAL)
    LinuxGuest(lab.guest_executor("HV-BERLIN", "ubuntu-backup")).start(IntegrationService.VSS)
    fresh = _replayed(lab)
    # The replay leaves no records: the lab starts as if it had been left that way.
    assert all(host.commands == [] for host in fresh.hosts)
    assert _state(fresh) == _state(lab)
    assert _state(fresh) != _state(demo_lab())


def test_simulated_time_replays_too() -> None:
    # A shutdown that times out leaves the guest shutting down; a later wait lets it finish.
    lab = demo_lab()
    host = HyperVHost(lab.host("HV01"))
    with pytest.raises(WaitTimeoutError):
        host.shutdown("web02", timeout=1)
    with pytest.raises(WaitTimeoutError):
        host.wait("web02", "kvp:never", timeout=30)  # reads only, but time passes
    assert not lab.host("HV01").vm("web02").running
    fresh = _replayed(lab)
    assert not fresh.host("HV01").vm("web02").running
    assert fresh.host("HV01").clock.now == lab.host("HV01").clock.now


def test_a_command_that_failed_replays_failing() -> None:
    lab = demo_lab()
    with pytest.raises(DataExchangeDisabledError):
        HyperVHost(lab.host("HV01")).kvp_set("legacy-win7", "role", "old")
    memory = LabMemory.of(lab, name="demo")
    assert [change.action for change in memory.changes] == ["kvp-change"]
    assert _state(_replayed(lab)) == _state(demo_lab())


def test_commands_with_a_secret_and_reading_commands_are_not_kept() -> None:
    lab = demo_lab()
    host = lab.host("HV01")
    HyperVHost(host).observe()
    change = script("host-kvp-change").command(
        {
            "VMName": "dc01",
            "Component": IntegrationService.KEY_VALUE_PAIR_EXCHANGE.guid,
            "Operation": "set",
            "Key": "token",
            "Value": Secret("s3cret"),
        }
    )
    assert host.run(change).exit_code == 0
    assert [(c.action, c.mutating) for c in host.commands] == [
        ("inventory", False),
        ("kvp-change", True),
    ]
    memory = LabMemory.of(lab, name="demo")
    assert memory.changes == ()  # a secret never reaches the disk, even in the lab
    assert "s3cret" not in memory.to_json()


def test_changes_add_up_across_runs() -> None:
    first = demo_lab()
    HyperVHost(first.host("HV01")).enable("dc01", "Guest Service Interface")
    before = LabMemory.of(first, name="demo")
    second = demo_lab()
    before.apply(second)
    HyperVHost(second.host("HV-BERLIN")).enable("fs01", "Time Synchronization")
    after = LabMemory.of(second, name="demo", since=before)
    assert [str(change) for change in after.changes] == [
        "HV01: set-integration-services on dc01",
        "HV-BERLIN: set-integration-services on fs01",
    ]
    assert repr(after) == "<LabMemory 'demo': 2 changes>"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[]", "not a remembered lab"),
        ('{"version": "1"}', "version '1', not 1"),
        ('{"version": 1, "lab": "demo", "clocks": [], "changes": []}', "not a remembered lab"),
        ('{"version": 1, "lab": "other", "clocks": {}, "changes": []}', "'other' lab, not 'demo'"),
    ],
)
def test_reading_refuses_what_is_not_a_memory(text: str, words: str) -> None:
    with pytest.raises(ConfigurationError, match=r"^state\.json: ") as info:
        LabMemory.from_json(text, source="state.json", lab="demo")
    assert words in str(info.value)


def test_a_change_refuses_parameter_values_a_command_cannot_take() -> None:
    with pytest.raises(ConfigurationError, match="'VMName' holds dict"):
        LabChange(target="HV01", script="host-set-services", parameters={"VMName": {}}, clock=0)
    with pytest.raises(ConfigurationError, match="holds float"):
        LabChange(target="HV01", script="host-wait", parameters={"Timeout": float("nan")}, clock=0)
