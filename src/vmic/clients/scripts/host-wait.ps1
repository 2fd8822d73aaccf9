<#
vmic-script: host-wait
runs-on: Hyper-V host
powershell: 3.0
parameters: VMName, For, Key, Prefix, Family, HeartbeatId, Timeout, Poll, MaxPoll
sections: wait, host, vms, components, kvp
errors: vm-count
cmdlets: ConvertTo-Json, ForEach-Object, Get-CimInstance, Get-VM, Get-VMIntegrationService,
    Select-Object, Start-Sleep, Where-Object
wmi: Win32_OperatingSystem.Caption, Win32_OperatingSystem.Version,
    Msvm_KvpExchangeComponent.SystemName, Msvm_KvpExchangeComponent.GuestIntrinsicExchangeItems,
    Msvm_KvpExchangeComponent.GuestExchangeItems, Msvm_KvpExchangeDataItem.Name,
    Msvm_KvpExchangeDataItem.Data

Waits on the host, in one command, until the VM named exactly $VMName shows what $For asks:
"heartbeat" (its Heartbeat component, GUID $HeartbeatId, reports Ok), "ip" (an address of its
network adapters starts with $Prefix, of the family $Family, InterNetwork or InterNetworkV6,
unless empty) or "kvp" (its guest reports the KVP item $Key). Checks at once, then after $Poll
seconds, doubling up to $MaxPoll, until $Timeout seconds have passed. Reads only.

Section "wait" is JSON {Met, Seconds, Polls, Values}; then the sections of host-inventory-vm
(the state at the end, for the diagnosis of a wait that failed).
#>
#vmic:include _one-vm.ps1
#vmic:include _component-id.ps1
#vmic:include _kvp-items.ps1
$vmicClock = [System.Diagnostics.Stopwatch]::StartNew()
$vmicDelay = $Poll
$vmicPolls = 0
$vmicMet = $false
$vmicSeen = @()
while ($true) {
    $vmicPolls += 1
    $vmicNow = Hyper-V\Get-VM -Id $vmicVm.Id
    $vmicSeen = @()
    if ([string]$vmicNow.State -eq 'Running') {
        if ($For -eq 'heartbeat') {
            $vmicSeen = @(
                Hyper-V\Get-VMIntegrationService -VM $vmicNow |
                    Where-Object {
                        (vmicComponentGuid $_) -eq $HeartbeatId -and
                            [string]$_.PrimaryOperationalStatus -eq 'Ok'
                    } |
                    ForEach-Object { [string]$_.PrimaryOperationalStatus }
            )
        } elseif ($For -eq 'ip') {
            $vmicAddresses = @($vmicNow.NetworkAdapters | ForEach-Object { $_.IPAddresses })
            foreach ($vmicAddress in $vmicAddresses) {
                $vmicText = [string]$vmicAddress
                $vmicKind = [string]([System.Net.IPAddress]::Parse($vmicText).AddressFamily)
                $vmicCase = [System.StringComparison]::OrdinalIgnoreCase
                if ($vmicText.StartsWith($Prefix, $vmicCase) -and
                        ($Family -eq '' -or $vmicKind -eq $Family)) {
                    $vmicSeen += $vmicText
                }
            }
        } else {
            $vmicVmId = $vmicVm.Id.ToString().ToUpperInvariant()
            $vmicExchange = @(
                Get-CimInstance -Namespace 'root\virtualization\v2' `
                    -ClassName 'Msvm_KvpExchangeComponent' |
                    Where-Object { ([string]$_.SystemName).ToUpperInvariant() -eq $vmicVmId }
            )
            foreach ($vmicComponent in $vmicExchange) {
                $vmicTexts = @($vmicComponent.GuestExchangeItems) +
                    @($vmicComponent.GuestIntrinsicExchangeItems)
                foreach ($vmicItem in @(vmicKvpItems $vmicTexts)) {
                    $vmicOrdinal = [System.StringComparison]::Ordinal
                    if ($vmicSeen.Count -eq 0 -and $vmicItem.Name.Equals($Key, $vmicOrdinal)) {
                        $vmicSeen += $vmicItem.Data
                    }
                }
            }
        }
    }
    $vmicMet = $vmicSeen.Count -gt 0
    if ($vmicMet) { break }
    #vmic:include _backoff.ps1
}
'<<vmic:wait>>'
ConvertTo-Json -Depth 3 -InputObject ([pscustomobject]@{
    Met = $vmicMet
    Seconds = $vmicClock.Elapsed.TotalSeconds
    Polls = $vmicPolls
    Values = @($vmicSeen | ForEach-Object { [string]$_ })
})
$vmicVms = @(Hyper-V\Get-VM -Id $vmicVm.Id)
#vmic:include _inventory.ps1
'<<vmic:end>>'
