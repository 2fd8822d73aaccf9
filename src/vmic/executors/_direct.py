"""Running a guest's PowerShell through its Hyper-V host with PowerShell Direct.

PowerShell Direct reaches a Windows guest over VMBus, without a network, from
the Hyper-V host it runs on. It needs Windows 10 / Windows Server 2016 or later
on both sides, the guest running, its *Hyper-V PowerShell Direct Service*
(``vmicvmsession``) running, credentials of a guest account, and an elevated
session on the host.

:class:`PowerShellDirectExecutor` turns each guest command into one host
command whose script is fixed text; everything variable (the VM name or id, the
guest script, its parameters, the guest user name and password) travels as
parameters of that host command, so the host executor binds them as data (PSRP
parameters, or escaped literals on a text transport).

On the host the command:

1. selects the VM by exact name (ordinal comparison) or by id, and insists on
   exactly one match (Hyper-V allows duplicate names);
2. opens ``New-PSSession -VMId <id> -Credential <credential>``;
3. runs the guest script there with its parameters splatted from a hashtable;
4. reads the guest's ``$LASTEXITCODE`` from the same session, so ``exit N`` in
   the guest script becomes the result's exit status (a terminating error
   becomes 1);
5. removes the session.

Failures before the guest script runs exit with :data:`SETUP_FAILURE_EXIT` and
write an error whose text starts with ``vmic-direct:<kind>:``; the executor
turns those into :class:`vmic.ConnectionFailedError` or
:class:`vmic.AuthenticationFailedError`.
"""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Final

from vmic.errors import (
    AuthenticationFailedError,
    CommandTimeoutError,
    ConfigurationError,
    ConnectionFailedError,
)
from vmic.executors._checks import check_instance
from vmic.executors._closing import Closing
from vmic.executors._command import Command, Credential, ParameterValue, Secret, Shell
from vmic.executors._output import LOG, redact
from vmic.executors._result import Result
from vmic.executors._scripting import VmSelector

if TYPE_CHECKING:
    from vmic.executors._protocol import Executor

__all__ = ["SETUP_FAILURE_EXIT", "PowerShellDirectExecutor", "host_script"]

SETUP_FAILURE_EXIT: Final = 254
"""Exit status of the host command when PowerShell Direct could not be set up."""

_MARKER: Final = re.compile(r"vmic-direct:(?P<kind>[a-z-]+):(?P<reason>[^\r\n]*)")

_HOST_SCRIPT: Final = """\
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
function Stop-VmicDirect([string] $Kind, [string] $Reason) {
    $vmicText = 'vmic-direct:' + $Kind + ': ' + ($Reason -replace '\\s+', ' ')
    Write-Error -Message $vmicText -ErrorAction Continue
    exit 254
}
try {
    $vmicVm = {selection}
} catch {
    Stop-VmicDirect 'vm-lookup' $_.Exception.Message
}
if ($vmicVm.Count -eq 0) {
    Stop-VmicDirect 'vm-not-found' 'no virtual machine matches on this host'
}
if ($vmicVm.Count -gt 1) {
    Stop-VmicDirect 'vm-ambiguous' ('{0} virtual machines match' -f $vmicVm.Count)
}
$vmicCredential = New-Object System.Management.Automation.PSCredential($VmicUser, $VmicPassword)
try {
    $vmicSession = New-PSSession -VMId $vmicVm[0].Id -Credential $vmicCredential
} catch {
    $vmicCode = 0
    if ($null -ne $_.Exception.PSObject.Properties['ErrorCode']) {
        $vmicCode = $_.Exception.ErrorCode
    }
    if ($vmicCode -eq 1326 -or $_.FullyQualifiedErrorId -match 'Credential|Logon|AccessDenied') {
        Stop-VmicDirect 'auth' $_.Exception.Message
    }
    Stop-VmicDirect 'session' $_.Exception.Message
}
$vmicArguments = @{}
for ($vmicIndex = 0; $vmicIndex -lt $VmicArgumentNames.Count; $vmicIndex++) {
    $vmicValue = Get-Variable -Name ('VmicArgument' + $vmicIndex) -ValueOnly
    $vmicArguments[$VmicArgumentNames[$vmicIndex]] = $vmicValue
}
$vmicExit = 1
try {
    $vmicGuest = {
        param($vmicScriptText, $vmicParameters)
        $global:LASTEXITCODE = 0
        try {
            & ([scriptblock]::Create($vmicScriptText)) @vmicParameters
        } catch {
            $global:LASTEXITCODE = 1
            throw
        }
    }
    Invoke-Command -Session $vmicSession -ErrorAction Continue -ScriptBlock $vmicGuest `
        -ArgumentList $VmicScript, $vmicArguments
    $vmicExit = Invoke-Command -Session $vmicSession -ScriptBlock { $global:LASTEXITCODE }
} catch {
    Write-Error -ErrorRecord $_ -ErrorAction Continue
} finally {
    Remove-PSSession -Session $vmicSession -ErrorAction SilentlyContinue
}
if ($null -eq $vmicExit) { $vmicExit = 0 }
exit ([int] $vmicExit)
"""


def host_script(selector: VmSelector) -> str:
    """Return the fixed host script for VMs selected like *selector* (by name or by id)."""
    return _HOST_SCRIPT.replace("{selection}", selector.expression)


def guest_script(command: Command) -> str:
    """Return the guest script text: a ``param()`` block for its parameters, then the script."""
    if not command.parameters:
        return command.script
    names = ", ".join(f"${name}" for name in command.parameters)
    return f"param({names})\n{command.script}"


class PowerShellDirectExecutor(Closing):
    """Runs PowerShell commands in a Windows guest through its Hyper-V host.

    Args:
        host: The executor that reaches the Hyper-V host (local, PSRP or SSH); it
            must run PowerShell elevated there.
        vm: The guest: its exact name, or its id as a :class:`uuid.UUID`.
        credential: A guest account. The password is passed to the host command
            as a :class:`~vmic.executors.Secret` parameter, so it arrives in the
            host session as a ``[securestring]``.

    Raises:
        vmic.ConfigurationError: *vm* is empty or not a name/UUID.
    """

    def __init__(self, host: Executor, vm: str | uuid.UUID, credential: Credential) -> None:
        check_instance(credential, Credential, what="credential")
        self._host = host
        self._credential = credential
        if isinstance(vm, uuid.UUID):
            self._selector = VmSelector.by_id(vm, parameter="VmicVMId")
        elif isinstance(vm, str):
            self._selector = VmSelector.by_name(vm, parameter="VmicVMName")
        else:
            raise ConfigurationError(f"vm must be a name or a uuid.UUID, not {type(vm).__name__}")
        self._vm = vm

    def __repr__(self) -> str:
        return (
            f"PowerShellDirectExecutor(host={self._host!r}, vm={self._vm!r}, "
            f"credential={self._credential!r})"
        )

    def close(self) -> None:
        """Nothing to release: the host executor belongs to the caller, who closes it."""

    def host_command(self, command: Command) -> Command:
        """Return the host command that runs *command* in the guest.

        Raises:
            vmic.ConfigurationError: *command* is not a PowerShell command.
        """
        if command.shell is not Shell.POWERSHELL:
            raise ConfigurationError(
                "PowerShell Direct runs PowerShell only; "
                f"got a {command.shell.value} command ({command.summary()})"
            )
        parameters: dict[str, ParameterValue] = dict(self._selector.parameters)
        parameters["VmicUser"] = self._credential.username
        # The host's results hold the guest's data, which the parsers must get unchanged
        # (a password "vmicvss" must not blank that service); messages mask it instead.
        parameters["VmicPassword"] = Secret(self._credential.password.reveal(), mask=False)
        parameters["VmicScript"] = guest_script(command)
        parameters["VmicArgumentNames"] = tuple(command.parameters)
        for index, value in enumerate(command.parameters.values()):
            parameters[f"VmicArgument{index}"] = value
        return Command(
            Shell.POWERSHELL,
            host_script(self._selector),
            parameters=parameters,
            timeout=command.timeout,
        )

    def run(self, command: Command) -> Result:
        """Run *command* in the guest.

        Raises:
            vmic.AuthenticationFailedError: The guest refused the credential.
            vmic.ConnectionFailedError: The VM was not found, several VMs have the
                name, or the PowerShell Direct session could not be opened.
            vmic.CommandTimeoutError: (:class:`CommandTimeoutError`) the command
                outlived its timeout; the host command was stopped, which ends
                the guest pipeline with it.
            vmic.ConfigurationError: *command* is not a PowerShell command.
            vmic.ExecutionError: The host executor failed otherwise.
        """
        host_command = self.host_command(command)
        secrets: tuple[Secret, ...] = (self._credential.password, *command.secrets)
        LOG.debug("powershell direct run on vm %r: %s", self._vm, command.summary())
        try:
            result = self._host.run(host_command)
        except CommandTimeoutError as exc:
            raise CommandTimeoutError(
                f"command in VM {self._vm!r} timed out after {exc.timeout}s and was stopped: "
                f"{command.summary()}",
                command=command,
                timeout=exc.timeout,
                stdout=redact(exc.stdout, secrets),
                stderr=redact(exc.stderr, secrets),
                duration=exc.duration,
            ) from None
        if result.exit_code == SETUP_FAILURE_EXIT:
            self._raise_setup_failure(redact(result.stderr, secrets))
        # The guest's output is data the parsers read: only the guest command's own
        # secrets are blanked there, as every executor does, never the guest password
        # (a password "vmicvss" would blank that service's name). Standard error, which
        # holds the host's messages (PowerShell echoes the failing line), is masked whole.
        return Result(
            command,
            stdout=redact(result.stdout, command.secrets),
            stderr=redact(result.stderr, secrets),
            exit_code=result.exit_code,
            duration=result.duration,
        )

    def _raise_setup_failure(self, stderr: str) -> None:
        match = _MARKER.search(stderr)
        if match is None:
            return
        kind = match["kind"]
        reason = match["reason"].strip()
        where = f"VM {self._vm!r} through {self._host!r}"
        if kind == "auth":
            raise AuthenticationFailedError(
                f"the guest refused the credential for {self._credential.username!r} "
                f"(PowerShell Direct to {where}): {reason}"
            )
        hints = {
            "vm-lookup": "the host could not list its VMs; the host session must be "
            "elevated and have the Hyper-V PowerShell module",
            "vm-not-found": "check the exact name (case and every character) or use the VM id",
            "vm-ambiguous": "several VMs share this name; select the VM by id instead",
            "session": "the VM must be running a Windows 10 / Server 2016 or later guest with "
            "the Hyper-V PowerShell Direct Service (vmicvmsession) running",
        }
        hint = hints.get(kind, "")
        raise ConnectionFailedError(
            f"PowerShell Direct to {where} failed ({kind}): {reason}"
            + (f"; {hint}" if hint else "")
        )
