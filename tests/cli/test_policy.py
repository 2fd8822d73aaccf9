"""``vmic policy show`` and ``vmic apply --policy`` on the demo lab, and repeated ``--vm``."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING

import jsonschema
import pytest

from tests._cli import ACCEPTANCE_POLICY, in_process, run
from vmic import IntegrationService
from vmic.cli import _confirm
from vmic.schemas import load_schema

if TYPE_CHECKING:
    from pathlib import Path

    from vmic.testing import DemoLab, RecordedCommand

GSI = IntegrationService.GUEST_SERVICE_INTERFACE
TIMESYNC = IntegrationService.TIME_SYNCHRONIZATION


@pytest.fixture
def policy(tmp_path: Path) -> str:
    path = tmp_path / "fleet.toml"
    path.write_text(ACCEPTANCE_POLICY, encoding="utf-8")
    return str(path)


def _changes(lab: DemoLab) -> list[RecordedCommand]:
    return [c for host in lab.hosts for c in host.commands if c.mutating]


def _rows(out: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(out)))


def test_acceptance_check_then_yes_then_check_again(
    capsys: pytest.CaptureFixture[str], lab: DemoLab, policy: str
) -> None:
    status, out, err = in_process(
        capsys, "apply", "--policy", policy, "--lab", "demo", "--check", "--format", "csv"
    )
    assert (status, err) == (1, "")
    rows = _rows(out)
    assert [(r["vm"], r["service"], r["outcome"]) for r in rows] == [
        ("dc01", GSI.value, "would change"),
        ("sql01", GSI.value, "would change"),
        ("web02", GSI.value, "would change"),
        ("dc02", GSI.value, "would change"),
        ("fs01", GSI.value, "would change"),
        ("fs01", TIMESYNC.value, "would change"),
    ]
    assert _changes(lab) == []

    status, out, err = in_process(capsys, "apply", "--policy", policy, "--lab", "demo", "--yes")
    assert (status, err) == (0, "")
    assert out.count("  changed  ") == 6
    assert out.rstrip().endswith("5 VMs: 6 changed. Compliant.")
    for host in lab.hosts:
        assert [c.action for c in host.commands if c.mutating] == ["set-integration-services"]

    status, out, _ = in_process(capsys, "apply", "--policy", policy, "--lab", "demo", "--check")
    assert status == 0
    assert "5 VMs: 6 compliant. Compliant." in out
    assert len(_changes(lab)) == 2


def test_legacy_win7_is_not_applicable_and_left_off(
    capsys: pytest.CaptureFixture[str], lab: DemoLab, tmp_path: Path
) -> None:
    path = tmp_path / "win7.toml"
    path.write_text(
        '[[rule]]\nvms = ["legacy-win7"]\nservices = { "Guest Service Interface" = "on" }\n',
        encoding="utf-8",
    )
    status, out, _ = in_process(
        capsys, "apply", "--policy", str(path), "--lab", "demo", "--yes", "--format", "json"
    )
    assert status == 0
    (result,) = json.loads(out)["results"]
    assert (result["vm"], result["outcome"], result["after"]) == (
        "legacy-win7",
        "not_applicable",
        "off",
    )
    assert "Windows 7 predates Guest Service Interface" in result["detail"]
    assert _changes(lab) == []


def test_without_yes_and_without_a_terminal_it_refuses_before_reaching_anything(
    lab: DemoLab, policy: str
) -> None:
    status, out, err = run("apply", "--policy", policy, "--lab", "demo")
    assert status == 2
    assert out == ""
    assert err == (
        "vmic: error: vmic apply --policy changes hosts: give --yes to apply, or --check to "
        "see what would run\n"
    )


def test_on_a_terminal_it_shows_the_check_and_asks_once(
    capsys: pytest.CaptureFixture[str],
    lab: DemoLab,
    policy: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers = iter(["n", "y"])
    monkeypatch.setattr(_confirm, "interactive", lambda: True)
    monkeypatch.setattr("builtins.input", lambda: next(answers))
    status, out, err = in_process(capsys, "apply", "--policy", policy, "--lab", "demo")
    assert status == 1
    assert "Apply 6 changes? [y/N]" in out
    assert "nothing changed" in err
    assert _changes(lab) == []
    status, out, _ = in_process(capsys, "apply", "--policy", policy, "--lab", "demo")
    assert status == 0
    assert "6 changed" in out
    assert len(_changes(lab)) == 2


def test_a_bad_policy_is_one_line_with_file_rule_and_key_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        '[[rule]]\nservices = { vss = "on" }\n[[rule]]\nname = "dc"\nguest_os = "Windows 2099"\n'
        'services = { vss = "on" }\n',
        encoding="utf-8",
    )
    for argv in (
        ("apply", "--policy", str(path), "--lab", "demo", "--check"),
        ("policy", "show", str(path)),
    ):
        status, out, err = run(*argv)
        assert status == 2
        assert out == ""
        assert err.startswith(f"vmic: error: {path}: rule 2 ('dc'): guest_os: unknown operating")
        assert err.count("\n") == 1


def test_a_missing_policy_file_is_exit_2(tmp_path: Path) -> None:
    status, _, err = run("policy", "show", str(tmp_path / "nope.toml"))
    assert status == 2
    assert "nope.toml: cannot read the policy" in err


def test_an_unreachable_host_is_exit_3(
    capsys: pytest.CaptureFixture[str], lab: DemoLab, policy: str
) -> None:
    from vmic.testing import Fault  # noqa: PLC0415 - this test's fault

    lab.host("HV-BERLIN").fault = Fault.refused()
    status, out, err = in_process(capsys, "apply", "--policy", policy, "--lab", "demo", "--yes")
    assert status == 3
    assert err.startswith("vmic: error: HV-BERLIN: unreachable:")
    assert "HV01" in out


def test_apply_policy_json_validates_against_the_shipped_schema(
    capsys: pytest.CaptureFixture[str], lab: DemoLab, policy: str
) -> None:
    for extra in (("--check",), ("--yes",)):
        _, out, _ = in_process(
            capsys, "apply", "--policy", policy, "--lab", "demo", *extra, "--format", "json"
        )
        document = json.loads(out)
        jsonschema.Draft202012Validator(load_schema("policy")).validate(document)
        assert document["check"] is (extra == ("--check",))


def test_policy_show_lists_rules_or_the_desired_state_of_each_vm(
    capsys: pytest.CaptureFixture[str], lab: DemoLab, policy: str
) -> None:
    status, out, _ = in_process(capsys, "policy", "show", policy)
    assert status == 0
    assert "file copy on servers" in out
    assert "guest_os_from Windows Server 2016; guest_os_to Windows Server 2022" in out
    assert "sha256 " in out
    status, out, _ = in_process(capsys, "policy", "show", policy, "--format", "json")
    document = json.loads(out)
    jsonschema.Draft202012Validator(load_schema("desired")).validate(document)
    assert "vms" not in document
    status, out, _ = in_process(
        capsys, "policy", "show", policy, "--lab", "demo", "--format", "json"
    )
    assert status == 0
    document = json.loads(out)
    jsonschema.Draft202012Validator(load_schema("desired")).validate(document)
    assert [vm["vm"] for vm in document["vms"]] == ["dc01", "sql01", "web02", "dc02", "fs01"]
    assert _changes(lab) == []
    _, markdown, _ = in_process(
        capsys, "policy", "show", policy, "--lab", "demo", "--format", "markdown"
    )
    assert "| host |" in markdown


def test_a_hosts_groups_come_from_an_ansible_inventory(tmp_path: Path) -> None:
    pytest.importorskip("yaml")
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(
        "all:\n  children:\n    berlin:\n      hosts:\n        hv-berlin.example.test:\n"
        "          ansible_connection: local\n",
        encoding="utf-8",
    )
    from vmic.cli._connection import read_inventory_and_groups  # noqa: PLC0415

    hosts, groups = read_inventory_and_groups(str(inventory))
    assert [entry.name for entry in hosts.hosts] == ["hv-berlin.example.test"]
    assert set(groups["hv-berlin.example.test"]) == {"all", "berlin"}


def test_enable_with_two_vms_changes_both_in_one_command(
    capsys: pytest.CaptureFixture[str], lab: DemoLab
) -> None:
    status, out, err = in_process(
        capsys,
        "enable",
        "--lab",
        "demo",
        "--vm",
        "dc01",
        "--vm",
        "web02",
        "guest_service_interface",
    )
    assert (status, err) == (0, "")
    assert out == (
        "enabled Guest Service Interface on dc01\nenabled Guest Service Interface on web02\n"
    )
    hv01 = lab.host("HV01")
    assert hv01.vm("dc01").integration.state(GSI).host_enabled
    assert hv01.vm("web02").integration.state(GSI).host_enabled
    (change,) = _changes(lab)
    assert change.command.parameters["VMs"] == ("dc01", "web02")


def test_vms_on_two_hosts_are_one_command_per_host(
    capsys: pytest.CaptureFixture[str], lab: DemoLab
) -> None:
    status, out, _ = in_process(
        capsys, "disable", "--lab", "demo", "--vm", "dc01", "--vm", "fs01", "--vm", "web02",
        "vss", "--format", "json",
    )  # fmt: skip
    assert status == 0
    assert [(c["vm"], c["after"]) for c in json.loads(out)["changes"]] == [
        ("dc01", "disabled"),
        ("web02", "disabled"),
        ("fs01", "disabled"),
    ]
    assert [(c.target, c.command.parameters["VMs"]) for c in _changes(lab)] == [
        ("HV01", ("dc01", "web02")),
        ("HV-BERLIN", ("fs01",)),
    ]


def test_apply_settings_take_several_vms_and_refuse_mixing_with_a_policy(
    capsys: pytest.CaptureFixture[str], lab: DemoLab, policy: str
) -> None:
    status, out, _ = in_process(
        capsys, "apply", "--lab", "demo", "--vm", "dc01", "--vm", "web02", "vss=off", "--check"
    )
    assert status == 0
    assert out == "would disable VSS on dc01\nwould disable VSS on web02\n"
    assert _changes(lab) == []
    for argv in (
        ("apply", "--lab", "demo", "--policy", policy, "--vm", "dc01"),
        ("apply", "--lab", "demo", "--policy", policy, "vss=on"),
        ("apply", "--lab", "demo", "vss=on"),
        ("apply", "--lab", "demo", "--vm", "dc01", "--yes", "vss=on"),
        ("apply", "--policy", policy, "--yes"),
    ):
        status, _, err = in_process(capsys, *argv)
        assert status == 2, argv
        assert err.count("\n") == 1


def test_limit_keeps_the_change_to_the_hosts_it_selects(
    capsys: pytest.CaptureFixture[str], lab: DemoLab, policy: str
) -> None:
    argv = ("apply", "--policy", policy, "--lab", "demo", "--yes", "--format", "csv")
    status, out, err = in_process(capsys, *argv, "--limit", "!HV-BERLIN")
    assert (status, err) == (0, "")
    assert {row["host"] for row in _rows(out)} == {"HV01"}
    assert [c.target for c in _changes(lab)] == ["HV01"]
    # What the limit left out is still pending; a limit that selects nothing is exit 2.
    status, out, _ = in_process(capsys, *argv[:-3], "--check", "--limit", "HV-BERLIN")
    assert status == 1
    assert "3 would change" in out
    status, out, err = in_process(capsys, *argv, "--limit", "nowhere")
    assert (status, out) == (2, "")
    assert "selects no host" in err
    assert len(_changes(lab)) == 1


def test_limit_chooses_among_an_inventory_or_a_lab_not_one_host(
    capsys: pytest.CaptureFixture[str], policy: str
) -> None:
    status, out, err = in_process(
        capsys,
        "apply",
        "--policy",
        policy,
        "--host",
        "hv01.example.test",
        "--limit",
        "hv*",
        "--check",
    )
    assert (status, out) == (2, "")
    assert (
        err == "vmic: error: --limit chooses among the hosts of --inventory or --lab, not --host\n"
    )
    # Without --policy there is no host list to limit.
    status, _, err = in_process(
        capsys, "apply", "--lab", "demo", "--vm", "dc01", "--limit", "HV01", "vss=on"
    )
    assert status == 2
    assert "--limit" in err


def test_fix_and_policy_show_take_a_limit(
    capsys: pytest.CaptureFixture[str], lab: DemoLab, policy: str
) -> None:
    fix = ("fix", "--lab", "demo", "--check", "--format", "json")
    _, out, _ = in_process(capsys, *fix)
    assert {step["host"] for step in json.loads(out)["steps"]} == {"HV01", "HV-BERLIN"}
    status, out, _ = in_process(capsys, *fix, "--limit", "HV-BERLIN")
    assert status == 1
    assert {step["host"] for step in json.loads(out)["steps"]} == {"HV-BERLIN"}
    _, out, _ = in_process(
        capsys, "policy", "show", policy, "--lab", "demo", "--limit", "HV01", "--format", "csv"
    )
    assert {row["host"] for row in _rows(out)} == {"HV01"}
