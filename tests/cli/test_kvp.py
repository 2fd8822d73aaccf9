"""``vmic kvp`` on the lab: several VMs, the preflight before any change, what is said."""

from __future__ import annotations

import json

import pytest

from tests._cli import in_process, run


def _host_items(capsys: pytest.CaptureFixture[str], vm: str) -> dict[str, str]:
    status, out, err = in_process(
        capsys, "kvp", "get", "--lab", "demo", "--vm", vm, "--format", "json", "-q"
    )
    assert status == 0, err
    return {r["key"]: r["value"] for r in json.loads(out)["items"] if r["set"] == "host"}


def test_set_on_several_vms_of_several_hosts(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = in_process(
        capsys,
        "kvp", "set", "--lab", "demo", "--vm", "dc01", "--vm", "dc02",
        "--key", "role", "--value", "dc",
    )  # fmt: skip
    assert (status, err) == (0, "")
    assert out.splitlines() == ["set 'role' on dc01", "set 'role' on dc02"]
    assert _host_items(capsys, "dc01") == {"role": "dc"}
    assert _host_items(capsys, "dc02") == {"role": "dc"}


@pytest.mark.parametrize(
    ("second", "words"),
    [
        ("legacy-win7", "Data Exchange) is disabled"),  # Data Exchange off on the host
        ("ghost", "no VM named exactly 'ghost'"),
    ],
)
def test_a_change_to_several_vms_changes_none_when_one_fails_the_preflight(
    capsys: pytest.CaptureFixture[str], second: str, words: str
) -> None:
    status, out, err = in_process(
        capsys,
        "kvp", "set", "--lab", "demo", "--vm", "dc01", "--vm", second,
        "--key", "role", "--value", "dc",
    )  # fmt: skip
    assert status in {1, 2}
    assert out == ""
    (line,) = err.splitlines()
    assert words in line
    assert _host_items(capsys, "dc01") == {}


def test_removing_a_key_that_is_not_there_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    in_process(capsys, "kvp", "set", "--lab", "demo", "--vm", "dc01", "--key", "a", "--value", "1")
    status, out, err = in_process(
        capsys, "kvp", "remove", "--lab", "demo", "--vm", "dc01", "--vm", "web02", "--key", "a"
    )
    assert status == 0
    assert err.startswith("vmic: note: the demo lab keeps 1 change")  # the set above
    assert out.splitlines() == [
        "removed 'a' on dc01",
        "web02 has no host item 'a': nothing removed",
    ]


def test_get_with_data_exchange_disabled_says_why_there_are_no_items() -> None:
    status, out, err = run("kvp", "get", "--lab", "demo", "--vm", "legacy-win7")
    assert (status, err) == (0, "")
    assert "no KVP items" not in out
    assert "Key-Value Pair Exchange (Data Exchange) is disabled in the VM's settings" in out
    assert out.rstrip().endswith("vmic enable --vm=legacy-win7 key_value_pair_exchange")
    # In a machine format the reason is a note on stderr; the data stays data.
    status, out, err = run("kvp", "get", "--lab", "demo", "--vm", "legacy-win7", "--format", "csv")
    assert status == 0
    assert out.splitlines() == ["vm,set,key,value"]
    assert err.startswith("vmic: note: Key-Value Pair Exchange (Data Exchange) is disabled")
    # A guest whose side does not answer: the host has nothing from it either, and why.
    status, out, _ = run("kvp", "get", "--lab", "demo", "--vm", "rhel-db")
    assert status == 0
    assert "the guest side of Key-Value Pair Exchange does not answer" in out
    assert "vmic doctor --vm=rhel-db" in out


def test_get_of_a_missing_key_on_several_vms_names_each(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = in_process(
        capsys, "kvp", "get", "--lab", "demo", "--vm", "dc01", "--vm", "web02", "--key", "x"
    )
    assert (status, out) == (1, "")
    assert err.splitlines() == [
        "vmic: error: VM 'dc01' has no KVP item 'x'",
        "vmic: error: VM 'web02' has no KVP item 'x'",
    ]
