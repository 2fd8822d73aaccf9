# Stop at the first error; no progress records in the output.
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
