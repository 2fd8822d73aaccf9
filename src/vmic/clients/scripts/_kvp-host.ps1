#vmic:include _one-vm.ps1
#vmic:include _component-id.ps1
#vmic:include _kvp-items.ps1
$vmicNamespace = 'root\virtualization\v2'
$vmicId = $vmicVm.Id.ToString()
$vmicSystem = @(
    Get-CimInstance -Namespace $vmicNamespace -ClassName 'Msvm_ComputerSystem' |
        Where-Object {
            ([string]$_.Name).Equals($vmicId, [System.StringComparison]::OrdinalIgnoreCase)
        }
)[0]
$vmicEnabled = @(
    Hyper-V\Get-VMIntegrationService -VM $vmicVm |
        Where-Object { (vmicComponentGuid $_) -eq $Component } |
        ForEach-Object { [bool]$_.Enabled }
) -contains $true
# The host's items: HostExchangeItems of the VM's realized (running) settings.
function vmicHostItems {
    $vmicSettings = @(
        Get-CimAssociatedInstance -InputObject $vmicSystem -ResultClassName `
            'Msvm_VirtualSystemSettingData' |
            Where-Object { $_.VirtualSystemType -eq 'Microsoft:Hyper-V:System:Realized' }
    )
    foreach ($vmicSetting in $vmicSettings) {
        Get-CimAssociatedInstance -InputObject $vmicSetting -ResultClassName `
            'Msvm_KvpExchangeComponentSettingData' |
            ForEach-Object { vmicKvpItems $_.HostExchangeItems }
    }
}
# Items as a JSON array, also when there are none or one.
function vmicJson($vmicObjects) {
    ConvertTo-Json -Depth 3 -InputObject @($vmicObjects)
}
