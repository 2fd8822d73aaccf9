"""``vmic enable``, ``disable``, ``apply`` and ``audit --inventory``, run as a user would."""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING

import pytest

import vmic.testing
from tests._cli import closed_port, in_process, run, silent_port
from vmic import IntegrationService
from vmic.cli import _manage, main
from vmic.errors import (
    AuthenticationFailedError,
    CommandFailedError,
    CommandTimeoutError,
    ConfigurationError,
    ConnectionFailedError,
    UnknownOperatingSystemError,
    VerificationError,
    VmicError,
)
from vmic.executors._ssh import SshExecutor
from vmic.testing import Fault, demo_lab

if TYPE_CHECKING:
    from pathlib import Path

    from vmic.testing import DemoLab


def test_enable_by_a_localized_name_on_the_german_host(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = in_process(
        capsys, "enable", "--lab", "demo", "--vm", "fs01", "Zeitsynchronisierung"
    )
    assert (status, err) == (0, "")
    assert out == "enabled Time Synchronization on fs01\n"


def test_disable_reports_each_change_and_nothing_for_no_change(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = in_process(
        capsys,
        "disable",
        "--lab",
        "demo",
        "--vm",
        "dc02",
        "heartbeat",
        "vmicvss",
        "--format",
        "json",
    )
    assert status == 0
    assert [(c["service"], c["before"], c["after"]) for c in json.loads(out)["changes"]] == [
        ("heartbeat", "enabled", "disabled"),
        ("vss", "enabled", "disabled"),
    ]
    status, out, _ = in_process(
        capsys, "disable", "--lab", "demo", "--vm", "dc02", "Guest Service Interface"
    )
    assert (status, out) == (0, "dc02: nothing to change\n")


def test_apply_check_changes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = in_process(
        capsys, "apply", "--lab", "demo", "--vm", "fs01", "--check",
        "time_synchronization=on", "shutdown=on", "guest_service_interface=off",
    )  # fmt: skip
    assert status == 0
    assert out == "would enable Time Synchronization on fs01\n"
    status, out, _ = in_process(
        capsys,
        "apply",
        "--lab",
        "demo",
        "--vm",
        "fs01",
        "time_synchronization=on",
        "--format",
        "csv",
    )
    assert status == 0
    assert out.splitlines() == [
        "vm,service,before,after,changed",
        "fs01,time_synchronization,disabled,enabled,yes",
    ]


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (("enable", "--lab", "demo", "--vm", "nope", "vss"), "no VM named exactly 'nope'"),
        (("enable", "--lab", "demo", "--vm", "dc01", "Hartbeat"), "unknown integration service"),
        (("enable", "--lab", "demo", "--vm", "dc01", "vmicvmsession"), "guest-only service"),
        (
            ("apply", "--lab", "demo", "--vm", "dc01", "vss=maybe"),
            "expected SERVICE=on or SERVICE=off",
        ),
        (("apply", "--lab", "demo", "--vm", "dc01", "=on"), "expected SERVICE=on"),
        (("enable", "--vm", "dc01", "vss"), "give --host NAME"),
        (("enable", "--lab", "demo", "vss"), "the following arguments are required: --vm"),
    ],
)
def test_manage_usage_errors_exit_2(argv: tuple[str, ...], words: str) -> None:
    status, out, err = run(*argv)
    assert status == 2
    assert out == ""
    assert words in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        (
            "--timeout",
            "inf",
            "must be a number of seconds more than 0 and at most 1000000, not 'inf'",
        ),
        (
            "--timeout",
            "nan",
            "must be a number of seconds more than 0 and at most 1000000, not 'nan'",
        ),
        (
            "--timeout",
            "-1",
            "must be a number of seconds more than 0 and at most 1000000, not '-1'",
        ),
        (
            "--timeout",
            "soon",
            "must be a number of seconds more than 0 and at most 1000000, not 'soon'",
        ),
        ("--port", "0", "must be a port number from 1 to 65535, not '0'"),
        ("--port", "70000", "must be a port number from 1 to 65535, not '70000'"),
        ("--port", "ssh", "must be a port number from 1 to 65535, not 'ssh'"),
    ],
)
@pytest.mark.parametrize("command", ["doctor", "enable"])
def test_bad_timeouts_and_ports_are_usage_errors(
    command: str, option: str, value: str, words: str
) -> None:
    # `--timeout inf` once passed the CLI and made every host fail ("unreachable", exit 3);
    # `--port 0` silently became the default port.
    extra = ("--vm", "dc01", "vss") if command == "enable" else ()
    status, out, err = run(
        command, "--host", "127.0.0.1", "--transport", "ssh", "--no-prompt", "--no-keyring",
        option, value, *extra,
    )  # fmt: skip
    assert status == 2
    assert out == ""
    assert f"argument {option}: {words}" in err
    assert err.count("\n") == 1


def test_manage_closes_its_connection(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    closed: list[SshExecutor] = []
    original = SshExecutor.close

    def close(self: SshExecutor) -> None:
        closed.append(self)
        original(self)

    monkeypatch.setattr(SshExecutor, "close", close)
    port = str(closed_port())
    status, _, err = in_process(
        capsys, "enable", "--host", "127.0.0.1", "--transport", "ssh", "--port", port,
        "--no-keyring", "--no-prompt", "--vm", "web01", "vss",
    )  # fmt: skip
    assert status == 3
    assert f"cannot reach 127.0.0.1:{port} (SSH): connection refused" in err
    assert len(closed) == 1
    assert not [t for t in threading.enumerate() if t.name == f"vmic-ssh-127.0.0.1:{port}"]


def test_manage_unreachable_host_exits_3() -> None:
    status, out, err = run(
        "enable", "--host", "127.0.0.1", "--transport", "ssh", "--port", str(closed_port()),
        "--no-keyring", "--no-prompt", "--vm", "web01", "vss",
    )  # fmt: skip
    assert status == 3
    assert out == ""
    assert err.startswith("vmic: error: cannot reach 127.0.0.1:")


def test_audit_inventory_of_unreachable_hosts_exits_3(tmp_path: Path) -> None:
    inventory = tmp_path / "fleet.toml"
    inventory.write_text(
        '[defaults]\ntransport = "ssh"\naddress = "127.0.0.1"\n'
        f"port = {closed_port()}\n"
        '[[hosts]]\nname = "a"\n[[hosts]]\nname = "b"\n',
        encoding="utf-8",
    )
    status, out, err = run(
        "audit", "--inventory", str(inventory), "--format", "json", "--no-prompt", "--no-keyring"
    )
    assert status == 3
    assert err == ""
    data = json.loads(out)
    assert [(h["host"], h["status"]) for h in data["hosts"]] == [
        ("a", "unreachable"),
        ("b", "unreachable"),
    ]


@pytest.mark.parametrize(
    ("text", "argv", "words"),
    [
        (
            '[[hosts]]\nname = "a"\npassword = "x"\n',
            (),
            "hosts[0].password: an inventory holds no passwords",
        ),
        (
            '[[hosts]]\nname = "a"\n',
            ("--concurrency", "0"),
            "argument --concurrency: must be a number of hosts from 1",
        ),
        (
            '[[hosts]]\nname = "a"\n',
            ("--timeout", "0"),
            (
                "argument --timeout: must be a number of seconds more than 0 and at most 1000000, "
                "not '0'"
            ),
        ),
        (
            '[[hosts]]\nname = "a"\n',
            ("--timeout", "inf"),
            (
                "argument --timeout: must be a number of seconds more than 0 and at most 1000000, "
                "not 'inf'"
            ),
        ),
    ],
)
def test_audit_usage_errors_exit_2(
    tmp_path: Path, text: str, argv: tuple[str, ...], words: str
) -> None:
    inventory = tmp_path / "fleet.toml"
    inventory.write_text(text, encoding="utf-8")
    status, out, err = run("audit", "--inventory", str(inventory), *argv)
    assert status == 2
    assert out == ""
    assert words in err
    assert err.count("\n") == 1


def test_audit_missing_inventory_exits_2() -> None:
    status, _, err = run("audit", "--inventory", "/nonexistent/fleet.toml")
    assert status == 2
    assert "cannot read the inventory" in err


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (CommandFailedError("Enable-VMIntegrationService exited 1"), 1),
        (VerificationError("hv01", "vm1", {IntegrationService.VSS: True}, {}), 1),
        (ConnectionFailedError("could not connect"), 3),
        (AuthenticationFailedError("access denied"), 3),
        (CommandTimeoutError("timed out"), 3),
        (ConfigurationError("bad option"), 2),
        (UnknownOperatingSystemError("Windows 97"), 2),
    ],
)
def test_exit_status_follows_the_kind_of_error(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    error: VmicError,
    status: int,
) -> None:
    def fail(_args: object) -> int:
        raise error

    monkeypatch.setattr(_manage, "_toggle", fail)
    assert main(["enable", "--lab", "demo", "--vm", "dc01", "Heartbeat"]) == status
    err = capsys.readouterr().err
    assert err.startswith("vmic: error: ")
    assert err.count("\n") == 1


@pytest.mark.parametrize("transport", ["ssh", "psrp"])
def test_a_host_that_never_answers_ends_with_the_command_timeout(transport: str) -> None:
    # `enable --timeout 3` against such a host took 30.6 s (SSH) and 30.7 s (PSRP): the
    # connect timeouts were fixed at 30 s whatever --timeout said.
    with silent_port() as port:
        status, out, err = run(
            "enable", "--host", "127.0.0.1", "--transport", transport, "--port", str(port),
            "--timeout", "1", "--no-keyring", "--no-prompt", "--vm", "web01", "vss",
        )  # fmt: skip
    assert (status, out) == (3, "")
    assert err.startswith("vmic: error: command timed out after 1.0s on 127.0.0.1")
    assert "connecting and logging in took too long" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("text", "words"),
    [
        # Once a RecursionError (exit 70), then `inf` failed every host (exit 3).
        ("a = " + "[" * 5000 + "]" * 5000 + '\n[[hosts]]\nname = "a"\n', "nested too deeply"),
        ('[audit]\ntimeout = inf\n[[hosts]]\nname = "a"\n', "audit.timeout: must be a finite"),
        ('[audit]\ntimeout = 1e-300\n[[hosts]]\nname = "a"\n', "audit.timeout: must be a finite"),
        (
            '[[hosts]]\nname = "a"\ntransport = "ssh"\nssh_keys = ["/nonexistent/id"]\n',
            "hosts[0]: host 'a': the SSH key file '/nonexistent/id' does not exist",
        ),
    ],
)
def test_bad_inventories_exit_2_naming_the_key_or_file(
    tmp_path: Path, text: str, words: str
) -> None:
    inventory = tmp_path / "fleet.toml"
    inventory.write_text(text, encoding="utf-8")
    status, out, err = run("audit", "--inventory", str(inventory), "--no-prompt", "--no-keyring")
    assert (status, out) == (2, "")
    assert words in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (("doctor", "--ca-bundle", "/nonexistent/ca.pem"), "CA bundle file '/nonexistent/ca.pem'"),
        (
            ("enable", "--transport", "ssh", "--ssh-key", "/nonexistent/k", "--vm", "a", "vss"),
            "SSH key file '/nonexistent/k'",
        ),
    ],
)
def test_a_missing_key_or_ca_file_is_a_usage_error(argv: tuple[str, ...], words: str) -> None:
    # It was reported as an unreachable host (exit 3).
    status, out, err = run(*argv, "--host", "192.0.2.1", "--no-prompt", "--no-keyring")
    assert (status, out) == (2, "")
    assert f"vmic: error: host '192.0.2.1': the {words} does not exist" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    "argv",
    [("enable", "--vm", "dc01", "Heartbeat"), ("doctor", "--vm", "dc01")],
)
def test_garbage_from_a_host_is_the_same_failure_for_every_command(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, argv: tuple[str, ...]
) -> None:
    # enable said 2 (a usage error) where doctor and audit said 3 (bad_output): output a
    # host garbles is no mistake of the user's, so both say 3.
    def garbling_lab(*, latency: float = 0.0) -> DemoLab:
        lab = demo_lab(latency=latency)
        for host in lab.hosts:
            host.fault = Fault.garbage()
        return lab

    monkeypatch.setattr(vmic.testing, "demo_lab", garbling_lab)
    status, out, err = in_process(capsys, *argv[:1], "--lab", "demo", *argv[1:])
    assert (status, out) == (3, "")
    assert err.startswith("vmic: error: ")
    assert err.count("\n") == 1
