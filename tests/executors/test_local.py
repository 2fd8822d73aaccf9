"""LocalExecutor: POSIX for real; PowerShell through a recording stand-in for ``pwsh``.

PowerShell is not installed on the test machines, so a small ``pwsh`` script
placed first on ``PATH`` records the command line and standard input it gets
and answers like PowerShell would (exit status, output, an error that echoes
the failing source line). That proves what reaches PowerShell and how the
answer comes back; it does not prove PowerShell runs the bootstrap (see
docs/executors.md).
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest

from vmic.errors import ConfigurationError, ExecutionError
from vmic.executors import Command, LocalExecutor, Secret, Shell
from vmic.executors._local import POSIX_EVAL_SCRIPT
from vmic.executors._powershell import BOOTSTRAP, BOOTSTRAP_ARGUMENTS
from vmic.executors._scripting import render_powershell

from .fakepwsh import install_fake_pwsh
from .psgrammar import parse


@pytest.fixture
def fake_pwsh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "pwsh.json"
    install_fake_pwsh(bin_dir / "pwsh", log)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    return log


def test_powershell_gets_the_script_on_stdin_never_in_argv(fake_pwsh: Path) -> None:
    password = "hunter2-Zebra'\u2019"  # noqa: S105 - a throwaway test value
    command = Command(
        Shell.POWERSHELL,
        "Get-VM | Where-Object { $_.Name -eq $VMName }\nexit 3",
        parameters={"VMName": "web01 $(Remove-VM)", "Password": Secret(password)},
    )
    result = LocalExecutor().run(command)
    record = json.loads(fake_pwsh.read_text())

    assert Path(record["argv"][0]).name == "pwsh"
    assert record["argv"][1:] == list(BOOTSTRAP_ARGUMENTS)
    encoded = record["argv"][record["argv"].index("-EncodedCommand") + 1]
    assert base64.b64decode(encoded).decode("utf-16-le") == BOOTSTRAP
    command_line = record["cmdline"] + base64.b64decode(encoded).decode("utf-16-le")
    for secret_or_data in ("hunter2", "web01", "Get-VM", "Remove-VM"):
        assert secret_or_data not in command_line

    assert set(record["stdin"].strip()) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
    )
    assert record["script"] == render_powershell(command)
    assert "ConvertTo-SecureString -String 'hunter2-Zebra''\u2019\u2019'" in record["script"]
    assert not parse(record["script"]).has_error

    assert result.exit_code == 3
    assert result.stdout == "ran \u2713\n"
    # The echoed source line held the password; the result shows *** instead.
    assert "hunter2" not in result.stderr
    assert "***" in result.stderr


def test_powershell_executable_can_be_named(fake_pwsh: Path, tmp_path: Path) -> None:
    custom = tmp_path / "my-powershell"
    install_fake_pwsh(custom, fake_pwsh)
    executor = LocalExecutor(powershell=str(custom))
    result = executor.run(Command(Shell.POWERSHELL, "Get-Date"))
    assert result.ok
    assert json.loads(fake_pwsh.read_text())["argv"][0] == str(custom)


def test_missing_powershell_is_a_configuration_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ConfigurationError, match="pwsh"):
        LocalExecutor().run(Command(Shell.POWERSHELL, "Get-VM"))


def test_posix_script_goes_to_stdin_of_a_fixed_command_line() -> None:
    executor = LocalExecutor()
    command = Command(Shell.POSIX, 'echo "$Xv"', parameters={"Xv": "data"})
    assert executor.argv(command) == ["/bin/sh", "-c", POSIX_EVAL_SCRIPT]
    assert executor.stdin(command) == b'Xv=data\necho "$Xv"'


def test_posix_script_can_read_nothing_more_from_stdin() -> None:
    # The whole script is read before it runs, so `cat` sees end-of-file
    # instead of swallowing the lines after it.
    result = LocalExecutor().run(Command(Shell.POSIX, "cat\necho after"))
    assert result.stdout == "after\n"


def test_signal_deaths_report_128_plus_the_signal() -> None:
    result = LocalExecutor().run(Command(Shell.POSIX, "kill -TERM $$"))
    assert result.exit_code == 128 + 15


def test_environment_and_working_directory(tmp_path: Path) -> None:
    executor = LocalExecutor(env={"GREETING": "hi", "PATH": os.environ["PATH"]}, cwd=tmp_path)
    result = executor.run(Command(Shell.POSIX, 'printf "%s %s" "$GREETING" "$(pwd)"'))
    assert result.stdout == f"hi {tmp_path}"


def test_unstartable_shell_is_an_execution_error(tmp_path: Path) -> None:
    executor = LocalExecutor(posix_shell=str(tmp_path / "no-such-shell"))
    with pytest.raises(ExecutionError, match="could not start"):
        executor.run(Command(Shell.POSIX, "true"))


def test_context_manager_and_repr() -> None:
    with LocalExecutor() as executor:
        assert executor.run(Command(Shell.POSIX, "true")).ok
    assert "LocalExecutor(" in repr(executor)


def test_children_do_not_inherit_vmic_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    # VMIC_PASSWORD and VMIC_GUEST_PASSWORD reached every child process.
    monkeypatch.setenv("VMIC_PASSWORD", "hunter2-local")
    monkeypatch.setenv("vmic_guest_password", "hunter2-lower")
    monkeypatch.setenv("VMIC_TEST_OTHER", "x")
    monkeypatch.setenv("NOT_VMIC_KEEP", "kept")
    shown = LocalExecutor().run(Command(Shell.POSIX, "env")).stdout
    names = [line.split("=", 1)[0] for line in shown.splitlines()]
    assert [name for name in names if name.upper().startswith("VMIC_")] == []
    assert "NOT_VMIC_KEEP" in names
    given = LocalExecutor(env={"VMIC_CHOSEN": "yes"}).run(Command(Shell.POSIX, "env")).stdout
    assert "VMIC_CHOSEN=yes" in given.splitlines()  # an environment given is used as is
