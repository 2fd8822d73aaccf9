"""What the CLI prints: hostile names stay harmless, tables fit the terminal, colour obeys.

The acceptance checks of issue 9 (defects 1, 2 and 9): JSON stays valid and exact whatever
the VM names hold; the table and Markdown show none of their control characters raw; with
``COLUMNS=80`` no table line is longer than 80 columns and fix commands stay whole.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import pytest

import vmic.testing
from tests._cli import in_process
from vmic import IntegrationService
from vmic.testing import demo_lab

if TYPE_CHECKING:
    from vmic.testing._lab import DemoLab

HOSTILE = (
    "del\x7fname",
    "c1\x9b31mname",
    "nel\x85name",
    "line\u2028sep",
    "bidi\u202eeman",
    "x\nHV01 (Windows Server 2019): 9 VMs, 0 findings",
    "<img src=x onerror=alert(1)>```",
)
RAW = ("\x7f", "\x9b", "\x85", "\u2028", "\u202e", "\x1b")


def _hostile_lab() -> DemoLab:
    lab = demo_lab()
    host = lab.hosts[0]
    for name in HOSTILE:
        # Shutdown disabled on the host: a finding, so the name is in every table.
        host.add_vm(name, enabled=[IntegrationService.HEARTBEAT])
    return lab


@pytest.fixture
def hostile(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vmic.testing, "demo_lab", _hostile_lab)
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)


def _vm_names(data: dict[str, Any]) -> set[str]:
    return {
        vm["vm"] for host in data["hosts"] if host["diagnosis"] for vm in host["diagnosis"]["vms"]
    }


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize("command", ["audit", "doctor"])
def test_json_is_valid_and_round_trips_hostile_names(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    status, out, err = in_process(capsys, command, "--lab", "demo", "--format", "json")
    assert status == 1, err
    data = json.loads(out)
    assert set(HOSTILE) <= _vm_names(data)
    assert set(HOSTILE) <= {row["vm"] for row in data["findings"]}


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize("command", ["audit", "doctor"])
@pytest.mark.parametrize("output_format", ["table", "markdown", "csv"])
def test_text_formats_show_no_control_character_raw(
    capsys: pytest.CaptureFixture[str], command: str, output_format: str
) -> None:
    status, out, _ = in_process(capsys, command, "--lab", "demo", "--format", output_format)
    assert status == 1
    for char in RAW:
        assert char not in out, repr(char)
    assert "del\\x7fname" in out.replace("\\\\", "\\")
    assert not any(
        line.startswith("HV01 (Windows Server 2019): 9 VMs") for line in out.splitlines()
    )
    if output_format == "markdown":
        prose = re.sub(r"(?ms)^(`{3,})\w*$.*?^\1$", "", out)  # code blocks show text as is
        assert re.search(r"(?<!\\)<", prose) is None  # no raw HTML: every < is escaped


def _commands(out_json: str) -> set[str]:
    data = json.loads(out_json)
    return {
        command
        for host in data["hosts"]
        for vm in host["diagnosis"]["vms"]
        for finding in vm["findings"]
        for fix in finding["fixes"]
        for command in fix["commands"]
    }


@pytest.mark.parametrize(
    "argv",
    [
        ("doctor", "--lab", "demo"),
        ("doctor", "--lab", "demo", "--verbose"),
        ("audit", "--lab", "demo"),
        ("matrix",),
    ],
)
def test_tables_fit_80_columns_and_fix_commands_stay_whole(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, argv: tuple[str, ...]
) -> None:
    _, full_json, _ = in_process(capsys, "doctor", "--lab", "demo", "--format", "json")
    commands = _commands(full_json)
    monkeypatch.setenv("COLUMNS", "80")
    _, out, _ = in_process(capsys, *argv)
    long_lines = [line for line in out.splitlines() if len(line) > 80]
    assert all(line.strip() in commands for line in long_lines), long_lines
    if argv[0] == "doctor":
        printed = {line.strip() for line in out.splitlines()}
        assert commands <= printed  # every fix command, whole, on its own line


def test_without_a_terminal_or_columns_lines_are_not_cut(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    _, out, _ = in_process(capsys, "audit", "--lab", "demo")
    assert max(len(line) for line in out.splitlines()) > 80


def _timeless(text: str) -> str:
    """*text* without the seconds the audit took (the one field that differs run to run)."""
    return re.sub(r'"duration": [0-9.e-]+', '"duration": 0', text)


@pytest.mark.parametrize("output_format", ["json", "csv"])
def test_json_and_csv_are_byte_stable_and_colour_free(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, output_format: str
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    _, plain, _ = in_process(capsys, "doctor", "--lab", "demo", "--format", output_format)
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setenv("FORCE_COLOR", "1")
    _, forced, _ = in_process(capsys, "doctor", "--lab", "demo", "--format", output_format)
    assert _timeless(forced) == _timeless(plain)
    assert "\x1b" not in forced


def test_verdicts_are_coloured_only_when_asked(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    _, piped, _ = in_process(capsys, "doctor", "--lab", "demo")
    assert "\x1b[" not in piped  # not a terminal
    monkeypatch.setenv("FORCE_COLOR", "1")
    _, forced, _ = in_process(capsys, "audit", "--lab", "demo")
    assert "\x1b[31mnot functioning\x1b[0m" in forced
    _, doctor, _ = in_process(capsys, "doctor", "--lab", "demo")
    assert "\x1b[32mhealthy\x1b[0m" in doctor
    monkeypatch.setenv("NO_COLOR", "1")
    _, no_colour, _ = in_process(capsys, "doctor", "--lab", "demo")
    assert "\x1b[" not in no_colour
    assert no_colour == piped
