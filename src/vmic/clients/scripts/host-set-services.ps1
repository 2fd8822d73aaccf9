<#
vmic-script: host-set-services
runs-on: Hyper-V host
powershell: 3.0
parameters: Select, VMs, Enable, Disable
sections: before, after
errors: vm-count, arguments
cmdlets: ConvertTo-Json, Disable-VMIntegrationService, Enable-VMIntegrationService, Get-VM,
    Get-VMIntegrationService, Select-Object, Where-Object
wmi: none

Sets the integration components of any number of VMs in one round trip. $VMs lists the VMs:
by id when $Select is "id" (compared as the text of a GUID), else by exact name (ordinal
comparison: never a wildcard, case and every character count). $Enable[i] and $Disable[i]
are the component GUIDs, joined by commas, to turn on and off for the VM $VMs[i]. Every VM
is found before anything changes: the error "vm-count N I" means that entry I (counted from
0) matched N VMs rather than one, and "arguments" that the three lists differ in length;
either way nothing was changed. Only components not already in the asked state are touched,
matched by GUID, never by the display name. Sections "before" and "after" are the selected
VMs' components (Get-VMIntegrationService) either side of the change, as JSON.
#>
#vmic:include _strict.ps1
#vmic:include _component-properties.ps1
#vmic:include _component-id.ps1
if ($Enable.Count -ne $VMs.Count -or $Disable.Count -ne $VMs.Count) {
    '<<vmic:error>>'
    'arguments'
    '<<vmic:end>>'
    exit 3
}
$vmicAll = @(Hyper-V\Get-VM)
$vmicSelected = @()
$vmicEntry = @{}
for ($vmicIndex = 0; $vmicIndex -lt $VMs.Count; $vmicIndex++) {
    $vmicKey = [string]$VMs[$vmicIndex]
    #vmic:include vms-by-key
    if ($vmicFound.Count -ne 1) {
        '<<vmic:error>>'
        'vm-count ' + $vmicFound.Count + ' ' + $vmicIndex
        '<<vmic:end>>'
        exit 3
    }
    $vmicSelected += $vmicFound[0]
    $vmicEntry[$vmicFound[0].Id.ToString()] = $vmicIndex
}
$vmicBefore = @(Hyper-V\Get-VMIntegrationService -VM $vmicSelected)
'<<vmic:before>>'
ConvertTo-Json -Depth 3 -InputObject @($vmicBefore | Select-Object -Property $vmicComponentProperties)
foreach ($vmicComponent in $vmicBefore) {
    $vmicIndex = $vmicEntry[$vmicComponent.VMId.ToString()]
    $vmicGuid = vmicComponentGuid $vmicComponent
    $vmicOn = @(([string]$Enable[$vmicIndex]) -split ',')
    $vmicOff = @(([string]$Disable[$vmicIndex]) -split ',')
    if (($vmicOn -contains $vmicGuid) -and -not $vmicComponent.Enabled) {
        Hyper-V\Enable-VMIntegrationService -VMIntegrationService $vmicComponent
    } elseif (($vmicOff -contains $vmicGuid) -and $vmicComponent.Enabled) {
        Hyper-V\Disable-VMIntegrationService -VMIntegrationService $vmicComponent
    }
}
$vmicAfter = @(Hyper-V\Get-VMIntegrationService -VM $vmicSelected)
'<<vmic:after>>'
ConvertTo-Json -Depth 3 -InputObject @($vmicAfter | Select-Object -Property $vmicComponentProperties)
'<<vmic:end>>'
