r"""The scripts the clients send, as fixed text.

Every value a script needs (a VM name, a service name, GUIDs, unit names) is a
parameter of its :class:`~vmic.executors.Command`; no script is ever built by
splicing a value in. Keeping the texts here as constants lets the simulated lab
(:mod:`vmic.testing`) recognise exactly what a client sent.

Scripts print *sections*: a marker line ``<<vmic:NAME>>`` followed by that
section's text, in the form the matching parser reads (``ConvertTo-Json``,
``reg.exe``, ``lsmod``...). The last line is ``<<vmic:end>>``, so an output cut
short is told apart from a complete one. A script that cannot do its work prints
an ``error`` section whose first line is a reason word (and exits with status 3).

PowerShell names VMs exactly: ``Get-VM -Name`` expands wildcards, so the scripts
filter with an ordinal string comparison instead (the selection
:class:`vmic.executors.VmSelector` uses). Integration services are matched by the
component GUID at the end of their ``Id``, never by their display name, which the
host shows in its own language.
"""

from __future__ import annotations

import textwrap
from typing import Final

from vmic.executors._scripting import VmSelector

__all__ = [
    "END",
    "ERROR_EXIT",
    "HOST_COPY_FILE",
    "HOST_INVENTORY",
    "HOST_INVENTORY_GUESTS",
    "HOST_INVENTORY_VM",
    "HOST_KVP_CHANGE",
    "HOST_KVP_READ",
    "HOST_SET_SERVICES",
    "HOST_SHUTDOWN",
    "HOST_WAIT",
    "LINUX_KVP_POOLS",
    "LINUX_KVP_PUBLISH",
    "LINUX_OBSERVE",
    "LINUX_RELEASE",
    "LINUX_START",
    "LINUX_STOP",
    "SELECT_ONE_VM",
    "WINDOWS_KVP_PUBLISH",
    "WINDOWS_KVP_READ",
    "WINDOWS_OBSERVE",
    "WINDOWS_SERVICES",
    "WINDOWS_SET_STARTUP",
    "WINDOWS_START",
    "WINDOWS_STOP",
    "WINDOWS_VERSION",
    "marker",
]

#: Exit status of a script that printed an ``error`` section.
ERROR_EXIT: Final = 3


def marker(name: str) -> str:
    """The line that opens section *name*."""
    return f"<<vmic:{name}>>"


#: The line every complete output ends with.
END: Final = marker("end")

# --- Hyper-V host (PowerShell) ----------------------------------------------------------------

#: The VMs named exactly ``$VMName`` (ordinal comparison: case and every character count).
#: The expression reads the name from ``$VMName``; the name given here only satisfies the
#: selector's constructor and never appears in the text.
SELECT_ONE_VM: Final = VmSelector.by_name("-", parameter="VMName").expression

_COMPONENT_PROPERTIES: Final = (
    "'VMName', 'VMId', 'Name', 'Id', 'Enabled', 'PrimaryOperationalStatus', "
    "'PrimaryStatusDescription', 'SecondaryOperationalStatus', 'SecondaryStatusDescription'"
)

_INVENTORY: Final = """\
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$vmicOs = Get-CimInstance -ClassName Win32_OperatingSystem
$vmicVms = {selection}
$vmicIds = @($vmicVms | ForEach-Object { $_.Id.ToString().ToUpperInvariant() })
$vmicComponents = @()
if ($vmicVms.Count -gt 0) {
    $vmicComponents = @(Hyper-V\\Get-VMIntegrationService -VM $vmicVms)
}
$vmicKvp = @(
    Get-CimInstance -Namespace 'root\\virtualization\\v2' -ClassName 'Msvm_KvpExchangeComponent' |
        Where-Object { $vmicIds -contains ([string]$_.SystemName).ToUpperInvariant() } |
        ForEach-Object {
            $vmicItems = [ordered]@{}
            foreach ($vmicText in @($_.GuestIntrinsicExchangeItems)) {
                $vmicXml = [xml]$vmicText
                $vmicName = $vmicXml.SelectSingleNode("/INSTANCE/PROPERTY[@NAME='Name']/VALUE")
                $vmicData = $vmicXml.SelectSingleNode("/INSTANCE/PROPERTY[@NAME='Data']/VALUE")
                if ($null -ne $vmicName) {
                    $vmicValue = ''
                    if ($null -ne $vmicData) { $vmicValue = $vmicData.InnerText }
                    $vmicItems[$vmicName.InnerText] = $vmicValue
                }
            }
            [pscustomobject]@{ VMId = [string]$_.SystemName; Items = [pscustomobject]$vmicItems }
        }
)
'<<vmic:host>>'
ConvertTo-Json -Depth 2 -InputObject ([pscustomobject]@{
    ComputerName = $env:COMPUTERNAME
    Caption = $vmicOs.Caption
    Version = $vmicOs.Version
})
'<<vmic:vms>>'
$vmicVmProperties = 'Name', 'Id', 'State', 'Status', 'IntegrationServicesVersion',
    'IntegrationServicesState'
ConvertTo-Json -Depth 3 -InputObject @($vmicVms | Select-Object -Property $vmicVmProperties)
'<<vmic:components>>'
ConvertTo-Json -Depth 3 -InputObject @($vmicComponents | Select-Object -Property {properties})
'<<vmic:kvp>>'
ConvertTo-Json -Depth 4 -InputObject $vmicKvp
'<<vmic:end>>'
"""

HOST_INVENTORY: Final = _INVENTORY.replace("{selection}", "@(Hyper-V\\Get-VM)").replace(
    "{properties}", _COMPONENT_PROPERTIES
)
"""Every VM, every VM's integration components, their guests' intrinsic KVP items and the
host's OS, in one round trip. Sections: ``host``, ``vms``, ``components``, ``kvp``."""

HOST_INVENTORY_VM: Final = _INVENTORY.replace("{selection}", SELECT_ONE_VM).replace(
    "{properties}", _COMPONENT_PROPERTIES
)
""":data:`HOST_INVENTORY` for the VMs named exactly ``$VMName`` (zero, one or several)."""

_FAN_OUT: Final = """\
$vmicOther = @(
    $vmicKvp | Where-Object {
        $vmicOsName = [string]$_.Items.OSName
        $vmicOsName -ne '' -and -not $vmicOsName.StartsWith('Windows')
    } | ForEach-Object { ([string]$_.VMId).ToUpperInvariant() }
)
$vmicTargets = @(
    $vmicVms | Where-Object {
        $_.State -eq 'Running' -and $vmicOther -notcontains $_.Id.ToString().ToUpperInvariant()
    }
)
$vmicGuests = @()
if ($vmicTargets.Count -gt 0) {
    $vmicCredential = New-Object System.Management.Automation.PSCredential($VmicUser, $VmicPassword)
    $vmicBlock = [scriptblock]::Create($VmicGuestScript)
    $vmicJobs = [ordered]@{}
    $vmicStarted = @{}
    $vmicQueue = [System.Collections.Queue]::new($vmicTargets)
    do {
        $vmicActive = @($vmicJobs.Values | Where-Object { $_.State -in 'NotStarted', 'Running' })
        while ($vmicQueue.Count -gt 0 -and $vmicActive.Count -lt $VmicThrottle) {
            $vmicTarget = $vmicQueue.Dequeue()
            $vmicKey = $vmicTarget.Id.ToString().ToUpperInvariant()
            $vmicJobs[$vmicKey] = Invoke-Command -VMId $vmicTarget.Id -Credential $vmicCredential `
                -ScriptBlock $vmicBlock -AsJob -ErrorAction Continue
            $vmicStarted[$vmicKey] = [datetime]::UtcNow
            $vmicActive = @($vmicActive) + @($vmicJobs[$vmicKey])
        }
        foreach ($vmicKey in @($vmicJobs.Keys)) {
            $vmicJob = $vmicJobs[$vmicKey]
            $vmicAge = ([datetime]::UtcNow - $vmicStarted[$vmicKey]).TotalSeconds
            if ($vmicJob.State -in 'NotStarted', 'Running' -and $vmicAge -gt $VmicGuestTimeout) {
                Stop-Job -Job $vmicJob
            }
        }
        $vmicBusy = @($vmicJobs.Values | Where-Object { $_.State -in 'NotStarted', 'Running' })
        if ($vmicBusy.Count -gt 0 -or $vmicQueue.Count -gt 0) { Start-Sleep -Milliseconds 50 }
    } while ($vmicBusy.Count -gt 0 -or $vmicQueue.Count -gt 0)
    $vmicGuests = @(
        foreach ($vmicKey in @($vmicJobs.Keys)) {
            $vmicJob = $vmicJobs[$vmicKey]
            $vmicOutput = @(Receive-Job -Job $vmicJob -ErrorAction SilentlyContinue) -join "`n"
            $vmicReason = ''
            if ($vmicJob.State -eq 'Stopped') {
                $vmicReason = 'no answer within ' + $VmicGuestTimeout + 's'
            } elseif ($vmicJob.State -ne 'Completed') {
                $vmicReason = 'PowerShell Direct failed'
                if ($null -ne $vmicJob.JobStateInfo.Reason) {
                    $vmicReason = [string]$vmicJob.JobStateInfo.Reason.Message
                }
            }
            [pscustomobject]@{ VMId = $vmicKey; Reason = $vmicReason; Output = $vmicOutput }
            Remove-Job -Job $vmicJob -Force
        }
    )
}
'<<vmic:guests>>'
ConvertTo-Json -Depth 2 -InputObject $vmicGuests
'<<vmic:end>>'
"""

HOST_INVENTORY_GUESTS: Final = HOST_INVENTORY.removesuffix("'<<vmic:end>>'\n") + _FAN_OUT
""":data:`HOST_INVENTORY`, then every running guest whose KVP ``OSName`` is empty or starts
with ``Windows`` asked on the host with PowerShell Direct: at most ``$VmicThrottle`` at
once, each stopped after ``$VmicGuestTimeout`` seconds, as ``$VmicUser`` with the password
``$VmicPassword`` (a secure string), running ``$VmicGuestScript`` (:data:`WINDOWS_OBSERVE`).
Sections: those of :data:`HOST_INVENTORY` and ``guests``, a JSON array of ``{VMId, Reason,
Output}`` where an empty ``Reason`` means ``Output`` is the guest script's whole output."""

# The start of every script about one VM: exactly one VM has the name, or an error section.
_EXACTLY_ONE_VM: Final = """\
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$vmicVm = {selection}
if ($vmicVm.Count -ne 1) {
    '<<vmic:error>>'
    'vm-count ' + $vmicVm.Count
    '<<vmic:end>>'
    exit 3
}
""".replace("{selection}", SELECT_ONE_VM)

HOST_SET_SERVICES: Final = (
    _EXACTLY_ONE_VM
    + """\
$vmicProperties = {properties}
$vmicBefore = @(Hyper-V\\Get-VMIntegrationService -VM $vmicVm[0])
'<<vmic:before>>'
ConvertTo-Json -Depth 3 -InputObject @($vmicBefore | Select-Object -Property $vmicProperties)
foreach ($vmicComponent in $vmicBefore) {
    $vmicGuid = ($vmicComponent.Id -split '\\\\')[-1].ToUpperInvariant()
    if (($Enable -contains $vmicGuid) -and -not $vmicComponent.Enabled) {
        Hyper-V\\Enable-VMIntegrationService -VMIntegrationService $vmicComponent
    } elseif (($Disable -contains $vmicGuid) -and $vmicComponent.Enabled) {
        Hyper-V\\Disable-VMIntegrationService -VMIntegrationService $vmicComponent
    }
}
$vmicAfter = @(Hyper-V\\Get-VMIntegrationService -VM $vmicVm[0])
'<<vmic:after>>'
ConvertTo-Json -Depth 3 -InputObject @($vmicAfter | Select-Object -Property $vmicProperties)
'<<vmic:end>>'
""".replace("{properties}", _COMPONENT_PROPERTIES)
)
"""Enable the components whose GUID is in ``$Enable`` and disable those in ``$Disable``, on
the VM named exactly ``$VMName``; only components not already in that state are touched.
Sections: ``before`` and ``after`` (the VM's components either side of the change), or
``error`` (``vm-count N`` when not exactly one VM has the name)."""

# --- Windows guest (PowerShell) ---------------------------------------------------------------

_REG_QUERY: Final = """\
$ErrorActionPreference = 'Continue'
$vmicKey = 'HKLM\\Software\\Microsoft\\Virtual Machine\\Auto'
$vmicReg = @(
    & reg.exe query $vmicKey /v IntegrationServicesVersion 2>&1 |
        ForEach-Object {
            if ($_ -is [System.Management.Automation.ErrorRecord]) { $_.Exception.Message }
            else { [string]$_ }
        }
)
"""

_SERVICE_PROPERTIES: Final = "-Property 'Name', 'DisplayName', 'Status', 'StartType'"

WINDOWS_VERSION: Final = (
    _REG_QUERY
    + """\
'<<vmic:reg>>'
$vmicReg
'<<vmic:end>>'
"""
)
"""``REG QUERY "HKLM\\Software\\Microsoft\\Virtual Machine\\Auto" /v IntegrationServicesVersion``,
as the specification checks the guest's version. Section: ``reg``."""

WINDOWS_SERVICES: Final = f"""\
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$vmicServices = @(Get-Service -Name 'vmic*' | Select-Object {_SERVICE_PROPERTIES})
'<<vmic:services>>'
ConvertTo-Json -Depth 2 -InputObject $vmicServices
'<<vmic:end>>'
"""
"""The ``vmic*`` Windows services with their status and startup type. Section: ``services``."""

WINDOWS_OBSERVE: Final = (
    f"""\
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$vmicOs = Get-CimInstance -ClassName Win32_OperatingSystem
$vmicServices = @(Get-Service -Name 'vmic*' | Select-Object {_SERVICE_PROPERTIES})
"""
    + _REG_QUERY
    + """\
$vmicComputer = Get-CimInstance -ClassName Win32_ComputerSystem
$vmicProvider = Get-ItemProperty -ErrorAction SilentlyContinue -Name 'Enabled' -LiteralPath \
    'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\W32Time\\TimeProviders\\VMICTimeProvider'
$vmicProviderEnabled = $null
if ($null -ne $vmicProvider) { $vmicProviderEnabled = [int]$vmicProvider.Enabled }
$vmicSource = @(
    & w32tm.exe /query /source 2>&1 | ForEach-Object {
        if ($_ -is [System.Management.Automation.ErrorRecord]) { '' } else { [string]$_ }
    }
) -join "`n"
'<<vmic:os>>'
ConvertTo-Json -Depth 2 -InputObject ([pscustomobject]@{
    Caption = $vmicOs.Caption
    Version = $vmicOs.Version
})
'<<vmic:reg>>'
$vmicReg
'<<vmic:services>>'
ConvertTo-Json -Depth 2 -InputObject $vmicServices
'<<vmic:time>>'
ConvertTo-Json -Depth 2 -InputObject ([pscustomobject]@{
    DomainRole = $vmicComputer.DomainRole
    VmicProvider = $vmicProviderEnabled
    Source = $vmicSource.Trim()
})
'<<vmic:end>>'
"""
)
"""Everything a Windows guest tells about its integration services, in one round trip.
Sections: ``os`` (caption and version), ``reg``, ``services`` and ``time`` (its
``Win32_ComputerSystem.DomainRole``, ``VMICTimeProvider\\Enabled`` and ``w32tm /query
/source``)."""

_SERVICE_ACTION: Final = f"""\
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$vmicService = Get-Service -Name $Name -ErrorAction SilentlyContinue
if ($null -eq $vmicService) {{
    '<<vmic:error>>'
    'not-installed'
    '<<vmic:end>>'
    exit 3
}}
{{check}}{{action}}
'<<vmic:services>>'
$vmicAfter = @(Get-Service -Name $Name | Select-Object {_SERVICE_PROPERTIES})
ConvertTo-Json -Depth 2 -InputObject $vmicAfter
'<<vmic:end>>'
"""

WINDOWS_START: Final = _SERVICE_ACTION.replace(
    "{check}",
    """\
if ([string]$vmicService.StartType -eq 'Disabled') {
    '<<vmic:error>>'
    'startup-disabled'
    '<<vmic:end>>'
    exit 3
}
""",
).replace("{action}", "Start-Service -InputObject $vmicService")
"""``Start-Service`` on the service ``$Name``. Sections: ``services`` (its state afterwards),
or ``error`` (``not-installed``, ``startup-disabled``)."""

WINDOWS_STOP: Final = _SERVICE_ACTION.replace("{check}", "").replace(
    "{action}", "Stop-Service -InputObject $vmicService"
)
"""``Stop-Service`` on the service ``$Name``. Sections as :data:`WINDOWS_START`."""

WINDOWS_SET_STARTUP: Final = _SERVICE_ACTION.replace("{check}", "").replace(
    "{action}", "Set-Service -InputObject $vmicService -StartupType $StartupType"
)
"""``Set-Service -StartupType $StartupType`` (Automatic, Manual or Disabled) on ``$Name``.
Sections as :data:`WINDOWS_START`."""

# --- Linux guest (POSIX sh) -------------------------------------------------------------------

_POSIX_PATH: Final = """\
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
export PATH
"""

LINUX_RELEASE: Final = (
    _POSIX_PATH
    + """\
echo '<<vmic:os-release>>'
cat /etc/os-release 2>/dev/null
echo '<<vmic:end>>'
"""
)
"""``/etc/os-release``, to tell the distribution. Section: ``os-release``."""

LINUX_OBSERVE: Final = (
    _POSIX_PATH
    + """\
echo '<<vmic:os-release>>'
cat /etc/os-release 2>/dev/null
echo '<<vmic:lsmod>>'
if command -v lsmod >/dev/null 2>&1; then lsmod; else cat /proc/modules 2>/dev/null; fi
vmic_builtin="/lib/modules/$(uname -r)/modules.builtin"
if [ -r "$vmic_builtin" ]; then
    echo '<<vmic:builtin>>'
    cat "$vmic_builtin"
fi
echo '<<vmic:ps>>'
if [ "$(uname -s 2>/dev/null)" = FreeBSD ]; then ps -axww; else ps -ef; fi
echo '<<vmic:compgen>>'
if command -v bash >/dev/null 2>&1; then
    bash -c 'compgen -c hv_; compgen -c hyperv' 2>/dev/null
else
    for vmic_dir in $(printf '%s' "$PATH" | tr ':' ' '); do
        ls "$vmic_dir" 2>/dev/null
    done | grep -E '^(hv_|hyperv)'
fi
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    eval "set -- $Units"
    if [ "$#" -gt 0 ]; then
        echo '<<vmic:systemctl>>'
        systemctl show \\
            --property=Id,LoadState,ActiveState,SubState,UnitFileState,MainPID,Description \\
            -- "$@" 2>/dev/null
    fi
fi
echo '<<vmic:paths>>'
eval "set -- $Paths"
for vmic_path in "$@"; do
    if [ -x "$vmic_path" ]; then echo "$vmic_path"; fi
done
echo '<<vmic:vmbus>>'
if [ -d /sys/bus/vmbus/devices ]; then echo present; else echo absent; fi
echo '<<vmic:init>>'
if [ -d /run/systemd/system ]; then
    echo systemd
elif command -v rc-service >/dev/null 2>&1 && [ -d /run/openrc ]; then
    echo openrc
elif [ "$(uname -s 2>/dev/null)" = FreeBSD ]; then
    echo rc.d
else
    echo none
fi
eval "set -- $Services"
if [ "$#" -gt 0 ] && command -v rc-service >/dev/null 2>&1 && [ -d /run/openrc ]; then
    echo '<<vmic:service-status>>'
    for vmic_service in "$@"; do
        rc-service "$vmic_service" status >/dev/null 2>&1
        echo "$vmic_service $?"
    done
fi
echo '<<vmic:time-sync>>'
if [ -e /dev/ptp_hyperv ]; then echo 'ptp /dev/ptp_hyperv'; fi
for vmic_conf in /etc/chrony.conf /etc/chrony/chrony.conf /etc/chrony/conf.d/*.conf \\
    /etc/chrony.d/*.conf; do
    if [ -r "$vmic_conf" ]; then
        grep -E '^[[:space:]]*(server|pool|peer|refclock)[[:space:]]' "$vmic_conf" \\
            | sed 's/^[[:space:]]*/chrony /'
    fi
done
for vmic_conf in /etc/systemd/timesyncd.conf /etc/systemd/timesyncd.conf.d/*.conf; do
    if [ -r "$vmic_conf" ]; then
        grep -E '^[[:space:]]*(NTP|FallbackNTP)=' "$vmic_conf" | sed 's/^[[:space:]]*/timesyncd /'
    fi
done
for vmic_daemon in chronyd ntpd systemd-timesyncd; do
    if pidof "$vmic_daemon" >/dev/null 2>&1; then echo "daemon $vmic_daemon"; fi
done
echo '<<vmic:end>>'
"""
)
"""The Linux guest checks of the specification in one round trip: ``lsmod`` (or
``/proc/modules``), the kernel's ``modules.builtin`` when readable, ``ps -ef`` (FreeBSD:
``ps -axww``, whose ``-e`` would add the environment; BusyBox ignores ``-e -f``), ``compgen -c``
for the daemon names, ``systemctl show`` for the units in ``$Units`` when systemd runs, which
of the binaries in ``$Paths`` exist (SUSE's are off ``PATH``), the service manager, and the
status (exit code) of the OpenRC services in ``$Services`` (FreeBSD's daemons have no
``rc.d`` script: ``devd`` starts them, and the process list says whether they run). Sections:
``os-release``, ``lsmod``, ``builtin`` (optional), ``ps``, ``compgen``, ``systemctl``
(optional), ``paths``, ``vmbus`` (``present`` when ``/sys/bus/vmbus`` has devices),
``init`` (``systemd``, ``openrc``, ``rc.d`` or ``none``),
``service-status`` (optional: ``NAME EXIT-CODE`` lines), ``time-sync`` (``ptp /dev/ptp_hyperv``
when the Hyper-V PTP clock exists, chrony's ``server``/``pool``/``peer``/``refclock`` lines as
``chrony ...``, timesyncd's ``NTP=`` lines as ``timesyncd ...``, and ``daemon NAME`` per
running time daemon)."""

LINUX_KVP_POOLS: Final = """\
for vmic_pool in 0 1 2 3 4; do
    vmic_file="/var/lib/hyperv/.kvp_pool_$vmic_pool"
    if [ -f "$vmic_file" ]; then
        echo "<<vmic:pool-$vmic_pool>>"
        base64 < "$vmic_file" | tr -d '\\n'
        echo
    fi
done
echo '<<vmic:end>>'
"""
"""The KVP pool files ``/var/lib/hyperv/.kvp_pool_0`` to ``_4`` that exist, each as one
line of Base64. Sections: ``pool-N``."""

_DAEMON_ACTION: Final = (
    _POSIX_PATH
    + """\
vmic_run() {
    if [ "$Sudo" = true ]; then sudo -n -- "$@"; else "$@"; fi
}
if [ -n "$Unit" ] && command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ] \\
    && [ "$(systemctl show --property=LoadState --value -- "$Unit" 2>/dev/null)" = loaded ]; then
    echo '<<vmic:method>>'
    echo systemd
    vmic_run systemctl {verb} -- "$Unit" || exit $?
    echo '<<vmic:end>>'
    exit 0
fi
if ! command -v "$Daemon" >/dev/null 2>&1; then
    echo '<<vmic:error>>'
    echo not-installed
    echo '<<vmic:end>>'
    exit 3
fi
echo '<<vmic:method>>'
echo {method}
vmic_pids=$(pidof "$Daemon")
{action}
echo '<<vmic:end>>'
"""
)

LINUX_START: Final = (
    _DAEMON_ACTION.replace("{verb}", "start")
    .replace("{method}", "exec")
    .replace("{action}", 'if [ -z "$vmic_pids" ]; then vmic_run "$Daemon" || exit $?; fi')
)
"""Start the daemon ``$Daemon``: ``systemctl start $Unit`` when systemd has the unit loaded,
else run the binary (as root with ``$Sudo``), as the specification does with ``sudo
hv_kvp_daemon``. Sections: ``method`` (``systemd`` or ``exec``), or ``error``
(``not-installed``)."""

LINUX_STOP: Final = (
    _DAEMON_ACTION.replace("{verb}", "stop")
    .replace("{method}", "signal")
    .replace(
        "{action}", 'if [ -n "$vmic_pids" ]; then vmic_run kill -TERM $vmic_pids || exit $?; fi'
    )
)
"""Stop the daemon ``$Daemon``: ``systemctl stop $Unit`` when systemd has the unit loaded,
else SIGTERM to its processes (``kill -15 `pidof ...```, as the specification does).
Sections: ``method`` (``systemd`` or ``signal``), or ``error`` (``not-installed``)."""

# --- Hyper-V host: operations (PowerShell) ----------------------------------------------------

_ONE_VM: Final = _EXACTLY_ONE_VM + "$vmicVm = $vmicVm[0]\n"

# Waits on the host: a loop with its own deadline ($Timeout seconds) that sleeps $Poll
# seconds after the first check, doubling up to $MaxPoll, never past the deadline.
_BACKOFF: Final = """\
    $vmicLeft = $Timeout - $vmicClock.Elapsed.TotalSeconds
    if ($vmicLeft -le 0) { break }
    Start-Sleep -Milliseconds ([int][Math]::Ceiling(1000 * [Math]::Min($vmicDelay, $vmicLeft)))
    $vmicDelay = [Math]::Min($vmicDelay * 2, $MaxPoll)
"""

HOST_WAIT: Final = (
    _ONE_VM
    + """\
$vmicClock = [System.Diagnostics.Stopwatch]::StartNew()
$vmicDelay = $Poll
$vmicPolls = 0
$vmicMet = $false
$vmicSeen = @()
while ($true) {
    $vmicPolls += 1
    $vmicNow = Hyper-V\\Get-VM -Id $vmicVm.Id
    $vmicSeen = @()
    if ([string]$vmicNow.State -eq 'Running') {
        if ($For -eq 'heartbeat') {
            $vmicSeen = @(
                Hyper-V\\Get-VMIntegrationService -VM $vmicNow |
                    Where-Object {
                        ($_.Id -split '\\\\')[-1].ToUpperInvariant() -eq $HeartbeatId -and
                            [string]$_.PrimaryOperationalStatus -eq 'Ok'
                    } |
                    ForEach-Object { [string]$_.PrimaryOperationalStatus }
            )
        } elseif ($For -eq 'ip') {
            $vmicAddresses = @($vmicNow.NetworkAdapters | ForEach-Object { $_.IPAddresses })
            foreach ($vmicAddress in $vmicAddresses) {
                $vmicText = [string]$vmicAddress
                $vmicKind = [string]([System.Net.IPAddress]::Parse($vmicText).AddressFamily)
                $vmicCase = [System.StringComparison]::OrdinalIgnoreCase
                if ($vmicText.StartsWith($Prefix, $vmicCase) -and
                        ($Family -eq '' -or $vmicKind -eq $Family)) {
                    $vmicSeen += $vmicText
                }
            }
        } else {
            $vmicVmId = $vmicVm.Id.ToString().ToUpperInvariant()
            $vmicExchange = @(
                Get-CimInstance -Namespace 'root\\virtualization\\v2' `
                    -ClassName 'Msvm_KvpExchangeComponent' |
                    Where-Object { ([string]$_.SystemName).ToUpperInvariant() -eq $vmicVmId }
            )
            foreach ($vmicComponent in $vmicExchange) {
                $vmicItems = @($vmicComponent.GuestExchangeItems) +
                    @($vmicComponent.GuestIntrinsicExchangeItems)
                foreach ($vmicItem in $vmicItems) {
                    $vmicXml = [xml]$vmicItem
                    $vmicName = $vmicXml.SelectSingleNode("/INSTANCE/PROPERTY[@NAME='Name']/VALUE")
                    $vmicData = $vmicXml.SelectSingleNode("/INSTANCE/PROPERTY[@NAME='Data']/VALUE")
                    $vmicOrdinal = [System.StringComparison]::Ordinal
                    if ($null -ne $vmicName -and $vmicSeen.Count -eq 0 -and
                            $vmicName.InnerText.Equals($Key, $vmicOrdinal)) {
                        $vmicValue = ''
                        if ($null -ne $vmicData) { $vmicValue = $vmicData.InnerText }
                        $vmicSeen += $vmicValue
                    }
                }
            }
        }
    }
    $vmicMet = $vmicSeen.Count -gt 0
    if ($vmicMet) { break }
"""
    + _BACKOFF
    + """\
}
'<<vmic:wait>>'
ConvertTo-Json -Depth 3 -InputObject ([pscustomobject]@{
    Met = $vmicMet
    Seconds = $vmicClock.Elapsed.TotalSeconds
    Polls = $vmicPolls
    Values = @($vmicSeen | ForEach-Object { [string]$_ })
})
"""
    + HOST_INVENTORY_VM
)
"""Wait on the host, in one command, until the VM named exactly ``$VMName`` shows what ``$For``
asks: ``heartbeat`` (the Heartbeat component, GUID ``$HeartbeatId``, reports Ok), ``ip`` (an
address of its network adapters starts with ``$Prefix``, of ``$Family`` ``InterNetwork`` or
``InterNetworkV6`` unless empty), or ``kvp`` (the guest reports the KVP item ``$Key``).
Checks at once, then after ``$Poll`` seconds, doubling to ``$MaxPoll``, until ``$Timeout``
seconds have passed. Sections: ``wait`` (``Met``, ``Seconds``, ``Polls``, ``Values``) and
then those of :data:`HOST_INVENTORY_VM` (the state at the end, for the diagnosis), or
``error`` (``vm-count N``)."""

HOST_COPY_FILE: Final = (
    _ONE_VM
    + """\
if (-not (Test-Path -LiteralPath $Source -PathType Leaf)) {
    '<<vmic:error>>'
    'source-missing'
    '<<vmic:end>>'
    exit 3
}
$vmicBytes = (Get-Item -LiteralPath $Source).Length
try {
    Hyper-V\\Copy-VMFile -VM $vmicVm -SourcePath $Source -DestinationPath $Destination `
        -FileSource Host -CreateFullPath:$CreatePath -Force:$Overwrite -Confirm:$false
} catch {
    '<<vmic:error>>'
    'copy-failed'
    [string]$_.Exception.Message
    '<<vmic:end>>'
    exit 3
}
'<<vmic:copied>>'
ConvertTo-Json -Depth 2 -InputObject ([pscustomobject]@{ Bytes = $vmicBytes })
'<<vmic:end>>'
"""
)
"""``Copy-VMFile -FileSource Host``: copy the host's file ``$Source`` to ``$Destination`` in
the guest of the VM named exactly ``$VMName`` (``-CreateFullPath`` with ``$CreatePath``,
``-Force`` overwrites with ``$Overwrite``). Host to guest only: Copy-VMFile copies nothing
back. Sections: ``copied`` (``Bytes``), or ``error`` (``vm-count N``, ``source-missing``, or
``copy-failed`` followed by Hyper-V's message)."""

HOST_SHUTDOWN: Final = (
    _ONE_VM
    + """\
$vmicBefore = [string]$vmicVm.State
$vmicClock = [System.Diagnostics.Stopwatch]::StartNew()
$vmicState = $vmicBefore
$vmicRefused = ''
$vmicForced = $false
if ($vmicBefore -ne 'Off') {
    $vmicJob = Hyper-V\\Stop-VM -VM $vmicVm -Confirm:$false -AsJob
    $vmicDelay = $Poll
    while ($true) {
        $vmicState = [string](Hyper-V\\Get-VM -Id $vmicVm.Id).State
        if ($vmicState -eq 'Off') { break }
        if ($vmicRefused -eq '' -and [string]$vmicJob.State -eq 'Failed') {
            $vmicRefused = [string]$vmicJob.ChildJobs[0].JobStateInfo.Reason.Message
        }
"""
    + textwrap.indent(_BACKOFF, "    ")
    + """\
    }
    if ($vmicState -ne 'Off' -and $Force) {
        Hyper-V\\Stop-VM -VM $vmicVm -TurnOff -Force -Confirm:$false
        $vmicForced = $true
        $vmicState = [string](Hyper-V\\Get-VM -Id $vmicVm.Id).State
    }
}
'<<vmic:shutdown>>'
ConvertTo-Json -Depth 2 -InputObject ([pscustomobject]@{
    Before = $vmicBefore
    After = $vmicState
    Seconds = $vmicClock.Elapsed.TotalSeconds
    Forced = $vmicForced
    Refused = $vmicRefused
})
'<<vmic:end>>'
"""
)
"""Shut down the VM named exactly ``$VMName`` through its guest (``Stop-VM`` as a job), then
wait up to ``$Timeout`` seconds for it to be Off (checks after ``$Poll`` seconds, doubling
to ``$MaxPoll``). With ``$Force``, a VM still not off at the deadline is turned off
(``Stop-VM -TurnOff``), never before. A VM already off is left alone. Sections:
``shutdown`` (``Before``, ``After``, ``Seconds``, ``Forced``, ``Refused``: why Stop-VM
failed, if it did), or ``error`` (``vm-count N``)."""


# --- Key-Value Pair Exchange (issue 14) -------------------------------------------------------

_KVP_ITEMS_FUNCTION: Final = """\
function vmicItems($vmicTexts) {
    $vmicOut = @()
    foreach ($vmicText in @($vmicTexts)) {
        if ([string]::IsNullOrEmpty($vmicText)) { continue }
        $vmicXml = [xml]$vmicText
        $vmicName = $vmicXml.SelectSingleNode("/INSTANCE/PROPERTY[@NAME='Name']/VALUE")
        $vmicData = $vmicXml.SelectSingleNode("/INSTANCE/PROPERTY[@NAME='Data']/VALUE")
        if ($null -ne $vmicName) {
            $vmicValue = ''
            if ($null -ne $vmicData) { $vmicValue = $vmicData.InnerText }
            $vmicOut += [pscustomobject]@{ Name = $vmicName.InnerText; Data = $vmicValue }
        }
    }
    ConvertTo-Json -Depth 3 -InputObject @($vmicOut)
}
"""

_KVP_HOST_PROLOGUE: Final = (
    """\
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$vmicVm = {selection}
if ($vmicVm.Count -ne 1) {
    '<<vmic:error>>'
    'vm-count ' + $vmicVm.Count
    '<<vmic:end>>'
    exit 3
}
$vmicNamespace = 'root\\virtualization\\v2'
$vmicId = $vmicVm[0].Id.ToString()
$vmicSystem = @(
    Get-CimInstance -Namespace $vmicNamespace -ClassName 'Msvm_ComputerSystem' |
        Where-Object {
            ([string]$_.Name).Equals($vmicId, [System.StringComparison]::OrdinalIgnoreCase)
        }
)[0]
$vmicEnabled = @(
    Hyper-V\\Get-VMIntegrationService -VM $vmicVm[0] |
        Where-Object { ($_.Id -split '\\\\')[-1].ToUpperInvariant() -eq $Component } |
        ForEach-Object { [bool]$_.Enabled }
) -contains $true
function vmicHostItems {
    $vmicSettings = @(
        Get-CimAssociatedInstance -InputObject $vmicSystem -ResultClassName `
            'Msvm_VirtualSystemSettingData' |
            Where-Object { $_.VirtualSystemType -eq 'Microsoft:Hyper-V:System:Realized' }
    )
    $vmicTexts = @()
    foreach ($vmicSetting in $vmicSettings) {
        $vmicTexts += @(
            Get-CimAssociatedInstance -InputObject $vmicSetting -ResultClassName `
                'Msvm_KvpExchangeComponentSettingData' |
                ForEach-Object { $_.HostExchangeItems }
        )
    }
    vmicItems $vmicTexts
}
"""
    + _KVP_ITEMS_FUNCTION
).replace("{selection}", SELECT_ONE_VM)

HOST_KVP_READ: Final = (
    _KVP_HOST_PROLOGUE
    + """\
$vmicComponent = @(
    Get-CimAssociatedInstance -InputObject $vmicSystem -ResultClassName `
        'Msvm_KvpExchangeComponent'
)
'<<vmic:state>>'
ConvertTo-Json -InputObject ([pscustomobject]@{ Enabled = $vmicEnabled })
'<<vmic:intrinsic>>'
vmicItems @($vmicComponent | ForEach-Object { $_.GuestIntrinsicExchangeItems })
'<<vmic:guest>>'
vmicItems @($vmicComponent | ForEach-Object { $_.GuestExchangeItems })
'<<vmic:host>>'
vmicHostItems
'<<vmic:end>>'
"""
)
"""The KVP items of the VM named exactly ``$VMName``: whether Data Exchange (component
GUID ``$Component``) is enabled, the guest's intrinsic and published items
(``Msvm_KvpExchangeComponent``) and the host's items
(``Msvm_KvpExchangeComponentSettingData.HostExchangeItems``). Sections: ``state``,
``intrinsic``, ``guest``, ``host`` (each a JSON list of ``{Name, Data}``), or ``error``
(``vm-count N``)."""

HOST_KVP_CHANGE: Final = (
    _KVP_HOST_PROLOGUE
    + """\
if (-not $vmicEnabled) {
    '<<vmic:error>>'
    'kvp-disabled'
    '<<vmic:end>>'
    exit 3
}
$vmicBefore = @(vmicHostItems | ConvertFrom-Json)
$vmicOrdinal = [System.StringComparison]::Ordinal
$vmicExists = @(
    $vmicBefore | Where-Object { ([string]$_.Name).Equals($Key, $vmicOrdinal) }
).Count -gt 0
$vmicMethod = 'AddKvpItems'
if ($Operation -eq 'remove') { $vmicMethod = 'RemoveKvpItems' }
elseif ($vmicExists) { $vmicMethod = 'ModifyKvpItems' }
if ($Operation -ne 'remove' -or $vmicExists) {
    $vmicService = Get-CimInstance -Namespace $vmicNamespace -ClassName `
        'Msvm_VirtualSystemManagementService'
    $vmicItem = New-CimInstance -Namespace $vmicNamespace -ClassName `
        'Msvm_KvpExchangeDataItem' -ClientOnly -Property @{
            Name = [string]$Key
            Data = [string]$Value
            Source = [uint16]0
        }
    $vmicSerializer = [Microsoft.Management.Infrastructure.Serialization.CimSerializer]::Create()
    $vmicBytes = $vmicSerializer.Serialize($vmicItem,
        [Microsoft.Management.Infrastructure.Serialization.InstanceSerializationOptions]::None)
    $vmicText = [System.Text.Encoding]::Unicode.GetString($vmicBytes)
    $vmicResult = Invoke-CimMethod -InputObject $vmicService -MethodName $vmicMethod `
        -Arguments @{ TargetSystem = $vmicSystem; DataItems = @($vmicText) }
    $vmicCode = [int]$vmicResult.ReturnValue
    if ($vmicCode -eq 4096) {
        $vmicJob = Get-CimInstance -InputObject $vmicResult.Job
        $vmicWait = 0
        while (($vmicJob.JobState -eq 3 -or $vmicJob.JobState -eq 4) -and $vmicWait -lt 600) {
            Start-Sleep -Milliseconds 100
            $vmicJob = Get-CimInstance -InputObject $vmicJob
            $vmicWait += 1
        }
        $vmicCode = 0
        if ($vmicJob.JobState -ne 7) { $vmicCode = [int]$vmicJob.ErrorCode + 1 }
    }
    if ($vmicCode -ne 0) {
        '<<vmic:error>>'
        'kvp-failed ' + $vmicCode
        '<<vmic:end>>'
        exit 3
    }
}
'<<vmic:method>>'
$vmicMethod
'<<vmic:host>>'
vmicHostItems
'<<vmic:end>>'
"""
)
"""Add or modify (``$Operation`` ``set``) or remove (``remove``) the host item ``$Key`` (value
``$Value``) of the VM named exactly ``$VMName``, through
``Msvm_VirtualSystemManagementService.AddKvpItems``/``ModifyKvpItems``/``RemoveKvpItems`` with
one ``Msvm_KvpExchangeDataItem`` (``Source`` 0), waiting for the job; then read the host
items back. Sections: ``method`` (the WMI method called), ``host``, or ``error``
(``vm-count N``, ``kvp-disabled`` when Data Exchange (GUID ``$Component``) is off,
``kvp-failed CODE``)."""

_GUEST_KVP_FUNCTION: Final = """\
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$vmicRoot = 'HKLM:\\SOFTWARE\\Microsoft\\Virtual Machine'
function vmicKey($vmicPath) {
    $vmicOut = @()
    $vmicKey = Get-Item -LiteralPath $vmicPath -ErrorAction SilentlyContinue
    if ($null -ne $vmicKey) {
        foreach ($vmicName in $vmicKey.GetValueNames()) {
            if ($vmicName -eq '') { continue }
            $vmicOut += [pscustomobject]@{
                Name = $vmicName
                Data = [string]$vmicKey.GetValue($vmicName)
            }
        }
    }
    ConvertTo-Json -Depth 3 -InputObject @($vmicOut)
}
"""

WINDOWS_KVP_READ: Final = (
    _GUEST_KVP_FUNCTION
    + """\
'<<vmic:external>>'
vmicKey ($vmicRoot + '\\External')
'<<vmic:guest>>'
vmicKey ($vmicRoot + '\\Guest')
'<<vmic:parameters>>'
vmicKey ($vmicRoot + '\\Guest\\Parameters')
'<<vmic:auto>>'
vmicKey ($vmicRoot + '\\Auto')
'<<vmic:end>>'
"""
)
r"""The values of ``HKLM\SOFTWARE\Microsoft\Virtual Machine\External``, ``\Guest``,
``\Guest\Parameters`` and ``\Auto``. Sections: ``external``, ``guest``, ``parameters``,
``auto`` (each a JSON list of ``{Name, Data}``)."""

WINDOWS_KVP_PUBLISH: Final = (
    _GUEST_KVP_FUNCTION
    + """\
$vmicPath = $vmicRoot + '\\Guest'
if (-not (Test-Path -LiteralPath $vmicPath)) {
    '<<vmic:error>>'
    'no-key'
    '<<vmic:end>>'
    exit 3
}
$vmicService = Get-Service -Name 'vmickvpexchange' -ErrorAction SilentlyContinue
$vmicRunning = ($null -ne $vmicService) -and ([string]$vmicService.Status -eq 'Running')
$null = New-ItemProperty -LiteralPath $vmicPath -Name $Key -Value $Value -PropertyType String `
    -Force
'<<vmic:state>>'
ConvertTo-Json -InputObject ([pscustomobject]@{ Running = $vmicRunning })
'<<vmic:guest>>'
vmicKey $vmicPath
'<<vmic:end>>'
"""
)
r"""Set the string value ``$Key`` to ``$Value`` under ``HKLM\SOFTWARE\Microsoft\Virtual
Machine\Guest`` (as Microsoft's Data Exchange article shows), then read the key back.
Sections: ``state`` (whether ``vmickvpexchange`` runs), ``guest``, or ``error``
(``no-key`` when the integration services never created the key)."""

# The guest side of pool 1, run by python3 in the guest: whole-file fcntl write lock (as
# hv_kvp_daemon and Microsoft's sample take it), replace the record whose key matches
# exactly or append one, rewrite, unlock. Values arrive as argv, never as code.
_POOL_WRITER: Final = """\
import fcntl, os, sys
path = sys.argv[1]
key = sys.argv[2].encode("utf-8", "surrogateescape")
value = sys.argv[3].encode("utf-8", "surrogateescape")
if not key or len(key) >= 512 or len(value) >= 2048 or 0 in key or 0 in value:
    print("too-long")
    sys.exit(3)
fd = os.open(path, os.O_RDWR)
try:
    fcntl.lockf(fd, fcntl.LOCK_EX)
    chunks = []
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    data = b"".join(chunks)
    if len(data) % 2560:
        print("corrupt")
        sys.exit(3)
    records = [data[i:i + 2560] for i in range(0, len(data), 2560)]
    record = key.ljust(512, b"\\0") + value.ljust(2048, b"\\0")
    done = "added"
    for index, old in enumerate(records):
        if old[:512].split(b"\\0", 1)[0] == key:
            records[index] = record
            done = "replaced"
            break
    else:
        records.append(record)
    out = b"".join(records)
    os.lseek(fd, 0, os.SEEK_SET)
    view = memoryview(out)
    while view:
        view = view[os.write(fd, view):]
    os.ftruncate(fd, len(out))
    print(done)
finally:
    fcntl.lockf(fd, fcntl.LOCK_UN)
    os.close(fd)
"""

LINUX_KVP_PUBLISH: Final = (
    _POSIX_PATH
    + """\
vmic_run() {
    if [ "$Sudo" = true ]; then sudo -n -- "$@"; else "$@"; fi
}
if [ ! -f "$PoolFile" ]; then
    echo '<<vmic:error>>'
    echo no-pool
    echo '<<vmic:end>>'
    exit 3
fi
if ! command -v python3 >/dev/null 2>&1; then
    echo '<<vmic:error>>'
    echo no-python
    echo '<<vmic:end>>'
    exit 3
fi
vmic_code='"""
    + _POOL_WRITER
    + """'
vmic_out=$(vmic_run python3 -c "$vmic_code" "$PoolFile" "$Key" "$Value")
vmic_status=$?
if [ "$vmic_status" -ne 0 ]; then
    echo '<<vmic:error>>'
    echo "${vmic_out:-write-failed}"
    echo '<<vmic:end>>'
    exit 3
fi
echo '<<vmic:result>>'
echo "$vmic_out"
echo '<<vmic:end>>'
"""
)
"""Add or replace the record ``$Key`` = ``$Value`` in the pool file ``$PoolFile`` (pool 1,
``/var/lib/hyperv/.kvp_pool_1``) under the daemon's whole-file ``fcntl`` write lock, as
``python3`` in the guest (root with ``$Sudo``). Sections: ``result`` (``added`` or
``replaced``), or ``error`` (``no-pool``: the daemon never created the file; ``no-python``;
``too-long``; ``corrupt``: the file does not end on a record boundary)."""
