<#
vmic-script: host-set-services
runs-on: Hyper-V host
powershell: 3.0
parameters: VMName, Enable, Disable
sections: before, after
errors: vm-count
cmdlets: ConvertTo-Json, Disable-VMIntegrationService, Enable-VMIntegrationService, Get-VM,
    Get-VMIntegrationService, Select-Object, Where-Object
wmi: none

Enables the integration components whose GUID is in $Enable and disables those in $Disable,
on the VM named exactly $VMName; only components not already in that state are touched.
Components are matched by GUID, never by display name. Sections "before" and "after" are the
VM's components (Get-VMIntegrationService) either side of the change, as JSON; the error
"vm-count N" means not exactly one VM has the name, and nothing was changed.
#>
#vmic:include _one-vm.ps1
#vmic:include _component-properties.ps1
#vmic:include _component-id.ps1
$vmicBefore = @(Hyper-V\Get-VMIntegrationService -VM $vmicVm)
'<<vmic:before>>'
ConvertTo-Json -Depth 3 -InputObject @($vmicBefore | Select-Object -Property $vmicComponentProperties)
foreach ($vmicComponent in $vmicBefore) {
    $vmicGuid = vmicComponentGuid $vmicComponent
    if (($Enable -contains $vmicGuid) -and -not $vmicComponent.Enabled) {
        Hyper-V\Enable-VMIntegrationService -VMIntegrationService $vmicComponent
    } elseif (($Disable -contains $vmicGuid) -and $vmicComponent.Enabled) {
        Hyper-V\Disable-VMIntegrationService -VMIntegrationService $vmicComponent
    }
}
$vmicAfter = @(Hyper-V\Get-VMIntegrationService -VM $vmicVm)
'<<vmic:after>>'
ConvertTo-Json -Depth 3 -InputObject @($vmicAfter | Select-Object -Property $vmicComponentProperties)
'<<vmic:end>>'
