"""The ``vmic matrix``, ``vmic plan`` and ``vmic services`` commands."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING

from tests._cli import run
from vmic.cli import main
from vmic.cli._render import emit
from vmic.rules import plan_update

if TYPE_CHECKING:
    import pytest


def test_plan_json_contract() -> None:
    status, out, err = run(
        "plan", "--host-os", "ws2012r2", "--guest-os", "Windows 7", "--format", "json"
    )
    assert (status, err) == (0, "")
    data = json.loads(out)
    assert {"host", "guest", "mechanism", "prerequisites", "fallback", "support", "steps"} <= set(
        data
    )
    assert data["mechanism"] == "integration_services_disk"
    assert data["host"] == "Windows Server 2012 R2"
    assert data["steps"][0]["action"] == "insert_setup_disk"
    assert data["steps"][0]["automatable"] is False


def test_plan_json_for_a_data_exchange_row() -> None:
    status, out, _ = run(
        "plan", "--host-os", "2019", "--guest-os", "Windows 8", "--format", "json",
        "--data-exchange-disabled",
    )  # fmt: skip
    data = json.loads(out)
    assert status == 0
    assert data["prerequisites"] == ["key_value_pair_exchange"]
    assert data["fallback"] == "download_center_cab"
    assert [s["action"] for s in data["steps"]][:2] == ["enable_data_exchange", "windows_update"]


def test_unknown_os_is_one_line_exit_2() -> None:
    status, out, err = run(
        "plan", "--host-os", "2016", "--guest-os", "Windows 97", "--format", "json"
    )
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("vmic: error: unknown operating system 'Windows 97'")
    assert "Traceback" not in err


def test_unsupported_combination_is_one_line_exit_2() -> None:
    status, _, err = run("plan", "--host-os", "Windows Server 2012", "--guest-os", "Windows 10")
    assert status == 2
    assert err.count("\n") == 1
    assert "lists no Windows 10 guest" in err


def test_bad_option_is_one_line_exit_2() -> None:
    status, _, err = run("matrix", "--format", "yaml")
    assert status == 2
    assert err.count("\n") == 1
    assert "invalid choice" in err


def test_matrix_markdown_and_console_script_agree(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run("matrix", "--host-os", "Windows 8", "--format", "markdown")
    assert status == 0
    assert main(["matrix", "--host-os", "Windows 8", "--format", "markdown"]) == 0
    assert capsys.readouterr().out == out
    assert "| Windows XP (SP 2, SP 3) | Integration Services disk |" in out


def test_matrix_csv_and_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["matrix", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 45
    assert main(["matrix", "--host-os", "2025"]) == 0
    assert "general statement" in capsys.readouterr().out


def test_services_lists_the_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["services", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)["rows"]
    assert [r["service"] for r in records][:6] == [
        "guest_service_interface",
        "heartbeat",
        "key_value_pair_exchange",
        "shutdown",
        "time_synchronization",
        "vss",
    ]
    assert records[6]["windows_service"] == "vmicvmsession"
    assert main(["services"]) == 0
    assert "84EAAE65-2F2E-45F5-9BB5-0E857DC8EB47" in capsys.readouterr().out


def test_plan_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--host-os", "2016", "--guest-os", "Ubuntu 22.04", "--vm-off"]) == 0
    out = capsys.readouterr().out
    assert "mechanism: package manager" in out
    # Every command the plan runs is in the text, whole, on its own line.
    plan = plan_update("2016", "Ubuntu 22.04", vm_running=False)
    commands = [command for step in plan.steps for command in step.commands]
    assert commands
    assert set(commands) <= {line.strip() for line in out.splitlines()}
    assert "update_linux_packages" not in out  # the value is JSON's; the text has words


def test_control_characters_never_reach_the_terminal_raw(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A name carrying an escape sequence (from a hostile VM name or argument) is echoed
    # in the error line; the terminal must see it spelled out, not executed.
    assert main(["plan", "--host-os", "2016", "--guest-os", "Windows 97\x1b[2J\r"]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert "\r" not in err
    assert "\\x1b[2J" in err
    assert err.count("\n") == 1


def test_emit_spells_out_control_characters(capsys: pytest.CaptureFixture[str]) -> None:
    emit("vm\x1b]0;owned\x07\tok\r\nnext\x9b\n")
    assert capsys.readouterr().out == "vm\\x1b]0;owned\\x07\tok\\x0d\nnext\\x9b\n"
