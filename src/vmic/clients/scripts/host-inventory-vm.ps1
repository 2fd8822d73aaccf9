<#
vmic-script: host-inventory-vm
runs-on: Hyper-V host
powershell: 3.0
parameters: VMName
sections: host, vms, components, kvp
errors: none
cmdlets: ConvertTo-Json, ForEach-Object, Get-CimInstance, Get-VM, Get-VMIntegrationService,
    Select-Object, Where-Object
wmi: Win32_OperatingSystem.Caption, Win32_OperatingSystem.Version,
    Msvm_KvpExchangeComponent.SystemName, Msvm_KvpExchangeComponent.GuestIntrinsicExchangeItems,
    Msvm_KvpExchangeDataItem.Name, Msvm_KvpExchangeDataItem.Data

The inventory of host-inventory for the VMs named exactly $VMName (zero, one or several:
Hyper-V allows two VMs the same name). The name is compared ordinally, never as a wildcard
pattern (the Name parameter of Get-VM would expand one). Reads only; changes nothing.
#>
#vmic:include _strict.ps1
#vmic:include vms-by-name
#vmic:include _inventory.ps1
'<<vmic:end>>'
