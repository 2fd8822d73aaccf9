<#
vmic-script: windows-kvp-publish
runs-on: Windows guest
powershell: 3.0
parameters: Key, Value
sections: state, guest
errors: powershell-version, no-key
cmdlets: ConvertTo-Json, Get-Item, Get-Service, New-ItemProperty, Test-Path
wmi: none

Sets the string value $Key to $Value under HKLM\SOFTWARE\Microsoft\Virtual Machine\Guest, as
Microsoft's Data Exchange article shows, for the host to read; then reads the key back.
Section "state" is JSON {Running}: whether vmickvpexchange runs (the item reaches the host
only then); "guest" is the key's values. The error "no-key" means the integration services
never created the key.
#>
#vmic:include _guest-kvp.ps1
$vmicPath = $vmicRoot + '\Guest'
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
