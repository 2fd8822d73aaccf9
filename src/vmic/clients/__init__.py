"""Clients: typed operations on a Hyper-V host and its guests, over any executor.

- :class:`HyperVHost`: the inventory of a host in one round trip, and the host-side
  settings of integration services (enable, disable, apply a desired state);
- :class:`WindowsGuest`: the guest side in a Windows guest (version, ``vmic*`` services);
- :class:`LinuxGuest`: the guest side in a Linux guest (``hv_utils``, daemons, KVP pools).

Each produces the observation types of :mod:`vmic.model.observations`, which the
diagnosis reads. The scripts they send are fixed text (:mod:`vmic.clients._scripts`);
every value travels as a command parameter.
"""

from __future__ import annotations

from vmic.clients.host import Change, HyperVHost, ServiceLike
from vmic.clients.linux import LinuxGuest
from vmic.clients.windows import WindowsGuest
from vmic.errors import (
    AmbiguousVMError,
    GuestCommandError,
    VerificationError,
    VMNotFoundError,
)

__all__ = [
    "AmbiguousVMError",
    "Change",
    "GuestCommandError",
    "HyperVHost",
    "LinuxGuest",
    "ServiceLike",
    "VMNotFoundError",
    "VerificationError",
    "WindowsGuest",
]
