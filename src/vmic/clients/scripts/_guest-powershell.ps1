# Windows 7 SP1 and Windows Server 2008 R2 SP1 ship Windows PowerShell 2.0; the rest of this
# script needs 3.0 (WMF 3.0 or later). The whole script parses on 2.0, so this check runs there.
if ($PSVersionTable.PSVersion.Major -lt 3) {
    '<<vmic:error>>'
    'powershell-version ' + $PSVersionTable.PSVersion
    '<<vmic:end>>'
    exit 3
}
