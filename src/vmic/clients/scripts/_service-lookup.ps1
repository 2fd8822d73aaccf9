#vmic:include _guest.ps1
#vmic:include _service-properties.ps1
$vmicService = Get-Service -Name $Name -ErrorAction SilentlyContinue
if ($null -eq $vmicService) {
    '<<vmic:error>>'
    'not-installed'
    '<<vmic:end>>'
    exit 3
}
