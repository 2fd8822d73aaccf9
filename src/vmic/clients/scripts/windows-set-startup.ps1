<#
vmic-script: windows-set-startup
runs-on: Windows guest
powershell: 3.0
parameters: Name, StartupType
sections: services
errors: powershell-version, not-installed
cmdlets: ConvertTo-Json, Get-Service, Select-Object, Set-Service
wmi: none

Set-Service -StartupType $StartupType (Automatic, Manual or Disabled) on the guest's service
$Name. Section "services" is the service afterwards, as windows-services prints it.
#>
#vmic:include _service-lookup.ps1
Set-Service -InputObject $vmicService -StartupType $StartupType
#vmic:include _service-after.ps1
