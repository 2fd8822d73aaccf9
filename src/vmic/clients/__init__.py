"""Clients: typed operations on a Hyper-V host and its guests, over any executor.

- :class:`HyperVHost`: the inventory of a host in one round trip, and the host-side
  settings of integration services (enable, disable, apply a desired state);
- :class:`WindowsGuest`: the guest side in a Windows guest (version, ``vmic*`` services);
- :class:`LinuxGuest`: the guest side in a Linux guest (``hv_utils``, daemons, KVP pools).

Each produces the observation types of :mod:`vmic.model`, which the
diagnosis reads. The scripts they send are files of this package, each stating its contract
in its first lines (:func:`scripts`, :func:`script`; ``vmic scripts`` lists them); every
value travels as a command parameter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmic._lazy import lazy_face

if TYPE_CHECKING:
    from vmic.clients._host import (
        Change as Change,
        HyperVHost as HyperVHost,
        ServiceLike as ServiceLike,
    )
    from vmic.clients._linux import LinuxGuest as LinuxGuest
    from vmic.clients._operations import (
        CopyResult as CopyResult,
        Explainer as Explainer,
        Explanation as Explanation,
        ShutdownResult as ShutdownResult,
        WaitFor as WaitFor,
        WaitKind as WaitKind,
        WaitResult as WaitResult,
        host_explanation as host_explanation,
    )
    from vmic.clients._scripts import script as script, scripts as scripts
    from vmic.clients._windows import WindowsGuest as WindowsGuest
    from vmic.errors import (
        AmbiguousVMError as AmbiguousVMError,
        GuestCommandError as GuestCommandError,
        GuestPowerShellError as GuestPowerShellError,
        VerificationError as VerificationError,
        VMNotFoundError as VMNotFoundError,
    )

__all__, __getattr__, __dir__ = lazy_face(
    __name__,
    {
        "CopyResult": "._operations",
        "Explainer": "._operations",
        "Explanation": "._operations",
        "ShutdownResult": "._operations",
        "WaitFor": "._operations",
        "WaitKind": "._operations",
        "WaitResult": "._operations",
        "host_explanation": "._operations",
        "AmbiguousVMError": "vmic.errors",
        "Change": "._host",
        "GuestCommandError": "vmic.errors",
        "GuestPowerShellError": "vmic.errors",
        "HyperVHost": "._host",
        "LinuxGuest": "._linux",
        "ServiceLike": "._host",
        "VMNotFoundError": "vmic.errors",
        "VerificationError": "vmic.errors",
        "WindowsGuest": "._windows",
        "script": "._scripts",
        "scripts": "._scripts",
    },
)
