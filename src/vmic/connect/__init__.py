r"""Connections: turning "a host name + options + credentials" into executors.

Everything that reaches a host or a guest starts here, whether the CLI or the audit
asks:

* :class:`HostEntry` holds one host's transport options (an inventory line, or the
  CLI's ``--host``/``--transport``/... options) and builds its executor
  (:meth:`HostEntry.executor`) or its :class:`HostTarget`;
* :class:`GuestAccess` says how guests are reached and :func:`guest_executor`
  builds one guest's executor (PowerShell Direct through the host, or SSH);
* :class:`CredentialResolver` finds passwords in the environment, the system
  keyring or a prompt, never on the command line;
* :func:`guest_observation` reads a guest with the client its OS needs;
* :func:`load_inventory` reads an inventory file (TOML, Ansible YAML or INI),
  :func:`parse_inventory` TOML text;
* :func:`one_line` and the ``EXIT_*`` statuses tell how a failure ends.

This package sits above the clients and below the diagnosis, the audit and the
CLI; it never imports them (nor :mod:`vmic.testing`).

>>> entry = parse_inventory('[[hosts]]\nname = "hv01"\ntransport = "local"\n').hosts[0]
>>> with entry.executor(CredentialResolver(use_keyring=False)) as executor:
...     type(executor).__name__
'LocalExecutor'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmic._lazy import lazy_face

if TYPE_CHECKING:
    from vmic.connect._credentials import (
        GUEST_PASSWORD_ENV as GUEST_PASSWORD_ENV,
        HOST_PASSWORD_ENV as HOST_PASSWORD_ENV,
        KEYRING_SERVICE as KEYRING_SERVICE,
        CredentialResolver as CredentialResolver,
    )
    from vmic.connect._errors import (
        EXIT_FAILED as EXIT_FAILED,
        EXIT_FINDINGS as EXIT_FINDINGS,
        EXIT_INTERNAL as EXIT_INTERNAL,
        EXIT_OK as EXIT_OK,
        EXIT_UNREACHABLE as EXIT_UNREACHABLE,
        EXIT_USAGE as EXIT_USAGE,
        exit_status_for as exit_status_for,
        one_line as one_line,
    )
    from vmic.connect._inventory import (
        GUEST_ACCESS as GUEST_ACCESS,
        PSRP_AUTHS as PSRP_AUTHS,
        TRANSPORTS as TRANSPORTS,
        GuestAccess as GuestAccess,
        GuestCredentials as GuestCredentials,
        HostEntry as HostEntry,
        Inventory as Inventory,
        InventoryError as InventoryError,
        guest_executor as guest_executor,
        parse_inventory as parse_inventory,
    )
    from vmic.connect._sources import load_inventory as load_inventory
    from vmic.connect._targets import (
        HostTarget as HostTarget,
        guest_observation as guest_observation,
        observe_guest as observe_guest,
        vm_uuid as vm_uuid,
    )

__all__, __getattr__, __dir__ = lazy_face(
    __name__,
    {
        "CredentialResolver": "._credentials",
        "EXIT_FAILED": "._errors",
        "EXIT_FINDINGS": "._errors",
        "EXIT_INTERNAL": "._errors",
        "EXIT_OK": "._errors",
        "EXIT_UNREACHABLE": "._errors",
        "EXIT_USAGE": "._errors",
        "GUEST_ACCESS": "._inventory",
        "GUEST_PASSWORD_ENV": "._credentials",
        "GuestAccess": "._inventory",
        "GuestCredentials": "._inventory",
        "HOST_PASSWORD_ENV": "._credentials",
        "HostEntry": "._inventory",
        "HostTarget": "._targets",
        "Inventory": "._inventory",
        "InventoryError": "._inventory",
        "KEYRING_SERVICE": "._credentials",
        "PSRP_AUTHS": "._inventory",
        "TRANSPORTS": "._inventory",
        "exit_status_for": "._errors",
        "guest_executor": "._inventory",
        "guest_observation": "._targets",
        "load_inventory": "._sources",
        "observe_guest": "._targets",
        "one_line": "._errors",
        "parse_inventory": "._inventory",
        "vm_uuid": "._targets",
    },
)
