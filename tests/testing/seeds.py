"""Scripts with a planted defect, for the tests that show the check and the lab catch it."""

from __future__ import annotations

from vmic.clients import _scripts


def old_kvp_change() -> str:
    """host-kvp-change as it was: the host's items read back through ConvertFrom-Json.

    On Windows PowerShell 5.1, ``@(... | ConvertFrom-Json)`` holds the whole JSON array as one
    object (PowerShell issue #3424), so with two items or more no key seems to exist.
    """
    text = _scripts.script("host-kvp-change").text
    fixed = "$vmicExists = @(\n    vmicHostItems | Where-Object"
    assert fixed in text
    return text.replace(
        fixed,
        "$vmicBefore = @(vmicJson @(vmicHostItems) | ConvertFrom-Json)\n"
        "$vmicExists = @(\n    $vmicBefore | Where-Object",
    )


def guest_without_guard() -> str:
    """windows-services without its first check of the PowerShell version."""
    text = _scripts.script("windows-services").text
    return text.replace("$PSVersionTable.PSVersion.Major -lt 3", "$false")
