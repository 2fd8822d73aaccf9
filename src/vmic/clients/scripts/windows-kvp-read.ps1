<#
vmic-script: windows-kvp-read
runs-on: Windows guest
powershell: 3.0
parameters: none
sections: external, guest, parameters, auto
errors: powershell-version
cmdlets: ConvertTo-Json, Get-Item
wmi: none

The guest's side of Key-Value Pair Exchange: the values of HKLM\SOFTWARE\Microsoft\Virtual
Machine\External (what the host sent), \Guest (what the guest publishes), \Guest\Parameters
(what the host says of itself) and \Auto (what the guest reports by itself). Each section is
a JSON array of {Name, Data}. Reads only.
#>
#vmic:include _guest-kvp.ps1
'<<vmic:external>>'
vmicKey ($vmicRoot + '\External')
'<<vmic:guest>>'
vmicKey ($vmicRoot + '\Guest')
'<<vmic:parameters>>'
vmicKey ($vmicRoot + '\Guest\Parameters')
'<<vmic:auto>>'
vmicKey ($vmicRoot + '\Auto')
'<<vmic:end>>'
