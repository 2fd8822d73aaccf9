#vmic:include _strict.ps1
# The VMs named exactly $VMName (ordinal comparison: case and every character count).
#vmic:include vms-by-name
if ($vmicVms.Count -ne 1) {
    '<<vmic:error>>'
    'vm-count ' + $vmicVms.Count
    '<<vmic:end>>'
    exit 3
}
$vmicVm = $vmicVms[0]
