<#
vmic-script: host-shutdown
runs-on: Hyper-V host
powershell: 3.0
parameters: VMName, Timeout, Poll, MaxPoll, Force, TurnOff
sections: shutdown
errors: vm-count
cmdlets: ConvertTo-Json, Get-VM, Start-Sleep, Stop-VM, Where-Object
wmi: none

Shuts the VM named exactly $VMName down through its guest (Stop-VM, as a job), then waits up
to $Timeout seconds for it to be Off (checks after $Poll seconds, doubling up to $MaxPoll).
With $Force, Stop-VM -Force: still a clean shutdown through the guest, which a locked guest or
one with unsaved work would otherwise refuse. With $TurnOff, a VM still not off at the
deadline is turned off (Stop-VM -TurnOff, a power cut), never before. A VM already off is
left alone.

Section "shutdown" is JSON {Before, After, Seconds, Forced, TurnedOff, Refused}; Refused is
why the guest refused to shut down, if it did.
#>
#vmic:include _one-vm.ps1
$vmicBefore = [string]$vmicVm.State
$vmicClock = [System.Diagnostics.Stopwatch]::StartNew()
$vmicState = $vmicBefore
$vmicRefused = ''
$vmicTurnedOff = $false
if ($vmicBefore -ne 'Off') {
    $vmicJob = Hyper-V\Stop-VM -VM $vmicVm -Force:$Force -Confirm:$false -AsJob
    $vmicDelay = $Poll
    while ($true) {
        $vmicState = [string](Hyper-V\Get-VM -Id $vmicVm.Id).State
        if ($vmicState -eq 'Off') { break }
        if ($vmicRefused -eq '' -and [string]$vmicJob.State -eq 'Failed') {
            $vmicRefused = [string]$vmicJob.ChildJobs[0].JobStateInfo.Reason.Message
        }
        #vmic:include _backoff.ps1
    }
    if ($vmicState -ne 'Off' -and $TurnOff) {
        Hyper-V\Stop-VM -VM $vmicVm -TurnOff -Force -Confirm:$false
        $vmicTurnedOff = $true
        $vmicState = [string](Hyper-V\Get-VM -Id $vmicVm.Id).State
    }
}
'<<vmic:shutdown>>'
ConvertTo-Json -Depth 2 -InputObject ([pscustomobject]@{
    Before = $vmicBefore
    After = $vmicState
    Seconds = $vmicClock.Elapsed.TotalSeconds
    Forced = [bool]$Force
    TurnedOff = $vmicTurnedOff
    Refused = $vmicRefused
})
'<<vmic:end>>'
