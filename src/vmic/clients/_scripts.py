r"""The scripts the clients send: the files of ``vmic/clients/scripts``, loaded once.

Each is a ``.ps1`` or ``.sh`` file an administrator can read, review and run by hand
(``vmic scripts show NAME`` prints one as it is sent); its opening comment block states its
contract (see :mod:`vmic.executors._script_files`). Every value a script needs (a VM name,
a service name, GUIDs, unit names) is a parameter of its :class:`~vmic.executors.Command`;
no script is ever built by splicing a value in.

Scripts print *sections*: a marker line ``<<vmic:NAME>>`` followed by that section's text,
in the form the matching parser reads (``ConvertTo-Json``, ``reg.exe``, ``lsmod``...). The
last line is ``<<vmic:end>>``, so an output cut short is told apart from a complete one. A
script that cannot do its work prints an ``error`` section whose first line is a reason word
(and exits with status 3).

PowerShell names VMs exactly: ``Get-VM -Name`` expands wildcards, so the scripts filter with
an ordinal string comparison instead, the selection of :class:`vmic.executors.VmSelector`
(the one fragment written in Python). Integration services are matched by the component
GUID at the end of their ``Id``, never by their display name, which the host shows in its
own language.

>>> script("host-inventory-vm").contract.parameters
('VMName',)
>>> script("host-inventory-vm").text.splitlines()[1]
'vmic-script: host-inventory-vm'
"""

from __future__ import annotations

import functools
import types
import uuid
from typing import TYPE_CHECKING, Final

from vmic.errors import ConfigurationError
from vmic.executors._script_files import Script, load_scripts
from vmic.executors._scripting import VmSelector

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["END", "ERROR_EXIT", "SCRIPT_FOLDER", "marker", "script", "scripts"]

#: Exit status of a script that printed an ``error`` section.
ERROR_EXIT: Final = 3
#: The folder of :mod:`vmic.clients` that holds the scripts.
SCRIPT_FOLDER: Final = "scripts"


def marker(name: str) -> str:
    """The line that opens section *name*."""
    return f"<<vmic:{name}>>"


#: The line every complete output ends with.
END: Final = marker("end")

# The names and ids given here only satisfy the selector's constructor: the expressions
# read the name or id from the parameter or variable named.
_BY_ID: Final = VmSelector.by_id(uuid.UUID(int=0), parameter="vmicKey")
_BY_NAME: Final = VmSelector.by_name("-", parameter="vmicKey")
_GENERATED: Final = {
    # The VMs named exactly $VMName, as an array in $vmicVms.
    "vms-by-name": "$vmicVms = " + VmSelector.by_name("-", parameter="VMName").expression,
    # The VMs of $vmicAll whose id ($Select 'id') or exact name is $vmicKey, in $vmicFound.
    "vms-by-key": (
        "if ($Select -eq 'id') {\n"
        f"    $vmicFound = @($vmicAll | Where-Object {{ {_BY_ID.test} }})\n"
        "} else {\n"
        f"    $vmicFound = @($vmicAll | Where-Object {{ {_BY_NAME.test} }})\n"
        "}"
    ),
}


@functools.cache
def scripts() -> Mapping[str, Script]:
    """Every script the clients send, by name (read from the package once)."""
    return types.MappingProxyType(load_scripts("vmic.clients", SCRIPT_FOLDER, generated=_GENERATED))


def script(name: str) -> Script:
    """The script called *name* (``host-inventory``, ``linux-observe``...).

    Raises:
        vmic.ConfigurationError: No script has that name.
    """
    found = scripts().get(name)
    if found is None:
        known = ", ".join(scripts())
        raise ConfigurationError(f"there is no script {name!r}; the scripts: {known}")
    return found
