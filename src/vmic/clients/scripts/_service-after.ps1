'<<vmic:services>>'
$vmicAfter = @(Get-Service -Name $Name | Select-Object -Property $vmicServiceProperties)
ConvertTo-Json -Depth 2 -InputObject $vmicAfter
'<<vmic:end>>'
