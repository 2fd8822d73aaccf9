"""The lab holds what it is sent to the documented contracts, as a real host would."""

from __future__ import annotations

import pytest

from tests.testing.seeds import guest_without_guard
from vmic.clients import WindowsGuest, _scripts
from vmic.errors import CommandFailedError, UnknownCommandError
from vmic.executors import Command, ParameterValue, Shell
from vmic.testing import FakeHyperVHost

pytestmark = pytest.mark.seeded_violations  # these tests send broken scripts on purpose


def _lab(powershell: str = "5.1") -> FakeHyperVHost:
    lab = FakeHyperVHost("HV01", powershell=powershell)  # type: ignore[arg-type]
    lab.add_vm("dc01", "Windows Server 2019")
    lab.add_vm("win7", "Windows 7")
    return lab


def _shutdown(text: str) -> Command:
    parameters: dict[str, ParameterValue] = {
        "VMName": "dc01",
        "Timeout": 5.0,
        "Poll": 1.0,
        "MaxPoll": 2.0,
        "Force": False,
        "TurnOff": False,
    }
    return Command(Shell.POWERSHELL, text, parameters=parameters)


def test_a_script_whose_cmdlet_call_fits_no_parameter_set_fails_and_changes_nothing() -> None:
    lab = _lab()
    broken = _scripts.script("host-shutdown").text.replace("-Force:$Force", "-Forcefully:$Force")
    result = lab.run(_shutdown(broken))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith(
        "Stop-VM : A parameter cannot be found that matches parameter name 'Forcefully'."
    )
    assert lab.vm("dc01").running
    assert lab.vm("dc01").power_log == ()
    with pytest.raises(CommandFailedError, match="Forcefully"):
        result.check()


def test_the_hyper_v_module_of_the_hosts_edition_is_the_contract() -> None:
    # Copy-VMFile's VMObject set: -VM, -SourcePath, -DestinationPath and -FileSource.
    text = _scripts.script("host-copy-file").text.replace(" -FileSource Host", "")
    lab = _lab()
    parameters: dict[str, ParameterValue] = {
        "VMName": "dc01",
        "Source": "C:\\a.txt",
        "Destination": "C:\\b.txt",
        "CreatePath": False,
        "Overwrite": False,
        "Check": False,
    }
    result = lab.run(Command(Shell.POWERSHELL, text, parameters=parameters))
    assert result.exit_code == 1
    assert "missing mandatory parameters: FileSource" in result.stderr


def test_powershell_7_syntax_is_a_parse_error_on_5_1_only() -> None:
    text = _scripts.script("host-inventory").text.replace(
        "$vmicComponents = @()", "$vmicComponents = $null ?? @()"
    )
    command = Command(Shell.POWERSHELL, text)
    refused = _lab("5.1").run(command)
    assert refused.exit_code == 1
    assert refused.stderr.startswith("Unexpected token '??'")
    assert _lab("7").run(command).exit_code == 0


def test_the_parameters_must_be_the_contracts() -> None:
    lab = _lab()
    command = Command(Shell.POWERSHELL, _scripts.script("host-inventory-vm").text)
    with pytest.raises(UnknownCommandError, match="does not understand"):
        lab.run(command)  # no $VMName


def test_a_powershell_2_guest_stops_at_the_version_check_or_at_what_it_cannot_parse() -> None:
    lab = _lab()
    guest = lab.guest_executor("win7")
    checked = guest.run(_scripts.script("windows-services").command())
    assert checked.exit_code == 3
    assert "powershell-version 2.0" in checked.stdout
    # Without the check, the first cmdlet 2.0 does not have fails.
    unchecked = guest.run(Command(Shell.POWERSHELL, guest_without_guard()))
    assert unchecked.exit_code == 1
    assert "The term 'ConvertTo-Json' is not recognized" in unchecked.stderr
    # Syntax 2.0 cannot parse fails before the check can run.
    newer = _scripts.script("windows-services").text.replace(
        "if ($PSVersionTable", "if ('x' -in @('y')) { }\nif ($PSVersionTable"
    )
    parsed = guest.run(Command(Shell.POWERSHELL, newer))
    assert (parsed.exit_code, parsed.stderr) == (
        1,
        "Unexpected token '-in' in expression or statement.\r\n",
    )
    # With WMF 5.1 installed, the same guest answers.
    lab.vm("win7").powershell_version = "5.1"
    assert WindowsGuest(guest).services()
