"""Starting PowerShell so that no script text or data travels in its command line.

The command line carries only a fixed bootstrap, passed with
``-EncodedCommand`` (so no shell between us and PowerShell, such as the
``cmd.exe`` that Windows OpenSSH starts, gets to reinterpret it). The
bootstrap reads the real script from standard input, where it arrives as one
line of Base64 of its UTF-8 text, and runs it.

Why not the alternatives:

* ``-Command <script>`` or ``-EncodedCommand <script>``: the script, with any
  values in it, would be visible to every user of the machine in the process
  list, and Base64 hides nothing.
* ``-Command -`` (script on stdin): PowerShell then reads stdin line by line as
  if typed at a prompt, so a multi-line statement needs a blank line after it
  and scripts behave differently from a file.
* A temporary script file: the values (passwords included) would touch the disk.
* Raw script text on stdin: Windows PowerShell decodes stdin with the console
  code page, which mangles non-ASCII names; Base64 keeps stdin ASCII.
"""

from __future__ import annotations

import base64
from typing import Final

__all__ = ["BOOTSTRAP", "BOOTSTRAP_ARGUMENTS", "encode_command", "stdin_payload"]

# SilentlyContinue, not Ignore: Ignore is an ActionPreference of PowerShell 3.0 and later
# (about_CommonParameters), and Windows 7 SP1 ships 2.0.
BOOTSTRAP: Final = """\
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
try { [Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false } catch { }
if ($null -ne (Get-Variable -Name PSStyle -ErrorAction SilentlyContinue)) {
    $PSStyle.OutputRendering = 'PlainText'
}
$vmicPayload = (@($input) -join '') -replace '\\s', ''
$vmicBytes = [System.Convert]::FromBase64String($vmicPayload)
$vmicScript = [System.Text.Encoding]::UTF8.GetString($vmicBytes)
Remove-Variable -Name vmicBytes
Remove-Variable -Name vmicPayload
$ErrorActionPreference = 'Continue'
& ([scriptblock]::Create($vmicScript))
"""
"""The fixed script PowerShell is started with; it holds no data."""


def encode_command(script: str) -> str:
    """Encode *script* the way ``-EncodedCommand`` expects (Base64 of UTF-16LE)."""
    return base64.b64encode(script.encode("utf-16-le")).decode("ascii")


BOOTSTRAP_ARGUMENTS: Final = (
    "-NoLogo",
    "-NoProfile",
    "-NonInteractive",
    "-InputFormat",
    "Text",
    "-OutputFormat",
    "Text",
    "-EncodedCommand",
    encode_command(BOOTSTRAP),
)
"""The arguments that follow the PowerShell executable's name."""


def stdin_payload(script: str) -> bytes:
    """Return what to write to the bootstrap's standard input for *script*."""
    return base64.b64encode(script.encode("utf-8")) + b"\n"
