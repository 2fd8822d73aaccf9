<#
vmic-script: windows-observe
runs-on: Windows guest
powershell: 3.0
parameters: none
sections: os, reg, services, time
errors: powershell-version
cmdlets: ConvertTo-Json, ForEach-Object, Get-CimInstance, Get-ItemProperty, Get-Service,
    Select-Object
commands: reg.exe, w32tm.exe
wmi: Win32_OperatingSystem.Caption, Win32_OperatingSystem.Version,
    Win32_ComputerSystem.DomainRole

Everything a Windows guest tells about its integration services, in one round trip. Reads
only. Sections: "os" (JSON {Caption, Version} of Win32_OperatingSystem), "reg" (as
windows-version), "services" (as windows-services) and "time" (JSON {DomainRole, VmicProvider,
Source}: Win32_ComputerSystem.DomainRole, the registry value VMICTimeProvider\Enabled, and what
w32tm /query /source names).
#>
#vmic:include _guest.ps1
#vmic:include _service-properties.ps1
$vmicOs = Get-CimInstance -ClassName Win32_OperatingSystem
$vmicServices = @(Get-Service -Name 'vmic*' | Select-Object -Property $vmicServiceProperties)
#vmic:include _registry-version.ps1
$vmicComputer = Get-CimInstance -ClassName Win32_ComputerSystem
$vmicProvider = Get-ItemProperty -ErrorAction SilentlyContinue -Name 'Enabled' -LiteralPath `
    'HKLM:\SYSTEM\CurrentControlSet\Services\W32Time\TimeProviders\VMICTimeProvider'
$vmicProviderEnabled = $null
if ($null -ne $vmicProvider) { $vmicProviderEnabled = [int]$vmicProvider.Enabled }
$vmicSource = @(
    & w32tm.exe /query /source 2>&1 | ForEach-Object {
        if ($_ -is [System.Management.Automation.ErrorRecord]) { '' } else { [string]$_ }
    }
) -join "`n"
'<<vmic:os>>'
ConvertTo-Json -Depth 2 -InputObject ([pscustomobject]@{
    Caption = $vmicOs.Caption
    Version = $vmicOs.Version
})
'<<vmic:reg>>'
$vmicReg
'<<vmic:services>>'
ConvertTo-Json -Depth 2 -InputObject $vmicServices
'<<vmic:time>>'
ConvertTo-Json -Depth 2 -InputObject ([pscustomobject]@{
    DomainRole = $vmicComputer.DomainRole
    VmicProvider = $vmicProviderEnabled
    Source = $vmicSource.Trim()
})
'<<vmic:end>>'
