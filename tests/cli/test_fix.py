"""``vmic fix``: check runs, applying with --yes, refusing without a terminal, asking once."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from tests._cli import in_process, run
from vmic.cli import _confirm

if TYPE_CHECKING:
    from pathlib import Path

    from vmic.testing import DemoLab, RecordedCommand


def _recorded(lab: DemoLab) -> list[RecordedCommand]:
    hosts = [c for host in lab.hosts for c in host.commands]
    guests = [c for host in lab.hosts for vm in host.vms for c in vm.guest_executor().commands]
    return hosts + guests


def _mutating(lab: DemoLab) -> list[RecordedCommand]:
    return [c for c in _recorded(lab) if c.mutating]


def test_check_lists_a_step_per_planted_problem_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], lab: DemoLab
) -> None:
    status, out, err = in_process(capsys, "fix", "--lab", "demo", "--check", "--format", "json")
    assert status == 1, err
    data = json.loads(out)
    assert data["check"] is True
    served = {
        (f["vm"], f["service"], f["cause"]) for step in data["steps"] for f in step["findings"]
    }
    for problem in lab.planted:
        service = None if problem.service is None else problem.service.value
        assert (problem.vm, service, problem.cause.value) in served
    assert _recorded(lab)  # it did read the hosts and guests
    assert _mutating(lab) == []


def test_yes_with_allow_install_resolves_all_but_the_manual_problem_then_is_idempotent(
    capsys: pytest.CaptureFixture[str], lab: DemoLab
) -> None:
    status, out, err = in_process(
        capsys, "fix", "--lab", "demo", "--yes", "--allow-install", "--format", "json"
    )
    assert status == 1, err
    data = json.loads(out)
    remaining = [(f["vm"], f["cause"]) for f in data["findings"] if f["outcome"] != "resolved"]
    assert remaining == [("app2012r2", "integration_services_outdated")]
    outdated = next(s for s in data["steps"] if s["vm"] == "app2012r2")
    assert outdated["outcome"] == "manual"
    assert _mutating(lab)
    before = len(_mutating(lab))
    status, out, err = in_process(capsys, "fix", "--lab", "demo", "--yes", "--allow-install")
    assert status == 1, err
    assert len(_mutating(lab)) == before
    assert "1 finding remains." in out


def test_table_output_shows_before_and_after(
    capsys: pytest.CaptureFixture[str], lab: DemoLab
) -> None:
    status, out, _ = in_process(capsys, "fix", "--lab", "demo", "--yes", "--allow-install")
    assert status == 1
    assert "Findings (before -> after):" in out
    fs01 = next(line for line in out.splitlines() if "fs01" in line and "disabled on host" in line)
    assert fs01.split()[-3:] == ["not", "functioning", "resolved"]
    assert _mutating(lab)


def test_the_lab_records_one_change_command_per_host_per_run(
    capsys: pytest.CaptureFixture[str], lab: DemoLab
) -> None:
    status, _, err = in_process(
        capsys, "disable", "--lab", "demo", "--vm", "dc01", "--vm", "web02", "heartbeat"
    )
    assert status == 0, err
    lab.host("HV01").commands.clear()
    status, out, err = in_process(capsys, "fix", "--lab", "demo", "--yes", "--format", "json")
    assert status == 1, err
    host_changes = [c for c in _mutating(lab) if "/" not in c.target]
    assert [(c.target, c.action) for c in host_changes] == [
        ("HV01", "set-integration-services"),
        ("HV-BERLIN", "set-integration-services"),
    ]
    changed = {
        (step["vm"], step["detail"])
        for step in json.loads(out)["steps"]
        if step["side"] == "host" and step["outcome"] == "done"
    }
    assert changed == {
        ("legacy-win7", "Key-Value Pair Exchange enabled"),
        ("dc01", "Heartbeat enabled"),
        ("web02", "Heartbeat enabled"),
        ("fs01", "Time Synchronization enabled"),
    }


def test_without_yes_and_without_a_terminal_it_refuses(
    capsys: pytest.CaptureFixture[str], lab: DemoLab
) -> None:
    status, out, err = in_process(capsys, "fix", "--lab", "demo")
    assert status == 2
    assert out == ""
    assert len(err.splitlines()) == 1
    assert "--yes" in err
    assert _recorded(lab) == []


def test_on_a_terminal_it_asks_once_and_a_no_changes_nothing(
    capsys: pytest.CaptureFixture[str], lab: DemoLab, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def answer() -> str:
        asked.append("?")
        return "n"

    monkeypatch.setattr(_confirm, "interactive", lambda: True)
    monkeypatch.setattr("builtins.input", answer)
    status, out, err = in_process(capsys, "fix", "--lab", "demo")
    assert asked == ["?"]
    assert status == 1
    assert "Plan:" in out
    assert "[y/N]" in out
    assert "nothing changed" in err
    assert _mutating(lab) == []


def test_on_a_terminal_a_yes_applies(
    capsys: pytest.CaptureFixture[str], lab: DemoLab, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_confirm, "interactive", lambda: True)
    monkeypatch.setattr("builtins.input", lambda: "y")
    status, out, _ = in_process(capsys, "fix", "--lab", "demo")
    assert status == 1
    assert "Steps:" in out
    # Without --allow-install the package install is skipped and its finding remains.
    assert not any(c.action == "install-packages" for c in _recorded(lab))
    assert _mutating(lab)


def test_a_healthy_vm_exits_0(capsys: pytest.CaptureFixture[str], lab: DemoLab) -> None:
    status, out, _ = in_process(capsys, "fix", "--lab", "demo", "--vm", "dc01", "--yes")
    assert status == 0
    assert "Nothing to fix" in out
    assert _mutating(lab) == []


def test_one_vm_only(capsys: pytest.CaptureFixture[str], lab: DemoLab) -> None:
    status, out, _ = in_process(capsys, "fix", "--lab", "demo", "--vm", "fs01", "--yes")
    assert status == 0, out
    assert {c.target for c in _mutating(lab)} == {"HV-BERLIN"}


def test_an_unknown_vm_is_one_line(capsys: pytest.CaptureFixture[str], lab: DemoLab) -> None:
    status, _, err = in_process(capsys, "fix", "--lab", "demo", "--vm", "nope", "--yes")
    assert status != 0
    assert len(err.splitlines()) == 1
    assert _mutating(lab) == []


def test_the_command_runs_as_a_subprocess_without_a_terminal() -> None:
    status, out, err = run("fix", "--lab", "demo")
    assert status == 2
    assert out == ""
    assert err.startswith("vmic: error:")


def test_a_missing_inventory_is_one_line_with_status_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = f"{tmp_path}/nowhere.toml"
    status, out, err = in_process(capsys, "fix", "--inventory", missing, "--yes")
    assert status == 2
    assert out == ""
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize("columns", ["80", "200"])
def test_check_text_shows_every_command_whole_host_fixes_as_vmic_commands(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    lab: DemoLab,
    columns: str,
) -> None:
    _, data, _ = in_process(capsys, "fix", "--lab", "demo", "--check", "--format", "json")
    steps = json.loads(data)["steps"]
    monkeypatch.setenv("COLUMNS", columns)
    monkeypatch.setenv("NO_COLOR", "1")
    status, out, _ = in_process(capsys, "fix", "--lab", "demo", "--check")
    assert status == 1
    printed = [line.strip() for line in out.splitlines()]
    commands = {command for step in steps for command in step["commands"]}
    assert commands
    assert commands <= set(printed)  # every command the steps run, whole, on its own line
    enables = [step for step in steps if step["kind"] == "enable_on_host"]
    assert enables
    for step in enables:
        # The host fix as the short vmic command, reaching the host as this run did.
        words = ["vmic", "enable", "--lab", "demo", "--vm", step["vm"], step["service"]]
        assert " ".join(words) in printed
        assert step["vmic"] == ["vmic", "enable", "--vm", step["vm"], step["service"]]
    long_lines = [line.strip() for line in out.splitlines() if len(line) > int(columns)]
    assert set(long_lines) <= commands  # only a command is longer than the terminal
    assert "would_run" not in out  # words in text; the values are JSON's and CSV's


def test_check_csv_is_one_row_per_step_and_finding(
    capsys: pytest.CaptureFixture[str], lab: DemoLab
) -> None:
    import csv  # noqa: PLC0415 - only here
    import io  # noqa: PLC0415

    status, out, _ = in_process(capsys, "fix", "--lab", "demo", "--check", "--format", "csv")
    assert status == 1
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {row["record"] for row in rows} == {"step", "finding"}
    assert len([r for r in rows if r["record"] == "finding"]) == len(lab.planted)
    assert any(r["outcome"] == "would_run" for r in rows)  # values, as in JSON
    assert _mutating(lab) == []


def test_the_commands_shown_reach_each_host_as_this_run_did(tmp_path: Path) -> None:
    from vmic.cli._connection import change_targets  # noqa: PLC0415 - the unit under test
    from vmic.cli._main import build_parser  # noqa: PLC0415

    def reach(*argv: str) -> object:
        args = build_parser(["fix"]).parse_args(["fix", *argv, "--no-keyring", "--no-prompt"])
        targets, words = change_targets(args)
        try:
            return words
        finally:
            for target in targets:
                target.executor.close()  # made, never connected

    assert reach("--lab", "demo") == ["--lab", "demo"]
    given = ("--host", "192.0.2.5", "--transport", "ssh", "--user", "ops", "--port", "2200")
    assert reach(*given) == [*given[:4], "--port", "2200", "--user", "ops"]
    inventory = tmp_path / "hosts.toml"
    inventory.write_text(
        '[[hosts]]\nname = "hv01"\naddress = "192.0.2.1"\n\n'
        '[[hosts]]\nname = "hv02"\ntransport = "ssh"\nusername = "ops"\n',
        encoding="utf-8",
    )
    assert reach("--inventory", str(inventory)) == {
        "hv01": ["--host", "192.0.2.1"],
        "hv02": ["--host", "hv02", "--transport", "ssh", "--user", "ops"],
    }
