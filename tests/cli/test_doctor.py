"""``vmic doctor`` (and ``vmic audit --lab``) against the embedded demo lab.

The acceptance check of the issue: ``vmic doctor --lab demo`` finds every problem
``demo_lab()`` planted, each with its cause and fix, and no finding on a healthy VM.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

import vmic.testing
from tests._cli import closed_port, in_process, run
from vmic import IntegrationService, parse_os, plan_update
from vmic.cli._main import build_parser
from vmic.rules._causes import Cause
from vmic.rules._plans import StepAction
from vmic.testing import demo_lab

if TYPE_CHECKING:
    from collections.abc import Callable

    from vmic.testing import DemoLab

SECRET = "s3cr3t-Pa55"  # noqa: S105 - a test value that must never be printed


@pytest.fixture(scope="module")
def doctor_json() -> dict[str, Any]:
    status, out, err = run("doctor", "--lab", "demo", "--format", "json")
    assert status == 1, err  # findings
    assert err == ""
    data: dict[str, Any] = json.loads(out)
    return data


def findings_of(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {**finding, "host": host["host"]}
        for host in data["hosts"]
        for vm in host["diagnosis"]["vms"]
        for finding in vm["findings"]
    ]


def _commands(finding: dict[str, Any]) -> list[str]:
    return [command for fix in finding["fixes"] for command in fix["commands"]]


# What the fix for each planted cause must contain (the lab plants one VM per cause).
_FIX_CHECKS: dict[Cause, Callable[[dict[str, Any]], bool]] = {
    Cause.GUEST_STARTUP_DISABLED: lambda f: (
        _commands(f)
        == ["Set-Service -Name 'vmicvss' -StartupType Manual", "Start-Service -Name 'vmicvss'"]
    ),
    Cause.DISABLED_ON_HOST: lambda f: (
        f["fixes"][0]["side"] == "host"
        and IntegrationService(f["service"]).guid in _commands(f)[0]
        and _commands(f)[0].endswith("Hyper-V\\Enable-VMIntegrationService")
    ),
    Cause.DATA_EXCHANGE_REQUIRED_FOR_UPDATES: lambda f: (
        IntegrationService.KEY_VALUE_PAIR_EXCHANGE.guid in _commands(f)[0]
        and [s["action"] for s in f["plan"]["steps"]][:2]
        == ["enable_data_exchange", "windows_update"]
    ),
    Cause.INTEGRATION_SERVICES_OUTDATED: lambda f: (
        f["plan"] is not None
        and f["plan"]["mechanism"] == "windows_update"
        and f["fixes"][0]["title"].startswith("Install the important updates")
    ),
    Cause.DAEMON_NOT_INSTALLED: lambda f: _commands(f)[0] == "sudo yum install -y hyperv-daemons",
    Cause.DAEMON_NOT_RUNNING: lambda f: (
        "sudo systemctl start hv-vss-daemon.service" in _commands(f)
    ),
}


def test_doctor_finds_every_planted_problem_with_its_fix(doctor_json: dict[str, Any]) -> None:
    lab = demo_lab()
    findings = findings_of(doctor_json)
    for problem in lab.planted:
        service = None if problem.service is None else problem.service.value
        matching = [
            f
            for f in findings
            if (f["host"], f["vm"], f["service"], f["cause"])
            == (problem.host, problem.vm, service, problem.cause.value)
        ]
        assert len(matching) == 1, f"{problem} not found once in {findings}"
        (finding,) = matching
        assert finding["explanation"]
        assert _FIX_CHECKS[problem.cause](finding), (str(problem), finding["fixes"])
    assert set(_FIX_CHECKS) >= {p.cause for p in lab.planted}


def test_doctor_reports_only_what_was_planted(doctor_json: dict[str, Any]) -> None:
    lab = demo_lab()
    planted = {
        (p.host, p.vm, None if p.service is None else p.service.value, p.cause.value)
        for p in lab.planted
    }
    found = {(f["host"], f["vm"], f["service"], f["cause"]) for f in findings_of(doctor_json)}
    assert found == planted
    for host in doctor_json["hosts"]:
        for vm in host["diagnosis"]["vms"]:
            if (host["host"], vm["vm"]) in lab.healthy:
                assert vm["healthy"], vm
                assert vm["findings"] == []
                assert vm["guest_view"] == "observed"


def test_outdated_finding_carries_the_plan_for_its_pair(doctor_json: dict[str, Any]) -> None:
    (finding,) = [
        f for f in findings_of(doctor_json) if f["cause"] == "integration_services_outdated"
    ]
    expected = plan_update(parse_os("Windows Server 2019"), parse_os("Windows Server 2012 R2"))
    assert [s["action"] for s in finding["plan"]["steps"]] == [
        s.action.value for s in expected.steps
    ]
    assert StepAction.WINDOWS_UPDATE in {s.action for s in expected.steps}


def test_doctor_table_names_healthy_and_sick_vms(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = in_process(capsys, "doctor", "--lab", "demo")
    assert (status, err) == (1, "")
    lab = demo_lab()
    for _host, vm in lab.healthy:
        assert any(
            line.split()[:1] == [vm] and line.rstrip().endswith("healthy")
            for line in out.splitlines()
        ), vm
    for problem in lab.planted:
        # Human words in the table format; the values are for JSON and CSV.
        assert problem.cause.label in out
        assert problem.cause.value not in out
    assert "HV-BERLIN (Windows Server 2022" in out


def test_doctor_one_vm_and_one_host(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = in_process(capsys, "doctor", "--lab", "demo", "--vm", "dc01")
    assert status == 0
    assert "dc01" in out
    assert "sql01" not in out
    assert "HV-BERLIN" not in out
    status, out, _ = in_process(
        capsys, "doctor", "--lab", "demo", "--host", "HV-BERLIN", "--format", "json"
    )
    assert status == 1
    assert [h["host"] for h in json.loads(out)["hosts"]] == ["HV-BERLIN"]


def test_doctor_asked_about_file_copy_reports_the_default_off_service(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = in_process(
        capsys,
        "doctor",
        "--lab",
        "demo",
        "--vm",
        "dc01",
        "--feature",
        "file_copy",
        "--format",
        "json",
    )
    assert status == 1
    (finding,) = findings_of(json.loads(out))
    assert (finding["service"], finding["cause"]) == ("guest_service_interface", "disabled_on_host")
    assert finding["features"] == ["file_copy"]


@pytest.mark.parametrize("output_format", ["markdown", "csv"])
def test_doctor_other_formats(capsys: pytest.CaptureFixture[str], output_format: str) -> None:
    status, out, _ = in_process(capsys, "doctor", "--lab", "demo", "--format", output_format)
    assert status == 1
    if output_format == "csv":
        assert out.splitlines()[0] == "host,host_status,vm,service,verdict,cause,explanation,fix"
        assert len(out.splitlines()) == 1 + len(demo_lab().planted)
    else:
        assert out.startswith("## HV01 (")
        assert "```powershell" in out
        assert "```sh" in out


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (("doctor",), "give --host NAME"),
        (("doctor", "--lab", "demo", "--vm", "nope"), "no VM named exactly 'nope'"),
        (("doctor", "--lab", "demo", "--host", "HV99"), "no host 'HV99'"),
        (("doctor", "--host", "hv01", "--password", SECRET), "unrecognized arguments: --password"),
        (
            ("doctor", "--host", "hv01", f"--password={SECRET}"),
            "unrecognized arguments: --password",
        ),
        (("doctor", "--lab", "demo", SECRET), "unrecognized arguments: (1 value not shown)"),
        (("doctor", "--lab", "demo", "--feature", "teleport"), "invalid choice: 'teleport'"),
    ],
)
def test_doctor_usage_errors_are_one_line_exit_2(argv: tuple[str, ...], words: str) -> None:
    status, out, err = run(*argv)
    assert status == 2
    assert out == ""
    assert words in err
    assert err.startswith("vmic")
    assert err.count("\n") == 1
    assert SECRET not in err


def test_doctor_unreachable_host_exits_3_and_never_shows_the_password() -> None:
    env = {"VMIC_PASSWORD": SECRET, "PATH": "/usr/bin:/bin", "HOME": "/nonexistent"}
    status, out, err = run(
        "doctor", "--host", "127.0.0.1", "--transport", "ssh", "--port", str(closed_port()),
        "--user", "audit", "--no-keyring", "--no-prompt", env=env,
    )  # fmt: skip
    assert status == 3
    assert err.count("\n") == 1
    assert err.startswith("vmic: error: cannot reach 127.0.0.1:")  # says where, once
    assert SECRET not in out + err


def test_doctor_json_for_an_unreachable_host_names_it() -> None:
    status, out, _ = run(
        "doctor", "--host", "127.0.0.1", "--transport", "ssh", "--port", str(closed_port()),
        "--no-keyring", "--no-prompt", "--format", "json",
    )  # fmt: skip
    assert status == 3
    (host,) = json.loads(out)["hosts"]
    assert host["status"] == "unreachable"
    assert host["diagnosis"] is None


def test_audit_of_the_lab(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = in_process(capsys, "audit", "--lab", "demo", "--format", "json")
    assert status == 1
    assert err == ""  # no progress bar when stderr is not a terminal
    data = json.loads(out)
    assert data["summary"]["hosts"] == 2
    assert data["summary"]["findings"] == len(demo_lab().planted)
    assert data["summary"]["healthy_vms"] == len(demo_lab().healthy)


@pytest.mark.parametrize(
    "argv",
    [
        ["doctor", "--lab", "demo", "--vm=--"],
        ["enable", "--host", "hv01.example", "--vm=--", "heartbeat"],
        ["disable", "--host", "hv01.example", "--vm=--", "heartbeat"],
        ["apply", "--host", "hv01.example", "--vm=--", "heartbeat=on"],
    ],
)
def test_a_vm_named_double_dash_can_be_given_to_vm(argv: list[str]) -> None:
    # Issue 9, defect 8: argparse (3.11) strips the "--" of "--vm=--" and leaves no value.
    args = build_parser().parse_args(argv)
    assert (args.vm if argv[0] == "doctor" else args.vms) in ("--", ["--"])


def test_vm_repeats_for_the_commands_that_change_many() -> None:
    argv = ["enable", "--lab", "demo", "--vm", "a", "--vm=--", "--vm", "a", "--vm=-x", "vss"]
    assert build_parser().parse_args(argv).vms == ["a", "--", "-x"]


def test_doctor_looks_for_the_vm_named_double_dash(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = in_process(capsys, "doctor", "--lab", "demo", "--vm=--")
    assert status == 2
    assert "no VM named exactly '--'" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("host", [(), ("--host", "HV01")])
def test_doctor_one_vm_observes_its_host_once_and_asks_only_its_guest(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, host: tuple[str, ...]
) -> None:
    # It once ran the whole fleet: both hosts observed, all 11 guests asked, then all but
    # one dropped. The lab's recorded commands say who was asked what.
    labs: list[DemoLab] = []

    def recording_lab(*, latency: float = 0.0) -> DemoLab:
        labs.append(demo_lab(latency=latency))
        return labs[-1]

    monkeypatch.setattr(vmic.testing, "demo_lab", recording_lab)
    status, out, err = in_process(capsys, "doctor", "--lab", "demo", *host, "--vm", "dc01")
    assert (status, err) == (0, "")
    assert "dc01" in out
    (lab,) = labs
    asked = [
        f"{fake.name}/{vm.name}" for fake in lab.hosts for vm in fake.vms
        if fake.guest_executor(vm.name).commands
    ]  # fmt: skip
    assert asked == ["HV01/dc01"]
    assert [(fake.name, len(fake.commands)) for fake in lab.hosts] == [
        ("HV01", 1),
        ("HV-BERLIN", 0),
    ]


def test_doctor_one_vm_missing_from_a_host_names_the_vms_it_has() -> None:
    status, out, err = run("doctor", "--lab", "demo", "--host", "HV-BERLIN", "--vm", "dc01")
    assert (status, out) == (2, "")
    assert "host 'HV-BERLIN' has no VM named exactly 'dc01'; its VMs: 'dc02'" in err
    assert err.count("\n") == 1


def test_doctor_json_gives_the_guest_side_as_data(capsys: pytest.CaptureFixture[str]) -> None:
    # Issue 15: statuses are data, not display strings: sql01's VSS is stopped, startup Disabled.
    _, out, _ = in_process(capsys, "doctor", "--lab", "demo", "--vm", "sql01", "--format", "json")
    document = json.loads(out)
    hosts = document["hosts"]
    (vm,) = [vm for host in hosts for vm in host["diagnosis"]["vms"] if vm["vm"] == "sql01"]
    (vss,) = [entry for entry in vm["services"] if entry["service"] == "vss"]
    assert (vss["guest_installed"], vss["guest_running"], vss["guest_start_type"]) == (
        True,
        False,
        "disabled",
    )
    assert vss["guest_state"]  # the words stay, for people
