<#
vmic-script: windows-stop
runs-on: Windows guest
powershell: 3.0
parameters: Name
sections: services
errors: powershell-version, not-installed
cmdlets: ConvertTo-Json, Get-Service, Select-Object, Stop-Service
wmi: none

Stop-Service on the guest's service $Name. Section "services" is the service afterwards, as
windows-services prints it.
#>
#vmic:include _service-lookup.ps1
Stop-Service -InputObject $vmicService
#vmic:include _service-after.ps1
