<#
vmic-script: host-copy-file
runs-on: Hyper-V host
powershell: 3.0
parameters: VMName, Source, Destination, CreatePath, Overwrite, Check
sections: checked, copied
errors: vm-count, source-missing, copy-failed
cmdlets: ConvertTo-Json, Copy-VMFile, Get-Item, Get-VM, Test-Path, Where-Object
wmi: none

Copies the host's file $Source to $Destination in the guest of the VM named exactly $VMName
(Copy-VMFile -FileSource Host, through Guest Service Interface), creating missing folders when
$CreatePath and replacing an existing file when $Overwrite. Host to guest only: Copy-VMFile
copies nothing back. Section "copied" is JSON {Bytes}; the error "copy-failed" is followed by
Hyper-V's message. With $Check only the host's side is checked (the VM, the source file) and
nothing is copied: section "checked" is JSON {Bytes}.
#>
#vmic:include _one-vm.ps1
if (-not (Test-Path -LiteralPath $Source -PathType Leaf)) {
    '<<vmic:error>>'
    'source-missing'
    '<<vmic:end>>'
    exit 3
}
$vmicBytes = (Get-Item -LiteralPath $Source).Length
if ($Check) {
    '<<vmic:checked>>'
    ConvertTo-Json -Depth 2 -InputObject ([pscustomobject]@{ Bytes = $vmicBytes })
    '<<vmic:end>>'
    exit 0
}
try {
    Hyper-V\Copy-VMFile -VM $vmicVm -SourcePath $Source -DestinationPath $Destination `
        -FileSource Host -CreateFullPath:$CreatePath -Force:$Overwrite -Confirm:$false
} catch {
    '<<vmic:error>>'
    'copy-failed'
    [string]$_.Exception.Message
    '<<vmic:end>>'
    exit 3
}
'<<vmic:copied>>'
ConvertTo-Json -Depth 2 -InputObject ([pscustomobject]@{ Bytes = $vmicBytes })
'<<vmic:end>>'
