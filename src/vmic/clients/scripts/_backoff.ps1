# Sleep until the next check: $vmicDelay seconds, doubling up to $MaxPoll, never past the
# deadline ($Timeout seconds after $vmicClock started); leave the loop at the deadline.
$vmicLeft = $Timeout - $vmicClock.Elapsed.TotalSeconds
if ($vmicLeft -le 0) { break }
Start-Sleep -Milliseconds ([int][Math]::Ceiling(1000 * [Math]::Min($vmicDelay, $vmicLeft)))
$vmicDelay = [Math]::Min($vmicDelay * 2, $MaxPoll)
