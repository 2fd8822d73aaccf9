#vmic:include _kvp-items.ps1
#vmic:include _component-properties.ps1
$vmicOs = Get-CimInstance -ClassName Win32_OperatingSystem
$vmicIds = @($vmicVms | ForEach-Object { $_.Id.ToString().ToUpperInvariant() })
$vmicComponents = @()
if ($vmicVms.Count -gt 0) {
    $vmicComponents = @(Hyper-V\Get-VMIntegrationService -VM $vmicVms)
}
$vmicKvp = @(
    Get-CimInstance -Namespace 'root\virtualization\v2' -ClassName 'Msvm_KvpExchangeComponent' |
        Where-Object { $vmicIds -contains ([string]$_.SystemName).ToUpperInvariant() } |
        ForEach-Object {
            $vmicItems = [ordered]@{}
            foreach ($vmicItem in @(vmicKvpItems $_.GuestIntrinsicExchangeItems)) {
                $vmicItems[$vmicItem.Name] = $vmicItem.Data
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
ConvertTo-Json -Depth 3 -InputObject @(
    $vmicComponents | Select-Object -Property $vmicComponentProperties
)
'<<vmic:kvp>>'
ConvertTo-Json -Depth 4 -InputObject $vmicKvp
