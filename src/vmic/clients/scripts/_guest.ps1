#vmic:include _strict.ps1
#vmic:include _guest-powershell.ps1
