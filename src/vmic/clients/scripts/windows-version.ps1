<#
vmic-script: windows-version
runs-on: Windows guest
powershell: 2.0
parameters: none
sections: reg
errors: none
cmdlets: ForEach-Object
commands: reg.exe
wmi: none

REG QUERY "HKLM\Software\Microsoft\Virtual Machine\Auto" /v IntegrationServicesVersion, as
Microsoft's article checks a Windows guest's integration services version. Section "reg" is
reg.exe's output (or its error message). Reads only; runs on Windows PowerShell 2.0 too.
#>
#vmic:include _strict.ps1
#vmic:include _registry-version.ps1
'<<vmic:reg>>'
$vmicReg
'<<vmic:end>>'
