<#
vmic-script: windows-start
runs-on: Windows guest
powershell: 3.0
parameters: Name
sections: services
errors: powershell-version, not-installed, startup-disabled
cmdlets: ConvertTo-Json, Get-Service, Select-Object, Start-Service
wmi: none

Start-Service on the guest's integration service $Name, unless its startup type is Disabled.
Section "services" is the service afterwards, as windows-services prints it.
#>
#vmic:include _service-lookup.ps1
if ([string]$vmicService.StartType -eq 'Disabled') {
    '<<vmic:error>>'
    'startup-disabled'
    '<<vmic:end>>'
    exit 3
}
Start-Service -InputObject $vmicService
#vmic:include _service-after.ps1
