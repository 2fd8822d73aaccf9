# REG QUERY as the specification checks the guest's integration services version; reg.exe's
# own words (also its error) are the section's text. Errors no longer stop the script from
# here on: a native program's standard error arrives as error records (w32tm's too).
$ErrorActionPreference = 'Continue'
$vmicKey = 'HKLM\Software\Microsoft\Virtual Machine\Auto'
$vmicReg = @(
    & reg.exe query $vmicKey /v IntegrationServicesVersion 2>&1 |
        ForEach-Object {
            if ($_ -is [System.Management.Automation.ErrorRecord]) { $_.Exception.Message }
            else { [string]$_ }
        }
)
