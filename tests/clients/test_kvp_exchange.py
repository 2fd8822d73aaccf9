"""Key-Value Pair Exchange both ways: the host client, both guest clients and the lab."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs
import pytest
from hypothesis import given, settings, strategies as st

from tests._cli import in_process
from vmic.clients import HyperVHost, LinuxGuest, WindowsGuest, _scripts
from vmic.errors import (
    DataExchangeDisabledError,
    GuestCommandError,
    KvpItemError,
    KvpVerificationError,
    VMNotFoundError,
)
from vmic.executors._closing import Closing
from vmic.model._kvp_exchange import GuestKvpItems, KvpExchange, check_item
from vmic.model._linux_records import KvpPool
from vmic.model._services import IntegrationService
from vmic.model._status import StartType
from vmic.testing import FakeHyperVHost

if TYPE_CHECKING:
    from vmic.executors import Command
    from vmic.executors._result import Result

KVP = "Key-Value Pair Exchange"


def _lab() -> tuple[FakeHyperVHost, HyperVHost, LinuxGuest, WindowsGuest]:
    lab = FakeHyperVHost("HV01")
    lab.add_vm("web01", "Ubuntu 22.04 LTS")
    lab.add_vm("app01", "Windows Server 2022")
    return (
        lab,
        HyperVHost(lab),
        LinuxGuest(lab.guest_executor("web01")),
        WindowsGuest(lab.guest_executor("app01")),
    )


def test_a_host_write_reaches_the_linux_external_pool_and_is_removed_again() -> None:
    _, host, linux, _ = _lab()
    after = host.kvp_set("web01", "role", "web")
    assert dict(after.host) == {"role": "web"}
    assert linux.kvp_items().pool(KvpPool.EXTERNAL) == {"role": "web"}
    assert dict(host.kvp_set("web01", "role", "db").host) == {"role": "db"}
    assert dict(linux.kvp_items().external) == {"role": "db"}
    host.kvp_remove("web01", "role")
    assert linux.kvp_items().external == ()
    assert host.kvp_items("web01").host == ()


def test_a_host_write_reaches_the_windows_external_key() -> None:
    lab, host, _, windows = _lab()
    host.kvp_set("app01", "role", "web")
    items = windows.kvp_items()
    assert dict(items.external) == {"role": "web"}
    assert dict(items.parameters)["VirtualMachineName"] == "app01"
    assert dict(items.auto)["OSName"].startswith("Windows Server 2022")
    host.kvp_remove("app01", "role")
    assert windows.kvp_items().external == ()
    # The change commands went to the host, each as one round trip.
    assert [c.action for c in lab.commands] == ["kvp-change", "kvp-change"]


def test_guest_publishes_show_up_on_the_host() -> None:
    _, host, linux, windows = _lab()
    assert linux.kvp_publish("ready", "yes") == "added"
    assert linux.kvp_publish("ready", "now") == "replaced"
    assert windows.kvp_publish("Status", "Ready") == {"Status": "Ready"}
    assert dict(host.kvp_items("web01").guest) == {"ready": "now"}
    assert dict(host.kvp_items("app01").guest) == {"Status": "Ready"}
    assert dict(host.kvp_items("app01").intrinsic)["OSVersion"]


def test_disabled_data_exchange_refuses_writes_and_nothing_moves() -> None:
    lab, host, linux, _ = _lab()
    host.kvp_set("web01", "role", "web")
    lab.vm("web01").disable_on_host(KVP)
    with pytest.raises(DataExchangeDisabledError, match="Key-Value Pair Exchange") as info:
        host.kvp_set("web01", "role", "db")
    assert "vmic enable --vm=<VM> key_value_pair_exchange" in str(info.value)
    assert "-VMName" not in str(info.value)  # never a pattern that could match another VM
    assert host.kvp_items("web01").enabled is False
    linux.kvp_publish("ready", "yes")
    assert host.kvp_items("web01").guest == ()
    lab.vm("web01").enable_on_host(KVP)
    assert dict(host.kvp_items("web01").guest) == {"ready": "yes"}


def test_nothing_moves_while_the_guest_side_is_stopped() -> None:
    lab, host, linux, windows = _lab()
    lab.vm("web01").stop_service(KVP)
    host.kvp_set("web01", "role", "web")
    assert linux.kvp_items().external == ()
    lab.vm("web01").start_service(KVP)
    assert dict(linux.kvp_items().external) == {"role": "web"}
    lab.vm("app01").set_startup("vmickvpexchange", StartType.DISABLED)
    lab.vm("app01").stop_service("vmickvpexchange")
    windows.kvp_publish("Status", "Ready")
    assert host.kvp_items("app01").guest == ()


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        ("k" * 600, "v", "key"),
        ("key", "v" * 3000, "value"),
        ("k" * 256, "v", "key"),
        ("key", "v" * 1024, "value"),
        ("", "v", "key"),
        ("a\x00b", "v", "key"),
        ("key", "a\x00", "value"),
        ("\u20ac" * 200, "v", "key"),
    ],
)
def test_items_beyond_the_limits_are_refused_before_anything_is_sent(
    key: str, value: str, field: str
) -> None:
    lab, host, linux, windows = _lab()
    with pytest.raises(KvpItemError) as info:
        host.kvp_set("web01", key, value)
    assert info.value.field == field
    with pytest.raises(KvpItemError):
        linux.kvp_publish(key, value)
    with pytest.raises(KvpItemError):
        windows.kvp_publish(key, value)
    assert lab.commands == []
    assert lab.guest_executor("web01").commands == []


def test_the_largest_items_fit() -> None:
    _, host, linux, _ = _lab()
    key, value = "k" * 255, "v" * 1023
    assert check_item(key, value) == (key, value)
    host.kvp_set("web01", key, value)
    assert dict(linux.kvp_items().external) == {key: value}


@settings(max_examples=40, deadline=None)
@given(key=st.text(min_size=1, max_size=40), value=st.text(max_size=80))
def test_any_storable_item_round_trips_exactly_both_ways(key: str, value: str) -> None:
    try:
        check_item(key, value)
    except KvpItemError:
        return
    _, host, linux, windows = _lab()
    host.kvp_set("web01", key, value)
    host.kvp_set("app01", key, value)
    assert dict(linux.kvp_items().external) == {key: value}
    assert dict(windows.kvp_items().external) == {key: value}
    linux.kvp_publish(key, value)
    windows.kvp_publish(key, value)
    assert dict(host.kvp_items("web01").guest) == {key: value}
    assert dict(host.kvp_items("app01").guest) == {key: value}


def test_pool_3_holds_what_the_host_publishes() -> None:
    lab, _, linux, _ = _lab()
    parameters = linux.kvp_items().pool(KvpPool.AUTO_EXTERNAL)
    vm = lab.vm("web01")
    assert parameters["VirtualMachineName"] == "web01"
    assert parameters["VirtualMachineId"] == str(vm.id).upper()
    assert parameters["HostName"] == "HV01"
    assert {"PhysicalHostNameFullyQualified", "HostingSystemOsMajor"} <= set(parameters)


def test_a_linux_guest_whose_daemon_never_ran_cannot_publish() -> None:
    lab = FakeHyperVHost("HV01")
    lab.add_vm("bare", "Ubuntu 22.04 LTS", installed=False)
    with pytest.raises(GuestCommandError, match=r"\.kvp_pool_1 does not exist") as info:
        LinuxGuest(lab.guest_executor("bare")).kvp_publish("k", "v")
    assert info.value.reason == "no-pool"


def test_unknown_vm_and_lost_writes_are_errors() -> None:
    lab, host, _, _ = _lab()
    with pytest.raises(VMNotFoundError):
        host.kvp_set("nope", "k", "v")

    class Forgetful(Closing):
        """Passes everything to the lab, but drops the item from the read-back."""

        name = "HV01"

        def run(self, command: Command) -> Result:
            result = lab.run(command)
            return attrs.evolve(result, stdout=result.stdout.replace('"role"', '"other"'))

    with pytest.raises(KvpVerificationError, match="key 'role' is absent, expected 'web'"):
        HyperVHost(Forgetful()).kvp_set("web01", "role", "web")


def test_models_give_plain_dicts() -> None:
    items = KvpExchange(vm="v", enabled=True, host={"b": "2", "a": "1"})
    assert items.host == (("a", "1"), ("b", "2"))
    assert items.to_dict()["host"] == {"a": "1", "b": "2"}
    assert GuestKvpItems(external={"x": "y"}).to_dict()["external"] == {"x": "y"}


# --- the CLI ---------------------------------------------------------------------------------


def test_cli_kvp_set_and_get(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = in_process(
        capsys, "kvp", "set", "--lab", "demo", "--vm", "web01", "--key", "role", "--value", "web"
    )
    assert (status, err) == (0, "")
    assert out == "set 'role' on web01\n"
    status, out, _ = in_process(
        capsys, "kvp", "get", "--lab", "demo", "--vm", "web01", "--key", "OSName"
    )
    assert status == 0
    assert out.split() == ["intrinsic", "OSName", "=", "Ubuntu"]


def test_cli_kvp_refuses_oversized_items_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = in_process(
        capsys, "kvp", "set", "--lab", "demo", "--vm", "web01", "--key", "k" * 600, "--value", "v"
    )
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "1202 bytes in UTF-16" in err
    status, _, err = in_process(capsys, "kvp", "remove", "--lab", "demo", "--vm", "web01")
    assert status == 2
    assert "needs --key" in err


def _host_items(lab: FakeHyperVHost, vm: str = "app01") -> dict[str, str]:
    return dict(lab.vm(vm).kvp.host_items)


def test_with_three_host_items_set_modifies_and_remove_removes_on_windows_powershell_5_1() -> None:
    lab = FakeHyperVHost("HV01", powershell="5.1")  # every Hyper-V host's remoting default
    lab.add_vm("app01", "Windows Server 2022")
    host = HyperVHost(lab)
    for key, value in (("role", "web"), ("tier", "front"), ("site", "berlin")):
        host.kvp_set("app01", key, value)
    assert _host_items(lab) == {"role": "web", "tier": "front", "site": "berlin"}
    after = host.kvp_set("app01", "tier", "back")  # an existing key: ModifyKvpItems
    assert dict(after.host) == {"role": "web", "tier": "back", "site": "berlin"}
    assert dict(host.kvp_items("app01").host) == dict(after.host)  # read back
    after = host.kvp_remove("app01", "role")
    assert dict(after.host) == {"tier": "back", "site": "berlin"}
    assert dict(host.kvp_items("app01").host) == {"tier": "back", "site": "berlin"}


def _change(lab: FakeHyperVHost, text: str, operation: str, key: str, value: str = "") -> Result:
    from vmic.executors import Command, Shell  # noqa: PLC0415 - the raw command, on purpose

    parameters = {
        "VMName": "app01",
        "Component": IntegrationService.KEY_VALUE_PAIR_EXCHANGE.guid,
        "Operation": operation,
        "Key": key,
        "Value": value,
    }
    return lab.run(Command(Shell.POWERSHELL, text, parameters=parameters))


@pytest.mark.seeded_violations
@pytest.mark.parametrize("powershell", ["5.1", "7"])
def test_the_lab_models_how_5_1_reads_a_json_array_back(powershell: str) -> None:
    from tests.testing.seeds import old_kvp_change  # noqa: PLC0415 - the old defect

    lab = FakeHyperVHost("HV01", powershell=powershell)  # type: ignore[arg-type]
    lab.add_vm("app01", "Windows Server 2022")
    for key in ("role", "tier", "site"):
        lab.vm("app01").kvp.host_items[key] = "x"
    old = old_kvp_change()
    modified = _change(lab, old, "set", "tier", "back")
    removed = _change(lab, old, "remove", "role")
    if powershell == "7":  # PowerShell 7 enumerates the array: the old script worked there
        assert "ModifyKvpItems" in modified.stdout
        assert _host_items(lab) == {"tier": "back", "site": "x"}
        return
    # 5.1: no key seemed to exist, so "set" called AddKvpItems, which Hyper-V refuses for an
    # existing key, and "remove" did nothing (the lab says "none": no method was called).
    assert "kvp-failed" in modified.stdout
    assert modified.exit_code == 3
    assert "<<vmic:method>>\nnone\n" in removed.stdout
    assert _host_items(lab) == {"role": "x", "tier": "x", "site": "x"}
    # vmic's script compares the items as objects: the same change works on 5.1.
    fixed = _scripts.script("host-kvp-change").text
    assert "ModifyKvpItems" in _change(lab, fixed, "set", "tier", "back").stdout
    assert _host_items(lab)["tier"] == "back"
