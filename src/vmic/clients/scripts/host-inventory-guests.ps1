<#
vmic-script: host-inventory-guests
runs-on: Hyper-V host
powershell: 5.1
parameters: VmicUser, VmicPassword, VmicGuestScript, VmicGuestTimeout, VmicThrottle
sections: host, vms, components, kvp, guests
errors: none
cmdlets: ConvertTo-Json, ForEach-Object, Get-CimInstance, Get-VM, Get-VMIntegrationService,
    Invoke-Command, New-Object, Receive-Job, Remove-Job, Select-Object, Start-Sleep, Stop-Job,
    Where-Object
wmi: Win32_OperatingSystem.Caption, Win32_OperatingSystem.Version,
    Msvm_KvpExchangeComponent.SystemName, Msvm_KvpExchangeComponent.GuestIntrinsicExchangeItems,
    Msvm_KvpExchangeDataItem.Name, Msvm_KvpExchangeDataItem.Data

The inventory of host-inventory, then the host asks its Windows guests itself with PowerShell
Direct (Invoke-Command -VMId), so that one round trip to the host covers its guests too.

Asked: every running VM whose guest reports (KVP OSName) a Windows, or nothing yet. PowerShell
Direct needs Windows 10 / Windows Server 2016 or later in the guest: a guest whose KVP
OSVersion is older is not asked and is listed as "not-available". At most $VmicThrottle
guests are asked at once, each stopped after $VmicGuestTimeout seconds, as $VmicUser with the
password $VmicPassword (a secure string), running $VmicGuestScript (windows-observe).

Section "guests": a JSON array of {VMId, Outcome, Reason, Output}; Outcome is "answered"
(Output is the guest script's whole output), "not-available" (Reason: the guest's OS),
"timeout" or "failed" (Reason: PowerShell's message).
#>
#vmic:include _strict.ps1
$vmicVms = @(Hyper-V\Get-VM)
#vmic:include _inventory.ps1
$vmicTargets = @()
$vmicGuests = @()
foreach ($vmicCandidate in @($vmicVms | Where-Object { [string]$_.State -eq 'Running' })) {
    $vmicKey = $vmicCandidate.Id.ToString().ToUpperInvariant()
    $vmicReport = @($vmicKvp | Where-Object { ([string]$_.VMId).ToUpperInvariant() -eq $vmicKey })
    $vmicOsName = ''
    $vmicOsVersion = ''
    if ($vmicReport.Count -gt 0) {
        $vmicOsName = [string]$vmicReport[0].Items.OSName
        $vmicOsVersion = [string]$vmicReport[0].Items.OSVersion
    }
    if ($vmicOsName -ne '' -and -not $vmicOsName.StartsWith('Windows')) { continue }
    $vmicMajor = 0
    $vmicKnown = [int]::TryParse(($vmicOsVersion -split '\.')[0], [ref]$vmicMajor)
    if ($vmicOsName -ne '' -and $vmicKnown -and $vmicMajor -lt 10) {
        $vmicGuests += [pscustomobject]@{
            VMId = $vmicKey
            Outcome = 'not-available'
            Reason = ($vmicOsName + ' ' + $vmicOsVersion).Trim()
            Output = ''
        }
        continue
    }
    $vmicTargets += $vmicCandidate
}
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
    foreach ($vmicKey in @($vmicJobs.Keys)) {
        $vmicJob = $vmicJobs[$vmicKey]
        $vmicOutput = @(Receive-Job -Job $vmicJob -ErrorAction SilentlyContinue) -join "`n"
        $vmicOutcome = 'answered'
        $vmicReason = ''
        if ($vmicJob.State -eq 'Stopped') {
            $vmicOutcome = 'timeout'
            $vmicReason = 'no answer within ' + $VmicGuestTimeout + 's'
        } elseif ($vmicJob.State -ne 'Completed') {
            $vmicOutcome = 'failed'
            $vmicReason = 'PowerShell Direct failed'
            if ($null -ne $vmicJob.JobStateInfo.Reason) {
                $vmicReason = [string]$vmicJob.JobStateInfo.Reason.Message
            }
        }
        $vmicGuests += [pscustomobject]@{
            VMId = $vmicKey
            Outcome = $vmicOutcome
            Reason = $vmicReason
            Output = $vmicOutput
        }
        Remove-Job -Job $vmicJob -Force
    }
}
'<<vmic:guests>>'
ConvertTo-Json -Depth 2 -InputObject @($vmicGuests)
'<<vmic:end>>'
