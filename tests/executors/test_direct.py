"""PowerShellDirectExecutor: the host command it builds and how it reads the answer."""

from __future__ import annotations

import uuid

import pypsrp.wsman
import pytest

from vmic.errors import AuthenticationFailedError, ConfigurationError, ConnectionFailedError
from vmic.executors import (
    Command,
    CommandTimeoutError,
    Credential,
    Executor,
    FakeExecutor,
    FakeResponse,
    PowerShellDirectExecutor,
    Secret,
    Shell,
)
from vmic.executors._direct import SETUP_FAILURE_EXIT, host_script
from vmic.executors._psrp import PsrpExecutor, psrp_script
from vmic.executors._scripting import VmSelector

from ._winrm_endpoint import Endpoint, Invocation, Reply
from .psgrammar import parse

PASSWORD = "hunter2-Guest'Pass"  # noqa: S105 - a throwaway test value
CREDENTIAL = Credential("Administrator", PASSWORD)
GUEST = Command(
    Shell.POWERSHELL,
    "Get-Service -Name $Name | Select-Object -ExpandProperty Status\nexit 2",
    parameters={"Name": "vmicheartbeat", "Key": Secret("kvp-s3cret")},
    timeout=30,
)


def _host(response: FakeResponse) -> FakeExecutor:
    fake = FakeExecutor()
    fake.on(host_script(VmSelector.by_name("x", parameter="VmicVMName")), response)
    fake.on(host_script(VmSelector.by_id(uuid.uuid4(), parameter="VmicVMId")), response)
    return fake


def test_the_host_command_is_fixed_text_with_every_value_a_parameter() -> None:
    direct = PowerShellDirectExecutor(FakeExecutor(), "web*01", CREDENTIAL)
    host = direct.host_command(GUEST)
    assert host.shell is Shell.POWERSHELL
    assert host.script == host_script(VmSelector.by_name("web*01", parameter="VmicVMName"))
    assert "web*01" not in host.script
    assert "New-PSSession -VMId $vmicVm[0].Id -Credential $vmicCredential" in host.script
    assert host.timeout == 30
    assert dict(host.parameters) == {
        "VmicVMName": "web*01",
        "VmicUser": "Administrator",
        "VmicPassword": Secret(PASSWORD),
        "VmicScript": "param($Name, $Key)\n" + GUEST.script,
        "VmicArgumentNames": ("Name", "Key"),
        "VmicArgument0": "vmicheartbeat",
        "VmicArgument1": Secret("kvp-s3cret"),
    }
    assert not parse(host.script).has_error


def test_vms_can_be_selected_by_id() -> None:
    vm_id = uuid.UUID("7cca7664-91d0-40a9-9769-7809f256f603")
    host = PowerShellDirectExecutor(FakeExecutor(), vm_id, CREDENTIAL).host_command(GUEST)
    assert host.parameters["VmicVMId"] == str(vm_id)
    assert "Get-VM -Id $VmicVMId" in host.script
    assert "VmicVMName" not in host.parameters


def test_the_guest_result_comes_back_as_the_guest_commands_result() -> None:
    host = _host(FakeResponse(stdout="Running\n", stderr="", exit_code=2, duration=1.5))
    direct = PowerShellDirectExecutor(host, "dc01", CREDENTIAL)
    assert isinstance(direct, Executor)
    result = direct.run(GUEST)
    assert result.command == GUEST
    assert result.stdout == "Running\n"
    assert result.exit_code == 2
    assert result.duration == 1.5
    (sent,) = host.calls
    assert sent.parameters["VmicVMName"] == "dc01"


def test_a_guest_may_exit_with_the_setup_status_itself() -> None:
    host = _host(FakeResponse(stderr="guest's own error\n", exit_code=SETUP_FAILURE_EXIT))
    result = PowerShellDirectExecutor(host, "dc01", CREDENTIAL).run(GUEST)
    assert result.exit_code == SETUP_FAILURE_EXIT


def _setup_failure(kind: str, reason: str) -> FakeResponse:
    return FakeResponse(
        stderr=f"Stop-VmicDirect : vmic-direct:{kind}: {reason}\n    + CategoryInfo : x\n",
        exit_code=SETUP_FAILURE_EXIT,
    )


def test_refused_guest_credentials_are_an_authentication_error() -> None:
    host = _host(_setup_failure("auth", "The credential is invalid."))
    with pytest.raises(AuthenticationFailedError) as info:
        PowerShellDirectExecutor(host, "dc01", CREDENTIAL).run(GUEST)
    message = str(info.value)
    assert "'Administrator'" in message
    assert "The credential is invalid." in message
    assert PASSWORD not in message


@pytest.mark.parametrize(
    ("kind", "hint"),
    [
        ("vm-not-found", "exact name"),
        ("vm-ambiguous", "by id"),
        ("vm-lookup", "elevated"),
        ("session", "vmicvmsession"),
    ],
)
def test_setup_failures_are_connection_errors_with_a_hint(kind: str, hint: str) -> None:
    host = _host(_setup_failure(kind, "details from the host"))
    with pytest.raises(ConnectionFailedError) as info:
        PowerShellDirectExecutor(host, "web01", CREDENTIAL).run(GUEST)
    assert not isinstance(info.value, AuthenticationFailedError)
    assert hint in str(info.value)
    assert "'web01'" in str(info.value)
    assert "details from the host" in str(info.value)


def test_passwords_echoed_by_the_host_are_redacted() -> None:
    host = _host(
        FakeResponse(
            stderr="At line:3\n+ $VmicPassword = (ConvertTo-SecureString -String "
            "'hunter2-Guest''Pass' -AsPlainText -Force)\nkvp-s3cret\n",
            exit_code=1,
        )
    )
    result = PowerShellDirectExecutor(host, "dc01", CREDENTIAL).run(GUEST)
    assert "hunter2" not in result.stderr
    assert "kvp-s3cret" not in result.stderr


def test_timeouts_name_the_guest_command_and_vm() -> None:
    host = _host(FakeResponse(stdout="partial\n", duration=60))
    with pytest.raises(CommandTimeoutError) as info:
        PowerShellDirectExecutor(host, "dc01", CREDENTIAL).run(GUEST)
    assert info.value.command == GUEST
    assert "VM 'dc01'" in str(info.value)
    assert info.value.stdout == "partial\n"


def test_only_powershell_runs_in_the_guest() -> None:
    direct = PowerShellDirectExecutor(FakeExecutor(), "dc01", CREDENTIAL)
    with pytest.raises(ConfigurationError, match="PowerShell only"):
        direct.run(Command(Shell.POSIX, "uname"))


@pytest.mark.parametrize(
    ("vm", "credential"),
    [("", CREDENTIAL), (42, CREDENTIAL), ("dc01", ("Administrator", PASSWORD))],
)
def test_arguments_are_checked(vm: object, credential: object) -> None:
    with pytest.raises(ConfigurationError):
        PowerShellDirectExecutor(FakeExecutor(), vm, credential)  # type: ignore[arg-type]


def test_repr_never_shows_the_password() -> None:
    direct = PowerShellDirectExecutor(FakeExecutor(), "dc01", CREDENTIAL)
    assert PASSWORD not in repr(direct)
    assert "Administrator" in repr(direct)


def test_over_psrp_the_password_is_a_securestring_parameter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def answer(invocation: Invocation) -> Reply:
        return Reply(output=["Running"], exit_code=2)

    endpoint = Endpoint(answer)
    monkeypatch.setattr(pypsrp.wsman, "_TransportHTTP", endpoint.transport)
    with PsrpExecutor("hv01", credential=Credential("CONTOSO\\hvadmin", "host-pw")) as host:
        direct = PowerShellDirectExecutor(host, "dc01", CREDENTIAL)
        result = direct.run(GUEST)
    assert result.exit_code == 2
    assert result.stdout == "Running\n"
    invocation = endpoint.invocations[-1]
    assert invocation.script == psrp_script(direct.host_command(GUEST))
    assert invocation.parameters["VmicPassword"] == PASSWORD
    assert invocation.parameters["VmicArgument1"] == "kvp-s3cret"
    tags = dict(endpoint.value_tags)
    assert tags["VmicPassword"] == "SS"
    assert tags["VmicArgument1"] == "SS"
    assert tags["VmicScript"] == "S"


def test_the_guest_password_never_blanks_guest_data() -> None:
    # A guest password "vmicvss" made the VSS service vanish from the guest's service
    # list: the output was masked before the parsers read it.
    listing = "vmicheartbeat Running\nvmicvss Running\n"
    host = _host(FakeResponse(stdout=listing, stderr="echo of vmicvss\n"))
    credential = Credential("Administrator", "vmicvss")
    result = PowerShellDirectExecutor(host, "dc01", credential).run(GUEST)
    assert result.stdout == listing
    assert result.stderr == "echo of ***\n"  # messages are still masked
    sent = host.calls[-1].parameters["VmicPassword"]
    assert isinstance(sent, Secret)
    assert sent.reveal() == "vmicvss"
