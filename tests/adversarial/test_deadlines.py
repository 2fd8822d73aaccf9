"""The deadline matrix: every command that connects, over SSH and PSRP, to a silent port.

Issue 23, defect 7: ``vmic wait``, ``copy`` and ``shutdown --timeout 3`` against a host that
accepts the connection and never answers ran 30.6 s (SSH and PSRP): the fix made for
``enable``/``doctor``/``kvp``/``fix`` had not reached them. Every command that reaches a host
now connects within ``--timeout`` (one place, ``vmic.cli._connection.host_entry``, and the
per-host timeout for inventories). The commands are read from the command table: one that
takes the connection options or ``--inventory`` and is missing below fails
:func:`test_the_matrix_covers_every_command_that_connects`.

Each case checks what the executor reports: the deadline it gave up at is ``--timeout``
(half a second over SSH, one over PSRP), never its own 30 s. No wall-clock time is
asserted; each case takes about that long.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

import pytest

from tests._cli import in_process, silent_port
from vmic.cli._commands import COMMANDS
from vmic.cli._main import build_parser

POLICY: Final = str(Path(__file__).resolve().parents[2] / "docs" / "policy.example.toml")
#: What each command needs besides where the host is, for its connection to be tried.
EXTRA: Final[dict[str, tuple[str, ...]]] = {
    "doctor": (),
    "enable": ("--vm", "web01", "vss"),
    "disable": ("--vm", "web01", "vss"),
    "apply": ("--vm", "web01", "vss=on"),
    "wait": ("--vm", "web01", "--for", "heartbeat"),
    "copy": ("--vm", "web01", "C:\\Deploy\\settings.json", "C:\\Temp"),
    "shutdown": ("--vm", "web01"),
    "kvp": ("get", "--vm", "web01"),
    "fix": ("--check",),
    "policy": ("show", POLICY),
}
#: Commands that reach hosts only through an inventory, and their timeout option.
INVENTORY_ONLY: Final[dict[str, str]] = {"audit": "--timeout", "check": "-t"}

#: --timeout per transport: SSH takes fractions of a second; PSRP's HTTP timeouts are whole
#: seconds (it rounds up), so 1 s is its shortest.
TIMEOUT: Final = {"ssh": "0.5", "psrp": "1"}
# The deadline a command reports it gave up at: --timeout, never an executor's own 30 s.
_REPORTED: Final = {
    "ssh": re.compile(r"after 0\.5s|within 0\.5s"),
    "psrp": re.compile(r"after 1\.0s|within 1s|read timeout=1\)"),
}


def _options(command: str) -> set[str]:
    parser = build_parser([command])
    commands = next(a for a in parser._actions if a.dest == "command")
    sub = commands.choices[command]  # type: ignore[index] # the subparsers' choices
    return {option for action in sub._actions for option in action.option_strings}


def test_the_matrix_covers_every_command_that_connects() -> None:
    connecting = {
        name
        for name, _summary, _build in COMMANDS
        if {"--transport", "--inventory"} & _options(name)
    }
    assert connecting == set(EXTRA) | set(INVENTORY_ONLY)
    assert {name for name in EXTRA if "--transport" not in _options(name)} == set()


def _reported(out: str, err: str) -> str:
    """Where a command says why it stopped: stderr, or the plugin line on stdout."""
    return err or out


@pytest.mark.parametrize("transport", ["ssh", "psrp"])
@pytest.mark.parametrize("command", sorted(EXTRA))
def test_a_command_by_host_connects_within_its_timeout(
    capsys: pytest.CaptureFixture[str], command: str, transport: str
) -> None:
    # kvp's action comes before the options; every other command takes them anywhere.
    words, tail = (
        (EXTRA[command][:1], EXTRA[command][1:]) if command == "kvp" else ((), EXTRA[command])
    )
    with silent_port() as port:
        status, out, err = in_process(
            capsys, command, *words, "--host", "127.0.0.1", "--transport", transport,
            "--port", str(port), "--timeout", TIMEOUT[transport], "--no-keyring", "--no-prompt",
            *tail,
        )  # fmt: skip
    assert status == 3, (out, err)
    assert err.count("\n") == 1
    assert _REPORTED[transport].search(err), err


@pytest.mark.parametrize("transport", ["ssh", "psrp"])
def test_apply_policy_connects_within_its_timeout(
    capsys: pytest.CaptureFixture[str], transport: str
) -> None:
    with silent_port() as port:
        status, out, err = in_process(
            capsys, "apply", "--policy", POLICY, "--yes", "--host", "127.0.0.1",
            "--transport", transport, "--port", str(port), "--timeout", TIMEOUT[transport],
            "--no-keyring", "--no-prompt",
        )  # fmt: skip
    assert status == 3, (out, err)
    assert err.count("\n") == 1
    assert _REPORTED[transport].search(err), err


@pytest.mark.parametrize("transport", ["ssh", "psrp"])
@pytest.mark.parametrize("command", sorted(INVENTORY_ONLY))
def test_a_command_by_inventory_connects_within_its_timeout(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str, transport: str
) -> None:
    inventory = tmp_path / "hosts.toml"
    with silent_port() as port:
        inventory.write_text(
            f'[[hosts]]\nname = "127.0.0.1"\ntransport = "{transport}"\nport = {port}\n',
            encoding="utf-8",
        )
        status, out, err = in_process(
            capsys, command, "--inventory", str(inventory), INVENTORY_ONLY[command],
            TIMEOUT[transport],
            "--no-keyring", *(("-v",) if command == "check" else ("--format", "csv")),
        )  # fmt: skip
    assert status == 3, (out, err)
    assert _REPORTED[transport].search(_reported(out, err)), (out, err)
