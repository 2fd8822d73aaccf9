<#
vmic-script: windows-services
runs-on: Windows guest
powershell: 3.0
parameters: none
sections: services
errors: powershell-version
cmdlets: ConvertTo-Json, Get-Service, Select-Object
wmi: none

The guest's integration services (the Windows services named vmic*) with their status and
startup type. Section "services" is a JSON array of {Name, DisplayName, Status, StartType}.
Reads only.
#>
#vmic:include _guest.ps1
#vmic:include _service-properties.ps1
$vmicServices = @(Get-Service -Name 'vmic*' | Select-Object -Property $vmicServiceProperties)
'<<vmic:services>>'
ConvertTo-Json -Depth 2 -InputObject $vmicServices
'<<vmic:end>>'
