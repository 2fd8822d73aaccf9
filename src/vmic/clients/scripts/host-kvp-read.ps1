<#
vmic-script: host-kvp-read
runs-on: Hyper-V host
powershell: 3.0
parameters: VMName, Component
sections: state, intrinsic, guest, host
errors: vm-count
cmdlets: ConvertTo-Json, ForEach-Object, Get-CimAssociatedInstance, Get-CimInstance, Get-VM,
    Get-VMIntegrationService, Where-Object
wmi: Msvm_ComputerSystem.Name, Msvm_VirtualSystemSettingData.VirtualSystemType,
    Msvm_KvpExchangeComponentSettingData.HostExchangeItems,
    Msvm_KvpExchangeComponent.GuestIntrinsicExchangeItems,
    Msvm_KvpExchangeComponent.GuestExchangeItems, Msvm_KvpExchangeDataItem.Name,
    Msvm_KvpExchangeDataItem.Data

The Key-Value Pair Exchange items of the VM named exactly $VMName, both ways: whether Data
Exchange (component GUID $Component) is enabled, the items its guest reports by itself
(intrinsic) and publishes (guest), and the items the host sends it (host). Reads only.
Section "state" is JSON {Enabled}; the others are JSON arrays of {Name, Data}.
#>
#vmic:include _kvp-host.ps1
$vmicComponent = @(
    Get-CimAssociatedInstance -InputObject $vmicSystem -ResultClassName `
        'Msvm_KvpExchangeComponent'
)
'<<vmic:state>>'
ConvertTo-Json -InputObject ([pscustomobject]@{ Enabled = $vmicEnabled })
'<<vmic:intrinsic>>'
vmicJson @(vmicKvpItems @($vmicComponent | ForEach-Object { $_.GuestIntrinsicExchangeItems }))
'<<vmic:guest>>'
vmicJson @(vmicKvpItems @($vmicComponent | ForEach-Object { $_.GuestExchangeItems }))
'<<vmic:host>>'
vmicJson @(vmicHostItems)
'<<vmic:end>>'
