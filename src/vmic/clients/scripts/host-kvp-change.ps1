<#
vmic-script: host-kvp-change
runs-on: Hyper-V host
powershell: 3.0
parameters: VMName, Component, Operation, Key, Value
sections: method, host
errors: vm-count, kvp-disabled, kvp-failed
cmdlets: ConvertTo-Json, ForEach-Object, Get-CimAssociatedInstance, Get-CimInstance, Get-VM,
    Get-VMIntegrationService, Invoke-CimMethod, New-CimInstance, Start-Sleep, Where-Object
wmi: Msvm_ComputerSystem.Name, Msvm_VirtualSystemSettingData.VirtualSystemType,
    Msvm_KvpExchangeComponentSettingData.HostExchangeItems,
    Msvm_VirtualSystemManagementService.AddKvpItems,
    Msvm_VirtualSystemManagementService.ModifyKvpItems,
    Msvm_VirtualSystemManagementService.RemoveKvpItems, Msvm_KvpExchangeDataItem.Name,
    Msvm_KvpExchangeDataItem.Data, Msvm_KvpExchangeDataItem.Source, Msvm_ConcreteJob.JobState,
    Msvm_ConcreteJob.ErrorCode

Sets ($Operation "set": AddKvpItems for a new key, ModifyKvpItems for an existing one) or
removes ($Operation "remove": RemoveKvpItems, only when the key exists) the host item $Key,
with the value $Value, of the VM named exactly $VMName: one Msvm_KvpExchangeDataItem with
Source 0 (host to guest), waiting for Hyper-V's job. Then the host's items are read back.

The host's items are compared as objects, never through a JSON round trip: Windows PowerShell
5.1 reads a JSON array back as one object (PowerShell issue #3424), which would make an
existing key look new. Section "method" names the WMI method called ("none" when the key to
remove is not there: nothing is called); "host" is the host's items afterwards, a JSON array
of {Name, Data}. Errors: "kvp-disabled" (Data Exchange,
component GUID $Component, is disabled: nothing was changed), "kvp-failed CODE" (Hyper-V's
return code, or the job's error code + 1).
#>
#vmic:include _kvp-host.ps1
if (-not $vmicEnabled) {
    '<<vmic:error>>'
    'kvp-disabled'
    '<<vmic:end>>'
    exit 3
}
$vmicOrdinal = [System.StringComparison]::Ordinal
$vmicExists = @(
    vmicHostItems | Where-Object { ([string]$_.Name).Equals($Key, $vmicOrdinal) }
).Count -gt 0
$vmicMethod = 'AddKvpItems'
if ($Operation -eq 'remove') { $vmicMethod = 'RemoveKvpItems' }
elseif ($vmicExists) { $vmicMethod = 'ModifyKvpItems' }
if ($Operation -eq 'remove' -and -not $vmicExists) { $vmicMethod = 'none' }
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
vmicJson @(vmicHostItems)
'<<vmic:end>>'
