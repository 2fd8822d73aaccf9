"""``vmic wait``, ``vmic copy`` and ``vmic shutdown`` on the simulated lab."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from tests._cli import in_process, run

if TYPE_CHECKING:
    import pytest


def test_wait_for_the_ip_of_rhel_db_exits_1_with_one_line_naming_the_cause() -> None:
    status, out, err = run(
        "wait", "--lab", "demo", "--vm", "rhel-db", "--for", "ip", "--timeout", "2"
    )
    assert status == 1
    assert out == ""
    assert len(err.splitlines()) == 1
    assert "daemon not installed" in err  # the cause in words
    assert "Traceback" not in err


def test_wait_for_the_heartbeat_of_dc01_exits_0() -> None:
    status, out, err = run(
        "wait", "--lab", "demo", "--vm", "dc01", "--for", "heartbeat", "--timeout", "2"
    )
    assert (status, err) == (0, "")
    assert out.startswith("dc01: heartbeat")


def test_wait_for_an_address_with_a_prefix(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = in_process(
        capsys, "wait", "--lab", "demo", "--vm", "web01", "--for", "ipv4", "--prefix", "192.0.2."
    )
    assert status == 0
    assert "192.0.2." in out  # the lab's addresses are documentation ones (RFC 5737)
    status, _, err = in_process(
        capsys, "wait", "--lab", "demo", "--vm", "web01", "--for", "kvp:X", "--prefix", "192.0.2."
    )
    assert status == 2
    assert "--prefix" in err


def test_bad_input_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = in_process(capsys, "wait", "--lab", "demo", "--vm", "dc01", "--for", "nope")
    assert status == 2
    assert "kvp:KEY" in err
    status, _, err = in_process(capsys, "wait", "--lab", "demo", "--vm", "ghost", "--for", "ip")
    assert status == 2
    assert "ghost" in err


def test_copy_refuses_while_guest_service_interface_is_off(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = in_process(
        capsys, "copy", "--lab", "demo", "--vm", "dc01", "C:\\Deploy\\settings.json", "C:\\Temp"
    )
    assert status == 1
    assert out == ""
    assert "Guest Service Interface" in err
    assert len(err.splitlines()) == 1


def test_copy_with_enable_service_copies(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = in_process(
        capsys,
        "copy",
        "--lab",
        "demo",
        "--vm",
        "dc01",
        "C:\\Deploy\\settings.json",
        "C:\\Temp",
        "--enable-service",
    )
    assert (status, err) == (0, "")
    assert "enabled Guest Service Interface" in out
    assert "copied" in out


def test_copy_into_a_linux_guest(capsys: pytest.CaptureFixture[str]) -> None:
    # rhel-db has no KVP daemon, but its file copy daemon runs once the service is enabled.
    status, out, _ = in_process(
        capsys,
        "copy",
        "--lab",
        "demo",
        "--vm",
        "rhel-db",
        "C:\\Deploy\\settings.json",
        "/tmp/",
        "--enable-service",
    )
    assert status == 0
    assert "/tmp/" in out


def test_shutdown_cleanly(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = in_process(capsys, "shutdown", "--lab", "demo", "--vm", "web02")
    assert (status, err) == (0, "")
    assert "shut down cleanly" in out


def test_shutdown_force_is_stop_vm_force_a_clean_shutdown(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = in_process(capsys, "shutdown", "--lab", "demo", "--vm", "web02", "--force")
    assert (status, err) == (0, "")
    assert "shut down cleanly (Stop-VM -Force)" in out
    assert "TURNED OFF" not in out


def test_shutdown_turn_off_is_named_and_cuts_power_only_when_needed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = in_process(
        capsys, "shutdown", "--lab", "demo", "--vm", "dc01", "--turn-off", "--timeout", "60"
    )
    assert (status, err) == (0, "")
    assert "shut down cleanly" in out  # the guest answered: no power cut
    status, out, _ = run("shutdown", "--help")
    assert status == 0
    assert "--turn-off" in out
    assert "power cut" in " ".join(out.split())


def _gsi_enabled(capsys: pytest.CaptureFixture[str], vm: str) -> bool:
    status, out, err = in_process(
        capsys, "doctor", "--lab", "demo", "--vm", vm, "--format", "json", "-q"
    )
    assert status in {0, 1}, err
    (entry,) = [
        s
        for s in json.loads(out)["hosts"][0]["diagnosis"]["vms"][0]["services"]
        if s["service"] == "guest_service_interface"
    ]
    enabled: bool = entry["host_enabled"]
    return enabled


def test_a_refused_copy_leaves_the_host_as_it_was(capsys: pytest.CaptureFixture[str]) -> None:
    # The reproduction: Windows 7 cannot use Guest Service Interface.
    status, out, err = in_process(
        capsys,
        "copy", "--lab", "demo", "--vm", "legacy-win7",
        "C:\\Deploy\\settings.json", "C:\\Temp", "--enable-service",
    )  # fmt: skip
    assert (status, out) == (1, "")
    (line,) = err.splitlines()
    assert "not available on guest OS" in line  # the cause in words
    assert line.endswith("Nothing was changed on the host.")
    assert not _gsi_enabled(capsys, "legacy-win7")  # the lab remembers: nothing to remember
    assert in_process(capsys, "lab", "show")[1].startswith("the demo lab is as built")


def test_a_copy_that_fails_after_enabling_disables_the_service_again_and_says_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = in_process(
        capsys,
        "copy", "--lab", "demo", "--vm", "dc01",
        "C:\\Deploy\\settings.json", "C:\\No\\Such\\Folder\\settings.json", "--enable-service",
    )  # fmt: skip
    assert (status, out) == (1, "")
    error, note = err.splitlines()
    assert error.startswith("vmic: error: cannot copy into VM 'dc01': Copy-VMFile failed")
    assert note == (
        "vmic: note: Guest Service Interface was enabled on HV01 for this copy, and has been "
        "disabled again"
    )
    assert not _gsi_enabled(capsys, "dc01")


def test_a_copy_says_the_service_it_enabled_stays_on(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = in_process(
        capsys,
        "copy", "--lab", "demo", "--vm", "dc01",
        "C:\\Deploy\\settings.json", "C:\\Temp", "--enable-service",
    )  # fmt: skip
    assert status == 0
    assert out.rstrip().endswith(
        "Guest Service Interface stays enabled (to turn it off: vmic disable --vm=dc01 "
        "guest_service_interface)"
    )
    assert _gsi_enabled(capsys, "dc01")
