<#
vmic-script: host-inventory
runs-on: Hyper-V host
powershell: 3.0
parameters: none
sections: host, vms, components, kvp
errors: none
cmdlets: ConvertTo-Json, ForEach-Object, Get-CimInstance, Get-VM, Get-VMIntegrationService,
    Select-Object, Where-Object
wmi: Win32_OperatingSystem.Caption, Win32_OperatingSystem.Version,
    Msvm_KvpExchangeComponent.SystemName, Msvm_KvpExchangeComponent.GuestIntrinsicExchangeItems,
    Msvm_KvpExchangeDataItem.Name, Msvm_KvpExchangeDataItem.Data

Every VM of the host, each VM's integration components, the intrinsic KVP items its guest
reports, and the host's own operating system, in one round trip. Reads only; changes nothing.
Each section is JSON: "host" {ComputerName, Caption, Version}, "vms" (Get-VM), "components"
(Get-VMIntegrationService), "kvp" [{VMId, Items}].
#>
#vmic:include _strict.ps1
$vmicVms = @(Hyper-V\Get-VM)
#vmic:include _inventory.ps1
'<<vmic:end>>'
