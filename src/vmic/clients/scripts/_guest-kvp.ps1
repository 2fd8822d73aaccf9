#vmic:include _guest.ps1
$vmicRoot = 'HKLM:\SOFTWARE\Microsoft\Virtual Machine'
# The string values of one registry key, as a JSON array of {Name, Data}.
function vmicKey($vmicPath) {
    $vmicOut = @()
    $vmicKey = Get-Item -LiteralPath $vmicPath -ErrorAction SilentlyContinue
    if ($null -ne $vmicKey) {
        foreach ($vmicName in $vmicKey.GetValueNames()) {
            if ($vmicName -eq '') { continue }
            $vmicOut += [pscustomobject]@{
                Name = $vmicName
                Data = [string]$vmicKey.GetValue($vmicName)
            }
        }
    }
    ConvertTo-Json -Depth 3 -InputObject @($vmicOut)
}
